# SPDX-License-Identifier: BSD-2-Clause
# Build of tracee-rec (recorder, needs clang + bpftool + libbpf) and
# tracee-extract (extractor, needs only a C compiler, liblz4, libpcap and
# libarchive). The format library in format/ is shared by both.
#
#   make            build both tools into the repository root
#   make deps       install every build and test dependency (apt-get)
#   make check      run the whole test suite (end-to-end tests need root)
#   make check SAN=1  the same suite built with ASan+UBSan (in .output-san/)
#   make bench      print the benchmark figures
#   make fuzz       build the libFuzzer target for the trace reader (clang)
#   make fuzz-extract  build the libFuzzer target for the whole extractor (clang)
#   make extractor  build only tracee-extract (no BPF toolchain needed)

VERSION := 0.1.0

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
PKG_CONFIG ?= pkg-config

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

ifeq ($(SAN),1)
OUTPUT := .output-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
OUTPUT := .output
SAN_FLAGS :=
endif

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BASE_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
	-D_GNU_SOURCE -DTRACEE_REC_VERSION='"$(VERSION)"' -MMD -MP $(SAN_FLAGS)
INCLUDES := -I. -I$(OUTPUT)
CFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS := $(BASE_CFLAGS) $(INCLUDES) $(CFLAGS)
ALL_LDFLAGS := $(SAN_FLAGS) $(LDFLAGS)

# Libraries, one variable per tool so the extractor never pulls in libbpf.
FORMAT_LIBS := -llz4 -pthread
EXTRACT_LIBS := -lpcap -larchive -pthread $(FORMAT_LIBS)
RECORD_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz $(FORMAT_LIBS)

# ---------------------------------------------------------------- sources
FORMAT_SRCS := $(wildcard format/*.c)
FORMAT_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(FORMAT_SRCS))
FORMAT_LIB := $(OUTPUT)/libtraceformat.a

# common/: what both tools link that is not the trace format (libc only)
COMMON_SRCS := $(wildcard common/*.c)

EXTRACT_SRCS := $(filter-out extractor/main.c,$(wildcard extractor/*.c)) $(COMMON_SRCS)
EXTRACT_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(EXTRACT_SRCS))
EXTRACT_LIB := $(OUTPUT)/libextract.a

RECORD_SRCS := $(filter-out recorder/main.c,$(wildcard recorder/*.c)) $(COMMON_SRCS)
RECORD_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(RECORD_SRCS))
RECORD_LIB := $(OUTPUT)/librecord.a

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))

# Unit tests: tests/unit/ links format + extractor code only (runs anywhere);
# tests/unit-recorder/ also links the recorder's user-space code and libbpf.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))
UNIT_REC_SRCS := $(wildcard tests/unit-recorder/test_*.c)
UNIT_REC_BINS := $(patsubst tests/unit-recorder/%.c,$(OUTPUT)/tests/%,$(UNIT_REC_SRCS))
# Helper programs used by tests and benchmarks (generators, workloads).
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUTPUT)/tests/tools/%,$(TOOL_SRCS))
BENCH_SRCS := $(filter-out %.bpf.c,$(wildcard bench/*.c))
BENCH_BINS := $(patsubst bench/%.c,$(OUTPUT)/bench/%,$(BENCH_SRCS))
# Benchmark programs with a BPF side (bench/X.bpf.c + bench/X.c): reference
# points measured next to the recorder, never part of it.
BENCH_BPF_SRCS := $(wildcard bench/*.bpf.c)
BENCH_BPF_BINS := $(patsubst bench/%.bpf.c,$(OUTPUT)/bench/%,$(BENCH_BPF_SRCS))

.PHONY: all recorder extractor deps check bench fuzz fuzz-extract clean test-programs vmlinux demo

# The tools are linked in $(OUTPUT)/ and, for the normal build, copied to
# the repository root; a SAN=1 build never replaces the root copies, and the
# tests use the binaries of their own build ($(OUTPUT)/tracee-*).
ifeq ($(SAN),1)
all: $(OUTPUT)/tracee-rec $(OUTPUT)/tracee-extract
recorder: $(OUTPUT)/tracee-rec
extractor: $(OUTPUT)/tracee-extract
else
all: tracee-rec tracee-extract
recorder: tracee-rec
extractor: tracee-extract

tracee-rec: $(OUTPUT)/tracee-rec
	$(Q)cp $< $@
tracee-extract: $(OUTPUT)/tracee-extract
	$(Q)cp $< $@
endif

# ---------------------------------------------------------------- format library
$(OUTPUT)/%.o: %.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(FORMAT_LIB): $(FORMAT_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(EXTRACT_LIB): $(EXTRACT_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------- extractor
$(OUTPUT)/tracee-extract: $(OUTPUT)/extractor/main.o $(EXTRACT_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(EXTRACT_LIBS) -o $@

# ---------------------------------------------------------------- BPF side
# Header search path for `-target bpf`: clang's own system include dirs
# re-added with -idirafter so asm/types.h is found on every distribution.
CLANG_BPF_SYS_INCLUDES = $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
VMLINUX_DIR := bpf/vmlinux/$(ARCH)
# -mcpu=v3: atomic fetch-and-add (stream positions; Linux 5.12) and 32-bit jumps
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(VMLINUX_DIR) -I. -Wall \
	-Wno-unused-function -MMD -MP

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c
	$(call msg,BPF,$@)
	@test -f $(VMLINUX_DIR)/vmlinux.h || { echo "architecture $(ARCH) is not supported: no $(VMLINUX_DIR)/vmlinux.h (make vmlinux)"; exit 1; }
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/bench/%.bpf.o: bench/%.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/bench/%.skel.h: $(OUTPUT)/bench/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# Regenerate the checked-in kernel type header from the running kernel.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_DIR)/vmlinux.h

# ---------------------------------------------------------------- recorder
# A probe's user-space half (recorder/X.c) includes its own skeleton
# (X.skel.h of bpf/X.bpf.c), and only that one: it waits for that skeleton
# alone and is rebuilt when that BPF object changes.
$(patsubst bpf/%.bpf.c,$(OUTPUT)/recorder/%.o,$(BPF_SRCS)): $(OUTPUT)/recorder/%.o: $(OUTPUT)/%.skel.h

$(RECORD_LIB): $(RECORD_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/tracee-rec: $(OUTPUT)/recorder/main.o $(RECORD_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $^ $(RECORD_LIBS) -o $@

# ---------------------------------------------------------------- tests
$(OUTPUT)/tests/%: tests/unit/%.c $(EXTRACT_LIB) $(FORMAT_LIB)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(EXTRACT_LIB) $(FORMAT_LIB) $(ALL_LDFLAGS) $(EXTRACT_LIBS) -o $@

$(OUTPUT)/tests/%: tests/unit-recorder/%.c $(RECORD_LIB) $(FORMAT_LIB)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(RECORD_LIB) $(FORMAT_LIB) $(ALL_LDFLAGS) $(RECORD_LIBS) -o $@

$(OUTPUT)/tests/tools/%: tests/tools/%.c $(EXTRACT_LIB) $(FORMAT_LIB)
	$(call msg,TOOL-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(EXTRACT_LIB) $(FORMAT_LIB) $(ALL_LDFLAGS) $(EXTRACT_LIBS) -lpthread -o $@

$(OUTPUT)/tests/fuzz_replay: tests/fuzz/fuzz_reader.c tests/fuzz/replay_driver.c $(FORMAT_LIB)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(ALL_LDFLAGS) $(FORMAT_LIBS) -o $@

# The extractor target replays its corpus through the whole extraction.
$(OUTPUT)/tests/fuzz_extract_replay: tests/fuzz/fuzz_extract.c tests/fuzz/replay_driver.c \
		$(EXTRACT_LIB) $(FORMAT_LIB)
	$(call msg,TEST-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(ALL_LDFLAGS) $(EXTRACT_LIBS) -o $@

test-programs: all $(UNIT_BINS) $(UNIT_REC_BINS) $(TOOL_BINS) $(OUTPUT)/tests/fuzz_replay \
	$(OUTPUT)/tests/fuzz_extract_replay $(OUTPUT)/tracee-rec-static

# The runner prints one line per test and closes with "N passed, N failed".
check: test-programs
	$(Q)OUTPUT=$(OUTPUT) tests/run-tests.sh

# libFuzzer build of the reader target, with ASan+UBSan (clang only).
fuzz: tests/fuzz/fuzz_reader.c $(wildcard format/*.c)
	@mkdir -p .output-fuzz
	$(CLANG) -O1 -g -std=gnu11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
		tests/fuzz/fuzz_reader.c $(FORMAT_SRCS) -llz4 -o .output-fuzz/fuzz_reader
	@echo "run: mkdir -p .output-fuzz/new && .output-fuzz/fuzz_reader -max_total_time=60 -dict=tests/fuzz/reader.dict .output-fuzz/new tests/fuzz/corpus"

# libFuzzer build of the whole extractor (every handler, spool, archive),
# with ASan+UBSan (clang only), and the trace-aware mutator that keeps frame
# checksums valid. The extractor's --version needs the version.
fuzz-extract: .output-fuzz/fuzz_extract
	@echo "run: mkdir -p .output-fuzz/extract-new && .output-fuzz/fuzz_extract -max_len=20000 -timeout=10 -max_total_time=60 -dict=tests/fuzz/extract.dict .output-fuzz/extract-new tests/fuzz/extract_corpus"

.output-fuzz/fuzz_extract: tests/fuzz/fuzz_extract.c tests/fuzz/extract_mutator.c $(FORMAT_SRCS) \
		$(EXTRACT_SRCS) $(wildcard format/*.h extractor/*.h)
	@mkdir -p .output-fuzz
	$(CLANG) -O1 -g -std=gnu11 -D_GNU_SOURCE -DTRACEE_REC_VERSION='"$(VERSION)"' -I. \
		-fsanitize=fuzzer,address,undefined \
		tests/fuzz/fuzz_extract.c tests/fuzz/extract_mutator.c $(FORMAT_SRCS) $(EXTRACT_SRCS) \
		$(EXTRACT_LIBS) -o $@

# ---------------------------------------------------------------- benchmarks
$(OUTPUT)/bench/%: bench/%.c $(EXTRACT_LIB) $(FORMAT_LIB)
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(EXTRACT_LIB) $(FORMAT_LIB) $(ALL_LDFLAGS) $(EXTRACT_LIBS) -lpthread -o $@

$(BENCH_BPF_BINS): $(OUTPUT)/bench/%: bench/%.c $(OUTPUT)/bench/%.skel.h
	$(call msg,BENCH-CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $< $(ALL_LDFLAGS) $(RECORD_LIBS) -o $@

bench: all $(BENCH_BINS) $(BENCH_BPF_BINS) $(TOOL_BINS)
	$(Q)OUTPUT=$(OUTPUT) bench/run-bench.sh

# ---------------------------------------------------------------- demo
demo: all
	$(Q)tests/demo.sh

# ---------------------------------------------------------------- dependencies
# Idempotent: apt-get install does nothing for packages already present.
# DEB_OPTIONAL are installed where the distribution has them (libFuzzer's
# runtime for `make fuzz` is named after the clang version).
DEB_PACKAGES := build-essential libbpf-dev bpftool clang llvm libelf-dev liblz4-dev lz4 \
	libpcap-dev libarchive-dev zlib1g-dev pkg-config tcpdump tshark libarchive-tools jq \
	binutils-bpf strace hyperfine iproute2 iputils-ping dnsutils python3 \
	coreutils procps curl util-linux wireshark-common fio podman crun busybox-static \
	groff-base man-db time nginx mount e2fsprogs
DEB_OPTIONAL := libclang-rt-14-dev
deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (sudo make deps)"; exit 1; fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES)
	@for p in $(DEB_OPTIONAL); do \
		if apt-cache show "$$p" >/dev/null 2>&1; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$$p"; \
		else echo "make deps: $$p is not available here (only make fuzz needs it)"; fi; \
	done

clean:
	rm -rf .output .output-san .output-fuzz tracee-rec tracee-extract

# ---------------------------------------------------------------- install, static
#   make install [PREFIX=/usr/local] [DESTDIR=]   both tools and the manual pages
#   make uninstall [PREFIX=...] [DESTDIR=]        removes what install put there
#   make static   $(OUTPUT)/tracee-rec-static: the recorder linked statically
#                 (glibc, libbpf, libelf, zlib, liblz4), one file to copy to a host
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
MANDIR := $(PREFIX)/share/man
INSTALL ?= install

.PHONY: install uninstall static

install: $(OUTPUT)/tracee-rec $(OUTPUT)/tracee-extract
	$(INSTALL) -D -m 0755 $(OUTPUT)/tracee-rec $(DESTDIR)$(BINDIR)/tracee-rec
	$(INSTALL) -D -m 0755 $(OUTPUT)/tracee-extract $(DESTDIR)$(BINDIR)/tracee-extract
	$(INSTALL) -D -m 0644 man/tracee-rec.1 $(DESTDIR)$(MANDIR)/man1/tracee-rec.1
	$(INSTALL) -D -m 0644 man/tracee-extract.1 $(DESTDIR)$(MANDIR)/man1/tracee-extract.1
	$(INSTALL) -D -m 0644 man/tracee-trc.5 $(DESTDIR)$(MANDIR)/man5/tracee-trc.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tracee-rec $(DESTDIR)$(BINDIR)/tracee-extract \
		$(DESTDIR)$(MANDIR)/man1/tracee-rec.1 $(DESTDIR)$(MANDIR)/man1/tracee-extract.1 \
		$(DESTDIR)$(MANDIR)/man5/tracee-trc.5

static: $(OUTPUT)/tracee-rec-static

# Debian's static archives (libbpf-dev, libelf-dev, zlib1g-dev, liblz4-dev,
# libc6-dev); pkg-config --static adds what libbpf and libelf need themselves.
STATIC_RECORD_LIBS = $(shell $(PKG_CONFIG) --static --libs libbpf libelf 2>/dev/null || \
	echo -lbpf -lelf -lz) -lelf -lz $(FORMAT_LIBS)

ifeq ($(SAN),1)
# the sanitizers have no fully static runtime: the SAN=1 build takes the
# static recorder of the normal build (what is deployed is never sanitized)
.PHONY: $(OUTPUT)/tracee-rec-static
$(OUTPUT)/tracee-rec-static:
	$(Q)$(MAKE) --no-print-directory SAN= .output/tracee-rec-static
	@mkdir -p $(dir $@)
	$(Q)cp .output/tracee-rec-static $@
else
# -static, then a check that nothing dynamic is left (no interpreter, no
# needed library): the binary runs where no shared library exists.
$(OUTPUT)/tracee-rec-static: $(OUTPUT)/recorder/main.o $(RECORD_LIB) $(FORMAT_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) -static $(ALL_LDFLAGS) $^ $(STATIC_RECORD_LIBS) -o $@
	$(Q)if readelf -ld $@ | grep -Eq 'INTERP|NEEDED'; then \
		echo "$@: not static:"; readelf -ld $@ | grep -E 'INTERP|NEEDED'; rm -f $@; exit 1; fi
endif

.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS) $(SKELS) $(BENCH_BPF_SRCS:bench/%.bpf.c=$(OUTPUT)/bench/%.bpf.o) \
	$(BENCH_BPF_SRCS:bench/%.bpf.c=$(OUTPUT)/bench/%.skel.h)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
