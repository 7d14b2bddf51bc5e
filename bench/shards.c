/*
 * shards.c: how candidate register layouts spread a set of client ids, and
 * what one commit costs in each (bench/README.md, "Choosing the layout").
 *
 * Usage: shards [--spread] REPO < IDS
 * IDS: lines "ID<TAB>NAME" (gen --ids). REPO: a directory to create a
 * scratch git repository in (removed first if it holds one).
 *
 * For each layout it prints: the shards in use, the mean and the largest
 * shard and their ratio, the size of the largest shard's tree and of the
 * clients/ tree, the bytes of tree objects one commit to a client of the
 * largest shard writes, and the time libgit2 takes to rewrite the trees on
 * a record's path (read the trees, put the new blob in, write the trees
 * back as loose objects, without fsync), with libgit2's object cache off, as
 * a new preg process finds it: the median CPU time over clients drawn at
 * random, and over repeated writes to a client of the largest shard. Every
 * tree entry points to the same blob: a tree's size depends on the names
 * only. With --spread, only the spread (shards, mean, largest, ratio): no
 * repository, seconds even at 1,000,000 clients.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <xxhash.h>

#include "cputime.h"
#include "err.h"
#include "slug.h"

#define RANDOM_CLIENTS 61
#define LARGEST_REPS 31

struct client {
	char *id;
	char *old_id;		/* the id with its legal form (the old rule) */
	char path[96];		/* in the layout being measured */
};

/* A layout: the directories on the path of an id's record. */
struct layout {
	const char *name;
	int levels;
	void (*dirs)(char dir[2][8], const struct client *c);
	int old;	/* the file is named by the old id */
};

static void hex_dirs(char dir[2][8], const char *id, int ndig, int levels)
{
	char hex[17];

	/* The canonical (big-endian) form: what `xxhsum -H1` prints. */
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)XXH64(id, strlen(id), 0));
	for (int l = 0; l < levels; l++)
		snprintf(dir[l], 8, "%.*s", ndig, hex + l * ndig);
}

static void two_chars(char dir[2][8], const char *id)
{
	snprintf(dir[0], 8, "%c%c", id[0], id[1] ? id[1] : '_');
}

static void l_v1_old(char dir[2][8], const struct client *c)
{
	two_chars(dir, c->old_id);
}

static void l_v1(char dir[2][8], const struct client *c)
{
	two_chars(dir, c->id);
}

static void l_hex2(char dir[2][8], const struct client *c)
{
	hex_dirs(dir, c->id, 2, 1);
}

static void l_hex3(char dir[2][8], const struct client *c)
{
	hex_dirs(dir, c->id, 3, 1);
}

static void l_hex2x2(char dir[2][8], const struct client *c)
{
	hex_dirs(dir, c->id, 2, 2);
}

static const struct layout layouts[] = {
	{"first 2 chars, ids with forms (v1 as it was)", 1, l_v1_old, 1},
	{"first 2 chars, ids without forms", 1, l_v1, 0},
	{"xxh64 2 hex (256)", 1, l_hex2, 0},
	{"xxh64 3 hex (4096)", 1, l_hex3, 0},
	{"xxh64 2+2 hex (256 x 256)", 2, l_hex2x2, 0},
};

static void die(const char *what)
{
	const git_error *e = git_error_last();

	fprintf(stderr, "shards: %s: %s\n", what, e ? e->message : "failed");
	exit(1);
}

static void check(int rc, const char *what)
{
	if (rc < 0)
		die(what);
}

static int cmp_old(const void *a, const void *b)
{
	return strcmp(((const struct client *)a)->old_id,
	    ((const struct client *)b)->old_id);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct client *)a)->path,
	    ((const struct client *)b)->path);
}

/* Bytes of a tree entry: "MODE NAME\0" and the 20-byte id. */
static size_t entry_bytes(const char *name, int dir)
{
	return (dir ? 6 : 7) + strlen(name) + 1 + 20;
}

/*
 * Write the tree of the clients [*i, n) whose paths start with prefix (the
 * directory at depth, "" for clients/ itself) into *out; advance *i.
 * Returns the tree's size in bytes.
 */
static size_t write_dir(git_oid *out, git_repository *repo, struct client *c,
    size_t n, size_t *i, const char *prefix, int depth, int levels,
    const git_oid *blob)
{
	git_treebuilder *tb;
	size_t plen = strlen(prefix), bytes = 0;

	check(git_treebuilder_new(&tb, repo, NULL), "treebuilder");
	while (*i < n && strncmp(c[*i].path, prefix, plen) == 0) {
		const char *rest = c[*i].path + plen;
		const char *slash = strchr(rest, '/');

		if (depth == levels) {
			check(git_treebuilder_insert(NULL, tb, rest, blob,
			    GIT_FILEMODE_BLOB), "insert");
			bytes += entry_bytes(rest, 0);
			(*i)++;
		} else {
			char sub[96], name[16];
			git_oid oid;

			snprintf(name, sizeof(name), "%.*s", (int)(slash - rest), rest);
			snprintf(sub, sizeof(sub), "%s%s/", prefix, name);
			write_dir(&oid, repo, c, n, i, sub, depth + 1, levels, blob);
			check(git_treebuilder_insert(NULL, tb, name, &oid,
			    GIT_FILEMODE_TREE), "insert");
			bytes += entry_bytes(name, 1);
		}
	}
	check(git_treebuilder_write(out, tb), "write tree");
	git_treebuilder_free(tb);
	return bytes;
}

/*
 * What a commit to client c does to the trees: read each tree on the
 * path from the root, put a new blob in the deepest, write them back up.
 * Returns the time in ms.
 */
static double rewrite(git_repository *repo, const git_oid *root,
    const struct client *c, const git_oid *blob)
{
	git_tree *trees[4] = {NULL};
	char names[4][64];
	int depth = 0;
	const char *p = c->path;
	git_oid oid = *blob;
	double t0 = cpu_ms();

	/* names[0] = "clients", then the shard directories, then the file. */
	for (;;) {
		const char *slash = strchr(p, '/');

		snprintf(names[depth], sizeof(names[depth]), "%.*s",
		    (int)(slash ? slash - p : (long)strlen(p)), p);
		if (!slash)
			break;
		p = slash + 1;
		depth++;
	}
	check(git_tree_lookup(&trees[0], repo, root), "root");
	for (int d = 0; d < depth; d++) {
		const git_tree_entry *e = git_tree_entry_byname(trees[d], names[d]);

		if (!e)
			die(c->path);
		check(git_tree_lookup(&trees[d + 1], repo, git_tree_entry_id(e)),
		    "tree");
	}
	for (int d = depth; d >= 0; d--) {
		git_treebuilder *tb;
		git_oid next;

		check(git_treebuilder_new(&tb, repo, trees[d]), "treebuilder");
		check(git_treebuilder_insert(NULL, tb, names[d], &oid,
		    d == depth ? GIT_FILEMODE_BLOB : GIT_FILEMODE_TREE), "insert");
		check(git_treebuilder_write(&next, tb), "write");
		git_treebuilder_free(tb);
		oid = next;
	}
	double t = cpu_ms() - t0;

	for (int d = 0; d <= depth; d++)
		git_tree_free(trees[d]);
	return t;
}

/* The size in bytes of the tree object id. */
static size_t tree_size(git_repository *repo, const git_oid *id)
{
	git_odb *odb;
	git_odb_object *o;
	size_t n;

	check(git_repository_odb(&odb, repo), "odb");
	check(git_odb_read(&o, odb, id), "read");
	n = git_odb_object_size(o);
	git_odb_object_free(o);
	git_odb_free(odb);
	return n;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static size_t pick(size_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (size_t)((rng * 0x2545f4914f6cdd1dULL) >> 11) % n;
}

static int spread_only;

static void measure(git_repository *repo, const struct layout *l,
    struct client *c, size_t n, const git_oid *blob, const git_oid *blobs)
{
	size_t i = 0, shards = 0, largest = 0, run = 0, at = 0, largest_at = 0;
	size_t clients_bytes, shard_bytes, path_bytes;
	git_oid clients, root;
	git_treebuilder *tb;
	double t[RANDOM_CLIENTS > LARGEST_REPS ? RANDOM_CLIENTS : LARGEST_REPS];
	double t_rand, t_large;
	char last[32] = "";

	for (size_t k = 0; k < n; k++) {
		char dir[2][8];
		const char *id = l->old ? c[k].old_id : c[k].id;

		l->dirs(dir, &c[k]);
		if (l->levels == 1)
			snprintf(c[k].path, sizeof(c[k].path), "%s/%s.yaml",
			    dir[0], id);
		else
			snprintf(c[k].path, sizeof(c[k].path), "%s/%s/%s.yaml",
			    dir[0], dir[1], id);
	}
	qsort(c, n, sizeof(*c), cmp_path);

	/* Shards: the deepest directories. */
	for (size_t k = 0; k < n; k++) {
		const char *slash = strrchr(c[k].path, '/');
		size_t dl = (size_t)(slash - c[k].path);

		if (strlen(last) != dl || strncmp(last, c[k].path, dl)) {
			snprintf(last, sizeof(last), "%.*s", (int)dl, c[k].path);
			shards++;
			run = 0;
			at = k;
		}
		if (++run > largest) {
			largest = run;
			largest_at = at;
		}
	}

	if (spread_only) {
		printf("%-46s %7zu %9.1f %8zu %6.2f\n", l->name, shards, (double)n / shards,
		    largest, largest / ((double)n / shards));
		return;
	}
	write_dir(&clients, repo, c, n, &i, "", 1, l->levels + 1, blob);
	check(git_treebuilder_new(&tb, repo, NULL), "treebuilder");
	check(git_treebuilder_insert(NULL, tb, "clients", &clients,
	    GIT_FILEMODE_TREE), "insert");
	check(git_treebuilder_write(&root, tb), "write");
	git_treebuilder_free(tb);

	/* The sizes of the trees a commit to the largest shard rewrites. */
	clients_bytes = tree_size(repo, &clients);
	{
		char path[96];
		git_tree *rt;
		git_tree_entry *e;

		snprintf(path, sizeof(path), "clients/%.*s",
		    (int)(strrchr(c[largest_at].path, '/') - c[largest_at].path),
		    c[largest_at].path);
		check(git_tree_lookup(&rt, repo, &root), "root");
		check(git_tree_entry_bypath(&e, rt, path), path);
		shard_bytes = tree_size(repo, git_tree_entry_id(e));
		git_tree_entry_free(e);
		path_bytes = tree_size(repo, &root) + clients_bytes + shard_bytes;
		if (l->levels == 2) {
			char top[16];

			snprintf(top, sizeof(top), "clients/%.2s", c[largest_at].path);
			check(git_tree_entry_bypath(&e, rt, top), top);
			path_bytes += tree_size(repo, git_tree_entry_id(e));
			git_tree_entry_free(e);
		}
		git_tree_free(rt);
	}

	/* Prefix the paths with clients/ for rewrite(). */
	for (size_t k = 0; k < n; k++) {
		char p[96];

		snprintf(p, sizeof(p), "clients/%s", c[k].path);
		memcpy(c[k].path, p, sizeof(p));
	}
	for (int k = 0; k < RANDOM_CLIENTS; k++)
		t[k] = rewrite(repo, &root, &c[pick(n)], &blobs[k]);
	t_rand = median(t, RANDOM_CLIENTS);
	for (int k = 0; k < LARGEST_REPS; k++)
		t[k] = rewrite(repo, &root, &c[largest_at], &blobs[k]);
	t_large = median(t, LARGEST_REPS);

	printf("%-46s %7zu %9.1f %8zu %6.2f %9.1f %9.1f %9.1f %8.2f %8.2f\n",
	    l->name, shards, (double)n / shards, largest,
	    largest / ((double)n / shards), shard_bytes / 1024.0,
	    clients_bytes / 1024.0, path_bytes / 1024.0, t_rand, t_large);
}

int main(int argc, char **argv)
{
	git_repository *repo;
	struct client *c = NULL;
	size_t n = 0, cap = 0;
	char line[1024];
	git_oid blob, blobs[RANDOM_CLIENTS];

	if (argc == 3 && !strcmp(argv[1], "--spread")) {
		spread_only = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: shards [--spread] REPO < IDS\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');

		if (!tab || !nl) {
			fprintf(stderr, "shards: expected ID<TAB>NAME lines\n");
			return 1;
		}
		*tab = *nl = '\0';
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			c = realloc(c, cap * sizeof(*c));
			if (!c) {
				perror("shards");
				return 1;
			}
		}
		c[n].id = strdup(line);
		if (slug_from_name(&c[n].old_id, tab + 1)) {
			fprintf(stderr, "shards: %s\n", preg_error_msg());
			return 1;
		}
		n++;
	}
	if (!n) {
		fprintf(stderr, "shards: no ids\n");
		return 1;
	}
	/* Old ids of the same name take -2, -3... as preg gave them. */
	qsort(c, n, sizeof(*c), cmp_old);
	for (size_t k = 1, run = 1; k < n; k++) {
		if (strcmp(c[k].old_id, c[k - run].old_id)) {
			run = 1;
			continue;
		}
		char *s = slug_with_suffix(c[k].old_id, (unsigned)++run);

		free(c[k].old_id);
		c[k].old_id = s;
	}

	if (spread_only) {
		printf("%zu clients\n%-46s %7s %9s %8s %6s\n", n, "layout", "shards",
		    "mean", "largest", "ratio");
		for (size_t k = 0; k < sizeof(layouts) / sizeof(*layouts); k++)
			measure(NULL, &layouts[k], c, n, NULL, NULL);
		goto out;
	}
	git_libgit2_init();
	check(git_repository_init(&repo, argv[1], 1), argv[1]);
	check(git_blob_create_from_buffer(&blob, repo, "x\n", 2), "blob");
	for (int k = 0; k < RANDOM_CLIENTS; k++) {
		char b[32];
		int len = snprintf(b, sizeof(b), "change %d\n", k);

		check(git_blob_create_from_buffer(&blobs[k], repo, b, (size_t)len),
		    "blob");
	}
	/* A new preg process reads every tree it needs: no object cache. */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);

	printf("%zu clients\n", n);
	printf("%-46s %7s %9s %8s %6s %9s %9s %9s %8s %8s\n", "layout",
	    "shards", "mean", "largest", "ratio", "shard KB", "clients KB",
	    "commit KB", "rand ms", "large ms");
	for (size_t k = 0; k < sizeof(layouts) / sizeof(*layouts); k++)
		measure(repo, &layouts[k], c, n, &blob, blobs);
	git_repository_free(repo);
	git_libgit2_shutdown();
out:
	for (size_t k = 0; k < n; k++) {
		free(c[k].id);
		free(c[k].old_id);
	}
	free(c);
	return 0;
}
