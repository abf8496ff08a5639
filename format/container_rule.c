// SPDX-License-Identifier: BSD-2-Clause
/* The container of a cgroup path, by the rule of container_rule.h. */
#include "format/container_id.h"

#include <string.h>

#include "format/container_rule.h"

int tr_container_id(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1])
{
	char name[CONTAINER_RULE_NAME_MAX];
	size_t end = len;

	/* the components from the deepest one up */
	while (end > 0) {
		size_t start;
		int at;

		while (end > 0 && path[end - 1] == '/')
			end--;
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		if (end > start && end - start < CONTAINER_RULE_NAME_MAX) {
			memset(name, 0, sizeof(name));
			memcpy(name, path + start, end - start);
			at = container_rule_component(name, (int)(end - start));
			if (at >= 0) {
				memcpy(id, name + at, CONTAINER_ID_LEN);
				id[CONTAINER_ID_LEN] = '\0';
				return 1;
			}
		}
		end = start;
	}
	id[0] = '\0';
	return 0;
}
