// SPDX-License-Identifier: BSD-2-Clause
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/json_out.h"
#include "extractor/pcap_context.h"
#include "extractor/terminal_text.h"
#include "format/capture_tokens.h"

/* One "Key: value" line of trace text, escaped; false when buf is full. */
static bool put_line(char *buf, size_t len, size_t *n, const char *key, const char *value,
		     bool last)
{
	int k = snprintf(buf + *n, len - *n, "%s: ", key);

	if (k < 0 || (size_t)k >= len - *n)
		return false;
	*n += (size_t)k;
	*n += terminal_text_copy(buf + *n, len - *n, value);
	if (!last) {
		if (*n + 1 >= len)
			return false;
		buf[(*n)++] = '\n';
		buf[*n] = '\0';
	}
	return true;
}

size_t pcap_comment_text(char *buf, size_t len, const struct pcap_owner_text *o)
{
	char num[16];
	size_t n = 0;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	snprintf(num, sizeof(num), "%" PRIu32, o->pid);
	if (!put_line(buf, len, &n, "PID", num, false))
		return n;
	snprintf(num, sizeof(num), "%" PRIu32, o->tid);
	if (!put_line(buf, len, &n, "ThreadId", num, false) ||
	    !put_line(buf, len, &n, "ThreadName", o->comm, false))
		return n;
	if (o->container_id && o->container_id[0] &&
	    !put_line(buf, len, &n, "ContainerId", o->container_id, false))
		return n;
	put_line(buf, len, &n, "Direction", o->ingress ? "ingress" : "egress", true);
	return n;
}

/* ,"key":"value" (the value JSON escaped; NULL is ""). */
static void put_string(FILE *f, const char *key, const char *value)
{
	fprintf(f, ",\"%s\":", key);
	json_put_cstring(f, value ? value : "");
}

char *pcap_context_json(const struct pcap_file_context *c)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	fputs("{\"version\":\"1.0\"", f);
	/* Tracee fills container, kubernetes and host for every layout but single */
	if (c->layout != TR_PCAP_SINGLE) {
		fputs(",\"container\":{", f);
		if (c->container_id && c->container_id[0]) {
			fputs("\"id\":", f);
			json_put_cstring(f, c->container_id);
		}
		fputs("},\"kubernetes\":{}", f);
		if (c->hostname && c->hostname[0])
			put_string(f, "hostName", c->hostname);
	}
	if (c->layout == TR_PCAP_COMMAND || c->layout == TR_PCAP_PROCESS)
		put_string(f, "processName", c->comm);
	if (c->layout == TR_PCAP_PROCESS) {
		fprintf(f,
			",\"process\":{\"threadStartTime\":%" PRId64 ",\"processId\":%" PRIu32
			",\"cgroupId\":%" PRIu64 ",\"threadId\":%" PRIu32
			",\"parentProcessId\":%" PRIu32 ",\"hostProcessId\":%" PRIu32
			",\"hostThreadId\":%" PRIu32 ",\"hostParentProcessId\":%" PRIu32
			",\"userId\":%" PRIu32 ",\"mountNamespace\":0,\"pidNamespace\":0",
			c->thread_start_wall_ns, c->pid, c->cgroup_id, c->tid, c->ppid, c->pid,
			c->tid, c->ppid, c->uid);
		put_string(f, "executable", c->exe);
		fputc('}', f);
	}
	fputc('}', f);
	if (ferror(f)) {
		fclose(f);
		free(text);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
