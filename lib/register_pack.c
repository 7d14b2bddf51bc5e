/* register_pack: the objects of many commits in a row (a sync's replay)
 * kept in memory, then written to the disk as one pack without deltas.
 *
 * Written one by one, each object of a replay is a loose file: 4,000 files
 * for 1,000 commits, each with its own zlib stream (a quarter of a
 * megabyte set up and torn down) and its own inode. libgit2's memory pack
 * (git_mempack_dump) makes one pack, but searches deltas among the trees
 * on the way, which cost more than the files saved. Here the objects go
 * into a memory backend that remembers what it was given, and at the end
 * into a pack stream with every object whole, one zlib stream reset
 * between objects; libgit2's indexer checks each object and the trailer,
 * writes the pack and its index and flushes them to the disk before
 * anything names them (SPEC §7). A pack of whole objects is larger than
 * git's, but a replay's objects are few; git gc packs them tighter later. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "err.h"
#include "register_priv.h"
#include "sha1.h"
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

/* The pack header of an object: its type and size, seven bits a byte
 * after the first four. */
static void object_header(struct buf *b, git_object_t type, size_t len)
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

/* The objects of m as one pack stream (git's pack format, version 2). */
static int pack_stream(struct memodb *m, struct buf *out)
{
	unsigned char hdr[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 }, sum[SHA1_LEN];
	z_stream z;
	int rc = 0;

	memset(&z, 0, sizeof(z));
	/* Speed over size: the pack is repacked by git gc anyway. */
	if (deflateInit(&z, Z_BEST_SPEED) != Z_OK)
		return preg_error_set(PREG_ERR, "cannot write objects: out of memory");
	hdr[8] = (unsigned char)(m->n >> 24);
	hdr[9] = (unsigned char)(m->n >> 16);
	hdr[10] = (unsigned char)(m->n >> 8);
	hdr[11] = (unsigned char)m->n;
	buf_add(out, hdr, sizeof(hdr));
	for (size_t i = 0; i < m->n && !rc; i++) {
		void *data = NULL;
		size_t len, bound;
		git_object_t type;

		if (m->mp->read(&data, &len, &type, m->mp, &m->ids[i])) {
			rc = reg_git_error(PREG_ERR, "cannot read object %s", git_oid_tostr_s(&m->ids[i]));
			break;
		}
		object_header(out, type, len);
		bound = deflateBound(&z, len);
		buf_grow(out, bound);
		z.next_in = data;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out->p + out->len;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			rc = preg_error_set(PREG_ERR, "cannot write objects: compression failed");
		else
			out->len += bound - z.avail_out;
		deflateReset(&z);
		git_odb_backend_data_free(m->mp, data);
	}
	deflateEnd(&z);
	if (!rc) {
		sha1(out->p, out->len, sum);
		buf_add(out, sum, sizeof(sum));
	}
	return rc;
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
	     git_odb_write_pack(&wp, odb, NULL, NULL) || wp->append(wp, pack.p, pack.len, &stats) ||
	     wp->commit(wp, &stats)))
		rc = rc ? rc : reg_write_err(r, "cannot write objects");
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
