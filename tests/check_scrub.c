/*
 * check_scrub.c: the free-text scrubber on the synthetic corpus
 * tests/data/scrub-corpus.txt (over 500 annotated sentences, see
 * make-scrub-corpus.py there), measuring recall and precision per category
 * and failing below 99% recall for NIR, telephone and e-mail or 98% for
 * the row's names and for people named after a title; plus the behaviour
 * around it: date modes, the fallback when a row has no offset, untouched
 * text, counts, people against the row's names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_util.h"
#include "scrub.h"

#ifndef EDS_TOP_SRCDIR
#define EDS_TOP_SRCDIR "."
#endif

#define MAX_CTX 32
#define MAX_SPANS 16

static const char *
srcfile(const char *rel)
{
	static char path[1024];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof path, "%s/%s", top != NULL ? top :
	    EDS_TOP_SRCDIR, rel);
	return path;
}

struct ctx {
	char id[8];
	char *vals[5];		/* last, first, ipp, nda, address */
	int offset;
};

static const char *const ctx_fields[5] = {
	"last_name", "first_name", "ipp", "nda", "address"
};
static const char *const ctx_labels[5] = {
	"NOM", "NOM", "IPP", "NDA", "ADRESSE"
};

struct gold {
	size_t start, end;
	char cat[16];
};

static const char *const cats[] = {
	"NIR", "TEL", "EMAIL", "NOM", "PERSONNE", "IPP", "NDA", "ADRESSE", "CP",
	"DATE", NULL
};

static int
cat_index(const char *c)
{
	int i;

	for (i = 0; cats[i] != NULL; i++)
		if (strcmp(cats[i], c) == 0)
			return i;
	ck_abort_msg("unknown category '%s'", c);
	return -1;
}

static const char *
span_cat(const struct eds_scrub_span *s)
{
	static const char *const k[] = { "DATE", "CP", "PERSONNE", NULL,
	    "TEL", "NIR", "EMAIL" };

	return s->kind == EDS_SCRUB_ROW ? s->label : k[s->kind];
}

/*
 * Turn an annotated sentence into its input text, its expected output
 * and its gold spans.  A backslash and 'n' stand for a line break.
 */
static int
annotate(const char *a, struct eds_buf *in, struct eds_buf *want,
    struct gold *g)
{
	int n = 0;
	const char *p = a, *colon, *close, *eq;

	in->len = want->len = 0;
	eds_buf_addstr(in, "");
	eds_buf_addstr(want, "");
	while (*p != '\0') {
		if (p[0] == '\\' && p[1] == 'n') {
			eds_buf_addch(in, '\n');
			eds_buf_addch(want, '\n');
			p += 2;
			continue;
		}
		if (*p != '{') {
			eds_buf_addch(in, *p);
			eds_buf_addch(want, *p);
			p++;
			continue;
		}
		colon = strchr(p, ':');
		close = strchr(p, '}');
		ck_assert_msg(colon != NULL && close != NULL && colon < close,
		    "bad annotation in '%s'", a);
		ck_assert_int_lt(n, MAX_SPANS);
		snprintf(g[n].cat, sizeof g[n].cat, "%.*s",
		    (int)(colon - p - 1), p + 1);
		eq = memchr(colon, '=', (size_t)(close - colon));
		g[n].start = in->len;
		eds_buf_add(in, colon + 1, (size_t)((eq != NULL ? eq : close) -
		    colon - 1));
		g[n].end = in->len;
		if (eq != NULL)
			eds_buf_add(want, eq + 1, (size_t)(close - eq - 1));
		else {
			eds_buf_addch(want, '[');
			eds_buf_addstr(want, g[n].cat);
			eds_buf_addch(want, ']');
		}
		n++;
		p = close + 1;
	}
	return n;
}

static void
parse_ctx(char *line, struct ctx *c)
{
	char *sp = strchr(line, ' '), *kv, *save = NULL, *eq;
	int i;

	ck_assert_ptr_nonnull(sp);
	*sp = '\0';
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", line + 1);
	for (kv = strtok_r(sp + 1, ";", &save); kv != NULL;
	    kv = strtok_r(NULL, ";", &save)) {
		eq = strchr(kv, '=');
		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		if (strcmp(kv, "offset") == 0) {
			c->offset = atoi(eq + 1);
			continue;
		}
		for (i = 0; i < 5; i++)
			if (strcmp(kv, ctx_fields[i]) == 0)
				c->vals[i] = eq + 1;
	}
}

START_TEST(scrubber_meets_its_recall_targets_on_the_corpus)
{
	char *text = tu_read(srcfile("tests/data/scrub-corpus.txt"), NULL);
	struct ctx ctxs[MAX_CTX];
	int nctx = 0, ncases = 0, exact = 0, i, j, k, ng;
	long gold[16], pred[16], tp[16];
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_SHIFT);
	struct eds_buf in = EDS_BUF_INIT, want = EDS_BUF_INIT;
	struct gold g[MAX_SPANS];
	const struct eds_scrub_span *sp;
	char *p, *line, *tab;
	const char *out;
	size_t outlen, nsp;
	double recall, precision;

	memset(gold, 0, sizeof gold);
	memset(pred, 0, sizeof pred);
	memset(tp, 0, sizeof tp);
	for (p = text; (line = strsep(&p, "\n")) != NULL;) {
		struct ctx *c = NULL;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == '@') {
			ck_assert_int_lt(nctx, MAX_CTX);
			parse_ctx(line, &ctxs[nctx++]);
			continue;
		}
		tab = strchr(line, '\t');
		ck_assert_ptr_nonnull(tab);
		*tab = '\0';
		for (i = 0; i < nctx; i++)
			if (strcmp(ctxs[i].id, line) == 0)
				c = &ctxs[i];
		ck_assert_msg(c != NULL, "unknown context %s", line);
		ng = annotate(tab + 1, &in, &want, g);
		eds_scrub_row_begin(s);
		for (i = 0; i < 5; i++)
			if (c->vals[i] != NULL)
				eds_scrub_row_value(s, c->vals[i],
				    strlen(c->vals[i]), ctx_labels[i]);
		eds_scrub(s, in.p, in.len, c->offset, &out, &outlen);
		nsp = eds_scrub_spans(s, &sp);
		ncases++;
		for (i = 0; i < ng; i++)
			gold[cat_index(g[i].cat)]++;
		for (j = 0; j < (int)nsp; j++) {
			k = cat_index(span_cat(&sp[j]));
			pred[k]++;
			for (i = 0; i < ng; i++)
				if (g[i].start == sp[j].start &&
				    g[i].end == sp[j].end &&
				    strcmp(g[i].cat, cats[k]) == 0)
					tp[k]++;
		}
		if (outlen == want.len && memcmp(out, want.p, outlen) == 0)
			exact++;
		else
			printf("scrub corpus: %s\n   want: %s\n    got: %.*s\n",
			    c->id, want.p, (int)outlen, out);
	}
	ck_assert_msg(ncases >= 500, "corpus has %d cases, want >= 500",
	    ncases);
	printf("scrub corpus: %d sentences, %d scrubbed exactly as expected\n",
	    ncases, exact);
	printf("%-8s %6s %6s %6s %8s %9s\n", "category", "gold", "found",
	    "right", "recall", "precision");
	for (i = 0; cats[i] != NULL; i++)
		printf("%-8s %6ld %6ld %6ld %7.1f%% %8.1f%%\n", cats[i],
		    gold[i], pred[i], tp[i], gold[i] ? 100.0 * (double)tp[i] /
		    (double)gold[i] : 100.0, pred[i] ? 100.0 * (double)tp[i] /
		    (double)pred[i] : 100.0);
	for (i = 0; cats[i] != NULL; i++) {
		double min = strcmp(cats[i], "NOM") == 0 ||
		    strcmp(cats[i], "PERSONNE") == 0 ? 0.98 :
		    (strcmp(cats[i], "NIR") == 0 || strcmp(cats[i], "TEL") == 0 ||
		    strcmp(cats[i], "EMAIL") == 0) ? 0.99 : 0.90;

		ck_assert_msg(gold[i] >= 10, "category %s has only %ld cases",
		    cats[i], gold[i]);
		recall = (double)tp[i] / (double)gold[i];
		precision = pred[i] ? (double)tp[i] / (double)pred[i] : 1.0;
		ck_assert_msg(recall >= min, "%s recall %.3f below %.2f",
		    cats[i], recall, min);
		ck_assert_msg(precision >= 0.90, "%s precision %.3f below 0.90",
		    cats[i], precision);
	}
	eds_buf_release(&in);
	eds_buf_release(&want);
	eds_scrubber_free(s);
	free(text);
}
END_TEST

static const char *
scrub1(struct eds_scrubber *s, const char *t, int offset)
{
	static char buf[512];
	const char *out;
	size_t n;

	eds_scrub(s, t, strlen(t), offset, &out, &n);
	snprintf(buf, sizeof buf, "%.*s", (int)n, out);
	return buf;
}

START_TEST(date_modes_keep_shift_or_redact_and_shift_falls_back_to_redact)
{
	struct eds_scrubber *keep = eds_scrubber_new(EDS_DATES_KEEP);
	struct eds_scrubber *shift = eds_scrubber_new(EDS_DATES_SHIFT);
	struct eds_scrubber *redact = eds_scrubber_new(EDS_DATES_REDACT);
	const char *t = "vu le 28/02/2024 et le 2024-12-31";

	ck_assert_str_eq(scrub1(keep, t, 5), t);
	ck_assert_str_eq(scrub1(shift, t, 1), "vu le 29/02/2024 et le 2025-01-01");
	ck_assert_str_eq(scrub1(shift, t, -365),
	    "vu le 28/02/2023 et le 2024-01-01");
	ck_assert_str_eq(scrub1(redact, t, 5), "vu le [DATE] et le [DATE]");
	/* No patient, no offset: a date to shift is redacted, never kept. */
	ck_assert_str_eq(scrub1(shift, t, 0), "vu le [DATE] et le [DATE]");
	ck_assert_uint_eq(eds_scrub_count(shift, EDS_SCRUB_DATE), 6);
	ck_assert_str_eq(scrub1(shift, "le 31/02/2024 n'existe pas", 3),
	    "le 31/02/2024 n'existe pas");
	eds_scrubber_free(keep);
	eds_scrubber_free(shift);
	eds_scrubber_free(redact);
}
END_TEST

START_TEST(text_without_findings_is_returned_as_is)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_SHIFT);
	const char *t = "Hb 12,5 g/dL", *out;
	size_t n;

	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "Dupont", 6, "NOM");
	eds_scrub(s, t, strlen(t), 10, &out, &n);
	ck_assert_ptr_eq(out, t);
	ck_assert_uint_eq(n, strlen(t));
	eds_scrub(s, "", 0, 10, &out, &n);
	ck_assert_uint_eq(n, 0);
	eds_scrubber_free(s);
}
END_TEST

START_TEST(row_values_change_with_the_row_and_short_values_are_ignored)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "Petit", 5, "NOM");
	eds_scrub_row_value(s, "A", 1, "NOM");
	ck_assert_str_eq(scrub1(s, "Mme PETIT, groupe A", 0),
	    "Mme [NOM], groupe A");
	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "Durand", 6, "NOM");
	ck_assert_str_eq(scrub1(s, "m. petit et Mme Durand", 0),
	    "m. petit et Mme [NOM]");
	eds_scrubber_free(s);
}
END_TEST

START_TEST(overlaps_go_to_the_stronger_kind)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "Dupont", 6, "NOM");
	ck_assert_str_eq(scrub1(s, "mail jean.dupont@chu.fr ok", 0),
	    "mail [EMAIL] ok");
	ck_assert_uint_eq(eds_scrub_count(s, EDS_SCRUB_ROW), 0);
	ck_assert_uint_eq(eds_scrub_count(s, EDS_SCRUB_EMAIL), 1);
	eds_scrubber_free(s);
}
END_TEST

START_TEST(people_after_a_title_and_the_rows_names_do_not_leak_into_each_other)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);
	const char *author = "Dr Beno\xc3\xaet Dupuy";

	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "Dupont", 6, "NOM");
	eds_scrub_row_value(s, "Jean", 4, "NOM");
	eds_scrub_row_value(s, author, strlen(author), "MEDECIN");
	/* The patient after a title keeps the row's labels. */
	ck_assert_str_eq(scrub1(s, "Mme Jean DUPONT vue", 0),
	    "Mme [NOM] [NOM] vue");
	/* A relative who shares the patient's surname is one person. */
	ck_assert_str_eq(scrub1(s, "M. Paul Dupont, son \xc3\xa9poux", 0),
	    "M. [PERSONNE], son \xc3\xa9poux");
	ck_assert_str_eq(scrub1(s, "Mme Claire Jean-Dupont", 0),
	    "Mme [PERSONNE]");
	/* The author column, and a colleague with the same first name. */
	ck_assert_str_eq(scrub1(s, "Relu par Dr Beno\xc3\xaet Dupuy.", 0),
	    "Relu par [MEDECIN].");
	ck_assert_str_eq(scrub1(s, "Relu par Dr Beno\xc3\xaet Vidal.", 0),
	    "Relu par Dr [PERSONNE].");
	ck_assert_uint_eq(eds_scrub_count(s, EDS_SCRUB_PERSON), 3);
	ck_assert_str_eq(eds_scrub_kind_name(EDS_SCRUB_PERSON), "person");
	eds_scrubber_free(s);
}
END_TEST

START_TEST(a_title_needs_a_capitalised_name_after_it)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);
	static const char *const same[] = {
		"Dr de garde", "Cher Monsieur,\nJe vous remercie.",
		"M. tuberculosis", "PR s\xc3\xa9ropositive, PR SEROPOSITIVE",
		"Monsieur le Maire", "dr. martin", "Avis du Dr.", "M.D. Ph.D.",
		"Mme", "", NULL
	};
	int i;

	for (i = 0; same[i] != NULL; i++)
		ck_assert_str_eq(scrub1(s, same[i], 0), same[i]);
	ck_assert_str_eq(scrub1(s, "PR Martin, Pr MARTIN, Dr\nMartin", 0),
	    "PR [PERSONNE], Pr [PERSONNE], Dr\n[PERSONNE]");
	ck_assert_str_eq(scrub1(s, "DR.LEFEVRE, DR.LEFEVRE@chu.fr", 0),
	    "DR.[PERSONNE], [EMAIL]");
	/* At most four name words; a line break ends a name. */
	ck_assert_str_eq(scrub1(s, "Dr A B. Gg Dd Ee Ff Hh", 0),
	    "Dr A B. Gg Dd Ee Ff Hh");
	ck_assert_str_eq(scrub1(s, "Dr Aa Bb Gg Dd Ee", 0),
	    "Dr [PERSONNE] Ee");
	ck_assert_str_eq(scrub1(s, "Dr Aa Bb\nGg", 0), "Dr [PERSONNE]\nGg");
	/* Text ending inside a title or a name. */
	ck_assert_str_eq(scrub1(s, "Dr", 0), "Dr");
	ck_assert_str_eq(scrub1(s, "Dr J.", 0), "Dr [PERSONNE]");
	ck_assert_str_eq(scrub1(s, "Mme N\xe2\x80\x99", 0), "Mme N\xe2\x80\x99");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Texts glued from pieces that start or end the matchers (titles, names,
 * particles, initials, apostrophes, no-break spaces, cut UTF-8, digits):
 * the findings stay inside the text, sorted and apart, and a text cut
 * anywhere is read without going past its end (the sanitizer build
 * checks the reads).
 */
START_TEST(cut_and_glued_texts_give_findings_inside_the_text)
{
	static const char *const piece[] = {
		"Dr", "Dr.", "M.", "MM.", "Mme", "PR", "Monsieur", "Ma\xc3\xaetre",
		" ", "\n", "\r\n", "\xc2\xa0", "-", "'", "\xe2\x80\x99", ".",
		",", " et ", "Jean", "J.", "-P.", "Le", "de", "la", "D'", "Arc",
		"N", "\xc3\x89", "\xc3", "\xe2\x80", "MARTIN", "ma", "06 12",
		"34 56 78", "@", "x.fr", "12/03/2024", "1 85", "Dupont", "Cc"
	};
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_SHIFT);
	const struct eds_scrub_span *sp;
	char buf[96], *cut;
	const char *out;
	size_t n, len, nsp, j;
	unsigned long r = 12345;
	int i, k;

	for (i = 0; i < 20000; i++) {
		len = 0;
		for (k = 0; k < 12; k++) {
			const char *p;

			r = r * 6364136223846793005UL + 1442695040888963407UL;
			p = piece[(r >> 33) % (sizeof piece / sizeof piece[0])];
			if (len + strlen(p) >= sizeof buf)
				break;
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		/* An exact-size copy, so that a read past the end is caught. */
		cut = malloc(len + 1);
		memcpy(cut, buf, len);
		eds_scrub_row_begin(s);
		eds_scrub_row_value(s, "Dupont", 6, "NOM");
		eds_scrub(s, cut, len, i % 3 - 1, &out, &n);
		nsp = eds_scrub_spans(s, &sp);
		for (j = 0; j < nsp; j++) {
			ck_assert_msg(sp[j].start < sp[j].end && sp[j].end <= len,
			    "finding %zu..%zu outside a text of %zu bytes",
			    sp[j].start, sp[j].end, len);
			ck_assert_msg(j == 0 || sp[j - 1].end <= sp[j].start,
			    "findings overlap in '%.*s'", (int)len, cut);
		}
		free(cut);
	}
	eds_scrubber_free(s);
}
END_TEST

Suite *
scrub_suite(void)
{
	Suite *s = suite_create("scrub");
	TCase *t = tcase_create("scrub");

	tcase_add_test(t, scrubber_meets_its_recall_targets_on_the_corpus);
	tcase_add_test(t, date_modes_keep_shift_or_redact_and_shift_falls_back_to_redact);
	tcase_add_test(t, text_without_findings_is_returned_as_is);
	tcase_add_test(t, row_values_change_with_the_row_and_short_values_are_ignored);
	tcase_add_test(t, overlaps_go_to_the_stronger_kind);
	tcase_add_test(t, people_after_a_title_and_the_rows_names_do_not_leak_into_each_other);
	tcase_add_test(t, a_title_needs_a_capitalised_name_after_it);
	tcase_add_test(t, cut_and_glued_texts_give_findings_inside_the_text);
	suite_add_tcase(s, t);
	return s;
}
