// SPDX-License-Identifier: BSD-2-Clause
/*
 * Workloads for the module capture tests.
 *
 *   art_module gen OUT SIZE SEED   write an ELF image of SIZE bytes: an ELF64
 *                                  relocatable header followed by
 *                                  pseudo-random bytes (what init_module
 *                                  would parse, enough for the capture)
 *   art_module init IMAGE COUNT    init_module(IMAGE's bytes) COUNT times
 *   art_module finit FILE COUNT    finit_module(fd of FILE) COUNT times
 *
 * Prints its pid ("pid N") and each call's result ("init_module: -1 ENOSYS"),
 * then exits at once
 * (the recorder must not rely on the caller staying around).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "art_module: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void report(const char *call, long ret)
{
	if (ret < 0)
		printf("%s: %ld %s\n", call, ret, strerrorname_np(errno));
	else
		printf("%s: %ld\n", call, ret);
}

static int gen(const char *out, size_t size, unsigned int seed)
{
	Elf64_Ehdr eh = { 0 };
	unsigned char *image;
	size_t i;
	FILE *f;

	if (size < sizeof(eh)) {
		fprintf(stderr, "art_module: SIZE must be at least %zu\n", sizeof(eh));
		return 2;
	}
	image = malloc(size);
	if (!image)
		die("malloc");
	for (i = 0; i < size; i++)
		image[i] = rand_r(&seed);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	memcpy(image, &eh, sizeof(eh));
	f = fopen(out, "wb");
	if (!f || fwrite(image, 1, size, f) != size || fclose(f) != 0)
		die(out);
	free(image);
	return 0;
}

static int init(const char *path, int count)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	unsigned char *image;
	int i;

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	image = malloc(st.st_size);
	if (!image || read(fd, image, st.st_size) != st.st_size)
		die("read image");
	close(fd);
	printf("pid %d\n", (int)getpid());
	for (i = 0; i < count; i++)
		report("init_module",
		       syscall(SYS_init_module, image, (unsigned long)st.st_size, ""));
	free(image);
	return 0;
}

static int finit(const char *path, int count)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int i;

	if (fd < 0)
		die(path);
	printf("pid %d\n", (int)getpid());
	for (i = 0; i < count; i++)
		report("finit_module", syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
	if (argc == 4 && strcmp(argv[1], "init") == 0)
		return init(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "finit") == 0)
		return finit(argv[2], atoi(argv[3]));
	fprintf(stderr,
		"usage: art_module gen OUT SIZE SEED | init IMAGE COUNT | finit FILE COUNT\n");
	return 2;
}
