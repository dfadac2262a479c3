/*
 * check_consent.c: the status rules of DESIGN section 5 as a table (event
 * orders, ties, expiry before and after T, withdrawal then re-grant, T
 * before the first event, date-only times), the regimes with one and
 * several scopes, and the syntax of event rows: scopes, decisions, ISO 8601
 * times, identifiers and headers.  Expected values are written here by
 * hand, from the text of the rules.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "consent.h"

#define A EDS_CONSENT_ALLOWED
#define D EDS_CONSENT_DENIED
#define U EDS_CONSENT_UNKNOWN
#define G EDS_CONSENT_GRANTED
#define R EDS_CONSENT_REFUSED
#define W EDS_CONSENT_WITHDRAWN

struct ev {
	int decision;
	const char *recorded;
	const char *expires;	/* NULL: none */
};

struct status_case {
	const char *what;
	struct ev ev[5];	/* in import order; decision 0 ends */
	const char *at;		/* as --at takes it */
	enum eds_consent_state state;
	enum eds_consent_reason reason;
	long item;		/* deciding event, -1 for none */
};

static const struct status_case cases[] = {
	{ "no event is unknown, no record", { { 0 } }, "2026-01-01", U,
	    EDS_REASON_NO_RECORD, -1 },
	{ "a grant before T allows",
	    { { G, "2024-01-01T10:00:00Z", NULL } }, "2025-01-01", A,
	    EDS_REASON_NONE, 0 },
	{ "T before the first event is no record",
	    { { G, "2024-01-01T10:00:00Z", NULL } }, "2023-12-31", U,
	    EDS_REASON_NO_RECORD, -1 },
	{ "a refusal denies", { { R, "2024-01-01", NULL } }, "2025-01-01", D,
	    EDS_REASON_REFUSED, 0 },
	{ "a withdrawal denies", { { W, "2024-01-01", NULL } }, "2025-01-01",
	    D, EDS_REASON_WITHDRAWN, 0 },
	{ "grant then refusal: the refusal",
	    { { G, "2024-01-01", NULL }, { R, "2024-06-01", NULL } },
	    "2025-01-01", D, EDS_REASON_REFUSED, 1 },
	{ "grant then refusal, T between: the grant",
	    { { G, "2024-01-01", NULL }, { R, "2024-06-01", NULL } },
	    "2024-03-01", A, EDS_REASON_NONE, 0 },
	{ "refusal then grant: the grant",
	    { { R, "2024-01-01", NULL }, { G, "2024-06-01", NULL } },
	    "2025-01-01", A, EDS_REASON_NONE, 1 },
	{ "imported out of order: the latest recorded decides",
	    { { R, "2025-01-01", NULL }, { G, "2024-01-01", NULL } },
	    "2026-01-01", D, EDS_REASON_REFUSED, 0 },
	{ "imported out of order, T between: the earlier one",
	    { { R, "2025-01-01", NULL }, { G, "2024-01-01", NULL } },
	    "2024-06-01", A, EDS_REASON_NONE, 1 },
	{ "equal times: the later imported wins (refusal)",
	    { { G, "2024-01-01T10:00:00Z", NULL },
	      { R, "2024-01-01T10:00:00Z", NULL } }, "2025-01-01", D,
	    EDS_REASON_REFUSED, 1 },
	{ "equal times: the later imported wins (grant)",
	    { { R, "2024-01-01T10:00:00Z", NULL },
	      { G, "2024-01-01T10:00:00Z", NULL } }, "2025-01-01", A,
	    EDS_REASON_NONE, 1 },
	{ "equal times written differently are equal",
	    { { W, "2024-01-01T11:00:00+01:00", NULL },
	      { G, "2024-01-01T10:00:00Z", NULL } }, "2025-01-01", A,
	    EDS_REASON_NONE, 1 },
	{ "three equal times and a later one: the later one",
	    { { G, "2024-01-01", NULL }, { R, "2024-01-01", NULL },
	      { W, "2024-02-01", NULL }, { G, "2024-01-01", NULL } },
	    "2025-01-01", D, EDS_REASON_WITHDRAWN, 2 },
	{ "three equal times: the last imported",
	    { { G, "2024-01-01", NULL }, { R, "2024-01-01", NULL },
	      { W, "2024-02-01", NULL }, { G, "2024-01-01", NULL } },
	    "2024-01-15", A, EDS_REASON_NONE, 3 },
	{ "a fraction of a second orders events",
	    { { G, "2024-01-01T10:00:00.2Z", NULL },
	      { R, "2024-01-01T10:00:00.1Z", NULL } }, "2025-01-01", A,
	    EDS_REASON_NONE, 0 },
	{ "a grant expired before T is unknown, expired",
	    { { G, "2024-01-01", "2025-01-01" } }, "2025-06-01", U,
	    EDS_REASON_EXPIRED, 0 },
	{ "a grant expiring after T allows",
	    { { G, "2024-01-01", "2025-01-01" } }, "2024-12-31", A,
	    EDS_REASON_NONE, 0 },
	{ "a grant expiring at T exactly is expired",
	    { { G, "2024-01-01", "2025-01-01T00:00:00Z" } },
	    "2025-01-01T00:00:00Z", U, EDS_REASON_EXPIRED, 0 },
	{ "a grant expiring a microsecond after T allows",
	    { { G, "2024-01-01", "2025-01-01T00:00:00.000001Z" } },
	    "2025-01-01T00:00:00Z", A, EDS_REASON_NONE, 0 },
	{ "an expiry date means 00:00 UTC: expired at the end of that day",
	    { { G, "2024-01-01", "2025-01-01" } }, "2025-01-01", U,
	    EDS_REASON_EXPIRED, 0 },
	{ "an expired grant followed by a refusal is a refusal",
	    { { G, "2024-01-01", "2024-06-01" }, { R, "2024-09-01", NULL } },
	    "2025-01-01", D, EDS_REASON_REFUSED, 1 },
	{ "a refusal followed by a grant now expired is expired, not refused",
	    { { R, "2023-01-01", NULL }, { G, "2024-01-01", "2024-06-01" } },
	    "2025-01-01", U, EDS_REASON_EXPIRED, 1 },
	{ "withdrawal then re-grant, T after the withdrawal",
	    { { G, "2024-01-01", NULL }, { W, "2025-01-01", NULL },
	      { G, "2026-01-01", NULL } }, "2025-06-01", D,
	    EDS_REASON_WITHDRAWN, 1 },
	{ "withdrawal then re-grant, T after the re-grant",
	    { { G, "2024-01-01", NULL }, { W, "2025-01-01", NULL },
	      { G, "2026-01-01", NULL } }, "2026-06-01", A, EDS_REASON_NONE,
	    2 },
	{ "withdrawal then re-grant, T before the withdrawal",
	    { { G, "2024-01-01", NULL }, { W, "2025-01-01", NULL },
	      { G, "2026-01-01", NULL } }, "2024-06-01", A, EDS_REASON_NONE,
	    0 },
	{ "--at as a date counts events recorded on that date",
	    { { G, "2025-06-01T23:59:59.999999Z", NULL } }, "2025-06-01", A,
	    EDS_REASON_NONE, 0 },
	{ "--at as a date does not count the next day",
	    { { G, "2025-06-02T00:00:00Z", NULL } }, "2025-06-01", U,
	    EDS_REASON_NO_RECORD, -1 },
	{ "--at as a date-time is that instant",
	    { { G, "2025-06-01T12:00:00Z", NULL } }, "2025-06-01T11:59:59Z", U,
	    EDS_REASON_NO_RECORD, -1 },
	{ "a recorded_at date alone is 00:00:00 UTC (not yet at 23:59:59)",
	    { { G, "2025-06-01", NULL } }, "2025-05-31T23:59:59Z", U,
	    EDS_REASON_NO_RECORD, -1 },
	{ "a recorded_at date alone is 00:00:00 UTC (counts at 00:00:00)",
	    { { G, "2025-06-01", NULL } }, "2025-06-01T00:00:00Z", A,
	    EDS_REASON_NONE, 0 },
	{ "an offset is applied: 01:00+02:00 is the day before in UTC",
	    { { R, "2025-06-01T01:00:00+02:00", NULL } }, "2025-05-31", D,
	    EDS_REASON_REFUSED, 0 },
	{ "no offset means UTC",
	    { { R, "2025-06-01T01:00:00", NULL } }, "2025-05-31", U,
	    EDS_REASON_NO_RECORD, -1 },
	{ "--at with an offset",
	    { { R, "2025-06-01T01:00:00Z", NULL } },
	    "2025-06-01T02:30:00+01:00", D, EDS_REASON_REFUSED, 0 },
	{ "an expiry is ignored on a refusal",
	    { { R, "2024-01-01", "2024-06-01" } }, "2025-01-01", D,
	    EDS_REASON_REFUSED, 0 },
};

static void
load(const struct status_case *c, struct eds_consent_item *it, size_t *n)
{
	size_t i;

	for (i = 0; i < 5 && c->ev[i].decision != 0; i++) {
		it[i].decision = c->ev[i].decision;
		it[i].source = 0;
		ck_assert_msg(eds_consent_time_parse(c->ev[i].recorded,
		    strlen(c->ev[i].recorded), &it[i].recorded_at) == 0,
		    "%s: bad time in the table", c->what);
		it[i].expires_at = EDS_CONSENT_NEVER;
		if (c->ev[i].expires != NULL)
			ck_assert(eds_consent_time_parse(c->ev[i].expires,
			    strlen(c->ev[i].expires), &it[i].expires_at) == 0);
	}
	*n = i;
}

START_TEST(status_follows_the_rules_of_design_section_5)
{
	const struct status_case *c = &cases[_i];
	struct eds_consent_item it[5];
	struct eds_consent_status st;
	int64_t at;
	size_t n;

	load(c, it, &n);
	ck_assert_msg(eds_consent_at_parse(c->at, &at) == 0, "%s: bad --at",
	    c->what);
	eds_consent_status(n ? it : NULL, n, at, &st);
	ck_assert_msg(st.state == c->state, "%s: state %s, expected %s",
	    c->what, eds_consent_state_name(st.state),
	    eds_consent_state_name(c->state));
	ck_assert_msg(st.reason == c->reason, "%s: reason '%s', expected "
	    "'%s'", c->what, eds_consent_reason_name(st.reason),
	    eds_consent_reason_name(c->reason));
	ck_assert_msg(st.item == c->item, "%s: decided by event %ld, "
	    "expected %ld", c->what, st.item, c->item);
}
END_TEST

/* --- regimes ------------------------------------------------------------- */

#define OK { A, EDS_REASON_NONE, 0 }
#define NOREC { U, EDS_REASON_NO_RECORD, -1 }
#define EXP { U, EDS_REASON_EXPIRED, 0 }
#define REF { D, EDS_REASON_REFUSED, 0 }
#define WD { D, EDS_REASON_WITHDRAWN, 0 }

struct verdict_case {
	const char *what;
	enum eds_consent_regime regime;
	struct eds_consent_status st[3];
	size_t n;
	enum eds_consent_reason want;
};

static const struct verdict_case verdicts[] = {
	{ "opt-in, one scope allowed: kept", EDS_REGIME_OPT_IN, { OK }, 1,
	    EDS_REASON_NONE },
	{ "opt-in, one scope without record: dropped", EDS_REGIME_OPT_IN,
	    { NOREC }, 1, EDS_REASON_NO_RECORD },
	{ "opt-in, one scope expired: dropped as expired", EDS_REGIME_OPT_IN,
	    { EXP }, 1, EDS_REASON_EXPIRED },
	{ "opt-in, one scope refused", EDS_REGIME_OPT_IN, { REF }, 1,
	    EDS_REASON_REFUSED },
	{ "opt-in, one scope withdrawn", EDS_REGIME_OPT_IN, { WD }, 1,
	    EDS_REASON_WITHDRAWN },
	{ "opt-out, one scope without record: kept", EDS_REGIME_OPT_OUT,
	    { NOREC }, 1, EDS_REASON_NONE },
	{ "opt-out, one scope expired: kept (not an objection)",
	    EDS_REGIME_OPT_OUT, { EXP }, 1, EDS_REASON_NONE },
	{ "opt-out, one scope allowed: kept", EDS_REGIME_OPT_OUT, { OK }, 1,
	    EDS_REASON_NONE },
	{ "opt-out, one scope refused", EDS_REGIME_OPT_OUT, { REF }, 1,
	    EDS_REASON_REFUSED },
	{ "opt-out, one scope withdrawn", EDS_REGIME_OPT_OUT, { WD }, 1,
	    EDS_REASON_WITHDRAWN },
	{ "opt-in, both allowed: kept", EDS_REGIME_OPT_IN, { OK, OK }, 2,
	    EDS_REASON_NONE },
	{ "opt-in, second scope missing: its reason", EDS_REGIME_OPT_IN,
	    { OK, NOREC }, 2, EDS_REASON_NO_RECORD },
	{ "opt-in, first failing scope in order decides", EDS_REGIME_OPT_IN,
	    { NOREC, REF }, 2, EDS_REASON_NO_RECORD },
	{ "opt-in, first failing scope in order decides (reversed)",
	    EDS_REGIME_OPT_IN, { REF, NOREC }, 2, EDS_REASON_REFUSED },
	{ "opt-in, expired then withdrawn: expired", EDS_REGIME_OPT_IN,
	    { OK, EXP, WD }, 3, EDS_REASON_EXPIRED },
	{ "opt-out, unknowns pass, the denied scope's reason",
	    EDS_REGIME_OPT_OUT, { NOREC, EXP, WD }, 3, EDS_REASON_WITHDRAWN },
	{ "opt-out, first denied scope in order decides", EDS_REGIME_OPT_OUT,
	    { OK, REF, WD }, 3, EDS_REASON_REFUSED },
	{ "opt-out, first denied scope in order decides (reversed)",
	    EDS_REGIME_OPT_OUT, { WD, REF }, 2, EDS_REASON_WITHDRAWN },
	{ "opt-out, all unknown or allowed: kept", EDS_REGIME_OPT_OUT,
	    { OK, NOREC, EXP }, 3, EDS_REASON_NONE },
};

START_TEST(regimes_keep_or_drop_with_the_first_failing_scope)
{
	const struct verdict_case *c = &verdicts[_i];
	enum eds_consent_reason got;

	got = eds_consent_verdict(c->regime, c->st, c->n);
	ck_assert_msg(got == c->want, "%s: got '%s', expected '%s'", c->what,
	    eds_consent_reason_name(got), eds_consent_reason_name(c->want));
}
END_TEST

/* --- syntax -------------------------------------------------------------- */

START_TEST(scopes_are_primary_secondary_or_study_tokens)
{
	static const char *const good[] = { "primary", "secondary",
	    "study:PROJ-2026-014", "study:a", "study:x.y_z-1", NULL };
	static const char *const bad[] = { "", "Primary", "primary ",
	    "tertiary", "study:", "study", "study:a b", "study:é",
	    "study:a/b", "study:a,b", "STUDY:X", NULL };
	char longid[120];
	int i;

	for (i = 0; good[i] != NULL; i++)
		ck_assert_msg(eds_consent_scope_valid(good[i],
		    strlen(good[i])), "'%s' is a scope", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		ck_assert_msg(!eds_consent_scope_valid(bad[i], strlen(bad[i])),
		    "'%s' is not a scope", bad[i]);
	memset(longid, 'a', sizeof longid);
	memcpy(longid, "study:", 6);
	ck_assert_msg(eds_consent_scope_valid(longid, 106),
	    "a study id of 100 characters is a scope");
	ck_assert_msg(!eds_consent_scope_valid(longid, 107),
	    "a study id of 101 characters is not");
}
END_TEST

START_TEST(decisions_are_three_lower_case_words)
{
	ck_assert_int_eq(eds_consent_decision_parse("granted", 7), G);
	ck_assert_int_eq(eds_consent_decision_parse("refused", 7), R);
	ck_assert_int_eq(eds_consent_decision_parse("withdrawn", 9), W);
	ck_assert_int_eq(eds_consent_decision_parse("Granted", 7), 0);
	ck_assert_int_eq(eds_consent_decision_parse("grant", 5), 0);
	ck_assert_int_eq(eds_consent_decision_parse("granted!", 8), 0);
	ck_assert_int_eq(eds_consent_decision_parse("", 0), 0);
	ck_assert_int_eq(eds_consent_regime_parse("opt-in"),
	    EDS_REGIME_OPT_IN);
	ck_assert_int_eq(eds_consent_regime_parse("opt-out"),
	    EDS_REGIME_OPT_OUT);
	ck_assert_int_eq(eds_consent_regime_parse("optin"), EDS_REGIME_NONE);
}
END_TEST

START_TEST(times_parse_to_utc_microseconds)
{
	static const struct {
		const char *in;
		const char *out;	/* formatted, NULL: invalid */
	} t[] = {
		{ "2025-06-01", "2025-06-01T00:00:00Z" },
		{ "2025-06-01T10:20", "2025-06-01T10:20:00Z" },
		{ "2025-06-01T10:20:30", "2025-06-01T10:20:30Z" },
		{ "2025-06-01 10:20:30", "2025-06-01T10:20:30Z" },
		{ "2025-06-01T10:20:30Z", "2025-06-01T10:20:30Z" },
		{ "2025-06-01T10:20:30+02:00", "2025-06-01T08:20:30Z" },
		{ "2025-06-01T00:20:30+0100", "2025-05-31T23:20:30Z" },
		{ "2025-06-01T10:20:30-05:30", "2025-06-01T15:50:30Z" },
		{ "2025-06-01T10:20:30.5Z", "2025-06-01T10:20:30.500000Z" },
		{ "2025-06-01T10:20:30,25", "2025-06-01T10:20:30.250000Z" },
		{ "2025-06-01T10:20:30.1234567Z",
		    "2025-06-01T10:20:30.123456Z" },
		{ "2025-06-01T10:20:30.000001+01:00",
		    "2025-06-01T09:20:30.000001Z" },
		{ "1965-03-04T05:06:07.5Z", "1965-03-04T05:06:07.500000Z" },
		{ "2024-02-29", "2024-02-29T00:00:00Z" },
		{ "2025-02-29", NULL },
		{ "2025-06-31", NULL },
		{ "2025-6-1", NULL },
		{ "01/06/2025", NULL },
		{ "2025-06-01T25:00:00", NULL },
		{ "2025-06-01T10:20:30 ", NULL },
		{ "2025-06-01Z", NULL },
		{ "", NULL },
		{ "now", NULL },
	};
	char buf[EDS_CONSENT_TIME_MAX];
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = eds_consent_time_parse(t[i].in, strlen(t[i].in), &v);

		if (t[i].out == NULL) {
			ck_assert_msg(rc == -1, "'%s' is not a time", t[i].in);
			continue;
		}
		ck_assert_msg(rc == 0, "'%s' is a time", t[i].in);
		eds_consent_time_format(v, buf);
		ck_assert_msg(strcmp(buf, t[i].out) == 0, "'%s' gives %s, "
		    "expected %s", t[i].in, buf, t[i].out);
	}
}
END_TEST

START_TEST(at_takes_now_a_date_meaning_end_of_day_or_a_date_time)
{
	char buf[EDS_CONSENT_TIME_MAX];
	int64_t v, before, after;

	ck_assert(eds_consent_at_parse("2025-06-01", &v) == 0);
	eds_consent_time_format(v, buf);
	ck_assert_str_eq(buf, "2025-06-01T23:59:59.999999Z");
	ck_assert(eds_consent_at_parse("2025-06-01T00:00:00Z", &v) == 0);
	eds_consent_time_format(v, buf);
	ck_assert_str_eq(buf, "2025-06-01T00:00:00Z");
	ck_assert(eds_consent_at_parse("2024-12-31T23:00:00-02:00", &v) == 0);
	eds_consent_time_format(v, buf);
	ck_assert_str_eq(buf, "2025-01-01T01:00:00Z");
	before = eds_consent_now();
	ck_assert(eds_consent_at_parse("now", &v) == 0);
	after = eds_consent_now();
	ck_assert_msg(v >= before && v <= after, "now is the current time");
	ck_assert(eds_consent_at_parse("tomorrow", &v) == -1);
	ck_assert(eds_consent_at_parse("2025-13-01", &v) == -1);
}
END_TEST

/* A record built from fields, as the reader would deliver it. */
static void
mkrec(struct eds_record *r, const char *const *f, size_t n)
{
	size_t i;

	eds_record_clear(r);
	for (i = 0; i < n; i++)
		eds_record_push(r, f[i], strlen(f[i]));
	r->file = "ev.csv";
	r->line = 2;
}

START_TEST(headers_name_the_columns_in_any_order_and_case)
{
	static const char *const h1[] = { "source", "Decision", "PATIENT_ID",
	    "scope", "recorded_at" };
	static const char *const h2[] = { "patient_id", "scope", "decision",
	    "recorded_at", "source", "expires_at" };
	static const char *const nosrc[] = { "patient_id", "scope",
	    "decision", "recorded_at" };
	static const char *const extra[] = { "patient_id", "scope",
	    "decision", "recorded_at", "source", "comment" };
	static const char *const twice[] = { "patient_id", "scope",
	    "decision", "recorded_at", "source", "scope" };
	struct eds_consent_columns c;
	struct eds_record r;
	struct eds_error err;

	eds_record_init(&r);
	mkrec(&r, h1, 5);
	ck_assert(eds_consent_header(&r, &c, &err) == 0);
	ck_assert_int_eq(c.patient, 2);
	ck_assert_int_eq(c.decision, 1);
	ck_assert_int_eq(c.expires_at, -1);
	mkrec(&r, h2, 6);
	ck_assert(eds_consent_header(&r, &c, &err) == 0);
	ck_assert_int_eq(c.expires_at, 5);
	mkrec(&r, nosrc, 4);
	ck_assert(eds_consent_header(&r, &c, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "'source'") != NULL, "%s", err.msg);
	ck_assert_str_eq(err.file, "ev.csv");
	ck_assert_int_eq(err.line, 2);
	mkrec(&r, extra, 6);
	ck_assert(eds_consent_header(&r, &c, &err) == -1);
	ck_assert_msg(strstr(err.msg, "unknown column 'comment'") != NULL,
	    "%s", err.msg);
	mkrec(&r, twice, 6);
	ck_assert(eds_consent_header(&r, &c, &err) == -1);
	ck_assert_msg(strstr(err.msg, "twice") != NULL, "%s", err.msg);
	eds_record_release(&r);
}
END_TEST

START_TEST(event_rows_are_validated_and_trimmed)
{
	static const char *const h[] = { "patient_id", "scope", "decision",
	    "recorded_at", "source", "expires_at" };
	static const struct {
		const char *f[6];
		size_t n;
		const char *reason;	/* NULL: valid */
	} rows[] = {
		{ { "123", "primary", "granted", "2025-01-01", "dpi", "" }, 6,
		    NULL },
		{ { " 123\t", " secondary ", "refused ", "2025-01-01T10:00Z",
		    "", "" }, 6, NULL },
		{ { "123", "study:P1", "granted", "2025-01-01", "dpi",
		    "2026-01-01" }, 6, NULL },
		{ { "", "primary", "granted", "2025-01-01", "dpi", "" }, 6,
		    "empty-id" },
		{ { "  ", "primary", "granted", "2025-01-01", "dpi", "" }, 6,
		    "empty-id" },
		{ { "12\x01" "3", "primary", "granted", "2025-01-01", "dpi",
		    "" }, 6, "bad-patient-id" },
		{ { "123", "research", "granted", "2025-01-01", "dpi", "" }, 6,
		    "bad-scope" },
		{ { "123", "primary", "GRANTED", "2025-01-01", "dpi", "" }, 6,
		    "bad-decision" },
		{ { "123", "primary", "granted", "01/01/2025", "dpi", "" }, 6,
		    "bad-recorded-at" },
		{ { "123", "primary", "granted", "", "dpi", "" }, 6,
		    "bad-recorded-at" },
		{ { "123", "primary", "granted", "2025-01-01", "dpi",
		    "never" }, 6, "bad-expires-at" },
		{ { "123", "primary", "granted", "2025-01-01", "d\npi", "" },
		    6, "bad-source" },
		{ { "123", "primary", "granted", "2025-01-01", "dpi" }, 5,
		    "column-count" },
	};
	struct eds_consent_columns c;
	struct eds_consent_event ev;
	struct eds_record r;
	struct eds_error err;
	size_t i;

	eds_record_init(&r);
	mkrec(&r, h, 6);
	ck_assert(eds_consent_header(&r, &c, &err) == 0);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int rc;

		mkrec(&r, rows[i].f, rows[i].n);
		rc = eds_consent_event_parse(&c, &r, &ev);
		if (rows[i].reason == NULL) {
			ck_assert_msg(rc == 0, "row %zu is valid (%s)", i,
			    r.detail);
			continue;
		}
		ck_assert_msg(rc == -1 && r.reason != NULL &&
		    strcmp(r.reason, rows[i].reason) == 0, "row %zu: "
		    "expected %s, got %s", i, rows[i].reason,
		    r.reason ? r.reason : "(valid)");
		ck_assert_msg(strstr(r.detail, "123") == NULL,
		    "row %zu: the detail never quotes the identifier", i);
	}
	mkrec(&r, rows[1].f, 6);
	ck_assert(eds_consent_event_parse(&c, &r, &ev) == 0);
	ck_assert_msg(ev.patient_len == 3 && memcmp(ev.patient, "123", 3) ==
	    0, "the identifier is trimmed of blanks");
	ck_assert(ev.scope_len == 9 && ev.decision == R);
	ck_assert(ev.source_len == 0 && ev.expires_at == EDS_CONSENT_NEVER);
	eds_record_release(&r);
}
END_TEST

START_TEST(names_of_reasons_states_and_decisions_are_stable)
{
	ck_assert_str_eq(eds_consent_reason_name(EDS_REASON_NO_RECORD),
	    "no-record");
	ck_assert_str_eq(eds_consent_reason_name(EDS_REASON_REFUSED),
	    "refused");
	ck_assert_str_eq(eds_consent_reason_name(EDS_REASON_WITHDRAWN),
	    "withdrawn");
	ck_assert_str_eq(eds_consent_reason_name(EDS_REASON_EXPIRED),
	    "expired");
	ck_assert_str_eq(eds_consent_reason_name(EDS_REASON_EMPTY_ID),
	    "empty-id");
	ck_assert(eds_consent_reason_name(EDS_REASON_COUNT) == NULL);
	ck_assert_str_eq(eds_consent_decision_name(W), "withdrawn");
	ck_assert(eds_consent_decision_name(0) == NULL);
}
END_TEST

Suite *
consent_suite(void)
{
	Suite *s = suite_create("consent");
	TCase *t = tcase_create("consent");

	tcase_add_loop_test(t, status_follows_the_rules_of_design_section_5, 0,
	    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(t,
	    regimes_keep_or_drop_with_the_first_failing_scope, 0,
	    (int)(sizeof verdicts / sizeof verdicts[0]));
	tcase_add_test(t, scopes_are_primary_secondary_or_study_tokens);
	tcase_add_test(t, decisions_are_three_lower_case_words);
	tcase_add_test(t, times_parse_to_utc_microseconds);
	tcase_add_test(t,
	    at_takes_now_a_date_meaning_end_of_day_or_a_date_time);
	tcase_add_test(t, headers_name_the_columns_in_any_order_and_case);
	tcase_add_test(t, event_rows_are_validated_and_trimmed);
	tcase_add_test(t, names_of_reasons_states_and_decisions_are_stable);
	suite_add_tcase(s, t);
	return s;
}
