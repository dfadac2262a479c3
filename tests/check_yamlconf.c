/*
 * check_yamlconf.c: the YAML loader: the node tree and its positions,
 * typed scalars, and every refusal (syntax, aliases, duplicate keys,
 * several documents, unknown and missing keys, size) carrying
 * file:line:column.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "yamlconf.h"

static struct eds_yaml *
parse(const char *text, struct eds_error *err)
{
	eds_error_clear(err);
	return eds_yaml_parse("conf.yaml", text, strlen(text), err);
}

/* Parsing text fails with 78 at line:column, with msg in the message. */
static void
refused_at(const char *text, unsigned long line, unsigned long col,
    const char *msg)
{
	struct eds_error err;

	ck_assert_msg(parse(text, &err) == NULL, "accepted: %s", text);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_str_eq(err.file, "conf.yaml");
	ck_assert_msg(err.line == line && err.column == col,
	    "'%s' at %lu:%lu, expected %lu:%lu (%s)", msg, err.line,
	    err.column, line, col, err.msg);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "message '%s' lacks '%s'",
	    err.msg, msg);
}

START_TEST(yaml_tree_keeps_values_kinds_and_positions)
{
	struct eds_error err;
	struct eds_yaml *y;
	const struct eds_ynode *cols, *c0, *v;

	y = parse("source: lab\n"
	    "columns:\n"
	    "  - name: ipp\n"
	    "    required: true\n"
	    "  - name: \"quoted\"\n"
	    "list: [a, b]\n", &err);
	ck_assert_msg(y != NULL, "%s", err.msg);
	ck_assert_int_eq(y->root->type, EDS_YMAP);
	ck_assert_uint_eq(eds_ymap_len(y->root), 3);
	ck_assert_str_eq(eds_ymap_key(y->root, 0)->str, "source");
	v = eds_yaml_get(y->root, "source");
	ck_assert_str_eq(v->str, "lab");
	ck_assert_uint_eq(v->line, 1);
	ck_assert_uint_eq(v->column, 9);
	cols = eds_yaml_get(y->root, "columns");
	ck_assert_int_eq(cols->type, EDS_YSEQ);
	ck_assert_uint_eq(eds_yseq_len(cols), 2);
	c0 = eds_yseq_item(cols, 0);
	ck_assert_uint_eq(c0->line, 3);
	ck_assert_uint_eq(c0->column, 5);
	ck_assert_int_eq(eds_yaml_get(c0, "name")->plain, 1);
	v = eds_yaml_get(eds_yseq_item(cols, 1), "name");
	ck_assert_str_eq(v->str, "quoted");
	ck_assert_int_eq(v->plain, 0);
	ck_assert_ptr_null(eds_yaml_get(y->root, "absent"));
	ck_assert_ptr_null(eds_yaml_get(v, "name"));	/* not a mapping */
	/* a lone value counts as a list of one; NULL as none */
	ck_assert_uint_eq(eds_yseq_len(eds_yaml_get(y->root, "source")), 1);
	ck_assert_uint_eq(eds_yseq_len(NULL), 0);
	ck_assert_uint_eq(eds_yseq_len(eds_yaml_get(y->root, "list")), 2);
	eds_yaml_free(y);
}
END_TEST

START_TEST(an_empty_document_has_no_root)
{
	struct eds_error err;
	struct eds_yaml *y = parse("# only a comment\n", &err);

	ck_assert_ptr_nonnull(y);
	ck_assert_ptr_null(y->root);
	eds_yaml_free(y);
}
END_TEST

START_TEST(syntax_errors_carry_line_and_column)
{
	refused_at("a: 1\nb: [1, 2\n", 3, 1, "flow sequence");
	refused_at("a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed");
	refused_at("a: \"open\n", 2, 1, "quoted scalar");
}
END_TEST

START_TEST(aliases_duplicate_keys_and_several_documents_are_refused)
{
	refused_at("a: &x 1\nb: *x\n", 2, 4, "aliases are not supported");
	refused_at("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a'");
	refused_at("top:\n  k: 1\n  k: 2\n", 3, 3, "duplicate key 'k'");
	refused_at("a: 1\n---\nb: 2\n", 2, 1, "only one YAML document");
	refused_at("? [a, b]\n: 1\n", 1, 3, "mapping key must be a plain");
}
END_TEST

START_TEST(nesting_is_bounded)
{
	char text[400];
	int i;

	for (i = 0; i < 70; i++)
		text[i] = '[';
	text[70] = '\0';
	refused_at(text, 1, 65, "nested deeper");
}
END_TEST

START_TEST(unknown_and_missing_keys_are_refused_where_they_are)
{
	static const char *const allowed[] = { "name", "type", NULL };
	struct eds_error err;
	struct eds_yaml *y;
	const struct eds_ynode *n, *c;

	y = parse("columns:\n  - name: a\n    tpye: id\n", &err);
	c = eds_yseq_item(eds_yaml_get(y->root, "columns"), 0);
	ck_assert_int_eq(eds_yaml_check_map(y, c, "a column", allowed, &err),
	    -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_uint_eq(err.column, 5);
	ck_assert_str_eq(err.msg, "unknown key 'tpye' in a column (expected "
	    "one of: name, type)");
	ck_assert_int_eq(eds_yaml_require(y, c, "type", &n, &err), -1);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 5);
	ck_assert_str_eq(err.msg, "missing required key 'type'");
	ck_assert_int_eq(eds_yaml_check_map(y, eds_yaml_get(y->root,
	    "columns"), "a column", allowed, &err), -1);
	ck_assert_msg(strstr(err.msg, "must be a mapping, not a list") != NULL,
	    "%s", err.msg);
	eds_yaml_free(y);
}
END_TEST

START_TEST(typed_scalars_are_checked_with_their_position)
{
	static const char *const words[] = { "keep", "upper", NULL };
	struct eds_error err;
	struct eds_yaml *y;
	const char *s = "unchanged";
	int b = -1, e = -1;
	long l = -1;
	double d = -1;

	y = parse("t: yes\nf: off\nn: 42\nbig: 99999999999999999999\n"
	    "x: 2.5\nw: upper\nbad: maybe\nl: [1]\ninf: inf\n", &err);
	ck_assert_ptr_nonnull(y);
#define G(k) eds_yaml_get(y->root, k)
	ck_assert_int_eq(eds_yaml_bool(y, G("t"), &b, &err), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(eds_yaml_bool(y, G("f"), &b, &err), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(eds_yaml_bool(y, G("bad"), &b, &err), -1);
	ck_assert_uint_eq(err.line, 7);
	ck_assert_uint_eq(err.column, 6);
	ck_assert_int_eq(eds_yaml_bool(y, NULL, &b, &err), 0);	/* absent */
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(eds_yaml_long(y, G("n"), 0, 100, &l, &err), 0);
	ck_assert_int_eq(l, 42);
	ck_assert_int_eq(eds_yaml_long(y, G("n"), 0, 10, &l, &err), -1);
	ck_assert_msg(strstr(err.msg, "out of range") != NULL, "%s", err.msg);
	ck_assert_int_eq(eds_yaml_long(y, G("big"), 0, 10, &l, &err), -1);
	ck_assert_int_eq(eds_yaml_long(y, G("x"), 0, 10, &l, &err), -1);
	ck_assert_int_eq(eds_yaml_long(y, G("l"), 0, 10, &l, &err), -1);
	ck_assert_uint_eq(err.line, 8);
	ck_assert_int_eq(eds_yaml_double(y, G("x"), &d, &err), 0);
	ck_assert(d == 2.5);
	ck_assert_int_eq(eds_yaml_double(y, G("inf"), &d, &err), -1);
	ck_assert_int_eq(eds_yaml_double(y, G("w"), &d, &err), -1);
	ck_assert_int_eq(eds_yaml_enum(y, G("w"), words, &e, &err), 0);
	ck_assert_int_eq(e, 1);
	ck_assert_int_eq(eds_yaml_enum(y, G("bad"), words, &e, &err), -1);
	ck_assert_str_eq(err.msg, "expected one of keep, upper, found 'maybe'");
	ck_assert_int_eq(eds_yaml_enum(y, G("l"), words, &e, &err), -1);
	ck_assert_str_eq(err.msg, "expected one of keep, upper, found a list");
	ck_assert_int_eq(eds_yaml_str(y, G("l"), &s, &err), -1);
	ck_assert_str_eq(s, "unchanged");
	ck_assert_int_eq(eds_yaml_str(y, G("w"), &s, &err), 0);
	ck_assert_str_eq(s, "upper");
#undef G
	eds_yaml_free(y);
}
END_TEST

START_TEST(files_are_loaded_with_their_checksum_and_size_limit)
{
	const char *p = tu_path("c.yaml");
	char hex[EDS_SHA256_HEX], *big;
	struct eds_error err;
	struct eds_yaml *y;

	tu_write_str(p, "a: 1\n");
	y = eds_yaml_load(p, &err);
	ck_assert_ptr_nonnull(y);
	ck_assert_str_eq(y->path, p);
	ck_assert_int_eq(eds_sha256_file(p, hex, NULL, &err), 0);
	ck_assert_str_eq(y->sha256, hex);
	eds_yaml_free(y);

	tu_write_str(p, "a: 1\nb: [\n");
	ck_assert_ptr_null(eds_yaml_load(p, &err));
	ck_assert_str_eq(err.file, p);
	ck_assert_uint_eq(err.line, 3);

	ck_assert_ptr_null(eds_yaml_load(tu_path("absent.yaml"), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_ptr_null(eds_yaml_load(tu_tmpdir(), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);

	big = calloc(1, EDS_YAML_MAX_SIZE + 10);
	memset(big, '#', EDS_YAML_MAX_SIZE + 9);
	tu_write_str(p, big);
	free(big);
	ck_assert_ptr_null(eds_yaml_load(p, &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "larger than") != NULL, "%s", err.msg);
}
END_TEST

Suite *
yamlconf_suite(void)
{
	Suite *s = suite_create("yamlconf");
	TCase *t = tcase_create("yamlconf");

	tcase_add_test(t, yaml_tree_keeps_values_kinds_and_positions);
	tcase_add_test(t, an_empty_document_has_no_root);
	tcase_add_test(t, syntax_errors_carry_line_and_column);
	tcase_add_test(t, aliases_duplicate_keys_and_several_documents_are_refused);
	tcase_add_test(t, nesting_is_bounded);
	tcase_add_test(t, unknown_and_missing_keys_are_refused_where_they_are);
	tcase_add_test(t, typed_scalars_are_checked_with_their_position);
	tcase_add_test(t, files_are_loaded_with_their_checksum_and_size_limit);
	suite_add_tcase(s, t);
	return s;
}
