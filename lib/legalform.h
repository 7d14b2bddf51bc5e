/*
 * legalform: the legal forms a client's name may carry (ООО «Ромашка», ИП
 * Иванов И.И., Acme Ltd.), in one table for the two modules that look past
 * them: slug (the id leaves them out) and name (columns, sorting, finding
 * show the core).
 *
 * Each form is its words as they are spelt, one space between them; in a
 * name, punctuation between the words does not matter ("S.A." is "S A",
 * "Co., Ltd." is "Co Ltd"), nor does letter case unless LF_CASE says so.
 */
#ifndef PREG_LEGALFORM_H
#define PREG_LEGALFORM_H

#include <stddef.h>

#define LF_LEAD 1u  /* may stand before the name */
#define LF_TRAIL 2u /* may stand after it */
#define LF_CASE 4u  /* in this case only: the letters also spell a word (AG, SA) */
#define LF_BOTH (LF_LEAD | LF_TRAIL)

struct legal_form {
	const char *words;
	const char *abbr; /* for a long form, the abbreviation a short name shows ("ООО") */
	unsigned flags;
};

extern const struct legal_form legal_forms[];
extern const size_t legal_forms_n;

#endif
