/* test_history: reading commit trailers and explaining what changed in a
 * record, in words (lib/history.c), without a repository. */
#include "unit.h"
#include "history.h"
#include "log.h"
#include "xalloc.h"

static const char base[] =
	"id: acme\n"
	"name: Acme Ltd\n"
	"kind: external\n"
	"manager: ivanov\n"
	"phase: 6\n"
	"phase_since: 2026-10-20T16:40:00+05:00\n"
	"created: 2026-10-01T09:12:00+05:00\n"
	"fields:\n"
	"  cargo: steel\n"
	"history:\n"
	"  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n"
	"  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 6}\n"
	"notes:\n"
	"  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, text: hello}\n";

static struct record *parse(const char *text)
{
	struct record *r = NULL;

	assert_int_equal(record_parse(&r, text, strlen(text), "t.yaml", NULL), 0);
	return r;
}

/* The changes from old to new text, in words. */
static char *compare(const char *old, const char *new, char **by)
{
	struct record *a = old ? parse(old) : NULL, *b = new ? parse(new) : NULL;
	struct changes ch;
	struct buf out = BUF_INIT;

	memset(&ch, 0, sizeof(ch));
	hist_compare(a, b, NULL, &ch);
	changes_text(&out, &ch);
	if (by)
		*by = ch.by ? xstrdup(ch.by) : NULL;
	changes_release(&ch);
	record_free(a);
	record_free(b);
	return out.len ? buf_detach(&out) : xstrdup("");
}

/* text with the first from replaced by to; the caller frees it. */
static char *edit_in(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	struct buf b = BUF_INIT;

	assert_non_null(p);
	buf_add(&b, text, (size_t)(p - text));
	buf_adds(&b, to);
	buf_adds(&b, p + strlen(from));
	return buf_detach(&b);
}

static char *edit(const char *from, const char *to)
{
	return edit_in(base, from, to);
}

static void check(const char *old, const char *new, const char *want, const char *want_by)
{
	char *by = NULL, *got = compare(old, new, &by);

	assert_string_equal(got, want);
	if (want_by)
		assert_string_equal(by, want_by);
	else
		assert_null(by);
	free(got);
	free(by);
}

static void test_trailers(void **state)
{
	struct hcommit c;

	(void)state;
	memset(&c, 0, sizeof(c));
	/* The summary line is never a trailer, even when it looks like one. */
	hist_parse_trailers("Preg-Client: fake\n\nPreg-Client: acme\nPreg-Action: reassign\n"
			    "Preg-Client:  romashka \nPreg-Phase: 6 -> 7\nPreg-Action: later\nNot a trailer\n",
			    &c);
	assert_int_equal(c.nclients, 2);
	assert_string_equal(c.clients[0], "acme");
	assert_string_equal(c.clients[1], "romashka");
	assert_string_equal(c.action, "reassign");
	assert_string_equal(c.phase, "6 -> 7");
	hcommit_release(&c);
	hist_parse_trailers("plain git commit", &c);
	assert_int_equal(c.nclients, 0);
	assert_null(c.action);
	hcommit_release(&c);
}

static void test_added_removed(void **state)
{
	(void)state;
	check(NULL, base, "added (Acme Ltd)", "ivanov");
	check(base, NULL, "removed (Acme Ltd)", NULL);
	check(base, base, "", NULL);
}

static void test_phase_manager_fields(void **state)
{
	char *moved, *handed, *field, *more;

	(void)state;
	{
		char *m = edit("phase: 6\n", "phase: 7\n");

		moved = edit_in(m, "notes:\n", "  - {at: 2026-11-02T10:15:00+05:00, by: petrov, phase: 7}\nnotes:\n");
		free(m);
	}
	check(base, moved, "phase 6 -> 7", "petrov");
	handed = edit("manager: ivanov\n", "manager: petrov\n");
	check(base, handed, "manager ivanov -> petrov", NULL);
	field = edit("  cargo: steel\n", "  cargo: pipes\n  direction: China\n");
	check(base, field, "fields.cargo: steel -> pipes; fields.direction: (none) -> China", NULL);
	more = edit("kind: external\n", "kind: external\nnext_contact: 2026-12-01\nremarks: |\n  one\n  two\n");
	check(base, more, "next_contact: (none) -> 2026-12-01; remarks: (none) -> (2 lines)", NULL);
	free(moved);
	free(handed);
	free(field);
	free(more);
}

static void test_contacts(void **state)
{
	const char *c1 = "  - {name: Ivan Petrov, email: ivan@romashka.ru, role: director}\n";
	const char *c2 = "  - {name: Anna Orlova, phone: +7 351 111-11-11}\n";
	const char *c3 = "  - {email: sales@romashka.ru}\n";
	char *one, *two, *three, *mid_gone, *changed, *s;

	(void)state;
	s = xasprintf("kind: external\ncontacts:\n%s", c1);
	one = edit("kind: external\n", s);
	free(s);
	s = xasprintf("kind: external\ncontacts:\n%s%s", c1, c2);
	two = edit("kind: external\n", s);
	free(s);
	s = xasprintf("kind: external\ncontacts:\n%s%s%s", c1, c2, c3);
	three = edit("kind: external\n", s);
	free(s);
	s = xasprintf("kind: external\ncontacts:\n%s%s", c1, c3);
	mid_gone = edit("kind: external\n", s);
	free(s);
	s = xasprintf("kind: external\ncontacts:\n%s  - {name: Anna Orlova, role: accountant, phone: +7 351 111-11-11}\n", c1);
	changed = edit("kind: external\n", s);
	free(s);
	/* One added at the end, one removed in the middle, one changed: each
	 * by its number, not every later contact renumbered. */
	check(one, two, "contact 2: (none) -> Anna Orlova; ; +7 351 111-11-11", NULL);
	check(three, mid_gone, "contact 2: Anna Orlova; ; +7 351 111-11-11 -> (none)", NULL);
	check(two, changed, "contact 2: Anna Orlova; ; +7 351 111-11-11 -> Anna Orlova; accountant; +7 351 111-11-11", NULL);
	check(one, base, "contact 1: Ivan Petrov <ivan@romashka.ru>; director -> (none)", NULL);
	check(three, one, "contact 2: Anna Orlova; ; +7 351 111-11-11 -> (none); contact 3: <sales@romashka.ru> -> (none)", NULL);
	free(one);
	free(two);
	free(three);
	free(mid_gone);
	free(changed);
}

static void test_notes_events_rewrites(void **state)
{
	char *noted = xasprintf("%s  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, channel: call, text: again}\n",
				base);
	char *held = edit("notes:\n",
			  "  - {at: 2026-11-02T10:15:00+05:00, by: petrov, hold_until: 2026-12-01, reason: away}\nnotes:\n");
	char *rewritten = edit("by: ivanov, phase: 6}", "by: ivanov, phase: 6, note: oops}");
	char *dropped = edit("  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, text: hello}\n", "");

	(void)state;
	check(base, noted, "note added: call: again", "smirnov");
	check(base, held, "event: hold_until: 2026-12-01, reason: away", "petrov");
	/* A changed event is a rewrite, and no one's addition. */
	check(base, rewritten, "event: a history event removed or changed", NULL);
	check(base, dropped, "event: a note removed or changed", NULL);
	free(noted);
	free(held);
	free(rewritten);
	free(dropped);
}

/* A move or a handover that leaves phase and manager as they were (placed
 * before a later one by --at, or two in one range) still shows, as the
 * event with its time; the last one that changed them shows as the change. */
static void test_moves_before_the_last(void **state)
{
	char *backdated = edit("  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 6}\n",
			       "  - {at: 2026-10-15T12:00:00+05:00, by: petrov, phase: 5}\n"
			       "  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 6}\n");
	char *handed = edit("  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 6}\n",
			    "  - {at: 2026-10-15T12:00:00+05:00, by: petrov, manager: petrov}\n"
			    "  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 6}\n"
			    "  - {at: 2026-10-21T09:00:00+05:00, by: petrov, manager: ivanov}\n");
	char *moved = edit("phase: 6\nphase_since: 2026-10-20T16:40:00+05:00\n",
			   "phase: 7\nphase_since: 2026-11-01T10:00:00+05:00\n");
	char *moved2 = edit_in(moved, "notes:\n",
			       "  - {at: 2026-10-25T10:00:00+05:00, by: ivanov, phase: 5}\n"
			       "  - {at: 2026-11-01T10:00:00+05:00, by: ivanov, phase: 7}\nnotes:\n");

	(void)state;
	check(base, backdated, "event: phase: 5 (at 2026-10-15T12:00:00+05:00)", "petrov");
	check(base, handed,
	      "event: manager: petrov (at 2026-10-15T12:00:00+05:00); "
	      "event: manager: ivanov (at 2026-10-21T09:00:00+05:00)",
	      "petrov");
	check(base, moved2,
	      "event: phase: 5 (at 2026-10-25T10:00:00+05:00); phase 6 -> 7",
	      "ivanov");
	free(backdated);
	free(handed);
	free(moved);
	free(moved2);
}

/* A record of n notes and n fields (a long-standing client), written out. */
static char *long_record(size_t n, const char *extra_field, const char *extra_note)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "id: acme\nname: ООО «Акме»\nkind: external\nmanager: ivanov\nphase: 1\n"
		     "phase_since: 2026-01-01T09:00:00+05:00\ncreated: 2026-01-01T09:00:00+05:00\nfields:\n");
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "  f%zu: %s\n", i, i == n / 2 && extra_field ? extra_field : "да");
	buf_adds(&b, "history:\n  - {at: 2026-01-01T09:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}\nnotes:\n");
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "  - {at: 2026-%02zu-%02zuT%02zu:%02zu:00+05:00, by: ivanov, text: звонок %zu}\n",
			 1 + i / 40320, 1 + i / 1440 % 28, i / 60 % 24, i % 60, i % 7);
	if (extra_note)
		buf_adds(&b, extra_note);
	return buf_detach(&b);
}

/* 5,000 notes (seven texts over and over) and 5,000 fields: one note added
 * and one field changed are found as such, and nothing else (the sorted
 * views must not confuse equal texts at other times). */
static void test_long_record(void **state)
{
	char *old = long_record(5000, NULL, NULL);
	char *new = long_record(5000, "нет", "  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, text: звонок 3}\n");
	char *rewritten = edit_in(old, "text: звонок 6}\n", "text: звонок 5}\n");

	(void)state;
	check(old, new, "fields.f2500: да -> нет; note added: звонок 3", "smirnov");
	check(old, rewritten, "event: a note removed or changed", NULL);
	check(old, old, "", NULL);
	free(old);
	free(new);
	free(rewritten);
}

static void test_fnv(void **state)
{
	(void)state;
	/* The published FNV-1a 64 test values. */
	assert_true(logidx_fnv(LOGIDX_FNV_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(logidx_fnv(LOGIDX_FNV_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(logidx_fnv(LOGIDX_FNV_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
	/* It continues: hashing in two pieces is hashing the whole. */
	assert_true(logidx_fnv(logidx_fnv(LOGIDX_FNV_INIT, "foo", 3), "bar", 3) == 0x85944171f73967e8ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trailers),
		cmocka_unit_test(test_added_removed),
		cmocka_unit_test(test_phase_manager_fields),
		cmocka_unit_test(test_contacts),
		cmocka_unit_test(test_notes_events_rewrites),
		cmocka_unit_test(test_moves_before_the_last),
		cmocka_unit_test(test_long_record),
		cmocka_unit_test(test_fnv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
