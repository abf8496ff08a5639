// SPDX-License-Identifier: BSD-2-Clause
/*
 * The container rule (format/container_rule.h) on the runtimes' real cgroup
 * paths, and the short ids of pcap names.
 */
#include <stdio.h>
#include <string.h>

#include "extractor/container_id.h"
#include "format/container_id.h"
#include "tests/unit/cgroup_table.h"
#include "tests/unit/check.h"

static void expect(const char *path, const char *want)
{
	char id[CONTAINER_ID_LEN + 1];
	int found = tr_container_id(path, strlen(path), id);

	CHECK(strcmp(id, want) == 0 && found == (want[0] != '\0'),
	      "%s: expected '%s', got '%s' (found=%d)", path, want[0] ? want : "host", id, found);
}

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

int main(void)
{
	char name[CONTAINER_RULE_NAME_MAX + 8];
	char out[CONTAINER_SHORT_ID_LEN + 1];
	char id[CONTAINER_ID_LEN + 1];

	CHECK(cgroup_table_each(expect) > 30, "the table of real paths");

	/* what the table cannot hold: names too long for any kernel, slashes only */
	memset(name, 'a', sizeof(name));
	name[0] = '/';
	memcpy(name + sizeof(name) - 1 - CONTAINER_ID_LEN, ID, CONTAINER_ID_LEN);
	name[sizeof(name) - 1] = '\0';
	expect(name, "");
	expect("////", "");
	expect("", "");
	/* the path's length is what counts, not a NUL */
	CHECK(tr_container_id("/docker/" ID "/x", 8 + CONTAINER_ID_LEN, id) == 1 &&
		      strcmp(id, ID) == 0,
	      "a path cut before its last component");

	container_id_short(ID, out);
	CHECK(strcmp(out, "0123456789a") == 0, "short id: %s", out);
	container_id_short("", out);
	CHECK(strcmp(out, "host") == 0, "short host: %s", out);
	container_id_short(NULL, out);
	CHECK(strcmp(out, "host") == 0, "short NULL: %s", out);

	return check_summary("container rule");
}
