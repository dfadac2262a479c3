/*
 * check_crypto.c: HMAC-SHA256 and HKDF-SHA256 against the published RFC
 * 4231 and RFC 5869 vectors (read from the vectors directory at test time),
 * the precomputed-state path against the one-shot path, and the
 * constant-time comparison.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "crypto.h"
#include "digest.h"

/* One [case] of crypto.txt: up to 16 "field = value" pairs. */
struct vcase {
	char name[64];
	char key[16][32];
	char *val[16];
	int n;
};

static const char *
vget(const struct vcase *c, const char *k)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->key[i], k) == 0)
			return c->val[i];
	return NULL;
}

/* Decode a field: hex, "(empty)", "0xNN repeated K times". */
static size_t
vbytes(const char *v, unsigned char *out, size_t cap)
{
	unsigned x, k;
	size_t n = strlen(v), i;

	if (strcmp(v, "(empty)") == 0)
		return 0;
	if (sscanf(v, "0x%2x repeated %u times", &x, &k) == 2) {
		ck_assert_uint_le(k, cap);
		for (i = 0; i < k; i++)
			out[i] = (unsigned char)x;
		return k;
	}
	ck_assert_uint_le(n / 2, cap);
	ck_assert_msg(eds_unhex(v, n, out, n / 2) == 0, "bad hex '%s'", v);
	return n / 2;
}

/* Read every case of crypto.txt; returns the count. */
static int
load_cases(struct vcase *cases, int max, char **text)
{
	char path[600], *p, *line, *eq;
	int n = -1;

	snprintf(path, sizeof path, "%s/crypto.txt", tu_vectors());
	*text = tu_read(path, NULL);
	for (p = *text; (line = strsep(&p, "\n")) != NULL;) {
		if (line[0] == '[') {
			ck_assert_int_lt(n + 1, max);
			n++;
			memset(&cases[n], 0, sizeof cases[n]);
			snprintf(cases[n].name, sizeof cases[n].name, "%.*s",
			    (int)strcspn(line + 1, "]"), line + 1);
			continue;
		}
		if (n < 0 || line[0] == '#' || (eq = strstr(line, " = ")) == NULL)
			continue;
		*eq = '\0';
		ck_assert_int_lt(cases[n].n, 16);
		snprintf(cases[n].key[cases[n].n], 32, "%s", line);
		cases[n].val[cases[n].n++] = eq + 3;
	}
	return n + 1;
}

START_TEST(hmac_matches_every_rfc4231_case_with_both_code_paths)
{
	struct vcase cases[32];
	unsigned char key[256], data[256], want[64], got[EDS_HMAC_LEN],
	    got2[EDS_HMAC_LEN];
	size_t kl, dl, wl;
	char *text;
	const char *v;
	int n, i, seen = 0;

	if (tu_skip_without_vectors("hmac rfc4231"))
		return;
	n = load_cases(cases, 32, &text);
	for (i = 0; i < n; i++) {
		struct eds_hmac *h;

		if (strncmp(cases[i].name, "rfc4231-", 8) != 0)
			continue;
		kl = vbytes(vget(&cases[i], "key"), key, sizeof key);
		if ((v = vget(&cases[i], "data")) != NULL)
			dl = vbytes(v, data, sizeof data);
		else {
			v = vget(&cases[i], "data_ascii");
			ck_assert_msg(v != NULL, "%s has no data", cases[i].name);
			dl = strlen(v);
			ck_assert_uint_le(dl, sizeof data);
			memcpy(data, v, dl);
		}
		if ((v = vget(&cases[i], "hmac_sha256")) == NULL)
			v = vget(&cases[i], "hmac_sha256_trunc128");
		ck_assert_msg(v != NULL, "%s has no expected value",
		    cases[i].name);
		wl = vbytes(v, want, sizeof want);
		eds_hmac_sha256(key, kl, data, dl, got);
		ck_assert_msg(memcmp(got, want, wl) == 0,
		    "%s: one-shot HMAC differs from the RFC", cases[i].name);
		/* The same through precomputed states, message split in two. */
		h = eds_hmac_new(key, kl);
		eds_hmac2(h, data, dl / 3, data + dl / 3, dl - dl / 3, got2);
		eds_hmac_free(h);
		ck_assert_msg(memcmp(got2, want, wl) == 0,
		    "%s: precomputed-state HMAC differs from the RFC",
		    cases[i].name);
		seen++;
	}
	ck_assert_msg(seen == 7, "expected the 7 RFC 4231 cases, found %d",
	    seen);
	free(text);
}
END_TEST

START_TEST(hkdf_matches_every_rfc5869_case)
{
	struct vcase cases[32];
	unsigned char ikm[128], salt[128], info[128], prk[64], okm[128],
	    got[128];
	size_t il, sl, nl, ol;
	char *text;
	int n, i, seen = 0;

	if (tu_skip_without_vectors("hkdf rfc5869"))
		return;
	n = load_cases(cases, 32, &text);
	for (i = 0; i < n; i++) {
		if (strncmp(cases[i].name, "rfc5869-", 8) != 0)
			continue;
		il = vbytes(vget(&cases[i], "ikm"), ikm, sizeof ikm);
		sl = vbytes(vget(&cases[i], "salt"), salt, sizeof salt);
		nl = vbytes(vget(&cases[i], "info"), info, sizeof info);
		ol = vbytes(vget(&cases[i], "okm"), okm, sizeof okm);
		ck_assert_uint_eq(ol, (size_t)atoi(vget(&cases[i], "L")));
		vbytes(vget(&cases[i], "prk"), prk, sizeof prk);
		/* Extract is HMAC(salt or 32 zeros, IKM). */
		if (sl == 0) {
			memset(salt, 0, 32);
			eds_hmac_sha256(salt, 32, ikm, il, got);
		} else
			eds_hmac_sha256(salt, sl, ikm, il, got);
		ck_assert_msg(memcmp(got, prk, 32) == 0, "%s: PRK differs",
		    cases[i].name);
		ck_assert_int_eq(eds_hkdf_sha256(salt, sl, ikm, il, info, nl,
		    got, ol), 0);
		ck_assert_msg(memcmp(got, okm, ol) == 0, "%s: OKM differs",
		    cases[i].name);
		seen++;
	}
	ck_assert_msg(seen == 3, "expected the 3 RFC 5869 cases, found %d",
	    seen);
	free(text);
}
END_TEST

START_TEST(hkdf_refuses_lengths_out_of_range)
{
	unsigned char out[8];

	ck_assert_int_eq(eds_hkdf_sha256(NULL, 0, "k", 1, NULL, 0, out, 0), -1);
	ck_assert_int_eq(eds_hkdf_sha256(NULL, 0, "k", 1, NULL, 0, out,
	    EDS_HKDF_MAX + 1), -1);
}
END_TEST

START_TEST(precomputed_states_agree_with_one_shot_for_many_lengths)
{
	unsigned char key[200], msg[300], a[EDS_HMAC_LEN], b[EDS_HMAC_LEN];
	size_t kl, ml, i;

	for (i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 13 + 5);
	/* Keys around the block size, messages around block boundaries. */
	for (kl = 0; kl <= 130; kl += 13) {
		struct eds_hmac *h = eds_hmac_new(key, kl);

		for (ml = 0; ml <= 260; ml += 11) {
			eds_hmac(h, msg, ml, a);
			eds_hmac_sha256(key, kl, msg, ml, b);
			ck_assert_msg(memcmp(a, b, sizeof a) == 0,
			    "key %zu, message %zu: the two paths differ", kl,
			    ml);
		}
		eds_hmac_free(h);
	}
}
END_TEST

START_TEST(ct_equal_compares_every_byte)
{
	unsigned char a[32], b[32];

	memset(a, 7, sizeof a);
	memcpy(b, a, sizeof b);
	ck_assert_int_eq(eds_ct_equal(a, b, sizeof a), 1);
	b[31] ^= 1;
	ck_assert_int_eq(eds_ct_equal(a, b, sizeof a), 0);
	b[31] ^= 1;
	b[0] ^= 0x80;
	ck_assert_int_eq(eds_ct_equal(a, b, sizeof a), 0);
	ck_assert_int_eq(eds_ct_equal(a, b, 0), 1);
}
END_TEST

Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *t = tcase_create("crypto");

	tcase_add_test(t, hmac_matches_every_rfc4231_case_with_both_code_paths);
	tcase_add_test(t, hkdf_matches_every_rfc5869_case);
	tcase_add_test(t, hkdf_refuses_lengths_out_of_range);
	tcase_add_test(t, precomputed_states_agree_with_one_shot_for_many_lengths);
	tcase_add_test(t, ct_equal_compares_every_byte);
	suite_add_tcase(s, t);
	return s;
}
