/* mergedrv: the record merge as libgit2's merge driver (see mergedrv.h). */
#include <git2.h>
#include <git2/sys/merge.h>

#include "buf.h"
#include "err.h"
#include "merge.h"
#include "mergedrv.h"

static int driver_apply(git_merge_driver *self, const char **path_out, uint32_t *mode_out,
			git_buf *merged_out, const char *filter_name, const git_merge_driver_source *src)
{
	const git_index_entry *a = git_merge_driver_source_ancestor(src);
	const git_index_entry *o = git_merge_driver_source_ours(src), *t = git_merge_driver_source_theirs(src);
	git_repository *repo = git_merge_driver_source_repo(src);
	git_blob *ba = NULL, *bo = NULL, *bt = NULL;
	struct buf out = BUF_INIT;
	int n = 0, rc;

	(void)self;
	(void)filter_name;
	if (!o || !t)
		return GIT_PASSTHROUGH;
	if ((a && git_blob_lookup(&ba, repo, &a->id)) || git_blob_lookup(&bo, repo, &o->id) ||
	    git_blob_lookup(&bt, repo, &t->id)) {
		rc = -1;
	} else if (merge_text(&out, &n, ba ? git_blob_rawcontent(ba) : "", ba ? (size_t)git_blob_rawsize(ba) : 0,
			      git_blob_rawcontent(bo), (size_t)git_blob_rawsize(bo), git_blob_rawcontent(bt),
			      (size_t)git_blob_rawsize(bt), o->path) ||
		   n) {
		preg_error_clear();
		rc = GIT_EMERGECONFLICT;
	} else {
		rc = git_buf_set(merged_out, out.p ? out.p : "", out.len);
		*path_out = o->path;
		*mode_out = o->mode;
	}
	buf_release(&out);
	git_blob_free(ba);
	git_blob_free(bo);
	git_blob_free(bt);
	return rc;
}

static git_merge_driver preg_driver = { GIT_MERGE_DRIVER_VERSION, NULL, NULL, driver_apply };

void mergedrv_register(void)
{
	/* Once per libgit2 lifetime; GIT_EEXISTS when it is there already. */
	git_merge_driver_register("preg", &preg_driver);
	git_error_clear();
}
