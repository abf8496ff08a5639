/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The short form of container ids (format/container_id.h) that Tracee
 * gives pcap folders and names.
 */
#ifndef TRACEE_EXTRACT_CONTAINER_ID_H
#define TRACEE_EXTRACT_CONTAINER_ID_H

#include "format/container_id.h"

/* Tracee names pcap folders with the first 11 characters of the id. */
#define CONTAINER_SHORT_ID_LEN 11

/* The short form of a full id (its first 11 characters), or "host" for "" / NULL. */
void container_id_short(const char *id, char out[CONTAINER_SHORT_ID_LEN + 1]);

#endif /* TRACEE_EXTRACT_CONTAINER_ID_H */
