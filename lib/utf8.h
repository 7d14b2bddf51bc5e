/*
 * utf8: the one UTF-8 decoder of preg. Strict (RFC 3629): overlong forms,
 * surrogates, code points past U+10FFFF, stray continuation bytes and
 * truncated sequences are refused, so that every text has one reading.
 */
#ifndef PREG_UTF8_H
#define PREG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the character at p, of which n bytes may be read, into *cp.
 * Returns its length (1 to 4), or 0 when the bytes are not valid UTF-8. */
size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Whether the string s is valid UTF-8 throughout. */
bool utf8_valid(const char *s);

#endif
