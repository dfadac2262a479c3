/*
 * policy.h: pseudonymisation policies (man/eds-policy.5): for one source,
 * which column identifies the patient, and for every column what happens
 * to it: keep, drop, pseudonymise (namespace, length, prefix, normalise
 * steps), shift (a date or date-time, by the row's patient offset),
 * generalise (year, month, age at an event date, département, numeric
 * bins), uid (DICOM UID) or scrub (free text, naming the row's identifying
 * columns).  Columns the policy does not name are an error unless
 * 'unlisted' says drop or keep.  Loading checks everything, cross
 * references included, and reports 78 with file:line:column.
 */
#ifndef EDS_POLICY_H
#define EDS_POLICY_H

#include <stddef.h>

#include "digest.h"
#include "eds.h"
#include "generalise.h"
#include "scrub.h"

enum eds_action {
	EDS_ACT_KEEP, EDS_ACT_DROP, EDS_ACT_PSEUDONYMISE, EDS_ACT_SHIFT,
	EDS_ACT_GENERALISE, EDS_ACT_UID, EDS_ACT_SCRUB
};

enum eds_gen {
	EDS_GEN_YEAR, EDS_GEN_MONTH, EDS_GEN_AGE, EDS_GEN_DEPARTEMENT,
	EDS_GEN_BINS
};

enum eds_unlisted { EDS_UNLISTED_ERROR, EDS_UNLISTED_DROP, EDS_UNLISTED_KEEP };

#define EDS_AGE_TOP_DEFAULT 90

struct eds_policy_ident {
	char *column;		/* a column of the row */
	char *label;		/* its token: NOM gives [NOM] */
};

struct eds_policy_col {
	char *name;		/* canonical input column name */
	char *rename;		/* output name, or NULL to keep name */
	enum eds_action action;
	unsigned long line, col;	/* where the policy names it */
	/* pseudonymise */
	char *ns;
	int length;
	char *prefix;		/* "" when none */
	int norm;		/* EDS_NORM_* steps */
	/* shift */
	int shift_type;		/* 0 auto, 1 date, 2 datetime */
	/* generalise */
	enum eds_gen gen;
	int top;		/* age: top code (0: none) */
	char *at;		/* age: the event-date column */
	struct eds_bins bins;
	/* scrub */
	struct eds_policy_ident *ident;
	size_t nident;
	enum eds_scrub_dates dates;
};

struct eds_policy {
	char *path;
	char sha256[EDS_SHA256_HEX];
	char *name;		/* 'policy', or NULL */
	char *description;
	char *patient_id;	/* column, or NULL */
	char *domain;		/* default domain, or NULL */
	int shift_days;
	enum eds_unlisted unlisted;
	struct eds_policy_col *cols;
	size_t ncols;
};

/* Load and check a policy file; NULL with 66 or 78. */
struct eds_policy *eds_policy_load(const char *path, struct eds_error *);
/* The same from text (name is used in messages). */
struct eds_policy *eds_policy_parse(const char *name, const char *text,
    size_t len, struct eds_error *);
void eds_policy_free(struct eds_policy *);
/* The rule for column name, or NULL when the policy does not list it. */
const struct eds_policy_col *eds_policy_find(const struct eds_policy *,
    const char *name);
/*
 * The normalisation of patient ids for date-shift offsets: the steps of
 * the patient id column when it is pseudonymised, else trim only (0).
 */
int eds_policy_patient_norm(const struct eds_policy *);
const char *eds_action_name(enum eds_action);

#endif
