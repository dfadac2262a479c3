/*
 * eds-ingest: validate and normalise raw extracts against a source schema
 * into canonical CSV, quarantining every rejected row (see eds-ingest(1)).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ingest.h"
#include "schema.h"

static const char usage[] =
    "eds-ingest -c SCHEMA [-qz] [-o FILE] [--rejects FILE]\n"
    "                  [--max-reject-rate R] [--stats FILE] [--journal FILE]\n"
    "                  [--progress] [FILE ...]";

enum { OPT_REJECTS = CLI_OPT_FIRST_TOOL, OPT_MAX_REJECT_RATE };

static const struct option options[] = {
	CLI_LONG_OPTIONS,
	{ "schema", required_argument, NULL, 'c' },
	{ "gzip", no_argument, NULL, 'z' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "max-reject-rate", required_argument, NULL, OPT_MAX_REJECT_RATE },
	{ NULL, 0, NULL, 0 }
};

/* Parse a rate: 0..1, or a percentage "5%". */
static double
parse_rate(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end != s && *end == '%' && end[1] == '\0')
		v /= 100.0;
	else if (end == s || *end != '\0')
		v = -1;
	if (!(v >= 0 && v <= 1))
		cli_usage_error("--max-reject-rate takes a fraction from 0 to "
		    "1 or a percentage, not '%s'", s);
	return v;
}

int
main(int argc, char **argv)
{
	struct eds_ingest_options o;
	struct eds_schema *schema = NULL;
	struct eds_error err;
	struct eds_run run;
	const char *schema_path = NULL;
	int ch, status = 0;

	cli_init("eds-ingest", usage);
	eds_ingest_options_init(&o);
	while ((ch = getopt_long(argc, argv, "c:ho:qz", options, NULL)) != -1) {
		if (cli_common_option(ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			schema_path = optarg;
			break;
		case 'z':
			o.gzip = 1;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_MAX_REJECT_RATE:
			o.max_reject_rate = parse_rate(optarg);
			break;
		default:
			cli_usage(EDS_EX_USAGE);
		}
	}
	if (schema_path == NULL)
		cli_usage_error("a schema is required (-c SCHEMA)");

	eds_error_clear(&err);
	eds_run_init(&run, "eds-ingest", "ingest");
	if ((schema = eds_schema_load(schema_path, &err)) == NULL) {
		cli_error(&err);
		status = err.status;
		goto done;
	}
	o.schema = schema;
	o.output = cli.output;
	o.on_reject = cli_reject_cb;
	o.progress = cli_progress_cb;
	if (eds_ingest(&o, argv + optind, (size_t)(argc - optind), &run,
	    &err) == -1) {
		cli_error(&err);
		status = err.status;
	}
	cli_rejects_done(o.rejects != NULL ? " (see the rejects file)" : "");
done:
	status = cli_finish(&run, status);
	eds_run_release(&run);
	eds_schema_free(schema);
	return status;
}
