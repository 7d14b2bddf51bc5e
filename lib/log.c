/* log: the audit trail and its index in the git directory (see log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "slug.h"
#include "xalloc.h"

#define HEADER "preg-log-index 1\n"
#define HEXSZ GIT_OID_HEXSZ

struct logidx {
	struct buf body; /* the header and the commit lines */
	size_t n;        /* commit lines */
	git_oid tip;
	bool born;
};

uint64_t logidx_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *logidx_path(const char *gitdir)
{
	return xasprintf("%spreg-cache/log-index", gitdir);
}

size_t logidx_count(const struct logidx *x)
{
	return x->n;
}

void logidx_free(struct logidx *x)
{
	if (!x)
		return;
	buf_release(&x->body);
	free(x);
}

/* ---- reading the file ---- */

static int read_all(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char chunk[65536];
	ssize_t k;

	if (fd < 0)
		return -1;
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)k);
	close(fd);
	return k < 0 ? -1 : 0;
}

/* Check the file in b: 0 and the tip and count when it is whole, -1 when
 * it is corrupt. The end line is cut off b. */
static int check(struct buf *b, git_oid *tip, size_t *n)
{
	char *end, hex[HEXSZ + 1];
	unsigned long long h;
	size_t count, lines = 0;

	if (b->len < sizeof(HEADER) || memcmp(b->p, HEADER, sizeof(HEADER) - 1) || b->p[b->len - 1] != '\n')
		return -1;
	b->p[b->len - 1] = '\0';
	end = strrchr(b->p, '\n');
	if (!end || sscanf(end + 1, "end %40s %zu %16llx", hex, &count, &h) != 3 || strlen(hex) != HEXSZ ||
	    git_oid_fromstr(tip, hex))
		return -1;
	b->len = (size_t)(end + 1 - b->p);
	b->p[b->len] = '\0';
	if (logidx_fnv(LOGIDX_FNV_INIT, b->p, b->len) != h)
		return -1;
	for (const char *p = b->p + sizeof(HEADER) - 1; p < b->p + b->len; p++)
		lines += *p == '\n';
	if (lines != count)
		return -1;
	*n = count;
	return 0;
}

/* Write the index; a failure leaves the old file (or none): it is a cache. */
static void save(struct reg *r, const struct logidx *x)
{
	char *path = logidx_path(reg_gitdir(r)), *dir = xasprintf("%spreg-cache", reg_gitdir(r));
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	char end[128];
	int fd;
	bool ok;

	mkdir(dir, 0777);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd >= 0) {
		snprintf(end, sizeof(end), "end %s %zu %016llx\n", git_oid_tostr_s(&x->tip), x->n,
			 (unsigned long long)logidx_fnv(LOGIDX_FNV_INIT, x->body.p, x->body.len));
		ok = write(fd, x->body.p, x->body.len) == (ssize_t)x->body.len &&
		     write(fd, end, strlen(end)) == (ssize_t)strlen(end);
		ok = !close(fd) && ok;
		if (!ok || rename(tmp, path))
			unlink(tmp);
	}
	free(tmp);
	free(dir);
	free(path);
}

void logidx_append(const char *gitdir, const git_oid *parent, const git_oid *commit, const char *ids)
{
	char *path = logidx_path(gitdir), tail[256], hex[HEXSZ + 1], *end;
	unsigned long long h;
	size_t count;
	struct buf add = BUF_INIT;
	off_t size, from;
	ssize_t k;
	int fd;

	if (!parent || (fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		free(path);
		return;
	}
	size = lseek(fd, 0, SEEK_END);
	from = size > (off_t)sizeof(tail) - 1 ? size - (off_t)sizeof(tail) + 1 : 0;
	k = size > 0 ? pread(fd, tail, (size_t)(size - from), from) : -1;
	if (k > 0 && tail[k - 1] == '\n') {
		tail[k - 1] = '\0';
		end = strrchr(tail, '\n');
		end = end ? end + 1 : tail;
		if (sscanf(end, "end %40s %zu %16llx", hex, &count, &h) == 3 &&
		    !strcmp(hex, git_oid_tostr_s(parent))) {
			off_t at = from + (end - tail);

			buf_addf(&add, "%s%s\n", git_oid_tostr_s(commit), ids);
			h = logidx_fnv(h, add.p, add.len);
			buf_addf(&add, "end %s %zu %016llx\n", git_oid_tostr_s(commit), count + 1, h);
			if (pwrite(fd, add.p, add.len, at) != (ssize_t)add.len)
				ftruncate(fd, 0); /* half written: let the next reader rebuild it */
		}
	}
	close(fd);
	buf_release(&add);
	free(path);
}

/* ---- building ---- */

/* The ids commit oid changed: from its trailers when preg made it (one
 * parent and a Preg-Action), else from comparing its trees. */
static int commit_ids(struct reg *r, const git_oid *oid, struct buf *line)
{
	git_commit *c = NULL;
	int rc = 0;

	if (git_commit_lookup(&c, reg_repo(r), oid))
		return preg_error_set(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(oid));
	buf_adds(line, git_oid_tostr_s(oid));
	if (git_commit_parentcount(c) == 1 && strstr(git_commit_message(c), "\nPreg-Action: ")) {
		struct hcommit h;

		memset(&h, 0, sizeof(h));
		hist_parse_trailers(git_commit_message(c), &h);
		for (size_t i = 0; i < h.nclients; i++)
			if (slug_valid(h.clients[i]))
				buf_addf(line, " %s", h.clients[i]);
		hcommit_release(&h);
	} else {
		char **ids;
		size_t n;

		if (!(rc = hist_commit_changed(r, oid, &ids, &n)))
			for (size_t i = 0; i < n; i++)
				buf_addf(line, " %s", ids[i]);
		strv_free(ids, n);
	}
	buf_addc(line, '\n');
	git_commit_free(c);
	return rc;
}

/* Append the commits after from (NULL: all) up to the tip, oldest first. */
static int extend(struct reg *r, struct logidx *x, const git_oid *from)
{
	git_revwalk *w = NULL;
	git_oid oid;
	int rc = 0, g;

	if (git_revwalk_new(&w, reg_repo(r)) || git_revwalk_push(w, &x->tip) ||
	    (from && git_revwalk_hide(w, from))) {
		git_revwalk_free(w);
		return preg_error_set(PREG_ERR, "cannot walk the history of %s", reg_refname(r));
	}
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	while (!rc && !(g = git_revwalk_next(&oid, w))) {
		rc = commit_ids(r, &oid, &x->body);
		x->n++;
	}
	if (!rc && g != GIT_ITEROVER)
		rc = preg_error_set(PREG_ERR, "cannot walk the history of %s", reg_refname(r));
	git_revwalk_free(w);
	return rc;
}

int logidx_open(struct reg *r, struct logidx **out)
{
	struct logidx *x = xcalloc(1, sizeof(*x));
	char *path = logidx_path(reg_gitdir(r));
	git_oid old;
	size_t n = 0;
	int rc = 0, g;
	bool fresh = false;

	*out = NULL;
	/* The file first, then the branch: a write between the two leaves
	 * the branch ahead of the file, which is extended, never behind. */
	if (!read_all(path, &x->body)) {
		/* A write may be appending this instant: look twice before
		 * calling the file corrupt. */
		if (check(&x->body, &old, &n)) {
			buf_reset(&x->body);
			if (read_all(path, &x->body) || check(&x->body, &old, &n)) {
				preg_warn("the log index %s was corrupt; rebuilt it", path);
				fresh = true;
			}
		}
	} else {
		fresh = true;
	}
	g = git_reference_name_to_id(&x->tip, reg_repo(r), reg_refname(r));
	if (g && g != GIT_ENOTFOUND) {
		rc = preg_error_set(PREG_ERR, "cannot resolve %s", reg_refname(r));
		goto out;
	}
	x->born = !g;
	if (!fresh && (!x->born || !(git_oid_equal(&old, &x->tip) ||
				     git_graph_descendant_of(reg_repo(r), &x->tip, &old) == 1)))
		fresh = true; /* history rewritten: start again */
	if (fresh) {
		buf_reset(&x->body);
		buf_adds(&x->body, HEADER);
		x->n = 0;
		if (x->born && !(rc = extend(r, x, NULL)))
			save(r, x);
	} else {
		x->n = n;
		if (!git_oid_equal(&old, &x->tip) && !(rc = extend(r, x, &old)))
			save(r, x);
	}
out:
	free(path);
	if (rc) {
		logidx_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

/* Whether the commit line [p, e) names id. */
static bool names(const char *p, const char *e, const char *id, size_t idlen)
{
	p += HEXSZ;
	while (p < e) {
		const char *s = p + 1, *t = memchr(s, ' ', (size_t)(e - s));

		if (!t)
			t = e;
		if ((size_t)(t - s) == idlen && !memcmp(s, id, idlen))
			return true;
		p = t;
	}
	return false;
}

int logidx_each(const struct logidx *x, const char *id, logidx_fn cb, void *arg)
{
	const char *start = x->body.p + sizeof(HEADER) - 1, *end = x->body.p + x->body.len;
	size_t idlen = id ? strlen(id) : 0;
	int rc = 0;

	/* Lines newest first: from the end of the body back. */
	for (const char *e = end - 1; !rc && e > start;) {
		const char *p = e;
		git_oid oid;

		while (p > start && p[-1] != '\n')
			p--;
		if (!id || names(p, e, id, idlen)) {
			if (git_oid_fromstrn(&oid, p, HEXSZ))
				return preg_error_set(PREG_ERR, "the log index is damaged");
			rc = cb(arg, &oid, p + HEXSZ + (p + HEXSZ < e), (size_t)(e - p) - HEXSZ - (p + HEXSZ < e));
		}
		e = p - 1;
	}
	return rc;
}

/* ---- the trail ---- */

struct walk {
	struct reg *r;
	const struct log_opts *o;
	log_fn cb;
	void *arg;
};

/* Whether A made the change: the acting user, else the git author by
 * name, e-mail address or the address's local part. */
static bool author_is(const struct hcommit *c, const char *by, const char *a)
{
	const char *at = strchr(c->email, '@');

	if (by)
		return !strcmp(by, a);
	return !strcmp(c->author, a) || !strcasecmp(c->email, a) ||
	       (at && (size_t)(at - c->email) == strlen(a) && !strncasecmp(c->email, a, strlen(a)));
}

/* One row for commit c and record id. */
static int row(struct walk *w, const struct hcommit *c, git_tree *before, git_tree *after, const char *id)
{
	const struct log_opts *o = w->o;
	struct record *old = NULL, *new = NULL;
	struct changes ch;
	struct log_row lr;
	int rc, ro, rn;

	memset(&ch, 0, sizeof(ch));
	ro = hist_record(w->r, before, id, &old);
	rn = hist_record(w->r, after, id, &new);
	if ((ro && ro != PREG_ENOTFOUND && ro != PREG_EINVAL) || (rn && rn != PREG_ENOTFOUND && rn != PREG_EINVAL)) {
		rc = ro && ro != PREG_ENOTFOUND && ro != PREG_EINVAL ? ro : rn;
		goto out;
	}
	preg_error_clear();
	if (ro == PREG_EINVAL || rn == PREG_EINVAL) {
		/* A record made unreadable (or repaired) by hand: say so. */
		ch.v = xcalloc(1, sizeof(*ch.v));
		ch.n = ch.cap = 1;
		ch.v[0].kind = CH_EVENT;
		ch.v[0].new = xstrdup(rn == PREG_EINVAL ? "the record does not parse" : "the record parses again");
	} else {
		hist_compare(old, new, reg_phases(w->r), &ch);
	}
	rc = 0;
	if (o->manager && !((old && !strcmp(old->manager, o->manager)) || (new && !strcmp(new->manager, o->manager))))
		goto out;
	lr.c = c;
	lr.id = id;
	lr.old = old;
	lr.new = new;
	lr.ch = &ch;
	lr.by = ch.by ? ch.by : c->author;
	if (o->author && !author_is(c, ch.by, o->author))
		goto out;
	rc = w->cb(w->arg, &lr);
out:
	changes_release(&ch);
	record_free(old);
	record_free(new);
	return rc;
}

static int each_commit(void *arg, const git_oid *oid, const char *ids, size_t len)
{
	struct walk *w = arg;
	struct hcommit c;
	git_commit *gc = NULL, *parent = NULL;
	git_tree *after = NULL, *before = NULL;
	int rc;

	if (!len)
		return 0;
	if ((rc = hist_commit(w->r, oid, &c)))
		return rc;
	if ((w->o->has_since && c.day < w->o->since) || (w->o->has_until && c.day > w->o->until))
		goto out;
	if (git_commit_lookup(&gc, reg_repo(w->r), oid) || git_commit_tree(&after, gc) ||
	    (git_commit_parentcount(gc) && (git_commit_parent(&parent, gc, 0) || git_commit_tree(&before, parent)))) {
		rc = preg_error_set(PREG_ERR, "cannot read commit %s", c.hex);
		goto out;
	}
	for (const char *p = ids, *e = ids + len; !rc && p < e;) {
		const char *t = memchr(p, ' ', (size_t)(e - p));
		char *id = xstrndup(p, t ? (size_t)(t - p) : (size_t)(e - p));

		if (!w->o->id || !strcmp(id, w->o->id))
			rc = row(w, &c, before, after, id);
		free(id);
		p = t ? t + 1 : e;
	}
out:
	git_tree_free(before);
	git_tree_free(after);
	git_commit_free(parent);
	git_commit_free(gc);
	hcommit_release(&c);
	return rc;
}

int log_walk(struct reg *r, const struct log_opts *o, log_fn cb, void *arg)
{
	struct logidx *x = NULL;
	struct walk w = { r, o, cb, arg };
	int rc;

	if ((rc = logidx_open(r, &x)))
		return rc;
	rc = logidx_each(x, o->id, each_commit, &w);
	logidx_free(x);
	return rc;
}
