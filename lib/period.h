/*
 * period.h: the project period as a pipeline stage.  A row whose event
 * date (one column, an ISO 8601 date or date-time as eds-ingest writes
 * them) falls outside [from, to] is dropped with reason "out-of-period";
 * a row whose event date is empty is dropped with reason "no-date".  The
 * bounds are inclusive dates: `to' covers the whole of its day.
 */
#ifndef EDS_PERIOD_H
#define EDS_PERIOD_H

#include "eds.h"
#include "pipeline.h"

struct eds_period;

/*
 * A period on column; from and to are YYYY-MM-DD (or NULL for an open
 * end).  Returns NULL with 78 if a bound is not a date.
 */
struct eds_period *eds_period_new(const char *column, const char *from,
    const char *to, struct eds_error *);
void eds_period_free(struct eds_period *);
/* Fill s with the stage (ctx is the period, which must outlive it). */
void eds_period_stage(struct eds_period *, struct eds_stage *s);

#endif
