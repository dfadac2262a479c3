/*
 * eds-export: run an approved project into a research bundle (whole, or as
 * shards and a merge), check a received bundle (verify) and read the run
 * journal (journal verify, journal show) (see eds-export(1)).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bagverify.h"
#include "cli.h"
#include "digest.h"
#include "export.h"
#include "jlist.h"
#include "journal.h"
#include "lock.h"
#include "xmalloc.h"

static const char usage[] =
    "eds-export -P SPEC -k KEYFILE [--registry DIR] -o BUNDLE [--archive]\n"
    "                  [--encrypt-to CERT] [--sign-key KEY --sign-cert CERT]\n"
    "                  [--at DATE] [--bagging-date DATE]\n"
    "                  [--shard I/N [--whole-files]]\n"
    "                  [--force] [--allow-unsafe-key] [-q] [--progress]\n"
    "                  [--stats FILE] [--journal FILE]\n"
    "       eds-export merge -P SPEC -k KEYFILE -o BUNDLE [--archive]\n"
    "                  [--encrypt-to CERT] [--sign-key KEY --sign-cert CERT]\n"
    "                  [--bagging-date DATE] [--force] [-q] [--stats FILE]\n"
    "                  [--journal FILE] PART ...\n"
    "       eds-export verify [-q] [--ca FILE] BUNDLE\n"
    "       eds-export journal verify FILE\n"
    "       eds-export journal show [--all] [--project ID] FILE";

enum {
	OPT_CA = CLI_OPT_FIRST_TOOL, OPT_PROJECT, OPT_ALL, OPT_REGISTRY,
	OPT_AT, OPT_ARCHIVE, OPT_ENCRYPT_TO, OPT_SIGN_KEY, OPT_SIGN_CERT,
	OPT_FORCE, OPT_ALLOW_UNSAFE_KEY, OPT_SHARD, OPT_BAGGING_DATE,
	OPT_WHOLE_FILES
};

static const struct option options[] = {
	CLI_LONG_OPTIONS,
	{ "ca", required_argument, NULL, OPT_CA },
	{ "project", required_argument, NULL, OPT_PROJECT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ NULL, 0, NULL, 0 }
};

static const struct option export_options[] = {
	CLI_LONG_OPTIONS,
	{ "spec", required_argument, NULL, 'P' },
	{ "key", required_argument, NULL, 'k' },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "at", required_argument, NULL, OPT_AT },
	{ "archive", no_argument, NULL, OPT_ARCHIVE },
	{ "encrypt-to", required_argument, NULL, OPT_ENCRYPT_TO },
	{ "sign-key", required_argument, NULL, OPT_SIGN_KEY },
	{ "sign-cert", required_argument, NULL, OPT_SIGN_CERT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "allow-unsafe-key", no_argument, NULL, OPT_ALLOW_UNSAFE_KEY },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "whole-files", no_argument, NULL, OPT_WHOLE_FILES },
	{ "bagging-date", required_argument, NULL, OPT_BAGGING_DATE },
	{ NULL, 0, NULL, 0 }
};

static void
on_progress(void *ctx, uint64_t rows, uint64_t bytes)
{
	(void)ctx;
	cli_progress(rows, bytes);
}

static unsigned long rejects_seen;

static void
on_reject(void *ctx, const char *dataset, const struct eds_record *r)
{
	(void)ctx;
	(void)dataset;
	if (++rejects_seen <= 10 && !cli.quiet)
		cli_row_message("rejected", r->file, r->line, r->reason,
		    r->detail);
}

static void
on_warning(void *ctx, const char *msg)
{
	(void)ctx;
	if (!cli.quiet)
		cli_warnx("warning: %s", msg);
}

/* Parse "I/N" with 1 <= I <= N. */
static void
parse_shard(const char *s, unsigned *i, unsigned *n)
{
	char *end;
	unsigned long a, b;

	a = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		goto bad;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || a < 1 || a > b || b > 100000)
		goto bad;
	*i = (unsigned)a;
	*n = (unsigned)b;
	return;
bad:
	cli_usage_error("--shard takes I/N with 1 <= I <= N, not '%s'", s);
}

/*
 * The main mode and merge: eds-export [merge] options...  Returns the
 * exit status.
 */
static int
cmd_export(int argc, char **argv, int merge)
{
	struct eds_export_options o;
	struct eds_lock *lock;
	struct eds_run run;
	struct eds_error err;
	const char **certs = NULL;
	int ch, status = 0, rc;

	eds_export_options_init(&o);
	o.progress = on_progress;
	o.on_reject = on_reject;
	o.on_warning = on_warning;
	while ((ch = getopt_long(argc, argv, "hk:o:P:q", export_options,
	    NULL)) != -1) {
		if (cli_common_option(ch, optarg))
			continue;
		switch (ch) {
		case 'P':
			o.project = optarg;
			break;
		case 'k':
			o.key = optarg;
			break;
		case OPT_REGISTRY:
			o.registry = optarg;
			break;
		case OPT_AT:
			o.at = optarg;
			break;
		case OPT_ARCHIVE:
			o.archive = 1;
			break;
		case OPT_ENCRYPT_TO:
			certs = xreallocarray(certs, o.nencrypt + 1,
			    sizeof *certs);
			certs[o.nencrypt++] = optarg;
			o.encrypt_to = certs;
			break;
		case OPT_SIGN_KEY:
			o.sign_key = optarg;
			break;
		case OPT_SIGN_CERT:
			o.sign_cert = optarg;
			break;
		case OPT_FORCE:
			o.force = 1;
			break;
		case OPT_ALLOW_UNSAFE_KEY:
			o.allow_unsafe_key = 1;
			break;
		case OPT_SHARD:
			if (merge)
				cli_usage_error("--shard does not go with merge");
			parse_shard(optarg, &o.shard, &o.nshards);
			break;
		case OPT_WHOLE_FILES:
			if (merge)
				cli_usage_error("--whole-files does not go with "
				    "merge");
			o.whole_files = 1;
			break;
		case OPT_BAGGING_DATE:
			o.bagging_date = optarg;
			break;
		default:
			cli_usage(EDS_EX_USAGE);
		}
	}
	o.output = cli.output;
	if (o.project == NULL)
		cli_usage_error("a project specification is required (-P SPEC)");
	if (o.output == NULL || strcmp(o.output, "-") == 0)
		cli_usage_error("an output bundle is required (-o BUNDLE)");
	if (o.key == NULL)
		cli_usage_error("a key is required (-k KEYFILE)");
	if ((o.sign_key == NULL) != (o.sign_cert == NULL))
		cli_usage_error("--sign-key and --sign-cert go together");
	if (o.nshards > 0 && (o.archive || o.nencrypt > 0 ||
	    o.sign_key != NULL))
		cli_usage_error("--archive, --encrypt-to and --sign-key belong "
		    "to the merge, not to a shard");
	if (o.whole_files && o.nshards == 0)
		cli_usage_error("--whole-files goes with --shard");
	if (merge && optind == argc)
		cli_usage_error("merge needs the partial directories (PART ...)");
	if (!merge && optind != argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);

	eds_error_clear(&err);
	eds_run_init(&run, "eds-export", merge ? "merge" : o.nshards > 0 ?
	    "shard" : "export");
	/*
	 * One run at a time per output: cron starting tonight's export
	 * while last night's still runs is refused (73) at once.
	 */
	if ((lock = eds_lock_acquire(o.output, &err)) == NULL)
		rc = -1;
	else if (merge)
		rc = eds_export_merge(&o, argv + optind, (size_t)(argc - optind),
		    &run, &err);
	else if (o.nshards > 0)
		rc = eds_export_shard(&o, &run, &err);
	else
		rc = eds_export(&o, &run, &err);
	eds_lock_release(lock);
	if (rc == -1) {
		cli_error(&err);
		status = err.status;
	} else if (!cli.quiet && run.noutputs > 0) {
		cli_progress_done();
		printf("%s\n", run.outputs[run.noutputs - 1].path);
	}
	if (rejects_seen > 10 && !cli.quiet)
		cli_warnx("%lu more rejected rows not shown", rejects_seen - 10);
	status = cli_finish(&run, status);
	eds_run_release(&run);
	free(certs);
	return status;
}

static char *bundle;

static void
on_problem(void *ctx, enum eds_bagv_severity sev, const char *file,
    unsigned long line, const char *msg)
{
	char where[1024];

	(void)ctx;
	if (sev == EDS_BAGV_WARNING && cli.quiet)
		return;
	if (line > 0)
		snprintf(where, sizeof where, "%s%s%s:%lu", bundle,
		    *file ? "/" : "", file, line);
	else
		snprintf(where, sizeof where, "%s%s%s", bundle,
		    *file ? "/" : "", file);
	cli_warnx("%s: %s%s", where, sev == EDS_BAGV_WARNING ?
	    "warning: " : "", msg);
}

static int
cmd_verify(struct eds_run *run, const char *ca)
{
	struct eds_bagv_options o;
	struct eds_bagv_result r;
	struct eds_error err;

	memset(&o, 0, sizeof o);
	o.ca_file = ca;
	o.report = on_problem;
	eds_error_clear(&err);
	if (eds_bag_verify(bundle, &o, &r, &err) == -1) {
		if (err.status != EDS_EX_DATAERR)
			cli_error(&err);
		else
			cli_warnx("%s: not a valid bag: %lu error%s, %lu "
			    "warning%s", bundle, r.errors, r.errors == 1 ?
			    "" : "s", r.warnings, r.warnings == 1 ? "" : "s");
		eds_run_set(run, "errors", r.errors);
		eds_run_set(run, "warnings", r.warnings);
		return err.status;
	}
	eds_run_set(run, "payload_files", r.payload_files);
	eds_run_set(run, "payload_bytes", r.payload_bytes);
	eds_run_set(run, "errors", 0);
	eds_run_set(run, "warnings", r.warnings);
	if (cli.quiet)
		return 0;
	printf("%s: valid BagIt %s bag%s: %llu payload file%s, %llu bytes "
	    "(%s)%s\n", bundle, r.version, r.eds ? " (EDS bundle)" : "",
	    (unsigned long long)r.payload_files, r.payload_files == 1 ? "" :
	    "s", (unsigned long long)r.payload_bytes, r.algorithms,
	    r.warnings > 0 ? ", with warnings" : "");
	if (r.signed_)
		printf("%s: signature good, signer %s (certificate "
		    "sha256:%.16s), %s\n", bundle, r.signer.subject,
		    r.signer.fingerprint, r.signer.trusted ?
		    "trusted through the given CA" :
		    "not checked against a CA (use --ca)");
	else
		printf("%s: not signed\n", bundle);
	return 0;
}

/*
 * The bundle as the run's input, identified by the SHA-256 of its tag
 * manifest (which covers everything else), when it has one.
 */
static void
record_bundle(struct eds_run *run)
{
	struct eds_error err;
	char *tm, sha[EDS_SHA256_HEX];
	uint64_t bytes;

	tm = xasprintf("%s/tagmanifest-sha256.txt", bundle);
	eds_error_clear(&err);
	if (eds_sha256_file(tm, sha, &bytes, &err) == -1)
		sha[0] = '\0';
	free(tm);
	eds_run_input(run, bundle, sha, 0);
}

static int
cmd_journal_verify(const char *path)
{
	struct eds_journal_status st;
	struct eds_error err;

	eds_error_clear(&err);
	if (eds_journal_verify(path, &st, &err) == -1) {
		cli_error(&err);
		if (err.status == EDS_EX_DATAERR)
			cli_warnx("%s: %lu line%s intact before the break",
			    path, st.lines, st.lines == 1 ? "" : "s");
		return err.status;
	}
	if (!cli.quiet)
		printf("%s: %lu line%s, chain intact, head sha256:%s\n", path,
		    st.lines, st.lines == 1 ? "" : "s", st.head);
	return 0;
}

static int
show_row(void *ctx, unsigned long lineno, const struct eds_jnode *rec,
    const char *row)
{
	unsigned long *shown = ctx;

	(void)lineno;
	(void)rec;
	if ((*shown)++ == 0)
		printf("%s\n", EDS_JLIST_HEADER);
	printf("%s\n", row);
	return 0;
}

static int
cmd_journal_show(const char *path, const char *project, int all)
{
	struct eds_journal_status st;
	struct eds_error err;
	unsigned long shown = 0;

	eds_error_clear(&err);
	if (eds_jlist(path, project, all ? EDS_JLIST_ALL : 0, show_row,
	    &shown, &err) == -1) {
		cli_error(&err);
		return err.status;
	}
	if (shown == 0 && !cli.quiet)
		cli_warnx("%s: no %s%s%s", path, all ? "record" : "export",
		    project != NULL ? " of project " : "",
		    project != NULL ? project : "");
	/* A listing from a journal that was edited must say so. */
	eds_error_clear(&err);
	if (eds_journal_verify(path, &st, &err) == -1) {
		cli_error(&err);
		cli_warnx("%s: the journal is not intact: do not rely on this "
		    "listing", path);
		return err.status;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct eds_run run;
	const char *sub, *ca = NULL, *project = NULL;
	int ch, all = 0, status, journal = 0;

	cli_init("eds-export", usage);
	if (argc < 2)
		cli_usage(EDS_EX_USAGE);
	sub = argv[1];
	if (sub[0] == '-')
		return cmd_export(argc, argv, 0);
	if (strcmp(sub, "merge") == 0) {
		optind = 2;
		return cmd_export(argc, argv, 1);
	}
	if (strcmp(sub, "journal") == 0) {
		journal = 1;
		if (argc < 3 || (strcmp(argv[2], "verify") != 0 &&
		    strcmp(argv[2], "show") != 0))
			cli_usage_error("journal needs 'verify' or 'show'");
		sub = argv[2];
		optind = 3;
	} else if (strcmp(sub, "verify") == 0)
		optind = 2;
	else
		cli_usage_error("unknown subcommand '%s': the subcommands are "
		    "merge, verify and journal (verify|show); an export "
		    "starts with its options (-P SPEC ...)", sub);
	while ((ch = getopt_long(argc, argv, "hq", options, NULL)) != -1) {
		switch (ch) {
		case 'h':
		case 'q':
		case CLI_OPT_VERSION:
		case CLI_OPT_STATS:
		case CLI_OPT_JOURNAL:
			cli_common_option(ch, optarg);
			break;
		case OPT_CA:
			if (journal)
				cli_usage_error("--ca belongs to verify");
			ca = optarg;
			break;
		case OPT_PROJECT:
		case OPT_ALL:
			if (!journal || strcmp(sub, "show") != 0)
				cli_usage_error("--%s belongs to journal show",
				    ch == OPT_ALL ? "all" : "project");
			if (ch == OPT_ALL)
				all = 1;
			else
				project = optarg;
			break;
		default:
			cli_usage(EDS_EX_USAGE);
		}
	}
	if (argc - optind != 1)
		cli_usage_error("%s takes exactly one %s", journal ?
		    "journal" : "verify", journal ? "FILE" : "BUNDLE");
	if (journal) {
		if (cli.stats != NULL || cli.journal != NULL)
			cli_usage_error("--stats and --journal belong to verify");
		eds_run_init(&run, "eds-export", "journal");
		status = strcmp(sub, "verify") == 0 ?
		    cmd_journal_verify(argv[optind]) :
		    cmd_journal_show(argv[optind], project, all);
	} else {
		bundle = argv[optind];
		while (strlen(bundle) > 1 && bundle[strlen(bundle) - 1] == '/')
			bundle[strlen(bundle) - 1] = '\0';
		eds_run_init(&run, "eds-export", "verify");
		status = cmd_verify(&run, ca);
		record_bundle(&run);
	}
	status = cli_finish(&run, status);
	eds_run_release(&run);
	return status;
}
