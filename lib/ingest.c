/*
 * ingest.c: reader -> validator -> canonical writer, with rejects and row
 * accounting (see ingest.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "csvread.h"
#include "csvwrite.h"
#include "ingest.h"
#include "input.h"
#include "output.h"
#include "rejects.h"
#include "validate.h"

#define PROGRESS_EVERY 65536

struct ingest {
	const struct eds_ingest_options *o;
	struct eds_validator *v;
	struct eds_output *out;
	struct eds_rejects *rej;
	struct eds_run *run;
	struct eds_input *in;
	uint64_t rows_in, rows_out, rows_rejected;
	uint64_t bytes_done;		/* stored bytes of finished files */
	int saw_header;
};

void
eds_ingest_options_init(struct eds_ingest_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_reject_rate = EDS_INGEST_DEFAULT_MAX_REJECT_RATE;
}

static int
reject(struct ingest *g, struct eds_record *rec, struct eds_error *err)
{
	g->rows_rejected++;
	return eds_reject_row(g->rej, g->run, rec, g->o->on_reject, g->o->ctx,
	    err);
}

static int
on_row(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct ingest *g = ctx;

	if (rec->index == 0 && g->o->schema->header) {
		g->saw_header = 1;
		if (rec->reason != NULL)
			return eds_error_at(err, EDS_EX_DATAERR, rec->file,
			    rec->line, 0, "cannot read the header row: %s",
			    rec->detail);
		return eds_validator_header(g->v, rec, err);
	}
	g->rows_in++;
	if (g->o->progress != NULL && g->rows_in % PROGRESS_EVERY == 0)
		g->o->progress(g->o->ctx, g->rows_in, g->bytes_done +
		    eds_input_stored_bytes(g->in));
	if (rec->reason != NULL || eds_validator_row(g->v, rec) != 0)
		return reject(g, rec, err);
	g->rows_out++;
	return eds_csv_write_fields(g->out, rec->f, rec->n, err);
}

static int
ingest_file(struct ingest *g, const char *path, struct eds_error *err)
{
	struct eds_csv_reader *r;
	char sha[EDS_SHA256_HEX];
	int rc;

	if ((g->in = eds_input_open(path, err)) == NULL)
		return -1;
	r = eds_csv_reader_new(g->in, &g->o->schema->csv);
	g->saw_header = 0;
	if (g->o->schema->header)
		eds_validator_positional(g->v);	/* until the header maps */
	rc = eds_csv_reader_run(r, on_row, g, err);
	if (rc == 0 && g->o->schema->header && !g->saw_header)
		rc = eds_error_at(err, EDS_EX_DATAERR, eds_input_name(g->in),
		    0, 0, "file is empty (expected a header row)");
	eds_csv_reader_free(r);
	eds_input_sha256(g->in, sha);
	eds_run_input(g->run, eds_input_name(g->in), sha,
	    eds_input_stored_bytes(g->in));
	g->bytes_done += eds_input_stored_bytes(g->in);
	eds_input_close(g->in);
	g->in = NULL;
	return rc;
}

int
eds_ingest(const struct eds_ingest_options *o, char *const *files,
    size_t nfiles, struct eds_run *run, struct eds_error *err)
{
	struct ingest g;
	struct eds_header h;
	struct eds_error e2;
	char sha[EDS_SHA256_HEX];
	uint64_t bytes;
	size_t i;
	int rc = -1;

	memset(&g, 0, sizeof g);
	g.o = o;
	g.run = run;
	snprintf(run->config_sha256, sizeof run->config_sha256, "%s",
	    o->schema->sha256);
	eds_run_set(run, "rows_in", 0);
	eds_run_set(run, "rows_out", 0);
	eds_run_set(run, "rows_rejected", 0);
	g.v = eds_validator_new(o->schema);
	if ((g.out = eds_output_open(o->output, o->gzip ? EDS_OUT_GZIP : 0,
	    err)) == NULL)
		goto done;
	if (o->rejects != NULL &&
	    (g.rej = eds_rejects_open(o->rejects, err)) == NULL)
		goto done;
	eds_validator_out_header(g.v, &h);
	rc = eds_csv_write_header(g.out, &h, err);
	eds_header_release(&h);
	if (rc == -1)
		goto done;
	rc = -1;
	if (nfiles == 0) {
		if (ingest_file(&g, "-", err) == -1)
			goto done;
	}
	for (i = 0; i < nfiles; i++)
		if (ingest_file(&g, files[i], err) == -1)
			goto done;
	if (g.rows_rejected > 0 &&
	    (double)g.rows_rejected > o->max_reject_rate * (double)g.rows_in) {
		eds_error_set(err, EDS_EX_DATAERR, "%llu of %llu rows rejected "
		    "(%.2f%%), more than the maximum reject rate of %.2f%%",
		    (unsigned long long)g.rows_rejected,
		    (unsigned long long)g.rows_in,
		    100.0 * (double)g.rows_rejected / (double)g.rows_in,
		    100.0 * o->max_reject_rate);
		goto done;
	}
	/* Rejects first: the output is committed only if all else is. */
	if (g.rej != NULL) {
		rc = eds_rejects_commit(g.rej, sha, &bytes, err);
		g.rej = NULL;
		if (rc == -1)
			goto done;
		eds_run_output(run, o->rejects, sha, bytes);
	}
	rc = eds_output_commit_sha(g.out, sha, &bytes, err);
	g.out = NULL;
	if (rc == -1)
		goto done;
	eds_run_output(run, o->output != NULL ? o->output : "-", sha, bytes);
done:
	/* On failure the rejects file still explains it: keep it if we can. */
	if (g.rej != NULL &&
	    eds_rejects_commit(g.rej, sha, &bytes, &e2) == 0)
		eds_run_output(run, o->rejects, sha, bytes);
	eds_output_abort(g.out);
	eds_validator_free(g.v);
	eds_run_set(run, "rows_in", g.rows_in);
	eds_run_set(run, "rows_out", g.rows_out);
	eds_run_set(run, "rows_rejected", g.rows_rejected);
	return rc;
}
