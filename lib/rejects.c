/*
 * rejects.c: writing the rejects file (see rejects.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "rejects.h"
#include "run.h"
#include "xmalloc.h"

struct eds_rejects {
	struct eds_output *out;
	char *name;
};

struct eds_rejects *
eds_rejects_open(const char *path, struct eds_error *err)
{
	struct eds_rejects *r;
	struct eds_output *o;

	if ((o = eds_output_open(path, 0, err)) == NULL)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->out = o;
	r->name = xstrdup(eds_output_name(o));
	if (eds_output_puts(o, "file,line,reason,column,detail,raw\n", err) == -1) {
		eds_rejects_abort(r);
		return NULL;
	}
	return r;
}

int
eds_rejects_write(struct eds_rejects *r, const struct eds_record *rec,
    struct eds_error *err)
{
	struct eds_field f[6];
	char line[24], detail[sizeof rec->detail + 48];

	snprintf(line, sizeof line, "%lu", rec->line);
	snprintf(detail, sizeof detail, "%s%s", rec->detail,
	    rec->raw_truncated ? " [raw row truncated]" : "");
	f[0].s = rec->file != NULL ? rec->file : "";
	f[1].s = line;
	f[2].s = rec->reason != NULL ? rec->reason : "rejected";
	f[3].s = rec->column != NULL ? rec->column : "";
	f[4].s = detail;
	for (int i = 0; i < 5; i++)
		f[i].len = strlen(f[i].s);
	f[5].s = rec->raw != NULL ? rec->raw : "";
	f[5].len = rec->raw != NULL ? rec->raw_len : 0;
	return eds_csv_write_fields(r->out, f, 6, err);
}

int
eds_reject_row(struct eds_rejects *r, struct eds_run *run,
    const struct eds_record *rec,
    void (*cb)(void *ctx, const struct eds_record *), void *ctx,
    struct eds_error *err)
{
	char name[96];

	snprintf(name, sizeof name, "rejected.%s", rec->reason != NULL ?
	    rec->reason : "rejected");
	eds_run_count(run, name, 1);
	if (cb != NULL)
		cb(ctx, rec);
	return r != NULL ? eds_rejects_write(r, rec, err) : 0;
}

int
eds_rejects_commit(struct eds_rejects *r, char *hex, uint64_t *bytes,
    struct eds_error *err)
{
	int rc = eds_output_commit_sha(r->out, hex, bytes, err);

	r->out = NULL;
	eds_rejects_abort(r);
	return rc;
}

void
eds_rejects_abort(struct eds_rejects *r)
{
	if (r == NULL)
		return;
	eds_output_abort(r->out);
	free(r->name);
	free(r);
}

const char *
eds_rejects_name(const struct eds_rejects *r)
{
	return r->name;
}
