/* register_pack: the objects of many commits in a row (a sync's replay)
 * kept in memory, then written to the disk as one pack.
 *
 * Written one by one, each object of a replay is a loose file: 4,000 files
 * for 1,000 commits, each with its own zlib stream (a quarter of a
 * megabyte set up and torn down) and its own inode. libgit2's memory pack
 * (git_mempack_dump) makes one pack, but searches deltas among the trees
 * on the way, which cost more than the files saved. Here the objects go
 * into a memory backend that remembers what it was given, and at the end
 * into a pack stream, one zlib stream reset between objects: blobs and
 * commits whole, a tree as a delta on its version in the commit before
 * (what a replay changes in a tree is one entry), bases always earlier in
 * the pack, chains at most 50 long. libgit2's indexer checks each object
 * and the trailer, writes the pack and its index and flushes them to the
 * disk before anything names them (SPEC §7); then every object made is
 * looked up under its id, so that a wrong delta is an error, never a
 * broken history. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha1.h>
#include <zlib.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "err.h"
#include "register_priv.h"
#include "xalloc.h"

/* A memory backend (libgit2's mempack, which stores and reads) that keeps
 * the ids of what it stored, in order. */
struct memodb {
	git_odb_backend parent;
	git_odb_backend *mp;
	git_oid *ids;
	size_t n, cap;
};

static int mem_write(git_odb_backend *b, const git_oid *oid, const void *data, size_t len, git_object_t type)
{
	struct memodb *m = (struct memodb *)b;
	int rc;

	if (m->mp->exists(m->mp, oid))
		return 0;
	if ((rc = m->mp->write(m->mp, oid, data, len, type)))
		return rc;
	m->ids = xgrow(m->ids, &m->cap, m->n + 1, sizeof(*m->ids));
	git_oid_cpy(&m->ids[m->n++], oid);
	return 0;
}

static int mem_read(void **data, size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *oid)
{
	struct memodb *m = (struct memodb *)b;

	return m->mp->read(data, len, type, m->mp, oid);
}

static int mem_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *oid)
{
	struct memodb *m = (struct memodb *)b;

	return m->mp->read_header(len, type, m->mp, oid);
}

static int mem_exists(git_odb_backend *b, const git_oid *oid)
{
	struct memodb *m = (struct memodb *)b;

	return m->mp->exists(m->mp, oid);
}

static void mem_free(git_odb_backend *b)
{
	struct memodb *m = (struct memodb *)b;

	m->mp->free(m->mp);
	free(m->ids);
	free(m);
}

int reg_batch_begin(struct reg *r)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	struct memodb *m = xcalloc(1, sizeof(*m));
	int rc = 0;

	if (git_odb_init_backend(&m->parent, GIT_ODB_BACKEND_VERSION) || git_mempack_new(&m->mp)) {
		free(m);
		return reg_git_error(PREG_ERR, "cannot open the object database");
	}
	m->parent.write = mem_write;
	m->parent.read = mem_read;
	m->parent.read_header = mem_read_header;
	m->parent.exists = mem_exists;
	m->parent.free = mem_free;
	/* A second handle: it reads the disk and the memory, and writes to
	 * the memory (the highest priority); the register's own handle is
	 * put aside, never to hold an object that is not on the disk. */
	if (git_repository_open(&repo, r->gitdir) || git_repository_odb(&odb, repo) ||
	    git_odb_add_backend(odb, &m->parent, 999)) {
		rc = reg_git_error(PREG_ERR, "cannot open the object database");
		mem_free(&m->parent);
		git_odb_free(odb);
		git_repository_free(repo);
		return rc;
	}
	git_odb_free(odb);
	r->home = r->repo;
	r->repo = repo;
	r->mem = m;
	return 0;
}

int reg_batch_blob(struct reg *r, git_oid *id, const void *data, size_t len)
{
	if (git_odb_hash(id, data, len, GIT_OBJECT_BLOB) ||
	    mem_write(&r->mem->parent, id, data, len, GIT_OBJECT_BLOB))
		return reg_git_error(PREG_ERR, "cannot write objects");
	return 0;
}

/* The pack header of an object: its type and size, seven bits a byte
 * after the first four. */
static void object_header(struct buf *b, int type, size_t len)
{
	unsigned char h[16];
	size_t n = 0;

	h[n] = (unsigned char)((type & 7) << 4 | (len & 15));
	len >>= 4;
	while (len) {
		h[n++] |= 0x80;
		h[n] = len & 0x7f;
		len >>= 7;
	}
	buf_add(b, h, n + 1);
}

/* ---- deltas between versions of one tree ----
 *
 * Each commit of a replay changes one record: its shard's tree, the
 * clients tree and the root tree are new versions of the ones the commit
 * before made, the same bytes but for one entry. Whole, they were 30 MB
 * for 1,000 commits, and compressing them was most of the replay's time.
 * A tree made in the batch is stored as a delta against its version in
 * the parent commit when that one is in the batch too (so that the pack
 * needs nothing outside it): what they share at the start and at the
 * end is copied, the middle inserted. */

#define MAX_DEPTH 50 /* as git: a reader applies at most this many deltas */

struct pk {
	struct memodb *m;
	size_t *order;  /* indexes into m->ids, by id, for lookups */
	long *base;     /* per object: the index of its delta base, or -1 */
	unsigned *depth;
};

static const git_oid *pk_sort_ids; /* for the comparator alone */

static int by_oid(const void *a, const void *b)
{
	return git_oid_cmp(&pk_sort_ids[*(const size_t *)a], &pk_sort_ids[*(const size_t *)b]);
}

/* The index of oid in the batch, or -1. */
static long pk_find(const struct pk *k, const git_oid *oid)
{
	size_t lo = 0, hi = k->m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = git_oid_cmp(&k->m->ids[k->order[mid]], oid);

		if (!c)
			return (long)k->order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* One entry of a raw tree at *p (before end): its name and whether it is
 * a tree; *p moves past it. false at the end or on a malformed entry. */
static bool tree_entry(const unsigned char **p, const unsigned char *end, const char **name, size_t *nlen,
		       bool *dir, const unsigned char **id)
{
	const unsigned char *sp = memchr(*p, ' ', (size_t)(end - *p)), *nul;

	if (!sp || !(nul = memchr(sp, 0, (size_t)(end - sp))) || end - nul < 21)
		return false;
	*dir = sp - *p == 5 && !memcmp(*p, "40000", 5);
	*name = (const char *)sp + 1;
	*nlen = (size_t)(nul - sp - 1);
	*id = nul + 1;
	*p = nul + 21;
	return true;
}

/* git's order of tree entries: a tree's name sorts as if it ended in '/'. */
static int entry_cmp(const char *a, size_t na, bool da, const char *b, size_t nb, bool db)
{
	size_t n = na < nb ? na : nb;
	int c = memcmp(a, b, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = na > n ? (unsigned char)a[n] : da ? '/' : 0;
	cb = nb > n ? (unsigned char)b[n] : db ? '/' : 0;
	return (ca > cb) - (ca < cb);
}

/* Tree nw (index in the batch) is a new version of tree old: old becomes
 * its base when it is in the batch, and their subtrees of one name pair
 * up the same way. */
static void pair_trees(struct pk *k, const git_oid *nw, const git_oid *old)
{
	long in = pk_find(k, nw), io = pk_find(k, old);
	void *dn = NULL, *dold = NULL;
	size_t ln, lo;
	git_object_t tn, to;
	const unsigned char *pn, *en, *po, *eo;

	if (in < 0 || io < 0 || in == io || k->base[in] >= 0)
		return;
	if (k->m->mp->read(&dn, &ln, &tn, k->m->mp, nw) || k->m->mp->read(&dold, &lo, &to, k->m->mp, old) ||
	    tn != GIT_OBJECT_TREE || to != GIT_OBJECT_TREE)
		goto out;
	/* A base comes before the object in the pack: no cycle, whatever
	 * the history (a tree may come back in a later commit). */
	if (io < in && k->depth[io] < MAX_DEPTH) {
		k->base[in] = io;
		k->depth[in] = k->depth[io] + 1;
	}
	pn = dn;
	en = pn + ln;
	po = dold;
	eo = po + lo;
	for (;;) {
		const char *a, *b;
		size_t na, nb;
		bool da, db, found = false;
		const unsigned char *ia, *ib = NULL;

		if (!tree_entry(&pn, en, &a, &na, &da, &ia))
			break;
		/* The old tree's entries, in the same order, up to this name. */
		for (;;) {
			const unsigned char *save = po;
			int c;

			if (po >= eo || !tree_entry(&po, eo, &b, &nb, &db, &ib))
				break;
			c = entry_cmp(b, nb, db, a, na, da);
			if (c < 0)
				continue;
			if (c > 0)
				po = save; /* past it: it may be the next one's */
			found = c == 0;
			break;
		}
		if (found && da && db && memcmp(ia, ib, GIT_OID_RAWSZ)) {
			git_oid x, y;

			git_oid_fromraw(&x, ia);
			git_oid_fromraw(&y, ib);
			pair_trees(k, &x, &y);
		}
	}
out:
	git_odb_backend_data_free(k->m->mp, dn);
	git_odb_backend_data_free(k->m->mp, dold);
}

/* Pair each commit's trees with its parent's. */
static void pair_all(struct pk *k)
{
	for (size_t i = 0; i < k->m->n; i++) {
		void *d = NULL;
		size_t len;
		git_object_t t;
		git_oid tree, parent, ptree;
		const char *p;

		if (k->m->mp->read_header(&len, &t, k->m->mp, &k->m->ids[i]) || t != GIT_OBJECT_COMMIT)
			continue;
		if (k->m->mp->read(&d, &len, &t, k->m->mp, &k->m->ids[i]))
			continue;
		p = d;
		/* "tree HEX\nparent HEX\n": a commit's first lines. */
		if (len > 5 + 40 + 1 + 7 + 40 && !memcmp(p, "tree ", 5) && !git_oid_fromstrn(&tree, p + 5, 40) &&
		    !memcmp(p + 46, "parent ", 7) && !git_oid_fromstrn(&parent, p + 53, 40)) {
			long ip = pk_find(k, &parent);
			void *pd = NULL;
			size_t plen;
			git_object_t pt;

			/* The parent made in the batch: its tree is there. */
			if (ip >= 0 && !k->m->mp->read(&pd, &plen, &pt, k->m->mp, &parent)) {
				if (plen > 45 && !memcmp(pd, "tree ", 5) && !git_oid_fromstrn(&ptree, (char *)pd + 5, 40))
					pair_trees(k, &tree, &ptree);
				git_odb_backend_data_free(k->m->mp, pd);
			}
		}
		git_odb_backend_data_free(k->m->mp, d);
	}
}

/* The delta that makes target from base: copy what they share at the
 * start, insert the middle, copy what they share at the end (git's delta
 * format: the two sizes, then copy and insert instructions). */
static void make_delta(struct buf *out, const unsigned char *base, size_t nb, const unsigned char *t, size_t nt)
{
	size_t pre = 0, suf = 0;

	while (pre < nb && pre < nt && base[pre] == t[pre])
		pre++;
	while (suf < nb - pre && suf < nt - pre && base[nb - 1 - suf] == t[nt - 1 - suf])
		suf++;
	for (int k = 0; k < 2; k++) {
		size_t v = k ? nt : nb;

		do {
			unsigned char c = v & 0x7f;

			v >>= 7;
			buf_addc(out, (char)(c | (v ? 0x80 : 0)));
		} while (v);
	}
	for (int part = 0; part < 3; part++) {
		size_t off = part ? nb - suf : 0, len = part == 0 ? pre : part == 2 ? suf : nt - pre - suf;

		if (part == 1) {
			for (size_t i = 0; i < len; i += 127) {
				size_t n = len - i < 127 ? len - i : 127;

				buf_addc(out, (char)n);
				buf_add(out, t + pre + i, n);
			}
			continue;
		}
		while (len) {
			size_t n = len < 0xffff ? len : 0xffff;
			unsigned char op[8];
			size_t w = 1;

			op[0] = 0x80;
			for (int i = 0; i < 4; i++)
				if ((off >> (8 * i)) & 0xff) {
					op[0] |= (unsigned char)(1 << i);
					op[w++] = (unsigned char)(off >> (8 * i));
				}
			for (int i = 0; i < 2; i++)
				if ((n >> (8 * i)) & 0xff) {
					op[0] |= (unsigned char)(0x10 << i);
					op[w++] = (unsigned char)(n >> (8 * i));
				}
			buf_add(out, op, w);
			off += n;
			len -= n;
		}
	}
}

/* Compress len bytes at data onto out with z (reset after). */
static int squeeze(z_stream *z, struct buf *out, const void *data, size_t len)
{
	size_t bound = deflateBound(z, len);
	int rc = 0;

	buf_grow(out, bound);
	z->next_in = (Bytef *)data;
	z->avail_in = (uInt)len;
	z->next_out = (Bytef *)out->p + out->len;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		rc = preg_error_set(PREG_ERR, "cannot write objects: compression failed");
	else
		out->len += bound - z->avail_out;
	deflateReset(z);
	return rc;
}

/* The objects of m as one pack stream (git's pack format, version 2). */
static int pack_stream(struct memodb *m, struct buf *out)
{
	unsigned char hdr[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 }, sum[SHA1_DIGEST_SIZE];
	struct pk k = { m, xcalloc(m->n + 1, sizeof(size_t)), xcalloc(m->n + 1, sizeof(long)),
			xcalloc(m->n + 1, sizeof(unsigned)) };
	struct buf delta = BUF_INIT;
	z_stream z;
	int rc = 0;

	for (size_t i = 0; i < m->n; i++) {
		k.order[i] = i;
		k.base[i] = -1;
	}
	pk_sort_ids = m->ids;
	qsort(k.order, m->n, sizeof(*k.order), by_oid);
	pk_sort_ids = NULL;
	pair_all(&k);
	memset(&z, 0, sizeof(z));
	/* Speed over size: git gc packs them tighter later. */
	if (deflateInit(&z, Z_BEST_SPEED) != Z_OK) {
		rc = preg_error_set(PREG_ERR, "cannot write objects: out of memory");
		goto out;
	}
	hdr[8] = (unsigned char)(m->n >> 24);
	hdr[9] = (unsigned char)(m->n >> 16);
	hdr[10] = (unsigned char)(m->n >> 8);
	hdr[11] = (unsigned char)m->n;
	buf_add(out, hdr, sizeof(hdr));
	for (size_t i = 0; i < m->n && !rc; i++) {
		void *data = NULL, *bd = NULL;
		size_t len, blen;
		git_object_t type, bt;

		if (m->mp->read(&data, &len, &type, m->mp, &m->ids[i])) {
			rc = reg_git_error(PREG_ERR, "cannot read object %s", git_oid_tostr_s(&m->ids[i]));
			break;
		}
		buf_reset(&delta);
		if (k.base[i] >= 0 && !m->mp->read(&bd, &blen, &bt, m->mp, &m->ids[k.base[i]]))
			make_delta(&delta, bd, blen, data, len);
		if (delta.len && delta.len < len / 2) {
			object_header(out, 7, delta.len); /* a delta on the base named by id */
			buf_add(out, m->ids[k.base[i]].id, GIT_OID_RAWSZ);
			rc = squeeze(&z, out, delta.p, delta.len);
		} else {
			object_header(out, type, len);
			rc = squeeze(&z, out, data, len);
		}
		git_odb_backend_data_free(m->mp, bd);
		git_odb_backend_data_free(m->mp, data);
	}
	deflateEnd(&z);
	if (!rc) {
		/* The pack's trailer, which libgit2 checks and does not make
		 * for us: nettle's SHA-1. */
		struct sha1_ctx h;

		sha1_init(&h);
		sha1_update(&h, out->len, (const uint8_t *)out->p);
		sha1_digest(&h, SHA1_DIGEST_SIZE, sum);
		buf_add(out, sum, sizeof(sum));
	}
out:
	buf_release(&delta);
	free(k.order);
	free(k.base);
	free(k.depth);
	return rc;
}

/* The pack stream to the indexer a piece at a time, as a fetch gives it:
 * the stream of an import of 1,000,000 rows handed over in one call was
 * refused ("unexpected data at the end of the pack"). */
#define PACK_PIECE ((size_t)1 << 20)

static int append_pack(git_odb_writepack *wp, const struct buf *pack, git_indexer_progress *stats)
{
	for (size_t off = 0; off < pack->len; off += PACK_PIECE) {
		size_t n = pack->len - off < PACK_PIECE ? pack->len - off : PACK_PIECE;
		int rc = wp->append(wp, pack->p + off, n, stats);

		if (rc)
			return rc;
	}
	return 0;
}

int reg_batch_end(struct reg *r, bool keep)
{
	struct memodb *m = r->mem;
	struct buf pack = BUF_INIT;
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int rc = 0;

	if (!m)
		return 0;
	memset(&stats, 0, sizeof(stats));
	/* The indexer checks every object and the trailer, and flushes the
	 * pack, its index and their directory (libgit2 fsyncs the git
	 * directory: reg_lib_init) before the branch can name them. */
	if (keep && m->n &&
	    ((rc = pack_stream(m, &pack)) || git_repository_odb(&odb, r->home) ||
	     git_odb_write_pack(&wp, odb, NULL, NULL) || append_pack(wp, &pack, &stats) ||
	     wp->commit(wp, &stats)))
		rc = rc ? rc : reg_write_err(r, "cannot write objects");
	/* Every object made is on the disk now, under the id it was made
	 * with (the pack's deltas are ours): else nothing may name them. */
	for (size_t i = 0; keep && !rc && odb && i < m->n; i++)
		if (!git_odb_exists(odb, &m->ids[i]))
			rc = preg_error_set(PREG_ERR, "cannot write objects: %s is not in the pack written (an error in preg)",
					    git_oid_tostr_s(&m->ids[i]));
	if (wp)
		wp->free(wp);
	git_odb_free(odb);
	buf_release(&pack);
	git_repository_free(r->repo); /* and the memory backend with it */
	r->repo = r->home;
	r->home = NULL;
	r->mem = NULL;
	return rc;
}

size_t reg_batch_objects(const struct reg *r)
{
	return r->mem ? r->mem->n : 0;
}
