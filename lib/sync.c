/* sync: sharing a register through a git remote (see sync.h). */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


#include "confmerge.h"
#include "err.h"
#include "layout.h"
#include "log.h"
#include "phases.h"
#include "record.h"
#include "slug.h"
#include "sync.h"
#include "xalloc.h"

extern char **environ;

/* At most this many attempts: the first and three retries (SPEC §8). */
#define ATTEMPTS 4

static void note(struct sync_result *res, char *line)
{
	res->notes = xgrow(res->notes, &res->cap, res->nnotes + 1, sizeof(*res->notes));
	res->notes[res->nnotes++] = line;
}

void sync_result_release(struct sync_result *res)
{
	free(res->remote);
	merge_report_release(&res->rep);
	for (size_t i = 0; i < res->nnotes; i++)
		free(res->notes[i]);
	free(res->notes);
	memset(res, 0, sizeof(*res));
}

static void progress(const struct sync_opts *o, const char *what)
{
	if (o && o->progress)
		o->progress(o->arg, what);
}

/* ---- running git ---- */

/* Run git with argv (argv[0] is "git"; no shell), stdin inherited so that
 * git can ask for credentials. out and err (may be NULL) receive its
 * output. Returns its exit status, or -1 with the error slot set when git
 * cannot run. */
static int run_git(char *const *argv, struct buf *out, struct buf *err)
{
	posix_spawn_file_actions_t fa;
	int po[2], pe[2], st, rc;
	pid_t pid;
	struct pollfd pf[2];

	if (pipe2(po, O_CLOEXEC))
		return preg_error_set(PREG_ERR, "cannot run git: %s", strerror(errno));
	if (pipe2(pe, O_CLOEXEC)) {
		close(po[0]);
		close(po[1]);
		return preg_error_set(PREG_ERR, "cannot run git: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (rc) {
		close(po[0]);
		close(pe[0]);
		return preg_error_set(PREG_ERR, "cannot run git: %s (is git installed?)", strerror(rc));
	}
	pf[0] = (struct pollfd){ po[0], POLLIN, 0 };
	pf[1] = (struct pollfd){ pe[0], POLLIN, 0 };
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			char chunk[4096];
			ssize_t n;

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			n = read(pf[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				struct buf *b = i ? err : out;

				if (b)
					buf_add(b, chunk, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(pf[i].fd);
				pf[i].fd = -1;
			}
		}
	}
	if (pf[0].fd >= 0)
		close(pf[0].fd);
	if (pf[1].fd >= 0)
		close(pf[1].fd);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return preg_error_set(PREG_ERR, "cannot run git: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return preg_error_set(PREG_ERR, "cannot run git (is git installed?)");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* What git said: its first "fatal:" or "error:" line, else its last line. */
static const char *last_line(struct buf *b)
{
	char *p;

	if (!b->len)
		return "no message from git";
	for (p = b->p; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, "fatal: ", 7) || !strncmp(p, "error: ", 7)) {
			p[strcspn(p, "\r\n")] = '\0';
			return p;
		}
	while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == '\r' || b->p[b->len - 1] == ' '))
		b->p[--b->len] = '\0';
	p = strrchr(b->p, '\n');
	p = p ? p + 1 : b->p;
	for (char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	return p;
}

/* ---- the remote ---- */

static const char *branch_of(struct reg *r)
{
	const char *ref = reg_refname(r);

	return strncmp(ref, "refs/heads/", 11) ? ref : ref + 11;
}

/* The remote to use: given, else branch.<b>.remote, else origin. It must be
 * configured. *out is the caller's. */
static int find_remote(struct reg *r, const char *given, char **out)
{
	char *key, *name = NULL, *url = NULL;
	int rc = 0;

	*out = NULL;
	if (given) {
		name = xstrdup(given);
	} else {
		key = xasprintf("branch.%s.remote", branch_of(r));
		if (reg_config_get(r, key, &name) || !strcmp(name, ".")) {
			free(name);
			name = xstrdup("origin");
		}
		free(key);
	}
	if (!reg_remote_valid(name)) {
		rc = preg_error_set(PREG_EINVAL, "invalid remote name '%s'", name);
	} else {
		/* The remote's URL in the config says it is there. */
		key = xasprintf("remote.%s.url", name);
		if (reg_config_get(r, key, &url))
			rc = preg_error_set(PREG_ENOTFOUND,
					    "no remote '%s' (add one with 'git remote add %s URL', or make the register with 'preg clone URL')",
					    name, name);
		free(key);
		free(url);
	}
	if (rc)
		free(name);
	else
		*out = name;
	return rc;
}

static int fetch(struct reg *r, const char *remote)
{
	struct buf err = BUF_INIT;
	char *spec = xasprintf("+refs/heads/*:refs/remotes/%s/*", remote);
	char *const argv[] = { "git", "-C", (char *)reg_dir(r), "fetch", "--quiet", "--no-tags",
			       "--no-write-fetch-head", (char *)remote, spec, NULL };
	int st = run_git(argv, NULL, &err), rc = 0;

	if (st > 0)
		rc = preg_error_set(PREG_ERR, "cannot fetch from '%s': %s", remote, last_line(&err));
	else if (st < 0)
		rc = st;
	buf_release(&err);
	free(spec);
	return rc;
}

/* Push the branch to the remote, where it must still be at old (NULL: not
 * there). replayed: what goes out is a replay's, whose trees are in the
 * replay's pack as deltas already (register_pack.c): git sends those as
 * they are, and its own search for deltas, two seconds of CPU at 1,000
 * commits, would find nothing better. 0, PREG_EMODIFIED when the remote
 * moved (rejected), or an error. */
static int push(struct reg *r, const char *remote, const struct reg_oid *old, bool replayed)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	const char *br = reg_refname(r);
	char hex[REG_HEXSZ + 1] = "";
	char *lease;
	char *spec = xasprintf("%s:%s", br, br);
	char *argv[16];
	size_t n = 0;
	int st, rc = 0;
	char flag = 0;
	bool declined = false;

	if (old)
		reg_oid_hex(hex, old);
	lease = xasprintf("--force-with-lease=%s:%s", br, hex);
	argv[n++] = "git";
	if (replayed) {
		argv[n++] = "-c";
		argv[n++] = "pack.window=0";
	}
	argv[n++] = "-C";
	argv[n++] = (char *)reg_dir(r);
	argv[n++] = "push";
	argv[n++] = "--porcelain";
	argv[n++] = "--no-verify";
	argv[n++] = lease;
	argv[n++] = (char *)remote;
	argv[n++] = spec;
	argv[n] = NULL;
	st = run_git(argv, &out, &err);

	/* Porcelain: "F\tFROM:TO\tSUMMARY" per ref; F '!' is a rejection. */
	for (char *p = out.p; p && *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (p[0] && p[1] == '\t' && strstr(p, spec)) {
			flag = p[0];
			/* Refused by the remote's hook (a guarded remote), not
			 * because it moved: another attempt would be refused too. */
			declined = strstr(p, "[remote rejected]") != NULL;
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (st < 0) {
		rc = st;
	} else if (flag == '!' && declined) {
		/* The hook's reasons, as git shows them: "remote: preg: ...". */
		for (char *p = err.p; p && *p;) {
			char *nl = strchr(p, '\n');

			if (nl)
				*nl = '\0';
			/* git pads a remote's line with blanks to clear the terminal's. */
			for (char *e = p + strlen(p); e > p && e[-1] == ' '; *--e = '\0')
				;
			if (!strncmp(p, "remote: preg: ", 14))
				preg_warn("%s", p + 14);
			p = nl ? nl + 1 : p + strlen(p);
		}
		rc = preg_error_set(PREG_ERR, "'%s' refused the push; the local commits are kept", remote);
	} else if (flag == '!') {
		rc = PREG_EMODIFIED;
	} else if (st || !flag) {
		rc = preg_error_set(PREG_ERR, "cannot push to '%s': %s", remote, last_line(&err));
	}
	buf_release(&out);
	buf_release(&err);
	free(lease);
	free(spec);
	return rc;
}

/* ---- replaying ---- */

/* A local commit and what its replay became. */
struct replayed {
	struct reg_oid old, new;
	bool made; /* false: everything it changed was on the remote already */
};

struct replay {
	struct reg *r;
	struct sync_result *res;
	char **from, **to; /* clients renamed on the way: local id -> new id */
	size_t nren, capf, capt;
	struct replayed *done; /* the commits replayed so far, in order */
	size_t ndone, capd;
	bool undoing; /* the commit being replayed is an undo */
};

static const char *renamed(const struct replay *rp, const char *id)
{
	for (size_t i = rp->nren; i-- > 0;)
		if (!strcmp(rp->from[i], id))
			return rp->to[i];
	return NULL;
}

/* The changes of one replayed commit: each path once. */
struct up {
	char *path;
	char *text;          /* the new contents, or NULL */
	struct reg_oid blob; /* else an existing blob, when has_blob */
	bool has_blob;
};

struct ups {
	struct up *v;
	size_t n, cap;
};

/* Stage path: its text (the caller's, handed over), or an existing blob,
 * or, with both NULL, its removal. */
static void up_add(struct ups *u, const char *path, char *text, const struct reg_oid *blob)
{
	struct up *e;

	u->v = xgrow(u->v, &u->cap, u->n + 1, sizeof(*u->v));
	e = &u->v[u->n++];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	e->text = text;
	if (blob) {
		e->blob = *blob;
		e->has_blob = true;
	}
}

static bool up_has(const struct ups *u, const char *path)
{
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->v[i].path, path))
			return true;
	return false;
}

static void ups_release(struct ups *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].path);
		free(u->v[i].text);
	}
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/* The change set of u, pointing into it; the caller frees the array. */
static struct reg_change *ups_changes(const struct ups *u)
{
	struct reg_change *ch = xcalloc(u->n + 1, sizeof(*ch));

	for (size_t i = 0; i < u->n; i++) {
		ch[i].path = u->v[i].path;
		ch[i].data = u->v[i].text;
		ch[i].len = u->v[i].text ? strlen(u->v[i].text) : 0;
		ch[i].blob = u->v[i].has_blob ? &u->v[i].blob : NULL;
	}
	return ch;
}

/* The canonical text of rec; the caller's. */
static char *record_text(const struct record *rec)
{
	struct buf b = BUF_INIT;

	record_write(&b, rec);
	return buf_detach(&b);
}

/* The first free id of the form ID-N at tree (and not taken in u). */
static char *free_id(struct reg *r, const struct reg_tree *tree, const struct ups *u, const char *id)
{
	for (unsigned n = 2;; n++) {
		char *cand = slug_with_suffix(id, n), *path = reg_record_path(r, cand);
		struct reg_oid o;
		bool taken = !reg_tree_file(r, tree, path, &o) || up_has(u, path);

		free(path);
		if (!taken)
			return cand;
		free(cand);
	}
}

/* Record blob of path, with its id changed to to (when not NULL), as
 * text; *out the caller's. */
static int renamed_text(struct reg *r, const struct reg_oid *blob, const char *path, const char *to, char **out)
{
	struct record *rec = NULL;
	int rc;

	*out = NULL;
	if ((rc = reg_blob_record(r, blob, path, false, &rec)))
		return rc;
	if (to) {
		free(rec->id);
		rec->id = xstrdup(to);
	}
	*out = record_text(rec);
	record_free(rec);
	return 0;
}

/* preg.yaml changed by the local commit (theirs, from base) and on the
 * remote (ours): merged by its top-level keys, so that a manager's change
 * to a phase's limit does not drop the managers the head added meanwhile.
 * A key both changed differently, or a file that is not merged by keys or
 * whose merge is not a valid preg.yaml, keeps the local version, named. */
static int conf_merge(struct replay *rp, const char *path, const struct reg_oid *base, const struct reg_oid *ours,
		      const struct reg_oid *theirs, struct ups *u, struct buf *msg)
{
	struct buf tb = BUF_INIT, to = BUF_INIT, tt = BUF_INIT, merged = BUF_INIT, keys = BUF_INIT;
	struct phases *ph = NULL;
	int rc;

	if ((rc = reg_blob_read(rp->r, base, &tb)) || (rc = reg_blob_read(rp->r, ours, &to)) ||
	    (rc = reg_blob_read(rp->r, theirs, &tt)))
		goto out;
	if (!confmerge(tb.p ? tb.p : "", tb.len, to.p ? to.p : "", to.len, tt.p ? tt.p : "", tt.len, &merged,
		       &keys) &&
	    !phases_load(&ph, buf_str(&merged), merged.len, path)) {
		up_add(u, path, buf_detach(&merged), NULL);
		if (keys.len) {
			note(rp->res, xasprintf("%s: %s changed here and on the remote; kept the local version", path,
						keys.p));
			buf_addf(msg, "Preg-Conflict: %s %s changed on both sides, local version kept\n", path,
				 keys.p);
		}
		goto out;
	}
	preg_error_clear();
	up_add(u, path, NULL, theirs);
	note(rp->res, xasprintf("%s: changed here and on the remote; kept the local version", path));
	buf_addf(msg, "Preg-Conflict: %s changed on both sides, local version kept\n", path);
out:
	phases_free(ph);
	buf_release(&tb);
	buf_release(&to);
	buf_release(&tt);
	buf_release(&merged);
	buf_release(&keys);
	return rc;
}

/* Whether the records in blobs a (at path pa) and b (at pb) are one
 * client: created at the same instant (two clients added under one id on
 * two clones were created at two). */
static int same_client(struct reg *r, const struct reg_oid *a, const char *pa, const struct reg_oid *b,
		       const char *pb, bool *same)
{
	struct record *ra = NULL, *rb = NULL;
	int rc;

	*same = false;
	if (!(rc = reg_blob_record(r, a, pa, false, &ra)) && !(rc = reg_blob_record(r, b, pb, false, &rb)))
		*same = ra->created && rb->created && !strcmp(ra->created, rb->created);
	if (rc == PREG_EINVAL) {
		/* One that does not parse is another client: renamed. */
		preg_error_clear();
		rc = 0;
	}
	record_free(ra);
	record_free(rb);
	return rc;
}

/* One path a local commit changed: base (in its parent), theirs (in the
 * commit; NULL ids mean absent), merged onto tree, staged in u. msg gets
 * the lines for the commit message. */
static int replay_path(struct replay *rp, const struct reg_tree *tree, const char *path, const struct reg_oid *base,
		       const struct reg_oid *theirs, struct ups *u, struct buf *msg)
{
	struct sync_result *res = rp->res;
	struct reg *r = rp->r;
	char *id = layout_id_any(path), *target = NULL, *text = NULL;
	const char *to = id ? renamed(rp, id) : NULL;
	struct record *rb = NULL, *ro = NULL, *rt = NULL, *m = NULL;
	struct reg_oid ours;
	bool has_ours;
	int rc = 0;

	target = to ? reg_record_path(r, to) : xstrdup(path);
	has_ours = !reg_tree_file(r, tree, target, &ours);
	/* Untouched on the remote (the common case): the local change as it is. */
	if ((!base && !has_ours) || (base && has_ours && reg_oid_equal(base, &ours))) {
		if (theirs && to) {
			/* A client renamed earlier in this sync: its later
			 * changes go to the new id. */
			if (!(rc = renamed_text(r, theirs, path, to, &text)))
				up_add(u, target, text, NULL);
		} else {
			up_add(u, target, NULL, theirs);
		}
		goto out;
	}
	if ((theirs && has_ours && reg_oid_equal(theirs, &ours)) || (!theirs && !has_ours))
		goto out; /* the same change on both sides */
	if (!id && base && theirs && has_ours && !strcmp(path, "preg.yaml")) {
		rc = conf_merge(rp, target, base, &ours, theirs, u, msg);
		goto out;
	}
	if (!id) {
		/* Another file: the replayed commit's version. */
		up_add(u, target, NULL, theirs);
		note(res, xasprintf("%s: changed here and on the remote; kept the local version", path));
		buf_addf(msg, "Preg-Conflict: %s changed on both sides, local version kept\n", path);
		goto out;
	}
	if (!theirs) {
		/* Removed here, changed on the remote: nothing is lost. */
		note(res, xasprintf("%s: removed here but changed on the remote; kept", to ? to : id));
		buf_addf(msg, "Preg-Conflict: %s removed here but changed on the remote, kept\n", to ? to : id);
		goto out;
	}
	if (!has_ours && base && rp->undoing) {
		/* An undo of a change to a record the remote has removed since:
		 * it has nothing left to take back, and keeping the record for
		 * it would bring the client back as it was before the remote's
		 * changes, which no one asked for (seed 820002). The removal
		 * stands; no commit is made for this record. */
		note(res, xasprintf("%s: removed on the remote; the undo of a change to it is dropped", to ? to : id));
		goto out;
	}
	if (!has_ours) {
		/* Changed here, removed on the remote: kept with the change. */
		if ((rc = renamed_text(r, theirs, path, to, &text)))
			goto out;
		up_add(u, target, text, NULL);
		note(res, xasprintf("%s: removed on the remote but changed here; kept", to ? to : id));
		buf_addf(msg, "Preg-Conflict: %s removed on the remote but changed here, kept\n", to ? to : id);
		goto out;
	}
	if (!base && rp->undoing) {
		/* An undo that brings back a removed record the remote still
		 * has (the removal was dropped on the way: the remote had
		 * changed it): the same client, not a second one under one
		 * id, and the remote's record holds all it had. */
		bool same;

		if ((rc = same_client(r, &ours, target, theirs, path, &same)))
			goto out;
		if (same)
			goto out;
	}
	if (!base) {
		/* Added here and on the remote under one id: the incoming
		 * (local) one is renamed. */
		char *nid = free_id(r, tree, u, id), *npath = reg_record_path(r, nid);

		if (!(rc = renamed_text(r, theirs, path, nid, &text)))
			up_add(u, npath, text, NULL);
		note(res, xasprintf("renamed: %s -> %s (added here and on the remote under one id)", id, nid));
		buf_addf(msg, "Preg-Renamed: %s -> %s\n", id, nid);
		rp->from = xgrow(rp->from, &rp->capf, rp->nren + 1, sizeof(*rp->from));
		rp->to = xgrow(rp->to, &rp->capt, rp->nren + 1, sizeof(*rp->to));
		rp->from[rp->nren] = xstrdup(id);
		rp->to[rp->nren++] = nid;
		free(npath);
		goto out;
	}
	/* Changed on both sides: the record merge. */
	if ((rc = reg_blob_record(r, base, path, false, &rb)) || (rc = reg_blob_record(r, &ours, target, false, &ro)) ||
	    (rc = reg_blob_record(r, theirs, path, false, &rt)))
		goto out;
	{
		size_t before = res->rep.n;

		merge_record(&m, rb, ro, rt, &res->rep);
		for (size_t i = before; i < res->rep.n; i++)
			buf_addf(msg, "Preg-Conflict: %s %s '%s' replaced '%s'\n", res->rep.v[i].id,
				 res->rep.v[i].field, res->rep.v[i].theirs, res->rep.v[i].ours);
	}
	up_add(u, target, record_text(m), NULL);
out:
	if (rc)
		preg_error_prefix("cannot merge %s", path);
	record_free(rb);
	record_free(ro);
	record_free(rt);
	record_free(m);
	free(target);
	free(id);
	return rc;
}

struct replay_step {
	struct replay *rp;
	const struct reg_tree *tree;
	struct ups *u;
	struct buf *msg;
};

static int replay_change(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct replay_step *st = arg;

	return replay_path(st->rp, st->tree, path, old, new, st->u, st->msg);
}

/* A local commit's message, taken apart to be described again: its text
 * (the summary, and a body), and for a preg commit its action, acting user
 * and the trailers other than the ones the register derives. */
struct told {
	struct buf text, trailers;
	char *action, *user, *undo;
};

static void told_release(struct told *t)
{
	buf_release(&t->text);
	buf_release(&t->trailers);
	free(t->action);
	free(t->user);
	free(t->undo);
}

/* Whether the line [p, p+n) is a trailer "Key: value". */
static bool trailer_line(const char *p, size_t n)
{
	size_t k = 0;

	while (k < n && ((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= 'a' && p[k] <= 'z') || p[k] == '-'))
		k++;
	return k && k + 1 < n && p[k] == ':' && p[k + 1] == ' ';
}

/* Whether text (ending in a newline) ends in a paragraph of trailers
 * below its summary. */
static bool ends_in_trailers(const char *text, size_t n)
{
	const char *end = text + n, *block = NULL;

	while (end > text && end[-1] == '\n')
		end--;
	for (const char *p = text; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			block = p + 2;
	if (!block)
		return false;
	while (block < end && *block == '\n')
		block++;
	for (const char *p = block; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		e = e ? e : end;
		if (!trailer_line(p, (size_t)(e - p)))
			return false;
		p = e + 1;
	}
	return block < end;
}

/* Take msg apart; a commit made without preg (no Preg-Action in its last
 * paragraph of trailers) is left whole in text. */
static void take_apart(const char *msg, struct told *t)
{
	const char *block = NULL, *end = msg + strlen(msg);

	memset(t, 0, sizeof(*t));
	for (const char *p = strstr(msg, "\n\n"); p; p = strstr(p + 1, "\n\n"))
		block = p + 2;
	while (end > msg && end[-1] == '\n')
		end--;
	if (block && block < end) {
		bool all = true;

		for (const char *p = block; p < end && all;) {
			const char *e = memchr(p, '\n', (size_t)(end - p));

			e = e ? e : end;
			all = trailer_line(p, (size_t)(e - p));
			if (all && !strncmp(p, "Preg-Action: ", 13))
				t->action = xstrndup(p + 13, (size_t)(e - p) - 13);
			p = e + 1;
		}
		if (!all) {
			free(t->action);
			t->action = NULL;
		}
	}
	if (!t->action) {
		buf_adds(&t->text, msg);
		return;
	}
	buf_add(&t->text, msg, (size_t)(block - msg));
	for (const char *p = block; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		e = e ? e : end;
		if (!strncmp(p, "Preg-User: ", 11) && !t->user)
			t->user = xstrndup(p + 11, (size_t)(e - p) - 11);
		else if (!strncmp(p, "Preg-Undo: ", 11) && !t->undo)
			t->undo = xstrndup(p + 11, (size_t)(e - p) - 11);
		else if (strncmp(p, "Preg-Client: ", 13) && strncmp(p, "Preg-Action: ", 13))
			buf_addf(&t->trailers, "%.*s\n", (int)(e - p), p);
		p = e + 1;
	}
}

/* A summary "ACTION: ID ..." about a client renamed on the way names its
 * new id. */
static void rename_summary(const struct replay *rp, struct buf *text)
{
	const char *colon = strstr(buf_str(text), ": ");
	size_t nl = strcspn(buf_str(text), "\n");

	if (!colon || (size_t)(colon - text->p) > nl)
		return;
	for (size_t i = 0; i < rp->nren; i++) {
		const char *id = colon + 2;
		size_t n = strlen(rp->from[i]);

		if (!strncmp(id, rp->from[i], n) && (id[n] == ' ' || id[n] == '\n' || !id[n])) {
			struct buf b = BUF_INIT;

			buf_add(&b, text->p, (size_t)(id - text->p));
			buf_adds(&b, rp->to[i]);
			buf_adds(&b, id + n);
			buf_release(text);
			*text = b;
			return;
		}
	}
}

/* What became of local commit hex in this sync: NULL when it was not
 * replayed (it is on the remote already). */
static const struct replayed *replayed_as(const struct replay *rp, const char *hex)
{
	struct reg_oid o;

	if (!hex || reg_oid_parse(&o, hex))
		return NULL;
	for (size_t i = 0; i < rp->ndone; i++)
		if (reg_oid_equal(&rp->done[i].old, &o))
			return &rp->done[i];
	return NULL;
}

struct undo_step {
	struct replay *rp;
	const struct reg_tree *tree;   /* the tip being built */
	const struct reg_tree *xtree;  /* the replayed commit undone */
	const struct reg_tree *xptree; /* and the state before it */
	struct ups *u;
	bool ok;
};

/* One path an undo changed, put back as it was before the replayed commit
 * it undoes: only when that commit changed it and nothing after did. */
static int undo_path(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct undo_step *st = arg;
	struct reg *r = st->rp->r;
	char *id = layout_id_any(path), *target;
	const char *to = id ? renamed(st->rp, id) : NULL;
	struct reg_oid x, before, now;
	bool has_x, has_before, has_now;

	(void)old;
	(void)new;
	target = to ? reg_record_path(r, to) : xstrdup(path);
	has_x = !reg_tree_file(r, st->xtree, target, &x);
	has_before = !reg_tree_file(r, st->xptree, target, &before);
	has_now = !reg_tree_file(r, st->tree, target, &now);
	preg_error_clear();
	if (has_x == has_before && (!has_x || reg_oid_equal(&x, &before)))
		st->ok = false; /* the commit undone did not change it */
	else if (has_x != has_now || (has_x && !reg_oid_equal(&x, &now)))
		st->ok = false; /* changed after it */
	else
		up_add(st->u, target, NULL, has_before ? &before : NULL);
	free(target);
	free(id);
	return 0;
}

/* Replay an undo of a commit replayed in this sync as an undo of its
 * replay: *ok false (u empty) when that cannot be. */
static int replay_undo(struct replay *rp, const struct replayed *x, const struct reg_tree *ptree,
		       const struct reg_tree *ctree, const struct reg_tree *tree, struct ups *u, bool *ok)
{
	struct reg_commit xc;
	struct reg_tree *xtree = NULL, *xptree = NULL;
	int rc;

	*ok = false;
	if (!x->made)
		return 0;
	if ((rc = reg_commit_read(rp->r, &x->new, &xc)))
		return rc;
	if (!(rc = reg_tree_of(rp->r, &x->new, &xtree)) && !(rc = reg_tree_of(rp->r, &xc.parents[0], &xptree))) {
		struct undo_step st = { rp, tree, xtree, xptree, u, true };

		rc = reg_diff(rp->r, ptree, ctree, undo_path, &st);
		*ok = st.ok && u->n;
	}
	if (!*ok)
		ups_release(u);
	reg_tree_free(xtree);
	reg_tree_free(xptree);
	reg_commit_release(&xc);
	return rc;
}

/* Replay commit oid onto *tip (whose tree is *tree): a new commit, or none
 * when everything it changed is on the remote already. The commit is
 * described again by the register from what the replay changes: its
 * Preg-Client trailers name the records as they are now (a client renamed
 * on the way by its new id); its action, acting user and other trailers
 * stay; an undo names the replay of the commit it undoes. */
static int replay_commit(struct replay *rp, const struct reg_oid *oid, struct reg_oid *tip, struct reg_tree **tree,
			 bool *made)
{
	struct reg *r = rp->r;
	struct reg_commit c;
	struct reg_tree *ptree = NULL, *ctree = NULL, *ntree = NULL;
	struct ups u = { 0 };
	struct buf msg = BUF_INIT, trailers = BUF_INIT;
	struct told t;
	struct reg_desc d;
	struct reg_change *ch;
	struct reg_oid made_oid;
	bool undone = false;
	int rc;

	*made = false;
	memset(&t, 0, sizeof(t));
	if ((rc = reg_commit_read(r, oid, &c)))
		return rc;
	if (!c.nparents) {
		rc = preg_error_set(PREG_ERR, "cannot replay commit %s: it has no parent", c.hex);
		goto out;
	}
	if ((rc = reg_tree_of(r, &c.parents[0], &ptree)) || (rc = reg_tree_of(r, oid, &ctree)))
		goto out;
	take_apart(c.message, &t);
	if (t.action && t.undo && !strcmp(t.action, "undo")) {
		const struct replayed *x = replayed_as(rp, t.undo);
		char hex[REG_HEXSZ + 1];

		if (x && (rc = replay_undo(rp, x, ptree, ctree, *tree, &u, &undone)))
			goto out;
		if (undone) {
			reg_oid_hex(hex, &x->new);
			buf_addf(&trailers, "Preg-Undo: %s\n", hex);
		}
	}
	if (!undone) {
		struct replay_step st = { rp, *tree, &u, &msg };
		size_t conflicts = msg.len;

		rp->undoing = t.action && t.undo && !strcmp(t.action, "undo");
		rc = reg_diff(r, ptree, ctree, replay_change, &st);
		rp->undoing = false;
		if (rc)
			goto out;
		if (t.undo && strcmp(t.action, "undo")) {
			buf_addf(&trailers, "Preg-Undo: %s\n", t.undo);
		} else if (t.undo) {
			/* An undo of a commit on the remote already stays one
			 * when the remote left its records alone: then every
			 * path replays as it is and nothing is merged. */
			bool alone = !replayed_as(rp, t.undo) && msg.len == conflicts;

			for (size_t i = 0; alone && i < u.n; i++) {
				struct reg_oid now, was;
				bool has_now = !reg_tree_file(r, *tree, u.v[i].path, &now);
				bool has_was = !reg_tree_file(r, ptree, u.v[i].path, &was);

				alone = has_now == has_was && (!has_now || reg_oid_equal(&now, &was));
			}
			preg_error_clear();
			if (alone) {
				buf_addf(&trailers, "Preg-Undo: %s\n", t.undo);
			} else {
				/* Still an undo of that commit (as replayed here, if
				 * it was): verify holds it to taking back only what
				 * that commit did. */
				const struct replayed *x = replayed_as(rp, t.undo);
				char hex[REG_HEXSZ + 1];

				if (x)
					reg_oid_hex(hex, &x->new);
				buf_addf(&trailers, "Preg-Undo: %s\n", x ? hex : t.undo);
				note(rp->res, xasprintf("the undo of %.7s was merged with what changed on the remote since: what it took back stays out, the rest stays",
							t.undo));
				buf_addf(&msg, "Preg-Conflict: the undo of %.7s merged with changes on the remote\n",
					 t.undo);
			}
		}
	}
	if (!u.n)
		goto out;
	memset(&d, 0, sizeof(d));
	if (t.action) {
		rename_summary(rp, &t.text);
		buf_add(&trailers, t.trailers.p, t.trailers.len);
		buf_add(&trailers, msg.p, msg.len);
		d.text = buf_str(&t.text);
		d.action = t.action;
		d.trailers = buf_str(&trailers);
		d.user = t.user;
	} else {
		/* A commit made without preg keeps its message, and gets the
		 * sync's notes. */
		if (msg.len) {
			if (t.text.len && t.text.p[t.text.len - 1] != '\n')
				buf_addc(&t.text, '\n');
			/* The notes are trailers: after a blank line, unless
			 * the message ends in trailers already, so that they
			 * neither run into the summary nor go unread. */
			if (!ends_in_trailers(t.text.p, t.text.len))
				buf_addc(&t.text, '\n');
			buf_add(&t.text, msg.p, msg.len);
		}
		d.text = buf_str(&t.text);
	}
	d.author = &c.author;
	d.committer = &c.committer;
	ch = ups_changes(&u);
	rc = reg_commit_make(r, tip, *tree, ch, u.n, &d, &made_oid, &ntree);
	free(ch);
	if (rc == REG_UNCHANGED) {
		rc = 0;
		goto out;
	}
	if (!rc) {
		*tip = made_oid;
		reg_tree_free(*tree);
		*tree = ntree;
		ntree = NULL;
		*made = true;
	}
out:
	told_release(&t);
	ups_release(&u);
	buf_release(&msg);
	buf_release(&trailers);
	reg_tree_free(ntree);
	reg_tree_free(ctree);
	reg_tree_free(ptree);
	reg_commit_release(&c);
	return rc;
}

struct oid_list {
	struct reg_oid *v;
	size_t n, cap;
};

static int list_add(void *arg, const struct reg_oid *oid)
{
	struct oid_list *l = arg;

	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *oid;
	return 0;
}

/* Replay the commits base..local onto remote; *out is the new tip. */
static int replay(struct replay *rp, const struct reg_oid *base, const struct reg_oid *local,
		  const struct reg_oid *remote, struct reg_oid *out, size_t *made)
{
	struct oid_list l = { NULL, 0, 0 };
	struct reg_tree *tree = NULL;
	int rc, end;

	*made = 0;
	*out = *remote;
	if ((rc = reg_walk(rp->r, local, base, REG_WALK_OLDEST_FIRST | REG_WALK_FIRST_PARENT, list_add, &l)))
		goto out;
	/* Many commits in a row: their objects are kept in memory and reach
	 * the disk as one pack, before the branch names any of them (SPEC
	 * §7). */
	if ((rc = reg_batch_begin(rp->r)))
		goto out;
	if ((rc = reg_tree_of(rp->r, remote, &tree)))
		l.n = 0;
	for (size_t i = 0; i < l.n && !rc; i++) {
		bool made_one;

		rc = replay_commit(rp, &l.v[i], out, &tree, &made_one);
		*made += made_one;
		rp->done = xgrow(rp->done, &rp->capd, rp->ndone + 1, sizeof(*rp->done));
		rp->done[rp->ndone++] = (struct replayed){ l.v[i], *out, made_one };
	}
	/* The batch's objects go with it: nothing read from it is kept. */
	reg_tree_free(tree);
	end = reg_batch_end(rp->r, !rc && *made);
	if (end && !rc)
		rc = end;
out:
	free(l.v);
	return rc;
}

struct path_list {
	char **v;
	size_t n, cap;
};

static int add_path(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct path_list *l = arg;

	(void)old;
	(void)new;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(path);
	return 0;
}

/* The paths that differ between the trees of commits a and b. */
static int changed_paths(struct reg *r, const struct reg_oid *a, const struct reg_oid *b, char ***out, size_t *n)
{
	struct reg_tree *ta = NULL, *tb = NULL;
	struct path_list l = { NULL, 0, 0 };
	int rc;

	if (!(rc = reg_tree_of(r, a, &ta)) && !(rc = reg_tree_of(r, b, &tb)))
		rc = reg_diff(r, ta, tb, add_path, &l);
	*out = l.v;
	*n = l.n;
	reg_tree_free(ta);
	reg_tree_free(tb);
	return rc;
}

static int count_one(void *arg, const struct reg_oid *oid)
{
	(void)oid;
	(*(size_t *)arg)++;
	return 0;
}

static size_t count_commits(struct reg *r, const struct reg_oid *tip, const struct reg_oid *hide)
{
	size_t n = 0;

	reg_walk(r, tip, hide, REG_WALK_FIRST_PARENT, count_one, &n);
	preg_error_clear();
	return n;
}

/* Whether the remote's register (its tip, remote) and this one are of
 * one format version: a replay across versions would put records at the
 * paths of the wrong layout. The upgrade itself may go out when the
 * remote has nothing this register lacks (pushed is true: the remote's
 * tip is the merge base). 0, or an error saying what to do. */
static int same_version(struct reg *r, const char *name, const struct reg_oid *remote, bool pushed)
{
	struct reg_tree *t = NULL;
	struct reg_oid blob;
	struct buf text = BUF_INIT;
	struct phases *ph = NULL;
	unsigned here = reg_layout(r);
	int rc;

	if ((rc = reg_tree_of(r, remote, &t)) || (rc = reg_tree_file(r, t, "preg.yaml", &blob)) ||
	    (rc = reg_blob_read(r, &blob, &text)))
		goto out;
	if ((rc = phases_load(&ph, text.p, text.len, "the remote's preg.yaml"))) {
		char *why = xstrdup(preg_error_msg());

		rc = preg_error_set(rc, "cannot sync with '%s': %s", name, why);
		free(why);
		goto out;
	}
	if (ph->version > here)
		rc = preg_error_set(PREG_EINVAL,
				    "the remote's register is version %u, this one version %u; run 'preg upgrade', "
				    "then 'preg sync'",
				    ph->version, here);
	else if (ph->version < here && !pushed)
		rc = preg_error_set(PREG_EINVAL,
				    "the remote's register is version %u, this one version %u, and '%s' has commits "
				    "this one lacks; upgrade a clone of the remote instead ('preg clone', 'preg upgrade', "
				    "'preg sync')",
				    ph->version, here, name);
out:
	phases_free(ph);
	buf_release(&text);
	reg_tree_free(t);
	return rc;
}

/* One attempt: fetch, replay, move the branch, push. PREG_EMODIFIED when
 * the remote moved before the push. */
static int attempt(struct reg *r, const struct sync_opts *o, struct sync_result *res)
{
	struct replay rp = { r, res, NULL, NULL, 0, 0, 0, NULL, 0, 0, false };
	char *track = xasprintf("refs/remotes/%s/%s", res->remote, branch_of(r)), what[256];
	char **paths = NULL;
	size_t npaths = 0, made = 0;
	struct reg_oid local, remote, base, tip;
	bool has_remote;
	int rc;

	snprintf(what, sizeof(what), "fetching from %s", res->remote);
	progress(o, what);
	if ((rc = fetch(r, res->remote)))
		goto out;
	if ((rc = reg_tip(r, &local)))
		goto out;
	base = local;
	has_remote = !reg_ref(r, track, &remote);
	preg_error_clear();
	tip = local;
	if (has_remote && !reg_oid_equal(&local, &remote)) {
		rc = reg_merge_base(r, &local, &remote, &base);
		if (rc == PREG_ENOTFOUND) {
			rc = preg_error_set(PREG_ERR,
					    "the register and '%s' share no history (to work on the shared register, use 'preg clone URL')",
					    res->remote);
			goto out;
		}
		if (rc)
			goto out;
		if ((rc = same_version(r, res->remote, &remote, reg_oid_equal(&base, &remote))))
			goto out;
		if (reg_oid_equal(&base, &local)) {
			tip = remote; /* nothing local: fast-forward */
		} else if (!reg_oid_equal(&base, &remote)) {
			size_t n = count_commits(r, &local, &base);

			snprintf(what, sizeof(what), "replaying %zu local commit%s onto %s/%s", n,
				 n == 1 ? "" : "s", res->remote, branch_of(r));
			progress(o, what);
			if ((rc = replay(&rp, &base, &local, &remote, &tip, &made)))
				goto out;
		}
		res->received += count_commits(r, &remote, &local);
	}
	if (!reg_oid_equal(&tip, &local)) {
		if ((rc = changed_paths(r, &local, &tip, &paths, &npaths)) ||
		    (rc = reg_paths_clean(r, &local, paths, npaths)) ||
		    (rc = reg_advance(r, &local, &tip, paths, npaths, "preg sync")))
			goto out;
		/* The local commits replayed are no rewrite of history. */
		if (made || !reg_descends(r, &tip, &local))
			log_index_replayed(r, &local, &base);
	}
	if (has_remote && reg_oid_equal(&tip, &remote))
		goto out; /* nothing to send */
	snprintf(what, sizeof(what), "pushing to %s", res->remote);
	progress(o, what);
	if ((rc = push(r, res->remote, has_remote ? &remote : NULL, made > 0)))
		goto out;
	res->pushed = count_commits(r, &tip, has_remote ? &remote : NULL);
	/* Git updates it for a remote with a fetch refspec; make sure. */
	reg_ref_set(r, track, &tip, "preg sync: pushed");
	preg_error_clear();
out:
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	for (size_t i = 0; i < rp.nren; i++) {
		free(rp.from[i]);
		free(rp.to[i]);
	}
	free(rp.from);
	free(rp.to);
	free(rp.done);
	free(track);
	return rc;
}

int sync_run(struct reg *r, const struct sync_opts *o, struct sync_result *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = find_remote(r, o ? o->remote : NULL, &res->remote)))
		return rc;
	if ((rc = reg_lock(r)))
		return rc;
	for (int i = 0; i < ATTEMPTS; i++) {
		/* A retry starts over: what the last attempt merged is on
		 * the branch now and is replayed again onto the new remote. */
		merge_report_release(&res->rep);
		for (size_t k = 0; k < res->nnotes; k++)
			free(res->notes[k]);
		res->nnotes = 0;
		res->received = res->pushed = 0;
		rc = attempt(r, o, res);
		if (rc != PREG_EMODIFIED)
			break;
		progress(o, "the remote moved; starting again");
	}
	if (rc == PREG_EMODIFIED)
		rc = preg_error_set(PREG_ERR,
				    "'%s' kept moving during %d attempts; the local commits are kept: run 'preg sync' again",
				    res->remote, ATTEMPTS);
	reg_unlock(r);
	return rc;
}

/* ---- setting up ---- */

int sync_set_remote(struct reg *r, const char *url)
{
	char *k1 = xasprintf("branch.%s.remote", branch_of(r)), *k2 = xasprintf("branch.%s.merge", branch_of(r));
	char *old = NULL;
	int rc;

	/* The config git remote add writes. */
	rc = reg_config_get(r, "remote.origin.url", &old);
	if (!rc)
		rc = preg_error_set(PREG_EEXISTS, "the repository has a remote 'origin' already (%s)", old);
	else if (rc == PREG_ENOTFOUND)
		rc = 0;
	if (!rc && ((rc = reg_config_set(r, "remote.origin.url", url)) ||
		    (rc = reg_config_set(r, "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")) ||
		    (rc = reg_config_set(r, k1, "origin")) || (rc = reg_config_set(r, k2, reg_refname(r)))))
		preg_error_prefix("cannot set the remote '%s'", url);
	free(old);
	free(k1);
	free(k2);
	return rc;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	return f->level > 0 ? remove(p) : 0;
}

/* Remove what a failed clone left in dir (the directory itself stays
 * when it was there before). */
static void undo_clone(const char *dir, bool existed)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	if (!existed)
		rmdir(dir);
}

/* A bare repository made without init.defaultBranch names "master" in
 * its HEAD while the register was pushed to "main": the clone then has no
 * branch checked out. Check out main (or the only branch) instead. */
static int checkout_branch(const char *dir)
{
	char *pick = NULL;
	int rc = -1;

	if (!reg_clone_branch(dir, &pick)) {
		char *const argv[] = { "git", "-C", (char *)dir, "checkout", "--quiet", pick, NULL };

		rc = run_git(argv, NULL, NULL) == 0 ? 0 : -1;
	}
	free(pick);
	preg_error_clear();
	return rc;
}

int sync_clone(const char *url, const char *dir)
{
	struct buf err = BUF_INIT;
	struct reg *r = NULL;
	struct stat st;
	bool existed = !stat(dir, &st);
	char *const argv[] = { "git", "clone", "--quiet", "--", (char *)url, (char *)dir, NULL };
	int rc = 0, status;

	if (existed) {
		DIR *d = S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
		struct dirent *de;
		bool empty = d != NULL;

		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = false;
		if (d)
			closedir(d);
		if (!empty)
			return preg_error_set(PREG_EEXISTS, "'%s' exists and is not an empty directory", dir);
	}
	status = run_git(argv, NULL, &err);
	if (status) {
		rc = status < 0 ? status : preg_error_set(PREG_ERR, "cannot clone '%s': %s", url, last_line(&err));
		buf_release(&err);
		if (status > 0)
			undo_clone(dir, existed);
		return rc;
	}
	buf_release(&err);
	if (reg_open(&r, dir) && !checkout_branch(dir))
		rc = reg_open(&r, dir);
	if (!r) {
		preg_error_set(PREG_ENOREG, "'%s' holds no register (no preg.yaml on its default branch)", url);
		undo_clone(dir, existed);
		return PREG_ENOREG;
	}
	rc = reg_setup_clone(r);
	reg_free(r);
	if (rc)
		undo_clone(dir, existed);
	return rc;
}
