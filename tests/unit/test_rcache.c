/* test_rcache: the record cache: an encoding that decodes to the same
 * record, refusal of damaged encodings and files, and a file written from
 * a plan that loads back with the same shards and records. */
#include <unistd.h>

#include "unit.h"
#include "buf.h"
#include "find.h"
#include "rcache.h"
#include "record.h"
#include "xalloc.h"

static const char full[] =
	"id: ooo-romashka\n"
	"name: ООО «Ромашка»\n"
	"kind: internal\n"
	"manager: ivanov\n"
	"phase: 11\n"
	"phase_since: 2026-10-20T10:00:00+03:00\n"
	"next_contact: 2026-11-05\n"
	"next_action: call the director\n"
	"end_reason: price\n"
	"hold_until: 2026-12-15\n"
	"hold_reason: director on holiday\n"
	"created: 2026-09-01T10:00:00+03:00\n"
	"tags: [key, north]\n"
	"fields: {inn: '7701234567', region: ural}\n"
	"contacts:\n  - {name: Anna, email: anna@example.com}\n"
	"  - {name: Sergey Petrov, role: director, phone: \"+7 351 000-00-00\"}\n"
	"remarks: a long story\n"
	"history:\n"
	"  - {at: 2026-09-01T10:00:00+03:00, by: ivanov, phase: 1, manager: ivanov}\n"
	"  - {at: 2026-10-20T10:00:00+03:00, by: ivanov, phase: 11, reason: price}\n"
	"notes:\n  - {at: 2026-10-01T10:00:00+03:00, by: ivanov, text: called}\n"
	"  - {at: 2026-10-02T10:00:00+03:00, by: petrov, channel: call, text: agreed, next: 2026-10-09}\n";

static struct record *parse(const char *text)
{
	struct record *r = NULL;

	if (record_parse(&r, text, strlen(text), "x.yaml", NULL))
		fail_msg("record_parse: %s", preg_error_msg());
	return r;
}

static void assert_same_kv(const struct kvlist *a, const struct kvlist *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].k, b->v[i].k);
		assert_string_equal(a->v[i].v, b->v[i].v);
	}
}

static void test_round_trip(void **state)
{
	struct record *r = parse(full), d;
	struct rscratch s = { NULL, 0 };
	struct buf b = BUF_INIT, ix = BUF_INIT;

	(void)state;
	rcache_encode(&b, r);
	assert_int_equal(rcache_decode(&d, &s, (const unsigned char *)b.p, b.len, true), 0);
	assert_string_equal(d.id, "ooo-romashka");
	assert_string_equal(d.name, "ООО «Ромашка»");
	assert_string_equal(d.kind, "internal");
	assert_string_equal(d.manager, "ivanov");
	assert_int_equal(d.phase, 11);
	assert_string_equal(d.phase_since, r->phase_since);
	assert_string_equal(d.next_contact, "2026-11-05");
	assert_string_equal(d.next_action, "call the director");
	assert_string_equal(d.end_reason, "price");
	assert_string_equal(d.hold_until, "2026-12-15");
	assert_string_equal(d.hold_reason, "director on holiday");
	assert_string_equal(d.created, r->created);
	assert_int_equal(d.ntags, 2);
	assert_string_equal(d.tags[1], "north");
	assert_same_kv(&d.fields, &r->fields);
	assert_int_equal(d.nhistory, 2);
	for (size_t i = 0; i < d.nhistory; i++)
		assert_same_kv(&d.history[i], &r->history[i]);
	/* Contacts, for finding a client by them. */
	assert_int_equal(d.ncontacts, 2);
	for (size_t i = 0; i < d.ncontacts; i++)
		assert_same_kv(&d.contacts[i], &r->contacts[i]);
	assert_string_equal(kv_get(&d.contacts[1], "phone"), "+7 351 000-00-00");
	/* The index for finding, made once when the record is encoded; it
	 * holds the contacts but not the notes. */
	find_index(&ix, r, false);
	assert_string_equal(d.find_text, ix.p);
	assert_non_null(strstr(d.find_text, "sergei petrov"));
	assert_null(strstr(d.find_text, "called"));
	/* Of the notes, what counting activity needs, never their text. */
	assert_int_equal(d.nnotes, 2);
	assert_string_equal(kv_get(&d.notes[0], "by"), "ivanov");
	assert_null(kv_get(&d.notes[0], "channel"));
	assert_string_equal(kv_get(&d.notes[1], "at"), "2026-10-02T10:00:00+03:00");
	assert_string_equal(kv_get(&d.notes[1], "channel"), "call");
	assert_string_equal(kv_get(&d.notes[1], "next"), "2026-10-09");
	assert_null(kv_get(&d.notes[1], "text"));
	assert_int_equal(d.notes[1].n, 4);
	/* What the cache leaves out. */
	assert_null(d.remarks);
	/* A reader that does not ask for the notes gets none, and the rest
	 * the same. */
	assert_int_equal(rcache_decode(&d, &s, (const unsigned char *)b.p, b.len, false), 0);
	assert_int_equal(d.nnotes, 0);
	assert_null(d.notes);
	assert_string_equal(d.name, "ООО «Ромашка»");
	assert_string_equal(kv_get(&d.contacts[1], "phone"), "+7 351 000-00-00");
	assert_string_equal(d.find_text, ix.p);
	buf_release(&ix);
	rscratch_release(&s);
	buf_release(&b);
	record_free(r);
}

static void test_optional_keys_stay_null(void **state)
{
	struct record *r = parse("id: ab\nname: A\nmanager: m\nphase: 1\n"
				 "phase_since: 2026-10-01T10:00:00+03:00\ncreated: 2026-10-01T10:00:00+03:00\n"), d;
	struct rscratch s = { NULL, 0 };
	struct buf b = BUF_INIT;

	(void)state;
	rcache_encode(&b, r);
	assert_int_equal(rcache_decode(&d, &s, (const unsigned char *)b.p, b.len, true), 0);
	assert_null(d.next_contact);
	assert_null(d.end_reason);
	assert_null(d.hold_until);
	assert_int_equal(d.ntags, 0);
	assert_int_equal(d.nhistory, 0);
	assert_int_equal(d.ncontacts, 0);
	rscratch_release(&s);
	buf_release(&b);
	record_free(r);
}

/* Every cut of a valid encoding, and every single flipped byte that
 * changes a length, is refused or decodes within bounds (ASan watches). */
static void test_damaged_encodings(void **state)
{
	struct record *r = parse(full), d;
	struct rscratch s = { NULL, 0 };
	struct buf b = BUF_INIT;
	unsigned char *copy;

	(void)state;
	rcache_encode(&b, r);
	for (size_t n = 0; n < b.len; n++)
		assert_int_equal(rcache_decode(&d, &s, (const unsigned char *)b.p, n, true), -1);
	copy = malloc(b.len);
	for (size_t i = 0; i < b.len; i++) {
		memcpy(copy, b.p, b.len);
		copy[i] ^= 0x5a;
		rcache_decode(&d, &s, copy, b.len, true); /* any answer, no overrun */
	}
	/* Absurd counts are refused before any allocation. */
	assert_int_equal(rcache_decode(&d, &s, (const unsigned char *)"\x02" "a\0\xff\xff\xff\xff\x0f", 9, true), -1);
	free(copy);
	rscratch_release(&s);
	buf_release(&b);
	record_free(r);
}

static char *tmpfile_path(void)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/preg-unit-rcache-XXXXXX");
	fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	return path;
}

static void test_file_round_trip_and_damage(void **state)
{
	struct record *r = parse(full);
	struct buf b = BUF_INIT;
	struct rcache *empty, *c;
	struct rcache_plan *p;
	unsigned char oid1[RCACHE_OID], oid2[RCACHE_OID], blob[RCACHE_OID];
	const unsigned char *data, *e;
	const char *id;
	char *path = tmpfile_path();
	size_t first, n, len;
	bool same;
	FILE *f;
	long size;

	(void)state;
	memset(oid1, 1, sizeof(oid1));
	memset(oid2, 2, sizeof(oid2));
	memset(blob, 7, sizeof(blob));
	unlink(path);
	empty = rcache_load(path); /* missing: empty, not valid */
	assert_false(rcache_valid(empty));
	assert_false(rcache_shard(empty, "oo", oid1, &first, &n, &same));
	p = rcache_plan_new(empty, path);
	assert_true(rcache_plan_changed(p));
	rcache_encode(&b, r);
	rcache_plan_shard(p, "aa", oid2);
	rcache_plan_shard(p, "oo", oid1);
	rcache_plan_add(p, blob, r->id, b.p, b.len);
	assert_int_equal(rcache_plan_save(p), 0);
	rcache_plan_free(p);
	rcache_free(empty);

	c = rcache_load(path);
	assert_true(rcache_valid(c));
	assert_true(rcache_shard(c, "oo", oid1, &first, &n, &same));
	assert_true(same);
	assert_int_equal(n, 1);
	assert_true(rcache_shard(c, "aa", oid1, &first, &n, &same));
	assert_false(same); /* another tree id */
	assert_int_equal(n, 0);
	assert_false(rcache_shard(c, "zz", oid1, &first, &n, &same));
	e = rcache_rec(c, 0, &id, &data, &len);
	assert_memory_equal(e, blob, RCACHE_OID);
	assert_string_equal(id, "ooo-romashka");
	assert_int_equal(len, b.len);
	assert_memory_equal(data, b.p, len);

	/* A plan that takes the unchanged shard whole writes the same file. */
	p = rcache_plan_new(c, path);
	rcache_plan_shard(p, "aa", oid2);
	rcache_plan_take(p, 0, 0);
	rcache_plan_shard(p, "oo", oid1);
	rcache_plan_take(p, 0, 1);
	assert_false(rcache_plan_changed(p));
	rcache_plan_free(p);

	/* A plan that changes the second shard after taking the first whole
	 * writes both: the first copied from the loaded file. */
	p = rcache_plan_new(c, path);
	rcache_plan_shard(p, "aa", oid2);
	rcache_plan_take(p, 0, 0);
	rcache_plan_shard(p, "oo", oid1);
	rcache_plan_keep(p, 0);
	rcache_plan_shard(p, "zz", oid2);
	rcache_plan_add(p, oid2, "zz", b.p, b.len);
	assert_true(rcache_plan_changed(p));
	assert_int_equal(rcache_plan_save(p), 0);
	rcache_plan_free(p);
	rcache_free(c);
	c = rcache_load(path);
	assert_true(rcache_valid(c));
	assert_true(rcache_shard(c, "zz", oid2, &first, &n, &same));
	assert_int_equal(first, 1);
	assert_int_equal(n, 1);
	assert_true(rcache_shard(c, "oo", oid1, &first, &n, &same));
	rcache_rec(c, 0, &id, &data, &len);
	assert_memory_equal(data, b.p, b.len);
	rcache_free(c);

	/* Every flipped byte of the file is seen: in the header or the tables
	 * the file is refused; in a shard's data, that shard is. */
	f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	for (long i = 0; i < size; i++) {
		int ch;

		fseek(f, i, SEEK_SET);
		ch = fgetc(f);
		fseek(f, i, SEEK_SET);
		fputc(ch ^ 0x20, f);
		fflush(f);
		c = rcache_load(path);
		if (rcache_valid(c)) {
			bool a = rcache_shard(c, "oo", oid1, &first, &n, &same);
			bool z = rcache_shard(c, "zz", oid2, &first, &n, &same);

			assert_false(a && z);
		}
		rcache_free(c);
		/* The same when each shard is read whole into a window and
		 * checked there (a walk in shard order). */
		c = rcache_load(path);
		if (rcache_valid(c)) {
			struct rwindow w = { NULL, 0, 0, 0 };
			bool a = rcache_shard_read(c, "oo", oid1, &first, &n, &same, &w);
			bool z = rcache_shard_read(c, "zz", oid2, &first, &n, &same, &w);

			assert_false(a && z);
			rwindow_release(&w);
		}
		rcache_free(c);
		fseek(f, i, SEEK_SET);
		fputc(ch, f);
		fflush(f);
	}
	fclose(f);
	c = rcache_load(path);
	assert_true(rcache_valid(c));
	rcache_free(c);
	assert_int_equal(truncate(path, size - 1), 0);
	c = rcache_load(path);
	assert_false(rcache_valid(c));
	rcache_free(c);
	unlink(path);
	buf_release(&b);
	record_free(r);
}

/* Readers side by side read through their own windows (pread) the same
 * bytes as the map holds: records larger than a window, records across a
 * window's end, two windows on one file in turns, and the file renamed
 * over meanwhile (a reader keeps the file it loaded); and a shard read
 * whole into one window. */
static void test_windows(void **state)
{
	struct record *r = parse(full);
	struct buf b = BUF_INIT;
	struct rcache *empty, *c;
	struct rcache_plan *p;
	struct rwindow w1 = { NULL, 0, 0, 0 }, w2 = { NULL, 0, 0, 0 };
	unsigned char oid[RCACHE_OID], blob[RCACHE_OID];
	char *path = tmpfile_path(), *name = xmalloc(50001), id[32];
	char *orig_id = r->id, *orig_name = r->name;
	size_t first, n, nrec = 300, half = 150;
	bool same;

	(void)state;
	memset(oid, 1, sizeof(oid));
	unlink(path);
	empty = rcache_load(path);
	p = rcache_plan_new(empty, path);
	rcache_plan_shard(p, "oo", oid);
	for (size_t i = 0; i < nrec; i++) {
		/* Names of 1 to 50,000 bytes: some records span several windows. */
		size_t nl = i % 37 == 0 ? 50000 : 1 + (i * 997) % 3000;

		memset(name, 'a' + (int)(i % 26), nl);
		name[nl] = '\0';
		snprintf(id, sizeof(id), "client-%05zu", i);
		r->id = id;
		r->name = name;
		b.len = 0;
		rcache_encode(&b, r);
		memset(blob, (int)i, sizeof(blob));
		rcache_plan_add(p, blob, id, b.p, b.len);
	}
	r->id = orig_id;
	r->name = orig_name;
	assert_int_equal(rcache_plan_save(p), 0);
	rcache_plan_free(p);
	rcache_free(empty);

	c = rcache_load(path);
	assert_true(rcache_valid(c));
	assert_true(rcache_shard(c, "oo", oid, &first, &n, &same));
	assert_int_equal(n, nrec);
	/* A newer file renamed over this one is not what c reads. */
	assert_int_equal(unlink(path), 0);
	for (size_t k = 0; k < half; k++) {
		for (int side = 0; side < 2; side++) {
			size_t i = first + (side ? half + k : k);
			struct rwindow *w = side ? &w2 : &w1;
			const unsigned char *d1, *d2, *e1, *e2;
			const char *id1, *id2;
			size_t l1, l2;

			e1 = rcache_rec(c, i, &id1, &d1, &l1);
			e2 = rcache_rec_read(c, i, w, &id2, &d2, &l2);
			assert_ptr_equal(e1, e2);
			assert_string_equal(id1, id2);
			assert_int_equal(l1, l2);
			assert_memory_equal(d1, d2, l1);
			/* Read from the window, not the map. */
			assert_true(d2 >= w->buf && d2 + l2 <= w->buf + w->len);
		}
	}
	rwindow_release(&w1);
	rwindow_release(&w2);
	assert_null(w1.buf);

	/* A shard read whole: every record from the one read, no other. */
	assert_true(rcache_shard_read(c, "oo", oid, &first, &n, &same, &w1));
	assert_true(same);
	assert_int_equal(n, nrec);
	for (size_t i = first; i < first + n; i++) {
		const unsigned char *d1, *d2, *e1, *e2, *buf = w1.buf;
		const char *id1, *id2;
		size_t l1, l2;

		e1 = rcache_rec(c, i, &id1, &d1, &l1);
		e2 = rcache_rec_read(c, i, &w1, &id2, &d2, &l2);
		assert_ptr_equal(e1, e2);
		assert_string_equal(id1, id2);
		assert_memory_equal(d1, d2, l1);
		assert_ptr_equal(w1.buf, buf);
		assert_true(d2 >= w1.buf && d2 + l2 <= w1.buf + w1.len);
	}
	rwindow_release(&w1);
	rcache_free(c);
	free(name);
	buf_release(&b);
	record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_optional_keys_stay_null),
		cmocka_unit_test(test_damaged_encodings),
		cmocka_unit_test(test_file_round_trip_and_damage),
		cmocka_unit_test(test_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
