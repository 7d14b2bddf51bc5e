/* test_yamlio: the hardened YAML reader (SPEC §4 input rules) and the
 * canonical scalar writer. */
#include "unit.h"
#include "yamlio.h"

#include <time.h>

/* Load text (a string literal or a buffer of known length) as "x.yaml". */
static struct ynode *load_n(const char *text, size_t len)
{
	struct ynode *root = (struct ynode *)1;

	preg_error_clear();
	if (yaml_load(&root, text, len, "x.yaml", NULL) != 0)
		fail_msg("yaml_load refused: %s", preg_error_msg());
	assert_non_null(root);
	return root;
}

static struct ynode *load(const char *text)
{
	return load_n(text, strlen(text));
}

/* Assert that text (len bytes) is refused with msg, and *out stays NULL. */
static void refuse_n(const char *text, size_t len, const char *msg)
{
	struct ynode *root = (struct ynode *)1;
	struct ypos cpos = { 0, 0 };
	int rc;

	preg_error_clear();
	rc = yaml_load(&root, text, len, "x.yaml", &cpos);
	if (rc != PREG_EINVAL || strcmp(preg_error_msg(), msg)) {
		if (!rc)
			ynode_free(root);
		fail_msg("want PREG_EINVAL \"%s\", got %d \"%s\"", msg, rc, preg_error_msg());
	}
	assert_null(root);
}

/* For string literals, so that embedded NULs count. */
#define refuse_lit(lit, msg) refuse_n((lit), sizeof(lit) - 1, (msg))
#define refuse(text, msg) refuse_n((text), strlen(text), (msg))

static void assert_scalar(const struct ynode *n, const char *s, bool plain, int line, int col)
{
	assert_non_null(n);
	assert_int_equal(n->type, YN_SCALAR);
	assert_string_equal(n->s, s);
	assert_int_equal(n->len, strlen(s));
	assert_int_equal(n->plain, plain);
	assert_int_equal(n->line, line);
	assert_int_equal(n->col, col);
}

/* ---- reading: the tree ---- */

static void test_tree(void **state)
{
	struct ynode *r;
	const struct ynode *v, *m;

	(void)state;
	r = load("id: romashka\n"
		 "name: \"ООО «Ромашка»\"\n"
		 "q: 'it''s'\n"
		 "tags: [china, \"steel\"]\n"
		 "contacts:\n"
		 "  - name: Sergey\n"
		 "    role: boss\n"
		 "  - {name: Ivan, phone: \"+7\"}\n"
		 "remarks: |\n"
		 "  line one\n"
		 "  line two\n"
		 "folded: >-\n"
		 "  a\n"
		 "  b\n"
		 "empty:\n"
		 "tilde: ~\n"
		 "quoted_empty: \"\"\n");
	assert_int_equal(r->type, YN_MAP);
	assert_false(r->flow);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->col, 1);
	assert_int_equal(r->n, 2 * 10);
	assert_scalar(r->v[0], "id", true, 1, 1);
	assert_scalar(r->v[1], "romashka", true, 1, 5);
	assert_scalar(r->v[3], "ООО «Ромашка»", false, 2, 7);
	assert_scalar(r->v[5], "it's", false, 3, 4);

	v = ymap_get(r, "tags");
	assert_non_null(v);
	assert_int_equal(v->type, YN_SEQ);
	assert_true(v->flow);
	assert_int_equal(v->line, 4);
	assert_int_equal(v->col, 7);
	assert_int_equal(v->n, 2);
	assert_scalar(v->v[0], "china", true, 4, 8);
	assert_scalar(v->v[1], "steel", false, 4, 15);

	v = ymap_get(r, "contacts");
	assert_int_equal(v->type, YN_SEQ);
	assert_false(v->flow);
	assert_int_equal(v->n, 2);
	m = v->v[0];
	assert_int_equal(m->type, YN_MAP);
	assert_false(m->flow);
	assert_int_equal(m->line, 6);
	assert_int_equal(m->col, 5);
	assert_scalar(ymap_get(m, "role"), "boss", true, 7, 11);
	m = v->v[1];
	assert_int_equal(m->type, YN_MAP);
	assert_true(m->flow);
	assert_int_equal(m->line, 8);
	assert_int_equal(m->col, 5);
	assert_scalar(ymap_get(m, "phone"), "+7", false, 8, 25);
	assert_null(ymap_get(m, "email"));

	assert_scalar(ymap_get(r, "remarks"), "line one\nline two\n", false, 9, 10);
	assert_scalar(ymap_get(r, "folded"), "a b", false, 12, 9);

	/* Null spellings: plain empty and ~ are null; quoted "" is not. */
	assert_true(ynode_is_null(ymap_get(r, "empty")));
	assert_true(ynode_is_null(ymap_get(r, "tilde")));
	assert_false(ynode_is_null(ymap_get(r, "quoted_empty")));
	assert_false(ynode_is_null(ymap_get(r, "id")));
	assert_false(ynode_is_null(ymap_get(r, "tags")));
	assert_false(ynode_is_null(NULL));
	assert_null(ymap_get(r, "nope"));
	assert_null(ymap_get(ymap_get(r, "tags"), "china"));
	assert_null(ymap_get(NULL, "x"));
	ynode_free(r);

	/* Every scalar is a string: no booleans, numbers or nulls. */
	r = load("a: NO\nb: 0123\nc: 1e3\nd: 2026-01-01\ne: null\nf: 12:30\ng: .inf\n");
	assert_scalar(ymap_get(r, "a"), "NO", true, 1, 4);
	assert_scalar(ymap_get(r, "b"), "0123", true, 2, 4);
	assert_scalar(ymap_get(r, "c"), "1e3", true, 3, 4);
	assert_scalar(ymap_get(r, "d"), "2026-01-01", true, 4, 4);
	assert_scalar(ymap_get(r, "e"), "null", true, 5, 4);
	assert_true(ynode_is_null(ymap_get(r, "e")));
	assert_scalar(ymap_get(r, "f"), "12:30", true, 6, 4);
	assert_scalar(ymap_get(r, "g"), ".inf", true, 7, 4);
	ynode_free(r);

	/* A top-level sequence or scalar is a valid tree; the caller decides. */
	r = load("- a\n- b\n");
	assert_int_equal(r->type, YN_SEQ);
	assert_int_equal(r->n, 2);
	ynode_free(r);
	r = load("--- just text\n");
	assert_scalar(r, "just text", true, 1, 5);
	ynode_free(r);

	/* Explicit document markers around one document are fine. */
	r = load("---\na: 1\n...\n");
	assert_scalar(ymap_get(r, "a"), "1", true, 2, 4);
	ynode_free(r);
	r = load("%YAML 1.1\n---\na: 1\n");
	assert_scalar(ymap_get(r, "a"), "1", true, 3, 4);
	ynode_free(r);

	/* Escapes in double quotes that are not control characters. */
	r = load("a: \"\\t\\n\\\\\\\"\\u00e9\\u2028\\uFEFF\"\n");
	assert_string_equal(ymap_get(r, "a")->s, "\t\n\\\"é\xe2\x80\xa8\xef\xbb\xbf");
	ynode_free(r);

	/* A quoted "<<" is a string key, not a merge key. */
	r = load("\"<<\": 1\n");
	assert_scalar(r->v[0], "<<", false, 1, 1);
	ynode_free(r);

	/* An explicit key that is a scalar is not complex. */
	r = load("? a\n: 1\n");
	assert_scalar(ymap_get(r, "a"), "1", true, 2, 3);
	ynode_free(r);
}

static void test_empty_document(void **state)
{
	static const char *const empty[] = { "", "\n", "   \n\n", "# just a comment\n",
					     "\xef\xbb\xbf", "\r\n" };
	struct ypos cpos;

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
		struct ynode *r = load(empty[i]);

		assert_int_equal(r->type, YN_MAP);
		assert_int_equal(r->n, 0);
		assert_int_equal(r->line, 1);
		assert_int_equal(r->col, 1);
		ynode_free(r);
	}
	{
		struct ynode *r = NULL;

		assert_int_equal(yaml_load(&r, "# c\n", 4, "x.yaml", &cpos), 0);
		assert_int_equal(cpos.line, 1);
		assert_int_equal(cpos.col, 1);
		ynode_free(r);
		/* A buffer of length 0 is an empty document too. */
		assert_int_equal(yaml_load(&r, "", 0, "x.yaml", NULL), 0);
		assert_int_equal(r->type, YN_MAP);
		assert_int_equal(r->n, 0);
		ynode_free(r);
	}
}

/* "---" alone is an empty document too (YAML reads it as one null node):
 * it gives an empty map like the implicit empty document. */
static void test_empty_document_explicit(void **state)
{
	static const char *const empty[] = { "---\n", "---\n...\n", "--- \n", "# c\n---\n" };

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
		struct ynode *r = load(empty[i]);

		if (r->type != YN_MAP)
			fail_msg("<%s> gives a %s, not an empty map", empty[i],
				 r->type == YN_SCALAR ? "scalar" : "list");
		assert_int_equal(r->n, 0);
		ynode_free(r);
	}
}

static void test_bom_crlf(void **state)
{
	struct ynode *r;

	(void)state;
	r = load("\xef\xbb\xbf" "a: 1\nb: x\n");
	assert_scalar(r->v[0], "a", true, 1, 1);
	assert_scalar(ymap_get(r, "b"), "x", true, 2, 4);
	ynode_free(r);

	r = load("a: 1\r\nb: two words\r\nc: |\r\n  x\r\n  y\r\n");
	assert_scalar(ymap_get(r, "a"), "1", true, 1, 4);
	assert_scalar(ymap_get(r, "b"), "two words", true, 2, 4);
	/* Line breaks in a block scalar are read as \n. */
	assert_scalar(ymap_get(r, "c"), "x\ny\n", false, 3, 4);
	ynode_free(r);

	r = load("\xef\xbb\xbf" "a: 1\r\nb: 2\r\n");
	assert_scalar(ymap_get(r, "b"), "2", true, 2, 4);
	ynode_free(r);

	/* Positions after a BOM and after CRLF are still right. */
	refuse("\xef\xbb\xbf" "a: 1\na: 2\n", "x.yaml:2:1: duplicate key 'a'");
	refuse("\xef\xbb\xbf" "a: *x\n", "x.yaml:1:4: alias '*x' not allowed");
	refuse("a: 1\r\na: 2\r\n", "x.yaml:2:1: duplicate key 'a'");
	refuse("a: 1\r\nb: \xff\r\n", "x.yaml:2:4: invalid UTF-8");
	refuse("a: 1\r\nb: \x01\r\n", "x.yaml:2:4: control character U+0001");
	/* A UTF-16 BOM is not UTF-8. */
	refuse_lit("\xff\xfe" "a\0:\0", "x.yaml:1:1: invalid UTF-8");
}

/* ---- reading: the input rules ---- */

static void test_invalid_utf8(void **state)
{
	(void)state;
	refuse("a: \xff\n", "x.yaml:1:4: invalid UTF-8");
	refuse("a: \xfe\n", "x.yaml:1:4: invalid UTF-8");
	refuse("a: x\xc0\xaf\n", "x.yaml:1:5: invalid UTF-8");	/* overlong '/' */
	refuse("a: \xe0\x80\xaf\n", "x.yaml:1:4: invalid UTF-8");	/* overlong */
	refuse("a: \xf0\x80\x80\xaf\n", "x.yaml:1:4: invalid UTF-8");	/* overlong */
	refuse("a: \xed\xa0\x80\n", "x.yaml:1:4: invalid UTF-8");	/* surrogate */
	refuse("a: \xf4\x90\x80\x80\n", "x.yaml:1:4: invalid UTF-8");	/* > U+10FFFF */
	refuse("a: \xf5\x80\x80\x80\n", "x.yaml:1:4: invalid UTF-8");
	refuse("a: \x80\n", "x.yaml:1:4: invalid UTF-8");		/* stray continuation */
	refuse("a: \xd0\x41\n", "x.yaml:1:4: invalid UTF-8");	/* lead, then ASCII */
	refuse("a: x\xd0", "x.yaml:1:5: invalid UTF-8");		/* truncated at the end */
	refuse("a: \xe2\x82", "x.yaml:1:4: invalid UTF-8");
	refuse("a: \xf0\x9f\x98", "x.yaml:1:4: invalid UTF-8");
	/* Columns count characters, not bytes. */
	refuse("ж: жж\xff\n", "x.yaml:1:6: invalid UTF-8");
	/* In a key, in a comment, on a later line. */
	refuse("a\xff: 1\n", "x.yaml:1:2: invalid UTF-8");
	refuse("# \xff\na: 1\n", "x.yaml:1:3: invalid UTF-8");
	refuse("a: 1\nb: 2\n\n  c\xc3\n", "x.yaml:4:4: invalid UTF-8");
	/* Quoted strings are checked too. */
	refuse("a: \"x\xff\"\n", "x.yaml:1:6: invalid UTF-8");

	/* The valid edges. */
	ynode_free(load("a: \xed\x9f\xbf\xf4\x8f\xbf\xbf\xc2\xa0\n"));
}

static void test_nul_and_controls(void **state)
{
	(void)state;
	refuse_lit("a: b\0c\n", "x.yaml:1:5: NUL byte");
	refuse_lit("\0", "x.yaml:1:1: NUL byte");
	refuse_lit("a: 1\nb: \"\0\"\n", "x.yaml:2:5: NUL byte");

	/* Raw control characters anywhere. */
	refuse("a: \x01\n", "x.yaml:1:4: control character U+0001");
	refuse("a: x\x1b[31mred\n", "x.yaml:1:5: control character U+001B");
	refuse("a: \x7f\n", "x.yaml:1:4: control character U+007F");
	refuse("a: \xc2\x85\n", "x.yaml:1:4: control character U+0085");	/* NEL */
	refuse("a: \xc2\x9b" "31m\n", "x.yaml:1:4: control character U+009B");	/* CSI */
	refuse("a: \xef\xbf\xbe\n", "x.yaml:1:4: control character U+FFFE");
	refuse("a: \xef\xbf\xbf\n", "x.yaml:1:4: control character U+FFFF");
	refuse("a: \x0b\n", "x.yaml:1:4: control character U+000B");
	refuse("a: \x0c\n", "x.yaml:1:4: control character U+000C");
	refuse("# \x07 bell\n", "x.yaml:1:3: control character U+0007");
	refuse("a: 'x\x08'\n", "x.yaml:1:6: control character U+0008");

	/* Escaped in double quotes: the value is checked after unescaping. */
	refuse("a: \"\\x01\"\n", "x.yaml:1:4: control character U+0001 in value");
	refuse("a: \"\\e[31m\"\n", "x.yaml:1:4: control character U+001B in value");
	refuse("a: \"\\0\"\n", "x.yaml:1:4: control character U+0000 in value");
	refuse("a: \"\\x7f\"\n", "x.yaml:1:4: control character U+007F in value");
	refuse("a: \"\\x9b\"\n", "x.yaml:1:4: control character U+009B in value");
	refuse("a: \"\\N\"\n", "x.yaml:1:4: control character U+0085 in value");
	refuse("a: \"\\r\"\n", "x.yaml:1:4: control character U+000D in value");
	refuse("a: \"\\a\"\n", "x.yaml:1:4: control character U+0007 in value");
	refuse("a: \"\\uFFFE\"\n", "x.yaml:1:4: control character U+FFFE in value");
	refuse("a:\n  - ok\n  - \"x\\u0001\"\n", "x.yaml:3:5: control character U+0001 in value");
	refuse("\"k\\e\": 1\n", "x.yaml:1:1: control character U+001B in value");

	/* Tab and line feed are text; a lone CR is a line break. */
	{
		struct ynode *r = load("a: \"x\\ty\"\nb: 'p\tq'\nc: 1\rd: 2\n");

		assert_string_equal(ymap_get(r, "a")->s, "x\ty");
		assert_string_equal(ymap_get(r, "b")->s, "p\tq");
		assert_scalar(ymap_get(r, "d"), "2", true, 4, 4);
		ynode_free(r);
	}
}

static void test_anchors_aliases_tags(void **state)
{
	(void)state;
	refuse("a: *x\n", "x.yaml:1:4: alias '*x' not allowed");
	refuse("a: [1, *ref]\n", "x.yaml:1:8: alias '*ref' not allowed");
	refuse("a: &x 1\nb: *x\n", "x.yaml:1:4: anchor '&x' not allowed");
	refuse("&x a: 1\n", "x.yaml:1:1: anchor '&x' not allowed");
	refuse("a: &m\n  b: 1\n", "x.yaml:1:4: anchor '&m' not allowed");
	refuse("a: &s [1]\n", "x.yaml:1:4: anchor '&s' not allowed");
	refuse("a: !x 1\n", "x.yaml:1:4: tag '!x' not allowed");
	refuse("a: !x [1]\n", "x.yaml:1:4: tag '!x' not allowed");
	refuse("a: !x {b: 1}\n", "x.yaml:1:4: tag '!x' not allowed");
	refuse("a: ! x\n", "x.yaml:1:4: tag '!' not allowed");
	/* libyaml resolves the secondary handle before we see it. */
	refuse("a: !!str 1\n", "x.yaml:1:4: tag '!!str' not allowed");
	refuse("a: !!binary aGk=\n", "x.yaml:1:4: tag '!!binary' not allowed");
	refuse("- !!map {}\n", "x.yaml:1:3: tag '!!map' not allowed");
	refuse("%TAG !e! tag:e.com,2000:\n---\na: !e!x 1\n",
	       "x.yaml:3:4: tag 'tag:e.com,2000:x' not allowed");
}

static void test_merge_and_complex_keys(void **state)
{
	(void)state;
	refuse("<<: {a: 1}\n", "x.yaml:1:1: merge key '<<' not allowed");
	refuse("a:\n  b: 1\n  <<: {c: 1}\n", "x.yaml:3:3: merge key '<<' not allowed");
	refuse("{a: 1, <<: {b: 2}}\n", "x.yaml:1:8: merge key '<<' not allowed");
	refuse("? [a]\n: 1\n", "x.yaml:1:3: complex keys are not allowed");
	refuse("? {a: 1}\n: x\n", "x.yaml:1:3: complex keys are not allowed");
	refuse("[a]: 1\n", "x.yaml:1:1: complex keys are not allowed");
	refuse("{[a]: 1}\n", "x.yaml:1:2: complex keys are not allowed");
	refuse("x:\n  ? - a\n  : 1\n", "x.yaml:2:5: complex keys are not allowed");
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	refuse("name: a\nname: b\n", "x.yaml:2:1: duplicate key 'name'");
	/* Plain and quoted spellings are the same key. */
	refuse("name: a\n\"name\": b\n", "x.yaml:2:1: duplicate key 'name'");
	refuse("\"name\": a\n'name': b\n", "x.yaml:2:1: duplicate key 'name'");
	refuse("'name': a\nname: b\n", "x.yaml:2:1: duplicate key 'name'");
	refuse("\"n\\u0061me\": a\nname: b\n", "x.yaml:2:1: duplicate key 'name'");
	/* Nested maps, maps in lists, flow maps. */
	refuse("a:\n  b: 1\n  c: 2\n  \"b\": 3\n", "x.yaml:4:3: duplicate key 'b'");
	refuse("a: 1\nb: {c: 1, c: 2}\n", "x.yaml:2:11: duplicate key 'c'");
	refuse("{a: 1, \"a\": 2}\n", "x.yaml:1:8: duplicate key 'a'");
	refuse("- {a: 1}\n- {a: 2, b: 3, a: 4}\n", "x.yaml:2:16: duplicate key 'a'");
	refuse("l:\n  - x: 1\n    y: 2\n    x: 3\n", "x.yaml:4:5: duplicate key 'x'");
	/* Empty keys. */
	refuse("\"\": 1\n'': 2\n", "x.yaml:2:1: duplicate key ''");
	/* A long key is shortened in the message, between characters. */
	refuse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1\n"
	       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 2\n",
	       "x.yaml:2:1: duplicate key 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	refuse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaжж: 1\n"
	       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaжж: 2\n",
	       "x.yaml:2:1: duplicate key 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");

	/* The same key in different maps is fine; keys differing in case too. */
	{
		struct ynode *r = load("a: {x: 1}\nb: {x: 2}\nx: 3\nX: 4\n\"a \": 6\n");

		assert_int_equal(r->n, 10);
		ynode_free(r);
	}
}

/* A map of n keys k0..k(n-1), then extra (or nothing). */
static char *many_keys(size_t n, const char *extra, size_t *len)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "k%zu: v\n", i);
	if (extra)
		buf_adds(&b, extra);
	*len = b.len;
	return buf_detach(&b);
}

static void test_duplicate_keys_many(void **state)
{
	char *text, msg[128];
	size_t len;

	(void)state;
	/* 10,000 distinct keys load (how fast is for the benchmark, not a test:
	 * a timed assertion fails on a loaded machine, under valgrind). */
	text = many_keys(10000, NULL, &len);
	ynode_free(load_n(text, len));
	free(text);

	/* A duplicate of an early, a middle and the last key is found. */
	static const char *const dups[] = { "k0", "k1", "k15", "k5000", "k9999" };
	for (size_t i = 0; i < sizeof(dups) / sizeof(*dups); i++) {
		char extra[64];

		snprintf(extra, sizeof(extra), "\"%s\": dup\n", dups[i]);
		text = many_keys(10000, extra, &len);
		snprintf(msg, sizeof(msg), "x.yaml:10001:1: duplicate key '%s'", dups[i]);
		refuse_n(text, len, msg);
		free(text);
	}

	/* Flow map with many keys. */
	{
		struct buf b = BUF_INIT;

		buf_adds(&b, "{");
		for (int i = 0; i < 5000; i++)
			buf_addf(&b, "k%d: %d, ", i, i);
		snprintf(msg, sizeof(msg), "x.yaml:1:%zu: duplicate key 'k4000'", b.len + 1);
		buf_adds(&b, "k4000: x}\n");
		refuse_n(b.p, b.len, msg);
		buf_release(&b);
	}
}

/* The hash set behind the duplicate check must know every key of the map
 * so far, not only those present when it was last resized. */
static void test_duplicate_keys_hash_set(void **state)
{
	char *text, msg[128];
	size_t len;

	(void)state;

	/* Whatever the size of the map, a duplicate of any key is found
	 * (every size; quick: every key up to 40, then a sample). */
	size_t step = unit_quick() ? 37 : 7;

	for (size_t n = 2; n <= 300; n++) {
		for (size_t d = 0; d < n; d += (n < 40 ? 1 : step)) {
			char extra[64];

			snprintf(extra, sizeof(extra), "k%zu: dup\n", d);
			text = many_keys(n, extra, &len);
			snprintf(msg, sizeof(msg), "x.yaml:%zu:1: duplicate key 'k%zu'", n + 1, d);
			refuse_n(text, len, msg);
			free(text);
		}
	}
	/* And the last key of 10,000, and one added after a rebuild. */
	for (size_t d = unit_quick() ? 9998 : 9990; d < 10000; d++) {
		char extra[64];

		snprintf(extra, sizeof(extra), "k%zu: dup\n", d);
		text = many_keys(10000, extra, &len);
		snprintf(msg, sizeof(msg), "x.yaml:10001:1: duplicate key 'k%zu'", d);
		refuse_n(text, len, msg);
		free(text);
	}

}

static void test_nesting(void **state)
{
	struct buf b = BUF_INIT;
	struct ynode *r;

	(void)state;
	/* 16 levels of flow sequences load; 17 do not. */
	for (int i = 0; i < 16; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < 16; i++)
		buf_addc(&b, ']');
	r = load_n(b.p, b.len);
	{
		const struct ynode *n = r;
		int depth = 1;

		while (n->n) {
			n = n->v[0];
			depth++;
		}
		assert_int_equal(depth, 16);
	}
	ynode_free(r);
	buf_reset(&b);
	for (int i = 0; i < 17; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < 17; i++)
		buf_addc(&b, ']');
	refuse_n(b.p, b.len, "x.yaml:1:17: nested deeper than 16 levels");

	/* The top-level map counts as a level. */
	buf_reset(&b);
	buf_adds(&b, "a: ");
	for (int i = 0; i < 15; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < 15; i++)
		buf_addc(&b, ']');
	ynode_free(load_n(b.p, b.len));
	buf_reset(&b);
	buf_adds(&b, "a: ");
	for (int i = 0; i < 16; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < 16; i++)
		buf_addc(&b, ']');
	refuse_n(b.p, b.len, "x.yaml:1:19: nested deeper than 16 levels");

	/* Block maps: 16 levels load, 17 do not. */
	buf_reset(&b);
	for (int i = 0; i < 15; i++)
		buf_addf(&b, "%*sk:\n", 2 * i, "");
	buf_addf(&b, "%*sk: v\n", 30, "");
	ynode_free(load_n(b.p, b.len));
	buf_reset(&b);
	for (int i = 0; i < 16; i++)
		buf_addf(&b, "%*sk:\n", 2 * i, "");
	buf_addf(&b, "%*sk: v\n", 32, "");
	refuse_n(b.p, b.len, "x.yaml:17:33: nested deeper than 16 levels");

	/* 10,000 levels, in each style, are refused where the 17th begins. */
	buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, '[');
	refuse_n(b.p, b.len, "x.yaml:1:17: nested deeper than 16 levels");

	buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		buf_adds(&b, "{a: ");
	refuse_n(b.p, b.len, "x.yaml:1:65: nested deeper than 16 levels");

	buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		buf_adds(&b, "- ");
	buf_adds(&b, "x\n");
	refuse_n(b.p, b.len, "x.yaml:1:33: nested deeper than 16 levels");

	/* A whole megabyte of '[' too. */
	buf_reset(&b);
	for (int i = 0; i < YAML_MAX_DOC; i++)
		buf_addc(&b, '[');
	refuse_n(b.p, b.len, "x.yaml:1:17: nested deeper than 16 levels");
	buf_release(&b);
}

static void test_sizes(void **state)
{
	struct buf b = BUF_INIT;
	struct ynode *r;
	char *big;

	(void)state;
	/* A scalar of exactly 64 KiB is fine; one byte more is not. */
	buf_adds(&b, "a: ");
	for (int i = 0; i < YAML_MAX_SCALAR; i++)
		buf_addc(&b, 'x');
	buf_addc(&b, '\n');
	r = load_n(b.p, b.len);
	assert_int_equal(ymap_get(r, "a")->len, YAML_MAX_SCALAR);
	ynode_free(r);

	buf_reset(&b);
	buf_adds(&b, "a: ");
	for (int i = 0; i < YAML_MAX_SCALAR + 1; i++)
		buf_addc(&b, 'x');
	buf_addc(&b, '\n');
	refuse_n(b.p, b.len, "x.yaml:1:4: value longer than 64 KiB");

	/* Counted in bytes after unescaping, in any style and for keys. */
	buf_reset(&b);
	buf_adds(&b, "b: 1\na: \"");
	for (int i = 0; i < YAML_MAX_SCALAR / 2; i++)
		buf_adds(&b, "ж");
	buf_adds(&b, "\"\n");
	ynode_free(load_n(b.p, b.len));
	buf_reset(&b);
	buf_adds(&b, "b: 1\na: \"");
	for (int i = 0; i < YAML_MAX_SCALAR / 2; i++)
		buf_adds(&b, "ж");
	buf_adds(&b, "x\"\n");
	refuse_n(b.p, b.len, "x.yaml:2:4: value longer than 64 KiB");
	buf_reset(&b);
	buf_adds(&b, "a: |\n");
	for (int i = 0; i < 8192; i++)
		buf_adds(&b, "  1234567\n");
	buf_adds(&b, "  x\n");
	refuse_n(b.p, b.len, "x.yaml:1:4: value longer than 64 KiB");
	buf_reset(&b);
	buf_adds(&b, "ok: 1\n? ");
	for (int i = 0; i < YAML_MAX_SCALAR + 1; i++)
		buf_addc(&b, 'k');
	buf_adds(&b, "\n: 1\n");
	refuse_n(b.p, b.len, "x.yaml:2:3: value longer than 64 KiB");

	/* A document of exactly 1 MiB is fine; one byte more is not. */
	buf_reset(&b);
	for (int i = 0; i < YAML_MAX_DOC / 16; i++)
		buf_addf(&b, "- %013d\n", i);
	assert_int_equal(b.len, YAML_MAX_DOC);
	r = load_n(b.p, b.len);
	assert_int_equal(r->n, YAML_MAX_DOC / 16);
	ynode_free(r);
	buf_addc(&b, '\n');
	refuse_n(b.p, b.len, "x.yaml:1:1: larger than 1 MiB (1048577 bytes)");
	buf_release(&b);

	/* Checked before anything is read: an invalid byte far out does not
	 * change the message. */
	big = malloc(YAML_MAX_DOC + 1);
	memset(big, ' ', YAML_MAX_DOC + 1);
	big[YAML_MAX_DOC] = '\xff';
	refuse_n(big, YAML_MAX_DOC + 1, "x.yaml:1:1: larger than 1 MiB (1048577 bytes)");
	free(big);
}

static void test_documents(void **state)
{
	(void)state;
	refuse("a: 1\n---\nb: 2\n", "x.yaml:2:1: more than one document");
	refuse("---\na: 1\n---\nb: 2\n", "x.yaml:3:1: more than one document");
	refuse("---\na: 1\n...\n---\n", "x.yaml:4:1: more than one document");
	refuse("a: 1\n--- \n", "x.yaml:2:1: more than one document");
	/* Syntax errors come with libyaml's words and position. */
	refuse("a: 1\nb: [1, \n", "x.yaml:3:1: did not find expected node content");
	refuse("a: \"\\ud800\"\n", "x.yaml:1:7: found invalid Unicode character escape code");
	refuse("a: b: c\n", "x.yaml:1:5: mapping values are not allowed in this context");
	refuse("a: 'x\n", "x.yaml:2:1: found unexpected end of stream");
	/* The name is the caller's. */
	{
		struct ynode *r = NULL;

		preg_error_clear();
		assert_int_equal(yaml_load(&r, "a: *x", 5, "clients/ro/romashka.yaml", NULL),
				 PREG_EINVAL);
		assert_string_equal(preg_error_msg(),
				    "clients/ro/romashka.yaml:1:4: alias '*x' not allowed");
		assert_null(r);
	}
}

/* ---- comments ---- */

static void comment_is(const char *text, bool want, int line)
{
	struct ynode *r = NULL;
	struct ypos cpos = { -1, -1 };

	preg_error_clear();
	if (yaml_load(&r, text, strlen(text), "x.yaml", &cpos))
		fail_msg("refused: %s", preg_error_msg());
	if ((cpos.line > 0) != want)
		fail_msg("comment at line %d, want %s for <%s>", cpos.line, want ? "one" : "none", text);
	if (want)
		assert_int_equal(cpos.line, line);
	ynode_free(r);
}

/* The column of a comment, for the message that names it. */
static void test_comment_column(void **state)
{
	struct ynode *r = NULL;
	struct ypos cpos;

	(void)state;
	assert_int_equal(yaml_load(&r, "a: b\nremarks: hi   # a comment\n", 31, "x.yaml", &cpos), 0);
	assert_int_equal(cpos.line, 2);
	assert_int_equal(cpos.col, 15);
	ynode_free(r);
	assert_int_equal(yaml_load(&r, "name: \"Ж # x\" # c\n", strlen("name: \"Ж # x\" # c\n"), "x.yaml", &cpos), 0);
	assert_int_equal(cpos.line, 1);
	assert_int_equal(cpos.col, 15);
	ynode_free(r);
}

static void test_comments(void **state)
{
	(void)state;
	comment_is("a: 1\n", false, 0);
	/* On a block scalar's indicator line a comment is one; in its text not. */
	comment_is("r: | # keep\n  text\n", true, 1);
	comment_is("r: >- # keep\n  text\n", true, 1);
	comment_is("r: |\n  text # not\n  # not either\n", false, 0);
	comment_is("# x\na: 1\n", true, 1);
	comment_is("a: 1\n# x\n", true, 2);
	comment_is("a: 1\n  # indented\nb: 2\n", true, 2);
	comment_is("#x\n", true, 1);
	comment_is("a: 1 # trailing\n", true, 1);
	comment_is("a: 1\t# after a tab\n", true, 1);
	comment_is("a: [1, 2] # after a flow list\n", true, 1);
	comment_is("a:  # before a nested map\n  b: 1\n", true, 1);
	comment_is("a: plain\n  # between\n", true, 2);
	comment_is("a: 1\r\n# crlf\r\n", true, 2);
	comment_is("\xef\xbb\xbf" "a: \"x #y\"\nb: 1 # c\n", true, 2);
	comment_is("a: |\n  text\n# comment after the block\nb: 1\n", true, 3);
	comment_is("a: |+\n  text\n\n# c\n", true, 4);
	comment_is("ключ: значение # да\n", true, 1);

	/* '#' that is not a comment. */
	comment_is("a: \"x # y\"\n", false, 0);
	comment_is("a: 'q # z'\n", false, 0);
	comment_is("a: x#y\n", false, 0);
	comment_is("a: \"#x\"\n", false, 0);
	comment_is("a: x # \"y\"\n", true, 1);
	comment_is("\"#k\": v\n", false, 0);
	comment_is("a: [\"#\", '# x']\n", false, 0);
	comment_is("a: {b: \" #\"}\n", false, 0);
	comment_is("a: |\n  # not a comment\n  b\nc: d\n", false, 0);
	comment_is("a: |\n  text\n\n  # more\nb: 1\n", false, 0);
	comment_is("a: >\n  # folded\n", false, 0);
	comment_is("a: \"multi\n  # line\"\n", false, 0);
	comment_is("a: 'multi\n  # line'\n", false, 0);
	comment_is("a: plain#\n", false, 0);
	comment_is("a: C#\nb: '#1'\n", false, 0);
	/* Positions count characters: multi-byte text before a quoted '#'. */
	comment_is("ключ: \"значение # не\"\nб: 1\n", false, 0);
	comment_is("ёёёёёёёёёё: \"a #b\"\nc: \"d #e\"\n", false, 0);
	comment_is("😀😀😀: 'x #y'\nz: \"#\"\n", false, 0);
	comment_is("a: \"ж\"\nb: ж # c\n", true, 2);

	/* The comment position may be NULL: no detection. */
	{
		struct ynode *r = NULL;

		assert_int_equal(yaml_load(&r, "# c\n", 4, "x.yaml", NULL), 0);
		ynode_free(r);
	}
}

/* ---- ynode_dup ---- */

static void test_dup(void **state)
{
	struct ynode *r, *d;

	(void)state;
	r = load("a: [x, {y: \"z\"}]\nb: |\n  t\n");
	d = ynode_dup(r);
	ynode_free(r);
	assert_int_equal(d->type, YN_MAP);
	assert_int_equal(d->n, 4);
	assert_scalar(ymap_get(d, "b"), "t\n", false, 2, 4);
	assert_true(ymap_get(d, "a")->flow);
	assert_scalar(ymap_get(ymap_get(d, "a")->v[1], "y"), "z", false, 1, 12);
	ynode_free(d);
	ynode_free(NULL);
}

/* ---- writing ---- */

static void test_ambiguous(void **state)
{
	static const char *const yes[] = {
		"", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
		"NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off",
		"OFF", "0", "7", "0123", "-1", "+1", "1_000", "1e3", "1E3", "1.5", "-1.5e-3", ".5",
		"0x1F", "0o17", "0b101", "0.", "1:20", "12:30", "12:30:45", "190:20:30.15", ".inf",
		".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "2026-01-01",
		"2026-01-01T10:15:00+05:00", "2026-13-45", "2026-1-1", "=", "<<",
	};
	static const char *const no[] = {
		"a", "abc", "nULL", "nope", "yess", "e3", "x1", "inf", "nan", "-", "+", ".",
		"romashka", "ООО", "1 2", "12:30 pm" /* has a space: not a number */,
		"Ivan Ivanov", "trueish", "No way", "a1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (!yaml_ambiguous(yes[i]))
			fail_msg("'%s' should be ambiguous", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (yaml_ambiguous(no[i]))
			fail_msg("'%s' should not be ambiguous", no[i]);
}

static void put_is(const char *s, enum yctx ctx, bool text, const char *want)
{
	struct buf b = BUF_INIT;

	yaml_put_scalar(&b, s, ctx, text);
	if (strcmp(buf_str(&b), want))
		fail_msg("put_scalar(<%s>, %s, %d) = <%s>, want <%s>", s,
			 ctx == YCTX_FLOW ? "flow" : "block", text, buf_str(&b), want);
	buf_release(&b);
}

static void test_put_scalar(void **state)
{
	(void)state;
	/* Plain where nothing could misread it. */
	put_is("romashka", YCTX_BLOCK, true, "romashka");
	put_is("ООО «Ромашка»", YCTX_BLOCK, true, "ООО «Ромашка»");
	put_is("China - Chelyabinsk", YCTX_BLOCK, true, "China - Chelyabinsk");
	put_is("a#b", YCTX_BLOCK, true, "a#b");
	put_is("a:b", YCTX_BLOCK, true, "a:b");
	put_is("a\"b\\c", YCTX_BLOCK, true, "a\"b\\c");
	put_is("it's", YCTX_BLOCK, true, "it's");
	put_is("s.petrov@example.com", YCTX_BLOCK, true, "s.petrov@example.com");

	/* Ambiguous words: quoted in text, plain where the caller checked the
	 * type (text false). */
	static const char *const words[] = { "NO", "yes", "~", "0123", "1e3", "0x1F", ".inf",
					     "2026-01-01", "12:30", "null", "true", "" };
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		char q[64];

		snprintf(q, sizeof(q), "\"%s\"", words[i]);
		put_is(words[i], YCTX_BLOCK, true, q);
		put_is(words[i], YCTX_FLOW, true, q);
		if (*words[i]) {
			put_is(words[i], YCTX_BLOCK, false, words[i]);
			put_is(words[i], YCTX_FLOW, false, words[i]);
		}
	}
	put_is("", YCTX_BLOCK, false, "\"\"");
	put_is("2026-11-02T10:15:00+05:00", YCTX_FLOW, false, "2026-11-02T10:15:00+05:00");
	put_is("7", YCTX_FLOW, false, "7");

	/* ": " and " #" and a trailing ':'. */
	put_is("a: b", YCTX_BLOCK, true, "\"a: b\"");
	put_is("a #b", YCTX_BLOCK, true, "\"a #b\"");
	put_is("a:", YCTX_BLOCK, true, "\"a:\"");
	put_is("note: call", YCTX_FLOW, true, "\"note: call\"");
	put_is("C# dev", YCTX_BLOCK, true, "C# dev");

	/* Leading and trailing spaces and tabs. */
	put_is(" a", YCTX_BLOCK, true, "\" a\"");
	put_is("a ", YCTX_BLOCK, true, "\"a \"");
	put_is(" ", YCTX_BLOCK, true, "\" \"");
	put_is("\ta", YCTX_BLOCK, true, "\"\\ta\"");
	put_is("a b", YCTX_BLOCK, true, "a b");

	/* Flow indicators matter in flow context only. */
	put_is("a,b", YCTX_BLOCK, true, "a,b");
	put_is("a,b", YCTX_FLOW, true, "\"a,b\"");
	put_is("a]", YCTX_BLOCK, true, "a]");
	put_is("a]", YCTX_FLOW, true, "\"a]\"");
	put_is("a[b", YCTX_FLOW, true, "\"a[b\"");
	put_is("a{b", YCTX_FLOW, true, "\"a{b\"");
	put_is("a}", YCTX_FLOW, true, "\"a}\"");
	put_is("a:,", YCTX_FLOW, true, "\"a:,\"");
	put_is("a b", YCTX_FLOW, true, "a b");

	/* Leading indicators. */
	static const char *const lead = "-?:,[]{}#&*!|>'\"%@`";
	for (const char *c = lead; *c; c++) {
		char s[8], q[16];

		snprintf(s, sizeof(s), "%cab", *c);
		snprintf(q, sizeof(q), "\"%s%cab\"", *c == '"' ? "\\" : "", *c);
		put_is(s, YCTX_BLOCK, true, q);
		put_is(s, YCTX_FLOW, true, q);
		put_is(s, YCTX_BLOCK, false, q);
	}

	/* Escapes. */
	put_is("a\nb", YCTX_BLOCK, true, "\"a\\nb\"");
	put_is("a\tb", YCTX_BLOCK, true, "\"a\\tb\"");
	put_is("\"a\"", YCTX_BLOCK, true, "\"\\\"a\\\"\"");
	put_is("\\ ", YCTX_BLOCK, true, "\"\\\\ \"");
	put_is("a\xc2\x85" "b", YCTX_BLOCK, true, "\"a\\Nb\"");		/* U+0085 */
	put_is("a\xe2\x80\xa8" "b", YCTX_BLOCK, true, "\"a\\Lb\"");	/* U+2028 */
	put_is("a\xe2\x80\xa9" "b", YCTX_BLOCK, true, "\"a\\Pb\"");	/* U+2029 */
	put_is("\xef\xbb\xbf" "ab", YCTX_BLOCK, true, "\"\\uFEFFab\"");	/* BOM */
	put_is("a\xef\xbb\xbf", YCTX_FLOW, true, "\"a\\uFEFF\"");
	put_is("a\x01", YCTX_BLOCK, true, "\"a\\x01\"");
	put_is("a\x7f", YCTX_BLOCK, true, "\"a\\x7F\"");
	put_is("a\r", YCTX_BLOCK, true, "\"a\\r\"");
	put_is("x: \"y\"\n", YCTX_FLOW, true, "\"x: \\\"y\\\"\\n\"");
	/* Other non-ASCII text stays as it is inside quotes. */
	put_is(" «x»", YCTX_BLOCK, true, "\" «x»\"");
}

static void text_is(const char *s, int indent, const char *want)
{
	struct buf b = BUF_INIT;

	yaml_put_text(&b, s, indent);
	if (strcmp(buf_str(&b), want))
		fail_msg("put_text(<%s>) = <%s>, want <%s>", s, buf_str(&b), want);
	buf_release(&b);
}

static void test_put_text(void **state)
{
	(void)state;
	text_is("one line", 2, " one line\n");
	text_is("NO", 2, " \"NO\"\n");
	text_is("a\nb", 2, " |-\n  a\n  b\n");
	text_is("a\nb\n", 2, " |\n  a\n  b\n");
	text_is("a\nb\n\n", 2, " |+\n  a\n  b\n\n");
	text_is("a\n\nb\n", 4, " |\n    a\n\n    b\n");
	text_is("# not a comment\nx", 2, " |-\n  # not a comment\n  x\n");
	/* What a literal block cannot hold is quoted. */
	text_is(" lead\nx", 2, " \" lead\\nx\"\n");
	text_is("\nx", 2, " \"\\nx\"\n");
	text_is("\tx\ny", 2, " \"\\tx\\ny\"\n");
	text_is("a\xc2\x85\nb", 2, " \"a\\N\\nb\"\n");
	text_is("a\xe2\x80\xa8\nb", 2, " \"a\\L\\nb\"\n");
	text_is("a\n\xef\xbb\xbf" "b", 2, " \"a\\n\\uFEFFb\"\n");
}

static void test_put_node(void **state)
{
	struct ynode *r;
	struct buf b = BUF_INIT;

	(void)state;
	r = load("x: {a: 5, b: [1, \"2\"], c: \"NO\", d: NO, e: [], f: {}, g: \"multi\\nline\"}\n");
	buf_adds(&b, "x:");
	yaml_put_node(&b, ymap_get(r, "x"), 2);
	assert_string_equal(buf_str(&b),
			    "x:\n"
			    "  a: 5\n"
			    "  b:\n"
			    "    - 1\n"
			    "    - \"2\"\n"
			    "  c: \"NO\"\n"
			    "  d: NO\n"
			    "  e: []\n"
			    "  f: {}\n"
			    "  g: |-\n"
			    "    multi\n"
			    "    line\n");
	ynode_free(r);
	buf_release(&b);

	r = load("l: [{a: 1, b: 2}, x, [y]]\n");
	buf_adds(&b, "l:");
	yaml_put_node(&b, ymap_get(r, "l"), 2);
	assert_string_equal(buf_str(&b),
			    "l:\n"
			    "  - a: 1\n"
			    "    b: 2\n"
			    "  - x\n"
			    "  -\n"
			    "    - y\n");
	ynode_free(r);
	buf_release(&b);
}

/* ---- the round trip property ---- */

struct strs {
	char **v;
	size_t n, cap;
};

static void add(struct strs *s, const char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = strdup(str);
}

static void addf(struct strs *s, const char *fmt, ...) PREG_PRINTF(2, 3);
static void addf(struct strs *s, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	add(s, tmp);
}

/* Strings that a user may type into any text field. */
static struct strs tricky(bool multiline)
{
	static const char *const words[] = {
		"~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "false", "FALSE", "on", "On", "off", "OFF", "0", "0123", "-1", "+1",
		"1_000", "1e3", "1.5", ".5", "0x1F", "0o17", "0b1", "12:30", "1:20:30", ".inf", "-.inf",
		".nan", "2026-01-01", "2026-11-02T10:15:00+05:00", "=", "<<", "-", "--", "---", "...",
		"... x", "--- x", "?", ":", "- x", "? x", ": x", "#", "# x", "x #", "a: b", "a:", "a :b",
		"ООО «Ромашка»", "日本語", "😀 smile", "café", "a\xc2\xa0" "b", "\xc2\xa0", "x\xe2\x80\xa8y",
		"x\xe2\x80\xa9", "\xef\xbb\xbf" "bom", "mid\xef\xbb\xbf" "bom", "\\", "\\n", "\"", "'",
		"''", "\"\"", "a'b", "a\"b", "tab\there", "\ttab", "tab\t", "%x", "@x", "`x", "!x", "&x",
		"*x", "|x", "|", ">", ">x", "{x}", "[x]", "x,y", "x, y", "{", "}", "[", "]", ",", "k: [v]",
		"k: {v: w}", "http://example.com/a?b=c#d", "+7 351 000-00-00", "Prefers e-mail; the director",
	};
	static const char *const punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
	struct strs s = { 0 };

	add(&s, "");
	add(&s, " ");
	add(&s, "  ");
	add(&s, "a");
	add(&s, " a");
	add(&s, "a ");
	add(&s, " a b ");
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		add(&s, words[i]);
		addf(&s, " %s", words[i]);
		addf(&s, "%s ", words[i]);
		addf(&s, "x %s", words[i]);
		addf(&s, "%s x", words[i]);
	}
	for (const char *p = punct; *p; p++) {
		char c = *p;

		addf(&s, "%c", c);
		addf(&s, "%c%c", c, c);
		addf(&s, "%cab", c);
		addf(&s, "a%cb", c);
		addf(&s, "ab%c", c);
		addf(&s, "%c ab", c);
		addf(&s, "a %cb", c);
		addf(&s, "a%c b", c);
		addf(&s, "a %c b", c);
		addf(&s, "ab %c", c);
		addf(&s, "%c1", c);
		addf(&s, "1%c", c);
		addf(&s, "%c%cab", c, c);
		addf(&s, "%c\tx", c);
		addf(&s, "ж%cж", c);
	}
	if (multiline) {
		static const char *const bodies[] = {
			"a\nb", "a\n\nb", " a\nb", "  a\n  b", "a\n b", "a\n  b\nc", "a\n\tb", "\ta\nb",
			"#a\nb", "a\n# b", "- a\n- b", "a: b\nc: d", "a\n  \nb", "a \nb ", "a\n---\nb",
			"a\n...\nb", "\"a\"\n'b'", "NO\nyes", "ООО\n«Ромашка»", "x\n\n\ny", "a\n\t", "a\n ",
			"|\n>", "a\xe2\x80\xa8\nb", "\xef\xbb\xbf" "a\nb", "line one\nline two",
			"a\\\nb", "%a\nb", "\n", "\n\n", "a",
		};

		for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
			add(&s, bodies[i]);
			addf(&s, "%s\n", bodies[i]);
			addf(&s, "%s\n\n", bodies[i]);
			addf(&s, "%s\n\n\n", bodies[i]);
			addf(&s, "\n%s", bodies[i]);
			addf(&s, " %s\n", bodies[i]);
		}
	}
	return s;
}

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Load doc and compare the scalar pick finds with s. Failures are printed
 * and counted, so that one run lists them all. */
static int check_back(const char *what, const struct buf *doc, const char *s,
		      const struct ynode *(*pick)(const struct ynode *))
{
	struct ynode *r = NULL;
	const struct ynode *n;

	preg_error_clear();
	if (yaml_load(&r, doc->p, doc->len, "x.yaml", NULL)) {
		print_error("%s: <%s> written as <%s> does not load: %s\n", what, s, doc->p,
			    preg_error_msg());
		return 1;
	}
	n = pick(r);
	if (!n || n->type != YN_SCALAR || n->len != strlen(s) || memcmp(n->s, s, n->len)) {
		print_error("%s: <%s> written as <%s> reads back as <%s>\n", what, s, doc->p,
			    n && n->s ? n->s : "(not a scalar)");
		ynode_free(r);
		return 1;
	}
	ynode_free(r);
	return 0;
}

static const struct ynode *pick_value(const struct ynode *r)
{
	return r->type == YN_MAP && r->n == 2 ? r->v[1] : NULL;
}

static const struct ynode *pick_key(const struct ynode *r)
{
	return r->type == YN_MAP && r->n == 2 ? r->v[0] : NULL;
}

static const struct ynode *pick_flow_item(const struct ynode *r)
{
	const struct ynode *v = pick_value(r);

	return v && v->type == YN_SEQ && v->n == 2 ? v->v[0] : NULL;
}

static const struct ynode *pick_flow_map_value(const struct ynode *r)
{
	const struct ynode *v = pick_value(r);

	return v && v->type == YN_MAP && v->n == 4 ? v->v[1] : NULL;
}

static const struct ynode *pick_flow_map_key(const struct ynode *r)
{
	const struct ynode *v = pick_value(r);

	return v && v->type == YN_MAP && v->n == 4 ? v->v[0] : NULL;
}

static const struct ynode *pick_item_value(const struct ynode *r)
{
	const struct ynode *v = pick_value(r);

	return v && v->type == YN_SEQ && v->n == 1 && v->v[0]->type == YN_MAP && v->v[0]->n == 4
		       ? v->v[0]->v[1]
		       : NULL;
}

/* Found by fuzzing: in flow context libyaml ends a plain scalar at ':?';
 * a key too long for libyaml's simple keys is refused on read. */
static void test_fuzz_findings(void **state)
{
	struct buf b = BUF_INIT;
	struct ynode *r = NULL;
	char key[YAML_MAX_KEY + 2];

	(void)state;
	buf_adds(&b, "a: {k: ");
	yaml_put_scalar(&b, ";:?", YCTX_FLOW, true);
	buf_adds(&b, "}\n");
	assert_string_equal(b.p, "a: {k: \";:?\"}\n");
	assert_int_equal(yaml_load(&r, b.p, b.len, "x.yaml", NULL), 0);
	assert_string_equal(ymap_get(ymap_get(r, "a"), "k")->s, ";:?");
	ynode_free(r);
	buf_release(&b);
	memset(key, 'k', YAML_MAX_KEY);
	key[YAML_MAX_KEY] = '\0';
	buf_addf(&b, "%s: ok\n", key);
	assert_int_equal(yaml_load(&r, b.p, b.len, "x.yaml", NULL), 0);
	ynode_free(r);
	buf_reset(&b);
	key[YAML_MAX_KEY] = 'k';
	key[YAML_MAX_KEY + 1] = '\0';
	buf_addf(&b, "? %s\n: v\n", key);
	refuse_n(b.p, b.len, "x.yaml:1:3: key longer than 200 bytes");
	buf_release(&b);
}

static void test_roundtrip_scalar(void **state)
{
	struct strs s = tricky(true);
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < s.n; i++) {
		const char *str = s.v[i];
		struct buf b = BUF_INIT;

		for (int text = 0; text <= 1; text++) {
			/* k: <s> */
			buf_reset(&b);
			buf_adds(&b, "k: ");
			yaml_put_scalar(&b, str, YCTX_BLOCK, text);
			buf_adds(&b, "\n");
			bad += check_back("block value", &b, str, pick_value);

			/* k: [<s>, z] */
			buf_reset(&b);
			buf_adds(&b, "k: [");
			yaml_put_scalar(&b, str, YCTX_FLOW, text);
			buf_adds(&b, ", z]\n");
			bad += check_back("flow item", &b, str, pick_flow_item);

			/* k: {x: <s>, y: z} as history events are written */
			buf_reset(&b);
			buf_adds(&b, "k: {x: ");
			yaml_put_scalar(&b, str, YCTX_FLOW, text);
			buf_adds(&b, ", y: z}\n");
			bad += check_back("flow map value", &b, str, pick_flow_map_value);
		}
		if (*str && !strchr(str, '\n') && strcmp(str, "y")) {
			/* Keys: <s>: x at the top, as unknown keys are written;
			 * and {<s>: x, y: z} in flow. */
			buf_reset(&b);
			yaml_put_scalar(&b, str, YCTX_BLOCK, true);
			buf_adds(&b, ": x\n");
			bad += check_back("block key", &b, str, pick_key);

			buf_reset(&b);
			buf_adds(&b, "k: {");
			yaml_put_scalar(&b, str, YCTX_FLOW, true);
			buf_adds(&b, ": x, y: z}\n");
			bad += check_back("flow map key", &b, str, pick_flow_map_key);
		}
		buf_release(&b);
	}
	strs_free(&s);
	assert_int_equal(bad, 0);
}

static void test_roundtrip_text(void **state)
{
	struct strs s = tricky(true);
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < s.n; i++) {
		const char *str = s.v[i];
		struct buf b = BUF_INIT;

		/* k:<text> at the top, and as a value in a list item. */
		buf_adds(&b, "k:");
		yaml_put_text(&b, str, 2);
		bad += check_back("text", &b, str, pick_value);

		buf_reset(&b);
		buf_adds(&b, "k:\n  - text:");
		yaml_put_text(&b, str, 6);
		buf_adds(&b, "    z: 1\n");
		bad += check_back("text in a list item", &b, str, pick_item_value);

		/* Followed by another key: a keep-chomped block must not eat it. */
		buf_reset(&b);
		buf_adds(&b, "k:");
		yaml_put_text(&b, str, 2);
		buf_adds(&b, "z: 1\n");
		{
			struct ynode *r = NULL;

			if (yaml_load(&r, b.p, b.len, "x.yaml", NULL)) {
				print_error("text then key: <%s> does not load: %s\n", b.p,
					    preg_error_msg());
				bad++;
			} else if (r->n != 4 || strcmp(r->v[1]->s, str) || strcmp(r->v[3]->s, "1")) {
				print_error("text then key: <%s> reads back wrong\n", b.p);
				bad++;
			}
			ynode_free(r);
		}
		buf_release(&b);
	}
	strs_free(&s);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_empty_document_explicit),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_and_controls),
		cmocka_unit_test(test_anchors_aliases_tags),
		cmocka_unit_test(test_merge_and_complex_keys),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_duplicate_keys_many),
		cmocka_unit_test(test_duplicate_keys_hash_set),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_fuzz_findings),
		cmocka_unit_test(test_comment_column),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_put_scalar),
		cmocka_unit_test(test_put_text),
		cmocka_unit_test(test_put_node),
		cmocka_unit_test(test_roundtrip_scalar),
		cmocka_unit_test(test_roundtrip_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
