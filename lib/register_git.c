/* register_git: git history as the rest of preg may see it: commits, trees,
 * blobs, the one tree comparison, revision walks, refs and config (see
 * register.h). Nothing above the register calls libgit2. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "layout.h"
#include "record.h"
#include "register_priv.h"
#include "xalloc.h"

_Static_assert(sizeof(struct reg_oid) == sizeof(git_oid), "a reg_oid is a git_oid");

/* ---- ids ---- */

void reg_oid_hex(char out[REG_HEXSZ + 1], const struct reg_oid *o)
{
	git_oid_tostr(out, REG_HEXSZ + 1, GOID(o));
}

int reg_oid_parse(struct reg_oid *out, const char *hex)
{
	for (int i = 0; i < REG_HEXSZ; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f') ||
		      (hex[i] >= 'A' && hex[i] <= 'F')))
			return PREG_EINVAL;
	return git_oid_fromstrn((git_oid *)out, hex, REG_HEXSZ) ? PREG_EINVAL : 0;
}

bool reg_oid_equal(const struct reg_oid *a, const struct reg_oid *b)
{
	return !memcmp(a->id, b->id, REG_OIDSZ);
}

/* ---- refs ---- */

int reg_tip(struct reg *r, struct reg_oid *out)
{
	int rc = git_reference_name_to_id((git_oid *)out, r->repo, r->refname);

	if (rc == GIT_ENOTFOUND)
		return PREG_ENOTFOUND;
	return rc ? reg_git_error(PREG_ERR, "cannot resolve %s", r->refname) : 0;
}

int reg_resolve(struct reg *r, const char *rev, struct reg_oid *out)
{
	git_object *o = NULL, *c = NULL;
	int rc = 0;

	if (git_revparse_single(&o, r->repo, rev))
		return preg_error_set(PREG_ENOTFOUND, "unknown revision '%s'", rev);
	if (git_object_peel(&c, o, GIT_OBJECT_COMMIT))
		rc = preg_error_set(PREG_EINVAL, "revision '%s' is not a commit", rev);
	else
		git_oid_cpy((git_oid *)out, git_object_id(c));
	git_object_free(c);
	git_object_free(o);
	return rc;
}

int reg_ref(struct reg *r, const char *name, struct reg_oid *out)
{
	int rc = git_reference_name_to_id((git_oid *)out, r->repo, name);

	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
		return PREG_ENOTFOUND;
	return rc ? reg_git_error(PREG_ERR, "cannot resolve %s", name) : 0;
}

int reg_refs(struct reg *r, const char *glob, reg_ref_fn cb, void *arg)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc = 0, g;

	if (git_reference_iterator_glob_new(&it, r->repo, glob))
		return reg_git_error(PREG_ERR, "cannot list the refs %s", glob);
	while (!rc && !(g = git_reference_next(&ref, it))) {
		git_object *o = NULL;

		/* A ref that names no commit (a tag of a blob) is no branch. */
		if (!git_reference_peel(&o, ref, GIT_OBJECT_COMMIT))
			rc = cb(arg, git_reference_name(ref), ROID(git_object_id(o)));
		git_object_free(o);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_error_clear();
	return rc;
}

int reg_ref_set(struct reg *r, const char *name, const struct reg_oid *oid, const char *msg)
{
	git_reference *ref = NULL;
	int rc;

	if (!strcmp(name, r->refname))
		return preg_error_set(PREG_EINVAL, "%s is the register's branch: it moves only by a write",
				      name);
	rc = git_reference_create(&ref, r->repo, name, GOID(oid), 1, msg);
	git_reference_free(ref);
	return rc ? reg_write_err(r, "cannot update a ref") : 0;
}

/* ---- commits ---- */

static void sig_copy(struct reg_sig *out, const git_signature *s)
{
	out->name = xstrdup(s && s->name ? s->name : "");
	out->email = xstrdup(s && s->email ? s->email : "");
	out->time = s ? (int64_t)s->when.time : 0;
	out->offset = s ? s->when.offset : 0;
}

int reg_commit_read(struct reg *r, const struct reg_oid *oid, struct reg_commit *out)
{
	git_commit *c = NULL;
	const char *msg;

	memset(out, 0, sizeof(*out));
	if (git_commit_lookup(&c, r->repo, GOID(oid)))
		return reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(GOID(oid)));
	out->oid = *oid;
	reg_oid_hex(out->hex, oid);
	msg = git_commit_message(c);
	out->message = xstrdup(msg ? msg : "");
	sig_copy(&out->author, git_commit_author(c));
	sig_copy(&out->committer, git_commit_committer(c));
	out->nparents = git_commit_parentcount(c);
	out->parents = xcalloc(out->nparents + 1, sizeof(*out->parents));
	for (size_t i = 0; i < out->nparents; i++)
		git_oid_cpy((git_oid *)&out->parents[i], git_commit_parent_id(c, (unsigned)i));
	git_commit_free(c);
	return 0;
}

void reg_commit_release(struct reg_commit *c)
{
	free(c->message);
	free(c->author.name);
	free(c->author.email);
	free(c->committer.name);
	free(c->committer.email);
	free(c->parents);
	memset(c, 0, sizeof(*c));
}

bool reg_descends(struct reg *r, const struct reg_oid *a, const struct reg_oid *b)
{
	return reg_oid_equal(a, b) || git_graph_descendant_of(r->repo, GOID(a), GOID(b)) == 1;
}

int reg_merge_base(struct reg *r, const struct reg_oid *a, const struct reg_oid *b, struct reg_oid *out)
{
	int rc = git_merge_base((git_oid *)out, r->repo, GOID(a), GOID(b));

	if (rc == GIT_ENOTFOUND)
		return PREG_ENOTFOUND;
	return rc ? reg_git_error(PREG_ERR, "cannot find where two lines of history meet") : 0;
}

int reg_walk(struct reg *r, const struct reg_oid *from, const struct reg_oid *hide, unsigned flags,
	     reg_walk_fn cb, void *arg)
{
	git_revwalk *w = NULL;
	git_oid oid;
	int rc = 0, g;

	if (git_revwalk_new(&w, r->repo) ||
	    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | (flags & REG_WALK_OLDEST_FIRST ? GIT_SORT_REVERSE : 0)) ||
	    git_revwalk_push(w, GOID(from)) || (hide && git_revwalk_hide(w, GOID(hide)))) {
		git_revwalk_free(w);
		return reg_git_error(PREG_ERR, "cannot walk the history of %s", r->refname);
	}
	if (flags & REG_WALK_FIRST_PARENT)
		git_revwalk_simplify_first_parent(w);
	while (!rc && !(g = git_revwalk_next(&oid, w)))
		rc = cb(arg, (const struct reg_oid *)&oid);
	if (!rc && g != GIT_ITEROVER)
		rc = reg_git_error(PREG_ERR, "cannot walk the history of %s", r->refname);
	git_revwalk_free(w);
	return rc;
}

/* ---- trees and blobs ---- */

int reg_tree_of(struct reg *r, const struct reg_oid *commit, struct reg_tree **out)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	int rc = 0;

	if (git_commit_lookup(&c, r->repo, GOID(commit)) || git_commit_tree(&t, c))
		rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(GOID(commit)));
	git_commit_free(c);
	*out = (struct reg_tree *)t;
	return rc;
}

void reg_tree_free(struct reg_tree *t)
{
	git_tree_free(GTREE(t));
}

int reg_tree_file(struct reg *r, const struct reg_tree *t, const char *path, struct reg_oid *blob)
{
	git_tree_entry *e = NULL;
	int rc;

	if (!t)
		return PREG_ENOTFOUND;
	rc = git_tree_entry_bypath(&e, GTREE(t), path);
	if (rc == GIT_ENOTFOUND || (!rc && git_tree_entry_type(e) != GIT_OBJECT_BLOB))
		rc = PREG_ENOTFOUND;
	else if (rc)
		rc = reg_git_error(PREG_ERR, "cannot read %s", path);
	else
		git_oid_cpy((git_oid *)blob, git_tree_entry_id(e));
	git_tree_entry_free(e);
	(void)r;
	return rc;
}

int reg_blob_read(struct reg *r, const struct reg_oid *blob, struct buf *out)
{
	git_blob *b = NULL;

	if (git_blob_lookup(&b, r->repo, GOID(blob)))
		return reg_git_error(PREG_ERR, "cannot read blob %s", git_oid_tostr_s(GOID(blob)));
	buf_add(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return 0;
}

int reg_blob_record(struct reg *r, const struct reg_oid *blob, const char *path, bool lent,
		    struct record **out)
{
	git_blob *b = NULL;
	const char *text;
	size_t len;
	int rc;

	*out = NULL;
	if (git_blob_lookup(&b, r->repo, GOID(blob)))
		return reg_git_error(PREG_ERR, "cannot read %s", path);
	text = git_blob_rawcontent(b);
	len = (size_t)git_blob_rawsize(b);
	rc = lent ? record_parse_lent(out, text, len, path) : record_parse(out, text, len, path, NULL);
	git_blob_free(b);
	return rc;
}

int reg_tree_record_file(struct reg *r, const struct reg_tree *t, const char *id, struct reg_oid *blob,
			 char **path)
{
	char *p = reg_record_path(r, id);
	int rc = reg_tree_file(r, t, p, blob);

	/* Before an upgrade the record was at its path in the older layout. */
	for (unsigned v = LAYOUT_V1; rc == PREG_ENOTFOUND && v <= LAYOUT_LATEST; v++) {
		char *q = layout_path(v, id);

		if (!q || v == reg_layout(r)) {
			free(q);
			continue;
		}
		if (!(rc = reg_tree_file(r, t, q, blob))) {
			free(p);
			p = q;
		} else {
			free(q);
		}
	}
	if (path && !rc)
		*path = p;
	else
		free(p);
	return rc;
}

int reg_tree_record(struct reg *r, const struct reg_tree *t, const char *id, struct record **out)
{
	char *path = NULL;
	struct reg_oid blob;
	int rc;

	*out = NULL;
	rc = reg_tree_record_file(r, t, id, &blob, &path);
	if (!rc)
		rc = reg_blob_record(r, &blob, path, false, out);
	free(path);
	return rc;
}

/* ---- the tree comparison ---- */

struct diff {
	git_repository *repo;
	struct buf path;
	reg_diff_fn cb;
	void *arg;
};

static int diff_trees(struct diff *d, git_tree *a, git_tree *b);

/* One entry on one side or both (a or b NULL when absent). */
static int diff_entry(struct diff *d, const git_tree_entry *a, const git_tree_entry *b)
{
	size_t len = d->path.len;
	bool ta = a && git_tree_entry_type(a) == GIT_OBJECT_TREE, tb = b && git_tree_entry_type(b) == GIT_OBJECT_TREE;
	git_tree *sa = NULL, *sb = NULL;
	int rc = 0;

	if (a && b && git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
	    git_tree_entry_filemode(a) == git_tree_entry_filemode(b))
		return 0;
	buf_adds(&d->path, git_tree_entry_name(a ? a : b));
	if (ta || tb) {
		/* Only subtrees that differ are read: the others are equal
		 * by their ids, which is what keeps this cheap at 100,000
		 * records. */
		if ((ta && git_tree_lookup(&sa, d->repo, git_tree_entry_id(a))) ||
		    (tb && git_tree_lookup(&sb, d->repo, git_tree_entry_id(b)))) {
			rc = reg_git_error(PREG_ERR, "cannot read %s", buf_str(&d->path));
		} else {
			buf_addc(&d->path, '/');
			rc = diff_trees(d, sa, sb);
		}
		/* A file on the other side where this has a directory. */
		d->path.len = len;
		buf_adds(&d->path, git_tree_entry_name(a ? a : b));
		if (!rc && a && !ta)
			rc = d->cb(d->arg, buf_str(&d->path), ROID(git_tree_entry_id(a)), NULL);
		if (!rc && b && !tb)
			rc = d->cb(d->arg, buf_str(&d->path), NULL, ROID(git_tree_entry_id(b)));
	} else {
		rc = d->cb(d->arg, buf_str(&d->path), a ? ROID(git_tree_entry_id(a)) : NULL,
			   b ? ROID(git_tree_entry_id(b)) : NULL);
	}
	git_tree_free(sa);
	git_tree_free(sb);
	d->path.len = len;
	d->path.p[len] = '\0';
	return rc;
}

static int diff_trees(struct diff *d, git_tree *a, git_tree *b)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0, i = 0, j = 0;
	int rc = 0;

	/* Both lists are in git's tree order: walk them side by side. */
	while (!rc && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);

		if (c == 0) {
			rc = diff_entry(d, ea, eb);
			i++;
			j++;
		} else if (c < 0) {
			rc = diff_entry(d, ea, NULL);
			i++;
		} else {
			rc = diff_entry(d, NULL, eb);
			j++;
		}
	}
	return rc;
}

int reg_diff_repo(git_repository *repo, git_tree *a, git_tree *b, reg_diff_fn cb, void *arg)
{
	struct diff d = { repo, BUF_INIT, cb, arg };
	int rc;

	if (a && b && git_oid_equal(git_tree_id(a), git_tree_id(b)))
		return 0;
	buf_adds(&d.path, "");
	rc = diff_trees(&d, a, b);
	buf_release(&d.path);
	return rc;
}

int reg_diff(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, reg_diff_fn cb, void *arg)
{
	return reg_diff_repo(r->repo, GTREE(a), GTREE(b), cb, arg);
}

/* ---- config ---- */

int reg_config_get(struct reg *r, const char *key, char **out)
{
	git_config *cfg = NULL;
	git_buf b = { 0 };
	int rc = 0;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, r->repo))
		rc = reg_git_error(PREG_ERR, "cannot read the git config");
	else if (git_config_get_string_buf(&b, cfg, key))
		rc = PREG_ENOTFOUND;
	else
		*out = xstrdup(b.ptr);
	git_buf_dispose(&b);
	git_config_free(cfg);
	git_error_clear();
	return rc;
}

int reg_config_set(struct reg *r, const char *key, const char *value)
{
	git_config *cfg = NULL;
	int rc = 0;

	if (git_repository_config(&cfg, r->repo) || git_config_set_string(cfg, key, value))
		rc = reg_write_err(r, "cannot write .git/config");
	git_config_free(cfg);
	return rc;
}

bool reg_remote_valid(const char *name)
{
	int valid = 0;

	return !git_remote_name_is_valid(&valid, name) && valid;
}

int reg_clone_branch(const char *dir, char **out)
{
	git_repository *repo = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char *pick = NULL;
	int n = 0, rc = PREG_ENOTFOUND;

	*out = NULL;
	reg_lib_init();
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
		*out = pick;
		pick = NULL;
		rc = 0;
	}
out:
	free(pick);
	git_reference_iterator_free(it);
	git_repository_free(repo);
	reg_lib_shutdown();
	if (rc)
		preg_error_set(rc, "'%s' has no branch to check out", dir);
	return rc;
}
