/*
 * check: what is wrong in a register (preg check): every record is read
 * with the input rules and checked against the rest of SPEC §3-§4 (its id
 * and path, the phase exists, phase/phase_since/manager agree with the
 * history, history and notes in time order, the requires of its phase,
 * no conflict markers, no unknown keys, no text that would show other than
 * it is stored: text_hidden); then likely duplicates are looked
 * for (the same normalised name, e-mail, phone, or INN/VAT field).
 *
 * Likely duplicates, incomplete records and unknown keys are warnings: the
 * record is valid (a sync that renames a client added on both sides makes
 * a likely duplicate on purpose), and a pre-commit hook must not refuse
 * it. Every other finding makes the record invalid.
 */
#ifndef PREG_CHECK_H
#define PREG_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "register.h"

struct check_result {
	char **lines; /* "PATH: problem" (or "PATH:LINE:COL: problem", "PATH: warning: ..."),
		       * records in path order, then duplicates */
	size_t n;
	size_t nerrors; /* the lines that are not warnings: invalid records */
};

/* Check the register at its tip, or (staged) as the git index holds it.
 * 0 when it could be read (res says what is wrong, if anything), or a
 * negative code. res is the caller's, released with check_result_release. */
int check_register(struct reg *r, bool staged, struct check_result *res);
void check_result_release(struct check_result *res);

/* The rules for one record file (path, the blob data of len bytes) under
 * preg.yaml's ph, appended to res (zeroed by the caller the first time):
 * the pre-receive hook checks each record a pushed commit changes. No
 * likely duplicates: those need the whole register, and are warnings. */
void check_record_file(const struct phases *ph, const char *path, const char *data, size_t len,
		       struct check_result *res);

/* A phone number's key for comparing (phone.h: "8 (351) 000-00-00" ->
 * "+73510000000"); "" when it has fewer than 7 digits. Caller frees. */
char *check_phone_key(const char *phone);

/* The keys by which rec and another record are likely duplicates: fn gets
 * what ("name", "e-mail", "phone", "inn", ...) and the value as compared
 * (the name made an id, an e-mail in lower case, a phone's digits, a tax
 * number's letters and digits). check_register and client add (ops_add)
 * both judge by these. */
void check_dup_keys(const struct record *rec, void (*fn)(void *arg, const char *what, const char *key), void *arg);

#endif
