/* upgrade: a register to the latest format version (see upgrade.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "layout.h"
#include "upgrade.h"
#include "xalloc.h"
#include "yamlio.h"

struct uctx {
	struct txn *t;
	unsigned from;
	size_t moved;
};

/* Stage one file of clients/ at its path in the new layout, by its blob
 * id: the records are moved byte for byte, so none is read (at 100,000
 * clients holding their text took half a gigabyte). */
static int move_file(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *blob)
{
	struct uctx *u = arg;
	char *id, *to;

	(void)old;
	if (strncmp(path, "clients/", 8) || !blob)
		return 0;
	if (!(id = layout_id(u->from, path)))
		return preg_error_set(PREG_EINVAL,
				      "%s: not a client record (expected %s); repair it first ('preg check' names "
				      "every such file)",
				      path, layout_pattern(u->from));
	to = layout_path(LAYOUT_LATEST, id);
	/* The old path goes, the same blob comes at the new one: git sees a
	 * rename (git log --follow). */
	txn_move(u->t, path, to, blob);
	u->moved++;
	free(to);
	free(id);
	return 0;
}

/* preg.yaml's text with its version value replaced by the latest: only
 * that scalar changes, so comments and the order of the keys stay. */
static int new_settings(struct reg *r, const struct reg_tree *tree, struct buf *out)
{
	struct reg_oid blob;
	struct buf old = BUF_INIT;
	struct ynode *root = NULL;
	const struct ynode *v;
	const char *p, *s;
	size_t at, vlen;
	int rc, line = 1;

	if ((rc = reg_tree_file(r, tree, "preg.yaml", &blob)) || (rc = reg_blob_read(r, &blob, &old)))
		goto out;
	if ((rc = yaml_load(&root, old.p, old.len, "preg.yaml", NULL)))
		goto out;
	v = ymap_get(root, "version");
	/* phases_load took it when the register opened. */
	for (p = buf_str(&old); *p && line < v->line; p++)
		if (*p == '\n')
			line++;
	s = p + v->col - 1;
	/* The scalar as written: 1, '1' or "1". */
	vlen = (*s == '\'' || *s == '"') ? strlen(v->s) + 2 : strlen(v->s);
	at = (size_t)(s - old.p);
	if (at + vlen > old.len) {
		rc = preg_error_set(PREG_EINVAL, "preg.yaml: cannot find the version to change");
		goto out;
	}
	buf_add(out, old.p, at);
	buf_addf(out, "%u", LAYOUT_LATEST);
	buf_add(out, old.p + at + vlen, old.len - at - vlen);
out:
	ynode_free(root);
	buf_release(&old);
	return rc;
}

static int upgrade_mutate(struct txn *t, void *arg)
{
	struct uctx *u = arg;
	struct reg *r = txn_reg(t);
	struct reg_oid tip;
	struct reg_tree *tree = NULL;
	struct buf text = BUF_INIT;
	char summary[128];
	int rc;

	u->t = t;
	u->moved = 0;
	if ((rc = txn_tip(t, &tip)) || (rc = reg_tree_of(r, &tip, &tree)) || (rc = new_settings(r, tree, &text)))
		goto out;
	if ((rc = reg_diff(r, NULL, tree, move_file, u)) < 0)
		goto out;
	txn_put_file(t, "preg.yaml", text.p, text.len);
	snprintf(summary, sizeof(summary), "upgrade: register version %u -> %u (%zu client%s moved)", u->from,
		 LAYOUT_LATEST, u->moved, u->moved == 1 ? "" : "s");
	txn_message(t, summary, "upgrade", NULL);
	rc = 0;
out:
	buf_release(&text);
	reg_tree_free(tree);
	return rc;
}

int upgrade_run(struct reg *r, struct upgrade_result *res)
{
	struct uctx u = { NULL, reg_layout(r), 0 };
	int rc;

	res->from = res->to = u.from;
	res->moved = 0;
	if (u.from >= LAYOUT_LATEST)
		return 0;
	if ((rc = reg_write(r, 0, upgrade_mutate, &u)))
		return rc;
	res->to = LAYOUT_LATEST;
	res->moved = u.moved;
	return 0;
}
