/* merge-file: the merge driver git calls for client records
 * (preg merge-file). */
#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "merge.h"

static int cmd_merge_file(int argc, char **argv, struct ctx *ctx);

static const struct opt merge_file_opts[] = {
	OPERAND("BASE", VAL_FILE, 0, "the common ancestor of the record (git's %O)"),
	OPERAND("OURS", VAL_FILE, 0, "our version (git's %A): the result goes here"),
	OPERAND("THEIRS", VAL_FILE, 0, "their version (git's %B)"),
	OPERAND("PATH", VAL_FILE, OPT_OPTIONAL, "the record's path, for messages (git's %P)"),
	OPT_END,
};

const struct cmd merge_file_cmd = {
	.name = "merge-file",
	.fn = cmd_merge_file,
	.summary = "the merge driver git calls for client records",
	.opts = merge_file_opts,
};

static int cmd_merge_file(int argc, char **argv, struct ctx *ctx)
{
	struct buf in[3] = { BUF_INIT, BUF_INIT, BUF_INIT }, out = BUF_INIT;
	const char *path;
	int conflicts = 0, rc = EXIT_FAIL;
	FILE *f;

	if (argc < 3)
		return usage_error(ctx, "merge-file needs BASE, OURS and THEIRS");
	if (argc > 4)
		return usage_error(ctx, "too many arguments");
	path = argc > 3 ? argv[3] : argv[1];
	if (merge_read_inputs(in, (const char *const *)argv, path)) {
		rc = fail(); /* ours untouched: git sees the merge failed */
		goto out;
	}
	if (merge_text(&out, &conflicts, buf_str(&in[0]), in[0].len, buf_str(&in[1]), in[1].len, buf_str(&in[2]),
		       in[2].len, path)) {
		/* Not a record preg can read: git's own kind of conflict. */
		print_error(preg_error_msg());
		buf_reset(&out);
		merge_mark_whole(&out, buf_str(&in[1]), in[1].len, buf_str(&in[2]), in[2].len);
		conflicts = 1;
	}
	f = fopen(argv[1], "wb");
	if (f) {
		bool ok = fwrite(out.p ? out.p : "", 1, out.len, f) == out.len;

		if (fclose(f) || !ok)
			f = NULL;
	}
	if (!f) {
		preg_error_set(PREG_EIO, "cannot write '%s': %s", argv[1], strerror(errno));
		rc = fail();
		goto out;
	}
	if (conflicts)
		fprintf(stderr, "preg: %s: %d conflicting field%s marked\n", path, conflicts,
			conflicts == 1 ? "" : "s");
	rc = conflicts ? EXIT_FAIL : EXIT_OK;
out:
	for (int i = 0; i < 3; i++)
		buf_release(&in[i]);
	buf_release(&out);
	return rc;
}
