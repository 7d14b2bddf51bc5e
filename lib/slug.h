/*
 * slug: client ids.
 *
 * An id matches [a-z0-9][a-z0-9-]{0,47} and is not a reserved device name
 * (con, prn, aux, nul, com1..com9, lpt1..lpt9). slug_from_name derives one
 * from a client's name: Cyrillic is transliterated to Latin (the ICAO Doc 9303
 * table used in Russian passports since 2013), other Latin letters with
 * diacritics are folded to ASCII, everything else becomes '-', runs of '-'
 * collapse, leading and trailing '-' go, and the result is cut to 48
 * characters (at a '-' where one is near the end). slug_client_id does the
 * same for a client's name, less its legal form: ООО «Ромашка» is romashka.
 */
#ifndef PREG_SLUG_H
#define PREG_SLUG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define SLUG_MAX 48

/* Whether id is a valid client id (pattern, length, not reserved). */
bool slug_valid(const char *id);

/* Whether id (any case) is a reserved device name. */
bool slug_reserved(const char *id);

/* Derive an id from name into *out (caller frees). Returns 0, or PREG_EINVAL
 * with the error slot set when the name is not valid UTF-8 or yields an empty
 * or reserved id. */
int slug_from_name(char **out, const char *name);

/*
 * Derive a client's id from its name into *out (caller frees): as
 * slug_from_name, but a legal form at the start or the end of the name (ООО,
 * АО, ИП, LLC, GmbH, S.A.: the forms of lib/legalform.c, quoted or not) is left
 * out: "ООО «Ромашка»" -> romashka, "ИП Иванов И.И." -> ivanov-i-i, "Acme
 * Ltd" -> acme. A form goes only when a word is left without it, and only
 * when what is left makes an id that is not a device name; otherwise the whole
 * name makes the id: "ООО" -> ooo, "ООО «Con»" -> ooo-con. Returns as
 * slug_from_name.
 */
int slug_client_id(char **out, const char *name);

/* The id with suffix "-N" (N >= 2), cut so that the whole fits SLUG_MAX;
 * caller frees. */
char *slug_with_suffix(const char *id, unsigned n);

/* Append s spelt in Latin as ids are (the same table, lower case), with
 * every character that gives nothing in an id as one space: "ООО «Ёлка»"
 * is "ooo elka". For comparing names with what people type in Latin. false
 * when s is not valid UTF-8 (out then holds what came before the bad byte). */
bool slug_translit(struct buf *out, const char *s);

#endif
