/* import: a spreadsheet register saved as CSV into the register (preg import). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "csvread.h"
#include "err.h"
#include "import.h"

#define PROGRESS_ROWS 5000 /* a bar for files that take a while */

static int cmd_import(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPERAND("FILE", VAL_FILE, 0, NULL),
	OPT_FLAG('n', "dry-run", OPT_SHORT, "check every row and show what would be created; write nothing"),
	OPT_VALUE('M', "manager", VAL_MANAGER, "M", 0, "the manager of rows whose Manager cell is empty (default: you)"),
	OPT_VALUE('m', "map", VAL_MAP, "COLUMN=FIELD", OPT_REPEAT,
		  "read COLUMN as FIELD: a record key (name, manager, phase, next_contact, remarks, ...), "
		  "'Phase N', a field name, or '-' to skip it"),
	OPT_VALUE('s', "separator", VAL_TEXT, "C", 0, "the cell separator: ',', ';' or 'tab' (default: detected)"),
	OPT_END,
};

const struct cmd import_cmd = {
	.name = "import",
	.fn = cmd_import,
	.flags = NEED_REGISTER | WRITES,
	.summary = "bring a spreadsheet register (CSV) in: all or nothing, one commit",
	.opts = opts,
};

/* The bar on a terminal: rows checked, then the write, which the line
 * says until it is done (cmd_import clears it). */
static void progress(void *arg, size_t done, size_t total)
{
	const struct import_opts *o = arg;

	fprintf(stderr, "\rpreg: reading rows: %3zu%% (%zu/%zu)", total ? done * 100 / total : 100, done,
		total);
	if (done == total)
		fprintf(stderr, "\r\033[K%s", o->dry_run ? "" : "preg: writing the records and the commit...");
	fflush(stderr);
}

static void print_dry_run(const struct import_result *res, const struct phases *ph)
{
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < res->nrecs; i++) {
		const struct record *r = res->recs[i];
		const struct phase *p = phases_get(ph, r->phase);

		fmt_addf(&out, "add %s: %s (phase %d %s, manager %s)\n", r->id, r->name, r->phase,
			 p ? p->key : "?", r->manager);
		if (out.len > 65536)
			flush_out(&out);
	}
	buf_addf(&out, "%zu client%s would be imported; nothing written (--dry-run)\n", res->nrecs,
		 res->nrecs == 1 ? "" : "s");
	flush_out(&out);
	buf_release(&out);
}

static int cmd_import(int argc, char **argv, struct ctx *ctx)
{
	struct import_opts o;
	struct import_result res;
	struct csv_table *t = NULL;
	struct buf text = BUF_INIT;
	const char **maps = NULL;
	const char *arg;
	char sep = 0;
	int c, rc = EXIT_USAGE;

	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	while ((c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 'n': o.dry_run = true; break;
		case 'M': o.manager = arg; break;
		case 'm':
			if (!strchr(arg, '=') || arg[0] == '=') {
				rc = usage_error(ctx, "--map takes COLUMN=FIELD");
				goto out;
			}
			maps = realloc(maps, (o.nmaps + 1) * sizeof(*maps));
			if (!maps)
				abort();
			maps[o.nmaps++] = arg;
			break;
		case 's':
			if (!strcmp(arg, "tab") || !strcmp(arg, "\\t") || !strcmp(arg, "\t"))
				sep = '\t';
			else if (!strcmp(arg, ",") || !strcmp(arg, ";") || !strcmp(arg, "|"))
				sep = arg[0];
			else {
				rc = usage_error(ctx, "invalid --separator '%s' (',', ';', '|' or 'tab')", arg);
				goto out;
			}
			break;
		}
	}
	if (argc != 1) {
		rc = usage_error(ctx, argc < 1 ? "import needs a CSV file" : "too many arguments");
		goto out;
	}
	o.file = argv[0];
	o.maps = maps;
	rc = EXIT_FAIL;
	if (import_read(&text, o.file) || csv_read(&t, text.p ? text.p : "", text.len, sep, o.file)) {
		rc = fail();
		goto out;
	}
	if (isatty(2) && t->nrows > PROGRESS_ROWS) {
		o.progress = progress;
		o.progress_arg = &o;
	}
	rc = import_csv(ctx->reg, t, &o, &res);
	if (o.progress)
		fputs("\r\033[K", stderr);
	if (rc) {
		for (size_t i = 0; i < res.nnotes; i++)
			print_visible(stderr, "preg: %s\n", res.notes[i]);
		for (size_t i = 0; i < res.nproblems; i++)
			print_visible(stderr, "%s\n", res.problems[i]);
		rc = fail();
		goto out;
	}
	for (size_t i = 0; i < res.nnotes; i++)
		print_visible(stderr, "preg: %s\n", res.notes[i]);
	if (o.dry_run)
		print_dry_run(&res, reg_phases(ctx->reg));
	else
		printf("imported %zu client%s from %s\n", res.nrecs, res.nrecs == 1 ? "" : "s", o.file);
	rc = EXIT_OK;
out:
	import_result_release(&res);
	csv_table_free(t);
	buf_release(&text);
	free(maps);
	return rc;
}
