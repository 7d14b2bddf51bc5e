/* buf_read_file: a whole file into a buf, bounded (see buf.h). Apart from
 * buf.c because it reports through the error slot (err.c), which stands
 * above the byte string: err cleans its messages with utf8, and utf8
 * writes into bufs. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"

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

		buf_grow(b, want);
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
