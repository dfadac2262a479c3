/*
 * check_policy.c: loading policies: every shipped policy loads, the keys
 * take their defaults, and every mistake is a 78 pointing at the line and
 * column of the offending node.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "policy.h"
#include "pseudonym.h"

#ifndef EDS_TOP_SRCDIR
#define EDS_TOP_SRCDIR "."
#endif

static struct eds_policy *
parse(const char *text, struct eds_error *err)
{
	eds_error_clear(err);
	return eds_policy_parse("p.yaml", text, strlen(text), err);
}

START_TEST(every_shipped_policy_loads)
{
	char dir[1024], path[1400];
	const char *top = getenv("top_srcdir");
	struct eds_policy *p;
	struct eds_error err;
	struct dirent *d;
	DIR *dh;
	int n = 0;

	snprintf(dir, sizeof dir, "%s/config/policies", top != NULL ? top :
	    EDS_TOP_SRCDIR);
	ck_assert_msg((dh = opendir(dir)) != NULL, "cannot open %s", dir);
	while ((d = readdir(dh)) != NULL) {
		if (strstr(d->d_name, ".yaml") == NULL)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		p = eds_policy_load(path, &err);
		ck_assert_msg(p != NULL, "%s: %s:%lu:%lu: %s", d->d_name,
		    err.file, err.line, err.column, err.msg);
		ck_assert_msg(p->unlisted == EDS_UNLISTED_ERROR,
		    "%s: shipped policies must refuse unlisted columns",
		    d->d_name);
		ck_assert_uint_eq(strlen(p->sha256), 64);
		eds_policy_free(p);
		n++;
	}
	closedir(dh);
	ck_assert_msg(n >= 8, "expected a policy per source, found %d", n);
}
END_TEST

START_TEST(defaults_apply_when_keys_are_absent)
{
	struct eds_error err;
	struct eds_policy *p = parse("columns:\n"
	    "  a: {action: pseudonymise, namespace: patient}\n"
	    "  b: keep\n  c: drop\n  d: uid\n  e: scrub\n", &err);
	const struct eds_policy_col *c;

	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_int_eq(p->shift_days, 365);
	ck_assert_int_eq(p->unlisted, EDS_UNLISTED_ERROR);
	ck_assert_ptr_null(p->patient_id);
	ck_assert_ptr_null(p->domain);
	c = eds_policy_find(p, "a");
	ck_assert_int_eq(c->length, 32);
	ck_assert_str_eq(c->prefix, "");
	ck_assert_int_eq(c->norm, 0);
	ck_assert_int_eq(eds_policy_find(p, "e")->dates, EDS_DATES_KEEP);
	ck_assert_ptr_null(eds_policy_find(p, "zz"));
	eds_policy_free(p);
	p = parse("patient_id: a\nshift_days: 30\nunlisted: drop\n"
	    "domain: PROJ-1\ncolumns:\n"
	    "  a: {action: pseudonymise, namespace: p, length: 16, prefix: P-,"
	    " normalise: [upper, strip-leading-zeros]}\n"
	    "  t: {action: generalise, to: age, at: s}\n"
	    "  s: {action: shift, type: datetime}\n"
	    "  v: {action: generalise, to: bins, bins: [1, 2.5], labels: [lo, mid, hi]}\n",
	    &err);
	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_int_eq(p->shift_days, 30);
	ck_assert_int_eq(p->unlisted, EDS_UNLISTED_DROP);
	ck_assert_str_eq(p->domain, "PROJ-1");
	ck_assert_int_eq(eds_policy_patient_norm(p), EDS_NORM_UPPER |
	    EDS_NORM_STRIP_ZEROS);
	ck_assert_int_eq(eds_policy_find(p, "t")->top, 90);
	ck_assert_int_eq(eds_policy_find(p, "s")->shift_type, 2);
	ck_assert_str_eq(eds_policy_find(p, "v")->bins.labels[1], "mid");
	eds_policy_free(p);
}
END_TEST

START_TEST(mistakes_are_reported_at_their_line_and_column)
{
	static const struct {
		const char *text;
		unsigned long line, col;
		const char *msg;
	} bad[] = {
		{ "colums: {}\n", 1, 1, "unknown key 'colums'" },
		{ "policy: x\n", 1, 1, "missing required key 'columns'" },
		{ "columns:\n  a: hide\n", 2, 6, "expected one of" },
		{ "columns:\n  a: {action: pseudonymise}\n", 2, 6,
		    "missing required key 'namespace'" },
		{ "columns:\n  a: pseudonymise\n", 2, 6, "needs settings" },
		{ "columns:\n  a: {action: pseudonymise, namespace: p, "
		    "length: 8}\n", 2, 51, "out of range" },
		{ "columns:\n  a: {action: pseudonymise, namespace: uid}\n",
		    2, 40, "reserved" },
		{ "columns:\n  a: {action: pseudonymise, namespace: p,\n"
		    "      normalise: [lower]}\n", 3, 19, "unknown normalise" },
		{ "columns:\n  a: {action: keep, namespace: p}\n", 2, 21,
		    "unknown key 'namespace'" },
		{ "columns:\n  a: {action: drop, rename: b}\n", 2, 29,
		    "cannot be renamed" },
		{ "columns:\n  a: {action: shift}\n", 2, 6, "patient_id" },
		{ "patient_id: z\ncolumns:\n  a: keep\n", 1, 13,
		    "does not list" },
		{ "columns:\n  a: {action: generalise, to: age, at: b}\n", 2,
		    40, "'at' names column 'b'" },
		{ "columns:\n  a: {action: generalise, to: decade}\n", 2, 31,
		    "expected one of" },
		{ "columns:\n  a: {action: generalise, to: bins, bins: [3, 2]}\n",
		    2, 47, "must increase" },
		{ "columns:\n  a: {action: generalise, to: bins, bins: [1],"
		    " labels: [x]}\n", 2, 56, "labels" },
		{ "columns:\n  a: {action: generalise, to: year, top: 80}\n",
		    2, 42, "'top' and 'at'" },
		{ "columns:\n  a: {action: scrub, identifying: {b: NOM}}\n", 2,
		    36, "identifying column 'b'" },
		{ "columns:\n  a: {action: scrub, identifying: {a: nom}}\n", 2,
		    39, "label 'nom'" },
		{ "columns:\n  a: {action: scrub, dates: blur}\n", 2, 29,
		    "expected one of" },
		{ "unlisted: ignore\ncolumns:\n  a: keep\n", 1, 11,
		    "expected one of" },
		{ "shift_days: 0\ncolumns:\n  a: keep\n", 1, 13, "out of range" },
		{ "domain: \"\"\ncolumns:\n  a: keep\n", 1, 9, "invalid domain" },
		{ "columns: [a, b]\n", 1, 10, "'columns' must map" },
		{ "columns:\n  a: {action: keep, rename: B}\n", 2, 29,
		    "new name 'B'" },
	};
	struct eds_policy *p;
	struct eds_error err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = parse(bad[i].text, &err);
		ck_assert_msg(p == NULL, "case %zu accepted", i);
		ck_assert_int_eq(err.status, EDS_EX_CONFIG);
		ck_assert_str_eq(err.file, "p.yaml");
		ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL,
		    "case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
		ck_assert_msg(err.line == bad[i].line &&
		    err.column == bad[i].col, "case %zu (%s): at %lu:%lu, "
		    "expected %lu:%lu", i, err.msg, err.line, err.column,
		    bad[i].line, bad[i].col);
	}
}
END_TEST

START_TEST(a_missing_policy_file_is_66)
{
	struct eds_error err;

	eds_error_clear(&err);
	ck_assert_ptr_null(eds_policy_load(tu_path("absent.yaml"), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
}
END_TEST

Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("policy");

	tcase_add_test(t, every_shipped_policy_loads);
	tcase_add_test(t, defaults_apply_when_keys_are_absent);
	tcase_add_test(t, mistakes_are_reported_at_their_line_and_column);
	tcase_add_test(t, a_missing_policy_file_is_66);
	suite_add_tcase(s, t);
	return s;
}
