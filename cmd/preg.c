/*
 * preg: the customer support phases register.
 *
 * main: the global options, the top command table and dispatch. Every
 * command level is a table (cmd.h); help, usage, --list-cmds and --list-opts
 * walk the same tables.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"

#ifndef PREG_VERSION
#define PREG_VERSION "0.0.0"
#endif

static int cmd_help(int argc, char **argv, struct ctx *ctx);

static const struct option help_opts[] = { { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 } };
static const char *const help_usage[] = { "preg help [COMMAND [VERB]]", NULL };
static const struct cmd help_cmd = { "help", cmd_help, 0, "show the usage of preg or of a command",
				     help_opts, help_usage, NULL };

static const struct cmd *const top[] = {
	&init_cmd,
	&(const struct cmd){ "client", NULL, 0, "add, show, list, change, hold and remove clients", NULL, NULL,
			     client_cmds },
	&(const struct cmd){ "phase", NULL, 0, "list the phases and move clients through them", NULL,
			     NULL, phase_cmds },
	&note_cmd,
	&(const struct cmd){ "report", NULL, 0, "the register, the funnel, the managers, durations, reasons",
			     NULL, NULL, report_cmds },
	&remind_cmd,
	&(const struct cmd){ "manager", NULL, 0, "the managers: list them, send one away to a stand-in",
			     NULL, NULL, manager_cmds },
	&log_cmd,
	&review_cmd,
	&diff_cmd,
	&verify_cmd,
	&undo_cmd,
	&import_cmd,
	&export_cmd,
	&check_cmd,
	&doctor_cmd,
	&sync_cmd,
	&(const struct cmd){ "remote", NULL, 0, "a guarded bare repository to share a register through", NULL,
			     NULL, remote_cmds },
	&clone_cmd,
	&merge_file_cmd,
	&help_cmd,
	NULL,
};

/* The verb a group runs when none is named ("preg report" is "preg report
 * register"). */
static const struct {
	const char *group, *verb;
} default_verbs[] = { { "report", "register" } };

static const char *default_verb(const struct cmd *g)
{
	for (size_t i = 0; i < sizeof(default_verbs) / sizeof(*default_verbs); i++)
		if (!strcmp(default_verbs[i].group, g->name))
			return default_verbs[i].verb;
	return NULL;
}

static const char *const top_usage =
	"usage: preg [-C DIR] [--color=auto|always|never] [--version] [--help] COMMAND [ARGS]\n";

static const struct cmd *find(const struct cmd *const *list, const char *name)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i]->name, name))
			return list[i];
	return NULL;
}

static const struct cmd *find_verb(const struct cmd *group, const char *name)
{
	for (const struct cmd *v = group->sub; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static void print_commands(FILE *f)
{
	fputs(top_usage, f);
	fputs("\nCommands:\n", f);
	for (int i = 0; top[i]; i++) {
		if (!top[i]->sub) {
			fprintf(f, "   %-16s %s\n", top[i]->name, top[i]->summary);
			continue;
		}
		for (const struct cmd *v = top[i]->sub; v->name; v++) {
			char name[64];

			snprintf(name, sizeof(name), "%s %s", top[i]->name, v->name);
			fprintf(f, "   %-16s %s\n", name, v->summary);
		}
	}
	fputs("\nGlobal options:\n"
	      "   -C DIR           use the register in DIR\n"
	      "   --color=WHEN     colour tables: auto (default), always or never\n"
	      "   --version        print the version\n"
	      "\nSee 'preg help COMMAND' and 'man preg'.\n",
	      f);
}

static void print_group(FILE *f, const struct cmd *g)
{
	if (default_verb(g))
		fprintf(f, "usage: preg %s [VERB] [ARGS]\n\n%s.\n\nVerbs (%s when none is given):\n",
			g->name, g->summary, default_verb(g));
	else
		fprintf(f, "usage: preg %s VERB [ARGS]\n\n%s.\n\nVerbs:\n", g->name, g->summary);
	for (const struct cmd *v = g->sub; v->name; v++)
		fprintf(f, "   %-10s %s\n", v->name, v->summary);
	fprintf(f, "\nSee 'preg %s VERB --help' and 'man preg-%s'.\n", g->name, g->name);
}

static void list_opts(const struct cmd *c)
{
	for (const struct option *o = c->opts; o && o->name; o++)
		printf("--%s\n", o->name);
}

static int cmd_help(int argc, char **argv, struct ctx *ctx)
{
	const struct cmd *c, *v;
	struct ctx sub = *ctx;
	int opt, code;

	while ((opt = next_opt(argc, argv, "h", ctx, &code)) != -1)
		return usage_error(ctx, NULL);
	if (code >= 0)
		return code;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_commands(stdout);
		return EXIT_OK;
	}
	if (!(c = find(top, argv[0])))
		return usage_error(ctx, "unknown command '%s'", argv[0]);
	if (!c->sub) {
		sub.cmd = c;
		return show_help(&sub);
	}
	if (argc == 1) {
		print_group(stdout, c);
		return EXIT_OK;
	}
	if (!(v = find_verb(c, argv[1])))
		return usage_error(ctx, "unknown command '%s %s'", argv[0], argv[1]);
	sub.cmd = v;
	sub.group = c->name;
	return show_help(&sub);
}

static int run(const struct cmd *c, const char *group, int argc, char **argv, struct ctx *ctx)
{
	char *dir = NULL;
	int rc;

	ctx->cmd = c;
	ctx->group = group;
	if (argc > 1 && !strcmp(argv[1], "--list-opts")) {
		list_opts(c);
		return EXIT_OK;
	}
	if (c->flags & NEED_REGISTER) {
		bool wants_help = false;

		for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
				wants_help = true;
		/* Help needs no register. */
		if (!wants_help && (reg_locate(&dir, ctx->dir_opt, false) || reg_open(&ctx->reg, dir))) {
			free(dir);
			return fail();
		}
		free(dir);
	}
	optind = 0; /* a fresh getopt scan for this command */
	rc = c->fn(argc, argv, ctx);
	print_warnings();
	reg_free(ctx->reg);
	ctx->reg = NULL;
	return rc;
}

int main(int argc, char **argv)
{
	struct ctx ctx = { NULL, COLOR_AUTO, NULL, NULL, NULL };
	const struct cmd *c, *v;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-C")) {
			if (++i >= argc) {
				fprintf(stderr, "preg: option '-C' needs a directory\n%s", top_usage);
				return EXIT_USAGE;
			}
			ctx.dir_opt = argv[i];
		} else if (!strncmp(a, "-C", 2)) {
			ctx.dir_opt = a + 2;
		} else if (!strcmp(a, "--color") || !strcmp(a, "--color=always")) {
			ctx.color_mode = COLOR_ALWAYS;
		} else if (!strcmp(a, "--color=never")) {
			ctx.color_mode = COLOR_NEVER;
		} else if (!strcmp(a, "--color=auto")) {
			ctx.color_mode = COLOR_AUTO;
		} else if (!strncmp(a, "--color=", 8)) {
			fprintf(stderr, "preg: invalid --color value '%s' (auto, always or never)\n%s", a + 8,
				top_usage);
			return EXIT_USAGE;
		} else if (!strcmp(a, "--version")) {
			printf("preg %s\n", PREG_VERSION);
			return EXIT_OK;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_commands(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--list-cmds")) {
			for (int k = 0; top[k]; k++)
				printf("%s\n", top[k]->name);
			return EXIT_OK;
		} else {
			fprintf(stderr, "preg: unknown option '%s'\n%s", a, top_usage);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_commands(stderr);
		return EXIT_USAGE;
	}
	if (!(c = find(top, argv[i]))) {
		fprintf(stderr, "preg: unknown command '%s' (see 'preg help')\n", argv[i]);
		return EXIT_USAGE;
	}
	if (!c->sub)
		return run(c, NULL, argc - i, argv + i, &ctx);
	/* A group with a default verb runs it when no verb is named. */
	if (default_verb(c) && (i + 1 >= argc || (argv[i + 1][0] == '-' && strcmp(argv[i + 1], "-h") &&
					  strcmp(argv[i + 1], "--help") && strcmp(argv[i + 1], "--list-cmds"))))
		return run(find_verb(c, default_verb(c)), c->name, argc - i, argv + i, &ctx);
	if (i + 1 >= argc) {
		print_group(stderr, c);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i + 1], "-h") || !strcmp(argv[i + 1], "--help")) {
		print_group(stdout, c);
		return EXIT_OK;
	}
	if (!strcmp(argv[i + 1], "--list-cmds")) {
		for (v = c->sub; v->name; v++)
			printf("%s\n", v->name);
		return EXIT_OK;
	}
	if (!(v = find_verb(c, argv[i + 1]))) {
		fprintf(stderr, "preg: unknown command '%s %s' (see 'preg help %s')\n", c->name, argv[i + 1],
			c->name);
		return EXIT_USAGE;
	}
	return run(v, c->name, argc - i - 1, argv + i + 1, &ctx);
}
