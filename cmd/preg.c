/*
 * preg: the customer support phases register.
 *
 * main: the global options, the top command table and dispatch. Every
 * command level is a table (cmd.h); help, usage, --list-cmds and --list-opts
 * walk the same tables.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"

/* The global options: accepted before the command and after it. */
static const struct opt global_opts[] = {
	OPT_VALUE('C', NULL, VAL_DIR, "DIR", OPT_SHORT, "use the register in DIR"),
	OPT_CHOICE(KEY_COLOR, "color", VAL_CHOICE, "WHEN", "auto|always|never", OPT_OPTVAL,
		   "colour tables: auto (default), always or never"),
	OPT_FLAG(KEY_VERSION, "version", 0, "print the version"),
	OPT_FLAG('h', "help", OPT_SHORT, "print the commands, or a command's usage"),
	OPT_FLAG(KEY_LIST_CMDS, "list-cmds", OPT_HIDDEN, "the commands, or a group's verbs"),
	OPT_FLAG(KEY_LIST_OPTS, "list-opts", OPT_HIDDEN, "a command's operands and options"),
	OPT_VALUE(KEY_LIST_VALUES, "list-values", VAL_TEXT, "KIND", OPT_HIDDEN,
		  "the register's clients, phases, managers, tags or groups (report --by)"),
	OPERAND("COMMAND", VAL_COMMAND, 0, NULL),
	OPERAND("ARGS", VAL_TEXT, OPT_OPTIONAL, NULL),
	OPT_END,
};

const struct cmd preg_cmd = {
	.summary = "the customer support phases register",
	.opts = global_opts,
};

static const struct cmd client_group = {
	.name = "client",
	.summary = "add, show, list, change, hold and remove clients",
	.sub = client_cmds,
};

static const struct cmd contact_group = {
	.name = "contact",
	.summary = "add, change, remove and list a client's contact persons",
	.sub = contact_cmds,
};

static const struct cmd phase_group = {
	.name = "phase",
	.summary = "list the phases and move clients through them",
	.sub = phase_cmds,
};

static const struct cmd report_group = {
	.name = "report",
	.summary = "the register, the funnel, the managers, durations, reasons",
	.sub = report_cmds,
	.dflt = "register", /* "preg report" is "preg report register" */
};

static const struct cmd manager_group = {
	.name = "manager",
	.summary = "the managers: list them, send one away to a stand-in",
	.sub = manager_cmds,
};

static const struct cmd remote_group = {
	.name = "remote",
	.summary = "a guarded bare repository to share a register through",
	.sub = remote_cmds,
};

const struct cmd *const commands[] = {
	&init_cmd,   &client_group, &contact_group, &find_cmd, &phase_group, &note_cmd,   &report_group, &remind_cmd,
	&manager_group,
	&log_cmd,    &review_cmd,   &diff_cmd,    &verify_cmd, &undo_cmd,	  &import_cmd,
	&export_cmd, &check_cmd,    &doctor_cmd,  &upgrade_cmd, &sync_cmd,   &remote_group, &clone_cmd,
	&merge_file_cmd, &help_cmd, NULL,
};

/* Run command c (a verb of group, or NULL) on argv[0..argc), argv[0] its
 * name: its options, the register, then the command. */
static int run(const struct cmd *c, const char *group, int argc, char **argv, struct ctx *ctx)
{
	char *dir = NULL, **ids = NULL;
	size_t nids = 0;
	int rc, first;

	ctx->group = group;
	if ((rc = opt_parse(ctx, c, argc, argv, false, &first)) >= 0)
		goto out;
	if ((c->flags & NEED_REGISTER) && (reg_locate(&dir, ctx->dir_opt, false) || reg_open(&ctx->reg, dir))) {
		free(dir);
		rc = fail();
		goto out;
	}
	free(dir);
	/* Every command that takes a client id takes a name, here. */
	if (!(rc = resolve_clients(ctx, argc - first, argv + first, &ids, &nids)))
		rc = c->fn(argc - first, argv + first, ctx);
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	print_warnings();
	reg_free(ctx->reg);
	ctx->reg = NULL;
out:
	free(ctx->given);
	ctx->given = NULL;
	return rc;
}

/* Whether word, after a group's name, is an option of the group itself
 * (not of its default verb). */
static bool group_opt(const char *word)
{
	return !strcmp(word, "-h") || !strcmp(word, "--help") || !strcmp(word, "--list-cmds") ||
	       !strcmp(word, "--list-opts");
}

int main(int argc, char **argv)
{
	struct ctx ctx = { 0 };
	const struct cmd *c, *v;
	int rc, first;

	ctx.color_mode = COLOR_AUTO;
	/* Names sort in the user's collation (name_sort_key); nothing else of
	 * the locale applies: messages, numbers and dates stay as they are. */
	setlocale(LC_COLLATE, "");
	if ((rc = opt_parse(&ctx, &preg_cmd, argc, argv, true, &first)) >= 0)
		goto out;
	if (first >= argc) {
		rc = print_commands_usage();
		goto out;
	}
	argc -= first;
	argv += first;
	if (!(c = find_command(argv[0]))) {
		fprintf(stderr, "preg: unknown command '%s' (see 'preg help')\n", argv[0]);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!c->sub) {
		rc = run(c, NULL, argc, argv, &ctx);
		goto out;
	}
	/* A group with a default verb runs it when no verb is named. */
	if (c->dflt && (argc == 1 || (argv[1][0] == '-' && !group_opt(argv[1])))) {
		rc = run(find_verb(c, c->dflt), c->name, argc, argv, &ctx);
		goto out;
	}
	if ((rc = opt_parse(&ctx, c, argc, argv, true, &first)) >= 0)
		goto out;
	if (first >= argc) {
		rc = print_group(stderr, c);
		goto out;
	}
	if (!(v = find_verb(c, argv[first]))) {
		fprintf(stderr, "preg: unknown command '%s %s' (see 'preg help %s')\n", c->name, argv[first],
			c->name);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = run(v, c->name, argc - first, argv + first, &ctx);
out:
	free(ctx.given);
	return rc;
}
