/* register_index: a write's index entries set in the index file itself.
 *
 * A write changes records that exist: in the index, the entries of their
 * paths get a new blob id and the stat data of the file just written.
 * Those are fixed-size fields before the path in every index version (git's
 * Documentation/gitformat-index.txt), so the file can be copied with them
 * changed, instead of libgit2 reading the whole index into its maps and
 * writing it all again, each time with a SHA-1 of the file (at 100,000
 * clients about four fifths of a write's instructions: bench/README.md
 * "Where the time of a write goes"). The SHA-1 here is nettle's, which uses
 * the processor's SHA instructions where it has them.
 *
 * What libgit2 would do to the file is done as it would: the cached trees
 * (TREE) on the changed paths are invalidated; the extensions libgit2 does
 * not keep (the untracked cache, fsmonitor's, the offset tables) are
 * dropped; an entry that is racily clean (written in the same instant as
 * the index, SPEC §7) and whose file has changed gets its size zeroed, so
 * that git looks at its content. Anything else (a path not in the index,
 * conflicts, flags, a split or sparse index, a version or extension not
 * known here, a file that does not check out) is left to libgit2: nothing
 * is changed, and the caller goes the usual way. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <nettle/sha1.h>

#include "buf.h"
#include "err.h"
#include "register_priv.h"
#include "xalloc.h"

/* The index file, mapped and walked (reg_ix_check), while the lock is held. */
struct reg_ix {
	unsigned char *map;
	size_t len;
	struct stat st;  /* when it was mapped: the same file at patch time */
	uint32_t version;
	uint32_t count;
	size_t ents_end; /* where the entries end, and the extensions start */
};

#define IX_FIXED 62 /* an entry's fields before its path (and extended flags) */
#define IX_MAX_RACY 64

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void reg_ix_drop(struct reg *r)
{
	if (r->ix) {
		munmap(r->ix->map, r->ix->len);
		free(r->ix);
		r->ix = NULL;
	}
}

/* An entry of the walk: where it starts, its path (whole, also in version
 * 4) and where the next one starts. */
struct ix_walk {
	const struct reg_ix *x;
	size_t off, next;
	uint32_t i;
	char *path;
	size_t plen, cap;
};

/* The next entry (0), the end (1), or a malformed one (-1). */
static int ix_next(struct ix_walk *w)
{
	const unsigned char *m = w->x->map;
	size_t end = w->x->len - 20, off = w->next, fixed = IX_FIXED, keep, slen;
	const unsigned char *s, *nul;

	if (w->i == w->x->count)
		return 1;
	w->off = off;
	if (off + fixed > end)
		return -1;
	if (w->x->version >= 3 && (m[off + 60] & 0x40))
		fixed += 2;
	if (off + fixed > end)
		return -1;
	s = m + off + fixed;
	keep = 0;
	if (w->x->version == 4) {
		/* git's varint: how many bytes of the previous path go. */
		uint64_t strip = *s & 127;

		while (*s++ & 128) {
			if (s >= m + end || strip > (1u << 24))
				return -1;
			strip = ((strip + 1) << 7) | (*s & 127);
		}
		if (strip > w->plen)
			return -1;
		keep = w->plen - (size_t)strip;
	}
	if (s >= m + end || !(nul = memchr(s, '\0', (size_t)(m + end - s))))
		return -1;
	slen = (size_t)(nul - s);
	if (keep + slen + 1 > w->cap) {
		w->cap = (keep + slen + 1) * 2;
		w->path = xrealloc(w->path, w->cap);
	}
	memcpy(w->path + keep, s, slen);
	w->plen = keep + slen;
	w->path[w->plen] = '\0';
	if (w->x->version == 4)
		w->next = (size_t)(nul + 1 - m);
	else
		w->next = off + ((fixed + (size_t)(nul - (m + off + fixed)) + 8) & ~(size_t)7);
	if (w->next > end)
		return -1;
	w->i++;
	return 0;
}

/* Walk x's entries and the extensions' lengths to the checksum, and set
 * x->ents_end: 0, or -1 when they do not fit the file. */
static int ix_walk_all(struct reg_ix *x)
{
	struct ix_walk w;
	int step;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.next = 12;
	while (!(step = ix_next(&w)))
		;
	free(w.path);
	if (step < 0)
		return -1;
	x->ents_end = w.next;
	/* Extensions: a signature and a length each, up to the checksum. */
	for (size_t off = w.next, end = x->len - 20; off < end; off += 8 + get32(x->map + off + 4))
		if (off + 8 > end || get32(x->map + off + 4) > end - off - 8)
			return -1;
	return 0;
}

const char *reg_ix_shape(const unsigned char *m, size_t n)
{
	struct reg_ix x;

	if (n == 0)
		return "it is empty";
	if (n < 12 + 20 || memcmp(m, "DIRC", 4))
		return "it is not an index (no DIRC signature)";
	memset(&x, 0, sizeof(x));
	x.map = (unsigned char *)m;
	x.len = n;
	x.version = get32(m + 4);
	x.count = get32(m + 8);
	if (x.version < 2 || x.version > 4)
		return NULL; /* libgit2 says what it makes of it */
	return ix_walk_all(&x) ? "it is cut short" : NULL;
}

/* Whether the extensions from off (their lengths checked) are ones this
 * file can carry over: 1 yes, 0 no (left to libgit2). */
static int ix_exts_known(const unsigned char *m, size_t off, size_t end)
{
	while (off < end) {
		/* TREE is rewritten; these libgit2 drops as well: the untracked
		 * cache, fsmonitor's, the end of entries and the offset table.
		 * REUC and NAME (conflicts) and every mandatory one (lower
		 * case: a split index, a sparse one) are libgit2's. */
		if (memcmp(m + off, "TREE", 4) && memcmp(m + off, "UNTR", 4) && memcmp(m + off, "FSMN", 4) &&
		    memcmp(m + off, "EOIE", 4) && memcmp(m + off, "IEOT", 4))
			return 0;
		off += 8 + get32(m + off + 4);
	}
	return 1;
}

int reg_ix_check(struct reg *r)
{
	char *p = xasprintf("%sindex", r->gitdir);
	int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct reg_ix *x = NULL;
	struct sha1_ctx h;
	unsigned char sum[SHA1_DIGEST_SIZE];
	int rc = 1;

	free(p);
	reg_ix_drop(r);
	if (getenv("PREG_INDEX_LIBGIT2") || fd < 0)
		goto out;
	x = xcalloc(1, sizeof(*x));
	if (fstat(fd, &x->st) || !S_ISREG(x->st.st_mode) || x->st.st_size < 12 + 20)
		goto out;
	x->len = (size_t)x->st.st_size;
	/* Populated at once: a page fault each would cost more than the hash. */
	x->map = mmap(NULL, x->len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (x->map == MAP_FAILED) {
		x->map = NULL;
		goto out;
	}
	if (memcmp(x->map, "DIRC", 4))
		goto out;
	x->version = get32(x->map + 4);
	x->count = get32(x->map + 8);
	if (x->version < 2 || x->version > 4)
		goto out;
	sha1_init(&h);
	sha1_update(&h, x->len - 20, x->map);
	sha1_digest(&h, sizeof(sum), sum);
	if (memcmp(sum, x->map + x->len - 20, 20))
		goto out;
	if (ix_walk_all(x) || !ix_exts_known(x->map, x->ents_end, x->len - 20))
		goto out;
	r->ix = x;
	x = NULL;
	rc = 0;
out:
	if (x) {
		if (x->map)
			munmap(x->map, x->len);
		free(x);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static int by_ixset_path(const void *a, const void *b)
{
	return strcmp(((const struct reg_ixset *)a)->path, ((const struct reg_ixset *)b)->path);
}

/* Whether dir ("" for the top, else "a/b/") leads to one of the paths. */
static bool on_a_path(const char *dir, size_t dlen, const struct reg_ixset *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].path, dir, dlen))
			return true;
	return false;
}

/* The cached tree at *p (git's TREE extension: a path component, "COUNT
 * SUBTREES\n", and the tree's id when COUNT is not negative; its subtrees
 * after it), copied to out with the trees on a changed path invalidated (a
 * count of -1 and no id), as libgit2 and git do when an entry changes.
 * 0, or -1 when it is not well formed. */
static int tree_copy(const unsigned char **p, const unsigned char *end, struct buf *out, struct buf *dir,
		     int depth, const struct reg_ixset *v, size_t n)
{
	const unsigned char *s = *p, *nul, *nl;
	char *num, *sp;
	long count, subs;
	size_t dlen = dir->len;

	if (depth > 64 || !(nul = memchr(s, '\0', (size_t)(end - s))))
		return -1;
	if (depth > 0) {
		buf_add(dir, (const char *)s, (size_t)(nul - s));
		buf_add(dir, "/", 1);
	}
	if (!(nl = memchr(nul + 1, '\n', (size_t)(end - nul - 1))))
		return -1;
	num = xstrndup((const char *)nul + 1, (size_t)(nl - nul - 1));
	count = strtol(num, &sp, 10);
	if (sp == num || *sp != ' ' || count < -1) {
		free(num);
		return -1;
	}
	subs = strtol(sp + 1, &sp, 10);
	if (*sp || subs < 0 || subs > 1000000) {
		free(num);
		return -1;
	}
	free(num);
	s = nl + 1;
	if (count >= 0) {
		if (end - s < 20)
			return -1;
		s += 20;
	}
	buf_add(out, (const char *)*p, (size_t)(nul + 1 - *p));
	if (count >= 0 && on_a_path(buf_str(dir), dir->len, v, n)) {
		buf_addf(out, "-1 %ld\n", subs);
	} else {
		buf_add(out, (const char *)nul + 1, (size_t)(s - nul - 1));
	}
	*p = s;
	for (long i = 0; i < subs; i++)
		if (tree_copy(p, end, out, dir, depth + 1, v, n))
			return -1;
	dir->len = dlen;
	return 0;
}

/* The entry at off: its stat data and blob id from v. */
static void ix_set_fields(unsigned char *e, const struct reg_ixset *v)
{
	const struct stat *st = &v->st;

	memset(e, 0, 40);
	if (v->has_st) {
		put32(e, (uint32_t)st->st_ctim.tv_sec);
		put32(e + 4, (uint32_t)st->st_ctim.tv_nsec);
		put32(e + 8, (uint32_t)st->st_mtim.tv_sec);
		put32(e + 12, (uint32_t)st->st_mtim.tv_nsec);
		put32(e + 16, (uint32_t)st->st_dev);
		put32(e + 20, (uint32_t)st->st_ino);
		put32(e + 28, st->st_uid);
		put32(e + 32, st->st_gid);
		put32(e + 36, (uint32_t)st->st_size);
	}
	put32(e + 24, 0100644);
	memcpy(e + 40, v->oid.id, 20);
}

/* An entry written in the same instant as the index or after it: git
 * cannot tell it clean by its stat data. */
static bool racy(const unsigned char *e, const struct stat *ix)
{
	uint32_t s = get32(e + 8), ns = get32(e + 12), is = (uint32_t)ix->st_mtim.tv_sec;

	return (int32_t)s > (int32_t)is || (s == is && ns >= (uint32_t)ix->st_mtim.tv_nsec);
}

/* The pieces of the new file: slices of the old one, and changed bytes
 * kept in own (by offset, for own moves as it grows). */
struct ix_piece {
	const unsigned char *from; /* NULL: at off in own */
	size_t off, len;
};

struct ix_out {
	struct ix_piece *v;
	size_t n, cap;
	struct buf own;
};

static void out_add(struct ix_out *o, const void *p, size_t len, bool own)
{
	if (len == 0)
		return;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->v = xrealloc(o->v, o->cap * sizeof(*o->v));
	}
	o->v[o->n].from = own ? NULL : p;
	o->v[o->n].off = o->own.len;
	o->v[o->n].len = len;
	if (own)
		buf_add(&o->own, p, len);
	o->n++;
}

/* Write the pieces to fd, and the SHA-1 of them after them. 0 or -1. */
static int out_write(struct ix_out *o, int fd)
{
	struct sha1_ctx h;
	unsigned char sum[SHA1_DIGEST_SIZE];
	struct iovec *iov = xcalloc(o->n + 1, sizeof(*iov));
	size_t n = o->n + 1;
	int rc = 0;

	sha1_init(&h);
	for (size_t i = 0; i < o->n; i++) {
		iov[i].iov_base = (void *)(o->v[i].from ? o->v[i].from : (const unsigned char *)o->own.p + o->v[i].off);
		iov[i].iov_len = o->v[i].len;
		sha1_update(&h, iov[i].iov_len, iov[i].iov_base);
	}
	sha1_digest(&h, sizeof(sum), sum);
	iov[o->n].iov_base = sum;
	iov[o->n].iov_len = sizeof(sum);
	for (size_t i = 0; i < n;) {
		ssize_t got = writev(fd, iov + i, (int)(n - i > 512 ? 512 : n - i));

		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		/* A short write goes on from where it stopped. */
		while (i < n && (size_t)got >= iov[i].iov_len)
			got -= (ssize_t)iov[i++].iov_len;
		if (i < n && got > 0) {
			iov[i].iov_base = (char *)iov[i].iov_base + got;
			iov[i].iov_len -= (size_t)got;
		}
	}
	free(iov);
	return rc;
}

/* Whether the index file is still the one reg_ix_check mapped. */
static bool same_file(const struct reg *r)
{
	char *p = xasprintf("%sindex", r->gitdir);
	struct stat st;
	bool same = !lstat(p, &st) && st.st_ino == r->ix->st.st_ino && st.st_dev == r->ix->st.st_dev &&
		    st.st_size == r->ix->st.st_size && st.st_mtim.tv_sec == r->ix->st.st_mtim.tv_sec &&
		    st.st_mtim.tv_nsec == r->ix->st.st_mtim.tv_nsec &&
		    st.st_ctim.tv_sec == r->ix->st.st_ctim.tv_sec && st.st_ctim.tv_nsec == r->ix->st.st_ctim.tv_nsec;

	free(p);
	return same;
}

int reg_ix_patch(struct reg *r, struct reg_ixset *v, size_t n)
{
	struct ix_out o;
	struct ix_walk w;
	struct buf tree = BUF_INIT, dir = BUF_INIT;
	unsigned char *found = NULL;
	size_t copied = 12, nracy = 0;
	char *lock = NULL, *dst = NULL;
	int rc = 1, step, fd;
	const struct reg_ix *x;

	if ((!r->ix || !same_file(r)) && reg_ix_check(r))
		return 1;
	x = r->ix;
	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	qsort(v, n, sizeof(*v), by_ixset_path);
	found = xcalloc(n ? n : 1, 1);
	w.x = x;
	w.next = 12;
	out_add(&o, x->map, 12, false);
	while (!(step = ix_next(&w))) {
		const unsigned char *e = x->map + w.off;
		struct reg_ixset key = { .path = w.path };
		struct reg_ixset *hit = n ? bsearch(&key, v, n, sizeof(*v), by_ixset_path) : NULL;
		unsigned char fields[IX_FIXED - 2];
		uint16_t flags = (uint16_t)(e[60] << 8 | e[61]);

		if (hit) {
			size_t k = (size_t)(hit - v);

			/* Stage 0 alone, no flags (assume-valid, extended),
			 * a regular file's mode, and once. */
			if (found[k] || (flags & 0xf000) || (get32(e + 24) & 0170000) != 0100000)
				goto out;
			found[k] = 1;
			ix_set_fields(fields, hit);
		} else if (racy(e, &x->st) && (get32(e + 24) & 0170000) == 0100000) {
			git_oid now;

			/* As libgit2 writes an index: a racily clean entry whose
			 * file differs (or is gone) loses its size. */
			if (++nracy > IX_MAX_RACY)
				goto out;
			if (reg_hash_workfile(r, w.path, &now) == 0 && !memcmp(now.id, e + 40, 20))
				continue;
			preg_error_clear();
			if (get32(e + 36) == 0)
				continue;
			memcpy(fields, e, sizeof(fields));
			put32(fields + 36, 0);
		} else {
			continue;
		}
		out_add(&o, x->map + copied, w.off - copied, false);
		out_add(&o, fields, sizeof(fields), true);
		copied = w.off + sizeof(fields);
	}
	if (step < 0)
		goto out;
	for (size_t k = 0; k < n; k++)
		if (!found[k])
			goto out; /* a new path: libgit2's */
	out_add(&o, x->map + copied, x->ents_end - copied, false);
	/* The extensions: TREE with the changed paths' trees invalidated,
	 * the others dropped (ix_exts_known let only those through). */
	for (size_t off = x->ents_end, end = x->len - 20; off < end;) {
		size_t len = get32(x->map + off + 4);

		if (!memcmp(x->map + off, "TREE", 4)) {
			const unsigned char *p = x->map + off + 8, *tend = p + len;

			buf_add(&tree, "TREE\0\0\0\0", 8);
			while (p < tend)
				if (tree_copy(&p, tend, &tree, &dir, 0, v, n))
					goto out;
			put32((unsigned char *)tree.p + 4, (uint32_t)(tree.len - 8));
			out_add(&o, tree.p, tree.len, true);
		}
		off += 8 + len;
	}
	lock = xasprintf("%sindex.lock", r->gitdir);
	dst = xasprintf("%sindex", r->gitdir);
	/* On any failure nothing is left: git holds the lock, or the disk
	 * refuses, and libgit2 then says which. */
	reg_marker_set(r);
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd >= 0) {
		bool written = !out_write(&o, fd) && !fsync(fd);

		if (close(fd) || !written || rename(lock, dst))
			unlink(lock);
		else
			rc = 0;
	}
	reg_marker_clear(r);
	if (rc == 0) {
		int dfd = open(r->gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		reg_ix_drop(r);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
out:
	free(lock);
	free(dst);
	free(found);
	free(w.path);
	free(o.v);
	buf_release(&o.own);
	buf_release(&tree);
	buf_release(&dir);
	return rc;
}
