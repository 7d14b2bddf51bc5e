/* remote: a guarded bare repository (see remote.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "register_priv.h"
#include "remote.h"
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

/* Whether s is 40 hex digits and then the end or a space. */
static bool is_oid(const char *s)
{
	for (int i = 0; i < 40; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	return s[40] == ' ' || !s[40];
}

int remote_hook(const char *gitdir, const char *text, int *refused)
{
	static const char zero[] = "0000000000000000000000000000000000000000";
	const char *p = text;

	(void)gitdir;
	*refused = 0;
	while (*p) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		char *line = xstrndup(p, (size_t)(end - p)), *ref = line + 82;

		p = nl ? nl + 1 : end;
		if (!*line) {
			free(line);
			continue;
		}
		if (strlen(line) < 83 || !is_oid(line) || !is_oid(line + 41) || line[40] != ' ' || line[81] != ' ') {
			preg_error_set(PREG_EINVAL, "not a line of git's pre-receive: '%.100s'", line);
			free(line);
			return PREG_EINVAL;
		}
		if (strcmp(ref, REMOTE_BRANCH)) {
			preg_warn("refused: %s: only %s takes pushes here", ref, REMOTE_BRANCH);
			++*refused;
		} else if (!strncmp(line + 41, zero, 40)) {
			preg_warn("refused: %s: the register's branch is never deleted", ref);
			++*refused;
		}
		free(line);
	}
	return 0;
}
