/*
 * fuzz_consent.c: the consent event parser (lib/consent.c), as an import
 * reads a file: the CSV reader with the separator detected from the
 * header, eds_consent_header on the first row, eds_consent_event_parse on
 * every other one.
 *
 * Invariants: a header that is accepted maps the five required columns
 * (and expires_at when present) to distinct columns of the row; a refused
 * one is 65 naming the file and line 1 or later.  An event that parses has
 * a patient identifier of 1 to 256 bytes without control characters, a
 * valid scope, a decision, a recorded_at in the valid range that formats
 * and parses back to itself, an expiry that does the same or is "never",
 * and a source of at most 256 bytes.  A rejected row has one of the
 * documented reasons, and its message never quotes the patient identifier
 * (unless the same bytes are also in another field of the row, which a
 * message may quote; a message's own words, "primary" say, are not quotes).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent.h"
#include "csvread.h"
#include "fuzz.h"
#include "input.h"

struct ctx {
	struct eds_consent_columns cols;
	int header;		/* 1: accepted, -1: refused */
	unsigned long rows;
};

static const char *const reasons[] = {
	"column-count", "empty-id", "bad-patient-id", "bad-scope",
	"bad-decision", "bad-recorded-at", "bad-expires-at", "bad-source",
	NULL
};

static int
known_reason(const char *r)
{
	size_t i;

	for (i = 0; reasons[i] != NULL; i++)
		if (strcmp(r, reasons[i]) == 0)
			return 1;
	return 0;
}

/* 1 if the time formats and parses back to the same instant. */
static int
round_trips(int64_t t)
{
	char buf[EDS_CONSENT_TIME_MAX];
	int64_t back;
	size_t n;

	n = eds_consent_time_format(t, buf);
	FUZZ_CHECK(n > 0 && n < sizeof buf && strlen(buf) == n);
	return eds_consent_time_parse(buf, n, &back) == 0 && back == t;
}

static int
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* The patient's bytes appear in a field other than the patient's. */
static int
elsewhere(const struct eds_record *r, long patient, const char *id,
    size_t len)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if ((long)i != patient &&
		    memmem(r->f[i].s, r->f[i].len, id, len) != NULL)
			return 1;
	return 0;
}

/*
 * The message quotes the bytes id[0..len): they occur between its first
 * and last quote marks (what it quotes of a field), not in its fixed words.
 */
static int
quotes(const char *detail, const char *id, size_t len)
{
	const char *a = strchr(detail, '\''), *b = strrchr(detail, '\'');

	return a != NULL && b > a && memmem(a + 1, (size_t)(b - a - 1), id,
	    len) != NULL;
}

static int
on_row(void *vctx, struct eds_record *r, struct eds_error *err)
{
	struct ctx *c = vctx;
	struct eds_consent_event ev;
	struct eds_error herr;
	const char *id;
	size_t idlen;
	long *slot[6];
	int i, j;

	(void)err;
	if (c->header == 0) {
		eds_error_clear(&herr);
		if (eds_consent_header(r, &c->cols, &herr) == -1) {
			FUZZ_CHECK(herr.status == EDS_EX_DATAERR);
			FUZZ_CHECK(herr.line >= 1 && herr.msg[0] != '\0');
			c->header = -1;
			return 0;
		}
		c->header = 1;
		slot[0] = &c->cols.patient;
		slot[1] = &c->cols.scope;
		slot[2] = &c->cols.decision;
		slot[3] = &c->cols.recorded_at;
		slot[4] = &c->cols.source;
		slot[5] = &c->cols.expires_at;
		FUZZ_CHECK(c->cols.n == r->n);
		for (i = 0; i < 6; i++) {
			if (i == 5 && *slot[i] == -1)
				continue;
			FUZZ_CHECK(*slot[i] >= 0 && (size_t)*slot[i] < r->n);
			for (j = 0; j < i; j++)
				FUZZ_CHECK(*slot[i] != *slot[j]);
		}
		return 0;
	}
	if (c->header == -1)
		return 0;
	c->rows++;
	if (r->reason != NULL)
		return 0;	/* the reader's own reject (quoting, size) */
	/* The patient's bytes, before parsing changes the verdict. */
	id = NULL;
	idlen = 0;
	if (r->n == c->cols.n) {
		idlen = r->f[c->cols.patient].len;
		id = eds_consent_trim(r->f[c->cols.patient].s, &idlen);
	}
	if (eds_consent_event_parse(&c->cols, r, &ev) == -1) {
		FUZZ_CHECK(r->reason != NULL && known_reason(r->reason));
		FUZZ_CHECK(strlen(r->detail) < sizeof r->detail);
		if (getenv("FUZZ_DEBUG") != NULL)
			fprintf(stderr, "row %lu: %s: [%.*s] [%s]\n", r->line,
			    r->reason, (int)idlen, id != NULL ? id : "",
			    r->detail);
		if (id != NULL && idlen >= 4 && quotes(r->detail, id, idlen))
			FUZZ_CHECK(elsewhere(r, c->cols.patient, id, idlen));
		return 0;
	}
	FUZZ_CHECK(r->reason == NULL);
	FUZZ_CHECK(ev.patient_len >= 1 &&
	    ev.patient_len <= EDS_CONSENT_MAX_ID);
	FUZZ_CHECK(!has_control(ev.patient, ev.patient_len));
	FUZZ_CHECK(ev.patient == id && ev.patient_len == idlen);
	FUZZ_CHECK(eds_consent_scope_valid(ev.scope, ev.scope_len));
	FUZZ_CHECK(ev.scope_len <= EDS_CONSENT_MAX_SCOPE);
	FUZZ_CHECK(eds_consent_decision_name(ev.decision) != NULL);
	FUZZ_CHECK(ev.source_len <= EDS_CONSENT_MAX_SOURCE);
	FUZZ_CHECK(!has_control(ev.source, ev.source_len));
	FUZZ_CHECK(round_trips(ev.recorded_at));
	FUZZ_CHECK(ev.expires_at == EDS_CONSENT_NEVER ||
	    round_trips(ev.expires_at));
	return 0;
}

FUZZ_TARGET(consent)
{
	const char *path = fuzz_file("events.csv", data, size);
	struct eds_csv_options o;
	struct eds_csv_reader *r;
	struct eds_input *in;
	struct eds_error err;
	struct ctx c;
	int64_t t;
	char *text;

	memset(&c, 0, sizeof c);
	eds_error_clear(&err);
	if ((in = eds_input_open(path, &err)) == NULL) {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_NOINPUT);
		return 0;
	}
	eds_csv_options_init(&o);
	o.sep = 0;		/* detected from the header, as import does */
	r = eds_csv_reader_new(in, &o);
	if (eds_csv_reader_run(r, on_row, &c, &err) == -1)
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_IOERR);
	eds_csv_reader_free(r);
	eds_input_close(in);

	/* The whole input as an as-of time (--at). */
	if (size < 64) {
		text = fuzz_text(data, size);
		if (strlen(text) == size && strcmp(text, "now") != 0 &&
		    eds_consent_at_parse(text, &t) == 0)
			FUZZ_CHECK(round_trips(t));
		free(text);
	}
	return 0;
}
