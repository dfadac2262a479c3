/*
 * check_consentreport.c: the reports behind eds-consent status and stats,
 * built from a registry this test imports.  status: the return value says
 * whether the patient is known, each scope's line shows the state at the
 * as-of time and the deciding event, later events are marked, one scope
 * can be asked for, and no other patient's identifier appears.  stats: the
 * counts follow the as-of time, and the report holds no identifier.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "consent.h"
#include "consentreport.h"
#include "registry.h"
#include "run.h"

static const char events[] =
    "patient_id,scope,decision,recorded_at,source,expires_at\n"
    "700001,primary,granted,2024-01-02T10:00:00Z,dpi,\n"
    "700001,secondary,granted,2024-01-02T10:00:00Z,dpi,\n"
    "700001,secondary,withdrawn,2025-03-04,portal,\n"
    "700001,secondary,granted,2025-09-01,portal,\n"
    "700001,study:S1,granted,2024-05-01,cse,2025-05-01\n"
    "800002,primary,refused,2024-01-01,dpi,\n"
    "800002,secondary,granted,2024-01-01,dpi,\n";

static struct eds_registry *
make_registry(const char *name)
{
	char dir[512], csv[520];
	char *files[1];
	struct eds_import_options o;
	struct eds_error err;
	struct eds_registry *r;
	struct eds_run run;

	snprintf(dir, sizeof dir, "%s", tu_path(name));
	snprintf(csv, sizeof csv, "%s.csv", dir);
	tu_write_str(csv, events);
	files[0] = csv;
	eds_import_options_init(&o);
	eds_run_init(&run, "test", "import");
	eds_error_clear(&err);
	ck_assert_msg(eds_registry_import(dir, &o, files, 1, &run, &err) == 0,
	    "import: %s", err.msg);
	eds_run_release(&run);
	r = eds_registry_open(dir, EDS_REGISTRY_VERIFY_LOG, &err);
	ck_assert_msg(r != NULL, "open: %s", err.msg);
	return r;
}

static int64_t
at(const char *s)
{
	int64_t t;

	ck_assert_msg(eds_consent_at_parse(s, &t) == 0, "as-of %s", s);
	return t;
}

/* The line of out that starts (after spaces) with scope, NUL-terminated. */
static char *
scope_line(const struct eds_buf *out, const char *scope, char *line,
    size_t size)
{
	const char *p = out->p, *end = out->p + out->len, *nl;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		while (p < nl && *p == ' ')
			p++;
		if ((size_t)(nl - p) > strlen(scope) &&
		    strncmp(p, scope, strlen(scope)) == 0 &&
		    p[strlen(scope)] == ' ') {
			snprintf(line, size, "%.*s", (int)(nl - p), p);
			return line;
		}
	}
	ck_abort_msg("no line for scope %s in:\n%.*s", scope,
	    (int)out->len, out->p);
	return NULL;
}

static void
status(const struct eds_registry *r, const char *id, const char *when,
    const char *scope, int want, struct eds_buf *out)
{
	struct eds_error err;

	eds_buf_reset(out);
	eds_error_clear(&err);
	ck_assert_int_eq(eds_consent_status_report(r, id, at(when), scope, out,
	    &err), want);
	eds_buf_add(out, "", 1);
	out->len--;
}

START_TEST(status_shows_each_scope_at_the_as_of_time)
{
	struct eds_registry *r = make_registry("st-reg");
	struct eds_buf out = EDS_BUF_INIT;
	char line[256];

	status(r, "700001", "2025-06-01", NULL, 1, &out);
	ck_assert_ptr_nonnull(strstr(out.p, "patient 700001 as of 2025-06-01"));
	scope_line(&out, "primary", line, sizeof line);
	ck_assert_msg(strstr(line, "allowed") && strstr(line, "granted") &&
	    strstr(line, "2024-01-02T10:00:00Z") && strstr(line, "dpi"),
	    "primary: %s", line);
	scope_line(&out, "secondary", line, sizeof line);
	ck_assert_msg(strstr(line, "denied (withdrawn)") &&
	    strstr(line, "2025-03-04") && strstr(line, "portal"),
	    "secondary after the withdrawal: %s", line);
	scope_line(&out, "study:S1", line, sizeof line);
	ck_assert_msg(strstr(line, "unknown (expired)") &&
	    strstr(line, "2025-05-01"), "study past its expiry: %s", line);
	ck_assert_ptr_nonnull(strstr(out.p, "history (5 events"));
	ck_assert_ptr_nonnull(strstr(out.p, "(after the as-of time)"));
	ck_assert_msg(strstr(out.p, "800002") == NULL,
	    "no other patient's identifier in a status report");

	/* After the re-grant, and one scope only. */
	status(r, "700001", "2025-10-01", "secondary", 1, &out);
	scope_line(&out, "secondary", line, sizeof line);
	ck_assert_msg(strstr(line, "allowed") && strstr(line, "2025-09-01"),
	    "re-granted: %s", line);
	ck_assert_msg(strstr(out.p, "primary") == NULL &&
	    strstr(out.p, "study:S1") == NULL, "only the scope asked for");
	ck_assert_ptr_nonnull(strstr(out.p, "history (3 events"));
	ck_assert_msg(strstr(out.p, "after the as-of time") == NULL,
	    "no event after 2025-10-01");

	/* Before the first event, the scope is unknown. */
	status(r, "700001", "2023-12-31", "primary", 1, &out);
	scope_line(&out, "primary", line, sizeof line);
	ck_assert_msg(strstr(line, "unknown") != NULL, "before any event: %s",
	    line);

	eds_buf_release(&out);
	eds_registry_close(r);
}
END_TEST

START_TEST(status_of_an_unknown_patient_says_so)
{
	struct eds_registry *r = make_registry("unk-reg");
	struct eds_buf out = EDS_BUF_INIT;
	char line[256];

	status(r, "999", "2025-06-01", "secondary", 0, &out);
	ck_assert_ptr_nonnull(strstr(out.p, "no consent recorded"));
	scope_line(&out, "secondary", line, sizeof line);
	ck_assert_msg(strstr(line, "no-record") != NULL, "%s", line);
	ck_assert_msg(strstr(out.p, "700001") == NULL &&
	    strstr(out.p, "800002") == NULL, "no known identifier shown");
	eds_buf_release(&out);
	eds_registry_close(r);
}
END_TEST

static void
stats(const struct eds_registry *r, const char *when, struct eds_run *run,
    struct eds_buf *out)
{
	struct eds_error err;

	eds_buf_reset(out);
	eds_run_init(run, "test", "stats");
	eds_error_clear(&err);
	ck_assert_msg(eds_consent_stats_report(r, at(when), out, run,
	    &err) == 0, "stats: %s", err.msg);
	eds_buf_add(out, "", 1);
	out->len--;
}

START_TEST(stats_count_per_scope_at_the_as_of_time_without_identifiers)
{
	struct eds_registry *r = make_registry("stats-reg");
	struct eds_buf out = EDS_BUF_INIT;
	struct eds_run run;

	stats(r, "2025-06-01", &run, &out);
	ck_assert_int_eq(eds_run_get(&run, "patients"), 2);
	ck_assert_int_eq(eds_run_get(&run, "entries"), 5);
	ck_assert_int_eq(eds_run_get(&run, "events"), 7);
	ck_assert_int_eq(eds_run_get(&run, "granted.secondary"), 3);
	ck_assert_int_eq(eds_run_get(&run, "withdrawn.secondary"), 1);
	ck_assert_int_eq(eds_run_get(&run, "refused.primary"), 1);
	ck_assert_int_eq(eds_run_get(&run, "allowed.primary"), 1);
	ck_assert_int_eq(eds_run_get(&run, "allowed.secondary"), 1);
	ck_assert_int_eq(eds_run_get(&run, "expired.study:S1"), 1);
	ck_assert(eds_run_get(&run, "bytes") > 0);
	ck_assert_msg(strstr(out.p, "700001") == NULL &&
	    strstr(out.p, "800002") == NULL, "stats hold no identifier");
	eds_run_release(&run);

	/* Before the withdrawal both patients allow secondary use; the
	 * study's grant has not expired yet. */
	stats(r, "2025-01-01", &run, &out);
	ck_assert_int_eq(eds_run_get(&run, "allowed.secondary"), 2);
	ck_assert_int_eq(eds_run_get(&run, "allowed.study:S1"), 1);
	ck_assert_int_eq(eds_run_get(&run, "expired.study:S1"), 0);
	eds_run_release(&run);

	eds_buf_release(&out);
	eds_registry_close(r);
}
END_TEST

Suite *
consentreport_suite(void)
{
	Suite *s = suite_create("consentreport");
	TCase *t = tcase_create("consentreport");

	tcase_add_test(t, status_shows_each_scope_at_the_as_of_time);
	tcase_add_test(t, status_of_an_unknown_patient_says_so);
	tcase_add_test(t,
	    stats_count_per_scope_at_the_as_of_time_without_identifiers);
	suite_add_tcase(s, t);
	return s;
}
