/* test_slug: client ids, their derivation from names, and suffixes. */
#include "unit.h"
#include "slug.h"

/* Assert that name derives id, and that the id is valid. */
#define assert_slug(name, id) do { \
	char *out_ = NULL; \
	preg_error_clear(); \
	assert_int_equal(slug_from_name(&out_, (name)), 0); \
	assert_non_null(out_); \
	assert_string_equal(out_, (id)); \
	assert_true(slug_valid(out_)); \
	free(out_); \
} while (0)

/* Assert that a client named name gets id (its legal form left out). */
#define assert_id(name, id) do { \
	char *out_ = NULL; \
	preg_error_clear(); \
	assert_int_equal(slug_client_id(&out_, (name)), 0); \
	assert_non_null(out_); \
	assert_string_equal(out_, (id)); \
	assert_true(slug_valid(out_)); \
	free(out_); \
} while (0)

/* Assert that name derives no id, with msg. */
#define assert_no_slug(name, msg) do { \
	char *out_ = (char *)1; \
	assert_error(slug_from_name(&out_, (name)), PREG_EINVAL, (msg)); \
	assert_null(out_); \
} while (0)

static void test_examples(void **state)
{
	(void)state;
	assert_slug("ООО «Ромашка»", "ooo-romashka");
	assert_slug("Acme", "acme");
	assert_slug("../../etc/passwd", "etc-passwd");
	assert_slug(".git", "git");
	assert_slug("-rf", "rf");
	assert_slug("a/b", "a-b");
	assert_slug("Щука и Юла", "shchuka-i-iula");
	assert_slug("Café Müller", "cafe-muller");
	assert_slug("Straße", "strasse");
}

static void test_client_id_examples(void **state)
{
	(void)state;
	/* The examples. */
	assert_id("ООО «Ромашка»", "romashka");
	assert_id("ИП Иванов И.И.", "ivanov-i-i");
	/* slug_from_name keeps the form: import tells names apart by it. */
	assert_slug("ООО «Ромашка»", "ooo-romashka");
	assert_slug("ИП Иванов И.И.", "ip-ivanov-i-i");
	/* A name without a form is as slug_from_name makes it. */
	assert_id("Щука и Юла", "shchuka-i-iula");
	assert_id("Acme", "acme");
	assert_id("Café Müller", "cafe-muller");
}

static void test_client_id_russian_forms(void **state)
{
	(void)state;
	assert_id("ОАО «Северсталь»", "severstal");
	assert_id("ЗАО \"Кедр\"", "kedr");
	assert_id("ПАО „Газпром нефть“", "gazprom-neft");
	assert_id("АО «Почта России»", "pochta-rossii");
	assert_id("НАО «Север»", "sever");
	assert_id("НКО «Фонд помощи»", "fond-pomoshchi");
	assert_id("АНО «Центр»", "tsentr");
	assert_id("ГУП «Водоканал»", "vodokanal");
	assert_id("МУП «Горэлектротранс»", "gorelektrotrans");
	assert_id("ФГУП «Почта»", "pochta");
	assert_id("ТОО «Астана Логистик»", "astana-logistik");
	assert_id("ТОВ «Київ Транс»", "kiiv-trans");
	assert_id("ИП Смирнова Анна Петровна", "smirnova-anna-petrovna");
	/* No quotes, other quotes, none closed, glued to the form. */
	assert_id("ООО Ромашка", "romashka");
	assert_id("ООО 'Ромашка'", "romashka");
	assert_id("ООО «Ромашка", "romashka");
	assert_id("ООО«Ромашка»", "romashka");
	assert_id("ООО-Ромашка", "romashka");
	assert_id("ООО «5 Океанов»", "5-okeanov");
	assert_id("  ООО   «Рога и копыта»  ", "roga-i-kopyta");
	/* The form after the name, as lists write it. */
	assert_id("«Рога и копыта», ООО", "roga-i-kopyta");
	assert_id("Ромашка ООО", "romashka");
	/* Written out in full. */
	assert_id("Общество с ограниченной ответственностью «Ромашка»", "romashka");
	assert_id("Публичное акционерное общество «Сбербанк России»",
	    "sberbank-rossii");
	assert_id("Акционерное общество «Кедр»", "kedr");
	assert_id("Индивидуальный предприниматель Петров П.П.", "petrov-p-p");
	/* The longest form wins: "Акционерное общество" is also in it. */
	assert_id("Закрытое акционерное общество «Урал»", "ural");
	/* Russian forms in Latin letters. */
	assert_id("OOO Romashka", "romashka");
	assert_id("ZAO \"Kedr\"", "kedr");
}

static void test_client_id_case_and_yo(void **state)
{
	(void)state;
	assert_id("ооо «ромашка»", "romashka");
	assert_id("Ооо «Ромашка»", "romashka");
	assert_id("ип Иванов", "ivanov");
	assert_id("общество с ОГРАНИЧЕННОЙ ответственностью «Ёж»", "ezh");
	assert_id("ООО «Ёлка»", "elka");
	assert_id("ООО «Берёза»", "bereza");
	assert_id("ООО «Ёё»", "ee");
	assert_id("acme ltd", "acme");
	assert_id("ACME LTD", "acme");
	assert_id("Acme gmbh", "acme");
	/* Forms that are also words go in their own case only. */
	assert_id("Siemens AG", "siemens");
	assert_id("Food Ag", "food-ag");
	assert_id("Danone SA", "danone");
	assert_id("Casa Sa", "casa-sa");
	assert_id("Equinor AS", "equinor");
	assert_id("Just As", "just-as");
	assert_id("Nokia Oy", "nokia");
	assert_id("Volvo AB", "volvo");
}

static void test_client_id_latin_forms(void **state)
{
	(void)state;
	assert_id("Acme Ltd", "acme");
	assert_id("Acme Ltd.", "acme");
	assert_id("Acme, Inc.", "acme");
	assert_id("Acme LLC", "acme");
	assert_id("Acme L.L.C.", "acme");
	assert_id("Acme Limited", "acme");
	assert_id("Acme Corp.", "acme");
	assert_id("Acme PLC", "acme");
	assert_id("Acme JSC", "acme");
	assert_id("Shanghai Star Co., Ltd.", "shanghai-star");
	assert_id("Qingdao Port Co. Ltd", "qingdao-port");
	assert_id("Kangaroo Freight Pty Ltd", "kangaroo-freight");
	assert_id("Café Müller GmbH", "cafe-muller");
	assert_id("Müller GmbH & Co. KG", "muller");
	assert_id("Renault S.A.", "renault");
	assert_id("Renault S. A.", "renault");
	assert_id("Philips N.V.", "philips");
	assert_id("Van Dijk B.V.", "van-dijk");
	assert_id("Maersk A/S", "maersk");
	assert_id("Fiat S.p.A.", "fiat");
	assert_id("Polska Sp. z o.o.", "polska");
	assert_id("Škoda s.r.o.", "skoda");
	/* Western forms stand after the name only. */
	assert_id("Limited Edition", "limited-edition");
	assert_id("Inc Magazine", "inc-magazine");
	/* "& Co" alone is part of the name. */
	assert_id("Smith & Co", "smith-co");
	/* Only at the ends: a form inside the name stays. */
	assert_id("Филиал ООО «Кедр»", "filial-ooo-kedr");
	assert_id("ЗАО \"Кедр\"; филиал", "kedr-filial");
	assert_id("Acme Ltd (Moscow)", "acme-ltd-moscow");
	/* A word that merely starts like a form stays whole. */
	assert_id("Аорта", "aorta");
	assert_id("Ипподром", "ippodrom");
	assert_id("Ltdx Inc", "ltdx");
}

static void test_client_id_both_ends(void **state)
{
	(void)state;
	/* One form at each end goes. */
	assert_id("ООО «Acme Ltd»", "acme");
	assert_id("OOO Romashka LLC", "romashka");
	/* One at each end, no more: the next one is part of the name. */
	assert_id("ООО ЗАО Ромашка", "zao-romashka");
	assert_id("Acme Inc Ltd", "acme-inc");
}

static void test_client_id_only_a_form(void **state)
{
	(void)state;
	/* A name that is only a legal form keeps it as its id. */
	assert_id("ООО", "ooo");
	assert_id("«ООО»", "ooo");
	assert_id("ИП", "ip");
	assert_id("Ltd.", "ltd");
	assert_id("S.A.", "s-a");
	assert_id("Общество с ограниченной ответственностью",
	    "obshchestvo-s-ogranichennoi-otvetstvennostiu");
	/* Two forms: the first goes, the last one is left to be the id. */
	assert_id("ООО «ЗАО»", "zao");
	assert_id("ООО ИП", "ip");
	/* What is left gives no letters: the whole name. */
	assert_id("ООО «Ь»", "ooo");
	assert_id("ООО «日本»", "ooo");
	assert_id("ООО «!!»", "ooo");
	/* What is left is a device name: the whole name. */
	assert_id("ООО «Con»", "ooo-con");
	assert_id("Aux Ltd", "aux-ltd");
	/* The whole name is a device name or gives nothing: refused. */
	assert_error(slug_client_id(&(char *){NULL}, "Con"), PREG_EINVAL,
	    "id 'con' is a reserved name; give another with --id");
	assert_error(slug_client_id(&(char *){NULL}, "«»"), PREG_EINVAL,
	    "cannot derive an id from name '«»'; give one with --id");
	assert_error(slug_client_id(&(char *){NULL}, "ООО \xff"), PREG_EINVAL,
	    "name is not valid UTF-8");
}

static void test_client_id_long(void **state)
{
	char name[400], *out = NULL;

	(void)state;
	/* The cut to 48 counts what is left, not the form. */
	strcpy(name, "ООО «");
	for (int i = 0; i < 10; i++)
		strcat(name, "Кедр ");
	strcat(name, "»");
	assert_int_equal(slug_client_id(&out, name), 0);
	assert_string_equal(out, "kedr-kedr-kedr-kedr-kedr-kedr-kedr-kedr-kedr");
	assert_true(slug_valid(out));
	free(out);
}

static void test_examples_errors(void **state)
{
	(void)state;
	assert_no_slug("..",
	    "cannot derive an id from name '..'; give one with --id");
	assert_no_slug("",
	    "cannot derive an id from name ''; give one with --id");
	assert_no_slug("   ",
	    "cannot derive an id from name '   '; give one with --id");
	assert_no_slug("CON",
	    "id 'con' is a reserved name; give another with --id");
	assert_no_slug("«Lpt9»",
	    "id 'lpt9' is a reserved name; give another with --id");
	assert_no_slug("ь",
	    "cannot derive an id from name 'ь'; give one with --id");
	assert_no_slug("日本語 😀",
	    "cannot derive an id from name '日本語 😀'; give one with --id");
}

static void test_error_name_shown(void **state)
{
	char name[200], msg[300];

	(void)state;
	/* Control characters (C0, DEL, C1) are shown as '?'. */
	assert_no_slug("\t\x1b[\x7f\xc2\x9b",
	    /* \? so that -std=c11 reads no trigraph */
	    "cannot derive an id from name '?\?[?\?'; give one with --id");

	/* Long names are cut to 60 bytes... */
	memset(name, '.', 100);
	name[100] = '\0';
	snprintf(msg, sizeof(msg),
	    "cannot derive an id from name '%.60s...'; give one with --id",
	    name);
	assert_no_slug(name, msg);

	/* ...between characters: 59 dots and a 2-byte '«' would straddle. */
	memset(name, '.', 59);
	strcpy(name + 59, "«««");
	snprintf(msg, sizeof(msg),
	    "cannot derive an id from name '%.59s...'; give one with --id",
	    name);
	assert_no_slug(name, msg);

	/* Exactly 60 bytes is shown whole. */
	memset(name, ' ', 60);
	name[60] = '\0';
	snprintf(msg, sizeof(msg),
	    "cannot derive an id from name '%s'; give one with --id", name);
	assert_no_slug(name, msg);
}

static void test_long_name(void **state)
{
	char name[301], *out = NULL;

	(void)state;
	memset(name, 'x', 300);
	name[300] = '\0';
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_int_equal(strlen(out), SLUG_MAX);
	assert_true(slug_valid(out));
	free(out);

	/* Words of five: cut at a '-' near the end. */
	for (int i = 0; i < 300; i++)
		name[i] = i % 6 == 5 ? ' ' : 'A' + i % 6;
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_true(strlen(out) <= SLUG_MAX);
	assert_true(slug_valid(out));
	/* 8 words of 5 plus 7 '-' = 47. */
	assert_string_equal(out, "abcde-abcde-abcde-abcde-abcde-abcde-abcde-abcde");
	free(out);

	/* A '-' just before the window is not used: cut at 48. */
	memset(name, 'a', 300);
	name[35] = ' ';
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_int_equal(strlen(out), SLUG_MAX);
	assert_int_equal(out[35], '-');
	free(out);

	/* The first '-' in the window (36) is used. */
	name[35] = 'a';
	name[36] = ' ';
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_int_equal(strlen(out), 36);
	free(out);

	/* A '-' at 47 goes, not kept trailing. */
	name[36] = 'a';
	name[47] = '/';
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_int_equal(strlen(out), 47);
	assert_true(slug_valid(out));
	free(out);

	/* Cyrillic grows when transliterated; the cut counts output bytes. */
	strcpy(name, "");
	for (int i = 0; i < 30; i++)
		strcat(name, "Щ");
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_int_equal(strlen(out), SLUG_MAX);
	assert_true(slug_valid(out));
	free(out);

	/* Exactly 48 is kept whole. */
	memset(name, 'b', 48);
	name[48] = '\0';
	assert_int_equal(slug_from_name(&out, name), 0);
	assert_int_equal(strlen(out), 48);
	free(out);
}

static void test_collapse(void **state)
{
	(void)state;
	assert_slug("  a  --  b  ", "a-b");
	assert_slug("a___b...c", "a-b-c");
	assert_slug("«Рога и копыта», ООО", "roga-i-kopyta-ooo");
	assert_slug("a-", "a");
	assert_slug("Ольга", "olga");
	assert_slug("Прямой ь путь", "priamoi-put");
	assert_slug("3 × 4 ÷ 2", "3-4-2");
	assert_slug("R2-D2\n", "r2-d2");
	assert_slug("x\xf0\x9f\x98\x80y", "x-y");
	assert_slug("Ωmega Ltd", "mega-ltd");
	assert_slug("com0", "com0");
	assert_slug("con 1", "con-1");
	assert_slug("COM10", "com10");
}

static void test_russian_alphabet(void **state)
{
	const char *expect = "abvgdeezhziiklmnoprstufkhtschshshchieyeiuia";

	(void)state;
	/* ь gives nothing, so the letters join without separators. */
	assert_slug("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", expect);
	assert_slug("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", expect);
	/* One at a time, separated, both cases, in pieces that fit 48. */
	assert_slug("а б в г д е ё ж з и й к л м н о п",
	    "a-b-v-g-d-e-e-zh-z-i-i-k-l-m-n-o-p");
	assert_slug("р с т у ф х ц ч ш щ ъ ы ь э ю я",
	    "r-s-t-u-f-kh-ts-ch-sh-shch-ie-y-e-iu-ia");
	assert_slug("А Б В Г Д Е Ё Ж З И Й К Л М Н О П",
	    "a-b-v-g-d-e-e-zh-z-i-i-k-l-m-n-o-p");
	assert_slug("Р С Т У Ф Х Ц Ч Ш Щ Ъ Ы Ь Э Ю Я",
	    "r-s-t-u-f-kh-ts-ch-sh-shch-ie-y-e-iu-ia");
}

static void test_ukrainian_belarusian(void **state)
{
	(void)state;
	assert_slug("і ї є ґ ў", "i-i-ie-g-u");
	assert_slug("І Ї Є Ґ Ў", "i-i-ie-g-u");
	assert_slug("Київ", "kiiv");
	assert_slug("Ґалаґан", "galagan");
	assert_slug("Беларусь Ўсход", "belarus-uskhod");
	/* Other Cyrillic letters (Serbian ђ, Macedonian ѓ) are separators. */
	assert_slug("aђb", "a-b");
	assert_slug("aЃb", "a-b");
}

static void test_latin_folding(void **state)
{
	(void)state;
	assert_slug("éèêë", "eeee");
	assert_slug("ÀÁÂÃÄÅ", "aaaaaa");
	assert_slug("üÜ", "uu");
	assert_slug("ñÑ", "nn");
	assert_slug("çÇ", "cc");
	assert_slug("ß", "ss");
	assert_slug("æÆ", "aeae");
	assert_slug("œŒ", "oeoe");
	assert_slug("øØ", "oo");
	assert_slug("åÅ", "aa");
	assert_slug("łŁ", "ll");
	assert_slug("đĐ", "dd");
	assert_slug("þÞ", "thth");
	assert_slug("ðÐ", "dd");
	assert_slug("ÿŸ", "yy");
	assert_slug("ĳ", "ij");
	assert_slug("Łódź", "lodz");
	assert_slug("Ångström", "angstrom");
	assert_slug("Žluťoučký kůň", "zlutoucky-kun");
	assert_slug("Şişli İstanbul", "sisli-istanbul");
	assert_slug("Őrség", "orseg");
	assert_slug("Āāſ", "aas");
	assert_slug("Crème Brûlée", "creme-brulee");
	/* Just outside the tables: separators. */
	assert_slug("a\xc2\xbf" "b", "a-b");	/* ¿ U+00BF */
	assert_slug("a\xc6\x80" "b", "a-b");	/* ƀ U+0180 */
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xff",
		"\xfe",
		"\xd0",			/* truncated 2-byte */
		"abc\xd0",
		"\xe2\x82",		/* truncated 3-byte */
		"\xf0\x9f\x98",		/* truncated 4-byte */
		"\xc0\xaf",		/* overlong '/' */
		"\xc1\xbf",		/* overlong */
		"\xe0\x80\xaf",		/* overlong '/' */
		"\xf0\x80\x80\xaf",	/* overlong '/' */
		"\xed\xa0\x80",		/* surrogate U+D800 */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf5\x80\x80\x80",
		"\x80",			/* stray continuation */
		"a\xbf" "b",
		"\xd0\x41",		/* lead byte followed by ASCII */
		"Acme \xd0\xd0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_no_slug(bad[i], "name is not valid UTF-8");

	/* The edges that are valid. */
	assert_slug("\xed\x9f\xbf" "a", "a");		/* U+D7FF */
	assert_slug("\xf4\x8f\xbf\xbf" "a", "a");	/* U+10FFFF */
	assert_slug("\xc2\x80" "a", "a");		/* U+0080 */
}

static void test_valid(void **state)
{
	char id[SLUG_MAX + 2];

	(void)state;
	assert_true(slug_valid("acme"));
	assert_true(slug_valid("a"));
	assert_true(slug_valid("0"));
	assert_true(slug_valid("42-ltd"));
	assert_true(slug_valid("a-"));
	assert_true(slug_valid("a--b"));
	assert_true(slug_valid("com0"));
	assert_true(slug_valid("con-1"));
	assert_true(slug_valid("lpt10"));
	assert_true(slug_valid("cons"));

	assert_false(slug_valid(NULL));
	assert_false(slug_valid(""));
	assert_false(slug_valid("Acme"));
	assert_false(slug_valid("ACME"));
	assert_false(slug_valid("-acme"));
	assert_false(slug_valid("-"));
	assert_false(slug_valid("a_b"));
	assert_false(slug_valid("a.b"));
	assert_false(slug_valid(".git"));
	assert_false(slug_valid(".."));
	assert_false(slug_valid("a b"));
	assert_false(slug_valid("a/b"));
	assert_false(slug_valid("caf\xc3\xa9"));

	memset(id, 'a', SLUG_MAX);
	id[SLUG_MAX] = '\0';
	assert_true(slug_valid(id));
	id[SLUG_MAX] = 'a';
	id[SLUG_MAX + 1] = '\0';
	assert_false(slug_valid(id));
}

static void test_reserved(void **state)
{
	static const char *const names[] = {
		"con", "prn", "aux", "nul", "com1", "com5", "com9",
		"lpt1", "lpt9", "CON", "Com1", "LPT9", "nUl", "Aux",
	};
	char one[8];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		assert_true(slug_reserved(names[i]));
		assert_false(slug_valid(names[i]));
	}
	for (char c = '1'; c <= '9'; c++) {
		snprintf(one, sizeof(one), "com%c", c);
		assert_true(slug_reserved(one));
		snprintf(one, sizeof(one), "lpt%c", c);
		assert_true(slug_reserved(one));
	}
	assert_false(slug_reserved("com0"));
	assert_false(slug_reserved("lpt0"));
	assert_false(slug_reserved("com10"));
	assert_false(slug_reserved("con-1"));
	assert_false(slug_reserved("co"));
	assert_false(slug_reserved("conn"));
	assert_false(slug_reserved(""));
	assert_false(slug_reserved("acme"));

	assert_no_slug("Com1",
	    "id 'com1' is a reserved name; give another with --id");
	assert_no_slug("  nul  ",
	    "id 'nul' is a reserved name; give another with --id");
	/* Cyrillic that transliterates to a reserved name. */
	assert_no_slug("\xd0\x90ux",	/* Cyrillic А */
	    "id 'aux' is a reserved name; give another with --id");
}

static void test_suffix(void **state)
{
	char id[SLUG_MAX + 1], *s;

	(void)state;
	s = slug_with_suffix("acme", 2);
	assert_string_equal(s, "acme-2");
	assert_true(slug_valid(s));
	free(s);

	s = slug_with_suffix("con", 2);
	assert_string_equal(s, "con-2");
	free(s);

	memset(id, 'a', SLUG_MAX);
	id[SLUG_MAX] = '\0';
	s = slug_with_suffix(id, 10);
	assert_int_equal(strlen(s), SLUG_MAX);
	assert_string_equal(s + SLUG_MAX - 3, "-10");
	assert_memory_equal(s, id, SLUG_MAX - 3);
	assert_true(slug_valid(s));
	free(s);

	/* The cut lands after a '-', which goes, so no "--". */
	memset(id, 'a', SLUG_MAX);
	id[44] = '-';
	s = slug_with_suffix(id, 10);
	assert_int_equal(strlen(s), 44 + 3);
	assert_null(strstr(s, "--"));
	assert_string_equal(s + 44, "-10");
	assert_true(slug_valid(s));
	free(s);

	/* 46 + "-2" fits exactly; 47 does not. */
	memset(id, 'b', 46);
	id[46] = '\0';
	s = slug_with_suffix(id, 2);
	assert_int_equal(strlen(s), SLUG_MAX);
	free(s);
	id[46] = 'b';
	id[47] = '\0';
	s = slug_with_suffix(id, 2);
	assert_int_equal(strlen(s), SLUG_MAX);
	assert_string_equal(s + 45, "b-2");
	free(s);

	s = slug_with_suffix("x", 4294967295u);
	assert_string_equal(s, "x-4294967295");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_examples_errors),
		cmocka_unit_test(test_client_id_examples),
		cmocka_unit_test(test_client_id_russian_forms),
		cmocka_unit_test(test_client_id_case_and_yo),
		cmocka_unit_test(test_client_id_latin_forms),
		cmocka_unit_test(test_client_id_both_ends),
		cmocka_unit_test(test_client_id_only_a_form),
		cmocka_unit_test(test_client_id_long),
		cmocka_unit_test(test_error_name_shown),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_collapse),
		cmocka_unit_test(test_russian_alphabet),
		cmocka_unit_test(test_ukrainian_belarusian),
		cmocka_unit_test(test_latin_folding),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_suffix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
