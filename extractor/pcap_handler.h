/* SPDX-License-Identifier: BSD-2-Clause */
/* The pcap artifact handler (pcap_handler.c), listed in extractor/handlers.c. */
#ifndef TRACEE_EXTRACT_PCAP_HANDLER_H
#define TRACEE_EXTRACT_PCAP_HANDLER_H

#include "extractor/extract.h"

extern const struct artifact_handler pcap_handler;

#endif /* TRACEE_EXTRACT_PCAP_HANDLER_H */
