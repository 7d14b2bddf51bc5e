/* schema: the client record's keys (see schema.h). */
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "schema.h"

const struct record_key record_keys[] = {
	{ "id", RT_ID, RS_ID, RK_REQUIRED },
	{ "name", RT_NAME, RS_NAME, RK_REQUIRED | RK_SET },
	{ "kind", RT_KIND, RS_KIND, RK_SET },
	{ "manager", RT_HANDLE, RS_MANAGER, RK_REQUIRED | RK_SET },
	{ "phase", RT_PHASE, RS_NONE, RK_REQUIRED },
	{ "phase_since", RT_TIME, RS_PHASE_SINCE, RK_REQUIRED },
	{ "next_contact", RT_DATE, RS_NEXT_CONTACT, RK_SET | RK_REQUIRE },
	{ "next_action", RT_LINE, RS_NEXT_ACTION, RK_SET | RK_REQUIRE },
	{ "end_reason", RT_LINE, RS_END_REASON, 0 },
	{ "hold_until", RT_DATE, RS_HOLD_UNTIL, 0 },
	{ "hold_reason", RT_LINE, RS_HOLD_REASON, 0 },
	{ "created", RT_TIME, RS_CREATED, RK_REQUIRED },
	{ "remarks", RT_TEXT, RS_REMARKS, RK_SET | RK_REQUIRE },
	{ "tags", RT_TAGS, RS_NONE, RK_SET | RK_REQUIRE },
	{ "fields", RT_FIELDS, RS_NONE, RK_SET | RK_REQUIRE },
	{ "contacts", RT_CONTACTS, RS_NONE, RK_REQUIRE },
	{ "history", RT_HISTORY, RS_NONE, 0 },
	{ "notes", RT_NOTES, RS_NONE, 0 },
	{ NULL, RT_ID, RS_NONE, 0 },
};

const struct record_key *record_key_find(const char *name)
{
	for (const struct record_key *k = record_keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

void record_keys_join(struct buf *out, unsigned flag, const char *fields_as)
{
	size_t n = 0;

	for (const struct record_key *k = record_keys; k->name; k++)
		if (k->flags & flag)
			buf_addf(out, "%s%s", n++ ? ", " : "", k->type == RT_FIELDS ? fields_as : k->name);
}
