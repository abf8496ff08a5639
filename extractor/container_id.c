// SPDX-License-Identifier: BSD-2-Clause
/* Container id from a cgroup path (see container_id.h for the naming schemes). */
#include "extractor/container_id.h"

#include <string.h>

/* Prefixes runtimes put before the id in a systemd scope name. */
static const char *const scope_prefixes[] = {
    "docker-",
    "cri-containerd-",
    "crio-",
    "libpod-",
};

static bool is_hex_id(const char *s, size_t len)
{
	if (len != CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* One path component: a bare id, or <prefix><id>.scope. */
static bool component_id(const char *comp, size_t len, char id[CONTAINER_ID_LEN + 1])
{
	static const char scope_suffix[] = ".scope";
	const size_t suffix_len = sizeof(scope_suffix) - 1;

	if (is_hex_id(comp, len)) {
		memcpy(id, comp, CONTAINER_ID_LEN);
		id[CONTAINER_ID_LEN] = '\0';
		return true;
	}
	if (len <= suffix_len || memcmp(comp + len - suffix_len, scope_suffix, suffix_len) != 0)
		return false;
	len -= suffix_len;
	for (size_t i = 0; i < sizeof(scope_prefixes) / sizeof(scope_prefixes[0]); i++) {
		size_t plen = strlen(scope_prefixes[i]);
		if (len > plen && memcmp(comp, scope_prefixes[i], plen) == 0 &&
		    is_hex_id(comp + plen, len - plen)) {
			memcpy(id, comp + plen, CONTAINER_ID_LEN);
			id[CONTAINER_ID_LEN] = '\0';
			return true;
		}
	}
	return false;
}

bool container_id_from_cgroup_path(const char *path, size_t len, char id[CONTAINER_ID_LEN + 1])
{
	/* Walk the components from the deepest one up. */
	size_t end = len;
	while (end > 0) {
		while (end > 0 && path[end - 1] == '/')
			end--;
		size_t start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		if (end > start && component_id(path + start, end - start, id))
			return true;
		end = start;
	}
	id[0] = '\0';
	return false;
}

void container_id_short(const char *id, char out[CONTAINER_SHORT_ID_LEN + 1])
{
	if (!id || !id[0]) {
		strcpy(out, "host");
		return;
	}
	size_t n = strnlen(id, CONTAINER_SHORT_ID_LEN);
	memcpy(out, id, n);
	out[n] = '\0';
}
