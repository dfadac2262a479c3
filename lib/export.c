/*
 * export.c: the whole export of a project, as shards and a merge (see
 * export.h).
 *
 * A shard loads the specification, the key and the consent registry,
 * then for each dataset streams its share of the inputs (whole files, or
 * pieces of files cut at row boundaries: shard_plan, read_piece) through the
 * validator and the stages (period, consent, pseudonymisation, selection)
 * into <part>/<dataset>.csv, counting every row by fate, and collects the
 * identifying values it read into the leak set.  partial.json records the
 * counts, the inputs (with SHA-256; for pieces, their bounds and hashes)
 * and what the shard was run with, so that the merge can refuse partials
 * that do not belong together, and check that the pieces of a cut file
 * cover it and are of one and the same file (merge_piece).
 *
 * The merge re-reads each dataset's partial files in shard order through
 * the CSV reader (canonical CSV reads and writes back byte for byte),
 * counts the k-anonymity classes on the way, suppresses or refuses, then
 * writes the dictionary and provenance, scans every payload file for
 * identifiers, and seals the bag.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bagit.h"
#include "cms.h"
#include "consentfilter.h"
#include "crypto.h"
#include "csvread.h"
#include "csvwrite.h"
#include "datetime.h"
#include "export.h"
#include "input.h"
#include "json.h"
#include "kanon.h"
#include "key.h"
#include "leakscan.h"
#include "output.h"
#include "period.h"
#include "pipeline.h"
#include "policy.h"
#include "project.h"
#include "pseudo.h"
#include "pseudonym.h"
#include "registry.h"
#include "schema.h"
#include "select.h"
#include "shardplan.h"
#include "siphash.h"
#include "tar.h"
#include "validate.h"
#include "xmalloc.h"

#define PARTIAL_FORMAT "eds-partial 2"
#define PROGRESS_EVERY 65536

/* A named count, in order of first use. */
struct count {
	char *name;
	uint64_t v;
};

struct counts {
	struct count *c;
	size_t n;
};

static void
counts_add(struct counts *cs, const char *name, uint64_t v)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].name, name) == 0) {
			cs->c[i].v += v;
			return;
		}
	cs->c = xreallocarray(cs->c, cs->n + 1, sizeof *cs->c);
	cs->c[cs->n].name = xstrdup(name);
	cs->c[cs->n].v = v;
	cs->n++;
}

static void
counts_release(struct counts *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		free(cs->c[i].name);
	free(cs->c);
	cs->c = NULL;
	cs->n = 0;
}

/* A piece of a file cut at row boundaries: bytes [start, end). */
struct piece {
	uint64_t start, end;
	char sha256[EDS_SHA256_HEX];
	unsigned shard;			/* the merge: who read it */
};

struct input_file {
	char *path;
	char sha256[EDS_SHA256_HEX];	/* the whole file ("" if unknown) */
	uint64_t bytes;			/* the whole file */
	/* A shard's piece of a cut file; the merge: the pieces gathered. */
	int piece;
	struct piece own;
	struct piece *pieces;		/* the last shard's list of all */
	size_t npieces;
	int open;			/* the merge: its last piece not seen */
};

/* What happened to one dataset (in one shard, or summed over shards). */
struct ds_account {
	uint64_t rows_in;
	uint64_t rows_out;
	struct counts excluded;		/* "rejected:bad-date", "refused", ... */
	struct input_file *inputs;
	size_t ninputs;
	char schema_sha256[EDS_SHA256_HEX];	/* the files as the shard read */
	char policy_sha256[EDS_SHA256_HEX];
};

static void
account_release(struct ds_account *a)
{
	size_t i;

	counts_release(&a->excluded);
	for (i = 0; i < a->ninputs; i++) {
		free(a->inputs[i].path);
		free(a->inputs[i].pieces);
	}
	free(a->inputs);
	memset(a, 0, sizeof *a);
}

static struct input_file *
account_input(struct ds_account *a, const char *path, const char *sha,
    uint64_t bytes)
{
	struct input_file *f;

	a->inputs = xreallocarray(a->inputs, a->ninputs + 1,
	    sizeof *a->inputs);
	f = &a->inputs[a->ninputs++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	snprintf(f->sha256, EDS_SHA256_HEX, "%s", sha);
	f->bytes = bytes;
	return f;
}

static void
add_piece(struct input_file *f, const struct piece *pc)
{
	f->pieces = xreallocarray(f->pieces, f->npieces + 1,
	    sizeof *f->pieces);
	f->pieces[f->npieces++] = *pc;
}

static int remove_tree(const char *);

/*
 * The key of the identifier hashes of the leak scan: derived from the
 * master key and the project's domain, so that identifiers.bin cannot be
 * reversed without the key, and differs from project to project.
 */
static void
leak_key(const struct eds_key *key, const char *domain,
    unsigned char out[EDS_SIPHASH_KEY_LEN])
{
	struct eds_buf info = EDS_BUF_INIT;

	eds_buf_addstr(&info, "eds leak scan v1 domain:");
	eds_buf_addstr(&info, domain);
	eds_hkdf_sha256(NULL, 0, key->k, sizeof key->k, info.p, info.len, out,
	    EDS_SIPHASH_KEY_LEN);
	eds_buf_release(&info);
}

void
eds_export_options_init(struct eds_export_options *o)
{
	memset(o, 0, sizeof *o);
}

/* --- the shard: one streaming pass per dataset --------------------------- */

struct shard_ds {
	const struct eds_export_options *o;
	const struct eds_dataset_spec *spec;
	struct eds_schema *schema;
	struct eds_policy *policy;
	struct eds_validator *v;
	struct eds_pipeline pl;
	struct eds_period *period;
	struct eds_consent_filter *consent;
	struct eds_pseudo *pseudo;
	struct eds_select *select;
	struct eds_output *out;
	struct eds_leakset *leaks;
	int *tags;			/* per schema column: tag or -1 */
	unsigned char *is_name;
	int dsindex;
	struct ds_account *acc;
	struct eds_input *in;
	uint64_t bytes_done;
	int saw_header;
};

static int
shard_row(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct shard_ds *s = ctx;
	char name[96];
	int v;

	if (rec->index == 0 && s->schema->header) {
		s->saw_header = 1;
		if (rec->reason != NULL)
			return eds_error_at(err, EDS_EX_DATAERR, rec->file,
			    rec->line, 0, "cannot read the header row: %s",
			    rec->detail);
		return eds_validator_header(s->v, rec, err);
	}
	s->acc->rows_in++;
	if (s->o->progress != NULL && s->acc->rows_in % PROGRESS_EVERY == 0)
		s->o->progress(s->o->ctx, s->acc->rows_in, s->bytes_done +
		    eds_input_stored_bytes(s->in));
	if (rec->reason != NULL || eds_validator_row(s->v, rec) != 0) {
		snprintf(name, sizeof name, "rejected:%s", rec->reason);
		counts_add(&s->acc->excluded, name, 1);
		if (s->o->on_reject != NULL)
			s->o->on_reject(s->o->ctx, s->spec->name, rec);
		return 0;
	}
	eds_leakset_add_row(s->leaks, rec->f, s->tags, s->is_name, rec->n);
	v = eds_pipeline_push(&s->pl, rec, NULL, err);
	if (v == -1)
		return -1;
	if (v == EDS_DROP) {
		counts_add(&s->acc->excluded, rec->reason, 1);
		return 0;
	}
	s->acc->rows_out++;
	return eds_csv_write_fields(s->out, rec->f, rec->n, err);
}

/* Rows rejected as invalid, over all reasons. */
static uint64_t
rejected_rows(const struct ds_account *acc)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < acc->excluded.n; i++)
		if (strncmp(acc->excluded.c[i].name, "rejected:", 9) == 0)
			n += acc->excluded.c[i].v;
	return n;
}

/* 1 (with err set) if more rows were rejected than the project allows. */
static int
reject_rate_exceeded(const struct eds_project *p,
    const struct eds_dataset_spec *d, const struct ds_account *acc,
    struct eds_error *err)
{
	uint64_t rejected = rejected_rows(acc);

	if (rejected == 0 || (double)rejected <= p->max_reject_rate *
	    (double)acc->rows_in)
		return 0;
	eds_error_at(err, EDS_EX_DATAERR, p->path, 0, 0, "dataset '%s': "
	    "%llu of %llu rows rejected as invalid, more than the maximum "
	    "reject rate of %.2f%%", d->name, (unsigned long long)rejected,
	    (unsigned long long)acc->rows_in, 100.0 * p->max_reject_rate);
	return 1;
}

static void
shard_ds_release(struct shard_ds *s)
{
	eds_output_abort(s->out);
	eds_pipeline_release(&s->pl);
	eds_select_free(s->select);
	eds_pseudo_free(s->pseudo);
	eds_consent_filter_free(s->consent);
	eds_period_free(s->period);
	eds_validator_free(s->v);
	eds_policy_free(s->policy);
	eds_schema_free(s->schema);
	free(s->tags);
	free(s->is_name);
}

/* The tag of column c of dataset d in the leak set. */
#define TAG(d, c) ((d) << 16 | (c))

/* 1 if the file starts with the gzip magic (1f 8b), 0 if not, -1 (66). */
static int
is_gzip(const char *path, struct eds_error *err)
{
	unsigned char m[2];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot read '%s'", path);
	do
		n = read(fd, m, 2);
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n == -1)
		return eds_error_errno(err, EDS_EX_NOINPUT, errno,
		    "cannot read '%s'", path);
	return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/*
 * Which shard reads what of each input file (shardplan.h): the files of
 * every dataset, in order, laid end to end; a plain file is cut at row
 * boundaries (unless whole_files), a gzip file goes whole to the shard
 * its middle falls in.  So each shard reads about as many bytes as the
 * others, even for a project of one large file, and each dataset's rows
 * are split into contiguous runs in shard order, which is what makes the
 * merged bundle byte-identical to a single run.  Every shard computes the
 * same plan from the same files (the merge checks that they did not
 * change between the shards of a run).  66 if an input cannot be read.
 */
static int
shard_plan(const struct eds_project *p, unsigned nshards, int whole_files,
    struct eds_shard_plan *plan, struct eds_error *err)
{
	struct stat st;
	size_t d, j;
	int gz = 0;

	eds_shard_plan_init(plan, nshards);
	for (d = 0; d < p->ndatasets; d++)
		for (j = 0; j < p->datasets[d].ninputs; j++) {
			const char *path = p->datasets[d].inputs[j];

			if (stat(path, &st) == -1)
				return eds_error_errno(err, EDS_EX_NOINPUT,
				    errno, "cannot read '%s'", path);
			if (nshards > 1 && !whole_files && st.st_size > 0 &&
			    (gz = is_gzip(path, err)) == -1)
				return -1;
			eds_shard_plan_add(plan, (uint64_t)st.st_size,
			    whole_files || gz || !S_ISREG(st.st_mode));
		}
	eds_shard_plan_compute(plan);
	return 0;
}

/* Read an input (a whole file or a piece) through the dataset's stages. */
static int
read_input(struct shard_ds *s, struct eds_csv_reader *r, const char *path,
    struct eds_error *err)
{
	int rc;

	s->saw_header = 0;
	eds_validator_positional(s->v);
	rc = eds_csv_reader_run(r, shard_row, s, err);
	if (rc == 0 && s->schema->header && !s->saw_header)
		rc = eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
		    "file is empty (expected a header row)");
	s->bytes_done += eds_input_stored_bytes(s->in);
	return rc;
}

static int
read_whole(struct shard_ds *s, const char *path, struct eds_error *err)
{
	struct eds_csv_reader *r;
	char sha[EDS_SHA256_HEX];
	int rc;

	if ((s->in = eds_input_open(path, err)) == NULL)
		return -1;
	r = eds_csv_reader_new(s->in, &s->schema->csv);
	rc = read_input(s, r, path, err);
	eds_csv_reader_free(r);
	eds_input_sha256(s->in, sha);
	account_input(s->acc, path, sha, eds_input_stored_bytes(s->in));
	eds_input_close(s->in);
	s->in = NULL;
	return rc;
}

/*
 * Shard k's piece of cut file fi of the plan: scan the file from its start
 * to the piece's end to find the cuts, then read the piece after the
 * file's header row, with its true line numbers.  The file's last shard
 * (whose piece ends the file, possibly empty) hashes as it scans: the
 * whole file and every piece, for the merge to check them.  A piece that
 * does not end where a row ends is 65: the scan misjudged a malformed
 * row, and only --whole-files can read that file in shards.
 */
static int
read_piece(struct shard_ds *s, const char *path,
    const struct eds_shard_plan *plan, size_t fi, unsigned k,
    struct eds_error *err)
{
	const struct eds_shard_file *f = &plan->files[fi];
	int last = k == f->last, rc = -1;
	struct eds_rowscan *sc;
	struct eds_csv_reader *r = NULL;
	struct eds_csv_options csv = s->schema->csv;
	struct eds_cut c;
	struct input_file *in;
	struct piece own, *all = NULL;
	size_t nall = 0;
	uint64_t from, to, head = 0;
	unsigned long line = 1, end_line = 0, skip;
	unsigned j;

	if ((sc = eds_rowscan_open(path, csv.sep, last, err)) == NULL)
		return -1;
	memset(&own, 0, sizeof own);
	eds_shard_plan_target(plan, fi, k, &from, &to);
	if (last) {
		/* Every cut, hashing the pieces between them. */
		for (j = f->first + 1; j <= k; j++) {
			eds_shard_plan_target(plan, fi, j, &from, &to);
			if (eds_rowscan_cut(sc, from, &c, err) == -1)
				goto done;
			if (c.offset > own.start) {
				all = xreallocarray(all, nall + 1, sizeof *all);
				all[nall].start = own.start;
				all[nall].end = c.offset;
				memcpy(all[nall++].sha256, c.sha256,
				    EDS_SHA256_HEX);
			}
			own.start = c.offset;
			line = c.line;
		}
		own.end = f->size;
	} else {
		if (k > f->first) {
			if (eds_rowscan_cut(sc, from, &c, err) == -1)
				goto done;
			own.start = c.offset;
			line = c.line;
		}
		if (eds_rowscan_cut(sc, to, &c, err) == -1)
			goto done;
		own.end = c.offset;
		end_line = c.line;
	}
	if (own.start < own.end) {
		/* The piece, after the header row, with the file's lines. */
		if (own.start > 0 && s->schema->header)
			head = eds_rowscan_head(sc);
		skip = line - 1 - (head > 0 ? eds_rowscan_head_lines(sc) : 0);
		if ((s->in = eds_input_open_range(path, head, own.start,
		    own.end, err)) == NULL)
			goto done;
		if (last)
			eds_input_hash_also(s->in, eds_rowscan_digest(sc));
		if (own.start > 0) {
			csv.sep = eds_rowscan_sep(sc);
			if (eds_rowscan_bom(sc))
				csv.encoding = EDS_ENC_UTF8;
		}
		r = eds_csv_reader_new(s->in, &csv);
		eds_csv_reader_piece(r, head, own.start, skip,
		    own.end < f->size);
		if (read_input(s, r, path, err) == -1) {
			if (eds_csv_reader_cut_failed(r) ==
			    EDS_CUT_FAILED_END)
				eds_error_at(err, EDS_EX_DATAERR, path,
				    end_line, 0, "cannot cut the file at byte "
				    "%llu: the rows there do not end where the "
				    "scan found (a quote out of place?); run the "
				    "shards with --whole-files",
				    (unsigned long long)own.end);
			else if (eds_csv_reader_cut_failed(r))
				eds_error_at(err, EDS_EX_DATAERR, path,
				    err->line, 0, "cannot cut the file after "
				    "its header row: the header row does not "
				    "end where the scan found (a row too "
				    "large?); run the shards with --whole-files");
			goto done;
		}
		eds_input_sha256(s->in, own.sha256);
	} else if (!last) {
		rc = 0;		/* an empty piece: nothing to read or record */
		goto done;
	} else
	{
		unsigned char none[EDS_SHA256_LEN];

		eds_sha256("", 0, none);
		eds_hex(none, EDS_SHA256_LEN, own.sha256);
	}
	in = account_input(s->acc, path, "", own.end - own.start);
	in->piece = 1;
	in->own = own;
	if (last) {
		eds_rowscan_sha256(sc, in->sha256);
		in->bytes = f->size;
		if (own.start < own.end) {
			all = xreallocarray(all, nall + 1, sizeof *all);
			all[nall++] = own;
		}
		in->pieces = all;
		in->npieces = nall;
		all = NULL;
	}
	rc = 0;
done:
	eds_csv_reader_free(r);
	eds_input_close(s->in);
	s->in = NULL;
	eds_rowscan_free(sc);
	free(all);
	return rc;
}

static int
shard_dataset(const struct eds_export_options *o,
    const struct eds_project *p, size_t di, unsigned shard,
    const struct eds_shard_plan *plan, size_t base,
    const struct eds_registry *reg, const struct eds_consent_rules *rules,
    const struct eds_domain *dom, struct eds_leakset *leaks,
    const char *partdir, struct ds_account *acc, struct eds_error *err)
{
	const struct eds_dataset_spec *d = &p->datasets[di];
	struct shard_ds s;
	struct eds_stage st;
	struct eds_header h;
	char *path;
	size_t i;
	int rc = -1;

	memset(&s, 0, sizeof s);
	s.o = o;
	s.spec = d;
	s.acc = acc;
	s.leaks = leaks;
	s.dsindex = (int)di;
	eds_pipeline_init(&s.pl);
	if ((s.schema = eds_schema_load(d->schema, err)) == NULL ||
	    (s.policy = eds_policy_load(d->policy, err)) == NULL)
		goto done;
	memcpy(acc->schema_sha256, s.schema->sha256, EDS_SHA256_HEX);
	memcpy(acc->policy_sha256, s.policy->sha256, EDS_SHA256_HEX);
	s.v = eds_validator_new(s.schema);
	s.tags = xcalloc(s.schema->ncols, sizeof *s.tags);
	s.is_name = xcalloc(s.schema->ncols, 1);
	for (i = 0; i < s.schema->ncols; i++) {
		const struct eds_column *c = &s.schema->cols[i];

		s.tags[i] = c->role == EDS_R_PATIENT_ID ||
		    c->role == EDS_R_STAY_ID ||
		    c->role == EDS_R_DIRECT_IDENTIFIER ? TAG((int)di, (int)i) :
		    -1;
		/* Text identifiers (names, address) are paired in text. */
		s.is_name[i] = c->role == EDS_R_DIRECT_IDENTIFIER &&
		    c->type == EDS_T_TEXT;
	}

	/* The stages, in DESIGN's order. */
	if (d->date_column != NULL &&
	    (p->period_from != NULL || p->period_to != NULL)) {
		if ((s.period = eds_period_new(d->date_column, p->period_from,
		    p->period_to, err)) == NULL)
			goto done;
		eds_period_stage(s.period, &st);
		eds_pipeline_add(&s.pl, &st);
	}
	if ((s.consent = eds_consent_filter_new(reg, rules, err)) == NULL)
		goto done;
	eds_consent_filter_stage(s.consent, &st);
	eds_pipeline_add(&s.pl, &st);
	s.pseudo = eds_pseudo_new(s.policy, dom);
	eds_pseudo_stage(s.pseudo, &st);
	eds_pipeline_add(&s.pl, &st);
	if (d->columns != NULL) {
		s.select = eds_select_new(d->columns, d->ncolumns);
		eds_select_stage(s.select, &st);
		eds_pipeline_add(&s.pl, &st);
	}
	eds_validator_out_header(s.v, &h);
	rc = eds_pipeline_start(&s.pl, &h, err);
	eds_header_release(&h);
	if (rc == -1) {
		/* Say which dataset the configuration problem is in. */
		if (err->file[0] == '\0')
			snprintf(err->file, sizeof err->file, "%s", p->path);
		goto done;
	}
	rc = -1;
	/* The quasi-identifiers are counted by the merge: check them now. */
	for (i = 0; i < d->nquasi; i++)
		if (eds_header_find(eds_pipeline_header(&s.pl),
		    d->quasi[i]) < 0) {
			eds_error_at(err, EDS_EX_CONFIG, p->path, 0, 0,
			    "dataset '%s': quasi-identifier '%s' is not a "
			    "released column", d->name, d->quasi[i]);
			goto done;
		}

	path = xasprintf("%s/%s.csv", partdir, d->name);
	s.out = eds_output_open(path, EDS_OUT_PRIVATE, err);
	free(path);
	if (s.out == NULL ||
	    eds_csv_write_header(s.out, eds_pipeline_header(&s.pl), err) == -1)
		goto done;

	/* This shard's share of the inputs (see shard_plan). */
	for (i = 0; i < d->ninputs; i++) {
		const struct eds_shard_file *f = &plan->files[base + i];

		if (shard < f->first || shard > f->last)
			continue;
		if ((f->first == f->last ? read_whole(&s, d->inputs[i], err) :
		    read_piece(&s, d->inputs[i], plan, base + i, shard,
		    err)) == -1)
			goto done;
	}
	if (eds_pipeline_finish(&s.pl, err) == -1)
		goto done;
	/*
	 * The reject rate is the dataset's, not a shard's: the merge checks
	 * the sums; a whole run (one shard) fails here, before the merge.
	 */
	if (o->nshards <= 1 && reject_rate_exceeded(p, d, acc, err))
		goto done;
	rc = eds_output_commit(s.out, err);
	s.out = NULL;
done:
	shard_ds_release(&s);
	return rc;
}

/* Consent rules from the specification, with the command line's overrides. */
static int
consent_rules(const struct eds_export_options *o, const struct eds_project *p,
    struct eds_consent_rules *rules, struct eds_error *err)
{
	size_t i;

	eds_consent_rules_init(rules);
	for (i = 0; i < p->nrequire; i++) {
		if (rules->nrequire == EDS_CONSENT_MAX_REQUIRE)
			return eds_error_at(err, EDS_EX_CONFIG, p->path, 0, 0,
			    "more than %d required consent scopes",
			    EDS_CONSENT_MAX_REQUIRE);
		rules->require[rules->nrequire++] = xstrdup(p->require[i]);
	}
	rules->regime = p->opt_out ? EDS_REGIME_OPT_OUT : EDS_REGIME_OPT_IN;
	if (o->at != NULL || p->consent_at != NULL) {
		if (eds_consent_rules_at(rules, o->at != NULL ? o->at :
		    p->consent_at, err) == -1)
			return -1;
	}
	if (p->id_column != NULL)
		eds_consent_rules_id_column(rules, p->id_column);
	return 0;
}

static void
json_counts(struct eds_buf *b, const struct counts *cs)
{
	size_t i;

	eds_buf_addch(b, '{');
	for (i = 0; i < cs->n; i++) {
		if (i > 0)
			eds_buf_addch(b, ',');
		eds_json_str(b, cs->c[i].name);
		eds_buf_addf(b, ":%llu", (unsigned long long)cs->c[i].v);
	}
	eds_buf_addch(b, '}');
}

static void
json_piece(struct eds_buf *b, const struct piece *pc)
{
	eds_buf_addf(b, "{\"start\":%llu,\"end\":%llu,\"sha256\":",
	    (unsigned long long)pc->start, (unsigned long long)pc->end);
	eds_json_str(b, pc->sha256);
	eds_buf_addch(b, '}');
}

/*
 * An input a shard read: a whole file (path, sha256, bytes), or a piece
 * (path, piece), which for the file's last shard also has the whole
 * file's sha256 and bytes and all its non-empty pieces.
 */
static void
json_input(struct eds_buf *b, size_t j, const struct input_file *f)
{
	size_t k;

	eds_buf_addstr(b, j ? ",{\"path\":" : "{\"path\":");
	eds_json_str(b, f->path);
	if (f->piece) {
		eds_buf_addstr(b, ",\"piece\":");
		json_piece(b, &f->own);
	}
	if (!f->piece || f->sha256[0] != '\0') {
		eds_buf_addstr(b, ",\"sha256\":");
		eds_json_str(b, f->sha256);
		eds_buf_addf(b, ",\"bytes\":%llu",
		    (unsigned long long)f->bytes);
	}
	if (f->piece && f->sha256[0] != '\0') {
		eds_buf_addstr(b, ",\"pieces\":[");
		for (k = 0; k < f->npieces; k++) {
			if (k > 0)
				eds_buf_addch(b, ',');
			json_piece(b, &f->pieces[k]);
		}
		eds_buf_addch(b, ']');
	}
	eds_buf_addch(b, '}');
}

static int
write_partial_json(const char *partdir, const struct eds_project *p,
    const char *key_id, const char *at, const char *generation,
    unsigned shard, unsigned nshards, int whole_files,
    const struct ds_account *acc, struct eds_error *err)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_output *out;
	char *path;
	size_t i, j;
	int rc = -1;

	eds_buf_addstr(&b, "{\"format\":\"" PARTIAL_FORMAT "\",\"project\":");
	eds_json_str(&b, p->id);
	eds_buf_addstr(&b, ",\"spec_sha256\":");
	eds_json_str(&b, p->sha256);
	eds_buf_addstr(&b, ",\"key_id\":");
	eds_json_str(&b, key_id);
	eds_buf_addstr(&b, ",\"consent_at\":");
	eds_json_str(&b, at);
	eds_buf_addstr(&b, ",\"registry_generation\":");
	eds_json_str(&b, generation);
	eds_buf_addstr(&b, ",\"domain\":");
	eds_json_str(&b, p->domain);
	eds_buf_addf(&b, ",\"shard\":%u,\"nshards\":%u,\"files\":\"%s\","
	    "\"datasets\":[", shard, nshards, whole_files ? "whole" : "cut");
	for (i = 0; i < p->ndatasets; i++) {
		eds_buf_addstr(&b, i ? ",{\"name\":" : "{\"name\":");
		eds_json_str(&b, p->datasets[i].name);
		eds_buf_addf(&b, ",\"rows_in\":%llu,\"rows_out\":%llu,"
		    "\"excluded\":", (unsigned long long)acc[i].rows_in,
		    (unsigned long long)acc[i].rows_out);
		json_counts(&b, &acc[i].excluded);
		eds_buf_addstr(&b, ",\"schema_sha256\":");
		eds_json_str(&b, acc[i].schema_sha256);
		eds_buf_addstr(&b, ",\"policy_sha256\":");
		eds_json_str(&b, acc[i].policy_sha256);
		eds_buf_addstr(&b, ",\"inputs\":[");
		for (j = 0; j < acc[i].ninputs; j++)
			json_input(&b, j, &acc[i].inputs[j]);
		eds_buf_addstr(&b, "]}");
	}
	eds_buf_addstr(&b, "]}\n");
	path = xasprintf("%s/partial.json", partdir);
	if ((out = eds_output_open(path, EDS_OUT_PRIVATE, err)) != NULL) {
		if (eds_output_write(out, b.p, b.len, err) == 0)
			rc = eds_output_commit(out, err);
		else
			eds_output_abort(out);
	}
	free(path);
	eds_buf_release(&b);
	return rc;
}

/* Add a shard's or merge's dataset accounts to the run record. */
static void
account_run(struct eds_run *run, const struct eds_project *p,
    const struct ds_account *acc)
{
	char name[128];
	size_t i, j;

	for (i = 0; i < p->ndatasets; i++) {
		eds_run_count(run, "rows_in", acc[i].rows_in);
		for (j = 0; j < acc[i].ninputs; j++) {
			const struct input_file *f = &acc[i].inputs[j];

			/*
			 * A shard's piece of a cut file: the bytes it read,
			 * named so; the file's last shard scanned and read
			 * all of it, and records the whole file.
			 */
			if (f->piece && f->sha256[0] == '\0') {
				char *what = xasprintf("%s (bytes %llu-%llu)",
				    f->path, (unsigned long long)f->own.start,
				    (unsigned long long)f->own.end);

				eds_run_input(run, what, f->own.sha256,
				    f->own.end - f->own.start);
				free(what);
			} else
				eds_run_input(run, f->path, f->sha256,
				    f->bytes);
		}
	}
	for (i = 0; i < p->ndatasets; i++)
		eds_run_count(run, "rows_out", acc[i].rows_out);
	for (i = 0; i < p->ndatasets; i++)
		for (j = 0; j < acc[i].excluded.n; j++) {
			snprintf(name, sizeof name, "excluded.%s",
			    acc[i].excluded.c[j].name);
			eds_run_count(run, name, acc[i].excluded.c[j].v);
		}
}

static void
project_extra(struct eds_run *run, const struct eds_project *p)
{
	struct eds_buf b = EDS_BUF_INIT;

	eds_json_str(&b, p->id);
	eds_run_extra(run, "project", b.p);
	eds_buf_release(&b);
}

/*
 * A required scope that no event in the registry carries: under opt-out it
 * excludes nobody, under opt-in everybody.  It may be right (a new study
 * nobody has answered yet) or a typo: say so, and record it in the run.
 */
static void
warn_unknown_scopes(const struct eds_export_options *o,
    const struct eds_project *p, const struct eds_registry *reg,
    struct eds_run *run)
{
	struct eds_buf list = EDS_BUF_INIT;
	char msg[512];
	size_t i;

	for (i = 0; i < p->nrequire; i++) {
		if (eds_registry_scope_find(reg, p->require[i],
		    strlen(p->require[i])) >= 0)
			continue;
		eds_buf_addstr(&list, list.len ? "," : "[");
		eds_json_str(&list, p->require[i]);
		snprintf(msg, sizeof msg, "no consent decision in the registry "
		    "is about the required scope '%s': under %s it %s",
		    p->require[i], p->opt_out ? "opt-out" : "opt-in",
		    p->opt_out ? "excludes nobody" : "excludes everybody");
		if (o->on_warning != NULL)
			o->on_warning(o->ctx, msg);
	}
	if (list.len > 0) {
		eds_buf_addch(&list, ']');
		eds_run_extra(run, "scopes_without_decisions", list.p);
	}
	eds_buf_release(&list);
}

int
eds_export_shard(const struct eds_export_options *o, struct eds_run *run,
    struct eds_error *err)
{
	sigset_t saved;
	struct eds_project *p = NULL;
	struct eds_registry *reg = NULL;
	struct eds_consent_rules rules;
	struct eds_consent_filter *probe = NULL;
	struct eds_domain *dom = NULL;
	struct eds_leakset *leaks = NULL;
	struct ds_account *acc = NULL;
	struct eds_key key;
	unsigned char lkey[EDS_SIPHASH_KEY_LEN];
	struct eds_registry_info rinfo;
	char at[64], generation[32], *path = NULL;
	const char *regdir;
	size_t i, base;
	struct eds_shard_plan plan;
	int rc = -1, made = 0, slot = -1;

	if (o->nshards == 0 || o->shard == 0 || o->shard > o->nshards)
		return eds_error_set(err, EDS_EX_USAGE,
		    "shard %u of %u does not exist", o->shard, o->nshards);
	memset(&key, 0, sizeof key);
	eds_shard_plan_init(&plan, 1);
	eds_consent_rules_init(&rules);
	if ((p = eds_project_load(o->project, err)) == NULL)
		goto done;
	snprintf(run->config_sha256, sizeof run->config_sha256, "%s",
	    p->sha256);
	project_extra(run, p);
	if (o->key == NULL) {
		eds_error_set(err, EDS_EX_USAGE, "a key is required (-k KEYFILE)");
		goto done;
	}
	if (eds_key_load(o->key, o->allow_unsafe_key ? EDS_KEY_ALLOW_UNSAFE :
	    0, &key, err) == -1)
		goto done;
	snprintf(run->key_id, sizeof run->key_id, "%s", key.id);
	dom = eds_domain_new(&key, p->domain, err);
	leak_key(&key, p->domain, lkey);
	eds_key_wipe(&key);
	if (dom == NULL)
		goto done;
	eds_consent_rules_release(&rules);
	if (consent_rules(o, p, &rules, err) == -1)
		goto done;
	if (o->nshards > 1 && o->at == NULL && p->consent_at == NULL) {
		eds_error_set(err, EDS_EX_USAGE, "a sharded export needs a "
		    "fixed consent date: set consent: at: in the project or "
		    "pass --at, the same for every shard");
		goto done;
	}
	regdir = o->registry != NULL ? o->registry : p->registry;
	if (regdir == NULL) {
		eds_error_set(err, EDS_EX_USAGE, "no consent registry: pass "
		    "--registry DIR or set consent: registry: in the project");
		goto done;
	}
	if ((reg = eds_registry_open(regdir, 0, err)) == NULL)
		goto done;
	warn_unknown_scopes(o, p, reg, run);
	eds_registry_info(reg, &rinfo);
	snprintf(generation, sizeof generation, "%llu",
	    (unsigned long long)rinfo.generation);
	/* Fix the as-of time once, so every dataset uses the same. */
	if ((probe = eds_consent_filter_new(reg, &rules, err)) == NULL)
		goto done;
	eds_consent_time_format(eds_consent_filter_at(probe), at);
	if (rules.at == NULL || strcmp(rules.at, at) != 0) {
		free(rules.at);
		rules.at = xstrdup(at);
	}

	eds_output_signals_hold(&saved);
	if (mkdir(o->output, 0700) == -1) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot create '%s'", o->output);
		eds_output_signals_release(&saved);
		goto done;
	}
	made = 1;
	slot = eds_output_temp_dir(o->output);
	eds_output_signals_release(&saved);
	if (shard_plan(p, o->nshards, o->whole_files, &plan, err) == -1)
		goto done;
	leaks = eds_leakset_new(lkey);
	acc = xcalloc(p->ndatasets, sizeof *acc);
	for (i = 0, base = 0; i < p->ndatasets; i++) {
		if (shard_dataset(o, p, i, o->shard, &plan, base, reg, &rules,
		    dom, leaks, o->output, &acc[i], err) == -1)
			goto done;
		base += p->datasets[i].ninputs;
	}
	path = xasprintf("%s/identifiers.bin", o->output);
	if (eds_leakset_save(leaks, path, err) == -1 ||
	    write_partial_json(o->output, p, run->key_id, at, generation,
	    o->shard, o->nshards, o->whole_files, acc, err) == -1)
		goto done;
	rc = 0;
done:
	if (rc == -1 && made)
		remove_tree(o->output);	/* no half partial is left behind */
	eds_output_temp_dir_forget(slot);
	if (acc != NULL) {
		account_run(run, p, acc);
		for (i = 0; i < p->ndatasets; i++)
			account_release(&acc[i]);
		free(acc);
	}
	eds_shard_plan_release(&plan);
	free(path);
	eds_leakset_free(leaks);
	eds_consent_filter_free(probe);
	eds_registry_close(reg);
	eds_consent_rules_release(&rules);
	eds_domain_free(dom);
	eds_key_wipe(&key);
	eds_wipe(lkey, sizeof lkey);
	eds_project_free(p);
	return rc;
}

/* --- the merge ------------------------------------------------------------ */

struct part {
	char *dir;
	unsigned shard, nshards;
	struct eds_jnode *json;
};

static const struct eds_jnode *
jget(const struct eds_jnode *o, const char *key, enum eds_jtype t)
{
	const struct eds_jnode *v = eds_json_get(o, key);

	return v != NULL && v->type == t ? v : NULL;
}

static int
load_part(const char *dir, const struct eds_project *p, struct part *pt,
    struct eds_error *err)
{
	const struct eds_jnode *v;
	char *path = xasprintf("%s/partial.json", dir), *text, why[128];
	size_t len;
	struct stat st;

	memset(pt, 0, sizeof *pt);
	pt->dir = xstrdup(dir);
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		free(path);
		return eds_error_at(err, EDS_EX_NOINPUT, dir, 0, 0,
		    "no such partial directory: its shard did not run");
	}
	if (eds_read_small_file(path, 64 * 1024 * 1024, &text, &len,
	    err) == -1) {
		free(path);
		return eds_error_at(err, EDS_EX_NOINPUT, dir, 0, 0,
		    "not a finished partial (no partial.json): its shard "
		    "failed or is still running");
	}
	pt->json = eds_json_parse(text, len, why, sizeof why);
	free(text);
	if (pt->json == NULL || (v = jget(pt->json, "format", EDS_JSTR)) ==
	    NULL || strcmp(v->str, PARTIAL_FORMAT) != 0) {
		eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
		    "not an eds-export partial (%s)", pt->json == NULL ? why :
		    "unknown format");
		free(path);
		return -1;
	}
	free(path);
	if ((v = jget(pt->json, "project", EDS_JSTR)) == NULL ||
	    strcmp(v->str, p->id) != 0)
		return eds_error_at(err, EDS_EX_DATAERR, dir, 0, 0,
		    "partial of another project");
	if ((v = jget(pt->json, "spec_sha256", EDS_JSTR)) == NULL ||
	    strcmp(v->str, p->sha256) != 0)
		return eds_error_at(err, EDS_EX_DATAERR, dir, 0, 0,
		    "partial made from another version of '%s'", p->path);
	if ((v = jget(pt->json, "shard", EDS_JNUM)) == NULL)
		return eds_error_at(err, EDS_EX_DATAERR, dir, 0, 0,
		    "partial.json has no shard number");
	pt->shard = (unsigned)strtoul(v->str, NULL, 10);
	if ((v = jget(pt->json, "nshards", EDS_JNUM)) == NULL)
		return eds_error_at(err, EDS_EX_DATAERR, dir, 0, 0,
		    "partial.json has no shard count");
	pt->nshards = (unsigned)strtoul(v->str, NULL, 10);
	if (pt->shard < 1 || pt->shard > pt->nshards)
		return eds_error_at(err, EDS_EX_DATAERR, dir, 0, 0,
		    "partial.json has a shard number out of range");
	if ((v = jget(pt->json, "datasets", EDS_JARR)) == NULL ||
	    v->n != p->ndatasets)
		return eds_error_at(err, EDS_EX_DATAERR, dir, 0, 0,
		    "partial.json does not list the project's datasets");
	return 0;
}

static void
part_release(struct part *pt)
{
	free(pt->dir);
	eds_json_free(pt->json);
}

static int
by_shard(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	return x->shard < y->shard ? -1 : x->shard > y->shard;
}

/*
 * Every shard of one run exactly once: the same shard count in every
 * partial (65 naming the first odd one), no shard twice (65 naming both
 * directories), none missing (66 naming the first missing shard).  Sorts
 * pts by shard.
 */
static int
check_shards(struct part *pts, size_t n, struct eds_error *err)
{
	unsigned want = pts[0].nshards, next = 1;
	size_t i;

	for (i = 1; i < n; i++)
		if (pts[i].nshards != want)
			return eds_error_at(err, EDS_EX_DATAERR, pts[i].dir, 0,
			    0, "this partial is shard %u of %u, but '%s' is "
			    "shard %u of %u: they are not of the same run",
			    pts[i].shard, pts[i].nshards, pts[0].dir,
			    pts[0].shard, want);
	qsort(pts, n, sizeof *pts, by_shard);
	for (i = 1; i < n; i++)
		if (pts[i].shard == pts[i - 1].shard)
			return eds_error_set(err, EDS_EX_DATAERR, "shard %u of "
			    "%u is given twice: '%s' and '%s'", pts[i].shard,
			    want, pts[i - 1].dir, pts[i].dir);
	for (i = 0; i < n; i++, next++)
		if (pts[i].shard != next)
			break;
	if (next <= want)
		return eds_error_set(err, EDS_EX_NOINPUT, "shard %u of %u is "
		    "missing%s (%zu of the %u partials given)", next, want,
		    n + 1 < want ? ", among others" : "", n, want);
	return 0;
}

/* The same string member in every part, or an error naming the first odd one. */
static int
same_member(const struct part *pts, size_t n, const char *key,
    const char **out, struct eds_error *err)
{
	const struct eds_jnode *v0 = jget(pts[0].json, key, EDS_JSTR), *v;
	size_t i;

	for (i = 1; i < n; i++) {
		v = jget(pts[i].json, key, EDS_JSTR);
		if (v0 == NULL || v == NULL || strcmp(v->str, v0->str) != 0)
			return eds_error_at(err, EDS_EX_DATAERR, pts[i].dir, 0,
			    0, "shard %u differs from shard %u in %s: the "
			    "shards were not run with the same settings",
			    pts[i].shard, pts[0].shard, key);
	}
	*out = v0 != NULL ? v0->str : "";
	return 0;
}

/* A piece as partial.json gives it; 0, or -1 if malformed. */
static int
json_get_piece(const struct eds_jnode *o, struct piece *pc)
{
	const struct eds_jnode *a, *b, *h;

	if (o == NULL || (a = jget(o, "start", EDS_JNUM)) == NULL ||
	    (b = jget(o, "end", EDS_JNUM)) == NULL ||
	    (h = jget(o, "sha256", EDS_JSTR)) == NULL ||
	    strlen(h->str) != EDS_SHA256_HEX - 1)
		return -1;
	pc->start = strtoull(a->str, NULL, 10);
	pc->end = strtoull(b->str, NULL, 10);
	snprintf(pc->sha256, sizeof pc->sha256, "%s", h->str);
	return pc->start <= pc->end ? 0 : -1;
}

/*
 * A piece of a cut file, read by shard pt: it must follow the pieces
 * before it (shards in order) without a gap or an overlap; the first
 * starts the file.  The file's last shard lists every piece with its
 * SHA-256 as it hashed them while scanning: each shard's piece must be
 * that one (else the file changed between the shards).  The file is then
 * recorded whole, as a single run records it.
 */
static int
merge_piece(const struct part *pt, const struct eds_jnode *f,
    const char *path, struct ds_account *acc, struct eds_error *err)
{
	struct input_file *in = acc->ninputs > 0 ?
	    &acc->inputs[acc->ninputs - 1] : NULL;
	const struct eds_jnode *list, *sha, *bytes;
	struct piece pc, want;
	size_t k;

	if (json_get_piece(jget(f, "piece", EDS_JOBJ), &pc) == -1)
		return eds_error_at(err, EDS_EX_DATAERR, pt->dir, 0, 0,
		    "partial.json has a malformed piece of '%s'", path);
	pc.shard = pt->shard;
	if (pc.start == 0 && pc.end > 0) {
		in = account_input(acc, path, "", 0);
		in->open = 1;
	} else if (pc.start < pc.end || jget(f, "pieces", EDS_JARR) != NULL) {
		if (in == NULL || !in->open || strcmp(in->path, path) != 0 ||
		    in->own.end != pc.start)
			return eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
			    "the pieces the shards read of this file do not "
			    "follow each other: shard %u read bytes %llu-%llu, "
			    "after bytes 0-%llu (were the shards run with the "
			    "same inputs?)", pt->shard,
			    (unsigned long long)pc.start,
			    (unsigned long long)pc.end, in != NULL && in->open &&
			    strcmp(in->path, path) == 0 ?
			    (unsigned long long)in->own.end : 0ULL);
	} else
		return 0;	/* empty, not the last: nothing was read */
	if (pc.start < pc.end)
		add_piece(in, &pc);
	in->own.end = pc.end;
	if ((list = jget(f, "pieces", EDS_JARR)) == NULL)
		return 0;

	/* The last piece: check them all against the last shard's list. */
	sha = jget(f, "sha256", EDS_JSTR);
	bytes = jget(f, "bytes", EDS_JNUM);
	if (sha == NULL || strlen(sha->str) != EDS_SHA256_HEX - 1 ||
	    bytes == NULL)
		return eds_error_at(err, EDS_EX_DATAERR, pt->dir, 0, 0,
		    "partial.json has no checksum for '%s'", path);
	for (k = 0; k < list->n || k < in->npieces; k++) {
		if (k >= list->n || k >= in->npieces ||
		    json_get_piece(list->items[k], &want) == -1 ||
		    want.start != in->pieces[k].start ||
		    want.end != in->pieces[k].end)
			return eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
			    "the file changed between the shards: shard %u "
			    "found its cuts elsewhere than shard %u did",
			    pt->shard, k < in->npieces ? in->pieces[k].shard :
			    pt->shard);
		if (strcmp(want.sha256, in->pieces[k].sha256) != 0)
			return eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
			    "the file changed between the shards: bytes "
			    "%llu-%llu as shard %u read them differ from what "
			    "shard %u read", (unsigned long long)want.start,
			    (unsigned long long)want.end, in->pieces[k].shard,
			    pt->shard);
	}
	in->bytes = strtoull(bytes->str, NULL, 10);
	if (in->own.end != in->bytes)
		return eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
		    "the shards read bytes 0-%llu of this file, of %llu",
		    (unsigned long long)in->own.end,
		    (unsigned long long)in->bytes);
	snprintf(in->sha256, sizeof in->sha256, "%s", sha->str);
	in->open = 0;
	return 0;
}

/* Every shard cut files, or every shard read them whole (--whole-files). */
static int
same_files(const struct part *pts, size_t n, struct eds_error *err)
{
	const struct eds_jnode *v;
	size_t i;
	int w0 = (v = jget(pts[0].json, "files", EDS_JSTR)) != NULL &&
	    strcmp(v->str, "whole") == 0, w;

	for (i = 1; i < n; i++) {
		w = (v = jget(pts[i].json, "files", EDS_JSTR)) != NULL &&
		    strcmp(v->str, "whole") == 0;
		if (w != w0)
			return eds_error_at(err, EDS_EX_DATAERR, pts[i].dir, 0,
			    0, "shard %u was run %s --whole-files and shard %u "
			    "%s: run every shard the same way", pts[i].shard,
			    w ? "with" : "without", pts[0].shard,
			    w0 ? "with" : "without");
	}
	return 0;
}

/*
 * Sum a part's dataset i into acc.  Every part must have read the same
 * schema and policy (first is the first part): a file edited between
 * shards would mix two configurations in one bundle.
 */
static int
sum_part(const struct part *pt, const struct eds_dataset_spec *ds, size_t i,
    int first, struct ds_account *acc, struct eds_error *err)
{
	const struct eds_jnode *d = jget(pt->json, "datasets",
	    EDS_JARR)->items[i], *v, *f;
	const char *const keys[] = { "schema_sha256", "policy_sha256" };
	char *const shas[] = { acc->schema_sha256, acc->policy_sha256 };
	size_t j;

	for (j = 0; j < 2; j++) {
		v = jget(d, keys[j], EDS_JSTR);
		if (v == NULL || strlen(v->str) != EDS_SHA256_HEX - 1)
			return eds_error_at(err, EDS_EX_DATAERR, pt->dir, 0, 0,
			    "partial.json has no %s for dataset '%s'", keys[j],
			    ds->name);
		if (first)
			memcpy(shas[j], v->str, EDS_SHA256_HEX);
		else if (strcmp(shas[j], v->str) != 0)
			return eds_error_at(err, EDS_EX_DATAERR, pt->dir, 0, 0,
			    "shard %u read another version of the %s of dataset "
			    "'%s' than shard 1: the shards were not run with the "
			    "same configuration", pt->shard, j == 0 ? "schema" :
			    "policy", ds->name);
	}

	if ((v = jget(d, "rows_in", EDS_JNUM)) != NULL)
		acc->rows_in += strtoull(v->str, NULL, 10);
	if ((v = jget(d, "excluded", EDS_JOBJ)) != NULL)
		for (j = 0; j < v->n; j++)
			if (v->items[j]->type == EDS_JNUM)
				counts_add(&acc->excluded, v->keys[j],
				    strtoull(v->items[j]->str, NULL, 10));
	if ((v = jget(d, "inputs", EDS_JARR)) != NULL)
		for (j = 0; j < v->n; j++) {
			const struct eds_jnode *path, *sha;

			f = v->items[j];
			path = jget(f, "path", EDS_JSTR);
			sha = jget(f, "sha256", EDS_JSTR);
			if (path != NULL && jget(f, "piece", EDS_JOBJ) != NULL) {
				if (merge_piece(pt, f, path->str, acc,
				    err) == -1)
					return -1;
				continue;
			}
			if (path == NULL || sha == NULL)
				continue;
			account_input(acc, path->str, sha->str,
			    jget(f, "bytes", EDS_JNUM) != NULL ? strtoull(
			    jget(f, "bytes", EDS_JNUM)->str, NULL, 10) : 0);
		}
	return 0;
}

/* Every cut file of the dataset had its last piece. */
static int
pieces_complete(const struct ds_account *acc, struct eds_error *err)
{
	size_t j;

	for (j = 0; j < acc->ninputs; j++)
		if (acc->inputs[j].open)
			return eds_error_at(err, EDS_EX_DATAERR,
			    acc->inputs[j].path, 0, 0, "the shards read only "
			    "bytes 0-%llu of this file: no shard read its last "
			    "piece (were the shards run with the same inputs?)",
			    (unsigned long long)acc->inputs[j].own.end);
	return 0;
}

struct merge_ds {
	struct eds_output *out;
	struct eds_pipeline pl;		/* the k-anonymity stage, if any */
	struct eds_header header;
	uint64_t rows;
	int have_header;
	const char *file;		/* current partial file */
	/* The leak scan, on the rows as they are written (NULL: later). */
	const struct eds_leakset *leaks;
	unsigned long line;		/* of the output, where the row starts */
	int leaked;
	struct eds_leak leak;
};

/*
 * Look for leaks in a row written at m->line of the output, and move
 * m->line past it (a field's line breaks are written as they are).
 */
static int
merge_scan(struct merge_ds *m, const struct eds_record *r)
{
	const char *nl;
	size_t i;
	int tag;

	for (i = 0; i < r->n; i++)
		if (eds_leakset_check(m->leaks, r->f[i].s, r->f[i].len,
		    &tag)) {
			m->leaked = 1;
			m->leak.line = m->line;
			m->leak.field = i;
			m->leak.tag = tag;
			return -1;
		}
	m->line++;
	for (i = 0; i < r->n; i++)
		for (nl = r->f[i].s; (nl = memchr(nl, '\n', r->f[i].len -
		    (size_t)(nl - r->f[i].s))) != NULL; nl++)
			m->line++;
	return 0;
}

static int
headers_equal(const struct eds_header *h, const struct eds_record *r)
{
	size_t i;

	if (h->n != r->n)
		return 0;
	for (i = 0; i < r->n; i++)
		if (strcmp(h->names[i], r->f[i].s) != 0)
			return 0;
	return 1;
}

static int
merge_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct merge_ds *m = ctx;
	size_t i;
	int v;

	if (r->reason != NULL)
		return eds_error_at(err, EDS_EX_DATAERR, r->file, r->line, 0,
		    "damaged partial data file: %s", r->detail);
	if (r->index == 0) {
		if (m->have_header) {
			if (!headers_equal(&m->header, r))
				return eds_error_at(err, EDS_EX_DATAERR,
				    r->file, r->line, 0, "the shards' data "
				    "files do not have the same columns");
			return 0;
		}
		for (i = 0; i < r->n; i++)
			eds_header_add(&m->header, r->f[i].s);
		m->have_header = 1;
		if (eds_pipeline_start(&m->pl, &m->header, err) == -1)
			return -1;
		if (m->leaks != NULL && merge_scan(m, r) == -1)
			return eds_error_set(err, EDS_EX_DATAERR, "leak");
		return eds_csv_write_header(m->out,
		    eds_pipeline_header(&m->pl), err);
	}
	if ((v = eds_pipeline_push(&m->pl, r, NULL, err)) == -1)
		return -1;
	if (m->leaks != NULL && merge_scan(m, r) == -1)
		return eds_error_set(err, EDS_EX_DATAERR, "leak");
	m->rows++;
	return eds_csv_write_fields(m->out, r->f, r->n, err);
}

/* Concatenate the dataset's partial files into out, through the stages. */
static int
merge_files(struct merge_ds *m, struct part *pts, size_t n, const char *name,
    struct eds_error *err)
{
	struct eds_csv_reader *r;
	struct eds_input *in;
	char *path;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		path = xasprintf("%s/%s.csv", pts[i].dir, name);
		if ((in = eds_input_open(path, err)) == NULL) {
			free(path);
			return -1;
		}
		r = eds_csv_reader_new(in, NULL);
		rc = eds_csv_reader_run(r, merge_row, m, err);
		if (rc == 0 && !m->have_header)
			rc = eds_error_at(err, EDS_EX_DATAERR, path, 0, 0,
			    "empty partial data file");
		eds_csv_reader_free(r);
		eds_input_close(in);
		free(path);
	}
	return rc;
}

static const char *
transformation(const struct eds_policy_col *pc, char *detail, size_t dlen)
{
	static const char *const gens[] = { "generalise:year",
	    "generalise:month", "generalise:age", "generalise:departement",
	    "generalise:bins" };

	detail[0] = '\0';
	if (pc == NULL)
		return "keep";
	switch (pc->action) {
	case EDS_ACT_PSEUDONYMISE:
		snprintf(detail, dlen, "HMAC-SHA256 eds-pseudo v1, namespace "
		    "%s, %d hex%s%s", pc->ns, pc->length,
		    pc->prefix != NULL && *pc->prefix ? ", prefix " : "",
		    pc->prefix != NULL ? pc->prefix : "");
		return "pseudonym";
	case EDS_ACT_SHIFT:
		snprintf(detail, dlen, "shifted by the patient's offset");
		return "date-shift";
	case EDS_ACT_GENERALISE:
		if (pc->gen == EDS_GEN_AGE)
			snprintf(detail, dlen, "age in years at %s%s%d%s",
			    pc->at != NULL ? pc->at : "the event",
			    pc->top > 0 ? ", top-coded " : "",
			    pc->top, pc->top > 0 ? "+" : "");
		return gens[pc->gen];
	case EDS_ACT_UID:
		snprintf(detail, dlen, "DICOM UID 2.25. from HMAC-SHA256");
		return "uid";
	case EDS_ACT_SCRUB:
		snprintf(detail, dlen, "free text scrubbed of identifiers");
		return "scrub";
	case EDS_ACT_DROP:
		return "drop";
	default:
		return "keep";
	}
}

/* The policy rule producing output column name, or NULL. */
static const struct eds_policy_col *
rule_for(const struct eds_policy *pol, const char *name)
{
	size_t i;

	for (i = 0; i < pol->ncols; i++) {
		const struct eds_policy_col *c = &pol->cols[i];

		if (strcmp(c->rename != NULL ? c->rename : c->name, name) == 0)
			return c;
	}
	return NULL;
}

struct dict {
	struct eds_dict_column *cols;
	size_t n;
	char **strings;		/* owned */
	size_t nstrings;
};

static const char *
dict_keep(struct dict *d, const char *s)
{
	d->strings = xreallocarray(d->strings, d->nstrings + 1,
	    sizeof *d->strings);
	return d->strings[d->nstrings++] = xstrdup(s);
}

/*
 * The dictionary's rows for one dataset, from its schema and policy, which
 * must still be the files the shards read (acc holds their checksums).
 */
static int
dict_dataset(struct dict *dict, const struct eds_dataset_spec *ds,
    const struct eds_header *h, const struct ds_account *acc,
    struct eds_error *err)
{
	struct eds_schema *schema;
	struct eds_policy *pol;
	char detail[256];
	size_t i;

	if ((schema = eds_schema_load(ds->schema, err)) == NULL)
		return -1;
	if ((pol = eds_policy_load(ds->policy, err)) == NULL) {
		eds_schema_free(schema);
		return -1;
	}
	if (strcmp(schema->sha256, acc->schema_sha256) != 0 ||
	    strcmp(pol->sha256, acc->policy_sha256) != 0) {
		eds_error_at(err, EDS_EX_DATAERR, strcmp(schema->sha256,
		    acc->schema_sha256) != 0 ? ds->schema : ds->policy, 0, 0,
		    "changed since the data of dataset '%s' was read: run the "
		    "export again", ds->name);
		eds_policy_free(pol);
		eds_schema_free(schema);
		return -1;
	}
	for (i = 0; i < h->n; i++) {
		const struct eds_policy_col *pc = rule_for(pol, h->names[i]);
		long sc = eds_schema_find(schema, pc != NULL ? pc->name :
		    h->names[i]);
		struct eds_dict_column *c;
		const char *t;

		dict->cols = xreallocarray(dict->cols, dict->n + 1,
		    sizeof *dict->cols);
		c = &dict->cols[dict->n++];
		c->dataset = ds->name;
		c->column = dict_keep(dict, h->names[i]);
		c->type = sc >= 0 ? eds_ctype_name(schema->cols[sc].type) :
		    "text";
		c->role = sc >= 0 ? eds_role_name(schema->cols[sc].role) :
		    "clinical";
		t = transformation(pc, detail, sizeof detail);
		c->transformation = dict_keep(dict, t);
		c->detail = dict_keep(dict, detail);
		if (pc != NULL && pc->action == EDS_ACT_GENERALISE)
			c->type = "text";
		if (pc != NULL && pc->action == EDS_ACT_PSEUDONYMISE)
			c->type = "id";
	}
	eds_policy_free(pol);
	eds_schema_free(schema);
	return 0;
}

static void
dict_release(struct dict *d)
{
	size_t i;

	for (i = 0; i < d->nstrings; i++)
		free(d->strings[i]);
	free(d->strings);
	free(d->cols);
}

/* Name a leak: payload file, line, column, and the input column it copies. */
static int
leak_error(const struct eds_project *p, const char *file,
    const struct eds_leak *lk, const struct eds_header *h,
    struct eds_error *err)
{
	int ds = lk->tag >> 16, col = lk->tag & 0xFFFF;
	struct eds_schema *s = NULL;
	struct eds_error e2;
	const char *cname = "?", *role = "identifying";

	if (ds >= 0 && (size_t)ds < p->ndatasets &&
	    (s = eds_schema_load(p->datasets[ds].schema, &e2)) != NULL &&
	    (size_t)col < s->ncols) {
		cname = s->cols[col].name;
		role = eds_role_name(s->cols[col].role);
	}
	eds_error_at(err, EDS_EX_DATAERR, file, lk->line, 0,
	    "identifier leak: %s%s%s holds a value of input column '%s' "
	    "(%s) of dataset '%s'; the bundle is refused",
	    h != NULL ? "column '" : "the file", h != NULL && lk->field <
	    h->n ? h->names[lk->field] : "", h != NULL ? "'" : "", cname,
	    role, ds >= 0 && (size_t)ds < p->ndatasets ?
	    p->datasets[ds].name : "?");
	eds_schema_free(s);
	return -1;
}

/* The configuration, the domain and the registry read, in the run record. */
static void
run_configuration(struct eds_run *run, const struct eds_provenance *prov,
    const char *generation)
{
	struct eds_buf b = EDS_BUF_INIT;
	size_t i;

	eds_buf_addch(&b, '[');
	for (i = 0; i < prov->nconfigs; i++) {
		eds_buf_addstr(&b, i ? ",{\"kind\":" : "{\"kind\":");
		eds_json_str(&b, prov->configs[i].kind);
		eds_buf_addstr(&b, ",\"path\":");
		eds_json_str(&b, prov->configs[i].path);
		eds_buf_addstr(&b, ",\"sha256\":");
		eds_json_str(&b, prov->configs[i].sha256);
		eds_buf_addch(&b, '}');
	}
	eds_buf_addch(&b, ']');
	eds_run_extra(run, "configuration", b.p);
	eds_buf_reset(&b);
	eds_json_str(&b, prov->domain);
	eds_run_extra(run, "domain", b.p);
	eds_buf_reset(&b);
	eds_json_str(&b, generation);
	eds_run_extra(run, "registry_generation", b.p);
	eds_buf_release(&b);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove a directory tree we made (a partial; the bag, once archived). */
static int
remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
eds_export_merge(const struct eds_export_options *o, char *const *dirs,
    size_t ndirs, struct eds_run *run, struct eds_error *err)
{
	sigset_t saved;
	struct eds_project *p = NULL;
	struct part *pts = NULL;
	struct ds_account *acc = NULL;
	struct eds_kanon **kn = NULL;
	struct eds_kanon_summary *before = NULL, *after = NULL;
	struct eds_prov_kanon *pk = NULL;
	struct eds_prov_dataset *pd = NULL;
	struct eds_prov_input *pin = NULL;
	struct eds_prov_config *cfg = NULL;
	struct eds_prov_count **pc = NULL;
	struct eds_header *headers = NULL;
	struct eds_cms_signer *signer = NULL;
	struct eds_leakset *leaks = NULL;
	struct eds_bag *bag = NULL;
	struct eds_bag_options bo;
	struct eds_provenance prov;
	struct dict dict = { NULL, 0, NULL, 0 };
	struct eds_key key;
	unsigned char lkey[EDS_SIPHASH_KEY_LEN];
	struct eds_buf scopes = EDS_BUF_INIT;
	const char *key_id = "", *at = "", *bundle_sha, *generation = "";
	const char *domain = "";
	char *path = NULL, *archive = NULL, *sealed = NULL, **files = NULL;
	char *workdir = NULL, *bagdir = NULL, *plain = NULL;
	const char *final;
	int work_slot = -1, bag_slot = -1;
	char sha[EDS_SHA256_HEX];
	uint64_t bytes, suppressed, kept;
	size_t i, j, nin = 0;
	int rc = -1;

	memset(&key, 0, sizeof key);
	if (ndirs == 0)
		return eds_error_set(err, EDS_EX_USAGE, "no partial to merge");
	if ((p = eds_project_load(o->project, err)) == NULL)
		goto done;
	snprintf(run->config_sha256, sizeof run->config_sha256, "%s",
	    p->sha256);
	project_extra(run, p);

	/* The partials: all of one run, every shard exactly once. */
	pts = xcalloc(ndirs, sizeof *pts);
	for (i = 0; i < ndirs; i++)
		if (load_part(dirs[i], p, &pts[i], err) == -1) {
			ndirs = i + 1;
			goto done;
		}
	if (check_shards(pts, ndirs, err) == -1)
		goto done;
	if (same_files(pts, ndirs, err) == -1 ||
	    same_member(pts, ndirs, "key_id", &key_id, err) == -1 ||
	    same_member(pts, ndirs, "consent_at", &at, err) == -1 ||
	    same_member(pts, ndirs, "registry_generation", &generation,
	    err) == -1 ||
	    same_member(pts, ndirs, "domain", &domain, err) == -1)
		goto done;
	snprintf(run->key_id, sizeof run->key_id, "%s", key_id);
	/* The key: the identifier hashes of the partials are keyed with it. */
	if (o->key == NULL) {
		eds_error_set(err, EDS_EX_USAGE, "a key is required (-k "
		    "KEYFILE): the shards' identifier hashes are keyed");
		goto done;
	}
	if (eds_key_load(o->key, o->allow_unsafe_key ? EDS_KEY_ALLOW_UNSAFE :
	    0, &key, err) == -1)
		goto done;
	if (strcmp(key.id, key_id) != 0) {
		eds_error_set(err, EDS_EX_DATAERR, "the partials were made with "
		    "key %s, not with '%s' (key %s)", key_id, o->key, key.id);
		goto done;
	}
	leak_key(&key, domain, lkey);
	eds_key_wipe(&key);
	acc = xcalloc(p->ndatasets, sizeof *acc);
	for (i = 0; i < p->ndatasets; i++) {
		for (j = 0; j < ndirs; j++)
			if (sum_part(&pts[j], &p->datasets[i], i, j == 0,
			    &acc[i], err) == -1)
				goto done;
		if (pieces_complete(&acc[i], err) == -1)
			goto done;
	}
	for (i = 0; i < p->ndatasets; i++)
		if (reject_rate_exceeded(p, &p->datasets[i], &acc[i], err))
			goto done;

	/* Nothing is overwritten unless asked. */
	archive = xasprintf("%s.tar.gz", o->output);
	sealed = xasprintf("%s.tar.gz.p7m", o->output);
	final = o->nencrypt > 0 ? sealed : o->archive ? archive : o->output;
	if (!o->force && exists(final)) {
		eds_error_set(err, EDS_EX_CANTCREAT, "'%s' already exists (use "
		    "--force to replace it)", final);
		goto done;
	}
	if (o->sign_key != NULL && (signer = eds_cms_signer_load(o->sign_key,
	    o->sign_cert, o->allow_unsafe_key, err)) == NULL)
		goto done;
	/*
	 * An archive is made from a bag sealed in a hidden working directory
	 * next to the output (so that no plaintext bundle ever appears under
	 * the output's name when only an archive, or only an encrypted one,
	 * was asked), removed at the end, on failure, or by a signal.
	 */
	if (o->archive || o->nencrypt > 0) {
		const char *slash = strrchr(o->output, '/');

		workdir = slash != NULL ? xasprintf("%.*s/.%s.export-XXXXXX",
		    (int)(slash - o->output), o->output, slash + 1) :
		    xasprintf(".%s.export-XXXXXX", o->output);
		eds_output_signals_hold(&saved);
		if (mkdtemp(workdir) == NULL) {
			eds_error_errno(err, EDS_EX_CANTCREAT, errno, "cannot "
			    "create a working directory next to '%s'",
			    o->output);
			eds_output_signals_release(&saved);
			free(workdir);
			workdir = NULL;
			goto done;
		}
		work_slot = eds_output_temp_dir(workdir);
		eds_output_signals_release(&saved);
		bagdir = xasprintf("%s/bag", workdir);
		plain = xasprintf("%s/bag.tar.gz", workdir);
	}
	eds_bag_options_init(&bo);
	bo.source_organization = p->organization;
	bo.external_identifier = p->id;
	bo.external_description = p->title;
	bo.bagging_date = o->bagging_date;
	bo.flags = o->force && workdir == NULL ? EDS_BAG_FORCE : 0;
	bo.signer = signer;
	eds_output_signals_hold(&saved);
	bag = eds_bag_create(bagdir != NULL ? bagdir : o->output, &bo, err);
	if (bag != NULL)
		bag_slot = eds_output_temp_dir(eds_bag_tmpdir(bag));
	eds_output_signals_release(&saved);
	if (bag == NULL)
		goto done;
	for (i = 0; i < p->nrequire; i++)
		eds_buf_addf(&scopes, "%s%s", i ? "," : "", p->require[i]);
	if (eds_bag_info_add(bag, EDS_BAG_APPROVAL_BODY, p->approval_body,
	    err) == -1 ||
	    eds_bag_info_add(bag, EDS_BAG_APPROVAL_REF, p->approval_reference,
	    err) == -1 ||
	    eds_bag_info_add(bag, EDS_BAG_APPROVAL_DATE, p->approval_date,
	    err) == -1 ||
	    eds_bag_info_add(bag, EDS_BAG_CONSENT_REGIME, p->opt_out ?
	    "opt-out" : "opt-in", err) == -1 ||
	    eds_bag_info_add(bag, EDS_BAG_CONSENT_SCOPES, scopes.p, err) == -1 ||
	    eds_bag_info_add(bag, EDS_BAG_CONSENT_AS_OF, at, err) == -1 ||
	    eds_bag_info_add(bag, EDS_BAG_KEY_ID, key_id, err) == -1)
		goto done;

	/*
	 * The identifiers every shard read, for the leak scan: done on the
	 * rows as they are concatenated, or, for a dataset whose rows are
	 * then suppressed, on the file written after suppression.
	 */
	leaks = eds_leakset_new(lkey);
	for (i = 0; i < ndirs; i++) {
		free(path);
		path = xasprintf("%s/identifiers.bin", pts[i].dir);
		if (eds_leakset_load(leaks, path, err) == -1)
			goto done;
	}
	free(path);
	path = NULL;

	/* Each dataset: concatenate, count classes, suppress or refuse. */
	kn = xcalloc(p->ndatasets, sizeof *kn);
	before = xcalloc(p->ndatasets, sizeof *before);
	after = xcalloc(p->ndatasets, sizeof *after);
	headers = xcalloc(p->ndatasets, sizeof *headers);
	files = xcalloc(p->ndatasets, sizeof *files);
	for (i = 0; i < p->ndatasets; i++) {
		const struct eds_dataset_spec *d = &p->datasets[i];
		struct merge_ds m;
		struct eds_stage st;
		const char *work = NULL;
		int suppress = d->k > 0 && d->kanon_action == EDS_KANON_SUPPRESS;

		memset(&m, 0, sizeof m);
		eds_pipeline_init(&m.pl);
		eds_header_init(&m.header);
		m.leaks = suppress ? NULL : leaks;
		m.line = 1;
		files[i] = xasprintf("%s.csv%s", d->name, p->gzip ? ".gz" : "");
		if (d->k > 0) {
			kn[i] = eds_kanon_new((const char *const *)d->quasi,
			    d->nquasi, 0);
			eds_kanon_stage(kn[i], &st);
			eds_pipeline_add(&m.pl, &st);
		}
		if (suppress) {
			if ((work = eds_bag_work_path(bag, files[i], err)) ==
			    NULL)
				goto merge_fail;
			work = path = xstrdup(work);
			m.out = eds_output_open(work, EDS_OUT_PRIVATE, err);
		} else
			m.out = eds_bag_payload_open(bag, files[i], p->gzip ?
			    EDS_OUT_GZIP : 0, err);
		if (m.out == NULL)
			goto merge_fail;
		if (merge_files(&m, pts, ndirs, d->name, err) == -1) {
			if (m.leaked) {
				char *shown = xasprintf("data/%s", files[i]);

				leak_error(p, shown, &m.leak, &m.header, err);
				free(shown);
			} else if (err->status == EDS_EX_CONFIG)
				snprintf(err->file, sizeof err->file, "%s",
				    p->path);
			goto merge_fail;
		}
		acc[i].rows_out = m.rows;
		eds_header_copy(&headers[i], eds_pipeline_header(&m.pl));
		if (kn[i] != NULL)
			eds_kanon_summarise(kn[i], (uint64_t)d->k, 0,
			    &before[i]);
		if (kn[i] != NULL && !suppress && before[i].classes_below_k > 0) {
			eds_error_at(err, EDS_EX_DATAERR, p->path, 0, 0,
			    "dataset '%s' is not %ld-anonymous: %llu of its "
			    "%llu classes (%llu rows) are smaller; the bundle "
			    "is refused (generalise the quasi-identifiers "
			    "more, or use action: suppress)", d->name, d->k,
			    (unsigned long long)before[i].classes_below_k,
			    (unsigned long long)before[i].classes,
			    (unsigned long long)before[i].rows_below_k);
			goto merge_fail;
		}
		if (!suppress) {
			rc = eds_bag_payload_commit(bag, m.out, err);
			m.out = NULL;
			if (rc == -1)
				goto merge_fail;
			rc = -1;
		} else {
			rc = eds_output_commit(m.out, err);
			m.out = NULL;
			if (rc == -1)
				goto merge_fail;
			rc = -1;
			if ((m.out = eds_bag_payload_open(bag, files[i],
			    p->gzip ? EDS_OUT_GZIP : 0, err)) == NULL)
				goto merge_fail;
			if (eds_kanon_filter(kn[i], (uint64_t)d->k, path, m.out,
			    &kept, &suppressed, err) == -1)
				goto merge_fail;
			rc = eds_bag_payload_commit(bag, m.out, err);
			m.out = NULL;
			if (rc == -1)
				goto merge_fail;
			rc = -1;
			unlink(path);
			counts_add(&acc[i].excluded, "k-anonymity", suppressed);
			acc[i].rows_out = kept;
			eds_kanon_summarise(kn[i], (uint64_t)d->k,
			    EDS_KANON_KEPT, &after[i]);
		}
		free(path);
		path = NULL;
		eds_header_release(&m.header);
		eds_pipeline_release(&m.pl);
		continue;
merge_fail:
		if (m.out != NULL) {
			if (suppress && work != NULL)
				eds_output_abort(m.out);
			else
				eds_bag_payload_abort(bag, m.out);
		}
		eds_header_release(&m.header);
		eds_pipeline_release(&m.pl);
		goto done;
	}

	/* dictionary.csv */
	for (i = 0; i < p->ndatasets; i++)
		if (dict_dataset(&dict, &p->datasets[i], &headers[i], &acc[i],
		    err) == -1)
			goto done;
	if (eds_bag_write_dictionary(bag, dict.cols, dict.n, err) == -1)
		goto done;

	/* provenance.json */
	memset(&prov, 0, sizeof prov);
	prov.project = p->id;
	prov.title = p->title;
	prov.approval_body = p->approval_body;
	prov.approval_reference = p->approval_reference;
	prov.approval_date = p->approval_date;
	prov.consent_regime = p->opt_out ? "opt-out" : "opt-in";
	prov.consent_scopes = (const char *const *)p->require;
	prov.nscopes = p->nrequire;
	prov.consent_as_of = at;
	prov.period_start = p->period_from;
	prov.period_end = p->period_to;
	prov.bagging_date = o->bagging_date;
	prov.key_id = key_id;
	prov.domain = domain;
	prov.purpose = p->purpose;
	prov.requester = p->requester;
	prov.consent_id_column = p->id_column != NULL ? p->id_column :
	    EDS_CONSENT_DEFAULT_ID_COLUMN;
	prov.registry_generation = generation;
	prov.has_max_reject_rate = 1;
	prov.max_reject_rate = p->max_reject_rate;
	prov.config_sha256 = p->sha256;
	cfg = xcalloc(2 * p->ndatasets + 1, sizeof *cfg);
	cfg[0].kind = "project";
	cfg[0].path = p->path;
	cfg[0].sha256 = p->sha256;
	for (i = 0; i < p->ndatasets; i++) {
		cfg[1 + 2 * i].kind = "schema";
		cfg[1 + 2 * i].dataset = p->datasets[i].name;
		cfg[1 + 2 * i].path = p->datasets[i].schema;
		cfg[1 + 2 * i].sha256 = acc[i].schema_sha256;
		cfg[2 + 2 * i].kind = "policy";
		cfg[2 + 2 * i].dataset = p->datasets[i].name;
		cfg[2 + 2 * i].path = p->datasets[i].policy;
		cfg[2 + 2 * i].sha256 = acc[i].policy_sha256;
	}
	prov.configs = cfg;
	prov.nconfigs = 2 * p->ndatasets + 1;
	run_configuration(run, &prov, generation);
	for (i = 0; i < p->ndatasets; i++)
		nin += acc[i].ninputs;
	pin = xcalloc(nin + 1, sizeof *pin);
	for (i = 0, nin = 0; i < p->ndatasets; i++)
		for (j = 0; j < acc[i].ninputs; j++, nin++) {
			pin[nin].dataset = p->datasets[i].name;
			pin[nin].path = acc[i].inputs[j].path;
			pin[nin].sha256 = acc[i].inputs[j].sha256;
			pin[nin].bytes = acc[i].inputs[j].bytes;
		}
	prov.inputs = pin;
	prov.ninputs = nin;
	pd = xcalloc(p->ndatasets, sizeof *pd);
	pk = xcalloc(p->ndatasets, sizeof *pk);
	pc = xcalloc(p->ndatasets, sizeof *pc);
	for (i = 0; i < p->ndatasets; i++) {
		const struct eds_dataset_spec *d = &p->datasets[i];

		pd[i].name = d->name;
		pd[i].file = dict_keep(&dict, files[i]);
		pd[i].rows_in = acc[i].rows_in;
		pd[i].rows_out = acc[i].rows_out;
		pc[i] = xcalloc(acc[i].excluded.n + 1, sizeof *pc[i]);
		for (j = 0; j < acc[i].excluded.n; j++) {
			pc[i][j].name = acc[i].excluded.c[j].name;
			pc[i][j].value = acc[i].excluded.c[j].v;
		}
		pd[i].excluded = pc[i];
		pd[i].nexcluded = acc[i].excluded.n;
		if (kn[i] != NULL) {
			pk[i].quasi_identifiers = (const char *const *)d->quasi;
			pk[i].nqi = d->nquasi;
			pk[i].k = (uint64_t)d->k;
			pk[i].action = d->kanon_action == EDS_KANON_SUPPRESS ?
			    "suppress" : "refuse";
			pk[i].before = before[i];
			pk[i].suppressed = d->kanon_action ==
			    EDS_KANON_SUPPRESS;
			pk[i].after = after[i];
			pd[i].kanon = &pk[i];
		}
	}
	prov.datasets = pd;
	prov.ndatasets = p->ndatasets;
	if (eds_bag_write_provenance(bag, &prov, err) == -1)
		goto done;

	/* The rest of the leak scan: suppressed datasets, dictionary, provenance. */
	for (i = 0; i < p->ndatasets + 2; i++) {
		const char *name = i < p->ndatasets ? files[i] :
		    i == p->ndatasets ? "dictionary.csv" : "provenance.json";
		struct eds_leak lk;
		char *shown;
		int hit;

		if (i < p->ndatasets && !(p->datasets[i].k > 0 &&
		    p->datasets[i].kanon_action == EDS_KANON_SUPPRESS))
			continue;	/* scanned as it was written */
		shown = xasprintf("data/%s", name);

		free(path);
		path = xasprintf("%s/data/%s", eds_bag_tmpdir(bag), name);
		if (i <= p->ndatasets)
			hit = eds_leakset_scan_csv(leaks, path, &lk, err);
		else {
			char *text;
			size_t len;

			if (eds_read_small_file(path, 256 * 1024 * 1024, &text,
			    &len, err) == -1) {
				free(shown);
				goto done;
			}
			hit = eds_leakset_scan_text(leaks, text, len, &lk);
			free(text);
		}
		if (hit == 1)
			leak_error(p, shown, &lk, i < p->ndatasets ?
			    &headers[i] : NULL, err);
		free(shown);
		if (hit != 0)
			goto done;
	}
	eds_run_set(run, "identifiers_checked", eds_leakset_count(leaks));

	if (eds_bag_seal(bag, err) == -1)
		goto done;
	bundle_sha = eds_bag_fingerprint(bag);
	eds_bag_oxum(bag, &bytes, &kept);
	snprintf(sha, sizeof sha, "%s", bundle_sha);

	if (workdir != NULL) {
		struct eds_tm t;
		const char *slash = strrchr(o->output, '/');
		uint64_t mtime = 0;
		char day[11];
		int excl = o->force ? 0 : EDS_OUT_EXCL;

		if (o->bagging_date != NULL &&
		    eds_date_parse_iso(o->bagging_date,
		    strlen(o->bagging_date), &t) == 0)
			mtime = (uint64_t)eds_tm_to_epoch(&t);
		else {
			time_t now = time(NULL);
			struct tm tm;

			gmtime_r(&now, &tm);
			strftime(day, sizeof day, "%Y-%m-%d", &tm);
			eds_date_parse_iso(day, 10, &t);
			mtime = (uint64_t)eds_tm_to_epoch(&t);
		}
		/* The archive's top directory is the output's name. */
		if (eds_tar_directory(bagdir, slash != NULL ? slash + 1 :
		    o->output, o->nencrypt > 0 ? plain : archive, mtime,
		    o->nencrypt > 0 ? EDS_OUT_EXCL : excl, sha, &bytes,
		    err) == -1)
			goto done;
		if (o->nencrypt > 0) {
			/* Only the encrypted archive leaves. */
			if (eds_cms_encrypt_file(plain, sealed, o->encrypt_to,
			    o->nencrypt, EDS_CMS_DER, excl, sha, &bytes,
			    err) == -1)
				goto done;
			eds_run_output(run, sealed, sha, bytes);
		} else
			eds_run_output(run, archive, sha, bytes);
	} else
		eds_run_output(run, o->output, sha, bytes);
	rc = 0;
done:
	if (workdir != NULL) {
		/* The plaintext bag and archive: never left behind. */
		eds_bag_free(bag);
		bag = NULL;
		if (remove_tree(workdir) == -1 && rc == 0) {
			eds_error_errno(err, EDS_EX_IOERR, errno, "cannot remove "
			    "the working directory '%s'", workdir);
			rc = -1;
		}
	}
	eds_output_temp_dir_forget(bag_slot);
	eds_output_temp_dir_forget(work_slot);
	if (acc != NULL) {
		account_run(run, p, acc);
		for (i = 0; i < p->ndatasets; i++)
			account_release(&acc[i]);
		free(acc);
	}
	for (i = 0; p != NULL && kn != NULL && i < p->ndatasets; i++) {
		eds_kanon_free(kn[i]);
		eds_kanon_summary_release(&before[i]);
		eds_kanon_summary_release(&after[i]);
		eds_header_release(&headers[i]);
		free(files[i]);
		free(pc != NULL ? pc[i] : NULL);
	}
	free(kn);
	free(before);
	free(after);
	free(headers);
	free(files);
	free(pc);
	free(pd);
	free(pk);
	free(pin);
	free(cfg);
	dict_release(&dict);
	eds_buf_release(&scopes);
	eds_leakset_free(leaks);
	eds_bag_free(bag);
	eds_cms_signer_free(signer);
	for (i = 0; pts != NULL && i < ndirs; i++)
		part_release(&pts[i]);
	free(pts);
	free(path);
	free(archive);
	free(sealed);
	free(workdir);
	free(bagdir);
	free(plain);
	eds_key_wipe(&key);
	eds_wipe(lkey, sizeof lkey);
	eds_project_free(p);
	return rc;
}

/* --- the whole run ----------------------------------------------------- */

int
eds_export(const struct eds_export_options *o, struct eds_run *run,
    struct eds_error *err)
{
	sigset_t saved;
	struct eds_export_options so = *o;
	struct eds_run shard_run;
	const char *slash = strrchr(o->output, '/');
	char *tmp, *dirs[1], *final;
	struct eds_tm day;
	size_t i;
	int rc, slot;

	/* Refuse a bad bagging date and an existing output before the work. */
	if (o->bagging_date != NULL &&
	    (strlen(o->bagging_date) != 10 || eds_date_parse_iso(
	    o->bagging_date, 10, &day) == -1))
		return eds_error_set(err, EDS_EX_USAGE, "--bagging-date takes "
		    "a date YYYY-MM-DD, not '%s'", o->bagging_date);
	final = o->nencrypt > 0 ? xasprintf("%s.tar.gz.p7m", o->output) :
	    o->archive ? xasprintf("%s.tar.gz", o->output) : xstrdup(o->output);
	if (!o->force && exists(final)) {
		eds_error_set(err, EDS_EX_CANTCREAT, "'%s' already exists (use "
		    "--force to replace it)", final);
		free(final);
		return -1;
	}
	free(final);

	/* The partial lives next to the bundle, hidden, removed at the end. */
	tmp = slash != NULL ? xasprintf("%.*s/.%s.part-XXXXXX",
	    (int)(slash - o->output), o->output, slash + 1) :
	    xasprintf(".%s.part-XXXXXX", o->output);
	eds_output_signals_hold(&saved);
	if (mkdtemp(tmp) == NULL) {
		eds_error_errno(err, EDS_EX_CANTCREAT, errno,
		    "cannot create a working directory next to '%s'",
		    o->output);
		eds_output_signals_release(&saved);
		free(tmp);
		return -1;
	}
	rmdir(tmp);		/* the shard makes it */
	slot = eds_output_temp_dir(tmp);
	eds_output_signals_release(&saved);
	so.output = tmp;
	so.shard = so.nshards = 1;
	eds_run_init(&shard_run, run->tool, "shard");
	rc = eds_export_shard(&so, &shard_run, err);
	/* What the shard noticed (warnings) belongs to the whole run. */
	for (i = 0; i < shard_run.nextra; i++)
		if (strcmp(shard_run.extra[2 * i], "project") != 0)
			eds_run_extra(run, shard_run.extra[2 * i],
			    shard_run.extra[2 * i + 1]);
	eds_run_release(&shard_run);
	if (rc == 0) {
		dirs[0] = tmp;
		so.output = o->output;
		rc = eds_export_merge(&so, dirs, 1, run, err);
	}
	remove_tree(tmp);
	eds_output_temp_dir_forget(slot);
	free(tmp);
	return rc;
}
