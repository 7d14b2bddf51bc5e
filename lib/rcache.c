/* rcache: the derived record cache (see rcache.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "find_index.h"
#include "rcache.h"
#include "xalloc.h"

/*
 * The file, all integers little-endian:
 *
 *   header  "PREGRC03" | u32 nshards | u32 nrecs | u64 data size | u64 XXH3 of the tables
 *   data    the encodings, shard after shard
 *   tables  nshards x { char name[8], u8 tree[20], u32 first, u32 n,
 *                       u64 data offset, u64 data size, u64 XXH3 of that data }
 *           nrecs   x { u8 blob[20], u32 offset, u32 length }   (offsets into data)
 *
 * The tables are checked when the file is opened; a shard's data when the
 * shard is first used, so that a report reads the file once, front to back,
 * and can let go of what it has read (the file is as large as the records
 * less their notes and remarks: 60 MB at 100,000 clients before contacts
 * were added for finding, which add their few dozen bytes a contact).
 *
 * An encoding: str id, varint ntags, nfields, nhistory, total history
 * pairs, ncontacts, total contact pairs, phase, nnotes, total note pairs; str name, kind, manager,
 * phase_since, next_contact, next_action, end_reason, hold_until,
 * hold_reason, created; the tags; the fields as pairs; each history event
 * as varint npairs and its pairs; each contact likewise; str the record's
 * index for finding (find_index, without notes); last, each note as
 * varint npairs and its pairs at, by, channel and next (their text stays
 * out: report activity counts notes, nothing that reads the cache shows
 * them). The counts after phase are varint nnotes and total note pairs.
 * A str is varint (length + 1) and the bytes and a NUL; 0 is NULL.
 */

#define MAGIC "PREGRC05"
#define HDR 32
#define SHARD 60
#define REC 28
#define NAME 8
#define WINDOW (32u << 10) /* what rcache_rec_read reads at a time */
#define DROP (8u << 20)    /* the plan lets go of copied data in steps of 8 MiB */

struct rcache {
	unsigned char *map;
	size_t size;
	uint32_t nshards, nrecs;
	const unsigned char *shards, *recs, *data;
	size_t datalen;
	signed char *checked; /* per shard: 0 not yet, 1 good, -1 damaged */
	int fd;               /* the file mapped, for rcache_rec_read; -1 none */
	bool valid;
};

/* ---- encoding ---- */

static void put_varint(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		buf_addc(b, (char)(v | 0x80));
		v >>= 7;
	}
	buf_addc(b, (char)v);
}

static void put_str(struct buf *b, const char *s)
{
	size_t n;

	if (!s) {
		put_varint(b, 0);
		return;
	}
	n = strlen(s);
	put_varint(b, n + 1);
	buf_add(b, s, n);
	buf_addc(b, 0);
}

/* Each list as varint npairs and its pairs. */
static void put_lists(struct buf *out, const struct kvlist *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put_varint(out, l[i].n);
		for (size_t k = 0; k < l[i].n; k++) {
			put_str(out, l[i].v[k].k);
			put_str(out, l[i].v[k].v);
		}
	}
}

static size_t pairs_of(const struct kvlist *l, size_t n)
{
	size_t pairs = 0;

	for (size_t i = 0; i < n; i++)
		pairs += l[i].n;
	return pairs;
}

/* The keys of a note that counting needs (report activity). */
static bool note_meta(const char *k)
{
	return !strcmp(k, "at") || !strcmp(k, "by") || !strcmp(k, "channel") || !strcmp(k, "next");
}

static size_t note_pairs(const struct record *r)
{
	size_t pairs = 0;

	for (size_t i = 0; i < r->nnotes; i++)
		for (size_t k = 0; k < r->notes[i].n; k++)
			pairs += note_meta(r->notes[i].v[k].k);
	return pairs;
}

static void put_note_meta(struct buf *out, const struct record *r)
{
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct kvlist *l = &r->notes[i];
		size_t n = 0;

		for (size_t k = 0; k < l->n; k++)
			n += note_meta(l->v[k].k);
		put_varint(out, n);
		for (size_t k = 0; k < l->n; k++)
			if (note_meta(l->v[k].k)) {
				put_str(out, l->v[k].k);
				put_str(out, l->v[k].v);
			}
	}
}

void rcache_encode(struct buf *out, const struct record *r)
{
	struct buf index = BUF_INIT;

	put_str(out, r->id);
	put_varint(out, r->ntags);
	put_varint(out, r->fields.n);
	put_varint(out, r->nhistory);
	put_varint(out, pairs_of(r->history, r->nhistory));
	put_varint(out, r->ncontacts);
	put_varint(out, pairs_of(r->contacts, r->ncontacts));
	put_varint(out, (uint64_t)(r->phase < 0 ? 0 : r->phase));
	put_varint(out, r->nnotes);
	put_varint(out, note_pairs(r));
	put_str(out, r->name);
	put_str(out, r->kind);
	put_str(out, r->manager);
	put_str(out, r->phase_since);
	put_str(out, r->next_contact);
	put_str(out, r->next_action);
	put_str(out, r->end_reason);
	put_str(out, r->hold_until);
	put_str(out, r->hold_reason);
	put_str(out, r->created);
	for (size_t i = 0; i < r->ntags; i++)
		put_str(out, r->tags[i]);
	for (size_t i = 0; i < r->fields.n; i++) {
		put_str(out, r->fields.v[i].k);
		put_str(out, r->fields.v[i].v);
	}
	put_lists(out, r->history, r->nhistory);
	put_lists(out, r->contacts, r->ncontacts);
	/* Finding compares folded text: fold it once, when the record is new. */
	find_index(&index, r, false);
	put_str(out, buf_str(&index));
	buf_release(&index);
	put_note_meta(out, r);
}

/* ---- decoding ---- */

struct rd {
	const unsigned char *p, *end;
	bool bad;
};

static inline uint64_t get_varint(struct rd *d)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		if (d->p >= d->end) {
			d->bad = true;
			return 0;
		}
		unsigned char c = *d->p++;

		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	d->bad = true;
	return 0;
}

static inline const char *get_str(struct rd *d)
{
	uint64_t n;
	const char *s;

	/* Most strings are short: a one-byte length. */
	if (d->p < d->end && *d->p < 0x80)
		n = *d->p++;
	else
		n = get_varint(d);

	if (!n || d->bad)
		return NULL;
	if (n > (uint64_t)(d->end - d->p) || d->p[n - 1] != 0) {
		d->bad = true;
		return NULL;
	}
	s = (const char *)d->p;
	d->p += n;
	return s;
}

/* A string that must be there. */
static char *need_str(struct rd *d)
{
	const char *s = get_str(d);

	if (!s)
		d->bad = true;
	return (char *)s;
}

void rscratch_release(struct rscratch *s)
{
	free(s->mem);
	s->mem = NULL;
	s->cap = 0;
}

/* n lists of pairs into l, their pairs from *mem, at most *budget pairs
 * in all (the count the encoding announced). */
static void get_lists(struct rd *d, struct kvlist *l, size_t n, char **mem, uint64_t *budget)
{
	for (size_t i = 0; i < n && !d->bad; i++) {
		uint64_t np = get_varint(d);

		if (np > *budget) {
			d->bad = true;
			break;
		}
		*budget -= np;
		l[i].v = (struct kv *)(void *)*mem;
		l[i].n = l[i].cap = np;
		*mem += np * sizeof(struct kv);
		for (size_t k = 0; k < np; k++) {
			l[i].v[k].k = need_str(d);
			l[i].v[k].v = need_str(d);
		}
	}
}

int rcache_decode(struct record *r, struct rscratch *s, const unsigned char *p, size_t len, bool notes)
{
	struct rd d = { p, p + len, false };
	uint64_t ntags, nfields, nhist, npairs, ncont, cpairs, phase, nnotes, npairs_notes;
	size_t need;
	char *mem;

	memset(r, 0, sizeof(*r));
	r->id = need_str(&d);
	ntags = get_varint(&d);
	nfields = get_varint(&d);
	nhist = get_varint(&d);
	npairs = get_varint(&d);
	ncont = get_varint(&d);
	cpairs = get_varint(&d);
	phase = get_varint(&d);
	nnotes = get_varint(&d);
	npairs_notes = get_varint(&d);
	/* Each item takes at least a byte: a bound before any multiplication. */
	if (d.bad || ntags > len || nfields > len || nhist > len || npairs > len || ncont > len || cpairs > len ||
	    phase > 1000000 || nnotes > len || npairs_notes > len)
		return -1;
	if (!notes)
		nnotes = npairs_notes = 0;
	need = ntags * sizeof(char *) + nfields * sizeof(struct kv) +
	       (nhist + ncont + nnotes) * sizeof(struct kvlist) + (npairs + cpairs + npairs_notes) * sizeof(struct kv);
	if (need > s->cap) {
		s->cap = need * 2;
		free(s->mem);
		s->mem = xmalloc(s->cap);
	}
	mem = s->mem;
	r->phase = (int)phase;
	r->name = need_str(&d);
	r->kind = need_str(&d);
	r->manager = need_str(&d);
	r->phase_since = need_str(&d);
	r->next_contact = (char *)get_str(&d);
	r->next_action = (char *)get_str(&d);
	r->end_reason = (char *)get_str(&d);
	r->hold_until = (char *)get_str(&d);
	r->hold_reason = (char *)get_str(&d);
	r->created = (char *)get_str(&d);
	r->tags = (char **)(void *)mem;
	r->ntags = ntags;
	mem += ntags * sizeof(char *);
	for (size_t i = 0; i < ntags; i++)
		r->tags[i] = need_str(&d);
	r->fields.v = (struct kv *)(void *)mem;
	r->fields.n = r->fields.cap = nfields;
	mem += nfields * sizeof(struct kv);
	for (size_t i = 0; i < nfields; i++) {
		r->fields.v[i].k = need_str(&d);
		r->fields.v[i].v = need_str(&d);
	}
	r->history = (struct kvlist *)(void *)mem;
	r->nhistory = nhist;
	mem += nhist * sizeof(struct kvlist);
	r->contacts = (struct kvlist *)(void *)mem;
	r->ncontacts = ncont;
	mem += ncont * sizeof(struct kvlist);
	if (notes) {
		r->notes = (struct kvlist *)(void *)mem;
		r->nnotes = nnotes;
		mem += nnotes * sizeof(struct kvlist);
	}
	get_lists(&d, r->history, nhist, &mem, &npairs);
	get_lists(&d, r->contacts, ncont, &mem, &cpairs);
	r->find_text = get_str(&d);
	/* The notes come last: a reader without them stops here. */
	if (notes)
		get_lists(&d, r->notes, nnotes, &mem, &npairs_notes);
	if (d.bad || (notes && d.p != d.end)) {
		memset(r, 0, sizeof(*r));
		return -1;
	}
	return 0;
}

/* ---- the file ---- */

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void wr64(unsigned char *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

struct rcache *rcache_load(const char *path)
{
	struct rcache *c = xcalloc(1, sizeof(*c));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint64_t datalen, tables;

	c->fd = -1;
	if (fd < 0)
		return c;
	if (fstat(fd, &st) || st.st_size < HDR || (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return c;
	}
	c->size = (size_t)st.st_size;
	c->map = mmap(NULL, c->size, PROT_READ, MAP_PRIVATE, fd, 0);
	/* Kept for rcache_rec_read: the same file as the map, even when a
	 * newer one is renamed over it meanwhile. */
	c->fd = fd;
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return c;
	}
	if (memcmp(c->map, MAGIC, 8))
		return c;
	c->nshards = rd32(c->map + 8);
	c->nrecs = rd32(c->map + 12);
	datalen = rd64(c->map + 16);
	tables = (uint64_t)c->nshards * SHARD + (uint64_t)c->nrecs * REC;
	if (datalen > c->size - HDR || tables != c->size - HDR - datalen)
		return c;
	c->data = c->map + HDR;
	c->datalen = (size_t)datalen;
	c->shards = c->data + c->datalen;
	c->recs = c->shards + (size_t)c->nshards * SHARD;
	if (XXH3_64bits(c->shards, (size_t)tables) != rd64(c->map + 24))
		return c;
	/* Every range inside the file, so that a reader never checks again. */
	for (uint32_t i = 0; i < c->nshards; i++) {
		const unsigned char *s = c->shards + (size_t)i * SHARD;

		if ((uint64_t)rd32(s + 28) + rd32(s + 32) > c->nrecs || s[NAME - 1] ||
		    rd64(s + 36) > c->datalen || rd64(s + 44) > c->datalen - rd64(s + 36))
			return c;
	}
	for (uint32_t i = 0; i < c->nrecs; i++) {
		const unsigned char *e = c->recs + (size_t)i * REC;

		if ((uint64_t)rd32(e + 20) + rd32(e + 24) > c->datalen)
			return c;
	}
	c->checked = xcalloc(c->nshards + 1, 1);
	c->valid = true;
	return c;
}

void rcache_free(struct rcache *c)
{
	if (!c)
		return;
	if (c->map)
		munmap(c->map, c->size);
	if (c->fd >= 0)
		close(c->fd);
	free(c->checked);
	free(c);
}

bool rcache_valid(const struct rcache *c)
{
	return c->valid;
}

/* Let go of the map's pages of data [from, to): the file can be larger
 * than the memory a report may take. */
static void release(struct rcache *c, size_t from, size_t to)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), base = (size_t)(c->data - c->map);
	size_t start = (base + from) / page * page, end = (base + to) / page * page;

	if (c->map && end > start)
		madvise(c->map + start, end - start, MADV_DONTNEED);
}

/* Whether shard i's data, at data (in the map or in a reader's window),
 * is what its checksum says, with its records inside its data range. */
static bool shard_sound(const struct rcache *c, size_t i, const unsigned char *data)
{
	const unsigned char *s = c->shards + i * SHARD;
	uint64_t off = rd64(s + 36), len = rd64(s + 44);
	bool ok = XXH3_64bits(data, (size_t)len) == rd64(s + 52);

	for (uint32_t k = rd32(s + 28); ok && k < rd32(s + 28) + rd32(s + 32); k++) {
		const unsigned char *e = c->recs + (size_t)k * REC;

		ok = rd32(e + 20) >= off && (uint64_t)rd32(e + 20) + rd32(e + 24) <= off + len;
	}
	return ok;
}

/* Whether shard i's data is sound (checked once, through the map). */
static bool shard_ok(struct rcache *c, size_t i)
{
	const unsigned char *s = c->shards + i * SHARD;
	uint64_t off = rd64(s + 36), len = rd64(s + 44);

	if (!c->checked[i]) {
		c->checked[i] = shard_sound(c, i, c->data + off) ? 1 : -1;
		/* A walk checks every shard before it reads a record, through
		 * the map: what was hashed goes at once. */
		release(c, off, off + len);
	}
	return c->checked[i] > 0;
}

/* The shard named name: its index, or -1. */
static long shard_find(const struct rcache *c, const char *name)
{
	size_t lo = 0, hi = c->valid ? c->nshards : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strncmp((const char *)(c->shards + mid * SHARD), name, NAME);

		if (!cmp)
			return (long)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

bool rcache_has_shard(const struct rcache *c, const char *name)
{
	return shard_find(c, name) >= 0;
}

static void shard_range(const struct rcache *c, long i, const unsigned char *oid, size_t *first, size_t *n,
			bool *same)
{
	const unsigned char *s = c->shards + (size_t)i * SHARD;

	*first = rd32(s + 28);
	*n = rd32(s + 32);
	*same = !memcmp(s + NAME, oid, RCACHE_OID);
}

bool rcache_shard(struct rcache *c, const char *name, const unsigned char *oid, size_t *first, size_t *n,
		  bool *same)
{
	long i = shard_find(c, name);

	if (i < 0 || !shard_ok(c, (size_t)i))
		return false;
	shard_range(c, i, oid, first, n, same);
	return true;
}

static bool window_fill(const struct rcache *c, struct rwindow *w, size_t off, size_t need);

bool rcache_shard_read(struct rcache *c, const char *name, const unsigned char *oid, size_t *first, size_t *n,
		       bool *same, struct rwindow *w)
{
	long i = shard_find(c, name);
	const unsigned char *s;
	uint64_t off, len;

	if (i < 0 || c->checked[i] < 0)
		return false;
	s = c->shards + (size_t)i * SHARD;
	off = rd64(s + 36);
	len = rd64(s + 44);
	/* The whole shard in one read, checked where it was read to; when
	 * it cannot be read so, through the map. */
	if (c->fd < 0 || !window_fill(c, w, (size_t)off, (size_t)len))
		return rcache_shard(c, name, oid, first, n, same);
	if (!c->checked[i])
		c->checked[i] = shard_sound(c, (size_t)i, w->buf) ? 1 : -1;
	if (c->checked[i] < 0)
		return false;
	shard_range(c, i, oid, first, n, same);
	return true;
}

const unsigned char *rcache_rec(const struct rcache *c, size_t i, const char **id,
				const unsigned char **data, size_t *len)
{
	const unsigned char *e = c->recs + i * REC;
	struct rd d;

	*data = c->data + rd32(e + 20);
	*len = rd32(e + 24);
	d.p = *data;
	d.end = *data + *len;
	d.bad = false;
	*id = get_str(&d);
	if (!*id)
		*id = "";
	return e;
}

/* Read into w the data from offset off on: at least need bytes, up to
 * WINDOW, not past the end of the data. false when the read fails. */
static bool window_fill(const struct rcache *c, struct rwindow *w, size_t off, size_t need)
{
	size_t want = need > WINDOW ? need : WINDOW, got = 0;
	off_t base = (off_t)(c->data - c->map);

	if (want > c->datalen - off)
		want = c->datalen - off;
	if (w->cap < want) {
		free(w->buf);
		w->buf = xmalloc(want);
		w->cap = want;
	}
	w->len = 0;
	while (got < want) {
		ssize_t n = pread(c->fd, w->buf + got, want - got, base + (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < need)
		return false;
	w->off = off;
	w->len = got;
	return true;
}

const unsigned char *rcache_rec_read(const struct rcache *c, size_t i, struct rwindow *w,
				     const char **id, const unsigned char **data, size_t *len)
{
	const unsigned char *e = c->recs + i * REC;
	size_t off = rd32(e + 20), n = rd32(e + 24);
	struct rd d;

	if (c->fd < 0 || ((!w->buf || off < w->off || off + n > w->off + w->len) && !window_fill(c, w, off, n)))
		/* Unreadable now: the map has the same bytes, at the map's price. */
		return rcache_rec(c, i, id, data, len);
	*data = w->buf + (off - w->off);
	*len = n;
	d.p = *data;
	d.end = *data + n;
	d.bad = false;
	*id = get_str(&d);
	if (!*id)
		*id = "";
	return e;
}

void rwindow_release(struct rwindow *w)
{
	free(w->buf);
	*w = (struct rwindow){ NULL, 0, 0, 0 };
}

/* ---- the next file, written while the register is walked ---- */

struct pshard {
	char name[NAME];
	unsigned char oid[RCACHE_OID];
	bool whole;          /* taken whole before anything changed: first and n
			      * are records of the loaded cache, not yet written */
	size_t first, n;     /* into recs */
	uint64_t off, len;   /* its data in the new file */
	uint64_t hash;
};

struct prec {
	unsigned char oid[RCACHE_OID];
	size_t off, len;     /* its data in the new file */
};

struct rcache_plan {
	struct rcache *from;
	char *path, *tmp;
	int fd;              /* the new file, once something changed; -1 before */
	bool changed, failed;
	unsigned char *wbuf; /* a write buffer */
	size_t wlen;
	uint64_t datalen;    /* written so far */
	XXH3_state_t *hs;    /* the current shard's data */
	struct pshard *shards;
	size_t nshards, scap;
	struct prec *recs;
	size_t nrecs, rcap;
	size_t copied;       /* bytes copied from the old file since its pages last went */
};

#define WBUF (1u << 20)

struct rcache_plan *rcache_plan_new(struct rcache *from, const char *path)
{
	struct rcache_plan *p = xcalloc(1, sizeof(*p));

	p->from = from;
	p->path = xstrdup(path);
	p->fd = -1;
	p->hs = XXH3_createState();
	if (!p->hs)
		xalloc_die();
	if (!from->valid)
		rcache_plan_touch(p);
	return p;
}

/* Write data to the new file; a failure marks the plan failed. */
static void write_out(struct rcache_plan *p, const unsigned char *c, size_t n)
{
	while (n && !p->failed) {
		ssize_t w = write(p->fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			p->failed = true;
		else {
			c += w;
			n -= (size_t)w;
		}
	}
}

static void flush_w(struct rcache_plan *p)
{
	write_out(p, p->wbuf, p->wlen);
	p->wlen = 0;
}

static void put_w(struct rcache_plan *p, const void *data, size_t len)
{
	if (p->failed)
		return;
	if (p->wlen + len > WBUF)
		flush_w(p);
	if (len > WBUF) /* a record larger than the buffer: straight through */
		write_out(p, data, len);
	else {
		memcpy(p->wbuf + p->wlen, data, len);
		p->wlen += len;
	}
}

/* A new record of shard s, with its encoding written as s's data. */
static void add_rec(struct rcache_plan *p, struct pshard *s, const unsigned char *oid, const void *data,
		    size_t len)
{
	struct prec *r;

	if (p->nrecs == p->rcap) {
		p->rcap = p->rcap ? 2 * p->rcap : 1024;
		p->recs = xrealloc(p->recs, p->rcap * sizeof(*p->recs));
	}
	r = &p->recs[p->nrecs++];
	s->n++;
	memcpy(r->oid, oid, RCACHE_OID);
	r->off = (size_t)p->datalen;
	r->len = len;
	put_w(p, data, len);
	XXH3_64bits_update(p->hs, data, len);
	p->datalen += len;
	s->len += len;
}

/* Record i of the loaded cache, copied as a record of shard s. */
static void add_old(struct rcache_plan *p, struct pshard *s, size_t i)
{
	const unsigned char *e = p->from->recs + i * REC;

	add_rec(p, s, e, p->from->data + rd32(e + 20), rd32(e + 24));
	p->copied += rd32(e + 24);
}

/* The old file is copied front to back through the map: what is behind
 * goes every few MiB. */
static void let_go(struct rcache_plan *p)
{
	if (p->copied >= DROP) {
		release(p->from, 0, p->from->datalen);
		p->copied = 0;
	}
}

/* Close the last shard's checksum. */
static void end_shard(struct rcache_plan *p)
{
	if (p->nshards && p->changed)
		p->shards[p->nshards - 1].hash = XXH3_64bits_digest(p->hs);
}

static void begin_shard_data(struct rcache_plan *p)
{
	struct pshard *s = &p->shards[p->nshards - 1];

	XXH3_64bits_reset(p->hs);
	s->off = p->datalen;
	s->len = 0;
}

void rcache_plan_shard(struct rcache_plan *p, const char *name, const unsigned char *oid)
{
	struct pshard *s;

	end_shard(p);
	let_go(p);
	if (p->nshards == p->scap) {
		p->scap = p->scap ? 2 * p->scap : 256;
		p->shards = xrealloc(p->shards, p->scap * sizeof(*p->shards));
	}
	s = &p->shards[p->nshards++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	memcpy(s->oid, oid, RCACHE_OID);
	s->first = p->nrecs;
	if (p->changed)
		begin_shard_data(p);
}

/* A shard given record by record differs from the loaded cache (its tree
 * id does), so keep and add start the new file. */
void rcache_plan_keep(struct rcache_plan *p, size_t i)
{
	rcache_plan_touch(p);
	add_old(p, &p->shards[p->nshards - 1], i);
}

void rcache_plan_take(struct rcache_plan *p, size_t first, size_t n)
{
	struct pshard *s = &p->shards[p->nshards - 1];

	if (!p->changed) {
		/* By reference: nothing is written unless something changes. */
		s->whole = true;
		s->first = first;
		s->n = n;
		return;
	}
	for (size_t i = 0; i < n; i++)
		add_old(p, s, first + i);
}

void rcache_plan_add(struct rcache_plan *p, const unsigned char *oid, const char *id, const void *data,
		     size_t len)
{
	(void)id;
	rcache_plan_touch(p);
	add_rec(p, &p->shards[p->nshards - 1], oid, data, len);
}

void rcache_plan_shard_oid(struct rcache_plan *p, const unsigned char *oid)
{
	memcpy(p->shards[p->nshards - 1].oid, oid, RCACHE_OID);
	rcache_plan_touch(p);
}

void rcache_plan_touch(struct rcache_plan *p)
{
	if (p->changed)
		return;
	p->changed = true;
	p->tmp = xasprintf("%s.tmp-%ld", p->path, (long)getpid());
	p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	p->wbuf = xmalloc(WBUF);
	if (p->fd < 0) {
		p->failed = true;
		return;
	}
	/* The header comes last, when the tables are known. */
	memset(p->wbuf, 0, HDR);
	p->wlen = HDR;
	/* Until now every shard was taken whole, by reference (the last one
	 * perhaps not yet): write them out. */
	for (size_t k = 0; k < p->nshards; k++) {
		struct pshard *s = &p->shards[k];
		size_t first = s->first, n = s->whole ? s->n : 0;

		s->whole = false;
		s->first = p->nrecs;
		s->n = 0;
		XXH3_64bits_reset(p->hs);
		s->off = p->datalen;
		s->len = 0;
		for (size_t i = first; i < first + n; i++)
			add_old(p, s, i);
		let_go(p);
		if (k + 1 < p->nshards)
			s->hash = XXH3_64bits_digest(p->hs);
	}
}

bool rcache_plan_changed(const struct rcache_plan *p)
{
	return p->changed;
}

int rcache_plan_save(struct rcache_plan *p)
{
	unsigned char hdr[HDR], ent[SHARD];
	XXH3_state_t *th;
	int rc = -1, err = 0;

	if (!p->changed)
		return 0;
	end_shard(p);
	if (p->failed || p->nrecs > UINT32_MAX || p->nshards > UINT32_MAX || p->datalen > UINT32_MAX)
		goto out;
	th = XXH3_createState();
	if (!th)
		xalloc_die();
	XXH3_64bits_reset(th);
	for (size_t i = 0; i < p->nshards; i++) {
		const struct pshard *s = &p->shards[i];

		memcpy(ent, s->name, NAME);
		memcpy(ent + NAME, s->oid, RCACHE_OID);
		wr32(ent + 28, (uint32_t)s->first);
		wr32(ent + 32, (uint32_t)s->n);
		wr64(ent + 36, s->off);
		wr64(ent + 44, s->len);
		wr64(ent + 52, s->hash);
		put_w(p, ent, SHARD);
		XXH3_64bits_update(th, ent, SHARD);
	}
	for (size_t i = 0; i < p->nrecs; i++) {
		const struct prec *r = &p->recs[i];

		memcpy(ent, r->oid, RCACHE_OID);
		wr32(ent + 20, (uint32_t)r->off);
		wr32(ent + 24, (uint32_t)r->len);
		put_w(p, ent, REC);
		XXH3_64bits_update(th, ent, REC);
	}
	flush_w(p);
	memcpy(hdr, MAGIC, 8);
	wr32(hdr + 8, (uint32_t)p->nshards);
	wr32(hdr + 12, (uint32_t)p->nrecs);
	wr64(hdr + 16, p->datalen);
	wr64(hdr + 24, XXH3_64bits_digest(th));
	XXH3_freeState(th);
	if (!p->failed && pwrite(p->fd, hdr, HDR, 0) == HDR && !close(p->fd)) {
		p->fd = -1;
		rc = rename(p->tmp, p->path);
	}
out:
	err = errno;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (rc && p->tmp)
		unlink(p->tmp);
	errno = err;
	return rc;
}

void rcache_plan_free(struct rcache_plan *p)
{
	if (!p)
		return;
	if (p->fd >= 0) {
		close(p->fd);
		unlink(p->tmp);
	}
	XXH3_freeState(p->hs);
	free(p->path);
	free(p->tmp);
	free(p->wbuf);
	free(p->shards);
	free(p->recs);
	free(p);
}
