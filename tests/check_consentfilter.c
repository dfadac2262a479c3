/*
 * check_consentfilter.c: the consent filter stage as eds-export will run
 * it: rules from the command line and from YAML settings, the stage in a
 * pipeline (header, identifier column, drop reasons, both regimes with one
 * and several scopes, a scope the registry never saw, empty and blank
 * identifiers, the previous-row memo), and the run that writes the kept
 * and excluded rows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "consentfilter.h"
#include "pipeline.h"

/*
 * The registry of these tests, as of 2026-01-01:
 *   A  primary granted, secondary granted            -> both allowed
 *   B  primary granted, secondary refused            -> secondary denied
 *   C  primary granted, secondary granted then withdrawn in 2025
 *   D  primary granted, secondary granted until 2025-06-01 (expired)
 *   E  secondary withdrawn only                       -> primary no record
 *   F  study:S1 granted only
 *   (Z has no event)
 */
static const char events[] =
    "patient_id,scope,decision,recorded_at,source,expires_at\n"
    "A,primary,granted,2024-01-01,dpi,\n"
    "A,secondary,granted,2024-01-01,dpi,\n"
    "B,primary,granted,2024-01-01,dpi,\n"
    "B,secondary,refused,2024-01-01,portal,\n"
    "C,primary,granted,2024-01-01,dpi,\n"
    "C,secondary,granted,2024-01-01,dpi,\n"
    "C,secondary,withdrawn,2025-03-01T08:00:00Z,portal,\n"
    "D,primary,granted,2024-01-01,dpi,\n"
    "D,secondary,granted,2024-01-01,dpi,2025-06-01\n"
    "E,secondary,withdrawn,2024-01-01,portal,\n"
    "F,study:S1,granted,2024-01-01,dpi,\n";

static struct eds_registry *
registry(void)
{
	static char dir[512];
	struct eds_import_options o;
	struct eds_registry *r;
	struct eds_error err;
	struct eds_run run;
	char *files[1], src[600];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s", tu_path("filter-reg"));
		snprintf(src, sizeof src, "%s.csv", dir);
		tu_write_str(src, events);
		files[0] = src;
		eds_import_options_init(&o);
		eds_run_init(&run, "test", "import");
		ck_assert_msg(eds_registry_import(dir, &o, files, 1, &run,
		    &err) == 0, "%s", err.msg);
		eds_run_release(&run);
	}
	r = eds_registry_open(dir, 0, &err);
	ck_assert_msg(r != NULL, "%s", err.msg);
	return r;
}

static struct eds_consent_filter *
filter(struct eds_registry *reg, const char *require,
    enum eds_consent_regime regime, const char *at)
{
	struct eds_consent_rules r;
	struct eds_consent_filter *f;
	struct eds_error err;

	eds_consent_rules_init(&r);
	ck_assert_msg(eds_consent_rules_require(&r, require, &err) == 0, "%s",
	    err.msg);
	r.regime = regime;
	ck_assert(eds_consent_rules_at(&r, at, &err) == 0);
	f = eds_consent_filter_new(reg, &r, &err);
	ck_assert_msg(f != NULL, "%s", err.msg);
	eds_consent_rules_release(&r);
	return f;
}

struct case_ {
	const char *require;
	enum eds_consent_regime regime;
	const char *want;	/* per patient A..F, Z: "" kept, else reason */
};

#define IN EDS_REGIME_OPT_IN
#define OUT EDS_REGIME_OPT_OUT

static const struct case_ cases[] = {
	{ "primary", IN, "||||no-record|no-record|no-record" },
	{ "secondary", IN, "|refused|withdrawn|expired|withdrawn|no-record|"
	    "no-record" },
	{ "primary,secondary", IN, "|refused|withdrawn|expired|no-record|"
	    "no-record|no-record" },
	{ "secondary,primary", IN, "|refused|withdrawn|expired|withdrawn|"
	    "no-record|no-record" },
	{ "study:S1", IN, "no-record|no-record|no-record|no-record|no-record||"
	    "no-record" },
	{ "study:NEVER", IN, "no-record|no-record|no-record|no-record|"
	    "no-record|no-record|no-record" },
	{ "primary", OUT, "||||||" },
	{ "secondary", OUT, "|refused|withdrawn||withdrawn||" },
	{ "primary,secondary", OUT, "|refused|withdrawn||withdrawn||" },
	{ "primary,study:S1", OUT, "||||||" },
	{ "study:NEVER", OUT, "||||||" },
};

START_TEST(both_regimes_with_one_and_several_scopes)
{
	static const char *const ids[] = { "A", "B", "C", "D", "E", "F", "Z" };
	const struct case_ *c = &cases[_i];
	struct eds_registry *reg = registry();
	struct eds_consent_filter *f = filter(reg, c->require, c->regime,
	    "2026-01-01");
	char want[200], *w, *save = NULL;
	struct eds_error err;
	size_t i;

	snprintf(want, sizeof want, "%s|", c->want);
	w = want;
	for (i = 0; i < 7; i++) {
		enum eds_consent_reason got;
		char *bar = strchr(w, '|');

		ck_assert(bar != NULL);
		*bar = '\0';
		ck_assert(eds_consent_filter_verdict(f, ids[i], 1, &got,
		    &err) == 0);
		ck_assert_msg(strcmp(eds_consent_reason_name(got), w) == 0,
		    "%s %s, patient %s: got '%s', expected '%s'",
		    eds_consent_regime_name(c->regime), c->require, ids[i],
		    eds_consent_reason_name(got), w);
		w = bar + 1;
	}
	(void)save;
	eds_consent_filter_free(f);
	eds_registry_close(reg);
}
END_TEST

START_TEST(the_as_of_date_changes_the_answer)
{
	struct eds_registry *reg = registry();
	struct eds_consent_filter *f;
	enum eds_consent_reason got;
	struct eds_error err;

	/* C withdrew on 2025-03-01: allowed the day before, not that day. */
	f = filter(reg, "secondary", IN, "2025-02-28");
	ck_assert(eds_consent_filter_verdict(f, "C", 1, &got, &err) == 0);
	ck_assert_int_eq(got, EDS_REASON_NONE);
	/* D's grant expires 2025-06-01 00:00: still allowed on 05-31. */
	ck_assert(eds_consent_filter_verdict(f, "D", 1, &got, &err) == 0);
	ck_assert_int_eq(got, EDS_REASON_NONE);
	eds_consent_filter_free(f);
	f = filter(reg, "secondary", IN, "2025-03-01");
	ck_assert(eds_consent_filter_verdict(f, "C", 1, &got, &err) == 0);
	ck_assert_int_eq(got, EDS_REASON_WITHDRAWN);
	eds_consent_filter_free(f);
	f = filter(reg, "secondary", IN, "2025-03-01T07:59:59Z");
	ck_assert(eds_consent_filter_verdict(f, "C", 1, &got, &err) == 0);
	ck_assert_int_eq(got, EDS_REASON_NONE);
	eds_consent_filter_free(f);
	f = filter(reg, "secondary", IN, "2025-06-01");
	ck_assert(eds_consent_filter_verdict(f, "D", 1, &got, &err) == 0);
	ck_assert_int_eq(got, EDS_REASON_EXPIRED);
	eds_consent_filter_free(f);
	/* Before any event: no record. */
	f = filter(reg, "primary", IN, "2023-12-31");
	ck_assert(eds_consent_filter_verdict(f, "A", 1, &got, &err) == 0);
	ck_assert_int_eq(got, EDS_REASON_NO_RECORD);
	eds_consent_filter_free(f);
	eds_registry_close(reg);
}
END_TEST

/* Run rows through a pipeline holding the stage; reasons joined by '|'. */
static void
run_rows(struct eds_consent_filter *f, const char *const *header, size_t nh,
    const char *const *rows, size_t nrows, size_t width, char *out,
    size_t outlen)
{
	struct eds_pipeline pl;
	struct eds_header h;
	struct eds_stage st;
	struct eds_record r;
	struct eds_error err;
	size_t i, j, k = 0;

	eds_pipeline_init(&pl);
	eds_consent_filter_stage(f, &st);
	ck_assert_str_eq(st.name, "consent");
	eds_pipeline_add(&pl, &st);
	eds_header_init(&h);
	for (i = 0; i < nh; i++)
		eds_header_add(&h, header[i]);
	ck_assert_msg(eds_pipeline_start(&pl, &h, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(eds_pipeline_header(&pl)->n, nh);
	eds_record_init(&r);
	out[0] = '\0';
	for (i = 0; i < nrows; i++) {
		int v;

		eds_record_clear(&r);
		for (j = 0; j < width; j++)
			eds_record_push(&r, rows[i * width + j],
			    strlen(rows[i * width + j]));
		v = eds_pipeline_push(&pl, &r, NULL, &err);
		ck_assert_msg(v != -1, "%s", err.msg);
		k += (size_t)snprintf(out + k, outlen - k, "%s%s", i ? "|" :
		    "", v == EDS_PASS ? "pass" : r.reason);
	}
	ck_assert(eds_pipeline_finish(&pl, &err) == 0);
	eds_record_release(&r);
	eds_header_release(&h);
	eds_pipeline_release(&pl);
}

START_TEST(the_stage_finds_the_column_and_drops_with_reasons)
{
	static const char *const header[] = { "nda", "ipp", "value" };
	static const char *const rows[] = {
		"1", "A", "x",
		"2", "A", "y",		/* same patient: the memo */
		"3", "B", "z",
		"4", "", "z",
		"5", "  \t", "z",
		"6", " A ", "z",	/* blanks around are trimmed */
		"7", "Z", "z",
		"8", "A", "z",
		"9", "a", "z",		/* identifiers are exact */
	};
	struct eds_registry *reg = registry();
	struct eds_consent_filter *f = filter(reg, "primary,secondary", IN,
	    "2026-01-01");
	char out[400];

	run_rows(f, header, 3, rows, 9, 3, out, sizeof out);
	ck_assert_str_eq(out, "pass|pass|refused|empty-id|empty-id|pass|"
	    "no-record|pass|no-record");
	ck_assert_int_eq(eds_consent_filter_rows(f), 9);
	ck_assert_int_eq(eds_consent_filter_count(f, EDS_REASON_NONE), 4);
	ck_assert_int_eq(eds_consent_filter_count(f, EDS_REASON_EMPTY_ID), 2);
	ck_assert_int_eq(eds_consent_filter_count(f, EDS_REASON_NO_RECORD), 2);
	ck_assert_int_eq(eds_consent_filter_count(f, EDS_REASON_REFUSED), 1);
	eds_consent_filter_free(f);
	/* Opt-out keeps the unknown, still drops the empty id. */
	f = filter(reg, "primary,secondary", OUT, "2026-01-01");
	run_rows(f, header, 3, rows, 9, 3, out, sizeof out);
	ck_assert_str_eq(out, "pass|pass|refused|empty-id|empty-id|pass|pass|"
	    "pass|pass");
	eds_consent_filter_free(f);
	eds_registry_close(reg);
}
END_TEST

START_TEST(the_stage_fails_without_its_column_or_on_a_short_row)
{
	struct eds_registry *reg = registry();
	struct eds_consent_filter *f = filter(reg, "primary", IN, "now");
	struct eds_consent_rules rules;
	struct eds_pipeline pl;
	struct eds_header h;
	struct eds_stage st;
	struct eds_record r;
	struct eds_error err;

	eds_pipeline_init(&pl);
	eds_consent_filter_stage(f, &st);
	eds_pipeline_add(&pl, &st);
	eds_header_init(&h);
	eds_header_add(&h, "patient");
	eds_header_add(&h, "value");
	ck_assert(eds_pipeline_start(&pl, &h, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "no column 'ipp'") != NULL, "%s",
	    err.msg);
	eds_pipeline_release(&pl);
	eds_header_release(&h);
	eds_consent_filter_free(f);
	/* Another column, by name; a row too short to hold it. */
	eds_consent_rules_init(&rules);
	ck_assert(eds_consent_rules_require(&rules, "primary", &err) == 0);
	rules.regime = IN;
	eds_consent_rules_id_column(&rules, "patient");
	f = eds_consent_filter_new(reg, &rules, &err);
	ck_assert(f != NULL);
	eds_pipeline_init(&pl);
	eds_consent_filter_stage(f, &st);
	eds_pipeline_add(&pl, &st);
	eds_header_init(&h);
	eds_header_add(&h, "value");
	eds_header_add(&h, "patient");
	ck_assert(eds_pipeline_start(&pl, &h, &err) == 0);
	eds_record_init(&r);
	eds_record_push(&r, "x", 1);
	r.file = "in.csv";
	r.line = 7;
	ck_assert(eds_pipeline_push(&pl, &r, NULL, &err) == -1);
	ck_assert_msg(err.status == EDS_EX_DATAERR && err.line == 7 &&
	    strcmp(err.file, "in.csv") == 0, "%s", err.msg);
	eds_record_release(&r);
	eds_pipeline_release(&pl);
	eds_header_release(&h);
	eds_consent_filter_free(f);
	eds_consent_rules_release(&rules);
	eds_registry_close(reg);
}
END_TEST

START_TEST(rules_from_the_command_line_are_checked)
{
	struct eds_consent_rules r;
	struct eds_error err;

	eds_consent_rules_init(&r);
	ck_assert_str_eq(r.id_column, "ipp");
	ck_assert(eds_consent_rules_check(&r, EDS_EX_USAGE, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);
	ck_assert(eds_consent_rules_require(&r, "primary, secondary",
	    &err) == 0);
	ck_assert_int_eq(r.nrequire, 2);
	ck_assert_str_eq(r.require[1], "secondary");
	ck_assert(eds_consent_rules_require(&r, "primary,primary", &err) ==
	    -1);
	ck_assert_msg(err.status == EDS_EX_USAGE && strstr(err.msg,
	    "twice") != NULL, "%s", err.msg);
	ck_assert(eds_consent_rules_require(&r, "primary,", &err) == -1);
	ck_assert(eds_consent_rules_require(&r, "care", &err) == -1);
	ck_assert_msg(strstr(err.msg, "'care' is not a scope") != NULL, "%s",
	    err.msg);
	ck_assert(eds_consent_rules_regime(&r, "opt_in", &err) == -1);
	ck_assert(eds_consent_rules_regime(&r, "opt-in", &err) == 0);
	ck_assert(eds_consent_rules_at(&r, "2026-02-30", &err) == -1);
	ck_assert(eds_consent_rules_at(&r, "2026-02-28", &err) == 0);
	ck_assert(eds_consent_rules_require(&r, "study:P-1,primary",
	    &err) == 0);
	ck_assert(eds_consent_rules_check(&r, EDS_EX_USAGE, &err) == 0);
	eds_consent_rules_release(&r);
}
END_TEST

START_TEST(settings_files_give_every_key_and_refuse_unknown_ones)
{
	struct eds_consent_rules r;
	struct eds_error err;
	const char *p = tu_path("consent.yaml");

	tu_write_str(p, "# settings\nregistry: reg\nregime: opt-out\n"
	    "require: [primary, secondary]\nat: 2026-01-01\n"
	    "id_column: patient\n");
	eds_consent_rules_init(&r);
	ck_assert_msg(eds_consent_rules_load(&r, p, &err) == 0, "%s",
	    err.msg);
	ck_assert_int_eq(r.regime, EDS_REGIME_OPT_OUT);
	ck_assert_int_eq(r.nrequire, 2);
	ck_assert_str_eq(r.at, "2026-01-01");
	ck_assert_str_eq(r.id_column, "patient");
	ck_assert_msg(strcmp(r.registry, tu_path("reg")) == 0,
	    "a relative registry is relative to the settings file: %s",
	    r.registry);
	ck_assert_msg(strlen(r.config_sha256) == 64, "the settings' SHA-256 "
	    "is kept for provenance");
	eds_consent_rules_release(&r);

	tu_write_str(p, "regime: opt-out\nrequire: primary\nmystery: 1\n");
	eds_consent_rules_init(&r);
	ck_assert(eds_consent_rules_load(&r, p, &err) == -1);
	ck_assert_msg(err.status == EDS_EX_CONFIG && err.line == 3 &&
	    strstr(err.msg, "unknown key 'mystery'") != NULL, "%s", err.msg);
	eds_consent_rules_release(&r);

	tu_write_str(p, "regime: maybe\n");
	eds_consent_rules_init(&r);
	ck_assert(eds_consent_rules_load(&r, p, &err) == -1);
	ck_assert(err.status == EDS_EX_CONFIG && err.line == 1);
	eds_consent_rules_release(&r);

	tu_write_str(p, "require:\n  - primary\n  - care\n");
	eds_consent_rules_init(&r);
	ck_assert(eds_consent_rules_load(&r, p, &err) == -1);
	ck_assert_msg(err.status == EDS_EX_CONFIG && err.line == 3 &&
	    strstr(err.msg, "'care'") != NULL, "%s", err.msg);
	eds_consent_rules_release(&r);

	tu_write_str(p, "at: yesterday\n");
	eds_consent_rules_init(&r);
	ck_assert(eds_consent_rules_load(&r, p, &err) == -1);
	ck_assert(err.status == EDS_EX_CONFIG);
	eds_consent_rules_release(&r);
}
END_TEST

START_TEST(the_shipped_settings_example_loads)
{
	struct eds_consent_rules r;
	struct eds_error err;
	char path[1024];

	snprintf(path, sizeof path, "%s/config/consent/consent.yaml",
	    EDS_CONSENT_SRCDIR);
	eds_consent_rules_init(&r);
	ck_assert_msg(eds_consent_rules_load(&r, path, &err) == 0, "%s",
	    err.msg);
	ck_assert(eds_consent_rules_check(&r, EDS_EX_CONFIG, &err) == 0);
	eds_consent_rules_release(&r);
}
END_TEST

START_TEST(the_run_writes_kept_and_excluded_rows_and_counts_them)
{
	struct eds_consent_filter_options o;
	struct eds_registry *reg = registry();
	struct eds_consent_filter *f = filter(reg, "primary,secondary", IN,
	    "2026-01-01");
	struct eds_error err;
	struct eds_run run;
	char in[512], out[512], exc[512], *text;
	struct eds_buf js = EDS_BUF_INIT;

	snprintf(in, sizeof in, "%s", tu_path("run-in.csv"));
	snprintf(out, sizeof out, "%s", tu_path("run-out.csv"));
	snprintf(exc, sizeof exc, "%s", tu_path("run-exc.csv"));
	tu_write_str(in, "ipp,note\nA,\"a, b\"\nB,x\nZ,y\n,z\nA,w\n");
	memset(&o, 0, sizeof o);
	o.output = out;
	o.excluded = exc;
	eds_run_init(&run, "eds-consent", "filter");
	ck_assert_msg(eds_consent_filter_run(f, &o, in, &run, &err) == 0,
	    "%s", err.msg);
	text = tu_read(out, NULL);
	ck_assert_str_eq(text, "ipp,note\nA,\"a, b\"\nA,w\n");
	free(text);
	text = tu_read(exc, NULL);
	ck_assert_str_eq(text, "ipp,note,consent_reason\nB,x,refused\n"
	    "Z,y,no-record\n,z,empty-id\n");
	free(text);
	ck_assert(eds_run_get(&run, "rows_in") == 5 &&
	    eds_run_get(&run, "rows_out") == 2 &&
	    eds_run_get(&run, "rows_dropped") == 3 &&
	    eds_run_get(&run, "dropped.refused") == 1 &&
	    eds_run_get(&run, "dropped.withdrawn") == 0);
	eds_run_stats_json(&run, &js);
	ck_assert_msg(strstr(js.p, "\"dropped\":{\"no-record\":1,\"refused\":1,"
	    "\"withdrawn\":0,\"expired\":0,\"empty-id\":1}") != NULL, "%s",
	    js.p);
	ck_assert_msg(strstr(js.p, "\"consent\":{\"regime\":\"opt-in\","
	    "\"require\":[\"primary\",\"secondary\"],\"at\":\"2026-01-01T23:"
	    "59:59.999999Z\"") != NULL, "%s", js.p);
	ck_assert_msg(strstr(js.p, "\"B\"") == NULL && strstr(js.p, "\"Z\"")
	    == NULL, "no identifier in the stats");
	eds_buf_release(&js);
	eds_run_release(&run);
	eds_consent_filter_free(f);
	eds_registry_close(reg);
}
END_TEST

START_TEST(a_malformed_input_commits_nothing)
{
	struct eds_consent_filter_options o;
	struct eds_registry *reg = registry();
	struct eds_consent_filter *f = filter(reg, "primary", OUT, "now");
	struct eds_error err;
	struct eds_run run;
	char in[512], out[512];
	FILE *fp;

	snprintf(in, sizeof in, "%s", tu_path("bad-in.csv"));
	snprintf(out, sizeof out, "%s", tu_path("bad-out.csv"));
	tu_write_str(in, "ipp,note\nA,x\nA,\"open\n");
	memset(&o, 0, sizeof o);
	o.output = out;
	eds_run_init(&run, "eds-consent", "filter");
	ck_assert(eds_consent_filter_run(f, &o, in, &run, &err) == -1);
	ck_assert_msg(err.status == EDS_EX_DATAERR && err.line == 3, "%s",
	    err.msg);
	ck_assert_msg((fp = fopen(out, "r")) == NULL, "no output file");
	eds_run_release(&run);
	tu_write_str(in, "");
	eds_run_init(&run, "eds-consent", "filter");
	ck_assert(eds_consent_filter_run(f, &o, in, &run, &err) == -1);
	ck_assert_msg(err.status == EDS_EX_DATAERR && strstr(err.msg,
	    "empty") != NULL, "%s", err.msg);
	eds_run_release(&run);
	eds_consent_filter_free(f);
	eds_registry_close(reg);
}
END_TEST

Suite *
consentfilter_suite(void)
{
	Suite *s = suite_create("consentfilter");
	TCase *t = tcase_create("consentfilter");

	tcase_add_loop_test(t, both_regimes_with_one_and_several_scopes, 0,
	    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(t, the_as_of_date_changes_the_answer);
	tcase_add_test(t, the_stage_finds_the_column_and_drops_with_reasons);
	tcase_add_test(t, the_stage_fails_without_its_column_or_on_a_short_row);
	tcase_add_test(t, rules_from_the_command_line_are_checked);
	tcase_add_test(t,
	    settings_files_give_every_key_and_refuse_unknown_ones);
	tcase_add_test(t, the_shipped_settings_example_loads);
	tcase_add_test(t,
	    the_run_writes_kept_and_excluded_rows_and_counts_them);
	tcase_add_test(t, a_malformed_input_commits_nothing);
	suite_add_tcase(s, t);
	return s;
}
