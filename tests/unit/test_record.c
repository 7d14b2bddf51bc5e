/* test_record: the client record: parsing with the field rules, the one
 * canonical form, paths, and the shared rules (days, stale, due, requires,
 * JSON). */
#include "unit.h"
#include "layout.h"
#include "record.h"
#include "schema.h"
#include "status.h"
#include "xalloc.h"

#define PATH "clients/ro/romashka.yaml"

/* The record of SPEC §4, comments stripped. */
static const char spec_example[] =
	"id: romashka\n"
	"name: ООО «Ромашка»\n"
	"kind: external\n"
	"manager: ivanov\n"
	"phase: 7\n"
	"phase_since: 2026-11-02T10:15:00+05:00\n"
	"next_contact: 2026-11-25\n"
	"next_action: call about the first shipment\n"
	"end_reason: moved to a competitor\n"
	"hold_until: 2026-12-15\n"
	"hold_reason: the director is on holiday\n"
	"created: 2026-10-01T09:12:00+05:00\n"
	"remarks: |\n"
	"  Prefers e-mail; the director decides in the last week of the month.\n"
	"tags: [china, steel]\n"
	"fields:\n"
	"  direction: China - Chelyabinsk\n"
	"  cargo: steel pipes\n"
	"contacts:\n"
	"  - name: Sergey Petrov\n"
	"    role: decision maker\n"
	"    phone: \"+7 351 000-00-00\"\n"
	"    email: s.petrov@example.com\n"
	"history:\n"
	"  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1}\n"
	"  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 7, note: contract signed}\n"
	"  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, manager: ivanov}\n"
	"notes:\n"
	"  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, channel: meeting, text: presentation to the director}\n";

/* The least a record holds. */
#define MINIMAL                                        \
	"id: romashka\n"                               \
	"name: R\n"                                    \
	"manager: ivanov\n"                            \
	"phase: 7\n"                                   \
	"phase_since: 2026-11-02T10:15:00+05:00\n"     \
	"created: 2026-10-01T09:12:00+05:00\n"

static struct record *parse(const char *text)
{
	struct record *r = (struct record *)1;

	preg_error_clear();
	if (record_parse(&r, text, strlen(text), PATH, NULL))
		fail_msg("record_parse refused: %s\n%s", preg_error_msg(), text);
	assert_non_null(r);
	return r;
}

/* The canonical text of r (caller frees). */
static char *canon(const struct record *r)
{
	struct buf b = BUF_INIT;

	record_write(&b, r);
	return buf_detach(&b);
}

/* parse -> write -> parse -> write: the two writes are identical, and the
 * canonical text is returned (caller frees). */
static char *roundtrip(const char *text)
{
	struct record *r = parse(text), *r2;
	char *w1 = canon(r), *w2;

	record_free(r);
	r2 = parse(w1);
	w2 = canon(r2);
	record_free(r2);
	if (strcmp(w1, w2))
		fail_msg("not stable:\n--- first\n%s--- second\n%s", w1, w2);
	free(w2);
	return w1;
}

static void refuse(const char *text, const char *msg)
{
	struct record *r = (struct record *)1;
	int rc;

	preg_error_clear();
	rc = record_parse(&r, text, strlen(text), PATH, NULL);
	if (rc != PREG_EINVAL || strcmp(preg_error_msg(), msg)) {
		if (!rc)
			record_free(r);
		fail_msg("want PREG_EINVAL \"%s\", got %d \"%s\"", msg, rc, preg_error_msg());
	}
	assert_null(r);
}

static int32_t day(const char *s)
{
	int32_t d;

	assert_int_equal(date_parse(&d, s), 0);
	return d;
}

/* ---- round trips ---- */

static void test_spec_example(void **state)
{
	struct record *r;
	char *w;

	(void)state;
	r = parse(spec_example);
	assert_string_equal(r->id, "romashka");
	assert_string_equal(r->name, "ООО «Ромашка»");
	assert_string_equal(r->kind, "external");
	assert_string_equal(r->manager, "ivanov");
	assert_int_equal(r->phase, 7);
	assert_string_equal(r->phase_since, "2026-11-02T10:15:00+05:00");
	assert_string_equal(r->next_contact, "2026-11-25");
	assert_string_equal(r->next_action, "call about the first shipment");
	assert_string_equal(r->end_reason, "moved to a competitor");
	assert_string_equal(r->hold_until, "2026-12-15");
	assert_string_equal(r->hold_reason, "the director is on holiday");
	assert_string_equal(r->created, "2026-10-01T09:12:00+05:00");
	assert_string_equal(r->remarks,
			    "Prefers e-mail; the director decides in the last week of the month.\n");
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[0], "china");
	assert_string_equal(r->tags[1], "steel");
	assert_int_equal(r->fields.n, 2);
	assert_string_equal(kv_get(&r->fields, "direction"), "China - Chelyabinsk");
	assert_string_equal(r->fields.v[1].k, "cargo");
	assert_int_equal(r->ncontacts, 1);
	assert_string_equal(kv_get(&r->contacts[0], "phone"), "+7 351 000-00-00");
	assert_int_equal(r->nhistory, 3);
	assert_string_equal(kv_get(&r->history[1], "note"), "contract signed");
	assert_string_equal(kv_get(&r->history[2], "manager"), "ivanov");
	assert_null(kv_get(&r->history[2], "phase"));
	assert_int_equal(r->nnotes, 1);
	assert_string_equal(kv_get(&r->notes[0], "channel"), "meeting");
	assert_null(r->extra);
	record_free(r);

	w = roundtrip(spec_example);
	/* The canonical form is the example itself; the phone number needs no
	 * quotes (YAML reads it as a string). */
	assert_string_equal(w,
			    "id: romashka\n"
			    "name: ООО «Ромашка»\n"
			    "kind: external\n"
			    "manager: ivanov\n"
			    "phase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "next_contact: 2026-11-25\n"
			    "next_action: call about the first shipment\n"
			    "end_reason: moved to a competitor\n"
			    "hold_until: 2026-12-15\n"
			    "hold_reason: the director is on holiday\n"
			    "created: 2026-10-01T09:12:00+05:00\n"
			    "remarks: |\n"
			    "  Prefers e-mail; the director decides in the last week of the month.\n"
			    "tags: [china, steel]\n"
			    "fields:\n"
			    "  direction: China - Chelyabinsk\n"
			    "  cargo: steel pipes\n"
			    "contacts:\n"
			    "  - name: Sergey Petrov\n"
			    "    role: decision maker\n"
			    "    phone: +7 351 000-00-00\n"
			    "    email: s.petrov@example.com\n"
			    "history:\n"
			    "  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1}\n"
			    "  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 7, note: contract signed}\n"
			    "  - {at: 2026-11-02T10:15:00+05:00, by: smirnov, manager: ivanov}\n"
			    "notes:\n"
			    "  - {at: 2026-10-05T14:00:00+05:00, by: ivanov, channel: meeting, text: presentation to the director}\n");
	free(w);
}

static void test_minimal(void **state)
{
	struct record *r;
	char *w;

	(void)state;
	r = parse(MINIMAL);
	/* kind defaults to external; everything optional is absent. */
	assert_string_equal(r->kind, "external");
	assert_null(r->next_contact);
	assert_null(r->next_action);
	assert_null(r->end_reason);
	assert_null(r->hold_until);
	assert_null(r->hold_reason);
	assert_null(r->remarks);
	assert_int_equal(r->ntags, 0);
	assert_int_equal(r->fields.n, 0);
	assert_int_equal(r->ncontacts, 0);
	assert_int_equal(r->nhistory, 0);
	assert_int_equal(r->nnotes, 0);
	record_free(r);
	w = roundtrip(MINIMAL);
	assert_string_equal(w,
			    "id: romashka\nname: R\nkind: external\nmanager: ivanov\nphase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "created: 2026-10-01T09:12:00+05:00\n");
	free(w);

	/* Optional keys present but null are absent. */
	w = roundtrip(MINIMAL "next_contact:\nnext_action: ~\nend_reason: null\nhold_until:\n"
			      "hold_reason: ~\nremarks:\ntags:\nfields: ~\ncontacts:\nhistory:\nnotes: ~\n");
	assert_string_equal(w,
			    "id: romashka\nname: R\nkind: external\nmanager: ivanov\nphase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "created: 2026-10-01T09:12:00+05:00\n");
	free(w);

	/* Empty lists and maps are written as nothing. */
	w = roundtrip(MINIMAL "tags: []\nfields: {}\ncontacts: []\nhistory: []\nnotes: []\n");
	assert_string_equal(w,
			    "id: romashka\nname: R\nkind: external\nmanager: ivanov\nphase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "created: 2026-10-01T09:12:00+05:00\n");
	free(w);
}

static void test_key_order(void **state)
{
	char *w;

	(void)state;
	/* Keys in any order, in flow or block style, come out canonical. */
	w = roundtrip("notes:\n"
		      "  - text: hello\n"
		      "    channel: call\n"
		      "    by: petrov\n"
		      "    at: 2026-10-05T14:00:00+05:00\n"
		      "history:\n"
		      "  - {note: first, phase: 1, by: ivanov, at: 2026-10-01T09:12:00+05:00}\n"
		      "  - {zz: extra, manager: petrov, reason: why, by: ivanov, at: 2026-10-02T09:12:00+05:00}\n"
		      "contacts:\n"
		      "  - {email: a@b.c, x-other: 1, phone: \"123\", role: boss, name: A}\n"
		      "fields: {zeta: 1, alpha: 2}\n"
		      "tags: [b, a]\n"
		      "remarks: r\n"
		      "created: 2026-10-01T09:12:00+05:00\n"
		      "hold_reason: hr\n"
		      "hold_until: 2026-12-15\n"
		      "end_reason: er\n"
		      "next_action: na\n"
		      "next_contact: 2026-11-25\n"
		      "phase_since: 2026-11-02T10:15:00+05:00\n"
		      "phase: 7\n"
		      "manager: petrov\n"
		      "kind: internal\n"
		      "name: Nora\n"
		      "id: romashka\n");
	assert_string_equal(w,
			    "id: romashka\n"
			    "name: Nora\n"
			    "kind: internal\n"
			    "manager: petrov\n"
			    "phase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "next_contact: 2026-11-25\n"
			    "next_action: na\n"
			    "end_reason: er\n"
			    "hold_until: 2026-12-15\n"
			    "hold_reason: hr\n"
			    "created: 2026-10-01T09:12:00+05:00\n"
			    "remarks: r\n"
			    "tags: [b, a]\n"
			    "fields:\n"
			    "  zeta: \"1\"\n"
			    "  alpha: \"2\"\n"
			    "contacts:\n"
			    "  - name: A\n"
			    "    role: boss\n"
			    "    phone: \"123\"\n"
			    "    email: a@b.c\n"
			    "    x-other: \"1\"\n"
			    "history:\n"
			    "  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, note: first}\n"
			    "  - {at: 2026-10-02T09:12:00+05:00, by: ivanov, manager: petrov, reason: why, zz: extra}\n"
			    "notes:\n"
			    "  - {at: 2026-10-05T14:00:00+05:00, by: petrov, channel: call, text: hello}\n");
	free(w);
}

/* The same with unknown keys among the known ones: they go last, in their
 * order. */
static void test_key_order_with_unknown(void **state)
{
	char *w;

	(void)state;
	/* Keys in any order, in flow or block style, come out canonical. */
	w = roundtrip("notes:\n"
		      "  - text: hello\n"
		      "    channel: call\n"
		      "    by: petrov\n"
		      "    at: 2026-10-05T14:00:00+05:00\n"
		      "custom_b: 2\n"
		      "history:\n"
		      "  - {note: first, phase: 1, by: ivanov, at: 2026-10-01T09:12:00+05:00}\n"
		      "  - {zz: extra, manager: petrov, reason: why, by: ivanov, at: 2026-10-02T09:12:00+05:00}\n"
		      "contacts:\n"
		      "  - {email: a@b.c, x-other: 1, phone: \"123\", role: boss, name: A}\n"
		      "fields: {zeta: 1, alpha: 2}\n"
		      "tags: [b, a]\n"
		      "remarks: r\n"
		      "created: 2026-10-01T09:12:00+05:00\n"
		      "hold_reason: hr\n"
		      "custom_a: 1\n"
		      "hold_until: 2026-12-15\n"
		      "end_reason: er\n"
		      "next_action: na\n"
		      "next_contact: 2026-11-25\n"
		      "phase_since: 2026-11-02T10:15:00+05:00\n"
		      "phase: 7\n"
		      "manager: petrov\n"
		      "kind: internal\n"
		      "name: Nora\n"
		      "id: romashka\n");
	assert_string_equal(w,
			    "id: romashka\n"
			    "name: Nora\n"
			    "kind: internal\n"
			    "manager: petrov\n"
			    "phase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "next_contact: 2026-11-25\n"
			    "next_action: na\n"
			    "end_reason: er\n"
			    "hold_until: 2026-12-15\n"
			    "hold_reason: hr\n"
			    "created: 2026-10-01T09:12:00+05:00\n"
			    "remarks: r\n"
			    "tags: [b, a]\n"
			    "fields:\n"
			    "  zeta: \"1\"\n"
			    "  alpha: \"2\"\n"
			    "contacts:\n"
			    "  - name: A\n"
			    "    role: boss\n"
			    "    phone: \"123\"\n"
			    "    email: a@b.c\n"
			    "    x-other: \"1\"\n"
			    "history:\n"
			    "  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, note: first}\n"
			    "  - {at: 2026-10-02T09:12:00+05:00, by: ivanov, manager: petrov, reason: why, zz: extra}\n"
			    "notes:\n"
			    "  - {at: 2026-10-05T14:00:00+05:00, by: petrov, channel: call, text: hello}\n"
			    "custom_b: 2\n"
			    "custom_a: 1\n");
	free(w);
}

static void test_every_field_tricky(void **state)
{
	static const char *const tricky[] = {
		"NO", "yes", "~", "null", "0123", "1e3", "0x1F", ".inf", "2026-01-01", "12:30", "-",
		"- x", "a: b", "a #b", "#a", " lead", "trail ", "x, y", "[x]", "{x}", "&a", "*a", "!a",
		"|", ">", "'q'", "\"q\"", "%p", "@p", "`p", "a\\b", "tab\tin", "ООО «Ромашка»", "😀",
		"x\xe2\x80\xa8y", "\xef\xbb\xbf" "bom", "?", "? x", ": x", "... x", "--- x", "<<",
		"=", "true", "False", "+7", "1_000", "12:30:00",
	};
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof(tricky) / sizeof(*tricky); i++) {
		const char *s = tricky[i];
		struct record *r = parse(MINIMAL), *back;
		struct kvlist *e;
		char *w;

		/* Put s in every text field the program fills. */
		free(r->name);
		r->name = strdup(s);
		free(r->manager);
		r->manager = strdup("no");
		r->next_action = strdup(s);
		r->end_reason = strdup(s);
		r->hold_reason = strdup(s);
		r->remarks = strdup(s);
		r->tags = calloc(2, sizeof(char *));
		/* A tag is one word (record_tag_check): s where it is one. */
		r->tags[0] = strdup(record_tag_check(s) ? "t" : s);
		r->ntags = 1;
		kv_set(&r->fields, "f", s);
		kv_set(&r->fields, "g", "x");
		r->contacts = calloc(1, sizeof(*r->contacts));
		r->ncontacts = 1;
		kv_set(&r->contacts[0], "name", s);
		kv_set(&r->contacts[0], "role", s);
		record_add_event(r, "2026-10-01T09:12:00+05:00", "no",
				 (const char *const[]){ "phase", "1", "note", s, "reason", s }, 6);
		r->notes = calloc(1, sizeof(*r->notes));
		r->nnotes = 1;
		e = &r->notes[0];
		kv_set(e, "at", "2026-10-05T14:00:00+05:00");
		kv_set(e, "by", "yes");
		kv_set(e, "channel", "call");
		kv_set(e, "text", s);

		w = canon(r);
		record_free(r);
		preg_error_clear();
		if (record_parse(&back, w, strlen(w), PATH, NULL))
			fail_msg("<%s>: the written record does not parse: %s\n%s", s,
				 preg_error_msg(), w);
		assert_string_equal(back->name, s);
		assert_string_equal(back->manager, "no");
		assert_string_equal(back->next_action, s);
		assert_string_equal(back->end_reason, s);
		assert_string_equal(back->hold_reason, s);
		assert_string_equal(back->remarks, s);
		assert_int_equal(back->ntags, 1);
		assert_string_equal(back->tags[0], record_tag_check(s) ? "t" : s);
		assert_string_equal(kv_get(&back->fields, "f"), s);
		assert_string_equal(kv_get(&back->contacts[0], "name"), s);
		assert_string_equal(kv_get(&back->contacts[0], "role"), s);
		assert_string_equal(kv_get(&back->history[0], "note"), s);
		assert_string_equal(kv_get(&back->history[0], "reason"), s);
		assert_string_equal(kv_get(&back->history[0], "by"), "no");
		assert_string_equal(kv_get(&back->notes[0], "text"), s);
		assert_string_equal(kv_get(&back->notes[0], "by"), "yes");
		record_free(back);
		text = roundtrip(w);
		assert_string_equal(text, w);
		free(text);
		free(w);
	}
}

static void test_multiline(void **state)
{
	static const char *const texts[] = {
		"one\ntwo", "one\ntwo\n", "one\ntwo\n\n", "one\n\ntwo\n\n\n", " lead\nx", "\nx",
		"x\n  indented\n\ty", "# hash\n- dash\nkey: value", "x\n", "\n", "a\n ", "NO\nyes\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		const char *s = texts[i];
		struct record *r = parse(MINIMAL), *back;
		char *w, *w2;

		r->remarks = strdup(s);
		r->next_action = strdup(s);
		kv_set(&r->fields, "f", s);
		r->contacts = calloc(1, sizeof(*r->contacts));
		r->ncontacts = 1;
		kv_set(&r->contacts[0], "name", "A");
		kv_set(&r->contacts[0], "role", s);
		record_add_event(r, "2026-10-01T09:12:00+05:00", "ivanov",
				 (const char *const[]){ "note", s }, 2);
		r->notes = calloc(1, sizeof(*r->notes));
		r->nnotes = 1;
		kv_set(&r->notes[0], "at", "2026-10-05T14:00:00+05:00");
		kv_set(&r->notes[0], "by", "ivanov");
		kv_set(&r->notes[0], "text", s);
		w = canon(r);
		record_free(r);
		back = parse(w);
		assert_string_equal(back->remarks, s);
		assert_string_equal(back->next_action, s);
		assert_string_equal(kv_get(&back->fields, "f"), s);
		assert_string_equal(kv_get(&back->contacts[0], "role"), s);
		assert_string_equal(kv_get(&back->history[0], "note"), s);
		assert_string_equal(kv_get(&back->notes[0], "text"), s);
		w2 = canon(back);
		assert_string_equal(w, w2);
		record_free(back);
		free(w);
		free(w2);
	}

	/* The literal block style, as a person would write it. */
	{
		char *w = roundtrip(MINIMAL "remarks: |\n  line one\n\n  line three\n");

		assert_non_null(strstr(w, "remarks: |\n  line one\n\n  line three\n"));
		free(w);
		w = roundtrip(MINIMAL "remarks: |-\n  no newline\n  at the end\n");
		assert_non_null(strstr(w, "remarks: |-\n  no newline\n  at the end\n"));
		free(w);
		w = roundtrip(MINIMAL "remarks: >\n  folded\n  text\n");
		assert_non_null(strstr(w, "remarks: |\n  folded text\n"));
		free(w);
	}
}

static void test_unknown_keys(void **state)
{
	struct record *r;
	char *w;

	(void)state;
	w = roundtrip(MINIMAL
		      "custom: 5\n"
		      "flag: NO\n"
		      "quoted: \"NO\"\n"
		      "nested:\n"
		      "  a: 1\n"
		      "  b: [x, \"y\", {z: 1}]\n"
		      "  c:\n"
		      "    d: deep\n"
		      "list:\n"
		      "  - one\n"
		      "  - {k: v, k2: [1, 2]}\n"
		      "  - [a, b]\n"
		      "  - []\n"
		      "  - {}\n"
		      "text: |\n"
		      "  multi\n"
		      "  line\n"
		      "\"quoted key\": 1\n"
		      "\"NO\": 2\n");
	assert_string_equal(w,
			    "id: romashka\nname: R\nkind: external\nmanager: ivanov\nphase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "created: 2026-10-01T09:12:00+05:00\n"
			    "custom: 5\n"
			    "flag: NO\n"
			    "quoted: \"NO\"\n"
			    "nested:\n"
			    "  a: 1\n"
			    "  b:\n"
			    "    - x\n"
			    "    - \"y\"\n"
			    "    - z: 1\n"
			    "  c:\n"
			    "    d: deep\n"
			    "list:\n"
			    "  - one\n"
			    "  - k: v\n"
			    "    k2:\n"
			    "      - 1\n"
			    "      - 2\n"
			    "  -\n"
			    "    - a\n"
			    "    - b\n"
			    "  - []\n"
			    "  - {}\n"
			    "text: |\n"
			    "  multi\n"
			    "  line\n"
			    "quoted key: 1\n"
			    "\"NO\": 2\n");
	r = parse(w);
	assert_non_null(r->extra);
	assert_int_equal(r->extra->n, 2 * 8);
	assert_string_equal(ymap_get(ymap_get(ymap_get(r->extra, "nested"), "c"), "d")->s, "deep");
	record_free(r);
	free(w);

}

/* An unknown key before the known ones, or between them. */
static void test_unknown_keys_first(void **state)
{
	char *w;

	(void)state;
	w = roundtrip("custom: 1\n" MINIMAL);
	assert_string_equal(w,
			    "id: romashka\nname: R\nkind: external\nmanager: ivanov\nphase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "created: 2026-10-01T09:12:00+05:00\n"
			    "custom: 1\n");
	free(w);
	w = roundtrip("id: romashka\nname: R\nx: 1\nmanager: ivanov\ny: 2\nphase: 7\n"
		      "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n");
	assert_non_null(strstr(w, "created: 2026-10-01T09:12:00+05:00\nx: 1\ny: 2\n"));
	free(w);
	/* A missing required key is reported even after unknown keys. */
	refuse("custom: 1\nid: romashka\nname: R\nmanager: ivanov\nphase: 7\n"
	       "phase_since: 2026-11-02T10:15:00+05:00\n",
	       PATH ":1:1: missing 'created'");
}

/* Unknown keys are kept as they are: a null stays null. */
static void test_unknown_null_kept(void **state)
{
	struct record *r;
	char *w;

	(void)state;
	w = roundtrip(MINIMAL "empty:\ntilde: ~\nlist: [~, \"\"]\n");
	r = parse(w);
	assert_true(ynode_is_null(ymap_get(r->extra, "tilde")));
	assert_false(ynode_is_null(ymap_get(r->extra, "list")->v[1]));
	if (!ynode_is_null(ymap_get(r->extra, "empty")))
		fail_msg("'empty:' (null) came back as <%s>:\n%s", ymap_get(r->extra, "empty")->s, w);
	record_free(r);
	free(w);
}

/* An unknown key that YAML would misread at the start of a line is quoted. */
static void test_unknown_key_quoted(void **state)
{
	struct record *r;
	char *w;

	(void)state;
	w = roundtrip(MINIMAL "\"... x\": 1\n\"...\": 2\n");
	r = parse(w);
	assert_string_equal(ymap_get(r->extra, "... x")->s, "1");
	assert_string_equal(ymap_get(r->extra, "...")->s, "2");
	record_free(r);
	free(w);
}

/* Found by fuzzing: a value that reads as null must not be written plain
 * under a typed key; force is true or false; messages are clean text. */
static void test_fuzz_findings(void **state)
{
	char *w;

	(void)state;
	/* A note's "phase" is free text: "~" stays quoted. */
	w = roundtrip(MINIMAL "notes:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, text: t, phase: \"~\"}\n");
	assert_non_null(strstr(w, "phase: \"~\""));
	free(w);
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, force: \"~\"}\n",
	       PATH ":8:5: invalid force '~' (true or false)");
	/* A tab or an escape quoted from a value reaches no message raw. */
	refuse("id: \"e\\tZ\"\n", PATH ":1:5: invalid id 'e?Z'");
	refuse("id: \"e\\e[2J\"\n", PATH ":1:5: control character U+001B in value");
}

static void test_bom_crlf_comment(void **state)
{
	struct record *r = NULL;
	struct ypos cpos = { -1, -1 };
	char *w;

	(void)state;
	w = roundtrip("\xef\xbb\xbf" "id: romashka\r\nname: R\r\nmanager: ivanov\r\nphase: 7\r\n"
		      "phase_since: 2026-11-02T10:15:00+05:00\r\n"
		      "created: 2026-10-01T09:12:00+05:00\r\nremarks: |\r\n  a\r\n  b\r\n");
	/* Dropped on rewrite. */
	assert_string_equal(w,
			    "id: romashka\nname: R\nkind: external\nmanager: ivanov\nphase: 7\n"
			    "phase_since: 2026-11-02T10:15:00+05:00\n"
			    "created: 2026-10-01T09:12:00+05:00\nremarks: |\n  a\n  b\n");
	free(w);

	assert_int_equal(record_parse(&r, MINIMAL, strlen(MINIMAL), PATH, &cpos), 0);
	assert_int_equal(cpos.line, 0);
	record_free(r);
	assert_int_equal(record_parse(&r, MINIMAL "# a comment\n", strlen(MINIMAL) + 12, PATH, &cpos), 0);
	assert_int_equal(cpos.line, 7);
	assert_int_equal(cpos.col, 1);
	record_free(r);
	/* Input rules of yamlio apply, with the record's path. */
	refuse(MINIMAL "name: again\n", PATH ":7:1: duplicate key 'name'");
	refuse(MINIMAL "x: *a\n", PATH ":7:4: alias '*a' not allowed");
	refuse(MINIMAL "x: \x1b[2J\n", PATH ":7:4: control character U+001B");
}

/* ---- refusals ---- */

static void test_required(void **state)
{
	static const char *const keys[] = { "id", "name", "manager", "phase", "phase_since",
					    "created" };
	static const char *const lines[] = {
		"id: romashka\n", "name: R\n", "manager: ivanov\n", "phase: 7\n",
		"phase_since: 2026-11-02T10:15:00+05:00\n", "created: 2026-10-01T09:12:00+05:00\n",
	};
	char text[512], msg[128];

	(void)state;
	for (size_t skip = 0; skip < 6; skip++) {
		text[0] = '\0';
		for (size_t i = 0; i < 6; i++)
			if (i != skip)
				strcat(text, lines[i]);
		snprintf(msg, sizeof(msg), PATH ":1:1: missing '%s'", keys[skip]);
		refuse(text, msg);
	}
	refuse("", PATH ":1:1: missing 'id'");
	refuse("- a\n", PATH ":1:1: a record must be a mapping");
	refuse("just text\n", PATH ":1:1: a record must be a mapping");
	/* A required key that is null is missing, or invalid. */
	refuse("id:\nname: R\nmanager: ivanov\nphase: 7\nphase_since: 2026-11-02T10:15:00+05:00\n"
	       "created: 2026-10-01T09:12:00+05:00\n",
	       PATH ":1:4: invalid id ''");
	refuse("id: romashka\nname: \"\"\nmanager: ivanov\nphase: 7\n"
	       "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n",
	       PATH ":2:7: empty name");
}

/* The same with an unknown key first or last. */
static void test_required_after_unknown(void **state)
{
	static const char *const keys[] = { "id", "name", "manager", "phase", "phase_since",
					    "created" };
	static const char *const lines[] = {
		"id: romashka\n", "name: R\n", "manager: ivanov\n", "phase: 7\n",
		"phase_since: 2026-11-02T10:15:00+05:00\n", "created: 2026-10-01T09:12:00+05:00\n",
	};
	char text[512], msg[128];

	(void)state;
	for (size_t skip = 0; skip < 6; skip++) {
		snprintf(text, sizeof(text), "x-custom: 1\n");
		for (size_t i = 0; i < 6; i++)
			if (i != skip)
				strcat(text, lines[i]);
		snprintf(msg, sizeof(msg), PATH ":1:1: missing '%s'", keys[skip]);
		refuse(text, msg);
		text[0] = '\0';
		for (size_t i = 0; i < 6; i++)
			if (i != skip)
				strcat(text, lines[i]);
		strcat(text, "x-custom: 1\n");
		refuse(text, msg);
	}
}

static void test_wrong_types(void **state)
{
	(void)state;
	refuse(MINIMAL "tags: x\n", PATH ":7:7: 'tags' must be a list");
	refuse(MINIMAL "tags: {a: b}\n", PATH ":7:7: 'tags' must be a list");
	refuse(MINIMAL "tags: [a, [b]]\n", PATH ":7:11: a tag is a single word");
	refuse(MINIMAL "tags: [a, \"\"]\n", PATH ":7:11: invalid tag '' (one word, no spaces or commas)");
	/* The one tag rule: the reader refuses what client add, set and
	 * import refuse. */
	refuse(MINIMAL "tags: [a, two words]\n", PATH ":7:11: invalid tag 'two words' (one word, no spaces or commas)");
	refuse(MINIMAL "tags: [a, \"b,c\"]\n", PATH ":7:11: invalid tag 'b,c' (one word, no spaces or commas)");
	refuse(MINIMAL "tags: [a, \"{x}\"]\n", PATH ":7:11: invalid tag '{x}' (one word, no spaces or commas)");
	refuse(MINIMAL "fields: [a]\n", PATH ":7:9: 'fields' must be a mapping");
	refuse(MINIMAL "fields: x\n", PATH ":7:9: 'fields' must be a mapping");
	refuse(MINIMAL "fields: {a: [1]}\n", PATH ":7:13: field 'a' must be a single value");
	refuse(MINIMAL "fields: {\"bad key\": 1}\n", PATH ":7:10: invalid field name 'bad key'");
	refuse(MINIMAL "fields: {-x: 1}\n", PATH ":7:10: invalid field name '-x'");
	refuse(MINIMAL "history: {a: b}\n", PATH ":7:10: 'history' must be a list");
	refuse(MINIMAL "history: x\n", PATH ":7:10: 'history' must be a list");
	refuse(MINIMAL "history: [x]\n", PATH ":7:11: each entry of 'history' must be a mapping");
	refuse(MINIMAL "notes: x\n", PATH ":7:8: 'notes' must be a list");
	refuse(MINIMAL "contacts: {a: 1}\n", PATH ":7:11: 'contacts' must be a list");
	refuse(MINIMAL "contacts: [x]\n", PATH ":7:12: each entry of 'contacts' must be a mapping");
	refuse(MINIMAL "contacts: [{name: [a]}]\n", PATH ":7:19: 'name' must be a single value");
	refuse(MINIMAL "remarks: {a: 1}\n", PATH ":7:10: 'remarks' must be a single value");
	refuse(MINIMAL "next_action: [a]\n", PATH ":7:14: 'next_action' must be a single value");
	refuse(MINIMAL "next_contact: [a]\n", PATH ":7:15: 'next_contact' must be a single value");
	refuse("id: [romashka]\n", PATH ":1:5: 'id' must be a single value");
	refuse("id: romashka\nname: {a: 1}\n", PATH ":2:7: 'name' must be a single value");
	refuse("id: romashka\nname: R\nmanager: [a]\n", PATH ":3:10: 'manager' must be a single value");
	refuse("id: romashka\nname: R\nkind: [a]\n", PATH ":3:7: 'kind' must be a single value");
	refuse("phase_since: [a]\n", PATH ":1:14: 'phase_since' must be a single value");
	refuse("created: {}\n", PATH ":1:10: 'created' must be a single value");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, note: [a]}\n",
	       PATH ":8:50: 'note' must be a single value");
}

static void test_phase_values(void **state)
{
	static const char *const bad[] = { "NO", "0", "07", "-1", "+7", "7.0", "1000", "0x7", "~",
					   "seven", "1e1", "7 " };
	char text[512], msg[128];
	struct record *r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		snprintf(text, sizeof(text),
			 "id: romashka\nname: R\nmanager: ivanov\nphase: \"%s\"\n"
			 "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n",
			 bad[i]);
		snprintf(msg, sizeof(msg), PATH ":4:8: invalid phase '%s'", bad[i]);
		refuse(text, msg);
	}
	refuse("id: romashka\nname: R\nmanager: ivanov\nphase: NO\n", PATH ":4:8: invalid phase 'NO'");
	refuse("id: romashka\nname: R\nmanager: ivanov\nphase: 0\n", PATH ":4:8: invalid phase '0'");
	refuse("id: romashka\nname: R\nmanager: ivanov\nphase: 07\n", PATH ":4:8: invalid phase '07'");
	refuse("id: romashka\nname: R\nmanager: ivanov\nphase:\n", PATH ":4:7: invalid phase ''");
	refuse("phase: [7]\n", PATH ":1:8: 'phase' must be a single value");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, phase: NO}\n",
	       PATH ":8:5: invalid phase 'NO'");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, phase: 0}\n",
	       PATH ":8:5: invalid phase '0'");

	/* A quoted number is a number: every scalar is read as a string. */
	r = parse("id: romashka\nname: R\nmanager: ivanov\nphase: \"12\"\n"
		  "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n");
	assert_int_equal(r->phase, 12);
	record_free(r);
	r = parse("id: romashka\nname: R\nmanager: ivanov\nphase: 999\n"
		  "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n");
	assert_int_equal(r->phase, 999);
	record_free(r);
}

static void test_dates_and_times(void **state)
{
	(void)state;
	/* Times: phase_since, created, and 'at' in history and notes. */
	refuse("phase_since: 2026-11-02\n", PATH ":1:14: invalid time '2026-11-02'");
	refuse("phase_since: 2026-11-02T10:15:00\n", PATH ":1:14: invalid time '2026-11-02T10:15:00'");
	refuse("phase_since: 2026-02-30T10:15:00+05:00\n",
	       PATH ":1:14: invalid time '2026-02-30T10:15:00+05:00'");
	refuse("phase_since: 2026-11-02T24:00:00+05:00\n",
	       PATH ":1:14: invalid time '2026-11-02T24:00:00+05:00'");
	refuse("phase_since: yesterday\n", PATH ":1:14: invalid time 'yesterday'");
	refuse("phase_since:\n", PATH ":1:13: invalid time ''");
	refuse("created: 2026-10-01 09:12\n", PATH ":1:10: invalid time '2026-10-01 09:12'");
	refuse("created: NO\n", PATH ":1:10: invalid time 'NO'");
	/* Dates: next_contact and hold_until. */
	refuse(MINIMAL "next_contact: 2026-02-30\n", PATH ":7:15: invalid date '2026-02-30'");
	refuse(MINIMAL "next_contact: 2026-11-25T10:00:00+05:00\n",
	       PATH ":7:15: invalid date '2026-11-25T10:00:00+05:00'");
	refuse(MINIMAL "next_contact: tomorrow\n", PATH ":7:15: invalid date 'tomorrow'");
	refuse(MINIMAL "next_contact: 2026-1-5\n", PATH ":7:15: invalid date '2026-1-5'");
	refuse(MINIMAL "hold_until: 2026-13-01\n", PATH ":7:13: invalid date '2026-13-01'");
	refuse(MINIMAL "hold_until: \"\"\n", PATH ":7:13: invalid date ''");
	refuse(MINIMAL "hold_until: 2025-02-29\n", PATH ":7:13: invalid date '2025-02-29'");
	/* Inside history and notes the entry is named. */
	refuse(MINIMAL "history:\n  - {at: yesterday, by: x}\n", PATH ":8:5: invalid time 'yesterday'");
	refuse(MINIMAL "history:\n  - {at: 2026-10-01T09:12:00+05:00, by: x}\n"
		       "  - {at: 2026-10-01, by: x}\n",
	       PATH ":9:5: invalid time '2026-10-01'");
	refuse(MINIMAL "notes:\n  - {at: 2026-10-32T00:00:00Z, by: x, text: t}\n",
	       PATH ":8:5: invalid time '2026-10-32T00:00:00Z'");
	refuse(MINIMAL "history:\n  - {by: x}\n", PATH ":8:5: history entry without 'at'");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00}\n",
	       PATH ":8:5: history entry without 'by'");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: \"\"}\n",
	       PATH ":8:5: history entry without 'by'");
	refuse(MINIMAL "notes:\n  - {by: x, text: t}\n", PATH ":8:5: notes entry without 'at'");
	refuse(MINIMAL "notes:\n  - {at: 2026-10-05T14:00:00+05:00, text: t}\n",
	       PATH ":8:5: notes entry without 'by'");
	refuse(MINIMAL "notes:\n  - {at: 2026-10-05T14:00:00+05:00, by: ivanov}\n",
	       PATH ":8:5: notes entry without 'text'");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, manager: Bad}\n",
	       PATH ":8:5: invalid manager 'Bad'");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, hold_until: soon}\n",
	       PATH ":8:5: invalid hold_until 'soon' (a date or none)");
	refuse(MINIMAL "history:\n  - {at: 2026-10-05T14:00:00+05:00, by: x, hold_until: 2026-02-30}\n",
	       PATH ":8:5: invalid hold_until '2026-02-30' (a date or none)");

	/* Valid spellings are kept as written. */
	{
		struct record *r = parse("id: romashka\nname: R\nmanager: ivanov\nphase: 7\n"
					 "phase_since: 2026-11-02T05:15:00Z\n"
					 "created: 2026-10-01T09:12:00.5+05:00\n");

		assert_string_equal(r->phase_since, "2026-11-02T05:15:00Z");
		assert_string_equal(r->created, "2026-10-01T09:12:00.5+05:00");
		record_free(r);
	}
}

static void test_kind_id_manager(void **state)
{
	struct record *r;

	(void)state;
	r = parse("id: romashka\nname: R\nkind: internal\nmanager: ivanov\nphase: 7\n"
		  "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n");
	assert_string_equal(r->kind, "internal");
	record_free(r);
	refuse("id: romashka\nname: R\nkind: other\n",
	       PATH ":3:7: invalid kind 'other' (external or internal)");
	refuse("id: romashka\nname: R\nkind: External\n",
	       PATH ":3:7: invalid kind 'External' (external or internal)");
	refuse("id: romashka\nname: R\nkind: \"\"\n", PATH ":3:7: invalid kind '' (external or internal)");

	refuse("id: Romashka\n", PATH ":1:5: invalid id 'Romashka'");
	refuse("id: -romashka\n", PATH ":1:5: invalid id '-romashka'");
	refuse("id: \"../x\"\n", PATH ":1:5: invalid id '../x'");
	refuse("id: con\n", PATH ":1:5: invalid id 'con'");
	refuse("id: a_b\n", PATH ":1:5: invalid id 'a_b'");
	refuse("id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	       PATH ":1:5: invalid id 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
	refuse("id: romashka\nname: R\nmanager: Ivanov\n", PATH ":3:10: invalid manager 'Ivanov'");
	refuse("id: romashka\nname: R\nmanager: \"\"\n", PATH ":3:10: invalid manager ''");
	refuse("id: romashka\nname: R\nmanager: a b\n", PATH ":3:10: invalid manager 'a b'");

	/* Handles may hold '.', '_' and '-'. */
	r = parse("id: romashka\nname: R\nmanager: i.ivanov_2-x\nphase: 7\n"
		  "phase_since: 2026-11-02T10:15:00+05:00\ncreated: 2026-10-01T09:12:00+05:00\n");
	assert_string_equal(r->manager, "i.ivanov_2-x");
	record_free(r);
}

/* An id YAML would misread (a number, a date) is written quoted, like any
 * other string (SPEC §4: "0123", "1e3", "2026-01-01"). */
static void test_ambiguous_id_quoted(void **state)
{
	static const char *const ids[] = { "0123", "1e3", "2026-01-01", "12", "0x1f" };

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		struct record *r = parse(MINIMAL);
		char *w, want[64];

		free(r->id);
		r->id = strdup(ids[i]);
		w = canon(r);
		snprintf(want, sizeof(want), "id: \"%s\"\n", ids[i]);
		if (strncmp(w, want, strlen(want)))
			fail_msg("id %s written as <%.*s>, want <%s>", ids[i],
				 (int)strcspn(w, "\n") + 1, w, want);
		record_free(r);
		free(w);
	}
}

/* ---- paths ---- */

static void test_paths(void **state)
{
	static const char *const good[][2] = {
		{ "romashka", "clients/ro/romashka.yaml" },
		{ "a", "clients/a_/a.yaml" },
		{ "7", "clients/7_/7.yaml" },
		{ "ab", "clients/ab/ab.yaml" },
		{ "a-", "clients/a-/a-.yaml" },
		{ "0-x", "clients/0-/0-x.yaml" },
	};
	static const char *const bad[] = {
		"clients/zz/abc.yaml",		/* wrong shard */
		"clients/ro/r.yaml",		/* one character: the shard is r_ */
		"clients/r_/ro.yaml",
		"clients/../romashka.yaml",
		"clients/ro/../ro/romashka.yaml",
		"clients/ro/..yaml",
		"clients/ro/.yaml",
		"clients/ro/romashka.yml",
		"clients/ro/romashka.YAML",
		"clients/ro/romashka",
		"clients/ro/romashka.yaml.yaml",
		"clients/ro/ro/romashka.yaml",
		"clients/ro//romashka.yaml",
		"clients/ro/Romashka.yaml",
		"clients/Ro/Romashka.yaml",
		"clients/co/con.yaml",
		"clients/-a/-a.yaml",
		"clients/romashka.yaml",
		"/clients/ro/romashka.yaml",
		"client/ro/romashka.yaml",
		"clients/ro/",
		"clients/ro",
		"clients/",
		"",
		"preg.yaml",
	};
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		s = layout_path(LAYOUT_V1, good[i][0]);
		assert_string_equal(s, good[i][1]);
		free(s);
		s = layout_id(LAYOUT_V1, good[i][1]);
		assert_non_null(s);
		assert_string_equal(s, good[i][0]);
		free(s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		s = layout_id(LAYOUT_V1, bad[i]);
		if (s)
			fail_msg("'%s' taken for id '%s'", bad[i], s);
	}
}

/* ---- shared rules ---- */

static struct phases *freight(void)
{
	struct phases *p = NULL;
	const char *t = phases_template("freight");

	assert_int_equal(phases_load(&p, t, strlen(t), "preg.yaml"), 0);
	return p;
}

/* ---- the time rule ---- */

/* A history in the order written, for the time-rule tests. */
#define TIMED                                                                  \
	"id: romashka\n"                                                       \
	"name: ООО «Ромашка»\n"                                                \
	"manager: petrov\n"                                                    \
	"phase: 3\n"                                                           \
	"phase_since: 2026-10-20T16:40:00+05:00\n"                             \
	"created: 2026-10-01T09:12:00+05:00\n"                                 \
	"history:\n"                                                           \
	"  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n" \
	"  - {at: 2026-10-20T16:40:00+05:00, by: ivanov, phase: 3}\n"          \
	"  - {at: 2026-10-22T09:00:00+05:00, by: smirnov, manager: petrov}\n"  \
	"notes:\n"                                                             \
	"  - {at: 2026-10-25T07:00:00Z, by: petrov, text: called}\n"

static struct kvlist entry(const char *at, const char *by, const char *k, const char *v)
{
	struct kvlist e = { NULL, 0, 0 };

	kv_set(&e, "at", at);
	kv_set(&e, "by", by);
	kv_set(&e, k, v);
	return e;
}

static void test_last_time(void **state)
{
	struct record *r = parse(TIMED);
	struct ptime t;
	const char *at = NULL;

	(void)state;
	/* The note, at 12:00 in +05:00, is the latest entry. */
	assert_true(record_last_time(r, &t, &at));
	assert_string_equal(at, "2026-10-25T07:00:00Z");
	record_free(r);
	r = parse(MINIMAL);
	assert_false(record_last_time(r, &t, &at));
	record_free(r);
}

static void test_insert_in_time_order(void **state)
{
	struct record *r = parse(TIMED);
	struct kvlist e;

	(void)state;
	/* Between the first two events; then after an entry of the same
	 * instant (the order written); then at the end. */
	e = entry("2026-10-10T00:00:00+05:00", "ivanov", "phase", "2");
	assert_int_equal(record_insert_entry(r, &e, false), 1);
	assert_null(e.v);
	e = entry("2026-10-20T11:40:00Z", "ivanov", "note", "the same instant");
	assert_int_equal(record_insert_entry(r, &e, false), 3);
	e = entry("2026-11-02T10:15:00+05:00", "ivanov", "phase", "4");
	assert_int_equal(record_insert_entry(r, &e, false), 5);
	assert_int_equal(r->nhistory, 6);
	assert_string_equal(kv_get(&r->history[1], "phase"), "2");
	assert_string_equal(kv_get(&r->history[2], "phase"), "3");
	assert_string_equal(kv_get(&r->history[3], "note"), "the same instant");
	/* A note before the only note. */
	e = entry("2026-10-24T00:00:00+05:00", "petrov", "text", "earlier");
	assert_int_equal(record_insert_entry(r, &e, true), 0);
	assert_string_equal(kv_get(&r->notes[1], "text"), "called");
	record_free(r);
}

static void test_sort_entries_is_stable(void **state)
{
	struct kvlist v[4];

	(void)state;
	v[0] = entry("2026-10-20T16:40:00+05:00", "a", "n", "1");
	v[1] = entry("2026-10-01T09:12:00+05:00", "b", "n", "2");
	v[2] = entry("2026-10-20T11:40:00Z", "c", "n", "3"); /* the instant of v[0] */
	v[3] = entry("2026-10-01T04:12:00Z", "d", "n", "4");  /* the instant of v[1] */
	record_sort_entries(v, 4);
	assert_string_equal(kv_get(&v[0], "n"), "2");
	assert_string_equal(kv_get(&v[1], "n"), "4");
	assert_string_equal(kv_get(&v[2], "n"), "1");
	assert_string_equal(kv_get(&v[3], "n"), "3");
	for (int i = 0; i < 4; i++)
		kvlist_release(&v[i]);
}

static void test_follow_history(void **state)
{
	struct record *r = parse(TIMED);
	struct kvlist e;
	long p, m;

	(void)state;
	record_deciding(r, &p, &m);
	assert_int_equal(p, 1);
	assert_int_equal(m, 2);
	/* A backdated move changes nothing the history decides. */
	e = entry("2026-10-10T00:00:00+05:00", "ivanov", "phase", "2");
	record_insert_entry(r, &e, false);
	record_follow_history(r);
	assert_int_equal(r->phase, 3);
	assert_string_equal(r->phase_since, "2026-10-20T16:40:00+05:00");
	assert_string_equal(r->manager, "petrov");
	/* A later one does. */
	e = entry("2026-10-23T00:00:00+05:00", "petrov", "phase", "4");
	record_insert_entry(r, &e, false);
	e = entry("2026-10-24T00:00:00+05:00", "smirnov", "manager", "sidorov");
	record_insert_entry(r, &e, false);
	record_follow_history(r);
	assert_int_equal(r->phase, 4);
	assert_string_equal(r->phase_since, "2026-10-23T00:00:00+05:00");
	assert_string_equal(r->manager, "sidorov");
	record_free(r);
	/* Without events the keys stay as they are. */
	r = parse(MINIMAL);
	record_deciding(r, &p, &m);
	assert_int_equal(p, -1);
	assert_int_equal(m, -1);
	record_follow_history(r);
	assert_int_equal(r->phase, 7);
	assert_string_equal(r->manager, "ivanov");
	record_free(r);
}

static void test_missing(void **state)
{
	static const char yaml[] =
		"version: 1\n"
		"phases:\n"
		"  - {id: 1, key: a, name: A}\n"
		"  - {id: 2, key: b, name: B, requires: [contacts, fields.direction, next_contact]}\n"
		"  - {id: 3, key: c, name: C, requires: [tags, next_action, remarks, fields]}\n";
	struct phases *ph = NULL;
	struct record *r;

	(void)state;
	assert_int_equal(phases_load(&ph, yaml, strlen(yaml), "preg.yaml"), 0);
	r = parse(MINIMAL);
	assert_null(record_missing(r, phases_get(ph, 1)));
	assert_string_equal(record_missing(r, phases_get(ph, 2)), "contacts");
	r->contacts = calloc(1, sizeof(*r->contacts));
	r->ncontacts = 1;
	kv_set(&r->contacts[0], "name", "A");
	assert_string_equal(record_missing(r, phases_get(ph, 2)), "fields.direction");
	kv_set(&r->fields, "cargo", "steel");
	assert_string_equal(record_missing(r, phases_get(ph, 2)), "fields.direction");
	kv_set(&r->fields, "direction", "east");
	assert_string_equal(record_missing(r, phases_get(ph, 2)), "next_contact");
	r->next_contact = strdup("2026-11-25");
	assert_null(record_missing(r, phases_get(ph, 2)));

	assert_string_equal(record_missing(r, phases_get(ph, 3)), "tags");
	r->tags = calloc(2, sizeof(char *));
	r->tags[0] = strdup("t");
	r->ntags = 1;
	assert_string_equal(record_missing(r, phases_get(ph, 3)), "next_action");
	r->next_action = strdup("call");
	assert_string_equal(record_missing(r, phases_get(ph, 3)), "remarks");
	r->remarks = strdup("r");
	assert_null(record_missing(r, phases_get(ph, 3)));
	kvlist_release(&r->fields);
	assert_string_equal(record_missing(r, phases_get(ph, 3)), "fields");
	record_free(r);
	phases_free(ph);
}

/* ---- JSON ---- */

/* A small strict JSON checker (RFC 8259). Returns the end of the value at
 * p, or NULL. */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!p[i] || !strchr("0123456789abcdefABCDEF", p[i]))
						return NULL;
				p += 5;
			} else {
				return NULL;
			}
			continue;
		}
		p++;
	}
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '"')
		return json_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if (!(p = json_string(json_ws(p))))
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = json_value(p)))
				return NULL;
			p = json_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	}
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		if (*p == '-')
			p++;
		if (*p == '0')
			p++;
		else if (*p >= '1' && *p <= '9')
			while (*p >= '0' && *p <= '9')
				p++;
		else
			return NULL;
		return p;
	}
	return NULL;
}

static void assert_json(const char *s)
{
	const char *end = json_value(s);

	if (!end || *json_ws(end))
		fail_msg("not valid JSON: %s", s);
}

static void json_is(const char *s, const char *want)
{
	struct buf b = BUF_INIT;

	json_str(&b, s);
	assert_string_equal(buf_str(&b), want);
	assert_json(buf_str(&b));
	buf_release(&b);
}

static void test_json_str(void **state)
{
	(void)state;
	json_is("plain", "\"plain\"");
	json_is("", "\"\"");
	json_is("a\"b", "\"a\\\"b\"");
	json_is("a\\b", "\"a\\\\b\"");
	json_is("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
	json_is("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	json_is("ООО «Ромашка» 😀", "\"ООО «Ромашка» 😀\"");
	json_is("</script>", "\"</script>\"");
	{
		struct buf b = BUF_INIT;

		json_str(&b, NULL);
		assert_string_equal(buf_str(&b), "null");
		buf_release(&b);
	}
}

static void test_record_json(void **state)
{
	struct phases *ph = freight();
	struct record *r = parse(spec_example);
	struct buf b = BUF_INIT;
	struct status st;

	(void)state;
	status_of(&st, r, NULL, ph, day("2026-12-10"));
	record_json(&b, r, ph, &st);
	assert_string_equal(buf_str(&b),
			    "{\"id\":\"romashka\",\"name\":\"ООО «Ромашка»\",\"kind\":\"external\","
			    "\"manager\":\"ivanov\",\"phase\":7,\"phase_key\":\"contract\","
			    "\"phase_name\":\"contract conclusion\","
			    "\"phase_since\":\"2026-11-02T10:15:00+05:00\",\"days_in_phase\":38,"
			    "\"stale\":false,\"due\":false,\"overdue\":true,\"on_hold\":true,\"ended\":false,"
			    "\"next_contact\":\"2026-11-25\","
			    "\"next_action\":\"call about the first shipment\","
			    "\"end_reason\":\"moved to a competitor\",\"hold_until\":\"2026-12-15\","
			    "\"hold_reason\":\"the director is on holiday\","
			    "\"created\":\"2026-10-01T09:12:00+05:00\","
			    "\"remarks\":\"Prefers e-mail; the director decides in the last week of the month.\\n\","
			    "\"tags\":[\"china\",\"steel\"],"
			    "\"fields\":{\"direction\":\"China - Chelyabinsk\",\"cargo\":\"steel pipes\"},"
			    "\"contacts\":[{\"name\":\"Sergey Petrov\",\"role\":\"decision maker\","
			    "\"phone\":\"+7 351 000-00-00\",\"email\":\"s.petrov@example.com\"}],"
			    "\"history\":[{\"at\":\"2026-10-01T09:12:00+05:00\",\"by\":\"ivanov\",\"phase\":1},"
			    "{\"at\":\"2026-10-20T16:40:00+05:00\",\"by\":\"ivanov\",\"phase\":7,\"note\":\"contract signed\"},"
			    "{\"at\":\"2026-11-02T10:15:00+05:00\",\"by\":\"smirnov\",\"manager\":\"ivanov\"}],"
			    "\"notes\":[{\"at\":\"2026-10-05T14:00:00+05:00\",\"by\":\"ivanov\","
			    "\"channel\":\"meeting\",\"text\":\"presentation to the director\"}]}");
	assert_json(buf_str(&b));
	buf_release(&b);

	/* Without phases and status: no derived values. */
	record_json(&b, r, NULL, NULL);
	assert_json(buf_str(&b));
	assert_null(strstr(buf_str(&b), "days_in_phase"));
	assert_null(strstr(buf_str(&b), "phase_key"));
	buf_release(&b);
	record_free(r);

	/* Tricky strings everywhere stay valid JSON. */
	r = parse(MINIMAL);
	free(r->name);
	r->name = strdup("\"quoted\" \\ back\nslash\t\x01");
	r->remarks = strdup("line\nline\r\n\x7f");
	r->tags = calloc(3, sizeof(char *));
	r->tags[0] = strdup("\"");
	r->tags[1] = strdup("\\");
	r->ntags = 2;
	kv_set(&r->fields, "k\"", "v\\");
	record_add_event(r, "2026-10-01T09:12:00+05:00", "ivanov",
			 (const char *const[]){ "phase", "1", "note", "\"n\"\n" }, 4);
	status_of(&st, r, NULL, ph, day("2026-12-10"));
	record_json(&b, r, ph, &st);
	assert_json(buf_str(&b));
	assert_non_null(strstr(buf_str(&b),
			       "\"name\":\"\\\"quoted\\\" \\\\ back\\nslash\\t\\u0001\""));
	assert_non_null(strstr(buf_str(&b), "\"tags\":[\"\\\"\",\"\\\\\"]"));
	assert_non_null(strstr(buf_str(&b), "\"fields\":{\"k\\\"\":\"v\\\\\"}"));
	assert_non_null(strstr(buf_str(&b), "\"note\":\"\\\"n\\\"\\n\""));
	buf_release(&b);
	record_free(r);
	phases_free(ph);
}

/* A free field named "phase" is text like any other field. */
static void test_record_json_field_named_phase(void **state)
{
	struct record *r = parse(MINIMAL "fields: {phase: north, stage: \"2\"}\n");
	struct buf b = BUF_INIT;

	(void)state;
	record_json(&b, r, NULL, NULL);
	assert_json(buf_str(&b));
	assert_non_null(strstr(buf_str(&b), "\"fields\":{\"phase\":\"north\",\"stage\":\"2\"}"));
	buf_release(&b);
	record_free(r);
}

/* ---- helpers ---- */

static void test_kv(void **state)
{
	struct kvlist l = { 0 };

	(void)state;
	assert_null(kv_get(&l, "a"));
	kv_set(&l, "a", "1");
	kv_set(&l, "b", "2");
	kv_set(&l, "c", "3");
	assert_string_equal(kv_get(&l, "b"), "2");
	kv_set(&l, "b", "22");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1].v, "22");
	kv_set(&l, "a", NULL);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].k, "b");
	assert_string_equal(l.v[1].k, "c");
	kv_set(&l, "zz", NULL);
	assert_int_equal(l.n, 2);
	kvlist_release(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	kvlist_release(&l);
}

static void test_add_event_and_dup(void **state)
{
	struct record *r = parse(MINIMAL), *d;
	char *w1, *w2;

	(void)state;
	record_add_event(r, "2026-11-03T00:00:00+05:00", "ivanov",
			 (const char *const[]){ "note", "n", "phase", "8", "reason", NULL, "force",
						"true" },
			 8);
	assert_int_equal(r->nhistory, 1);
	assert_int_equal(r->history[0].n, 5);
	assert_null(kv_get(&r->history[0], "reason"));
	w1 = canon(r);
	r->remarks = strdup("x\ny");
	free(w1);
	w1 = canon(r);
	d = record_dup(r);
	record_free(r);
	w2 = canon(d);
	assert_string_equal(w1, w2);
	record_free(d);
	free(w1);
	free(w2);

	/* Unknown keys are copied too. */
	r = parse(MINIMAL "x: {y: [1]}\n");
	d = record_dup(r);
	w1 = canon(r);
	record_free(r);
	w2 = canon(d);
	assert_string_equal(w1, w2);
	record_free(d);
	free(w1);
	free(w2);
	record_free(NULL);
}

/* A forced move is recorded as "force: true", a YAML boolean, as SPEC and
 * ops write it; the record's own writer must not turn it into a string. */
static void test_force_written_plain(void **state)
{
	struct record *r = parse(MINIMAL);
	char *w;

	(void)state;
	record_add_event(r, "2026-11-03T00:00:00+05:00", "ivanov",
			 (const char *const[]){ "note", "nn", "phase", "8", "reason", NULL, "force",
						"true" },
			 8);
	w = canon(r);
	if (!strstr(w, "history:\n  - {at: 2026-11-03T00:00:00+05:00, by: ivanov, "
		       "phase: 8, force: true, note: nn}\n"))
		fail_msg("got:\n%s", w);
	free(w);
	record_free(r);
	w = roundtrip(MINIMAL "history:\n  - {at: 2026-11-03T00:00:00+05:00, by: ivanov, phase: 6, "
			      "force: true}\n");
	if (!strstr(w, "phase: 6, force: true}\n"))
		fail_msg("got:\n%s", w);
	free(w);
}

static void test_text_rules(void **state)
{
	char big[70];

	(void)state;
	assert_true(text_line_ok("plain", 10));
	assert_true(text_line_ok("ООО «Ромашка»", 100));
	assert_true(text_line_ok("", 0));
	assert_false(text_line_ok("a\nb", 10));
	assert_false(text_line_ok("a\tb", 10));
	assert_false(text_line_ok("a\x1b", 10));
	assert_false(text_line_ok("a\x7f", 10));
	assert_false(text_line_ok("a\xc2\x85", 10));		/* NEL */
	assert_false(text_line_ok("a\xe2\x80\xa8", 10));	/* LS */
	assert_false(text_line_ok("a\xef\xbf\xbe", 10));
	assert_false(text_line_ok("\xff", 10));
	assert_false(text_line_ok("\xc0\xaf", 10));
	assert_false(text_line_ok("\xed\xa0\x80", 10));
	assert_false(text_line_ok("12345678901", 10));
	assert_true(text_line_ok("1234567890", 10));
	assert_true(text_ok("a\nb\tc", 10));
	assert_false(text_ok("a\r\nb", 10));
	assert_false(text_ok("a\x01", 10));
	assert_false(text_ok("\xd0", 10));

	assert_true(field_name_ok("direction"));
	assert_true(field_name_ok("Cargo_Type-2"));
	assert_true(field_name_ok("_x"));
	assert_true(field_name_ok("0"));
	assert_false(field_name_ok(""));
	assert_false(field_name_ok("-x"));
	assert_false(field_name_ok("a b"));
	assert_false(field_name_ok("a.b"));
	assert_false(field_name_ok("поле"));
	memset(big, 'a', 64);
	big[64] = '\0';
	assert_true(field_name_ok(big));
	big[64] = 'a';
	big[65] = '\0';
	assert_false(field_name_ok(big));
}


#define RLO "\xe2\x80\xae"
#define ZWSP "\xe2\x80\x8b"
#define ZWJ "\xe2\x80\x8d"
#define BOM "\xef\xbb\xbf"

/* The rule for text that would show other than it is stored (issue 16). */
static void test_text_hidden(void **state)
{
	int at = 9;

	(void)state;
	/* Bidirectional controls: anywhere, in any text. */
	assert_int_equal(text_hidden("Acme " RLO "gnp.exe", true, &at), 0x202e);
	assert_int_equal(at, 0);
	assert_int_equal(text_hidden("две\nстроки " RLO "x", false, &at), 0x202e);
	assert_int_equal(at, 0);
	/* Zero-width: anywhere in one line... */
	assert_int_equal(text_hidden("Рома" ZWSP "шка", true, NULL), 0x200b);
	assert_int_equal(text_hidden("vip" ZWJ, true, NULL), 0x200d);
	/* ...at the ends of multi-line text, white space aside. */
	assert_int_equal(text_hidden(BOM "звонок", false, &at), 0xfeff);
	assert_int_equal(at, -1);
	assert_int_equal(text_hidden(" \n" ZWSP " звонок", false, &at), 0x200b);
	assert_int_equal(at, -1);
	assert_int_equal(text_hidden("звонок" ZWSP "\n", false, &at), 0x200b);
	assert_int_equal(at, 1);
	assert_int_equal(text_hidden(ZWSP, false, &at), 0x200b);
	assert_int_equal(at, -1);
	/* Inside, it is part of the writing: an emoji, a line of its own. */
	assert_int_equal(text_hidden("договорились \xf0\x9f\x91\xa9" ZWJ "\xf0\x9f\x92\xbb!", false, &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(text_hidden("a" ZWSP "\nb", false, NULL), 0);
	assert_int_equal(text_hidden("ООО «Ромашка»", true, NULL), 0);
	assert_int_equal(text_hidden("", true, NULL), 0);
	/* Bytes that are not UTF-8 are another rule's. */
	assert_int_equal(text_hidden("\xff" RLO, true, NULL), 0x202e);
	/* text_line_ok and text_ok hold to it. */
	assert_false(text_line_ok("Acme " RLO, 100));
	assert_false(text_line_ok("Acme" ZWSP "x", 100));
	assert_false(text_ok("x" ZWSP, 100));
	assert_true(text_ok("x" ZWJ "y", 100));

	assert_error(text_hidden_error("a client name", "Acme " RLO "gnp.exe", true), PREG_EINVAL,
		     "a client name contains U+202E (right-to-left override), which changes the order the text shows in");
	assert_error(text_hidden_error("a note", "звонок" ZWSP, false), PREG_EINVAL,
		     "a note ends with U+200B (zero width space), which shows as nothing");
	assert_error(text_hidden_error("a note", BOM "звонок", false), PREG_EINVAL,
		     "a note begins with U+FEFF (zero width no-break space), which shows as nothing");
	assert_int_equal(text_hidden_error("a note", "звонок", false), 0);
}

static int collect(void *arg, const char *field, const char *value, bool line)
{
	struct buf *b = arg;

	buf_addf(b, "%s%s=%s", line ? "" : "*", field, value);
	buf_addc(b, ';');
	return 0;
}

/* Every text a person writes is walked, named as check names it. */
static void test_each_text(void **state)
{
	static const char text[] = "id: acme\nname: Acme\nmanager: ivanov\nphase: 1\n"
		"phase_since: 2026-11-02T10:15:00+05:00\nnext_action: call\ncreated: 2026-11-02T10:15:00+05:00\n"
		"remarks: r\ntags: [a, b]\nfields:\n  inn: '7701'\ncontacts:\n  - {name: Anna, phone: '1'}\n"
		"history:\n  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1, note: m}\n"
		"notes:\n  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, text: t}\n";
	struct record *r = NULL;
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(record_parse(&r, text, strlen(text), "t.yaml", NULL), 0);
	record_each_text(r, false, collect, &b);
	assert_string_equal(buf_str(&b), "name=Acme;next_action=call;*remarks=r;tag 1=a;tag 2=b;fields.inn=7701;"
					 "contact 1 name=Anna;contact 1 phone=1;");
	buf_reset(&b);
	record_each_text(r, true, collect, &b);
	assert_non_null(strstr(buf_str(&b), ";history event 1 at=2026-11-02T10:15:00+05:00;"
					    "history event 1 by=ivanov;history event 1 phase=1;*history event 1 note=m;"
					    "note 1 at=2026-11-02T10:15:00+05:00;note 1 by=ivanov;*note 1 text=t;"));
	assert_int_equal(record_text_check(r), 0);
	free(r->fields.v[0].v);
	r->fields.v[0].v = strdup("7701" ZWSP);
	assert_error(record_text_check(r), PREG_EINVAL, "fields.inn contains U+200B (zero width space), which shows as nothing");
	record_free(r);
	buf_release(&b);
}

/* The schema is the record: a record with every key written back puts
 * them in the table's order, each one once, and a key missing from a
 * record that must have it is named. */
static void test_schema_order(void **state)
{
	static const char text[] = "notes:\n  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, text: t}\n"
		"contacts:\n  - {name: Anna}\nfields:\n  inn: '7701'\ntags: [a]\nremarks: r\n"
		"created: 2026-11-01T10:00:00+05:00\nhold_reason: h\nhold_until: 2026-12-01\nend_reason: e\n"
		"next_action: call\nnext_contact: 2026-11-20\nphase_since: 2026-11-02T10:15:00+05:00\n"
		"phase: 1\nmanager: ivanov\nkind: internal\nname: Acme\nid: acme\n"
		"history:\n  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 1}\n";
	struct record *r = NULL;
	struct buf b = BUF_INIT;
	const char *p;
	size_t n = 0;

	(void)state;
	assert_int_equal(record_parse(&r, text, strlen(text), "t.yaml", NULL), 0);
	record_write(&b, r);
	p = buf_str(&b);
	for (const struct record_key *k = record_keys; k->name; k++, n++) {
		size_t len = strlen(k->name);

		if (strncmp(p, k->name, len) || p[len] != ':')
			fail_msg("key %zu: want '%s' next, the record has: %.40s", n, k->name, p);
		/* The next line that starts a key. */
		do
			p = strchr(p, '\n') + 1;
		while (*p == ' ');
		assert_ptr_equal(record_key_find(k->name), k);
	}
	assert_string_equal(p, "");
	assert_int_equal(n, 18);
	assert_null(record_key_find("colour"));
	record_free(r);
	for (const struct record_key *k = record_keys; k->name; k++) {
		char *t;

		if (!(k->flags & RK_REQUIRED))
			continue;
		/* The text without that key's line. */
		buf_reset(&b);
		for (const char *l = text; *l;) {
			const char *e = strchr(l, '\n') + 1;

			if (strncmp(l, k->name, strlen(k->name)) || l[strlen(k->name)] != ':')
				buf_add(&b, l, (size_t)(e - l));
			l = e;
		}
		t = xasprintf("t.yaml:1:1: missing '%s'", k->name);
		preg_error_clear();
		assert_int_equal(record_parse(&r, b.p, b.len, "t.yaml", NULL), PREG_EINVAL);
		assert_string_equal(preg_error_msg(), t);
		free(t);
	}
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_key_order_with_unknown),
		cmocka_unit_test(test_every_field_tricky),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_unknown_keys_first),
		cmocka_unit_test(test_unknown_null_kept),
		cmocka_unit_test(test_unknown_key_quoted),
		cmocka_unit_test(test_bom_crlf_comment),
		cmocka_unit_test(test_fuzz_findings),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_required_after_unknown),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_phase_values),
		cmocka_unit_test(test_dates_and_times),
		cmocka_unit_test(test_kind_id_manager),
		cmocka_unit_test(test_ambiguous_id_quoted),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_record_json),
		cmocka_unit_test(test_record_json_field_named_phase),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_add_event_and_dup),
		cmocka_unit_test(test_force_written_plain),
		cmocka_unit_test(test_text_rules),
		cmocka_unit_test(test_last_time),
		cmocka_unit_test(test_insert_in_time_order),
		cmocka_unit_test(test_sort_entries_is_stable),
		cmocka_unit_test(test_follow_history),
		cmocka_unit_test(test_text_hidden),
		cmocka_unit_test(test_each_text),
		cmocka_unit_test(test_schema_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
