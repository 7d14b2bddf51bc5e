/* buf: a growable byte string (see buf.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int too_large(const char *path, size_t max, size_t size, bool exact)
{
	if (exact)
		return preg_error_set(PREG_EINVAL, "'%s' is %zu bytes, larger than %zu", path, size, max);
	return preg_error_set(PREG_EINVAL, "'%s' is larger than %zu bytes", path, max);
}

int buf_read_file(struct buf *b, const char *path, size_t max, size_t *size)
{
	bool in = !strcmp(path, "-");
	int fd = in ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	size_t start = b->len, got = 0, dummy;
	struct stat st;
	int rc = 0;

	if (!size)
		size = &dummy;
	*size = 0;
	if (fd < 0)
		return preg_error_set(errno == ENOENT ? PREG_ENOTFOUND : PREG_EIO, "cannot read '%s': %s", path,
				      strerror(errno));
	if (fstat(fd, &st)) {
		rc = preg_error_set(PREG_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		*size = (uintmax_t)st.st_size >= SIZE_MAX ? SIZE_MAX - 1 : (size_t)st.st_size;
		rc = too_large(path, max, *size, true);
		goto out;
	}
	/* Bounded also when the size said nothing (a pipe) or was wrong (a
	 * file that grows while it is read): at most max + 1 bytes. */
	for (;;) {
		size_t want = max - got < 65536 ? max - got + 1 : 65536;
		ssize_t n;

		reserve(b, want);
		n = read(fd, b->p + b->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = preg_error_set(PREG_EIO, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->p[b->len] = '\0';
		got += (size_t)n;
		if (got > max) {
			*size = SIZE_MAX;
			rc = too_large(path, max, got, false);
			break;
		}
	}
	if (rc) {
		b->len = start;
		if (b->p)
			b->p[start] = '\0';
	} else {
		*size = got;
	}
out:
	if (!in)
		close(fd);
	return rc;
}
