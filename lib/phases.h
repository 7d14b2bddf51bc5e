/*
 * phases: the register settings in preg.yaml: the phases a client goes
 * through, and the optional list of managers.
 */
#ifndef PREG_PHASES_H
#define PREG_PHASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct phase {
	int id;           /* 1..n, in order */
	char *key;        /* short word for the command line: "contract" */
	char *name;       /* what the phase is: "contract conclusion" */
	char *color;      /* "#rrggbb" or NULL */
	int stale_days;   /* a client longer than this is due; -1: never */
	bool reversible;  /* a client may go back from here without --force */
	bool ending;      /* entering it ends the collaboration (needs a reason) */
	char **requires;  /* what a record must hold to enter it */
	size_t nrequires;
};

struct manager {
	char *handle, *name, *email;
	bool head;        /* role: head: may change anything, preg.yaml too */
	char *standin;    /* away: {until:, standin:}: who gets the reminders */
	int32_t away_until; /* the last day away (days since the epoch); INT32_MIN: not away */
};

struct phases {
	struct phase *v;
	size_t n;
	struct manager *managers;
	size_t nmanagers;
	char *mail_from;  /* mail: {from: ADDR}, or NULL */
	char **made;      /* handles phases_resolve_manager made of names */
	size_t nmade;
	unsigned version; /* the register's format: where records live (layout.h) */
};

/* Parse preg.yaml text (named name for messages) into *out; the caller frees
 * it with phases_free. 0 or PREG_EINVAL ("preg.yaml:L:C: ..."). */
int phases_load(struct phases **out, const char *buf, size_t len, const char *name);
void phases_free(struct phases *p);

/* The preg.yaml text of a template ("freight", "sales", "blank"), or NULL. */
const char *phases_template(const char *name);

/* The names of the templates, NULL-terminated. */
extern const char *const phases_templates[];

/* The phase with this id, or NULL; lent. */
const struct phase *phases_get(const struct phases *p, int id);

/* The phase named by a number or a key, or NULL with the error slot set
 * ("unknown phase 'X'"). */
const struct phase *phases_find(const struct phases *p, const char *spec);

/* Parse a phase or a range ("4-7", "request-contract") into *lo..*hi.
 * 0 or PREG_EINVAL. */
int phases_range(const struct phases *p, const char *spec, int *lo, int *hi);

/* Whether handle may be used as a manager: any valid handle when preg.yaml
 * lists no managers, else one of those listed. 0 or PREG_EINVAL, naming
 * those listed. */
int phases_check_manager(const struct phases *p, const char *handle);

/* The manager with this handle, or NULL; lent. */
const struct manager *phases_manager(const struct phases *p, const char *handle);

/* The manager s names, as --manager takes it: a handle, or, when
 * preg.yaml lists managers, a listed handle or display name in any letter
 * case, ё as е ("Иван Иванов", "иван иванов", "IVANOV"), or a name import
 * makes a listed handle of ("Петров": petrov). *handle is the handle
 * (lent: s, or the list's). 0, or PREG_EINVAL naming the managers
 * listed. */
int phases_resolve_manager(const struct phases *p, const char *s, const char **handle);

/* The handle import makes of the name s: s when it is a handle, else s
 * transliterated ("Иванов": ivanov; lent by p), or NULL. Without a list,
 * how a reader's --manager takes a name; a write takes handles only, so
 * that a name typed wrong coins no manager. */
const char *phases_name_handle(const struct phases *p, const char *s);

/* Whether s is a valid user or manager handle: [a-z0-9][a-z0-9._-]{0,47}. */
bool handle_valid(const char *s);

#endif
