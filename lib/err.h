/*
 * err: the error slot and the warning queue.
 *
 * lib/ never prints. A function that fails returns a negative PREG_E* code and
 * leaves a one-line message here; cmd/ prints it as "preg: error: MESSAGE".
 * Warnings (things done or noticed that the user should hear about, such as a
 * stale lock removed) are queued and printed by cmd/ when the command ends.
 */
#ifndef PREG_ERR_H
#define PREG_ERR_H

#include <stddef.h>

enum {
	PREG_OK = 0,
	PREG_ERR = -1,       /* generic failure */
	PREG_ENOTFOUND = -2, /* no such client, phase, file */
	PREG_EEXISTS = -3,   /* already there */
	PREG_EINVAL = -4,    /* bad input: YAML, value, name */
	PREG_EBUSY = -5,     /* the register lock is held */
	PREG_EDIRTY = -6,    /* uncommitted edit of the user in the way */
	PREG_ENOREG = -7,    /* no register found */
	PREG_EMODIFIED = -8, /* the branch moved under us (internal retry) */
	PREG_EIO = -9,       /* the file system refused: disk full, read-only */
};

#if defined(__GNUC__)
#define PREG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PREG_PRINTF(a, b)
#endif

/* Set the message and return code, so that "return preg_error_set(...)" reads well. */
int preg_error_set(int code, const char *fmt, ...) PREG_PRINTF(2, 3);

/* Prefix the current message with "PREFIX: " and return the current code. */
int preg_error_prefix(const char *fmt, ...) PREG_PRINTF(1, 2);

/* The current message ("" when none); lent, valid until the next set. */
const char *preg_error_msg(void);

/* The code of the last preg_error_set (0 when cleared). */
int preg_error_code(void);

void preg_error_clear(void);

/* Queue a warning. */
void preg_warn(const char *fmt, ...) PREG_PRINTF(1, 2);

/* Take the queued warnings: *out points to n strings that the caller frees
 * with preg_warnings_free(). The queue is empty afterwards. */
size_t preg_warnings_take(char ***out);
void preg_warnings_free(char **v, size_t n);

#endif
