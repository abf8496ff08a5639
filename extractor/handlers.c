// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every artifact handler, in the order they see records and finish.
 * To add one: an extern line and a table entry.
 */
#include <stddef.h>

#include "extractor/extract.h"

extern const struct artifact_handler io_files_handler;
extern const struct artifact_handler exec_files_handler;
extern const struct artifact_handler pcap_handler;
extern const struct artifact_handler mem_files_handler;
extern const struct artifact_handler module_files_handler;
extern const struct artifact_handler bpf_files_handler;

const struct artifact_handler *const extract_handlers[] = {
	&io_files_handler,     &exec_files_handler, &pcap_handler, &mem_files_handler,
	&module_files_handler, &bpf_files_handler,  NULL,
};
