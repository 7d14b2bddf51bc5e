/*
 * xalloc: allocation that cannot fail. Out of memory is the one condition on
 * which lib/ gives up: it prints "preg: out of memory" and exits 1.
 */
#ifndef PREG_XALLOC_H
#define PREG_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Out of memory elsewhere (a library's allocator): the same end. */
void xalloc_die(void) __attribute__((noreturn));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow *p (an array of *cap elements of size) to hold at least need. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A copy of s without its leading and trailing blanks (spaces, tabs). */
char *xstrtrim(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

#endif
