/*
 * opts: the option parser of every command level. getopt_long's short
 * option string and struct option array are made here, at run time, from
 * the command's table (cmd.h) and the global table, so that an option is
 * written once: in its table.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "ops.h"
#include "when.h"
#include "xalloc.h"

/* The options of a parse: the command's, then the global ones. */
struct optset {
	const struct opt **v;
	bool *global;
	size_t n;
	struct option *longs;
	char *shorts;
};

/* A table that breaks the rules is a bug of this program, found by the
 * first run of the command (the docs test runs every one). */
static void table_bug(const struct cmd *cmd, const char *what, const struct opt *o)
{
	fprintf(stderr, "preg: bug: the table of '%s': %s (%s)\n", cmd->name ? cmd->name : "preg", what,
		o->name ? o->name : "-C");
	abort();
}

static void add_table(struct optset *s, const struct cmd *cmd, const struct opt *t, bool global)
{
	for (const struct opt *o = t; o && (o->key || o->name); o++) {
		if (!o->key)
			continue; /* an operand */
		for (size_t i = 0; i < s->n; i++) {
			if (s->v[i]->key == o->key)
				table_bug(cmd, "two options have one key", o);
			if (o->name && s->v[i]->name && !strcmp(s->v[i]->name, o->name))
				table_bug(cmd, "two options have one name", o);
		}
		if ((o->flags & OPT_SHORT) && (o->key > 127 || !((o->key | 32) >= 'a' && (o->key | 32) <= 'z')))
			table_bug(cmd, "a short option that is not a letter", o);
		if (!o->name && !(o->flags & OPT_SHORT))
			table_bug(cmd, "an option without a name", o);
		s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
		s->global = xrealloc(s->global, (s->n + 1) * sizeof(*s->global));
		s->v[s->n] = o;
		s->global[s->n++] = global;
	}
}

/* getopt_long's tables for the options of s. */
static void compile(struct optset *s, bool stop_at_operand)
{
	size_t nl = 0, ns = 0;

	s->longs = xcalloc(s->n + 1, sizeof(*s->longs));
	s->shorts = xcalloc(3 * s->n + 3, 1);
	/* "+": stop at the first operand; ":": a missing value is told
	 * apart from an unknown option. */
	if (stop_at_operand)
		s->shorts[ns++] = '+';
	s->shorts[ns++] = ':';
	for (size_t i = 0; i < s->n; i++) {
		const struct opt *o = s->v[i];
		int has = o->val == VAL_NONE ? no_argument
			  : o->flags & OPT_OPTVAL ? optional_argument
						  : required_argument;

		if (o->name) {
			s->longs[nl].name = o->name;
			s->longs[nl].has_arg = has;
			s->longs[nl++].val = o->key;
		}
		if (o->flags & OPT_SHORT) {
			s->shorts[ns++] = (char)o->key;
			if (has != no_argument)
				s->shorts[ns++] = ':';
			if (has == optional_argument)
				s->shorts[ns++] = ':';
		}
	}
}

static void optset_release(struct optset *s)
{
	free(s->v);
	free(s->global);
	free(s->longs);
	free(s->shorts);
}

/* The option of s with key, or NULL. */
static const struct opt *find_key(const struct optset *s, int key, bool *global)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i]->key == key) {
			*global = s->global[i];
			return s->v[i];
		}
	return NULL;
}

/* Whether word is one of the '|'-separated values. */
static bool is_value(const char *values, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = values; *p;) {
		size_t k = strcspn(p, "|");

		if (k == n && !strncmp(p, word, n))
			return true;
		p += k + (p[k] == '|');
	}
	return false;
}

/* "a, b or c" of "a|b|c", into b. */
static void values_words(struct buf *b, const char *values)
{
	for (const char *p = values; *p;) {
		size_t k = strcspn(p, "|");

		if (p != values)
			buf_adds(b, p[k] ? ", " : " or ");
		buf_add(b, p, k);
		p += k + (p[k] == '|');
	}
}

/* A bad value of an option the parser checks: a usage error, else 0. */
static int check_value(struct ctx *ctx, const struct opt *o, const char *arg, bool global)
{
	struct buf b = BUF_INIT;
	int rc;

	/* The formats, and the choices of the global options; any other
	 * value is for lib/ to judge (with its own words and exit code). */
	if (!o->values || (o->val != VAL_FORMAT && !global) || !arg || is_value(o->values, arg))
		return 0;
	values_words(&b, o->values);
	if (o->val == VAL_FORMAT)
		rc = usage_error(ctx, "unknown format '%s' (%s)", arg, buf_str(&b));
	else
		rc = usage_error(ctx, "invalid --%s value '%s' (%s)", o->name, arg, buf_str(&b));
	buf_release(&b);
	return rc;
}

/* The usage error of getopt's '?': an unknown option, or a value given
 * to an option that takes none. */
static int unknown(struct ctx *ctx, const struct optset *s, const char *word)
{
	bool global;

	if (!strncmp(word, "--", 2) && strchr(word, '=') && optopt && find_key(s, optopt, &global))
		return usage_error(ctx, "option '%.*s' takes no value", (int)strcspn(word, "="), word);
	if (optopt && strncmp(word, "--", 2))
		return usage_error(ctx, "unknown option '-%c'", optopt);
	return usage_error(ctx, "unknown option '%s'", word);
}

/* What a global option asks: -C and --color set ctx up; the others are
 * answered after the parse (the first one given). */
static int global_opt(struct ctx *ctx, const struct opt *o, const char *arg, int *answer, const char **answer_arg)
{
	switch (o->key) {
	case 'C':
		ctx->dir_opt = arg;
		return -1;
	case KEY_COLOR:
		ctx->color_mode = !arg || !strcmp(arg, "always") ? COLOR_ALWAYS
				  : !strcmp(arg, "never")        ? COLOR_NEVER
								 : COLOR_AUTO;
		return -1;
	}
	if (!*answer) {
		*answer = o->key;
		*answer_arg = arg;
	}
	return -1;
}

/* An optional value given as the next word (--color never), as getopt
 * takes a required one: only a word that is one of the option's choices,
 * so that a bare --color before an operand stays what it was. */
static void optional_choice(const struct opt *o, int argc, char **argv, char **arg)
{
	if ((o->flags & OPT_OPTVAL) && o->values && !*arg && optind < argc && is_value(o->values, argv[optind]))
		*arg = argv[optind++];
}

int opt_parse(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv, bool stop_at_operand, int *first)
{
	struct optset s = { 0 };
	const char *answer_arg = NULL;
	int c, rc = -1, answer = 0;

	if (cmd != &preg_cmd)
		add_table(&s, cmd, cmd->opts, false);
	add_table(&s, cmd, preg_cmd.opts, true);
	compile(&s, stop_at_operand);
	ctx->cmd = cmd;
	free(ctx->given);
	ctx->given = NULL;
	ctx->ngiven = ctx->next = 0;
	optind = 0; /* a fresh scan */
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, s.shorts, s.longs, NULL)) != -1) {
		const struct opt *o;
		bool global = false;

		if (c == '?') {
			rc = unknown(ctx, &s, argv[optind - 1]);
		} else if (c == ':') {
			o = find_key(&s, optopt, &global);
			rc = usage_error(ctx, "option '%s' needs %s", argv[optind - 1],
					 o && o->val == VAL_DIR ? "a directory" : "a value");
		} else if (!(o = find_key(&s, c, &global))) {
			rc = usage_error(ctx, "unknown option '%s'", argv[optind - 1]);
		} else if (optional_choice(o, argc, argv, &optarg), (rc = check_value(ctx, o, optarg, global)) == 0) {
			rc = -1;
			if (global) {
				rc = global_opt(ctx, o, optarg, &answer, &answer_arg);
			} else {
				ctx->given = xrealloc(ctx->given, (ctx->ngiven + 1) * sizeof(*ctx->given));
				ctx->given[ctx->ngiven].key = c;
				ctx->given[ctx->ngiven++].arg = optarg;
			}
		}
	}
	*first = optind;
	optset_release(&s);
	if (rc < 0 && answer)
		rc = answer_option(ctx, answer, answer_arg);
	return rc;
}

int opt_next(struct ctx *ctx, const char **arg)
{
	if (ctx->next >= ctx->ngiven) {
		*arg = NULL;
		return -1;
	}
	*arg = ctx->given[ctx->next].arg;
	return ctx->given[ctx->next++].key;
}

/* ---- after the option loop: operands, dates, filters ---- */

int no_operands(struct ctx *ctx, int argc, char **argv)
{
	if (argc)
		return usage_error(ctx, "unexpected argument '%s'", argv[0]);
	return -1;
}

int past_manager_arg(struct ctx *ctx, const char **m)
{
	const struct phases *ph;

	if (handle_valid(*m))
		return 0;
	ph = reg_phases(ctx->reg);
	if (ph->nmanagers && !phases_resolve_manager(ph, *m, m))
		return 0;
	preg_error_clear();
	return usage_error(ctx, "invalid manager '%s'", *m);
}

int date_opt(struct ctx *ctx, const char *opt, const char *s, int32_t *out)
{
	struct when_now n;

	if (when_now(&n) || when_date(out, s, &n))
		return usage_error(ctx, "%s: %s", opt, preg_error_msg());
	return 0;
}

int filter_args(struct ctx *ctx, int argc, char **argv, struct filter *f, const struct phases **ph)
{
	int rc = no_operands(ctx, argc, argv);

	if (rc >= 0)
		return rc;
	*ph = reg_phases(ctx->reg);
	if (filter_resolve(f, *ph))
		return usage_error(ctx, "%s", preg_error_msg());
	return -1;
}

bool filter_opt(struct filter *f, int c, const char *arg)
{
	switch (c) {
	case 'M': f->manager = arg; return true;
	case 'p': f->phase = arg; return true;
	case 't': filter_add_tag(f, arg); return true;
	case 'k': f->kind = arg; return true;
	case 'F': filter_add_field(f, arg); return true;
	case 's': f->stale = true; return true;
	case 'e': f->ended = true; return true;
	case 'o': f->open = true; return true;
	}
	return false;
}

bool next_step_opt(struct next_step *s, int c, const char *arg)
{
	switch (c) {
	case 'n': s->next = arg; return true;
	case 'a': s->action = arg; return true;
	case 'K': s->keep = true; return true;
	}
	return false;
}

int next_step_check(struct ctx *ctx, const struct next_step *s)
{
	if (s->keep && s->next)
		return usage_error(ctx, "--keep-next and --next: give one of them");
	return -1;
}
