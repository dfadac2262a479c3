/*
 * fuzz_ingest.c: a whole eds-ingest run (lib/ingest.c: schema, reader,
 * validator with every type's normalisation, canonical writer, rejects),
 * on a schema and an extract chosen by the fuzzer.  The input is the
 * schema's YAML, a line "====", and the extract's bytes.
 *
 * Invariants: rows_in = rows_out + rows_rejected, whatever happens
 * (DESIGN section 3); a failure is one of 65, 66, 73, 74, 78; an output
 * that was committed is canonical CSV: it reads back without a rejected
 * row, with rows_out rows after the header, each as wide as the header;
 * the rejects file reads back too (in the source's encoding), with
 * rows_rejected rows.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "fuzz.h"
#include "ingest.h"
#include "schema.h"

#define SEP "\n====\n"

struct back {
	unsigned long rows;
	size_t width;
	int bad;		/* a row the reader rejected */
	int broken;		/* the file's structure is damaged */
};

static int
on_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct back *b = ctx;

	(void)err;
	if (r->reason != NULL) {
		b->bad = 1;
		if (strcmp(r->reason, "bad-quoting") == 0 ||
		    strcmp(r->reason, "unterminated-quote") == 0)
			b->broken = 1;
	}
	else if (b->rows == 0)
		b->width = r->n;
	else if (r->n != b->width)
		b->bad = 1;
	b->rows++;
	return 0;
}

/*
 * Read a committed file back as canonical CSV (comma, no size limit to
 * speak of); the rejects file keeps rows in their source encoding (and
 * their NUL bytes), so it is read as Latin-1.
 */
static struct back
read_back(const char *path, enum eds_encoding enc)
{
	struct back b = { 0, 0, 0, 0 };
	struct eds_csv_options o;
	struct eds_error err;
	struct eds_input *in;
	struct eds_csv_reader *r;

	eds_csv_options_init(&o);
	o.encoding = enc;
	o.max_field = o.max_row = 64 * 1024 * 1024;
	in = eds_input_open(path, &err);
	FUZZ_CHECK(in != NULL);
	r = eds_csv_reader_new(in, &o);
	if (eds_csv_reader_run(r, on_row, &b, &err) == -1)
		b.bad = b.broken = 1;
	eds_csv_reader_free(r);
	eds_input_close(in);
	return b;
}

FUZZ_TARGET(ingest)
{
	const uint8_t *sep = memmem(data, size, SEP, sizeof SEP - 1);
	struct eds_ingest_options o;
	struct eds_schema *s;
	struct eds_error err;
	struct eds_run run;
	struct back b;
	char *files[1], out[300], rej[300];
	size_t ylen;
	int rc;

	if (sep == NULL)
		return 0;
	ylen = (size_t)(sep - data);
	eds_error_clear(&err);
	s = eds_schema_load(fuzz_file("schema.yaml", data, ylen), &err);
	if (s == NULL)
		return 0;
	files[0] = (char *)fuzz_file("extract.csv", sep + sizeof SEP - 1,
	    size - ylen - (sizeof SEP - 1));
	snprintf(out, sizeof out, "%s/out.csv", fuzz_dir());
	snprintf(rej, sizeof rej, "%s/rejects.csv", fuzz_dir());
	unlink(out);
	unlink(rej);
	eds_ingest_options_init(&o);
	o.schema = s;
	o.output = out;
	o.rejects = rej;
	o.max_reject_rate = (size & 1) ? 1.0 : 0.5;
	eds_run_init(&run, "eds-fuzz", "ingest");
	rc = eds_ingest(&o, files, 1, &run, &err);
	FUZZ_CHECK(eds_run_get(&run, "rows_in") ==
	    eds_run_get(&run, "rows_out") + eds_run_get(&run, "rows_rejected"));
	if (rc == -1) {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_NOINPUT ||
		    err.status == EDS_EX_CANTCREAT ||
		    err.status == EDS_EX_IOERR || err.status == EDS_EX_CONFIG);
		FUZZ_CHECK(access(out, F_OK) == -1);
	} else {
		b = read_back(out, EDS_ENC_UTF8);
		FUZZ_CHECK(!b.bad);
		FUZZ_CHECK(b.rows == eds_run_get(&run, "rows_out") + 1);
		FUZZ_CHECK(b.width == s->ncols);
	}
	if (access(rej, F_OK) == 0) {
		b = read_back(rej, EDS_ENC_LATIN1);
		FUZZ_CHECK(!b.broken);
		FUZZ_CHECK(b.rows == eds_run_get(&run, "rows_rejected") + 1);
	}
	eds_run_release(&run);
	eds_schema_free(s);
	return 0;
}
