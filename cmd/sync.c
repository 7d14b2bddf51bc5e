/* sync: share a register (preg sync, preg clone, preg merge-file). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "merge.h"
#include "sync.h"
#include "xalloc.h"

static int cmd_sync(int argc, char **argv, struct ctx *ctx);
static int cmd_clone(int argc, char **argv, struct ctx *ctx);
static int cmd_merge_file(int argc, char **argv, struct ctx *ctx);

static const struct opt sync_opts[] = {
	OPERAND("REMOTE", VAL_REMOTE, OPT_OPTIONAL,
		"the git remote to sync with; default: the branch's remote, else origin"),
	OPT_END,
};

static const struct opt clone_opts[] = {
	OPERAND("URL", VAL_URL, 0, "the shared register: a path, file://, ssh:// or any URL git takes"),
	OPERAND("DIR", VAL_DIR, OPT_OPTIONAL, "where; default: -C, $PREG_DIR, else ~/.local/share/preg"),
	OPT_END,
};

static const struct opt merge_file_opts[] = {
	OPERAND("BASE", VAL_FILE, 0, "the common ancestor of the record (git's %O)"),
	OPERAND("OURS", VAL_FILE, 0, "our version (git's %A): the result goes here"),
	OPERAND("THEIRS", VAL_FILE, 0, "their version (git's %B)"),
	OPERAND("PATH", VAL_FILE, OPT_OPTIONAL, "the record's path, for messages (git's %P)"),
	OPT_END,
};

const struct cmd sync_cmd = {
	.name = "sync",
	.fn = cmd_sync,
	.flags = NEED_REGISTER | WRITES,
	.summary = "fetch, merge record by record, push",
	.opts = sync_opts,
};

const struct cmd clone_cmd = {
	.name = "clone",
	.fn = cmd_clone,
	.summary = "clone a shared register and set up the merge driver",
	.opts = clone_opts,
};

const struct cmd merge_file_cmd = {
	.name = "merge-file",
	.fn = cmd_merge_file,
	.summary = "the merge driver git calls for client records",
	.opts = merge_file_opts,
};

/* The progress line: one line on a terminal, rewritten in place. */
static void show_progress(void *arg, const char *what)
{
	(void)arg;
	fprintf(stderr, "\rpreg: %s...\033[K", what);
	fflush(stderr);
}

static void print_result(const struct sync_result *res)
{
	for (size_t i = 0; i < res->rep.n; i++) {
		const struct merge_conflict *c = &res->rep.v[i];

		printf("%s: %s changed here and on %s: kept '%s', replaced '%s'\n", c->id, c->field, res->remote,
		       c->theirs, c->ours);
	}
	for (size_t i = 0; i < res->nnotes; i++)
		printf("%s\n", res->notes[i]);
	if (!res->pushed && !res->received)
		printf("up to date with %s\n", res->remote);
	else
		printf("synced with %s: %zu commit%s received, %zu sent\n", res->remote, res->received,
		       res->received == 1 ? "" : "s", res->pushed);
}

/* Sync, print what happened; the exit code. */
int sync_and_report(struct reg *r, const char *remote)
{
	struct sync_opts o = { remote, NULL, NULL };
	struct sync_result res;
	bool tty = isatty(2);
	int rc;

	if (tty)
		o.progress = show_progress;
	rc = sync_run(r, &o, &res);
	if (tty)
		fputs("\r\033[K", stderr);
	if (!rc)
		print_result(&res);
	sync_result_release(&res);
	return rc ? fail() : EXIT_OK;
}

static int cmd_sync(int argc, char **argv, struct ctx *ctx)
{
	if (argc > 1)
		return usage_error(ctx, "too many arguments");
	return sync_and_report(ctx->reg, argc ? argv[0] : NULL);
}

static int cmd_clone(int argc, char **argv, struct ctx *ctx)
{
	char *dir = NULL, *abs;

	if (argc < 1)
		return usage_error(ctx, "clone needs the URL of a shared register");
	if (argc > 2)
		return usage_error(ctx, "too many arguments");
	if (!argv[0][0])
		return usage_error(ctx, "empty URL");
	if (argc > 1)
		dir = xstrdup(argv[1]);
	else if (reg_locate(&dir, ctx->dir_opt, true))
		return fail();
	if (sync_clone(argv[0], dir)) {
		free(dir);
		return fail();
	}
	abs = realpath(dir, NULL);
	printf("cloned %s into %s\n", argv[0], abs ? abs : dir);
	free(abs);
	free(dir);
	return EXIT_OK;
}

/* Read a whole file (at most twice the largest record) into b. */
static int slurp(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return preg_error_set(PREG_ENOTFOUND, "cannot read '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len <= 2 * YAML_MAX_DOC)
		buf_add(b, chunk, n);
	fclose(f);
	return 0;
}

static int cmd_merge_file(int argc, char **argv, struct ctx *ctx)
{
	struct buf base = BUF_INIT, ours = BUF_INIT, theirs = BUF_INIT, out = BUF_INIT;
	const char *path;
	int conflicts = 0, rc = EXIT_FAIL;
	FILE *f;

	if (argc < 3)
		return usage_error(ctx, "merge-file needs BASE, OURS and THEIRS");
	if (argc > 4)
		return usage_error(ctx, "too many arguments");
	path = argc > 3 ? argv[3] : argv[1];
	if (slurp(argv[0], &base) || slurp(argv[1], &ours) || slurp(argv[2], &theirs)) {
		rc = fail();
		goto out;
	}
	if (merge_text(&out, &conflicts, buf_str(&base), base.len, buf_str(&ours), ours.len, buf_str(&theirs),
		       theirs.len, path)) {
		/* Not a record preg can read: git's own kind of conflict. */
		print_error(preg_error_msg());
		buf_reset(&out);
		merge_mark_whole(&out, buf_str(&ours), ours.len, buf_str(&theirs), theirs.len);
		conflicts = 1;
	}
	f = fopen(argv[1], "wb");
	if (f) {
		bool ok = fwrite(out.p ? out.p : "", 1, out.len, f) == out.len;

		if (fclose(f) || !ok)
			f = NULL;
	}
	if (!f) {
		preg_error_set(PREG_EIO, "cannot write '%s': %s", argv[1], strerror(errno));
		rc = fail();
		goto out;
	}
	if (conflicts)
		fprintf(stderr, "preg: %s: %d conflicting field%s marked\n", path, conflicts,
			conflicts == 1 ? "" : "s");
	rc = conflicts ? EXIT_FAIL : EXIT_OK;
out:
	buf_release(&base);
	buf_release(&ours);
	buf_release(&theirs);
	buf_release(&out);
	return rc;
}
