// SPDX-License-Identifier: BSD-2-Clause
/* JSON strings of untrusted bytes; see json_out.h. */
#include "extractor/json_out.h"

#include <string.h>

/* Length of the UTF-8 sequence starting at p (at most n bytes), 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past Unicode are not UTF-8 */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void json_put_string(FILE *f, const void *s, size_t n)
{
	const unsigned char *p = s;

	fputc('"', f);
	while (n) {
		size_t len = utf8_len(p, n);

		if (len == 0) {
			fprintf(f, "\\\\x%02x", *p); /* not UTF-8: \xNN as text */
			len = 1;
		} else if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else {
			fwrite(p, 1, len, f);
		}
		p += len;
		n -= len;
	}
	fputc('"', f);
}

void json_put_cstring(FILE *f, const char *s)
{
	json_put_string(f, s, strlen(s));
}
