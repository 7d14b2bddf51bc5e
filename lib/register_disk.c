/* register_disk: the lock, the work tree and the index, the journal, and
 * healing what an interrupted write left (SPEC §7). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
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

static void dcache_drop(struct reg *r)
{
	free(r->dmiss);
	r->dmiss = NULL;
	if (r->dcache) {
		close(r->dcache_fd);
		free(r->dcache);
		r->dcache = NULL;
	}
}

void reg_funlock(struct reg *r)
{
	/* What was opened under the lock is not trusted after it. */
	dcache_drop(r);
	reg_ix_drop(r);
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
	const char *slash = strrchr(rel, '/');
	size_t dlen = slash ? (size_t)(slash - rel) : 0;
	char *p, *c, *s;
	int dfd;

	if (r->dcache && strlen(r->dcache) == dlen && !strncmp(r->dcache, rel, dlen)) {
		dfd = dup(r->dcache_fd);
		*base = rel + (slash ? dlen + 1 : 0);
		return dfd >= 0 ? dfd : reg_ioerr(r, "open", r->dcache);
	}
	if (create) {
		free(r->dmiss);
		r->dmiss = NULL;
	} else if (r->dmiss && strlen(r->dmiss) == dlen && !strncmp(r->dmiss, rel, dlen)) {
		return PREG_ENOTFOUND;
	}
	p = xstrdup(rel);
	c = p;
	dfd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
			if (rc == PREG_ENOTFOUND && r->lockfd >= 0) {
				free(r->dmiss);
				r->dmiss = xstrndup(rel, dlen);
			}
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
	if (r->lockfd >= 0) {
		dcache_drop(r);
		r->dcache_fd = dup(dfd);
		if (r->dcache_fd >= 0)
			r->dcache = xstrndup(rel, dlen);
	}
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
	char *tmp = xasprintf("%spreg-tmp-%ld", r->gitdir, (long)getpid()), *local = NULL;
	const char *base;
	int dfd, rc;
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
	rc = write_tmp(r, rel, AT_FDCWD, tmp, data, len);
	if (!rc && renameat(AT_FDCWD, tmp, dfd, base)) {
		if (errno == EXDEV) {
			unlink(tmp);
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
		unlink(tmp);
	if (!rc && !r->batch)
		fsync_fd(dfd);
out:
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
			/* The directory may go: no descriptor of it is kept. */
			dcache_drop(r);
			if (unlinkat(dfd, base, AT_REMOVEDIR) == 0 || errno == ENOTEMPTY || errno == EEXIST)
				fsync_fd(dfd);
			close(dfd);
		}
		preg_error_clear();
		free(dir);
	}
	return rc;
}

int reg_file_place(struct reg *r, const char *rel, const git_oid *oid, const char *src)
{
	const char *sbase, *dbase;
	int sfd = src ? open_dir_of(r, src, false, &sbase, NULL) : -1, dfd = -1, rc;
	struct stat st;
	git_blob *b = NULL;

	preg_error_clear();
	/* Only a plain file, and never onto a link: anything else is written
	 * from the blob, as reg_file_write would refuse or replace it. */
	if (sfd >= 0 && !fstatat(sfd, sbase, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode) &&
	    (dfd = open_dir_of(r, rel, true, &dbase, NULL)) >= 0 &&
	    (fstatat(dfd, dbase, &st, AT_SYMLINK_NOFOLLOW) || !S_ISLNK(st.st_mode)) &&
	    !renameat(sfd, sbase, dfd, dbase)) {
		if (!r->batch) {
			fsync_fd(dfd);
			fsync_fd(sfd);
		}
		rc = 0;
		goto out;
	}
	preg_error_clear();
	if (git_blob_lookup(&b, r->repo, oid))
		rc = reg_git_error(PREG_ERR, "cannot read %s", src ? src : rel);
	else
		rc = reg_file_write(r, rel, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
out:
	git_blob_free(b);
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* ---- many new files at once (a bulk write) ----
 *
 * An import of 100,000 records spent half its time in the kernel making
 * their files: an inode, a directory entry and a rename each. The files
 * of a batch go to different names, so they are written by several
 * threads, one per CPU: each writes its own temporary file, renames it
 * into place and takes the stat data for the index from the descriptor
 * still open (after the rename, which changes the ctime). The protocol is
 * reg_file_write's (readers and a kill see no file or the whole one); the
 * rename refuses to replace anything (RENAME_NOREPLACE), so a name taken
 * meanwhile, a link included, is left for reg_file_write to judge. The
 * threads make no error message (the slot is not theirs): they keep the
 * errno, and the first failure in path order is said here. */

struct putjob {
	const char *base; /* the name in its directory */
	int dfd;          /* the directory, opened by the calling thread */
	struct reg_put *put;
};

struct putctx {
	struct putjob *jobs;
	size_t n;
	int tmpfd;       /* where the temporary files go: the git directory, or... */
	bool local;      /* ...each file's own directory (the git directory is on
			  * another file system) */
	_Atomic size_t next;
	_Atomic bool stop;
};

#define PUT_CHUNK 32

static void put_one(struct putctx *c, struct putjob *j, const char *tmp)
{
	struct reg_put *p = j->put;
	char lname[NAME_MAX + 64];
	int tdfd = c->tmpfd, fd;
	size_t off = 0;

	if (c->local) {
		snprintf(lname, sizeof(lname), ".%s.preg-%ld.tmp", j->base, (long)getpid());
		tmp = lname;
		tdfd = j->dfd;
	}
	fd = openat(tdfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		p->err = errno;
		return;
	}
	while (off < p->len) {
		ssize_t w = write(fd, p->data + off, p->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			p->err = w < 0 ? errno : EIO;
			break;
		}
		off += (size_t)w;
	}
	if (!p->err && renameat2(tdfd, tmp, j->dfd, j->base, RENAME_NOREPLACE)) {
		/* Taken meanwhile, or a file system without the flag: the
		 * caller's reg_file_write decides. */
		if (errno != EEXIST && errno != EINVAL && errno != ENOSYS && errno != EXDEV)
			p->err = errno;
	} else if (!p->err) {
		p->placed = !fstat(fd, &p->st);
		if (!p->placed)
			p->err = errno;
	}
	close(fd);
	if (!p->placed)
		unlinkat(tdfd, tmp, 0);
}

static void *put_worker(void *arg)
{
	struct putctx *c = ((struct putctx **)arg)[0];
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "preg-tmp-%ld-%p", (long)getpid(), arg);
	for (;;) {
		size_t i = atomic_fetch_add(&c->next, PUT_CHUNK);

		for (size_t k = i; k < i + PUT_CHUNK && k < c->n; k++) {
			if (atomic_load(&c->stop))
				return NULL;
			put_one(c, &c->jobs[k], tmp);
			if (c->jobs[k].put->err)
				atomic_store(&c->stop, true);
		}
		if (i + PUT_CHUNK >= c->n)
			return NULL;
	}
}

int reg_files_put(struct reg *r, struct reg_put *v, size_t n)
{
	struct putjob *jobs = xcalloc(n + 1, sizeof(*jobs));
	struct putctx c;
	struct stat gs, ws;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (size_t)ncpu, started = 0;
	pthread_t th[4];
	struct putctx *self[4];
	const char *prev = NULL;
	size_t prevlen = 0;
	int rc = 0, dfd = -1;

	memset(&c, 0, sizeof(c));
	c.jobs = jobs;
	c.n = n;
	c.tmpfd = open(r->gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.tmpfd < 0 || fstat(c.tmpfd, &gs) || stat(r->workdir, &ws)) {
		rc = reg_ioerr(r, "open", r->gitdir);
		goto out;
	}
	c.local = gs.st_dev != ws.st_dev;
	/* Each directory once, in this thread (open_dir_of keeps its cache
	 * and makes the missing ones); the jobs of one directory share it. */
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(v[i].rel, '/');
		size_t dlen = slash ? (size_t)(slash - v[i].rel) : 0;

		memset(&v[i].st, 0, sizeof(v[i].st));
		v[i].err = 0;
		v[i].placed = false;
		if (!prev || dlen != prevlen || strncmp(prev, v[i].rel, dlen)) {
			const char *base;

			if ((dfd = open_dir_of(r, v[i].rel, true, &base, NULL)) < 0) {
				rc = dfd;
				goto out;
			}
			prev = v[i].rel;
			prevlen = dlen;
		}
		jobs[i].put = &v[i];
		jobs[i].dfd = dfd;
		jobs[i].base = v[i].rel + (slash ? dlen + 1 : 0);
	}
	if (n < 2 * PUT_CHUNK)
		nthreads = 1;
	for (size_t t = 1; t < nthreads; t++) {
		self[t] = &c;
		if (pthread_create(&th[t], NULL, put_worker, &self[t]))
			break;
		started = t;
	}
	self[0] = &c;
	put_worker(&self[0]);
	for (size_t t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	/* In path order: the first failure is the one said; what the threads
	 * left (a name taken meanwhile) goes the careful way. */
	for (size_t i = 0; i < n && !rc; i++) {
		struct reg_put *p = &v[i];

		if (p->err) {
			errno = p->err;
			rc = reg_ioerr(r, "write", p->rel);
		} else if (!p->placed) {
			if (!(rc = reg_file_write(r, p->rel, p->data, p->len)) &&
			    !fstatat(jobs[i].dfd, jobs[i].base, &p->st, AT_SYMLINK_NOFOLLOW))
				p->placed = true;
		}
	}
out:
	/* The jobs of one directory share its descriptor: each closed once. */
	for (size_t i = 0; i < n; i++)
		if (jobs[i].put && (i + 1 == n || !jobs[i + 1].put || jobs[i + 1].dfd != jobs[i].dfd))
			close(jobs[i].dfd);
	if (c.tmpfd >= 0)
		close(c.tmpfd);
	free(jobs);
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

int reg_index_set_stat(git_index *idx, const char *rel, const git_oid *oid, const struct stat *st)
{
	git_index_entry e;

	memset(&e, 0, sizeof(e));
	if (st && S_ISREG(st->st_mode)) {
		e.ctime.seconds = (int32_t)st->st_ctim.tv_sec;
		e.ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
		e.mtime.seconds = (int32_t)st->st_mtim.tv_sec;
		e.mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
		e.dev = (uint32_t)st->st_dev;
		e.ino = (uint32_t)st->st_ino;
		e.uid = st->st_uid;
		e.gid = st->st_gid;
		e.file_size = (uint32_t)st->st_size;
	}
	e.mode = GIT_FILEMODE_BLOB;
	e.path = rel;
	git_oid_cpy(&e.id, oid);
	if (git_index_add(idx, &e))
		return reg_git_error(PREG_ERR, "cannot update the index entry of %s", rel);
	return 0;
}

bool reg_work_stat(struct reg *r, const char *rel, struct stat *st)
{
	const char *base;
	bool found;
	int fd;

	fd = open_dir_of(r, rel, false, &base, NULL);
	found = fd >= 0 && !fstatat(fd, base, st, AT_SYMLINK_NOFOLLOW);
	if (fd >= 0)
		close(fd);
	preg_error_clear();
	return found;
}

/* Set the index entry of rel to blob oid, with the stat data of the file now
 * in the work tree so that git sees it clean without rehashing. */
int reg_index_set(struct reg *r, git_index *idx, const char *rel, const git_oid *oid)
{
	struct stat st;
	bool found = reg_work_stat(r, rel, &st);

	return reg_index_set_stat(idx, rel, oid, found ? &st : NULL);
}

/* ---- the index ---- */

/* Why the index cannot be read, in words for the user (NULL: as far as its
 * shape goes, it can); the caller's. */
static char *index_trouble(struct reg *r, bool ask_libgit2)
{
	char *p = xasprintf("%sindex", r->gitdir), *why = NULL;
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	struct stat st;

	free(p);
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
		const char *w = NULL;

		if (st.st_size == 0) {
			w = "it is empty";
		} else {
			void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

			if (m != MAP_FAILED) {
				w = reg_ix_shape(m, (size_t)st.st_size);
				munmap(m, (size_t)st.st_size);
			}
		}
		if (w)
			why = xstrdup(w);
	}
	if (fd >= 0)
		close(fd);
	if (!why && ask_libgit2) {
		const git_error *e = git_error_last();

		why = xstrdup(e && e->message ? e->message : "unknown error");
	}
	return why;
}

int reg_index_get(struct reg *r, git_index **out)
{
	char *why = index_trouble(r, false);

	*out = NULL;
	if (why || git_repository_index(out, r->repo) || git_index_read(*out, 0)) {
		if (!why)
			why = index_trouble(r, true);
		int rc = preg_error_set(PREG_ERR,
					"cannot read the index (.git/index: %s); 'preg doctor' rebuilds it from the last commit",
					why);

		free(why);
		git_index_free(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* Whether the work-tree blob wt of path is a version of it that preg
 * committed, in the last 1000 commits of the branch: such a file is a
 * leftover of ours, and bringing it up to the tip loses nothing. */
static bool in_history(struct reg *r, const git_oid *tip, const char *path, const git_oid *wt)
{
	git_commit *c = NULL;
	bool found = false;

	if (git_commit_lookup(&c, r->repo, tip))
		return false;
	for (int i = 0; i < 1000 && c && !found; i++) {
		git_tree *t = NULL;
		git_tree_entry *te = NULL;
		git_commit *p = NULL;

		if (!git_commit_tree(&t, c) && !git_tree_entry_bypath(&te, t, path))
			found = git_oid_equal(git_tree_entry_id(te), wt);
		git_tree_entry_free(te);
		git_tree_free(t);
		if (git_commit_parentcount(c) == 0 || git_commit_parent(&p, c, 0))
			p = NULL;
		git_commit_free(c);
		c = p;
	}
	git_commit_free(c);
	return found;
}

/* A path the journal names, in a rebuilt index: the entry says what the
 * work tree holds when that is ours (a committed version, or nothing), so
 * that healing then brings it up to the tip; otherwise it stays at the tip
 * and the file is reported as the user's edit. */
static int rebuild_pending(struct reg *r, git_index *idx, const git_oid *tip, const char *path)
{
	git_oid wt;
	int rc = reg_hash_workfile(r, path, &wt);

	if (rc == PREG_ENOTFOUND) {
		git_index_remove(idx, path, 0);
		return 0;
	}
	if (rc) {
		preg_error_clear();
		return 0;
	}
	if (in_history(r, tip, path, &wt))
		return reg_index_set(r, idx, path, &wt);
	return 0;
}

int reg_index_rebuild(struct reg *r, bool *rebuilt)
{
	char *tmp = xasprintf("%spreg-tmp-index", r->gitdir), *dst = xasprintf("%sindex", r->gitdir);
	char *why = NULL, *journal;
	struct buf jb = BUF_INIT;
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_oid tip;
	int rc = 0;

	*rebuilt = false;
	why = index_trouble(r, false);
	if (!why && !git_repository_index(&idx, r->repo) && !git_index_read(idx, 0))
		goto out; /* readable: nothing to do */
	if (!why)
		why = index_trouble(r, true);
	git_index_free(idx);
	idx = NULL;
	rc = reg_tip_tree(r, &tip, &tree);
	if (rc && rc != PREG_ENOTFOUND)
		goto out;
	rc = 0;
	/* Built under a temporary name and renamed over the damaged one: a
	 * crash leaves the old index or the new, and the temporary file is
	 * swept by the next write. */
	unlink(tmp);
	if (git_index_open(&idx, tmp) || git_index_set_version(idx, 4) ||
	    (tree && git_index_read_tree(idx, tree))) {
		rc = reg_git_error(PREG_ERR, "cannot rebuild the index");
		goto out;
	}
	/* The stat data of every file equal to the tip, so that git sees
	 * them clean without reading them again. */
	for (size_t i = 0, n = git_index_entrycount(idx); i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		char *path = xstrdup(e->path);
		git_oid id = e->id, wt;

		rc = reg_hash_workfile(r, path, &wt);
		if (!rc && git_oid_equal(&wt, &id))
			rc = reg_index_set(r, idx, path, &id);
		else
			rc = 0;
		preg_error_clear();
		free(path);
		if (rc)
			goto out;
	}
	journal = tree ? reg_journal_load(r, &jb) : NULL;
	for (char *p = journal, *nl; p && *p && !rc; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p)
			rc = rebuild_pending(r, idx, &tip, p);
	}
	free(journal);
	if (rc)
		goto out;
	rc = reg_index_write(r, idx);
	if (!rc && rename(tmp, dst))
		rc = reg_ioerr(r, "replace", ".git/index");
	if (!rc) {
		int fd = open(r->gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			fsync_fd(fd);
			close(fd);
		}
		/* The repository's own index object may hold what it made of
		 * the damaged file: read the new one, whatever its stamp. */
		git_index_free(idx);
		idx = NULL;
		if (git_repository_index(&idx, r->repo) || git_index_read(idx, 1)) {
			rc = reg_git_error(PREG_ERR, "cannot read the rebuilt index");
			goto out;
		}
		*rebuilt = true;
		preg_warn("fixed: the index could not be read (.git/index: %s); rebuilt from the last commit and the work tree",
			  why);
	}
out:
	if (rc)
		unlink(tmp);
	buf_release(&jb);
	git_index_free(idx);
	git_tree_free(tree);
	free(why);
	free(tmp);
	free(dst);
	return rc;
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
	if ((rc = reg_index_get(r, &idx)))
		goto out;
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
	if (!rc && changed)
		rc = reg_index_write(r, idx);
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

int reg_index_write(struct reg *r, git_index *idx)
{
	int rc = 0;

	reg_marker_set(r);
	if (git_index_write(idx))
		rc = reg_write_err(r, "cannot write the index");
	reg_marker_clear(r);
	return rc;
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
	int hrc, wrc;

	hrc = reg_tree_blob(r, tree, path, NULL, &head);
	if (hrc && hrc != PREG_ENOTFOUND)
		return hrc;
	/* Read without following a link: a link on the way is refused here,
	 * before the commit, not found after it. */
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
