/* test_kvindex: the sorted views of a record's lists that make comparing
 * two states of a record O(n log n) (lib/kvindex.c). */
#include "unit.h"
#include "kvindex.h"
#include "xalloc.h"

/* An entry from "k=v" strings (NULL-terminated). */
static struct kvlist entry(const char *const *pairs)
{
	struct kvlist l = { NULL, 0, 0 };

	for (; *pairs; pairs++) {
		const char *eq = strchr(*pairs, '=');
		char *k = xstrndup(*pairs, (size_t)(eq - *pairs));

		/* Appended as given, even a key twice: kv_set would replace. */
		l.v = xrealloc(l.v, (l.n + 1) * sizeof(*l.v));
		l.v[l.n].k = k;
		l.v[l.n].v = xstrdup(eq + 1);
		l.n++;
	}
	return l;
}

#define E(...) entry((const char *const[]){ __VA_ARGS__, NULL })

static void release(struct kvlist *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kvlist_release(&l[i]);
}

static void test_count_and_rank(void **state)
{
	struct kvlist l[] = {
		E("at=1", "by=ivanov", "text=звонок"),
		E("at=2", "by=petrov", "text=письмо"),
		E("at=1", "by=ivanov", "text=звонок"),
		E("by=ivanov", "at=1", "text=звонок"),
		E("at=1", "by=ivanov"),
	};
	struct kvlist probe = E("text=звонок", "at=1", "by=ivanov"), other = E("at=3", "by=ivanov");
	struct kvindex ordered, any;

	(void)state;
	kvindex_init(&ordered, l, 5, false);
	kvindex_init(&any, l, 5, true);
	/* In order, the pairs must stand as they are; in any order, not. */
	assert_int_equal(kvindex_count(&ordered, &l[0]), 2);
	assert_int_equal(kvindex_count(&ordered, &probe), 0);
	assert_int_equal(kvindex_count(&any, &l[0]), 3);
	assert_int_equal(kvindex_count(&any, &probe), 3);
	assert_int_equal(kvindex_count(&any, &l[4]), 1);
	assert_int_equal(kvindex_count(&any, &other), 0);
	/* The rank counts the equal entries before, in list order. */
	assert_int_equal(kvindex_rank(&ordered, 0), 0);
	assert_int_equal(kvindex_rank(&ordered, 2), 1);
	assert_int_equal(kvindex_rank(&ordered, 3), 0);
	assert_int_equal(kvindex_rank(&any, 0), 0);
	assert_int_equal(kvindex_rank(&any, 2), 1);
	assert_int_equal(kvindex_rank(&any, 3), 2);
	assert_int_equal(kvindex_rank(&any, 1), 0);
	kvindex_release(&ordered);
	kvindex_release(&any);
	release(l, 5);
	kvlist_release(&probe);
	kvlist_release(&other);
}

static void test_empty(void **state)
{
	struct kvlist probe = E("at=1");
	struct kvindex ix;
	struct keyindex kx;
	struct kvlist none = { NULL, 0, 0 };

	(void)state;
	kvindex_init(&ix, NULL, 0, true);
	assert_int_equal(kvindex_count(&ix, &probe), 0);
	kvindex_release(&ix);
	keyindex_init(&kx, &none);
	assert_null(keyindex_get(&kx, "inn"));
	keyindex_release(&kx);
	keyindex_init_map(&kx, NULL);
	assert_null(keyindex_find(&kx, "inn"));
	keyindex_release(&kx);
	kvlist_release(&probe);
}

/* 10,000 notes: each found once, a new one not at all. */
static void test_many(void **state)
{
	size_t n = 10000;
	struct kvlist *l = xcalloc(n, sizeof(*l)), probe;
	struct kvindex ix;
	char at[32], text[64];

	(void)state;
	for (size_t i = 0; i < n; i++) {
		snprintf(at, sizeof(at), "at=2026-01-01T%05zu", i);
		snprintf(text, sizeof(text), "text=звонок номер %zu", i % 100);
		l[i] = E(at, "by=ivanov", text);
	}
	kvindex_init(&ix, l, n, true);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(kvindex_count(&ix, &l[i]), 1);
		assert_int_equal(kvindex_rank(&ix, i), 0);
	}
	probe = E("at=2026-01-01T99999", "by=ivanov", "text=звонок номер 1");
	assert_int_equal(kvindex_count(&ix, &probe), 0);
	kvindex_release(&ix);
	kvlist_release(&probe);
	release(l, n);
	free(l);
}

static void test_keyindex(void **state)
{
	struct kvlist f = E("inn=7701234567", "direction=Китай - Челябинск", "cargo=трубы", "inn=0000");
	struct keyindex kx;
	struct ynode *map = NULL;
	const struct keyindex_pair *p;
	static const char yaml[] = "b: 1\na: [x, y]\nc: {k: v}\n";

	(void)state;
	keyindex_init(&kx, &f);
	assert_string_equal(keyindex_get(&kx, "direction"), "Китай - Челябинск");
	assert_string_equal(keyindex_get(&kx, "cargo"), "трубы");
	/* A key twice: the first, as kv_get finds it. */
	assert_string_equal(keyindex_get(&kx, "inn"), "7701234567");
	assert_null(keyindex_get(&kx, "in"));
	assert_null(keyindex_get(&kx, "innn"));
	keyindex_release(&kx);
	kvlist_release(&f);

	assert_int_equal(yaml_load(&map, yaml, strlen(yaml), "t.yaml", NULL), 0);
	keyindex_init_map(&kx, map);
	p = keyindex_find(&kx, "a");
	assert_non_null(p);
	assert_int_equal(p->pos, 1);
	assert_int_equal(((const struct ynode *)p->v)->type, YN_SEQ);
	assert_int_equal(keyindex_find(&kx, "c")->pos, 2);
	assert_null(keyindex_find(&kx, "d"));
	keyindex_release(&kx);
	ynode_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_and_rank),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_keyindex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
