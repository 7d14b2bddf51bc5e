/* test_width: display width (lib/utf8.c, from utf8proc) and the table
 * writer that aligns by it. */
#include "unit.h"
#include "buf.h"
#include "format.h"
#include "utf8.h"

static void test_ascii_and_cyrillic(void **state)
{
	(void)state;
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width("acme"), 4);
	assert_int_equal(utf8_width("ООО «Ромашка»"), 13);
	assert_int_equal(utf8_width("Ёлки-Палки"), 10);
}

static void test_wide(void **state)
{
	(void)state;
	/* CJK and Hangul: two columns each. */
	assert_int_equal(utf8_width("中国"), 4);
	assert_int_equal(utf8_width("한국어"), 6);
	/* Fullwidth Latin. */
	assert_int_equal(utf8_width("ＡＢ"), 4);
}

static void test_combining(void **state)
{
	(void)state;
	/* e + COMBINING ACUTE ACCENT: one column, like the precomposed é. */
	assert_int_equal(utf8_width("e\xcc\x81"), 1);
	assert_int_equal(utf8_width("\xc3\xa9"), 1);
	/* Cyrillic и + COMBINING BREVE (й decomposed). */
	assert_int_equal(utf8_width("\xd0\xb8\xcc\x86"), 1);
	/* Two marks on one letter. */
	assert_int_equal(utf8_width("a\xcc\x81\xcc\xa3z"), 2);
}

static void test_emoji(void **state)
{
	(void)state;
	/* A smiley outside the old table's ranges (U+1F680 ROCKET) and in it. */
	assert_int_equal(utf8_width("🚀"), 2);
	assert_int_equal(utf8_width("😀"), 2);
	/* Heart: text presentation one column, with U+FE0F an emoji of two. */
	assert_int_equal(utf8_width("\xe2\x9d\xa4"), 1);
	assert_int_equal(utf8_width("\xe2\x9d\xa4\xef\xb8\x8f"), 2);
	/* Thumbs up with a skin tone: one emoji. */
	assert_int_equal(utf8_width("👍🏽"), 2);
	/* Family: man ZWJ woman ZWJ girl, drawn as one emoji. */
	assert_int_equal(utf8_width("👨\u200d👩\u200d👧"), 2);
	/* A flag: two regional indicators. */
	assert_int_equal(utf8_width("🇷🇺"), 2);
	assert_int_equal(utf8_width("🇷🇺🇨🇳"), 4);
	assert_int_equal(utf8_width("ООО «Ромашка» 🌼"), 16);
}

static void test_invisible_and_invalid(void **state)
{
	(void)state;
	/* Zero width space and a soft hyphen's neighbour: format characters. */
	assert_int_equal(utf8_width("a\u200bb"), 2);
	/* A byte that is not UTF-8 shows as one replacement character. */
	assert_int_equal(utf8_width("a\xff" "b"), 3);
	assert_int_equal(utf8_width("\xd0"), 1);
}

static void test_fit(void **state)
{
	size_t w;

	(void)state;
	assert_int_equal(utf8_fit("ООО «Ромашка»", 5, &w), strlen("ООО «"));
	assert_int_equal(w, 5);
	/* A wide character that does not fit whole is left out. */
	assert_int_equal(utf8_fit("ab中", 3, &w), 2);
	assert_int_equal(w, 2);
	/* Never between a letter and its mark, nor inside an emoji. */
	assert_int_equal(utf8_fit("e\xcc\x81x", 1, &w), 3);
	assert_int_equal(utf8_fit("a👨\u200d👩\u200d👧b", 2, &w), 1);
	assert_int_equal(utf8_fit("a👨\u200d👩\u200d👧b", 3, &w), strlen("a👨\u200d👩\u200d👧"));
	assert_int_equal(w, 3);
	assert_int_equal(utf8_fit("abc", 10, NULL), 3);
	assert_int_equal(utf8_fit("abc", 0, &w), 0);
	assert_int_equal(w, 0);
}

/* The column where each line's second cell starts, in columns. */
static size_t second_col(const char *line)
{
	const char *p = strstr(line, "  ");
	char *head;
	size_t w;

	assert_non_null(p);
	while (p[0] == ' ')
		p++;
	head = strndup(line, (size_t)(p - line));
	w = utf8_width(head);
	free(head);
	return w;
}

static void test_table_aligns(void **state)
{
	static const struct fmt_col cols[] = { { "name", COL_TEXT }, { "phase", COL_TEXT } };
	const char *rows[][2] = {
		{ "ООО «Ромашка» 🌼", "7" },
		{ "Cafe\xcc\x81 Noir", "2" },
		{ "中国物流", "3" },
		{ "👨\u200d👩\u200d👧 Family", "1" },
		{ "acme", "4" },
	};
	struct fmt_writer w;
	struct buf out = BUF_INIT;
	char *line, *save = NULL;
	size_t n = 0;

	(void)state;
	fmt_start(&w, &out, FMT_TABLE, cols, 2, false, -1);
	for (size_t i = 0; i < 5; i++)
		fmt_row(&w, &out, rows[i], NULL);
	fmt_end(&w, &out);
	/* The widest name is 16 columns: every phase starts at column 18. */
	for (line = strtok_r(out.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++)
		assert_int_equal(second_col(line), 18);
	assert_int_equal(n, 6);
	buf_release(&out);
}

static void test_table_cuts_wide_cells(void **state)
{
	static const struct fmt_col cols[] = { { "note", COL_WIDE } };
	const char *row[1] = { "🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀" };
	struct fmt_writer w;
	struct buf out = BUF_INIT;

	(void)state;
	fmt_start(&w, &out, FMT_TABLE, cols, 1, false, -1);
	fmt_row(&w, &out, row, NULL);
	fmt_end(&w, &out);
	/* 40 columns at most: 19 rockets (38) and the ellipsis. */
	assert_string_equal(out.p, "note\n🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀…\n");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_cyrillic),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_combining),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_invisible_and_invalid),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_table_aligns),
		cmocka_unit_test(test_table_cuts_wide_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
