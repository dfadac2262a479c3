/*
 * check_project.c: project specifications (eds-project(5)) load every
 * key, fill the documented defaults, resolve relative paths against the
 * specification's directory, expand input globs in sorted order, and
 * refuse every mistake with 78 (66 for inputs matching nothing) at the
 * file, line and column of the offending node.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_util.h"
#include "project.h"

/* A minimal valid specification; the tests append to it or replace lines. */
#define HEAD \
	"project: P-1\n" \
	"title: T\n" \
	"organization: O\n" \
	"approval: {body: CSE, reference: R-1, date: 2026-01-02}\n" \
	"consent: {require: [secondary], regime: opt-in}\n"
#define DS \
	"datasets:\n" \
	"  - name: lab\n" \
	"    schema: s.yaml\n" \
	"    policy: p.yaml\n" \
	"    inputs: [in/lab.csv]\n"

static void
make_inputs(const char *dir)
{
	char p[600];

	snprintf(p, sizeof p, "%s/in", dir);
	mkdir(p, 0777);
	snprintf(p, sizeof p, "%s/in/lab.csv", dir);
	tu_write_str(p, "x\n");
}

static struct eds_project *
load_text(const char *name, const char *text, struct eds_error *err)
{
	const char *path = tu_path(name);

	make_inputs(tu_tmpdir());
	tu_write_str(path, text);
	eds_error_clear(err);
	return eds_project_load(path, err);
}

START_TEST(project_loads_every_key)
{
	struct eds_project *p;
	struct eds_error err;
	const struct eds_dataset_spec *d;
	char want[600];

	p = load_text("full.yaml",
	    "project: PROJ-2026-014\n"
	    "title: Kidney function\n"
	    "organization: CHU de Test\n"
	    "approval:\n"
	    "  body: CSE\n"
	    "  reference: CSE-2026-118\n"
	    "  date: 2026-09-15\n"
	    "purpose: Describe things\n"
	    "requester: Dr A. Chercheur\n"
	    "domain: other-domain\n"
	    "consent:\n"
	    "  require: [primary, secondary, \"study:PROJ-2026-014\"]\n"
	    "  regime: opt-out\n"
	    "  at: 2026-11-28T10:00:00Z\n"
	    "  id_column: patient\n"
	    "  registry: reg\n"
	    "period:\n"
	    "  from: 2020-01-01\n"
	    "  to: 2026-11-28\n"
	    "datasets:\n"
	    "  - name: lab\n"
	    "    schema: s.yaml\n"
	    "    policy: /abs/p.yaml\n"
	    "    inputs: [in/lab.csv]\n"
	    "    date_column: sample_time\n"
	    "    columns: [ipp, loinc]\n"
	    "    kanonymity:\n"
	    "      quasi_identifiers: [sex, birth_year]\n"
	    "      k: 11\n"
	    "      action: suppress\n"
	    "output:\n"
	    "  gzip: true\n"
	    "  max_reject_rate: 0.25\n", &err);
	ck_assert_msg(p != NULL, "%s:%lu: %s", err.file, err.line, err.msg);
	ck_assert_str_eq(p->id, "PROJ-2026-014");
	ck_assert_str_eq(p->title, "Kidney function");
	ck_assert_str_eq(p->organization, "CHU de Test");
	ck_assert_str_eq(p->approval_body, "CSE");
	ck_assert_str_eq(p->approval_reference, "CSE-2026-118");
	ck_assert_str_eq(p->approval_date, "2026-09-15");
	ck_assert_str_eq(p->purpose, "Describe things");
	ck_assert_str_eq(p->requester, "Dr A. Chercheur");
	ck_assert_str_eq(p->domain, "other-domain");
	ck_assert_uint_eq(p->nrequire, 3);
	ck_assert_str_eq(p->require[0], "primary");
	ck_assert_str_eq(p->require[1], "secondary");
	ck_assert_str_eq(p->require[2], "study:PROJ-2026-014");
	ck_assert_int_eq(p->opt_out, 1);
	ck_assert_str_eq(p->consent_at, "2026-11-28T10:00:00Z");
	ck_assert_str_eq(p->id_column, "patient");
	snprintf(want, sizeof want, "%s/reg", tu_tmpdir());
	ck_assert_str_eq(p->registry, want);
	ck_assert_str_eq(p->period_from, "2020-01-01");
	ck_assert_str_eq(p->period_to, "2026-11-28");
	ck_assert_int_eq(p->gzip, 1);
	ck_assert_msg(p->max_reject_rate == 0.25, "max_reject_rate");
	ck_assert_uint_eq(p->ndatasets, 1);
	d = &p->datasets[0];
	ck_assert_str_eq(d->name, "lab");
	snprintf(want, sizeof want, "%s/s.yaml", tu_tmpdir());
	ck_assert_str_eq(d->schema, want);
	ck_assert_str_eq(d->policy, "/abs/p.yaml");
	ck_assert_uint_eq(d->ninputs, 1);
	snprintf(want, sizeof want, "%s/in/lab.csv", tu_tmpdir());
	ck_assert_str_eq(d->inputs[0], want);
	ck_assert_str_eq(d->date_column, "sample_time");
	ck_assert_uint_eq(d->ncolumns, 2);
	ck_assert_str_eq(d->columns[0], "ipp");
	ck_assert_str_eq(d->columns[1], "loinc");
	ck_assert_uint_eq(d->nquasi, 2);
	ck_assert_str_eq(d->quasi[0], "sex");
	ck_assert_str_eq(d->quasi[1], "birth_year");
	ck_assert_int_eq(d->k, 11);
	ck_assert_int_eq(d->kanon_action, EDS_KANON_SUPPRESS);
	ck_assert_uint_eq(strlen(p->sha256), 64);
	eds_project_free(p);
}
END_TEST

START_TEST(project_fills_the_documented_defaults)
{
	struct eds_project *p;
	struct eds_error err;
	const struct eds_dataset_spec *d;

	p = load_text("min.yaml", HEAD DS
	    "  - name: pat\n"
	    "    schema: s.yaml\n"
	    "    policy: p.yaml\n"
	    "    inputs: in/lab.csv\n"
	    "    kanonymity: {quasi_identifiers: sex}\n", &err);
	ck_assert_msg(p != NULL, "%s:%lu: %s", err.file, err.line, err.msg);
	ck_assert_msg(strcmp(p->domain, "P-1") == 0,
	    "the pseudonym domain defaults to the project id");
	ck_assert_ptr_null(p->purpose);
	ck_assert_ptr_null(p->requester);
	ck_assert_int_eq(p->opt_out, 0);
	ck_assert_msg(p->consent_at == NULL, "as-of defaults to the run time");
	ck_assert_ptr_null(p->id_column);
	ck_assert_ptr_null(p->registry);
	ck_assert_ptr_null(p->period_from);
	ck_assert_ptr_null(p->period_to);
	ck_assert_int_eq(p->gzip, 0);
	ck_assert_msg(p->max_reject_rate > 0 && p->max_reject_rate < 1,
	    "the ingest default reject rate applies");
	ck_assert_uint_eq(p->ndatasets, 2);
	d = &p->datasets[0];
	ck_assert_ptr_null(d->date_column);
	ck_assert_msg(d->columns == NULL && d->ncolumns == 0,
	    "no columns: every column of the pseudonymised data");
	ck_assert_int_eq(d->k, 0);
	d = &p->datasets[1];
	ck_assert_msg(d->ninputs == 1, "a lone input is a list of one");
	ck_assert_uint_eq(d->nquasi, 1);
	ck_assert_msg(d->k == 5 && d->kanon_action == EDS_KANON_REFUSE,
	    "k-anonymity defaults to k 5, action refuse");
	eds_project_free(p);
}
END_TEST

START_TEST(project_resolves_paths_against_its_directory)
{
	struct eds_project *p;
	struct eds_error err;
	char dir[600], path[700], want[700];

	snprintf(dir, sizeof dir, "%s/projects", tu_tmpdir());
	mkdir(dir, 0777);
	make_inputs(tu_tmpdir());
	snprintf(path, sizeof path, "%s/p.yaml", dir);
	tu_write_str(path, HEAD
	    "datasets:\n"
	    "  - name: lab\n"
	    "    schema: ../s.yaml\n"
	    "    policy: pol/p.yaml\n"
	    "    inputs: [../in/lab.csv]\n");
	p = eds_project_load(path, &err);
	ck_assert_msg(p != NULL, "%s:%lu: %s", err.file, err.line, err.msg);
	snprintf(want, sizeof want, "%s/../s.yaml", dir);
	ck_assert_str_eq(p->datasets[0].schema, want);
	snprintf(want, sizeof want, "%s/pol/p.yaml", dir);
	ck_assert_str_eq(p->datasets[0].policy, want);
	snprintf(want, sizeof want, "%s/../in/lab.csv", dir);
	ck_assert_str_eq(p->datasets[0].inputs[0], want);
	eds_project_free(p);
}
END_TEST

START_TEST(project_expands_globs_in_sorted_order)
{
	struct eds_project *p;
	struct eds_error err;
	const char *names[] = { "lab-10.csv", "lab-02.csv.gz", "lab-1.csv",
	    "other.csv" };
	const char *sorted[] = { "lab-02.csv.gz", "lab-1.csv", "lab-10.csv" };
	char path[600];
	size_t i;

	make_inputs(tu_tmpdir());
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/in/%s", tu_tmpdir(), names[i]);
		tu_write_str(path, "x\n");
	}
	p = load_text("glob.yaml", HEAD
	    "datasets:\n"
	    "  - name: lab\n"
	    "    schema: s.yaml\n"
	    "    policy: p.yaml\n"
	    "    inputs: [\"in/lab-*.csv*\", in/other.csv, in/lab.csv]\n",
	    &err);
	ck_assert_msg(p != NULL, "%s:%lu: %s", err.file, err.line, err.msg);
	ck_assert_uint_eq(p->datasets[0].ninputs, 5);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/in/%s", tu_tmpdir(), sorted[i]);
		ck_assert_str_eq(p->datasets[0].inputs[i], path);
	}
	snprintf(path, sizeof path, "%s/in/other.csv", tu_tmpdir());
	ck_assert_msg(strcmp(p->datasets[0].inputs[3], path) == 0,
	    "patterns keep the order they are listed in");
	eds_project_free(p);
}
END_TEST

START_TEST(project_input_matching_nothing_is_66_at_its_position)
{
	struct eds_project *p;
	struct eds_error err;

	p = load_text("nomatch.yaml", HEAD
	    "datasets:\n"
	    "  - name: lab\n"
	    "    schema: s.yaml\n"
	    "    policy: p.yaml\n"
	    "    inputs:\n"
	    "      - in/lab.csv\n"
	    "      - in/nothing-*.csv\n", &err);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_msg(strstr(err.file, "nomatch.yaml") != NULL, "%s", err.file);
	ck_assert_uint_eq(err.line, 12);
	ck_assert_uint_eq(err.column, 9);
	ck_assert_msg(strstr(err.msg, "nothing-*.csv") != NULL, "%s", err.msg);

	p = load_text("missing.yaml", HEAD
	    "datasets:\n"
	    "  - name: lab\n"
	    "    schema: s.yaml\n"
	    "    policy: p.yaml\n"
	    "    inputs: [in/absent.csv]\n", &err);
	ck_assert_ptr_null(p);
	ck_assert_msg(err.status == EDS_EX_NOINPUT && err.line == 10 &&
	    err.column == 14, "a plain name that does not exist is 66 too "
	    "(%d at %lu:%lu)", err.status, err.line, err.column);
}
END_TEST

START_TEST(project_missing_or_empty_file)
{
	struct eds_error err;

	ck_assert_ptr_null(eds_project_load(tu_path("absent.yaml"), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_ptr_null(load_text("empty.yaml", "", &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_ptr_null(load_text("list.yaml", "- a\n- b\n", &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_ptr_null(load_text("bad.yaml", HEAD "title: [\n", &err));
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(err.line >= 6, "a YAML syntax error has its line");
}
END_TEST

/*
 * Each mistake: the text replacing part of a valid specification, and
 * where the error must point.
 */
struct bad {
	const char *text;
	unsigned long line, column;
	const char *msg;
};

static const struct bad bad_specs[] = {
	{ HEAD DS "colour: blue\n", 11, 1, "colour" },
	{ "title: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondary], regime: opt-in}\n" DS, 1, 1,
	  "project" },
	{ "project: ''\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondary], regime: opt-in}\n" DS, 1, 10,
	  "project" },
	{ "project: a/b\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondary], regime: opt-in}\n" DS, 1, 10,
	  "a/b" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-02-30}\n"
	  "consent: {require: [secondary], regime: opt-in}\n" DS, 4, 45,
	  "date" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, date: 2026-02-03}\n"
	  "consent: {require: [secondary], regime: opt-in}\n" DS, 4, 11,
	  "reference" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02, by: me}\n"
	  "consent: {require: [secondary], regime: opt-in}\n" DS, 4, 57,
	  "by" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [], regime: opt-in}\n" DS, 5, 20, "require" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondary], regime: opt-maybe}\n" DS, 5, 41,
	  "opt-maybe" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondary], regime: opt-in, at: soon}\n" DS,
	  5, 53, "at" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondary], regime: opt-in, scope: x}\n" DS,
	  5, 49, "scope" },
	{ HEAD "period: {from: 2026-01-01, to: 2025-01-01}\n" DS, 6, 9,
	  "period" },
	{ HEAD "period: {from: 2026-13-01}\n" DS, 6, 16, "from" },
	{ HEAD "period: {since: 2026-01-01}\n" DS, 6, 10, "since" },
	{ HEAD "datasets: []\n", 6, 11, "datasets" },
	{ HEAD "datasets: {name: lab}\n", 6, 11, "datasets" },
	{ HEAD, 1, 1, "datasets" },
	{ HEAD "datasets:\n  - schema: s.yaml\n    policy: p.yaml\n"
	  "    inputs: [in/lab.csv]\n", 7, 5, "name" },
	{ HEAD "datasets:\n  - name: ../lab\n    schema: s.yaml\n"
	  "    policy: p.yaml\n    inputs: [in/lab.csv]\n", 7, 11, "../lab" },
	{ HEAD DS "  - name: lab\n    schema: s.yaml\n    policy: p.yaml\n"
	  "    inputs: [in/lab.csv]\n", 11, 5, "duplicate" },
	{ HEAD "datasets:\n  - name: dictionary\n    schema: s.yaml\n"
	  "    policy: p.yaml\n    inputs: [in/lab.csv]\n", 7, 5,
	  "reserved" },
	{ HEAD "datasets:\n  - name: lab\n    policy: p.yaml\n"
	  "    inputs: [in/lab.csv]\n", 7, 5, "schema" },
	{ HEAD "datasets:\n  - name: lab\n    schema: s.yaml\n"
	  "    inputs: [in/lab.csv]\n", 7, 5, "policy" },
	{ HEAD "datasets:\n  - name: lab\n    schema: s.yaml\n"
	  "    policy: p.yaml\n", 7, 5, "inputs" },
	{ HEAD "datasets:\n  - name: lab\n    schema: s.yaml\n"
	  "    policy: p.yaml\n    inputs: []\n", 10, 13, "inputs" },
	{ HEAD DS "    columns: []\n", 11, 14, "columns" },
	{ HEAD DS "    colums: [a]\n", 11, 5, "colums" },
	{ HEAD DS "    kanonymity: {k: 5}\n", 11, 17, "quasi_identifiers" },
	{ HEAD DS "    kanonymity: {quasi_identifiers: [], k: 5}\n", 11, 37,
	  "quasi_identifiers" },
	{ HEAD DS "    kanonymity: {quasi_identifiers: [sex], k: 1}\n", 11,
	  47, "out of range" },
	{ HEAD DS "    kanonymity: {quasi_identifiers: [sex], k: many}\n",
	  11, 47, "many" },
	{ HEAD DS "    kanonymity: {quasi_identifiers: [sex], action: drop}\n",
	  11, 52, "drop" },
	{ HEAD DS "output: {gzip: perhaps}\n", 11, 16, "perhaps" },
	{ HEAD DS "output: {max_reject_rate: 2}\n", 11, 27,
	  "max_reject_rate" },
	{ HEAD DS "output: {zip: true}\n", 11, 10, "zip" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [secondry], regime: opt-out}\n" DS, 5, 21,
	  "'secondry' is not a consent scope" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: [primary, primary], regime: opt-out}\n" DS, 5,
	  30, "twice" },
	{ "project: P\ntitle: T\norganization: O\n"
	  "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	  "consent: {require: 'primary,secondry', regime: opt-out}\n" DS, 5,
	  20, "'secondry'" },
	{ HEAD "datasets:\n  - name: lab\n    schema: s.yaml\n"
	  "    policy: p.yaml\n    inputs: [in/lab.csv, in/*.csv]\n", 10, 26,
	  "already an input" },
};

START_TEST(project_splits_comma_separated_scopes_and_takes_at_now)
{
	struct eds_project *p;
	struct eds_error err;

	p = load_text("scopes.yaml", "project: P\ntitle: T\norganization: O\n"
	    "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	    "consent: {require: ['primary, secondary', 'study:P-1'], "
	    "regime: opt-out, at: now}\n" DS, &err);
	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_uint_eq(p->nrequire, 3);
	ck_assert_str_eq(p->require[0], "primary");
	ck_assert_str_eq(p->require[1], "secondary");
	ck_assert_str_eq(p->require[2], "study:P-1");
	ck_assert_msg(p->consent_at == NULL, "at: now means the run's time");
	eds_project_free(p);
}
END_TEST

START_TEST(project_error_names_file_line_and_column)
{
	const struct bad *b = &bad_specs[_i];
	struct eds_project *p;
	struct eds_error err;
	char name[32];

	snprintf(name, sizeof name, "bad-%02d.yaml", _i);
	p = load_text(name, b->text, &err);
	ck_assert_msg(p == NULL, "case %d is refused", _i);
	ck_assert_msg(err.status == EDS_EX_CONFIG, "case %d: status %d (%s)",
	    _i, err.status, err.msg);
	ck_assert_msg(strstr(err.file, name) != NULL, "case %d names the "
	    "file, not '%s'", _i, err.file);
	ck_assert_msg(err.line == b->line && err.column == b->column,
	    "case %d: at %lu:%lu, expected %lu:%lu (%s)", _i, err.line,
	    err.column, b->line, b->column, err.msg);
	ck_assert_msg(strstr(err.msg, b->msg) != NULL,
	    "case %d: message '%s' does not mention '%s'", _i, err.msg,
	    b->msg);
}
END_TEST

Suite *
project_suite(void)
{
	Suite *s = suite_create("project");
	TCase *t = tcase_create("project");

	tcase_add_test(t, project_loads_every_key);
	tcase_add_test(t, project_fills_the_documented_defaults);
	tcase_add_test(t, project_resolves_paths_against_its_directory);
	tcase_add_test(t, project_expands_globs_in_sorted_order);
	tcase_add_test(t, project_input_matching_nothing_is_66_at_its_position);
	tcase_add_test(t, project_missing_or_empty_file);
	tcase_add_test(t, project_splits_comma_separated_scopes_and_takes_at_now);
	tcase_add_loop_test(t, project_error_names_file_line_and_column, 0,
	    (int)(sizeof bad_specs / sizeof bad_specs[0]));
	suite_add_tcase(s, t);
	return s;
}
