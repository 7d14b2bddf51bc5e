/* test_utf8: the strict decoder, and the characters that make text show
 * other than it is stored, written visibly (lib/utf8.c). */
#include "unit.h"
#include "utf8.h"

static void test_decode(void **state)
{
	uint32_t c;

	(void)state;
	assert_int_equal(utf8_decode((const unsigned char *)"\xe2\x80\xae", 3, &c), 3);
	assert_int_equal(c, 0x202e);
	assert_int_equal(utf8_decode((const unsigned char *)"\xe2\x80", 2, &c), 0);
	assert_true(utf8_valid("ООО «Ромашка»"));
	assert_false(utf8_valid("\xc0\xaf"));
}

static void test_classes(void **state)
{
	static const uint32_t bidi[] = { 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069 };
	static const uint32_t zw[] = { 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff };
	/* Neighbours and look-alikes that are ordinary text here: the
	 * left-to-right and right-to-left marks, a soft hyphen, spaces. */
	static const uint32_t other[] = { 'a', 0x41f, 0x200a, 0x200e, 0x200f, 0x2029, 0x202f, 0x2065,
					  0x206a, 0x2061, 0xad, 0xa0, 0xfefe, 0x1f469 };

	(void)state;
	for (size_t i = 0; i < sizeof(bidi) / sizeof(*bidi); i++) {
		assert_true(utf8_is_bidi_control(bidi[i]));
		assert_false(utf8_is_zero_width(bidi[i]));
		assert_true(utf8_is_hidden(bidi[i]));
		assert_non_null(utf8_hidden_name(bidi[i]));
	}
	for (size_t i = 0; i < sizeof(zw) / sizeof(*zw); i++) {
		assert_true(utf8_is_zero_width(zw[i]));
		assert_false(utf8_is_bidi_control(zw[i]));
		assert_non_null(utf8_hidden_name(zw[i]));
	}
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++) {
		assert_false(utf8_is_hidden(other[i]));
		assert_null(utf8_hidden_name(other[i]));
	}
	assert_string_equal(utf8_hidden_name(0x202e), "right-to-left override");
	assert_string_equal(utf8_hidden_name(0x200b), "zero width space");
}

static void visible(const char *s, const char *want)
{
	struct buf b = BUF_INIT;

	utf8_put_visible(&b, s);
	assert_string_equal(buf_str(&b), want);
	buf_release(&b);
}

static void test_put_visible(void **state)
{
	(void)state;
	visible("Acme \xe2\x80\xaegnp.exe", "Acme <U+202E>gnp.exe");
	visible("\xef\xbb\xbfООО «Ромашка»\xe2\x80\x8b", "<U+FEFF>ООО «Ромашка»<U+200B>");
	visible("\xe2\x81\xa6\xe2\x81\xa9", "<U+2066><U+2069>");
	visible("ООО «Ромашка»", "ООО «Ромашка»");
	visible("", "");
	/* Not UTF-8: copied as it is, the characters after it still shown. */
	visible("\xff\xe2\x80\xae", "\xff<U+202E>");
	visible("\xe2\x80", "\xe2\x80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_put_visible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
