/*
 * select.h: choosing and ordering output columns, as a pipeline stage.
 * The project's dataset lists the columns it releases; any other column
 * is left out, and asking for a column the data does not have is an error
 * (78) naming it.
 */
#ifndef EDS_SELECT_H
#define EDS_SELECT_H

#include <stddef.h>

#include "eds.h"
#include "pipeline.h"

struct eds_select;

/* Select names[0..n) in that order (copied). */
struct eds_select *eds_select_new(char *const *names, size_t n);
void eds_select_free(struct eds_select *);
void eds_select_stage(struct eds_select *, struct eds_stage *s);

#endif
