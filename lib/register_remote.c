/* remote: a guarded bare repository (see remote.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "err.h"
#include "history.h"
#include "layout.h"
#include "register_priv.h"
#include "remote.h"
#include "verify.h"
#include "xalloc.h"

#define HOOK_MARK "remote hook"

static const char *const deny[] = { "receive.denyNonFastForwards", "receive.denyDeletes" };

/* Whether dir is a directory with nothing in it. */
static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

bool remote_absent(const char *dir)
{
	struct stat st;

	return lstat(dir, &st) ? errno == ENOENT : S_ISDIR(st.st_mode) && dir_empty(dir);
}

/* The hook: sh, the preg that made it, quoted for sh. */
static void hook_text(struct buf *b, const char *preg_path)
{
	buf_adds(b, "#!/bin/sh\n# Made by 'preg remote init': every push must pass preg's rules\n"
		    "# (preg-remote(1)). git gives the pushed refs on the standard input.\nexec '");
	for (const char *p = preg_path; *p; p++)
		if (*p == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *p);
	buf_adds(b, "' " HOOK_MARK "\n");
}

static int write_hook(git_repository *repo, const char *preg_path)
{
	char *dir = xasprintf("%shooks", git_repository_path(repo));
	char *path = xasprintf("%s/pre-receive", dir), *tmp = xasprintf("%s.preg-tmp", path);
	struct buf b = BUF_INIT;
	int fd = -1, rc = PREG_EIO;

	hook_text(&b, preg_path);
	if (mkdir(dir, 0777) && errno != EEXIST) {
		preg_error_set(rc, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	/* A new file renamed over the old one: a push running meanwhile sees
	 * the old hook or the new one, never half of one. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0755)) < 0 ||
	    write(fd, b.p, b.len) != (ssize_t)b.len || fchmod(fd, 0755) || fsync(fd) || close(fd) ||
	    (fd = -1, rename(tmp, path))) {
		preg_error_set(rc, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_release(&b);
	free(dir);
	free(path);
	free(tmp);
	return rc;
}

/* HEAD onto REMOTE_BRANCH, unless another branch holds the history. */
static int set_head(git_repository *repo, const char *dir)
{
	git_reference *head = NULL, *other = NULL, *main_ref = NULL;
	const char *target;
	int rc = 0;

	if (git_reference_lookup(&head, repo, "HEAD"))
		return reg_git_error(PREG_ERR, "cannot read HEAD of '%s'", dir);
	target = git_reference_symbolic_target(head);
	if (!target || strcmp(target, REMOTE_BRANCH)) {
		if (target && git_reference_lookup(&main_ref, repo, REMOTE_BRANCH) &&
		    !git_reference_lookup(&other, repo, target)) {
			rc = preg_error_set(PREG_EINVAL, "'%s' holds branch '%s', not '%s'", dir,
					    target + strlen("refs/heads/"), &REMOTE_BRANCH[strlen("refs/heads/")]);
			goto out;
		}
		if (git_repository_set_head(repo, REMOTE_BRANCH))
			rc = reg_git_error(PREG_ERR, "cannot set HEAD of '%s'", dir);
	}
out:
	git_reference_free(head);
	git_reference_free(other);
	git_reference_free(main_ref);
	return rc;
}

int remote_init(const char *dir, const char *admin, const char *preg_path)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	struct stat st;
	int rc;

	git_libgit2_init();
	if (stat(dir, &st) == 0 && !dir_empty(dir)) {
		if (git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE,
					    NULL) ||
		    !git_repository_is_bare(repo)) {
			rc = preg_error_set(PREG_EEXISTS, "'%s' exists and is not a bare git repository", dir);
			goto out;
		}
	} else {
		git_repository_init_options o;

		git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
		o.initial_head = &REMOTE_BRANCH[strlen("refs/heads/")];
		if (git_repository_init_ext(&repo, dir, &o)) {
			rc = reg_git_error(PREG_EIO, "cannot create '%s'", dir);
			goto out;
		}
	}
	if ((rc = set_head(repo, dir)))
		goto out;
	if (git_repository_config(&cfg, repo) || git_config_set_bool(cfg, deny[0], 1) ||
	    git_config_set_bool(cfg, deny[1], 1) || (admin && git_config_set_string(cfg, "preg.admin", admin))) {
		rc = reg_git_error(PREG_EIO, "cannot write the config of '%s'", dir);
		goto out;
	}
	rc = write_hook(repo, preg_path);
out:
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

static void check_hook(git_repository *repo, int *problems)
{
	char *path = xasprintf("%shooks/pre-receive", git_repository_path(repo));
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path, 1 << 20, NULL)) {
		preg_warn("hooks/pre-receive is missing: nothing checks what is pushed");
		++*problems;
	} else if (!strstr(buf_str(&b), HOOK_MARK)) {
		preg_warn("hooks/pre-receive does not run 'preg " HOOK_MARK "'");
		++*problems;
	} else if (access(path, X_OK)) {
		preg_warn("hooks/pre-receive is not executable: git does not run it");
		++*problems;
	}
	buf_release(&b);
	free(path);
}

int remote_check(const char *dir, int *problems)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	git_config *cfg = NULL;
	int v;

	*problems = 0;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) ||
	    !git_repository_is_bare(repo)) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return preg_error_set(PREG_ENOREG, "'%s' is not a bare git repository", dir);
	}
	if (!git_reference_lookup(&head, repo, "HEAD")) {
		const char *t = git_reference_symbolic_target(head);

		if (!t || strcmp(t, REMOTE_BRANCH)) {
			preg_warn("HEAD names '%s', not '%s': a plain 'git clone' checks out nothing", t ? t : "a commit",
				  REMOTE_BRANCH);
			++*problems;
		}
	}
	if (!git_repository_config_snapshot(&cfg, repo))
		for (size_t i = 0; i < 2; i++)
			if (git_config_get_bool(&v, cfg, deny[i]) || !v) {
				preg_warn("%s is not true: %s", deny[i],
					  i ? "the branch can be deleted by a push"
					    : "a forced push can rewrite the history");
				++*problems;
			}
	check_hook(repo, problems);
	git_config_free(cfg);
	git_reference_free(head);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}

/* Whether the config names a remote (remote.NAME.url). Walked by hand:
 * libgit2's regex matching (git_remote_list) leaks PCRE2 match data. */
static bool has_remote(git_config *cfg)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	bool found = false;

	if (git_config_iterator_new(&it, cfg))
		return false;
	while (!found && !git_config_next(&e, it)) {
		size_t n = strlen(e->name);

		found = !strncmp(e->name, "remote.", 7) && n > 11 && !strcmp(e->name + n - 4, ".url");
	}
	git_config_iterator_free(it);
	return found;
}

int remote_setup_pull(struct reg *r, bool report)
{
	git_config *cfg = NULL, *snap = NULL;
	git_config_entry *e = NULL;
	int rc = 0;

	if (git_repository_config(&cfg, r->repo) || git_config_snapshot(&snap, cfg)) {
		rc = reg_git_error(PREG_ERR, "cannot read the git config");
		goto out;
	}
	/* A register nobody shares has nothing to pull. */
	if (!has_remote(snap))
		goto out;
	/* The user's own choice, anywhere in git's config, is theirs. */
	if (!git_config_get_entry(&e, snap, "pull.rebase"))
		goto out;
	if (git_config_set_string(cfg, "pull.rebase", "false")) {
		rc = reg_git_error(PREG_EIO, "cannot set pull.rebase");
		goto out;
	}
	if (report)
		preg_warn("fixed: set pull.rebase=false, so that 'git pull' merges records through preg's driver");
out:
	git_config_entry_free(e);
	git_config_free(snap);
	git_config_free(cfg);
	return rc;
}

/* ---- the pre-receive hook ---- */

#define ZERO_OID "0000000000000000000000000000000000000000"

/* Whether s is 40 hex digits and then the end or a space. */
static bool is_oid(const char *s)
{
	for (int i = 0; i < 40; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	return s[40] == ' ' || !s[40];
}

/* Who pushes, as far as roles go. */
enum who {
	WHO_UNKNOWN, /* no pusher named, or preg.yaml lists no managers: roles cannot apply */
	WHO_MANAGER, /* a manager: their own clients only */
	WHO_HEAD,    /* a head of preg.yaml or the admin: anything */
};

struct guard {
	struct reg *r;
	const char *pusher; /* the manager's handle (lent), or NULL */
	enum who who;
	struct verify_walk *vw;
	struct verify_report vr; /* verify's problems, all commits so far */
	struct phases *ph;       /* preg.yaml of the last commit checked */
	struct reg_oid ph_blob;
	struct phases *roles;    /* preg.yaml before the push: who is a head */
	char *admin;             /* the remote's preg.admin, or NULL */
	bool named;              /* the server named who pushes */
	int *refused;
};

static void refuse(struct guard *g, const struct hcommit *c, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One refusal: "WHAT: commit HEX (summary): why", as verify says its
 * problems; the command makes it visible. */
static void refuse(struct guard *g, const struct hcommit *c, const char *what, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	preg_warn("refused: %s: commit %.7s (%s): %s", what, c->hex, c->summary, why);
	++*g->refused;
	free(why);
}

/* Open the bare repository a push goes into. While pre-receive runs, the
 * pushed objects are in git's quarantine: git-receive-pack names it in
 * GIT_OBJECT_DIRECTORY and the repository's own objects in
 * GIT_ALTERNATE_OBJECT_DIRECTORIES, which libgit2 honours when it opens
 * from the environment. Nothing is written. */
static int open_pushed(struct reg **out, const char *gitdir)
{
	struct reg *r;

	reg_lib_init();
	r = xcalloc(1, sizeof(*r));
	r->lockfd = -1;
	*out = NULL;
	if (git_repository_open_ext(&r->repo, gitdir, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) ||
	    !git_repository_is_bare(r->repo)) {
		git_error_clear();
		reg_free(r);
		return preg_error_set(PREG_ENOREG, "'%s' is not a bare git repository", gitdir);
	}
	r->gitdir = xstrdup(git_repository_path(r->repo));
	r->refname = xstrdup(REMOTE_BRANCH);
	*out = r;
	return 0;
}

/* preg.yaml in tree (*blob its id): PREG_ENOTFOUND, PREG_EINVAL when it
 * does not parse, or 0 with *out the caller's. */
static int tree_phases(struct reg *r, const struct reg_tree *t, struct phases **out, struct reg_oid *blob)
{
	struct buf b = BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = reg_tree_file(r, t, "preg.yaml", blob)))
		return rc;
	if (!(rc = reg_blob_read(r, blob, &b)))
		rc = phases_load(out, b.p ? b.p : "", b.len, "preg.yaml");
	buf_release(&b);
	return rc;
}

/* One pushed commit, as its paths are judged. */
struct gcommit {
	struct guard *g;
	const struct hcommit *c;
	struct reg_tree **pt; /* its parents' trees */
	size_t np;
	bool have_ph;         /* its preg.yaml was read */
};

/* Whether a merge's version of a path is one of its other parents': then
 * the merge brought it, and the commit that made it answers for it. */
static bool from_other_parent(struct reg *r, const struct gcommit *k, const char *path, const struct reg_oid *new)
{
	for (size_t q = 1; q < k->np; q++) {
		struct reg_oid b;
		bool has = !reg_tree_file(r, k->pt[q], path, &b);

		preg_error_clear();
		if (has == (new != NULL) && (!has || reg_oid_equal(&b, new)))
			return true;
	}
	return false;
}

/* check's rules for a record's pushed version: its errors refuse the
 * push, its warnings (incomplete, unknown keys) do not. */
static int check_version(struct guard *g, const struct hcommit *c, const char *id, const char *path,
			 const struct reg_oid *new)
{
	struct check_result res = { 0 };
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = reg_blob_read(g->r, new, &b)))
		return rc;
	check_record_file(g->ph, path, b.p ? b.p : "", b.len, &res);
	for (size_t i = 0; res.nerrors && i < res.n; i++)
		if (!strstr(res.lines[i], ": warning: "))
			refuse(g, c, id, "%s", res.lines[i]);
	check_result_release(&res);
	buf_release(&b);
	return 0;
}

/* The manager a version of a record names ("" when absent or unreadable). */
static char *owner(struct reg *r, const struct reg_oid *blob, const char *path)
{
	struct record *rec = NULL;
	char *m;

	if (!blob || reg_blob_record(r, blob, path, true, &rec)) {
		preg_error_clear();
		return xstrdup("");
	}
	m = xstrdup(rec->manager ? rec->manager : "");
	record_free(rec);
	return m;
}

/* A manager changes only a client they have before or after the commit. */
static void check_owner(struct guard *g, const struct hcommit *c, const char *id, const char *path,
			const struct reg_oid *old, const struct reg_oid *new)
{
	char *before = owner(g->r, old, path);
	char *after = owner(g->r, new, path);

	if (strcmp(before, g->pusher) && strcmp(after, g->pusher))
		refuse(g, c, id, "the client is %s's, not %s's: a manager pushes changes to their own clients only",
		       *after ? after : *before ? before : "nobody", g->pusher);
	free(before);
	free(after);
}

/* preg.yaml of this commit, read again only when it changed. */
static bool commit_phases(struct guard *g, const struct hcommit *c, const struct reg_tree *tree)
{
	struct reg_oid blob;
	struct phases *ph = NULL;
	int rc;

	if (g->ph && !reg_tree_file(g->r, tree, "preg.yaml", &blob) && reg_oid_equal(&blob, &g->ph_blob))
		return true;
	preg_error_clear();
	rc = tree_phases(g->r, tree, &ph, &blob);
	if (rc == PREG_ENOTFOUND)
		refuse(g, c, "preg.yaml", "the register has no preg.yaml");
	else if (rc)
		refuse(g, c, "preg.yaml", "%s", preg_error_msg());
	preg_error_clear();
	if (rc)
		return false;
	phases_free(g->ph);
	g->ph = ph;
	g->ph_blob = blob;
	return true;
}

/* The rules for one path a pushed commit changed. */
static int guard_path(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct gcommit *k = arg;
	struct guard *g = k->g;
	const struct hcommit *c = k->c;
	char *id;
	int rc = 0;

	if (k->np > 1 && from_other_parent(g->r, k, path, new))
		return 0;
	if (!strcmp(path, "preg.yaml")) {
		if (g->who == WHO_MANAGER)
			refuse(g, c, "preg.yaml", "changed by %s, who is neither a head (role: head) nor the admin", g->pusher);
	} else if ((id = layout_id_any(path))) {
		/* One that does not parse verify has named already. */
		if (new && k->have_ph && !verify_unparsed(g->vw, id))
			rc = check_version(g, c, id, path, new);
		if (g->who == WHO_MANAGER)
			check_owner(g, c, id, path, old, new);
		free(id);
	} else if (g->who != WHO_HEAD && (k->np || strcmp(path, ".gitattributes"))) {
		/* preg init's .gitattributes comes with the first commit;
		 * README and the like are the admin's. */
		refuse(g, c, path, "a file outside clients/ and preg.yaml, which only a head or the admin changes%s",
		       g->who != WHO_UNKNOWN ? ""
		       : g->named ? " (preg.yaml lists no managers, and the pusher is not the admin)"
				  : " (who pushes is not known here)");
	}
	return rc;
}

/* Every rule for one pushed commit, parents first. */
static int guard_commit(void *arg, const struct reg_oid *oid)
{
	struct guard *g = arg;
	struct reg_commit gc;
	struct hcommit c;
	struct reg_tree *tree = NULL;
	struct gcommit k = { .g = g, .c = &c };
	size_t seen = g->vr.n;
	int rc;

	if ((rc = verify_commit(g->vw, oid)))
		return rc;
	for (size_t i = seen; i < g->vr.n; i++) {
		preg_warn("refused: %s", g->vr.problems[i]);
		++*g->refused;
	}
	if ((rc = reg_commit_read(g->r, oid, &gc)))
		return rc;
	hist_commit_from(&gc, &c);
	k.np = gc.nparents;
	k.pt = xcalloc(gc.nparents + 1, sizeof(*k.pt));
	if ((rc = reg_tree_of(g->r, oid, &tree)))
		goto out;
	for (size_t p = 0; p < gc.nparents && !rc; p++)
		rc = reg_tree_of(g->r, &gc.parents[p], &k.pt[p]);
	if (rc)
		goto out;
	/* The acting user on every commit preg makes (verify reads it where
	 * it is; a pushed commit must have it). */
	if (c.action && !c.user)
		refuse(g, &c, "history", "a preg commit (Preg-Action: %s) without Preg-User, the acting user", c.action);
	k.have_ph = commit_phases(g, &c, tree);
	rc = reg_diff(g->r, k.pt[0], tree, guard_path, &k);
out:
	for (size_t p = 0; p < gc.nparents; p++)
		reg_tree_free(k.pt[p]);
	free(k.pt);
	reg_tree_free(tree);
	hcommit_release(&c);
	reg_commit_release(&gc);
	return rc;
}

/* Who pushes, by preg.yaml as the branch holds it at (before the push;
 * the pushed tip for the first push) and the remote's preg.admin. false
 * when a pusher is named who is neither a manager nor the admin. */
static bool pusher_role(struct guard *g, const char *pusher, const struct reg_oid *at)
{
	struct reg_tree *t = NULL;
	struct reg_oid blob;
	const char *handle = NULL;

	g->who = WHO_UNKNOWN;
	g->pusher = NULL;
	if (!(g->named = pusher != NULL))
		return true;
	if (!g->admin && reg_config_get(g->r, "preg.admin", &g->admin))
		preg_error_clear();
	phases_free(g->roles);
	g->roles = NULL;
	if (!reg_tree_of(g->r, at, &t) && tree_phases(g->r, t, &g->roles, &blob))
		preg_error_clear();
	reg_tree_free(t);
	if (g->roles && !phases_resolve_manager(g->roles, pusher, &handle) && phases_manager(g->roles, handle))
		g->pusher = handle;
	preg_error_clear();
	if (g->admin && (!strcmp(g->admin, pusher) || (g->pusher && !strcmp(g->admin, g->pusher)))) {
		g->who = WHO_HEAD;
		g->pusher = g->admin;
	} else if (g->pusher) {
		g->who = phases_manager(g->roles, g->pusher)->head ? WHO_HEAD : WHO_MANAGER;
	} else if (g->roles && g->roles->nmanagers) {
		return false;
	}
	return true;
}

/* One update of the register's branch: every commit new brings. */
static int guard_range(struct guard *g, const char *pusher, const char *line)
{
	struct reg_oid old, new;
	bool born = strncmp(line, ZERO_OID, 40) != 0;
	int rc;

	if (reg_oid_parse(&old, line) || reg_oid_parse(&new, line + 41))
		return preg_error_set(PREG_EINVAL, "not a line of git's pre-receive: '%.100s'", line);
	if (born && !reg_descends(g->r, &new, &old)) {
		preg_warn("refused: %s: a non-fast-forward push: the register's history is never rewritten",
			  REMOTE_BRANCH);
		++*g->refused;
		return 0;
	}
	if (!pusher_role(g, pusher, born ? &old : &new)) {
		preg_warn("refused: %s: pushed by '%s', who is neither a manager in preg.yaml nor the admin",
			  REMOTE_BRANCH, pusher);
		++*g->refused;
		return 0;
	}
	rc = reg_walk(g->r, &new, born ? &old : NULL, REG_WALK_OLDEST_FIRST, guard_commit, g);
	return rc;
}

int remote_hook(const char *gitdir, const char *text, const char *pusher, int *refused)
{
	const char *p = text;
	struct guard g;
	int rc = 0;

	memset(&g, 0, sizeof(g));
	g.refused = refused;
	*refused = 0;
	while (*p && !rc) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		char *line = xstrndup(p, (size_t)(end - p)), *ref = line + 82;

		p = nl ? nl + 1 : end;
		if (!*line) {
			free(line);
			continue;
		}
		if (strlen(line) < 83 || !is_oid(line) || !is_oid(line + 41) || line[40] != ' ' || line[81] != ' ') {
			rc = preg_error_set(PREG_EINVAL, "not a line of git's pre-receive: '%.100s'", line);
		} else if (strcmp(ref, REMOTE_BRANCH)) {
			preg_warn("refused: %s: only %s takes pushes here", ref, REMOTE_BRANCH);
			++*refused;
		} else if (!strncmp(line + 41, ZERO_OID, 40)) {
			preg_warn("refused: %s: the register's branch is never deleted", ref);
			++*refused;
		} else if (g.r || !(rc = open_pushed(&g.r, gitdir))) {
			if (!g.vw)
				g.vw = verify_walk_new(g.r, &g.vr);
			rc = guard_range(&g, pusher, line);
		}
		free(line);
	}
	verify_walk_free(g.vw);
	verify_release(&g.vr);
	phases_free(g.ph);
	phases_free(g.roles);
	free(g.admin);
	reg_free(g.r);
	return rc;
}

/* ---- ssh's command= form ---- */

/* A path as git quotes it for the ssh command line ('...', a quote inside
 * as '\'' and ! as '\!'): the text, or NULL when s is anything else. */
static char *unquote(const char *s)
{
	struct buf b = BUF_INIT;

	if (*s++ != '\'')
		return NULL;
	for (;;) {
		if (!*s) {
			buf_release(&b);
			return NULL;
		}
		if (*s != '\'') {
			buf_addc(&b, *s++);
			continue;
		}
		if (!*++s)
			break;
		if (s[0] != '\\' || !s[1] || s[2] != '\'') {
			buf_release(&b);
			return NULL;
		}
		buf_addc(&b, s[1]);
		s += 3;
	}
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Whether dir's pre-receive hook runs preg's. */
static bool guarded(const char *dir)
{
	char *path = xasprintf("%s/hooks/pre-receive", dir);
	struct buf b = BUF_INIT;
	bool ok = !buf_read_file(&b, path, 1 << 20, NULL) && strstr(buf_str(&b), HOOK_MARK);

	preg_error_clear();
	buf_release(&b);
	free(path);
	return ok;
}

int remote_serve_parse(const char *ssh_cmd, const char *dir, char **service, char **path)
{
	static const char *const verbs[] = { "git-receive-pack ", "git-upload-pack " };
	char *p = NULL, *want = NULL, *got = NULL;
	size_t v;
	int rc = 0;

	*service = *path = NULL;
	if (!ssh_cmd || !*ssh_cmd)
		return preg_error_set(PREG_EINVAL, "no command: this key only pushes to and fetches from a register (git push, git fetch, preg sync)");
	for (v = 0; v < 2 && strncmp(ssh_cmd, verbs[v], strlen(verbs[v])); v++)
		;
	if (v == 2 || !(p = unquote(ssh_cmd + strlen(verbs[v]))))
		return preg_error_set(PREG_EINVAL, "refused: '%.100s': this key runs only git-receive-pack and git-upload-pack", ssh_cmd);
	if (dir) {
		/* The one repository, by what it is, not by how it is spelled. */
		want = realpath(dir, NULL);
		got = realpath(p, NULL);
		if (!want || !got || strcmp(want, got))
			rc = preg_error_set(PREG_EINVAL, "refused: '%.100s': this key reaches only '%s'", p, dir);
	} else if (!guarded(p)) {
		rc = preg_error_set(PREG_EINVAL, "refused: '%.100s' is not a guarded remote (preg remote init)", p);
	}
	if (!rc) {
		*service = xstrdup(v ? "upload-pack" : "receive-pack");
		*path = p;
		p = NULL;
	}
	free(p);
	free(want);
	free(got);
	return rc;
}
