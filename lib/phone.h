/*
 * phone: telephone numbers in one comparable form, for finding a client by
 * the number a caller shows and for telling duplicates.
 *
 * The key of a number is '+' and its digits (country code first) when the
 * number says its country, its digits alone when it is a local number.
 * Russian habits are read as such: the trunk prefix 8 (8 351 000-00-00) and a
 * bare 7 of eleven digits become +7, a ten-digit number without a prefix
 * ((351) 000-00-00, 912 000-00-00) is taken as Russian, and the
 * international prefixes 00 (before a country code) and 8 10 become '+'. Spaces, dashes, dots,
 * slashes and parentheses are ignored; an extension (after a letter, as in
 * "доб. 12" or "ext 12", or after '#', ',' or ';') is not part of the key.
 */
#ifndef PREG_PHONE_H
#define PREG_PHONE_H

#include <stdbool.h>

/* The fewest digits a partial number must have to match a whole one. */
#define PHONE_MATCH_MIN 7

/* The key of s; NULL when s has no digits before any extension. Caller
 * frees. */
char *phone_key(const char *s);

/* Whether two numbers are the same: equal keys, or a local number (no
 * country) of at least PHONE_MATCH_MIN digits that ends the other one, as
 * "000-00-00" ends "+7 351 000-00-00". */
bool phone_match(const char *a, const char *b);

/* phone_match for keys already made (NULL or "" matches nothing). */
bool phone_key_match(const char *ka, const char *kb);

/* Whether s reads as a phone number rather than as a word: only digits,
 * spaces, '-', '.', '/', parentheses and one leading '+', with at least
 * PHONE_MATCH_MIN digits, and not a date (YYYY-MM-DD). */
bool phone_like(const char *s);

#endif
