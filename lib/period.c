/*
 * period.c: dropping rows outside the project period (see period.h).  The
 * comparison is on the first ten characters, YYYY-MM-DD, which sort as
 * strings; the value is checked to be a real date first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "period.h"
#include "xmalloc.h"

struct eds_period {
	char *column;
	char from[11];		/* "" when open */
	char to[11];
	long index;		/* column index after start */
};

static int
check_bound(const char *s, char out[11], struct eds_error *err)
{
	struct eds_tm t;

	out[0] = '\0';
	if (s == NULL)
		return 0;
	if (eds_date_parse_iso(s, strlen(s), &t) == -1)
		return eds_error_set(err, EDS_EX_CONFIG,
		    "period bound '%s' is not a date (YYYY-MM-DD)", s);
	eds_date_format(&t, out);
	return 0;
}

struct eds_period *
eds_period_new(const char *column, const char *from, const char *to,
    struct eds_error *err)
{
	struct eds_period *p = xcalloc(1, sizeof *p);

	p->column = xstrdup(column);
	p->index = -1;
	if (check_bound(from, p->from, err) == -1 ||
	    check_bound(to, p->to, err) == -1) {
		eds_period_free(p);
		return NULL;
	}
	return p;
}

void
eds_period_free(struct eds_period *p)
{
	if (p == NULL)
		return;
	free(p->column);
	free(p);
}

static int
start(void *ctx, const struct eds_header *in, struct eds_header *out,
    struct eds_error *err)
{
	struct eds_period *p = ctx;

	if ((p->index = eds_header_find(in, p->column)) < 0)
		return eds_error_set(err, EDS_EX_CONFIG, "period column '%s' "
		    "is not a column of the data", p->column);
	eds_header_copy(out, in);
	return 0;
}

static int
process(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct eds_period *p = ctx;
	const struct eds_field *f = &r->f[p->index];
	struct eds_tm t;
	char day[11];

	(void)err;
	if (f->len == 0) {
		eds_record_reject(r, "no-date", p->column,
		    "the event date is empty");
		return EDS_DROP;
	}
	if (eds_date_parse_iso(f->s, f->len, &t) == -1) {
		eds_record_reject(r, "no-date", p->column,
		    "the event date is not an ISO 8601 date");
		return EDS_DROP;
	}
	eds_date_format(&t, day);
	if ((p->from[0] != '\0' && strcmp(day, p->from) < 0) ||
	    (p->to[0] != '\0' && strcmp(day, p->to) > 0)) {
		eds_record_reject(r, "out-of-period", p->column,
		    "the event date is outside the project period");
		return EDS_DROP;
	}
	return EDS_PASS;
}

void
eds_period_stage(struct eds_period *p, struct eds_stage *s)
{
	memset(s, 0, sizeof *s);
	s->name = "period";
	s->ctx = p;
	s->start = start;
	s->process = process;
}
