/* test_log: the log index and the trail (lib/log.c), verify (lib/verify.c),
 * review (lib/review.c), and the handover and undo rules
 * (lib/ops_history.c), on real registers in a temporary directory. */
#include "unit.h"
#include "log.h"
#include "ops.h"
#include "ptime.h"
#include "review.h"
#include "verify.h"
#include "xalloc.h"

#include <fcntl.h>
#include <unistd.h>

static int serial;

static int group_setup(void **state)
{
	(void)state;
	return unit_home_setup("log") ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unit_home_teardown();
	return 0;
}

static int setup(void **state)
{
	char **w;
	size_t n = preg_warnings_take(&w);

	(void)state;
	preg_warnings_free(w, n);
	setenv("PREG_USER", "ivanov", 1);
	preg_error_clear();
	return 0;
}

static void at(const char *day)
{
	char t[64];

	snprintf(t, sizeof(t), "2026-%sT10:00:00+05:00", day);
	setenv("PREG_NOW", t, 1);
}

static void add(struct reg *r, const char *id, const char *manager)
{
	struct add_opts o;

	memset(&o, 0, sizeof(o));
	o.name = id;
	o.id = id;
	o.manager = manager;
	if (ops_add(r, &o))
		fail_msg("add %s: %s", id, preg_error_msg());
}

static void move(struct reg *r, const char *id, const char *phase)
{
	struct move_opts o;

	memset(&o, 0, sizeof(o));
	o.id = id;
	o.phase = phase;
	if (ops_move(r, &o))
		fail_msg("move %s: %s", id, preg_error_msg());
}

/* A register with: acme (ivanov) added 01-10, romashka (petrov) 01-11,
 * acme moved to 6 on 02-01. Four commits with the init. */
static struct reg *fixture(char **dir)
{
	struct reg *r = NULL;
	char *d = xasprintf("%s/reg-%d", unit_root(), ++serial);

	at("01-09");
	if (reg_init(d, "freight") || reg_open(&r, d))
		fail_msg("register: %s", preg_error_msg());
	at("01-10");
	add(r, "acme", "ivanov");
	at("01-11");
	add(r, "romashka", "petrov");
	at("02-01");
	move(r, "acme", "quotation");
	*dir = d;
	return r;
}

struct ids {
	char got[1024];
	size_t n;
};

static int collect(void *arg, const char *hex, const char *ids, size_t len)
{
	struct ids *s = arg;

	(void)hex;
	snprintf(s->got + strlen(s->got), sizeof(s->got) - strlen(s->got), "[%.*s]", (int)len, ids);
	s->n++;
	return 0;
}

static void test_index_built_and_read(void **state)
{
	char *dir, *path;
	struct reg *r = fixture(&dir);
	struct logidx *x = NULL;
	struct ids s;

	(void)state;
	assert_int_equal(log_index_open(r, &x), 0);
	assert_int_equal(logidx_count(x), 4);
	memset(&s, 0, sizeof(s));
	assert_int_equal(logidx_each(x, NULL, collect, &s), 0);
	/* Newest first; the init changed no record. */
	assert_string_equal(s.got, "[acme][romashka][acme][]");
	memset(&s, 0, sizeof(s));
	assert_int_equal(logidx_each(x, "acme", collect, &s), 0);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof(s));
	/* A prefix of an id is not the id. */
	assert_int_equal(logidx_each(x, "acm", collect, &s), 0);
	assert_int_equal(s.n, 0);
	logidx_free(x);
	path = logidx_path(reg_gitdir(r));
	assert_int_equal(access(path, R_OK), 0);

	/* A write after it: the next open extends the file. */
	at("02-02");
	move(r, "romashka", "presentation");
	assert_int_equal(log_index_open(r, &x), 0);
	assert_int_equal(logidx_count(x), 5);
	memset(&s, 0, sizeof(s));
	assert_int_equal(logidx_each(x, "romashka", collect, &s), 0);
	assert_string_equal(s.got, "[romashka][romashka]");
	logidx_free(x);
	free(path);
	reg_free(r);
	free(dir);
}

static void test_index_corrupt_is_rebuilt(void **state)
{
	char *dir, *path;
	struct reg *r = fixture(&dir);
	struct logidx *x = NULL;
	char **w;
	size_t n;
	int fd;

	(void)state;
	assert_int_equal(log_index_open(r, &x), 0);
	logidx_free(x);
	path = logidx_path(reg_gitdir(r));
	/* One byte flipped in the middle: the checksum fails. */
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "X", 1, 30), 1);
	close(fd);
	assert_int_equal(log_index_open(r, &x), 0);
	assert_int_equal(logidx_count(x), 4);
	logidx_free(x);
	n = preg_warnings_take(&w);
	assert_int_equal(n, 1);
	assert_non_null(strstr(w[0], "was corrupt; rebuilt it"));
	preg_warnings_free(w, n);
	/* Rebuilt whole: read again without a warning. */
	assert_int_equal(log_index_open(r, &x), 0);
	logidx_free(x);
	assert_int_equal(preg_warnings_take(&w), 0);
	free(path);
	reg_free(r);
	free(dir);
}

static int nth_hex(void *arg, const char *hex, const char *ids, size_t len)
{
	char (*out)[41] = arg;

	(void)ids;
	(void)len;
	/* Newest first: each shifts the others up; the oldest ends in out[0]. */
	memmove(out[1], out[0], 3 * 41);
	memcpy(out[0], hex, 40);
	out[0][40] = '\0';
	return 0;
}

/* Cut back to an older commit (as after a sync's replay), the index is
 * extended again without a warning; after a rewrite it is rebuilt with
 * one, and the rewrite is recorded. */
static void test_index_truncate_and_rewrite(void **state)
{
	char *dir, hex[4][41];
	struct reg *r = fixture(&dir);
	struct logidx *x = NULL;
	struct buf b = BUF_INIT;
	char **w;
	size_t n;

	(void)state;
	assert_int_equal(log_index_open(r, &x), 0);
	memset(hex, 0, sizeof(hex));
	assert_int_equal(logidx_each(x, NULL, nth_hex, hex), 0);
	/* hex[0] is the init, hex[3] the phase move. */
	assert_int_equal(logidx_truncate(x, hex[1]), 0);
	assert_int_equal(logidx_count(x), 2);
	assert_string_equal(logidx_tip(x), hex[1]);
	assert_int_equal(logidx_truncate(x, "0000000000000000000000000000000000000000"), PREG_ENOTFOUND);
	logidx_save(reg_gitdir(r), x);
	logidx_free(x);
	assert_int_equal(log_index_open(r, &x), 0);
	assert_int_equal(logidx_count(x), 4);
	logidx_free(x);
	assert_int_equal(preg_warnings_take(&w), 0);
	assert_int_equal(logidx_rewrites(reg_gitdir(r), &b), PREG_ENOTFOUND);

	/* The branch set back two commits by hand: a rewrite. */
	{
		git_repository *g = NULL;
		git_reference *ref = NULL;
		git_oid o;

		assert_int_equal(git_repository_open(&g, dir), 0);
		assert_int_equal(git_oid_fromstr(&o, hex[1]), 0);
		assert_int_equal(git_reference_create(&ref, g, "refs/heads/main", &o, 1, "test"), 0);
		git_reference_free(ref);
		git_repository_free(g);
	}
	assert_int_equal(log_index_open(r, &x), 0);
	assert_int_equal(logidx_count(x), 2);
	logidx_free(x);
	n = preg_warnings_take(&w);
	assert_int_equal(n, 1);
	assert_non_null(strstr(w[0], "was rewritten: 2 commits the log index held are no longer on it (the first: "));
	assert_non_null(strstr(w[0], "); rebuilt the index"));
	preg_warnings_free(w, n);
	assert_int_equal(logidx_rewrites(reg_gitdir(r), &b), 0);
	{
		char want[128];

		snprintf(want, sizeof(want), "%s 2 %s\n", hex[2], hex[3]);
		assert_string_equal(buf_str(&b), want);
	}
	buf_release(&b);
	reg_free(r);
	free(dir);
}

struct rows {
	char got[2048];
};

static int row(void *arg, const struct log_row *lr)
{
	struct rows *s = arg;
	struct buf b = BUF_INIT;

	changes_text(&b, lr->ch);
	snprintf(s->got + strlen(s->got), sizeof(s->got) - strlen(s->got), "%.10s %s %s %s|", lr->c->time,
		 lr->by, lr->id, buf_str(&b));
	buf_release(&b);
	return 0;
}

static void test_walk_filters(void **state)
{
	char *dir;
	struct reg *r = fixture(&dir);
	struct log_opts o;
	struct rows s;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	assert_int_equal(log_walk(r, &o, row, &s), 0);
	assert_string_equal(s.got, "2026-02-01 ivanov acme phase 1 (research) -> 6 (quotation)|"
				   "2026-01-11 ivanov romashka added (romashka)|"
				   "2026-01-10 ivanov acme added (acme)|");
	memset(&s, 0, sizeof(s));
	o.manager = "petrov";
	assert_int_equal(log_walk(r, &o, row, &s), 0);
	assert_string_equal(s.got, "2026-01-11 ivanov romashka added (romashka)|");
	memset(&s, 0, sizeof(s));
	o.manager = NULL;
	o.has_since = true;
	assert_int_equal(date_parse(&o.since, "2026-01-11"), 0);
	o.has_until = true;
	assert_int_equal(date_parse(&o.until, "2026-01-31"), 0);
	assert_int_equal(log_walk(r, &o, row, &s), 0);
	assert_string_equal(s.got, "2026-01-11 ivanov romashka added (romashka)|");
	reg_free(r);
	free(dir);
}

static void test_reassign_rules(void **state)
{
	char *dir;
	struct reg *r = fixture(&dir);
	struct reassign_opts o;
	char *const wrong[] = { "romashka" };

	(void)state;
	at("03-01");
	memset(&o, 0, sizeof(o));
	o.from = "ivanov";
	o.to = "ivanov";
	assert_error(ops_reassign(r, &o), PREG_EINVAL, "--from and --to are the same manager 'ivanov'");
	o.to = "smirnov";
	o.ids = wrong;
	o.nids = 1;
	assert_error(ops_reassign(r, &o), PREG_EINVAL, "client 'romashka' is managed by petrov, not ivanov");
	assert_int_equal(o.nmoved, 0);
	o.ids = NULL;
	o.nids = 0;
	o.from = "sidorov";
	assert_error(ops_reassign(r, &o), PREG_ENOTFOUND, "manager 'sidorov' has no clients that have not ended");
	o.from = "ivanov";
	assert_int_equal(ops_reassign(r, &o), 0);
	assert_int_equal(o.nmoved, 1);
	assert_string_equal(o.moved[0]->id, "acme");
	assert_string_equal(o.moved[0]->manager, "smirnov");
	{
		const struct kvlist *e = &o.moved[0]->history[o.moved[0]->nhistory - 1];

		assert_string_equal(kv_get(e, "manager"), "smirnov");
		assert_string_equal(kv_get(e, "by"), "ivanov");
		assert_string_equal(kv_get(e, "at"), "2026-03-01T10:00:00+05:00");
	}
	reassign_release(&o);
	reg_free(r);
	free(dir);
}

static void test_undo_and_verify(void **state)
{
	char *dir;
	struct reg *r = fixture(&dir);
	struct undo_opts u;
	struct verify_report v;
	struct record *rec = NULL;

	(void)state;
	at("03-01");
	assert_int_equal(ops_undo(r, &u), 0);
	assert_string_equal(u.summary, "phase: acme 1 -> 6 (quotation)");
	assert_int_equal(u.nids, 1);
	assert_string_equal(u.ids[0], "acme");
	undo_release(&u);
	assert_int_equal(reg_read(r, "acme", &rec), 0);
	assert_int_equal(rec->phase, 1);
	assert_int_equal(rec->nhistory, 1);
	record_free(rec);
	assert_int_equal(verify_run(r, &v), 0);
	assert_int_equal(v.n, 0);
	assert_int_equal(v.commits, 5);
	assert_int_equal(v.records, 2);
	verify_release(&v);
	/* ivanov's last change is now the undo, and a second undo takes it
	 * back; the phase move is refused behind it. */
	assert_int_equal(ops_undo(r, &u), 0);
	assert_string_equal(u.summary, "undo: phase: acme 1 -> 6 (quotation)");
	undo_release(&u);
	/* Another user (the acting user is read once per open register) has
	 * nothing to undo. */
	reg_free(r);
	setenv("PREG_USER", "sidorov", 1);
	setenv("GIT_AUTHOR_NAME", "Sidorov", 1);
	assert_int_equal(reg_open(&r, dir), 0);
	assert_error(ops_undo(r, &u), PREG_ENOTFOUND, "nothing to undo: no preg commit of sidorov");
	undo_release(&u);
	setenv("GIT_AUTHOR_NAME", "Ivan Ivanov", 1);
	reg_free(r);
	free(dir);
}

/* A note placed between earlier ones, in time order, as a sync's merge
 * does: the record only grew. A note's text changed: it did not. */
struct notes_edit {
	const char *at, *text, *by; /* insert a note at the front (by NULL: the acting user)... */
	bool change;                /* ...or change the text of the first */
};

static int notes_mutate(struct txn *t, void *arg)
{
	struct notes_edit *e = arg;
	struct record *rec = NULL;
	int rc;

	if ((rc = txn_read(t, "acme", &rec)))
		return rc;
	if (e->change) {
		kv_set(&rec->notes[0], "text", "changed");
	} else {
		rec->notes = xrealloc(rec->notes, (rec->nnotes + 1) * sizeof(*rec->notes));
		memmove(rec->notes + 1, rec->notes, rec->nnotes * sizeof(*rec->notes));
		memset(&rec->notes[0], 0, sizeof(rec->notes[0]));
		kv_set(&rec->notes[0], "at", e->at);
		kv_set(&rec->notes[0], "by", e->by ? e->by : txn_user(t));
		kv_set(&rec->notes[0], "text", e->text);
		rec->nnotes++;
	}
	txn_put(t, rec);
	txn_message(t, "note: acme", "note", NULL);
	record_free(rec);
	return 0;
}

static void test_verify_insertion(void **state)
{
	char *dir;
	struct reg *r = fixture(&dir);
	struct note_opts n = { .id = "acme", .text = "called" };
	struct notes_edit e = { "2026-02-20T09:00:00+05:00", "offline call", NULL, false };
	struct verify_report v;

	(void)state;
	at("03-01");
	assert_int_equal(ops_note(r, &n), 0);
	at("03-02");
	assert_int_equal(reg_write(r, 0, notes_mutate, &e), 0);
	assert_int_equal(verify_run(r, &v), 0);
	assert_int_equal(v.n, 0);
	verify_release(&v);
	/* A note by someone else than the commit's acting user: caught. */
	e.at = "2026-02-21T09:00:00+05:00";
	e.by = "sidorov";
	assert_int_equal(reg_write(r, 0, notes_mutate, &e), 0);
	assert_int_equal(verify_run(r, &v), 0);
	assert_int_equal(v.n, 1);
	assert_non_null(strstr(v.problems[0], " (note: acme): a note by sidorov in a commit by ivanov"));
	verify_release(&v);
	e.by = NULL;
	e.change = true;
	assert_int_equal(reg_write(r, 0, notes_mutate, &e), 0);
	assert_int_equal(verify_run(r, &v), 0);
	assert_int_equal(v.n, 2);
	assert_non_null(strstr(v.problems[1], "acme: commit "));
	assert_non_null(strstr(v.problems[1], " (note: acme): note 1 of 3 was changed"));
	verify_release(&v);
	reg_free(r);
	free(dir);
}

/* A record removed, then written back whole with one change more: what a
 * sync commits for a client removed on the remote but changed here (SPEC
 * §8). The entries it brings back were proven when they were written. */
struct comeback {
	const struct record *rec; /* the version before the removal; NULL: remove acme */
	const char *by;           /* the author of the note added (NULL: the acting user) */
};

static int comeback_mutate(struct txn *t, void *arg)
{
	struct comeback *cb = arg;
	struct record *rec;

	if (!cb->rec) {
		txn_remove(t, "acme");
		txn_message(t, "rm: acme", "rm", NULL);
		return 0;
	}
	rec = record_dup(cb->rec);
	rec->notes = xrealloc(rec->notes, (rec->nnotes + 1) * sizeof(*rec->notes));
	memset(&rec->notes[rec->nnotes], 0, sizeof(rec->notes[0]));
	kv_set(&rec->notes[rec->nnotes], "at", txn_now(t));
	kv_set(&rec->notes[rec->nnotes], "by", cb->by ? cb->by : txn_user(t));
	kv_set(&rec->notes[rec->nnotes], "text", "called back");
	rec->nnotes++;
	txn_put(t, rec);
	txn_message(t, "note: acme", "note", NULL);
	record_free(rec);
	return 0;
}

static void test_verify_comeback(void **state)
{
	char *dir;
	struct reg *r = fixture(&dir);
	struct note_opts n = { .id = "acme", .text = "called" };
	struct comeback cb = { NULL, NULL };
	struct record *before = NULL;
	struct verify_report v;

	(void)state;
	at("03-01");
	assert_int_equal(ops_note(r, &n), 0);
	assert_int_equal(reg_read(r, "acme", &before), 0);
	at("03-02");
	assert_int_equal(reg_write(r, 0, comeback_mutate, &cb), 0);
	/* Back by another acting user, with a note of hers: ivanov's events
	 * and note come back with it. */
	reg_free(r);
	setenv("PREG_USER", "smirnova", 1);
	assert_int_equal(reg_open(&r, dir), 0);
	at("03-03");
	cb.rec = before;
	assert_int_equal(reg_write(r, 0, comeback_mutate, &cb), 0);
	assert_int_equal(verify_run(r, &v), 0);
	assert_int_equal(v.n, 0);
	verify_release(&v);
	/* Removed again and back with a note that was never there, by
	 * someone else than the acting user: caught. */
	cb.rec = NULL;
	at("03-04");
	assert_int_equal(reg_write(r, 0, comeback_mutate, &cb), 0);
	cb.rec = before;
	cb.by = "ivanov";
	at("03-05");
	assert_int_equal(reg_write(r, 0, comeback_mutate, &cb), 0);
	assert_int_equal(verify_run(r, &v), 0);
	assert_int_equal(v.n, 1);
	assert_non_null(strstr(v.problems[0], " (note: acme): a note by ivanov in a commit by smirnova"));
	verify_release(&v);
	record_free(before);
	reg_free(r);
	free(dir);
}

static void test_review(void **state)
{
	char *dir;
	struct reg *r = fixture(&dir);
	struct review rv;
	struct reassign_opts o;
	int32_t day;

	(void)state;
	at("03-01");
	memset(&o, 0, sizeof(o));
	o.from = "petrov";
	o.to = "ivanov";
	assert_int_equal(ops_reassign(r, &o), 0);
	reassign_release(&o);
	assert_int_equal(date_parse(&day, "2026-03-11"), 0);
	assert_int_equal(review_collect(r, "petrov", day, &rv), 0);
	assert_int_equal(rv.n, 1);
	assert_string_equal(rv.v[0].rec->id, "romashka");
	assert_false(rv.v[0].holds);
	assert_string_equal(rv.v[0].taken, "2026-01-11T10:00:00+05:00");
	assert_string_equal(rv.v[0].left, "2026-03-01T10:00:00+05:00");
	assert_string_equal(rv.v[0].changed, "to ivanov on 2026-03-01");
	/* Added 01-11, in phase 1 (14d) since: 59 days on 03-11. */
	assert_int_equal(rv.v[0].st.days_in_phase, 59);
	assert_true(rv.v[0].st.stale);
	review_release(&rv);
	assert_int_equal(review_collect(r, "ivanov", day, &rv), 0);
	assert_int_equal(rv.n, 2);
	assert_string_equal(rv.v[0].changed, "phase 1 (research) -> 6 (quotation)");
	assert_string_equal(rv.v[1].taken, "2026-03-01T10:00:00+05:00");
	assert_string_equal(rv.v[1].changed, "no change");
	review_release(&rv);
	reg_free(r);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_index_built_and_read, setup),
		cmocka_unit_test_setup(test_index_corrupt_is_rebuilt, setup),
		cmocka_unit_test_setup(test_index_truncate_and_rewrite, setup),
		cmocka_unit_test_setup(test_walk_filters, setup),
		cmocka_unit_test_setup(test_reassign_rules, setup),
		cmocka_unit_test_setup(test_undo_and_verify, setup),
		cmocka_unit_test_setup(test_verify_insertion, setup),
		cmocka_unit_test_setup(test_verify_comeback, setup),
		cmocka_unit_test_setup(test_review, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
