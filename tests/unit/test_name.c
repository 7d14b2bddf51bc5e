/* test_name: legal forms, the short form for narrow columns, the fold
 * used for comparing and the sort order of names. */
#include "unit.h"
#include "buf.h"
#include "name.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

static char *core(const char *name)
{
	struct name_parts p;

	name_split(&p, name);
	return xstrndup(p.core, p.core_len);
}

static char *form(const char *name)
{
	struct name_parts p;

	name_split(&p, name);
	return xstrndup(p.form, p.form_len);
}

#define assert_split(name, c, f) do { \
	char *c_ = core(name), *f_ = form(name); \
	assert_string_equal(c_, c); \
	assert_string_equal(f_, f); \
	free(c_); \
	free(f_); \
} while (0)

static void test_split_russian(void **state)
{
	(void)state;
	assert_split("ООО «Ромашка»", "Ромашка", "ООО");
	assert_split("ООО \"Ромашка\"", "Ромашка", "ООО");
	assert_split("ООО „Ромашка“", "Ромашка", "ООО");
	assert_split("ООО«Ромашка»", "Ромашка", "ООО");
	assert_split("ооо ромашка", "ромашка", "ооо");
	assert_split("«Ромашка», ООО", "Ромашка", "ООО");
	assert_split("Ромашка ООО", "Ромашка", "ООО");
	assert_split("ИП Иванов И.И.", "Иванов И.И.", "ИП");
	assert_split("ПАО «Сбербанк России»", "Сбербанк России", "ПАО");
	assert_split("АО «Белая Дача»", "Белая Дача", "АО");
	assert_split("Общество с ограниченной ответственностью «Вектор»", "Вектор",
		     "Общество с ограниченной ответственностью");
	assert_split("ООО ТД «Уральская сталь»", "ТД «Уральская сталь»", "ООО");
	/* The quotes inside the core stay. */
	assert_split("ООО «Фирма «Ромашка»»", "Фирма «Ромашка»", "ООО");
	/* A word that starts like a form is not one. */
	assert_split("Ипотечный центр", "Ипотечный центр", "");
	assert_split("Аорта", "Аорта", "");
	assert_split("ООО", "ООО", "");
	assert_split("  ООО  «Ромашка»  ", "Ромашка", "ООО");
}

static void test_split_latin(void **state)
{
	(void)state;
	assert_split("Acme Ltd.", "Acme", "Ltd.");
	assert_split("Acme, Inc.", "Acme", "Inc.");
	assert_split("Acme Co., Ltd.", "Acme", "Co., Ltd.");
	assert_split("Siemens AG", "Siemens", "AG");
	assert_split("Nestlé S.A.", "Nestlé", "S.A.");
	assert_split("Volga Timber LLC", "Volga Timber", "LLC");
	assert_split("OOO Romashka", "Romashka", "OOO");
	assert_split("\"Acme\" GmbH", "Acme", "GmbH");
	assert_split("Coca-Cola", "Coca-Cola", "");
	assert_split("Incom", "Incom", "");
	assert_split("LLC", "LLC", "");
	assert_split("", "", "");
}

static char *fold(const char *s)
{
	struct buf b = BUF_INIT;

	name_fold(&b, s, strlen(s));
	return buf_detach(&b);
}

#define assert_fold(s, want) do { \
	char *f_ = fold(s); \
	assert_string_equal(f_, want); \
	free(f_); \
} while (0)

static void test_fold(void **state)
{
	(void)state;
	assert_fold("ООО «Ромашка»", "ооо ромашка");
	assert_fold("Ёлки-Палки", "елки палки");
	assert_fold("ЁЖ и ёж", "еж и еж");
	assert_fold("  Acme,  Inc. ", "acme inc");
	assert_fold("a.orlova@example.com", "a orlova example com");
	assert_fold("+7 (351) 000-00-00", "7 351 000 00 00");
	assert_fold("ΣΟΦΙΑ Straße", "σοφια straße");
	assert_fold("Café", "café");
	assert_fold("e\xcc\x81", "e\xcc\x81");
	assert_fold("«»", "");
	assert_fold("a\xff" "b", "ab");
}

static void test_fold_long_and_appended(void **state)
{
	char in[700], want[700];
	struct buf b = BUF_INIT;

	(void)state;
	/* Longer than the fold's inner buffer (256 bytes, written out when
	 * 249 are in it), with the space before the final "!!" the last byte
	 * written out: 250 + 1 + 246 + 1 bytes, of which 249 go first. */
	memset(in, 'a', 250);
	memcpy(in + 250, " --- ", 5);
	memset(in + 255, 'b', 246);
	memcpy(in + 501, " !! ", 5);
	in[506] = '\0';
	memset(want, 'a', 250);
	want[250] = ' ';
	memset(want + 251, 'b', 246);
	want[497] = '\0';
	name_fold(&b, in, strlen(in));
	assert_string_equal(b.p, want);
	/* Appended: what was in the buffer stays. */
	buf_reset(&b);
	buf_adds(&b, "x ");
	name_fold(&b, "«»", strlen("«»"));
	assert_string_equal(b.p, "x ");
	name_fold(&b, "Ёж", strlen("Ёж"));
	assert_string_equal(b.p, "x еж");
	buf_release(&b);
}

/* name_short(name, max) is want, and takes at most max columns. */
#define assert_short(name, max, want) do { \
	char *s_ = name_short(name, max); \
	assert_string_equal(s_, want); \
	assert_true(utf8_width(s_) <= (max) || !strcmp(s_, name)); \
	free(s_); \
} while (0)

static void test_short(void **state)
{
	(void)state;
	/* Fits: as it is. */
	assert_short("ООО «Белая Дача»", 16, "ООО «Белая Дача»");
	/* Narrower: the form goes, the distinctive part stays whole. */
	assert_short("ООО «Белая Дача»", 15, "Белая Дача");
	assert_short("ООО ТД «Уральская металлургическая компания»", 30, "ТД «Уральская металлургическа…");
	/* A long form: the core, then its abbreviation. */
	assert_short("Общество с ограниченной ответственностью «Вектор»", 20, "Вектор (ООО)");
	assert_short("Индивидуальный предприниматель Иванов Иван Иванович", 30, "Иванов Иван Иванович (ИП)");
	assert_short("Общество с ограниченной ответственностью «Вектор»", 10, "Вектор");
	/* Cut at a word end near the limit, else inside the word; never to
	 * the form alone. */
	assert_short("ООО «Челябинский трубопрокатный завод»", 30, "Челябинский трубопрокатный…");
	assert_short("ООО «Челябинский трубопрокатный завод»", 20, "Челябинский трубопр…");
	assert_short("ООО «Ромашка»", 4, "Ром…");
	assert_short("Acme Co., Ltd.", 10, "Acme");
	assert_short("ООО", 2, "О…");
	/* Wide characters count two columns. */
	assert_short("中国物流有限公司", 7, "中国物…");
	/* Generic words before the distinctive ones: their abbreviation,
	 * then nothing of them, before the name is cut. */
	assert_short("ООО «Транспортная компания Южный Урал-Логистик»", 25, "ТК Южный Урал-Логистик");
	assert_short("ООО «Транспортная Компания Южный Урал-Логистик»", 19, "Южный Урал-Логистик");
	assert_short("ООО «Транспортная компания Южный Урал-Логистик»", 12, "Южный Урал-…");
	assert_short("АО «Торговый дом Ромашка»", 12, "ТД Ромашка");
	/* The generic words alone are the name's core: cut as any. */
	assert_short("ООО «Торговый дом»", 8, "Торговы…");
}

static int by_name(const void *a, const void *b)
{
	return name_cmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_sort(void **state)
{
	const char *names[] = {
		"ООО «Ромашка»", "ИП Ёлкин А.А.", "Volga Timber LLC", "АО «Альфа»", "ООО «Белая Дача»",
		"acme Ltd.", "ООО «Елена»", "ПАО «Яблоко»", "ООО «ромашка»",
	};
	const char *want[] = {
		"acme Ltd.", "Volga Timber LLC", "АО «Альфа»", "ООО «Белая Дача»", "ООО «Елена»",
		"ИП Ёлкин А.А.", "ООО «Ромашка»", "ООО «ромашка»", "ПАО «Яблоко»",
	};
	size_t n = sizeof(names) / sizeof(*names);

	(void)state;
	/* The C locale: folded cores by code point, ё with е. */
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	assert_true(name_cmp("ООО «Ромашка»", "Ромашка") != 0);
	assert_int_equal(name_cmp("ООО «Ромашка»", "ООО «Ромашка»"), 0);
}

static void test_sort_key(void **state)
{
	char *a = name_sort_key("ООО «Ёлочка»"), *b = name_sort_key("елочка"), *c = name_sort_key("ИП Жуков");

	(void)state;
	assert_string_equal(a, b);
	assert_true(strcmp(a, c) < 0);
	free(a);
	free(b);
	free(c);
}

/* One list of legal forms (lib/legalform.c) for the name and the id: the
 * id of a name is the id of its core, whichever form it carries, and a
 * form the id keeps ("& Co", a Western form in front) the name keeps. */
static void test_one_list(void **state)
{
	static const char *const names[] = {
		"ООО «Ромашка»", "«Ромашка», ООО", "ИП Иванов И.И.", "СНТ «Ромашка»", "ТСЖ «Кедр»",
		"ФГБУ «Кедр»", "ПБОЮЛ Петров", "ТОВ «Дніпро»", "ФОП Шевченко", "НП «Союз»",
		"Некоммерческая организация «Фонд»", "Acme Co., Ltd.", "Qingdao Port Co. Ltd",
		"Kangaroo Freight Pty Ltd", "Müller GmbH & Co. KG", "Renault S.A.", "Renault S. A.",
		"Polska Sp. z o.o.", "Škoda s.r.o.", "Fiat S.p.A.", "Maersk A/S", "Acme Incorporated",
		"Smith & Co", "Inc Magazine", "Limited Edition", "Ltdx Inc", "Nordic ab", "Nordic AB",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char *c = core(names[i]), *a = NULL, *b = NULL;

		assert_int_equal(slug_client_id(&a, names[i]), 0);
		assert_int_equal(slug_from_name(&b, c), 0);
		if (strcmp(a, b))
			fail_msg("'%s': the id is '%s', the core '%s' gives '%s'", names[i], a, c, b);
		free(a);
		free(b);
		free(c);
	}
	assert_split("Smith & Co", "Smith & Co", "");
	assert_split("Acme Co., Ltd.", "Acme", "Co., Ltd.");
	assert_split("Müller GmbH & Co. KG", "Müller", "GmbH & Co. KG");
	assert_split("СНТ «Ромашка»", "Ромашка", "СНТ");
	assert_split("Inc Magazine", "Inc Magazine", "");
	/* AB in its own case only: "ab" is a word. */
	assert_split("Nordic ab", "Nordic ab", "");
	assert_split("Nordic AB", "Nordic", "AB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_russian),
		cmocka_unit_test(test_split_latin),
		cmocka_unit_test(test_one_list),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_long_and_appended),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_sort_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
