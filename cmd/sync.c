/* sync: share a register (preg sync, preg clone, preg merge-file). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "remote.h"
#include "merge.h"
#include "sync.h"
#include "xalloc.h"

static int cmd_sync(int argc, char **argv, struct ctx *ctx);
static int cmd_clone(int argc, char **argv, struct ctx *ctx);
/* What a plain "git pull" needs in the new clone (remote.h). */
static int pull_merges(const char *dir)
{
	struct reg *r = NULL;
	int rc = reg_open(&r, dir) || remote_setup_pull(r, false);

	reg_free(r);
	return rc;
}

static int cmd_merge_file(int argc, char **argv, struct ctx *ctx);

static const struct option help_only[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const sync_usage[] = {
	"preg sync [REMOTE]",
	"",
	"    REMOTE   the git remote to sync with; default: the branch's remote, else origin",
	NULL,
};

static const char *const clone_usage[] = {
	"preg clone URL [DIR]",
	"",
	"    URL      the shared register: a path, file://, ssh:// or any URL git takes",
	"    DIR      where; default: -C, $PREG_DIR, else ~/.local/share/preg",
	NULL,
};

static const char *const merge_file_usage[] = {
	"preg merge-file BASE OURS THEIRS [PATH]",
	"",
	"    BASE, OURS, THEIRS   the three versions of a record (git's %O %A %B); the result goes to OURS",
	"    PATH                 the record's path, for messages (git's %P)",
	NULL,
};

const struct cmd sync_cmd = { "sync", cmd_sync, NEED_REGISTER | WRITES,
			      "fetch, merge record by record, push", help_only, sync_usage, NULL };
const struct cmd clone_cmd = { "clone", cmd_clone, 0, "clone a shared register and set up the merge driver",
			       help_only, clone_usage, NULL };
const struct cmd merge_file_cmd = { "merge-file", cmd_merge_file, 0,
				    "the merge driver git calls for client records", help_only,
				    merge_file_usage, NULL };

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

		print_visible(stdout, "%s: %s changed here and on %s: kept '%s', replaced '%s'\n", c->id, c->field,
			      res->remote, c->theirs, c->ours);
	}
	for (size_t i = 0; i < res->nnotes; i++)
		print_visible(stdout, "%s\n", res->notes[i]);
	if (!res->pushed && !res->received)
		print_visible(stdout, "up to date with %s\n", res->remote);
	else
		print_visible(stdout, "synced with %s: %zu commit%s received, %zu sent\n", res->remote, res->received,
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
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (argc - optind > 1)
		return usage_error(ctx, "too many arguments");
	return sync_and_report(ctx->reg, optind < argc ? argv[optind] : NULL);
}

static int cmd_clone(int argc, char **argv, struct ctx *ctx)
{
	char *dir = NULL, *abs;
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (argc - optind < 1)
		return usage_error(ctx, "clone needs the URL of a shared register");
	if (argc - optind > 2)
		return usage_error(ctx, "too many arguments");
	if (!argv[optind][0])
		return usage_error(ctx, "empty URL");
	if (optind + 1 < argc)
		dir = xstrdup(argv[optind + 1]);
	else if (reg_locate(&dir, ctx->dir_opt, true))
		return fail();
	if (sync_clone(argv[optind], dir) || pull_merges(dir)) {
		free(dir);
		return fail();
	}
	abs = realpath(dir, NULL);
	printf("cloned %s into %s\n", argv[optind], abs ? abs : dir);
	free(abs);
	free(dir);
	return EXIT_OK;
}

static int cmd_merge_file(int argc, char **argv, struct ctx *ctx)
{
	struct buf in[3] = { BUF_INIT, BUF_INIT, BUF_INIT }, out = BUF_INIT;
	const char *path;
	int c, code, conflicts = 0, rc = EXIT_FAIL;
	FILE *f;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (argc - optind < 3)
		return usage_error(ctx, "merge-file needs BASE, OURS and THEIRS");
	if (argc - optind > 4)
		return usage_error(ctx, "too many arguments");
	path = optind + 3 < argc ? argv[optind + 3] : argv[optind + 1];
	if (merge_read_inputs(in, (const char *const *)&argv[optind], path)) {
		rc = fail(); /* ours untouched: git sees the merge failed */
		goto out;
	}
	if (merge_text(&out, &conflicts, buf_str(&in[0]), in[0].len, buf_str(&in[1]), in[1].len, buf_str(&in[2]),
		       in[2].len, path)) {
		/* Not a record preg can read: git's own kind of conflict. */
		print_error(preg_error_msg());
		buf_reset(&out);
		merge_mark_whole(&out, buf_str(&in[1]), in[1].len, buf_str(&in[2]), in[2].len);
		conflicts = 1;
	}
	f = fopen(argv[optind + 1], "wb");
	if (f) {
		bool ok = fwrite(out.p ? out.p : "", 1, out.len, f) == out.len;

		if (fclose(f) || !ok)
			f = NULL;
	}
	if (!f) {
		preg_error_set(PREG_EIO, "cannot write '%s': %s", argv[optind + 1], strerror(errno));
		rc = fail();
		goto out;
	}
	if (conflicts)
		fprintf(stderr, "preg: %s: %d conflicting field%s marked\n", path, conflicts,
			conflicts == 1 ? "" : "s");
	rc = conflicts ? EXIT_FAIL : EXIT_OK;
out:
	for (int i = 0; i < 3; i++)
		buf_release(&in[i]);
	buf_release(&out);
	return rc;
}
