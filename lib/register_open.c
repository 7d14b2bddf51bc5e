/* register_open: finding, opening, freeing and creating a register (see
 * register.h). Above the core (register.c) and the write path, which
 * preg init uses for its first commit. */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "err.h"
#include "register_priv.h"
#include "xalloc.h"

static char *with_slash(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '/' ? xstrdup(s) : xasprintf("%s/", s);
}

/* ---- finding and opening ---- */

int reg_locate(char **out, const char *dir_opt, bool for_init)
{
	const char *env = getenv("PREG_DIR"), *xdg, *home;

	*out = NULL;
	if (dir_opt) {
		*out = xstrdup(dir_opt);
		return 0;
	}
	if (env && *env) {
		*out = xstrdup(env);
		return 0;
	}
	if (!for_init) {
		git_repository *repo = NULL;

		reg_lib_init();
		if (!git_repository_open_ext(&repo, ".", 0, NULL) && git_repository_workdir(repo)) {
			char *p = xasprintf("%spreg.yaml", git_repository_workdir(repo));
			struct stat st;

			if (!stat(p, &st))
				*out = xstrdup(git_repository_workdir(repo));
			free(p);
		}
		git_repository_free(repo);
		reg_lib_shutdown();
		if (*out)
			return 0;
	}
	xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/') {
		*out = xasprintf("%s/preg", xdg);
		return 0;
	}
	home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(geteuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return preg_error_set(PREG_ENOREG, "no register: HOME is not set (use -C DIR or PREG_DIR)");
	*out = xasprintf("%s/.local/share/preg", home);
	return 0;
}

static int open_repo(struct reg **out, const char *dir)
{
	struct reg *r;
	git_reference *head = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if (stat(dir, &st))
		return preg_error_set(PREG_ENOREG, "no register at '%s' (run 'preg init')", dir);
	reg_lib_init();
	r = xcalloc(1, sizeof(*r));
	r->lockfd = -1;
	rc = git_repository_open_ext(&r->repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND) {
		/* libgit2 1.5 reports a repository it refuses for its owner
		 * (git's safe.directory) as not found. */
		char *dotgit = xasprintf("%s/.git", dir);
		struct stat gs;
		bool foreign = !stat(dotgit, &gs) && gs.st_uid != geteuid();

		free(dotgit);
		if (foreign)
			rc = GIT_EOWNER;
	}
	if (rc == GIT_ENOTFOUND) {
		rc = preg_error_set(PREG_ENOREG, "no register at '%s' (run 'preg init')", dir);
		goto fail;
	}
	if (rc == GIT_EOWNER) {
		struct buf quoted = BUF_INIT;

		/* A command to paste: the path as the shell needs it. */
		buf_add_shell(&quoted, dir);
		rc = preg_error_set(PREG_ERR,
				    "register '%s' is owned by another user; if you trust it: git config --global --add safe.directory %s",
				    dir, buf_str(&quoted));
		buf_release(&quoted);
		goto fail;
	}
	if (rc) {
		rc = reg_git_error(PREG_ERR, "cannot open register '%s'", dir);
		goto fail;
	}
	if (git_repository_is_bare(r->repo)) {
		rc = preg_error_set(PREG_ENOREG, "'%s' is a bare repository; a register needs a work tree (use 'git clone')",
				    dir);
		goto fail;
	}
	r->workdir = with_slash(git_repository_workdir(r->repo));
	r->gitdir = with_slash(git_repository_path(r->repo));
	if (git_reference_lookup(&head, r->repo, "HEAD") ||
	    git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		rc = preg_error_set(PREG_ERR, "register '%s': HEAD is not on a branch (git switch to one)",
				    dir);
		goto fail;
	}
	r->refname = xstrdup(git_reference_symbolic_target(head));
	git_reference_free(head);
	*out = r;
	return 0;
fail:
	reg_free(r);
	return rc;
}

void reg_free(struct reg *r)
{
	if (!r)
		return;
	reg_funlock(r);
	git_repository_free(r->repo);
	phases_free(r->phases);
	free(r->workdir);
	free(r->gitdir);
	free(r->refname);
	free(r->user);
	free(r);
	reg_lib_shutdown();
}

static int load_phases(struct reg *r, git_tree *tree)
{
	git_blob *b = NULL;
	int rc = reg_tree_blob(r, tree, "preg.yaml", &b, NULL);

	if (rc == PREG_ENOTFOUND)
		return preg_error_set(PREG_ENOREG,
				      "'%.*s' is a git repository but not a register (no preg.yaml; run 'preg init')",
				      (int)strlen(r->workdir) - 1, r->workdir);
	if (rc)
		return rc;
	rc = phases_load(&r->phases, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), "preg.yaml");
	git_blob_free(b);
	return rc;
}

/* The branch of r has no commits. A plain clone of a remote whose HEAD
 * names another branch than the register's (git init --bare) checks out
 * nothing: say what to run there, not "run preg init". */
static int no_tip(struct reg *r, const char *dir)
{
	git_reference *ref = NULL;
	const char *b = r->refname;

	if (!strncmp(b, "refs/heads/", 11))
		b += 11;
	if (strcmp(r->refname, "refs/heads/main") && !git_reference_lookup(&ref, r->repo, "refs/remotes/origin/main")) {
		git_reference_free(ref);
		return preg_error_set(PREG_ENOREG,
				      "no register on branch '%s' of '%s', but on 'origin/main': run 'git checkout main'; "
				      "the remote's HEAD names another branch ('preg remote check' on it says what it lacks)",
				      b, dir);
	}
	git_error_clear();
	return preg_error_set(PREG_ENOREG, "no register at '%s' (run 'preg init')", dir);
}

int reg_open(struct reg **out, const char *dir)
{
	struct reg *r;
	git_oid oid;
	git_tree *tree = NULL;
	int rc;

	*out = NULL;
	if ((rc = open_repo(&r, dir)))
		return rc;
	rc = reg_tip_tree(r, &oid, &tree);
	if (rc == PREG_ENOTFOUND)
		rc = no_tip(r, dir);
	if (!rc)
		rc = load_phases(r, tree);
	git_tree_free(tree);
	if (rc) {
		reg_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- init ---- */

static const char gitattributes[] =
	"# Client records merge record by record (preg merge-file).\n"
	"clients/**/*.yaml merge=preg\n";

static int init_mutate(struct txn *t, void *arg)
{
	const char *tmpl = arg, *text = phases_template(tmpl);
	char summary[128];

	git_blob *b = NULL;

	if (t->tree && reg_tree_blob(t->reg, t->tree, "preg.yaml", &b, NULL) == 0) {
		git_blob_free(b);
		return preg_error_set(PREG_EEXISTS, "a register already exists at '%.*s'",
				      (int)strlen(t->reg->workdir) - 1, t->reg->workdir);
	}
	txn_put_file(t, "preg.yaml", text, strlen(text));
	txn_put_file(t, ".gitattributes", gitattributes, strlen(gitattributes));
	snprintf(summary, sizeof(summary), "init: new register (template %s)", tmpl);
	txn_message(t, summary, "init", NULL);
	return 0;
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

int reg_init(const char *dir, const char *tmpl)
{
	struct reg *r = NULL;
	git_repository *repo = NULL;
	git_repository_init_options opts;
	git_index *idx = NULL;
	struct stat st;
	int rc;

	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if (!phases_template(tmpl))
		return preg_error_set(PREG_EINVAL, "unknown template '%s' (freight, sales or blank)", tmpl);
	reg_lib_init();
	if (!stat(dir, &st)) {
		if (!S_ISDIR(st.st_mode)) {
			rc = preg_error_set(PREG_EINVAL, "'%s' exists and is not a directory", dir);
			goto out;
		}
		rc = git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
		if (rc == GIT_ENOTFOUND && !dir_empty(dir)) {
			rc = preg_error_set(PREG_EINVAL,
					    "'%s' is not empty and not a git repository; give a new or empty directory",
					    dir);
			goto out;
		}
		if (rc && rc != GIT_ENOTFOUND) {
			rc = rc == GIT_EOWNER
				     ? preg_error_set(PREG_ERR, "'%s' is owned by another user", dir)
				     : reg_git_error(PREG_ERR, "cannot open '%s'", dir);
			goto out;
		}
	}
	if (!repo) {
		opts.flags = GIT_REPOSITORY_INIT_MKPATH;
		opts.initial_head = "main";
		if (git_repository_init_ext(&repo, dir, &opts)) {
			if (errno == EACCES || errno == EROFS || errno == EPERM || errno == ENOSPC)
				rc = preg_error_set(PREG_EIO, "cannot create a register at '%s': %s", dir,
						    strerror(errno));
			else
				rc = reg_git_error(PREG_ERR, "cannot create a register at '%s'", dir);
			goto out;
		}
	}
	/* Index version 4 compresses paths: at 100,000 clients the index is
	 * the main cost of a write. Set for a new repository and an old one. */
	if (!idx && !git_repository_index(&idx, repo) && git_index_version(idx) < 4 &&
	    (git_index_set_version(idx, 4) || git_index_write(idx))) {
		rc = reg_git_error(PREG_ERR, "cannot write the index");
		goto out;
	}
	git_repository_free(repo);
	repo = NULL;
	if ((rc = open_repo(&r, dir)))
		goto out;
	rc = reg_write(r, 0, init_mutate, (void *)tmpl);
	if (!rc)
		rc = reg_setup_driver(r);
out:
	git_index_free(idx);
	git_repository_free(repo);
	reg_free(r);
	reg_lib_shutdown();
	return rc;
}
