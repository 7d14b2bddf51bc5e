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
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
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

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
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

/* ---- the work tree, never through a link ---- */

/* A symbolic link in the work tree is never followed (as git never
 * follows one): an untracked link where clients/ or a shard should be
 * would otherwise carry a record outside the register. Every work-tree
 * access goes down from the top one directory at a time, each opened with
 * O_NOFOLLOW, and the file itself is opened or replaced relative to the
 * directory so found: a link made between a check and the write is
 * refused too, never followed. */

int reg_link_error(const char *link)
{
	return preg_error_set(PREG_EDIRTY,
			      "'%s' is a symbolic link; preg never writes through one (remove it)",
			      link);
}

/* The component name of dir (a prefix of a work-tree path) that could not
 * be opened as a directory: a link (named), or not a directory. */
static int dir_open_error(struct reg *r, int parent, const char *name, const char *prefix, int e,
			  char **link)
{
	struct stat st;

	if ((e == ELOOP || e == ENOTDIR) && !fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (S_ISLNK(st.st_mode)) {
			if (link)
				*link = xstrdup(prefix);
			return reg_link_error(prefix);
		}
		if (!S_ISDIR(st.st_mode))
			return preg_error_set(PREG_EDIRTY, "'%s' is not a directory in the work tree", prefix);
	}
	errno = e;
	return reg_ioerr(r, "open", prefix);
}

/* Open the directory that holds rel (a path relative to the work tree),
 * from the top down, never through a link. With create, missing
 * directories are made; without, a missing one is PREG_ENOTFOUND. Returns
 * the directory's descriptor (the caller's) or a negative code; *base is
 * rel's last component; *link (when link is not NULL) the directory that
 * is a link, if that is what stopped the walk. */
static int open_dir_of(struct reg *r, const char *rel, bool create, const char **base, char **link)
{
	char *p = xstrdup(rel), *c = p, *s;
	int dfd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0) {
		dfd = reg_ioerr(r, "open", "the work tree");
		goto out;
	}
	while ((s = strchr(c, '/'))) {
		int nfd;

		*s = '\0';
		nfd = openat(dfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && create) {
			if (mkdirat(dfd, c, 0777) && errno != EEXIST) {
				int rc = reg_ioerr(r, "create the directory", p);

				close(dfd);
				dfd = rc;
				goto out;
			}
			nfd = openat(dfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0) {
			int e = errno, rc;

			rc = e == ENOENT ? PREG_ENOTFOUND : dir_open_error(r, dfd, c, p, e, link);
			close(dfd);
			dfd = rc;
			goto out;
		}
		close(dfd);
		dfd = nfd;
		*s = '/';
		c = s + 1;
	}
	*base = rel + (c - p);
out:
	free(p);
	return dfd;
}

char *reg_path_link(struct reg *r, const char *rel)
{
	const char *base;
	char *link = NULL;
	int dfd = open_dir_of(r, rel, false, &base, &link);
	struct stat st;

	if (dfd >= 0) {
		if (!fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
			link = xstrdup(rel);
		close(dfd);
	}
	preg_error_clear();
	return link;
}

static int fsync_fd(int fd)
{
	return fsync(fd) && errno != EINVAL ? -1 : 0;
}

/* Write data to a new file name in directory dfd (never through a link)
 * and fsync it. */
static int write_tmp(struct reg *r, const char *rel, int dfd, const char *name, const char *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
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
 * another file system, it goes beside the file instead. The rename is
 * made into the directory opened without following links, and a link in
 * the file's own place is refused rather than replaced. */
int reg_file_write(struct reg *r, const char *rel, const char *data, size_t len)
{
	char *tmp = xasprintf("preg-tmp-%ld", (long)getpid()), *local = NULL;
	const char *base;
	int gfd = -1, dfd, rc;
	struct stat st;

	dfd = open_dir_of(r, rel, true, &base, NULL);
	if (dfd < 0) {
		rc = dfd;
		goto out;
	}
	if (!fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode)) {
		rc = reg_link_error(rel);
		goto out;
	}
	gfd = open(r->gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (gfd < 0) {
		rc = reg_ioerr(r, "open", r->gitdir);
		goto out;
	}
	rc = write_tmp(r, rel, gfd, tmp, data, len);
	if (!rc && renameat(gfd, tmp, dfd, base)) {
		if (errno == EXDEV) {
			unlinkat(gfd, tmp, 0);
			local = xasprintf(".%s.preg-%ld.tmp", base, (long)getpid());
			rc = write_tmp(r, rel, dfd, local, data, len);
			if (!rc && renameat(dfd, local, dfd, base))
				rc = reg_ioerr(r, "replace", rel);
			if (rc)
				unlinkat(dfd, local, 0);
		} else {
			rc = reg_ioerr(r, "replace", rel);
		}
	}
	if (rc)
		unlinkat(gfd, tmp, 0);
	if (!rc && !r->batch)
		fsync_fd(dfd);
out:
	if (gfd >= 0)
		close(gfd);
	if (dfd >= 0)
		close(dfd);
	free(local);
	free(tmp);
	return rc;
}

int reg_file_remove(struct reg *r, const char *rel)
{
	const char *base, *slash = strrchr(rel, '/');
	int dfd = open_dir_of(r, rel, false, &base, NULL), rc = 0;

	if (dfd == PREG_ENOTFOUND)
		return 0;
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, 0) && errno != ENOENT)
		rc = reg_ioerr(r, "remove", rel);
	close(dfd);
	if (!rc && slash) {
		/* An empty shard directory goes, as git would remove it. */
		char *dir = xstrndup(rel, (size_t)(slash - rel));

		dfd = open_dir_of(r, dir, false, &base, NULL);
		if (dfd >= 0) {
			if (unlinkat(dfd, base, AT_REMOVEDIR) == 0 || errno == ENOTEMPTY || errno == EEXIST)
				fsync_fd(dfd);
			close(dfd);
		}
		preg_error_clear();
		free(dir);
	}
	return rc;
}

/* Open a work-tree file for reading, never through a link; *st gets its
 * stat data. PREG_ENOTFOUND when it is not there. */
static int open_workfile(struct reg *r, const char *rel, struct stat *st)
{
	const char *base;
	int dfd = open_dir_of(r, rel, false, &base, NULL), fd;

	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW)) {
		fd = errno == ENOENT || errno == ENOTDIR ? PREG_ENOTFOUND : reg_ioerr(r, "read", rel);
	} else if (S_ISLNK(st->st_mode)) {
		fd = reg_link_error(rel);
	} else if (!S_ISREG(st->st_mode)) {
		fd = preg_error_set(PREG_EDIRTY, "%s is not a regular file in the work tree", rel);
	} else {
		fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			fd = errno == ELOOP ? reg_link_error(rel) : reg_ioerr(r, "read", rel);
		else if (fstat(fd, st)) {
			int rc = reg_ioerr(r, "read", rel);

			close(fd);
			fd = rc;
		}
	}
	close(dfd);
	return fd;
}

/* The blob id of a work-tree file; PREG_ENOTFOUND when it is not there. */
int reg_hash_workfile(struct reg *r, const char *rel, git_oid *out)
{
	struct stat st;
	void *map = NULL;
	int fd = open_workfile(r, rel, &st), rc = 0;

	if (fd < 0)
		return fd;
	if (st.st_size > 0) {
		/* Mapped, not read: a huge file in a record's place costs no
		 * memory of ours. */
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			rc = reg_ioerr(r, "read", rel);
		}
	}
	if (!rc && git_odb_hash(out, map ? map : "", map ? (size_t)st.st_size : 0, GIT_OBJECT_BLOB))
		rc = reg_git_error(PREG_ERR, "cannot read %s", rel);
	if (map)
		munmap(map, (size_t)st.st_size);
	close(fd);
	return rc;
}

/* Set the index entry of rel to blob oid, with the stat data of the file now
 * in the work tree so that git sees it clean without rehashing. */
int reg_index_set(struct reg *r, git_index *idx, const char *rel, const git_oid *oid)
{
	git_index_entry e;
	struct stat st;
	int fd, rc;

	memset(&e, 0, sizeof(e));
	fd = open_workfile(r, rel, &st);
	if (fd >= 0) {
		close(fd);
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
	preg_error_clear();
	e.mode = GIT_FILEMODE_BLOB;
	e.path = rel;
	git_oid_cpy(&e.id, oid);
	rc = git_index_add(idx, &e);
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
	for (size_t i = 0; i < n && !rc; i++) {
		char *link = reg_path_link(r, paths[i]);

		/* Never healed through a link: doctor reports the link itself
		 * (reg_doctor_links); a write is stopped by it, and the journal
		 * stays for when it is gone. */
		if (link && !verbose)
			rc = reg_link_error(link);
		else if (!link)
			rc = heal_path(r, tree, idx, paths[i], verbose, &changed, left);
		free(link);
	}
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
	char *id = record_id_from_path(path);

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
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);

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

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
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
	char *link;
	int hrc, wrc;

	hrc = reg_tree_blob(r, tree, path, &b, &head);
	git_blob_free(b);
	if (hrc && hrc != PREG_ENOTFOUND)
		return hrc;
	/* A link on the way is refused before the commit, not found after. */
	if ((link = reg_path_link(r, path))) {
		wrc = reg_link_error(link);
		free(link);
		return wrc;
	}
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
