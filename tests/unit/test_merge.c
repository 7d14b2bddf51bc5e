/* test_merge: the three-way record merge of SPEC §8, one rule per test,
 * each with a base, ours and theirs written out by hand. */
#include "unit.h"
#include "merge.h"
#include "register.h"
#include "xalloc.h"

#include <unistd.h>

#define PATH "clients/ro/romashka.yaml"

#define HEAD                                       \
	"id: romashka\n"                           \
	"name: Romashka\n"                         \
	"kind: external\n"                         \
	"manager: ivanov\n"

#define CREATED "created: 2026-10-01T09:12:00+05:00\n"

#define EV1 "  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n"

/* The common ancestor: phase 1, one note. */
static const char base[] = HEAD
	"phase: 1\n"
	"phase_since: 2026-10-01T09:12:00+05:00\n"
	"next_action: call\n" CREATED
	"tags: [china]\n"
	"fields:\n"
	"  direction: China - Chelyabinsk\n"
	"history:\n" EV1
	"notes:\n"
	"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n";

static struct record *parse(const char *text)
{
	struct record *r = NULL;

	if (record_parse(&r, text, strlen(text), PATH, NULL))
		fail_msg("record_parse refused: %s\n%s", preg_error_msg(), text);
	return r;
}

/* Merge three texts with merge_record; the canonical text of the result
 * (caller frees); rep receives the conflicts. */
static char *merge3(const char *b, const char *o, const char *t, struct merge_report *rep)
{
	struct record *rb = b ? parse(b) : NULL, *ro = parse(o), *rt = parse(t), *m = NULL;
	struct buf out = BUF_INIT;

	merge_record(&m, rb, ro, rt, rep);
	record_write(&out, m);
	record_free(rb);
	record_free(ro);
	record_free(rt);
	record_free(m);
	return buf_detach(&out);
}

static void expect_text(char *got, const char *want)
{
	if (!got)
		fail_msg("--- want\n%s--- got nothing (a conflict)", want);
	if (strcmp(got, want))
		fail_msg("--- want\n%s--- got\n%s", want, got);
	free(got);
}

static void test_history_and_notes_union(void **state)
{
	/* Ours moved to 2 and noted; theirs moved to 3 later and noted
	 * earlier than ours. Both events, both notes, in time order; the
	 * phase is the last move's. */
	static const char ours[] = HEAD
		"phase: 2\n"
		"phase_since: 2026-10-10T10:00:00+05:00\n"
		"next_action: call\n" CREATED
		"tags: [china]\n"
		"fields:\n"
		"  direction: China - Chelyabinsk\n"
		"history:\n" EV1
		"  - {at: 2026-10-10T10:00:00+05:00, by: ivanov, phase: 2}\n"
		"notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-12T10:00:00+05:00, by: ivanov, text: ours}\n";
	static const char theirs[] = HEAD
		"phase: 3\n"
		"phase_since: 2026-10-11T10:00:00+05:00\n"
		"next_action: call\n" CREATED
		"tags: [china]\n"
		"fields:\n"
		"  direction: China - Chelyabinsk\n"
		"history:\n" EV1
		"  - {at: 2026-10-11T10:00:00+05:00, by: petrov, phase: 3}\n"
		"notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-05T10:00:00+05:00, by: petrov, text: theirs}\n";
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(base, ours, theirs, &rep), HEAD
		    "phase: 3\n"
		    "phase_since: 2026-10-11T10:00:00+05:00\n"
		    "next_action: call\n" CREATED
		    "tags: [china]\n"
		    "fields:\n"
		    "  direction: China - Chelyabinsk\n"
		    "history:\n" EV1
		    "  - {at: 2026-10-10T10:00:00+05:00, by: ivanov, phase: 2}\n"
		    "  - {at: 2026-10-11T10:00:00+05:00, by: petrov, phase: 3}\n"
		    "notes:\n"
		    "  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		    "  - {at: 2026-10-05T10:00:00+05:00, by: petrov, text: theirs}\n"
		    "  - {at: 2026-10-12T10:00:00+05:00, by: ivanov, text: ours}\n");
	/* The phase follows history: not a conflict. */
	assert_int_equal(rep.n, 0);
	merge_report_release(&rep);
}

static void test_phase_from_ours_when_later(void **state)
{
	/* The same two moves the other way round in time: ours is later. */
	static const char ours[] = HEAD "phase: 2\nphase_since: 2026-10-20T10:00:00+05:00\n" CREATED
		"history:\n" EV1 "  - {at: 2026-10-20T10:00:00+05:00, by: ivanov, phase: 2}\n";
	static const char theirs[] = HEAD "phase: 3\nphase_since: 2026-10-11T10:00:00+05:00\n" CREATED
		"history:\n" EV1 "  - {at: 2026-10-11T10:00:00+05:00, by: petrov, phase: 3}\n";
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1;

	(void)state;
	expect_text(merge3(b, ours, theirs, NULL), HEAD
		    "phase: 2\nphase_since: 2026-10-20T10:00:00+05:00\n" CREATED "history:\n" EV1
		    "  - {at: 2026-10-11T10:00:00+05:00, by: petrov, phase: 3}\n"
		    "  - {at: 2026-10-20T10:00:00+05:00, by: ivanov, phase: 2}\n");
}

static void test_manager_from_history(void **state)
{
	/* Both reassigned: the later event decides, no conflict. */
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1;
	static const char ours[] = "id: romashka\nname: Romashka\nkind: external\nmanager: petrov\n"
		"phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED "history:\n" EV1
		"  - {at: 2026-10-21T10:00:00+05:00, by: boss, manager: petrov}\n";
	static const char theirs[] = "id: romashka\nname: Romashka\nkind: external\nmanager: sidorov\n"
		"phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED "history:\n" EV1
		"  - {at: 2026-10-20T10:00:00+05:00, by: boss, manager: sidorov}\n";
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(b, ours, theirs, &rep),
		    "id: romashka\nname: Romashka\nkind: external\nmanager: petrov\n"
		    "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED "history:\n" EV1
		    "  - {at: 2026-10-20T10:00:00+05:00, by: boss, manager: sidorov}\n"
		    "  - {at: 2026-10-21T10:00:00+05:00, by: boss, manager: petrov}\n");
	assert_int_equal(rep.n, 0);
	merge_report_release(&rep);
}

static void test_one_sided_changes(void **state)
{
	/* Ours: next_contact set, a field added, a tag added. Theirs: the
	 * name, a field removed, a tag removed. All of it is taken. */
	static const char ours[] = HEAD
		"phase: 1\n"
		"phase_since: 2026-10-01T09:12:00+05:00\n"
		"next_contact: 2026-11-25\n"
		"next_action: call\n" CREATED
		"tags: [china, steel]\n"
		"fields:\n"
		"  direction: China - Chelyabinsk\n"
		"  cargo: pipes\n"
		"history:\n" EV1
		"notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n";
	static const char theirs[] = "id: romashka\nname: Romashka Ltd\nkind: external\nmanager: ivanov\n"
		"phase: 1\n"
		"phase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: call\n" CREATED
		"history:\n" EV1
		"notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n";
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(base, ours, theirs, &rep),
		    "id: romashka\nname: Romashka Ltd\nkind: external\nmanager: ivanov\n"
		    "phase: 1\n"
		    "phase_since: 2026-10-01T09:12:00+05:00\n"
		    "next_contact: 2026-11-25\n"
		    "next_action: call\n" CREATED
		    "tags: [steel]\n"
		    "fields:\n"
		    "  cargo: pipes\n"
		    "history:\n" EV1
		    "notes:\n"
		    "  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n");
	assert_int_equal(rep.n, 0);
	merge_report_release(&rep);
}

static void test_two_sided_conflict_takes_theirs(void **state)
{
	/* next_action changed on both sides, differently; fields.direction too;
	 * ours's other change (next_contact) is kept. */
	static const char ours[] = HEAD
		"phase: 1\n"
		"phase_since: 2026-10-01T09:12:00+05:00\n"
		"next_contact: 2026-11-25\n"
		"next_action: send the quotation\n" CREATED
		"tags: [china]\n"
		"fields:\n"
		"  direction: China - Moscow\n"
		"history:\n" EV1;
	static const char theirs[] = HEAD
		"phase: 1\n"
		"phase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: visit\n" CREATED
		"tags: [china]\n"
		"fields:\n"
		"  direction: China - Omsk\n"
		"history:\n" EV1;
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(base, ours, theirs, &rep), HEAD
		    "phase: 1\n"
		    "phase_since: 2026-10-01T09:12:00+05:00\n"
		    "next_contact: 2026-11-25\n"
		    "next_action: visit\n" CREATED
		    "tags: [china]\n"
		    "fields:\n"
		    "  direction: China - Omsk\n"
		    "history:\n" EV1);
	assert_int_equal(rep.n, 2);
	assert_string_equal(rep.v[0].id, "romashka");
	assert_string_equal(rep.v[0].field, "next_action");
	assert_string_equal(rep.v[0].ours, "send the quotation");
	assert_string_equal(rep.v[0].theirs, "visit");
	assert_string_equal(rep.v[1].field, "fields.direction");
	assert_string_equal(rep.v[1].ours, "China - Moscow");
	assert_string_equal(rep.v[1].theirs, "China - Omsk");
	merge_report_release(&rep);
}

static void test_removed_against_changed(void **state)
{
	/* Ours cleared next_action, theirs changed it: a conflict, theirs
	 * taken, the removal named as "(none)". */
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1;
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: visit\n" CREATED "history:\n" EV1;
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: call\n" CREATED "history:\n" EV1;
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(b, ours, theirs, &rep), theirs);
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.v[0].ours, "(none)");
	assert_string_equal(rep.v[0].theirs, "visit");
	merge_report_release(&rep);
}

static void test_identical_entries_once_duplicates_kept(void **state)
{
	/* The same note added on both sides is kept once; a note ours holds
	 * twice (two at one second) stays twice. */
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1;
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "notes:\n"
		"  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: same}\n"
		"  - {at: 2026-10-04T10:00:00+05:00, by: ivanov, text: twice}\n"
		"  - {at: 2026-10-04T10:00:00+05:00, by: ivanov, text: twice}\n";
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "notes:\n"
		"  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: same}\n"
		"  - {at: 2026-10-04T10:00:00+05:00, by: ivanov, text: twice}\n"
		"  - {at: 2026-10-04T10:00:00+05:00, by: petrov, text: other}\n";

	(void)state;
	expect_text(merge3(b, ours, theirs, NULL), HEAD
		    "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED "history:\n" EV1 "notes:\n"
		    "  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: same}\n"
		    "  - {at: 2026-10-04T10:00:00+05:00, by: ivanov, text: twice}\n"
		    "  - {at: 2026-10-04T10:00:00+05:00, by: ivanov, text: twice}\n"
		    "  - {at: 2026-10-04T10:00:00+05:00, by: petrov, text: other}\n");
}

static void test_undone_entries_stay_out(void **state)
{
	/* The base had a note and a move; ours (the remote) took both back
	 * with preg undo; theirs (a clone that had not seen the undo) noted
	 * on. The undone note and move stay out; theirs' new note goes in.
	 * The other way round (theirs undid) too. */
	static const char b[] = HEAD "phase: 2\nphase_since: 2026-10-02T10:00:00+05:00\n" CREATED
		"history:\n" EV1 "  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, phase: 2}\n"
		"notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: undone}\n";
	static const char undone[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n";
	static const char noted[] = HEAD "phase: 2\nphase_since: 2026-10-02T10:00:00+05:00\n" CREATED
		"history:\n" EV1 "  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, phase: 2}\n"
		"notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: undone}\n"
		"  - {at: 2026-10-04T10:00:00+05:00, by: petrov, text: later}\n";
	static const char want[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "notes:\n"
		"  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-04T10:00:00+05:00, by: petrov, text: later}\n";

	(void)state;
	expect_text(merge3(b, undone, noted, NULL), want);
	expect_text(merge3(b, noted, undone, NULL), want);
	/* Without a base (added on both sides) nothing was taken back. */
	expect_text(merge3(NULL, undone, noted, NULL), HEAD "phase: 2\nphase_since: 2026-10-02T10:00:00+05:00\n" CREATED
		    "history:\n" EV1 "  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, phase: 2}\n"
		    "notes:\n"
		    "  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		    "  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: undone}\n"
		    "  - {at: 2026-10-04T10:00:00+05:00, by: petrov, text: later}\n");
}

static void test_hold_follows_the_last_hold_event(void **state)
{
	/* Ours (the remote) was put on hold on the 29th until the 15th;
	 * theirs (replayed: offline on the 27th) until the 28th. The later
	 * hold is the record's, in the fields as in the history. */
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED "history:\n" EV1;
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"hold_until: 2027-01-15\nhold_reason: away\n" CREATED "history:\n" EV1
		"  - {at: 2026-12-29T08:00:00+05:00, by: petrov, hold_until: 2027-01-15, reason: away}\n";
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"hold_until: 2026-12-28\nhold_reason: busy\n" CREATED "history:\n" EV1
		"  - {at: 2026-12-27T12:00:00+05:00, by: ivanov, hold_until: 2026-12-28, reason: busy}\n";
	static const char lifted[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1
		"  - {at: 2026-12-27T12:00:00+05:00, by: ivanov, hold_until: 2026-12-28, reason: busy}\n"
		"  - {at: 2026-12-30T12:00:00+05:00, by: ivanov, hold_until: none}\n";
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(b, ours, theirs, &rep), HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		    "hold_until: 2027-01-15\nhold_reason: away\n" CREATED "history:\n" EV1
		    "  - {at: 2026-12-27T12:00:00+05:00, by: ivanov, hold_until: 2026-12-28, reason: busy}\n"
		    "  - {at: 2026-12-29T08:00:00+05:00, by: petrov, hold_until: 2027-01-15, reason: away}\n");
	/* Not a conflict: the history decides. */
	assert_int_equal(rep.n, 0);
	merge_report_release(&rep);
	/* A hold lifted last: none. */
	expect_text(merge3(b, ours, lifted, NULL), HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		    "history:\n" EV1
		    "  - {at: 2026-12-27T12:00:00+05:00, by: ivanov, hold_until: 2026-12-28, reason: busy}\n"
		    "  - {at: 2026-12-29T08:00:00+05:00, by: petrov, hold_until: 2027-01-15, reason: away}\n"
		    "  - {at: 2026-12-30T12:00:00+05:00, by: ivanov, hold_until: none}\n");
}

static void test_end_reason_follows_the_move(void **state)
{
	/* Ours ended the client; theirs moved it on later: the client is in
	 * theirs's phase and the end reason, set with ours's move, goes. */
	static const char b[] = HEAD "phase: 7\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1;
	static const char ours[] = HEAD "phase: 11\nphase_since: 2026-10-10T10:00:00+05:00\n"
		"end_reason: too expensive\n" CREATED "history:\n" EV1
		"  - {at: 2026-10-10T10:00:00+05:00, by: ivanov, phase: 11, reason: too expensive}\n";
	static const char theirs[] = HEAD "phase: 8\nphase_since: 2026-10-11T10:00:00+05:00\n" CREATED
		"history:\n" EV1 "  - {at: 2026-10-11T10:00:00+05:00, by: petrov, phase: 8}\n";
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(b, ours, theirs, &rep), HEAD
		    "phase: 8\nphase_since: 2026-10-11T10:00:00+05:00\n" CREATED "history:\n" EV1
		    "  - {at: 2026-10-10T10:00:00+05:00, by: ivanov, phase: 11, reason: too expensive}\n"
		    "  - {at: 2026-10-11T10:00:00+05:00, by: petrov, phase: 8}\n");
	assert_int_equal(rep.n, 0);
	merge_report_release(&rep);
}

static void test_contacts_and_unknown_keys(void **state)
{
	/* Contacts changed on ours only; an unknown key changed on both. */
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "x_rating: 1\n";
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"contacts:\n  - name: Ann\n    phone: \"123\"\n"
		"history:\n" EV1 "x_rating: 2\n";
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "x_rating: 3\n";
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(b, ours, theirs, &rep), HEAD
		    "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		    "contacts:\n  - name: Ann\n    phone: \"123\"\n"
		    "history:\n" EV1 "x_rating: 3\n");
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.v[0].field, "x_rating");
	assert_string_equal(rep.v[0].ours, "2");
	assert_string_equal(rep.v[0].theirs, "3");
	merge_report_release(&rep);
}

static void test_added_on_both_sides(void **state)
{
	/* No base: what both hold is kept, what differs is theirs's and a
	 * conflict. */
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: call\n" CREATED "history:\n" EV1;
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: write\n" CREATED "history:\n" EV1;
	struct merge_report rep = { 0 };

	(void)state;
	expect_text(merge3(NULL, ours, theirs, &rep), theirs);
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.v[0].field, "next_action");
	merge_report_release(&rep);
}

/* ---- the driver's text merge ---- */

static void test_text_clean(void **state)
{
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_contact: 2026-11-25\nnext_action: call\n" CREATED "tags: [china]\n"
		"fields:\n  direction: China - Chelyabinsk\nhistory:\n" EV1
		"notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n";
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: call\n" CREATED "tags: [china]\n"
		"fields:\n  direction: China - Chelyabinsk\nhistory:\n" EV1
		"notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-03T10:00:00+05:00, by: petrov, text: second}\n";
	struct buf out = BUF_INIT;
	int n = -1;

	(void)state;
	assert_int_equal(merge_text(&out, &n, base, strlen(base), ours, strlen(ours), theirs, strlen(theirs),
				    PATH),
			 0);
	assert_int_equal(n, 0);
	expect_text(buf_detach(&out), HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		    "next_contact: 2026-11-25\nnext_action: call\n" CREATED "tags: [china]\n"
		    "fields:\n  direction: China - Chelyabinsk\nhistory:\n" EV1
		    "notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		    "  - {at: 2026-10-03T10:00:00+05:00, by: petrov, text: second}\n");
}

static void test_text_marks_the_field_alone(void **state)
{
	/* next_action and one free field conflict; the note of theirs merges
	 * cleanly and is outside the markers. */
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: send the quotation\n" CREATED "tags: [china]\n"
		"fields:\n  direction: China - Moscow\n  cargo: steel\nhistory:\n" EV1
		"notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n";
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		"next_action: visit\n" CREATED "tags: [china]\n"
		"fields:\n  direction: China - Omsk\nhistory:\n" EV1
		"notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		"  - {at: 2026-10-03T10:00:00+05:00, by: petrov, text: second}\n";
	struct buf out = BUF_INIT;
	int n = -1;

	(void)state;
	assert_int_equal(merge_text(&out, &n, base, strlen(base), ours, strlen(ours), theirs, strlen(theirs),
				    PATH),
			 0);
	assert_int_equal(n, 2);
	expect_text(buf_detach(&out), HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n"
		    "<<<<<<< ours\n"
		    "next_action: send the quotation\n"
		    "=======\n"
		    "next_action: visit\n"
		    ">>>>>>> theirs\n" CREATED "tags: [china]\n"
		    "fields:\n"
		    "<<<<<<< ours\n"
		    "  direction: China - Moscow\n"
		    "=======\n"
		    "  direction: China - Omsk\n"
		    ">>>>>>> theirs\n"
		    "  cargo: steel\n"
		    "history:\n" EV1
		    "notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: ivanov, text: first}\n"
		    "  - {at: 2026-10-03T10:00:00+05:00, by: petrov, text: second}\n");
}

static void test_text_add_add_and_bad_input(void **state)
{
	static const char a[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED;
	static const char b[] = "id: romashka\nname: Other\nmanager: ivanov\n"
		"phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED;
	struct buf out = BUF_INIT;
	int n = -1;

	(void)state;
	/* Equal on both sides: taken as it is. */
	assert_int_equal(merge_text(&out, &n, "", 0, a, strlen(a), a, strlen(a), PATH), 0);
	assert_int_equal(n, 0);
	expect_text(buf_detach(&out), a);
	/* Two different new records: the whole file is one conflict. */
	assert_int_equal(merge_text(&out, &n, "", 0, a, strlen(a), b, strlen(b), PATH), 0);
	assert_int_equal(n, 1);
	{
		char want[1024];

		snprintf(want, sizeof(want), "<<<<<<< ours\n%s=======\n%s>>>>>>> theirs\n", a, b);
		expect_text(buf_detach(&out), want);
	}
	/* A text that does not parse names itself. */
	assert_error(merge_text(&out, &n, base, strlen(base), a, strlen(a), "id: [x\n", 7, PATH), PREG_EINVAL,
		     PATH ":2:1: did not find expected ',' or ']'");
	buf_release(&out);
}


/* ---- the driver in libgit2's own merges ---- */

/* A tree: the tip of repo with the record at PATH set to text. */
static git_tree *tree_with(git_repository *repo, git_tree *tip, const char *text)
{
	git_tree_update up;
	git_oid blob, id;
	git_tree *t = NULL;

	assert_int_equal(git_blob_create_from_buffer(&blob, repo, text, strlen(text)), 0);
	memset(&up, 0, sizeof(up));
	up.action = GIT_TREE_UPDATE_UPSERT;
	up.filemode = GIT_FILEMODE_BLOB;
	up.path = PATH;
	git_oid_cpy(&up.id, &blob);
	assert_int_equal(git_tree_create_updated(&id, repo, tip, 1, &up), 0);
	assert_int_equal(git_tree_lookup(&t, repo, &id), 0);
	return t;
}

/* Merge ours and theirs over base with git_merge_trees in a new register;
 * the merged text (caller frees), or NULL when the file stays conflicted. */
static char *libgit2_merge(const char *b, const char *o, const char *t)
{
	char dir[PATH_MAX + 8], *text = NULL;
	struct reg *r = NULL;
	git_repository *repo = NULL;
	git_object *tip = NULL;
	git_tree *tt = NULL, *tb, *to, *th;
	git_index *idx = NULL;

	snprintf(dir, sizeof(dir), "%s/reg", unit_root());
	/* A register: .gitattributes sends records to the driver "preg". */
	if (access(dir, F_OK))
		assert_int_equal(reg_init(dir, "freight"), 0);
	assert_int_equal(reg_open(&r, dir), 0);
	assert_int_equal(git_repository_open(&repo, dir), 0);
	assert_int_equal(git_revparse_single(&tip, repo, "HEAD^{tree}"), 0);
	tt = (git_tree *)tip;
	tb = tree_with(repo, tt, b);
	to = tree_with(repo, tt, o);
	th = tree_with(repo, tt, t);
	assert_int_equal(git_merge_trees(&idx, repo, tb, to, th, NULL), 0);
	if (!git_index_has_conflicts(idx)) {
		const git_index_entry *e = git_index_get_bypath(idx, PATH, 0);
		git_blob *blob = NULL;

		assert_non_null(e);
		assert_int_equal(git_blob_lookup(&blob, repo, &e->id), 0);
		text = strndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
	}
	git_index_free(idx);
	git_tree_free(tb);
	git_tree_free(to);
	git_tree_free(th);
	git_object_free(tip);
	git_repository_free(repo);
	reg_free(r);
	return text;
}

static void test_libgit2_merges_through_the_driver(void **state)
{
	/* A note on each side: git's text merge would conflict on the
	 * neighbouring lines; the driver keeps both. */
	static const char b[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1;
	static const char ours[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "notes:\n  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: ours}\n";
	static const char theirs[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		"history:\n" EV1 "notes:\n  - {at: 2026-10-02T10:00:00+05:00, by: petrov, text: theirs}\n";
	static const char t1[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\nnext_action: a\n" CREATED
		"history:\n" EV1;
	static const char t2[] = HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\nnext_action: b\n" CREATED
		"history:\n" EV1;

	(void)state;
	assert_int_equal(unit_home_setup("merge"), 0);
	expect_text(libgit2_merge(b, ours, theirs), HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED
		    "history:\n" EV1 "notes:\n"
		    "  - {at: 2026-10-02T10:00:00+05:00, by: petrov, text: theirs}\n"
		    "  - {at: 2026-10-03T10:00:00+05:00, by: ivanov, text: ours}\n");
	/* A true field conflict stays a conflict. */
	assert_null(libgit2_merge(b, t1, t2));
	unit_home_teardown();
}


/* ---- records that grew (issue 16: time in proportion to the size) ---- */

/* A record of nf fields (f<i>: да, but f<i> = fv[i] where given), nt tags,
 * nn notes (seven texts over and over, a minute apart), then more (may be
 * NULL) as it is. Caller frees. */
static char *grown(size_t nf, const char *const *fv, size_t nt, const char *tags_more, size_t nn,
		   const char *more)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, HEAD "phase: 1\nphase_since: 2026-10-01T09:12:00+05:00\n" CREATED "tags: [");
	for (size_t i = 0; i < nt; i++)
		buf_addf(&b, "%st%zu", i ? ", " : "", i);
	buf_addf(&b, "%s]\nfields:\n", tags_more ? tags_more : "");
	for (size_t i = 0; i < nf; i++)
		if (!fv || fv[i])
			buf_addf(&b, "  f%zu: %s\n", i, fv && fv[i] ? fv[i] : "да");
	buf_adds(&b, "history:\n" EV1 "notes:\n");
	for (size_t i = 0; i < nn; i++)
		buf_addf(&b, "  - {at: 2026-10-%02zuT%02zu:%02zu:00+05:00, by: ivanov, text: звонок %zu}\n",
			 2 + i / 1440, i / 60 % 24, i % 60, i % 7);
	if (more)
		buf_adds(&b, more);
	return buf_detach(&b);
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, l = strlen(prefix);

	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, l);
	return n;
}

/* 5,000 notes on each side, each side adding one and theirs holding one of
 * the old notes twice: the union keeps all, in time order, that one twice. */
static void test_long_notes_union(void **state)
{
	char *b = grown(0, NULL, 0, NULL, 5000, NULL);
	char *o = grown(0, NULL, 0, NULL, 5000, "  - {at: 2026-11-01T10:00:00+05:00, by: ivanov, text: ours}\n");
	char *t = grown(0, NULL, 0, NULL, 5000,
			"  - {at: 2026-10-02T00:00:00+05:00, by: ivanov, text: звонок 0}\n"
			"  - {at: 2026-11-01T09:00:00+05:00, by: petrov, text: theirs}\n");
	char *m;

	(void)state;
	m = merge3(b, o, t, NULL);
	/* 5,003 notes and the history event. */
	assert_int_equal(count_lines(m, "  - {at: "), 5004);
	assert_int_equal(count_lines(m, "  - {at: 2026-10-02T00:00:00+05:00, by: ivanov, text: звонок 0}"), 2);
	assert_non_null(strstr(m, "text: theirs}\n  - {at: 2026-11-01T10:00:00+05:00, by: ivanov, text: ours}\n"));
	free(m);
	free(b);
	free(o);
	free(t);
}

/* 5,000 fields and 3,000 tags: each side's change is taken, each tag once. */
static void test_many_fields_and_tags(void **state)
{
	static const char *fo[5000], *ft[5000];
	char *b, *o, *t, *m;

	(void)state;
	for (size_t i = 0; i < 5000; i++)
		fo[i] = ft[i] = "да";
	fo[10] = "ours";
	ft[4000] = "theirs";
	ft[4999] = NULL;
	b = grown(5000, NULL, 3000, NULL, 0, NULL);
	o = grown(5000, fo, 3000, ", new-o, t1", 0, NULL);
	t = grown(5000, ft, 3000, ", new-t, t2999", 0, NULL);
	m = merge3(b, o, t, NULL);
	assert_non_null(strstr(m, "\n  f10: ours\n"));
	assert_non_null(strstr(m, "\n  f4000: theirs\n"));
	assert_null(strstr(m, "\n  f4999: "));
	assert_int_equal(count_lines(m, "  f"), 4999);
	assert_non_null(strstr(m, ", t2999, new-o, new-t]\n"));
	assert_null(strstr(m, ", t1, t1,"));
	free(b);
	free(o);
	free(t);
	free(m);
}

/* Three conflicts far apart in a record of 5,000 fields (too many units for
 * the table of a longest common subsequence): each is still marked alone. */
static void test_text_far_apart(void **state)
{
	static const char *fo[5000], *ft[5000];
	char *b, *o, *t;
	struct buf out = BUF_INIT;
	int n = -1;

	(void)state;
	for (size_t i = 0; i < 5000; i++)
		fo[i] = ft[i] = "да";
	fo[2500] = "ours";
	ft[2500] = "theirs";
	ft[3000] = NULL;
	b = grown(5000, NULL, 0, NULL, 0, "x-kept: base\n");
	o = grown(5000, fo, 0, "o", 0, "x-kept: ours\n");
	t = grown(5000, ft, 0, "t", 0, "x-kept: theirs\n");
	assert_int_equal(merge_text(&out, &n, b, strlen(b), o, strlen(o), t, strlen(t), PATH), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(out.p, "\n  f2499: да\n<<<<<<< ours\n  f2500: ours\n=======\n  f2500: theirs\n"
				      ">>>>>>> theirs\n  f2501: да\n"));
	assert_non_null(strstr(out.p, "\n<<<<<<< ours\nx-kept: ours\n=======\nx-kept: theirs\n>>>>>>> theirs\n"));
	assert_int_equal(count_lines(out.p, "<<<<<<< "), 2);
	assert_int_equal(count_lines(out.p, "  f"), 4999 + 1);
	assert_non_null(strstr(out.p, "tags: [o, t]\n"));
	buf_release(&out);
	free(b);
	free(o);
	free(t);
}

/* More conflicts than MERGE_MARK_MAX: ours and theirs whole, as they came. */
static void test_text_too_many_conflicts(void **state)
{
	static const char *fo[200], *ft[200];
	char *b, *o, *t, *want;
	struct buf out = BUF_INIT;
	int n = -1;

	(void)state;
	for (size_t i = 0; i < 200; i++) {
		fo[i] = i <= MERGE_MARK_MAX ? "ours" : "да";
		ft[i] = i <= MERGE_MARK_MAX ? "theirs" : "да";
	}
	b = grown(200, NULL, 0, NULL, 0, NULL);
	o = grown(200, fo, 0, NULL, 0, NULL);
	t = grown(200, ft, 0, NULL, 0, NULL);
	assert_int_equal(merge_text(&out, &n, b, strlen(b), o, strlen(o), t, strlen(t), PATH), 0);
	assert_int_equal(n, MERGE_MARK_MAX + 1);
	want = xasprintf("<<<<<<< ours\n%s=======\n%s>>>>>>> theirs\n", o, t);
	assert_string_equal(out.p, want);
	free(want);
	buf_release(&out);
	free(b);
	free(o);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_and_notes_union),
		cmocka_unit_test(test_undone_entries_stay_out),
		cmocka_unit_test(test_hold_follows_the_last_hold_event),
		cmocka_unit_test(test_phase_from_ours_when_later),
		cmocka_unit_test(test_manager_from_history),
		cmocka_unit_test(test_one_sided_changes),
		cmocka_unit_test(test_two_sided_conflict_takes_theirs),
		cmocka_unit_test(test_removed_against_changed),
		cmocka_unit_test(test_identical_entries_once_duplicates_kept),
		cmocka_unit_test(test_end_reason_follows_the_move),
		cmocka_unit_test(test_contacts_and_unknown_keys),
		cmocka_unit_test(test_added_on_both_sides),
		cmocka_unit_test(test_text_clean),
		cmocka_unit_test(test_text_marks_the_field_alone),
		cmocka_unit_test(test_text_add_add_and_bad_input),
		cmocka_unit_test(test_libgit2_merges_through_the_driver),
		cmocka_unit_test(test_long_notes_union),
		cmocka_unit_test(test_many_fields_and_tags),
		cmocka_unit_test(test_text_far_apart),
		cmocka_unit_test(test_text_too_many_conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
