/*
 * consent.c: consent events and status rules (see consent.h).  Event times
 * go through the ISO 8601 parser of datetime.c, with the fraction of a
 * second kept to the microsecond here (datetime.c drops it); the status is
 * one pass over a history keeping the latest item recorded at or before T.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "consent.h"
#include "datetime.h"

#define US 1000000LL
#define DAY_US (86400LL * US)

static const char *const reason_names[EDS_REASON_COUNT] = {
	"", "no-record", "refused", "withdrawn", "expired", "empty-id"
};

void
eds_consent_status(const struct eds_consent_item *it, size_t n, int64_t at,
    struct eds_consent_status *st)
{
	size_t i;
	long best = -1;

	for (i = 0; i < n; i++) {
		if (it[i].recorded_at > at)
			continue;
		/* >=: of equal times, the later imported wins. */
		if (best < 0 || it[i].recorded_at >= it[best].recorded_at)
			best = (long)i;
	}
	st->item = best;
	if (best < 0) {
		st->state = EDS_CONSENT_UNKNOWN;
		st->reason = EDS_REASON_NO_RECORD;
		return;
	}
	switch (it[best].decision) {
	case EDS_CONSENT_GRANTED:
		if (it[best].expires_at <= at) {
			st->state = EDS_CONSENT_UNKNOWN;
			st->reason = EDS_REASON_EXPIRED;
		} else {
			st->state = EDS_CONSENT_ALLOWED;
			st->reason = EDS_REASON_NONE;
		}
		break;
	case EDS_CONSENT_REFUSED:
		st->state = EDS_CONSENT_DENIED;
		st->reason = EDS_REASON_REFUSED;
		break;
	default:
		st->state = EDS_CONSENT_DENIED;
		st->reason = EDS_REASON_WITHDRAWN;
		break;
	}
}

enum eds_consent_reason
eds_consent_verdict(enum eds_consent_regime regime,
    const struct eds_consent_status *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (regime == EDS_REGIME_OPT_IN) {
			if (st[i].state != EDS_CONSENT_ALLOWED)
				return st[i].reason;
		} else if (st[i].state == EDS_CONSENT_DENIED)
			return st[i].reason;
	}
	return EDS_REASON_NONE;
}

const char *
eds_consent_reason_name(enum eds_consent_reason r)
{
	if ((int)r < 0 || r >= EDS_REASON_COUNT)
		return NULL;
	return reason_names[r];
}

const char *
eds_consent_decision_name(int d)
{
	switch (d) {
	case EDS_CONSENT_GRANTED:
		return "granted";
	case EDS_CONSENT_REFUSED:
		return "refused";
	case EDS_CONSENT_WITHDRAWN:
		return "withdrawn";
	}
	return NULL;
}

const char *
eds_consent_state_name(enum eds_consent_state s)
{
	switch (s) {
	case EDS_CONSENT_ALLOWED:
		return "allowed";
	case EDS_CONSENT_DENIED:
		return "denied";
	default:
		return "unknown";
	}
}

const char *
eds_consent_regime_name(enum eds_consent_regime r)
{
	switch (r) {
	case EDS_REGIME_OPT_IN:
		return "opt-in";
	case EDS_REGIME_OPT_OUT:
		return "opt-out";
	default:
		return NULL;
	}
}

int
eds_consent_decision_parse(const char *s, size_t len)
{
	int d;

	for (d = EDS_CONSENT_GRANTED; d <= EDS_CONSENT_WITHDRAWN; d++) {
		const char *name = eds_consent_decision_name(d);

		if (strlen(name) == len && memcmp(name, s, len) == 0)
			return d;
	}
	return 0;
}

enum eds_consent_regime
eds_consent_regime_parse(const char *s)
{
	if (strcmp(s, "opt-in") == 0)
		return EDS_REGIME_OPT_IN;
	if (strcmp(s, "opt-out") == 0)
		return EDS_REGIME_OPT_OUT;
	return EDS_REGIME_NONE;
}

int
eds_consent_scope_valid(const char *s, size_t len)
{
	size_t i;

	if ((len == 7 && memcmp(s, "primary", 7) == 0) ||
	    (len == 9 && memcmp(s, "secondary", 9) == 0))
		return 1;
	if (len <= 6 || len > 106 || memcmp(s, "study:", 6) != 0)
		return 0;
	for (i = 6; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* Microseconds of a fraction after the seconds of an ISO time, or 0. */
static int64_t
fraction_us(const char *s, size_t len)
{
	int64_t us = 0;
	size_t i;
	int k = 0;

	/* YYYY-MM-DDTHH:MM:SS is 19 characters; a fraction follows. */
	if (len <= 20 || (s[19] != '.' && s[19] != ','))
		return 0;
	for (i = 20; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		if (k < 6) {
			us = us * 10 + (s[i] - '0');
			k++;
		}
	for (; k < 6; k++)
		us *= 10;
	return us;
}

/* Parse; *date_only set when no time of day was given. */
static int
time_parse(const char *s, size_t len, int64_t *out, int *date_only)
{
	struct eds_tm tm;

	if (eds_date_parse_iso(s, len, &tm) == -1)
		return -1;
	*date_only = !tm.has_time;
	*out = eds_tm_to_epoch(&tm) * US + (tm.has_sec ? fraction_us(s, len) :
	    0);
	return 0;
}

int
eds_consent_time_parse(const char *s, size_t len, int64_t *out)
{
	int date_only;

	return time_parse(s, len, out, &date_only);
}

int
eds_consent_at_parse(const char *s, int64_t *out)
{
	int date_only;

	if (strcmp(s, "now") == 0) {
		*out = eds_consent_now();
		return 0;
	}
	if (time_parse(s, strlen(s), out, &date_only) == -1)
		return -1;
	if (date_only)
		*out += DAY_US - 1;
	return 0;
}

size_t
eds_consent_time_format(int64_t t, char buf[EDS_CONSENT_TIME_MAX])
{
	int64_t days = t / DAY_US, rest;
	int y, m, d;

	if (t % DAY_US < 0)
		days--;
	rest = t - days * DAY_US;
	eds_civil_from_days(days, &y, &m, &d);
	if (rest % US == 0)
		return (size_t)snprintf(buf, EDS_CONSENT_TIME_MAX,
		    "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    (int)(rest / (3600 * US)), (int)(rest / (60 * US) % 60),
		    (int)(rest / US % 60));
	return (size_t)snprintf(buf, EDS_CONSENT_TIME_MAX,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", y, m, d,
	    (int)(rest / (3600 * US)), (int)(rest / (60 * US) % 60),
	    (int)(rest / US % 60), (int)(rest % US));
}

int64_t
eds_consent_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * US + ts.tv_nsec / 1000;
}

const char *
eds_consent_trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

/* --- the event CSV ------------------------------------------------------ */

static const char *const column_names[] = {
	"patient_id", "scope", "decision", "recorded_at", "source",
	"expires_at", NULL
};

int
eds_consent_header(const struct eds_record *r, struct eds_consent_columns *c,
    struct eds_error *err)
{
	long *slot[6];
	size_t i, k, len;
	const char *s;

	slot[0] = &c->patient;
	slot[1] = &c->scope;
	slot[2] = &c->decision;
	slot[3] = &c->recorded_at;
	slot[4] = &c->source;
	slot[5] = &c->expires_at;
	for (k = 0; k < 6; k++)
		*slot[k] = -1;
	c->n = r->n;
	if (r->reason != NULL)
		return eds_error_at(err, EDS_EX_DATAERR, r->file, r->line, 0,
		    "cannot read the header row: %s", r->detail);
	for (i = 0; i < r->n; i++) {
		len = r->f[i].len;
		s = eds_consent_trim(r->f[i].s, &len);
		for (k = 0; column_names[k] != NULL; k++)
			if (strlen(column_names[k]) == len &&
			    strncasecmp(column_names[k], s, len) == 0)
				break;
		if (column_names[k] == NULL)
			return eds_error_at(err, EDS_EX_DATAERR, r->file,
			    r->line, 0, "unknown column '%.*s' in the header "
			    "(consent events have patient_id, scope, decision, "
			    "recorded_at, source and optionally expires_at)",
			    (int)(len > 64 ? 64 : len), s);
		if (*slot[k] != -1)
			return eds_error_at(err, EDS_EX_DATAERR, r->file,
			    r->line, 0, "column '%s' appears twice in the "
			    "header", column_names[k]);
		*slot[k] = (long)i;
	}
	for (k = 0; k < 5; k++)
		if (*slot[k] == -1)
			return eds_error_at(err, EDS_EX_DATAERR, r->file,
			    r->line, 0, "the header lacks the column '%s' "
			    "(consent events have patient_id, scope, decision, "
			    "recorded_at, source and optionally expires_at)",
			    column_names[k]);
	return 0;
}

/* 1 if s[0..len) holds a C0 control character or DEL. */
static int
has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

static const char *
field(struct eds_record *r, long col, size_t *len)
{
	*len = r->f[col].len;
	return eds_consent_trim(r->f[col].s, len);
}

int
eds_consent_event_parse(const struct eds_consent_columns *c,
    struct eds_record *r, struct eds_consent_event *ev)
{
	const char *s;
	size_t len;

	if (r->n != c->n) {
		eds_record_reject(r, "column-count", NULL, "row has %zu "
		    "fields, the header has %zu", r->n, c->n);
		return -1;
	}
	ev->patient = field(r, c->patient, &ev->patient_len);
	if (ev->patient_len == 0) {
		eds_record_reject(r, "empty-id", "patient_id",
		    "the patient identifier is empty");
		return -1;
	}
	if (ev->patient_len > EDS_CONSENT_MAX_ID ||
	    has_control(ev->patient, ev->patient_len)) {
		eds_record_reject(r, "bad-patient-id", "patient_id",
		    "the patient identifier is longer than %d bytes or holds "
		    "a control character", EDS_CONSENT_MAX_ID);
		return -1;
	}
	ev->scope = field(r, c->scope, &ev->scope_len);
	if (!eds_consent_scope_valid(ev->scope, ev->scope_len)) {
		eds_record_reject(r, "bad-scope", "scope", "'%.*s' is not a "
		    "scope (primary, secondary or study:ID)",
		    (int)(ev->scope_len > 64 ? 64 : ev->scope_len), ev->scope);
		return -1;
	}
	s = field(r, c->decision, &len);
	if ((ev->decision = eds_consent_decision_parse(s, len)) == 0) {
		eds_record_reject(r, "bad-decision", "decision", "'%.*s' is "
		    "not a decision (granted, refused or withdrawn)",
		    (int)(len > 32 ? 32 : len), s);
		return -1;
	}
	s = field(r, c->recorded_at, &len);
	if (len == 0 || eds_consent_time_parse(s, len, &ev->recorded_at) ==
	    -1) {
		eds_record_reject(r, "bad-recorded-at", "recorded_at",
		    "'%.*s' is not an ISO 8601 date or date-time",
		    (int)(len > 40 ? 40 : len), s);
		return -1;
	}
	ev->expires_at = EDS_CONSENT_NEVER;
	if (c->expires_at >= 0) {
		s = field(r, c->expires_at, &len);
		if (len > 0 && eds_consent_time_parse(s, len,
		    &ev->expires_at) == -1) {
			eds_record_reject(r, "bad-expires-at", "expires_at",
			    "'%.*s' is not an ISO 8601 date or date-time",
			    (int)(len > 40 ? 40 : len), s);
			return -1;
		}
	}
	ev->source = field(r, c->source, &ev->source_len);
	if (ev->source_len > EDS_CONSENT_MAX_SOURCE ||
	    has_control(ev->source, ev->source_len)) {
		eds_record_reject(r, "bad-source", "source", "the source is "
		    "longer than %d bytes or holds a control character",
		    EDS_CONSENT_MAX_SOURCE);
		return -1;
	}
	return 0;
}
