/* test_ops: the changes commands make, through ops_* on real registers in a
 * temporary directory: what each allows and refuses, what it records, and
 * that each change is one commit (or none). */
#include "unit.h"
#include "merge.h"
#include "layout.h"
#include "ops.h"

#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#define T0 "2026-11-02T10:15:00+05:00"
#define T1 "2026-11-03T11:00:00+05:00"
#define T2 "2026-11-04T12:00:00+05:00"
#define T3 "2026-11-05T13:00:00+05:00"

static int serial;

/* ---- helpers ---- */

static int group_setup(void **state)
{
	(void)state;
	if (unit_home_setup("ops"))
		return -1;
	return 0;
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
	setenv("PREG_NOW", T0, 1);
	setenv("PREG_USER", "ivanov", 1);
	preg_error_clear();
	return 0;
}

static void at(const char *now)
{
	setenv("PREG_NOW", now, 1);
}

/* A new register (freight, or with preg.yaml replaced by yaml), opened. */
static struct reg *new_reg_with(const char *yaml, char **dir)
{
	struct reg *r = NULL;
	size_t n = strlen(unit_root()) + 32;
	char *d = malloc(n);

	snprintf(d, n, "%s/reg-%d", unit_root(), ++serial);
	if (reg_init(d, "freight"))
		fail_msg("reg_init: %s", preg_error_msg());
	/* Layout version 1, for the paths of the tests below. */
	unit_layout_v1(d);
	if (yaml) {
		git_repository *g = NULL;
		git_index *idx = NULL;
		git_signature *sig = NULL;
		git_object *parent = NULL;
		git_tree *tree = NULL;
		git_oid tid, cid;
		char *p = malloc(n + 16);
		FILE *f;

		snprintf(p, n + 16, "%s/preg.yaml", d);
		f = fopen(p, "w");
		fputs(yaml, f);
		fclose(f);
		free(p);
		assert_int_equal(git_repository_open(&g, d), 0);
		assert_int_equal(git_repository_index(&idx, g), 0);
		assert_int_equal(git_index_add_bypath(idx, "preg.yaml"), 0);
		assert_int_equal(git_index_write(idx), 0);
		assert_int_equal(git_index_write_tree(&tid, idx), 0);
		assert_int_equal(git_tree_lookup(&tree, g, &tid), 0);
		assert_int_equal(git_revparse_single(&parent, g, "HEAD"), 0);
		assert_int_equal(git_signature_now(&sig, "x", "x@y"), 0);
		assert_int_equal(git_commit_create(&cid, g, "HEAD", sig, sig, NULL, "settings\n", tree, 1,
						   (const git_commit **)&parent),
				 0);
		git_signature_free(sig);
		git_object_free(parent);
		git_tree_free(tree);
		git_index_free(idx);
		git_repository_free(g);
	}
	if (reg_open(&r, d))
		fail_msg("reg_open: %s", preg_error_msg());
	if (dir)
		*dir = d;
	else
		free(d);
	return r;
}

static struct reg *new_reg(char **dir)
{
	return new_reg_with(NULL, dir);
}

/* Commit path with text behind preg's back, work tree and index too, as a
 * user would with git add and git commit. */
static void commit_file(const char *dir, const char *path, const char *text)
{
	size_t n = strlen(dir) + strlen(path) + 2;
	char *full = malloc(n), *slash;
	git_repository *g = NULL;
	git_index *idx = NULL;
	git_object *parent = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid tid, cid;
	FILE *fp;

	snprintf(full, n, "%s/%s", dir, path);
	slash = strrchr(full, '/');
	*slash = '\0';
	mkdir(full, 0777);
	*slash = '/';
	fp = fopen(full, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(full);
	assert_int_equal(git_repository_open(&g, dir), 0);
	assert_int_equal(git_repository_index(&idx, g), 0);
	assert_int_equal(git_index_add_bypath(idx, path), 0);
	assert_int_equal(git_index_write(idx), 0);
	assert_int_equal(git_index_write_tree(&tid, idx), 0);
	assert_int_equal(git_tree_lookup(&tree, g, &tid), 0);
	assert_int_equal(git_revparse_single(&parent, g, "HEAD"), 0);
	assert_int_equal(git_signature_now(&sig, "x", "x@y"), 0);
	assert_int_equal(git_commit_create(&cid, g, "HEAD", sig, sig, NULL, "by hand\n", tree, 1,
					   (const git_commit **)&parent),
			 0);
	git_signature_free(sig);
	git_object_free(parent);
	git_tree_free(tree);
	git_index_free(idx);
	git_repository_free(g);
}

static int ncommits(const char *dir)
{
	git_repository *g = NULL;
	git_revwalk *w = NULL;
	git_oid oid;
	int n = 0;

	assert_int_equal(git_repository_open(&g, dir), 0);
	assert_int_equal(git_revwalk_new(&w, g), 0);
	assert_int_equal(git_revwalk_push_head(w), 0);
	while (!git_revwalk_next(&oid, w))
		n++;
	git_revwalk_free(w);
	git_repository_free(g);
	return n;
}

static char *last_message(const char *dir)
{
	git_repository *g = NULL;
	git_object *o = NULL;
	char *m;

	assert_int_equal(git_repository_open(&g, dir), 0);
	assert_int_equal(git_revparse_single(&o, g, "HEAD"), 0);
	m = strdup(git_commit_message((git_commit *)o));
	git_object_free(o);
	git_repository_free(g);
	return m;
}

#define assert_message(dir, want) do { \
	char *m_ = last_message(dir); \
	assert_string_equal(m_, (want)); \
	free(m_); \
} while (0)

/* Whether git sees the work tree and index equal to HEAD. */
static int nchanges(const char *dir)
{
	git_repository *g = NULL;
	git_status_list *l = NULL;
	git_status_options o;
	int n;

	assert_int_equal(git_repository_open(&g, dir), 0);
	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	assert_int_equal(git_status_list_new(&l, g, &o), 0);
	n = (int)git_status_list_entrycount(l);
	git_status_list_free(l);
	git_repository_free(g);
	return n;
}

/* The record id at the tip (must exist); caller frees. */
static struct record *get(struct reg *r, const char *id)
{
	struct record *rec = NULL;

	preg_error_clear();
	if (reg_read(r, id, &rec))
		fail_msg("reg_read %s: %s", id, preg_error_msg());
	return rec;
}

/* The text of the record's file in the work tree; caller frees. */
static char *file_of(const char *dir, const char *id)
{
	char *rel = layout_path(LAYOUT_V1, id);
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n), *s;
	FILE *f;
	long len;

	snprintf(p, n, "%s/%s", dir, rel);
	f = fopen(p, "rb");
	free(rel);
	free(p);
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)len + 1);
	assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
	s[len] = '\0';
	fclose(f);
	return s;
}

/* The history event i as "k=v k=v ..." in its stored order. */
static char *event(const struct kvlist *e)
{
	static char s[1024];

	s[0] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, e->v[i].k);
		strcat(s, "=");
		strcat(s, e->v[i].v);
	}
	return s;
}

/* Add a client; dup: even when it is a likely duplicate. */
static int add_opt(struct reg *r, const char *name, const char *id, char *out, bool dup)
{
	struct add_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.name = name;
	o.id = id;
	o.allow_duplicate = dup;
	preg_error_clear();
	rc = ops_add(r, &o);
	if (out)
		strcpy(out, o.id_out);
	return rc;
}

static int add(struct reg *r, const char *name, const char *id, char *out)
{
	return add_opt(r, name, id, out, false);
}

/* Add a client and fail the test if it does not work. */
static void must_add(struct reg *r, const char *name, const char *id)
{
	char got[64];

	if (add(r, name, id, got))
		fail_msg("ops_add %s: %s", name, preg_error_msg());
	if (id)
		assert_string_equal(got, id);
}

static int move(struct reg *r, const char *id, const char *phase)
{
	struct move_opts o;

	memset(&o, 0, sizeof(o));
	o.id = id;
	o.phase = phase;
	preg_error_clear();
	return ops_move(r, &o);
}

static void must_move(struct reg *r, const char *id, const char *phase)
{
	if (move(r, id, phase))
		fail_msg("ops_move %s %s: %s", id, phase, preg_error_msg());
}

/* A register with requires and a manager list. */
static const char strict_yaml[] =
	"version: 1\n"
	"phases:\n"
	"  - {id: 1, key: lead, name: lead, stale_after: 7d}\n"
	"  - {id: 2, key: talk, name: talking, requires: [contacts, fields.direction]}\n"
	"  - {id: 3, key: deal, name: deal, reversible: true, requires: [next_contact]}\n"
	"  - {id: 4, key: lost, name: lost, ending: true}\n"
	"managers:\n"
	"  ivanov: {name: Ivan Ivanov}\n"
	"  petrov: {name: Petr Petrov}\n";

/* ---- add ---- */

static void test_add(void **state)
{
	struct reg *r;
	struct record *rec;
	struct add_opts o;
	char *dir, *f, got[64];
	const char *tags[] = { "china", "steel" };
	const char *fields[] = { "direction=China - Chelyabinsk", "cargo=steel pipes" };
	const char *contacts[] = { "Sergey Petrov <s.petrov@example.com>; decision maker; +7 351 000-00-00",
				   "info@example.com", "Anna" };

	(void)state;
	r = new_reg(&dir);
	memset(&o, 0, sizeof(o));
	o.name = "  ООО «Ромашка»  ";
	o.kind = "internal";
	o.manager = "petrov";
	o.phase = "request";
	o.next = "2026-11-25";
	o.action = "call about the first shipment";
	o.remarks = "Prefers e-mail.\nDecides at month end.\n";
	o.tags = tags;
	o.ntags = 2;
	o.fields = fields;
	o.nfields = 2;
	o.contacts = contacts;
	o.ncontacts = 3;
	assert_int_equal(ops_add(r, &o), 0);
	assert_string_equal(o.id_out, "romashka");
	assert_int_equal(ncommits(dir), 2);
	assert_message(dir, "add: romashka (ООО «Ромашка»)\n\n"
			    "Preg-Client: romashka\nPreg-Action: add\nPreg-Phase: 4\nPreg-User: ivanov\n");
	assert_int_equal(nchanges(dir), 0);

	rec = get(r, "romashka");
	assert_string_equal(rec->name, "ООО «Ромашка»");
	assert_string_equal(rec->kind, "internal");
	assert_string_equal(rec->manager, "petrov");
	assert_int_equal(rec->phase, 4);
	assert_string_equal(rec->phase_since, T0);
	assert_string_equal(rec->created, T0);
	assert_string_equal(rec->next_contact, "2026-11-25");
	assert_string_equal(rec->next_action, "call about the first shipment");
	assert_string_equal(rec->remarks, "Prefers e-mail.\nDecides at month end.\n");
	assert_int_equal(rec->ntags, 2);
	assert_string_equal(rec->tags[1], "steel");
	assert_string_equal(kv_get(&rec->fields, "direction"), "China - Chelyabinsk");
	assert_string_equal(kv_get(&rec->fields, "cargo"), "steel pipes");
	assert_int_equal(rec->ncontacts, 3);
	assert_string_equal(event(&rec->contacts[0]), "name=Sergey Petrov role=decision maker "
						      "phone=+7 351 000-00-00 email=s.petrov@example.com");
	assert_string_equal(event(&rec->contacts[1]), "email=info@example.com");
	assert_string_equal(event(&rec->contacts[2]), "name=Anna");
	assert_int_equal(rec->nhistory, 1);
	assert_string_equal(event(&rec->history[0]), "at=" T0 " by=ivanov phase=4 manager=petrov");
	assert_int_equal(rec->nnotes, 0);
	record_free(rec);

	/* The file is canonical: parse and write give it back. */
	f = file_of(dir, "romashka");
	{
		struct record *back = NULL;
		struct buf b = BUF_INIT;

		assert_int_equal(record_parse(&back, f, strlen(f), "x", NULL), 0);
		record_write(&b, back);
		assert_string_equal(buf_str(&b), f);
		buf_release(&b);
		record_free(back);
	}
	free(f);

	/* Defaults: the acting user, phase 1, external. */
	assert_int_equal(add(r, "Acme", NULL, got), 0);
	assert_string_equal(got, "acme");
	rec = get(r, "acme");
	assert_string_equal(rec->manager, "ivanov");
	assert_int_equal(rec->phase, 1);
	assert_string_equal(rec->kind, "external");
	assert_null(rec->next_contact);
	assert_int_equal(rec->ntags, 0);
	assert_string_equal(event(&rec->history[0]), "at=" T0 " by=ivanov phase=1 manager=ivanov");
	record_free(rec);
	assert_message(dir, "add: acme (Acme)\n\nPreg-Client: acme\nPreg-Action: add\nPreg-Phase: 1\nPreg-User: ivanov\n");
	reg_free(r);
	free(dir);
}

static void test_add_ids(void **state)
{
	struct reg *r;
	char *dir, got[64];

	(void)state;
	r = new_reg(&dir);
	/* A taken id gets -2, -3... */
	assert_int_equal(add(r, "Acme", NULL, got), 0);
	assert_string_equal(got, "acme");
	/* The same name again is a likely duplicate: refused, unless
	 * allowed, and then it gets the next free id. */
	assert_int_equal(add(r, "ACME", NULL, got), PREG_EEXISTS);
	assert_int_equal(add_opt(r, "ACME", NULL, got, true), 0);
	assert_string_equal(got, "acme-2");
	assert_int_equal(add_opt(r, "acme!", NULL, got, true), 0);
	assert_string_equal(got, "acme-3");
	assert_int_equal(ncommits(dir), 4);
	/* One-character ids go to a padded shard. */
	assert_int_equal(add(r, "Я", NULL, got), 0);
	assert_string_equal(got, "ia");
	assert_int_equal(add(r, "Q", NULL, got), 0);
	assert_string_equal(got, "q");
	{
		struct record *rec = get(r, "q");

		record_free(rec);
	}
	/* An explicit id must already be valid and free. */
	assert_int_equal(add(r, "Whatever", "my-id", got), 0);
	assert_string_equal(got, "my-id");
	assert_error(add(r, "Other", "my-id", got), PREG_EEXISTS, "client 'my-id' already exists");
	assert_error(add(r, "Other", "acme", got), PREG_EEXISTS, "client 'acme' already exists");
	assert_error(add(r, "Other", "My-Id", got), PREG_EINVAL,
		     "invalid id 'My-Id' (lowercase letters, digits and '-', at most 48, not a device name)");
	assert_error(add(r, "Other", "../x", got), PREG_EINVAL,
		     "invalid id '../x' (lowercase letters, digits and '-', at most 48, not a device name)");
	assert_error(add(r, "Other", "con", got), PREG_EINVAL,
		     "invalid id 'con' (lowercase letters, digits and '-', at most 48, not a device name)");
	assert_error(add(r, "Other", "", got), PREG_EINVAL,
		     "invalid id '' (lowercase letters, digits and '-', at most 48, not a device name)");
	/* A name that gives no id. */
	assert_error(add(r, "日本語", NULL, got), PREG_EINVAL,
		     "cannot derive an id from name '日本語'; give one with --id");
	assert_error(add(r, "CON", NULL, got), PREG_EINVAL,
		     "id 'con' is a reserved name; give another with --id");
	/* ...but with an id it is fine. */
	assert_int_equal(add(r, "日本語", "nihongo", got), 0);
	assert_int_equal(ncommits(dir), 8);
	reg_free(r);
	free(dir);
}

static void test_add_refusals(void **state)
{
	struct reg *r;
	struct add_opts o;
	char *dir, big[1100];
	const char *one[1];

#define REFUSE(code, msg) do { \
	assert_error(ops_add(r, &o), (code), (msg)); \
	assert_int_equal(ncommits(dir), 2); \
	memset(&o, 0, sizeof(o)); \
	o.name = "Acme"; \
} while (0)

	(void)state;
	r = new_reg_with(strict_yaml, &dir);
	memset(&o, 0, sizeof(o));
	o.name = "Acme";

	o.name = "";
	REFUSE(PREG_EINVAL, "empty client name");
	o.name = " \t ";
	REFUSE(PREG_EINVAL, "empty client name");
	o.name = "two\nlines";
	REFUSE(PREG_EINVAL, "a client name must be one line of text (at most 1000 bytes, no control characters)");
	o.name = "esc\x1b[2J";
	REFUSE(PREG_EINVAL, "a client name must be one line of text (at most 1000 bytes, no control characters)");
	o.name = "bad \xff utf8";
	REFUSE(PREG_EINVAL, "a client name is not valid UTF-8");
	memset(big, 'a', 1001);
	big[1001] = '\0';
	o.name = big;
	REFUSE(PREG_EINVAL, "a client name must be one line of text (at most 1000 bytes, no control characters)");

	o.phase = "nope";
	REFUSE(PREG_EINVAL, "unknown phase 'nope' (see 'preg phase list')");
	o.phase = "4";
	REFUSE(PREG_EINVAL, "a new client cannot start in phase 4 (lost), which ends a collaboration");
	o.phase = "talk";
	REFUSE(PREG_EINVAL, "phase 2 (talk) requires contacts, fields.direction");
	o.phase = "talk";
	one[0] = "Anna <a@b.c>";
	o.contacts = one;
	o.ncontacts = 1;
	REFUSE(PREG_EINVAL, "phase 2 (talk) requires fields.direction");

	o.manager = "sidorov";
	REFUSE(PREG_EINVAL, "unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))");
	o.manager = "Ivan Sidorov";
	REFUSE(PREG_EINVAL, "unknown manager 'Ivan Sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))");
	o.kind = "partner";
	REFUSE(PREG_EINVAL, "invalid kind 'partner' (external or internal)");
	o.next = "2026-02-30";
	REFUSE(PREG_EINVAL, "--next: invalid date '2026-02-30' (February 2026 has 28 days)");
	o.next = "next fri";
	REFUSE(PREG_EINVAL, "--next: invalid date 'next fri' (ambiguous: a weekday alone such as fri is the next one)");
	o.action = "call\nthem";
	REFUSE(PREG_EINVAL, "--action must be one line of text (at most 4096 bytes, no control characters)");
	o.remarks = "bell\a";
	REFUSE(PREG_EINVAL, "--remarks must be text of at most 64 KiB without control characters");

	one[0] = "two words";
	o.tags = one;
	o.ntags = 1;
	REFUSE(PREG_EINVAL, "invalid tag 'two words' (one word, no spaces or commas)");
	one[0] = "a,b";
	o.tags = one;
	o.ntags = 1;
	REFUSE(PREG_EINVAL, "invalid tag 'a,b' (one word, no spaces or commas)");
	one[0] = "";
	o.tags = one;
	o.ntags = 1;
	REFUSE(PREG_EINVAL, "invalid tag '' (one word, no spaces or commas)");

	one[0] = "direction";
	o.fields = one;
	o.nfields = 1;
	REFUSE(PREG_EINVAL, "--field 'direction' is not KEY=VALUE");
	one[0] = "=x";
	o.fields = one;
	o.nfields = 1;
	REFUSE(PREG_EINVAL, "--field '=x' is not KEY=VALUE");
	one[0] = "bad key=x";
	o.fields = one;
	o.nfields = 1;
	REFUSE(PREG_EINVAL, "invalid field name 'bad key' (letters, digits, '_' and '-')");
	one[0] = "k=two\nlines";
	o.fields = one;
	o.nfields = 1;
	REFUSE(PREG_EINVAL, "a field value must be one line of text (at most 4096 bytes, no control characters)");

	one[0] = " ; ";
	o.contacts = one;
	o.ncontacts = 1;
	REFUSE(PREG_EINVAL, "empty contact ' ; '");
	one[0] = "A; b; c; d";
	o.contacts = one;
	o.ncontacts = 1;
	REFUSE(PREG_EINVAL, "contact 'A; b; c; d' has more than 'Name <email>; role; phone'");
	one[0] = "A\nB";
	o.contacts = one;
	o.ncontacts = 1;
	REFUSE(PREG_EINVAL, "a contact must be one line of text (at most 1024 bytes, no control characters)");

	/* With everything it needs, phase 2 is fine. */
	{
		const char *c[] = { "Anna <a@b.c>" }, *f[] = { "direction=east" };

		o.phase = "talk";
		o.contacts = c;
		o.ncontacts = 1;
		o.fields = f;
		o.nfields = 1;
		assert_int_equal(ops_add(r, &o), 0);
		assert_int_equal(ncommits(dir), 3);
	}
#undef REFUSE
	reg_free(r);
	free(dir);
}

/* "Name <email>; ; phone": an empty role leaves the phone a phone. */
static void test_add_contact_without_role(void **state)
{
	struct reg *r;
	struct add_opts o;
	struct record *rec;
	char *dir;
	const char *c[] = { "Ivan <i@example.com>; ; +7 123", "Anna;;+7 456" };

	(void)state;
	r = new_reg(&dir);
	memset(&o, 0, sizeof(o));
	o.name = "Acme";
	o.contacts = c;
	o.ncontacts = 2;
	assert_int_equal(ops_add(r, &o), 0);
	rec = get(r, "acme");
	assert_string_equal(event(&rec->contacts[0]), "name=Ivan phone=+7 123 email=i@example.com");
	assert_string_equal(event(&rec->contacts[1]), "name=Anna phone=+7 456");
	record_free(rec);
	reg_free(r);
	free(dir);
}

/* ---- move ---- */

static void test_move(void **state)
{
	struct reg *r;
	struct record *rec;
	struct move_opts o;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Romashka", "romashka");

	at(T1);
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "presentation";
	o.message = "met the director";
	assert_int_equal(ops_move(r, &o), 0);
	assert_int_equal(o.from, 1);
	assert_int_equal(o.to, 3);
	assert_int_equal(ncommits(dir), 3);
	assert_message(dir, "phase: romashka 1 -> 3 (presentation)\n\n"
			    "Preg-Client: romashka\nPreg-Action: phase\nPreg-Phase: 1 -> 3\nPreg-User: ivanov\n");
	assert_int_equal(nchanges(dir), 0);
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 3);
	assert_string_equal(rec->phase_since, T1);
	assert_string_equal(rec->created, T0);
	assert_int_equal(rec->nhistory, 2);
	assert_string_equal(event(&rec->history[1]), "at=" T1 " by=ivanov phase=3 note=met the director");
	record_free(rec);

	/* By number; and the next phase when none is given. */
	at(T2);
	must_move(r, "romashka", "4");
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	assert_int_equal(ops_move(r, &o), 0);
	assert_int_equal(o.from, 4);
	assert_int_equal(o.to, 5);
	assert_message(dir, "phase: romashka 4 -> 5 (processing)\n\n"
			    "Preg-Client: romashka\nPreg-Action: phase\nPreg-Phase: 4 -> 5\nPreg-User: ivanov\n");

	/* Back from a reversible phase: no force needed, none recorded. */
	must_move(r, "romashka", "request");
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 4);
	assert_string_equal(event(&rec->history[rec->nhistory - 1]), "at=" T2 " by=ivanov phase=4");
	record_free(rec);
	assert_message(dir, "phase: romashka 5 -> 4 (request)\n\n"
			    "Preg-Client: romashka\nPreg-Action: phase\nPreg-Phase: 5 -> 4\nPreg-User: ivanov\n");
	assert_int_equal(ncommits(dir), 6);

	/* The acting user is recorded. */
	setenv("PREG_USER", "petrov", 1);
	reg_free(r);
	assert_int_equal(reg_open(&r, dir), 0);
	must_move(r, "romashka", "5");
	rec = get(r, "romashka");
	assert_string_equal(kv_get(&rec->history[rec->nhistory - 1], "by"), "petrov");
	assert_string_equal(rec->manager, "ivanov");
	record_free(rec);
	reg_free(r);
	free(dir);
}

static void test_move_refusals(void **state)
{
	struct reg *r;
	struct move_opts o;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Romashka", "romashka");
	at(T1);
	assert_error(move(r, "romashka", "1"), PREG_EINVAL, "client 'romashka' is already in phase 1 (research)");
	assert_error(move(r, "romashka", "research"), PREG_EINVAL,
		     "client 'romashka' is already in phase 1 (research)");
	assert_error(move(r, "romashka", "13"), PREG_EINVAL, "unknown phase '13' (see 'preg phase list')");
	assert_error(move(r, "romashka", "nope"), PREG_EINVAL, "unknown phase 'nope' (see 'preg phase list')");
	assert_error(move(r, "nobody", "2"), PREG_ENOTFOUND, "client 'nobody' not found");
	assert_int_equal(ncommits(dir), 2);

	/* Back from a phase that is not reversible needs --force. */
	must_move(r, "romashka", "first-order");
	assert_error(move(r, "romashka", "contract"), PREG_EINVAL,
		     "client 'romashka' cannot go back from phase 8 (first-order) to 7 (contract) without --force");
	assert_error(move(r, "romashka", "1"), PREG_EINVAL,
		     "client 'romashka' cannot go back from phase 8 (first-order) to 1 (research) without --force");
	assert_int_equal(ncommits(dir), 3);

	/* -m and --reason are checked. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "9";
	o.message = "x\x01";
	assert_error(ops_move(r, &o), PREG_EINVAL, "-m must be text of at most 64 KiB without control characters");
	o.message = NULL;
	o.phase = "ended";
	o.reason = "a\nb";
	assert_error(ops_move(r, &o), PREG_EINVAL,
		     "--reason must be one line of text (at most 4096 bytes, no control characters)");
	assert_int_equal(ncommits(dir), 3);

	/* A phase preg.yaml does not have. */
	commit_file(dir, "clients/od/odd.yaml",
		    "id: odd\nname: Odd\nmanager: ivanov\nphase: 13\nphase_since: " T0 "\ncreated: " T0 "\n");
	assert_error(move(r, "odd", "2"), PREG_EINVAL, "client 'odd' is in phase 13, which preg.yaml does not have");
	assert_int_equal(ncommits(dir), 4);

	/* The last phase has no next. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "ended";
	o.reason = "gone";
	assert_int_equal(ops_move(r, &o), 0);
	must_move(r, "romashka", "analysis");
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	assert_error(ops_move(r, &o), PREG_EINVAL, "client 'romashka' is in the last phase, 12 (analysis)");
	assert_int_equal(ncommits(dir), 6);
	reg_free(r);
	free(dir);
}

static void test_move_force(void **state)
{
	struct reg *r;
	struct record *rec;
	struct move_opts o;
	char *dir, *f;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Romashka", "romashka");
	at(T1);
	must_move(r, "romashka", "first-order");
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "contract";
	o.force = true;
	o.message = "wrong click";
	assert_int_equal(ops_move(r, &o), 0);
	assert_message(dir, "phase: romashka 8 -> 7 (contract) forced\n\n"
			    "Preg-Client: romashka\nPreg-Action: phase\nPreg-Phase: 8 -> 7\nPreg-User: ivanov\n");
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 7);
	assert_string_equal(event(&rec->history[2]), "at=" T1 " by=ivanov phase=7 force=true note=wrong click");
	record_free(rec);
	/* In the file, a YAML boolean. */
	f = file_of(dir, "romashka");
	if (!strstr(f, "  - {at: " T1 ", by: ivanov, phase: 7, force: true, note: wrong click}\n"))
		fail_msg("force not recorded as 'force: true':\n%s", f);
	free(f);

	/* --force where none is needed records nothing. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "request";
	o.force = true;
	assert_int_equal(ops_move(r, &o), 0);
	rec = get(r, "romashka");
	assert_string_equal(event(&rec->history[3]), "at=" T1 " by=ivanov phase=4");
	record_free(rec);
	assert_message(dir, "phase: romashka 7 -> 4 (request)\n\n"
			    "Preg-Client: romashka\nPreg-Action: phase\nPreg-Phase: 7 -> 4\nPreg-User: ivanov\n");
	reg_free(r);
	free(dir);
}

static void test_move_ending(void **state)
{
	struct reg *r;
	struct record *rec;
	struct move_opts o;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Romashka", "romashka");
	at(T1);
	must_move(r, "romashka", "next-request");

	/* Entering an ending phase needs a reason, recorded twice. */
	assert_error(move(r, "romashka", "ended"), PREG_EINVAL,
		     "phase 11 (ended) ends the collaboration: say why with --reason");
	assert_error(move(r, "romashka", "12"), PREG_EINVAL,
		     "phase 12 (analysis) ends the collaboration: say why with --reason");
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "ended";
	o.reason = "moved to a competitor";
	assert_int_equal(ops_move(r, &o), 0);
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 11);
	assert_string_equal(rec->end_reason, "moved to a competitor");
	assert_string_equal(event(&rec->history[2]), "at=" T1 " by=ivanov phase=11 reason=moved to a competitor");
	record_free(rec);

	/* From one ending phase to the next: no new reason needed; the old
	 * one stays. */
	must_move(r, "romashka", "analysis");
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 12);
	assert_string_equal(rec->end_reason, "moved to a competitor");
	record_free(rec);

	/* A new reason replaces it. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "ended";
	o.reason = "second thoughts";
	o.force = true;
	assert_int_equal(ops_move(r, &o), 0);
	rec = get(r, "romashka");
	assert_string_equal(rec->end_reason, "second thoughts");
	record_free(rec);

	/* Leaving the ending phases clears it. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "next-request";
	o.force = true;
	assert_int_equal(ops_move(r, &o), 0);
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 10);
	assert_null(rec->end_reason);
	assert_string_equal(event(&rec->history[rec->nhistory - 1]), "at=" T1 " by=ivanov phase=10 force=true");
	record_free(rec);
	{
		char *f = file_of(dir, "romashka");

		assert_null(strstr(f, "end_reason"));
		free(f);
	}
	reg_free(r);
	free(dir);
}

/* Won back: --reopen out of an ending phase, a reopening in the
 * history, not a forced move; refused out of a phase that does not end
 * and into one that ends. */
static void test_move_reopen(void **state)
{
	struct reg *r;
	struct record *rec;
	struct move_opts o;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "ООО «Волга Тимбер»", "volga");
	at(T1);
	memset(&o, 0, sizeof(o));
	o.id = "volga";
	o.phase = "ended";
	o.reason = "ушли к конкуренту";
	assert_int_equal(ops_move(r, &o), 0);
	/* Back without --reopen or --force: the refusal names --reopen. */
	assert_error(move(r, "volga", "quotation"), PREG_EINVAL,
		     "client 'volga' ended in phase 11 (ended): take it to 6 (quotation) with --reopen (won back)");
	memset(&o, 0, sizeof(o));
	o.id = "volga";
	o.phase = "analysis";
	o.reopen = true;
	assert_error(ops_move(r, &o), PREG_EINVAL,
		     "phase 12 (analysis) ends the collaboration too: --reopen goes to one that does not");
	o.phase = "quotation";
	assert_int_equal(ops_move(r, &o), 0);
	assert_int_equal(o.from, 11);
	assert_int_equal(o.to, 6);
	rec = get(r, "volga");
	assert_int_equal(rec->phase, 6);
	assert_null(rec->end_reason);
	assert_string_equal(event(&rec->history[rec->nhistory - 1]), "at=" T1 " by=ivanov phase=6 reopen=true");
	record_free(rec);
	/* Now in a phase that does not end: nothing to reopen. */
	o.phase = "request";
	assert_error(ops_move(r, &o), PREG_EINVAL,
		     "client 'volga' is in phase 6 (quotation), which does not end the collaboration: nothing to reopen");
	reg_free(r);
	free(dir);
}

/* The canonical text of record id at the tip; caller frees. */
static char *text_of(struct reg *r, const char *id)
{
	struct record *rec = get(r, id);
	struct buf b = BUF_INIT;

	record_write(&b, rec);
	record_free(rec);
	return buf_detach(&b);
}

static void test_move_requires(void **state)
{
	struct reg *r;
	struct record *rec;
	char *dir;
	char *assign[2];
	bool changed;

	(void)state;
	r = new_reg_with(strict_yaml, &dir);
	must_add(r, "Acme", "acme");
	at(T1);
	assert_error(move(r, "acme", "talk"), PREG_EINVAL, "client 'acme' cannot enter phase 2 (talk): it lacks contacts, fields.direction");
	assert_int_equal(ncommits(dir), 3);
	/* Give it a contact by editing, then a field. */
	{
		struct record *cur = get(r, "acme");
		struct buf b = BUF_INIT;
		char *base = text_of(r, "acme");

		cur->contacts = calloc(1, sizeof(*cur->contacts));
		cur->ncontacts = 1;
		kv_set(&cur->contacts[0], "name", "Anna");
		record_write(&b, cur);
		record_free(cur);
		assert_int_equal(ops_replace(r, "acme", base, b.p, b.len, "edit.yaml", 0, &changed), 0);
		assert_true(changed);
		buf_release(&b);
		free(base);
	}
	assert_error(move(r, "acme", "talk"), PREG_EINVAL,
		     "client 'acme' cannot enter phase 2 (talk): it lacks fields.direction");
	assign[0] = "fields.direction=east";
	assert_int_equal(ops_set(r, "acme", assign, 1, 0, &changed), 0);
	must_move(r, "acme", "talk");
	assert_error(move(r, "acme", "deal"), PREG_EINVAL,
		     "client 'acme' cannot enter phase 3 (deal): it lacks next_contact");
	assign[0] = "next_contact=2026-12-01";
	assert_int_equal(ops_set(r, "acme", assign, 1, 0, &changed), 0);
	must_move(r, "acme", "deal");
	/* Going back to a phase checks its requires too (and they hold). */
	must_move(r, "acme", "talk");
	rec = get(r, "acme");
	assert_int_equal(rec->phase, 2);
	record_free(rec);
	reg_free(r);
	free(dir);
}

static void test_move_at(void **state)
{
	struct reg *r;
	struct record *rec;
	struct move_opts o;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Romashka", "romashka"); /* history at T0 */
	at(T2);

	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "2";
	o.at = "2026-11-04T12:00:01+05:00";
	assert_error(ops_move(r, &o), PREG_EINVAL, "--at 2026-11-04T12:00:01+05:00 is in the future");
	o.at = "2026-11-05";
	assert_error(ops_move(r, &o), PREG_EINVAL, "--at 2026-11-05 is in the future");
	o.at = "2026-11-02T10:14:59+05:00";
	assert_error(ops_move(r, &o), PREG_EINVAL,
		     "--at 2026-11-02T10:14:59+05:00 is before client 'romashka' was created (" T0 ")");
	o.at = "2026-11-01";
	assert_error(ops_move(r, &o), PREG_EINVAL, "--at 2026-11-01 is before client 'romashka' was created (" T0 ")");
	o.at = "tomorrow 09:00";
	assert_error(ops_move(r, &o), PREG_EINVAL, "--at tomorrow 09:00 is in the future");
	o.at = "-3d";
	assert_error(ops_move(r, &o), PREG_EINVAL, "--at -3d is before client 'romashka' was created (" T0 ")");
	o.at = "someday";
	assert_error(ops_move(r, &o), PREG_EINVAL,
		     "--at: invalid time 'someday' (use HH:MM, a date with an optional HH:MM such as "
		     "'yesterday 16:30' or '25.11.2026 09:00', or 2026-11-25T16:30:00+05:00)");
	assert_int_equal(ncommits(dir), 2);

	/* A time between the last event and now; kept in its own offset. */
	o.at = "2026-11-03T01:00:00Z";
	assert_int_equal(ops_move(r, &o), 0);
	rec = get(r, "romashka");
	assert_string_equal(rec->phase_since, "2026-11-03T01:00:00+00:00");
	assert_string_equal(kv_get(&rec->history[1], "at"), "2026-11-03T01:00:00+00:00");
	record_free(rec);
	/* A date: midnight in now's offset. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "3";
	o.at = "2026-11-04";
	assert_int_equal(ops_move(r, &o), 0);
	rec = get(r, "romashka");
	assert_string_equal(rec->phase_since, "2026-11-04T00:00:00+05:00");
	record_free(rec);
	/* Exactly now and exactly the last event are fine. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "4";
	o.at = "2026-11-04T00:00:00+05:00";
	assert_int_equal(ops_move(r, &o), 0);
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "5";
	o.at = T2;
	assert_int_equal(ops_move(r, &o), 0);
	assert_int_equal(ncommits(dir), 6);
	reg_free(r);
	free(dir);
}

/* ---- the time rule ---- */

/* A move backdated into the history lands in time order, judged by the
 * phase of its time; the phase stays that of the later move. */
/* A register with romashka added at T0 and moved to 3 at T2; now is T3.
 * The move that backdate() makes: to 2 at T1. */
static struct reg *moved_at_t2(char **dir)
{
	struct reg *r = new_reg(dir);

	must_add(r, "ООО «Ромашка»", "romashka");
	at(T2);
	must_move(r, "romashka", "3");
	at(T3);
	return r;
}

static int backdate(struct reg *r, struct move_opts *o, const char *message)
{
	memset(o, 0, sizeof(*o));
	o->id = "romashka";
	o->phase = "2";
	o->at = T1;
	o->message = message;
	return ops_move(r, o);
}

static void test_move_backdated(void **state)
{
	struct reg *r;
	struct record *rec;
	struct move_opts o;
	char *dir;

	(void)state;
	r = moved_at_t2(&dir);
	assert_int_equal(backdate(r, &o, "found the director"), 0);
	assert_int_equal(o.from, 1);
	assert_int_equal(o.to, 2);
	assert_int_equal(o.now, 3);
	assert_string_equal(o.when, T1);
	rec = get(r, "romashka");
	assert_int_equal(rec->nhistory, 3);
	assert_string_equal(kv_get(&rec->history[0], "at"), T0);
	assert_string_equal(kv_get(&rec->history[1], "at"), T1);
	assert_string_equal(kv_get(&rec->history[1], "phase"), "2");
	assert_string_equal(kv_get(&rec->history[1], "note"), "found the director");
	assert_string_equal(kv_get(&rec->history[2], "phase"), "3");
	assert_int_equal(rec->phase, 3);
	assert_string_equal(rec->phase_since, T2);
	record_free(rec);
	/* Judged by the phase then: at T1 + 1s it was in 2 already. */
	o.at = "2026-11-03T11:00:01+05:00";
	assert_error(ops_move(r, &o), PREG_EINVAL,
		     "client 'romashka' was already in phase 2 (decision-maker) at 2026-11-03T11:00:01+05:00");
	/* Into an ending phase before a later move: the client has not ended. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.phase = "11";
	o.reason = "went quiet";
	o.at = "2026-11-03T12:00:00+05:00";
	assert_int_equal(ops_move(r, &o), 0);
	assert_int_equal(o.now, 3);
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 3);
	assert_null(rec->end_reason);
	record_free(rec);
	assert_int_equal(ncommits(dir), 5);
	reg_free(r);
	free(dir);
}

/* The clock behind the record's last entry: every writer that adds an
 * event or a note refuses, names both times, writes nothing. */
static void test_clock_behind(void **state)
{
	static const char msg[] = "the clock is behind: it says " T1 ", but the last entry of client 'romashka' is at " T2;
	struct reg *r;
	struct note_opts n;
	struct move_opts m;
	struct reassign_opts ra;
	char *set_manager[] = { "manager=petrov" }, *set_name[] = { "name=ООО «Ромашка-2»" };
	bool changed;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "ООО «Ромашка»", "romashka");
	at(T2);
	memset(&n, 0, sizeof(n));
	n.id = "romashka";
	n.text = "called";
	assert_int_equal(ops_note(r, &n), 0);
	at(T1);
	assert_error(ops_note(r, &n), PREG_ERR, msg);
	memset(&m, 0, sizeof(m));
	m.id = "romashka";
	assert_error(ops_move(r, &m), PREG_ERR, msg);
	assert_error(ops_hold(r, "romashka", "2026-12-01", "holiday", NULL), PREG_ERR, msg);
	assert_error(ops_set(r, "romashka", set_manager, 1, 0, &changed), PREG_ERR, msg);
	memset(&ra, 0, sizeof(ra));
	ra.from = "ivanov";
	ra.to = "petrov";
	assert_error(ops_reassign(r, &ra), PREG_ERR, msg);
	reassign_release(&ra);
	assert_int_equal(ncommits(dir), 3);
	/* A change that adds no entry is not held back. */
	assert_int_equal(ops_set(r, "romashka", set_name, 1, 0, &changed), 0);
	assert_true(changed);
	/* The same instant in another offset is not behind. */
	at("2026-11-04T07:00:00Z");
	assert_int_equal(ops_note(r, &n), 0);
	assert_int_equal(ncommits(dir), 5);
	reg_free(r);
	free(dir);
}

/* The local result and the merged result of the same events are one
 * record: a move backdated here, merged with a note made elsewhere, gives
 * the record this clone wrote plus the note, whichever side is ours. */
static void test_local_equals_merged(void **state)
{
	struct reg *r;
	struct record *base, *local, *other, *m1, *m2;
	struct move_opts o;
	struct kvlist note = { NULL, 0, 0 };
	struct buf a = BUF_INIT, b = BUF_INIT, want = BUF_INIT;
	char *dir;

	(void)state;
	r = moved_at_t2(&dir);
	base = get(r, "romashka");
	assert_int_equal(backdate(r, &o, NULL), 0);
	local = get(r, "romashka");
	/* Elsewhere: a note at T1 on the base. */
	other = record_dup(base);
	kv_set(&note, "at", T1);
	kv_set(&note, "by", "petrov");
	kv_set(&note, "text", "called from the other office");
	record_insert_entry(other, &note, true);
	merge_record(&m1, base, local, other, NULL);
	merge_record(&m2, base, other, local, NULL);
	record_write(&a, m1);
	record_write(&b, m2);
	assert_string_equal(a.p, b.p);
	/* What this clone wrote, with the note. */
	assert_int_equal(local->nnotes, 0);
	kv_set(&note, "at", T1);
	kv_set(&note, "by", "petrov");
	kv_set(&note, "text", "called from the other office");
	record_insert_entry(local, &note, true);
	record_write(&want, local);
	assert_string_equal(a.p, want.p);
	assert_int_equal(m1->phase, 3);
	assert_string_equal(m1->phase_since, T2);
	buf_release(&a);
	buf_release(&b);
	buf_release(&want);
	record_free(base);
	record_free(local);
	record_free(other);
	record_free(m1);
	record_free(m2);
	reg_free(r);
	free(dir);
}

/* ---- note ---- */

static void test_note(void **state)
{
	struct reg *r;
	struct record *rec;
	struct note_opts o;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Romashka", "romashka");
	at(T1);
	for (int i = 0; ops_channels[i]; i++) {
		char text[64], msg[256];

		memset(&o, 0, sizeof(o));
		o.id = "romashka";
		snprintf(text, sizeof(text), "by %s", ops_channels[i]);
		o.text = text;
		o.channel = ops_channels[i];
		assert_int_equal(ops_note(r, &o), 0);
		snprintf(msg, sizeof(msg), "note: romashka (%s)\n\nPreg-Client: romashka\nPreg-Action: note\nPreg-User: ivanov\n",
			 ops_channels[i]);
		assert_message(dir, msg);
	}
	assert_int_equal(ncommits(dir), 2 + 6);
	rec = get(r, "romashka");
	assert_int_equal(rec->nnotes, 6);
	assert_string_equal(event(&rec->notes[0]), "at=" T1 " by=ivanov channel=call text=by call");
	assert_string_equal(event(&rec->notes[5]), "at=" T1 " by=ivanov channel=other text=by other");
	/* A note is not a phase event. */
	assert_int_equal(rec->nhistory, 1);
	record_free(rec);

	/* No channel; several lines; --next and --action. */
	at(T2);
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.text = "line one\nline two: with colon\n";
	o.step.next = "2026-11-25";
	o.step.action = "send the quotation";
	assert_int_equal(ops_note(r, &o), 0);
	assert_message(dir, "note: romashka\n\nPreg-Client: romashka\nPreg-Action: note\nPreg-User: ivanov\n");
	rec = get(r, "romashka");
	/* The note keeps the date it set (report activity judges each). */
	assert_string_equal(event(&rec->notes[6]),
			    "at=" T2 " by=ivanov text=line one\nline two: with colon\n next=2026-11-25");
	assert_string_equal(rec->next_contact, "2026-11-25");
	assert_string_equal(rec->next_action, "send the quotation");
	record_free(rec);
	assert_int_equal(nchanges(dir), 0);

	/* Refusals: nothing written. */
	memset(&o, 0, sizeof(o));
	o.id = "romashka";
	o.text = "x";
	o.channel = "fax";
	assert_error(ops_note(r, &o), PREG_EINVAL, "unknown channel 'fax' (call, email, meeting, letter, chat or other)");
	o.channel = "Call";
	assert_error(ops_note(r, &o), PREG_EINVAL, "unknown channel 'Call' (call, email, meeting, letter, chat or other)");
	o.channel = NULL;
	o.text = "";
	assert_error(ops_note(r, &o), PREG_EINVAL, "empty note");
	o.text = "esc\x1b[31m";
	assert_error(ops_note(r, &o), PREG_EINVAL, "a note must be text of at most 64 KiB without control characters");
	o.text = "x";
	o.step.next = "2026-13-01";
	assert_error(ops_note(r, &o), PREG_EINVAL, "--next: invalid date '2026-13-01' (there is no month 13)");
	o.step.next = NULL;
	o.step.action = "a\nb";
	assert_error(ops_note(r, &o), PREG_EINVAL,
		     "--action must be one line of text (at most 4096 bytes, no control characters)");
	o.step.action = NULL;
	o.id = "nobody";
	assert_error(ops_note(r, &o), PREG_ENOTFOUND, "client 'nobody' not found");
	assert_int_equal(ncommits(dir), 2 + 6 + 1);
	reg_free(r);
	free(dir);
}

/* Closing the loop: a note or a move on or after a due next_contact
 * settles it; --keep-next keeps it; --next replaces it; an entry dated
 * before the day it was due leaves it. */
static void test_next_step(void **state)
{
	struct reg *r;
	struct record *rec;
	struct note_opts n;
	struct move_opts m;
	char *set_next[] = { "next_contact=2026-11-04" }, *set_action[] = { "next_action=call the director" };
	bool changed;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "ООО «Ромашка»", "romashka"); /* at T0, 2026-11-02 */
	assert_int_equal(ops_set(r, "romashka", set_next, 1, 0, &changed), 0);
	assert_int_equal(ops_set(r, "romashka", set_action, 1, 0, &changed), 0);

	/* The day before it is due: nothing settled. */
	at(T1);
	memset(&n, 0, sizeof(n));
	n.id = "romashka";
	n.text = "sent the catalogue";
	assert_int_equal(ops_note(r, &n), 0);
	assert_string_equal(n.step.done, "");
	rec = get(r, "romashka");
	assert_string_equal(rec->next_contact, "2026-11-04");
	record_free(rec);

	/* On the day, with --keep-next: kept. */
	at(T2);
	n.step.keep = true;
	assert_int_equal(ops_note(r, &n), 0);
	assert_string_equal(n.step.done, "");
	rec = get(r, "romashka");
	assert_string_equal(rec->next_contact, "2026-11-04");
	assert_string_equal(rec->next_action, "call the director");
	record_free(rec);

	/* Backdated to the day before, a day later: not on or after the day. */
	at(T3);
	memset(&n, 0, sizeof(n));
	n.id = "romashka";
	n.text = "the call of the 3rd";
	n.at = "03.11.2026 15:00";
	assert_int_equal(ops_note(r, &n), 0);
	assert_string_equal(n.step.done, "");
	rec = get(r, "romashka");
	assert_string_equal(rec->next_contact, "2026-11-04");
	/* Placed in time order, in the offset of now. */
	assert_string_equal(kv_get(&rec->notes[1], "at"), "2026-11-03T15:00:00+05:00");
	assert_string_equal(kv_get(&rec->notes[1], "text"), "the call of the 3rd");
	record_free(rec);

	/* Overdue: the note settles it, and says which day. */
	n.at = NULL;
	n.text = "called: agreed the first truck";
	assert_int_equal(ops_note(r, &n), 0);
	assert_string_equal(n.step.done, "2026-11-04");
	rec = get(r, "romashka");
	assert_null(rec->next_contact);
	assert_null(rec->next_action);
	record_free(rec);

	/* --next as people type it, stored in the canonical form; then a move
	 * on that day settles it. T3 is a Thursday: fri is the next day. */
	n.text = "sent the contract";
	n.step.next = "fri";
	n.step.action = "ask about the contract";
	assert_int_equal(ops_note(r, &n), 0);
	assert_string_equal(n.step.done, "");
	rec = get(r, "romashka");
	assert_string_equal(rec->next_contact, "2026-11-06");
	assert_string_equal(rec->next_action, "ask about the contract");
	record_free(rec);
	at("2026-11-06T09:30:00+05:00");
	memset(&m, 0, sizeof(m));
	m.id = "romashka";
	assert_int_equal(ops_move(r, &m), 0);
	assert_string_equal(m.step.done, "2026-11-06");
	rec = get(r, "romashka");
	assert_int_equal(rec->phase, 2);
	assert_null(rec->next_contact);
	assert_null(rec->next_action);
	record_free(rec);

	/* A move sets the next step too; an invalid one writes nothing. */
	memset(&m, 0, sizeof(m));
	m.id = "romashka";
	m.step.next = "+2w";
	assert_int_equal(ops_move(r, &m), 0);
	rec = get(r, "romashka");
	assert_string_equal(rec->next_contact, "2026-11-20");
	record_free(rec);
	m.step.next = "31.11.2026";
	assert_error(ops_move(r, &m), PREG_EINVAL, "--next: invalid date '31.11.2026' (November 2026 has 30 days)");
	assert_int_equal(ncommits(dir), 2 + 2 + 5 + 2);
	reg_free(r);
	free(dir);
}

/* --at on hold, unhold and reassign: the event in time order, the state
 * that of the last event. */
static void test_dated_events(void **state)
{
	struct reg *r;
	struct record *rec;
	struct reassign_opts ra;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "ООО «Ромашка»", "romashka"); /* at T0 */
	at(T3);
	assert_int_equal(ops_hold(r, "romashka", "01.12.2026", "the director is on holiday", "yesterday 09:00"), 0);
	rec = get(r, "romashka");
	assert_string_equal(rec->hold_until, "2026-12-01");
	assert_string_equal(event(&rec->history[1]),
			    "at=2026-11-04T09:00:00+05:00 by=ivanov hold_until=2026-12-01 reason=the director is on holiday");
	record_free(rec);
	/* An unhold backdated before the hold is history, not the state. */
	assert_int_equal(ops_unhold(r, "romashka", "2026-11-03"), 0);
	rec = get(r, "romashka");
	assert_string_equal(event(&rec->history[1]), "at=2026-11-03T00:00:00+05:00 by=ivanov hold_until=none");
	assert_string_equal(rec->hold_until, "2026-12-01");
	record_free(rec);
	assert_error(ops_hold(r, "romashka", "+1w", "x", "tomorrow 10:00"), PREG_EINVAL,
		     "--at tomorrow 10:00 is in the future");

	memset(&ra, 0, sizeof(ra));
	ra.from = "ivanov";
	ra.to = "petrov";
	ra.at = "-1d";
	assert_int_equal(ops_reassign(r, &ra), 0);
	reassign_release(&ra);
	rec = get(r, "romashka");
	assert_string_equal(rec->manager, "petrov");
	assert_string_equal(event(&rec->history[3]), "at=2026-11-04T13:00:00+05:00 by=ivanov manager=petrov");
	record_free(rec);
	assert_int_equal(ncommits(dir), 2 + 3);
	reg_free(r);
	free(dir);
}

/* ---- set ---- */

static int set1(struct reg *r, const char *id, const char *assign, bool *changed)
{
	char *a[1];

	a[0] = (char *)assign;
	preg_error_clear();
	return ops_set(r, id, a, 1, 0, changed);
}

static void test_set(void **state)
{
	struct reg *r;
	struct record *rec;
	char *dir;
	bool changed = false;

	(void)state;
	r = new_reg_with(strict_yaml, &dir);
	must_add(r, "Acme", "acme");
	at(T1);

#define SET_OK(assign, summary) do { \
	int n_ = ncommits(dir); \
	changed = false; \
	assert_int_equal(set1(r, "acme", (assign), &changed), 0); \
	assert_true(changed); \
	assert_int_equal(ncommits(dir), n_ + 1); \
	assert_message(dir, "set: acme " summary "\n\nPreg-Client: acme\nPreg-Action: set\nPreg-User: ivanov\n"); \
	assert_int_equal(nchanges(dir), 0); \
} while (0)

	SET_OK("name=  Acme Corp  ", "name");
	SET_OK("kind=internal", "kind");
	SET_OK("next_contact=2026-11-25", "next_contact");
	SET_OK("next_action=call back", "next_action");
	SET_OK("tags=china, steel ,pipes", "tags");
	SET_OK("remarks=two\nlines", "remarks");
	SET_OK("fields.direction=China - Chelyabinsk", "fields.direction");
	SET_OK("fields.cargo=steel: pipes #1", "fields.cargo");
	rec = get(r, "acme");
	assert_string_equal(rec->name, "Acme Corp");
	assert_string_equal(rec->kind, "internal");
	assert_string_equal(rec->next_contact, "2026-11-25");
	assert_string_equal(rec->next_action, "call back");
	assert_int_equal(rec->ntags, 3);
	assert_string_equal(rec->tags[0], "china");
	assert_string_equal(rec->tags[1], "steel");
	assert_string_equal(rec->tags[2], "pipes");
	assert_string_equal(rec->remarks, "two\nlines");
	assert_string_equal(kv_get(&rec->fields, "direction"), "China - Chelyabinsk");
	assert_string_equal(kv_get(&rec->fields, "cargo"), "steel: pipes #1");
	/* No history event for these. */
	assert_int_equal(rec->nhistory, 1);
	record_free(rec);

	/* An empty value clears. */
	SET_OK("next_contact=", "next_contact");
	SET_OK("next_action=", "next_action");
	SET_OK("tags=", "tags");
	SET_OK("remarks=", "remarks");
	SET_OK("fields.cargo=", "fields.cargo");
	rec = get(r, "acme");
	assert_null(rec->next_contact);
	assert_null(rec->next_action);
	assert_int_equal(rec->ntags, 0);
	assert_null(rec->remarks);
	assert_null(kv_get(&rec->fields, "cargo"));
	assert_string_equal(kv_get(&rec->fields, "direction"), "China - Chelyabinsk");
	record_free(rec);

	/* The manager: an event in the history. */
	at(T2);
	changed = false;
	assert_int_equal(set1(r, "acme", "manager=petrov", &changed), 0);
	assert_true(changed);
	assert_message(dir, "set: acme manager ivanov -> petrov\n\nPreg-Client: acme\nPreg-Action: set\nPreg-User: ivanov\n");
	rec = get(r, "acme");
	assert_string_equal(rec->manager, "petrov");
	assert_int_equal(rec->nhistory, 2);
	assert_string_equal(event(&rec->history[1]), "at=" T2 " by=ivanov manager=petrov");
	record_free(rec);

	/* Several at once: one commit. */
	{
		char *a[] = { "name=Acme Ltd", "kind=external" };
		int n = ncommits(dir);

		assert_int_equal(ops_set(r, "acme", a, 2, 0, &changed), 0);
		assert_true(changed);
		assert_int_equal(ncommits(dir), n + 1);
		assert_message(dir, "set: acme name, kind\n\nPreg-Client: acme\nPreg-Action: set\nPreg-User: ivanov\n");
	}
#undef SET_OK
	reg_free(r);
	free(dir);
}

static void test_set_noop(void **state)
{
	struct reg *r;
	char *dir;
	bool changed = true;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Acme", "acme");
	assert_int_equal(set1(r, "acme", "name=Acme", &changed), 0);
	assert_false(changed);
	changed = true;
	assert_int_equal(set1(r, "acme", "manager=ivanov", &changed), 0);
	assert_false(changed);
	changed = true;
	assert_int_equal(set1(r, "acme", "next_contact=", &changed), 0);
	assert_false(changed);
	changed = true;
	assert_int_equal(set1(r, "acme", "fields.none=", &changed), 0);
	assert_false(changed);
	changed = true;
	assert_int_equal(set1(r, "acme", "kind=external", &changed), 0);
	assert_false(changed);
	assert_int_equal(ncommits(dir), 2);
	reg_free(r);
	free(dir);
}

static void test_set_refusals(void **state)
{
	struct reg *r;
	char *dir;
	bool changed = true;

	(void)state;
	r = new_reg_with(strict_yaml, &dir);
	must_add(r, "Acme", "acme");
#define SET_BAD(assign, code, msg) do { \
	changed = true; \
	assert_error(set1(r, "acme", (assign), &changed), (code), (msg)); \
	assert_false(changed); \
	assert_int_equal(ncommits(dir), 3); \
} while (0)
	SET_BAD("id=x", PREG_EINVAL,
		"cannot set 'id' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)");
	SET_BAD("created=x", PREG_EINVAL,
		"cannot set 'created' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)");
	SET_BAD("history=x", PREG_EINVAL,
		"cannot set 'history' (name, kind, manager, next_contact, next_action, remarks, tags, fields.NAME)");
	SET_BAD("phase=2", PREG_EINVAL, "'phase' changes with 'preg phase set'");
	SET_BAD("phase_since=" T0, PREG_EINVAL, "'phase_since' changes with 'preg phase set'");
	SET_BAD("name", PREG_EINVAL, "assignment 'name' is not KEY=VALUE");
	SET_BAD("=x", PREG_EINVAL, "assignment '=x' is not KEY=VALUE");
	SET_BAD("name=", PREG_EINVAL, "empty client name");
	SET_BAD("name=a\nb", PREG_EINVAL,
		"a client name must be one line of text (at most 1000 bytes, no control characters)");
	SET_BAD("kind=", PREG_EINVAL, "invalid kind '' (external or internal)");
	SET_BAD("kind=partner", PREG_EINVAL, "invalid kind 'partner' (external or internal)");
	SET_BAD("manager=sidorov", PREG_EINVAL, "unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))");
	SET_BAD("manager=", PREG_EINVAL,
		"invalid manager '' (a handle is lowercase letters, digits, '.', '_', '-')");
	SET_BAD("next_contact=2026-02-30", PREG_EINVAL, "next_contact: invalid date '2026-02-30' (February 2026 has 28 days)");
	SET_BAD("next_action=a\nb", PREG_EINVAL,
		"next_action must be one line of text (at most 4096 bytes, no control characters)");
	SET_BAD("remarks=\x1b", PREG_EINVAL, "remarks must be text of at most 64 KiB without control characters");
	SET_BAD("tags=a b", PREG_EINVAL, "invalid tag 'a b' (one word, no spaces or commas)");
	SET_BAD("tags=ok,[x]", PREG_EINVAL, "invalid tag '[x]' (one word, no spaces or commas)");
	SET_BAD("fields.a b=x", PREG_EINVAL, "invalid field name 'a b' (letters, digits, '_' and '-')");
	SET_BAD("fields.=x", PREG_EINVAL, "invalid field name '' (letters, digits, '_' and '-')");
	SET_BAD("fields.x=a\nb", PREG_EINVAL,
		"a field value must be one line of text (at most 4096 bytes, no control characters)");
	/* One bad assignment among good ones: nothing at all is written. */
	{
		char *a[] = { "name=New name", "kind=bad" };

		changed = true;
		assert_error(ops_set(r, "acme", a, 2, 0, &changed), PREG_EINVAL,
			     "invalid kind 'bad' (external or internal)");
		assert_false(changed);
		assert_int_equal(ncommits(dir), 3);
	}
	changed = true;
	assert_error(set1(r, "nobody", "name=x", &changed), PREG_ENOTFOUND, "client 'nobody' not found");
	assert_false(changed);
#undef SET_BAD
	reg_free(r);
	free(dir);
}

/* ---- replace (client edit) ---- */

/* s with the first "from" replaced by "to"; caller frees. */
static char *subst(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	if (!p)
		fail_msg("'%s' not in:\n%s", from, s);
	snprintf(out, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return out;
}

static void test_replace(void **state)
{
	struct reg *r;
	struct record *rec;
	char *dir, *cur, *ed;
	bool changed = false;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Acme", "acme");
	at(T1);

	/* Unchanged, or changed only in spelling: no commit. */
	cur = text_of(r, "acme");
	assert_int_equal(ops_replace(r, "acme", cur, cur, strlen(cur), "clients/ac/acme.yaml", 0, &changed), 0);
	assert_false(changed);
	ed = subst(cur, "name: Acme\n", "name: \"Acme\"\n");
	changed = true;
	assert_int_equal(ops_replace(r, "acme", cur, ed, strlen(ed), "clients/ac/acme.yaml", 0, &changed), 0);
	assert_false(changed);
	free(ed);
	assert_int_equal(ncommits(dir), 2);

	/* A real change: one commit. */
	ed = subst(cur, "name: Acme\n", "name: Acme Corp\nremarks: |\n  edited\n  by hand\n");
	assert_int_equal(ops_replace(r, "acme", cur, ed, strlen(ed), "clients/ac/acme.yaml", 0, &changed), 0);
	assert_true(changed);
	free(ed);
	assert_int_equal(ncommits(dir), 3);
	assert_message(dir, "edit: acme\n\nPreg-Client: acme\nPreg-Action: edit\nPreg-User: ivanov\n");
	assert_int_equal(nchanges(dir), 0);
	rec = get(r, "acme");
	assert_string_equal(rec->name, "Acme Corp");
	assert_string_equal(rec->remarks, "edited\nby hand\n");
	assert_int_equal(rec->nhistory, 1);
	record_free(rec);
	free(cur);

	/* A new manager is recorded in the history. */
	at(T2);
	cur = text_of(r, "acme");
	ed = subst(cur, "manager: ivanov\n", "manager: petrov\n");
	assert_int_equal(ops_replace(r, "acme", cur, ed, strlen(ed), "clients/ac/acme.yaml", 0, &changed), 0);
	assert_true(changed);
	free(ed);
	free(cur);
	rec = get(r, "acme");
	assert_string_equal(rec->manager, "petrov");
	assert_int_equal(rec->nhistory, 2);
	assert_string_equal(event(&rec->history[1]), "at=" T2 " by=ivanov manager=petrov");
	record_free(rec);
	assert_int_equal(ncommits(dir), 4);
	reg_free(r);
	free(dir);
}

static void test_replace_refusals(void **state)
{
	struct reg *r;
	char *dir, *cur, *ed;
	bool changed = true;

	(void)state;
	r = new_reg_with(strict_yaml, &dir);
	must_add(r, "Acme", "acme");
	at(T1);
	cur = text_of(r, "acme");

#define EDIT_BAD(from, to, code, msg) do { \
	ed = subst(cur, (from), (to)); \
	changed = true; \
	assert_error(ops_replace(r, "acme", cur, ed, strlen(ed), "clients/ac/acme.yaml", 0, &changed), (code), (msg)); \
	assert_false(changed); \
	assert_int_equal(ncommits(dir), 3); \
	free(ed); \
} while (0)
	EDIT_BAD("id: acme\n", "id: acme-2\n", PREG_EINVAL, "'id' cannot change in an edit (ids are permanent)");
	EDIT_BAD("phase: 1\n", "phase: 2\n", PREG_EINVAL, "'phase' cannot change in an edit (use 'preg phase set')");
	EDIT_BAD("phase_since: " T0 "\n", "phase_since: " T1 "\n", PREG_EINVAL,
		 "'phase_since' cannot change in an edit (use 'preg phase set')");
	EDIT_BAD("created: " T0 "\n", "created: " T1 "\n", PREG_EINVAL,
		 "'created' cannot change in an edit (it is the record's audit trail)");
	EDIT_BAD("by: ivanov, phase: 1", "by: petrov, phase: 1", PREG_EINVAL,
		 "'history' cannot change in an edit (it is the record's audit trail)");
	EDIT_BAD("history:\n", "notes:\n  - {at: " T0 ", by: ivanov, text: hi}\nhistory:\n", PREG_EINVAL,
		 "'notes' cannot change in an edit (use 'preg note')");
	EDIT_BAD("manager: ivanov\n", "manager: sidorov\n", PREG_EINVAL,
		 "unknown manager 'sidorov' (preg.yaml lists ivanov (Ivan Ivanov), petrov (Petr Petrov))");
	EDIT_BAD("name: Acme\n", "name: [Acme]\n", PREG_EINVAL,
		 "clients/ac/acme.yaml:2:7: 'name' must be a single value");
	EDIT_BAD("name: Acme\n", "name: Acme\nname: again\n", PREG_EINVAL,
		 "clients/ac/acme.yaml:3:1: duplicate key 'name'");
	EDIT_BAD("kind: external\n", "kind: partner\n", PREG_EINVAL,
		 "clients/ac/acme.yaml:3:7: invalid kind 'partner' (external or internal)");
	EDIT_BAD("phase: 1\n", "phase: 9\n", PREG_EINVAL, "'phase' cannot change in an edit (use 'preg phase set')");
#undef EDIT_BAD
	/* A comment typed in the editor would be lost: refused, unless forced. */
	ed = subst(cur, "kind: external\n", "kind: external  # only Mondays\n");
	changed = true;
	assert_error(ops_replace(r, "acme", cur, ed, strlen(ed), "/tmp/e.yaml", 0, &changed), PREG_EINVAL,
		     "/tmp/e.yaml:3:17: a comment would be lost: a record keeps no comments; move the text into 'remarks:' (or use --force to drop it)");
	assert_false(changed);
	assert_int_equal(ncommits(dir), 3);
	free(ed);
	/* The record changed under the editor: refused, whatever was typed. */
	ed = subst(cur, "name: Acme\n", "name: Acme Corp\n");
	assert_error(ops_replace(r, "acme", "id: acme\n", ed, strlen(ed), "/tmp/e.yaml", 0, &changed),
		     PREG_EMODIFIED, "client 'acme' changed while you were editing it; run 'preg client edit acme' again");
	assert_int_equal(ncommits(dir), 3);
	free(ed);
	changed = true;
	assert_error(ops_replace(r, "nobody", cur, cur, strlen(cur), "clients/ac/acme.yaml", 0, &changed), PREG_ENOTFOUND,
		     "client 'nobody' not found");
	assert_false(changed);
	free(cur);
	reg_free(r);
	free(dir);
}

/* ---- remove ---- */

static void test_remove(void **state)
{
	struct reg *r;
	char *dir, *f;
	struct record *rec = NULL;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "ООО «Ромашка»", NULL);
	must_add(r, "Acme", "acme");
	assert_int_equal(ops_remove(r, "romashka"), 0);
	assert_int_equal(ncommits(dir), 4);
	assert_message(dir, "rm: romashka (ООО «Ромашка»)\n\nPreg-Client: romashka\nPreg-Action: rm\nPreg-User: ivanov\n");
	assert_error(reg_read(r, "romashka", &rec), PREG_ENOTFOUND, "client 'romashka' not found");
	f = file_of(dir, "romashka");
	assert_null(f);
	assert_int_equal(nchanges(dir), 0);
	/* The other client is untouched. */
	rec = get(r, "acme");
	record_free(rec);

	/* Unknown: refused, nothing written. */
	assert_error(ops_remove(r, "romashka"), PREG_ENOTFOUND, "client 'romashka' not found");
	assert_error(ops_remove(r, "Bad Id"), PREG_ENOTFOUND, "client 'Bad Id' not found");
	assert_int_equal(ncommits(dir), 4);

	/* A record that does not parse can still be removed. */
	commit_file(dir, "clients/ac/acme.yaml", "id: acme\nname: [\n");
	assert_int_equal(ops_remove(r, "acme"), 0);
	assert_int_equal(ncommits(dir), 6);
	assert_message(dir, "rm: acme\n\nPreg-Client: acme\nPreg-Action: rm\nPreg-User: ivanov\n");
	assert_int_equal(nchanges(dir), 0);
	reg_free(r);
	free(dir);
}

/* A record with a comment is refused for a rewrite (SPEC §4), but can be
 * removed. */
static void test_comment_refused(void **state)
{
	struct reg *r;
	char *dir, *text, *ed;
	bool changed = true;

	(void)state;
	r = new_reg(&dir);
	must_add(r, "Acme", "acme");
	text = text_of(r, "acme");
	ed = malloc(strlen(text) + 64);
	sprintf(ed, "%s# the director is difficult\n", text);
	commit_file(dir, "clients/ac/acme.yaml", ed);
	free(ed);
	free(text);

	assert_error(move(r, "acme", "2"), PREG_EINVAL,
		     "clients/ac/acme.yaml:10:1: the record holds a comment, which a rewrite would lose; "
		     "move the text into 'remarks:' or use --force");
	assert_error(set1(r, "acme", "name=x", &changed), PREG_EINVAL,
		     "clients/ac/acme.yaml:10:1: the record holds a comment, which a rewrite would lose; "
		     "move the text into 'remarks:' or use --force");
	/* --force (REG_FORCE) rewrites it. */
	assert_int_equal(ops_set(r, "acme", (char *[]){ "name=x" }, 1, REG_FORCE, &changed), 0);
	assert_true(changed);
	assert_int_equal(ncommits(dir), 4);
	reg_free(r);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add, setup),
		cmocka_unit_test_setup(test_add_ids, setup),
		cmocka_unit_test_setup(test_add_refusals, setup),
		cmocka_unit_test_setup(test_add_contact_without_role, setup),
		cmocka_unit_test_setup(test_move, setup),
		cmocka_unit_test_setup(test_move_refusals, setup),
		cmocka_unit_test_setup(test_move_force, setup),
		cmocka_unit_test_setup(test_move_ending, setup),
		cmocka_unit_test_setup(test_move_reopen, setup),
		cmocka_unit_test_setup(test_move_requires, setup),
		cmocka_unit_test_setup(test_move_at, setup),
		cmocka_unit_test_setup(test_move_backdated, setup),
		cmocka_unit_test_setup(test_clock_behind, setup),
		cmocka_unit_test_setup(test_local_equals_merged, setup),
		cmocka_unit_test_setup(test_note, setup),
		cmocka_unit_test_setup(test_next_step, setup),
		cmocka_unit_test_setup(test_dated_events, setup),
		cmocka_unit_test_setup(test_set, setup),
		cmocka_unit_test_setup(test_set_noop, setup),
		cmocka_unit_test_setup(test_set_refusals, setup),
		cmocka_unit_test_setup(test_replace, setup),
		cmocka_unit_test_setup(test_replace_refusals, setup),
		cmocka_unit_test_setup(test_remove, setup),
		cmocka_unit_test_setup(test_comment_refused, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
