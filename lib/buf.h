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
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Hand the bytes to the caller (who frees them); the buffer is empty after. */
char *buf_detach(struct buf *b);
/* The contents as a string ("" for an empty buffer); lent. */
const char *buf_str(const struct buf *b);

/* Append the bytes of the file at path ("-": the standard input) to b,
 * refusing one of more than max bytes (0: no limit). 0, else
 * PREG_ENOTFOUND (no such file), PREG_EIO (it cannot be read) or
 * PREG_EINVAL (too large), with the error slot naming path. */
int buf_read_file(struct buf *b, const char *path, size_t max);

#endif
