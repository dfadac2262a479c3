/*
 * scrub.c: the free-text scrubber (see scrub.h).  Hand-written matchers
 * walk the text once for the patterns (NIR, telephone, e-mail, postcode,
 * dates); the row's values are searched in a folded copy of the text
 * (lower case, accents and ligatures removed, hyphens, apostrophes and runs
 * of spaces made one space) that remembers where each folded byte came
 * from, so a match maps back to the original bytes.  Findings are sorted
 * and overlaps resolved by strength before the output is assembled.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "datetime.h"
#include "nir.h"
#include "scrub.h"
#include "xmalloc.h"

#define MAX_ROW_VALUES 32

struct rowval {
	const char *v;
	size_t len;
	const char *label;
};

struct needle {
	size_t off, len;	/* into folded values buffer */
	const char *label;
};

struct eds_scrubber {
	enum eds_scrub_dates dates;
	struct rowval rv[MAX_ROW_VALUES];
	size_t nrv;
	int folded;		/* the row's values are folded */
	struct eds_buf fv;	/* folded values */
	struct needle *nd;
	size_t nnd, cap_nd;
	/* folded text */
	char *ft;
	uint32_t *fsrc;
	size_t fn, fcap;
	/* findings */
	struct eds_scrub_span *sp;
	size_t nsp, cap_sp;
	int people;		/* the last text has EDS_SCRUB_PERSON spans */
	struct eds_buf out;
	uint64_t counts[EDS_SCRUB_NKINDS];
};

static const char *const kind_names[] = {
	"date", "cp", "person", "row", "tel", "nir", "email"
};

const char *
eds_scrub_kind_name(enum eds_scrub_kind k)
{
	return kind_names[k];
}

static void ascii_fold_init(void);

struct eds_scrubber *
eds_scrubber_new(enum eds_scrub_dates dates)
{
	struct eds_scrubber *s = xcalloc(1, sizeof *s);

	ascii_fold_init();
	s->dates = dates;
	return s;
}

void
eds_scrubber_free(struct eds_scrubber *s)
{
	if (s == NULL)
		return;
	/* Folded copies of identifiers: wipe before freeing. */
	if (s->fv.p != NULL)
		memset(s->fv.p, 0, s->fv.cap);
	eds_buf_release(&s->fv);
	free(s->nd);
	free(s->ft);
	free(s->fsrc);
	free(s->sp);
	eds_buf_release(&s->out);
	free(s);
}

void
eds_scrub_row_begin(struct eds_scrubber *s)
{
	s->nrv = 0;
	s->folded = 0;
}

void
eds_scrub_row_value(struct eds_scrubber *s, const char *v, size_t len,
    const char *label)
{
	if (len == 0 || s->nrv == MAX_ROW_VALUES)
		return;
	s->rv[s->nrv].v = v;
	s->rv[s->nrv].len = len;
	s->rv[s->nrv].label = label;
	s->nrv++;
	s->folded = 0;
}

uint64_t
eds_scrub_count(const struct eds_scrubber *s, enum eds_scrub_kind k)
{
	return s->counts[k];
}

size_t
eds_scrub_spans(const struct eds_scrubber *s,
    const struct eds_scrub_span **sp)
{
	*sp = s->sp;
	return s->nsp;
}

/* --- character classes and folding -------------------------------------- */

static inline int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Decode one UTF-8 character at s (n bytes left); its length in *l. */
static uint32_t
utf8_get(const unsigned char *s, size_t n, size_t *l)
{
	if (s[0] < 0x80 || n < 2) {
		*l = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*l = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && n >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*l = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	if ((s[0] & 0xf8) == 0xf0 && n >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*l = 4;
		return (uint32_t)(s[0] & 0x07) << 18 |
		    (uint32_t)(s[1] & 0x3f) << 12 |
		    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	}
	*l = 1;
	return 0xfffd;
}

/* Latin-1 Supplement letters U+00C0..U+00FF, folded. */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "~",
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "~",
	"o", "u", "u", "u", "u", "y", "th", "y"
};

/* Latin Extended-A U+0100..U+017F, folded. */
static const char *
latin_ext_a(uint32_t c)
{
	static const struct { uint16_t last; const char *f; } r[] = {
		{ 0x105, "a" }, { 0x10d, "c" }, { 0x111, "d" }, { 0x11b, "e" },
		{ 0x123, "g" }, { 0x127, "h" }, { 0x131, "i" }, { 0x133, "ij" },
		{ 0x135, "j" }, { 0x138, "k" }, { 0x142, "l" }, { 0x14b, "n" },
		{ 0x151, "o" }, { 0x153, "oe" }, { 0x159, "r" }, { 0x161, "s" },
		{ 0x167, "t" }, { 0x173, "u" }, { 0x175, "w" }, { 0x178, "y" },
		{ 0x17e, "z" }, { 0x17f, "s" }
	};
	size_t i;

	for (i = 0; i < sizeof r / sizeof r[0]; i++)
		if (c <= r[i].last)
			return r[i].f;
	return "~";
}

/*
 * Fold one character into f (at most 4 bytes); returns the count.  ' '
 * stands for any separator, '~' for punctuation and symbols; other
 * scripts keep their UTF-8 bytes (word characters).
 */
static size_t
fold_char(const unsigned char *s, size_t l, uint32_t c, char *f)
{
	const char *m;

	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z')
			f[0] = (char)(c - 'A' + 'a');
		else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '-' || c == '\'' || c == '\v' || c == '\f' || c == ',')
			f[0] = ' ';
		else
			f[0] = (char)c;
		return 1;
	}
	if (c >= 0x300 && c <= 0x36f)
		return 0;		/* combining accent: dropped */
	if (c == 0xa0 || c == 0x2019 || c == 0x2018 || c == 0x202f ||
	    (c >= 0x2000 && c <= 0x200b) || (c >= 0x2010 && c <= 0x2015))
		m = " ";
	else if (c >= 0xc0 && c <= 0xff)
		m = latin1[c - 0xc0];
	else if (c >= 0x100 && c <= 0x17f)
		m = latin_ext_a(c);
	else if (c < 0xc0 || (c >= 0x2000 && c <= 0x2bff) ||
	    (c >= 0x3000 && c <= 0x303f) || c == 0xfffd)
		m = "~";
	else {
		memcpy(f, s, l);
		return l;
	}
	memcpy(f, m, strlen(m));
	return strlen(m);
}

/* A folded byte that belongs to a word. */
static inline int
fword(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Folding of ASCII bytes: lower case, separators as ' ' (built once). */
static unsigned char ascii_fold[128];

static void
ascii_fold_init(void)
{
	int c;

	if (ascii_fold['a'] == 'a')
		return;
	for (c = 0; c < 128; c++) {
		char f[4];

		fold_char(NULL, 1, (uint32_t)c, f);
		ascii_fold[c] = (unsigned char)f[0];
	}
}

/* Fold s[0..n) into the buffers; when src is NULL, offsets are not kept. */
static size_t
fold(const char *s, size_t n, char *out, uint32_t *src)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0, l, m, j;
	char f[8];
	uint32_t c;

	while (i < n) {
		if (p[i] < 0x80) {
			/* The common case, without decoding. */
			unsigned char a = ascii_fold[p[i]];

			if (!(a == ' ' && k > 0 && out[k - 1] == ' ')) {
				out[k] = (char)a;
				if (src != NULL)
					src[k] = (uint32_t)i;
				k++;
			}
			i++;
			continue;
		}
		c = utf8_get(p + i, n - i, &l);
		m = fold_char(p + i, l, c, f);
		for (j = 0; j < m; j++) {
			if (f[j] == ' ' && k > 0 && out[k - 1] == ' ')
				continue;
			out[k] = f[j];
			if (src != NULL)
				src[k] = (uint32_t)i;
			k++;
		}
		i += l;
	}
	return k;
}

/* --- the row's values ------------------------------------------------------ */

static const char *const stop_words[] = {
	"les", "des", "del", "der", "den", "van", "von", "ben", "bin", "ibn",
	"dos", "das", "della", "mac", "saint", "sainte", "ste", "rue",
	"avenue", "boulevard", "chemin", "allee", "impasse", "place", "route",
	"quai", "cours", "residence", "bis", "ter", "lieu", "dit",
	"lotissement", "hameau", "cedex", "batiment", "appt", "appartement",
	"etage", "square", "voie", "cite", "chez", "sur", "sous", "aux",
	"esc", "escalier", "porte", "rte", "ave", "bld", "imp", "res", NULL
};

static int
stop_word(const char *w, size_t n)
{
	size_t i;

	for (i = 0; stop_words[i] != NULL; i++)
		if (strlen(stop_words[i]) == n &&
		    memcmp(stop_words[i], w, n) == 0)
			return 1;
	return 0;
}

static void
add_needle(struct eds_scrubber *s, size_t off, size_t len, const char *label)
{
	size_t i, words = 0;

	for (i = 0; i < len; i++)
		if (fword((unsigned char)s->fv.p[off + i]))
			words++;
	if (words < 2)
		return;
	if (s->nnd == s->cap_nd) {
		s->cap_nd = s->cap_nd ? 2 * s->cap_nd : 32;
		s->nd = xreallocarray(s->nd, s->cap_nd, sizeof *s->nd);
	}
	s->nd[s->nnd].off = off;
	s->nd[s->nnd].len = len;
	s->nd[s->nnd].label = label;
	s->nnd++;
}

/* Add the words [w0, w1) of a folded value (word offsets in wo/we). */
static void
add_words(struct eds_scrubber *s, size_t off, const size_t *wo,
    const size_t *we, size_t w0, size_t w1, const char *label)
{
	add_needle(s, off + wo[w0], we[w1 - 1] - wo[w0], label);
}

/* A word that can identify on its own: 3 letters or more, not a particle. */
static int
significant(const char *w, size_t n)
{
	return n >= 3 && !stop_word(w, n);
}

#define MAX_WORDS 8

/*
 * The needles of one folded value p[0..n) stored at s->fv.p + off: the
 * value; for numbers, also without leading zeros; for addresses (letters
 * and digits), also without the house number; for names, also joined
 * (N'Diaye as NDIAYE) and every run of words holding a significant word
 * (de La Fontaine as La Fontaine and Fontaine).
 */
static void
value_needles(struct eds_scrubber *s, size_t off, size_t n, const char *label)
{
	const char *p = s->fv.p + off;
	size_t wo[MAX_WORDS], we[MAX_WORDS], nw = 0, i, j, k, z;
	int digits = 0, letters = 0, sig;

	add_needle(s, off, n, label);
	for (i = 0; i < n;) {
		while (i < n && !fword((unsigned char)p[i]))
			i++;
		if (i == n)
			break;
		if (nw == MAX_WORDS)
			return;
		wo[nw] = i;
		while (i < n && fword((unsigned char)p[i])) {
			if (is_digit(p[i]))
				digits = 1;
			else
				letters = 1;
			i++;
		}
		we[nw++] = i;
	}
	if (!letters) {
		for (z = 0; z < n && p[z] == '0'; z++)
			;
		if (z > 0 && n - z >= 4 && nw == 1)
			add_needle(s, off + z, n - z, label);
		return;
	}
	if (digits) {
		/* Address: drop the leading number, and bis/ter after it. */
		for (k = 0; k < nw && is_digit(p[wo[k]]); k++)
			;
		if (k > 0 && k < nw && ((we[k] - wo[k] == 3 &&
		    (memcmp(p + wo[k], "bis", 3) == 0 ||
		    memcmp(p + wo[k], "ter", 3) == 0)) || (we[k] - wo[k] == 1)))
			k++;
		if (k > 0 && k < nw && nw - k >= 2)
			add_words(s, off, wo, we, k, nw, label);
		return;
	}
	if (nw < 2)
		return;
	/* Joined: the words without separators, in a scratch copy. */
	{
		size_t at = s->fv.len;

		eds_buf_grow(&s->fv, n + 1);
		p = s->fv.p + off;	/* may have moved */
		for (i = 0; i < nw; i++) {
			memcpy(s->fv.p + s->fv.len, p + wo[i], we[i] - wo[i]);
			s->fv.len += we[i] - wo[i];
		}
		add_needle(s, at, s->fv.len - at, label);
	}
	for (i = 0; i < nw; i++)
		for (j = i + 1; j <= nw; j++) {
			if (i == 0 && j == nw)
				continue;	/* the whole value: done */
			sig = 0;
			for (k = i; k < j; k++)
				if (significant(p + wo[k], we[k] - wo[k]))
					sig = 1;
			if (sig)
				add_words(s, off, wo, we, i, j, label);
		}
}

static void
fold_row(struct eds_scrubber *s)
{
	size_t i, off, n, a, b, need = 0;
	const char *p;

	s->fv.len = 0;
	s->nnd = 0;
	/* Folding makes at most 2 bytes per input byte; joined forms 1 more. */
	for (i = 0; i < s->nrv; i++)
		need += 3 * s->rv[i].len + 2;
	eds_buf_grow(&s->fv, need);
	for (i = 0; i < s->nrv; i++) {
		off = s->fv.len;
		n = fold(s->rv[i].v, s->rv[i].len, s->fv.p + off, NULL);
		/* Trim separators and punctuation around the value. */
		p = s->fv.p + off;
		for (a = 0; a < n && !fword((unsigned char)p[a]); a++)
			;
		for (b = n; b > a && !fword((unsigned char)p[b - 1]); b--)
			;
		if (a == b)
			continue;
		s->fv.len += n;
		value_needles(s, off + a, b - a, s->rv[i].label);
	}
	s->folded = 1;
}

/* --- findings ---------------------------------------------------------------- */

static void
span(struct eds_scrubber *s, size_t a, size_t b, enum eds_scrub_kind k,
    const char *label)
{
	if (s->nsp == s->cap_sp) {
		s->cap_sp = s->cap_sp ? 2 * s->cap_sp : 32;
		s->sp = xreallocarray(s->sp, s->cap_sp, sizeof *s->sp);
	}
	s->sp[s->nsp].start = a;
	s->sp[s->nsp].end = b;
	s->sp[s->nsp].kind = k;
	s->sp[s->nsp].label = label;
	s->nsp++;
}

/* 1 if a finding of s->sp[0..n) ends (end) or starts (!end) at pos. */
static int
edge(const struct eds_scrubber *s, size_t n, size_t pos, int end)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((end ? s->sp[i].end : s->sp[i].start) == pos)
			return 1;
	return 0;
}

/* 1 if a row finding covers exactly a..b already. */
static int
row_found(const struct eds_scrubber *s, size_t a, size_t b)
{
	size_t i;

	for (i = 0; i < s->nsp; i++)
		if (s->sp[i].kind == EDS_SCRUB_ROW && s->sp[i].start == a &&
		    s->sp[i].end == b)
			return 1;
	return 0;
}

/* 1 if a finding touches a letter or digit (is glued to a word). */
static int
glued_finding(const struct eds_scrubber *s, const char *t, size_t len)
{
	size_t i;
	int c;

	for (i = 0; i < s->nsp; i++) {
		c = s->sp[i].start > 0 ? (unsigned char)t[s->sp[i].start - 1] :
		    ' ';
		if (is_digit(c) || is_alpha(c) || c >= 0x80)
			return 1;
		c = s->sp[i].end < len ? (unsigned char)t[s->sp[i].end] : ' ';
		if (is_digit(c) || is_alpha(c) || c >= 0x80)
			return 1;
	}
	return 0;
}

/*
 * One search of the row's values in the folded text.  A hit must be a
 * word: by the class of the value's ends, what is before and after it is
 * no letter or digit.  With nfound > 0, this is a later search, which
 * adds only the hits that are words once the findings s->sp[0..nfound)
 * are replaced: a value glued to another finding ("84Dupont", with the
 * IPP 84) would otherwise stand alone in the output ("[IPP]Dupont").
 * Returns how many hits it added.
 */
static size_t
row_search(struct eds_scrubber *s, size_t len, size_t nfound)
{
	size_t i, a, b, pa, pb, added = 0;
	const char *f = s->ft, *hit, *v;
	unsigned char first, last;
	int wa, wb;

	for (i = 0; i < s->nnd; i++) {
		v = s->fv.p + s->nd[i].off;
		first = (unsigned char)v[0];
		last = (unsigned char)v[s->nd[i].len - 1];
		a = 0;
		while (a + s->nd[i].len <= s->fn &&
		    (hit = memmem(f + a, s->fn - a, v, s->nd[i].len)) != NULL) {
			a = (size_t)(hit - f);
			b = a + s->nd[i].len;
			pa = s->fsrc[a];
			pb = b < s->fn ? s->fsrc[b] : len;
			/* Word boundaries, by the class of the value's ends. */
			wa = a == 0 || (is_digit(first) ? !is_digit(f[a - 1]) :
			    !fword((unsigned char)f[a - 1]));
			wb = b == s->fn || (is_digit(last) ? !is_digit(f[b]) :
			    !fword((unsigned char)f[b]));
			if (nfound == 0 ? wa && wb : !(wa && wb) &&
			    (wa || edge(s, nfound, pa, 1)) &&
			    (wb || edge(s, nfound, pb, 0)) &&
			    !row_found(s, pa, pb)) {
				span(s, pa, pb, EDS_SCRUB_ROW, s->nd[i].label);
				added++;
			}
			a++;
		}
	}
	return added;
}

static void
find_row_values(struct eds_scrubber *s, const char *text, size_t len)
{
	size_t need, n, r;

	need = 2 * len + 1;
	if (need > s->fcap) {
		s->fcap = need;
		s->ft = xreallocarray(s->ft, need, 1);
		s->fsrc = xreallocarray(s->fsrc, need, sizeof *s->fsrc);
	}
	s->fn = fold(text, len, s->ft, s->fsrc);
	row_search(s, len, 0);
	/* Values glued to findings, and to those found so (a few rounds). */
	for (r = 0; r < 4 && glued_finding(s, text, len); r++) {
		n = s->nsp;
		if (row_search(s, len, n) == 0)
			break;
	}
}

/* Byte before position i, or 0. */
static inline int
prev(const char *t, size_t i)
{
	return i > 0 ? (unsigned char)t[i - 1] : 0;
}

static inline int
at(const char *t, size_t len, size_t i)
{
	return i < len ? (unsigned char)t[i] : 0;
}

static inline int
alnum(int c)
{
	return is_digit(c) || is_alpha(c) || c >= 0x80;
}

static inline int
sep(int c)
{
	return c == ' ' || c == '.' || c == '-';
}

/* NIR at i: returns the end, or 0. */
static size_t
match_nir(const char *t, size_t len, size_t i)
{
	char sig[EDS_NIR_LEN + 1], norm[EDS_NIR_LEN + 1];
	size_t n = 0, j = i;

	if (strchr("123478", t[i]) == NULL || alnum(prev(t, i)))
		return 0;
	while (n < EDS_NIR_LEN && j < len) {
		int c = (unsigned char)t[j];

		if (is_digit(c) || (n == 6 && sig[5] == '2' &&
		    (c == 'A' || c == 'B' || c == 'a' || c == 'b'))) {
			sig[n++] = (char)c;
			j++;
			continue;
		}
		if (n > 0 && sep(c) && j + 1 < len &&
		    (is_digit(at(t, len, j + 1)) || (n == 6 && sig[5] == '2' &&
		    strchr("ABab", at(t, len, j + 1)) != NULL && at(t, len,
		    j + 1) != 0))) {
			j++;
			continue;
		}
		break;
	}
	if (n != EDS_NIR_LEN || alnum(at(t, len, j)))
		return 0;
	if (eds_nir_normalise(sig, n, norm) != 0)
		return 0;
	return j;
}

/* Exactly n digits at *j. */
static int
digits_n(const char *t, size_t len, size_t *j, int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (!is_digit(at(t, len, *j + (size_t)k)))
			return 0;
	*j += (size_t)n;
	return 1;
}

/*
 * French national significant number after the trunk prefix: [1-9] then
 * four groups of two digits, with one separator kind throughout (or none)
 * when strict, any separators otherwise.  Returns the end or 0.
 */
static size_t
fr_groups(const char *t, size_t len, size_t j, int strict)
{
	int g, s0 = -1, c;

	if (!(at(t, len, j) >= '1' && at(t, len, j) <= '9'))
		return 0;
	j++;
	for (g = 0; g < 4; g++) {
		c = at(t, len, j);
		if (sep(c) && is_digit(at(t, len, j + 1))) {
			if (strict && s0 != -1 && s0 != c)
				return 0;
			s0 = c;
			j++;
		} else if (strict && s0 != -1 && s0 != 0)
			return 0;
		else if (s0 == -1)
			s0 = 0;
		else if (strict && s0 != 0)
			return 0;
		if (!digits_n(t, len, &j, 2))
			return 0;
	}
	return j;
}

/*
 * Generic international digits after + or 00: 8..15 digits in all.  When
 * more groups of digits follow (a NIR or a number written just after),
 * the number ends with the last group that keeps it within 15 digits:
 * refusing it all would leave it in clear.  *back is the end of the group
 * before the last one, when that already made 8 digits or more (else 0):
 * where the number ends if its last group turns out to be glued to a
 * word ("+22 20 9662 6344er").
 */
static size_t
intl_groups(const char *t, size_t len, size_t j, int ndig, size_t *back)
{
	size_t last = 0, whole = 0;
	int c;

	*back = 0;
	for (;;) {
		c = at(t, len, j);
		if (is_digit(c)) {
			ndig++;
			j++;
			last = j;
			if (ndig > 15)
				return whole;
			continue;
		}
		if (last == j && ndig >= 8) {
			*back = whole;
			whole = j;	/* the end of a group */
		}
		if ((sep(c) || c == '(' || c == ')') && last == j) {
			/* One separator, optionally with a parenthesis. */
			size_t k = j + 1;

			if ((c == ' ' || c == ')') && (at(t, len, k) == '(' ||
			    at(t, len, k) == ' '))
				k++;
			if (is_digit(at(t, len, k))) {
				j = k;
				continue;
			}
		} else if (c == '(' && last == j) {
			j++;
			continue;
		}
		break;
	}
	if (ndig < 8 || last == 0)
		return 0;
	return last;
}

/* Telephone number at i: returns the end, or 0. */
static size_t
match_tel(const char *t, size_t len, size_t i)
{
	size_t j = i, e, k;
	int c = (unsigned char)t[i];

	if (alnum(prev(t, i)) || prev(t, i) == '+')
		return 0;
	if (c == '+' || (c == '0' && at(t, len, i + 1) == '0' &&
	    at(t, len, i + 2) >= '1' && at(t, len, i + 2) <= '9')) {
		j += c == '+' ? 1 : 2;
		if (!is_digit(at(t, len, j)))
			return 0;
		if (at(t, len, j) == '3' && at(t, len, j + 1) == '3') {
			/* France: +33 [sep] [(0) [sep]] N NN NN NN NN */
			k = j + 2;
			if (sep(at(t, len, k)))
				k++;
			if (at(t, len, k) == '(' && at(t, len, k + 1) == '0' &&
			    at(t, len, k + 2) == ')') {
				k += 3;
				if (sep(at(t, len, k)))
					k++;
			}
			if ((e = fr_groups(t, len, k, 0)) != 0 &&
			    !alnum(at(t, len, e)))
				return e;
		}
		e = intl_groups(t, len, j, 0, &k);
		if (e != 0 && !alnum(at(t, len, e)))
			return e;
		return k;
	}
	if (c == '0') {
		/* 0 800 123 456, 0800 123 456 (and 0 805...) */
		k = i + 1;
		if (at(t, len, k) == ' ')
			k++;
		if ((at(t, len, k) == '8' || at(t, len, k) == '9') &&
		    at(t, len, k + 1) == '0') {
			size_t m = k;

			if (digits_n(t, len, &m, 3) && sep(at(t, len, m)) &&
			    (m++, digits_n(t, len, &m, 3)) &&
			    sep(at(t, len, m)) &&
			    (m++, digits_n(t, len, &m, 3)) &&
			    !alnum(at(t, len, m)))
				return m;
		}
		e = fr_groups(t, len, i + 1, 1);
		if (e != 0 && !alnum(at(t, len, e)))
			return e;
		return 0;
	}
	if (c == '(') {
		/* (555) 123-4567 */
		k = i + 1;
		if (digits_n(t, len, &k, 3) && at(t, len, k) == ')') {
			k++;
			if (at(t, len, k) == ' ')
				k++;
			if (digits_n(t, len, &k, 3) && sep(at(t, len, k)) &&
			    (k++, digits_n(t, len, &k, 4)) &&
			    !alnum(at(t, len, k)))
				return k;
		}
		return 0;
	}
	if (is_digit(c)) {
		/* 555-123-4567, 555.123.4567 */
		int s0;

		k = i;
		if (digits_n(t, len, &k, 3) && (at(t, len, k) == '-' ||
		    at(t, len, k) == '.')) {
			s0 = at(t, len, k++);
			if (digits_n(t, len, &k, 3) && at(t, len, k) == s0 &&
			    (k++, digits_n(t, len, &k, 4)) &&
			    !alnum(at(t, len, k)) && !(sep(at(t, len, k)) &&
			    is_digit(at(t, len, k + 1))))
				return k;
		}
	}
	return 0;
}

static int
email_local(int c)
{
	return is_alpha(c) || is_digit(c) || c == '.' || c == '_' ||
	    c == '%' || c == '+' || c == '-';
}

/* E-mail around the '@' (or "(at)" / "[at]") at i..i+alen. */
static int
match_email(const char *t, size_t len, size_t i, size_t alen, size_t *a,
    size_t *b)
{
	size_t s = i, e = i + alen, dot = 0, lab;

	/* Around "(at)", blanks are allowed. */
	if (alen > 1) {
		while (s > 0 && t[s - 1] == ' ')
			s--;
		while (e < len && t[e] == ' ')
			e++;
	}
	while (s > 0 && email_local((unsigned char)t[s - 1]))
		s--;
	while (s < i && t[s] == '.')
		s++;
	if (s == i || !email_local((unsigned char)t[s]) || t[s] == ' ')
		return 0;
	/* Domain: labels of letters, digits and hyphens, joined by dots. */
	lab = e;
	for (;;) {
		size_t l0 = e;

		while (e < len && (is_alpha((unsigned char)t[e]) ||
		    is_digit((unsigned char)t[e]) || t[e] == '-'))
			e++;
		if (e == l0)
			break;
		lab = l0;
		if (e + 1 < len && t[e] == '.' && (is_alpha((unsigned char)t[e +
		    1]) || is_digit((unsigned char)t[e + 1]))) {
			dot = 1;
			e++;
			continue;
		}
		break;
	}
	if (!dot || e - lab < 2)
		return 0;
	for (; lab < e; lab++)
		if (!is_alpha((unsigned char)t[lab]))
			return 0;
	*a = s;
	*b = e;
	return 1;
}

static const char *const units[] = {
	"UI", "UFC", "CFU", "UI/L", "Hz", "GEQ", "Copies", "Cellules",
	"Leucocytes", "Plaquettes", "Hematies", "Globules", NULL
};

/* A French postcode at i followed by a capitalised city word. */
static size_t
match_cp(const char *t, size_t len, size_t i)
{
	size_t j = i, w;
	int d1, d2, letters, k;
	const unsigned char *u;

	if (alnum(prev(t, i)) || prev(t, i) == ',' || prev(t, i) == '.')
		return 0;
	if (!digits_n(t, len, &j, 5) || alnum(at(t, len, j)))
		return 0;
	d1 = t[i] - '0';
	d2 = t[i + 1] - '0';
	if ((d1 == 0 && d2 == 0) || (d1 == 9 && d2 == 6) || d1 * 10 + d2 > 98)
		return 0;
	if (at(t, len, j) != ' ')
		return 0;
	w = j + 1;
	u = (const unsigned char *)t + w;
	/* Capital letter, ASCII or a Latin-1 capital (U+00C0..U+00DE). */
	if (w >= len || !((u[0] >= 'A' && u[0] <= 'Z') || (u[0] == 0xc3 &&
	    w + 1 < len && u[1] >= 0x80 && u[1] <= 0x9e)))
		return 0;
	letters = 0;
	while (w < len && (is_alpha((unsigned char)t[w]) ||
	    (unsigned char)t[w] >= 0x80 || (t[w] == '-' && letters > 0))) {
		if ((unsigned char)t[w] < 0x80 || ((unsigned char)t[w] & 0xc0)
		    == 0xc0)
			letters++;
		w++;
	}
	if (letters < 3 || at(t, len, w) == '/')
		return 0;
	for (k = 0; units[k] != NULL; k++)
		if (strlen(units[k]) == w - j - 1 &&
		    strncasecmp(units[k], t + j + 1, w - j - 1) == 0)
			return 0;
	return j;
}

/* --- dates --------------------------------------------------------------- */

static const char *const months[12] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"
};

/* Folded month names and accepted abbreviations. */
static const struct { const char *w; int m; } month_words[] = {
	{ "janvier", 1 }, { "janv", 1 }, { "fevrier", 2 }, { "fevr", 2 },
	{ "fev", 2 }, { "mars", 3 }, { "avril", 4 }, { "avr", 4 },
	{ "mai", 5 }, { "juin", 6 }, { "juillet", 7 }, { "juil", 7 },
	{ "aout", 8 }, { "septembre", 9 }, { "sept", 9 }, { "octobre", 10 },
	{ "oct", 10 }, { "novembre", 11 }, { "nov", 11 }, { "decembre", 12 },
	{ "dec", 12 }
};

struct datefound {
	size_t end;
	int y, m, d;
	int style;		/* 0 numeric d/m/y, 1 ISO y-m-d, 2 words */
	char sepc;
	int wide_d, wide_m;	/* day and month had two digits */
	int year2;		/* two-digit year */
	int ucase;		/* month: 0 lower, 1 Capital, 2 UPPER */
	int er;			/* "1er" */
};

/* Read 1..max digits. */
static int
num(const char *t, size_t len, size_t *j, int max, int *v, int *nd)
{
	int n = 0, x = 0;

	while (n < max && is_digit(at(t, len, *j))) {
		x = x * 10 + t[*j] - '0';
		(*j)++;
		n++;
	}
	*v = x;
	*nd = n;
	return n > 0;
}

static size_t
match_date(const char *t, size_t len, size_t i, struct datefound *df)
{
	size_t j = i;
	int a, b, c, na, nb, nc;
	char s0;

	memset(df, 0, sizeof *df);
	if (alnum(prev(t, i)) || prev(t, i) == '/' || prev(t, i) == '.' ||
	    prev(t, i) == '-')
		return 0;
	if (!num(t, len, &j, 4, &a, &na))
		return 0;
	s0 = (char)at(t, len, j);
	if (na == 4 && (s0 == '-' || s0 == '/')) {
		/* yyyy-mm-dd */
		j++;
		if (!num(t, len, &j, 2, &b, &nb) || nb != 2 ||
		    at(t, len, j) != s0)
			return 0;
		j++;
		if (!num(t, len, &j, 2, &c, &nc) || nc != 2 ||
		    is_digit(at(t, len, j)) || is_alpha(at(t, len, j)))
			return 0;
		if (!eds_date_valid(a, b, c))
			return 0;
		df->style = 1;
		df->sepc = s0;
		df->y = a;
		df->m = b;
		df->d = c;
		df->end = j;
		return j;
	}
	if (na > 2)
		return 0;
	if (s0 == '/' || s0 == '-' || s0 == '.') {
		j++;
		if (!num(t, len, &j, 2, &b, &nb) || at(t, len, j) != s0)
			return 0;
		j++;
		if (!num(t, len, &j, 4, &c, &nc) || (nc != 4 && nc != 2) ||
		    is_digit(at(t, len, j)) || is_alpha(at(t, len, j)) ||
		    (at(t, len, j) == s0 && is_digit(at(t, len, j + 1))))
			return 0;
		if (nc == 2)
			c = c < 69 ? 2000 + c : 1900 + c;
		if (!eds_date_valid(c, b, a))
			return 0;
		df->style = 0;
		df->sepc = s0;
		df->d = a;
		df->m = b;
		df->y = c;
		/* 3/4/2024 stays unpadded; 03/04/2024 and 21/11/2024 padded. */
		df->wide_d = df->wide_m = na == 2 && nb == 2;
		df->year2 = nc == 2;
		df->end = j;
		return j;
	}
	/* d[er] monthname yyyy */
	if (a == 1 && at(t, len, j) == 'e' && at(t, len, j + 1) == 'r') {
		df->er = 1;
		j += 2;
	}
	if (at(t, len, j) != ' ')
		return 0;
	j++;
	{
		char w[16];
		size_t k = 0, st = j, mi;
		uint32_t ch;
		size_t l;

		while (j < len && k < sizeof w - 2) {
			ch = utf8_get((const unsigned char *)t + j, len - j, &l);
			if (ch < 0x80 && is_alpha((int)ch))
				w[k++] = (char)(ch | 0x20);
			else if (ch == 0xe9 || ch == 0xc9)
				w[k++] = 'e';
			else if (ch == 0xfb || ch == 0xdb)
				w[k++] = 'u';
			else
				break;
			j += l;
		}
		if (k == 0 || alnum(at(t, len, j)))
			return 0;
		w[k] = '\0';
		for (mi = 0; mi < sizeof month_words / sizeof month_words[0];
		    mi++)
			if (strcmp(w, month_words[mi].w) == 0)
				break;
		if (mi == sizeof month_words / sizeof month_words[0])
			return 0;
		b = month_words[mi].m;
		if (at(t, len, j) == '.')
			j++;
		{
			/* Letter case of the month: lower, Capital or UPPER. */
			size_t q = st, nl = 0, nu = 0, first_up = 0;

			while (q < j) {
				ch = utf8_get((const unsigned char *)t + q, len - q,
				    &l);
				if ((ch >= 'A' && ch <= 'Z') || (ch >= 0xc0 &&
				    ch <= 0xde && ch != 0xd7)) {
					nu++;
					if (q == st)
						first_up = 1;
				}
				nl++;
				q += l;
			}
			df->ucase = nu == nl && nl > 1 ? 2 : first_up ? 1 : 0;
		}
	}
	if (at(t, len, j) != ' ')
		return 0;
	j++;
	if (!num(t, len, &j, 4, &c, &nc) || nc != 4 || alnum(at(t, len, j)))
		return 0;
	if (!eds_date_valid(c, b, a))
		return 0;
	df->style = 2;
	df->d = a;
	df->m = b;
	df->y = c;
	df->end = j;
	return j;
}

/* Append n as at least width digits (n >= 0). */
static void
put_num(struct eds_buf *o, int n, int width)
{
	char d[12];
	int k = 0;

	do {
		d[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && k < 11);
	while (k < width)
		d[k++] = '0';
	while (k > 0)
		eds_buf_addch(o, d[--k]);
}

/*
 * The date df moved by offset days, in its own format; -1 (nothing
 * written) when that falls outside the years 1 to 9999.
 */
static int
put_date(struct eds_buf *o, const struct datefound *df, int offset)
{
	struct eds_tm tm;
	const char *mn;
	size_t k, l;

	memset(&tm, 0, sizeof tm);
	tm.year = df->y;
	tm.month = df->m;
	tm.day = df->d;
	eds_tm_add_days(&tm, offset);
	if (tm.year < 1 || tm.year > 9999)
		return -1;
	switch (df->style) {
	case 1:
		put_num(o, tm.year, 4);
		eds_buf_addch(o, df->sepc);
		put_num(o, tm.month, 2);
		eds_buf_addch(o, df->sepc);
		put_num(o, tm.day, 2);
		break;
	case 0:
		put_num(o, tm.day, df->wide_d ? 2 : 1);
		eds_buf_addch(o, df->sepc);
		put_num(o, tm.month, df->wide_m ? 2 : 1);
		eds_buf_addch(o, df->sepc);
		if (df->year2)
			put_num(o, tm.year % 100, 2);
		else
			put_num(o, tm.year, 4);
		break;
	default:
		if (tm.day == 1 && df->er)
			eds_buf_addstr(o, "1er ");
		else {
			put_num(o, tm.day, 1);
			eds_buf_addch(o, ' ');
		}
		mn = months[tm.month - 1];
		l = strlen(mn);
		for (k = 0; k < l; k++) {
			unsigned char ch = (unsigned char)mn[k];

			if (df->ucase == 2 || (df->ucase == 1 && k == 0)) {
				if (ch >= 'a' && ch <= 'z')
					ch = (unsigned char)(ch - 32);
				else if (ch == 0xc3 && k + 1 < l) {
					/* é -> É, û -> Û */
					eds_buf_addch(o, (char)ch);
					ch = (unsigned char)mn[++k] - 0x20;
				}
			}
			eds_buf_addch(o, (char)ch);
		}
		eds_buf_addch(o, ' ');
		put_num(o, tm.year, 4);
		break;
	}
	return 0;
}

/* --- people named after a title ------------------------------------------- */

/*
 * A title or form of address (Dr, Pr, Mme, M., Monsieur, Maître ...)
 * followed by one to four name words is a person other than the ones the
 * row names: a clinician, a relative.  The name words become [PERSONNE];
 * the title stays, it says who spoke without saying who it was.
 */

/* Letters as far as names go: Latin-1, Latin Extended-A and B, combining
 * accents, Latin Extended Additional (Vietnamese). */
static int
u_letter(uint32_t c)
{
	if (c < 0x80)
		return is_alpha((int)c);
	return (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0x300 && c <= 0x36f) || (c >= 0x1e00 && c <= 0x1eff);
}

static int
u_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	if (c >= 0xc0 && c <= 0xde)
		return c != 0xd7;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177) ||
	    (c >= 0x1e00 && c <= 0x1eff))
		return (c & 1) == 0;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) == 1;
	return c == 0x178;
}

/* The character before byte i (0 at the start). */
static uint32_t
char_before(const char *t, size_t i)
{
	size_t k, l;

	if (i == 0)
		return 0;
	if ((unsigned char)t[i - 1] < 0x80)
		return (unsigned char)t[i - 1];
	k = i - 1;
	while (k > 0 && i - k < 4 && ((unsigned char)t[k] & 0xc0) == 0x80)
		k--;
	return utf8_get((const unsigned char *)t + k, i - k, &l);
}

static inline uint32_t
char_at(const char *t, size_t len, size_t i, size_t *l)
{
	if (i >= len) {
		*l = 0;
		return 0;
	}
	return utf8_get((const unsigned char *)t + i, len - i, l);
}

enum {
	T_DOT = 1,		/* may be followed by a full stop */
	T_NEEDDOT = 2,		/* must be, and then by a blank: "M." */
	T_MIXED = 4,		/* a word in capitals too (PR, MR): the name
				 * must then be Capitalised, not in capitals */
	T_PLURAL = 8,		/* "Drs Martin et Durand" */
	T_WORD = 16		/* a full word: any case, accents ignored */
};

static const struct title {
	const char *w;		/* as written; T_WORD: folded */
	unsigned char len, flags;
} titles[] = {
	{ "M", 1, T_NEEDDOT }, { "MM", 2, T_NEEDDOT | T_PLURAL },
	{ "Dr", 2, T_DOT }, { "DR", 2, T_DOT }, { "dr", 2, T_DOT },
	{ "Pr", 2, T_DOT }, { "PR", 2, T_MIXED },
	{ "Me", 2, T_DOT }, { "Mr", 2, T_DOT }, { "MR", 2, T_DOT | T_MIXED },
	{ "mr", 2, T_DOT }, { "Ms", 2, T_DOT },
	{ "Dre", 3, T_DOT }, { "Drs", 3, T_DOT | T_PLURAL },
	{ "DRS", 3, T_DOT | T_PLURAL }, { "Prs", 3, T_DOT | T_PLURAL },
	{ "Mme", 3, T_DOT }, { "MME", 3, T_DOT }, { "mme", 3, T_DOT },
	{ "Mrs", 3, T_DOT }, { "MRS", 3, T_DOT },
	{ "Prof", 4, T_DOT }, { "PROF", 4, T_DOT }, { "prof", 4, T_DOT },
	{ "Mmes", 4, T_DOT | T_PLURAL }, { "MMES", 4, T_DOT | T_PLURAL },
	{ "Mlle", 4, T_DOT }, { "MLLE", 4, T_DOT }, { "mlle", 4, T_DOT },
	{ "Miss", 4, 0 }, { "Melle", 5, T_DOT }, { "MELLE", 5, T_DOT },
	{ "Mlles", 5, T_DOT | T_PLURAL },
	{ "doctor", 6, T_WORD }, { "madame", 6, T_WORD },
	{ "maitre", 6, T_WORD }, { "mister", 6, T_WORD },
	{ "docteur", 7, T_WORD }, { "docteure", 8, T_WORD },
	{ "docteurs", 8, T_WORD | T_PLURAL }, { "monsieur", 8, T_WORD },
	{ "mesdames", 8, T_WORD | T_PLURAL }, { "professor", 9, T_WORD },
	{ "messieurs", 9, T_WORD | T_PLURAL }, { "professeur", 10, T_WORD },
	{ "professeure", 11, T_WORD }, { "professeurs", 11, T_WORD | T_PLURAL },
	{ "mademoiselle", 12, T_WORD },
	{ "mesdemoiselles", 14, T_WORD | T_PLURAL }
};

#define NTITLES (sizeof titles / sizeof titles[0])

/*
 * Particles between the words of a name ("de La Fontaine", "van der
 * Berg", "Le Goff"), folded; they belong to the name only before a name
 * word.
 */
static const char *const particles[] = {
	"de", "du", "des", "van", "von", "der", "den", "le", "la", "di",
	"da", "dos", "das", "del", "della", "ben", "bin", "ibn", "el", "al",
	"ter", "ten", "zu", NULL
};

/*
 * Capitalised words that follow a title without being a name (besides the
 * titles themselves: "Monsieur le Professeur"): functions ("Madame la
 * Directrice") and the words that open a sentence after a line break
 * ("Cher Monsieur" then "Je vous ...").  Folded.
 */
static const char *const not_names[] = {
	"directeur", "directrice", "president", "presidente", "ministre",
	"maire", "chef", "cadre", "interne", "externe", "patient",
	"patiente", "responsable", "medecin", "confrere", "consoeur",
	"je", "nous", "vous", "il", "elle", "ils", "elles", "on", "ce",
	"cette", "votre", "vos", "mon", "ma", "mes", "son", "sa", "ses",
	"en", "au", "aux", "un", "une", "les", "et", "ou", "mais", "donc",
	"si", "dans", "sur", "avec", "sans", "chez", "pour", "par",
	"comme", "bien", "tres", "suite", "merci", "veuillez", "cordialement",
	"bonjour", "objet", "cc", "the", "we", "dear", "thank", "thanks",
	NULL
};

/* Fold a short word into w (lower-case ASCII, accents removed); 0 if it
 * does not fit or holds other letters. */
static size_t
fold_word(const char *t, size_t a, size_t b, char *w, size_t cap)
{
	size_t k = 0, l;
	uint32_t c;
	const char *f;

	while (a < b) {
		c = utf8_get((const unsigned char *)t + a, b - a, &l);
		a += l;
		if (c < 0x80)
			f = NULL;
		else if (c >= 0xc0 && c <= 0xff)
			f = latin1[c - 0xc0];
		else if (c >= 0x100 && c <= 0x17f)
			f = latin_ext_a(c);
		else if (c >= 0x300 && c <= 0x36f)
			continue;
		else
			return 0;
		if (f == NULL) {
			if (k + 1 >= cap)
				return 0;
			w[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else {
			if (k + strlen(f) >= cap)
				return 0;
			memcpy(w + k, f, strlen(f));
			k += strlen(f);
		}
	}
	w[k] = '\0';
	return k;
}

static int
in_list(const char *const *list, const char *w)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (list[i][0] == w[0] && strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

/* The first two bytes of some title (c0 is D, P or M in either case). */
static inline int
title_start(int c0, int c1)
{
	c1 |= 0x20;		/* '.' stays '.' */
	switch (c0 | 0x20) {
	case 'd':
		return c1 == 'r' || c1 == 'o';
	case 'p':
		return c1 == 'r';
	default:
		return c1 == '.' || c1 == 'm' || c1 == 'l' || c1 == 'e' ||
		    c1 == 'r' || c1 == 's' || c1 == 'i' || c1 == 'a' ||
		    c1 == 'o';
	}
}

/* A title at i (a word start): its end, after its full stop; 0 if none. */
static size_t
match_title(const char *t, size_t len, size_t i, int *flags)
{
	char w[16];
	size_t j = i, l, n, k, wl;
	uint32_t c;
	int a, b, d;

	while (j < len && j - i <= 15) {
		if ((unsigned char)t[j] < 0x80) {
			if (!is_alpha((unsigned char)t[j]))
				break;
			j++;
			continue;
		}
		c = utf8_get((const unsigned char *)t + j, len - j, &l);
		if (!u_letter(c))
			break;
		j += l;
	}
	n = j - i;
	if (n > 15 || (j < len && (is_digit(t[j]) || t[j] == '_' ||
	    t[j] == '@')))
		return 0;
	if (n <= 5) {
		/* Abbreviations, as written (the table is sorted by length). */
		for (k = 0; k < NTITLES && titles[k].len <= n; k++)
			if (titles[k].len == n && titles[k].w[0] == t[i] &&
			    memcmp(titles[k].w + 1, t + i + 1, n - 1) == 0)
				goto found;
		return 0;
	}
	/*
	 * Words: doc-, pro-, mad-, mai- (maî-), mis-, mon-, mes- first, the
	 * common case being a word that is none of them.
	 */
	a = t[i] | 0x20;
	b = t[i + 1] | 0x20;
	d = (unsigned char)t[i + 2] < 0x80 ? t[i + 2] | 0x20 :
	    (unsigned char)t[i + 2];
	if (!((a == 'd' && b == 'o' && d == 'c') ||
	    (a == 'p' && b == 'r' && d == 'o') ||
	    (a == 'm' && ((b == 'a' && (d == 'd' || d == 'i' || d == 0xc3)) ||
	    (b == 'i' && d == 's') || (b == 'o' && d == 'n') ||
	    (b == 'e' && d == 's')))))
		return 0;
	if ((wl = fold_word(t, i, j, w, sizeof w)) == 0)
		return 0;
	for (k = 0; k < NTITLES; k++)
		if (titles[k].len == wl && (titles[k].flags & T_WORD) &&
		    memcmp(titles[k].w, w, wl) == 0)
			goto found;
	return 0;
found:
	*flags = titles[k].flags;
	if (at(t, len, j) == '.') {
		if (!(*flags & (T_DOT | T_NEEDDOT)))
			return 0;
		j++;
	} else if (*flags & T_NEEDDOT)
		return 0;
	return j;
}

/* A blank between words: space, tab, no-break spaces. */
static size_t
blank_at(const char *t, size_t len, size_t i)
{
	size_t l;
	uint32_t c = char_at(t, len, i, &l);

	return c == ' ' || c == '\t' || c == 0xa0 || c == 0x202f ||
	    c == 0x2009 ? l : 0;
}

/* Skip blanks from i, and at most nl line breaks. */
static size_t
skip_blanks(const char *t, size_t len, size_t i, int nl)
{
	size_t l;

	for (;;) {
		if ((l = blank_at(t, len, i)) != 0)
			i += l;
		else if (nl > 0 && at(t, len, i) == '\n')
			i++, nl--;
		else if (nl > 0 && at(t, len, i) == '\r' &&
		    at(t, len, i + 1) == '\n')
			i += 2, nl--;
		else
			return i;
	}
}

enum { W_NAME = 1, W_INITIAL, W_PARTICLE };

static int
apostrophe(const char *t, size_t len, size_t i, size_t *l)
{
	uint32_t c = char_at(t, len, i, l);

	return c == '\'' || c == 0x2019;
}

/*
 * A word of a name at i: its end, or 0.  *kind says a name word
 * (Capitalised, hyphens and apostrophes inside: "Jean-Pierre", "N'Diaye",
 * "d'Arc"), initials ("J.", "J.-P.") or a particle; *mixed that it holds
 * a lower-case letter.
 */
static size_t
name_word(const char *t, size_t len, size_t i, int *kind, int *mixed)
{
	size_t j = i, l, l2, n = 0;
	uint32_t c = char_at(t, len, i, &l);
	char w[16];
	int fl;

	*mixed = 0;
	/* d'Arc, l'Hermite: an elided particle before a capital */
	if ((c == 'd' || c == 'l' || c == 'D' || c == 'L') &&
	    apostrophe(t, len, i + 1, &l2) &&
	    u_upper(char_at(t, len, i + 1 + l2, &l))) {
		j = i + 1 + l2;
		c = char_at(t, len, j, &l);
	}
	if (!u_upper(c)) {
		/* A particle in lower case, or not a name. */
		while (u_letter(c = char_at(t, len, j, &l)))
			j += l;
		if (j == i || fold_word(t, i, j, w, sizeof w) == 0 ||
		    !in_list(particles, w))
			return 0;
		*kind = W_PARTICLE;
		return j;
	}
	if (j == i && at(t, len, i + l) == '.') {
		/* Initials: J. J.-P. J.P. */
		j = i + l + 1;
		for (;;) {
			size_t k = j;

			if (at(t, len, k) == '-')
				k++;
			c = char_at(t, len, k, &l);
			if (!u_upper(c) || at(t, len, k + l) != '.')
				break;
			j = k + l + 1;
		}
		if (u_letter(char_at(t, len, j, &l)) || is_digit(at(t, len, j)))
			return 0;
		*kind = W_INITIAL;
		return j;
	}
	for (;;) {
		c = char_at(t, len, j, &l);
		if (u_letter(c)) {
			if (!u_upper(c) && !(c >= 0x300 && c <= 0x36f))
				*mixed = 1;
			n++;
			j += l;
			continue;
		}
		if (n > 0 && (c == '-' || apostrophe(t, len, j, &l)) &&
		    u_letter(char_at(t, len, j + l, &l2))) {
			j += l;
			continue;
		}
		break;
	}
	if (n < 2 || is_digit(at(t, len, j)) || at(t, len, j) == '@' ||
	    at(t, len, j) == '_')
		return 0;
	if (match_title(t, len, i, &fl) != 0)
		return 0;		/* "MM. Petit, Mme Roux" */
	if (fold_word(t, i, j, w, sizeof w) != 0) {
		if (in_list(particles, w)) {
			*kind = W_PARTICLE;
			return j;
		}
		if (in_list(not_names, w))
			return 0;
	}
	*kind = W_NAME;
	return j;
}

/*
 * The name after a title, from i: one to four name words or initials,
 * with particles between them.  Returns its end (its start in *start), or
 * 0 when there is none.
 */
static size_t
match_name(const char *t, size_t len, size_t i, int flags, size_t *start)
{
	size_t e, end = 0, b;
	int kind, mixed, words = 0, parts = 0;

	*start = i;
	for (;;) {
		if ((e = name_word(t, len, i, &kind, &mixed)) == 0)
			break;
		if (kind == W_PARTICLE) {
			if (++parts > 3)
				break;
		} else {
			if (words == 0 && (flags & T_MIXED) && !mixed)
				return 0;
			words++;
			parts = 0;
			end = e;
			if (words == 4)
				break;
		}
		b = skip_blanks(t, len, e, 0);
		if (b == e && kind != W_INITIAL)
			break;
		i = b;
	}
	return end;
}

/* People named after a title at i; spans for each. */
static void
find_people(struct eds_scrubber *s, const char *t, size_t len, size_t i)
{
	uint32_t p = char_before(t, i);
	size_t e, b, a, end, k;
	int flags;

	if (u_letter(p) || (p < 0x80 && (is_digit((int)p) || p == '_' ||
	    p == '-' || p == '@' || p == '/' || p == '\'')) || p == 0x2019)
		return;
	if ((e = match_title(t, len, i, &flags)) == 0)
		return;
	b = skip_blanks(t, len, e, 1);
	if (b == e && (t[e - 1] != '.' || (flags & T_NEEDDOT)))
		return;
	while ((end = match_name(t, len, b, flags, &a)) != 0) {
		span(s, a, end, EDS_SCRUB_PERSON, NULL);
		s->people = 1;
		if (!(flags & T_PLURAL))
			break;
		/* "Drs Martin et Durand", "MM. Petit, Roux" */
		k = skip_blanks(t, len, end, 0);
		if (at(t, len, k) == ',')
			k++;
		else if (at(t, len, k) == '&')
			k++;
		else if (at(t, len, k) == 'e' && at(t, len, k + 1) == 't' &&
		    k > end)
			k += 2;
		else
			break;
		b = skip_blanks(t, len, k, 0);
		if (b == k)
			break;
	}
}

/*
 * A person's name that the row's values cover word for word is the
 * patient's: the row's labels stay.  Otherwise the person swallows the
 * row's findings that overlap it ("M. Jean Dupont, son époux", with Dupont
 * the patient's name, is one [PERSONNE]), but not the title before it.
 * The losers are marked with NKINDS, then removed.
 */
static void
people_vs_rows(struct eds_scrubber *s, const char *t, size_t len)
{
	size_t i, j, k, l, e;
	int changed = 1, covered, fl;
	uint32_t c;

	while (changed) {
		changed = 0;
		for (i = 0; i < s->nsp; i++) {
			struct eds_scrub_span *p = &s->sp[i];

			if (p->kind != EDS_SCRUB_PERSON)
				continue;
			covered = 0;
			for (j = 0; j < s->nsp; j++)
				if (s->sp[j].kind == EDS_SCRUB_ROW &&
				    s->sp[j].start < p->end &&
				    s->sp[j].end > p->start)
					covered = 1;
			if (!covered)
				continue;
			/* Is every letter of the name inside a row value? */
			for (k = p->start; k < p->end && covered; k += l) {
				c = utf8_get((const unsigned char *)t + k,
				    p->end - k, &l);
				if (!u_letter(c))
					continue;
				covered = 0;
				for (j = 0; j < s->nsp; j++)
					if (s->sp[j].kind == EDS_SCRUB_ROW &&
					    s->sp[j].start <= k &&
					    s->sp[j].end > k)
						covered = 1;
			}
			if (covered) {
				p->kind = EDS_SCRUB_NKINDS;
				changed = 1;
				continue;
			}
			for (j = 0; j < s->nsp; j++) {
				struct eds_scrub_span *r = &s->sp[j];

				if (r->kind != EDS_SCRUB_ROW ||
				    r->start >= p->end || r->end <= p->start)
					continue;
				/* The row's value may hold the title: it stays. */
				if (r->start < p->start && !((e = match_title(t,
				    len, r->start, &fl)) != 0 &&
				    skip_blanks(t, len, e, 1) == p->start))
					p->start = r->start;
				if (r->end > p->end)
					p->end = r->end;
				r->kind = EDS_SCRUB_NKINDS;
				changed = 1;
			}
		}
	}
	for (i = j = 0; i < s->nsp; i++)
		if (s->sp[i].kind != EDS_SCRUB_NKINDS)
			s->sp[j++] = s->sp[i];
	s->nsp = j;
}

/*
 * A NIR or telephone number is refused when what follows makes it part of
 * something longer ("233.067.0703.7...", "+22 20 9662 6344Dupont"), or
 * what precedes it ("12345678+33 6 12 34 56 78"), an e-mail address when
 * its domain runs on ("jean@chu.fr12345678"); when that neighbour is
 * another finding, its replacement would leave the number or address
 * standing alone in clear.  So the text is cut where each finding starts,
 * and the matchers run again on the bytes before it (a number that ends
 * there, or before separators only, or an address that ends there, is
 * found), and a number glued after a finding is looked for from its end.
 */
/* Add a finding unless the same one is there already; 1 if added. */
static int
span_new(struct eds_scrubber *s, size_t a, size_t b, enum eds_scrub_kind k)
{
	size_t i;

	for (i = 0; i < s->nsp; i++)
		if (s->sp[i].start == a && s->sp[i].end == b &&
		    s->sp[i].kind == k)
			return 0;
	span(s, a, b, k, NULL);
	return 1;
}

static void
around_findings(struct eds_scrubber *s, const char *t, size_t len)
{
	size_t i, k, p, e, j, a, b, limit = 4 * s->nsp + 64;
	int c;

	/* Findings made here are looked around too ("N.N.N" chains). */
	for (i = 0; i < s->nsp && i < limit; i++) {
		/* A number glued after the finding starts there. */
		p = s->sp[i].end;
		c = p < len ? (unsigned char)t[p] : 0;
		if (p > 0 && alnum(prev(t, p)) && (is_digit(c) || c == '+' ||
		    c == '(')) {
			if ((e = match_nir(t + p, len - p, 0)) != 0)
				(void)span_new(s, p, p + e, EDS_SCRUB_NIR);
			else if ((e = match_tel(t + p, len - p, 0)) != 0)
				(void)span_new(s, p, p + e, EDS_SCRUB_TEL);
		}
		p = s->sp[i].start;
		if (p == 0)
			continue;
		/*
		 * An e-mail address whose domain runs into the finding, or
		 * up to separators before it (a domain has at most 253
		 * bytes).
		 */
		for (j = p; j > 0 && sep(t[j - 1]); j--)
			;
		if (j > 0 && alnum(prev(t, j)))
			for (k = j > 256 ? j - 256 : 0; k < j; k++)
				if (t[k] == '@' && match_email(t, j, k, 1, &a,
				    &b) && b == j)
					(void)span_new(s, a, b,
					    EDS_SCRUB_EMAIL);
		/* A number can end there only on a digit, before separators. */
		if (j == 0 || !is_digit((unsigned char)t[j - 1]))
			continue;
		for (k = p > 40 ? p - 40 : 0; k < p; k++) {
			c = (unsigned char)t[k];
			if ((!is_digit(c) && c != '+' && c != '(') ||
			    (is_digit(c) && alnum(prev(t, k))))
				continue;
			if ((e = match_nir(t, p, k)) == 0 &&
			    (e = match_tel(t, p, k)) == 0)
				continue;
			for (j = e; j < p && sep(t[j]); j++)
				;
			if (j == p)
				(void)span_new(s, k, e, match_nir(t, p, k) == e ?
				    EDS_SCRUB_NIR : EDS_SCRUB_TEL);
		}
	}
}

/* --- the scan ------------------------------------------------------------- */

static int
span_cmp(const void *x, const void *y)
{
	const struct eds_scrub_span *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind > b->kind ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return 0;
}

/*
 * Sort, and make overlapping findings one: the union of their bytes, of
 * the strongest kind (of one kind, the longest's label).  Dropping the
 * weaker finding instead would leave in clear whatever part of it the
 * stronger one does not cover: a telephone number whose greedy match ran
 * into a NIR just after it, or "Jean" of "Jean-Pierre Dupont" when the row
 * names "Jean-Pierre" and "Pierre Dupont".  Two readings of one date are
 * the exception (a date is rewritten from where it starts): the longer
 * one is kept.
 */
static void
resolve(struct eds_scrubber *s)
{
	size_t i, n = 0;

	if (s->nsp < 2)
		return;
	qsort(s->sp, s->nsp, sizeof *s->sp, span_cmp);
	for (i = 0; i < s->nsp; i++) {
		struct eds_scrub_span c = s->sp[i], *t;

		/* Sorted by start: c can only overlap the last one kept. */
		if (n == 0 || s->sp[n - 1].end <= c.start) {
			s->sp[n++] = c;
			continue;
		}
		t = &s->sp[n - 1];
		if (t->kind == EDS_SCRUB_DATE && c.kind == EDS_SCRUB_DATE) {
			if (c.end - c.start > t->end - t->start)
				*t = c;
			continue;
		}
		if (c.kind > t->kind || (c.kind == t->kind && c.end - c.start >
		    t->end - t->start)) {
			t->kind = c.kind;
			t->label = c.label;
		}
		if (c.end > t->end)
			t->end = c.end;
	}
	s->nsp = n;
}

static const char *const tokens[] = {
	"[DATE]", "[CP]", "[PERSONNE]", NULL, "[TEL]", "[NIR]", "[EMAIL]"
};

/*
 * Bytes where a finding can start: digits, '+', '(', '[' and '@' (1), and
 * the first letters of titles (2).
 */
static const unsigned char interesting[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['+'] = 1, ['('] = 1,
	['['] = 1, ['@'] = 1,
	['D'] = 2, ['d'] = 2, ['P'] = 2, ['p'] = 2, ['M'] = 2, ['m'] = 2
};

void
eds_scrub(struct eds_scrubber *s, const char *t, size_t len, int offset,
    const char **out, size_t *outlen)
{
	struct datefound df;
	size_t i, e, a, b, last, base, glued = 0;

	s->nsp = 0;
	s->people = 0;
	*out = t;
	*outlen = len;
	if (len == 0)
		return;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)t[i];

		if (!interesting[c])
			continue;
		if (interesting[c] == 2) {
			/* Inside a word, or not a title, is the common case. */
			if ((i == 0 || !is_alpha((unsigned char)t[i - 1])) &&
			    i + 1 < len && title_start(c, (unsigned char)t[i + 1]))
				find_people(s, t, len, i);
			continue;
		}
		if (c == '@') {
			if (match_email(t, len, i, 1, &a, &b))
				span(s, a, b, EDS_SCRUB_EMAIL, NULL);
			continue;
		}
		if ((c == '(' || c == '[') && i + 3 < len &&
		    (t[i + 1] | 0x20) == 'a' && (t[i + 2] | 0x20) == 't' &&
		    t[i + 3] == (c == '(' ? ')' : ']')) {
			if (match_email(t, len, i, 4, &a, &b))
				span(s, a, b, EDS_SCRUB_EMAIL, NULL);
			continue;
		}
		if (!is_digit(c) && c != '+' && c != '(')
			continue;
		/*
		 * Right after a NIR or telephone number, a second one is not
		 * inside a word: it starts there (the matchers see the text
		 * from i on), or it would survive glued to the first.
		 */
		base = i > 0 && i == glued ? i : 0;
		if (base == 0 && alnum(prev(t, i)) && is_digit(c))
			continue;	/* inside a word or number */
		if ((e = match_nir(t + base, len - base, i - base)) != 0) {
			span(s, i, base + e, EDS_SCRUB_NIR, NULL);
			if (base + e > glued)
				glued = base + e;
		}
		if ((e = match_tel(t + base, len - base, i - base)) != 0) {
			span(s, i, base + e, EDS_SCRUB_TEL, NULL);
			if (base + e > glued)
				glued = base + e;
		}
		if (!is_digit(c))
			continue;
		if ((e = match_cp(t, len, i)) != 0)
			span(s, i, e, EDS_SCRUB_CP, NULL);
		if (s->dates != EDS_DATES_KEEP &&
		    (e = match_date(t, len, i, &df)) != 0)
			span(s, i, e, EDS_SCRUB_DATE, NULL);
	}
	if (s->nrv > 0) {
		if (!s->folded)
			fold_row(s);
		if (s->nnd > 0)
			find_row_values(s, t, len);
	}
	if (s->nsp == 0)
		return;
	around_findings(s, t, len);
	if (s->people)
		people_vs_rows(s, t, len);
	resolve(s);
	s->out.len = 0;
	eds_buf_grow(&s->out, len + 16);
	last = 0;
	for (i = 0; i < s->nsp; i++) {
		struct eds_scrub_span *p = &s->sp[i];

		eds_buf_add(&s->out, t + last, p->start - last);
		last = p->end;
		s->counts[p->kind]++;
		if (p->kind == EDS_SCRUB_ROW) {
			eds_buf_addch(&s->out, '[');
			eds_buf_addstr(&s->out, p->label);
			eds_buf_addch(&s->out, ']');
		} else if (p->kind == EDS_SCRUB_DATE &&
		    s->dates == EDS_DATES_SHIFT && offset != 0) {
			(void)match_date(t, len, p->start, &df);
			if (put_date(&s->out, &df, offset) == -1)
				eds_buf_addstr(&s->out, tokens[p->kind]);
		} else
			eds_buf_addstr(&s->out, tokens[p->kind]);
	}
	eds_buf_add(&s->out, t + last, len - last);
	*out = s->out.p;
	*outlen = s->out.len;
}
