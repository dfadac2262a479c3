/*
 * pipeline.c: running records through a list of stages (see pipeline.h).
 */
#include "config.h"

#include <stdlib.h>

#include "pipeline.h"
#include "xmalloc.h"

void
eds_pipeline_init(struct eds_pipeline *p)
{
	p->stages = NULL;
	p->n = 0;
	p->headers = NULL;
	p->started = 0;
}

void
eds_pipeline_add(struct eds_pipeline *p, const struct eds_stage *s)
{
	p->stages = xreallocarray(p->stages, p->n + 1, sizeof *p->stages);
	p->stages[p->n++] = *s;
}

int
eds_pipeline_start(struct eds_pipeline *p, const struct eds_header *in,
    struct eds_error *err)
{
	size_t i;

	p->headers = xcalloc(p->n + 1, sizeof *p->headers);
	p->started = 1;
	eds_header_copy(&p->headers[0], in);
	for (i = 0; i < p->n; i++) {
		struct eds_stage *s = &p->stages[i];

		if (s->start == NULL) {
			eds_header_copy(&p->headers[i + 1], &p->headers[i]);
			continue;
		}
		eds_header_init(&p->headers[i + 1]);
		if (s->start(s->ctx, &p->headers[i], &p->headers[i + 1],
		    err) == -1)
			return -1;
	}
	return 0;
}

const struct eds_header *
eds_pipeline_header(const struct eds_pipeline *p)
{
	return &p->headers[p->n];
}

int
eds_pipeline_push(struct eds_pipeline *p, struct eds_record *r,
    size_t *stage, struct eds_error *err)
{
	size_t i;
	int v;

	for (i = 0; i < p->n; i++) {
		v = p->stages[i].process(p->stages[i].ctx, r, err);
		if (v == EDS_PASS)
			continue;
		if (v == EDS_DROP && stage != NULL)
			*stage = i;
		return v;
	}
	return EDS_PASS;
}

int
eds_pipeline_finish(struct eds_pipeline *p, struct eds_error *err)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->stages[i].finish != NULL &&
		    p->stages[i].finish(p->stages[i].ctx, err) == -1)
			return -1;
	return 0;
}

void
eds_pipeline_release(struct eds_pipeline *p)
{
	size_t i;

	if (p->headers != NULL)
		for (i = 0; i <= p->n; i++)
			eds_header_release(&p->headers[i]);
	free(p->headers);
	free(p->stages);
	eds_pipeline_init(p);
}
