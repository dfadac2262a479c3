/*
 * eds-csvcopy: read CSV with the library's reader and write it back as
 * canonical CSV with the library's writer, validating nothing: the bare
 * read/rewrite floor the benchmarks compare eds-ingest and the other tools
 * against (see man/eds-csvcopy.1).  Rows the reader cannot take apart are
 * skipped, counted and reported (exit 65).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvread.h"
#include "csvwrite.h"
#include "encoding.h"
#include "input.h"
#include "output.h"
#include "schema.h"

#define SHOWN_BAD 10

static const char usage[] =
    "eds-csvcopy [-qz] [-c SCHEMA | -d SEP] [-e ENCODING] [-o FILE]\n"
    "                  [--stats FILE] [FILE ...]";

static const struct option options[] = {
	CLI_LONG_OPTIONS,
	{ "schema", required_argument, NULL, 'c' },
	{ "separator", required_argument, NULL, 'd' },
	{ "encoding", required_argument, NULL, 'e' },
	{ "gzip", no_argument, NULL, 'z' },
	{ NULL, 0, NULL, 0 }
};

struct copy {
	struct eds_output *out;
	struct eds_input *in;
	uint64_t rows, bad, bytes_done;
	int later;		/* a file after the first: drop its header */
};

static int
on_row(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct copy *c = ctx;

	if (rec->index == 0 && c->later)
		return 0;
	if (rec->reason != NULL) {
		if (++c->bad <= SHOWN_BAD && !cli.quiet)
			cli_row_message("skipped", rec->file, rec->line,
			    rec->reason, rec->detail);
		return 0;
	}
	if (rec->index > 0 && ++c->rows % 65536 == 0)
		cli_progress(c->rows, c->bytes_done +
		    eds_input_stored_bytes(c->in));
	return eds_csv_write_fields(c->out, rec->f, rec->n, err);
}

static int
copy_file(struct copy *c, const char *path,
    const struct eds_csv_options *o, struct eds_run *run,
    struct eds_error *err)
{
	struct eds_csv_reader *r;
	char sha[EDS_SHA256_HEX];
	int rc;

	if ((c->in = eds_input_open(path, err)) == NULL)
		return -1;
	r = eds_csv_reader_new(c->in, o);
	rc = eds_csv_reader_run(r, on_row, c, err);
	eds_csv_reader_free(r);
	eds_input_sha256(c->in, sha);
	eds_run_input(run, eds_input_name(c->in), sha,
	    eds_input_stored_bytes(c->in));
	c->bytes_done += eds_input_stored_bytes(c->in);
	eds_input_close(c->in);
	c->in = NULL;
	c->later = 1;
	return rc;
}

static char
parse_sep(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	if (strlen(s) == 1 && strchr(",;|\t", s[0]) != NULL)
		return s[0];
	if (strcmp(s, "auto") == 0)
		return 0;
	cli_usage_error("-d takes , ; | tab or auto, not '%s'", s);
}

int
main(int argc, char **argv)
{
	struct eds_csv_options o;
	struct eds_schema *schema = NULL;
	struct eds_error err;
	struct eds_run run;
	struct copy c;
	const char *schema_path = NULL, *enc = NULL;
	char sha[EDS_SHA256_HEX];
	uint64_t bytes;
	int ch, i, gzip = 0, sep_set = 0, status = 0;
	char sep = 0;

	cli_init("eds-csvcopy", usage);
	eds_csv_options_init(&o);
	while ((ch = getopt_long(argc, argv, "c:d:e:ho:qz", options, NULL)) !=
	    -1) {
		if (cli_common_option(ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			schema_path = optarg;
			break;
		case 'd':
			sep = parse_sep(optarg);
			sep_set = 1;
			break;
		case 'e':
			enc = optarg;
			break;
		case 'z':
			gzip = 1;
			break;
		default:
			cli_usage(EDS_EX_USAGE);
		}
	}
	if (schema_path != NULL && sep_set)
		cli_usage_error("-c and -d cannot be used together");

	eds_error_clear(&err);
	eds_run_init(&run, "eds-csvcopy", "copy");
	memset(&c, 0, sizeof c);
	if (schema_path != NULL) {
		if ((schema = eds_schema_load(schema_path, &err)) == NULL)
			goto fail;
		o = schema->csv;
		snprintf(run.config_sha256, sizeof run.config_sha256, "%s",
		    schema->sha256);
	} else
		o.sep = sep_set ? sep : ',';
	if (enc != NULL && eds_encoding_parse(enc, &o.encoding) == -1)
		cli_usage_error("unknown encoding '%s' (utf-8, windows-1252, "
		    "latin-1)", enc);

	if ((c.out = eds_output_open(cli.output, gzip ? EDS_OUT_GZIP : 0,
	    &err)) == NULL)
		goto fail;
	if (optind == argc) {
		if (copy_file(&c, "-", &o, &run, &err) == -1)
			goto fail;
	}
	for (i = optind; i < argc; i++)
		if (copy_file(&c, argv[i], &o, &run, &err) == -1)
			goto fail;
	if (c.bad > 0) {
		eds_error_set(&err, EDS_EX_DATAERR, "%llu rows could not be "
		    "read as CSV and were skipped",
		    (unsigned long long)c.bad);
		goto fail;
	}
	if (eds_output_commit_sha(c.out, sha, &bytes, &err) == -1) {
		c.out = NULL;
		goto fail;
	}
	c.out = NULL;
	eds_run_output(&run, cli.output != NULL ? cli.output : "-", sha,
	    bytes);
	goto done;
fail:
	cli_error(&err);
	status = err.status;
	eds_output_abort(c.out);
done:
	eds_run_set(&run, "rows_in", c.rows + c.bad);
	eds_run_set(&run, "rows_out", c.rows);
	eds_run_set(&run, "rows_skipped", c.bad);
	status = cli_finish(&run, status);
	eds_run_release(&run);
	eds_schema_free(schema);
	return status;
}
