/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Room for a decoded record of any type, for tests that decode records of
 * every type (the format unit tests and the reader's fuzz target). A new
 * record type gets its member here.
 */
#ifndef TESTS_ANY_RECORD_H
#define TESTS_ANY_RECORD_H

#include "format/trace_records.h"

union any_record {
	struct tr_trailer trailer;
	struct tr_loss loss;
	struct tr_process process;
	struct tr_process_exit process_exit;
	struct tr_cgroup cgroup;
	struct tr_file file;
	struct tr_io_chunk io_chunk;
	struct tr_io_loss io_loss;
	struct tr_exec exec;
	struct tr_exec_info exec_info;
	struct tr_binary_chunk binary_chunk;
	struct tr_binary_end binary_end;
	struct tr_packet packet;
	struct tr_mem_chunk mem_chunk;
	struct tr_wx_mapping wx_mapping;
	struct tr_module_chunk module_chunk;
	struct tr_bpf_prog_chunk bpf_prog_chunk;
	struct tr_syscall_result syscall_result;
};

#endif
