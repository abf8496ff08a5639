// SPDX-License-Identifier: BSD-2-Clause
/* Text made safe for a terminal: see terminal_text.h. */
#include "extractor/terminal_text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The length of the UTF-8 character at p that a terminal shows as text
 * (1 to 4), or 0: a control (C0, DEL, C1), or not UTF-8.
 */
static size_t printable_char(const unsigned char *p)
{
	size_t n, i;
	uint32_t c;

	if (p[0] < 0x20 || p[0] == 0x7f)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF, and the C1 controls */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
	    c > 0x10ffff || (c >= 0x80 && c <= 0x9f))
		return 0;
	return n;
}

/* keep_end_newline: a newline that ends s stays one (a line of ours). */
static void put_text(FILE *f, const char *s, bool keep_end_newline)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = printable_char(p);

		if (n) {
			fwrite(p, 1, n, f);
			p += n;
		} else if (*p == '\n' && keep_end_newline && p[1] == '\0') {
			fputc('\n', f);
			p++;
		} else {
			fprintf(f, "\\x%02x", *p);
			p++;
		}
	}
}

void terminal_puts(FILE *f, const char *s)
{
	put_text(f, s, false);
}

void terminal_printf(FILE *f, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put_text(f, buf, true);
}

size_t terminal_text_copy(char *buf, size_t len, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t out = 0;

	while (*p) {
		size_t n = printable_char(p);

		if (n) {
			if (out + n >= len)
				break;
			for (size_t i = 0; i < n; i++)
				buf[out++] = (char)p[i];
			p += n;
		} else {
			if (out + 4 >= len)
				break;
			buf[out++] = '\\';
			buf[out++] = 'x';
			buf[out++] = hex[*p >> 4];
			buf[out++] = hex[*p & 15];
			p++;
		}
	}
	buf[out] = '\0';
	return out;
}
