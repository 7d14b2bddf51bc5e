/* test_register: the git repository behind a register, on real repositories
 * in a temporary directory: finding, opening, creating, the write path of
 * SPEC §7 (one commit, compare-and-swap, work tree and index), healing, the
 * doctor, and reading every record. */
#include "unit.h"
#include "layout.h"
#include "register.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#define NOW "2026-11-02T10:15:00+05:00"
#define ROMASHKA "clients/ro/romashka.yaml"

static int serial;

/* ---- helpers ---- */

static int group_setup(void **state)
{
	(void)state;
	if (unit_home_setup("register"))
		return -1;
	setenv("PREG_NOW", NOW, 1);
	setenv("PREG_USER", "ivanov", 1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unit_home_teardown();
	return 0;
}

/* Each test starts with no queued warnings and the environment of setup. */
static int setup(void **state)
{
	char **w;
	size_t n = preg_warnings_take(&w);

	(void)state;
	preg_warnings_free(w, n);
	setenv("PREG_NOW", NOW, 1);
	setenv("PREG_USER", "ivanov", 1);
	unsetenv("PREG_DIR");
	unsetenv("XDG_DATA_HOME");
	unsetenv("PREG_LOCK_TIMEOUT");
	preg_error_clear();
	return 0;
}

/* A new directory name under the test root (not created). */
static char *fresh(const char *what)
{
	size_t n = strlen(unit_root()) + strlen(what) + 32;
	char *p = malloc(n);

	snprintf(p, n, "%s/%s-%d", unit_root(), what, ++serial);
	return p;
}

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a);
	char *p = malloc(n + strlen(b) + 2);

	sprintf(p, "%s%s%s", a, n && a[n - 1] == '/' ? "" : "/", b);
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void spew(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A new register with the freight template, opened: as preg init makes
 * it, or (v1) of layout version 1, for the paths of most tests below. */
static struct reg *new_reg_as(char **dir, bool v1)
{
	struct reg *r = NULL;
	char *d = fresh("reg");

	preg_error_clear();
	if (reg_init(d, "freight"))
		fail_msg("reg_init: %s", preg_error_msg());
	if (v1)
		unit_layout_v1(d);
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
	return new_reg_as(dir, true);
}

static git_repository *repo(const char *dir)
{
	git_repository *g = NULL;

	if (git_repository_open(&g, dir))
		fail_msg("git_repository_open %s: %s", dir, git_error_last()->message);
	return g;
}

static void head(const char *dir, git_oid *out)
{
	git_repository *g = repo(dir);

	assert_int_equal(git_reference_name_to_id(out, g, "HEAD"), 0);
	git_repository_free(g);
}

/* The number of commits reachable from HEAD. */
static int ncommits(const char *dir)
{
	git_repository *g = repo(dir);
	git_revwalk *w = NULL;
	git_oid oid;
	int n = 0;

	assert_int_equal(git_revwalk_new(&w, g), 0);
	if (git_revwalk_push_head(w) == 0)
		while (!git_revwalk_next(&oid, w))
			n++;
	git_revwalk_free(w);
	git_repository_free(g);
	return n;
}

/* The message of commit HEAD~back; caller frees. */
static char *message(const char *dir, int back)
{
	git_repository *g = repo(dir);
	git_object *o = NULL;
	char spec[32];
	char *m;

	snprintf(spec, sizeof(spec), "HEAD~%d", back);
	assert_int_equal(git_revparse_single(&o, g, spec), 0);
	m = strdup(git_commit_message((git_commit *)o));
	git_object_free(o);
	git_repository_free(g);
	return m;
}

/* The blob id of path in HEAD's tree; false when absent. */
static bool head_blob(const char *dir, const char *path, git_oid *out)
{
	git_repository *g = repo(dir);
	git_object *o = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	bool found = false;

	assert_int_equal(git_revparse_single(&o, g, "HEAD"), 0);
	assert_int_equal(git_commit_tree(&t, (git_commit *)o), 0);
	if (!git_tree_entry_bypath(&e, t, path)) {
		git_oid_cpy(out, git_tree_entry_id(e));
		found = true;
	}
	git_tree_entry_free(e);
	git_tree_free(t);
	git_object_free(o);
	git_repository_free(g);
	return found;
}

/* The blob id of path in the index; false when absent. */
static bool index_blob(const char *dir, const char *path, git_oid *out)
{
	git_repository *g = repo(dir);
	git_index *idx = NULL;
	const git_index_entry *e;
	bool found = false;

	assert_int_equal(git_repository_index(&idx, g), 0);
	if ((e = git_index_get_bypath(idx, path, 0))) {
		git_oid_cpy(out, &e->id);
		found = true;
	}
	git_index_free(idx);
	git_repository_free(g);
	return found;
}

/* The blob id the work-tree file would have. */
static void file_blob(const char *dir, const char *path, git_oid *out)
{
	char *p = join(dir, path);

	assert_int_equal(git_odb_hashfile(out, p, GIT_OBJECT_BLOB), 0);
	free(p);
}

/* Whether git sees no change at all in the work tree and the index. */
static int nchanges(const char *dir)
{
	git_repository *g = repo(dir);
	git_status_list *l = NULL;
	git_status_options o;
	int n;

	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	assert_int_equal(git_status_list_new(&l, g, &o), 0);
	n = (int)git_status_list_entrycount(l);
	git_status_list_free(l);
	git_repository_free(g);
	return n;
}

/* Take the queued warnings as one string, one per line; caller frees. */
/* What doctor advises for the version 1 registers of these tests (see
 * test_doctor); the other tests of doctor look past it. */
#define UPGRADE_ADVICE "the register is layout version 1; 'preg upgrade' moves it to version 2 (one commit)"

static char *warnings_all(bool advice)
{
	char **w, *s;
	size_t n = preg_warnings_take(&w), len = 1;

	for (size_t i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	s = malloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!advice && !strcmp(w[i], UPGRADE_ADVICE))
			continue;
		strcat(s, w[i]);
		strcat(s, "\n");
	}
	preg_warnings_free(w, n);
	return s;
}

static char *warnings(void)
{
	return warnings_all(false);
}

static struct record *rec(const char *id, const char *name)
{
	char text[1024];
	struct record *r = NULL;

	snprintf(text, sizeof(text),
		 "id: %s\nname: %s\nmanager: ivanov\nphase: 1\nphase_since: " NOW "\ncreated: " NOW "\n",
		 id, name);
	assert_int_equal(record_parse(&r, text, strlen(text), "x.yaml", NULL), 0);
	return r;
}

/* ---- mutators ---- */

struct put {
	const char *id, *name;   /* the record to stage (NULL: none) */
	int fail;                /* return this code after staging */
	int calls;
	void (*hook)(struct txn *t, struct put *p);
	const char *dir;         /* for hooks */
	char now[64], user[64];
	bool existed;
};

static int put_mutate(struct txn *t, void *arg)
{
	struct put *p = arg;

	p->calls++;
	snprintf(p->now, sizeof(p->now), "%s", txn_now(t));
	snprintf(p->user, sizeof(p->user), "%s", txn_user(t));
	if (p->hook)
		p->hook(t, p);
	if (p->id) {
		struct record *r = rec(p->id, p->name ? p->name : "Client");
		char summary[128];

		p->existed = txn_exists(t, p->id);
		txn_put(t, r);
		assert_true(txn_exists(t, p->id));
		snprintf(summary, sizeof(summary), "add: %s (%s)", p->id, r->name);
		txn_message(t, summary, "add", "1");
		record_free(r);
	}
	if (p->fail)
		return preg_error_set(p->fail, "the mutator says no");
	return 0;
}

static int put(struct reg *r, const char *id, const char *name)
{
	struct put p = { .id = id, .name = name };

	preg_error_clear();
	return reg_write(r, 0, put_mutate, &p);
}

struct files {
	const char *const *kv; /* path, data, path, data..., NULL */
};

static int files_mutate(struct txn *t, void *arg)
{
	const struct files *f = arg;

	for (size_t i = 0; f->kv[i]; i += 2)
		txn_put_file(t, f->kv[i], f->kv[i + 1], strlen(f->kv[i + 1]));
	txn_message(t, "files", "test", NULL);
	return 0;
}

/* ---- finding ---- */

static void test_locate(void **state)
{
	char cwd[PATH_MAX], *dir, *sub, *plain, *out = NULL, want[PATH_MAX + 64];
	struct reg *r;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	r = new_reg(&dir);
	reg_free(r);
	sub = join(dir, "sub");
	mkdir(sub, 0777);
	free(sub);
	sub = join(dir, "sub/deeper");
	mkdir(sub, 0777);
	/* A git work tree that is not a register. */
	plain = fresh("plain");
	{
		git_repository *g = NULL;

		assert_int_equal(git_repository_init(&g, plain, 0), 0);
		git_repository_free(g);
	}

	/* Nothing else: HOME. */
	assert_int_equal(chdir(unit_root()), 0);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	snprintf(want, sizeof(want), "%s/home/.local/share/preg", unit_root());
	assert_string_equal(out, want);
	free(out);

	/* XDG_DATA_HOME (absolute) before HOME; a relative one is ignored. */
	setenv("XDG_DATA_HOME", "/srv/data", 1);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	assert_string_equal(out, "/srv/data/preg");
	free(out);
	setenv("XDG_DATA_HOME", "relative/data", 1);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	assert_string_equal(out, want);
	free(out);
	setenv("XDG_DATA_HOME", "/srv/data", 1);

	/* The work tree around the current directory, when preg.yaml is at
	 * its top, before XDG_DATA_HOME... */
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	snprintf(want, sizeof(want), "%s/", dir);
	assert_string_equal(out, want);
	free(out);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	assert_string_equal(out, want);
	free(out);
	/* ...but not for init. */
	assert_int_equal(reg_locate(&out, NULL, true), 0);
	assert_string_equal(out, "/srv/data/preg");
	free(out);
	/* A work tree without preg.yaml is not a register. */
	assert_int_equal(chdir(plain), 0);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	assert_string_equal(out, "/srv/data/preg");
	free(out);

	/* PREG_DIR before the work tree; an empty one is ignored. */
	assert_int_equal(chdir(sub), 0);
	setenv("PREG_DIR", "/srv/env", 1);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	assert_string_equal(out, "/srv/env");
	free(out);
	assert_int_equal(reg_locate(&out, NULL, true), 0);
	assert_string_equal(out, "/srv/env");
	free(out);
	setenv("PREG_DIR", "", 1);
	assert_int_equal(reg_locate(&out, NULL, false), 0);
	assert_string_equal(out, want);
	free(out);

	/* -C before everything. */
	setenv("PREG_DIR", "/srv/env", 1);
	assert_int_equal(reg_locate(&out, "/srv/opt", false), 0);
	assert_string_equal(out, "/srv/opt");
	free(out);
	assert_int_equal(reg_locate(&out, "relative", true), 0);
	assert_string_equal(out, "relative");
	free(out);

	assert_int_equal(chdir(cwd), 0);
	free(dir);
	free(sub);
	free(plain);
}

/* ---- opening and creating ---- */

static void test_init_open(void **state)
{
	struct reg *r = NULL;
	char *dir, *p, *s, want[PATH_MAX + 64];
	git_oid h, i, w;

	(void)state;
	r = new_reg_as(&dir, false);
	snprintf(want, sizeof(want), "%s/", dir);
	assert_string_equal(reg_dir(r), want);
	/* New registers have the latest layout. */
	assert_int_equal(reg_layout(r), LAYOUT_V2);
	assert_int_equal(reg_phases(r)->n, 12);
	assert_string_equal(reg_phases(r)->v[6].key, "contract");
	reg_free(r);

	/* One commit with preg.yaml and .gitattributes, on main. */
	assert_int_equal(ncommits(dir), 1);
	s = message(dir, 0);
	assert_string_equal(s, "init: new register (template freight)\n\nPreg-Action: init\nPreg-User: ivanov\n");
	free(s);
	p = join(dir, "preg.yaml");
	s = slurp(p);
	assert_string_equal(s, phases_template("freight"));
	free(s);
	free(p);
	p = join(dir, ".gitattributes");
	s = slurp(p);
	assert_non_null(strstr(s, "clients/**/*.yaml merge=preg\n"));
	free(s);
	free(p);
	assert_true(head_blob(dir, "preg.yaml", &h));
	assert_true(index_blob(dir, "preg.yaml", &i));
	file_blob(dir, "preg.yaml", &w);
	assert_true(git_oid_equal(&h, &i));
	assert_true(git_oid_equal(&h, &w));
	assert_int_equal(nchanges(dir), 0);
	{
		git_repository *g = repo(dir);
		git_reference *ref = NULL;
		git_index *idx = NULL;
		git_commit *c = NULL;
		const git_signature *a;

		assert_int_equal(git_reference_lookup(&ref, g, "HEAD"), 0);
		assert_string_equal(git_reference_symbolic_target(ref), "refs/heads/main");
		git_reference_free(ref);
		/* Index version 4 (SPEC §7). */
		assert_int_equal(git_repository_index(&idx, g), 0);
		assert_int_equal(git_index_version(idx), 4);
		git_index_free(idx);
		/* Authored with git's identity at PREG_NOW. */
		head(dir, &h);
		assert_int_equal(git_commit_lookup(&c, g, &h), 0);
		a = git_commit_author(c);
		assert_string_equal(a->name, "Ivan Ivanov");
		assert_string_equal(a->email, "ivanov@example.com");
		assert_int_equal(a->when.time, 1793596500);
		assert_int_equal(a->when.offset, 300);
		git_commit_free(c);
		git_repository_free(g);
	}

	/* Twice: refused, nothing written. */
	snprintf(want, sizeof(want), "a register already exists at '%s'", dir);
	assert_error(reg_init(dir, "sales"), PREG_EEXISTS, want);
	assert_int_equal(ncommits(dir), 1);
	free(dir);

	/* Other templates; a nested path is created. */
	dir = fresh("nested");
	p = join(dir, "a/b");
	assert_int_equal(reg_init(p, "blank"), 0);
	assert_int_equal(reg_open(&r, p), 0);
	assert_int_equal(reg_phases(r)->n, 2);
	reg_free(r);
	free(p);
	free(dir);

	/* An existing empty git repository becomes a register. */
	dir = fresh("emptygit");
	{
		git_repository *g = NULL;

		assert_int_equal(git_repository_init(&g, dir, 0), 0);
		git_repository_free(g);
	}
	assert_int_equal(reg_init(dir, "sales"), 0);
	assert_int_equal(reg_open(&r, dir), 0);
	assert_int_equal(reg_phases(r)->n, 6);
	reg_free(r);
	free(dir);
}

static void test_init_refusals(void **state)
{
	char *dir, *p, msg[PATH_MAX + 128];

	(void)state;
	dir = fresh("tmpl");
	assert_error(reg_init(dir, "nope"), PREG_EINVAL, "unknown template 'nope' (freight, sales or blank)");
	assert_false(exists(dir));
	free(dir);

	dir = fresh("file");
	spew(dir, "x");
	snprintf(msg, sizeof(msg), "'%s' exists and is not a directory", dir);
	assert_error(reg_init(dir, "freight"), PREG_EINVAL, msg);
	free(dir);

	dir = fresh("full");
	mkdir(dir, 0777);
	p = join(dir, "something");
	spew(p, "x");
	snprintf(msg, sizeof(msg),
		 "'%s' is not empty and not a git repository; give a new or empty directory", dir);
	assert_error(reg_init(dir, "freight"), PREG_EINVAL, msg);
	p[strlen(p) - strlen("something")] = '\0';
	strcat(p, ".git");
	assert_false(exists(p));
	free(p);
	free(dir);
}

static void test_open_refusals(void **state)
{
	struct reg *r = (struct reg *)1;
	char *dir, *p, msg[PATH_MAX + 128];
	git_repository *g = NULL;

	(void)state;
	dir = fresh("missing");
	snprintf(msg, sizeof(msg), "no register at '%s' (run 'preg init')", dir);
	assert_error(reg_open(&r, dir), PREG_ENOREG, msg);
	assert_null(r);
	mkdir(dir, 0777);
	assert_error(reg_open(&r, dir), PREG_ENOREG, msg);
	/* A repository with no commit yet. */
	assert_int_equal(git_repository_init(&g, dir, 0), 0);
	git_repository_free(g);
	assert_error(reg_open(&r, dir), PREG_ENOREG, msg);
	free(dir);

	/* A repository with commits but no preg.yaml. */
	dir = fresh("notreg");
	{
		git_signature *sig = NULL;
		git_index *idx = NULL;
		git_oid tree, c;
		git_tree *t = NULL;

		assert_int_equal(git_repository_init(&g, dir, 0), 0);
		p = join(dir, "README");
		spew(p, "hello\n");
		free(p);
		assert_int_equal(git_repository_index(&idx, g), 0);
		assert_int_equal(git_index_add_bypath(idx, "README"), 0);
		assert_int_equal(git_index_write_tree(&tree, idx), 0);
		assert_int_equal(git_index_write(idx), 0);
		assert_int_equal(git_tree_lookup(&t, g, &tree), 0);
		assert_int_equal(git_signature_now(&sig, "x", "x@y"), 0);
		assert_int_equal(git_commit_create(&c, g, "HEAD", sig, sig, NULL, "m\n", t, 0, NULL), 0);
		git_signature_free(sig);
		git_tree_free(t);
		git_index_free(idx);

		snprintf(msg, sizeof(msg),
			 "'%s' is a git repository but not a register (no preg.yaml; run 'preg init')", dir);
		assert_error(reg_open(&r, dir), PREG_ENOREG, msg);

		/* Detached HEAD. */
		assert_int_equal(git_repository_set_head_detached(g, &c), 0);
		snprintf(msg, sizeof(msg), "register '%s': HEAD is not on a branch (git switch to one)", dir);
		assert_error(reg_open(&r, dir), PREG_ERR, msg);
		git_repository_free(g);
	}
	free(dir);

	/* A bare repository. */
	dir = fresh("bare");
	assert_int_equal(git_repository_init(&g, dir, 1), 0);
	git_repository_free(g);
	snprintf(msg, sizeof(msg),
		 "'%s' is a bare repository; a register needs a work tree (use 'git clone')", dir);
	assert_error(reg_open(&r, dir), PREG_ENOREG, msg);
	free(dir);

	/* A preg.yaml at the tip that does not load. */
	r = new_reg(&dir);
	{
		static const char *const kv[] = { "preg.yaml", "version: 3\n", NULL };
		struct files f = { kv };

		assert_int_equal(reg_write(r, 0, files_mutate, &f), 0);
	}
	reg_free(r);
	assert_error(reg_open(&r, dir), PREG_EINVAL,
		     "preg.yaml:1:10: register version 3 is newer than this preg knows (2); update preg");
	free(dir);
}

static void test_user(void **state)
{
	struct reg *r;
	const char *u = NULL;
	char *dir;

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(reg_user(r, &u), 0);
	assert_string_equal(u, "ivanov");
	reg_free(r);

	/* git config preg.user when PREG_USER is not set. */
	{
		git_repository *g = repo(dir);
		git_config *c = NULL;

		assert_int_equal(git_repository_config(&c, g), 0);
		assert_int_equal(git_config_set_string(c, "preg.user", "petrov"), 0);
		git_config_free(c);
		git_repository_free(g);
	}
	unsetenv("PREG_USER");
	assert_int_equal(reg_open(&r, dir), 0);
	assert_int_equal(reg_user(r, &u), 0);
	assert_string_equal(u, "petrov");
	reg_free(r);

	/* An acting user that is not a handle: no write. */
	setenv("PREG_USER", "Bad User", 1);
	assert_int_equal(reg_open(&r, dir), 0);
	assert_error(reg_user(r, &u), PREG_EINVAL,
		     "acting user 'Bad User' is not a valid handle (set PREG_USER or git config preg.user)");
	assert_error(put(r, "romashka", "R"), PREG_EINVAL,
		     "acting user 'Bad User' is not a valid handle (set PREG_USER or git config preg.user)");
	assert_int_equal(ncommits(dir), 1);
	reg_free(r);

	/* A PREG_NOW that does not parse: no write. */
	setenv("PREG_USER", "ivanov", 1);
	setenv("PREG_NOW", "tomorrow", 1);
	assert_int_equal(reg_open(&r, dir), 0);
	assert_error(put(r, "romashka", "R"), PREG_EINVAL, "PREG_NOW: invalid time 'tomorrow'");
	assert_int_equal(ncommits(dir), 1);
	reg_free(r);
	free(dir);
}

/* ---- writing ---- */

static void test_write(void **state)
{
	struct reg *r;
	struct record *got = NULL;
	char *dir, *p, *s, *m;
	git_oid before, after, h, i, w;
	struct buf b = BUF_INIT;
	struct put pu = { .id = "romashka", .name = "ООО «Ромашка»" };

	(void)state;
	r = new_reg(&dir);
	head(dir, &before);
	assert_int_equal(reg_write(r, 0, put_mutate, &pu), 0);
	assert_string_equal(preg_error_msg(), "");
	assert_int_equal(pu.calls, 1);
	assert_false(pu.existed);
	assert_string_equal(pu.now, NOW);
	assert_string_equal(pu.user, "ivanov");

	/* One commit on top of the last, with the message and trailers. */
	assert_int_equal(ncommits(dir), 2);
	head(dir, &after);
	{
		git_repository *g = repo(dir);
		git_commit *c = NULL;

		assert_int_equal(git_commit_lookup(&c, g, &after), 0);
		assert_int_equal(git_commit_parentcount(c), 1);
		assert_true(git_oid_equal(git_commit_parent_id(c, 0), &before));
		assert_string_equal(git_commit_message(c),
				    "add: romashka (ООО «Ромашка»)\n\n"
				    "Preg-Client: romashka\n"
				    "Preg-Action: add\n"
				    "Preg-Phase: 1\nPreg-User: ivanov\n");
		assert_string_equal(git_commit_summary(c), "add: romashka (ООО «Ромашка»)");
		assert_string_equal(git_commit_author(c)->name, "Ivan Ivanov");
		assert_int_equal(git_commit_time(c), 1793596500);
		git_commit_free(c);
		git_repository_free(g);
	}

	/* The work-tree file holds the canonical record; the index entry is
	 * the blob's id; git sees nothing to commit. */
	got = rec("romashka", "ООО «Ромашка»");
	record_write(&b, got);
	record_free(got);
	p = join(dir, ROMASHKA);
	s = slurp(p);
	assert_non_null(s);
	assert_string_equal(s, buf_str(&b));
	free(s);
	assert_true(head_blob(dir, ROMASHKA, &h));
	assert_true(index_blob(dir, ROMASHKA, &i));
	file_blob(dir, ROMASHKA, &w);
	assert_true(git_oid_equal(&h, &i));
	assert_true(git_oid_equal(&h, &w));
	assert_int_equal(nchanges(dir), 0);
	/* No journal and no temporary file left behind. */
	free(p);
	p = join(dir, ".git/preg-pending");
	assert_false(exists(p));
	free(p);

	/* Readers see it. */
	assert_true(reg_exists(r, "romashka"));
	assert_false(reg_exists(r, "acme"));
	assert_int_equal(reg_read(r, "romashka", &got), 0);
	assert_string_equal(got->name, "ООО «Ромашка»");
	record_free(got);
	assert_error(reg_read(r, "acme", &got), PREG_ENOTFOUND, "client 'acme' not found");
	assert_null(got);
	assert_error(reg_read(r, "../x", &got), PREG_ENOTFOUND, "client '../x' not found");

	/* A second write sees the first. */
	pu.calls = 0;
	pu.name = "Romashka 2";
	assert_int_equal(reg_write(r, 0, put_mutate, &pu), 0);
	assert_true(pu.existed);
	assert_int_equal(ncommits(dir), 3);
	m = message(dir, 0);
	assert_string_equal(m, "add: romashka (Romashka 2)\n\nPreg-Client: romashka\nPreg-Action: add\nPreg-Phase: 1\nPreg-User: ivanov\n");
	free(m);
	assert_int_equal(nchanges(dir), 0);

	buf_release(&b);
	reg_free(r);
	free(dir);
}

static int remove_mutate(struct txn *t, void *arg)
{
	txn_remove(t, arg);
	assert_false(txn_exists(t, arg));
	txn_message(t, "rm", "rm", NULL);
	return 0;
}

static void test_remove(void **state)
{
	struct reg *r;
	char *dir, *p;
	git_oid o;

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "R"), 0);
	assert_int_equal(reg_write(r, 0, remove_mutate, "romashka"), 0);
	assert_int_equal(ncommits(dir), 3);
	assert_false(head_blob(dir, ROMASHKA, &o));
	assert_false(index_blob(dir, ROMASHKA, &o));
	p = join(dir, ROMASHKA);
	assert_false(exists(p));
	free(p);
	/* The empty shard goes too, as git would remove it. */
	p = join(dir, "clients/ro");
	assert_false(exists(p));
	free(p);
	assert_int_equal(nchanges(dir), 0);
	reg_free(r);
	free(dir);
}

struct move {
	const char *from, *to;
	git_oid blob;
};

static int move_mutate(struct txn *t, void *arg)
{
	struct move *m = arg;

	txn_move(t, m->from, m->to, (const struct reg_oid *)&m->blob);
	txn_message(t, "move", "test", NULL);
	return 0;
}

/* txn_move: the blob goes to its new path unread and unchanged, the file
 * is renamed (the same inode), the old path and its empty shard go, and
 * the index agrees; a file that is not the old path's blob stops it. */
static void test_move(void **state)
{
	static const char *const to = "clients/9f/romashka.yaml";
	struct reg *r;
	struct move m = { ROMASHKA, to, { { 0 } } };
	char *dir, *p, *q, *text;
	struct stat before, after;
	git_oid o;

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "R"), 0);
	assert_true(head_blob(dir, ROMASHKA, &m.blob));
	p = join(dir, ROMASHKA);
	q = join(dir, to);
	text = slurp(p);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(reg_write(r, 0, move_mutate, &m), 0);
	assert_int_equal(ncommits(dir), 3);
	assert_false(head_blob(dir, ROMASHKA, &o));
	assert_true(head_blob(dir, to, &o));
	assert_true(git_oid_equal(&o, &m.blob));
	assert_true(index_blob(dir, to, &o));
	assert_true(git_oid_equal(&o, &m.blob));
	assert_false(index_blob(dir, ROMASHKA, &o));
	assert_false(exists(p));
	assert_int_equal(stat(q, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	free(p);
	p = slurp(q);
	assert_string_equal(p, text);
	free(p);
	p = join(dir, "clients/ro");
	assert_false(exists(p));
	free(p);
	assert_int_equal(nchanges(dir), 0);
	/* Moving it onto itself is no change: no commit. */
	m.from = to;
	assert_int_equal(reg_write(r, 0, move_mutate, &m), 0);
	assert_int_equal(ncommits(dir), 3);
	/* A changed file is not moved: the write is refused, nothing moves. */
	spew(q, "id: romashka\nname: changed\n");
	m.to = ROMASHKA;
	assert_error(reg_write(r, 0, move_mutate, &m), PREG_EDIRTY,
		     "clients/9f/romashka.yaml has uncommitted changes; commit or discard them first (git diff -- clients/9f/romashka.yaml)");
	assert_int_equal(ncommits(dir), 3);
	assert_true(exists(q));
	free(q);
	free(text);
	reg_free(r);
	free(dir);
}

static void test_write_mutator_error(void **state)
{
	struct reg *r;
	char *dir, *p;
	git_oid before, after, o;
	struct put pu = { .id = "romashka", .fail = PREG_EINVAL };

	(void)state;
	r = new_reg(&dir);
	head(dir, &before);
	assert_error(reg_write(r, 0, put_mutate, &pu), PREG_EINVAL, "the mutator says no");
	assert_int_equal(pu.calls, 1);
	head(dir, &after);
	assert_true(git_oid_equal(&before, &after));
	assert_int_equal(ncommits(dir), 1);
	p = join(dir, ROMASHKA);
	assert_false(exists(p));
	free(p);
	assert_false(index_blob(dir, ROMASHKA, &o));
	assert_int_equal(nchanges(dir), 0);

	/* Any code comes back as it is. */
	pu.fail = PREG_ENOTFOUND;
	assert_error(reg_write(r, 0, put_mutate, &pu), PREG_ENOTFOUND, "the mutator says no");
	assert_int_equal(ncommits(dir), 1);
	reg_free(r);
	free(dir);
}

static void test_write_nothing(void **state)
{
	struct reg *r;
	char *dir;
	git_oid before, after;
	struct put pu = { 0 };

	(void)state;
	r = new_reg(&dir);
	head(dir, &before);
	assert_int_equal(reg_write(r, 0, put_mutate, &pu), 0);
	assert_int_equal(pu.calls, 1);
	head(dir, &after);
	assert_true(git_oid_equal(&before, &after));
	assert_int_equal(ncommits(dir), 1);
	reg_free(r);
	free(dir);
}

static void test_write_dirty(void **state)
{
	struct reg *r;
	char *dir, *p, *s;
	git_oid before, after;
	const char *msg = ROMASHKA " has uncommitted changes; commit or discard them first "
			  "(git diff -- " ROMASHKA ")";

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "R"), 0);
	head(dir, &before);

	/* The user's edit in the work tree: refused, named, kept. */
	p = join(dir, ROMASHKA);
	spew(p, "id: romashka\nname: my edit\n");
	assert_error(put(r, "romashka", "R2"), PREG_EDIRTY, msg);
	head(dir, &after);
	assert_true(git_oid_equal(&before, &after));
	s = slurp(p);
	assert_string_equal(s, "id: romashka\nname: my edit\n");
	free(s);

	/* Staged with git add: still the user's. */
	{
		git_repository *g = repo(dir);
		git_index *idx = NULL;

		assert_int_equal(git_repository_index(&idx, g), 0);
		assert_int_equal(git_index_add_bypath(idx, ROMASHKA), 0);
		assert_int_equal(git_index_write(idx), 0);
		git_index_free(idx);
		git_repository_free(g);
	}
	assert_error(put(r, "romashka", "R2"), PREG_EDIRTY, msg);
	s = slurp(p);
	assert_string_equal(s, "id: romashka\nname: my edit\n");
	free(s);

	/* Deleted by the user: also an uncommitted change. */
	unlink(p);
	assert_error(put(r, "romashka", "R2"), PREG_EDIRTY, msg);
	assert_false(exists(p));
	head(dir, &after);
	assert_true(git_oid_equal(&before, &after));

	/* A file where a new record would go. */
	free(p);
	p = join(dir, "clients/ac");
	mkdir(p, 0777);
	free(p);
	p = join(dir, "clients/ac/acme.yaml");
	spew(p, "mine\n");
	assert_error(put(r, "acme", "Acme"), PREG_EDIRTY,
		     "clients/ac/acme.yaml has uncommitted changes; commit or discard them first "
		     "(git diff -- clients/ac/acme.yaml)");
	s = slurp(p);
	assert_string_equal(s, "mine\n");
	free(s);
	free(p);

	/* Changes to other files are left alone and do not stop a write. */
	assert_int_equal(put(r, "zeta", "Z"), 0);
	head(dir, &after);
	assert_false(git_oid_equal(&before, &after));
	p = join(dir, "clients/ac/acme.yaml");
	s = slurp(p);
	assert_string_equal(s, "mine\n");
	free(s);
	free(p);
	reg_free(r);
	free(dir);
}

/* Commit a file to the branch behind preg's back, as another process would. */
static void sneak_commit(const char *dir, const char *path, const char *data)
{
	git_repository *g = repo(dir);
	git_object *o = NULL;
	git_tree *t = NULL, *nt = NULL;
	git_tree_update up;
	git_signature *sig = NULL;
	git_oid blob, tree, c;

	assert_int_equal(git_revparse_single(&o, g, "HEAD"), 0);
	assert_int_equal(git_commit_tree(&t, (git_commit *)o), 0);
	assert_int_equal(git_blob_create_from_buffer(&blob, g, data, strlen(data)), 0);
	memset(&up, 0, sizeof(up));
	up.action = GIT_TREE_UPDATE_UPSERT;
	up.filemode = GIT_FILEMODE_BLOB;
	up.path = path;
	git_oid_cpy(&up.id, &blob);
	assert_int_equal(git_tree_create_updated(&tree, g, t, 1, &up), 0);
	assert_int_equal(git_tree_lookup(&nt, g, &tree), 0);
	assert_int_equal(git_signature_now(&sig, "Other", "other@example.com"), 0);
	assert_int_equal(git_commit_create(&c, g, "HEAD", sig, sig, NULL, "sneaked in\n", nt, 1,
					   (const git_commit **)&o),
			 0);
	git_signature_free(sig);
	git_tree_free(nt);
	git_tree_free(t);
	git_object_free(o);
	git_repository_free(g);
}

static void sneak_once(struct txn *t, struct put *p)
{
	(void)t;
	if (p->calls == 1)
		sneak_commit(p->dir, "clients/ot/other.yaml", "sneaked\n");
}

static void test_write_cas_retry(void **state)
{
	struct reg *r;
	char *dir, *m;
	git_oid o;
	struct put pu = { .id = "romashka", .name = "R", .hook = sneak_once };

	(void)state;
	r = new_reg(&dir);
	pu.dir = dir;
	assert_int_equal(reg_write(r, 0, put_mutate, &pu), 0);
	/* The branch moved during the first run: the mutator ran again on the
	 * new tip, and both commits are in the history, ours last. */
	assert_int_equal(pu.calls, 2);
	assert_int_equal(ncommits(dir), 3);
	m = message(dir, 0);
	assert_string_equal(m, "add: romashka (R)\n\nPreg-Client: romashka\nPreg-Action: add\nPreg-Phase: 1\nPreg-User: ivanov\n");
	free(m);
	m = message(dir, 1);
	assert_string_equal(m, "sneaked in\n");
	free(m);
	m = message(dir, 2);
	assert_string_equal(m, "init: new register (template freight)\n\nPreg-Action: init\nPreg-User: ivanov\n");
	free(m);
	/* Ours was built on the other: its tree holds both. */
	assert_true(head_blob(dir, "clients/ot/other.yaml", &o));
	assert_true(head_blob(dir, ROMASHKA, &o));
	reg_free(r);
	free(dir);
}

struct read_arg {
	const char *id;
	int rc;
	char msg[512];
	char name[64];
};

static int read_mutate(struct txn *t, void *arg)
{
	struct read_arg *a = arg;
	struct record *rec = (struct record *)1;

	preg_error_clear();
	a->rc = txn_read(t, a->id, &rec);
	snprintf(a->msg, sizeof(a->msg), "%s", preg_error_msg());
	a->name[0] = '\0';
	if (!a->rc)
		snprintf(a->name, sizeof(a->name), "%s", rec->name);
	else
		assert_null(rec);
	record_free(a->rc ? NULL : rec);
	return 0;
}

static void test_txn_read(void **state)
{
	struct reg *r;
	char *dir;
	struct read_arg a;
	static const char *const kv[] = {
		ROMASHKA,
		"id: romashka\nname: R\nmanager: ivanov\nphase: 1\n"
		"phase_since: " NOW "\ncreated: " NOW "\n# keep me\n",
		"clients/ot/other.yaml",
		"id: wrong\nname: R\nmanager: ivanov\nphase: 1\n"
		"phase_since: " NOW "\ncreated: " NOW "\n",
		"clients/ok/ok.yaml",
		"id: ok\nname: Fine\nmanager: ivanov\nphase: 1\n"
		"phase_since: " NOW "\ncreated: " NOW "\n",
		NULL,
	};
	struct files f = { kv };

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(reg_write(r, 0, files_mutate, &f), 0);

	a.id = "ok";
	assert_int_equal(reg_write(r, 0, read_mutate, &a), 0);
	assert_int_equal(a.rc, 0);
	assert_string_equal(a.name, "Fine");

	a.id = "romashka";
	assert_int_equal(reg_write(r, REG_FORCE_OK, read_mutate, &a), 0);
	assert_int_equal(a.rc, PREG_EINVAL);
	assert_string_equal(a.msg, ROMASHKA ":7:1: the record holds a comment, which a rewrite would "
				   "lose; move the text into 'remarks:' or use --force");
	/* A command without --force is not told to use it. */
	assert_int_equal(reg_write(r, 0, read_mutate, &a), 0);
	assert_int_equal(a.rc, PREG_EINVAL);
	assert_string_equal(a.msg, ROMASHKA ":7:1: the record holds a comment, which a rewrite would "
				   "lose; move the text into 'remarks:' with 'preg client edit --force romashka', "
				   "then run this again");
	assert_int_equal(reg_write(r, REG_FORCE, read_mutate, &a), 0);
	assert_int_equal(a.rc, 0);
	assert_string_equal(a.name, "R");

	a.id = "other";
	assert_int_equal(reg_write(r, 0, read_mutate, &a), 0);
	assert_int_equal(a.rc, PREG_EINVAL);
	assert_string_equal(a.msg, "clients/ot/other.yaml:1:5: id 'wrong' does not match the file name");

	a.id = "nobody";
	assert_int_equal(reg_write(r, 0, read_mutate, &a), 0);
	assert_int_equal(a.rc, PREG_ENOTFOUND);
	assert_string_equal(a.msg, "client 'nobody' not found");
	a.id = "../../etc/passwd";
	assert_int_equal(reg_write(r, 0, read_mutate, &a), 0);
	assert_int_equal(a.rc, PREG_ENOTFOUND);
	assert_string_equal(a.msg, "client '../../etc/passwd' not found");
	reg_free(r);
	free(dir);
}

static void test_busy(void **state)
{
	struct reg *r;
	char *dir, *p;
	int fd;

	(void)state;
	r = new_reg(&dir);
	p = join(dir, ".git/preg.lock");
	fd = open(p, O_RDWR | O_CREAT, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(write(fd, "4242\n", 5), 5);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	setenv("PREG_LOCK_TIMEOUT", "0", 1);
	assert_error(put(r, "romashka", "R"), PREG_EBUSY, "register busy (held by pid 4242)");
	assert_int_equal(ncommits(dir), 1);
	close(fd);
	assert_int_equal(put(r, "romashka", "R"), 0);
	assert_int_equal(ncommits(dir), 2);
	free(p);
	reg_free(r);
	free(dir);
}

/* ---- healing ---- */

/* Put the work tree file and its index entry back to data, as a crash
 * after the commit point leaves them, and name the path in the journal. */
static void crash_after_commit(const char *dir, const char *path, const char *data, bool index,
			       bool journal)
{
	char *p = join(dir, path);

	spew(p, data);
	free(p);
	if (index) {
		git_repository *g = repo(dir);
		git_index *idx = NULL;

		assert_int_equal(git_repository_index(&idx, g), 0);
		assert_int_equal(git_index_add_bypath(idx, path), 0);
		assert_int_equal(git_index_write(idx), 0);
		git_index_free(idx);
		git_repository_free(g);
	}
	if (journal) {
		char line[512];

		p = join(dir, ".git/preg-pending");
		snprintf(line, sizeof(line), "%s\n", path);
		spew(p, line);
		free(p);
	}
}

/* Set the index entry of path to the blob of data, leaving the file. */
static void index_to(const char *dir, const char *path, const char *data)
{
	git_repository *g = repo(dir);
	git_index *idx = NULL;
	git_index_entry e;
	const git_index_entry *cur;
	git_oid blob;

	assert_int_equal(git_blob_create_from_buffer(&blob, g, data, strlen(data)), 0);
	assert_int_equal(git_repository_index(&idx, g), 0);
	cur = git_index_get_bypath(idx, path, 0);
	assert_non_null(cur);
	e = *cur;
	git_oid_cpy(&e.id, &blob);
	e.file_size = (uint32_t)strlen(data);
	assert_int_equal(git_index_add(idx, &e), 0);
	assert_int_equal(git_index_write(idx), 0);
	git_index_free(idx);
	git_repository_free(g);
}

static char *canonical(const char *id, const char *name)
{
	struct record *r = rec(id, name);
	struct buf b = BUF_INIT;

	record_write(&b, r);
	record_free(r);
	return buf_detach(&b);
}

static void assert_healed(const char *dir, const char *path, const char *want)
{
	char *p = join(dir, path), *s = slurp(p);
	git_oid h, i, w;

	assert_non_null(s);
	assert_string_equal(s, want);
	assert_true(head_blob(dir, path, &h));
	assert_true(index_blob(dir, path, &i));
	file_blob(dir, path, &w);
	assert_true(git_oid_equal(&h, &w));
	assert_true(git_oid_equal(&h, &i));
	free(s);
	free(p);
	p = join(dir, ".git/preg-pending");
	assert_false(exists(p));
	free(p);
}

static void test_heal(void **state)
{
	struct reg *r;
	char *dir, *v1 = canonical("romashka", "V1"), *v2 = canonical("romashka", "V2"), *w;

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "V1"), 0);
	assert_int_equal(put(r, "romashka", "V2"), 0);

	/* Work tree and index left at the old content: checked out from HEAD
	 * by the next write, whatever it writes. */
	crash_after_commit(dir, ROMASHKA, v1, true, true);
	assert_int_equal(put(r, "acme", "Acme"), 0);
	assert_healed(dir, ROMASHKA, v2);
	assert_int_equal(nchanges(dir), 0);
	w = warnings();
	assert_string_equal(w, "");
	free(w);

	/* The work tree at HEAD but the index behind: the index is refreshed. */
	index_to(dir, ROMASHKA, v1);
	crash_after_commit(dir, ROMASHKA, v2, false, true);
	assert_int_equal(put(r, "zeta", "Z"), 0);
	assert_healed(dir, ROMASHKA, v2);
	assert_int_equal(nchanges(dir), 0);

	/* The same leftover, and the next write is to that very record. */
	crash_after_commit(dir, ROMASHKA, v1, true, true);
	assert_int_equal(put(r, "romashka", "V3"), 0);
	free(v2);
	v2 = canonical("romashka", "V3");
	assert_healed(dir, ROMASHKA, v2);
	assert_int_equal(nchanges(dir), 0);

	/* A leftover of a new record (file and index entry not there yet). */
	{
		char *p = join(dir, "clients/ac/acme.yaml"), *acme = canonical("acme", "Acme");
		git_repository *g = repo(dir);
		git_index *idx = NULL;

		unlink(p);
		assert_int_equal(git_repository_index(&idx, g), 0);
		assert_int_equal(git_index_remove_bypath(idx, "clients/ac/acme.yaml"), 0);
		assert_int_equal(git_index_write(idx), 0);
		git_index_free(idx);
		git_repository_free(g);
		free(p);
		p = join(dir, ".git/preg-pending");
		spew(p, "clients/ac/acme.yaml\n");
		free(p);
		assert_int_equal(put(r, "zeta", "Z2"), 0);
		assert_healed(dir, "clients/ac/acme.yaml", acme);
		free(acme);
	}

	/* What is neither HEAD nor the index is the user's edit: left alone
	 * and reported, and it does not stop a write to another record. */
	crash_after_commit(dir, ROMASHKA, "my own edit\n", false, true);
	assert_int_equal(put(r, "acme", "Acme 2"), 0);
	w = warnings();
	assert_string_equal(w, "left alone: " ROMASHKA " differs from the last commit (uncommitted edit?)\n");
	free(w);
	{
		char *p = join(dir, ROMASHKA), *s = slurp(p);

		assert_string_equal(s, "my own edit\n");
		free(s);
		free(p);
	}
	reg_free(r);
	free(v1);
	free(v2);
	free(dir);
}

/* ---- the doctor ---- */

static void test_doctor(void **state)
{
	struct reg *r;
	char *dir, *p, *w;
	int problems = -1;
	struct timespec ts[2];

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "R"), 0);

	/* A clean register of version 1: nothing to say but the advice to
	 * upgrade, which is no problem. */
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 0);
	w = warnings_all(true);
	assert_string_equal(w, UPGRADE_ADVICE "\n");
	free(w);

	/* A stale ref lock, two minutes old: removed with a warning. */
	p = join(dir, ".git/refs/heads/main.lock");
	spew(p, "0000000000000000000000000000000000000000\n");
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 120;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 0);
	assert_false(exists(p));
	w = warnings();
	assert_string_equal(w, "removed stale lock 'refs/heads/main.lock' (left by a crashed process)\n");
	free(w);

	/* A fresh one (under a minute) stays. */
	spew(p, "0000000000000000000000000000000000000000\n");
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 30;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_true(exists(p));
	unlink(p);
	free(p);
	w = warnings();
	free(w);

	/* index.lock is never removed: reported. */
	p = join(dir, ".git/index.lock");
	spew(p, "");
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 3600;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 1);
	assert_true(exists(p));
	w = warnings();
	assert_string_equal(w, "left alone: .git/index.lock exists (git or an editor may be running; "
			       "remove it if none is)\n");
	free(w);
	unlink(p);
	free(p);

	/* A leftover behind HEAD is fixed, even with no journal naming it. */
	{
		char *v1 = canonical("romashka", "R"), *v2;

		assert_int_equal(put(r, "romashka", "R2"), 0);
		v2 = canonical("romashka", "R2");
		crash_after_commit(dir, ROMASHKA, v1, true, false);
		assert_int_equal(reg_doctor(r, &problems), 0);
		assert_int_equal(problems, 0);
		assert_healed(dir, ROMASHKA, v2);
		w = warnings();
		assert_string_equal(w, "fixed: " ROMASHKA " brought up to the last commit\n");
		free(w);

		index_to(dir, ROMASHKA, v1);
		assert_int_equal(reg_doctor(r, &problems), 0);
		assert_int_equal(problems, 0);
		assert_healed(dir, ROMASHKA, v2);
		w = warnings();
		assert_string_equal(w, "fixed: index entry of " ROMASHKA " refreshed\n");
		free(w);

		/* The user's edit: left alone and counted. */
		crash_after_commit(dir, ROMASHKA, "edited\n", false, false);
		assert_int_equal(reg_doctor(r, &problems), 0);
		assert_int_equal(problems, 1);
		w = warnings();
		assert_string_equal(w, "left alone: " ROMASHKA " differs from the last commit (uncommitted edit?)\n");
		free(w);
		p = join(dir, ROMASHKA);
		w = slurp(p);
		assert_string_equal(w, "edited\n");
		free(w);
		free(p);
		free(v1);
		free(v2);
	}
	reg_free(r);
	free(dir);
}

/* ---- never through a link ---- */

/* A directory outside the register, with what it holds counted. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_links(void **state)
{
	struct reg *r;
	char *dir, *out = fresh("outside"), *p, *q, *w, *v1 = canonical("romashka", "V1");
	git_oid before, after;
	int problems = -1;

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(mkdir(out, 0777), 0);
	assert_int_equal(put(r, "romashka", "V1"), 0);
	head(dir, &before);

	/* A link where a new record's shard would go: refused before the
	 * commit, named, nothing written outside. */
	p = join(dir, "clients/ze");
	assert_int_equal(symlink(out, p), 0);
	assert_error(put(r, "zeta", "Zeta"), PREG_EDIRTY,
		     "'clients/ze' is a symbolic link; preg never writes through one (remove it)");
	head(dir, &after);
	assert_true(git_oid_equal(&before, &after));
	assert_int_equal(entries(out), 0);

	/* doctor names it, counts it, and follows it no more than a write. */
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 1);
	w = warnings();
	q = malloc(strlen(out) + 256);
	sprintf(q, "left alone: 'clients/ze' is a symbolic link (to '%s') where a shard of client records "
		   "should be; preg never follows one (remove it, then run 'preg doctor' again)\n", out);
	assert_string_equal(w, q);
	free(q);
	free(w);
	assert_int_equal(entries(out), 0);
	unlink(p);
	free(p);

	/* A link in a record's own place: refused, the file it names kept. */
	p = join(dir, ROMASHKA);
	q = join(out, "romashka.yaml");
	spew(q, v1);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink(q, p), 0);
	assert_error(put(r, "romashka", "V2"), PREG_EDIRTY,
		     "'" ROMASHKA "' is a symbolic link; preg never writes through one (remove it)");
	w = slurp(q);
	assert_string_equal(w, v1);
	free(w);
	head(dir, &after);
	assert_true(git_oid_equal(&before, &after));
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 1);
	w = warnings();
	assert_non_null(strstr(w, "left alone: '" ROMASHKA "' is a symbolic link"));
	assert_non_null(strstr(w, "where a client record should be"));
	free(w);
	unlink(p);
	spew(p, v1);
	unlink(q);
	free(q);
	free(p);

	/* clients/ itself a link, and a journal from a crash after the commit
	 * point naming a record behind it: the next write does not heal
	 * through the link, says why, and keeps the journal; a write to
	 * preg.yaml (outside clients/) still works. */
	assert_int_equal(put(r, "romashka", "V2"), 0);
	head(dir, &before);
	p = join(dir, "clients");
	q = join(out, "clients");
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(symlink(q, p), 0);
	free(q);
	q = join(out, "clients/" "ro/romashka.yaml");
	spew(q, v1);
	index_to(dir, ROMASHKA, v1);
	{
		char *jp = join(dir, ".git/preg-pending");

		spew(jp, ROMASHKA "\n");
		free(jp);
	}
	{
		static const char *const kv[] = { ".gitattributes", "# edited\nclients/**/*.yaml merge=preg\n",
						  NULL };
		struct files f = { kv };

		preg_error_clear();
		assert_int_equal(reg_write(r, 0, files_mutate, &f), 0);
	}
	w = warnings();
	assert_string_equal(w, "'clients' is a symbolic link; preg never writes through one (remove it)\n");
	free(w);
	w = slurp(q);
	assert_string_equal(w, v1);
	free(w);
	w = join(dir, ".git/preg-pending");
	assert_true(exists(w));
	free(w);
	assert_error(put(r, "acme", "Acme"), PREG_EDIRTY,
		     "'clients' is a symbolic link; preg never writes through one (remove it)");
	w = warnings();
	free(w);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 1);
	w = warnings();
	assert_non_null(strstr(w, "left alone: 'clients' is a symbolic link"));
	assert_null(strstr(w, "fixed"));
	free(w);
	w = slurp(q);
	assert_string_equal(w, v1);
	free(w);
	free(q);

	/* The link gone and the records back: doctor heals what the journal
	 * named and the register is whole. */
	unlink(p);
	q = join(out, "clients");
	assert_int_equal(rename(q, p), 0);
	free(q);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 0);
	w = warnings();
	assert_string_equal(w, "fixed: " ROMASHKA " brought up to the last commit\n");
	free(w);
	assert_int_equal(nchanges(dir), 0);
	free(p);
	reg_free(r);
	free(v1);
	free(out);
	free(dir);
}

/* ---- a damaged index ---- */

/* Cut the index to len bytes (0: empty), or fill it with bytes that are no
 * index at all (len < 0). */
static void damage_index(const char *dir, long len)
{
	char *p = join(dir, ".git/index");

	if (len >= 0) {
		assert_int_equal(truncate(p, len), 0);
	} else {
		FILE *f = fopen(p, "wb");

		assert_non_null(f);
		for (int i = 0; i < 500; i++)
			fputc((i * 7919) & 0xff, f);
		fclose(f);
	}
	free(p);
}

static void test_index_damaged(void **state)
{
	struct reg *r;
	char *dir, *w, *v1 = canonical("romashka", "V1"), *v2 = canonical("romashka", "V2");
	git_oid before, after;
	int problems = -1;
	static const struct {
		long len;
		const char *why;
	} kinds[] = {
		{ 100, "it is cut short" },
		{ 0, "it is empty" },
		{ -1, "it is not an index (no DIRC signature)" },
	};

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "V1"), 0);
	assert_int_equal(put(r, "romashka", "V2"), 0);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		char msg[512];

		/* A write refuses before its commit, saying what doctor does. */
		head(dir, &before);
		damage_index(dir, kinds[k].len);
		snprintf(msg, sizeof(msg),
			 "cannot read the index (.git/index: %s); 'preg doctor' rebuilds it from the last commit",
			 kinds[k].why);
		assert_error(put(r, "acme", "Acme"), PREG_ERR, msg);
		head(dir, &after);
		assert_true(git_oid_equal(&before, &after));
		w = warnings();
		assert_string_equal(w, "");
		free(w);

		/* doctor rebuilds it; then the work tree and the index agree
		 * with the tip, and a second run finds nothing. */
		assert_int_equal(reg_doctor(r, &problems), 0);
		assert_int_equal(problems, 0);
		w = warnings();
		snprintf(msg, sizeof(msg),
			 "fixed: the index could not be read (.git/index: %s); rebuilt from the last commit and "
			 "the work tree\n",
			 kinds[k].why);
		assert_string_equal(w, msg);
		free(w);
		assert_healed(dir, ROMASHKA, v2);
		assert_int_equal(nchanges(dir), 0);
		assert_int_equal(reg_doctor(r, &problems), 0);
		assert_int_equal(problems, 0);
		w = warnings();
		assert_string_equal(w, "");
		free(w);
	}

	/* A crash after the commit point, the index lost too: the file the
	 * journal names holds a committed version, so it is ours and is
	 * brought up to the tip. */
	crash_after_commit(dir, ROMASHKA, v1, false, true);
	damage_index(dir, 0);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 0);
	w = warnings();
	assert_string_equal(w, "fixed: the index could not be read (.git/index: it is empty); rebuilt from the last "
			       "commit and the work tree\n"
			       "fixed: " ROMASHKA " brought up to the last commit\n");
	free(w);
	assert_healed(dir, ROMASHKA, v2);

	/* A new record whose file was never written, the index lost. */
	{
		char *p = join(dir, "clients/ac/acme.yaml"), *acme;

		assert_int_equal(put(r, "acme", "Acme"), 0);
		acme = canonical("acme", "Acme");
		unlink(p);
		free(p);
		p = join(dir, ".git/preg-pending");
		spew(p, "clients/ac/acme.yaml\n");
		free(p);
		damage_index(dir, 100);
		assert_int_equal(reg_doctor(r, &problems), 0);
		assert_int_equal(problems, 0);
		w = warnings();
		assert_non_null(strstr(w, "fixed: clients/ac/acme.yaml brought up to the last commit\n"));
		free(w);
		assert_healed(dir, "clients/ac/acme.yaml", acme);
		free(acme);
	}

	/* The user's own edit, the index lost: left alone, kept, counted. */
	crash_after_commit(dir, ROMASHKA, "my own edit\n", false, false);
	damage_index(dir, -1);
	assert_int_equal(reg_doctor(r, &problems), 0);
	assert_int_equal(problems, 1);
	w = warnings();
	assert_non_null(strstr(w, "left alone: " ROMASHKA " differs from the last commit (uncommitted edit?)\n"));
	free(w);
	{
		char *p = join(dir, ROMASHKA);

		w = slurp(p);
		assert_string_equal(w, "my own edit\n");
		free(w);
		free(p);
	}
	reg_free(r);
	free(v1);
	free(v2);
	free(dir);
}

/* A stale ref lock is cleared by any write too, so that it does not block. */
static void test_write_clears_stale_ref_lock(void **state)
{
	struct reg *r;
	char *dir, *p, *w;
	struct timespec ts[2];

	(void)state;
	r = new_reg(&dir);
	p = join(dir, ".git/refs/heads/main.lock");
	spew(p, "0000000000000000000000000000000000000000\n");
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 120;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(put(r, "romashka", "R"), 0);
	assert_false(exists(p));
	assert_int_equal(ncommits(dir), 2);
	w = warnings();
	assert_string_equal(w, "removed stale lock 'refs/heads/main.lock' (left by a crashed process)\n");
	free(w);
	free(p);
	reg_free(r);
	free(dir);
}

/* ---- reading every record ---- */

struct seen {
	char lines[16][256];
	int n;
	int stop_at;
	size_t window; /* libgit2's pack window size during the walk */
};

static int each_cb(void *arg, const char *id, const char *path, struct record *rec)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s %s %s %s", id ? id : "(null)", path,
		 rec ? rec->name : "(null)", rec ? "" : preg_error_msg());
	s->n++;
	assert_int_equal(git_libgit2_opts(GIT_OPT_GET_MWINDOW_SIZE, &s->window), 0);
	return s->n == s->stop_at ? 42 : 0;
}

/* The pack windows a walk of whole records maps are small, and the
 * settings of the reports are back after it, however it ended. */
static void assert_windows_back(void)
{
	size_t size = 0, limit = 0;

	assert_int_equal(git_libgit2_opts(GIT_OPT_GET_MWINDOW_SIZE, &size), 0);
	assert_int_equal(git_libgit2_opts(GIT_OPT_GET_MWINDOW_MAPPED_LIMIT, &limit), 0);
	assert_int_equal(size, (size_t)16 << 20);
	assert_int_equal(limit, (size_t)40 << 20);
}

static void test_each(void **state)
{
	struct reg *r;
	char *dir;
	struct seen s;
	static const char *const kv[] = {
		"clients/ac/acme.yaml",
		"id: acme\nname: Acme\nmanager: ivanov\nphase: 1\nphase_since: " NOW "\ncreated: " NOW "\n",
		"clients/br/broken.yaml",
		"id: broken\nname: [\n",
		"clients/ro/romashka.yaml",
		"id: romashka\nname: Romashka\nmanager: ivanov\nphase: 2\nphase_since: " NOW
		"\ncreated: " NOW "\n",
		"clients/zz/abc.yaml",
		"id: abc\nname: Abc\nmanager: ivanov\nphase: 1\nphase_since: " NOW "\ncreated: " NOW "\n",
		"clients/mi/mismatch.yaml",
		"id: other\nname: Other\nmanager: ivanov\nphase: 1\nphase_since: " NOW "\ncreated: " NOW "\n",
		"clients/x_/x.yaml",
		"id: x\nname: X\nmanager: ivanov\nphase: 1\nphase_since: " NOW "\ncreated: " NOW "\n",
		/* Its shard x- comes before x_ in the tree, its id after x. */
		"clients/x-/x-y.yaml",
		"id: x-y\nname: X-Y\nmanager: ivanov\nphase: 1\nphase_since: " NOW "\ncreated: " NOW "\n",
		NULL,
	};
	struct files f = { kv };

	(void)state;
	r = new_reg(&dir);
	/* No clients yet: no calls. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_each(r, false, each_cb, &s), 0);
	assert_int_equal(s.n, 0);

	assert_int_equal(reg_write(r, 0, files_mutate, &f), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_each(r, false, each_cb, &s), 0);
	/* In id order, not the tree's: a file that is no record comes by
	 * its name. */
	assert_int_equal(s.n, 7);
	assert_int_equal(s.window, (size_t)64 << 10);
	assert_windows_back();
	assert_string_equal(s.lines[0], "(null) clients/zz/abc.yaml (null) clients/zz/abc.yaml: not a "
					"client record (expected clients/<first two characters of the id>/<id>.yaml)");
	assert_string_equal(s.lines[1], "acme clients/ac/acme.yaml Acme ");
	assert_string_equal(s.lines[2], "broken clients/br/broken.yaml (null) "
					"clients/br/broken.yaml:3:1: did not find expected node content");
	assert_string_equal(s.lines[3], "mismatch clients/mi/mismatch.yaml (null) "
					"clients/mi/mismatch.yaml:1:5: id 'other' does not match the file name");
	assert_string_equal(s.lines[4], "romashka clients/ro/romashka.yaml Romashka ");
	assert_string_equal(s.lines[5], "x clients/x_/x.yaml X ");
	assert_string_equal(s.lines[6], "x-y clients/x-/x-y.yaml X-Y ");

	/* ids only: nothing parsed. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_each(r, true, each_cb, &s), 0);
	assert_int_equal(s.n, 7);
	assert_int_equal(strncmp(s.lines[0], "(null) clients/zz/abc.yaml (null) ", 34), 0);
	assert_int_equal(strncmp(s.lines[1], "acme clients/ac/acme.yaml (null) ", 33), 0);
	assert_int_equal(strncmp(s.lines[2], "broken clients/br/broken.yaml (null) ", 37), 0);
	assert_int_equal(strncmp(s.lines[3], "mismatch clients/mi/mismatch.yaml (null) ", 41), 0);
	assert_int_equal(strncmp(s.lines[6], "x-y clients/x-/x-y.yaml (null) ", 31), 0);

	/* A callback's non-zero value stops the walk and comes back. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(reg_each(r, false, each_cb, &s), 42);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.window, (size_t)64 << 10);
	assert_windows_back();
	reg_free(r);
	free(dir);
}

/* ---- git history through the register ---- */

struct gseen {
	char got[4096];
	size_t n;
};

static int seen_oid(void *arg, const struct reg_oid *oid)
{
	struct gseen *s = arg;
	char hex[REG_HEXSZ + 1];

	reg_oid_hex(hex, oid);
	snprintf(s->got + strlen(s->got), sizeof(s->got) - strlen(s->got), "%.7s ", hex);
	s->n++;
	return 0;
}

static int seen_file(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct gseen *s = arg;

	snprintf(s->got + strlen(s->got), sizeof(s->got) - strlen(s->got), "%s%s%s ", old ? "-" : "",
		 new ? "+" : "", path);
	s->n++;
	return 0;
}

/* The hex of HEAD~back, by git. */
static void rev_hex(const char *dir, int back, char out[GIT_OID_HEXSZ + 1])
{
	git_repository *g = repo(dir);
	git_object *o = NULL;
	char spec[32];

	snprintf(spec, sizeof(spec), "HEAD~%d", back);
	assert_int_equal(git_revparse_single(&o, g, spec), 0);
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, git_object_id(o));
	git_object_free(o);
	git_repository_free(g);
}

static void test_git_services(void **state)
{
	struct reg *r;
	char *dir, hex[REG_HEXSZ + 1], h0[41], h1[41], h2[41], h3[41], *m, *v = NULL;
	struct reg_oid tip, oid, blob, parsed;
	struct reg_commit c;
	struct reg_tree *t1 = NULL, *t0 = NULL;
	struct record *got = NULL;
	struct buf b = BUF_INIT;
	struct gseen s;
	char want[64];

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(put(r, "romashka", "ООО «Ромашка»"), 0);
	assert_int_equal(put(r, "acme", "Acme"), 0);
	assert_int_equal(reg_write(r, 0, remove_mutate, "romashka"), 0);
	rev_hex(dir, 0, h0);
	rev_hex(dir, 1, h1);
	rev_hex(dir, 2, h2);
	rev_hex(dir, 3, h3);

	/* Ids, the tip, revisions. */
	assert_int_equal(reg_tip(r, &tip), 0);
	reg_oid_hex(hex, &tip);
	assert_string_equal(hex, h0);
	assert_int_equal(reg_oid_parse(&parsed, h0), 0);
	assert_true(reg_oid_equal(&parsed, &tip));
	assert_int_equal(reg_oid_parse(&parsed, "0123"), PREG_EINVAL);
	assert_int_equal(reg_oid_parse(&parsed, "g123456789012345678901234567890123456789"), PREG_EINVAL);
	assert_int_equal(reg_resolve(r, "HEAD~1", &oid), 0);
	reg_oid_hex(hex, &oid);
	assert_string_equal(hex, h1);
	assert_error(reg_resolve(r, "no-such-rev", &oid), PREG_ENOTFOUND, "unknown revision 'no-such-rev'");

	/* A commit as stored. */
	assert_int_equal(reg_commit_read(r, &tip, &c), 0);
	m = message(dir, 0);
	assert_string_equal(c.message, m);
	free(m);
	assert_string_equal(c.hex, h0);
	assert_int_equal(c.nparents, 1);
	reg_oid_hex(hex, &c.parents[0]);
	assert_string_equal(hex, h1);
	assert_string_equal(c.author.name, "Ivan Ivanov");
	assert_int_equal(c.author.time, 1793596500);
	assert_int_equal(c.author.offset, 300);
	reg_commit_release(&c);

	/* Walks: oldest first, newest first, with a commit hidden. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_walk(r, &tip, NULL, REG_WALK_OLDEST_FIRST, seen_oid, &s), 0);
	snprintf(want, sizeof(want), "%.7s %.7s %.7s %.7s ", h3, h2, h1, h0);
	assert_string_equal(s.got, want);
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_resolve(r, "HEAD~2", &oid), 0);
	assert_int_equal(reg_walk(r, &tip, &oid, 0, seen_oid, &s), 0);
	snprintf(want, sizeof(want), "%.7s %.7s ", h0, h1);
	assert_string_equal(s.got, want);
	assert_true(reg_descends(r, &tip, &oid));
	assert_true(reg_descends(r, &tip, &tip));
	assert_false(reg_descends(r, &oid, &tip));
	assert_int_equal(reg_merge_base(r, &tip, &oid, &parsed), 0);
	assert_true(reg_oid_equal(&parsed, &oid));

	/* Trees, files, records. */
	assert_int_equal(reg_resolve(r, "HEAD~1", &oid), 0);
	assert_int_equal(reg_tree_of(r, &oid, &t1), 0);
	assert_int_equal(reg_tree_of(r, &tip, &t0), 0);
	assert_int_equal(reg_tree_file(r, t1, ROMASHKA, &blob), 0);
	assert_int_equal(reg_tree_file(r, t0, ROMASHKA, &parsed), PREG_ENOTFOUND);
	assert_int_equal(reg_tree_file(r, t1, "clients/ro", &parsed), PREG_ENOTFOUND);
	assert_int_equal(reg_tree_file(r, NULL, ROMASHKA, &parsed), PREG_ENOTFOUND);
	assert_int_equal(reg_blob_read(r, &blob, &b), 0);
	assert_non_null(strstr(buf_str(&b), "name: ООО «Ромашка»\n"));
	assert_int_equal(reg_tree_record(r, t1, "romashka", &got), 0);
	assert_string_equal(got->name, "ООО «Ромашка»");
	record_free(got);
	assert_int_equal(reg_tree_record(r, t0, "romashka", &got), PREG_ENOTFOUND);
	assert_null(got);

	/* The one comparison: what differs, in git's order, nothing else. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_diff(r, t1, t0, seen_file, &s), 0);
	assert_string_equal(s.got, "-" ROMASHKA " ");
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_diff(r, t0, t0, seen_file, &s), 0);
	assert_int_equal(s.n, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(reg_diff(r, NULL, t0, seen_file, &s), 0);
	assert_string_equal(s.got, "+.gitattributes +clients/ac/acme.yaml +preg.yaml ");

	/* Config and refs. */
	assert_int_equal(reg_config_get(r, "preg.test", &v), PREG_ENOTFOUND);
	assert_int_equal(reg_config_set(r, "preg.test", "да"), 0);
	assert_int_equal(reg_config_get(r, "preg.test", &v), 0);
	assert_string_equal(v, "да");
	free(v);
	assert_int_equal(reg_ref(r, "refs/remotes/origin/main", &parsed), PREG_ENOTFOUND);
	assert_int_equal(reg_ref_set(r, "refs/remotes/origin/main", &oid, "test"), 0);
	assert_int_equal(reg_ref(r, "refs/remotes/origin/main", &parsed), 0);
	assert_true(reg_oid_equal(&parsed, &oid));
	assert_error(reg_ref_set(r, "refs/heads/main", &oid, "test"), PREG_EINVAL,
		     "refs/heads/main is the register's branch: it moves only by a write");
	assert_int_equal(reg_tip(r, &parsed), 0);
	assert_true(reg_oid_equal(&parsed, &tip));
	assert_true(reg_remote_valid("origin"));
	assert_false(reg_remote_valid("a b"));

	buf_release(&b);
	reg_tree_free(t0);
	reg_tree_free(t1);
	reg_free(r);
	free(dir);
}

/* A change set becomes a commit; the branch does not move. */
static void test_commit_make(void **state)
{
	static char paths[300][64], texts[300][32];
	struct reg *r;
	char *dir, hex[REG_HEXSZ + 1];
	const char *text = "привет\n";
	struct reg_oid tip, made, again, blob;
	struct reg_tree *base = NULL, *nt = NULL;
	struct reg_change ch[300];
	struct reg_desc d;
	struct ptime when = { 1793596500, 300 };
	struct buf b = BUF_INIT;
	struct reg_commit c;

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(reg_tip(r, &tip), 0);
	assert_int_equal(reg_tree_of(r, &tip, &base), 0);
	memset(&d, 0, sizeof(d));
	d.text = "test: one file\n";
	d.when = &when;
	memset(ch, 0, sizeof(ch));
	ch[0].path = "notes/a.txt";
	ch[0].data = text;
	ch[0].len = strlen(text);
	assert_int_equal(reg_commit_make(r, &tip, base, ch, 1, &d, &made, &nt), 0);
	assert_int_equal(reg_tip(r, &again), 0);
	assert_true(reg_oid_equal(&again, &tip));
	assert_int_equal(reg_tree_file(r, nt, "notes/a.txt", &blob), 0);
	assert_int_equal(reg_blob_read(r, &blob, &b), 0);
	assert_string_equal(buf_str(&b), text);
	assert_int_equal(reg_commit_read(r, &made, &c), 0);
	assert_string_equal(c.message, "test: one file\n");
	assert_int_equal(c.nparents, 1);
	assert_true(reg_oid_equal(&c.parents[0], &tip));
	assert_int_equal(c.author.time, 1793596500);
	reg_commit_release(&c);

	/* The same change again changes nothing: no commit. */
	assert_int_equal(reg_commit_make(r, &made, nt, ch, 1, &d, &again, NULL), REG_UNCHANGED);
	/* An existing blob, by id, and a removal. */
	ch[0].path = "notes/b.txt";
	ch[0].data = NULL;
	ch[0].blob = &blob;
	ch[1].path = "notes/a.txt";
	assert_int_equal(reg_commit_make(r, &made, nt, ch, 2, &d, &again, NULL), 0);
	reg_tree_free(nt);
	assert_int_equal(reg_tree_of(r, &again, &nt), 0);
	assert_int_equal(reg_tree_file(r, nt, "notes/a.txt", &blob), PREG_ENOTFOUND);
	assert_int_equal(reg_tree_file(r, nt, "notes/b.txt", &blob), 0);

	/* In bulk (a memory pack written at the end): git reads it all. */
	memset(ch, 0, sizeof(ch));
	for (int i = 0; i < 300; i++) {
		snprintf(paths[i], sizeof(paths[i]), "bulk/%03d.txt", i);
		snprintf(texts[i], sizeof(texts[i]), "file %d\n", i);
		ch[i].path = paths[i];
		ch[i].data = texts[i];
		ch[i].len = strlen(texts[i]);
	}
	assert_int_equal(reg_commit_make(r, &tip, base, ch, 300, &d, &made, NULL), 0);
	reg_oid_hex(hex, &made);
	{
		git_repository *g = repo(dir);
		git_object *o = NULL;
		char spec[128];

		snprintf(spec, sizeof(spec), "%s:bulk/299.txt", hex);
		assert_int_equal(git_revparse_single(&o, g, spec), 0);
		assert_int_equal(git_blob_rawsize((git_blob *)o), strlen("file 299\n"));
		git_object_free(o);
		git_repository_free(g);
	}
	buf_release(&b);
	reg_tree_free(nt);
	reg_tree_free(base);
	reg_free(r);
	free(dir);
}

/* ---- the description: derived from what changed ---- */

struct many {
	const char *const *ids; /* records to stage, NULL-terminated */
	bool describe;
};

static int many_mutate(struct txn *t, void *arg)
{
	const struct many *m = arg;

	for (size_t i = 0; m->ids[i]; i++) {
		struct record *r = rec(m->ids[i], "ООО «Кедр»");

		txn_put(t, r);
		record_free(r);
	}
	if (m->describe) {
		/* A writer states the summary and the action, never the clients. */
		txn_message(t, "many: a test", "test", NULL);
		txn_trailer(t, "Preg-Extra", "yes");
	}
	return 0;
}

static void test_write_describes(void **state)
{
	struct reg *r;
	char *dir, *m;
	const char *first[] = { "zeta", "acme", "ooo-kedr", NULL };
	const char *second[] = { "acme", "beta", NULL };
	struct many w = { first, true };

	(void)state;
	r = new_reg(&dir);
	assert_int_equal(reg_write(r, 0, many_mutate, &w), 0);
	m = message(dir, 0);
	assert_string_equal(m, "many: a test\n\n"
			       "Preg-Client: acme\n"
			       "Preg-Client: ooo-kedr\n"
			       "Preg-Client: zeta\n"
			       "Preg-Action: test\n"
			       "Preg-Extra: yes\n"
			       "Preg-User: ivanov\n");
	free(m);
	/* acme is staged again unchanged: only beta is named. */
	w.ids = second;
	setenv("PREG_USER", "petrov", 1);
	assert_int_equal(reg_write(r, 0, many_mutate, &w), 0);
	m = message(dir, 0);
	assert_string_equal(m, "many: a test\n\nPreg-Client: beta\nPreg-Action: test\nPreg-Extra: yes\n"
			       "Preg-User: ivanov\n");
	free(m);
	reg_free(r);
	/* The acting user is read when the register opens. */
	assert_int_equal(reg_open(&r, dir), 0);
	w.ids = (const char *[]){ "gamma", NULL };
	assert_int_equal(reg_write(r, 0, many_mutate, &w), 0);
	m = message(dir, 0);
	assert_non_null(strstr(m, "Preg-Client: gamma\nPreg-Action: test\nPreg-Extra: yes\nPreg-User: petrov\n"));
	free(m);
	/* Nothing changed at all: no commit. */
	assert_int_equal(ncommits(dir), 4);
	assert_int_equal(reg_write(r, 0, many_mutate, &w), 0);
	assert_int_equal(ncommits(dir), 4);
	/* A mutator that stages but describes nothing: refused, nothing written. */
	w.describe = false;
	w.ids = (const char *[]){ "delta", NULL };
	assert_error(reg_write(r, 0, many_mutate, &w), PREG_ERR, "a write without a description (an error in preg)");
	assert_int_equal(ncommits(dir), 4);
	assert_int_equal(nchanges(dir), 0);
	reg_free(r);
	free(dir);
}

#define GOID_OF(o) ((const git_oid *)(o))

/* The objects the loose directories hold (objects/xx/...). */
static int nloose(const char *dir)
{
	char *cmd = xasprintf("find '%s/.git/objects' -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l", dir);
	FILE *f = popen(cmd, "r");
	int n = -1;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &n), 1);
	pclose(f);
	free(cmd);
	return n;
}

/* A batch (a sync's replay): commits made in it are read back through the
 * register, reach no other handle and no loose file until its end, then
 * are on the disk in one pack that git reads and checks; a batch dropped
 * leaves nothing. */
static void test_batch(void **state)
{
	static char paths[300][64], texts[300][32];
	struct reg *r;
	char *dir, hex[REG_HEXSZ + 1], *cmd;
	const char *text = "ООО «Ромашка»\n";
	struct reg_oid tip, c1, c2, blob;
	struct reg_tree *base = NULL, *t1 = NULL, *t2 = NULL;
	struct reg_change ch[300];
	struct reg_desc d;
	struct ptime when = { 1793596500, 300 };
	struct buf b = BUF_INIT;
	int loose;

	(void)state;
	r = new_reg(&dir);
	loose = nloose(dir);
	assert_int_equal(reg_tip(r, &tip), 0);
	memset(&d, 0, sizeof(d));
	d.text = "test: batch\n";
	d.when = &when;
	memset(ch, 0, sizeof(ch));
	ch[0].path = "notes/a.txt";
	ch[0].data = text;
	ch[0].len = strlen(text);

	assert_int_equal(reg_batch_begin(r), 0);
	assert_int_equal(reg_tree_of(r, &tip, &base), 0);
	assert_int_equal(reg_commit_make(r, &tip, base, ch, 1, &d, &c1, &t1), 0);
	/* A commit of many changes stays in the batch too. */
	memset(ch, 0, sizeof(ch));
	for (int i = 0; i < 300; i++) {
		snprintf(paths[i], sizeof(paths[i]), "bulk/%03d.txt", i);
		snprintf(texts[i], sizeof(texts[i]), "файл %d\n", i);
		ch[i].path = paths[i];
		ch[i].data = texts[i];
		ch[i].len = strlen(texts[i]);
	}
	assert_int_equal(reg_commit_make(r, &c1, t1, ch, 300, &d, &c2, &t2), 0);
	/* Readable through the register... */
	assert_int_equal(reg_tree_file(r, t2, "notes/a.txt", &blob), 0);
	assert_int_equal(reg_blob_read(r, &blob, &b), 0);
	assert_string_equal(buf_str(&b), text);
	assert_int_equal(reg_tree_file(r, t2, "bulk/299.txt", &blob), 0);
	assert_true(reg_batch_objects(r) >= 300 + 2 + 2);
	/* ...and nowhere else yet. */
	{
		git_repository *g = repo(dir);
		git_odb *odb = NULL;

		assert_int_equal(git_repository_odb(&odb, g), 0);
		assert_false(git_odb_exists(odb, GOID_OF(&c2)));
		assert_false(git_odb_exists(odb, GOID_OF(&blob)));
		git_odb_free(odb);
		git_repository_free(g);
	}
	assert_int_equal(nloose(dir), loose);
	reg_tree_free(base);
	reg_tree_free(t1);
	reg_tree_free(t2);
	assert_int_equal(reg_batch_end(r, true), 0);
	assert_int_equal(reg_batch_objects(r), 0);

	/* On the disk, in a pack, whole: git finds every object of both
	 * commits and fsck finds nothing wrong. */
	assert_int_equal(nloose(dir), loose);
	reg_oid_hex(hex, &c2);
	cmd = xasprintf("git -C '%s' update-ref refs/heads/batch %s && git -C '%s' fsck --strict --no-dangling 2>&1 && "
			"test \"$(git -C '%s' show %s:bulk/299.txt)\" = 'файл 299' && "
			"test \"$(git -C '%s' show %s:notes/a.txt)\" = 'ООО «Ромашка»'",
			dir, hex, dir, dir, hex, dir, hex);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* The register's own handle reads them too. */
	assert_int_equal(reg_tree_of(r, &c2, &t2), 0);
	assert_int_equal(reg_tree_file(r, t2, "bulk/000.txt", &blob), 0);
	reg_tree_free(t2);

	/* A pack of several megabytes goes to the indexer in pieces (a
	 * megabyte each): every piece lands, git reads the object whole.
	 * The bytes do not compress, so the pack is as large as they are. */
	{
		size_t big = (size_t)3 << 20;
		unsigned char *data = xmalloc(big);
		uint64_t x = 88172645463325252u;
		struct reg_oid c3;

		for (size_t i = 0; i < big; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			data[i] = (unsigned char)x;
		}
		assert_int_equal(reg_batch_begin(r), 0);
		assert_int_equal(reg_tree_of(r, &c2, &base), 0);
		memset(ch, 0, sizeof(ch));
		ch[0].path = "notes/big.bin";
		ch[0].data = (const char *)data;
		ch[0].len = big;
		assert_int_equal(reg_commit_make(r, &c2, base, ch, 1, &d, &c3, NULL), 0);
		reg_tree_free(base);
		assert_int_equal(reg_batch_end(r, true), 0);
		reg_oid_hex(hex, &c3);
		cmd = xasprintf("git -C '%s' update-ref refs/heads/big %s && git -C '%s' fsck --no-dangling 2>&1 && "
				"test \"$(git -C '%s' cat-file -s %s:notes/big.bin)\" = %zu",
				dir, hex, dir, dir, hex, big);
		assert_int_equal(system(cmd), 0);
		free(cmd);
		free(data);
	}

	/* A batch dropped: its commit is nowhere. */
	assert_int_equal(reg_batch_begin(r), 0);
	assert_int_equal(reg_tree_of(r, &c2, &base), 0);
	memset(ch, 0, sizeof(ch));
	ch[0].path = "notes/dropped.txt";
	ch[0].data = "dropped\n";
	ch[0].len = strlen("dropped\n");
	assert_int_equal(reg_commit_make(r, &c2, base, ch, 1, &d, &c1, NULL), 0);
	reg_tree_free(base);
	assert_int_equal(reg_batch_end(r, false), 0);
	{
		git_repository *g = repo(dir);
		git_odb *odb = NULL;

		assert_int_equal(git_repository_odb(&odb, g), 0);
		assert_false(git_odb_exists(odb, GOID_OF(&c1)));
		assert_true(git_odb_exists(odb, GOID_OF(&c2)));
		git_odb_free(odb);
		git_repository_free(g);
	}
	assert_int_equal(nloose(dir), loose);

	buf_release(&b);
	reg_free(r);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_locate, setup),
		cmocka_unit_test_setup(test_init_open, setup),
		cmocka_unit_test_setup(test_init_refusals, setup),
		cmocka_unit_test_setup(test_open_refusals, setup),
		cmocka_unit_test_setup(test_user, setup),
		cmocka_unit_test_setup(test_write, setup),
		cmocka_unit_test_setup(test_remove, setup),
		cmocka_unit_test_setup(test_move, setup),
		cmocka_unit_test_setup(test_write_mutator_error, setup),
		cmocka_unit_test_setup(test_write_nothing, setup),
		cmocka_unit_test_setup(test_write_dirty, setup),
		cmocka_unit_test_setup(test_write_cas_retry, setup),
		cmocka_unit_test_setup(test_txn_read, setup),
		cmocka_unit_test_setup(test_busy, setup),
		cmocka_unit_test_setup(test_heal, setup),
		cmocka_unit_test_setup(test_doctor, setup),
		cmocka_unit_test_setup(test_links, setup),
		cmocka_unit_test_setup(test_index_damaged, setup),
		cmocka_unit_test_setup(test_write_clears_stale_ref_lock, setup),
		cmocka_unit_test_setup(test_each, setup),
		cmocka_unit_test_setup(test_git_services, setup),
		cmocka_unit_test_setup(test_commit_make, setup),
		cmocka_unit_test_setup(test_write_describes, setup),
		cmocka_unit_test_setup(test_batch, setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
