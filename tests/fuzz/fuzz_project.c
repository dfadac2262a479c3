/*
 * fuzz_project.c: the project-specification loader (lib/project.c) on any
 * YAML text.  The text is parsed from memory with EDS_PROJECT_NO_GLOB:
 * input patterns are resolved but never expanded, so the fuzzer exercises
 * the YAML handling and not the file system (a pattern of stars under the
 * root would otherwise walk the whole disk).  A loaded project is complete: an id,
 * a domain, at least one required scope and one dataset, each with a
 * schema, a policy and inputs resolved against the specification's
 * directory; a period that does not end before it starts.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "project.h"

#define SPEC "/nonexistent/eds-fuzz/spec.yaml"
#define SPEC_DIR "/nonexistent/eds-fuzz/"

static int
resolved(const char *p)
{
	return p != NULL && (p[0] == '/');
}

FUZZ_TARGET(project)
{
	struct eds_project *p;
	struct eds_error err;
	size_t i, j;

	eds_error_clear(&err);
	p = eds_project_parse(SPEC, (const char *)data, size,
	    EDS_PROJECT_NO_GLOB, &err);
	if (p == NULL) {
		FUZZ_CHECK(err.status == EDS_EX_CONFIG);
		FUZZ_CHECK(strcmp(err.file, SPEC) == 0 || err.file[0] == '\0');
		return 0;
	}
	FUZZ_CHECK(p->id != NULL && *p->id != '\0' && p->domain != NULL);
	FUZZ_CHECK(p->nrequire > 0 && p->ndatasets > 0);
	FUZZ_CHECK(p->max_reject_rate >= 0 && p->max_reject_rate <= 1);
	if (p->period_from != NULL && p->period_to != NULL)
		FUZZ_CHECK(strcmp(p->period_from, p->period_to) <= 0);
	for (i = 0; i < p->ndatasets; i++) {
		const struct eds_dataset_spec *d = &p->datasets[i];

		FUZZ_CHECK(d->name != NULL && *d->name != '\0');
		FUZZ_CHECK(resolved(d->schema) && resolved(d->policy));
		FUZZ_CHECK(d->ninputs > 0 && d->inputs[d->ninputs] == NULL);
		for (j = 0; j < d->ninputs; j++)
			FUZZ_CHECK(resolved(d->inputs[j]));
		FUZZ_CHECK(d->k == 0 || d->nquasi > 0);
	}
	eds_project_free(p);
	return 0;
}
