/*
 * check_validate.c: normalisation of each column type, each reject reason
 * (never quoting the offending value), and the mapping of a header onto
 * the schema.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "validate.h"

/* A one-column schema from a YAML flow mapping. */
static struct eds_schema *
column(const char *spec)
{
	char text[512];
	const char *p = tu_path("v.yaml");
	struct eds_error err;
	struct eds_schema *s;

	snprintf(text, sizeof text, "source: t\ncolumns:\n  - %s\n", spec);
	tu_write_str(p, text);
	s = eds_schema_load(p, &err);
	ck_assert_msg(s != NULL, "%s: %s", spec, err.msg);
	return s;
}

/*
 * Normalise in under spec: want is the output, or "!reason" for a
 * refusal (whose detail must name the column and not quote in).
 */
static void
norm(const char *spec, const char *in, const char *want)
{
	struct eds_schema *s = column(spec);
	struct eds_arena a = EDS_ARENA_INIT;
	struct eds_field out;
	const char *reason = NULL;
	char detail[160] = "";
	int rc;

	rc = eds_normalise_value(&s->cols[0], in, strlen(in), &a, &out,
	    &reason, detail, sizeof detail);
	if (want[0] == '!') {
		ck_assert_msg(rc == -1, "%s: '%s' accepted as '%s'", spec, in,
		    rc == 0 ? out.s : "");
		ck_assert_msg(strcmp(reason, want + 1) == 0,
		    "%s: '%s' refused for %s, not %s", spec, in, reason,
		    want + 1);
		ck_assert_msg(strstr(detail, "'c'") != NULL, "detail '%s' does "
		    "not name the column", detail);
		ck_assert_msg(strlen(in) < 3 || strstr(detail, in) == NULL,
		    "detail '%s' quotes the value", detail);
	} else {
		ck_assert_msg(rc == 0, "%s: '%s' refused (%s: %s)", spec, in,
		    reason, detail);
		ck_assert_msg(out.len == strlen(want) &&
		    memcmp(out.s, want, out.len) == 0 && out.s[out.len] == '\0',
		    "%s: '%s' gave '%.*s', not '%s'", spec, in, (int)out.len,
		    out.s, want);
	}
	eds_arena_release(&a);
	eds_schema_free(s);
}

START_TEST(ids_and_codes_are_trimmed_and_case_folded_on_request)
{
	norm("{name: c, type: id}", "  0042 ", "0042");
	norm("{name: c, type: id}", "ab12", "ab12");
	norm("{name: c, type: id, case: upper}", " ab12\t", "AB12");
	norm("{name: c, type: code, case: lower}", "E11.9", "e11.9");
	norm("{name: c, type: code}", " E11.9 ", "E11.9");
	norm("{name: c, type: code, case: upper, values: [M, F]}", " f ", "F");
	norm("{name: c, type: code, values: [M, F]}", "X", "!not-allowed");
	norm("{name: c, type: code, pattern: \"^[A-Z][0-9]{2}\"}", "E11", "E11");
	norm("{name: c, type: code, pattern: \"^[A-Z][0-9]{2}$\"}", "E1x",
	    "!pattern-mismatch");
}
END_TEST

START_TEST(text_is_kept_as_is_unless_it_is_only_blanks)
{
	norm("{name: c, type: text}", "  spaced, \"quoted\"  ", "  spaced, "
	    "\"quoted\"  ");
	norm("{name: c, type: text}", " \t ", "");
	norm("{name: c, type: text, required: true}", " \t ",
	    "!missing-required");
}
END_TEST

START_TEST(required_values_must_not_be_empty)
{
	norm("{name: c, type: id, required: true}", "", "!missing-required");
	norm("{name: c, type: id, required: true}", "   ", "!missing-required");
	norm("{name: c, type: date, required: true}", "", "!missing-required");
	norm("{name: c, type: date}", "", "");
	norm("{name: c, type: nir}", "  ", "");
	norm("{name: c, type: code, values: [A]}", "", "");	/* empty: allowed */
}
END_TEST

START_TEST(nirs_are_checked_and_compacted)
{
	norm("{name: c, type: nir}", "2 55 08 14 168 025 38", "255081416802538");
	norm("{name: c, type: nir}", "253072b07300470", "253072B07300470");
	norm("{name: c, type: nir}", "255081416802539", "!bad-nir");
	norm("{name: c, type: nir}", "25508141680253", "!bad-nir");
}
END_TEST

START_TEST(dates_become_iso_8601_and_must_be_real)
{
	norm("{name: c, type: date, format: \"%d/%m/%Y\"}", "01/02/1980",
	    "1980-02-01");
	norm("{name: c, type: date, format: \"%d/%m/%Y\"}", "1980-02-01",
	    "1980-02-01");	/* ISO is always accepted */
	norm("{name: c, type: date, format: \"%d/%m/%Y\"}", "31/02/1980",
	    "!bad-date");
	norm("{name: c, type: date, format: \"%d/%m/%Y\"}", "1980-02-30",
	    "!bad-date");
	norm("{name: c, type: date}", "01/02/1980", "!bad-date");
	norm("{name: c, type: date, format: [\"%d/%m/%Y\", \"%Y%m%d\"]}",
	    "19800201", "1980-02-01");
	norm("{name: c, type: date}", "1980-02-01T10:00", "!bad-date");
	norm("{name: c, type: datetime, format: \"%d/%m/%Y %H:%M\"}",
	    "28/11/2026 07:05", "2026-11-28T07:05:00");
	norm("{name: c, type: datetime, format: \"%d/%m/%Y %H:%M\"}",
	    "28/11/2026 25:05", "!bad-datetime");
	norm("{name: c, type: datetime}", "2026-11-28", "2026-11-28T00:00:00");
	norm("{name: c, type: datetime}", "2026-11-28T23:30:00+02:00",
	    "2026-11-28T21:30:00Z");
	norm("{name: c, type: datetime}", "2026-01-01T00:30:00+01:00",
	    "2025-12-31T23:30:00Z");
	norm("{name: c, type: datetime}", "2026-11-28T23:30:00Z",
	    "2026-11-28T23:30:00Z");
	norm("{name: c, type: datetime}", "2026-11-28 23:30", "2026-11-28T23:30:00");
}
END_TEST

START_TEST(numbers_get_a_decimal_point_and_no_leading_zeros)
{
	norm("{name: c, type: decimal}", "72,5", "72.5");
	norm("{name: c, type: decimal}", "72.50", "72.50");
	norm("{name: c, type: decimal}", " 0072,5 ", "72.5");
	norm("{name: c, type: decimal}", ",5", "0.5");
	norm("{name: c, type: decimal}", "-0,0", "0.0");
	norm("{name: c, type: decimal}", "+3", "3");
	norm("{name: c, type: decimal}", "000", "0");
	norm("{name: c, type: decimal}", "5,", "!bad-decimal");
	norm("{name: c, type: decimal}", "1,2,3", "!bad-decimal");
	norm("{name: c, type: decimal}", "1e5", "!bad-decimal");
	norm("{name: c, type: decimal}", "1 000", "!bad-decimal");
	norm("{name: c, type: decimal}", "-", "!bad-decimal");
	norm("{name: c, type: decimal}", "<5", "!bad-decimal");
	norm("{name: c, type: decimal, comparators: true}", "<5", "<5");
	norm("{name: c, type: decimal, comparators: true}", ">= 3,2", ">=3.2");
	norm("{name: c, type: decimal, comparators: true}", "<=", "!bad-decimal");
	norm("{name: c, type: integer}", "007", "7");
	norm("{name: c, type: integer}", "-12", "-12");
	norm("{name: c, type: integer}", "-0", "0");
	norm("{name: c, type: integer}", "1,0", "!bad-integer");
	norm("{name: c, type: integer}", "12a", "!bad-integer");
	norm("{name: c, type: integer, min: 0, max: 120}", "120", "120");
	norm("{name: c, type: integer, min: 0, max: 120}", "121", "!out-of-range");
	norm("{name: c, type: integer, min: 0}", "-1", "!out-of-range");
	norm("{name: c, type: decimal, max: 1, comparators: true}", "<0,5",
	    "<0.5");
	norm("{name: c, type: decimal, max: 1, comparators: true}", ">1,5",
	    "!out-of-range");
	norm("{name: c, type: integer, values: [\"1\", \"2\"]}", "02", "2");
}
END_TEST

/* A record of n fields. */
static void
fill(struct eds_record *r, int n, ...)
{
	va_list ap;
	int i;

	eds_record_clear(r);
	r->file = "in.csv";
	r->line = 1;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		eds_record_push(r, s, strlen(s));
	}
	va_end(ap);
}

START_TEST(headers_map_by_input_or_canonical_name_in_any_order)
{
	struct eds_schema *s;
	struct eds_validator *v;
	struct eds_record r;
	struct eds_header h;
	struct eds_error err;
	const char *p = tu_path("h.yaml");

	tu_write_str(p, "source: t\ncolumns:\n"
	    "  - {name: ipp, input: IPP, type: id, required: true}\n"
	    "  - {name: birth_date, input: DATE_NAISSANCE, type: date,"
	    " format: \"%d/%m/%Y\"}\n"
	    "  - {name: weight, input: POIDS, type: decimal}\n");
	s = eds_schema_load(p, &err);
	ck_assert_ptr_nonnull(s);
	v = eds_validator_new(s);
	eds_validator_out_header(v, &h);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_str_eq(h.names[1], "birth_date");
	eds_header_release(&h);
	eds_record_init(&r);

	/* input names in another order, any case, padded; canonical too */
	fill(&r, 3, " poids ", "birth_date", "Ipp");
	ck_assert_msg(eds_validator_header(v, &r, &err) == 0, "%s", err.msg);
	fill(&r, 3, "72,5", "01/02/1980", " 42 ");
	ck_assert_int_eq(eds_validator_row(v, &r), 0);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(r.f[0].s, "42");
	ck_assert_str_eq(r.f[1].s, "1980-02-01");
	ck_assert_str_eq(r.f[2].s, "72.5");

	fill(&r, 2, "72,5", "01/02/1980");
	ck_assert_int_eq(eds_validator_row(v, &r), 1);
	ck_assert_str_eq(r.reason, "column-count");
	ck_assert_str_eq(r.detail, "expected 3 fields, found 2");
	fill(&r, 3, "72,5", "31/02/1980", "42");
	ck_assert_int_eq(eds_validator_row(v, &r), 1);
	ck_assert_str_eq(r.reason, "bad-date");
	ck_assert_str_eq(r.column, "birth_date");

	fill(&r, 4, "IPP", "DATE_NAISSANCE", "POIDS", "COMMENT");
	r.line = 7;
	ck_assert_int_eq(eds_validator_header(v, &r, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_str_eq(err.file, "in.csv");
	ck_assert_uint_eq(err.line, 7);
	ck_assert_msg(strstr(err.msg, "unknown column 'COMMENT'") != NULL,
	    "%s", err.msg);
	fill(&r, 2, "IPP", "POIDS");
	ck_assert_int_eq(eds_validator_header(v, &r, &err), -1);
	ck_assert_msg(strstr(err.msg, "missing column 'DATE_NAISSANCE'") !=
	    NULL, "%s", err.msg);
	fill(&r, 4, "IPP", "DATE_NAISSANCE", "POIDS", "ipp");
	ck_assert_int_eq(eds_validator_header(v, &r, &err), -1);
	ck_assert_msg(strstr(err.msg, "appears twice") != NULL, "%s", err.msg);

	/* without a header row, columns come in schema order */
	eds_validator_positional(v);
	fill(&r, 3, "7", "", "");
	ck_assert_int_eq(eds_validator_row(v, &r), 0);
	ck_assert_str_eq(r.f[0].s, "7");
	eds_record_release(&r);
	eds_validator_free(v);
	eds_schema_free(s);
}
END_TEST

START_TEST(extra_columns_can_be_dropped_when_the_schema_says_so)
{
	struct eds_schema *s;
	struct eds_validator *v;
	struct eds_record r;
	struct eds_error err;
	const char *p = tu_path("x.yaml");

	tu_write_str(p, "source: t\nextra_columns: drop\ncolumns:\n"
	    "  - {name: a, type: id}\n  - {name: b, type: integer}\n");
	s = eds_schema_load(p, &err);
	v = eds_validator_new(s);
	eds_record_init(&r);
	fill(&r, 3, "b", "unused", "a");
	ck_assert_msg(eds_validator_header(v, &r, &err) == 0, "%s", err.msg);
	fill(&r, 3, "5", "anything", "x");
	ck_assert_int_eq(eds_validator_row(v, &r), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.f[0].s, "x");
	ck_assert_str_eq(r.f[1].s, "5");
	eds_record_release(&r);
	eds_validator_free(v);
	eds_schema_free(s);
}
END_TEST

Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *t = tcase_create("validate");

	tcase_add_test(t, ids_and_codes_are_trimmed_and_case_folded_on_request);
	tcase_add_test(t, text_is_kept_as_is_unless_it_is_only_blanks);
	tcase_add_test(t, required_values_must_not_be_empty);
	tcase_add_test(t, nirs_are_checked_and_compacted);
	tcase_add_test(t, dates_become_iso_8601_and_must_be_real);
	tcase_add_test(t, numbers_get_a_decimal_point_and_no_leading_zeros);
	tcase_add_test(t, headers_map_by_input_or_canonical_name_in_any_order);
	tcase_add_test(t, extra_columns_can_be_dropped_when_the_schema_says_so);
	suite_add_tcase(s, t);
	return s;
}
