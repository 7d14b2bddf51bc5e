/* export: every client as a spreadsheet or as JSON (preg export). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "export.h"
#include "status.h"
#include "xlsx.h"

static int cmd_export(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "csv|json|xlsx", OPT_SHORT,
		   "csv (default): the paper's layout, which import reads back; json: the full records; "
		   "xlsx: the csv's columns as a workbook for a spreadsheet (to a file)"),
	FILTER_OPTS,
	OPT_END,
};

const struct cmd export_cmd = {
	.name = "export",
	.fn = cmd_export,
	.flags = NEED_REGISTER,
	.summary = "every client as CSV (the paper's layout, re-importable), JSON or a workbook",
	.opts = opts,
};

struct state {
	const struct phases *ph;
	struct filter f;
	int32_t day;
	bool json, xlsx;
	struct export_cols cols;
	struct xlsx *x;
	struct fmt_writer w;
	struct buf out;
	size_t n;
	int bad;
};

static bool pass(const struct state *s, const struct record *r)
{
	struct asof a;

	asof_now(&a, r);
	return filter_match(&s->f, s->ph, r, &a, s->day);
}

static int fields_cb(void *arg, const char *id, const char *path, struct record *r)
{
	struct state *s = arg;

	(void)id;
	(void)path;
	if (r && pass(s, r))
		export_cols_add(&s->cols, r);
	return 0;
}

static int row_cb(void *arg, const char *id, const char *path, struct record *r)
{
	struct state *s = arg;
	int rc = 0;

	(void)path;
	if (!id || !r)
		return skip_unreadable(&s->bad);
	if (!pass(s, r))
		return 0;
	if (s->json) {
		struct status st;

		status_of(&st, r, NULL, s->ph, s->day);
		buf_adds(&s->out, s->n ? ",\n" : "\n");
		record_json(&s->out, r, s->ph, &st);
	} else {
		const char **cells = calloc(s->cols.ncols + 1, sizeof(*cells));
		char **owned;
		size_t nowned;

		if (!cells)
			abort();
		export_cells(&s->cols, r, cells, &owned, &nowned);
		if (s->xlsx)
			rc = xlsx_export_row(s->x, r, cells);
		else
			fmt_row(&s->w, &s->out, cells, NULL);
		export_cells_free(owned, nowned);
		free(cells);
	}
	s->n++;
	if (s->out.len > 65536)
		flush_out(&s->out);
	return rc;
}

/* The columns as for CSV, into a workbook: a row a client as they come. */
static int export_xlsx(struct ctx *ctx, struct state *s)
{
	int rc;

	export_cols_init(&s->cols, s->ph);
	rc = reg_each(ctx->reg, false, fields_cb, s);
	export_cols_done(&s->cols);
	if (rc >= 0 && !(rc = xlsx_begin(&s->x))) {
		rc = xlsx_export_begin(s->x, &s->cols);
		if (rc >= 0)
			rc = reg_each(ctx->reg, false, row_cb, s);
		if (rc >= 0)
			rc = xlsx_export_end(s->x);
		if (rc >= 0)
			rc = xlsx_end(s->x, &s->out);
		else
			xlsx_free(s->x);
	}
	export_cols_release(&s->cols);
	return rc;
}

static int cmd_export(int argc, char **argv, struct ctx *ctx)
{
	struct state s;
	const char *arg;
	int c, rc;

	memset(&s, 0, sizeof(s));
	while ((c = opt_next(ctx, &arg)) != -1)
		if (!filter_opt(&s.f, c, arg) && c == 'f') {
			s.json = !strcmp(arg, "json");
			s.xlsx = !strcmp(arg, "xlsx");
		}
	if ((rc = filter_args(ctx, argc, argv, &s.f, &s.ph)) >= 0)
		goto out;
	if (s.xlsx && (rc = refuse_binary_tty("preg export --format xlsx > clients.xlsx")) >= 0)
		goto out;
	if (today(&s.day)) {
		rc = fail();
		goto out;
	}
	if (s.xlsx) {
		rc = export_xlsx(ctx, &s);
	} else if (s.json) {
		buf_addc(&s.out, '[');
		rc = reg_each(ctx->reg, false, row_cb, &s);
		buf_adds(&s.out, s.n ? "\n]\n" : "]\n");
	} else {
		/* The free fields make columns: a first pass finds them. */
		export_cols_init(&s.cols, s.ph);
		rc = reg_each(ctx->reg, false, fields_cb, &s);
		export_cols_done(&s.cols);
		/* A byte order mark, so that Excel reads the file as UTF-8. */
		buf_adds(&s.out, "\xef\xbb\xbf");
		fmt_start(&s.w, &s.out, FMT_CSV, s.cols.cols, s.cols.ncols, false, -1);
		if (rc >= 0)
			rc = reg_each(ctx->reg, false, row_cb, &s);
		fmt_end(&s.w, &s.out);
		export_cols_release(&s.cols);
	}
	flush_out(&s.out);
	buf_release(&s.out);
	rc = walk_status(rc, s.bad);
out:
	filter_release(&s.f);
	return rc;
}
