/*
 * buf: a growable byte string, always NUL-terminated. A zeroed struct buf
 * (BUF_INIT) is an empty buffer; buf_release frees what it holds.
 */
#ifndef PREG_BUF_H
#define PREG_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s as one word the shell reads back as s: as it is when it holds
 * only characters no shell treats specially (letters, digits, UTF-8,
 * "@%+=:,./-_"), else in single quotes, a quote in it as '\''. For the
 * hints that hold a path, so that a path with a space can be pasted. */
void buf_add_shell(struct buf *b, const char *s);
/* Make room for extra more bytes (and the NUL) past b->len. */
void buf_grow(struct buf *b, size_t extra);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Hand the bytes to the caller (who frees them); the buffer is empty after. */
char *buf_detach(struct buf *b);
/* The contents as a string ("" for an empty buffer); lent. */
const char *buf_str(const struct buf *b);

/* Append the whole file at path (buf_file.c) ("-": the standard input) to b, unless it
 * holds more than max bytes: a regular file is refused by its size before
 * anything is read, anything else once max + 1 bytes have come, so that
 * neither time nor memory grows with what is refused. *size (may be NULL)
 * receives the file's size: the bytes read, or for a file refused its real
 * size (SIZE_MAX when only "more than max" is known). Returns 0;
 * PREG_EINVAL when too large ("'PATH' is SIZE bytes, larger than MAX", or
 * "'PATH' is larger than MAX bytes"; b as it was); PREG_ENOTFOUND or
 * PREG_EIO ("cannot read 'PATH': why"). */
int buf_read_file(struct buf *b, const char *path, size_t max, size_t *size);

#endif
