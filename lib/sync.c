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

#include <git2.h>

#include "err.h"
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
	git_repository *repo = reg_repo(r);
	git_config *cfg = NULL;
	git_buf b = { 0 };
	char *key, *name;
	int valid = 0, rc = 0;

	*out = NULL;
	if (given) {
		name = xstrdup(given);
	} else {
		key = xasprintf("branch.%s.remote", branch_of(r));
		if (!git_repository_config_snapshot(&cfg, repo) && !git_config_get_string_buf(&b, cfg, key) &&
		    strcmp(b.ptr, "."))
			name = xstrdup(b.ptr);
		else
			name = xstrdup("origin");
		free(key);
		git_buf_dispose(&b);
		git_config_free(cfg);
		cfg = NULL;
	}
	if (git_remote_name_is_valid(&valid, name) || !valid) {
		rc = preg_error_set(PREG_EINVAL, "invalid remote name '%s'", name);
	} else {
		/* The remote's URL in the config says it is there
		 * (git_remote_lookup of libgit2 1.5 leaks a regex match). */
		key = xasprintf("remote.%s.url", name);
		if (git_repository_config_snapshot(&cfg, repo) || git_config_get_string_buf(&b, cfg, key))
			rc = preg_error_set(PREG_ENOTFOUND,
					    "no remote '%s' (add one with 'git remote add %s URL', or make the register with 'preg clone URL')",
					    name, name);
		free(key);
		git_buf_dispose(&b);
		git_config_free(cfg);
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
 * there). 0, PREG_EMODIFIED when the remote moved (rejected), or an error. */
static int push(struct reg *r, const char *remote, const git_oid *old)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	const char *br = reg_refname(r);
	char *lease = xasprintf("--force-with-lease=%s:%s", br, old ? git_oid_tostr_s(old) : "");
	char *spec = xasprintf("%s:%s", br, br);
	char *const argv[] = { "git", "-C", (char *)reg_dir(r), "push", "--porcelain",
			       "--no-verify", lease, (char *)remote, spec, NULL };
	int st = run_git(argv, &out, &err), rc = 0;
	char flag = 0;

	/* Porcelain: "F\tFROM:TO\tSUMMARY" per ref; F '!' is a rejection. */
	for (char *p = out.p; p && *p;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (p[0] && p[1] == '\t' && strstr(p, spec))
			flag = p[0];
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (st < 0)
		rc = st;
	else if (flag == '!')
		rc = PREG_EMODIFIED;
	else if (st || !flag)
		rc = preg_error_set(PREG_ERR, "cannot push to '%s': %s", remote, last_line(&err));
	buf_release(&out);
	buf_release(&err);
	free(lease);
	free(spec);
	return rc;
}

/* ---- replaying ---- */

struct replay {
	git_repository *repo;
	struct sync_result *res;
	char **from, **to; /* clients renamed on the way: local id -> new id */
	size_t nren, capf, capt;
};

static const char *renamed(const struct replay *rp, const char *id)
{
	for (size_t i = rp->nren; i-- > 0;)
		if (!strcmp(rp->from[i], id))
			return rp->to[i];
	return NULL;
}

static int read_blob(git_repository *repo, const git_oid *id, const char *path, struct record **out)
{
	git_blob *b = NULL;
	int rc;

	*out = NULL;
	if (git_blob_lookup(&b, repo, id))
		return reg_git_error(PREG_ERR, "cannot read %s", path);
	rc = record_parse(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), path, NULL);
	git_blob_free(b);
	return rc;
}

static int write_record(git_repository *repo, const struct record *rec, git_oid *out)
{
	struct buf b = BUF_INIT;
	int rc;

	record_write(&b, rec);
	rc = git_blob_create_from_buffer(out, repo, b.p, b.len);
	buf_release(&b);
	return rc ? reg_git_error(PREG_ERR, "cannot write %s", "objects") : 0;
}

/* The blob at path in tree; false when there is none. */
static bool entry_at(git_tree *tree, const char *path, git_oid *out)
{
	git_tree_entry *e = NULL;

	if (git_tree_entry_bypath(&e, tree, path))
		return false;
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return true;
}

struct ups {
	git_tree_update *v;
	char **paths;
	size_t n, cap, pcap;
};

static void up_add(struct ups *u, const char *path, const git_oid *blob)
{
	u->v = xgrow(u->v, &u->cap, u->n + 1, sizeof(*u->v));
	u->paths = xgrow(u->paths, &u->pcap, u->n + 1, sizeof(*u->paths));
	u->paths[u->n] = xstrdup(path);
	memset(&u->v[u->n], 0, sizeof(u->v[u->n]));
	u->v[u->n].path = u->paths[u->n];
	if (blob) {
		u->v[u->n].action = GIT_TREE_UPDATE_UPSERT;
		u->v[u->n].filemode = GIT_FILEMODE_BLOB;
		git_oid_cpy(&u->v[u->n].id, blob);
	} else {
		u->v[u->n].action = GIT_TREE_UPDATE_REMOVE;
	}
	u->n++;
}

static bool up_has(const struct ups *u, const char *path)
{
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->paths[i], path))
			return true;
	return false;
}

static void ups_release(struct ups *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->paths[i]);
	free(u->paths);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/* The first free id of the form ID-N at tree (and not taken in u). */
static char *free_id(git_tree *tree, const struct ups *u, const char *id)
{
	for (unsigned n = 2;; n++) {
		char *cand = slug_with_suffix(id, n), *path = record_path(cand);
		git_oid o;
		bool taken = entry_at(tree, path, &o) || up_has(u, path);

		free(path);
		if (!taken)
			return cand;
		free(cand);
	}
}

/* One path a local commit changed: base (in its parent), theirs (in the
 * commit; NULL ids mean absent), merged onto tree, staged in u. msg gets
 * the lines for the commit message. */
static int replay_path(struct replay *rp, git_tree *tree, const char *path, const git_oid *base,
		       const git_oid *theirs, struct ups *u, struct buf *msg)
{
	struct sync_result *res = rp->res;
	char *id = record_id_from_path(path), *target = NULL;
	const char *to = id ? renamed(rp, id) : NULL;
	struct record *rb = NULL, *ro = NULL, *rt = NULL, *m = NULL;
	git_oid ours, blob;
	bool has_ours;
	int rc = 0;

	target = to ? record_path(to) : xstrdup(path);
	has_ours = entry_at(tree, target, &ours);
	/* Untouched on the remote (the common case): the local change as it is. */
	if ((!base && !has_ours) || (base && has_ours && git_oid_equal(base, &ours))) {
		if (theirs && to) {
			/* A client renamed earlier in this sync: its later
			 * changes go to the new id. */
			if ((rc = read_blob(rp->repo, theirs, path, &rt)))
				goto out;
			free(rt->id);
			rt->id = xstrdup(to);
			if ((rc = write_record(rp->repo, rt, &blob)))
				goto out;
			up_add(u, target, &blob);
		} else {
			up_add(u, target, theirs);
		}
		goto out;
	}
	if ((theirs && has_ours && git_oid_equal(theirs, &ours)) || (!theirs && !has_ours))
		goto out; /* the same change on both sides */
	if (!id) {
		/* preg.yaml or another file: the replayed commit's version. */
		up_add(u, target, theirs);
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
	if (!has_ours) {
		/* Changed here, removed on the remote: kept with the change. */
		if ((rc = read_blob(rp->repo, theirs, path, &rt)))
			goto out;
		if (to) {
			free(rt->id);
			rt->id = xstrdup(to);
		}
		if ((rc = write_record(rp->repo, rt, &blob)))
			goto out;
		up_add(u, target, &blob);
		note(res, xasprintf("%s: removed on the remote but changed here; kept", to ? to : id));
		buf_addf(msg, "Preg-Conflict: %s removed on the remote but changed here, kept\n", to ? to : id);
		goto out;
	}
	if (!base) {
		/* Added here and on the remote under one id: the incoming
		 * (local) one is renamed. */
		char *nid = free_id(tree, u, id), *npath = record_path(nid);

		if ((rc = read_blob(rp->repo, theirs, path, &rt))) {
			free(nid);
			free(npath);
			goto out;
		}
		free(rt->id);
		rt->id = xstrdup(nid);
		if (!(rc = write_record(rp->repo, rt, &blob)))
			up_add(u, npath, &blob);
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
	if ((rc = read_blob(rp->repo, base, path, &rb)) || (rc = read_blob(rp->repo, &ours, target, &ro)) ||
	    (rc = read_blob(rp->repo, theirs, path, &rt)))
		goto out;
	{
		size_t before = res->rep.n;

		merge_record(&m, rb, ro, rt, &res->rep);
		for (size_t i = before; i < res->rep.n; i++)
			buf_addf(msg, "Preg-Conflict: %s %s '%s' replaced '%s'\n", res->rep.v[i].id,
				 res->rep.v[i].field, res->rep.v[i].theirs, res->rep.v[i].ours);
	}
	if (!(rc = write_record(rp->repo, m, &blob)))
		up_add(u, target, &blob);
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

/* Called for each file that differs between two trees: old or new is
 * NULL when the file is not on that side. */
typedef int (*change_fn)(void *arg, const char *path, const git_oid *old, const git_oid *new);

static int tree_changes_in(git_repository *repo, git_tree *a, git_tree *b, struct buf *path, change_fn cb,
			   void *arg);

/* One entry on one side or both (a or b NULL when absent). */
static int entry_changes(git_repository *repo, const git_tree_entry *a, const git_tree_entry *b,
			 struct buf *path, change_fn cb, void *arg)
{
	size_t len = path->len;
	bool ta = a && git_tree_entry_type(a) == GIT_OBJECT_TREE, tb = b && git_tree_entry_type(b) == GIT_OBJECT_TREE;
	git_tree *sa = NULL, *sb = NULL;
	int rc = 0;

	if (a && b && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)))
		return 0;
	buf_adds(path, git_tree_entry_name(a ? a : b));
	if (ta || tb) {
		/* Only subtrees that differ are read: the others are equal
		 * by their ids, which is what keeps this cheap at 100,000
		 * records. */
		if ((ta && git_tree_lookup(&sa, repo, git_tree_entry_id(a))) ||
		    (tb && git_tree_lookup(&sb, repo, git_tree_entry_id(b)))) {
			rc = reg_git_error(PREG_ERR, "cannot read %s", buf_str(path));
		} else {
			buf_addc(path, '/');
			rc = tree_changes_in(repo, sa, sb, path, cb, arg);
		}
		/* A file on the other side where this has a directory. */
		path->len = len;
		buf_adds(path, git_tree_entry_name(a ? a : b));
		if (!rc && a && !ta)
			rc = cb(arg, buf_str(path), git_tree_entry_id(a), NULL);
		if (!rc && b && !tb)
			rc = cb(arg, buf_str(path), NULL, git_tree_entry_id(b));
	} else {
		rc = cb(arg, buf_str(path), a ? git_tree_entry_id(a) : NULL, b ? git_tree_entry_id(b) : NULL);
	}
	git_tree_free(sa);
	git_tree_free(sb);
	path->len = len;
	path->p[len] = '\0';
	return rc;
}

static int tree_changes_in(git_repository *repo, git_tree *a, git_tree *b, struct buf *path, change_fn cb,
			   void *arg)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0, i = 0, j = 0;
	int rc = 0;

	/* Both lists are in git's tree order: walk them side by side. */
	while (!rc && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);

		if (c == 0) {
			rc = entry_changes(repo, ea, eb, path, cb, arg);
			i++;
			j++;
		} else if (c < 0) {
			rc = entry_changes(repo, ea, NULL, path, cb, arg);
			i++;
		} else {
			rc = entry_changes(repo, NULL, eb, path, cb, arg);
			j++;
		}
	}
	return rc;
}

/* Call cb for every file that differs between trees a and b. */
static int tree_changes(git_repository *repo, git_tree *a, git_tree *b, change_fn cb, void *arg)
{
	struct buf path = BUF_INIT;
	int rc;

	buf_adds(&path, "");
	rc = tree_changes_in(repo, a, b, &path, cb, arg);
	buf_release(&path);
	return rc;
}

struct replay_step {
	struct replay *rp;
	git_tree *tree;
	struct ups *u;
	struct buf *msg;
};

static int replay_change(void *arg, const char *path, const git_oid *old, const git_oid *new)
{
	struct replay_step *st = arg;

	return replay_path(st->rp, st->tree, path, old, new, st->u, st->msg);
}

/* Replay commit c onto *tip (whose tree is *tree): a new commit, or none
 * when everything it changed is on the remote already. */
static int replay_commit(struct replay *rp, git_commit *c, git_oid *tip, git_tree **tree, bool *made)
{
	git_commit *parent = NULL, *onto = NULL;
	git_tree *ptree = NULL, *ctree = NULL, *ntree = NULL;
	struct ups u = { 0 };
	struct buf msg = BUF_INIT;
	git_oid ntree_id;
	int rc = 0;

	*made = false;
	if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) ||
	    git_commit_tree(&ptree, parent) || git_commit_tree(&ctree, c)) {
		rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(git_commit_id(c)));
		goto out;
	}
	{
		struct replay_step st = { rp, *tree, &u, &msg };

		rc = tree_changes(rp->repo, ptree, ctree, replay_change, &st);
	}
	if (rc || !u.n)
		goto out;
	if (git_tree_create_updated(&ntree_id, rp->repo, *tree, u.n, u.v) ||
	    git_tree_lookup(&ntree, rp->repo, &ntree_id)) {
		rc = reg_git_error(PREG_ERR, "cannot write %s", "objects");
		goto out;
	}
	if (git_oid_equal(&ntree_id, git_tree_id(*tree)))
		goto out;
	{
		struct buf text = BUF_INIT;
		const char *m = git_commit_message(c);
		size_t len = strlen(m);

		buf_add(&text, m, len);
		if (msg.len) {
			if (len && m[len - 1] != '\n')
				buf_addc(&text, '\n');
			buf_add(&text, msg.p, msg.len);
		}
		if (git_commit_lookup(&onto, rp->repo, tip) ||
		    git_commit_create(tip, rp->repo, NULL, git_commit_author(c), git_commit_committer(c), NULL,
				      buf_str(&text), ntree, 1, (const git_commit **)&onto))
			rc = reg_git_error(PREG_ERR, "cannot write %s", "the commit");
		buf_release(&text);
	}
	if (!rc) {
		git_tree_free(*tree);
		*tree = ntree;
		ntree = NULL;
		*made = true;
	}
out:
	ups_release(&u);
	buf_release(&msg);
	git_tree_free(ntree);
	git_tree_free(ctree);
	git_tree_free(ptree);
	git_commit_free(onto);
	git_commit_free(parent);
	return rc;
}

/* The commits reachable from tip and not from hide, oldest first, first
 * parents only. */
static int walk(git_repository *repo, const git_oid *tip, const git_oid *hide, git_oid **out, size_t *n)
{
	git_revwalk *w = NULL;
	git_oid o;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (git_revwalk_new(&w, repo) || git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) ||
	    git_revwalk_push(w, tip) || (hide && git_revwalk_hide(w, hide))) {
		rc = reg_git_error(PREG_ERR, "cannot walk %s", "the history");
		goto out;
	}
	git_revwalk_simplify_first_parent(w);
	while (!git_revwalk_next(&o, w)) {
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		git_oid_cpy(&(*out)[(*n)++], &o);
	}
out:
	git_revwalk_free(w);
	return rc;
}

/* Flush the objects written to the disk: syncfs on the object store. */
static int flush_objects(git_repository *repo)
{
	char *dir = xasprintf("%sobjects", git_repository_path(repo));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || syncfs(fd))
		rc = preg_error_set(PREG_EIO, "cannot flush %s to the disk: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

/* Replay the commits base..local onto remote; *out is the new tip. */
static int replay(struct replay *rp, const git_oid *base, const git_oid *local, const git_oid *remote,
		  git_oid *out, size_t *made)
{
	git_oid *list = NULL;
	git_commit *rc_commit = NULL;
	git_tree *tree = NULL;
	size_t n;
	int rc;

	*made = 0;
	git_oid_cpy(out, remote);
	if ((rc = walk(rp->repo, local, base, &list, &n)))
		return rc;
	if (git_commit_lookup(&rc_commit, rp->repo, remote) || git_commit_tree(&tree, rc_commit)) {
		rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(remote));
		goto out;
	}
	/* One fsync per object would be much of the time of a long replay:
	 * write them unsynced, then flush the file system once, before the
	 * branch names any of them (SPEC §7: objects reach the disk first).
	 * The trees of a large register pass libgit2's cache limit for one
	 * object (4 KB): each commit would read them back and inflate them. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
	for (size_t i = 0; i < n && !rc; i++) {
		git_commit *c = NULL;
		bool made_one;

		if (git_commit_lookup(&c, rp->repo, &list[i])) {
			rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(&list[i]));
			break;
		}
		rc = replay_commit(rp, c, out, &tree, &made_one);
		*made += made_one;
		git_commit_free(c);
	}
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	if (!rc && *made)
		rc = flush_objects(rp->repo);
out:
	git_tree_free(tree);
	git_commit_free(rc_commit);
	free(list);
	return rc;
}

struct path_list {
	char **v;
	size_t n, cap;
};

static int add_path(void *arg, const char *path, const git_oid *old, const git_oid *new)
{
	struct path_list *l = arg;

	(void)old;
	(void)new;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(path);
	return 0;
}

/* The paths that differ between the trees of commits a and b. */
static int changed_paths(git_repository *repo, const git_oid *a, const git_oid *b, char ***out, size_t *n)
{
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	struct path_list l = { NULL, 0, 0 };
	int rc = 0;

	if (git_commit_lookup(&ca, repo, a) || git_commit_tree(&ta, ca) || git_commit_lookup(&cb, repo, b) ||
	    git_commit_tree(&tb, cb))
		rc = reg_git_error(PREG_ERR, "cannot compare %s with the remote", "the branch");
	else
		rc = tree_changes(repo, ta, tb, add_path, &l);
	*out = l.v;
	*n = l.n;
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	return rc;
}

static size_t count_commits(git_repository *repo, const git_oid *tip, const git_oid *hide)
{
	git_oid *list = NULL;
	size_t n = 0;

	walk(repo, tip, hide, &list, &n);
	free(list);
	return n;
}

/* One attempt: fetch, replay, move the branch, push. PREG_EMODIFIED when
 * the remote moved before the push. */
static int attempt(struct reg *r, const struct sync_opts *o, struct sync_result *res)
{
	git_repository *repo = reg_repo(r);
	struct replay rp = { repo, res, NULL, NULL, 0, 0, 0 };
	char *track = xasprintf("refs/remotes/%s/%s", res->remote, branch_of(r)), what[256];
	char **paths = NULL;
	size_t npaths = 0, made = 0;
	git_oid local, remote, base, tip;
	bool has_remote;
	int rc;

	snprintf(what, sizeof(what), "fetching from %s", res->remote);
	progress(o, what);
	if ((rc = fetch(r, res->remote)))
		goto out;
	if (git_reference_name_to_id(&local, repo, reg_refname(r))) {
		rc = reg_git_error(PREG_ERR, "cannot resolve %s", reg_refname(r));
		goto out;
	}
	has_remote = !git_reference_name_to_id(&remote, repo, track);
	git_oid_cpy(&tip, &local);
	if (has_remote && !git_oid_equal(&local, &remote)) {
		rc = git_merge_base(&base, repo, &local, &remote);
		if (rc == GIT_ENOTFOUND) {
			rc = preg_error_set(PREG_ERR,
					    "the register and '%s' share no history (to work on the shared register, use 'preg clone URL')",
					    res->remote);
			goto out;
		}
		if (rc) {
			rc = reg_git_error(PREG_ERR, "cannot compare the branch with %s", track);
			goto out;
		}
		if (git_oid_equal(&base, &local)) {
			git_oid_cpy(&tip, &remote); /* nothing local: fast-forward */
		} else if (!git_oid_equal(&base, &remote)) {
			size_t n = count_commits(repo, &local, &base);

			snprintf(what, sizeof(what), "replaying %zu local commit%s onto %s/%s", n,
				 n == 1 ? "" : "s", res->remote, branch_of(r));
			progress(o, what);
			if ((rc = replay(&rp, &base, &local, &remote, &tip, &made)))
				goto out;
		}
		res->received += count_commits(repo, &remote, &local);
	}
	if (!git_oid_equal(&tip, &local)) {
		if ((rc = changed_paths(repo, &local, &tip, &paths, &npaths)) ||
		    (rc = reg_paths_clean(r, &local, paths, npaths)) ||
		    (rc = reg_advance(r, &local, &tip, paths, npaths, "preg sync")))
			goto out;
	}
	if (has_remote && git_oid_equal(&tip, &remote))
		goto out; /* nothing to send */
	snprintf(what, sizeof(what), "pushing to %s", res->remote);
	progress(o, what);
	if ((rc = push(r, res->remote, has_remote ? &remote : NULL)))
		goto out;
	res->pushed = count_commits(repo, &tip, has_remote ? &remote : NULL);
	{
		git_reference *ref = NULL;

		/* Git updates it for a remote with a fetch refspec; make sure. */
		git_reference_create(&ref, repo, track, &tip, 1, "preg sync: pushed");
		git_reference_free(ref);
	}
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
	git_repository *repo = reg_repo(r);
	git_config *cfg = NULL;
	git_buf b = { 0 };
	char *k1 = xasprintf("branch.%s.remote", branch_of(r)), *k2 = xasprintf("branch.%s.merge", branch_of(r));
	int rc = 0;

	/* The config git remote add writes (git_remote_create of libgit2 1.5
	 * leaks a regex match). */
	if (git_repository_config(&cfg, repo))
		rc = reg_git_error(PREG_ERR, "cannot read %s", ".git/config");
	else if (!git_config_get_string_buf(&b, cfg, "remote.origin.url"))
		rc = preg_error_set(PREG_EEXISTS, "the repository has a remote 'origin' already (%s)", b.ptr);
	else if (git_config_set_string(cfg, "remote.origin.url", url) ||
		 git_config_set_string(cfg, "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*") ||
		 git_config_set_string(cfg, k1, "origin") || git_config_set_string(cfg, k2, reg_refname(r)))
		rc = reg_git_error(PREG_ERR, "cannot set the remote '%s'", url);
	git_buf_dispose(&b);
	git_config_free(cfg);
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
	git_repository *repo = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char *pick = NULL;
	int n = 0, rc = -1;

	git_libgit2_init();
	if (git_repository_open(&repo, dir) || git_reference_iterator_glob_new(&it, repo, "refs/remotes/origin/*"))
		goto out;
	while (!git_reference_next(&ref, it)) {
		const char *name = git_reference_name(ref) + strlen("refs/remotes/origin/");

		if (strcmp(name, "HEAD") && (!pick || !strcmp(name, "main"))) {
			free(pick);
			pick = xstrdup(name);
		}
		n += strcmp(name, "HEAD") != 0;
		git_reference_free(ref);
	}
	if (pick && (n == 1 || !strcmp(pick, "main"))) {
		char *const argv[] = { "git", "-C", (char *)dir, "checkout", "--quiet", pick, NULL };

		rc = run_git(argv, NULL, NULL) == 0 ? 0 : -1;
	}
out:
	free(pick);
	git_reference_iterator_free(it);
	git_repository_free(repo);
	git_libgit2_shutdown();
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
	rc = reg_setup_driver(r);
	if (!rc) {
		git_index *idx = NULL;

		/* Index version 4, as preg init makes it (SPEC §7). */
		if (!git_repository_index(&idx, reg_repo(r)) && git_index_version(idx) < 4 &&
		    !git_index_set_version(idx, 4))
			git_index_write(idx);
		git_index_free(idx);
	}
	reg_free(r);
	if (rc)
		undo_clone(dir, existed);
	return rc;
}
