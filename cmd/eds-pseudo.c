/*
 * eds-pseudo: pseudonymise canonical CSV by a policy with a keyed hash, make
 * master keys, and compute single pseudonyms for authorised re-contact (see
 * eds-pseudo(1)).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "key.h"
#include "policy.h"
#include "pseudo.h"
#include "pseudonym.h"

static const char usage[] =
    "eds-pseudo -p POLICY -k KEYFILE [-qz] [--domain NAME]\n"
    "                  [--allow-unsafe-key] [-o FILE] [--stats FILE]\n"
    "                  [--journal FILE] [--progress] [FILE]\n"
    "       eds-pseudo keygen -o KEYFILE\n"
    "       eds-pseudo lookup -k KEYFILE --domain NAME\n"
    "                  [--namespace NS | --offset | --uid] [-p POLICY]\n"
    "                  [--length N] [--prefix TEXT] [--normalise STEPS]\n"
    "                  [--shift-days R] [--allow-unsafe-key] [ID ...]";

enum {
	OPT_DOMAIN = CLI_OPT_FIRST_TOOL, OPT_UNSAFE, OPT_NAMESPACE, OPT_OFFSET,
	OPT_UID, OPT_LENGTH, OPT_PREFIX, OPT_NORMALISE, OPT_SHIFT_DAYS
};

static const struct option options[] = {
	CLI_LONG_OPTIONS,
	{ "policy", required_argument, NULL, 'p' },
	{ "key", required_argument, NULL, 'k' },
	{ "gzip", no_argument, NULL, 'z' },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "allow-unsafe-key", no_argument, NULL, OPT_UNSAFE },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "offset", no_argument, NULL, OPT_OFFSET },
	{ "uid", no_argument, NULL, OPT_UID },
	{ "length", required_argument, NULL, OPT_LENGTH },
	{ "prefix", required_argument, NULL, OPT_PREFIX },
	{ "normalise", required_argument, NULL, OPT_NORMALISE },
	{ "normalize", required_argument, NULL, OPT_NORMALISE },
	{ "shift-days", required_argument, NULL, OPT_SHIFT_DAYS },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *policy, *key, *domain, *ns, *prefix;
	int gzip, unsafe, offset, uid, length, norm, shift_days;
	int have_norm;
} opt;

static long
number(const char *s, const char *what, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		cli_usage_error("%s takes a whole number from %ld to %ld, not "
		    "'%s'", what, min, max, s);
	return v;
}

static int
parse_norm(const char *s)
{
	char buf[256], *w, *save = NULL;
	int steps = 0, st;

	snprintf(buf, sizeof buf, "%s", s);
	for (w = strtok_r(buf, ", ", &save); w != NULL;
	    w = strtok_r(NULL, ", ", &save)) {
		if (eds_norm_step(w, &st) == -1)
			cli_usage_error("unknown normalise step '%s' (expected "
			    "trim, remove-spaces, upper or strip-leading-zeros)",
			    w);
		steps |= st;
	}
	return steps;
}

static void
parse_options(int argc, char **argv)
{
	int ch;

	opt.length = -1;
	opt.shift_days = -1;
	while ((ch = getopt_long(argc, argv, "hk:o:p:qz", options, NULL)) != -1) {
		if (cli_common_option(ch, optarg))
			continue;
		switch (ch) {
		case 'p':
			opt.policy = optarg;
			break;
		case 'k':
			opt.key = optarg;
			break;
		case 'z':
			opt.gzip = 1;
			break;
		case OPT_DOMAIN:
			opt.domain = optarg;
			if (!eds_domain_valid(optarg))
				cli_usage_error("invalid domain name (1 to %d "
				    "bytes of UTF-8 without control characters)",
				    EDS_DOMAIN_MAX);
			break;
		case OPT_UNSAFE:
			opt.unsafe = 1;
			break;
		case OPT_NAMESPACE:
			opt.ns = optarg;
			break;
		case OPT_OFFSET:
			opt.offset = 1;
			break;
		case OPT_UID:
			opt.uid = 1;
			break;
		case OPT_LENGTH:
			opt.length = (int)number(optarg, "--length",
			    EDS_PSEUDO_LEN_MIN, EDS_PSEUDO_LEN_MAX);
			break;
		case OPT_PREFIX:
			if (strlen(optarg) > EDS_PREFIX_MAX)
				cli_usage_error("--prefix takes at most %d "
				    "bytes", EDS_PREFIX_MAX);
			opt.prefix = optarg;
			break;
		case OPT_NORMALISE:
			opt.norm = parse_norm(optarg);
			opt.have_norm = 1;
			break;
		case OPT_SHIFT_DAYS:
			opt.shift_days = (int)number(optarg, "--shift-days", 1,
			    EDS_SHIFT_DAYS_MAX);
			break;
		default:
			cli_usage(EDS_EX_USAGE);
		}
	}
}

/* Load the key and derive the domain key; the master key is wiped here. */
static struct eds_domain *
open_domain(const char *name, struct eds_run *run, struct eds_error *err)
{
	struct eds_key key;
	struct eds_domain *d;

	if (eds_key_load(opt.key, opt.unsafe ? EDS_KEY_ALLOW_UNSAFE : 0, &key,
	    err) == -1)
		return NULL;
	if (key.unsafe)
		cli_warnx("warning: key file '%s' is accessible by group or "
		    "others (accepted because of --allow-unsafe-key)", opt.key);
	snprintf(run->key_id, sizeof run->key_id, "%s", key.id);
	d = eds_domain_new(&key, name, err);
	eds_key_wipe(&key);
	return d;
}

static int
cmd_keygen(int argc, char **argv)
{
	struct eds_error err;
	struct eds_run run;
	int status = 0;

	parse_options(argc, argv);
	if (optind != argc)
		cli_usage_error("keygen takes no arguments");
	if (cli.output == NULL)
		cli_usage_error("keygen needs the key file to create (-o "
		    "KEYFILE)");
	if (strcmp(cli.output, "-") == 0)
		cli_usage_error("keygen writes the key to a file, never to "
		    "standard output");
	if (opt.policy || opt.key || opt.domain || opt.ns || opt.offset ||
	    opt.uid || opt.gzip)
		cli_usage_error("keygen takes only -o KEYFILE");
	eds_error_clear(&err);
	eds_run_init(&run, "eds-pseudo", "keygen");
	{
		struct eds_key key;

		if (eds_keygen(cli.output, &key, &err) == -1) {
			cli_error(&err);
			status = err.status;
		} else {
			snprintf(run.key_id, sizeof run.key_id, "%s", key.id);
			eds_key_wipe(&key);
			if (!cli.quiet)
				cli_warnx("created '%s', key id %s", cli.output,
				    run.key_id);
		}
	}
	cli.output = NULL;
	status = cli_finish(&run, status);
	eds_run_release(&run);
	return status;
}

/* Settings for a namespace from the policy's columns that use it. */
static int
policy_settings(const struct eds_policy *pol, struct eds_error *err)
{
	const struct eds_policy_col *found = NULL;
	size_t i;

	if (opt.offset) {
		if (opt.shift_days < 0)
			opt.shift_days = pol->shift_days;
		if (!opt.have_norm)
			opt.norm = eds_policy_patient_norm(pol);
		return 0;
	}
	if (opt.uid)
		return 0;
	for (i = 0; i < pol->ncols; i++) {
		const struct eds_policy_col *c = &pol->cols[i];

		if (c->action != EDS_ACT_PSEUDONYMISE ||
		    strcmp(c->ns, opt.ns) != 0)
			continue;
		if (found != NULL && (found->length != c->length ||
		    found->norm != c->norm || strcmp(found->prefix,
		    c->prefix) != 0))
			return eds_error_at(err, EDS_EX_CONFIG, pol->path,
			    c->line, c->col, "columns '%s' and '%s' pseudonymise "
			    "namespace '%s' with different settings: give "
			    "--length, --prefix and --normalise", found->name,
			    c->name, opt.ns);
		found = c;
	}
	if (found == NULL)
		return eds_error_at(err, EDS_EX_CONFIG, pol->path, 0, 0,
		    "no column pseudonymises namespace '%s'", opt.ns);
	if (opt.length < 0)
		opt.length = found->length;
	if (opt.prefix == NULL)
		opt.prefix = found->prefix;
	if (!opt.have_norm)
		opt.norm = found->norm;
	return 0;
}

static int
lookup_one(const struct eds_domain *d, const char *id, size_t len)
{
	char out[EDS_PREFIX_MAX + EDS_PSEUDO_LEN_MAX + EDS_UID_MAX];

	if (opt.uid) {
		if (len == 0)
			out[0] = '\0';
		else
			eds_dicom_uid(d, id, len, out);
		return printf("%s\n", out) < 0 ? -1 : 0;
	}
	if (opt.offset) {
		int off = eds_date_offset(d, opt.norm, id, len,
		    opt.shift_days);

		return (off == 0 ? printf("\n") : printf("%+d\n", off)) < 0 ?
		    -1 : 0;
	}
	eds_pseudonym(d, opt.ns, opt.norm, (size_t)opt.length,
	    opt.prefix, id, len, out);
	return printf("%s\n", out) < 0 ? -1 : 0;
}

static int
cmd_lookup(int argc, char **argv)
{
	struct eds_policy *pol = NULL;
	struct eds_domain *d = NULL;
	struct eds_error err;
	struct eds_run run;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0, i, modes;

	parse_options(argc, argv);
	modes = (opt.ns != NULL) + opt.offset + opt.uid;
	if (opt.key == NULL)
		cli_usage_error("lookup needs the key file (-k KEYFILE)");
	if (opt.domain == NULL)
		cli_usage_error("lookup needs the domain (--domain NAME)");
	if (modes != 1)
		cli_usage_error("lookup needs exactly one of --namespace NS, "
		    "--offset and --uid");
	if (cli.output != NULL)
		cli_usage_error("lookup writes to standard output (no -o)");
	eds_error_clear(&err);
	eds_run_init(&run, "eds-pseudo", "lookup");
	if (opt.policy != NULL) {
		if ((pol = eds_policy_load(opt.policy, &err)) == NULL ||
		    policy_settings(pol, &err) == -1)
			goto fail;
		snprintf(run.config_sha256, sizeof run.config_sha256, "%s",
		    pol->sha256);
	}
	if (opt.length < 0)
		opt.length = EDS_PSEUDO_LEN_DEFAULT;
	if (opt.prefix == NULL)
		opt.prefix = "";
	if (opt.shift_days < 0)
		opt.shift_days = EDS_SHIFT_DAYS_DEFAULT;
	if ((d = open_domain(opt.domain, &run, &err)) == NULL)
		goto fail;
	if (optind < argc) {
		for (i = optind; i < argc; i++)
			if (lookup_one(d, argv[i], strlen(argv[i])) == -1)
				break;
		eds_run_set(&run, "ids", (uint64_t)(argc - optind));
	} else {
		/* One id per line on stdin: ids stay out of the process list. */
		uint64_t k = 0;

		while ((n = getline(&line, &cap, stdin)) != -1) {
			if (n > 0 && line[n - 1] == '\n')
				line[--n] = '\0';
			if (n > 0 && line[n - 1] == '\r')
				line[--n] = '\0';
			if (lookup_one(d, line, (size_t)n) == -1)
				break;
			k++;
		}
		if (line != NULL)
			eds_wipe(line, cap);
		free(line);
		eds_run_set(&run, "ids", k);
	}
	{
		struct eds_buf b = EDS_BUF_INIT;

		eds_json_str(&b, opt.domain);
		eds_run_extra(&run, "domain", b.p);
		eds_buf_release(&b);
	}
	goto done;
fail:
	cli_error(&err);
	status = err.status;
done:
	status = cli_finish(&run, status);
	eds_run_release(&run);
	eds_domain_free(d);
	eds_policy_free(pol);
	return status;
}

static int
cmd_stream(int argc, char **argv)
{
	struct eds_pseudo_options o;
	struct eds_policy *pol = NULL;
	struct eds_domain *d = NULL;
	struct eds_error err;
	struct eds_run run;
	const char *domain;
	int status = 0;

	parse_options(argc, argv);
	if (opt.policy == NULL)
		cli_usage_error("a policy is required (-p POLICY)");
	if (opt.key == NULL)
		cli_usage_error("a key file is required (-k KEYFILE)");
	if (argc - optind > 1)
		cli_usage_error("one input file at most (or standard input)");
	if (opt.ns != NULL || opt.offset || opt.uid || opt.length >= 0 ||
	    opt.prefix != NULL || opt.have_norm || opt.shift_days >= 0)
		cli_usage_error("--namespace, --offset, --uid, --length, "
		    "--prefix, --normalise and --shift-days are lookup options");
	eds_error_clear(&err);
	eds_run_init(&run, "eds-pseudo", "pseudonymise");
	if ((pol = eds_policy_load(opt.policy, &err)) == NULL)
		goto fail;
	domain = opt.domain != NULL ? opt.domain : pol->domain;
	if (domain == NULL) {
		cli_warnx("no domain: give --domain NAME (the project "
		    "identifier) or set 'domain' in the policy");
		status = EDS_EX_USAGE;
		goto done;
	}
	if ((d = open_domain(domain, &run, &err)) == NULL)
		goto fail;
	memset(&o, 0, sizeof o);
	o.policy = pol;
	o.domain = d;
	o.output = cli.output;
	o.gzip = opt.gzip;
	o.progress = cli_progress_cb;
	if (eds_pseudo_file(&o, optind < argc ? argv[optind] : NULL, &run,
	    &err) == -1)
		goto fail;
	goto done;
fail:
	cli_error(&err);
	status = err.status;
done:
	status = cli_finish(&run, status);
	eds_run_release(&run);
	eds_domain_free(d);
	eds_policy_free(pol);
	return status;
}

int
main(int argc, char **argv)
{
	cli_init("eds-pseudo", usage);
	if (argc > 1 && strcmp(argv[1], "keygen") == 0)
		return cmd_keygen(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "lookup") == 0)
		return cmd_lookup(argc - 1, argv + 1);
	return cmd_stream(argc, argv);
}
