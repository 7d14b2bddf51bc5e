/* logidx: the file of the log index (see logidx.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "logidx.h"
#include "xalloc.h"

#define HEADER "preg-log-index 1\n"
#define HEXSZ 40

struct logidx {
	struct buf body; /* the header and the commit lines */
	size_t n;        /* commit lines */
	char tip[HEXSZ + 1];
};

uint64_t logidx_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *logidx_path(const char *gitdir)
{
	return xasprintf("%spreg-cache/log-index", gitdir);
}

struct logidx *logidx_new(void)
{
	struct logidx *x = xcalloc(1, sizeof(*x));

	buf_adds(&x->body, HEADER);
	return x;
}

void logidx_free(struct logidx *x)
{
	if (!x)
		return;
	buf_release(&x->body);
	free(x);
}

size_t logidx_count(const struct logidx *x)
{
	return x->n;
}

const char *logidx_tip(const struct logidx *x)
{
	return x->tip;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void logidx_add(struct logidx *x, const char *hex, const char *ids, size_t len)
{
	buf_add(&x->body, hex, HEXSZ);
	buf_add(&x->body, ids, len);
	buf_addc(&x->body, '\n');
	memcpy(x->tip, hex, HEXSZ);
	x->tip[HEXSZ] = '\0';
	x->n++;
}

int logidx_truncate(struct logidx *x, const char *hex)
{
	const char *start = x->body.p + sizeof(HEADER) - 1;
	size_t n = 0;

	for (const char *p = start; p < x->body.p + x->body.len; n++) {
		const char *e = memchr(p, '\n', (size_t)(x->body.p + x->body.len - p));

		if (!e)
			break;
		if (!memcmp(p, hex, HEXSZ)) {
			x->body.len = (size_t)(e + 1 - x->body.p);
			x->body.p[x->body.len] = '\0';
			x->n = n + 1;
			memcpy(x->tip, hex, HEXSZ);
			x->tip[HEXSZ] = '\0';
			return 0;
		}
		p = e + 1;
	}
	return PREG_ENOTFOUND;
}

/* ---- the file ---- */

static int read_all(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char chunk[65536];
	ssize_t k;

	if (fd < 0)
		return -1;
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)k);
	close(fd);
	return k < 0 ? -1 : 0;
}

/* Check the file in x->body: 0 when it is whole, with the tip and count
 * set and the end line cut off; -1 when it is corrupt. */
static int check(struct logidx *x)
{
	struct buf *b = &x->body;
	char *end, hex[HEXSZ + 1];
	unsigned long long h;
	size_t count, lines = 0;

	if (b->len < sizeof(HEADER) || memcmp(b->p, HEADER, sizeof(HEADER) - 1) || b->p[b->len - 1] != '\n')
		return -1;
	b->p[b->len - 1] = '\0';
	end = strrchr(b->p, '\n');
	if (!end || sscanf(end + 1, "end %40s %zu %16llx", hex, &count, &h) != 3 || strlen(hex) != HEXSZ ||
	    !is_hex(hex, HEXSZ))
		return -1;
	b->len = (size_t)(end + 1 - b->p);
	b->p[b->len] = '\0';
	if (logidx_fnv(LOGIDX_FNV_INIT, b->p, b->len) != h)
		return -1;
	for (const char *p = b->p + sizeof(HEADER) - 1; p < b->p + b->len; p++)
		lines += *p == '\n';
	if (lines != count)
		return -1;
	x->n = count;
	memcpy(x->tip, hex, sizeof(hex));
	return 0;
}

int logidx_load(const char *gitdir, struct logidx **out)
{
	char *path = logidx_path(gitdir);
	struct logidx *x = xcalloc(1, sizeof(*x));
	int rc = 0;

	*out = NULL;
	if (read_all(path, &x->body)) {
		rc = PREG_ENOTFOUND;
	} else if (check(x)) {
		/* A write may be appending this instant: look twice before
		 * calling the file corrupt. */
		buf_reset(&x->body);
		if (read_all(path, &x->body) || check(x))
			rc = PREG_EINVAL;
	}
	free(path);
	if (rc) {
		logidx_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

void logidx_save(const char *gitdir, const struct logidx *x)
{
	char *path = logidx_path(gitdir), *dir = xasprintf("%spreg-cache", gitdir);
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	char end[128];
	int fd;
	bool ok;

	mkdir(dir, 0777);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd >= 0) {
		snprintf(end, sizeof(end), "end %s %zu %016llx\n", x->tip, x->n,
			 (unsigned long long)logidx_fnv(LOGIDX_FNV_INIT, x->body.p, x->body.len));
		ok = write(fd, x->body.p, x->body.len) == (ssize_t)x->body.len &&
		     write(fd, end, strlen(end)) == (ssize_t)strlen(end);
		ok = !close(fd) && ok;
		if (!ok || rename(tmp, path))
			unlink(tmp);
	}
	free(tmp);
	free(dir);
	free(path);
}

void logidx_append(const char *gitdir, const char *parent, const char *commit, const char *ids)
{
	char *path = logidx_path(gitdir), tail[256], hex[HEXSZ + 1], *end;
	unsigned long long h;
	size_t count;
	struct buf add = BUF_INIT;
	off_t size, from;
	ssize_t k;
	int fd;

	if (!parent || (fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		free(path);
		return;
	}
	size = lseek(fd, 0, SEEK_END);
	from = size > (off_t)sizeof(tail) - 1 ? size - (off_t)sizeof(tail) + 1 : 0;
	k = size > 0 ? pread(fd, tail, (size_t)(size - from), from) : -1;
	if (k > 0 && tail[k - 1] == '\n') {
		tail[k - 1] = '\0';
		end = strrchr(tail, '\n');
		end = end ? end + 1 : tail;
		if (sscanf(end, "end %40s %zu %16llx", hex, &count, &h) == 3 && !strcmp(hex, parent)) {
			off_t at = from + (end - tail);

			buf_addf(&add, "%s%s\n", commit, ids);
			h = logidx_fnv(h, add.p, add.len);
			buf_addf(&add, "end %s %zu %016llx\n", commit, count + 1, h);
			if (pwrite(fd, add.p, add.len, at) != (ssize_t)add.len && ftruncate(fd, 0))
				errno = 0; /* half written: the next reader rebuilds it */
		}
	}
	close(fd);
	buf_release(&add);
	free(path);
}

/* ---- reading ---- */

/* Whether the commit line [p, e) names id. */
static bool names(const char *p, const char *e, const char *id, size_t idlen)
{
	p += HEXSZ;
	while (p < e) {
		const char *s = p + 1, *t = memchr(s, ' ', (size_t)(e - s));

		if (!t)
			t = e;
		if ((size_t)(t - s) == idlen && !memcmp(s, id, idlen))
			return true;
		p = t;
	}
	return false;
}

int logidx_each(const struct logidx *x, const char *id, logidx_fn cb, void *arg)
{
	const char *start = x->body.p + sizeof(HEADER) - 1, *end = x->body.p + x->body.len;
	size_t idlen = id ? strlen(id) : 0;
	int rc = 0;

	/* Lines newest first: from the end of the body back. */
	for (const char *e = end - 1; !rc && e > start;) {
		const char *p = e;

		while (p > start && p[-1] != '\n')
			p--;
		if (!id || names(p, e, id, idlen)) {
			if (e - p < HEXSZ || !is_hex(p, HEXSZ))
				return preg_error_set(PREG_ERR, "the log index is damaged");
			rc = cb(arg, p, p + HEXSZ + (p + HEXSZ < e), (size_t)(e - p) - HEXSZ - (p + HEXSZ < e));
		}
		e = p - 1;
	}
	return rc;
}

/* ---- the record of rewrites ---- */

void logidx_note_rewrite(const char *gitdir, const char *first, size_t count, const char *oldtip)
{
	char *dir = xasprintf("%spreg-cache", gitdir), *path = xasprintf("%s/rewrites", dir);
	char line[160];
	int fd, n;

	mkdir(dir, 0777);
	n = snprintf(line, sizeof(line), "%.40s %zu %.40s\n", first, count, oldtip);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			errno = 0; /* a record we could not keep: verify says less */
		close(fd);
	}
	free(path);
	free(dir);
}

int logidx_rewrites(const char *gitdir, struct buf *out)
{
	char *path = xasprintf("%spreg-cache/rewrites", gitdir);
	int rc = read_all(path, out) ? PREG_ENOTFOUND : 0;

	free(path);
	return rc;
}
