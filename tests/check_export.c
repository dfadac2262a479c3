/*
 * check_export.c: a whole export through the library on a hand-made
 * hospital of five patients: every row counted by fate (rejected, out of
 * period, consent reasons, kept) in the run record and the bundle, the
 * callbacks called, and the errors that stop an export before it writes
 * anything: a shard that does not exist, no key, an unsafe key, no
 * registry, a missing registry or specification, an output that cannot
 * be created or already exists, too many rejected rows, an identifier
 * left in the data (named by file, line and column, never by value).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "export.h"
#include "registry.h"
#include "run.h"
#include "xmalloc.h"

static const char schema[] =
    "source: people\n"
    "separator: \";\"\n"
    "columns:\n"
    "  - {name: ipp, input: IPP, type: id, role: patient_id, required: true}\n"
    "  - {name: name, input: NOM, type: text, role: direct_identifier}\n"
    "  - {name: seen, input: VU, type: date, format: \"%d/%m/%Y\", "
    "role: quasi_identifier}\n"
    "  - {name: value, input: VALEUR, type: decimal, role: clinical}\n";

static const char policy_drop[] =
    "policy: people\npatient_id: ipp\nunlisted: error\ncolumns:\n"
    "  ipp: {action: pseudonymise, namespace: patient}\n"
    "  name: drop\n  seen: keep\n  value: keep\n";

static const char policy_keep_name[] =
    "policy: people\npatient_id: ipp\nunlisted: error\ncolumns:\n"
    "  ipp: {action: pseudonymise, namespace: patient}\n"
    "  name: keep\n  seen: keep\n  value: keep\n";

/*
 * Five patients: 1001 granted, 1002 refused, 1003 no record, 1004
 * withdrawn, 1005 granted.  Rows: the value column numbers them.
 */
static const char events[] =
    "patient_id,scope,decision,recorded_at,source,expires_at\n"
    "1001,secondary,granted,2024-01-01,dpi,\n"
    "1002,secondary,refused,2024-01-01,dpi,\n"
    "1004,secondary,granted,2023-01-01,dpi,\n"
    "1004,secondary,withdrawn,2024-06-01,dpi,\n"
    "1005,secondary,granted,2024-01-01,dpi,\n";

static const char data[] =
    "IPP;NOM;VU;VALEUR\n"
    "1001;Martin;01/02/2025;1\n"
    "1002;Durand;01/02/2025;2\n"
    "1003;Petit;01/02/2025;3\n"
    "1004;Moreau;01/02/2025;4\n"
    "1005;Lefebvre;01/02/2025;5\n"
    "1001;Martin;01/02/2019;6\n"	/* out of period */
    "1005;Lefebvre;;7\n"		/* no date */
    "1001;Martin;31/02/2025;8\n"	/* rejected: bad date */
    "1005;Lefebvre;02/02/2025;9\n";

static char dir[512];

/* dir/name, in a static buffer rotated over 8 slots. */
static const char *
P(const char *name)
{
	static char buf[8][700];
	static int slot;
	char *b = buf[slot++ % 8];

	snprintf(b, sizeof buf[0], "%s/%s", dir, name);
	return b;
}

/* The hospital in a fresh directory; the project's policy is pol. */
static void
hospital(const char *pol, const char *extra)
{
	struct eds_import_options io;
	struct eds_run run;
	struct eds_error err;
	char *files[1], *spec;
	static int n;

	snprintf(dir, sizeof dir, "%s/h%d", tu_tmpdir(), ++n);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	tu_write_str(P("schema.yaml"), schema);
	tu_write_str(P("policy.yaml"), pol);
	tu_write_str(P("events.csv"), events);
	tu_write_str(P("people.csv"), data);
	tu_write_str(P("k.key"),
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
	ck_assert_int_eq(chmod(P("k.key"), 0600), 0);
	spec = xasprintf(
	    "project: P-UNIT\ntitle: T\norganization: O\n"
	    "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	    "consent: {require: [secondary], regime: opt-in, at: 2026-01-01}\n"
	    "period: {from: 2020-01-01, to: 2026-01-01}\n"
	    "datasets:\n"
	    "  - name: people\n    schema: schema.yaml\n    policy: policy.yaml\n"
	    "    inputs: [people.csv]\n    date_column: seen\n"
	    "output: {max_reject_rate: %s}\n", extra != NULL ? extra : "0.2");
	tu_write_str(P("p.yaml"), spec);
	free(spec);
	eds_import_options_init(&io);
	files[0] = xstrdup(P("events.csv"));
	eds_run_init(&run, "test", "import");
	ck_assert_int_eq(eds_registry_import(P("reg"), &io, files, 1, &run,
	    &err), 0);
	free(files[0]);
	eds_run_release(&run);
}

/* Options for an export of the hospital into dir/out (paths kept). */
static void
options(struct eds_export_options *o, const char *out)
{
	static char project[700], key[700], reg[700], output[8][700];
	static int slot;
	char *op = output[slot++ % 8];

	snprintf(project, sizeof project, "%s", P("p.yaml"));
	snprintf(key, sizeof key, "%s", P("k.key"));
	snprintf(reg, sizeof reg, "%s", P("reg"));
	snprintf(op, sizeof output[0], "%s", P(out));
	eds_export_options_init(o);
	o->project = project;
	o->key = key;
	o->registry = reg;
	o->output = op;
	o->bagging_date = "2026-01-03";
}

static unsigned long rejects_seen;
static uint64_t progress_calls;

static void
on_reject(void *ctx, const char *dataset, const struct eds_record *r)
{
	(void)ctx;
	ck_assert_str_eq(dataset, "people");
	ck_assert_str_eq(r->reason, "bad-date");
	ck_assert_uint_eq(r->line, 9);
	rejects_seen++;
}

static void
on_progress(void *ctx, uint64_t rows, uint64_t bytes)
{
	(void)ctx;
	(void)rows;
	(void)bytes;
	progress_calls++;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Entries of the hospital directory other than its inputs and registry. */
static int
leftovers(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n - 7;	/* 6 files and reg */
}

START_TEST(export_counts_every_row_by_fate)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;
	char *text;

	hospital(policy_drop, NULL);
	options(&o, "bundle");
	o.on_reject = on_reject;
	o.progress = on_progress;
	rejects_seen = 0;
	eds_run_init(&run, "eds-export", "export");
	ck_assert_msg(eds_export(&o, &run, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(eds_run_get(&run, "rows_in"), 9);
	ck_assert_uint_eq(eds_run_get(&run, "rows_out"), 3);
	ck_assert_uint_eq(eds_run_get(&run, "excluded.rejected:bad-date"), 1);
	ck_assert_uint_eq(eds_run_get(&run, "excluded.out-of-period"), 1);
	ck_assert_uint_eq(eds_run_get(&run, "excluded.no-date"), 1);
	ck_assert_uint_eq(eds_run_get(&run, "excluded.refused"), 1);
	ck_assert_uint_eq(eds_run_get(&run, "excluded.no-record"), 1);
	ck_assert_uint_eq(eds_run_get(&run, "excluded.withdrawn"), 1);
	ck_assert_msg(eds_run_get(&run, "identifiers_checked") >= 10,
	    "the names and IPPs were collected for the leak scan");
	ck_assert_uint_eq(rejects_seen, 1);
	ck_assert_uint_eq(run.ninputs, 1);
	ck_assert_uint_eq(run.noutputs, 1);
	ck_assert_str_eq(run.outputs[0].path, P("bundle"));
	ck_assert_uint_eq(strlen(run.key_id), 16);
	ck_assert_uint_eq(strlen(run.config_sha256), 64);

	text = tu_read(P("bundle/data/people.csv"), NULL);
	ck_assert_msg(strncmp(text, "ipp,seen,value\n", 15) == 0,
	    "the name column is dropped: %s", text);
	ck_assert_msg(strstr(text, ",2025-02-01,1\n") != NULL &&
	    strstr(text, ",2025-02-01,5\n") != NULL &&
	    strstr(text, ",2025-02-02,9\n") != NULL,
	    "rows 1, 5 and 9 are kept: %s", text);
	ck_assert_msg(strstr(text, "1001") == NULL && strstr(text,
	    "Martin") == NULL, "no identifier in the data");
	free(text);
	text = tu_read(P("bundle/data/provenance.json"), NULL);
	ck_assert_msg(strstr(text, "\"rejected:bad-date\"") != NULL &&
	    strstr(text, "\"out-of-period\"") != NULL, "%s", text);
	free(text);
	ck_assert_msg(leftovers() == 1, "only the bundle is left");
	eds_run_release(&run);
}
END_TEST

START_TEST(export_refuses_bad_options_before_writing_anything)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;

	hospital(policy_drop, NULL);
	eds_run_init(&run, "eds-export", "shard");
	options(&o, "part");
	o.shard = 3;
	o.nshards = 2;
	ck_assert_int_eq(eds_export_shard(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);
	o.shard = 0;
	ck_assert_int_eq(eds_export_shard(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);

	options(&o, "b");
	o.key = NULL;
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);

	options(&o, "b");
	o.registry = NULL;
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);
	ck_assert_msg(strstr(err.msg, "registry") != NULL, "%s", err.msg);

	options(&o, "b");
	o.registry = P("no-such-registry");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);

	options(&o, "b");
	o.project = P("no-such.yaml");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);

	options(&o, "b");
	ck_assert_int_eq(chmod(P("k.key"), 0644), 0);
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_NOPERM);
	o.allow_unsafe_key = 1;
	ck_assert_int_eq(eds_export(&o, &run, &err), 0);
	ck_assert_int_eq(chmod(P("k.key"), 0600), 0);

	options(&o, "b");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "/b' already exists") != NULL, "%s",
	    err.msg);

	options(&o, "missing-dir/b");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);

	ck_assert_int_eq(eds_export_merge(&o, NULL, 0, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);
	ck_assert_msg(leftovers() == 1, "only the bundle b is left");
	eds_run_release(&run);
}
END_TEST

START_TEST(export_refuses_too_many_rejected_rows)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;

	hospital(policy_drop, "0.1");	/* 1 of 9 is more than 10% */
	options(&o, "b");
	eds_run_init(&run, "eds-export", "export");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "'people'") != NULL &&
	    strstr(err.msg, "1 of 9 rows rejected") != NULL, "%s", err.msg);
	ck_assert_msg(leftovers() == 0, "nothing is left");
	eds_run_release(&run);
}
END_TEST

START_TEST(export_refuses_a_name_left_in_the_data)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;

	hospital(policy_keep_name, NULL);
	options(&o, "b");
	o.archive = 1;
	eds_run_init(&run, "eds-export", "export");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_str_eq(err.file, "data/people.csv");
	ck_assert_uint_eq(err.line, 2);
	ck_assert_msg(strstr(err.msg, "column 'name'") != NULL &&
	    strstr(err.msg, "input column 'name'") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "Martin") == NULL &&
	    strstr(err.msg, "Lefebvre") == NULL, "never the value: %s",
	    err.msg);
	ck_assert_msg(leftovers() == 0, "no bundle, archive or working "
	    "directory is left");
	ck_assert_uint_eq(run.noutputs, 0);
	eds_run_release(&run);
}
END_TEST

/* Merge parts p and q into name: its manifest is the whole run's. */
static void
merged_equals_whole(struct eds_export_options *o, const char *name,
    const char *p, const char *q)
{
	struct eds_run run;
	struct eds_error err;
	char *parts[2], *a, *b, path[128];

	options(o, name);
	parts[0] = xstrdup(P(p));
	parts[1] = xstrdup(P(q));
	eds_run_init(&run, "eds-export", "merge");
	ck_assert_msg(eds_export_merge(o, parts, 2, &run, &err) == 0, "%s",
	    err.msg);
	ck_assert_uint_eq(eds_run_get(&run, "rows_out"), 3);
	eds_run_release(&run);
	free(parts[0]);
	free(parts[1]);
	snprintf(path, sizeof path, "%s/manifest-sha256.txt", name);
	a = tu_read(P("whole/manifest-sha256.txt"), NULL);
	b = tu_read(P(path), NULL);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}

START_TEST(export_shards_and_merge_through_the_library)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;
	char *parts[2];
	uint64_t rows1;

	hospital(policy_drop, NULL);
	options(&o, "whole");
	eds_run_init(&run, "eds-export", "export");
	ck_assert_int_eq(eds_export(&o, &run, &err), 0);
	eds_run_release(&run);
	/* Whole files: the one input goes to the shard its middle is in. */
	options(&o, "part1");
	o.shard = 1;
	o.nshards = 2;
	o.whole_files = 1;
	eds_run_init(&run, "eds-export", "shard");
	ck_assert_int_eq(eds_export_shard(&o, &run, &err), 0);
	ck_assert_msg(is_dir(P("part1")), "the partial is made");
	ck_assert_uint_eq(eds_run_get(&run, "rows_in"), 0);
	eds_run_release(&run);
	options(&o, "part2");
	o.shard = 2;
	o.nshards = 2;
	o.whole_files = 1;
	eds_run_init(&run, "eds-export", "shard");
	ck_assert_int_eq(eds_export_shard(&o, &run, &err), 0);
	ck_assert_uint_eq(eds_run_get(&run, "rows_in"), 9);
	eds_run_release(&run);
	merged_equals_whole(&o, "merged", "part2", "part1");

	/* Cut at a row boundary: both shards read rows of the one file. */
	options(&o, "cut1");
	o.shard = 1;
	o.nshards = 2;
	eds_run_init(&run, "eds-export", "shard");
	ck_assert_int_eq(eds_export_shard(&o, &run, &err), 0);
	rows1 = eds_run_get(&run, "rows_in");
	eds_run_release(&run);
	options(&o, "cut2");
	o.shard = 2;
	o.nshards = 2;
	eds_run_init(&run, "eds-export", "shard");
	ck_assert_int_eq(eds_export_shard(&o, &run, &err), 0);
	ck_assert_msg(rows1 > 0 && eds_run_get(&run, "rows_in") > 0 &&
	    rows1 + eds_run_get(&run, "rows_in") == 9, "the 9 rows are "
	    "shared: %llu and %llu", (unsigned long long)rows1,
	    (unsigned long long)eds_run_get(&run, "rows_in"));
	eds_run_release(&run);
	merged_equals_whole(&o, "cutmerged", "cut1", "cut2");

	/* Cut and whole partials do not merge. */
	parts[0] = xstrdup(P("part1"));
	parts[1] = xstrdup(P("cut2"));
	options(&o, "mixed");
	eds_run_init(&run, "eds-export", "merge");
	ck_assert_int_eq(eds_export_merge(&o, parts, 2, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "--whole-files") != NULL, "%s", err.msg);
	eds_run_release(&run);
	free(parts[0]);
	free(parts[1]);
}
END_TEST

/* A leak is named at its line of the payload, quoted line breaks counted. */
START_TEST(export_names_a_leak_at_its_line_after_multiline_fields)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;

	hospital(policy_drop, NULL);
	tu_write_str(P("schema.yaml"),
	    "source: people\nseparator: \";\"\ncolumns:\n"
	    "  - {name: ipp, input: IPP, type: id, role: patient_id}\n"
	    "  - {name: name, input: NOM, type: text, role: direct_identifier}\n"
	    "  - {name: note, input: NOTE, type: text, role: free_text}\n");
	tu_write_str(P("policy.yaml"),
	    "policy: people\npatient_id: ipp\nunlisted: error\ncolumns:\n"
	    "  ipp: {action: pseudonymise, namespace: patient}\n"
	    "  name: drop\n  note: keep\n");
	tu_write_str(P("people.csv"),
	    "IPP;NOM;NOTE\n"
	    "1001;Martin;\"line one\nline two\nline three\"\n"
	    "1005;Lefebvre;\"rien\"\n"
	    "1001;Martin;\"vu\"\n"
	    "1005;Lefebvre;LEFEBVRE\n");
	tu_write_str(P("p.yaml"),
	    "project: P-UNIT\ntitle: T\norganization: O\n"
	    "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	    "consent: {require: [secondary], regime: opt-in, at: 2026-01-01}\n"
	    "datasets:\n"
	    "  - {name: people, schema: schema.yaml, policy: policy.yaml, "
	    "inputs: people.csv}\n");
	options(&o, "b");
	eds_run_init(&run, "eds-export", "export");
	ck_assert_int_eq(eds_export(&o, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_str_eq(err.file, "data/people.csv");
	ck_assert_msg(err.line == 7, "the name in the last row's note is on "
	    "line 7 (header, 3 lines, 1, 1, then it), not %lu", err.line);
	ck_assert_msg(strstr(err.msg, "column 'note'") != NULL &&
	    strstr(err.msg, "input column 'name'") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "efebvre") == NULL &&
	    strstr(err.msg, "EFEBVRE") == NULL, "%s", err.msg);
	eds_run_release(&run);
}
END_TEST

/*
 * Three one-file datasets of equal size and three shards: each shard
 * reads one file (the last shard does not get every one-file dataset).
 */
START_TEST(export_shards_share_the_bytes_across_datasets)
{
	struct eds_export_options o;
	struct eds_run run;
	struct eds_error err;
	char name[16];
	unsigned i;
	char *spec;

	hospital(policy_drop, NULL);
	spec = xasprintf(
	    "project: P-UNIT\ntitle: T\norganization: O\n"
	    "approval: {body: CSE, reference: R-1, date: 2026-01-02}\n"
	    "consent: {require: [secondary], regime: opt-in, at: 2026-01-01}\n"
	    "datasets:\n"
	    "  - {name: a, schema: schema.yaml, policy: policy.yaml, "
	    "inputs: people.csv}\n"
	    "  - {name: b, schema: schema.yaml, policy: policy.yaml, "
	    "inputs: people.csv}\n"
	    "  - {name: c, schema: schema.yaml, policy: policy.yaml, "
	    "inputs: people.csv}\n"
	    "output: {max_reject_rate: 0.2}\n");
	tu_write_str(P("p.yaml"), spec);
	free(spec);
	for (i = 1; i <= 3; i++) {
		snprintf(name, sizeof name, "part%u", i);
		options(&o, name);
		o.shard = i;
		o.nshards = 3;
		eds_run_init(&run, "eds-export", "shard");
		ck_assert_msg(eds_export_shard(&o, &run, &err) == 0, "%s",
		    err.msg);
		ck_assert_msg(run.ninputs == 1 && eds_run_get(&run,
		    "rows_in") == 9, "shard %u reads one file (%zu)", i,
		    run.ninputs);
		eds_run_release(&run);
	}
}
END_TEST

Suite *
export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *t = tcase_create("export");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, export_counts_every_row_by_fate);
	tcase_add_test(t, export_refuses_bad_options_before_writing_anything);
	tcase_add_test(t, export_refuses_too_many_rejected_rows);
	tcase_add_test(t, export_refuses_a_name_left_in_the_data);
	tcase_add_test(t, export_shards_and_merge_through_the_library);
	tcase_add_test(t, export_shards_share_the_bytes_across_datasets);
	tcase_add_test(t, export_names_a_leak_at_its_line_after_multiline_fields);
	suite_add_tcase(s, t);
	return s;
}
