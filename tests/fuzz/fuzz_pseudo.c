/*
 * fuzz_pseudo.c: a whole eds-pseudo run (lib/pseudo.c: the policy mapped
 * onto the header, every action on every row, the digest caches and the
 * previous-value memos, the canonical writer) on a policy and canonical
 * CSV chosen by the fuzzer, with a fixed key.  The input is the policy's
 * YAML, a line "====", and the CSV's bytes.
 *
 * Invariants: a failure is 65, 66, 73, 74 or 78 and commits nothing.  A
 * run that succeeds writes every row (rows_in = rows_out + rows_dropped,
 * and the stage drops none), and each output row is what the policy says
 * of the input row, value by value, recomputed here without the stage's
 * caches: a kept value is unchanged, an empty value stays empty, a
 * pseudonym is eds_pseudonym() of the value (prefix, length, steps), a
 * UID is eds_dicom_uid() of it, a shifted date is a valid ISO 8601 date,
 * the input moved by the patient's offset with the rest kept, never the
 * input itself.  No pseudonymised or UID value survives as itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "datetime.h"
#include "fuzz.h"
#include "input.h"
#include "key.h"
#include "policy.h"
#include "pseudo.h"
#include "pseudonym.h"
#include "run.h"

#define SEP "\n====\n"
#define MAX_ROWS 4096

struct row {
	char **v;
	size_t *len;
	size_t n;
};

struct table {
	struct row r[MAX_ROWS];
	size_t n;
	int bad;		/* a row the reader rejected */
};

static int
keep_row(void *ctx, struct eds_record *rec, struct eds_error *err)
{
	struct table *t = ctx;
	struct row *r;
	size_t i;

	(void)err;
	if (rec->reason != NULL)
		t->bad = 1;
	if (t->n == MAX_ROWS) {
		t->bad = 1;
		return 0;
	}
	r = &t->r[t->n++];
	r->n = rec->n;
	r->v = calloc(rec->n + 1, sizeof *r->v);
	r->len = calloc(rec->n + 1, sizeof *r->len);
	if (r->v == NULL || r->len == NULL)
		abort();
	for (i = 0; i < rec->n; i++) {
		r->v[i] = fuzz_text((const uint8_t *)rec->f[i].s,
		    rec->f[i].len);
		r->len[i] = rec->f[i].len;
	}
	return 0;
}

static void
read_table(const char *path, struct table *t)
{
	struct eds_csv_options o;
	struct eds_csv_reader *r;
	struct eds_input *in;
	struct eds_error err;

	t->n = 0;
	t->bad = 0;
	eds_csv_options_init(&o);
	o.sep = ',';
	if ((in = eds_input_open(path, &err)) == NULL) {
		t->bad = 1;
		return;
	}
	r = eds_csv_reader_new(in, &o);
	if (eds_csv_reader_run(r, keep_row, t, &err) == -1)
		t->bad = 1;
	eds_csv_reader_free(r);
	eds_input_close(in);
}

static void
free_table(struct table *t)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < t->r[i].n; k++)
			free(t->r[i].v[k]);
		free(t->r[i].v);
		free(t->r[i].len);
	}
	t->n = 0;
}

static long
find(const struct row *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->v[i], name) == 0)
			return (long)i;
	return -1;
}

/* The shifted value: a valid date, the input moved by off days. */
static void
check_shift(const char *in, size_t inlen, const char *out, size_t outlen,
    int off)
{
	struct eds_tm a, b;

	FUZZ_CHECK(off != 0);
	FUZZ_CHECK(eds_date_parse_iso(in, inlen, &a) == 0);
	FUZZ_CHECK(outlen == inlen);
	FUZZ_CHECK(eds_date_parse_iso(out, outlen, &b) == 0);
	FUZZ_CHECK(eds_date_valid(b.year, b.month, b.day));
	FUZZ_CHECK(eds_days_from_civil(b.year, b.month, b.day) -
	    eds_days_from_civil(a.year, a.month, a.day) == off);
	FUZZ_CHECK(memcmp(in + 10, out + 10, inlen - 10) == 0);
}

static void
check_rows(const struct eds_policy *pol, const struct eds_domain *dom,
    const struct table *in, const struct table *out)
{
	char buf[EDS_PREFIX_MAX + EDS_PSEUDO_LEN_MAX + EDS_UID_MAX];
	const struct row *ih = &in->r[0], *oh = &out->r[0];
	long *map, pcol;
	size_t i, j, k, n;
	int off, pnorm = eds_policy_patient_norm(pol);

	/* Where each output column comes from. */
	map = calloc(oh->n + 1, sizeof *map);
	if (map == NULL)
		abort();
	for (i = 0, k = 0; i < ih->n; i++) {
		const struct eds_policy_col *c = eds_policy_find(pol, ih->v[i]);

		if ((c == NULL && pol->unlisted == EDS_UNLISTED_DROP) ||
		    (c != NULL && c->action == EDS_ACT_DROP))
			continue;
		FUZZ_CHECK(k < oh->n);
		FUZZ_CHECK(strcmp(oh->v[k], c != NULL && c->rename != NULL ?
		    c->rename : ih->v[i]) == 0);
		map[k++] = (long)i;
	}
	FUZZ_CHECK(k == oh->n);
	pcol = pol->patient_id != NULL ? find(ih, pol->patient_id) : -1;
	for (j = 1; j < in->n; j++) {
		const struct row *ir = &in->r[j], *or = &out->r[j];

		FUZZ_CHECK(or->n == oh->n);
		off = pcol >= 0 ? eds_date_offset(dom, pnorm, ir->v[pcol],
		    ir->len[pcol], pol->shift_days) : 0;
		for (k = 0; k < oh->n; k++) {
			const char *v = ir->v[map[k]], *o = or->v[k];
			size_t vl = ir->len[map[k]], ol = or->len[k];
			const struct eds_policy_col *c =
			    eds_policy_find(pol, ih->v[map[k]]);

			if (vl == 0) {
				FUZZ_CHECK(ol == 0);
				continue;
			}
			switch (c != NULL ? c->action : EDS_ACT_KEEP) {
			case EDS_ACT_KEEP:
				FUZZ_CHECK(ol == vl && memcmp(o, v, vl) == 0);
				break;
			case EDS_ACT_PSEUDONYMISE:
				n = eds_pseudonym(dom, c->ns, c->norm,
				    (size_t)c->length, c->prefix, v, vl, buf);
				FUZZ_CHECK(ol == n && memcmp(o, buf, n) == 0);
				FUZZ_CHECK(n == 0 ||
				    n == strlen(c->prefix) + (size_t)c->length);
				FUZZ_CHECK(n == 0 || ol != vl ||
				    memcmp(o, v, vl) != 0);
				break;
			case EDS_ACT_UID:
				n = eds_dicom_uid(dom, v, vl, buf);
				FUZZ_CHECK(ol == n && memcmp(o, buf, n) == 0);
				FUZZ_CHECK(ol != vl || memcmp(o, v, vl) != 0);
				break;
			case EDS_ACT_SHIFT:
				check_shift(v, vl, o, ol, off);
				break;
			default:
				break;
			}
		}
	}
	free(map);
}

static const unsigned char fuzz_key[EDS_KEY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
};

FUZZ_TARGET(pseudo)
{
	const uint8_t *sep = memmem(data, size, SEP, sizeof SEP - 1);
	static struct table in, out;
	struct eds_pseudo_options o;
	struct eds_policy *pol;
	struct eds_domain *dom;
	struct eds_error err;
	struct eds_key key;
	struct eds_run run;
	const char *csv;
	char outpath[300];
	int rc;

	if (sep == NULL)
		return 0;
	eds_error_clear(&err);
	pol = eds_policy_parse("fuzz-policy.yaml", (const char *)data,
	    (size_t)(sep - data), &err);
	if (pol == NULL)
		return 0;
	memcpy(key.k, fuzz_key, sizeof key.k);
	eds_key_id(key.k, key.id);
	key.unsafe = 0;
	dom = eds_domain_new(&key, pol->domain != NULL ? pol->domain :
	    "FUZZ-2026", &err);
	FUZZ_CHECK(dom != NULL);
	csv = fuzz_file("in.csv", sep + sizeof SEP - 1,
	    size - (size_t)(sep - data) - (sizeof SEP - 1));
	snprintf(outpath, sizeof outpath, "%s/out.csv", fuzz_dir());
	unlink(outpath);

	memset(&o, 0, sizeof o);
	o.policy = pol;
	o.domain = dom;
	o.output = outpath;
	o.gzip = (size & 1) != 0;
	eds_run_init(&run, "eds-fuzz", "pseudonymise");
	rc = eds_pseudo_file(&o, csv, &run, &err);
	if (rc == -1) {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_NOINPUT ||
		    err.status == EDS_EX_CANTCREAT ||
		    err.status == EDS_EX_IOERR || err.status == EDS_EX_CONFIG);
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(access(outpath, F_OK) == -1);
	} else {
		FUZZ_CHECK(eds_run_get(&run, "rows_in") ==
		    eds_run_get(&run, "rows_out") +
		    eds_run_get(&run, "rows_dropped"));
		FUZZ_CHECK(eds_run_get(&run, "rows_dropped") == 0);
		read_table(csv, &in);
		read_table(outpath, &out);
		FUZZ_CHECK(!out.bad);
		if (!in.bad && in.n > 0) {
			FUZZ_CHECK(out.n == in.n);
			FUZZ_CHECK(out.n == eds_run_get(&run, "rows_out") + 1);
			check_rows(pol, dom, &in, &out);
		}
		free_table(&in);
		free_table(&out);
	}
	eds_run_release(&run);
	eds_domain_free(dom);
	eds_policy_free(pol);
	return 0;
}
