/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text for the analyst's terminal. Much of what the extractor prints comes
 * from the trace (host names, commands, file names, comms), that is from
 * the recorded host: a byte that a terminal acts upon (C0 and C1 controls,
 * DEL, escape sequences) or that is not UTF-8 is printed as \xNN instead.
 */
#ifndef TRACEE_EXTRACT_TERMINAL_TEXT_H
#define TRACEE_EXTRACT_TERMINAL_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* s, every byte that is not printable UTF-8 text as \xNN (a newline too). */
void terminal_puts(FILE *f, const char *s);

/*
 * printf, then the same, except for a newline that ends the text: a
 * newline from the trace cannot start a line that looks like one of ours.
 */
void terminal_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * terminal_puts() into buf (len bytes, NUL-terminated; at least 1): for
 * text shown in other places than the summary, such as pcapng comments.
 * A character that does not fit whole is left out with all that follows.
 * The length of the text written.
 */
size_t terminal_text_copy(char *buf, size_t len, const char *s);

#endif /* TRACEE_EXTRACT_TERMINAL_TEXT_H */
