/* register_disk: the lock, the work tree and the index, the journal, and
 * healing what an interrupted write left (SPEC §7). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "layout.h"
#include "register_priv.h"
#include "xalloc.h"

/* ---- the lock ---- */

static int lock_timeout_ms(void)
{
	const char *s = getenv("PREG_LOCK_TIMEOUT");

	if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 6)
		return atoi(s) * 1000;
	return 10000;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An exclusive flock on .git/preg.lock. The kernel drops it when the
 * process dies, so it never goes stale. */
static int reg_flock(struct reg *r)
{
	char *path = xasprintf("%spreg.lock", r->gitdir);
	int64_t start = now_ms(), limit = lock_timeout_ms();
	unsigned delay = 2, seed = (unsigned)getpid() ^ (unsigned)start;
	char pid[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		int rc = reg_ioerr(r, "create", path);

		free(path);
		return rc;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int rc = reg_ioerr(r, "lock", path);

			close(fd);
			free(path);
			return rc;
		}
		if (now_ms() - start >= limit) {
			n = (int)pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			free(path);
			return preg_error_set(PREG_EBUSY, "register busy (held by pid %s)",
					      *pid ? pid : "unknown");
		}
		/* Back off with jitter so that waiting writers do not march in step. */
		usleep((useconds_t)(delay * 1000 / 2 + (unsigned)(rand_r(&seed) % (delay * 1000 / 2 + 1))));
		if (delay < 100)
			delay *= 2;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0) {
		/* The pid is only for the busy message. */
	}
	r->lockfd = fd;
	free(path);
	return 0;
}

void reg_funlock(struct reg *r)
{
	if (r->lockfd >= 0) {
		close(r->lockfd);
		r->lockfd = -1;
	}
}

/* A ref lock left by a crashed git is removed after a minute, while we
 * hold preg.lock. index.lock is never touched: git holds it while an editor
 * is open on a commit message. */
static void reg_clear_stale_locks(struct reg *r)
{
	char *dir = xasprintf("%srefs/heads", r->gitdir);
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;
		char *p;

		if (n < 6 || strcmp(de->d_name + n - 5, ".lock"))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (!lstat(p, &st) && S_ISREG(st.st_mode) && now - st.st_mtime > 60 && !unlink(p))
			preg_warn("removed stale lock 'refs/heads/%s' (left by a crashed process)",
				  de->d_name);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* ---- the work tree ---- */

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd) && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

static int mkdirs_for(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST) {
			rc = -1;
			*s = '/';
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* Write data to a new file tmp and fsync it. */
static int write_tmp(struct reg *r, const char *rel, const char *tmp, const char *data, size_t len)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	size_t off = 0;

	if (fd < 0)
		return reg_ioerr(r, "write", rel);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = reg_ioerr(r, "write", rel);

			close(fd);
			return rc;
		}
		off += (size_t)n;
	}
	if (!r->batch && fsync(fd)) {
		int rc = reg_ioerr(r, "write", rel);

		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

/* Replace a work-tree file: a temporary file, fsync, rename, fsync the
 * directory. Readers see the old file or the new one, never half. The
 * temporary file lives in the git directory, so a crash leaves nothing in
 * the work tree (the next write sweeps it); where the git directory is on
 * another file system, it goes beside the file instead. */
int reg_file_write(struct reg *r, const char *rel, const char *data, size_t len)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	char *tmp = xasprintf("%spreg-tmp-%ld", r->gitdir, (long)getpid());
	int rc, e = 0;

	rc = write_tmp(r, rel, tmp, data, len);
	if (!rc && rename(tmp, path))
		e = errno;
	/* A new shard's directory is made when the rename finds it missing:
	 * an import of 100,000 files would otherwise try mkdir five times
	 * for each. */
	if (e == ENOENT) {
		if (mkdirs_for(path)) {
			rc = reg_ioerr(r, "create the directory of", rel);
			goto out;
		}
		e = rename(tmp, path) ? errno : 0;
	}
	if (e == EXDEV) {
		unlink(tmp);
		free(tmp);
		tmp = xasprintf("%s.preg-%ld.tmp", path, (long)getpid());
		rc = write_tmp(r, rel, tmp, data, len);
		if (!rc && rename(tmp, path))
			rc = reg_ioerr(r, "replace", rel);
	} else if (e) {
		errno = e;
		rc = reg_ioerr(r, "replace", rel);
	}
	if (!rc && !r->batch) {
		*strrchr(path, '/') = '\0';
		fsync_dir(path);
	}
out:
	if (rc)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}

int reg_file_remove(struct reg *r, const char *rel)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	int rc = 0;

	if (unlink(path) && errno != ENOENT) {
		rc = reg_ioerr(r, "remove", rel);
	} else {
		/* An empty shard directory goes, as git would remove it. */
		char *slash = strrchr(path, '/');

		*slash = '\0';
		if (rmdir(path) == 0 || errno == ENOTEMPTY || errno == EEXIST)
			fsync_dir(r->workdir);
	}
	free(path);
	return rc;
}

/* The blob id of a work-tree file; PREG_ENOTFOUND when it is not there. */
int reg_hash_workfile(struct reg *r, const char *rel, git_oid *out)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	struct stat st;
	int rc = 0;

	if (lstat(path, &st)) {
		rc = errno == ENOENT || errno == ENOTDIR ? PREG_ENOTFOUND : reg_ioerr(r, "read", rel);
	} else if (!S_ISREG(st.st_mode)) {
		rc = preg_error_set(PREG_EDIRTY, "%s is not a regular file in the work tree", rel);
	} else if (git_odb_hashfile(out, path, GIT_OBJECT_BLOB)) {
		rc = reg_git_error(PREG_ERR, "cannot read %s", rel);
	}
	free(path);
	return rc;
}

/* Set the index entry of rel to blob oid, with the stat data of the file now
 * in the work tree so that git sees it clean without rehashing. */
int reg_index_set(struct reg *r, git_index *idx, const char *rel, const git_oid *oid)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	git_index_entry e;
	struct stat st;
	int rc;

	memset(&e, 0, sizeof(e));
	if (!lstat(path, &st)) {
		e.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
		e.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
		e.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
		e.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
		e.dev = (uint32_t)st.st_dev;
		e.ino = (uint32_t)st.st_ino;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		e.file_size = (uint32_t)st.st_size;
	}
	e.mode = GIT_FILEMODE_BLOB;
	e.path = rel;
	git_oid_cpy(&e.id, oid);
	rc = git_index_add(idx, &e);
	free(path);
	return rc ? reg_git_error(PREG_ERR, "cannot update the index entry of %s", rel) : 0;
}

/* Bring rel in the work tree and the index to what the tip holds, when what
 * is there is a leftover of ours (SPEC §7): work tree equal to the tip:
 * refresh the index; work tree equal to the index but not the tip: check the
 * path out from the tip; otherwise it is the user's edit: leave it. */
static int heal_path(struct reg *r, git_tree *tree, git_index *idx, const char *rel, bool verbose,
		     bool *index_changed, int *left)
{
	git_oid head, wt;
	const git_index_entry *ie = git_index_get_bypath(idx, rel, 0);
	git_blob *b = NULL;
	bool has_head, has_wt;
	int rc;

	rc = reg_tree_blob(r, tree, rel, &b, &head);
	if (rc && rc != PREG_ENOTFOUND)
		return rc;
	has_head = rc == 0;
	rc = reg_hash_workfile(r, rel, &wt);
	if (rc && rc != PREG_ENOTFOUND)
		goto out;
	has_wt = rc == 0;
	rc = 0;
	if (has_wt == has_head && (!has_wt || git_oid_equal(&wt, &head))) {
		if (has_head && (!ie || !git_oid_equal(&ie->id, &head))) {
			rc = reg_index_set(r, idx, rel, &head);
			*index_changed = true;
			if (verbose)
				preg_warn("fixed: index entry of %s refreshed", rel);
		} else if (!has_head && ie) {
			git_index_remove(idx, rel, 0);
			*index_changed = true;
			if (verbose)
				preg_warn("fixed: index entry of %s removed", rel);
		}
	} else if ((!has_wt && !ie) || (has_wt && ie && git_oid_equal(&wt, &ie->id))) {
		if (has_head) {
			rc = reg_file_write(r, rel, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
			if (!rc)
				rc = reg_index_set(r, idx, rel, &head);
		} else {
			rc = reg_file_remove(r, rel);
			if (!rc)
				git_index_remove(idx, rel, 0);
		}
		*index_changed = true;
		if (verbose && !rc)
			preg_warn("fixed: %s brought up to the last commit", rel);
	} else {
		(*left)++;
		preg_warn("left alone: %s differs from the last commit (uncommitted edit?)", rel);
	}
out:
	git_blob_free(b);
	return rc;
}

int reg_heal(struct reg *r, char **paths, size_t n, bool verbose, int *left)
{
	git_oid oid;
	git_tree *tree = NULL;
	git_index *idx = NULL;
	bool changed = false;
	int rc;

	rc = reg_tip_tree(r, &oid, &tree);
	if (rc == PREG_ENOTFOUND)
		rc = 0;
	if (rc)
		return rc;
	if (git_repository_index(&idx, r->repo) || git_index_read(idx, 0)) {
		rc = reg_git_error(PREG_ERR, "cannot read the index");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = heal_path(r, tree, idx, paths[i], verbose, &changed, left);
	if (!rc && changed && r->batch) {
		/* The files of a batch reach the disk before the journal that
		 * names them goes. */
		int fd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || syncfs(fd))
			rc = reg_ioerr(r, "flush", r->workdir);
		if (fd >= 0)
			close(fd);
	}
	if (!rc && changed) {
		reg_marker_set(r);
		if (git_index_write(idx))
			rc = reg_write_err(r, "cannot write the index");
		reg_marker_clear(r);
	}
out:
	git_index_free(idx);
	git_tree_free(tree);
	return rc;
}

static bool is_record_path(const char *path)
{
	/* Any layout: an upgrade's journal names the old paths and the new. */
	char *id = layout_id_any(path);

	free(id);
	return id != NULL;
}

/* While libgit2 holds index.lock or the branch's ref lock for us, a marker
 * file says so. A kill in that window leaves the lock behind, and every
 * later write would fail on it; with the marker we know the lock is ours
 * (git cannot have taken it while ours was there) and remove it. A lock
 * much newer than the marker is someone else's and stays. */
#define MARKER "preg-locking"

void reg_marker_set(struct reg *r)
{
	char *p = xasprintf("%s%s", r->gitdir, MARKER);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd >= 0)
		close(fd);
	free(p);
}

void reg_marker_clear(struct reg *r)
{
	char *p = xasprintf("%s%s", r->gitdir, MARKER);

	unlink(p);
	free(p);
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void reg_clear_own_locks(struct reg *r)
{
	char *m = xasprintf("%s%s", r->gitdir, MARKER);
	const char *branch = strncmp(r->refname, "refs/heads/", 11) ? NULL : r->refname;
	char *locks[2];
	struct stat ms, ls;

	locks[0] = xasprintf("%sindex.lock", r->gitdir);
	locks[1] = branch ? xasprintf("%s%s.lock", r->gitdir, r->refname) : NULL;
	if (!stat(m, &ms)) {
		for (int i = 0; i < 2; i++)
			if (locks[i] && !stat(locks[i], &ls) && ns(&ls.st_mtim) >= ns(&ms.st_mtim) - 10000000 &&
			    ns(&ls.st_mtim) - ns(&ms.st_mtim) < 1000000000 && !unlink(locks[i]))
				preg_warn("removed %s left by an interrupted preg", locks[i] + strlen(r->gitdir));
		unlink(m);
	}
	/* Temporary files of interrupted writes (we hold the lock: none is live). */
	{
		DIR *d = opendir(r->gitdir);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, "preg-tmp-", 9) ||
			    !strcmp(de->d_name, PENDING ".tmp")) {
				char *p = xasprintf("%s%s", r->gitdir, de->d_name);

				unlink(p);
				free(p);
			}
		if (d)
			closedir(d);
	}
	free(locks[0]);
	free(locks[1]);
	free(m);
}

int reg_lock_clear(struct reg *r)
{
	int rc;

	if ((rc = reg_flock(r)))
		return rc;
	reg_clear_stale_locks(r);
	reg_clear_own_locks(r);
	return 0;
}

char *reg_pending_path(struct reg *r)
{
	return xasprintf("%s%s", r->gitdir, PENDING);
}

/* Heal what the journal of an interrupted write names, then drop it. */
int reg_heal_pending(struct reg *r, bool verbose, int *left)
{
	char *jp = reg_pending_path(r);
	FILE *f = fopen(jp, "r");
	char line[512], **paths = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			/* Only names preg itself writes are healed. */
			if (!*line || (strcmp(line, "preg.yaml") && strcmp(line, ".gitattributes") &&
				       !is_record_path(line)))
				continue;
			paths = xgrow(paths, &cap, n + 1, sizeof(*paths));
			paths[n++] = xstrdup(line);
		}
		fclose(f);
		rc = reg_heal(r, paths, n, verbose, left);
		if (!rc)
			unlink(jp);
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	free(jp);
	return rc;
}

/* Write the journal text atomically (tmp, fsync, rename). */
int reg_journal_put(struct reg *r, const char *text, size_t len)
{
	char *jp = reg_pending_path(r), *tmp = xasprintf("%s.tmp", jp);
	int fd, rc = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd))
		rc = reg_ioerr(r, "write", tmp);
	if (fd >= 0)
		close(fd);
	if (!rc && rename(tmp, jp))
		rc = reg_ioerr(r, "write", jp);
	if (rc)
		unlink(tmp);
	free(tmp);
	free(jp);
	return rc;
}

/* Before the commit point, name the paths this write will touch in the
 * journal, after those an earlier write left unhealed (when healing could
 * not run, they must not be forgotten). *prev receives the journal as it
 * was (NULL when there was none), to put back if the commit fails. */
/* Append the journal as it is to b; a copy of it, or NULL when there is
 * none (the caller frees). */
char *reg_journal_load(struct reg *r, struct buf *b)
{
	char *jp = reg_pending_path(r), *prev = NULL;
	FILE *f = fopen(jp, "r");

	if (f) {
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(b, chunk, n);
		fclose(f);
		prev = xstrndup(b->p ? b->p : "", b->len);
	}
	free(jp);
	return prev;
}

int reg_journal_write(struct reg *r, const struct buf *names, char **prev)
{
	struct buf b = BUF_INIT;
	int rc;

	*prev = reg_journal_load(r, &b);
	buf_add(&b, names->p, names->len);
	rc = reg_journal_put(r, buf_str(&b), b.len);
	buf_release(&b);
	return rc;
}

/* The commit did not happen: the journal goes back to what it was. */
void reg_journal_restore(struct reg *r, const char *prev)
{
	char *jp = reg_pending_path(r);

	if (!prev || reg_journal_put(r, prev, strlen(prev)))
		unlink(jp);
	free(jp);
}

/* SPEC §7 step 4: refuse when the work-tree file differs from the tip. */
int reg_path_clean(struct reg *r, git_tree *tree, const char *path)
{
	git_oid head, wt;
	git_blob *b = NULL;
	int hrc, wrc;

	hrc = reg_tree_blob(r, tree, path, &b, &head);
	git_blob_free(b);
	if (hrc && hrc != PREG_ENOTFOUND)
		return hrc;
	wrc = reg_hash_workfile(r, path, &wt);
	if (wrc && wrc != PREG_ENOTFOUND)
		return wrc;
	if (hrc == PREG_ENOTFOUND && wrc == PREG_ENOTFOUND)
		return 0;
	if (hrc == 0 && wrc == 0 && git_oid_equal(&head, &wt))
		return 0;
	return preg_error_set(PREG_EDIRTY,
			      "%s has uncommitted changes; commit or discard them first (git diff -- %s)",
			      path, path);
}
