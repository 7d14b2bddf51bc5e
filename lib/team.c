/* team: stand-ins and the away commit (see team.h). */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ptime.h"
#include "team.h"
#include "xalloc.h"
#include "yamlio.h"

const char *team_recipient(const struct phases *p, const char *handle, int32_t day)
{
	const char *to = handle;

	/* At most one step per manager: a circle of stand-ins all away ends
	 * where it started instead of going round. */
	for (size_t steps = 0; steps < p->nmanagers; steps++) {
		const struct manager *m = phases_manager(p, to);

		if (!m || !m->standin || day > m->away_until || !strcmp(m->standin, handle))
			break;
		to = m->standin;
	}
	return to;
}

static void spaces(struct buf *out, int n)
{
	while (n-- > 0)
		buf_addc(out, ' ');
}

/* One entry of managers:, with m's away entry replaced (or dropped). */
static void put_manager(struct buf *out, const struct ynode *k, const struct ynode *v, const char *m,
			const char *n, const char *until)
{
	bool kept = false;

	buf_adds(out, "  ");
	yaml_put_scalar(out, k->s, YCTX_BLOCK, false);
	buf_addc(out, ':');
	if (strcmp(k->s, m)) {
		yaml_put_node(out, v, 4);
		return;
	}
	if (v->type == YN_MAP)
		for (size_t i = 0; i + 1 < v->n; i += 2)
			if (strcmp(v->v[i]->s, "away")) {
				if (!kept)
					buf_addc(out, '\n');
				kept = true;
				spaces(out, 4);
				yaml_put_scalar(out, v->v[i]->s, YCTX_BLOCK, false);
				buf_addc(out, ':');
				yaml_put_node(out, v->v[i + 1], 6);
			}
	if (n) {
		if (!kept)
			buf_addc(out, '\n');
		buf_addf(out, "    away:\n      until: %s\n      standin: ", until);
		yaml_put_scalar(out, n, YCTX_BLOCK, true);
		buf_addc(out, '\n');
	} else if (!kept)
		buf_adds(out, " {}\n");
}

int team_settings_away(char **out, const char *yaml, size_t len, const char *m, const char *n,
		       int32_t until, int32_t today)
{
	struct ynode *root = NULL;
	struct phases *ph = NULL, *check = NULL;
	const struct manager *mg;
	struct buf b = BUF_INIT;
	struct ypos comment;
	char day[DATE_LEN];
	int rc;

	*out = NULL;
	if ((rc = phases_load(&ph, yaml, len, "preg.yaml")))
		goto out;
	rc = PREG_EINVAL;
	if (!(mg = phases_manager(ph, m))) {
		preg_error_set(rc, "unknown manager '%s' (preg.yaml lists the managers)", m);
		goto out;
	}
	if (n && !phases_manager(ph, n)) {
		preg_error_set(rc, "unknown manager '%s' (preg.yaml lists the managers)", n);
		goto out;
	}
	if (n && !strcmp(m, n)) {
		preg_error_set(rc, "manager '%s' cannot stand in for themselves", m);
		goto out;
	}
	date_format(day, until);
	if (n && until < today) {
		preg_error_set(rc, "date %s is in the past", day);
		goto out;
	}
	if (!n && !mg->standin) {
		preg_error_set(rc, "manager '%s' is not away", m);
		goto out;
	}
	if ((rc = yaml_load(&root, yaml, len, "preg.yaml", &comment)))
		goto out;
	if (comment.line) {
		rc = preg_error_set(PREG_EINVAL,
				    "preg.yaml has a comment (line %d) that rewriting it would lose: "
				    "move it out, then try again",
				    comment.line);
		goto out;
	}
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const struct ynode *k = root->v[i], *v = root->v[i + 1];

		yaml_put_scalar(&b, k->s, YCTX_BLOCK, false);
		buf_addc(&b, ':');
		if (strcmp(k->s, "managers")) {
			yaml_put_node(&b, v, 2);
			continue;
		}
		buf_addc(&b, '\n');
		for (size_t j = 0; j + 1 < v->n; j += 2)
			put_manager(&b, v->v[j], v->v[j + 1], m, n, day);
	}
	/* What is written must read back as meant. */
	if ((rc = phases_load(&check, b.p, b.len, "preg.yaml")))
		goto out;
	*out = buf_detach(&b);
out:
	buf_release(&b);
	ynode_free(root);
	phases_free(ph);
	phases_free(check);
	return rc;
}

struct away {
	const char *m, *n;
	int32_t until, today;
};

/* preg.yaml at the transaction's tip, into b. */
static int tip_settings(struct txn *t, struct buf *b)
{
	struct reg *r = txn_reg(t);
	struct reg_tree *tree = NULL;
	struct reg_oid tip, blob;
	int rc;

	if ((rc = txn_tip(t, &tip)))
		return rc;
	if (!(rc = reg_tree_of(r, &tip, &tree)) && !(rc = reg_tree_file(r, tree, "preg.yaml", &blob)))
		rc = reg_blob_read(r, &blob, b);
	reg_tree_free(tree);
	return rc;
}

static int mutate_away(struct txn *t, void *arg)
{
	const struct away *a = arg;
	struct buf b = BUF_INIT;
	char *text = NULL, *summary, day[DATE_LEN];
	int rc;

	if ((rc = tip_settings(t, &b)))
		goto out;
	if ((rc = team_settings_away(&text, b.p, b.len, a->m, a->n, a->until, a->today)))
		goto out;
	txn_put_file(t, "preg.yaml", text, strlen(text));
	date_format(day, a->until);
	summary = a->n ? xasprintf("manager: %s away until %s, %s stands in", a->m, day, a->n)
		       : xasprintf("manager: %s back", a->m);
	txn_message(t, summary, "manager", NULL);
	free(summary);
out:
	free(text);
	buf_release(&b);
	return rc;
}

int team_away(struct reg *r, const char *m, const char *n, int32_t until, int32_t today)
{
	struct away a = { m, n, until, today };

	return reg_write(r, 0, mutate_away, &a);
}
