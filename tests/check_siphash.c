/*
 * check_siphash.c: SipHash-2-4 against the paper's published output for
 * key 00..0f and message 00..0e, and against OpenSSL's independent
 * implementation (EVP_MAC "SIPHASH", 8-byte output) on every length from
 * 0 to 200 fed in one call and in odd-sized pieces.
 */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "check_util.h"
#include "siphash.h"

static uint64_t
openssl_siphash(const unsigned char key[16], const unsigned char *m,
    size_t n)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	EVP_MAC_CTX *c;
	OSSL_PARAM params[2];
	unsigned char out[8];
	size_t outlen = 0, size = 8;
	uint64_t v = 0;
	int i;

	ck_assert_ptr_nonnull(mac);
	c = EVP_MAC_CTX_new(mac);
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	ck_assert_int_eq(EVP_MAC_init(c, key, 16, params), 1);
	ck_assert_int_eq(EVP_MAC_update(c, m, n), 1);
	ck_assert_int_eq(EVP_MAC_final(c, out, &outlen, sizeof out), 1);
	ck_assert_uint_eq(outlen, 8);
	for (i = 7; i >= 0; i--)
		v = v << 8 | out[i];
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return v;
}

START_TEST(siphash_gives_the_papers_test_vector)
{
	unsigned char key[16], msg[15];
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	/* Appendix A of the SipHash paper: a129ca6149be45e5 */
	ck_assert_uint_eq(eds_siphash(key, msg, 15),
	    UINT64_C(0xa129ca6149be45e5));
}
END_TEST

START_TEST(siphash_agrees_with_openssl_whole_and_in_pieces)
{
	unsigned char key[16], m[200];
	struct eds_siphash s;
	size_t n, i, step;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)(0xa5 ^ (i * 37));
	for (i = 0; i < sizeof m; i++)
		m[i] = (unsigned char)(i * 131 + 7);
	for (n = 0; n <= sizeof m; n++) {
		uint64_t want = openssl_siphash(key, m, n);

		ck_assert_msg(eds_siphash(key, m, n) == want,
		    "length %zu differs from OpenSSL", n);
		for (step = 1; step <= 9; step += 4) {
			eds_siphash_init(&s, key);
			for (i = 0; i < n; i += step)
				eds_siphash_update(&s, m + i,
				    n - i < step ? n - i : step);
			ck_assert_msg(eds_siphash_final(&s) == want,
			    "length %zu in pieces of %zu differs", n, step);
		}
	}
}
END_TEST

START_TEST(siphash_final_leaves_the_state_to_extend)
{
	unsigned char key[16] = { 1, 2, 3 };
	struct eds_siphash s;

	eds_siphash_init(&s, key);
	eds_siphash_update(&s, "martin", 6);
	ck_assert_uint_eq(eds_siphash_final(&s), eds_siphash(key, "martin", 6));
	eds_siphash_update(&s, " dubois", 7);
	ck_assert_uint_eq(eds_siphash_final(&s),
	    eds_siphash(key, "martin dubois", 13));
	key[0] ^= 1;
	ck_assert_msg(eds_siphash(key, "martin dubois", 13) !=
	    eds_siphash_final(&s), "another key gives another hash");
}
END_TEST

Suite *
siphash_suite(void)
{
	Suite *s = suite_create("siphash");
	TCase *t = tcase_create("siphash");

	tcase_add_test(t, siphash_gives_the_papers_test_vector);
	tcase_add_test(t, siphash_agrees_with_openssl_whole_and_in_pieces);
	tcase_add_test(t, siphash_final_leaves_the_state_to_extend);
	suite_add_tcase(s, t);
	return s;
}
