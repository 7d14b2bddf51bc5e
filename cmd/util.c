/* util: the printing helpers that every command shares (see cmd.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "ptime.h"
#include "xalloc.h"


/* Print a message with control characters shown as '?': a message may
 * quote what the user or a record gave (an id, a file name), and an escape
 * sequence in it must not reach the terminal. */
static void put_safe(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc('?', f);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', f);
			p++;
		} else
			fputc(*p, f);
	}
}

void print_usage(FILE *f, const struct cmd *cmd)
{
	if (!cmd->usage)
		return;
	for (int i = 0; cmd->usage[i]; i++) {
		if (!*cmd->usage[i])
			break;
		fprintf(f, "%s %s\n", i ? "      " : "usage:", cmd->usage[i]);
	}
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
		put_safe(stderr, msg);
		fputc('\n', stderr);
	}
	print_usage(stderr, ctx->cmd);
	return EXIT_USAGE;
}

int show_help(const struct ctx *ctx)
{
	const struct cmd *c = ctx->cmd;
	bool opts = false;

	print_usage(stdout, c);
	if (c->summary)
		printf("\n%s.\n", c->summary);
	for (int i = 0; c->usage && c->usage[i]; i++) {
		if (!*c->usage[i]) {
			opts = true;
			putchar('\n');
			continue;
		}
		if (opts)
			printf("%s\n", c->usage[i]);
	}
	/* help lives in preg(1); every other command has its page. */
	printf("\nSee 'man preg%s%s' for the details.\n", strcmp(c->name, "help") || ctx->group ? "-" : "",
	       ctx->group ? ctx->group : strcmp(c->name, "help") ? c->name : "");
	return EXIT_OK;
}

void print_visible(FILE *f, const char *fmt, ...)
{
	struct buf out = BUF_INIT;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	fmt_visible(&out, s, true);
	fwrite(buf_str(&out), 1, out.len, f);
	buf_release(&out);
	free(s);
}

void print_warnings(void)
{
	char **w;
	size_t n = preg_warnings_take(&w);

	for (size_t i = 0; i < n; i++) {
		fputs("preg: warning: ", stderr);
		put_safe(stderr, w[i]);
		fputc('\n', stderr);
	}
	preg_warnings_free(w, n);
}

void print_error(const char *msg)
{
	fputs("preg: error: ", stderr);
	put_safe(stderr, msg);
	fputc('\n', stderr);
}

int fail(void)
{
	print_warnings();
	print_error(preg_error_msg());
	return EXIT_FAIL;
}

int next_opt(int argc, char **argv, const char *shortopts, struct ctx *ctx, int *exit_code)
{
	static const struct option none[] = { { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 } };
	const struct option *opts = ctx->cmd->opts ? ctx->cmd->opts : none;
	char spec[64];
	int c;

	/* Options and operands may mix (GNU style), except after "--"; the
	 * leading ':' makes a missing value distinguishable. */
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	c = getopt_long(argc, argv, spec, opts, NULL);
	*exit_code = -1;
	if (c == 'h') {
		*exit_code = show_help(ctx);
		return -1;
	}
	if (c == '?') {
		if (optopt)
			*exit_code = usage_error(ctx, "unknown option '-%c'", optopt);
		else
			*exit_code = usage_error(ctx, "unknown option '%s'", argv[optind - 1]);
		return -1;
	}
	if (c == ':') {
		*exit_code = usage_error(ctx, "option '%s' needs a value", argv[optind - 1]);
		return -1;
	}
	return c;
}

bool stdout_tty(void)
{
	return isatty(STDOUT_FILENO);
}

int refuse_binary_tty(const char *example)
{
	char msg[256];

	if (!stdout_tty())
		return -1;
	snprintf(msg, sizeof(msg), "a workbook is not for a terminal: redirect it to a file (%s)", example);
	print_error(msg);
	return EXIT_USAGE;
}

bool want_color(const struct ctx *ctx)
{
	const char *nc = getenv("NO_COLOR");

	if (ctx->color_mode == COLOR_ALWAYS)
		return true;
	if (ctx->color_mode == COLOR_NEVER)
		return false;
	return !(nc && *nc) && stdout_tty() && !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
}

void flush_out(struct buf *out)
{
	if (out->len)
		fwrite(out->p, 1, out->len, stdout);
	buf_reset(out);
}

int today(int32_t *out)
{
	struct ptime t;

	if (ptime_now(&t))
		return -1;
	*out = ptime_day(t);
	return 0;
}

int filter_args(struct ctx *ctx, int argc, char **argv, int code, struct filter *f, const struct phases **ph)
{
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "unexpected argument '%s'", argv[optind]);
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
