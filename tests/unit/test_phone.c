/* test_phone: phone numbers in one comparable form, and matching them. */
#include "unit.h"
#include "phone.h"

/* The key of s as a static string ("(null)" for none). */
static const char *key(const char *s)
{
	static char out[64];
	char *k = phone_key(s);

	snprintf(out, sizeof(out), "%s", k ? k : "(null)");
	free(k);
	return out;
}

static void test_russian_forms(void **state)
{
	(void)state;
	/* The four ways of issue 11, and more: one key. */
	assert_string_equal(key("+7 351 000-00-00"), "+73510000000");
	assert_string_equal(key("8 (351) 000 00 00"), "+73510000000");
	assert_string_equal(key("83510000000"), "+73510000000");
	assert_string_equal(key("+7(351)0000000"), "+73510000000");
	assert_string_equal(key("7 351 000 00 00"), "+73510000000");
	assert_string_equal(key("(351) 000-00-00"), "+73510000000");
	assert_string_equal(key("8-912-345-67-89"), "+79123456789");
	assert_string_equal(key("912.345.67.89"), "+79123456789");
	assert_string_equal(key(" +7 912 345 67 89 "), "+79123456789");
}

static void test_other_countries(void **state)
{
	(void)state;
	/* With a '+', the digits as they are, whatever the country. */
	assert_string_equal(key("+86 10 1234 5678"), "+861012345678");
	assert_string_equal(key("+49 (30) 123456-78"), "+493012345678");
	assert_string_equal(key("+1 212 555 0100"), "+12125550100");
	assert_string_equal(key("+8 800 000 00 00"), "+88000000000");
	/* The international prefixes 00 and Russia's 8 10. */
	assert_string_equal(key("00 49 30 12345678"), "+493012345678");
	assert_string_equal(key("8 10 86 10 1234 5678"), "+861012345678");
	assert_string_equal(key("8-10-49-30-12345678"), "+493012345678");
}

static void test_local_and_extensions(void **state)
{
	(void)state;
	assert_string_equal(key("000-00-00"), "0000000");
	assert_string_equal(key("22-33"), "2233");
	assert_string_equal(key("+7 351 000-00-00 доб. 123"), "+73510000000");
	assert_string_equal(key("+7 351 000-00-00 ext 5"), "+73510000000");
	assert_string_equal(key("+7 351 000-00-00, 000-00-01"), "+73510000000");
	assert_string_equal(key("+7 351 000-00-00#12"), "+73510000000");
	assert_string_equal(key("x123"), "(null)");
	assert_string_equal(key(""), "(null)");
	assert_string_equal(key("+-()"), "(null)");
	/* A '+' after the first digit is not a country mark. */
	assert_string_equal(key("8+3510000000"), "+73510000000");
}

static void test_match(void **state)
{
	(void)state;
	assert_true(phone_match("+7 351 000-00-00", "8 (351) 000 00 00"));
	assert_true(phone_match("83510000000", "+7(351)0000000"));
	assert_true(phone_match("(351) 000-00-00", "+7 351 000-00-00"));
	/* The last seven or more digits of a number find it, both ways. */
	assert_true(phone_match("000-00-00", "+7 351 000-00-00"));
	assert_true(phone_match("+7 351 000-00-00", "000-00-00"));
	assert_true(phone_match("1 000-00-00", "+7 351 000-00-00"));
	/* Fewer than seven do not. */
	assert_false(phone_match("00-00-00", "+7 351 000-00-00"));
	/* Different numbers, and a country that differs. */
	assert_false(phone_match("+7 351 000-00-01", "+7 351 000-00-00"));
	assert_false(phone_match("+1 351 000 00 00", "+7 351 000 00 00"));
	assert_false(phone_match("+86 351 000 00 00", "+7 351 000 00 00"));
	/* A whole number never matches as a part of a longer one. */
	assert_false(phone_match("+73510000000", "+4973510000000"));
	assert_false(phone_match("", "+7 351 000-00-00"));
	assert_false(phone_match("ромашка", "+7 351 000-00-00"));
}

static void test_like(void **state)
{
	(void)state;
	assert_true(phone_like("+7 351 000-00-00"));
	assert_true(phone_like("8 (351) 000 00 00"));
	assert_true(phone_like("000-00-00"));
	assert_true(phone_like("  +7 912 345 67 89"));
	assert_false(phone_like("00-00-00"));
	assert_false(phone_like("2026-11-25"));
	assert_false(phone_like("ромашка"));
	assert_false(phone_like("7 + 3510000000"));
	assert_false(phone_like("inn 7451234567"));
	assert_false(phone_like(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_russian_forms),
		cmocka_unit_test(test_other_countries),
		cmocka_unit_test(test_local_and_extensions),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_like),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
