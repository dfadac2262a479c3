/*
 * eds-consent: keep the consent registry (import), answer for a patient
 * (status), keep only the rows of consented patients (filter) and count
 * (stats); see eds-consent(1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "consentfilter.h"
#include "consentreport.h"
#include "output.h"
#include "registry.h"


static const char usage[] =
    "eds-consent import --registry DIR [-q] [--rejects FILE] "
    "[--allow-partial]\n"
    "                          [--stats FILE] [--journal FILE] "
    "[--progress] [FILE ...]\n"
    "       eds-consent status --registry DIR [--at DATE] [--scope SCOPE] "
    "[-o FILE]\n"
    "                          [--journal FILE] ID ...\n"
    "       eds-consent filter --registry DIR --require SCOPE[,SCOPE...]\n"
    "                          --regime opt-in|opt-out [-q] [-c SETTINGS] "
    "[--at DATE]\n"
    "                          [--id-column NAME] [--excluded FILE] "
    "[-o FILE]\n"
    "                          [--stats FILE] [--journal FILE] "
    "[--progress] [FILE]\n"
    "       eds-consent stats --registry DIR [--at DATE] [-o FILE] "
    "[--stats FILE]\n"
    "                         [--journal FILE]";

enum {
	OPT_REGISTRY = CLI_OPT_FIRST_TOOL,
	OPT_REJECTS,
	OPT_ALLOW_PARTIAL,
	OPT_AT,
	OPT_SCOPE,
	OPT_REQUIRE,
	OPT_REGIME,
	OPT_ID_COLUMN,
	OPT_EXCLUDED
};

static const struct option options[] = {
	CLI_LONG_OPTIONS,
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "allow-partial", no_argument, NULL, OPT_ALLOW_PARTIAL },
	{ "at", required_argument, NULL, OPT_AT },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "require", required_argument, NULL, OPT_REQUIRE },
	{ "regime", required_argument, NULL, OPT_REGIME },
	{ "id-column", required_argument, NULL, OPT_ID_COLUMN },
	{ "excluded", required_argument, NULL, OPT_EXCLUDED },
	{ "config", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

/* Which options each subcommand takes (bit = option value - base). */
#define BIT(o) (1u << ((o) - OPT_REGISTRY))
#define B_OUT (1u << 20)
#define B_CONFIG (1u << 21)
#define B_QUIET (1u << 22)
#define B_STATS (1u << 23)

struct sub {
	const char *name;
	unsigned allowed;
};

static const struct sub subs[] = {
	{ "import", BIT(OPT_REGISTRY) | BIT(OPT_REJECTS) |
	    BIT(OPT_ALLOW_PARTIAL) | B_QUIET | B_STATS },
	{ "status", BIT(OPT_REGISTRY) | BIT(OPT_AT) | BIT(OPT_SCOPE) | B_OUT |
	    B_QUIET },
	{ "filter", BIT(OPT_REGISTRY) | BIT(OPT_REQUIRE) | BIT(OPT_REGIME) |
	    BIT(OPT_AT) | BIT(OPT_ID_COLUMN) | BIT(OPT_EXCLUDED) | B_OUT |
	    B_CONFIG | B_QUIET | B_STATS },
	{ "stats", BIT(OPT_REGISTRY) | BIT(OPT_AT) | B_OUT | B_QUIET |
	    B_STATS },
	{ NULL, 0 }
};

/* How the user spelled an option, for messages. */
static const char *
option_name(int ch)
{
	static char buf[40];
	const struct option *o;

	for (o = options; o->name != NULL; o++)
		if (o->val == ch) {
			snprintf(buf, sizeof buf, "--%s", o->name);
			return buf;
		}
	snprintf(buf, sizeof buf, "-%c", ch);
	return buf;
}

/* Write a report to -o or stdout. */
static int
put_report(const struct eds_buf *b, struct eds_run *run, struct eds_error *err)
{
	struct eds_output *o;
	char sha[EDS_SHA256_HEX];
	uint64_t bytes;

	if ((o = eds_output_open(cli.output, 0, err)) == NULL)
		return -1;
	if (b->len > 0 && eds_output_write(o, b->p, b->len, err) == -1) {
		eds_output_abort(o);
		return -1;
	}
	if (eds_output_commit_sha(o, sha, &bytes, err) == -1)
		return -1;
	if (cli.output != NULL)
		eds_run_output(run, cli.output, sha, bytes);
	return 0;
}

/* Another import holds the registry: this one waits (said unless -q). */
static void
on_wait(void *ctx, const char *lock)
{
	(void)ctx;
	if (!cli.quiet)
		cli_warnx("another import holds '%s': waiting for it to "
		    "finish", lock);
}

static int
do_import(const char *dir, struct eds_import_options *o, char **files,
    size_t n, struct eds_run *run, struct eds_error *err)
{
	struct eds_registry_info info;

	o->on_reject = cli_reject_cb;
	o->progress = cli_progress_cb;
	o->on_wait = on_wait;
	o->result = &info;
	if (eds_registry_import(dir, o, files, n, run, err) == -1) {
		cli_rejects_done(o->rejects != NULL ?
		    " (see the rejects file)" : "");
		return -1;
	}
	cli_rejects_done(o->rejects != NULL ? " (see the rejects file)" : "");
	if (!cli.quiet)
		cli_warnx("imported %llu events (%llu duplicates, %llu rows "
		    "rejected); the registry holds %llu events of %llu "
		    "patients (generation %llu)",
		    (unsigned long long)eds_run_get(run, "imported"),
		    (unsigned long long)eds_run_get(run, "duplicates"),
		    (unsigned long long)eds_run_get(run, "rows_rejected"),
		    (unsigned long long)info.events,
		    (unsigned long long)info.patients,
		    (unsigned long long)info.generation);
	return 0;
}

static int
do_status(const char *dir, const char *at_s, const char *scope, char **ids,
    size_t n, struct eds_run *run, struct eds_error *err)
{
	struct eds_registry *reg;
	struct eds_buf b = EDS_BUF_INIT;
	int64_t at;
	size_t i;
	int rc = 0, found;
	uint64_t known = 0;

	if (eds_consent_at_parse(at_s, &at) == -1)
		cli_usage_error("--at takes now, a date (YYYY-MM-DD, meaning "
		    "the end of that day) or an ISO 8601 date-time, not '%s'",
		    at_s);
	if ((reg = eds_registry_open(dir, 0, err)) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (i > 0)
			eds_buf_addch(&b, '\n');
		if ((found = eds_consent_status_report(reg, ids[i], at, scope,
		    &b, err)) == -1)
			rc = -1;
		known += found == 1;
	}
	eds_run_set(run, "ids", n);
	eds_run_set(run, "ids_known", known);
	if (rc == 0)
		rc = put_report(&b, run, err);
	eds_buf_release(&b);
	eds_registry_close(reg);
	return rc;
}

static int
do_filter(struct eds_consent_rules *rules, const char *excluded,
    const char *input, struct eds_run *run, struct eds_error *err)
{
	struct eds_consent_filter_options o;
	struct eds_consent_filter *f;
	struct eds_registry *reg;
	int rc;
	int k;

	if (eds_consent_rules_check(rules, EDS_EX_USAGE, err) == -1)
		return -1;
	if ((reg = eds_registry_open(rules->registry, 0, err)) == NULL)
		return -1;
	if ((f = eds_consent_filter_new(reg, rules, err)) == NULL) {
		eds_registry_close(reg);
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.output = cli.output;
	o.excluded = excluded;
	o.progress = cli_progress_cb;
	snprintf(run->config_sha256, sizeof run->config_sha256, "%s",
	    rules->config_sha256);
	rc = eds_consent_filter_run(f, &o, input, run, err);
	if (rc == 0 && !cli.quiet) {
		char msg[400];
		size_t len = 0;

		for (k = EDS_REASON_NO_RECORD; k < EDS_REASON_COUNT; k++)
			len += (size_t)snprintf(msg + len, sizeof msg - len,
			    "%s%s %llu", k == EDS_REASON_NO_RECORD ? "" : ", ",
			    eds_consent_reason_name(k), (unsigned long long)
			    eds_consent_filter_count(f, k));
		cli_warnx("kept %llu of %llu rows; dropped: %s",
		    (unsigned long long)eds_consent_filter_count(f,
		    EDS_REASON_NONE),
		    (unsigned long long)eds_consent_filter_rows(f), msg);
	}
	eds_consent_filter_free(f);
	eds_registry_close(reg);
	return rc;
}

static int
do_stats(const char *dir, const char *at_s, struct eds_run *run,
    struct eds_error *err)
{
	struct eds_registry *reg;
	struct eds_buf b = EDS_BUF_INIT;
	int64_t at;
	int rc;

	if (eds_consent_at_parse(at_s, &at) == -1)
		cli_usage_error("--at takes now, a date (YYYY-MM-DD, meaning "
		    "the end of that day) or an ISO 8601 date-time, not '%s'",
		    at_s);
	if ((reg = eds_registry_open(dir, EDS_REGISTRY_VERIFY_LOG, err)) ==
	    NULL)
		return -1;
	rc = eds_consent_stats_report(reg, at, &b, run, err);
	if (rc == 0)
		rc = put_report(&b, run, err);
	eds_buf_release(&b);
	eds_registry_close(reg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct eds_consent_rules rules;
	struct eds_import_options io;
	struct eds_error err;
	struct eds_run run;
	const struct sub *sub;
	const char *at = "now", *scope = NULL, *excluded = NULL;
	const char *settings = NULL;
	unsigned seen = 0;
	int ch, status = 0;
	char **rest;
	size_t nrest;

	cli_init("eds-consent", usage);
	if (argc < 2)
		cli_usage_error("a subcommand is required (import, status, "
		    "filter or stats)");
	if (argv[1][0] == '-') {
		/* Only -h and --version come before a subcommand. */
		while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1)
			if (ch == 'h' || ch == CLI_OPT_VERSION)
				cli_common_option(ch, optarg);
			else
				break;
		cli_usage_error("a subcommand is required (import, status, "
		    "filter or stats)");
	}
	for (sub = subs; sub->name != NULL; sub++)
		if (strcmp(sub->name, argv[1]) == 0)
			break;
	if (sub->name == NULL)
		cli_usage_error("unknown subcommand '%s' (import, status, "
		    "filter or stats)", argv[1]);
	eds_consent_rules_init(&rules);
	eds_import_options_init(&io);
	eds_error_clear(&err);
	argv++;
	argc--;
	while ((ch = getopt_long(argc, argv, "c:ho:q", options, NULL)) != -1) {
		unsigned bit = 0;

		switch (ch) {
		case 'o':
			bit = B_OUT;
			break;
		case 'c':
			bit = B_CONFIG;
			break;
		case 'q':
			bit = B_QUIET;
			break;
		case CLI_OPT_STATS:
			bit = B_STATS;
			break;
		case 'h':
		case CLI_OPT_VERSION:
		case CLI_OPT_PROGRESS:
		case CLI_OPT_JOURNAL:
			break;
		default:
			if (ch >= OPT_REGISTRY && ch <= OPT_EXCLUDED)
				bit = BIT(ch);
			else
				cli_usage(EDS_EX_USAGE);
		}
		if (bit != 0 && !(sub->allowed & bit))
			cli_usage_error("%s does not take the option '%s'",
			    sub->name, option_name(ch));
		seen |= bit;
		if (cli_common_option(ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			settings = optarg;
			break;
		case OPT_REGISTRY:
			eds_consent_rules_registry(&rules, optarg);
			break;
		case OPT_REJECTS:
			io.rejects = optarg;
			break;
		case OPT_ALLOW_PARTIAL:
			io.allow_partial = 1;
			break;
		case OPT_AT:
			at = optarg;
			break;
		case OPT_SCOPE:
			if (!eds_consent_scope_valid(optarg, strlen(optarg)))
				cli_usage_error("'%s' is not a scope (primary, "
				    "secondary or study:ID)", optarg);
			scope = optarg;
			break;
		case OPT_REQUIRE:
			if (eds_consent_rules_require(&rules, optarg,
			    &err) == -1)
				cli_usage_error("%s", err.msg);
			break;
		case OPT_REGIME:
			if (eds_consent_rules_regime(&rules, optarg,
			    &err) == -1)
				cli_usage_error("%s", err.msg);
			break;
		case OPT_ID_COLUMN:
			if (*optarg == '\0')
				cli_usage_error("--id-column is empty");
			eds_consent_rules_id_column(&rules, optarg);
			break;
		case OPT_EXCLUDED:
			excluded = optarg;
			break;
		}
	}
	rest = argv + optind;
	nrest = (size_t)(argc - optind);

	eds_run_init(&run, "eds-consent", sub->name);
	if (settings != NULL) {
		/* The settings give defaults; the command line wins. */
		struct eds_consent_rules cmdline = rules;

		eds_consent_rules_init(&rules);
		if (eds_consent_rules_load(&rules, settings, &err) == -1) {
			cli_error(&err);
			status = err.status;
			eds_consent_rules_release(&cmdline);
			goto done;
		}
		if (cmdline.nrequire > 0) {
			while (rules.nrequire > 0)
				free(rules.require[--rules.nrequire]);
			memcpy(rules.require, cmdline.require,
			    sizeof rules.require);
			rules.nrequire = cmdline.nrequire;
			cmdline.nrequire = 0;
		}
		if (cmdline.regime != EDS_REGIME_NONE)
			rules.regime = cmdline.regime;
		if (cmdline.registry != NULL)
			eds_consent_rules_registry(&rules, cmdline.registry);
		if (strcmp(cmdline.id_column, EDS_CONSENT_DEFAULT_ID_COLUMN) !=
		    0)
			eds_consent_rules_id_column(&rules, cmdline.id_column);
		if (!(seen & BIT(OPT_AT)) && rules.at != NULL)
			at = rules.at;
		eds_consent_rules_release(&cmdline);
	}
	if (rules.registry == NULL)
		cli_usage_error("%s needs the registry (--registry DIR)",
		    sub->name);
	if (eds_consent_rules_at(&rules, at, &err) == -1)
		cli_usage_error("%s", err.msg);

	if (strcmp(sub->name, "import") == 0)
		status = do_import(rules.registry, &io, rest, nrest, &run,
		    &err);
	else if (strcmp(sub->name, "status") == 0) {
		if (nrest == 0)
			cli_usage_error("status needs at least one patient "
			    "identifier");
		status = do_status(rules.registry, at, scope, rest, nrest,
		    &run, &err);
	} else if (strcmp(sub->name, "filter") == 0) {
		if (nrest > 1)
			cli_usage_error("filter reads one file (or standard "
			    "input)");
		status = do_filter(&rules, excluded, nrest ? rest[0] : NULL,
		    &run, &err);
	} else {
		if (nrest > 0)
			cli_usage_error("stats takes no operand");
		status = do_stats(rules.registry, at, &run, &err);
	}
	if (status == -1) {
		cli_error(&err);
		status = err.status;
	}
done:
	status = cli_finish(&run, status);
	eds_run_release(&run);
	eds_consent_rules_release(&rules);
	return status;
}
