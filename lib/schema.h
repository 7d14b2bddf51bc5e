/*
 * schema: the client record's keys (SPEC §4), in the order a record is
 * written, each with its type and what it may be. The reader and writer
 * (lib/record), client set (lib/ops), a phase's requires: (lib/phases),
 * the merge and the history's diff all read this one table; a key not in
 * it is unknown (kept as it is; check warns).
 *
 * Adding a key: a row here (and a slot, for a one-value text), the member
 * in struct record with its slot in record.c's slot_off, then the rule in
 * record.c's load_key and put_key if its type is new.
 */
#ifndef PREG_SCHEMA_H
#define PREG_SCHEMA_H

enum record_type {
	RT_ID,       /* the id rule (slug_valid) */
	RT_NAME,     /* one line, not empty */
	RT_KIND,     /* external or internal */
	RT_HANDLE,   /* a manager's handle */
	RT_PHASE,    /* a phase number */
	RT_TIME,     /* RFC 3339 */
	RT_DATE,     /* YYYY-MM-DD */
	RT_LINE,     /* one line of text */
	RT_TEXT,     /* text of any lines */
	RT_TAGS,     /* a list of tags (record_tag_check) */
	RT_FIELDS,   /* a mapping of field names (field_name_ok) to values */
	RT_CONTACTS, /* a list of mappings: name, role, phone, email */
	RT_HISTORY,  /* a list of events */
	RT_NOTES,    /* a list of notes */
};

/* Where a one-value text key lives in struct record (record_key_value). */
enum record_slot {
	RS_NONE,
	RS_ID,
	RS_NAME,
	RS_KIND,
	RS_MANAGER,
	RS_PHASE_SINCE,
	RS_NEXT_CONTACT,
	RS_NEXT_ACTION,
	RS_END_REASON,
	RS_HOLD_UNTIL,
	RS_HOLD_REASON,
	RS_CREATED,
	RS_REMARKS,
};

#define RK_REQUIRED 1u /* every record has it */
#define RK_SET 2u      /* 'client set KEY=VALUE' changes it */
#define RK_REQUIRE 4u  /* a phase's requires: may name it */

struct record_key {
	const char *name;
	enum record_type type;
	enum record_slot slot;
	unsigned flags;
};

/* The keys, in written order, ending with a name of NULL. */
extern const struct record_key record_keys[];

/* The key of that name, or NULL. */
const struct record_key *record_key_find(const char *name);

/* Append to out the names of the keys with flag, in order, separated by
 * ", ", the key of type RT_FIELDS spelt fields_as ("fields.NAME"): the
 * list a message offers. */
struct buf;
void record_keys_join(struct buf *out, unsigned flag, const char *fields_as);

#endif
