/*
 * check_digest.c: SHA-256 against the FIPS 180-2 examples in the
 * published vectors (crypto.txt, read at test time, the 1,000,000 'a' case
 * included), one-shot, streamed in odd pieces and over a file; hex helpers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "digest.h"
#include "xmalloc.h"

/* One [sha256-*] case of crypto.txt. */
struct sha_case {
	char name[64];
	char *msg;
	size_t len;
	char want[EDS_SHA256_HEX];
};

/* "1,000,000 repetitions of 'a' (0x61)" -> the message. */
static char *
repetitions(const char *v, size_t *len)
{
	unsigned long n = 0;
	const char *q;
	char *m;

	for (; *v == ',' || (*v >= '0' && *v <= '9'); v++)
		if (*v != ',')
			n = n * 10 + (unsigned long)(*v - '0');
	q = strchr(v, '\'');
	ck_assert_msg(strstr(v, "repetitions of") != NULL && q != NULL &&
	    n > 0, "cannot read the message description '%s'", v);
	m = xmalloc(n + 1);
	memset(m, q[1], n);
	m[n] = '\0';
	*len = n;
	return m;
}

static int
load_cases(struct sha_case *c, int max)
{
	char path[600], line[512], *eq, *v;
	FILE *f;
	int n = -1, active = 0;

	snprintf(path, sizeof path, "%s/crypto.txt", tu_vectors());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '[') {
			active = strncmp(line, "[sha256-", 8) == 0 && n + 1 < max;
			if (active) {
				n++;
				memset(&c[n], 0, sizeof c[n]);
				snprintf(c[n].name, sizeof c[n].name, "%.60s", line);
			}
			continue;
		}
		if (!active || (eq = strstr(line, " = ")) == NULL)
			continue;
		*eq = '\0';
		v = eq + 3;
		if (strcmp(line, "msg_ascii") == 0) {
			if (strcmp(v, "(empty)") == 0)
				v = "";
			c[n].msg = xstrdup(v);
			c[n].len = strlen(v);
		} else if (strcmp(line, "msg") == 0)
			c[n].msg = repetitions(v, &c[n].len);
		else if (strcmp(line, "sha256") == 0 && c[n].msg != NULL &&
		    c[n].want[0] == '\0')
			snprintf(c[n].want, sizeof c[n].want, "%s", v);
	}
	fclose(f);
	return n + 1;
}

START_TEST(sha256_matches_the_published_vectors)
{
	struct sha_case c[16];
	unsigned char md[EDS_SHA256_LEN];
	char hex[EDS_SHA256_HEX];
	int n, i, million = 0;

	if (tu_skip_without_vectors("sha256 vectors"))
		return;
	n = load_cases(c, 16);
	ck_assert_msg(n >= 4, "only %d SHA-256 cases in crypto.txt", n);
	for (i = 0; i < n; i++) {
		struct eds_sha256 s;
		const char *p;
		size_t k, left, step = 1;

		ck_assert_msg(c[i].msg != NULL && strlen(c[i].want) == 64,
		    "%s: incomplete case", c[i].name);
		million += c[i].len == 1000000;
		/* one shot */
		eds_sha256(c[i].msg, c[i].len, md);
		eds_hex(md, sizeof md, hex);
		ck_assert_msg(strcmp(hex, c[i].want) == 0, "%s: got %s",
		    c[i].name, hex);
		/* streamed in growing odd pieces */
		eds_sha256_init(&s);
		for (p = c[i].msg, left = c[i].len; left > 0; p += k,
		    left -= k, step = step * 3 + 1) {
			k = step < left ? step : left;
			eds_sha256_update(&s, p, k);
		}
		eds_sha256_final_hex(&s, hex);
		ck_assert_msg(strcmp(hex, c[i].want) == 0,
		    "%s streamed: got %s", c[i].name, hex);
		/* from a file */
		{
			struct eds_error err;
			uint64_t size = 0;
			const char *f = tu_path("sha.bin");

			tu_write(f, c[i].msg, c[i].len);
			ck_assert_int_eq(eds_sha256_file(f, hex, &size, &err),
			    0);
			ck_assert_msg(strcmp(hex, c[i].want) == 0,
			    "%s from a file: got %s", c[i].name, hex);
			ck_assert_uint_eq(size, c[i].len);
		}
		free(c[i].msg);
	}
	ck_assert_msg(million == 1, "the 1,000,000 'a' case was not found");
}
END_TEST

START_TEST(sha256_of_a_missing_file_is_no_input)
{
	struct eds_error err;
	char hex[EDS_SHA256_HEX];

	ck_assert_int_eq(eds_sha256_file(tu_path("absent"), hex, NULL, &err),
	    -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_msg(strstr(err.msg, "absent") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(a_released_context_is_not_finished)
{
	struct eds_sha256 s;

	eds_sha256_init(&s);
	eds_sha256_update(&s, "x", 1);
	eds_sha256_release(&s);
	ck_assert_ptr_null(s.ctx);
}
END_TEST

START_TEST(hex_round_trips_and_unhex_refuses_bad_input)
{
	unsigned char in[4] = { 0x00, 0x9f, 0xa0, 0xff }, out[4];
	char hex[9];

	eds_hex(in, 4, hex);
	ck_assert_str_eq(hex, "009fa0ff");
	ck_assert_int_eq(eds_unhex("009FA0ff", 8, out, 4), 0);
	ck_assert_int_eq(memcmp(in, out, 4), 0);
	ck_assert_int_eq(eds_unhex("009fa0f", 7, out, 4), -1);
	ck_assert_int_eq(eds_unhex("009fa0fff", 9, out, 4), -1);
	ck_assert_int_eq(eds_unhex("009fa0fg", 8, out, 4), -1);
	ck_assert_int_eq(eds_unhex(" 09fa0ff", 8, out, 4), -1);
}
END_TEST

Suite *
digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *t = tcase_create("digest");

	tcase_add_test(t, sha256_matches_the_published_vectors);
	tcase_add_test(t, sha256_of_a_missing_file_is_no_input);
	tcase_add_test(t, a_released_context_is_not_finished);
	tcase_add_test(t, hex_round_trips_and_unhex_refuses_bad_input);
	suite_add_tcase(s, t);
	return s;
}
