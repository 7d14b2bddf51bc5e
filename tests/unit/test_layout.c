/* test_layout: record paths by register version, and the XXH64 under them. */
#include "unit.h"
#include "layout.h"
#include "slug.h"

/* Assert that id's record is at want in version v, and that want names id. */
static void assert_path(unsigned v, const char *id, const char *want)
{
	char *p = layout_path(v, id), *back;

	assert_non_null(p);
	assert_string_equal(p, want);
	back = layout_id(v, p);
	assert_non_null(back);
	assert_string_equal(back, id);
	free(back);
	free(p);
}

static void test_paths(void **state)
{
	char id48[SLUG_MAX + 1];

	(void)state;
	assert_path(LAYOUT_V1, "romashka", "clients/ro/romashka.yaml");
	assert_path(LAYOUT_V1, "ooo-romashka", "clients/oo/ooo-romashka.yaml");
	assert_path(LAYOUT_V1, "x", "clients/x_/x.yaml");
	assert_path(LAYOUT_V1, "a-", "clients/a-/a-.yaml");
	assert_path(LAYOUT_V1, "42-ltd", "clients/42/42-ltd.yaml");
	/* printf %s ID | xxhsum -H1: the first two hex digits. */
	assert_path(LAYOUT_V2, "romashka", "clients/40/romashka.yaml");
	assert_path(LAYOUT_V2, "ivanov-i-i", "clients/f6/ivanov-i-i.yaml");
	assert_path(LAYOUT_V2, "acme", "clients/bb/acme.yaml");
	assert_path(LAYOUT_V2, "x", "clients/5c/x.yaml");
	assert_path(LAYOUT_V2, "shanghai-star", "clients/89/shanghai-star.yaml");
	memset(id48, 'a', SLUG_MAX);
	id48[SLUG_MAX] = '\0';
	assert_path(LAYOUT_V1, id48, "clients/aa/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.yaml");
	assert_path(LAYOUT_V2, id48, "clients/21/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.yaml");
	assert_int_equal(LAYOUT_LATEST, LAYOUT_V2);
}

/* The v2 shard is what xxhsum says (the xxhash package, an independent
 * witness), for ids of every length. */
static void test_shard_is_xxhsum(void **state)
{
	(void)state;
	for (int len = 1; len <= SLUG_MAX; len += 3) {
		char id[SLUG_MAX + 1], cmd[128], line[128], shard[LAYOUT_SHARD_SIZE];
		FILE *f;

		for (int i = 0; i < len; i++)
			id[i] = "abcdefghijklmnopqrstuvwxyz0123456789-"[(i * 7 + len) % 37];
		id[0] = 'k';
		id[len] = '\0';
		assert_true(slug_valid(id));
		snprintf(cmd, sizeof(cmd), "printf %%s '%s' | xxhsum -H1", id);
		f = popen(cmd, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		assert_int_equal(pclose(f), 0);
		assert_int_equal(layout_shard(shard, LAYOUT_V2, id), 0);
		assert_memory_equal(shard, line, 2);
		assert_int_equal(shard[2], '\0');
	}
}

static void test_refused_ids_and_versions(void **state)
{
	static const char *const bad[] = {
		"", "Romashka", "../x", "a/b", "-a", "con", "LPT1", "a b",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 49 */
	};
	char shard[LAYOUT_SHARD_SIZE];

	(void)state;
	for (unsigned v = LAYOUT_V1; v <= LAYOUT_LATEST; v++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
			assert_null(layout_path(v, bad[i]));
			preg_error_clear();
			assert_int_equal(layout_shard(shard, v, bad[i]), PREG_EINVAL);
			assert_string_equal(shard, "");
		}
		assert_null(layout_path(v, NULL));
	}
	assert_error(layout_shard(shard, LAYOUT_V2, "../x"), PREG_EINVAL, "invalid id '../x'");
	assert_null(layout_path(0, "acme"));
	assert_null(layout_path(3, "acme"));
	assert_null(layout_id(0, "clients/ac/acme.yaml"));
	assert_null(layout_id(3, "clients/29/acme.yaml"));
	assert_error(layout_shard(shard, 3, "acme"), PREG_EINVAL, "unknown register version 3");
}

static void test_not_record_paths(void **state)
{
	static const char *const v2_not[] = {
		"clients/00/romashka.yaml",	/* another shard */
		"clients/4O/romashka.yaml",	/* not hex */
		"clients/BB/acme.yaml",		/* hex in upper case */
		"clients/ro/romashka.yaml",	/* the v1 path */
		"clients/40/romashka.yml",
		"clients/40/romashka.yaml/",
		"clients/40/romashka",
		"clients/40/.yaml",
		"clients/40/sub/romashka.yaml",
		"clients/40/../romashka.yaml",
		"clients//romashka.yaml",
		"clients/40romashka.yaml",
		"clients/40x/romashka.yaml",
		"clients/romashka.yaml",
		"/clients/40/romashka.yaml",
		"xclients/40/romashka.yaml",
		"Clients/e9/romashka.yaml",
		"clients/40/Romashka.yaml",
		"clients/40/romashka.yaml.yaml",
		"clients/",
		"",
	};
	static const char *const v1_not[] = {
		"clients/ro/romashka.yml",
		"clients/oo/romashka.yaml",	/* another shard */
		"clients/x/x.yaml",
		"clients/x-/x.yaml",		/* a one-letter id pads with '_' */
		"clients/__/_.yaml",
		"clients/co/con.yaml",		/* a device name */
		"clients/ro/ro/romashka.yaml",
		"clients/40/romashka.yaml",	/* the v2 path */
		"preg.yaml",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v2_not) / sizeof(*v2_not); i++) {
		char *id = layout_id(LAYOUT_V2, v2_not[i]);

		if (id)
			fail_msg("v2 took '%s' for id '%s'", v2_not[i], id);
	}
	for (size_t i = 0; i < sizeof(v1_not) / sizeof(*v1_not); i++) {
		char *id = layout_id(LAYOUT_V1, v1_not[i]);

		if (id)
			fail_msg("v1 took '%s' for id '%s'", v1_not[i], id);
	}
	assert_null(layout_id(LAYOUT_V2, NULL));
}

static void test_fits(void **state)
{
	char id[16], *p = NULL;

	(void)state;
	assert_int_equal(layout_fits("clients/ro/romashka.yaml"), 1u << LAYOUT_V1);
	assert_int_equal(layout_fits("clients/40/romashka.yaml"), 1u << LAYOUT_V2);
	assert_int_equal(layout_fits("clients/00/romashka.yaml"), 0);
	assert_int_equal(layout_fits("preg.yaml"), 0);
	/* An id whose first two characters are also its hash's: both. */
	for (unsigned n = 0;; n++) {
		char shard[LAYOUT_SHARD_SIZE];

		snprintf(id, sizeof(id), "e9-%u", n);
		assert_int_equal(layout_shard(shard, LAYOUT_V2, id), 0);
		if (!strcmp(shard, "e9"))
			break;
	}
	p = layout_path(LAYOUT_V2, id);
	assert_int_equal(layout_fits(p), 1u << LAYOUT_V1 | 1u << LAYOUT_V2);
	free(p);
}

/* History reads a path of any version: an upgrade's parent holds v1 paths. */
static void test_id_any(void **state)
{
	char *id;

	(void)state;
	id = layout_id_any("clients/ro/romashka.yaml");
	assert_string_equal(id, "romashka");
	free(id);
	id = layout_id_any("clients/40/romashka.yaml");
	assert_string_equal(id, "romashka");
	free(id);
	assert_null(layout_id_any("clients/00/romashka.yaml"));
	assert_null(layout_id_any("clients/romashka.yaml"));
	assert_null(layout_id_any("preg.yaml"));
	assert_string_equal(layout_pattern(LAYOUT_V1), "clients/<first two characters of the id>/<id>.yaml");
	assert_string_equal(layout_pattern(LAYOUT_V2), "clients/<first two hex digits of the id's XXH64>/<id>.yaml");
}

static void test_shard_names(void **state)
{
	(void)state;
	assert_true(layout_shard_name(LAYOUT_V2, "00"));
	assert_true(layout_shard_name(LAYOUT_V2, "e9"));
	assert_true(layout_shard_name(LAYOUT_V2, "ff"));
	assert_false(layout_shard_name(LAYOUT_V2, "fg"));
	assert_false(layout_shard_name(LAYOUT_V2, "E9"));
	assert_false(layout_shard_name(LAYOUT_V2, "e"));
	assert_false(layout_shard_name(LAYOUT_V2, "e9a"));
	assert_false(layout_shard_name(LAYOUT_V2, ""));
	assert_false(layout_shard_name(LAYOUT_V2, NULL));
	assert_true(layout_shard_name(LAYOUT_V1, "ro"));
	assert_true(layout_shard_name(LAYOUT_V1, "x_"));
	assert_true(layout_shard_name(LAYOUT_V1, "a-"));
	assert_true(layout_shard_name(LAYOUT_V1, "42"));
	assert_false(layout_shard_name(LAYOUT_V1, "_x"));
	assert_false(layout_shard_name(LAYOUT_V1, "-a"));
	assert_false(layout_shard_name(LAYOUT_V1, "Ro"));
	assert_false(layout_shard_name(LAYOUT_V1, ".."));
	assert_false(layout_shard_name(3, "00"));
}

static void test_version(void **state)
{
	static const char *const bad[] = {
		"0", "01", "+1", "-1", "1.0", "1 ", " 1", "x", "", "0x2",
		"9999999999",
	};
	unsigned v = 99;
	char msg[64];

	(void)state;
	assert_int_equal(layout_version(&v, "1"), 0);
	assert_int_equal(v, LAYOUT_V1);
	assert_int_equal(layout_version(&v, "2"), 0);
	assert_int_equal(v, LAYOUT_V2);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		snprintf(msg, sizeof(msg), "invalid register version '%s'", bad[i]);
		v = 99;
		assert_error(layout_version(&v, bad[i]), PREG_EINVAL, msg);
		assert_int_equal(v, 0);
	}
	assert_error(layout_version(&v, NULL), PREG_EINVAL, "invalid register version ''");
	/* A newer register than this preg knows: refused, named. */
	assert_error(layout_version(&v, "3"), PREG_EINVAL,
		     "register version 3 is newer than this preg knows (2); update preg");
	assert_error(layout_version(&v, "123456789"), PREG_EINVAL,
		     "register version 123456789 is newer than this preg knows (2); update preg");
}

/*
 * The reason for version 2: ids that share their first letters (here all
 * "client-N", as a register of ООО «...» had "ooo-...") still spread, the
 * largest shard under twice the mean, while version 1 puts all of them in
 * one shard.
 */
static void test_spread(void **state)
{
	static unsigned count[2][65536];
	size_t n = 20000;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		char id[32], shard[LAYOUT_SHARD_SIZE];

		snprintf(id, sizeof(id), "client-%zu", i);
		for (unsigned v = LAYOUT_V1; v <= LAYOUT_V2; v++) {
			assert_int_equal(layout_shard(shard, v, id), 0);
			count[v - 1][(unsigned char)shard[0] << 8 | (unsigned char)shard[1]]++;
		}
	}
	for (unsigned v = 0; v < 2; v++) {
		unsigned used = 0, largest = 0;

		for (size_t s = 0; s < 65536; s++) {
			used += count[v][s] > 0;
			if (count[v][s] > largest)
				largest = count[v][s];
		}
		if (v == 0) {
			assert_int_equal(used, 1);
		} else {
			assert_int_equal(used, 256);
			assert_true(largest * used <= 2 * n);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_shard_is_xxhsum),
		cmocka_unit_test(test_refused_ids_and_versions),
		cmocka_unit_test(test_not_record_paths),
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_id_any),
		cmocka_unit_test(test_shard_names),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
