/*
 * consentfilter.h: the consent filter (DESIGN section 5) as a pipeline
 * stage, so that eds-consent filter and eds-export run the same code.
 *
 * The rules say which scopes are required (in order), under which regime
 * (opt-in: every required scope allowed; opt-out: none denied), as of
 * which time, and which column holds the patient identifier (default
 * "ipp", the patient column of the shipped source schemas).  They come
 * from the command line, a consent settings file (eds-consent(5),
 * config/consent/) or a "consent:" mapping inside another YAML file.
 *
 * The stage's start() finds the identifier column in the header and
 * process() returns EDS_PASS or EDS_DROP with record->reason set to
 * "no-record", "refused", "withdrawn", "expired" or "empty-id": the reason
 * of the first required scope, in the order given, that fails.  Nothing
 * the filter reports holds an identifier.  The stage looks identifiers up
 * in an open registry (registry.h), which must outlive it; its memory is a
 * few hundred bytes plus the registry's shared mapping, whatever the
 * number of rows.
 */
#ifndef EDS_CONSENTFILTER_H
#define EDS_CONSENTFILTER_H

#include <stdint.h>

#include "consent.h"
#include "eds.h"
#include "pipeline.h"
#include "registry.h"
#include "run.h"
#include "yamlconf.h"

#define EDS_CONSENT_DEFAULT_ID_COLUMN "ipp"
#define EDS_CONSENT_MAX_REQUIRE 16

struct eds_consent_rules {
	char *require[EDS_CONSENT_MAX_REQUIRE];	/* scopes, in order */
	size_t nrequire;
	enum eds_consent_regime regime;		/* NONE until set */
	char *at;			/* as given ("now", a date...), or NULL */
	char *id_column;		/* default "ipp" */
	char *registry;			/* directory, or NULL */
	char config_sha256[EDS_SHA256_HEX];	/* settings file, or "" */
};

void eds_consent_rules_init(struct eds_consent_rules *);
void eds_consent_rules_release(struct eds_consent_rules *);

/*
 * Setters for command-line values; each fails with 64 (usage) and a
 * message.  require takes "SCOPE[,SCOPE...]" (replacing any earlier
 * list; a scope listed twice is an error), regime "opt-in" or "opt-out",
 * at "now", a date (meaning the end of that day) or a date-time.
 */
int eds_consent_rules_require(struct eds_consent_rules *, const char *list,
    struct eds_error *);
int eds_consent_rules_regime(struct eds_consent_rules *, const char *,
    struct eds_error *);
int eds_consent_rules_at(struct eds_consent_rules *, const char *,
    struct eds_error *);
void eds_consent_rules_id_column(struct eds_consent_rules *, const char *);
void eds_consent_rules_registry(struct eds_consent_rules *, const char *);

/*
 * Read the consent settings in mapping m of a loaded YAML file (keys
 * registry, regime, require, at, id_column; any other key is an error):
 * every key present replaces the current value.  78 on a bad value, with
 * the file, line and column.
 */
int eds_consent_rules_from_yaml(struct eds_consent_rules *,
    const struct eds_yaml *, const struct eds_ynode *m, struct eds_error *);
/* Load a settings file whose top level is that mapping (66, 78). */
int eds_consent_rules_load(struct eds_consent_rules *, const char *path,
    struct eds_error *);
/* Fail with status (64 or 78) unless require and regime are set. */
int eds_consent_rules_check(const struct eds_consent_rules *, int status,
    struct eds_error *);

struct eds_consent_filter;

/*
 * A filter applying rules to registry reg (borrowed, must stay open).
 * The as-of time is fixed here ("now" is read once).  Fails with 64 on
 * incomplete rules or a bad time.
 */
struct eds_consent_filter *eds_consent_filter_new(
    const struct eds_registry *reg, const struct eds_consent_rules *,
    struct eds_error *);
/*
 * The pipeline stage (name "consent"; ctx is the filter, which must
 * outlive the pipeline).  start() fails with 65 if the header lacks the
 * identifier column; process() fails with 65 on a row too short to hold
 * it or on a corrupt registry record.
 */
void eds_consent_filter_stage(struct eds_consent_filter *,
    struct eds_stage *);
/* The verdict for one identifier (trimmed of blanks here): NONE to keep. */
int eds_consent_filter_verdict(struct eds_consent_filter *, const char *id,
    size_t len, enum eds_consent_reason *, struct eds_error *);
int64_t eds_consent_filter_at(const struct eds_consent_filter *);
/* Rows seen, kept, and dropped for a reason (EDS_REASON_NONE: kept). */
uint64_t eds_consent_filter_rows(const struct eds_consent_filter *);
uint64_t eds_consent_filter_count(const struct eds_consent_filter *,
    enum eds_consent_reason);
/*
 * Account for the filter in run: counts rows_in, rows_out, rows_dropped
 * and dropped.<reason> for every reason (zeros included), the registry
 * manifest as an input, and a "consent" member with the regime, the
 * required scopes, the as-of time, the identifier column and the
 * registry's generation.
 */
void eds_consent_filter_report(const struct eds_consent_filter *,
    struct eds_run *);
void eds_consent_filter_free(struct eds_consent_filter *);

/* What eds-consent filter does around the stage. */
struct eds_consent_filter_options {
	const char *output;		/* NULL or "-": stdout */
	const char *excluded;		/* dropped rows, or NULL */
	void (*progress)(void *ctx, uint64_t rows, uint64_t bytes);
	void *ctx;
};

/*
 * Stream the canonical CSV input (path, or stdin for NULL or "-") through
 * the filter to the output, keeping the header; dropped rows go to the
 * excluded file, if any, with a last column consent_reason.  Outputs are
 * committed only on success.  Counts go into run (see report).  Returns 0
 * or -1 (65 malformed input, 66, 73, 74).
 */
int eds_consent_filter_run(struct eds_consent_filter *,
    const struct eds_consent_filter_options *, const char *input,
    struct eds_run *, struct eds_error *);

#endif
