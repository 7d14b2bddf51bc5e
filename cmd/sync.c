/* sync: fetch, merge record by record, push (preg sync); init --remote
 * shares a register through it too. */
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "sync.h"

static int cmd_sync(int argc, char **argv, struct ctx *ctx);

static const struct opt sync_opts[] = {
	OPERAND("REMOTE", VAL_REMOTE, OPT_OPTIONAL,
		"the git remote to sync with; default: the branch's remote, else origin"),
	OPT_END,
};

const struct cmd sync_cmd = {
	.name = "sync",
	.fn = cmd_sync,
	.flags = NEED_REGISTER | WRITES,
	.summary = "fetch, merge record by record, push",
	.opts = sync_opts,
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
	if (argc > 1)
		return usage_error(ctx, "too many arguments");
	return sync_and_report(ctx->reg, argc ? argv[0] : NULL);
}
