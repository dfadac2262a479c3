/*
 * consentreport.h: what eds-consent status and stats print, built into a
 * buffer from an open registry (the library never prints).
 *
 * status is for the data-protection officer: for one patient, each scope's
 * state at the as-of time with the deciding event (decision, when it was
 * recorded, its expiry and its source), then the patient's full history,
 * later events included and marked.  It holds the identifier it was asked
 * about, and no other.  stats holds no identifier: counts per scope and
 * decision, patients per scope and state at a time, and sizes.
 */
#ifndef EDS_CONSENTREPORT_H
#define EDS_CONSENTREPORT_H

#include <stdint.h>

#include "buf.h"
#include "eds.h"
#include "registry.h"
#include "run.h"

/*
 * Append the status report of patient id at time at to out; only scope
 * when not NULL (it is shown even if the patient has no event in it).
 * Returns 1 if the patient has events, 0 if not (the report says so), -1
 * on a corrupt registry (65).
 */
int eds_consent_status_report(const struct eds_registry *, const char *id,
    int64_t at, const char *scope, struct eds_buf *out, struct eds_error *);

/*
 * Append the statistics of the registry at time at to out, and set the
 * counts of run: patients, entries, events, imports, bytes, then per scope
 * granted.SCOPE, refused.SCOPE, withdrawn.SCOPE (events) and allowed.SCOPE,
 * denied.SCOPE, expired.SCOPE (patients at time at).  One pass over the
 * index.  Returns 0 or -1 (65).
 */
int eds_consent_stats_report(const struct eds_registry *, int64_t at,
    struct eds_buf *out, struct eds_run *run, struct eds_error *);

#endif
