/* register_admin: doctor, the merge driver's configuration, gc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "layout.h"
#include "register_priv.h"
#include "xalloc.h"

/* Start "git gc --auto" in the background when loose objects pile up, as
 * git itself does after a commit: about 19 KB of loose objects per write
 * pack down to 1 KB. The check is git's own estimate: objects/17 holds
 * 1/256th of them. */
void reg_maybe_gc(struct reg *r)
{
	char *dir = xasprintf("%sobjects/17", r->gitdir);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	pid_t pid;

	while (d && (de = readdir(d)))
		n++;
	if (d)
		closedir(d);
	free(dir);
	if (n - 2 <= 6700 / 256 || getenv("PREG_NO_GC"))
		return;
	pid = fork();
	if (pid == 0) {
		pid_t pid2;

		setsid();
		pid2 = fork();
		if (pid2 == 0) {
			int fd = open("/dev/null", O_RDWR);

			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execlp("git", "git", "-C", r->workdir, "gc", "--auto", "--quiet", (char *)NULL);
		}
		_exit(0);
	}
	if (pid > 0) {
		int st;

		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
}

/* ---- doctor ---- */

static void link_found(int dfd, const char *name, const char *rel, const char *what, int *left)
{
	char target[256];
	ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);

	target[n > 0 ? n : 0] = '\0';
	preg_warn("left alone: '%s' is a symbolic link%s%s%s where %s should be; preg never follows one (remove it, then run 'preg doctor' again)",
		  rel, n > 0 ? " (to '" : "", target, n > 0 ? "')" : "", what);
	(*left)++;
}

/* Report the symbolic links where the register's own files are: preg.yaml,
 * .gitattributes, clients/, a shard, a record. None is followed by a write
 * (SPEC §7), so each stops the writes that would go through it until it is
 * removed; doctor names them rather than heal around them. The names come
 * from readdir's types: no stat per record. */
static void doctor_links(struct reg *r, int *left)
{
	static const char *const top[] = { "preg.yaml", ".gitattributes" };
	int tfd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), cfd;
	DIR *cd = NULL;
	struct dirent *de;
	struct stat st;

	if (tfd < 0)
		return;
	for (size_t i = 0; i < sizeof(top) / sizeof(*top); i++)
		if (!fstatat(tfd, top[i], &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
			link_found(tfd, top[i], top[i], "the register's own file", left);
	if (!fstatat(tfd, "clients", &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
		link_found(tfd, "clients", "clients", "the directory of the client records", left);
	cfd = openat(tfd, "clients", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd >= 0 && !(cd = fdopendir(cfd)))
		close(cfd);
	while (cd && (de = readdir(cd))) {
		char *rel = xasprintf("clients/%s", de->d_name);
		int sfd;
		DIR *sd;

		if (de->d_type == DT_LNK) {
			link_found(cfd, de->d_name, rel, "a shard of client records", left);
		} else if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			sfd = openat(cfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd >= 0 && !(sd = fdopendir(sfd))) {
				close(sfd);
			} else if (sfd >= 0) {
				struct dirent *re;

				while ((re = readdir(sd)))
					if (re->d_type == DT_LNK) {
						char *rrel = xasprintf("%s/%s", rel, re->d_name);

						link_found(sfd, re->d_name, rrel, "a client record", left);
						free(rrel);
					}
				closedir(sd);
			}
		}
		free(rel);
	}
	if (cd)
		closedir(cd);
	close(tfd);
}

static int status_cb(const char *path, unsigned int flags, void *payload)
{
	struct buf *b = payload;

	(void)flags;
	if (!strcmp(path, "preg.yaml") || !strcmp(path, ".gitattributes") || !strncmp(path, "clients/", 8))
		buf_addf(b, "%s\n", path);
	return 0;
}

int reg_doctor(struct reg *r, int *problems)
{
	git_status_options so;
	struct buf list = BUF_INIT;
	char **paths = NULL, *lockp;
	size_t n = 0, cap = 0;
	struct stat st;
	bool rebuilt;
	int rc, left = 0;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	*problems = 0;
	if ((rc = reg_lock_clear(r)))
		return rc;
	lockp = xasprintf("%sindex.lock", r->gitdir);
	if (!stat(lockp, &st)) {
		/* Repairs need the index; with git holding it, only report. */
		free(lockp);
		preg_warn("left alone: .git/index.lock exists (git or an editor may be running; remove it if none is)");
		left++;
		goto report;
	}
	free(lockp);
	if ((rc = reg_index_rebuild(r, &rebuilt)))
		goto out;
	doctor_links(r, &left);
	if ((rc = reg_heal_pending(r, true, &left)))
		goto out;
	/* Everything else behind the tip, not just what the journal named. */
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_foreach_ext(r->repo, &so, status_cb, &list)) {
		rc = reg_git_error(PREG_ERR, "cannot compare the work tree with the last commit");
		goto out;
	}
	for (char *p = list.p, *nl; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		paths = xgrow(paths, &cap, n + 1, sizeof(*paths));
		paths[n++] = p;
	}
	if (n && (rc = reg_heal(r, paths, n, true, &left)))
		goto out;
report:
	lockp = xasprintf("%s%s.lock", r->gitdir, r->refname);
	if (!stat(lockp, &st)) {
		preg_warn("left alone: .git/%s.lock exists (a git process is updating the branch; writes wait for it)",
			  r->refname);
		left++;
	}
	free(lockp);
	{
		char *dir = xasprintf("%sobjects/17", r->gitdir);
		DIR *d = opendir(dir);
		int loose = 0;

		while (d && readdir(d))
			loose++;
		if (d)
			closedir(d);
		free(dir);
		if ((loose - 2) * 256 > 6700)
			preg_warn("about %d loose objects: the repository needs packing ('git gc')",
				  (loose - 2) * 256);
	}
	/* Advice, as for packing: an older layout is no damage. */
	if (reg_layout(r) < LAYOUT_LATEST)
		preg_warn("the register is layout version %u; 'preg upgrade' moves it to version %u (one commit)",
			  reg_layout(r), LAYOUT_LATEST);
	*problems = left;
out:
	free(paths);
	buf_release(&list);
	reg_funlock(r);
	return rc;
}

/* The command git runs for the merge driver (SPEC §8). */
#define DRIVER "preg merge-file %O %A %B %P"

int reg_setup_driver(struct reg *r)
{
	git_config *cfg = NULL;
	int rc = 0;

	if (git_repository_config(&cfg, r->repo) ||
	    git_config_set_string(cfg, "merge.preg.name", "preg record-by-record merge") ||
	    git_config_set_string(cfg, "merge.preg.driver", DRIVER))
		rc = reg_write_err(r, "cannot set up the merge driver in .git/config");
	git_config_free(cfg);
	return rc;
}

bool reg_driver_configured(struct reg *r)
{
	git_config *cfg = NULL;
	git_buf b = { 0 };
	bool ok = false;

	if (!git_repository_config_snapshot(&cfg, r->repo) &&
	    !git_config_get_string_buf(&b, cfg, "merge.preg.driver"))
		ok = strstr(b.ptr, "merge-file") && strstr(b.ptr, "%O") && strstr(b.ptr, "%A") &&
		     strstr(b.ptr, "%B");
	git_buf_dispose(&b);
	git_config_free(cfg);
	return ok;
}

int reg_doctor_driver(struct reg *r, int *problems)
{
	git_oid oid;
	git_tree *tree = NULL;
	git_blob *b = NULL;
	int rc;

	if (!reg_driver_configured(r)) {
		if ((rc = reg_setup_driver(r)))
			return rc;
		preg_warn("fixed: the merge driver was not configured (set merge.preg.driver = %s)", DRIVER);
	}
	if (!reg_tip_tree(r, &oid, &tree)) {
		rc = reg_tree_blob(r, tree, ".gitattributes", &b, NULL);
		if (rc && rc != PREG_ENOTFOUND) {
			git_tree_free(tree);
			return rc;
		}
		if (!b || !memmem(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), "merge=preg", 10)) {
			preg_warn("left alone: .gitattributes does not send client records to the merge driver (add the line 'clients/**/*.yaml merge=preg')");
			(*problems)++;
		}
	}
	git_blob_free(b);
	git_tree_free(tree);
	return 0;
}

int reg_setup_clone(struct reg *r)
{
	git_index *idx = NULL;
	int rc = reg_setup_driver(r);

	/* Index version 4, as preg init makes it (SPEC §7). */
	if (!rc && !git_repository_index(&idx, r->repo) && git_index_version(idx) < 4 &&
	    (git_index_set_version(idx, 4) || git_index_write(idx)))
		rc = reg_write_err(r, "cannot write the index");
	git_index_free(idx);
	return rc;
}
