/*
 * fuzz_scrub.c: the free-text scrubber (lib/scrub.c) on a row's
 * identifying values and a text chosen by the fuzzer.
 *
 * The input: a mode byte (bits 0-1: dates kept, shifted, redacted,
 * shifted), two bytes giving the offset in days (-36500..36500, 0
 * included: "no offset"), then one identifying value per line, "LABEL=value"
 * (or a bare value, labelled NOM), up to a line "====", then the text.
 *
 * Invariants:
 *   - findings lie inside the text, in order, without overlap, each of a
 *     known kind, a row finding carrying one of the row's labels; when the
 *     text is valid UTF-8 they start and end on character boundaries;
 *   - the output is the text with each finding replaced by its token
 *     ("[NIR]", "[TEL]", "[LABEL]", ...) or, for a shifted date, by a date:
 *     checked byte for byte when no date is shifted, and its length
 *     bounded (the text's, less the findings, plus the tokens, plus 40
 *     bytes per shifted date) always; nothing found means the text itself;
 *   - no identifying value of the row survives: a value of one word of 3
 *     or more ASCII letters and digits (not a token's word nor a label,
 *     which the output holds legitimately, nor, when dates are shifted, a
 *     month name or a number of 4 digits or less, which a shifted date may
 *     produce) does not occur in the output on the scrubber's word
 *     boundaries, in any case;
 *   - scrubbing again finds nothing more: what the patterns would find in
 *     the output (NIR, telephone, e-mail), they found in the text; nor
 *     are the row's values found again, when none can be found inside a
 *     token or a label ("Nom" in "[NOM]"); a finding inside a token the
 *     first pass wrote does not count.  Dates, postcodes and people
 *     after a title are left out of this (see again()), and outputs with
 *     a shifted date (whose new digits may make a NIR by chance).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "scrub.h"

#define SEP "\n====\n"
#define MAX_VALUES 32		/* a policy names at most 32 identifying columns */

static const char *const token_names[] = {
	"[DATE]", "[CP]", "[PERSONNE]", NULL, "[TEL]", "[NIR]", "[EMAIL]"
};

static const char *const protected_words[] = {
	"DATE", "CP", "PERSONNE", "TEL", "NIR", "EMAIL", NULL
};

static const char *const months[] = {
	"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
	"aout", "septembre", "octobre", "novembre", "decembre", "janv",
	"fevr", "sept", "oct", "nov", "dec", "juil", "er", NULL
};

struct value {
	const char *v;
	size_t len;
	char label[40];
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
word_byte(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c >= 0x80;
}

static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, l;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		l = s[i] >= 0xf0 && s[i] <= 0xf4 ? 4 : s[i] >= 0xe0 ? 3 :
		    s[i] >= 0xc2 && s[i] < 0xe0 ? 2 : 0;
		if (l == 0 || i + l > n)
			return 0;
		for (k = 1; k < l; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += l;
	}
	return 1;
}

static int
continuation(const char *t, size_t len, size_t i)
{
	return i < len && ((unsigned char)t[i] & 0xc0) == 0x80;
}

/* The value is one word of ASCII letters and digits, 3 or more. */
static int
simple_word(const char *v, size_t n)
{
	size_t i;

	if (n < 3)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(v[i]) && !((v[i] | 0x20) >= 'a' &&
		    (v[i] | 0x20) <= 'z'))
			return 0;
	return 1;
}

static int
label_ok(const uint8_t *p, size_t n)
{
	size_t i;

	/* As a policy names them, starting with a letter ("NOM", "TEL2"). */
	if (n == 0 || p[0] < 'A' || p[0] > 'Z')
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || is_digit(p[i]) ||
		    p[i] == '_'))
			return 0;
	return 1;
}

static int
digits(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(v[i]))
			return 0;
	return 1;
}

static int
in_list(const char *const *list, const char *v, size_t n)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], v, n) == 0)
			return 1;
	return 0;
}

/* w occurs in the value's letters and digits, lower-cased. */
static int
skeleton_has(const char *v, size_t n, const char *w, size_t wl)
{
	char sk[512];
	size_t i, k = 0;

	for (i = 0; i < n && k < sizeof sk - 1; i++)
		if (is_digit(v[i]) || ((v[i] | 0x20) >= 'a' &&
		    (v[i] | 0x20) <= 'z'))
			sk[k++] = (char)(is_digit(v[i]) ? v[i] : v[i] | 0x20);
	sk[k] = '\0';
	for (i = 0; i + wl <= k; i++)
		if (strncasecmp(sk + i, w, wl) == 0)
			return 1;
	return 0;
}

/*
 * A value that the scrubber may find again inside what it wrote: some of
 * its words spell a word of a token or of a label ("Nom" and "[NOM]"), or
 * it holds non-ASCII bytes, which the scrubber folds in ways not modelled
 * here.
 */
static int
inside_tokens(const char *v, size_t n, const struct value *vals, size_t nv)
{
	const char *w, *e;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] >= 0x80)
			return 1;
	for (i = 0; protected_words[i] != NULL; i++)
		if (skeleton_has(v, n, protected_words[i],
		    strlen(protected_words[i])))
			return 1;
	for (i = 0; i < nv; i++)
		for (w = vals[i].label; *w != '\0'; w = *e ? e + 1 : e) {
			e = w + strcspn(w, "_");
			if (e > w && skeleton_has(v, n, w, (size_t)(e - w)))
				return 1;
		}
	return 0;
}

/* The whole of v is in a token's word or a label ("NOM" in "[NOM]"). */
static int
in_words(const char *v, size_t n, const struct value *vals, size_t nv)
{
	size_t i, k, l;

	for (i = 0; protected_words[i] != NULL; i++)
		for (k = 0, l = strlen(protected_words[i]); k + n <= l; k++)
			if (strncasecmp(protected_words[i] + k, v, n) == 0)
				return 1;
	for (i = 0; i < nv; i++)
		for (k = 0, l = strlen(vals[i].label); k + n <= l; k++)
			if (strncasecmp(vals[i].label + k, v, n) == 0)
				return 1;
	return 0;
}

/* An occurrence of v on the scrubber's word boundaries, any case. */
static int
survives(const char *o, size_t olen, const char *v, size_t n)
{
	size_t a;
	int first = (unsigned char)v[0], last = (unsigned char)v[n - 1];

	for (a = 0; a + n <= olen; a++) {
		if (strncasecmp(o + a, v, n) != 0)
			continue;
		if (a > 0 && (is_digit(first) ?
		    is_digit((unsigned char)o[a - 1]) :
		    word_byte((unsigned char)o[a - 1])))
			continue;
		if (a + n < olen && (is_digit(last) ?
		    is_digit((unsigned char)o[a + n]) :
		    word_byte((unsigned char)o[a + n])))
			continue;
		return 1;
	}
	return 0;
}

static void
check_spans(const char *t, size_t len, const struct eds_scrub_span *sp,
    size_t n, const struct value *vals, size_t nv)
{
	size_t i, k;
	int utf8 = utf8_valid((const unsigned char *)t, len), found;

	for (i = 0; i < n; i++) {
		FUZZ_CHECK(sp[i].start < sp[i].end && sp[i].end <= len);
		FUZZ_CHECK(i == 0 || sp[i - 1].end <= sp[i].start);
		FUZZ_CHECK((int)sp[i].kind >= 0 &&
		    sp[i].kind < EDS_SCRUB_NKINDS);
		if (utf8) {
			FUZZ_CHECK(!continuation(t, len, sp[i].start));
			FUZZ_CHECK(!continuation(t, len, sp[i].end));
		}
		if (sp[i].kind == EDS_SCRUB_ROW) {
			FUZZ_CHECK(sp[i].label != NULL);
			found = 0;
			for (k = 0; k < nv; k++)
				if (strcmp(vals[k].label, sp[i].label) == 0)
					found = 1;
			FUZZ_CHECK(found);
		}
	}
}

/* The output, rebuilt from the text and the findings (no shifted date). */
static void
check_rebuilt(const char *t, size_t len, const struct eds_scrub_span *sp,
    size_t n, const char *o, size_t olen)
{
	size_t i, last = 0, at = 0, l;
	const char *tok;
	char buf[48];

	for (i = 0; i < n; i++) {
		l = sp[i].start - last;
		FUZZ_CHECK(at + l <= olen && memcmp(o + at, t + last, l) == 0);
		at += l;
		if (sp[i].kind == EDS_SCRUB_ROW) {
			snprintf(buf, sizeof buf, "[%s]", sp[i].label);
			tok = buf;
		} else
			tok = token_names[sp[i].kind];
		l = strlen(tok);
		FUZZ_CHECK(at + l <= olen && memcmp(o + at, tok, l) == 0);
		at += l;
		last = sp[i].end;
	}
	l = len - last;
	FUZZ_CHECK(at + l == olen && memcmp(o + at, t + last, l) == 0);
}

static void
row(struct eds_scrubber *s, const struct value *vals, size_t nv)
{
	size_t i;

	eds_scrub_row_begin(s);
	for (i = 0; i < nv; i++)
		eds_scrub_row_value(s, vals[i].v, vals[i].len, vals[i].label);
}

/*
 * Scrubbing o[0..olen) again, dates kept (with the row vals, when given),
 * finds no identifier: no NIR, telephone, e-mail or row value.  (A date, a
 * postcode or a person after a title may appear where a replacement
 * changed what follows it: "7-09-13-805-928-4444" gives "7-09-13-[TEL]",
 * "Dr Noé-P42N'Diaye" with the row's "P42N'Diaye" gives "Dr Noé-[NOM]".
 * Dates and postcodes are no identifiers; a person is found by a
 * heuristic of the words around a title, which a replacement changes.)
 */
struct range {
	size_t start, end;
};

static void
again(const char *o, size_t olen, const struct value *vals, size_t nv,
    const struct range *tok, size_t ntok)
{
	static struct eds_scrubber *s;
	const struct eds_scrub_span *sp;
	const char *o2;
	size_t olen2, n, i, k;
	char *first = malloc(olen > 0 ? olen : 1);
	int inside;

	if (first == NULL)
		abort();
	if (s == NULL)
		s = eds_scrubber_new(EDS_DATES_KEEP);
	memcpy(first, o, olen);
	row(s, vals, nv);
	eds_scrub(s, first, olen, 0, &o2, &olen2);
	if (getenv("FUZZ_DEBUG") != NULL) {
		fputs("once:  [", stderr);
		fwrite(first, 1, olen, stderr);
		fputs("]\ntwice: [", stderr);
		fwrite(o2, 1, olen2, stderr);
		fputs("]\n", stderr);
	}
	n = eds_scrub_spans(s, &sp);
	for (i = 0; i < n; i++) {
		/* Inside a token the first pass wrote: a label, not data. */
		for (inside = 0, k = 0; k < ntok; k++)
			if (sp[i].start >= tok[k].start && sp[i].end <= tok[k].end)
				inside = 1;
		if (inside)
			continue;
		FUZZ_CHECK(sp[i].kind == EDS_SCRUB_DATE ||
		    sp[i].kind == EDS_SCRUB_CP || sp[i].kind == EDS_SCRUB_PERSON);
	}
	free(first);
}

FUZZ_TARGET(scrub)
{
	static struct eds_scrubber *sc[3];
	const uint8_t *sep, *p, *end, *eol, *eq;
	const struct eds_scrub_span *sp;
	struct value vals[MAX_VALUES];
	enum eds_scrub_dates mode;
	const char *t, *o;
	char *copy;
	size_t len, olen, n, nv = 0, i, bound, removed;
	int offset, shifted = 0, tokens_hold_value = 0;

	if (size < 3 || (sep = memmem(data + 3, size - 3, SEP,
	    sizeof SEP - 1)) == NULL)
		return 0;
	mode = (data[0] & 3) == 0 ? EDS_DATES_KEEP : (data[0] & 3) == 2 ?
	    EDS_DATES_REDACT : EDS_DATES_SHIFT;
	offset = (int)(((unsigned)data[1] << 8 | data[2]) % 73001) - 36500;
	if (sc[mode] == NULL)
		sc[mode] = eds_scrubber_new(mode);
	/* The row's values, one per line. */
	for (p = data + 3, end = sep; p < end && nv < MAX_VALUES; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		eq = memchr(p, '=', (size_t)(eol - p));
		if (eq != NULL && eq > p && eq - p <= 32 &&
		    label_ok(p, (size_t)(eq - p))) {
			memcpy(vals[nv].label, p, (size_t)(eq - p));
			vals[nv].label[eq - p] = '\0';
			vals[nv].v = (const char *)eq + 1;
		} else {
			strcpy(vals[nv].label, "NOM");
			vals[nv].v = (const char *)p;
		}
		vals[nv].len = (size_t)((const char *)eol - vals[nv].v);
		nv++;
		if (eol == end)
			break;
	}
	t = (const char *)sep + sizeof SEP - 1;
	len = size - (size_t)(sep - data) - (sizeof SEP - 1);
	/* An exact-size copy, so that ASan sees a read past the text. */
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, t, len);
	t = copy;

	row(sc[mode], vals, nv);
	eds_scrub(sc[mode], t, len, offset, &o, &olen);
	n = eds_scrub_spans(sc[mode], &sp);
	check_spans(t, len, sp, n, vals, nv);
	if (n == 0)
		FUZZ_CHECK(o == t && olen == len);
	removed = bound = 0;
	for (i = 0; i < n; i++) {
		removed += sp[i].end - sp[i].start;
		if (sp[i].kind == EDS_SCRUB_ROW)
			bound += strlen(sp[i].label) + 2;
		else if (sp[i].kind == EDS_SCRUB_DATE &&
		    mode == EDS_DATES_SHIFT && offset != 0) {
			bound += 40;
			shifted = 1;
		} else
			bound += strlen(token_names[sp[i].kind]);
	}
	FUZZ_CHECK(olen <= len - removed + bound);
	if (!shifted)
		check_rebuilt(t, len, sp, n, o, olen);

	/* No identifying value survives. */
	for (i = 0; i < nv; i++) {
		const char *v = vals[i].v;
		size_t vl = vals[i].len;

		if (inside_tokens(v, vl, vals, nv))
			tokens_hold_value = 1;
		if (!simple_word(v, vl) || in_words(v, vl, vals, nv))
			continue;
		if (shifted && ((digits(v, vl) && vl <= 4) ||
		    in_list(months, v, vl)))
			continue;
		if (getenv("FUZZ_DEBUG") != NULL && survives(o, olen, v, vl)) {
			fprintf(stderr, "value [%.*s] survives in [", (int)vl, v);
			fwrite(o, 1, olen, stderr);
			fputs("]\n", stderr);
		}
		FUZZ_CHECK(!survives(o, olen, v, vl));
	}

	/*
	 * What the patterns (NIR, telephone, e-mail) would find in the
	 * output, they found in the text; and the row's values too, when none
	 * can be found inside a token.  Not when a date was shifted: its new
	 * digits may make a NIR with those around it ("29 4507-09-13-800.03"
	 * shifted gives "29 4488-03-14-800.03", a valid NIR by chance).
	 */
	if (!shifted) {
		struct range *tok = malloc((n + 1) * sizeof *tok);
		size_t at = 0, last = 0;

		if (tok == NULL)
			abort();
		/* Where each replacement is in the output. */
		for (i = 0; i < n; i++) {
			at += sp[i].start - last;
			tok[i].start = at;
			at += sp[i].kind == EDS_SCRUB_ROW ?
			    strlen(sp[i].label) + 2 : strlen(token_names[sp[i].kind]);
			tok[i].end = at;
			last = sp[i].end;
		}
		again(o, olen, NULL, 0, tok, n);
		if (!tokens_hold_value)
			again(o, olen, vals, nv, tok, n);
		free(tok);
	}
	free(copy);
	return 0;
}
