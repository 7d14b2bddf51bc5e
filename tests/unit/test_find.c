/* test_find: matching and ranking clients against what people type, and
 * the resolver that turns a name into one id. */
#include "unit.h"
#include "buf.h"
#include "find.h"
#include "ops.h"
#include "record.h"
#include "slug.h"
#include "xalloc.h"

#include <unistd.h>

#define HEAD "manager: ivanov\nphase: 2\nphase_since: 2026-10-01T10:00:00+05:00\n" \
	     "created: 2026-10-01T10:00:00+05:00\n"

/* A small register's worth of records, as people name their clients. */
static const char *const texts[] = {
	"id: romashka\nname: ООО «Ромашка»\n" HEAD
	"contacts:\n  - {name: Sergey Petrov, role: director, phone: \"+7 351 000-00-00\", email: s.petrov@example.com}\n",
	"id: romashka-treid\nname: ООО «Ромашка-Трейд»\n" HEAD "fields: {cargo: steel pipes}\n",
	"id: belaia-dacha\nname: АО «Белая Дача»\n" HEAD
	"contacts:\n  - {name: Anna Orlova, role: chief accountant, phone: 8 (351) 111 11 11, "
	"email: a.orlova@example.com}\n",
	"id: volga-timber\nname: Volga Timber LLC\n" HEAD "tags: [timber, china]\nfields: {direction: China - Chelyabinsk}\n"
	"notes:\n  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, text: asked about Ромашка's trucks}\n",
	"id: elkin\nname: ИП Ёлкин Андрей Петрович\n" HEAD "next_action: send the contract\n",
	"id: yandex\nname: ООО «Яндекс»\n" HEAD,
	"id: khleb\nname: ООО «Хлеб»\n" HEAD "remarks: |\n  Prefers e-mail; decides in the last week.\n",
};
#define NREC (sizeof(texts) / sizeof(*texts))

static struct record *recs[NREC];

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < NREC; i++)
		if (record_parse(&recs[i], texts[i], strlen(texts[i]), "x.yaml", NULL)) {
			fprintf(stderr, "record %zu: %s\n", i, preg_error_msg());
			return -1;
		}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NREC; i++)
		record_free(recs[i]);
	return 0;
}

/* The search for q over every record. */
static struct find *search(const char *q)
{
	struct find *f = NULL;

	if (find_new(&f, q))
		fail_msg("find_new '%s': %s", q, preg_error_msg());
	for (size_t i = 0; i < NREC; i++)
		find_record(f, recs[i]->id, recs[i]);
	return f;
}

/* The hits of q as "id:rank" joined with spaces, best first. */
static const char *ranked(const char *q)
{
	static char out[512];
	struct find *f = search(q);
	const struct find_hit *v;
	size_t n, len = 0;

	v = find_hits(f, &n);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s:%d", i ? " " : "", v[i].id, v[i].rank);
	find_free(f);
	return out;
}

/* What matched for the first hit of q. */
static const char *why(const char *q)
{
	static char out[256];
	struct find *f = search(q);
	const struct find_hit *v;
	size_t n;

	v = find_hits(f, &n);
	assert_true(n > 0);
	snprintf(out, sizeof(out), "%s", v[0].why ? v[0].why : "(none)");
	find_free(f);
	return out;
}

/* The id q resolves to, or the error message. */
static const char *resolve(const char *q)
{
	static char out[1024];
	struct find *f = search(q);
	char *id = NULL;
	int rc = find_resolve(f, &id);

	if (rc) {
		assert_null(id);
		snprintf(out, sizeof(out), "%d %s", rc, preg_error_msg());
	} else {
		snprintf(out, sizeof(out), "%s", id);
	}
	free(id);
	find_free(f);
	return out;
}

/* Ranks, spelt as in find.h. */
#define ID "7"
#define NAME "6"
#define WORDS "5"
#define PART "4"
#define CONTACT "3"
#define FIELD "2"
#define NOTE "1"

static void test_rank_order(void **state)
{
	(void)state;
	/* The exact id first, the other name with the word next, then a note
	 * that mentions it. */
	assert_string_equal(ranked("romashka"),
			    "romashka:" ID " romashka-treid:" WORDS " volga-timber:" NOTE);
	/* In Cyrillic: the name (and the id in Latin) first. */
	assert_string_equal(ranked("ромашка"),
			    "romashka:" NAME " romashka-treid:" WORDS " volga-timber:" NOTE);
	assert_string_equal(ranked("Ромашка-Трейд"), "romashka-treid:" NAME);
	/* Legal forms and quotes in the query are left out like the name's. */
	assert_string_equal(ranked("ООО «Ромашка»"),
			    "romashka:" NAME " romashka-treid:" WORDS " volga-timber:" NOTE);
	/* A contact ranks above a field, a field above a note. */
	assert_string_equal(ranked("china"), "volga-timber:" FIELD);
	assert_string_equal(ranked("steel"), "romashka-treid:" FIELD);
	/* A legal form alone is looked for in the whole names; ties go by
	 * name in collation order (the form aside): Ромашка, Хлеб, Яндекс. */
	assert_string_equal(ranked("ооо"),
			    "romashka:" WORDS " romashka-treid:" WORDS " khleb:" WORDS " yandex:" WORDS);
}

static void test_folding(void **state)
{
	(void)state;
	/* Any case, ё as е. */
	assert_string_equal(ranked("ЁЛКИН"), "elkin:" NAME); /* the id, in Latin */
	assert_string_equal(ranked("елкин андрей"), "elkin:" WORDS);
	assert_string_equal(ranked("Ёлкин Андрей Петрович"), "elkin:" NAME);
	/* Words in any order, each the start of a word. */
	assert_string_equal(ranked("дача бел"), "belaia-dacha:" WORDS);
	/* Latin for Cyrillic, in the passport spelling and the usual one. */
	assert_string_equal(ranked("belaia dacha"), "belaia-dacha:" NAME);
	assert_string_equal(ranked("Belaya Dacha"), "belaia-dacha:" NAME);
	assert_string_equal(ranked("yandex"), "yandex:" ID);
	assert_string_equal(ranked("Яндекс"), "yandex:" NAME);
	assert_string_equal(ranked("hleb"), "khleb:" NAME);
	/* Cyrillic for Latin: the name Volga Timber. */
	assert_string_equal(ranked("волга"), "volga-timber:" WORDS);
	/* Inside a word, from three letters. */
	assert_string_equal(ranked("машк"), "romashka:" PART " romashka-treid:" PART);
	assert_string_equal(ranked("ашка"), "romashka:" PART " romashka-treid:" PART);
	assert_string_equal(ranked("аш"), "");
}

static void test_contacts(void **state)
{
	(void)state;
	/* A phone however it is written, and its last seven digits. */
	assert_string_equal(ranked("+7 351 111-11-11"), "belaia-dacha:" CONTACT);
	assert_string_equal(ranked("83511111111"), "belaia-dacha:" CONTACT);
	assert_string_equal(ranked("111-11-11"), "belaia-dacha:" CONTACT);
	assert_string_equal(why("8 (351) 000 00 00"), "phone +7 351 000-00-00");
	assert_string_equal(why("+7(351)1111111"), "phone 8 (351) 111 11 11");
	/* E-mail, name and role. */
	assert_string_equal(why("a.orlova@example.com"), "e-mail a.orlova@example.com");
	assert_string_equal(why("orlova"), "contact Anna Orlova");
	assert_string_equal(why("orlova@example"), "e-mail a.orlova@example.com");
	assert_string_equal(why("Anna"), "contact Anna Orlova");
	assert_string_equal(why("Сергей"), "contact Sergey Petrov");
	assert_string_equal(why("accountant"), "role chief accountant");
	/* Fields, tags, next action, notes, remarks. */
	assert_string_equal(why("pipes"), "field cargo: steel pipes");
	assert_string_equal(why("Челябинск"), "field direction: China - Chelyabinsk");
	assert_string_equal(why("timb"), "(none)");
	assert_string_equal(why("contract"), "next action: send the contract");
	assert_string_equal(why("trucks"), "note 2026-10-05: asked about Ромашка's trucks");
	assert_string_equal(why("prefers"), "remarks: Prefers e-mail; decides in the last week. ");
	assert_string_equal(ranked("nobody"), "");
}

static void test_resolve(void **state)
{
	(void)state;
	assert_string_equal(resolve("romashka"), "romashka");
	assert_string_equal(resolve("ООО «Ромашка»"), "romashka");
	assert_string_equal(resolve("Ромашка"), "romashka");
	assert_string_equal(resolve("ромашка"), "romashka");
	assert_string_equal(resolve("трейд"), "romashka-treid");
	assert_string_equal(resolve("Белая"), "belaia-dacha");
	assert_string_equal(resolve("Ёлкин"), "elkin");
	assert_string_equal(resolve("VOLGA-TIMBER"), "volga-timber");
	/* The exact id wins over names that contain it. */
	assert_string_equal(resolve("yandex"), "yandex");
}

static void test_resolve_ambiguous(void **state)
{
	(void)state;
	assert_string_equal(resolve("ром"),
			    "-4 'ром' matches 2 clients: 'romashka' (ООО «Ромашка»), "
			    "'romashka-treid' (ООО «Ромашка-Трейд»); give one of their ids");
	assert_string_equal(resolve("ООО"),
			    "-4 'ООО' matches 4 clients: 'romashka' (ООО «Ромашка»), 'romashka-treid' (ООО «Ромашка-Трейд»), "
			    "'khleb' (ООО «Хлеб»), 'yandex' (ООО «Яндекс»); give one of their ids");
}

static void test_resolve_unknown(void **state)
{
	(void)state;
	/* Nothing near: no suggestion. */
	assert_string_equal(resolve("acme"), "-2 client 'acme' not found");
	/* A phone or a contact does not resolve, but is offered. */
	assert_string_equal(resolve("+7 351 111-11-11"),
			    "-2 client '+7 351 111-11-11' not found; did you mean 'belaia-dacha' (АО «Белая Дача»)?");
	assert_string_equal(resolve("Orlova"),
			    "-2 client 'Orlova' not found; did you mean 'belaia-dacha' (АО «Белая Дача»)?");
	/* Typos: a letter or two away from a name or an id. */
	assert_string_equal(resolve("romahska"),
			    "-2 client 'romahska' not found; did you mean 'romashka' (ООО «Ромашка»)?");
	assert_string_equal(resolve("Ромшка"),
			    "-2 client 'Ромшка' not found; did you mean 'romashka' (ООО «Ромашка»)?");
	assert_string_equal(resolve("volga-timbre"),
			    "-2 client 'volga-timbre' not found; did you mean 'volga-timber' (Volga Timber LLC)?");
}

static void test_bad_queries(void **state)
{
	struct find *f = (struct find *)1;

	(void)state;
	assert_error(find_new(&f, "  «» "), PREG_EINVAL,
		     "nothing to find in '«»': give a name, an id, a phone or a word");
	assert_null(f);
	assert_error(find_new(&f, "\xff"), PREG_EINVAL, "the text to find is not valid UTF-8");
	/* Control characters of a query never reach a message raw. */
	assert_string_equal(resolve("acme\x1b[2J"), "-2 client 'acme?[2J' not found");
}

static const char *translit(const char *s)
{
	static char out[128];
	struct buf b = BUF_INIT;

	buf_adds(&b, "x:");
	if (!slug_translit(&b, s))
		buf_adds(&b, "(bad)");
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_release(&b);
	return out;
}

static void test_translit(void **state)
{
	(void)state;
	/* The id table, every other character one space; appended. */
	assert_string_equal(translit("ООО «Ёлка-Щит» № 5"), "x:ooo elka shchit 5");
	assert_string_equal(translit("Café Noir, Straße"), "x:cafe noir strasse");
	assert_string_equal(translit("«»"), "x:");
	assert_string_equal(translit("а\xd0"), "x:a(bad)");
}

static void test_index(void **state)
{
	struct buf ix = BUF_INIT;
	struct find *f = NULL;
	const char *saved;

	(void)state;
	/* One line per text: folded, then in Latin. */
	find_index(&ix, recs[2], false);
	assert_string_equal(ix.p, "find1\n"
				  "n0 белая дача\tbelaia dacha\n"
				  "c0 anna orlova\tanna orlova\n"
				  "r0 chief accountant\tchief accountant\n"
				  "p0 +73511111111\t8 351 111 11 11\n"
				  "e0 a.orlova@example.com\ta orlova eksample com\n");
	buf_release(&ix);
	/* Notes and remarks only when asked. */
	find_index(&ix, recs[3], true);
	assert_non_null(strstr(ix.p, "o0 asked about ромашка s trucks\tasked about romashka s trucks\n"));
	buf_release(&ix);
	/* An index of another version (an old cache) is not trusted: the
	 * record is indexed again. */
	saved = recs[0]->find_text;
	recs[0]->find_text = "find0\nn0 nothing\tnothing\n";
	assert_int_equal(find_new(&f, "ромашка"), 0);
	assert_int_equal(find_record(f, recs[0]->id, recs[0]), FIND_NAME);
	find_free(f);
	recs[0]->find_text = saved;
}

static void test_broken_record(void **state)
{
	struct find *f = NULL;
	const struct find_hit *v;
	char *id = NULL;
	size_t n;

	(void)state;
	/* A record that does not parse is found by its id only. */
	assert_int_equal(find_new(&f, "broken"), 0);
	assert_int_equal(find_record(f, "broken-too", NULL), FIND_NAME_WORDS);
	assert_int_equal(find_record(f, "broken", NULL), FIND_ID);
	assert_int_equal(find_record(f, "other", NULL), FIND_NONE);
	v = find_hits(f, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "broken");
	assert_null(v[0].name);
	assert_int_equal(find_resolve(f, &id), 0);
	assert_string_equal(id, "broken");
	free(id);
	find_free(f);
}

/* The id a sync gives the second client added under one id (slug_with_suffix,
 * a long id cut to make room) names that client, never the first, however
 * well its words start the first's name. */
static void test_renamed_id(void **state)
{
	static const char *const cases[][3] = {
		{ "ural-2", "ural", "-2 client 'ural-2' not found; did you mean 'ural' (ООО «Урал» 270)?" },
		{ "ural 2", "ural", "ural" },
		{ "Урал 270", "ural", "ural" },
		{ "transportno-ekspeditsionnaia-kompaniia-uralski-2", "transportno-ekspeditsionnaia-kompaniia-uralskii",
		  "-2 client 'transportno-ekspeditsionnaia-kompaniia-uralski-2' not found; did you mean "
		  "'transportno-ekspeditsionnaia-kompaniia-uralskii' (ООО «Урал» 270)?" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct record *rec = NULL;
		struct find *f = NULL;
		char *text = xasprintf("id: %s\nname: ООО «Урал» 270\n" HEAD, cases[i][1]), *id = NULL, out[512];
		int rc;

		assert_int_equal(record_parse(&rec, text, strlen(text), "x.yaml", NULL), 0);
		assert_int_equal(find_new(&f, cases[i][0]), 0);
		find_record(f, rec->id, rec);
		rc = find_resolve(f, &id);
		snprintf(out, sizeof(out), rc ? "%d %s" : "%.0d%s", rc, rc ? preg_error_msg() : id);
		assert_string_equal(out, cases[i][2]);
		free(id);
		find_free(f);
		record_free(rec);
		free(text);
	}
}

/* ---- over a real register, through the record cache ---- */

static struct reg *reg;
static char regdir[PATH_MAX + 8];

static void add(const char *id, const char *name, const char *contact)
{
	struct add_opts o = { 0 };

	o.name = name;
	o.id = id;
	o.contacts = &contact;
	o.ncontacts = contact ? 1 : 0;
	if (ops_add(reg, &o))
		fail_msg("ops_add %s: %s", id, preg_error_msg());
}

static int reg_setup(void **state)
{
	struct note_opts n = { 0 };

	(void)state;
	if (unit_home_setup("find"))
		return -1;
	setenv("PREG_NOW", "2026-11-02T10:15:00+05:00", 1);
	setenv("PREG_USER", "ivanov", 1);
	snprintf(regdir, sizeof(regdir), "%s/reg", unit_root());
	if (reg_init(regdir, "freight") || reg_open(&reg, regdir))
		return -1;
	add("romashka", "ООО «Ромашка»", "Sergey Petrov <s.petrov@example.com>; director; +7 351 000-00-00");
	add("romashka-treid", "ООО «Ромашка-Трейд»", NULL);
	add("belaia-dacha", "АО «Белая Дача»", "Anna Orlova <a.orlova@example.com>; chief accountant; 8 (351) 111 11 11");
	n.id = "belaia-dacha";
	n.text = "agreed the first truck";
	return ops_note(reg, &n) ? -1 : 0;
}

static int reg_teardown(void **state)
{
	(void)state;
	reg_free(reg);
	unit_home_teardown();
	return 0;
}

static const char *client(const char *text)
{
	static char out[512];
	char *id = NULL;
	int rc = find_client(&id, reg, text);

	snprintf(out, sizeof(out), "%s", rc ? preg_error_msg() : id);
	free(id);
	return out;
}

/* The ids the register search finds, joined with spaces. */
static const char *found(const char *q, bool notes)
{
	static char out[512];
	struct find *f = NULL;
	const struct find_hit *v;
	size_t n, len = 0;

	assert_int_equal(find_new(&f, q), 0);
	assert_int_equal(find_register(f, reg, notes), 0);
	v = find_hits(f, &n);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? " " : "", v[i].id);
	find_free(f);
	return out;
}

static void test_register_resolve(void **state)
{
	(void)state;
	assert_string_equal(client("romashka"), "romashka");
	assert_string_equal(client("Ромашка"), "romashka");
	assert_string_equal(client("ООО «Ромашка»"), "romashka");
	assert_string_equal(client("трейд"), "romashka-treid");
	assert_string_equal(client("belaya dacha"), "belaia-dacha");
	assert_string_equal(client("ром"), "'ром' matches 2 clients: 'romashka' (ООО «Ромашка»), "
					   "'romashka-treid' (ООО «Ромашка-Трейд»); give one of their ids");
	assert_string_equal(client("+7 351 111-11-11"),
			    "client '+7 351 111-11-11' not found; did you mean 'belaia-dacha' (АО «Белая Дача»)?");
	/* An id that looks valid but is not there is looked for as a name. */
	assert_string_equal(client("belaia"), "belaia-dacha");
	/* Nothing to search for is, to a command, a client not found. */
	assert_string_equal(client(".."), "client '..' not found");
	assert_string_equal(client("«»"), "client '«»' not found");
}

static void test_register_cache(void **state)
{
	char path[PATH_MAX + 64];

	(void)state;
	snprintf(path, sizeof(path), "%s/.git/preg-cache/records", regdir);
	unlink(path);
	/* The first search writes the cache, the second reads it: the same
	 * answers, contacts included. */
	assert_string_equal(found("8 (351) 000-00-00", false), "romashka");
	assert_int_equal(access(path, F_OK), 0);
	assert_string_equal(found("8 (351) 000-00-00", false), "romashka");
	assert_string_equal(found("111-11-11", false), "belaia-dacha");
	assert_string_equal(found("orlova", false), "belaia-dacha");
	assert_string_equal(found("ромашка", false), "romashka romashka-treid");
	/* Notes are not in the cache: found only when records are read. */
	assert_string_equal(found("truck", false), "");
	assert_string_equal(found("truck", true), "belaia-dacha");
	setenv("PREG_NO_CACHE", "1", 1);
	assert_string_equal(found("111-11-11", false), "belaia-dacha");
	/* Without the cache the records are read whole, and still the notes
	 * are left out unless asked for: the answer does not depend on it. */
	assert_string_equal(found("truck", false), "");
	assert_string_equal(found("truck", true), "belaia-dacha");
	unsetenv("PREG_NO_CACHE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_order),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_contacts),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_ambiguous),
		cmocka_unit_test(test_resolve_unknown),
		cmocka_unit_test(test_bad_queries),
		cmocka_unit_test(test_translit),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_broken_record),
		cmocka_unit_test(test_renamed_id),
	};

	const struct CMUnitTest reg_tests[] = {
		cmocka_unit_test(test_register_resolve),
		cmocka_unit_test(test_register_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown) |
	       cmocka_run_group_tests(reg_tests, reg_setup, reg_teardown);
}
