/*
 * project.h: approved project specifications (man/eds-project.5): who
 * approved what, for whom, under which consent rules and period, and which
 * datasets leave the hospital: per dataset its source schema, input files
 * (names or globs), pseudonymisation policy, event-date column, selected
 * output columns and k-anonymity rule.  Relative paths resolve against the
 * directory of the specification file.  Every error is 78 and names the
 * file, line and column; an input pattern matching nothing is 66.
 */
#ifndef EDS_PROJECT_H
#define EDS_PROJECT_H

#include <stddef.h>

#include "digest.h"
#include "eds.h"

enum eds_kanon_action { EDS_KANON_REFUSE, EDS_KANON_SUPPRESS };

struct eds_dataset_spec {
	char *name;		/* data/<name>.csv */
	char *schema;		/* path, resolved */
	char *policy;		/* path, resolved */
	char **inputs;		/* resolved paths, globs expanded and sorted */
	size_t ninputs;
	char *date_column;	/* for the period; NULL if none */
	char **columns;		/* selected output columns; NULL = all */
	size_t ncolumns;
	/* k-anonymity; k == 0 when not asked */
	char **quasi;
	size_t nquasi;
	long k;
	enum eds_kanon_action kanon_action;
};

struct eds_project {
	char *path;
	char sha256[EDS_SHA256_HEX];	/* of the specification file */
	char *id;		/* External-Identifier, default domain */
	char *title;
	char *organization;	/* Source-Organization */
	char *approval_body;
	char *approval_reference;
	char *approval_date;	/* YYYY-MM-DD */
	char *purpose;
	char *requester;
	char *domain;		/* pseudonym domain (default: id) */
	/* consent */
	char **require;		/* scopes, in order */
	size_t nrequire;
	int opt_out;		/* regime: 0 opt-in, 1 opt-out */
	char *consent_at;	/* as given, or NULL for the run time */
	char *id_column;	/* NULL: the consent filter's default (ipp) */
	char *registry;		/* consent registry directory, or NULL */
	/* period, inclusive dates YYYY-MM-DD, NULL when open */
	char *period_from;
	char *period_to;
	/* output */
	int gzip;
	double max_reject_rate;
	struct eds_dataset_spec *datasets;
	size_t ndatasets;
};

/* Load and check path; NULL with 66 or 78. */
struct eds_project *eds_project_load(const char *path, struct eds_error *);

enum {
	EDS_PROJECT_NO_GLOB = 1 << 0	/* keep input patterns unexpanded */
};

/*
 * Like eds_project_load, from a specification already in memory: path
 * names it in messages and relative paths resolve against its directory.
 * With EDS_PROJECT_NO_GLOB each input pattern becomes one input, resolved
 * but neither expanded nor checked against the file system: for tests and
 * fuzzing, which must not depend on (or walk) the files present.
 */
struct eds_project *eds_project_parse(const char *path, const char *text,
    size_t len, int flags, struct eds_error *);
void eds_project_free(struct eds_project *);

#endif
