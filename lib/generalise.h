/*
 * generalise.h: the generalisations of DESIGN section 4 that replace a
 * quasi-identifier by a coarser value: a date by its year or month, a
 * birth date by the age in whole years at an event date (top-coded), a
 * French postcode by its département, a number by the bin it falls in.
 * Inputs are canonical values (ISO 8601 dates, decimal point) as eds-ingest
 * writes them; each function returns -1 for a value it cannot read, and the
 * caller reports it with the row and column.
 */
#ifndef EDS_GENERALISE_H
#define EDS_GENERALISE_H

#include <stddef.h>

#include "datetime.h"

/*
 * Département of a five-digit French postcode into out[4]: the first two
 * digits; three for the overseas 97x and 98x; 2A for 20000-20199 and 2B
 * for 20200-20699 (Corsica).  Returns the length, or -1 if s is not five
 * digits.
 */
int eds_departement(const char *s, size_t len, char out[4]);

/* "YYYY" (out[5]) or "YYYY-MM" (out[8]) of an ISO 8601 date or date-time. */
int eds_gen_year(const char *s, size_t len, char out[5]);
int eds_gen_month(const char *s, size_t len, char out[8]);

/*
 * Age in whole years on date at of someone born on birth, as text in
 * out[16]: "N", or "TOP+" when N >= top (top <= 0: no top code).  Returns
 * the length, or -1 when at is before birth.
 */
int eds_gen_age(const struct eds_tm *birth, const struct eds_tm *at, int top,
    char out[16]);

/*
 * Numeric bins: n edges in increasing order make n + 1 bins, below the
 * first edge, [e_i, e_i+1) and from the last edge on.  Their labels are
 * "<e0", "[e0,e1)", ..., ">=en" unless given.
 */
struct eds_bins {
	double *edges;
	size_t n;
	char **labels;		/* n + 1 */
};

/* Set up bins from edges (copied); labels may be NULL for the defaults. */
void eds_bins_init(struct eds_bins *, const double *edges, size_t n,
    char *const *labels);
void eds_bins_release(struct eds_bins *);
/* The label for a decimal number in s[0..len), or NULL if it is not one. */
const char *eds_bins_label(const struct eds_bins *, const char *s,
    size_t len);

#endif
