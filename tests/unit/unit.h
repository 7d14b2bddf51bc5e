/*
 * unit.h: what every unit test includes: cmocka and a few helpers.
 * Unit tests link lib/ only (build/libpreg.a), never cmd/.
 */
#ifndef PREG_UNIT_H
#define PREG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* Assert that expr returns code and that the error slot holds msg exactly. */
#define assert_error(expr, code, msg) do { \
	preg_error_clear(); \
	assert_int_equal((expr), (code)); \
	assert_string_equal(preg_error_msg(), (msg)); \
} while (0)

#endif
