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

#include "buf.h"

/* Decode the character at p, of which n bytes may be read, into *cp.
 * Returns its length (1 to 4), or 0 when the bytes are not valid UTF-8. */
size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Whether the string s is valid UTF-8 throughout. */
bool utf8_valid(const char *s);

/*
 * Display width, from utf8proc's Unicode tables (the Unicode version of the
 * installed libutf8proc), counted per grapheme cluster the way terminals
 * draw them: a letter with its combining marks takes the letter's columns;
 * an emoji with its skin tone, its joined emoji (ZWJ) or an emoji
 * presentation selector (U+FE0F) takes two; a flag (two regional
 * indicators) takes two. Wide East Asian characters take two; control and
 * format characters none. A byte that is not UTF-8 counts one column (a
 * terminal shows a replacement character).
 */

/* Terminal columns that the UTF-8 string s takes. */
size_t utf8_width(const char *s);

/* How many bytes of s (a whole number of grapheme clusters) fit in max
 * columns; *width (may be NULL) receives the columns they take. */
size_t utf8_fit(const char *s, size_t max, size_t *width);

/* Characters that make text show other than it is stored. Bidirectional
 * controls (embeddings, overrides and isolates: U+202A-U+202E,
 * U+2066-U+2069) reorder the text around them: "Acme <U+202E>gnp.exe"
 * shows as "Acme exe.png". Zero-width characters (U+200B-U+200D, U+2060,
 * U+FEFF) show as nothing: "Acme" and "Ac<U+200B>me" look the same. */
bool utf8_is_bidi_control(uint32_t c);
bool utf8_is_zero_width(uint32_t c);

/* Either of the above: a character to show as its code point. */
bool utf8_is_hidden(uint32_t c);

/* The Unicode name of a hidden character, in lowercase ("right-to-left
 * override"), or NULL for any other. */
const char *utf8_hidden_name(uint32_t c);

/* Append s to out with every hidden character written as "<U+202E>", so
 * that the text shows what it holds. Bytes that are not UTF-8 are copied
 * as they are (they are another check's business). */
void utf8_put_visible(struct buf *out, const char *s);

#endif
