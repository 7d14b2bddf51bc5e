/* find: clients by what people remember of them (preg find). */
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "find.h"

static int cmd_find(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPERAND("TEXT", VAL_TEXT, 0, "a name or a part of it, an id, a contact's name, a phone, an e-mail, a word"),
	OPT_FLAG('n', "notes", OPT_SHORT, "search the notes and remarks too (reads every record: slower)"),
	OPT_FLAG('w', "wide", 0, "the table as wide as its cells (default on a terminal: it fits the width)"),
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|json", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise) or json"),
	OPT_END,
};

const struct cmd find_cmd = {
	.name = "find",
	.fn = cmd_find,
	.flags = NEED_REGISTER,
	.summary = "find clients by name, id, contact, phone, e-mail, field or note",
	.opts = opts,
	.doc = "Best first: the id itself, the name, a contact, a field, then a note. Letter case, "
	       "ё and е, legal forms and quotes do not matter; a Cyrillic name may be typed in Latin; "
	       "a phone number matches in any of its forms. Nothing found: exit status 1.",
};

static const struct fmt_col cols[] = {
	{ "id", COL_TEXT },
	{ "name", COL_TEXT },
	{ "match", COL_TEXT },
	{ "matched", COL_WIDE },
};

/* On a terminal: the id and the match word whole, the name shortened to
 * its distinctive part, what matched cut first. */
static const enum col_fit fits[] = { FIT_WHOLE, FIT_NAME, FIT_WHOLE, FIT_FREE };

/* What the match column says for a rank. */
static const char *rank_word(enum find_rank r)
{
	switch (r) {
	case FIND_ID: return "id";
	case FIND_NAME:
	case FIND_NAME_WORDS:
	case FIND_NAME_PART: return "name";
	case FIND_CONTACT: return "contact";
	case FIND_FIELD: return "field";
	case FIND_NOTE: return "note";
	case FIND_NONE: break;
	}
	return "";
}

static int cmd_find(int argc, char **argv, struct ctx *ctx)
{
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	struct fmt_writer w;
	struct buf out = BUF_INIT;
	const struct find_hit *v;
	struct find *f = NULL;
	bool notes = false, wide = false;
	const char *arg;
	char *unused = NULL;
	size_t n;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		if (c == 'n')
			notes = true;
		else if (c == 'w')
			wide = true;
		else if (c == 'f')
			fmt_parse(&fmt, arg);
	}
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "find needs a text" : "too many arguments (quote a text with spaces)");
	if (find_new(&f, argv[0]) || find_register(f, ctx->reg, notes)) {
		find_free(f);
		return fail();
	}
	v = find_hits(f, &n);
	if (!n) {
		/* Nothing: the resolver's message, with the names spelt nearly so. */
		find_resolve(f, &unused);
		find_free(f);
		fail();
		if (!notes)
			fputs("hint: notes and remarks were not searched: 'preg find --notes TEXT' reads them too\n", stderr);
		return EXIT_FAIL;
	}
	fmt_start(&w, &out, fmt, cols, sizeof(cols) / sizeof(*cols), false, -1);
	if (fmt == FMT_TABLE)
		fmt_fit(&w, table_fit(wide), fits);
	for (size_t i = 0; i < n; i++) {
		const char *what = v[i].why ? v[i].why : v[i].rank == FIND_ID || !v[i].name ? v[i].id : v[i].name;
		const char *cells[] = { v[i].id, v[i].name, rank_word(v[i].rank), what };

		fmt_row(&w, &out, cells, NULL);
		if (out.len > 65536 && fmt != FMT_TABLE)
			flush_out(&out);
	}
	fmt_end(&w, &out);
	flush_out(&out);
	buf_release(&out);
	find_free(f);
	return EXIT_OK;
}
