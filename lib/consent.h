/*
 * consent.h: consent events and the status rules of DESIGN section 5, with
 * no I/O and no registry: what an event row may hold (scope and decision
 * syntax, ISO 8601 times, patient identifiers), how a (patient, scope)
 * history answers "allowed, denied or unknown at time T", and how a regime
 * turns the statuses of the required scopes into keep or drop with a
 * reason.  The registry (registry.h) stores histories; the filter
 * (consentfilter.h) applies them to rows.  Both call the functions here, so
 * the rules exist in one place and are tested as pure functions.
 *
 * Times are microseconds since 1970-01-01T00:00:00Z in an int64_t: event
 * times without an offset are UTC, a date alone is 00:00:00 UTC of that
 * date, fraction digits beyond the sixth are dropped.
 */
#ifndef EDS_CONSENT_H
#define EDS_CONSENT_H

#include <stddef.h>
#include <stdint.h>

#include "eds.h"
#include "record.h"

enum eds_consent_decision {
	EDS_CONSENT_GRANTED = 1,
	EDS_CONSENT_REFUSED = 2,
	EDS_CONSENT_WITHDRAWN = 3
};

/* expires_at of a decision that does not expire. */
#define EDS_CONSENT_NEVER INT64_MAX
/* Longest patient identifier, source and scope, in bytes. */
#define EDS_CONSENT_MAX_ID 256
#define EDS_CONSENT_MAX_SOURCE 256
#define EDS_CONSENT_MAX_SCOPE 128
/* Room for a formatted time: "YYYY-MM-DDTHH:MM:SS.ffffffZ" and a NUL. */
#define EDS_CONSENT_TIME_MAX 32

enum eds_consent_state {
	EDS_CONSENT_UNKNOWN = 0,	/* no decision, or an expired grant */
	EDS_CONSENT_ALLOWED,
	EDS_CONSENT_DENIED
};

/* Why a scope is not allowed; the filter's drop reasons. */
enum eds_consent_reason {
	EDS_REASON_NONE = 0,		/* allowed: nothing to drop for */
	EDS_REASON_NO_RECORD,		/* "no-record" */
	EDS_REASON_REFUSED,		/* "refused" */
	EDS_REASON_WITHDRAWN,		/* "withdrawn" */
	EDS_REASON_EXPIRED,		/* "expired" */
	EDS_REASON_EMPTY_ID,		/* "empty-id" */
	EDS_REASON_COUNT
};

enum eds_consent_regime {
	EDS_REGIME_NONE = 0,
	EDS_REGIME_OPT_IN,	/* keep when every required scope is allowed */
	EDS_REGIME_OPT_OUT	/* keep when no required scope is denied */
};

/* One recorded decision of a (patient, scope) history. */
struct eds_consent_item {
	int64_t recorded_at;
	int64_t expires_at;	/* EDS_CONSENT_NEVER when none */
	int decision;		/* enum eds_consent_decision */
	uint32_t source;	/* the registry's number for the source */
};

struct eds_consent_status {
	enum eds_consent_state state;
	enum eds_consent_reason reason;	/* NONE when allowed */
	long item;			/* deciding item, or -1 */
};

/*
 * The status at time `at' of a history whose n items are in import order
 * (items with equal recorded_at: the later one in the array was imported
 * later).  The item with the latest recorded_at <= at decides, ties going
 * to the later imported; granted with expires_at <= at is unknown
 * (reason expired); refused and withdrawn are denied; no item is unknown
 * (reason no-record).  items may be NULL when n is 0.
 */
void eds_consent_status(const struct eds_consent_item *items, size_t n,
    int64_t at, struct eds_consent_status *);

/*
 * Keep or drop, given the statuses of the required scopes in the order
 * given: EDS_REASON_NONE to keep, else the reason of the first scope that
 * fails (opt-in: not allowed; opt-out: denied).  n is at least 1.
 */
enum eds_consent_reason eds_consent_verdict(enum eds_consent_regime,
    const struct eds_consent_status *, size_t n);

/* "no-record", "refused", ... ("" for NONE); NULL out of range. */
const char *eds_consent_reason_name(enum eds_consent_reason);
/* "granted", "refused", "withdrawn", or NULL. */
const char *eds_consent_decision_name(int decision);
/* "allowed", "denied", "unknown". */
const char *eds_consent_state_name(enum eds_consent_state);
/* "opt-in", "opt-out", or NULL. */
const char *eds_consent_regime_name(enum eds_consent_regime);

/* The decision spelled s[0..len) (lower case, exact), or 0. */
int eds_consent_decision_parse(const char *s, size_t len);
/* EDS_REGIME_OPT_IN / OPT_OUT for "opt-in" / "opt-out", else NONE. */
enum eds_consent_regime eds_consent_regime_parse(const char *s);
/*
 * 1 if s[0..len) is a scope: "primary", "secondary" or "study:" followed
 * by 1 to 100 of A-Z a-z 0-9 . _ - (e.g. study:PROJ-2026-014).
 */
int eds_consent_scope_valid(const char *s, size_t len);

/*
 * An event time: ISO 8601 YYYY-MM-DD, optionally T (or a space) and
 * HH:MM[:SS[.fraction]], optionally Z or an offset.  A date alone is
 * 00:00:00 UTC; no offset means UTC.  Returns 0, or -1 if malformed.
 */
int eds_consent_time_parse(const char *s, size_t len, int64_t *out);
/*
 * An as-of time (--at): the same forms, except that a date alone means the
 * end of that day UTC (23:59:59.999999, so events recorded on that date
 * count), and "now" is the current time.  Returns 0 or -1.
 */
int eds_consent_at_parse(const char *s, int64_t *out);
/* UTC "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" when not a whole second. */
size_t eds_consent_time_format(int64_t t, char buf[EDS_CONSENT_TIME_MAX]);
/* The current time, in microseconds since the epoch. */
int64_t eds_consent_now(void);

/* Trim ASCII blanks (space, tab) around s[0..*len); returns the start. */
const char *eds_consent_trim(const char *s, size_t *len);

/*
 * The event CSV (eds-consent(5)): a header naming patient_id, scope,
 * decision, recorded_at, source and optionally expires_at, in any order
 * and case; no other column.  eds_consent_header maps a header row to
 * column numbers, failing with 65 and the file:line of the row.
 */
struct eds_consent_columns {
	long patient, scope, decision, recorded_at, source, expires_at;
	size_t n;		/* columns in the header */
};

int eds_consent_header(const struct eds_record *,
    struct eds_consent_columns *, struct eds_error *);

/* An event as parsed; the strings point into the record's fields. */
struct eds_consent_event {
	const char *patient;
	size_t patient_len;
	const char *scope;
	size_t scope_len;
	const char *source;
	size_t source_len;
	int decision;
	int64_t recorded_at;
	int64_t expires_at;	/* EDS_CONSENT_NEVER when empty */
};

/*
 * Parse and validate a data row.  Returns 0, or -1 with the record marked
 * rejected (record->reason one of "column-count", "empty-id",
 * "bad-patient-id", "bad-scope", "bad-decision", "bad-recorded-at",
 * "bad-expires-at", "bad-source"; record->detail never quotes the patient
 * identifier).  Fields are trimmed of ASCII blanks.
 */
int eds_consent_event_parse(const struct eds_consent_columns *,
    struct eds_record *, struct eds_consent_event *);

#endif
