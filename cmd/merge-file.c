/* merge-file: the merge driver git calls for client records
 * (preg merge-file). */
#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "merge.h"
#include "yamlio.h"

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

/* What merge-file reads of each version: a record is at most YAML_MAX_DOC;
 * a larger file is still merged (as a whole-file conflict), up to this. */
#define MERGE_MAX_BYTES (16 * (size_t)YAML_MAX_DOC)

static int cmd_merge_file(int argc, char **argv, struct ctx *ctx)
{
	struct buf base = BUF_INIT, ours = BUF_INIT, theirs = BUF_INIT, out = BUF_INIT;
	const char *path;
	int conflicts = 0, rc = EXIT_FAIL;
	FILE *f;

	if (argc < 3)
		return usage_error(ctx, "merge-file needs BASE, OURS and THEIRS");
	if (argc > 4)
		return usage_error(ctx, "too many arguments");
	path = argc > 3 ? argv[3] : argv[1];
	if (buf_read_file(&base, argv[0], MERGE_MAX_BYTES) || buf_read_file(&ours, argv[1], MERGE_MAX_BYTES) ||
	    buf_read_file(&theirs, argv[2], MERGE_MAX_BYTES)) {
		rc = fail();
		goto out;
	}
	if (merge_text(&out, &conflicts, buf_str(&base), base.len, buf_str(&ours), ours.len, buf_str(&theirs),
		       theirs.len, path)) {
		/* Not a record preg can read: git's own kind of conflict. */
		print_error(preg_error_msg());
		buf_reset(&out);
		merge_mark_whole(&out, buf_str(&ours), ours.len, buf_str(&theirs), theirs.len);
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
	buf_release(&base);
	buf_release(&ours);
	buf_release(&theirs);
	buf_release(&out);
	return rc;
}
