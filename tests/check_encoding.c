/*
 * check_encoding.c: encoding names, UTF-8 validation (overlongs,
 * surrogates, range, truncation) and Windows-1252 / Latin-1 conversion,
 * checked byte by byte against the C library's iconv(3).
 */
#include "config.h"

#include <iconv.h>
#include <string.h>

#include "check_util.h"
#include "encoding.h"

START_TEST(encoding_names_parse_in_any_case)
{
	enum eds_encoding e;

	ck_assert_int_eq(eds_encoding_parse("UTF-8", &e), 0);
	ck_assert_int_eq(e, EDS_ENC_UTF8);
	ck_assert_int_eq(eds_encoding_parse("Windows-1252", &e), 0);
	ck_assert_int_eq(e, EDS_ENC_CP1252);
	ck_assert_int_eq(eds_encoding_parse("cp1252", &e), 0);
	ck_assert_int_eq(e, EDS_ENC_CP1252);
	ck_assert_int_eq(eds_encoding_parse("ISO-8859-1", &e), 0);
	ck_assert_int_eq(e, EDS_ENC_LATIN1);
	ck_assert_int_eq(eds_encoding_parse("latin1", &e), 0);
	ck_assert_int_eq(eds_encoding_parse("ebcdic", &e), -1);
	ck_assert_int_eq(eds_encoding_parse("", &e), -1);
	for (e = EDS_ENC_UTF8; e <= EDS_ENC_LATIN1; e++) {
		enum eds_encoding back;

		ck_assert_int_eq(eds_encoding_parse(eds_encoding_name(e),
		    &back), 0);
		ck_assert_int_eq(back, e);
	}
}
END_TEST

START_TEST(utf8_validation_accepts_well_formed_text)
{
	static const char *const good[] = {
		"", "plain ascii", "\xC3\xA9t\xC3\xA9", "\xE2\x82\xAC",
		"\xF0\x9F\x98\x80", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80",
		"\xED\x9F\xBF", "\xEE\x80\x80", "\xF4\x8F\xBF\xBF", NULL
	};
	int i;

	for (i = 0; good[i] != NULL; i++)
		ck_assert_msg(eds_utf8_valid(good[i], strlen(good[i])),
		    "case %d should be valid UTF-8", i);
}
END_TEST

START_TEST(utf8_validation_refuses_overlongs_surrogates_and_truncation)
{
	static const char *const bad[] = {
		"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80",
		"\xE0\x9F\xBF", "\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",
		"\xED\xA0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80",
		"\xF5\x80\x80\x80", "\xFF", "\xC3", "\xE2\x82", "\xF0\x9F\x98",
		"\xC3\x28", "ok\xE2\x28\xA1", "\xE9t\xE9", NULL
	};
	int i;

	for (i = 0; bad[i] != NULL; i++)
		ck_assert_msg(!eds_utf8_valid(bad[i], strlen(bad[i])),
		    "case %d should be invalid UTF-8", i);
}
END_TEST

START_TEST(ascii_check_sees_a_high_byte_anywhere)
{
	char s[40];
	size_t n, i;

	for (n = 0; n < sizeof s; n++) {
		memset(s, 'a', sizeof s);
		ck_assert(eds_is_ascii(s, n));
		for (i = 0; i < n; i++) {
			memset(s, 'a', sizeof s);
			s[i] = (char)0x80;
			ck_assert_msg(!eds_is_ascii(s, n),
			    "length %zu, high byte at %zu not seen", n, i);
		}
		s[n] = (char)0xFF;	/* beyond the length: ignored */
		memset(s, 'a', n);
		ck_assert(eds_is_ascii(s, n));
	}
}
END_TEST

/* The single byte b converted by iconv from code, or -1 if undefined. */
static int
iconv_byte(const char *code, unsigned char b, char *out, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", code);
	char in[1], *ip = in, *op = out;
	size_t il = 1, ol = 8;
	size_t r;

	ck_assert_msg(cd != (iconv_t)-1, "iconv has no %s", code);
	in[0] = (char)b;
	r = iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	if (r == (size_t)-1)
		return -1;
	*outlen = (size_t)(op - out);
	return 0;
}

START_TEST(single_byte_encodings_convert_like_iconv)
{
	char want[8], got[8];
	size_t wl, gl;
	int b, undefined = 0;

	for (b = 0; b < 256; b++) {
		char in = (char)b;

		gl = eds_to_utf8(EDS_ENC_LATIN1, &in, 1, got);
		ck_assert_int_eq(iconv_byte("ISO-8859-1", (unsigned char)b,
		    want, &wl), 0);
		ck_assert_msg(gl == wl && memcmp(got, want, wl) == 0,
		    "latin-1 byte 0x%02x", b);
		ck_assert_msg(eds_utf8_valid(got, gl), "latin-1 0x%02x", b);

		gl = eds_to_utf8(EDS_ENC_CP1252, &in, 1, got);
		ck_assert_msg(eds_utf8_valid(got, gl), "cp1252 0x%02x", b);
		if (iconv_byte("WINDOWS-1252", (unsigned char)b, want,
		    &wl) == -1) {
			/* Undefined in Windows-1252: the C1 control itself. */
			ck_assert_msg(b >= 0x80 && b < 0xA0, "0x%02x", b);
			ck_assert_msg(gl == 2 && (unsigned char)got[0] == 0xC2 &&
			    (unsigned char)got[1] == b, "cp1252 0x%02x", b);
			undefined++;
			continue;
		}
		ck_assert_msg(gl == wl && memcmp(got, want, wl) == 0,
		    "cp1252 byte 0x%02x", b);
	}
	ck_assert_int_eq(undefined, 5);
}
END_TEST

START_TEST(conversion_of_a_string_fits_the_documented_bound)
{
	static const char in[] = "\x80\x80\x80 caf\xe9";
	char out[3 * sizeof in + 1];
	size_t n;

	n = eds_to_utf8(EDS_ENC_CP1252, in, sizeof in - 1, out);
	ck_assert_uint_le(n, 3 * (sizeof in - 1));
	ck_assert_str_eq(out, "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC caf\xC3\xA9");
	ck_assert_uint_eq(n, strlen(out));
}
END_TEST

Suite *
encoding_suite(void)
{
	Suite *s = suite_create("encoding");
	TCase *t = tcase_create("encoding");

	tcase_add_test(t, encoding_names_parse_in_any_case);
	tcase_add_test(t, utf8_validation_accepts_well_formed_text);
	tcase_add_test(t, utf8_validation_refuses_overlongs_surrogates_and_truncation);
	tcase_add_test(t, ascii_check_sees_a_high_byte_anywhere);
	tcase_add_test(t, single_byte_encodings_convert_like_iconv);
	tcase_add_test(t, conversion_of_a_string_fits_the_documented_bound);
	suite_add_tcase(s, t);
	return s;
}
