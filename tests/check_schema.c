/*
 * check_schema.c: source schemas: every top-level and column key read
 * into struct eds_schema, defaults, and every refusal naming
 * file:line:column; the schemas shipped in config/sources/ all load.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "schema.h"

static struct eds_schema *
load(const char *text, struct eds_error *err)
{
	const char *p = tu_path("schema.yaml");

	tu_write_str(p, text);
	eds_error_clear(err);
	return eds_schema_load(p, err);
}

/* The schema is refused with 78 at line:column, the message holding msg. */
static void
refused_at(const char *text, unsigned long line, unsigned long col,
    const char *msg)
{
	struct eds_error err;
	struct eds_schema *s = load(text, &err);

	ck_assert_msg(s == NULL, "accepted:\n%s", text);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.file, "schema.yaml") != NULL, "file %s",
	    err.file);
	ck_assert_msg(err.line == line && err.column == col,
	    "'%s' at %lu:%lu, expected %lu:%lu: %s", msg, err.line,
	    err.column, line, col, err.msg);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "'%s' lacks '%s'",
	    err.msg, msg);
}

START_TEST(every_key_is_read_and_defaults_apply)
{
	struct eds_error err;
	struct eds_schema *s;
	const struct eds_column *c;

	s = load("source: lab\n"
	    "description: Lab results\n"
	    "separator: \";\"\n"
	    "encoding: windows-1252\n"
	    "header: true\n"
	    "extra_columns: drop\n"
	    "max_field_bytes: 1000\n"
	    "max_row_bytes: 5000\n"
	    "columns:\n"
	    "  - name: ipp\n"
	    "    input: IPP\n"
	    "    description: Patient number\n"
	    "    type: id\n"
	    "    role: patient_id\n"
	    "    required: true\n"
	    "    pattern: \"^[0-9]+$\"\n"
	    "    case: upper\n"
	    "  - name: taken\n"
	    "    type: datetime\n"
	    "    format: [\"%d/%m/%Y %H:%M\", \"%d/%m/%Y\"]\n"
	    "  - name: value\n"
	    "    type: decimal\n"
	    "    min: -1.5\n"
	    "    max: 100\n"
	    "    comparators: true\n"
	    "  - name: sex\n"
	    "    type: code\n"
	    "    values: [M, F]\n"
	    "    role: quasi_identifier\n", &err);
	ck_assert_msg(s != NULL, "%s:%lu:%lu: %s", err.file, err.line,
	    err.column, err.msg);
	ck_assert_str_eq(s->source, "lab");
	ck_assert_str_eq(s->description, "Lab results");
	ck_assert_int_eq(s->csv.sep, ';');
	ck_assert_int_eq(s->csv.encoding, EDS_ENC_CP1252);
	ck_assert_int_eq(s->header, 1);
	ck_assert_int_eq(s->drop_extra, 1);
	ck_assert_uint_eq(s->csv.max_field, 1000);
	ck_assert_uint_eq(s->csv.max_row, 5000);
	ck_assert_uint_eq(s->ncols, 4);
	ck_assert_int_eq(eds_schema_find(s, "value"), 2);
	ck_assert_int_eq(eds_schema_find(s, "IPP"), -1);
	c = &s->cols[0];
	ck_assert_str_eq(c->name, "ipp");
	ck_assert_str_eq(c->input, "IPP");
	ck_assert_str_eq(c->description, "Patient number");
	ck_assert_int_eq(c->type, EDS_T_ID);
	ck_assert_int_eq(c->role, EDS_R_PATIENT_ID);
	ck_assert_int_eq(c->required, 1);
	ck_assert_str_eq(c->pattern_src, "^[0-9]+$");
	ck_assert_int_eq(c->letter_case, EDS_CASE_UPPER);
	c = &s->cols[1];
	ck_assert_str_eq(c->input, "taken");	/* defaults to the name */
	ck_assert_int_eq(c->role, EDS_R_CLINICAL);	/* default role */
	ck_assert_int_eq(c->required, 0);
	ck_assert_uint_eq(c->nformats, 2);
	ck_assert_str_eq(c->formats[1], "%d/%m/%Y");
	c = &s->cols[2];
	ck_assert(c->has_min && c->min == -1.5 && c->has_max && c->max == 100);
	ck_assert_int_eq(c->comparators, 1);
	c = &s->cols[3];
	ck_assert_uint_eq(c->nvalues, 2);
	ck_assert_str_eq(c->values[1], "F");
	ck_assert_str_eq(eds_role_name(c->role), "quasi_identifier");
	ck_assert_uint_eq(strlen(s->sha256), 64);
	eds_schema_free(s);

	s = load("source: x\ncolumns:\n  - {name: a, type: text}\n", &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->csv.sep, ',');
	ck_assert_int_eq(s->csv.encoding, EDS_ENC_UTF8);
	ck_assert_int_eq(s->header, 1);
	ck_assert_int_eq(s->drop_extra, 0);
	ck_assert_uint_eq(s->csv.max_field, EDS_CSV_DEFAULT_MAX);
	ck_assert_uint_eq(s->csv.max_row, EDS_CSV_DEFAULT_MAX);
	ck_assert_ptr_null(s->description);
	eds_schema_free(s);
}
END_TEST

START_TEST(separators_types_and_roles_take_every_listed_word)
{
	static const char *const seps[] = { "\",\"", "\";\"", "\"\\t\"", "\"|\"",
	    "tab", "auto", NULL };
	static const char want[] = { ',', ';', '\t', '|', '\t', 0 };
	static const char *const types[] = { "id", "nir", "date", "datetime",
	    "integer", "decimal", "code", "text", NULL };
	static const char *const roles[] = { "clinical", "patient_id",
	    "stay_id", "direct_identifier", "quasi_identifier", "free_text",
	    NULL };
	char text[300];
	struct eds_error err;
	struct eds_schema *s;
	enum eds_role r;
	int i;

	for (i = 0; seps[i] != NULL; i++) {
		snprintf(text, sizeof text, "source: x\nseparator: %s\n"
		    "columns: [{name: a, type: text}]\n", seps[i]);
		s = load(text, &err);
		ck_assert_msg(s != NULL, "%s: %s", seps[i], err.msg);
		ck_assert_int_eq(s->csv.sep, want[i]);
		eds_schema_free(s);
	}
	for (i = 0; types[i] != NULL; i++) {
		snprintf(text, sizeof text, "source: x\n"
		    "columns: [{name: a, type: %s, role: %s}]\n", types[i],
		    roles[i % 6]);
		s = load(text, &err);
		ck_assert_msg(s != NULL, "%s: %s", types[i], err.msg);
		ck_assert_str_eq(eds_ctype_name(s->cols[0].type), types[i]);
		ck_assert_str_eq(eds_role_name(s->cols[0].role), roles[i % 6]);
		eds_schema_free(s);
	}
	for (i = 0; roles[i] != NULL; i++) {
		ck_assert_int_eq(eds_role_parse(roles[i], &r), 0);
		ck_assert_int_eq((int)r, i);
	}
	ck_assert_int_eq(eds_role_parse("patient", &r), -1);
}
END_TEST

#define HEAD "source: x\ncolumns:\n"

START_TEST(top_level_mistakes_are_refused_where_they_are)
{
	refused_at("- a\n- b\n", 1, 1, "a schema must be a mapping");
	refused_at("source: x\ncolums: []\n", 2, 1, "unknown key 'colums'");
	refused_at("columns:\n  - {name: a, type: text}\n", 1, 1,
	    "missing required key 'source'");
	refused_at("source: x\n", 1, 1, "missing required key 'columns'");
	refused_at("source: x\ncolumns: []\n", 2, 10, "non-empty list");
	refused_at("source: x\ncolumns: {a: 1}\n", 2, 10, "non-empty list");
	refused_at("source: [x]\ncolumns: []\n", 1, 9, "expected a value");
	refused_at("source: x\nseparator: \":\"\ncolumns: []\n", 2, 12,
	    "expected one of");
	refused_at("source: x\nencoding: ebcdic\ncolumns: []\n", 2, 11,
	    "unknown encoding 'ebcdic'");
	refused_at("source: x\nheader: maybe\ncolumns: []\n", 2, 9,
	    "expected true or false");
	refused_at("source: x\nextra_columns: keep\ncolumns: []\n", 2, 16,
	    "expected one of error, drop");
	refused_at("source: x\nmax_field_bytes: 0\ncolumns: []\n", 2, 18,
	    "out of range");
	refused_at("source: x\nmax_row_bytes: lots\ncolumns: []\n", 2, 16,
	    "whole number");
	refused_at("source: x\nsource: y\ncolumns: []\n", 2, 1,
	    "duplicate key 'source'");
}
END_TEST

START_TEST(column_mistakes_are_refused_where_they_are)
{
	refused_at(HEAD "  - a\n", 3, 5, "a column must be a mapping");
	refused_at(HEAD "  - {name: a, type: text, requird: true}\n", 3, 27,
	    "unknown key 'requird' in a column");
	refused_at(HEAD "  - {type: text}\n", 3, 5, "missing required key "
	    "'name'");
	refused_at(HEAD "  - {name: a}\n", 3, 5, "missing required key 'type'");
	refused_at(HEAD "  - {name: Bad-Name, type: text}\n", 3, 12,
	    "lower-case letters, digits and underscores");
	refused_at(HEAD "  - {name: a, type: string}\n", 3, 21,
	    "expected one of id, nir, date");
	refused_at(HEAD "  - {name: a, type: text, role: patient}\n", 3, 33,
	    "expected one of clinical, patient_id");
	refused_at(HEAD "  - {name: a, type: text, required: 1}\n", 3, 37,
	    "expected true or false");
	refused_at(HEAD "  - {name: a, type: text, format: \"%d\"}\n", 3, 35,
	    "'format' applies only to date and datetime");
	refused_at(HEAD "  - {name: a, type: date, format: \"%d/%m\"}\n", 3,
	    35, "bad date format");
	refused_at(HEAD "  - {name: a, type: date, format: [\"%d/%m/%Y\", "
	    "\"%d/%m/%Y %Z\"]}\n", 3, 48, "bad date format '%d/%m/%Y %Z'");
	refused_at(HEAD "  - {name: a, type: text, pattern: \"(\"}\n", 3, 36,
	    "bad pattern");
	refused_at(HEAD "  - {name: a, type: text, case: upper}\n", 3, 33,
	    "'case' applies only to id and code");
	refused_at(HEAD "  - {name: a, type: id, case: title}\n", 3, 31,
	    "expected one of keep, upper, lower");
	refused_at(HEAD "  - {name: a, type: text, min: 1}\n", 3, 32,
	    "'min' and 'max' apply only to integer and decimal");
	refused_at(HEAD "  - {name: a, type: code, max: 1}\n", 3, 32,
	    "'min' and 'max' apply only");
	refused_at(HEAD "  - {name: a, type: integer, min: low}\n", 3, 35,
	    "expected a number");
	refused_at(HEAD "  - {name: a, type: integer, comparators: true}\n", 3,
	    43, "'comparators' applies only to decimal");
	refused_at(HEAD "  - {name: a, type: text, values: [[x]]}\n", 3, 36,
	    "expected a value");
	refused_at(HEAD "  - {name: a, type: text}\n  - {name: a, type: id}\n",
	    4, 5, "duplicate column name 'a'");
	refused_at(HEAD "  - {name: a, input: ID, type: text}\n"
	    "  - {name: b, input: id, type: id}\n", 4, 5,
	    "duplicate input column 'id'");
}
END_TEST

/*
 * Nested counts multiply in glibc's regcomp: a pattern whose expansion is
 * too big is refused before it is compiled (this one took 1.2 GB), while
 * every pattern a real schema uses, and ones up to the bound, load.
 */
START_TEST(a_pattern_too_complex_to_compile_is_refused)
{
	static const char *const fine[] = {
		"^[0-9]{6,10}$", "^[0-9]{1,7}-[0-9]$", "^[12][0-9]{2}(0[1-9]|1[0-2])"
		    "[0-9]{8}$", "[[:alpha:]]{2,}[]a-z{}]+", "(a{1,64}){1,64}",
		"a{4096}", "^(ab|cd)*(e?f+)$", "x{,3}",
		"(()a)0){1,9})",	/* glibc takes a lone ) as itself */
		NULL
	};
	static const char *const bad[] = {
		"(((a{1,100}){1,100}){1,100})", "(a{1,65}){1,64}", "a{4097}",
		"a{1,}{1,}{1,}{1,99999999999999999999}", "((a+)+){1,2048}",
		"((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))",
		NULL
	};
	char text[512];
	struct eds_error err;
	struct eds_schema *s;
	size_t i;

	for (i = 0; fine[i] != NULL; i++) {
		snprintf(text, sizeof text, HEAD "  - {name: a, type: text, "
		    "pattern: '%s'}\n", fine[i]);
		s = load(text, &err);
		ck_assert_msg(s != NULL, "'%s' refused: %s", fine[i], err.msg);
		eds_schema_free(s);
	}
	for (i = 0; bad[i] != NULL; i++) {
		snprintf(text, sizeof text, HEAD "  - {name: a, type: text, "
		    "pattern: '%s'}\n", bad[i]);
		refused_at(text, 3, 36, "pattern too complex");
	}
}
END_TEST

START_TEST(an_empty_or_missing_schema_file_is_refused)
{
	struct eds_error err;

	ck_assert_ptr_null(load("", &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "must be a mapping, not empty") != NULL,
	    "%s", err.msg);
	ck_assert_ptr_null(eds_schema_load(tu_path("none.yaml"), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
}
END_TEST

START_TEST(the_shipped_source_schemas_all_load)
{
	const char *top = getenv("top_srcdir");
	char dir[600], path[900];
	struct dirent *d;
	DIR *dh;
	int n = 0;

	if (top == NULL) {
		printf("SKIP: top_srcdir is not set (run through make check)\n");
		return;
	}
	snprintf(dir, sizeof dir, "%s/config/sources", top);
	dh = opendir(dir);
	ck_assert_msg(dh != NULL, "cannot open %s", dir);
	while ((d = readdir(dh)) != NULL) {
		struct eds_error err;
		struct eds_schema *s;

		if (strstr(d->d_name, ".yaml") == NULL)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		s = eds_schema_load(path, &err);
		ck_assert_msg(s != NULL, "%s:%lu:%lu: %s", err.file, err.line,
		    err.column, err.msg);
		eds_schema_free(s);
		n++;
	}
	closedir(dh);
	ck_assert_msg(n >= 8, "only %d schemas in %s", n, dir);
}
END_TEST

Suite *
schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *t = tcase_create("schema");

	tcase_add_test(t, every_key_is_read_and_defaults_apply);
	tcase_add_test(t, separators_types_and_roles_take_every_listed_word);
	tcase_add_test(t, top_level_mistakes_are_refused_where_they_are);
	tcase_add_test(t, column_mistakes_are_refused_where_they_are);
	tcase_add_test(t, a_pattern_too_complex_to_compile_is_refused);
	tcase_add_test(t, an_empty_or_missing_schema_file_is_refused);
	tcase_add_test(t, the_shipped_source_schemas_all_load);
	suite_add_tcase(s, t);
	return s;
}
