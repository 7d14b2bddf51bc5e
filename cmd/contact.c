/* contact: a client's contact persons, numbered from 1 (preg contact). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "history.h"
#include "ops.h"

static int contact_add(int argc, char **argv, struct ctx *ctx);
static int contact_set(int argc, char **argv, struct ctx *ctx);
static int contact_rm(int argc, char **argv, struct ctx *ctx);
static int contact_list(int argc, char **argv, struct ctx *ctx);

static const struct opt add_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPERAND("CONTACT", VAL_TEXT, 0,
		"'NAME <EMAIL>; ROLE; PHONE', as client add --contact takes it; any part may be left out"),
	OPT_END,
};

static const struct opt set_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPERAND("N", VAL_CONTACT, 0, "the contact's number (see 'preg contact list ID')"),
	{ 0, "KEY=VALUE", VAL_SETTING, NULL, "name=|email=|role=|phone=", OPT_REPEAT,
	  "KEY is name, email, role or phone; an empty VALUE clears" },
	OPT_END,
};

static const struct opt rm_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPERAND("N", VAL_CONTACT, 0, "the contact's number; the later ones move up"),
	OPT_END,
};

static const struct opt list_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_FLAG('w', "wide", 0, "the table as wide as its cells (default on a terminal: it fits the width)"),
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|json", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise) or json"),
	OPT_END,
};

const struct cmd contact_cmds[] = {
	{ .name = "add", .fn = contact_add, .flags = NEED_REGISTER | WRITES,
	  .summary = "add a contact person to a client and print its number", .opts = add_opts },
	{ .name = "set", .fn = contact_set, .flags = NEED_REGISTER | WRITES,
	  .summary = "change a contact's name, e-mail, role or phone", .opts = set_opts },
	{ .name = "rm", .fn = contact_rm, .flags = NEED_REGISTER | WRITES, .summary = "remove a contact",
	  .opts = rm_opts },
	{ .name = "list", .fn = contact_list, .flags = NEED_REGISTER,
	  .summary = "a client's contacts, numbered", .opts = list_opts },
	{ 0 },
};

/* The contact number s (1, 2, ...) into *n: 0, else the usage error. */
static int number(struct ctx *ctx, const char *s, size_t *n)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 100000 || *s == '-' || *s == '+')
		return usage_error(ctx, "invalid contact number '%s' (1, 2, ...: see 'preg contact list')", s);
	*n = v;
	return 0;
}

static int contact_add(int argc, char **argv, struct ctx *ctx)
{
	size_t n;

	if (argc != 2)
		return usage_error(ctx, argc < 2 ? "contact add needs a client and a contact"
						 : "too many arguments (quote the contact)");
	if (ops_contact_add(ctx->reg, argv[0], argv[1], &n))
		return fail();
	printf("%zu\n", n);
	return EXIT_OK;
}

static int contact_set(int argc, char **argv, struct ctx *ctx)
{
	bool changed;
	size_t n;
	int rc;

	if (argc < 3)
		return usage_error(ctx, "contact set needs a client, a number and KEY=VALUE");
	if ((rc = number(ctx, argv[1], &n)))
		return rc;
	if (ops_contact_set(ctx->reg, argv[0], n, argv + 2, (size_t)(argc - 2), &changed))
		return fail();
	if (!changed)
		printf("%s: contact %zu unchanged\n", argv[0], n);
	return EXIT_OK;
}

static int contact_rm(int argc, char **argv, struct ctx *ctx)
{
	size_t n;
	int rc;

	if (argc != 2)
		return usage_error(ctx, argc < 2 ? "contact rm needs a client and a number" : "too many arguments");
	if ((rc = number(ctx, argv[1], &n)))
		return rc;
	if (ops_contact_rm(ctx->reg, argv[0], n))
		return fail();
	return EXIT_OK;
}

static int contact_list(int argc, char **argv, struct ctx *ctx)
{
	static const struct fmt_col cols[] = {
		{ "n", COL_NUMBER }, { "name", COL_TEXT }, { "email", COL_TEXT },
		{ "role", COL_TEXT }, { "phone", COL_TEXT },
	};
	/* On a terminal: the number, e-mail and phone whole (they are
	 * copied), the role cut first, then the name. */
	static const enum col_fit fits[] = { FIT_WHOLE, FIT_NAME, FIT_WHOLE, FIT_FREE, FIT_WHOLE };
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	struct record *r = NULL;
	struct fmt_writer w;
	struct buf out = BUF_INIT;
	const char *arg;
	bool wide = false;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		if (c == 'f')
			fmt_parse(&fmt, arg);
		else if (c == 'w')
			wide = true;
	}
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "contact list needs a client" : "too many arguments");
	if (reg_read(ctx->reg, argv[0], &r))
		return fail();
	fmt_start(&w, &out, fmt, cols, sizeof(cols) / sizeof(*cols), false, -1);
	if (fmt == FMT_TABLE)
		fmt_fit(&w, table_fit(wide), fits);
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct kvlist *c = &r->contacts[i];
		char num[24];
		const char *cells[5];

		snprintf(num, sizeof(num), "%zu", i + 1);
		cells[0] = num;
		cells[1] = kv_get(c, "name");
		cells[2] = kv_get(c, "email");
		cells[3] = kv_get(c, "role");
		cells[4] = kv_get(c, "phone");
		fmt_row(&w, &out, cells, NULL);
	}
	/* No contacts: nothing on a terminal, the header for a script. */
	if (r->ncontacts || fmt != FMT_TABLE)
		fmt_end(&w, &out);
	else
		fmt_end(&w, &out), buf_reset(&out);
	flush_out(&out);
	buf_release(&out);
	record_free(r);
	return EXIT_OK;
}
