/* util: the printing helpers that every command shares (see cmd.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "find.h"
#include "log.h"
#include "ops.h"
#include "ptime.h"
#include "slug.h"
#include "when.h"
#include "xalloc.h"

/* A message may quote what the user or a record gave (an id, a file
 * name), and an escape sequence in it must not reach the terminal. */
void print_safe(FILE *f, const char *s)
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
		print_safe(stderr, w[i]);
		fputc('\n', stderr);
	}
	preg_warnings_free(w, n);
}

void print_error(const char *msg)
{
	fputs("preg: error: ", stderr);
	print_safe(stderr, msg);
	fputc('\n', stderr);
}

int fail(void)
{
	print_warnings();
	print_error(preg_error_msg());
	return EXIT_FAIL;
}

int skip_unreadable(int *bad)
{
	print_error(preg_error_msg());
	(*bad)++;
	return 0;
}

int walk_status(int rc, int bad)
{
	if (rc < 0)
		return fail();
	return bad ? EXIT_FAIL : EXIT_OK;
}

bool stdout_tty(void)
{
	return isatty(STDOUT_FILENO);
}

size_t term_columns(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (c && atoi(c) >= 40)
		return (size_t)atoi(c);
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	return 0;
}

size_t table_fit(bool wide)
{
	size_t cols = term_columns();

	if (wide)
		return FMT_WIDE;
	if (!stdout_tty() && !(getenv("COLUMNS") && *getenv("COLUMNS")))
		return 0;
	return cols ? cols : 80;
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

void print_step(const char *id, const struct next_step *s)
{
	if (s->done[0])
		print_visible(stdout, "%s: next contact %s done; set the next with --next\n", id, s->done);
}

/* The table entry of operand i: the i-th operand of the table, or the
 * last one when it repeats; NULL past the operands. */
static const struct opt *operand_at(const struct opt *t, int i)
{
	const struct opt *last = NULL;

	for (const struct opt *o = t; o && (o->key || o->name); o++) {
		if (o->key)
			continue;
		if (!i--)
			return o;
		last = o;
	}
	return last && (last->flags & OPT_REPEAT) ? last : NULL;
}

int resolve_clients(struct ctx *ctx, int argc, char **argv, char ***owned, size_t *nowned)
{
	for (int i = 0; ctx->reg && i < argc; i++) {
		const struct opt *o = operand_at(ctx->cmd->opts, i);
		char *id;

		if (!o || o->val != VAL_CLIENT)
			continue;
		/* The trail of a removed client, by its id: the id wins over
		 * a client now in the register whose name says the same. */
		if ((o->flags & OPT_PAST) && slug_valid(argv[i]) && !reg_exists(ctx->reg, argv[i]) &&
		    log_knows(ctx->reg, argv[i]))
			continue;
		if (find_client(&id, ctx->reg, argv[i])) {
			/* The trail of a removed client: its id matches no
			 * client now, and the command looks in the history. */
			if ((o->flags & OPT_PAST) && preg_error_code() == PREG_ENOTFOUND && slug_valid(argv[i]))
				continue;
			return fail();
		}
		*owned = xrealloc(*owned, (*nowned + 1) * sizeof(**owned));
		(*owned)[(*nowned)++] = id;
		argv[i] = id;
	}
	return 0;
}
