/*
 * find: finding clients by what people remember of them, and the resolver
 * that lets every command take a name where it takes an id.
 *
 * A query is compared with a record's id, name, contacts (name, role,
 * phone, e-mail), fields, tags and next action, and, when the record
 * carries them, its notes and remarks. Text is compared folded (name_fold:
 * any letter case, ё as е, punctuation as a space) and also in Latin as ids
 * spell it (slug_translit), so that "romashka" finds ООО «Ромашка» and
 * "ромашка" finds the id romashka. Legal forms and quotes are left out of
 * both the query and the names (a query that is nothing but a legal form,
 * "ООО", is compared with the whole names). A phone number matches by phone_match
 * (8 (351) 000-00-00 finds +7 351 000-00-00, as do its last 7 digits).
 * Elsewhere each word of the query must start a word of the text, in any
 * order ("дача бел" finds «Белая Дача»).
 *
 * Each record that matches is ranked by the best place it matched, best
 * first: its id exactly; its name (or its id read as words) exactly; each
 * word of the query starting a word of the name or id; the query inside the
 * name or id (3 letters or more); a contact; a field, tag or next action;
 * a note or the remarks. Ties go by name (name_sort_key), then id.
 *
 * Each record's texts are folded and spelt in Latin once, into its index
 * (find_index), which the record cache (rcache.h) keeps with the record: a
 * search through the cache reads no YAML and folds nothing but the query.
 * The cached index holds the names, contacts, fields, tags and next action;
 * notes and remarks are not in the cache (they are most of a record's bytes
 * and grow for ever) and are searched only when the records are read whole
 * (find_register with notes).
 */
#ifndef PREG_FIND_H
#define PREG_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "find_index.h" /* find_index, the index the cache keeps */
#include "record.h"
#include "register.h"

enum find_rank {
	FIND_NONE = 0,
	FIND_NOTE,       /* a note's text, the remarks */
	FIND_FIELD,      /* a field's value, a tag, the next action */
	FIND_CONTACT,    /* a contact's name, role, phone or e-mail */
	FIND_NAME_PART,  /* the query inside the name or the id */
	FIND_NAME_WORDS, /* each word of the query starts a word of the name or id */
	FIND_NAME,       /* the name, or the id read as words */
	FIND_ID,         /* the id itself */
};

struct find_hit {
	char *id;
	char *name;      /* NULL for a record that does not parse */
	enum find_rank rank;
	char *why;       /* what matched below the name, for a listing
			  * ("phone +7 351 000-00-00", "field cargo: steel
			  * pipes"), control characters shown as '?'; NULL for
			  * the id and name ranks */
	char *key;       /* the name's sort key */
};

/* A search in progress: the prepared query and what matched so far. */
struct find;

/* Prepare query. 0, or PREG_EINVAL when it is empty (nothing but spaces
 * and punctuation) or not valid UTF-8. Freed with find_free. */
int find_new(struct find **out, const char *query);
void find_free(struct find *f);

/* Compare one record (lent for the call; rec NULL for a record that does
 * not parse, which only its id can match) and keep it when it matches.
 * Returns its rank. */
enum find_rank find_record(struct find *f, const char *id, const struct record *rec);

/* What matched, best first (sorted on the first call after a change); lent
 * until the next find_record or find_free. */
const struct find_hit *find_hits(struct find *f, size_t *n);

/*
 * One client for the query, as a command that takes an id wants it: the
 * exact id; else the one name that equals the query; else the one name or
 * id that each word of the query starts; else the one that contains it.
 * Contacts, fields and notes do not resolve (a phone number is for `find`),
 * but they and the names and ids a letter or two away from the query are
 * offered as suggestions. 0 with *out the id (caller frees);
 * PREG_ENOTFOUND "client 'Q' not found" with "; did you mean 'id' (name),
 * ...?" when something is near; PREG_EINVAL "'Q' matches N clients: 'id'
 * (name), ...; give one of their ids" when the best rank holds several.
 */
int find_resolve(struct find *f, char **out);

/* Run the search over the register at its tip: through the record cache,
 * or with notes the records read whole (slower: YAML is parsed). Records
 * that do not parse take part by their ids only. 0 or a register error. */
int find_register(struct find *f, struct reg *r, bool notes);

/* The resolver every command uses: text as an id that exists is taken as
 * it is without a search; else find_register and find_resolve. 0 with
 * *out the id (caller frees), or the errors of find_new, find_register
 * and find_resolve. */
int find_client(char **out, struct reg *r, const char *text);

#endif
