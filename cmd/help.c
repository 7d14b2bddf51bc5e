/*
 * help: what describes the commands, all of it read from their tables:
 * the usage line, -h, the command list, "preg help", and the hidden
 * --list-cmds, --list-opts and --list-values that the completions ask.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "find.h"
#include "xalloc.h"

#ifndef PREG_VERSION
#define PREG_VERSION "0.0.0"
#endif

#define HELP_WIDTH 80 /* help lines are wrapped to fit it */
#define SPEC_MAX 24   /* a longer "--opt VALUE" puts its help on the next line */

static int cmd_help(int argc, char **argv, struct ctx *ctx);

static const struct opt help_opts[] = {
	OPERAND("COMMAND", VAL_COMMAND, OPT_OPTIONAL, NULL),
	OPERAND("VERB", VAL_VERB, OPT_OPTIONAL, NULL),
	OPT_END,
};

const struct cmd help_cmd = {
	.name = "help",
	.fn = cmd_help,
	.summary = "show the usage of preg or of a command",
	.opts = help_opts,
};

static bool is_end(const struct opt *o)
{
	return !o->key && !o->name;
}

/* The names --list-opts gives the value kinds (enum val). */
static const char *const val_names[] = {
	[VAL_NONE] = "none",	     [VAL_TEXT] = "text",	  [VAL_NAME] = "name",
	[VAL_CLIENT] = "client",     [VAL_MANAGER] = "manager",	  [VAL_PHASE] = "phase",
	[VAL_TAG] = "tag",	     [VAL_FIELD] = "field",	  [VAL_SETTING] = "setting",
	[VAL_CONTACT] = "contact",   [VAL_DATE] = "date",	  [VAL_TIME] = "time",
	[VAL_DAYS] = "days",	     [VAL_NUMBER] = "number",	  [VAL_CHOICE] = "choice",
	[VAL_FORMAT] = "format",     [VAL_FILE] = "file",	  [VAL_DIR] = "dir",
	[VAL_URL] = "url",	     [VAL_REMOTE] = "remote",	  [VAL_REV] = "revision",
	[VAL_MAP] = "map",	     [VAL_COMMAND] = "command",	  [VAL_VERB] = "verb",
	[VAL_GROUP] = "group",
};

/* ---- the usage line ---- */

/* An option as usage names it. In the synopsis, without brackets: "--tag
 * T", "--kind external|internal", "-m TEXT" (OPT_SYN_SHORT); in help:
 * "-f, --format F", the choices told in words. An operand: its name. */
static void opt_words(struct buf *b, const struct opt *o, bool help)
{
	if (!o->key) {
		buf_adds(b, o->name);
		return;
	}
	if (help && (o->flags & OPT_SHORT) && o->name)
		buf_addf(b, "-%c, ", o->key);
	if (o->name && (help || !(o->flags & OPT_SYN_SHORT)))
		buf_addf(b, "--%s", o->name);
	else
		buf_addf(b, "-%c", o->key);
	if (o->val != VAL_NONE)
		buf_addf(b, "%s%s", o->flags & OPT_OPTVAL ? "=" : " ",
			 o->values && (!help || !o->meta) ? o->values : o->meta ? o->meta : "VALUE");
}

/* The synopsis of cmd (under group, or NULL), as the man page has it:
 * "preg client hold ID --until DATE --reason TEXT". Operands and options
 * come in the order of the table; optional operands in a row nest. */
static void synopsis(struct buf *b, const struct cmd *cmd, const char *group)
{
	int nested = 0;

	buf_adds(b, "preg");
	if (group)
		buf_addf(b, " %s", group);
	if (cmd != &preg_cmd)
		buf_addf(b, " %s", cmd->name);
	if (cmd->sub) {
		buf_adds(b, cmd->dflt ? " [VERB] [ARGS]" : " VERB [ARGS]");
		return;
	}
	for (const struct opt *o = cmd->opts; o && !is_end(o); o++) {
		if (o->flags & OPT_HIDDEN)
			continue;
		if (!o->key && (o->flags & OPT_OPTIONAL)) {
			buf_addf(b, " [%s%s", o->name, o->flags & OPT_REPEAT ? "..." : "");
			nested++;
			continue;
		}
		for (; nested; nested--)
			buf_addc(b, ']');
		if (!o->key) {
			buf_addf(b, " %s%s", o->name, o->flags & OPT_REPEAT ? "..." : "");
			continue;
		}
		if (o->flags & OPT_OR)
			buf_adds(b, " | ");
		else
			buf_adds(b, o->flags & OPT_REQUIRED ? " " : " [");
		opt_words(b, o, false);
		/* "[--ended | --open]": the bracket closes after the last. */
		if (!is_end(o + 1) && (o[1].flags & OPT_OR))
			continue;
		if (!(o->flags & OPT_REQUIRED))
			buf_addc(b, ']');
		if (o->flags & OPT_REPEAT)
			buf_adds(b, "...");
	}
	for (; nested; nested--)
		buf_addc(b, ']');
}

void print_usage(FILE *f, const struct cmd *cmd, const char *group)
{
	struct buf b = BUF_INIT;

	synopsis(&b, cmd, group);
	fprintf(f, "usage: %s\n", buf_str(&b));
	buf_release(&b);
}

int usage_error(const struct ctx *ctx, const char *fmt, ...)
{
	if (fmt) {
		char msg[2048];
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		fputs("preg: ", stderr);
		print_safe(stderr, msg);
		fputc('\n', stderr);
	}
	print_usage(stderr, ctx->cmd, ctx->group);
	return EXIT_USAGE;
}

/* ---- help lines ---- */

/* Write text wrapped to HELP_WIDTH, the first line from column at (where
 * the caller stands), the others indented to column col. */
static void wrap(FILE *f, const char *text, size_t at, size_t col)
{
	const char *p = text;

	while (*p) {
		size_t room = at < HELP_WIDTH ? HELP_WIDTH - at : 1, n = 0, len = strlen(p);

		/* The longest run of whole words that fits (one word at least). */
		if (len <= room) {
			n = len;
		} else {
			for (size_t k = 0; k <= room && p[k]; k++)
				if (p[k] == ' ')
					n = k;
			if (!n)
				n = strcspn(p, " ");
		}
		fprintf(f, "%.*s\n", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
		if (*p)
			fprintf(f, "%*s", (int)col, "");
		at = col;
	}
}

void print_opt_help(FILE *f, const struct opt *opts)
{
	size_t width = 0;
	struct buf b = BUF_INIT;

	for (const struct opt *o = opts; o && !is_end(o); o++) {
		if (!o->help || (o->flags & OPT_HIDDEN))
			continue;
		buf_reset(&b);
		opt_words(&b, o, true);
		if (b.len <= SPEC_MAX && b.len > width)
			width = b.len;
	}
	for (const struct opt *o = opts; o && !is_end(o); o++) {
		size_t col = 4 + width + 3;

		if (!o->help || (o->flags & OPT_HIDDEN))
			continue;
		buf_reset(&b);
		opt_words(&b, o, true);
		fprintf(f, "    %s", buf_str(&b));
		if (b.len > width)
			fprintf(f, "\n%*s", (int)col, "");
		else
			fprintf(f, "%*s", (int)(col - 4 - b.len), "");
		wrap(f, o->help, col, col);
	}
	buf_release(&b);
}

/* ---- the command list, a group's verbs, a command's help ---- */

static void print_commands(FILE *f)
{
	print_usage(f, &preg_cmd, NULL);
	fputs("\nCommands:\n", f);
	for (int i = 0; commands[i]; i++) {
		const struct cmd *c = commands[i];

		if (!c->sub) {
			fprintf(f, "   %-16s %s\n", c->name, c->summary);
			continue;
		}
		for (const struct cmd *v = c->sub; v->name; v++) {
			char name[64];

			snprintf(name, sizeof(name), "%s %s", c->name, v->name);
			fprintf(f, "   %-16s %s\n", name, v->summary);
		}
	}
	fputs("\nGlobal options:\n", f);
	print_opt_help(f, preg_cmd.opts);
	fputs("\nSee 'preg help COMMAND' and 'man preg'.\n", f);
}

int print_group(FILE *f, const struct cmd *g)
{
	print_usage(f, g, NULL);
	if (g->dflt)
		fprintf(f, "\n%s.\n\nVerbs (%s when none is given):\n", g->summary, g->dflt);
	else
		fprintf(f, "\n%s.\n\nVerbs:\n", g->summary);
	for (const struct cmd *v = g->sub; v->name; v++)
		fprintf(f, "   %-10s %s\n", v->name, v->summary);
	fprintf(f, "\nSee 'preg %s VERB --help' and 'man preg-%s'.\n", g->name, g->name);
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int show_help(const struct ctx *ctx)
{
	const struct cmd *c = ctx->cmd;

	if (c == &preg_cmd) {
		print_commands(stdout);
		return EXIT_OK;
	}
	if (c->sub)
		return print_group(stdout, c);
	print_usage(stdout, c, ctx->group);
	printf("\n%s.\n", c->summary);
	if (c->doc) {
		putchar('\n');
		wrap(stdout, c->doc, 0, 0);
	}
	for (const struct opt *o = c->opts; o && !is_end(o); o++)
		if (o->help && !(o->flags & OPT_HIDDEN)) {
			putchar('\n');
			print_opt_help(stdout, c->opts);
			break;
		}
	/* help lives in preg(1); every other command has its page. */
	if (c == &help_cmd)
		printf("\nSee 'man preg' for the details.\n");
	else
		printf("\nSee 'man preg-%s' for the details.\n", ctx->group ? ctx->group : c->name);
	return EXIT_OK;
}

int print_commands_usage(void)
{
	print_commands(stderr);
	return EXIT_USAGE;
}

/* ---- preg help ---- */

static const struct cmd *find_in(const struct cmd *const *list, const struct cmd *sub, const char *name)
{
	for (int i = 0; list && list[i]; i++)
		if (!strcmp(list[i]->name, name))
			return list[i];
	for (const struct cmd *v = sub; v && v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

const struct cmd *find_command(const char *name)
{
	return find_in(commands, NULL, name);
}

const struct cmd *find_verb(const struct cmd *group, const char *name)
{
	return find_in(NULL, group->sub, name);
}

static int cmd_help(int argc, char **argv, struct ctx *ctx)
{
	const struct cmd *c, *v;
	struct ctx sub = *ctx;

	if (argc > 2)
		return usage_error(ctx, "too many arguments");
	sub.cmd = &preg_cmd;
	sub.group = NULL;
	if (argc == 0)
		return show_help(&sub);
	if (!(c = find_command(argv[0])))
		return usage_error(ctx, "unknown command '%s'", argv[0]);
	sub.cmd = c;
	if (argc == 1 || !c->sub)
		return show_help(&sub);
	if (!(v = find_verb(c, argv[1])))
		return usage_error(ctx, "unknown command '%s %s'", argv[0], argv[1]);
	sub.cmd = v;
	sub.group = c->name;
	return show_help(&sub);
}

/* ---- for the completions ---- */

static void list_cmds(const struct cmd *c)
{
	if (c == &preg_cmd)
		for (int i = 0; commands[i]; i++)
			printf("%s\n", commands[i]->name);
	for (const struct cmd *v = c->sub; v && v->name; v++)
		printf("%s\n", v->name);
}

/* One line of --list-opts (see list_opts). */
static void list_entry(const struct opt *o, bool global)
{
	static const struct {
		unsigned flag;
		const char *word;
	} words[] = {
		{ OPT_REPEAT, "repeat" },   { OPT_REQUIRED, "required" },   { OPT_OPTIONAL, "optional" },
		{ OPT_OPTVAL, "optional-value" }, { OPT_GLOBAL, "global" },
	};
	unsigned flags = o->flags | (global ? OPT_GLOBAL : 0);
	bool any = false;

	if (!o->key)
		printf("%s%s\t-", o->name, o->flags & OPT_REPEAT ? "..." : "");
	else if (o->name)
		printf("--%s\t%s%c", o->name, o->flags & OPT_SHORT ? "-" : "", o->flags & OPT_SHORT ? o->key : '-');
	else
		printf("-%c\t-%c", o->key, o->key);
	printf("\t%s\t", val_names[o->val]);
	if (o->values)
		for (const char *p = o->values; *p; p++)
			putchar(*p == '|' ? ' ' : *p);
	else
		putchar('-');
	putchar('\t');
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (flags & words[i].flag) {
			printf("%s%s", any ? "," : "", words[i].word);
			any = true;
		}
	printf("%s\t%s\n", any ? "" : "-", o->help ? o->help : "-");
}

/*
 * --list-opts: a line per operand and option of the command, in the order
 * of its table, then the global options; fields separated by a tab, "-"
 * for none:
 *   --format  -f  format  table tsv json  -       table (default on a ...)
 *   ID        -   client  -               -       -
 * the spelling (an operand's name, "..." when repeated), the short option,
 * the value kind (none: a flag), the choices, the flags (repeat,
 * required, optional, optional-value, global), the help.
 */
static void list_opts(const struct cmd *c)
{
	for (const struct opt *o = c == &preg_cmd ? NULL : c->opts; o && !is_end(o); o++)
		if (!(o->flags & OPT_HIDDEN))
			list_entry(o, false);
	for (const struct opt *o = preg_cmd.opts; !is_end(o); o++)
		if (o->key && !(o->flags & OPT_HIDDEN))
			list_entry(o, true);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct values {
	const char *kind;
	char **v;
	size_t n;
};

static void values_add(struct values *s, const char *v)
{
	if (!v || !*v)
		return;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = xstrdup(v);
}

static int values_cb(void *arg, const char *id, const char *path, struct record *r)
{
	struct values *s = arg;

	(void)path;
	if (!strcmp(s->kind, "client"))
		values_add(s, id);
	else if (!strcmp(s->kind, "client-name") && id) {
		/* "ID<tab>NAME": the name for a completion's description, on one
		 * line and with nothing a terminal would act on. */
		struct buf b = BUF_INIT;

		buf_addf(&b, "%s\t", id);
		if (r && r->name)
			fmt_visible(&b, r->name, false);
		values_add(s, buf_str(&b));
		buf_release(&b);
	}
	else if (r && !strcmp(s->kind, "manager"))
		values_add(s, r->manager);
	else if (r && !strcmp(s->kind, "group"))
		for (size_t i = 0; i < r->fields.n; i++) {
			char *k = xasprintf("fields.%s", r->fields.v[i].k);

			values_add(s, k);
			free(k);
		}
	else if (r)
		for (size_t i = 0; i < r->ntags; i++)
			values_add(s, r->tags[i]);
	return 0;
}

/* s on a line, with nothing a terminal would act on. */
static void print_visible_line(const char *s)
{
	struct buf b = BUF_INIT;

	fmt_visible(&b, s, false);
	printf("%s\n", buf_str(&b));
	buf_release(&b);
}

/* contact:TEXT of --list-values: the contacts of the client TEXT names
 * (an id, a name or a unique part, as every command takes it), "N<tab>
 * WHO" a line, WHO the contact as contact add takes it, made visible. */
static int list_contacts(struct ctx *ctx, const char *text)
{
	static const char *const keys[] = { "name", "email", "role", "phone" };
	struct record *r = NULL;
	char *id = NULL;

	if (find_client(&id, ctx->reg, text) || reg_read(ctx->reg, id, &r)) {
		free(id);
		return fail();
	}
	for (size_t i = 0; i < r->ncontacts; i++) {
		struct buf b = BUF_INIT;

		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
			const char *v = kv_get(&r->contacts[i], keys[k]);

			if (!v || !*v)
				continue;
			if (b.len)
				buf_adds(&b, k == 1 ? " " : "; ");
			buf_addf(&b, k == 1 ? "<%s>" : "%s", v);
		}
		printf("%zu\t", i + 1);
		print_visible_line(buf_str(&b));
		buf_release(&b);
	}
	record_free(r);
	free(id);
	return EXIT_OK;
}

/* --list-values KIND: the clients' ids, the clients' ids and names
 * (client-name: "ID<tab>NAME", for the completions to describe or offer
 * names), the phases' keys, the managers ("HANDLE<tab>NAME" where
 * preg.yaml gives a display name), the tags, or what a report groups by
 * (kind, manager, tag and fields.KEY for each free field used) of the
 * register, one per line, sorted, each once; or contact:TEXT, the
 * numbered contacts of a client (list_contacts). */
static int list_values(struct ctx *ctx, const char *kind)
{
	struct values s = { kind, NULL, 0 };
	const struct phases *ph;
	char *dir = NULL;
	int rc = EXIT_OK;

	if (strcmp(kind, "client") && strcmp(kind, "client-name") && strcmp(kind, "phase") &&
	    strcmp(kind, "manager") && strcmp(kind, "tag") && strcmp(kind, "group") && strncmp(kind, "contact:", 8))
		return usage_error(ctx, "unknown kind '%s' (client, client-name, phase, manager, tag, group or contact:ID)", kind);
	if (reg_locate(&dir, ctx->dir_opt, false) || reg_open(&ctx->reg, dir)) {
		free(dir);
		return fail();
	}
	free(dir);
	ph = reg_phases(ctx->reg);
	if (!strncmp(kind, "contact:", 8)) {
		rc = list_contacts(ctx, kind + 8);
		goto out;
	}
	if (!strcmp(kind, "phase")) {
		for (size_t i = 0; i < ph->n; i++)
			printf("%s\n", ph->v[i].key);
		goto out;
	}
	if (!strcmp(kind, "manager"))
		for (size_t i = 0; i < ph->nmanagers; i++)
			values_add(&s, ph->managers[i].handle);
	if (!strcmp(kind, "group")) {
		values_add(&s, "kind");
		values_add(&s, "manager");
		values_add(&s, "tag");
	}
	/* Ids need no parsing; managers and tags come from the summaries. */
	if ((!strcmp(kind, "client") ? reg_each(ctx->reg, true, values_cb, &s)
				     : reg_each_summary(ctx->reg, values_cb, &s)) < 0)
		rc = fail();
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), cmp_str);
	for (size_t i = 0; i < s.n; i++) {
		const struct manager *m;

		if (rc || (i && !strcmp(s.v[i], s.v[i - 1])))
			continue;
		/* A manager's display name, for the completions to describe
		 * the handle by, or to offer when no handle fits. */
		if (!strcmp(kind, "manager") && (m = phases_manager(ph, s.v[i])) && m->name && *m->name) {
			printf("%s\t", s.v[i]);
			print_visible_line(m->name);
		} else {
			printf("%s\n", s.v[i]);
		}
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i]);
	free(s.v);
out:
	reg_free(ctx->reg);
	ctx->reg = NULL;
	return rc;
}

int answer_option(struct ctx *ctx, int key, const char *arg)
{
	switch (key) {
	case 'h': return show_help(ctx);
	case KEY_VERSION: printf("preg %s\n", PREG_VERSION); return EXIT_OK;
	case KEY_LIST_CMDS: list_cmds(ctx->cmd); return EXIT_OK;
	case KEY_LIST_OPTS: list_opts(ctx->cmd); return EXIT_OK;
	case KEY_LIST_VALUES: return list_values(ctx, arg);
	}
	return EXIT_OK;
}
