/* test_sha1: SHA-1 against the standard's vectors, and at every length
 * around a block's padding boundary against git's own hash of a blob. */
#include "unit.h"

#include "sha1.h"

static void hex(const unsigned char *sum, char out[2 * SHA1_LEN + 1])
{
	for (int i = 0; i < SHA1_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", sum[i]);
}

static void test_vectors(void **state)
{
	unsigned char sum[SHA1_LEN];
	char h[2 * SHA1_LEN + 1];
	char *million = malloc(1000000);

	(void)state;
	sha1("", 0, sum);
	hex(sum, h);
	assert_string_equal(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	sha1("abc", 3, sum);
	hex(sum, h);
	assert_string_equal(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, sum);
	hex(sum, h);
	assert_string_equal(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	sha1(million, 1000000, sum);
	hex(sum, h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(million);
}

/* git's blob id is the SHA-1 of "blob LEN\0" and the bytes: every length
 * from 0 to 200 crosses the padding's one-block and two-block cases. */
static void test_against_git(void **state)
{
	char data[256], obj[300], h[2 * SHA1_LEN + 1];
	unsigned char sum[SHA1_LEN];
	git_oid want;

	(void)state;
	git_libgit2_init();
	for (int len = 0; len <= 200; len++) {
		int n;

		for (int i = 0; i < len; i++)
			data[i] = (char)("Ромашка"[i % 14] ^ i);
		n = snprintf(obj, sizeof(obj), "blob %d", len);
		memcpy(obj + n + 1, data, (size_t)len);
		sha1(obj, (size_t)n + 1 + (size_t)len, sum);
		hex(sum, h);
		assert_int_equal(git_odb_hash(&want, data, (size_t)len, GIT_OBJECT_BLOB), 0);
		assert_string_equal(h, git_oid_tostr_s(&want));
	}
	git_libgit2_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_against_git),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
