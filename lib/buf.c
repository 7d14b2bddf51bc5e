/* buf: a growable byte string (see buf.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "xalloc.h"

static void reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need > b->cap) {
		size_t c = b->cap ? b->cap : 64;

		while (c < need)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	char probe[1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(probe, sizeof(probe), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->p ? b->p : xstrdup("");

	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}

/* "1 GiB", "64 KiB", "100 bytes". */
static void size_words(char *out, size_t n, size_t size)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB" };
	size_t u = 0;

	while (u < 3 && size >= 1024 && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	snprintf(out, n, "%zu %s", size, units[u]);
}

int buf_read_file(struct buf *b, const char *path, size_t max)
{
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "rb");
	char chunk[65536], words[32];
	size_t n, start = b->len;
	int rc = 0, e;

	if (!f)
		return preg_error_set(errno == ENOENT ? PREG_ENOTFOUND : PREG_EIO, "cannot read '%s': %s", path,
				      strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(b, chunk, n);
		if (max && b->len - start > max) {
			size_words(words, sizeof(words), max);
			rc = preg_error_set(PREG_EINVAL, "'%s' is larger than %s", path, words);
			break;
		}
	}
	e = errno;
	if (!rc && ferror(f))
		rc = preg_error_set(PREG_EIO, "cannot read '%s': %s", path, strerror(e));
	if (!in)
		fclose(f);
	return rc;
}
