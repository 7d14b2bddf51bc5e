/*
 * record: the client record (SPEC §4): reading it from YAML with the field
 * rules, writing it back in the one canonical form, and the small rules that
 * every command shares (paths, days in phase, what is due, requires).
 */
#ifndef PREG_RECORD_H
#define PREG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "phases.h"
#include "ptime.h"
#include "yamlio.h"

/* An ordered list of string pairs: a history event, a note, a contact, the
 * free fields. */
struct kv {
	char *k, *v;
};

struct kvlist {
	struct kv *v;
	size_t n, cap;
};

/* The value for k, or NULL; lent. */
const char *kv_get(const struct kvlist *l, const char *k);
/* Set k to v (a copy), replacing an existing value; v NULL removes k. */
void kv_set(struct kvlist *l, const char *k, const char *v);
void kvlist_release(struct kvlist *l);

struct record {
	char *id, *name, *kind, *manager;
	int phase;
	char *phase_since;  /* RFC 3339 */
	char *next_contact; /* YYYY-MM-DD, or NULL */
	char *next_action, *end_reason, *hold_until, *hold_reason;
	char *created;      /* RFC 3339 */
	char *remarks;
	char **tags;
	size_t ntags;
	struct kvlist fields;
	struct kvlist *contacts;
	size_t ncontacts;
	struct kvlist *history; /* append-only, oldest first */
	size_t nhistory;
	struct kvlist *notes;   /* append-only, oldest first */
	size_t nnotes;
	struct ynode *extra;    /* unknown top-level keys, kept as they are: a map, or NULL */
	int id_line, id_col;    /* where the id value stood in the text read, for messages */
	const char *find_text;  /* the record's index for finding (find.h), lent: set by
				 * the record cache only, NULL otherwise */
	struct ynode *lent;     /* for a lent record: the parse tree its strings live in */
};

/* The value of a one-value text key of the schema (lib/schema.h: a
 * key whose slot is not RS_NONE) in r. */
struct record_key;
char **record_key_value(const struct record *r, const struct record_key *k);

/* Whether t is a tag: one word of at most 64 bytes, no spaces, commas or
 * brackets, nothing hidden. 0, or PREG_EINVAL naming it ("invalid tag 'a
 * b' (one word, no spaces or commas)"). The reader, client add and set and
 * import all keep to this one rule. */
int record_tag_check(const char *t);

/* Parse a record from buf. path names it in messages ("clients/ro/x.yaml").
 * comment (may be NULL) receives where the first comment is (line 0: none).
 * Returns 0 or PREG_EINVAL ("PATH:LINE:COL: message"); *out is the caller's,
 * freed with record_free. */
int record_parse(struct record **out, const char *buf, size_t len, const char *path,
		 struct ypos *comment);

/* Like record_parse, for a reader that only looks: the record's strings
 * stay in the parse tree instead of being copied, which saves a hundred
 * allocations a record when a report reads 100,000 of them. The record must
 * not be changed; record_free frees it. */
int record_parse_lent(struct record **out, const char *buf, size_t len, const char *path);

/* Append the canonical YAML of r to out. */
void record_write(struct buf *out, const struct record *r);

void record_free(struct record *r);

/* A deep copy. */
struct record *record_dup(const struct record *r);

/* Append a history event to r. Keys with NULL values are skipped. */
void record_add_event(struct record *r, const char *at, const char *by, const char *const *kv,
		      size_t nkv);

/*
 * The time rule (SPEC §4, issue 10): history events and notes are each in
 * time order, oldest first, entries of one instant in the order written.
 * Every writer and the merge keep it with the functions below, and phase,
 * phase_since and manager follow the history by record_follow_history:
 * the local result and the merged result of the same events are one
 * record.
 */

/* The time of an event or note (its "at"); false when it has none that
 * parses. */
bool record_entry_time(const struct kvlist *e, struct ptime *out);

/* The latest of r's history events and notes: its time and its "at" text
 * (lent). false when r has none. */
bool record_last_time(const struct record *r, struct ptime *out, const char **at);

/* Sort n entries into time order; entries of one instant keep their order
 * (entries without a time count as the epoch). */
void record_sort_entries(struct kvlist *v, size_t n);

/* Insert e into r's history (or notes, when note) in time order: after
 * every entry that is not later than it. r takes e's contents; e is left
 * empty. Returns the index it took. */
size_t record_insert_entry(struct record *r, struct kvlist *e, bool note);

/* The history events that decide phase/phase_since and manager: the last
 * event with a phase and the last with a manager (indexes into
 * r->history, -1 when none). */
void record_deciding(const struct record *r, long *phase_ev, long *manager_ev);

/* Set phase, phase_since and manager from the events that decide them
 * (record_deciding); a key no event decides is left as it is. */
void record_follow_history(struct record *r);

/* What r lacks to enter phase ph (NULL when nothing): the first unmet
 * requires item; lent. */
const char *record_missing(const struct record *r, const struct phase *ph);

/* Every requires item of ph that r lacks, in the order of preg.yaml,
 * joined by ", " into out (left empty when nothing); their number. */
size_t record_missing_all(const struct record *r, const struct phase *ph, struct buf *out);

/* Append r as a JSON object to out. With ph, the phase's key and name
 * are added (phase_key, phase_name); with st (lib/status), where the
 * client stands: days_in_phase, stale, due, overdue, on_hold, ended. */
struct status;
void record_json(struct buf *out, const struct record *r, const struct phases *ph, const struct status *st);

/* Append s as a JSON string (quoted, escaped). */
void json_str(struct buf *out, const char *s);

/* Whether s is acceptable as a one-line text value (no line breaks, no
 * control characters, nothing text_hidden finds, valid UTF-8, at most max
 * bytes). */
bool text_line_ok(const char *s, size_t max);

/* Whether s is acceptable as multi-line text (like text_line_ok, but line
 * feeds and tabs allowed). */
bool text_ok(const char *s, size_t max);

/* Where text would show other than it is stored (issue 16). A
 * bidirectional control (utf8_is_bidi_control) anywhere. A zero-width
 * character (utf8_is_zero_width) anywhere in a one-line value (line: a
 * name, a field, a contact, a tag, a reason), where "Acme" and
 * "Ac<U+200B>me" would be two clients that look like one; in multi-line
 * text (remarks, a note) only at either end, white space aside, where it
 * can only hide something: inside, a zero-width joiner or non-joiner is
 * part of the writing (an emoji sequence, Persian or Hindi spelling).
 * Returns the first such character, or 0; *at (may be NULL) receives -1
 * when it stands at the start of multi-line text, 1 at the end, else 0. */
uint32_t text_hidden(const char *s, bool line, int *at);

/* text_hidden as an error naming what and the character: 0, or
 * PREG_EINVAL ("a client name contains U+202E (right-to-left override),
 * which changes the order the text shows in"). */
int text_hidden_error(const char *what, const char *s, bool line);

/* Call fn for each text value of r that a person writes: name,
 * next_action, end_reason, hold_reason, remarks, the tags, the free
 * fields, the contacts and, with logs, the values of history events and
 * notes. field names the value for a message ("name", "fields.inn", "tag
 * 2", "contact 1 phone", "note 3 text"); line says whether it is a
 * one-line value. A nonzero return of fn stops the walk and is returned. */
int record_each_text(const struct record *r, bool logs,
		     int (*fn)(void *arg, const char *field, const char *value, bool line), void *arg);

/* The first text value of r (history and notes aside: a write never
 * changes what they hold) that text_hidden finds, as an error naming its
 * field: 0 or PREG_EINVAL. For a record written by hand (client edit). */
int record_text_check(const struct record *r);

/* Whether k is a valid field name: [A-Za-z0-9_][A-Za-z0-9_-]{0,63}. */
bool field_name_ok(const char *k);

#endif
