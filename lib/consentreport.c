/*
 * consentreport.c: the status and stats reports of eds-consent (see
 * consentreport.h).  Both walk a patient's entries with
 * eds_registry_next_entry and ask eds_consent_status for each scope, so
 * they say exactly what the filter would decide.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consentreport.h"
#include "xmalloc.h"

/* One event of the history, for sorting. */
struct hist {
	struct eds_consent_item it;
	uint32_t scope;
	size_t order;		/* stored order: ties keep import order */
};

static int
hist_cmp(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	if (x->it.recorded_at != y->it.recorded_at)
		return x->it.recorded_at < y->it.recorded_at ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static const char *
tstr(int64_t t, char buf[EDS_CONSENT_TIME_MAX])
{
	if (t == EDS_CONSENT_NEVER)
		return "-";
	eds_consent_time_format(t, buf);
	return buf;
}

static void
state_line(struct eds_buf *out, const struct eds_registry *reg, int w,
    const char *scope, const struct eds_consent_status *st,
    const struct eds_consent_item *it)
{
	char state[40], t1[EDS_CONSENT_TIME_MAX], t2[EDS_CONSENT_TIME_MAX];

	if (st->reason == EDS_REASON_NONE)
		snprintf(state, sizeof state, "%s",
		    eds_consent_state_name(st->state));
	else
		snprintf(state, sizeof state, "%s (%s)",
		    eds_consent_state_name(st->state),
		    eds_consent_reason_name(st->reason));
	if (it == NULL) {
		eds_buf_addf(out, "  %-*s  %-19s  %-9s  %-27s  %-27s  %s\n", w,
		    scope, state, "-", "-", "-", "-");
		return;
	}
	eds_buf_addf(out, "  %-*s  %-19s  %-9s  %-27s  %-27s  %s\n", w, scope,
	    state, eds_consent_decision_name(it->decision),
	    tstr(it->recorded_at, t1), tstr(it->expires_at, t2),
	    eds_registry_source_name(reg, it->source));
}

int
eds_consent_status_report(const struct eds_registry *reg, const char *id,
    int64_t at, const char *scope, struct eds_buf *out,
    struct eds_error *err)
{
	struct eds_registry_patient pt;
	struct eds_registry_entry e;
	struct eds_consent_item *items = NULL;
	struct eds_consent_status st;
	struct hist *h = NULL;
	size_t cap = 0, nh = 0, hcap = 0, i;
	char t1[EDS_CONSENT_TIME_MAX], t2[EDS_CONSENT_TIME_MAX];
	const char *key;
	size_t idlen;
	long want = -1;
	int found, rc, w = 9, shown = 0;

	if (scope != NULL) {
		want = eds_registry_scope_find(reg, scope, strlen(scope));
		if ((int)strlen(scope) > w)
			w = (int)strlen(scope);
	}
	/* Trimmed as at import and in the filter. */
	idlen = strlen(id);
	key = eds_consent_trim(id, &idlen);
	if ((found = eds_registry_find(reg, key, idlen, &pt, err)) == -1)
		return -1;
	eds_buf_addf(out, "patient %s as of %s", id, tstr(at, t1));
	if (!found) {
		eds_buf_addstr(out, ": no consent recorded\n");
		if (scope != NULL) {
			eds_consent_status(NULL, 0, at, &st);
			eds_buf_addf(out, "  %-*s  %-19s  %-9s  %-27s  %-27s  "
			    "%s\n", w, "scope", "status", "decision",
			    "recorded_at", "expires_at", "source");
			state_line(out, reg, w, scope, &st, NULL);
		}
		return 0;
	}
	/* Widest scope name, for the columns. */
	for (i = 0; i < eds_registry_nscopes(reg); i++)
		if ((int)strlen(eds_registry_scope_name(reg, (uint32_t)i)) > w)
			w = (int)strlen(eds_registry_scope_name(reg,
			    (uint32_t)i));
	eds_buf_addch(out, '\n');
	eds_buf_addf(out, "  %-*s  %-19s  %-9s  %-27s  %-27s  %s\n", w,
	    "scope", "status", "decision", "recorded_at", "expires_at",
	    "source");
	while ((rc = eds_registry_next_entry(&pt, &e, &items, &cap, err)) ==
	    1) {
		/* want is -1 when the registry never saw the scope. */
		if (scope != NULL && (long)e.scope != want)
			continue;
		eds_consent_status(items, e.nitems, at, &st);
		state_line(out, reg, w, eds_registry_scope_name(reg, e.scope),
		    &st, st.item >= 0 ? &items[st.item] : NULL);
		shown = 1;
		for (i = 0; i < e.nitems; i++) {
			if (nh == hcap) {
				hcap = hcap ? 2 * hcap : 16;
				h = xreallocarray(h, hcap, sizeof *h);
			}
			h[nh].it = items[i];
			h[nh].scope = e.scope;
			h[nh].order = nh;
			nh++;
		}
	}
	if (rc == -1) {
		free(items);
		free(h);
		return -1;
	}
	if (scope != NULL && !shown) {
		eds_consent_status(NULL, 0, at, &st);
		state_line(out, reg, w, scope, &st, NULL);
	}
	if (nh > 1)
		qsort(h, nh, sizeof *h, hist_cmp);
	eds_buf_addf(out, "  history (%zu event%s, oldest first):\n", nh,
	    nh == 1 ? "" : "s");
	if (nh > 0)
		eds_buf_addf(out, "    %-27s  %-*s  %-9s  %-27s  %s\n",
		    "recorded_at", w, "scope", "decision", "expires_at",
		    "source");
	for (i = 0; i < nh; i++)
		eds_buf_addf(out, "    %-27s  %-*s  %-9s  %-27s  %s%s\n",
		    tstr(h[i].it.recorded_at, t1), w,
		    eds_registry_scope_name(reg, h[i].scope),
		    eds_consent_decision_name(h[i].it.decision),
		    tstr(h[i].it.expires_at, t2),
		    eds_registry_source_name(reg, h[i].it.source),
		    h[i].it.recorded_at > at ? "  (after the as-of time)" : "");
	free(items);
	free(h);
	return 1;
}

/* Per-scope tallies. */
struct tally {
	uint64_t decision[4];		/* events, by decision */
	uint64_t state[EDS_REASON_COUNT];	/* patients, by reason at T */
};

int
eds_consent_stats_report(const struct eds_registry *reg, int64_t at,
    struct eds_buf *out, struct eds_run *run, struct eds_error *err)
{
	struct eds_registry_info info;
	struct eds_registry_patient pt;
	struct eds_registry_entry e;
	struct eds_consent_item *items = NULL;
	struct eds_consent_status st;
	struct tally *t;
	uint32_t ns = eds_registry_nscopes(reg), s;
	uint64_t p, total;
	size_t cap = 0, i;
	char name[200], t1[EDS_CONSENT_TIME_MAX];
	int rc = 0, w = 9;

	eds_registry_info(reg, &info);
	t = xcalloc(ns + 1, sizeof *t);
	for (p = 0; p < info.patients && rc == 0; p++) {
		if (eds_registry_patient(reg, p, &pt, err) == -1) {
			rc = -1;
			break;
		}
		while ((rc = eds_registry_next_entry(&pt, &e, &items, &cap,
		    err)) == 1) {
			for (i = 0; i < e.nitems; i++)
				t[e.scope].decision[items[i].decision]++;
			eds_consent_status(items, e.nitems, at, &st);
			t[e.scope].state[st.reason]++;
		}
	}
	free(items);
	if (rc == -1) {
		free(t);
		return -1;
	}
	total = info.log_bytes + info.index_bytes + info.manifest_bytes;
	eds_buf_addf(out, "registry    %s\n", eds_registry_dir(reg));
	eds_buf_addf(out, "format      %u\n", info.format);
	eds_buf_addf(out, "generation  %llu\n",
	    (unsigned long long)info.generation);
	eds_buf_addf(out, "updated     %s\n", tstr(info.updated, t1));
	eds_buf_addf(out, "imports     %llu\n",
	    (unsigned long long)info.segments);
	eds_buf_addf(out, "patients    %llu\n",
	    (unsigned long long)info.patients);
	eds_buf_addf(out, "entries     %llu (patient, scope)\n",
	    (unsigned long long)info.entries);
	eds_buf_addf(out, "events      %llu\n",
	    (unsigned long long)info.events);
	eds_buf_addf(out, "size        %llu bytes (log %llu, index %llu, "
	    "manifest %llu)\n", (unsigned long long)total,
	    (unsigned long long)info.log_bytes,
	    (unsigned long long)info.index_bytes,
	    (unsigned long long)info.manifest_bytes);
	eds_run_set(run, "patients", info.patients);
	eds_run_set(run, "entries", info.entries);
	eds_run_set(run, "events", info.events);
	eds_run_set(run, "imports", info.segments);
	eds_run_set(run, "bytes", total);
	for (s = 0; s < ns; s++)
		if ((int)strlen(eds_registry_scope_name(reg, s)) > w)
			w = (int)strlen(eds_registry_scope_name(reg, s));
	eds_buf_addf(out, "\nevents per scope and decision:\n");
	eds_buf_addf(out, "  %-*s  %10s  %10s  %10s\n", w, "scope", "granted",
	    "refused", "withdrawn");
	for (s = 0; s < ns; s++)
		eds_buf_addf(out, "  %-*s  %10llu  %10llu  %10llu\n", w,
		    eds_registry_scope_name(reg, s),
		    (unsigned long long)t[s].decision[EDS_CONSENT_GRANTED],
		    (unsigned long long)t[s].decision[EDS_CONSENT_REFUSED],
		    (unsigned long long)t[s].decision[EDS_CONSENT_WITHDRAWN]);
	eds_buf_addf(out, "\npatients per scope and status as of %s:\n",
	    tstr(at, t1));
	eds_buf_addf(out, "  %-*s  %10s  %10s  %10s  %10s  %10s\n", w, "scope",
	    "allowed", "refused", "withdrawn", "expired", "not-yet");
	for (s = 0; s < ns; s++)
		eds_buf_addf(out, "  %-*s  %10llu  %10llu  %10llu  %10llu  "
		    "%10llu\n", w, eds_registry_scope_name(reg, s),
		    (unsigned long long)t[s].state[EDS_REASON_NONE],
		    (unsigned long long)t[s].state[EDS_REASON_REFUSED],
		    (unsigned long long)t[s].state[EDS_REASON_WITHDRAWN],
		    (unsigned long long)t[s].state[EDS_REASON_EXPIRED],
		    (unsigned long long)t[s].state[EDS_REASON_NO_RECORD]);
	for (s = 0; s < ns; s++) {
		const char *sc = eds_registry_scope_name(reg, s);
		static const char *const dn[4] = { NULL, "granted", "refused",
		    "withdrawn" };
		int d;

		for (d = 1; d <= 3; d++) {
			snprintf(name, sizeof name, "%s.%s", dn[d], sc);
			eds_run_set(run, name, t[s].decision[d]);
		}
		snprintf(name, sizeof name, "allowed.%s", sc);
		eds_run_set(run, name, t[s].state[EDS_REASON_NONE]);
		snprintf(name, sizeof name, "denied.%s", sc);
		eds_run_set(run, name, t[s].state[EDS_REASON_REFUSED] +
		    t[s].state[EDS_REASON_WITHDRAWN]);
		snprintf(name, sizeof name, "expired.%s", sc);
		eds_run_set(run, name, t[s].state[EDS_REASON_EXPIRED]);
	}
	free(t);
	return 0;
}
