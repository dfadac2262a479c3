/*
 * check_json.c: the JSON writer's escaping (controls, quotes, invalid
 * UTF-8 turned into U+FFFD, never raw) and the strict reader (grammar,
 * escapes, surrogates, duplicate keys, depth, trailing data).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "encoding.h"
#include "json.h"

static char out[512];

static const char *
esc(const char *s, size_t n)
{
	struct eds_buf b = EDS_BUF_INIT;

	eds_json_string(&b, s, n);
	snprintf(out, sizeof out, "%s", b.p);
	eds_buf_release(&b);
	return out;
}

#define ESC(lit) esc(lit, sizeof lit - 1)

START_TEST(writer_escapes_quotes_backslashes_and_controls)
{
	struct eds_buf b = EDS_BUF_INIT;

	ck_assert_str_eq(ESC("plain"), "\"plain\"");
	ck_assert_str_eq(ESC("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	ck_assert_str_eq(ESC("\n\r\t"), "\"\\n\\r\\t\"");
	ck_assert_str_eq(ESC("\x01\x1f\x7f"), "\"\\u0001\\u001f\x7f\"");
	ck_assert_str_eq(ESC("nul\0in"), "\"nul\\u0000in\"");
	ck_assert_str_eq(ESC("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
	    "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
	eds_json_str(&b, NULL);
	eds_json_str(&b, "x");
	ck_assert_str_eq(b.p, "null\"x\"");
	eds_buf_release(&b);
}
END_TEST

START_TEST(writer_replaces_invalid_utf8_and_stays_parseable)
{
	static const char *const bad[] = {
		"\xE9t\xE9", "\xC3\x28", "\xC0\x80", "\xED\xA0\x80",
		"\xF4\x90\x80\x80", "cut \xE2\x82", "\xFF\xFE", "\x80", NULL
	};
	char why[128];
	int i;

	ck_assert_str_eq(ESC("caf\xE9!"), "\"caf\xEF\xBF\xBD!\"");
	for (i = 0; bad[i] != NULL; i++) {
		struct eds_jnode *n;
		const char *e = esc(bad[i], strlen(bad[i]));

		ck_assert_msg(eds_utf8_valid(e, strlen(e)),
		    "case %d: output is not UTF-8", i);
		ck_assert_msg(strstr(e, "\xEF\xBF\xBD") != NULL,
		    "case %d: no replacement character", i);
		n = eds_json_parse(e, strlen(e), why, sizeof why);
		ck_assert_msg(n != NULL && n->type == EDS_JSTR,
		    "case %d does not parse back: %s", i, why);
		eds_json_free(n);
	}
}
END_TEST

START_TEST(reader_builds_the_tree)
{
	static const char text[] = " {\"a\": [1, -2.5e+3, true, false, null],"
	    " \"s\": \"x\\n\\u00e9\\ud83d\\ude00\\/\", \"o\": {}} \n";
	char why[128];
	struct eds_jnode *n;
	const struct eds_jnode *a, *s;

	n = eds_json_parse(text, sizeof text - 1, why, sizeof why);
	ck_assert_msg(n != NULL, "%s", why);
	ck_assert_int_eq(n->type, EDS_JOBJ);
	ck_assert_uint_eq(n->n, 3);
	a = eds_json_get(n, "a");
	ck_assert_int_eq(a->type, EDS_JARR);
	ck_assert_uint_eq(a->n, 5);
	ck_assert_str_eq(a->items[0]->str, "1");
	ck_assert_str_eq(a->items[1]->str, "-2.5e+3");
	ck_assert_int_eq(a->items[2]->b, 1);
	ck_assert_int_eq(a->items[3]->type, EDS_JBOOL);
	ck_assert_int_eq(a->items[3]->b, 0);
	ck_assert_int_eq(a->items[4]->type, EDS_JNULL);
	s = eds_json_get(n, "s");
	ck_assert_str_eq(s->str, "x\n\xC3\xA9\xF0\x9F\x98\x80/");
	ck_assert_int_eq(eds_json_get(n, "o")->type, EDS_JOBJ);
	ck_assert_ptr_null(eds_json_get(n, "missing"));
	ck_assert_ptr_null(eds_json_get(a, "a"));
	eds_json_free(n);
}
END_TEST

START_TEST(reader_refuses_anything_not_strict_json)
{
	static const char *const bad[] = {
		"", "   ", "{", "[1,]", "{\"a\":1,}", "[01]", "[+1]", "[1.]",
		"[.5]", "[1e]", "[-]", "['a']", "{a:1}", "[\"tab\there\"]",
		"[\"\\x\"]", "[\"\\u12\"]", "[\"\\ud800\"]", "[\"\\udc00\"]",
		"[\"\xE9\"]", "[\"open]", "[1] [2]", "[1] x", "tru", "nul",
		"NaN", "{\"a\":1,\"a\":2}", "{\"k\" 1}", "[1 2]", NULL
	};
	char why[128], deep[100];
	int i;

	for (i = 0; bad[i] != NULL; i++) {
		struct eds_jnode *n = eds_json_parse(bad[i], strlen(bad[i]),
		    why, sizeof why);

		ck_assert_msg(n == NULL, "case %d accepted: %s", i, bad[i]);
		ck_assert_msg(why[0] != '\0', "case %d: no reason given", i);
	}
	ck_assert_ptr_null(eds_json_parse("{\"a\":1,\"a\":2}", 13, why,
	    sizeof why));
	ck_assert_str_eq(why, "duplicate key in an object");
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	ck_assert_ptr_null(eds_json_parse(deep, 80, why, sizeof why));
	ck_assert_str_eq(why, "nested too deeply");
	{
		struct eds_jnode *ok = eds_json_parse(deep + 10, 60, why,
		    sizeof why);

		ck_assert_msg(ok != NULL, "30 levels must be fine: %s", why);
		eds_json_free(ok);
	}
}
END_TEST

Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *t = tcase_create("json");

	tcase_add_test(t, writer_escapes_quotes_backslashes_and_controls);
	tcase_add_test(t, writer_replaces_invalid_utf8_and_stays_parseable);
	tcase_add_test(t, reader_builds_the_tree);
	tcase_add_test(t, reader_refuses_anything_not_strict_json);
	suite_add_tcase(s, t);
	return s;
}
