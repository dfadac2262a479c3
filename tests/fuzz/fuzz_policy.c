/*
 * fuzz_policy.c: the pseudonymisation policy loader (lib/policy.c over
 * lib/yamlconf.c) on any text, parsed from memory.  A refusal is 78 with a
 * message naming the policy.  A policy that loads is what eds-pseudo
 * relies on without checking again: column names are unique and found by
 * eds_policy_find; every pseudonymised column has a namespace, a length of
 * 16 to 64 and a prefix of at most 32 bytes; shift_days is 1 to 36500; the
 * patient id, an age's event date and every identifying column of a scrub
 * rule name listed columns; a policy that shifts has a patient id; bins
 * have increasing edges and a label for each interval.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "policy.h"
#include "pseudonym.h"

#define NAME "fuzz-policy.yaml"

FUZZ_TARGET(policy)
{
	struct eds_policy *p;
	struct eds_error err;
	size_t i, k;

	eds_error_clear(&err);
	p = eds_policy_parse(NAME, (const char *)data, size, &err);
	if (p == NULL) {
		FUZZ_CHECK(err.status == EDS_EX_CONFIG);
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(strcmp(err.file, NAME) == 0);
		return 0;
	}
	FUZZ_CHECK(p->shift_days >= 1 && p->shift_days <= EDS_SHIFT_DAYS_MAX);
	FUZZ_CHECK(p->domain == NULL || eds_domain_valid(p->domain));
	FUZZ_CHECK(p->patient_id == NULL ||
	    eds_policy_find(p, p->patient_id) != NULL);
	for (i = 0; i < p->ncols; i++) {
		const struct eds_policy_col *c = &p->cols[i];

		FUZZ_CHECK(c->name != NULL && *c->name != '\0');
		FUZZ_CHECK(eds_policy_find(p, c->name) == c);
		FUZZ_CHECK(eds_action_name(c->action) != NULL);
		FUZZ_CHECK(c->prefix != NULL);
		FUZZ_CHECK(c->action != EDS_ACT_DROP || c->rename == NULL);
		switch (c->action) {
		case EDS_ACT_PSEUDONYMISE:
			FUZZ_CHECK(c->ns != NULL && *c->ns != '\0' &&
			    strlen(c->ns) <= EDS_NS_MAX);
			FUZZ_CHECK(c->length >= EDS_PSEUDO_LEN_MIN &&
			    c->length <= EDS_PSEUDO_LEN_MAX);
			FUZZ_CHECK(strlen(c->prefix) <= EDS_PREFIX_MAX);
			break;
		case EDS_ACT_SHIFT:
			FUZZ_CHECK(p->patient_id != NULL);
			break;
		case EDS_ACT_GENERALISE:
			if (c->gen == EDS_GEN_AGE)
				FUZZ_CHECK(c->at != NULL &&
				    eds_policy_find(p, c->at) != NULL);
			if (c->gen == EDS_GEN_BINS) {
				FUZZ_CHECK(c->bins.n > 0);
				for (k = 1; k < c->bins.n; k++)
					FUZZ_CHECK(c->bins.edges[k - 1] <
					    c->bins.edges[k]);
				for (k = 0; k <= c->bins.n; k++)
					FUZZ_CHECK(c->bins.labels[k] != NULL);
				(void)eds_bins_label(&c->bins, "12.5", 4);
			}
			break;
		case EDS_ACT_SCRUB:
			if (c->dates == EDS_DATES_SHIFT)
				FUZZ_CHECK(p->patient_id != NULL);
			for (k = 0; k < c->nident; k++) {
				FUZZ_CHECK(eds_policy_find(p,
				    c->ident[k].column) != NULL);
				FUZZ_CHECK(c->ident[k].label != NULL &&
				    *c->ident[k].label != '\0');
			}
			break;
		default:
			break;
		}
	}
	(void)eds_policy_patient_norm(p);
	eds_policy_free(p);
	return 0;
}
