/*
 * Shared checks of the fuzz harnesses (see README.md): the form of an
 * error message, and the switches that relax a check already reported.
 */
#ifndef PREG_FUZZ_COMMON_H
#define PREG_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* FUZZ_RELAX="name,name": checks to skip, so that a long run can go on past
 * a finding already known. Names: msgctrl, msgutf8, reread, idempotent,
 * comment, lent, dup. Nothing is relaxed by default. */
static inline bool fuzz_relaxed(const char *name)
{
	static const char *relax;
	static bool init;
	size_t n = strlen(name);

	if (!init) {
		relax = getenv("FUZZ_RELAX");
		init = true;
	}
	for (const char *p = relax; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && !strncmp(p, name, n))
			return true;
		p = e ? e + 1 : p + l;
	}
	return false;
}

static inline void fuzz_violation(const char *check, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static inline void fuzz_violation(const char *check, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\n==== PROPERTY VIOLATION [%s]: ", check);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* Print s with its bytes escaped, for a violation report. */
static inline void fuzz_dump(const char *label, const char *s, size_t n)
{
	fprintf(stderr, "---- %s (%zu bytes):\n", label, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n\n", stderr);
		else if (c == '\\')
			fputs("\\\\", stderr);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputs("\n----\n", stderr);
}

static bool fuzz_utf8_ok(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = p[i], cp, len;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (unsigned j = 1; j < len; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* s (n bytes) must hold no control character (C0, DEL, C1: it goes to a
 * terminal) and be valid UTF-8. */
static inline void fuzz_check_line(const char *s, size_t n, const char *stage)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!fuzz_relaxed("msgctrl"))
		for (size_t i = 0; i < n; i++)
			if (u[i] < 0x20 || u[i] == 0x7f ||
			    (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)) {
				fuzz_dump("message", s, n);
				fuzz_violation("msgctrl", "%s: control character at byte %zu of the message",
					       stage, i);
			}
	if (!fuzz_relaxed("msgutf8") && !fuzz_utf8_ok(u, n)) {
		fuzz_dump("message", s, n);
		fuzz_violation("msgutf8", "%s: the message is not valid UTF-8", stage);
	}
}

/* The current error message must read "PATH:LINE: text" (col false) or
 * "PATH:LINE:COL: text" with LINE and COL >= 1, and pass fuzz_check_line. */
static inline void fuzz_check_msg_at(const char *path, const char *stage, bool col_too)
{
	const char *m = preg_error_msg();
	size_t pl = strlen(path), n = strlen(m);
	const char *p;
	long line = 0, col = 0;
	char *end;

	if (strncmp(m, path, pl) || m[pl] != ':') {
		fuzz_dump("message", m, n);
		fuzz_violation("msgform", "%s: message does not start with '%s:'", stage, path);
	}
	p = m + pl + 1;
	if (*p < '0' || *p > '9' || (line = strtol(p, &end, 10)) < 1 || *end != ':') {
		fuzz_dump("message", m, n);
		fuzz_violation("msgform", "%s: no LINE >= 1 after the path", stage);
	}
	p = end + 1;
	if (col_too && (*p < '0' || *p > '9' || (col = strtol(p, &end, 10)) < 1 || *end != ':')) {
		fuzz_dump("message", m, n);
		fuzz_violation("msgform", "%s: no COL >= 1 after the line", stage);
	}
	if (col_too)
		p = end + 1;
	if (p[0] != ' ' || !p[1]) {
		fuzz_dump("message", m, n);
		fuzz_violation("msgform", "%s: no ': text' after the position", stage);
	}
	fuzz_check_line(m, n, stage);
}

/* The current error message must read "PATH:LINE:COL: text" (see
 * fuzz_check_msg_at). */
static inline void fuzz_check_msg(const char *path, const char *stage)
{
	fuzz_check_msg_at(path, stage, true);
}

/* Empty the warning queue, so that memory does not grow over a run. */
static inline void fuzz_drop_warnings(void)
{
	char **w;
	size_t n = preg_warnings_take(&w);

	preg_warnings_free(w, n);
}

#endif
