/*
 * treewalk.c: the reference for preg's warm report benchmark. Opens the
 * repository given with libgit2 and walks the whole HEAD tree (every tree
 * object read, no blob), the least any reader that finds the records by
 * their tree entries must do. Prints the number of entries.
 * Usage: treewalk DIR
 */
#include <stdio.h>

#include <git2.h>

static int count(const char *root, const git_tree_entry *e, void *arg)
{
	(void)root;
	(void)e;
	(*(size_t *)arg)++;
	return 0;
}

int main(int argc, char **argv)
{
	git_repository *repo = NULL;
	git_object *tree = NULL;
	size_t n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: treewalk DIR\n");
		return 2;
	}
	git_libgit2_init();
	if (git_repository_open(&repo, argv[1]) || git_revparse_single(&tree, repo, "HEAD^{tree}") ||
	    git_tree_walk((git_tree *)tree, GIT_TREEWALK_PRE, count, &n)) {
		fprintf(stderr, "treewalk: %s\n", git_error_last() ? git_error_last()->message : "failed");
		return 1;
	}
	printf("%zu tree entries\n", n);
	git_object_free(tree);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return 0;
}
