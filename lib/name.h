/*
 * name: client names as people read them. Most names carry a legal form
 * (ООО «Ромашка», ИП Иванов И.И., Acme Ltd.) that tells nothing apart: a
 * narrow column, a sorted list and a search all look past it to the
 * distinctive part, the core.
 *
 * Legal forms are those of lib/legalform.c, the one list that ids
 * (lib/slug) leave out too: Russian ones at either end of a name, Western
 * ones after it, in any letter case (AG, SA and the like in their own
 * case only), with or without dots (S.A., Co., Ltd.). Quotes around
 * the core (« », " ", „ “, “ ”) go with the form. A name that is nothing
 * but a legal form is its own core.
 */
#ifndef PREG_NAME_H
#define PREG_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* A name taken apart; the pointers point into the name. */
struct name_parts {
	const char *core; /* the distinctive part, without quotes */
	size_t core_len;
	const char *form; /* the legal form as written ("ООО", "Co., Ltd."), or "" */
	size_t form_len;
	const char *abbr; /* a long form's abbreviation ("ООО" for "Общество с
			   * ограниченной ответственностью"), or NULL */
	bool only_form;   /* the name is nothing but a legal form */
};

/* Take name apart (it must be valid UTF-8). */
void name_split(struct name_parts *out, const char *name);

/* Append s[0..len) folded for comparing: lower case (Unicode), ё as е,
 * every run of characters that are not letters, digits or marks as one
 * space, no space at either end. A byte that is not UTF-8 is dropped. */
void name_fold(struct buf *out, const char *s, size_t len);

/*
 * The name to show in at most max columns (display width), keeping the
 * distinctive part: the name itself when it fits; else, for a long legal
 * form, the core and the abbreviation ("Вектор (ООО)" for "Общество с
 * ограниченной ответственностью «Вектор»"); else the core alone ("Белая
 * Дача" for "ООО «Белая Дача»"); else the core cut with an ellipsis, at a
 * word's end when one is near. Never the legal form alone. Caller frees.
 */
char *name_short(const char *name, size_t max);

/*
 * A key to sort names by, with strcmp: the folded core in the collation of
 * the C library's LC_COLLATE (strxfrm), which is the user's once the
 * program has called setlocale(LC_COLLATE, ""). Under the C locale the
 * folded core sorts by code point: Latin before Cyrillic, а..я in the
 * alphabet's order (ё with е). Caller frees.
 */
char *name_sort_key(const char *name);

/* Compare two names for sorting: by their sort keys, then (names that differ
 * only in legal form, quotes or case) by their bytes, so that the order is
 * total. It makes both keys at every call: to sort many rows, make each
 * row's key once with name_sort_key and compare the keys with strcmp. */
int name_cmp(const char *a, const char *b);

#endif
