/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The table of real cgroup paths, tests/data/container-cgroups.tsv, that
 * every side of the container rule is tested with: each row once to the
 * callback, with the expected container id ("" for a host cgroup).
 */
#ifndef TESTS_UNIT_CGROUP_TABLE_H
#define TESTS_UNIT_CGROUP_TABLE_H

#include <stdio.h>
#include <string.h>

#define CGROUP_TABLE_PATH "tests/data/container-cgroups.tsv"

/* The number of rows, or -1 when the table cannot be read or a row is malformed. */
static inline int cgroup_table_each(void (*fn)(const char *path, const char *want))
{
	char line[4096];
	int rows = 0;
	FILE *f = fopen(CGROUP_TABLE_PATH, "r");

	if (!f) {
		perror(CGROUP_TABLE_PATH);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!tab) {
			fprintf(stderr, "%s: no tab in '%s'\n", CGROUP_TABLE_PATH, line);
			rows = -1;
			break;
		}
		*tab = '\0';
		fn(tab + 1, strcmp(line, "host") ? line : "");
		rows++;
	}
	fclose(f);
	return rows;
}

#endif
