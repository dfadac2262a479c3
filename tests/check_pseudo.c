/*
 * check_pseudo.c: the pseudonymisation stage as eds-export will use it
 * (start on a header, process rows in place) and the whole-file run:
 * header mapping (order, drop, rename, unlisted columns, missing ones),
 * every action on real rows compared with the v1 functions, ages from true
 * dates, empty values, fatal data errors naming line and field, the
 * previous-value and cache paths, and no output committed on failure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "pipeline.h"
#include "pseudo.h"
#include "run.h"

#define POLICY \
	"patient_id: ipp\n" \
	"columns:\n" \
	"  ipp: {action: pseudonymise, namespace: patient}\n" \
	"  nom: drop\n" \
	"  naissance: {action: generalise, to: age, at: quand, top: 90,\n" \
	"              rename: age}\n" \
	"  quand: {action: shift}\n" \
	"  jour: {action: shift, type: date}\n" \
	"  cp: {action: generalise, to: departement}\n" \
	"  uid: uid\n" \
	"  val: {action: generalise, to: bins, bins: [10]}\n" \
	"  txt: {action: scrub, identifying: {nom: NOM}, dates: shift}\n"

#define HEADER "ipp,nom,naissance,quand,jour,cp,uid,val,txt"

struct fixture {
	struct eds_policy *pol;
	struct eds_domain *dom;
	struct eds_pseudo *ps;
	struct eds_pipeline pl;
	struct eds_record rec;
	struct eds_error err;
};

static void
split(struct eds_record *r, const char *csv)
{
	const char *p = csv, *c;

	eds_record_clear(r);
	for (;;) {
		c = strchr(p, ',');
		eds_record_push(r, p, c != NULL ? (size_t)(c - p) : strlen(p));
		if (c == NULL)
			break;
		p = c + 1;
	}
}

static int
setup(struct fixture *f, const char *policy, const char *header)
{
	struct eds_key key;
	struct eds_stage st;
	struct eds_header h;
	int rc;

	memset(f, 0, sizeof *f);
	memset(&key, 0x42, sizeof key);
	f->pol = eds_policy_parse("p.yaml", policy, strlen(policy), &f->err);
	ck_assert_msg(f->pol != NULL, "%s", f->err.msg);
	f->dom = eds_domain_new(&key, "TEST", &f->err);
	f->ps = eds_pseudo_new(f->pol, f->dom);
	eds_pseudo_stage(f->ps, &st);
	eds_pipeline_init(&f->pl);
	eds_pipeline_add(&f->pl, &st);
	eds_record_init(&f->rec);
	f->rec.file = "in.csv";
	split(&f->rec, header);
	eds_header_init(&h);
	for (size_t i = 0; i < f->rec.n; i++)
		eds_header_add(&h, f->rec.f[i].s);
	eds_error_clear(&f->err);
	rc = eds_pipeline_start(&f->pl, &h, &f->err);
	eds_header_release(&h);
	return rc;
}

static void
teardown(struct fixture *f)
{
	eds_record_release(&f->rec);
	eds_pipeline_release(&f->pl);
	eds_pseudo_free(f->ps);
	eds_domain_free(f->dom);
	eds_policy_free(f->pol);
}

/* Push one row; the output joined by commas into out. */
static int
row(struct fixture *f, unsigned long line, const char *csv, char *out,
    size_t len)
{
	size_t i, k = 0;
	int v;

	split(&f->rec, csv);
	f->rec.line = line;
	f->rec.index = line - 1;
	eds_error_clear(&f->err);
	v = eds_pipeline_push(&f->pl, &f->rec, NULL, &f->err);
	out[0] = '\0';
	for (i = 0; v == EDS_PASS && i < f->rec.n; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%.*s", i ? "," : "",
		    (int)f->rec.f[i].len, f->rec.f[i].s);
	return v;
}

START_TEST(header_keeps_order_drops_and_renames)
{
	struct fixture f;
	const struct eds_header *h;
	char joined[256] = "";
	size_t i;

	ck_assert_msg(setup(&f, POLICY, HEADER) == 0, "%s", f.err.msg);
	h = eds_pipeline_header(&f.pl);
	for (i = 0; i < h->n; i++) {
		strcat(joined, i ? "," : "");
		strcat(joined, h->names[i]);
	}
	ck_assert_str_eq(joined, "ipp,age,quand,jour,cp,uid,val,txt");
	teardown(&f);
}
END_TEST

START_TEST(unlisted_and_missing_columns_are_config_errors)
{
	struct fixture f;
	char out[512];

	ck_assert_int_eq(setup(&f, POLICY, HEADER ",extra"), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(f.err.msg, "'extra'") != NULL, "%s", f.err.msg);
	teardown(&f);

	ck_assert_int_eq(setup(&f, POLICY, "ipp,nom,naissance,quand,jour,cp,"
	    "uid,val"), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(f.err.msg, "'txt'") != NULL, "%s", f.err.msg);
	ck_assert_str_eq(f.err.file, "p.yaml");
	ck_assert_uint_eq(f.err.line, 12);	/* where the policy names txt */
	teardown(&f);

	ck_assert_int_eq(setup(&f, "unlisted: drop\ncolumns:\n  a: keep\n",
	    "a,b,c"), 0);
	ck_assert_int_eq(row(&f, 2, "1,2,3", out, sizeof out), EDS_PASS);
	ck_assert_str_eq(out, "1");
	teardown(&f);
	ck_assert_int_eq(setup(&f, "unlisted: keep\ncolumns:\n  a: drop\n",
	    "a,b,c"), 0);
	ck_assert_int_eq(row(&f, 2, "1,2,3", out, sizeof out), EDS_PASS);
	ck_assert_str_eq(out, "2,3");
	teardown(&f);
	ck_assert_int_eq(setup(&f, "columns:\n  a: keep\n", "a,a"), -1);
	ck_assert_int_eq(f.err.status, EDS_EX_DATAERR);
	teardown(&f);
}
END_TEST

START_TEST(every_action_transforms_a_row_as_the_v1_functions_say)
{
	struct fixture f;
	char out[512], want[512], p[80], u[EDS_UID_MAX], d1[16], d2[32];
	int off;
	struct eds_tm t;

	ck_assert_int_eq(setup(&f, POLICY, HEADER), 0);
	ck_assert_int_eq(row(&f, 2, " 123456,Dupont,1950-03-12,"
	    "2024-03-12T10:30:00+01:00,2024-01-31,20200,1.2.3.4,9.5,"
	    "Mme DUPONT vue le 12/03/2024", out, sizeof out), EDS_PASS);
	eds_pseudonym(f.dom, "patient", 0, 32, "", "123456", 6, p);
	eds_dicom_uid(f.dom, "1.2.3.4", 7, u);
	off = eds_date_offset(f.dom, 0, "123456", 6, 365);
	eds_date_parse_iso("2024-03-12", 10, &t);
	eds_tm_add_days(&t, off);
	eds_date_format(&t, d2);
	eds_date_parse_iso("2024-01-31", 10, &t);
	eds_tm_add_days(&t, off);
	eds_date_format(&t, d1);
	/* Age 74 from the true dates; the text's date moves like the column. */
	snprintf(want, sizeof want, "%s,74,%sT10:30:00+01:00,%s,2B,%s,<10,"
	    "Mme [NOM] vue le %.2s/%.2s/%.4s", p, d2, d1, u, d2 + 8, d2 + 5,
	    d2);
	ck_assert_str_eq(out, want);
	teardown(&f);
}
END_TEST

START_TEST(empty_values_stay_empty)
{
	struct fixture f;
	char out[512];

	ck_assert_int_eq(setup(&f, POLICY, HEADER), 0);
	ck_assert_int_eq(row(&f, 2, ",,,,,,,,", out, sizeof out), EDS_PASS);
	ck_assert_str_eq(out, ",,,,,,,");
	/* A birth date without an event date gives no age. */
	ck_assert_int_eq(row(&f, 3, "1,,1950-01-01,,,,,,", out, sizeof out),
	    EDS_PASS);
	ck_assert_msg(strstr(out, ",,,,,,,") != NULL, "%s", out);
	teardown(&f);
}
END_TEST

START_TEST(values_the_policy_cannot_transform_stop_the_run_with_their_place)
{
	static const struct { const char *row; unsigned long field;
	    const char *msg; } bad[] = {
		{ "1,,,12/03/2024,,,,,", 4, "column 'quand': not an ISO 8601" },
		{ "1,,,,2024-01-01T10:00:00,,,,", 5, "column 'jour': not an ISO "
		    "8601 date (YYYY-MM-DD)" },
		{ ",,,2024-01-01,,,,,", 4, "no patient id" },
		{ "1,,,,,7501,,,", 6, "five-digit French postcode" },
		{ "1,,,,,,,<5,", 8, "not a number" },
		{ "1,,2030-01-01,2024-01-01,,,,,", 3, "before the birth date" },
		{ "1,,1950-01-01,2024-13-01,,,,,", 4, "column 'quand'" },
	};
	struct fixture f;
	char out[512];
	size_t i;

	ck_assert_int_eq(setup(&f, POLICY, HEADER), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(row(&f, 7, bad[i].row, out, sizeof out) == -1,
		    "case %zu passed", i);
		ck_assert_int_eq(f.err.status, EDS_EX_DATAERR);
		ck_assert_str_eq(f.err.file, "in.csv");
		ck_assert_uint_eq(f.err.line, 7);
		ck_assert_msg(f.err.column == bad[i].field, "case %zu: field "
		    "%lu, want %lu", i, f.err.column, bad[i].field);
		ck_assert_msg(strstr(f.err.msg, bad[i].msg) != NULL,
		    "case %zu: '%s' lacks '%s'", i, f.err.msg, bad[i].msg);
	}
	ck_assert_int_eq(row(&f, 8, "1,2,3", out, sizeof out), -1);
	ck_assert_msg(strstr(f.err.msg, "3 fields, the header has 9") != NULL,
	    "%s", f.err.msg);
	teardown(&f);
}
END_TEST

START_TEST(repeated_and_cached_values_give_the_same_pseudonyms)
{
	struct fixture f;
	struct eds_run run;
	char out[512], first[512], id[16];
	int i;

	ck_assert_int_eq(setup(&f, "columns:\n  a: {action: pseudonymise, "
	    "namespace: n}\n  b: {action: pseudonymise, namespace: n, "
	    "normalise: [strip-leading-zeros]}\n", "a,b"), 0);
	row(&f, 2, "42,0042", first, sizeof first);
	ck_assert_msg(strncmp(first, first + 33, 32) == 0,
	    "normalised equal values differ: %s", first);
	row(&f, 3, "42,0042", out, sizeof out);	/* previous row */
	ck_assert_str_eq(out, first);
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "%d,%d", i, i);
		row(&f, 4 + (unsigned long)i, id, out, sizeof out);
	}
	row(&f, 200, "42,42", out, sizeof out);	/* from the cache */
	ck_assert_str_eq(out, first);
	eds_run_init(&run, "t", "t");
	eds_pseudo_account(f.ps, &run);
	ck_assert_uint_eq(eds_run_get(&run, "values.pseudonymised"), 206);
	/* 100 distinct values per column (each column has its own cache). */
	ck_assert_msg(eds_run_get(&run, "hmac.computed") == 200,
	    "%llu HMACs for 2 x 100 distinct values",
	    (unsigned long long)eds_run_get(&run, "hmac.computed"));
	eds_run_release(&run);
	teardown(&f);
}
END_TEST

START_TEST(a_failed_file_run_commits_no_output)
{
	struct eds_pseudo_options o;
	struct eds_policy *pol;
	struct eds_domain *dom;
	struct eds_key key;
	struct eds_error err;
	struct eds_run run;
	const char *in = tu_path("bad.csv"), *out = tu_path("bad.out.csv");
	char *text;

	memset(&key, 7, sizeof key);
	tu_write_str(in, HEADER "\n1,a,,2024-01-01,,,,,\n1,a,,bad,,,,,\n");
	pol = eds_policy_parse("p.yaml", POLICY, strlen(POLICY), &err);
	dom = eds_domain_new(&key, "X", &err);
	memset(&o, 0, sizeof o);
	o.policy = pol;
	o.domain = dom;
	o.output = out;
	eds_run_init(&run, "eds-pseudo", "pseudonymise");
	eds_error_clear(&err);
	ck_assert_int_eq(eds_pseudo_file(&o, in, &run, &err), -1);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_uint_eq(err.column, 4);
	ck_assert_int_eq(access(out, F_OK), -1);
	eds_run_release(&run);

	tu_write_str(in, HEADER "\n1,a,,2024-01-01,,,,,\n");
	eds_run_init(&run, "eds-pseudo", "pseudonymise");
	ck_assert_msg(eds_pseudo_file(&o, in, &run, &err) == 0, "%s", err.msg);
	text = tu_read(out, NULL);
	ck_assert_msg(strncmp(text, "ipp,age,quand,", 14) == 0, "%s", text);
	ck_assert_uint_eq(eds_run_get(&run, "rows_in"), 1);
	ck_assert_uint_eq(eds_run_get(&run, "rows_out"), 1);
	ck_assert_str_eq(run.config_sha256, pol->sha256);
	free(text);
	eds_run_release(&run);

	tu_write_str(in, "");
	eds_run_init(&run, "eds-pseudo", "pseudonymise");
	ck_assert_int_eq(eds_pseudo_file(&o, in, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "empty") != NULL, "%s", err.msg);
	eds_run_release(&run);
	eds_domain_free(dom);
	eds_policy_free(pol);
}
END_TEST

Suite *
pseudo_suite(void)
{
	Suite *s = suite_create("pseudo");
	TCase *t = tcase_create("pseudo");

	tcase_add_test(t, header_keeps_order_drops_and_renames);
	tcase_add_test(t, unlisted_and_missing_columns_are_config_errors);
	tcase_add_test(t, every_action_transforms_a_row_as_the_v1_functions_say);
	tcase_add_test(t, empty_values_stay_empty);
	tcase_add_test(t, values_the_policy_cannot_transform_stop_the_run_with_their_place);
	tcase_add_test(t, repeated_and_cached_values_give_the_same_pseudonyms);
	tcase_add_test(t, a_failed_file_run_commits_no_output);
	suite_add_tcase(s, t);
	return s;
}
