/*
 * check_registry.c: the consent registry.  The index must answer exactly
 * as a replay of the event log does, and as a model kept by this test from
 * the events it imported, on random histories full of ties, duplicates and
 * expiries, imported in several batches.  Then: duplicates are counted and
 * not stored, a failed import changes nothing, every kind of damage
 * (edited, truncated, missing, wrong version) is an error and never an
 * empty registry, leftovers of a killed import are cleaned, concurrent
 * imports both land, and a damaged index never makes a look-up read out
 * of bounds.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "consentfilter.h"
#include "csvread.h"
#include "digest.h"
#include "registry.h"
#include "xmalloc.h"

/* --- helpers ------------------------------------------------------------- */

struct tev {
	char id[24];
	const char *scope;
	int decision;
	int64_t t, exp;
	const char *source;
};

static const char *
fmt_time(int64_t t, char *buf)
{
	eds_consent_time_format(t, buf);
	return buf;
}

/* Append s as a CSV field (quoted when needed). */
static void
csv_put(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
write_events(const char *path, const struct tev *e, size_t n)
{
	char t1[EDS_CONSENT_TIME_MAX], t2[EDS_CONSENT_TIME_MAX];
	FILE *f = fopen(path, "w");
	size_t i;

	ck_assert(f != NULL);
	fputs("patient_id,scope,decision,recorded_at,source,expires_at\n", f);
	for (i = 0; i < n; i++) {
		csv_put(f, e[i].id);
		fprintf(f, ",%s,%s,%s,", e[i].scope,
		    eds_consent_decision_name(e[i].decision),
		    fmt_time(e[i].t, t1));
		csv_put(f, e[i].source);
		fprintf(f, ",%s\n", e[i].exp == EDS_CONSENT_NEVER ? "" :
		    fmt_time(e[i].exp, t2));
	}
	ck_assert(fclose(f) == 0);
}

static int
import_files(const char *dir, char **files, size_t n, int allow_partial,
    const char *rejects, struct eds_run *run, struct eds_error *err)
{
	struct eds_import_options o;

	eds_import_options_init(&o);
	o.allow_partial = allow_partial;
	o.rejects = rejects;
	eds_error_clear(err);
	return eds_registry_import(dir, &o, files, n, run, err);
}

static int
import1(const char *dir, const char *file, struct eds_error *err)
{
	struct eds_run run;
	char *files[1];
	int rc;

	files[0] = (char *)file;
	eds_run_init(&run, "test", "import");
	rc = import_files(dir, files, 1, 0, NULL, &run, err);
	eds_run_release(&run);
	return rc;
}

static void
import_ok(const char *dir, const char *file)
{
	struct eds_error err;

	ck_assert_msg(import1(dir, file, &err) == 0, "import %s: %s", file,
	    err.msg);
}

static void
write_str(const char *path, const char *s)
{
	tu_write_str(path, s);
}

/* Every file of dir, sorted, with its bytes: the registry's state. */
static char *
snapshot(const char *dir)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct dirent **names;
	char path[1024];
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	ck_assert_msg(n >= 0, "cannot list %s", dir);
	for (i = 0; i < n; i++) {
		char *data;
		size_t len;

		if (names[i]->d_name[0] != '.' || (strcmp(names[i]->d_name,
		    ".") != 0 && strcmp(names[i]->d_name, "..") != 0)) {
			snprintf(path, sizeof path, "%s/%s", dir,
			    names[i]->d_name);
			data = tu_read(path, &len);
			eds_buf_addf(&b, "%s %zu\n", names[i]->d_name, len);
			eds_buf_add(&b, data, len);
			free(data);
		}
		free(names[i]);
	}
	free(names);
	return b.p != NULL ? b.p : xstrdup("");
}

static struct eds_registry *
open_ok(const char *dir, int flags)
{
	struct eds_error err;
	struct eds_registry *r;

	eds_error_clear(&err);
	r = eds_registry_open(dir, flags, &err);
	ck_assert_msg(r != NULL, "open %s: %s", dir, err.msg);
	return r;
}

/* Open must fail with status and a message containing text. */
static void
open_fails(const char *dir, int flags, int status, const char *text)
{
	struct eds_error err;
	struct eds_registry *r;

	eds_error_clear(&err);
	r = eds_registry_open(dir, flags, &err);
	ck_assert_msg(r == NULL, "opening %s fails (%s)", dir, text);
	ck_assert_msg(err.status == status, "status %d, expected %d: %s",
	    err.status, status, err.msg);
	ck_assert_msg(strstr(err.msg, text) != NULL, "message '%s' says "
	    "'%s'", err.msg, text);
}

/* Status of (id, scope) at at from the index. */
static void
index_status(const struct eds_registry *r, const char *id, const char *scope,
    int64_t at, struct eds_consent_status *st, struct eds_consent_item **it,
    size_t *cap)
{
	struct eds_registry_patient pt;
	struct eds_registry_entry e;
	struct eds_error err;
	long sc = eds_registry_scope_find(r, scope, strlen(scope));
	int rc;

	eds_consent_status(NULL, 0, at, st);
	rc = eds_registry_find(r, id, strlen(id), &pt, &err);
	ck_assert_msg(rc >= 0, "find: %s", err.msg);
	if (rc == 0)
		return;
	ck_assert_msg(pt.id_len == strlen(id) && memcmp(pt.id, id,
	    pt.id_len) == 0, "find returns the identifier asked for");
	while ((rc = eds_registry_next_entry(&pt, &e, it, cap, &err)) == 1)
		if ((long)e.scope == sc)
			eds_consent_status(*it, e.nitems, at, st);
	ck_assert_msg(rc == 0, "entries: %s", err.msg);
}

/* --- replaying the log --------------------------------------------------- */

struct replay {
	struct tev *ev;
	size_t n, cap;
	struct eds_consent_columns cols;
	struct eds_buf names;	/* scopes and sources, kept alive */
};

static const char *
intern(const char *s, size_t len)
{
	static char *pool[256];
	static size_t npool;
	size_t i;

	for (i = 0; i < npool; i++)
		if (strlen(pool[i]) == len && memcmp(pool[i], s, len) == 0)
			return pool[i];
	ck_assert(npool < 256);
	return pool[npool++] = xstrndup(s, len);
}

static int
replay_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct replay *rp = ctx;
	struct eds_consent_event e;
	struct tev *t;

	if (r->index == 0)
		return eds_consent_header(r, &rp->cols, err);
	ck_assert_msg(eds_consent_event_parse(&rp->cols, r, &e) == 0,
	    "the log holds valid events (%s)", r->detail);
	if (rp->n == rp->cap) {
		rp->cap = rp->cap ? 2 * rp->cap : 256;
		rp->ev = xreallocarray(rp->ev, rp->cap, sizeof *rp->ev);
	}
	t = &rp->ev[rp->n++];
	ck_assert(e.patient_len < sizeof t->id);
	memcpy(t->id, e.patient, e.patient_len);
	t->id[e.patient_len] = '\0';
	t->scope = intern(e.scope, e.scope_len);
	t->source = intern(e.source, e.source_len);
	t->decision = e.decision;
	t->t = e.recorded_at;
	t->exp = e.expires_at;
	return 0;
}

/* Read every segment the manifest lists, in order. */
static void
replay_log(const char *dir, struct replay *rp)
{
	char path[1024], *m, *line, *save = NULL;

	memset(rp, 0, sizeof *rp);
	snprintf(path, sizeof path, "%s/manifest", dir);
	m = tu_read(path, NULL);
	for (line = strtok_r(m, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		struct eds_input *in;
		struct eds_csv_reader *rd;
		struct eds_error err;

		if (sscanf(line, "segment %63s", name) != 1)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, name);
		in = eds_input_open(path, &err);
		ck_assert_msg(in != NULL, "%s", err.msg);
		rd = eds_csv_reader_new(in, NULL);
		ck_assert_msg(eds_csv_reader_run(rd, replay_row, rp, &err) ==
		    0, "%s", err.msg);
		eds_csv_reader_free(rd);
		eds_input_close(in);
	}
	free(m);
}

/* The history of (id, scope) in a list of events in import order. */
static size_t
list_items(const struct tev *ev, size_t n, const char *id, const char *scope,
    struct eds_consent_item *it, size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].id, id) != 0 || strcmp(ev[i].scope, scope))
			continue;
		ck_assert(k < max);
		it[k].recorded_at = ev[i].t;
		it[k].expires_at = ev[i].exp;
		it[k].decision = ev[i].decision;
		it[k].source = 0;
		k++;
	}
	return k;
}

/* The status from a list of events in import order. */
static void
list_status(const struct tev *ev, size_t n, const char *id,
    const char *scope, int64_t at, struct eds_consent_status *st)
{
	struct eds_consent_item it[2048];

	eds_consent_status(it, list_items(ev, n, id, scope, it, 2048), at, st);
}

static int
same_event(const struct tev *a, const struct tev *b)
{
	return strcmp(a->id, b->id) == 0 && strcmp(a->scope, b->scope) == 0 &&
	    a->decision == b->decision && a->t == b->t && a->exp == b->exp &&
	    strcmp(a->source, b->source) == 0;
}

/* --- the equivalence test ------------------------------------------------ */

static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

#define NPAT 300
#define NTIMES 24
#define BATCHES 5
#define PER_BATCH 500

static const char *const scopes[] = { "primary", "secondary", "study:A",
    "study:B.1" };
static const char *const sources[] = { "dpi", "portal", "x,y \"z\"" };

static void
patient_id(int p, char *buf)
{
	if (p % 50 == 7)
		snprintf(buf, 24, "Q\"%d,x", p);	/* needs quoting */
	else
		snprintf(buf, 24, "%07d", 1000000 + p * 37);
}

START_TEST(index_answers_as_a_replay_of_the_log_on_random_histories)
{
	char dir[512];
	int64_t times[NTIMES], probes[3 * NTIMES + 2];
	struct tev *model = NULL, batch[PER_BATCH];
	size_t nmodel = 0, nprobes = 0, i, k;
	static struct eds_consent_item logged[2048], modeled[2048];
	struct eds_consent_item *it = NULL;
	size_t cap = 0;
	char file[64], id[24];
	int b, p, s;

	snprintf(dir, sizeof dir, "%s", tu_path("random-reg"));
	rng_state = 20261128;
	for (i = 0; i < NTIMES; i++) {
		/* Clustered, some with fractions, some before 1970. */
		times[i] = ((int64_t)(rng() % 2000) - 100) * 86400000000LL +
		    (i % 3 == 0 ? (int64_t)(rng() % 1000000) : 0);
		probes[nprobes++] = times[i];
		probes[nprobes++] = times[i] - 1;
		probes[nprobes++] = times[i] + 1;
	}
	probes[nprobes++] = INT64_MIN / 2;
	probes[nprobes++] = INT64_MAX / 2;
	model = xcalloc(BATCHES * PER_BATCH, sizeof *model);
	for (b = 0; b < BATCHES; b++) {
		struct eds_registry *r;
		struct eds_registry_info info;
		struct replay rp;
		size_t accepted = 0, distinct_p = 0, distinct_e = 0;

		for (i = 0; i < PER_BATCH; i++) {
			struct tev *e = &batch[i];

			if ((nmodel > 0 || i > 0) && rng() % 8 == 0) {
				/* An exact duplicate, from before or now. */
				size_t pick = rng() % (nmodel + i);

				*e = pick < nmodel ? model[pick] :
				    batch[pick - nmodel];
				continue;
			}
			/* One patient gets a long history. */
			p = rng() % 10 == 0 ? 3 : (int)(rng() % NPAT);
			patient_id(p, e->id);
			e->scope = scopes[rng() % 4];
			e->decision = 1 + (int)(rng() % 3);
			e->t = times[rng() % NTIMES];
			e->exp = rng() % 3 == 0 ? times[rng() % NTIMES] :
			    EDS_CONSENT_NEVER;
			e->source = sources[rng() % 3];
		}
		snprintf(file, sizeof file, "batch%d.csv", b);
		write_events(tu_path(file), batch, PER_BATCH);
		import_ok(dir, tu_path(file));
		/* The model: every event not identical to an earlier one. */
		for (i = 0; i < PER_BATCH; i++) {
			for (k = 0; k < nmodel; k++)
				if (same_event(&model[k], &batch[i]))
					break;
			if (k == nmodel) {
				model[nmodel++] = batch[i];
				accepted++;
			}
		}
		replay_log(dir, &rp);
		ck_assert_msg(rp.n == nmodel, "batch %d: the log holds %zu "
		    "events, the model %zu", b, rp.n, nmodel);
		for (i = 0; i < nmodel; i++)
			ck_assert_msg(same_event(&rp.ev[i], &model[i]),
			    "batch %d: log event %zu is the model's, in "
			    "import order", b, i);
		r = open_ok(dir, EDS_REGISTRY_VERIFY_LOG);
		eds_registry_info(r, &info);
		for (p = 0; p < NPAT; p++) {
			int any = 0;

			patient_id(p, id);
			for (s = 0; s < 4; s++) {
				for (k = 0; k < nmodel; k++)
					if (strcmp(model[k].id, id) == 0 &&
					    model[k].scope == scopes[s])
						break;
				if (k < nmodel) {
					distinct_e++;
					any = 1;
				}
			}
			distinct_p += any;
		}
		ck_assert_msg(info.events == nmodel && info.patients ==
		    distinct_p && info.entries == distinct_e && info.generation
		    == (uint64_t)b + 1 && info.segments == (uint64_t)b + 1,
		    "batch %d: counts events %llu/%zu patients %llu/%zu "
		    "entries %llu/%zu", b, (unsigned long long)info.events,
		    nmodel, (unsigned long long)info.patients, distinct_p,
		    (unsigned long long)info.entries, distinct_e);
		for (p = 0; p < NPAT + 5; p++) {
			patient_id(p, id);
			for (s = 0; s < 5; s++) {
				const char *sc = s < 4 ? scopes[s] :
				    "study:NEVER";
				size_t nl, nm;

				nl = list_items(rp.ev, rp.n, id, sc, logged,
				    2048);
				nm = list_items(model, nmodel, id, sc, modeled,
				    2048);
				for (k = 0; k < nprobes; k++) {
					struct eds_consent_status a, bb, c;

					index_status(r, id, sc, probes[k], &a,
					    &it, &cap);
					eds_consent_status(logged, nl,
					    probes[k], &bb);
					eds_consent_status(modeled, nm,
					    probes[k], &c);
					ck_assert_msg(a.state == bb.state &&
					    a.reason == bb.reason &&
					    a.state == c.state &&
					    a.reason == c.reason,
					    "batch %d, patient %d, %s, probe "
					    "%zu: index %s, replay %s, model "
					    "%s", b, p, sc, k,
					    eds_consent_reason_name(a.reason),
					    eds_consent_reason_name(bb.reason),
					    eds_consent_reason_name(c.reason));
				}
			}
		}
		eds_registry_close(r);
		free(rp.ev);
	}
	free(model);
	free(it);
}
END_TEST

START_TEST(filter_verdicts_match_the_model_in_both_regimes)
{
	static const char *const req[] = { "primary", "secondary,primary",
	    "primary,secondary,study:A", "study:NEVER", NULL };
	char dir[512];
	struct eds_registry *r;
	struct tev ev[400];
	size_t i, k, q;
	char id[24];
	int reg, p;

	snprintf(dir, sizeof dir, "%s", tu_path("verdict-reg"));
	rng_state = 77;
	for (i = 0; i < 400; i++) {
		patient_id((int)(rng() % 60), ev[i].id);
		ev[i].scope = scopes[rng() % 3];
		ev[i].decision = 1 + (int)(rng() % 3);
		ev[i].t = (int64_t)(rng() % 40) * 86400000000LL;
		ev[i].exp = rng() % 4 == 0 ? (int64_t)(rng() % 40) *
		    86400000000LL : EDS_CONSENT_NEVER;
		ev[i].source = "dpi";
	}
	/* Two halves, each with its duplicates. */
	write_events(tu_path("v1.csv"), ev, 200);
	write_events(tu_path("v2.csv"), ev + 150, 250);
	import_ok(dir, tu_path("v1.csv"));
	import_ok(dir, tu_path("v2.csv"));
	r = open_ok(dir, 0);
	for (reg = EDS_REGIME_OPT_IN; reg <= EDS_REGIME_OPT_OUT; reg++) {
		for (q = 0; req[q] != NULL; q++) {
			for (k = 0; k < 42; k += 3) {
				struct eds_consent_rules rules;
				struct eds_consent_filter *f;
				struct eds_error err;
				char at[40];

				eds_consent_rules_init(&rules);
				ck_assert(eds_consent_rules_require(&rules,
				    req[q], &err) == 0);
				rules.regime = reg;
				eds_consent_time_format((int64_t)k *
				    86400000000LL, at);
				ck_assert(eds_consent_rules_at(&rules, at,
				    &err) == 0);
				f = eds_consent_filter_new(r, &rules, &err);
				ck_assert_msg(f != NULL, "%s", err.msg);
				for (p = 0; p < 65; p++) {
					struct eds_consent_status st[3];
					enum eds_consent_reason got, want;
					char list[64], *sc, *save = NULL;
					size_t n = 0;

					patient_id(p, id);
					snprintf(list, sizeof list, "%s",
					    req[q]);
					for (sc = strtok_r(list, ",", &save);
					    sc != NULL;
					    sc = strtok_r(NULL, ",", &save))
						list_status(ev, 400, id, sc,
						    eds_consent_filter_at(f),
						    &st[n++]);
					want = eds_consent_verdict(reg, st, n);
					ck_assert(eds_consent_filter_verdict(f,
					    id, strlen(id), &got, &err) == 0);
					ck_assert_msg(got == want, "%s %s at "
					    "%s patient %d: %s, expected %s",
					    eds_consent_regime_name(reg),
					    req[q], at, p,
					    eds_consent_reason_name(got),
					    eds_consent_reason_name(want));
				}
				eds_consent_filter_free(f);
				eds_consent_rules_release(&rules);
			}
		}
	}
	eds_registry_close(r);
}
END_TEST

/* --- import -------------------------------------------------------------- */

static const char good[] =
    "patient_id,scope,decision,recorded_at,source,expires_at\n"
    "100,primary,granted,2024-01-01,dpi,\n"
    "100,secondary,granted,2024-01-01,dpi,2030-01-01\n"
    "200,primary,granted,2024-01-01,dpi,\n"
    "200,secondary,refused,2024-02-01T10:00:00+01:00,portal,\n";

START_TEST(import_creates_the_registry_and_counts_duplicates)
{
	char dir[512], f[512];
	struct eds_registry_info info;
	struct eds_registry *r;
	struct eds_error err;
	struct eds_run run;
	char *files[2], *before, *after;

	snprintf(dir, sizeof dir, "%s", tu_path("dup-reg"));
	snprintf(f, sizeof f, "%s", tu_path("dup.csv"));
	write_str(f, good);
	files[0] = files[1] = (char *)f;
	eds_run_init(&run, "test", "import");
	ck_assert_msg(import_files(dir, files, 2, 0, NULL, &run, &err) == 0,
	    "%s", err.msg);
	ck_assert_msg(eds_run_get(&run, "rows_in") == 8 &&
	    eds_run_get(&run, "imported") == 4 &&
	    eds_run_get(&run, "duplicates") == 4, "the same file twice: 4 "
	    "events, 4 duplicates");
	eds_run_release(&run);
	r = open_ok(dir, EDS_REGISTRY_VERIFY_LOG);
	eds_registry_info(r, &info);
	ck_assert(info.events == 4 && info.patients == 2 &&
	    info.entries == 4 && info.generation == 1);
	eds_registry_close(r);
	/* Importing it again changes nothing, not even the manifest. */
	before = snapshot(dir);
	eds_run_init(&run, "test", "import");
	ck_assert(import_files(dir, files, 1, 0, NULL, &run, &err) == 0);
	ck_assert(eds_run_get(&run, "duplicates") == 4 &&
	    eds_run_get(&run, "imported") == 0);
	eds_run_release(&run);
	after = snapshot(dir);
	ck_assert_msg(strcmp(before, after) == 0, "a re-import of known "
	    "events leaves the registry byte for byte as it was");
	free(before);
	free(after);
}
END_TEST

START_TEST(a_rejected_row_fails_the_import_and_changes_nothing)
{
	char dir[512], f[512], rej[512];
	struct eds_registry_info info;
	struct eds_registry *r;
	struct eds_error err;
	struct eds_run run;
	char *files[1], *before, *after, *text;

	snprintf(dir, sizeof dir, "%s", tu_path("rej-reg"));
	snprintf(f, sizeof f, "%s", tu_path("rej.csv"));
	snprintf(rej, sizeof rej, "%s", tu_path("rej-out.csv"));
	write_str(tu_path("rej-good.csv"), good);
	import_ok(dir, tu_path("rej-good.csv"));
	before = snapshot(dir);
	write_str(f, "patient_id,scope,decision,recorded_at,source\n"
	    "300,primary,granted,2024-01-01,dpi\n"
	    "301,primary,maybe,2024-01-01,dpi\n"
	    ",primary,granted,2024-01-01,dpi\n"
	    "302,primary,granted,31/01/2024,dpi\n");
	files[0] = (char *)f;
	eds_run_init(&run, "test", "import");
	ck_assert(import_files(dir, files, 1, 0, rej, &run, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "3 of 4 rows rejected") != NULL &&
	    strstr(err.msg, "nothing imported") != NULL, "%s", err.msg);
	ck_assert(eds_run_get(&run, "rejected.bad-decision") == 1 &&
	    eds_run_get(&run, "rejected.empty-id") == 1 &&
	    eds_run_get(&run, "rejected.bad-recorded-at") == 1);
	eds_run_release(&run);
	after = snapshot(dir);
	ck_assert_msg(strcmp(before, after) == 0, "a failed import leaves "
	    "the registry byte for byte as it was");
	free(after);
	text = tu_read(rej, NULL);
	ck_assert_msg(strstr(text, "file,line,reason,column,detail,raw\n") ==
	    text, "the rejects file has its header");
	ck_assert_msg(strstr(text, ",3,bad-decision,decision,") != NULL &&
	    strstr(text, "301,primary,maybe,2024-01-01,dpi") != NULL,
	    "the rejects file names line, reason and the raw row: %s", text);
	ck_assert(strstr(text, ",4,empty-id,patient_id,") != NULL);
	ck_assert(strstr(text, ",5,bad-recorded-at,recorded_at,") != NULL);
	free(text);
	/* --allow-partial imports the valid row. */
	eds_run_init(&run, "test", "import");
	ck_assert_msg(import_files(dir, files, 1, 1, NULL, &run, &err) == 0,
	    "%s", err.msg);
	ck_assert(eds_run_get(&run, "imported") == 1 &&
	    eds_run_get(&run, "rows_rejected") == 3);
	eds_run_release(&run);
	r = open_ok(dir, 0);
	eds_registry_info(r, &info);
	ck_assert(info.events == 5 && info.generation == 2);
	eds_registry_close(r);
	free(before);
}
END_TEST

START_TEST(a_bad_header_or_missing_file_fails_the_import)
{
	char dir[512];
	struct eds_error err;

	snprintf(dir, sizeof dir, "%s", tu_path("hdr-reg"));
	write_str(tu_path("hdr.csv"), "patient,scope,decision,recorded_at,"
	    "source\n1,primary,granted,2024-01-01,dpi\n");
	ck_assert(import1(dir, tu_path("hdr.csv"), &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "unknown column 'patient'") != NULL &&
	    err.line == 1, "%s", err.msg);
	write_str(tu_path("empty.csv"), "");
	ck_assert(import1(dir, tu_path("empty.csv"), &err) == -1);
	ck_assert_msg(err.status == EDS_EX_DATAERR && strstr(err.msg,
	    "empty") != NULL, "%s", err.msg);
	ck_assert(import1(dir, tu_path("no-such.csv"), &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	/* None of that made a registry. */
	open_fails(dir, 0, EDS_EX_NOINPUT, "no manifest");
}
END_TEST

START_TEST(a_header_only_file_makes_an_empty_registry)
{
	char dir[512];
	struct eds_registry_info info;
	struct eds_registry_patient pt;
	struct eds_registry *r;
	struct eds_error err;

	snprintf(dir, sizeof dir, "%s", tu_path("empty-reg"));
	write_str(tu_path("hdronly.csv"),
	    "patient_id,scope,decision,recorded_at,source\n");
	import_ok(dir, tu_path("hdronly.csv"));
	r = open_ok(dir, EDS_REGISTRY_VERIFY_LOG);
	eds_registry_info(r, &info);
	ck_assert(info.events == 0 && info.patients == 0 &&
	    info.segments == 0 && info.generation == 1);
	ck_assert(eds_registry_find(r, "1", 1, &pt, &err) == 0);
	eds_registry_close(r);
}
END_TEST

START_TEST(a_directory_that_is_not_a_registry_is_refused)
{
	char dir[512];
	struct eds_error err;

	snprintf(dir, sizeof dir, "%s", tu_path("foreign"));
	ck_assert(mkdir(dir, 0755) == 0);
	write_str(tu_path("foreign/notes.txt"), "mine\n");
	write_str(tu_path("f.csv"), good);
	ck_assert(import1(dir, tu_path("f.csv"), &err) == -1);
	ck_assert_msg(err.status == EDS_EX_CANTCREAT && strstr(err.msg,
	    "not empty") != NULL, "%s", err.msg);
	open_fails(dir, 0, EDS_EX_NOINPUT, "no manifest");
	open_fails(tu_path("nowhere"), 0, EDS_EX_NOINPUT, "no such directory");
}
END_TEST

/* --- damage -------------------------------------------------------------- */

static char *
registry_file(const char *dir, const char *prefix)
{
	struct dirent *d;
	DIR *dh = opendir(dir);
	char *found = NULL;

	ck_assert(dh != NULL);
	while ((d = readdir(dh)) != NULL)
		if (strncmp(d->d_name, prefix, strlen(prefix)) == 0)
			found = xasprintf("%s/%s", dir, d->d_name);
	closedir(dh);
	ck_assert_msg(found != NULL, "no %s* in %s", prefix, dir);
	return found;
}

static void
flip_byte(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	int c;

	ck_assert(f != NULL);
	ck_assert(fseek(f, off, off < 0 ? SEEK_END : SEEK_SET) == 0);
	c = fgetc(f);
	ck_assert(fseek(f, -1, SEEK_CUR) == 0);
	fputc(c ^ 0x20, f);
	ck_assert(fclose(f) == 0);
}

static void
truncate_by(const char *path, off_t n)
{
	struct stat st;

	ck_assert(stat(path, &st) == 0);
	ck_assert(truncate(path, st.st_size - n) == 0);
}

/* A registry holding the events of good, in dir (tu_path is rotated). */
static const char *
fresh(const char *name, char dir[512])
{
	char src[600];

	snprintf(dir, 512, "%s", tu_path(name));
	snprintf(src, sizeof src, "%s.csv", dir);
	write_str(src, good);
	import_ok(dir, src);
	return dir;
}

START_TEST(an_edited_index_fails_its_checksum)
{
	char dir[512];
	char *idx;

	fresh("edit-idx", dir);
	idx = registry_file(dir, "index-");
	flip_byte(idx, 3);
	open_fails(dir, 0, EDS_EX_DATAERR, "fails its checksum");
	free(idx);
}
END_TEST

START_TEST(a_truncated_index_is_detected)
{
	char dir[512];
	char *idx;

	fresh("trunc-idx", dir);
	idx = registry_file(dir, "index-");
	truncate_by(idx, 1);
	open_fails(dir, 0, EDS_EX_DATAERR, "truncated");
	free(idx);
}
END_TEST

START_TEST(a_missing_index_is_corruption_not_an_empty_registry)
{
	char dir[512];
	char *idx;

	fresh("gone-idx", dir);
	idx = registry_file(dir, "index-");
	ck_assert(unlink(idx) == 0);
	open_fails(dir, 0, EDS_EX_DATAERR, "is missing");
	free(idx);
}
END_TEST

START_TEST(a_truncated_or_extended_log_segment_is_detected)
{
	char dir[512];
	char *seg;
	FILE *f;

	fresh("trunc-log", dir);
	seg = registry_file(dir, "events-");
	truncate_by(seg, 5);
	open_fails(dir, 0, EDS_EX_DATAERR, "truncated");
	f = fopen(seg, "ab");
	fputs("xxxxxx", f);
	fclose(f);
	open_fails(dir, 0, EDS_EX_DATAERR, "appended");
	free(seg);
}
END_TEST

START_TEST(an_edited_log_segment_fails_its_checksums)
{
	char dir[512];
	char *seg;

	fresh("edit-log", dir);
	seg = registry_file(dir, "events-");
	flip_byte(seg, -3);
	/*
	 * Same size: import and stats (EDS_REGISTRY_VERIFY_LOG) check the
	 * SHA-256 of the log; readers of the index (filter, status) check its
	 * size only, since their answers come from the index, checked by its
	 * own SHA-256, and a log read on every filter would grow with years.
	 */
	open_fails(dir, EDS_REGISTRY_VERIFY_LOG, EDS_EX_DATAERR,
	    "log segment 'events-000001.csv' fails its checksum");
	eds_registry_close(open_ok(dir, 0));
	free(seg);
}
END_TEST

START_TEST(an_edited_manifest_fails_its_checksum)
{
	char dir[512];
	char path[600], *text;
	char *p;

	fresh("edit-man", dir);
	snprintf(path, sizeof path, "%s/manifest", dir);
	text = tu_read(path, NULL);
	p = strstr(text, "patients 2");
	ck_assert(p != NULL);
	p[9] = '3';
	write_str(path, text);
	open_fails(dir, 0, EDS_EX_DATAERR, "manifest fails its checksum");
	truncate_by(path, 80);
	open_fails(dir, 0, EDS_EX_DATAERR, "truncated");
	ck_assert(unlink(path) == 0);
	open_fails(dir, 0, EDS_EX_NOINPUT, "no manifest");
	free(text);
}
END_TEST

START_TEST(another_format_version_is_named)
{
	char dir[512];
	char path[600], *text;

	fresh("version", dir);
	snprintf(path, sizeof path, "%s/manifest", dir);
	text = tu_read(path, NULL);
	ck_assert(strncmp(text, "eds-consent-registry 1\n", 23) == 0);
	text[21] = '2';
	write_str(path, text);
	open_fails(dir, 0, EDS_EX_DATAERR, "format version 2");
	write_str(path, "hello\n");
	open_fails(dir, 0, EDS_EX_DATAERR, "not a consent registry manifest");
	free(text);
}
END_TEST

/*
 * Rewrite the manifest so that it vouches for the index as it now is:
 * what a careless repair would do.  The decoders must still hold.
 */
static void
rebless(const char *dir)
{
	unsigned char d[EDS_SHA256_LEN];
	char path[600], hex[EDS_SHA256_HEX], *text, *p, *idx;
	uint64_t size;
	struct eds_error err;
	size_t len;

	idx = registry_file(dir, "index-");
	ck_assert(eds_sha256_file(idx, hex, &size, &err) == 0);
	snprintf(path, sizeof path, "%s/manifest", dir);
	text = tu_read(path, &len);
	p = strstr(text, "\nindex ");
	ck_assert(p != NULL);
	p = strchr(p + 7, ' ');
	p = strchr(p + 1, ' ') + 1;
	memcpy(p, hex, 64);
	len -= 72;
	eds_sha256(text, len, d);
	eds_hex(d, EDS_SHA256_LEN, hex);
	snprintf(text + len, 73, "sha256 %s\n", hex);
	write_str(path, text);
	free(text);
	free(idx);
}

START_TEST(a_damaged_index_never_reads_out_of_bounds)
{
	char dir[512];
	struct tev ev[300];
	struct eds_consent_item *it = NULL;
	size_t cap = 0, i;
	char *idx, *orig;
	size_t len;
	int round, p;

	snprintf(dir, sizeof dir, "%s", tu_path("fuzz-reg"));
	rng_state = 5;
	for (i = 0; i < 300; i++) {
		patient_id((int)(rng() % 80), ev[i].id);
		ev[i].scope = scopes[rng() % 4];
		ev[i].decision = 1 + (int)(rng() % 3);
		ev[i].t = (int64_t)(rng() % 1000) * 1000001;
		ev[i].exp = rng() % 2 ? ev[i].t + 5 : EDS_CONSENT_NEVER;
		ev[i].source = sources[rng() % 3];
	}
	write_events(tu_path("fuzz.csv"), ev, 300);
	import_ok(dir, tu_path("fuzz.csv"));
	idx = registry_file(dir, "index-");
	orig = tu_read(idx, &len);
	for (round = 0; round < 200; round++) {
		struct eds_registry *r;
		struct eds_error err;
		char *copy = xmalloc(len);
		int flips = 1 + (int)(rng() % 4), k;

		memcpy(copy, orig, len);
		for (k = 0; k < flips; k++)
			copy[rng() % len] ^= (char)(1 << (rng() % 8));
		tu_write(idx, copy, len);
		free(copy);
		rebless(dir);
		if ((r = eds_registry_open(dir, 0, &err)) == NULL) {
			ck_assert_msg(err.status == EDS_EX_DATAERR, "%s",
			    err.msg);
			continue;
		}
		for (p = 0; p < 85; p++) {
			struct eds_registry_patient pt;
			struct eds_registry_entry e;
			char id[24];
			int rc;

			patient_id(p, id);
			rc = eds_registry_find(r, id, strlen(id), &pt, &err);
			while (rc == 1)
				rc = eds_registry_next_entry(&pt, &e, &it,
				    &cap, &err);
			if (rc == -1)
				ck_assert(err.status == EDS_EX_DATAERR);
		}
		eds_registry_close(r);
	}
	free(orig);
	free(idx);
	free(it);
}
END_TEST

/*
 * An index whose checksums hold but whose patients are out of hash order
 * (a writer's bug, or a careless repair): a look-up could then miss a
 * patient, so an import over it must refuse, not merge into it.
 */
START_TEST(an_import_over_an_index_out_of_order_is_refused)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_error err;
	char dir[512], *idx, *data, *before, *after, *at;
	size_t len;
	int p;

	eds_buf_addstr(&b, "patient_id,scope,decision,recorded_at,source\n");
	for (p = 0; p < 40; p++)
		eds_buf_addf(&b, "P%03d,primary,granted,2024-01-01,dpi\n", p);
	eds_buf_addch(&b, '\0');
	snprintf(dir, sizeof dir, "%s", tu_path("order-reg"));
	write_str(tu_path("order.csv"), b.p);
	eds_buf_release(&b);
	import_ok(dir, tu_path("order.csv"));

	/* P017 renamed P999 in place: its hash no longer fits its place. */
	idx = registry_file(dir, "index-");
	data = tu_read(idx, &len);
	at = memmem(data, len, "\004P017", 5);
	ck_assert(at != NULL);
	memcpy(at + 1, "P999", 4);
	tu_write(idx, data, len);
	free(data);
	free(idx);
	rebless(dir);

	before = snapshot(dir);
	write_str(tu_path("new.csv"), "patient_id,scope,decision,recorded_at,"
	    "source\nNEW1,primary,granted,2024-01-01,dpi\n");
	eds_error_clear(&err);
	ck_assert(import1(dir, tu_path("new.csv"), &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "patients out of order in the index") !=
	    NULL, "%s", err.msg);
	after = snapshot(dir);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(leftovers_of_a_killed_import_are_removed_by_the_next)
{
	char dir[512];
	char path[600];
	struct stat st;

	fresh("orphans", dir);
	snprintf(path, sizeof path, "%s/index-000009.bin", dir);
	write_str(path, "junk");
	snprintf(path, sizeof path, "%s/events-000009.csv", dir);
	write_str(path, "junk");
	snprintf(path, sizeof path, "%s/.tmp-1-2", dir);
	write_str(path, "junk");
	snprintf(path, sizeof path, "%s/manifest.new", dir);
	write_str(path, "junk");
	snprintf(path, sizeof path, "%s/README", dir);
	write_str(path, "not ours");
	/* Readers do not mind them. */
	eds_registry_close(open_ok(dir, EDS_REGISTRY_VERIFY_LOG));
	write_str(tu_path("orphans-2.csv"), "patient_id,scope,decision,"
	    "recorded_at,source\n900,primary,granted,2024-01-01,dpi\n");
	import_ok(dir, tu_path("orphans-2.csv"));
	snprintf(path, sizeof path, "%s/index-000009.bin", dir);
	ck_assert_msg(stat(path, &st) == -1, "an unreferenced index goes");
	snprintf(path, sizeof path, "%s/events-000009.csv", dir);
	ck_assert(stat(path, &st) == -1);
	snprintf(path, sizeof path, "%s/.tmp-1-2", dir);
	ck_assert(stat(path, &st) == -1);
	snprintf(path, sizeof path, "%s/manifest.new", dir);
	ck_assert(stat(path, &st) == -1);
	snprintf(path, sizeof path, "%s/README", dir);
	ck_assert_msg(stat(path, &st) == 0, "files not ours stay");
	snprintf(path, sizeof path, "%s/index-000001.bin", dir);
	ck_assert_msg(stat(path, &st) == -1, "the old index is removed");
	snprintf(path, sizeof path, "%s/events-000001.csv", dir);
	ck_assert_msg(stat(path, &st) == 0, "old log segments stay");
}
END_TEST

START_TEST(concurrent_imports_both_succeed)
{
	char dir[512];
	struct eds_registry_info info;
	struct eds_registry *r;
	struct tev ev[2][2000];
	pid_t pid[2];
	int k, i, status;

	fresh("concurrent", dir);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 2000; i++) {
			snprintf(ev[k][i].id, 24, "C%d-%d", k, i);
			ev[k][i].scope = "primary";
			ev[k][i].decision = EDS_CONSENT_GRANTED;
			ev[k][i].t = (int64_t)i * 1000000;
			ev[k][i].exp = EDS_CONSENT_NEVER;
			ev[k][i].source = "dpi";
		}
		write_events(tu_path(k ? "conc1.csv" : "conc0.csv"), ev[k],
		    2000);
	}
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		ck_assert(pid[k] != -1);
		if (pid[k] == 0) {
			struct eds_error err;

			_exit(import1(dir, tu_path(k ? "conc1.csv" :
			    "conc0.csv"), &err) == 0 ? 0 : 1);
		}
	}
	for (k = 0; k < 2; k++) {
		ck_assert(waitpid(pid[k], &status, 0) == pid[k]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "import %d succeeded", k);
	}
	r = open_ok(dir, EDS_REGISTRY_VERIFY_LOG);
	eds_registry_info(r, &info);
	ck_assert_msg(info.events == 4004 && info.generation == 3 &&
	    info.segments == 3, "both imports landed: %llu events, "
	    "generation %llu", (unsigned long long)info.events,
	    (unsigned long long)info.generation);
	eds_registry_close(r);
}
END_TEST

START_TEST(the_hash_spreads_sequential_identifiers)
{
	unsigned count[16] = { 0 };
	char id[16];
	int i;

	for (i = 0; i < 16000; i++) {
		snprintf(id, sizeof id, "%08d", 10000000 + i);
		count[eds_registry_hash(id, strlen(id)) >> 60]++;
	}
	for (i = 0; i < 16; i++)
		ck_assert_msg(count[i] > 800 && count[i] < 1200,
		    "bucket %d holds %u of 16000", i, count[i]);
}
END_TEST

Suite *
registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *t = tcase_create("registry");

	tcase_set_timeout(t, 120);
	tcase_add_test(t,
	    index_answers_as_a_replay_of_the_log_on_random_histories);
	tcase_add_test(t, filter_verdicts_match_the_model_in_both_regimes);
	tcase_add_test(t, import_creates_the_registry_and_counts_duplicates);
	tcase_add_test(t, a_rejected_row_fails_the_import_and_changes_nothing);
	tcase_add_test(t, a_bad_header_or_missing_file_fails_the_import);
	tcase_add_test(t, a_header_only_file_makes_an_empty_registry);
	tcase_add_test(t, a_directory_that_is_not_a_registry_is_refused);
	tcase_add_test(t, an_edited_index_fails_its_checksum);
	tcase_add_test(t, a_truncated_index_is_detected);
	tcase_add_test(t, a_missing_index_is_corruption_not_an_empty_registry);
	tcase_add_test(t, a_truncated_or_extended_log_segment_is_detected);
	tcase_add_test(t, an_edited_log_segment_fails_its_checksums);
	tcase_add_test(t, an_edited_manifest_fails_its_checksum);
	tcase_add_test(t, another_format_version_is_named);
	tcase_add_test(t, a_damaged_index_never_reads_out_of_bounds);
	tcase_add_test(t, an_import_over_an_index_out_of_order_is_refused);
	tcase_add_test(t, leftovers_of_a_killed_import_are_removed_by_the_next);
	tcase_add_test(t, concurrent_imports_both_succeed);
	tcase_add_test(t, the_hash_spreads_sequential_identifiers);
	suite_add_tcase(s, t);
	return s;
}
