/*
 * eds-gen: write deterministic synthetic extracts of every source (DPI
 * patients, stays, diagnoses and acts, laboratory, radiology, pathology,
 * dictation) and consent events into a directory, laid out exactly as
 * the schemas in config/sources say, optionally with injected faulty rows listed in
 * a truth file (see man/eds-gen.1).
 *
 * How it works.  Nothing is kept per row or per patient: every attribute of
 * patient i (IPP, NIR, names, birth date, address, stays) is a pure function
 * of (seed, i), computed again whenever a row needs it, so memory stays
 * constant from 1 row to 50 million and every source agrees on the same
 * patients and stays.  IPPs, NDAs and accession numbers come from affine
 * permutations, so they never collide.  The DPI files are written in one
 * pass over the patients; the event sources (laboratory, radiology,
 * pathology, dictation) draw their rows from one random stream each, so a
 * source's bytes do not depend on which other sources are written.  Rows
 * are assembled as fields in a scratch buffer, optionally corrupted (one
 * fault per faulty row, from a stream of its own), then written through a
 * large buffer (and zlib at level 1 when gzipped) to a temporary file that
 * is renamed into place at the end.  Text tables are UTF-8 and converted to
 * Windows-1252 at start-up for the sources that use it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "cli.h"
#include "eds.h"
#include "xmalloc.h"

#include "eds-gen-data.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char usage[] =
    "eds-gen [-q] -o DIR [-s SEED] [-p PATIENTS] [-n ROWS]\n"
    "                  [--only SOURCE,...] [--count SOURCE=N,...]\n"
    "                  [--gzip SOURCE,...|all] [--bad-rate F] [--truth FILE]\n"
    "       eds-gen --list [--gzip SOURCE,...|all]";

/* --- random numbers ------------------------------------------------------ */

#define GOLDEN 0x9e3779b97f4a7c15ULL

/* The splitmix64 finaliser: a good 64-bit mixing function. */
static inline uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t seed;

/* A hash of the seed, a tag and two numbers. */
static inline uint64_t
hash(uint64_t tag, uint64_t a, uint64_t b)
{
	return mix(mix(mix(seed + tag * GOLDEN) ^ (a + GOLDEN)) ^ (b + 1));
}

struct rng {
	uint64_t s;
};

static inline void
rng_seed(struct rng *r, uint64_t s)
{
	r->s = s;
}

static inline uint64_t
rnext(struct rng *r)
{
	return mix(r->s += GOLDEN);
}

/* Uniform in [0, n), n < 2^32. */
static inline uint32_t
rbelow(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rnext(r) >> 32) * n) >> 32);
}

/* Uniform in [0, n) for 64-bit n. */
static inline uint64_t
rbelow64(struct rng *r, uint64_t n)
{
	return n == 0 ? 0 : rnext(r) % n;
}

/* 1 with probability p per thousand. */
static inline int
permille(struct rng *r, unsigned p)
{
	return rbelow(r, 1000) < p;
}

/* Uniform in [0, 1). */
static inline double
runif(struct rng *r)
{
	return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Roughly normal (Irwin-Hall of 4), mean 0, sd 1. */
static inline double
rgauss(struct rng *r)
{
	return (runif(r) + runif(r) + runif(r) + runif(r) - 2.0) * 1.7320508;
}

#define PICK(r, a) ((a)[rbelow((r), (uint32_t)NELEM(a))])
/* A template of table t, built from the strings of src. */
#define PICKT(r, t, src) (&(t)[rbelow((r), (uint32_t)NELEM(src))])

/* --- text in two encodings ---------------------------------------------- */

enum { ENC_UTF8, ENC_CP1252 };

struct str {
	const char *s[2];	/* UTF-8, Windows-1252 */
	unsigned short len[2];
};

/* Windows-1252 bytes 0x80-0x9F and their code points. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6,
	0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019,
	0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
	0x203A, 0x0153, 0, 0x017E, 0x0178
};

/* Decode one UTF-8 sequence (the tables are well-formed). */
static unsigned
utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = *s;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if (c < 0xE0) {
		*p = s + 2;
		return ((c & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (c < 0xF0) {
		*p = s + 3;
		return ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) |
		    (s[2] & 0x3F);
	}
	*p = s + 4;
	return ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
	    ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static size_t
utf8_put(char *o, unsigned c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

static int
cp1252_byte(unsigned c)
{
	int i;

	if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
		return (int)c;
	for (i = 0; i < 32; i++)
		if (cp1252_high[i] == c)
			return 0x80 + i;
	return -1;
}

static unsigned
upper_cp(unsigned c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
		return c - 0x20;
	if (c == 0x153)
		return 0x152;	/* œ -> Œ */
	if (c == 0xFF)
		return 0x178;
	return c;
}

/* Make both encodings of a UTF-8 string, upper-cased if asked. */
static struct str
mkstr(const char *u, int upper)
{
	const unsigned char *p = (const unsigned char *)u;
	size_t n = strlen(u);
	char *o8 = xmalloc(n * 2 + 1), *o1 = xmalloc(n + 1);
	size_t l8 = 0, l1 = 0;
	struct str s;

	while (*p != '\0') {
		unsigned c = utf8_next(&p);
		int b;

		if (upper)
			c = upper_cp(c);
		if ((b = cp1252_byte(c)) < 0) {
			fprintf(stderr, "eds-gen: internal error: U+%04X in "
			    "'%s' has no Windows-1252 form\n", c, u);
			abort();
		}
		l8 += utf8_put(o8 + l8, c);
		o1[l1++] = (char)b;
	}
	o8[l8] = o1[l1] = '\0';
	s.s[ENC_UTF8] = o8;
	s.s[ENC_CP1252] = o1;
	s.len[ENC_UTF8] = (unsigned short)l8;
	s.len[ENC_CP1252] = (unsigned short)l1;
	return s;
}

/* Lower-case ASCII form for e-mail addresses: accents and marks dropped. */
static char *
ascii_fold(const char *u)
{
	static const char *const fold[] = {
		/* U+00C0 .. U+00FF */
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
		"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
		"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "", "y"
	};
	const unsigned char *p = (const unsigned char *)u;
	char *o = xmalloc(strlen(u) * 2 + 1), *q = o;

	while (*p != '\0') {
		unsigned c = utf8_next(&p);

		if (c >= 'A' && c <= 'Z')
			*q++ = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || c == '-')
			*q++ = (char)c;
		else if (c == ' ')
			*q++ = '-';
		else if (c >= 0xC0 && c <= 0xFF) {
			strcpy(q, fold[c - 0xC0]);
			q += strlen(q);
		} else if (c == 0x152 || c == 0x153) {
			strcpy(q, "oe");
			q += 2;
		}
	}
	*q = '\0';
	return o;
}

struct name {
	struct str cap;		/* as written: "Lefèvre" */
	struct str up;		/* "LEFÈVRE" */
	char *ascii;		/* "lefevre" */
};

static struct name *lastn, *firstf, *firstm;

static struct name *
mknames(const char *const *v, size_t n)
{
	struct name *a = xcalloc(n, sizeof *a);
	size_t i;

	for (i = 0; i < n; i++) {
		a[i].cap = mkstr(v[i], 0);
		a[i].up = mkstr(v[i], 1);
		a[i].ascii = ascii_fold(v[i]);
	}
	return a;
}

static struct str *
mkstrs(const char *const *v, size_t n)
{
	struct str *a = xcalloc(n, sizeof *a);
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = mkstr(v[i], 0);
	return a;
}

/* --- templates ------------------------------------------------------------ */

enum ph {
	PH_LIT, PH_NOM, PH_PRENOM, PH_CIV, PH_IPP, PH_NDA, PH_NIR, PH_NIRS,
	PH_DDN, PH_DDNL, PH_DATE, PH_DATEL, PH_HEURE, PH_TEL, PH_EMAIL, PH_DR,
	PH_DRMAIL, PH_ACC, PH_EXAM, PH_N, PH_T
};

static const char *const ph_names[] = {
	"", "NOM", "PRENOM", "CIV", "IPP", "NDA", "NIR", "NIRS", "DDN",
	"DDNL", "DATE", "DATEL", "HEURE", "TEL", "EMAIL", "DR", "DRMAIL", "ACC",
	"EXAM", "N", "T"
};

struct part {
	enum ph ph;
	struct str lit;
};

struct tpl {
	struct part *p;
	int n;
};

static struct tpl
mktpl(const char *src)
{
	struct tpl t;
	const char *s = src, *b;
	char *lit;
	size_t k;

	t.p = xcalloc(strlen(src) + 1, sizeof *t.p);
	t.n = 0;
	while (*s != '\0') {
		if (*s == '{' && (b = strchr(s, '}')) != NULL) {
			for (k = 1; k < NELEM(ph_names); k++)
				if (strlen(ph_names[k]) == (size_t)(b - s - 1) &&
				    strncmp(s + 1, ph_names[k], (size_t)(b - s - 1))
				    == 0)
					break;
			if (k == NELEM(ph_names)) {
				fprintf(stderr, "eds-gen: internal error: bad "
				    "placeholder in '%s'\n", src);
				abort();
			}
			t.p[t.n++].ph = (enum ph)k;
			s = b + 1;
			continue;
		}
		b = s;
		while (*b != '\0' && *b != '{')
			b++;
		lit = xstrndup(s, (size_t)(b - s));
		t.p[t.n].ph = PH_LIT;
		t.p[t.n++].lit = mkstr(lit, 0);
		free(lit);
		s = b;
	}
	return t;
}

static struct tpl *
mktpls(const char *const *v, size_t n)
{
	struct tpl *a = xcalloc(n, sizeof *a);
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = mktpl(v[i]);
	return a;
}

/* Every table, in both encodings (built once in tables_init). */
static struct tpl *t_labc, *t_labnr, *t_radind, *t_radfind, *t_radconc,
    *t_pmacro, *t_pmicro, *t_pconc, *t_dopen, *t_dbody, *t_dclose;
static struct str *s_streets, *s_stypes, *s_cities, *s_labels, *s_units,
    *s_exlabel, *s_extech, *s_organs, *s_months;
static struct str s_civ[3], s_residence, s_lieudit;

static const char *const month_names[] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"
};

static void
tables_init(void)
{
	const char *v[NELEM(labtests) > NELEM(places) ? NELEM(labtests) :
	    NELEM(places)];
	size_t i;

	lastn = mknames(last_names, NELEM(last_names));
	firstf = mknames(first_names_f, NELEM(first_names_f));
	firstm = mknames(first_names_m, NELEM(first_names_m));
	t_labc = mktpls(lab_comments, NELEM(lab_comments));
	t_labnr = mktpls(lab_nonresult, NELEM(lab_nonresult));
	t_radind = mktpls(rad_indications, NELEM(rad_indications));
	t_radfind = mktpls(rad_findings, NELEM(rad_findings));
	t_radconc = mktpls(rad_conclusions, NELEM(rad_conclusions));
	t_pmacro = mktpls(path_macro, NELEM(path_macro));
	t_pmicro = mktpls(path_micro, NELEM(path_micro));
	t_pconc = mktpls(path_conclusions, NELEM(path_conclusions));
	t_dopen = mktpls(dict_openings, NELEM(dict_openings));
	t_dbody = mktpls(dict_bodies, NELEM(dict_bodies));
	t_dclose = mktpls(dict_closings, NELEM(dict_closings));
	s_streets = mkstrs(street_names, NELEM(street_names));
	s_stypes = mkstrs(street_types, NELEM(street_types));
	s_months = mkstrs(month_names, NELEM(month_names));
	for (i = 0; i < NELEM(places); i++)
		v[i] = places[i].city;
	s_cities = mkstrs(v, NELEM(places));
	for (i = 0; i < NELEM(labtests); i++)
		v[i] = labtests[i].label;
	s_labels = mkstrs(v, NELEM(labtests));
	for (i = 0; i < NELEM(labtests); i++)
		v[i] = labtests[i].unit;
	s_units = mkstrs(v, NELEM(labtests));
	s_exlabel = xcalloc(NELEM(exams), sizeof *s_exlabel);
	s_extech = xcalloc(NELEM(exams), sizeof *s_extech);
	for (i = 0; i < NELEM(exams); i++) {
		s_exlabel[i] = mkstr(exams[i].label, 0);
		s_extech[i] = mkstr(exams[i].technique, 0);
	}
	s_organs = xcalloc(NELEM(organs), sizeof *s_organs);
	for (i = 0; i < NELEM(organs); i++)
		s_organs[i] = mkstr(organs[i].label, 0);
	s_civ[0] = mkstr("M.", 0);
	s_civ[1] = mkstr("Mme", 0);
	s_civ[2] = mkstr("M. ou Mme", 0);
	s_residence = mkstr("Résidence Les Œillets, bât. B, ", 0);
	s_lieudit = mkstr("Lieu-dit « La Forêt »", 0);
}

/* --- calendar ------------------------------------------------------------ */

/* Days since 1970-01-01 (Howard Hinnant's algorithms). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

#define MIN_PER_DAY 1440

/* The period the extracts cover; the extract was taken on its last day. */
static int64_t day_first, day_last;

/* --- rows: fields assembled in a scratch buffer ---------------------------- */

#define MAXF 16
#define ROWBUF (64 * 1024)

struct field {
	const char *s;
	size_t len;
	unsigned char text;	/* free or name text: may be force-quoted */
	unsigned char raw;	/* written as is, never quoted (faults) */
};

struct row {
	struct field f[MAXF];
	int n;
	char *buf;
	size_t used;
};

static struct row row;

static inline void
ap(struct row *r, const char *s, size_t n)
{
	memcpy(r->buf + r->used, s, n);
	r->used += n;
}

static inline void
apc(struct row *r, char c)
{
	r->buf[r->used++] = c;
}

static inline void
aps(struct row *r, const char *s)
{
	ap(r, s, strlen(s));
}

static inline void
apstr(struct row *r, const struct str *s, int enc)
{
	ap(r, s->s[enc], s->len[enc]);
}

static const char two[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline void
ap02(struct row *r, unsigned v)
{
	ap(r, two + 2 * (v % 100), 2);
}

static void
apu(struct row *r, uint64_t v)
{
	char b[24];
	int i = 24;

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	ap(r, b + i, (size_t)(24 - i));
}

/* v zero-padded to width digits. */
static void
apuw(struct row *r, uint64_t v, int width)
{
	char b[24];
	int i = 24;

	while (width-- > 0 || v != 0) {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	}
	ap(r, b + i, (size_t)(24 - i));
}

static void
ap_dmy(struct row *r, int64_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	ap02(r, (unsigned)d);
	apc(r, '/');
	ap02(r, (unsigned)m);
	apc(r, '/');
	apuw(r, (uint64_t)y, 4);
}

static void
ap_iso_date(struct row *r, int64_t day)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	apuw(r, (uint64_t)y, 4);
	apc(r, '-');
	ap02(r, (unsigned)m);
	apc(r, '-');
	ap02(r, (unsigned)d);
}

static void
ap_hm(struct row *r, int64_t minute)
{
	int64_t m = minute % MIN_PER_DAY;

	ap02(r, (unsigned)(m / 60));
	apc(r, ':');
	ap02(r, (unsigned)(m % 60));
}

/* dd/mm/yyyy hh:mm[:ss] */
static void
ap_dmy_hm(struct row *r, int64_t minute, int sec)
{
	ap_dmy(r, minute / MIN_PER_DAY);
	apc(r, ' ');
	ap_hm(r, minute);
	if (sec >= 0) {
		apc(r, ':');
		ap02(r, (unsigned)sec);
	}
}

/* "3 mars 2026" */
static void
ap_long_date(struct row *r, int64_t day, int enc)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	apu(r, (uint64_t)d);
	apc(r, ' ');
	apstr(r, &s_months[m - 1], enc);
	apc(r, ' ');
	apu(r, (uint64_t)y);
}

/* A decimal with a comma, at most dec decimals, trailing zeros kept if keep. */
static void
ap_dec(struct row *r, double v, int dec, int keep)
{
	static const double p10[] = { 1, 10, 100, 1000 };
	uint64_t scaled, ip, fp;
	char b[4];
	int n;

	if (v < 0) {
		apc(r, '-');
		v = -v;
	}
	scaled = (uint64_t)llround(v * p10[dec]);
	ip = scaled / (uint64_t)p10[dec];
	fp = scaled % (uint64_t)p10[dec];
	apu(r, ip);
	if (dec == 0)
		return;
	for (n = dec; n > 0; n--) {
		b[n - 1] = (char)('0' + fp % 10);
		fp /= 10;
	}
	n = dec;
	if (!keep)
		while (n > 0 && b[n - 1] == '0')
			n--;
	if (n > 0) {
		apc(r, ',');
		ap(r, b, (size_t)n);
	}
}

static inline size_t
fstart(struct row *r)
{
	return r->used;
}

/* Close a field started at offset start. */
static inline void
fend(struct row *r, size_t start, int text)
{
	struct field *f = &r->f[r->n++];

	f->s = r->buf + start;
	f->len = r->used - start;
	f->text = (unsigned char)text;
	f->raw = 0;
}

static inline void
fconst(struct row *r, const char *s, size_t len, int text)
{
	struct field *f = &r->f[r->n++];

	f->s = s;
	f->len = len;
	f->text = (unsigned char)text;
	f->raw = 0;
}

static inline void
fstr(struct row *r, const struct str *s, int enc, int text)
{
	fconst(r, s->s[enc], s->len[enc], text);
}

static inline void
fempty(struct row *r)
{
	fconst(r, "", 0, 0);
}

/* --- outputs -------------------------------------------------------------- */

#define OUTBUF (1024 * 1024)
#define MAXOUT 16

struct out {
	char *path;		/* final name */
	char *tmp;		/* temporary name, NULL once renamed */
	int fd;
	char *buf;
	size_t len;
	int gz;
	z_stream z;
	unsigned char *zbuf;
	uint64_t bytes;		/* uncompressed bytes */
	uint64_t stored;	/* bytes written to the file */
	uint64_t lines;		/* physical lines written */
	uint64_t rows;		/* data rows written */
	uint64_t faults;
	/* the source's layout */
	char sep;
	int enc;
	const char *eol;
	unsigned char special[256];	/* bytes that force quoting */
};

static struct out *outs[MAXOUT];
static int nouts;
static volatile sig_atomic_t cleaning;

static void
die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3),
    noreturn));

static void
remove_temps(void)
{
	int i;

	for (i = 0; i < nouts; i++)
		if (outs[i]->tmp != NULL)
			(void)unlink(outs[i]->tmp);
}

static void
die(int status, const char *fmt, ...)
{
	va_list ap_;

	fprintf(stderr, "eds-gen: ");
	va_start(ap_, fmt);
	vfprintf(stderr, fmt, ap_);
	va_end(ap_);
	fputc('\n', stderr);
	remove_temps();
	exit(status);
}

static void
on_signal(int sig)
{
	int i;

	if (!cleaning) {
		cleaning = 1;
		for (i = 0; i < nouts; i++)
			if (outs[i]->tmp != NULL)
				(void)unlink(outs[i]->tmp);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static struct out *
out_open(const char *dir, const char *file, int gz, char sep, int enc,
    const char *eol)
{
	struct out *o = xcalloc(1, sizeof *o);
	mode_t um;

	if (nouts == MAXOUT)
		die(EDS_EX_SOFTWARE, "too many outputs");
	o->path = xasprintf("%s/%s", dir, file);
	o->tmp = xasprintf("%s/.%s.XXXXXX", dir, file);
	if ((o->fd = mkstemp(o->tmp)) == -1) {
		int e = errno;

		free(o->tmp);
		o->tmp = NULL;
		die(EDS_EX_CANTCREAT, "cannot create '%s': %s", o->path,
		    strerror(e));
	}
	outs[nouts++] = o;
	um = umask(0);
	umask(um);
	(void)fchmod(o->fd, 0666 & ~um);
	o->buf = xmalloc(OUTBUF + ROWBUF * 3);
	o->gz = gz;
	if (gz) {
		o->zbuf = xmalloc(OUTBUF);
		if (deflateInit2(&o->z, 1, Z_DEFLATED, 15 + 16, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			die(EDS_EX_SOFTWARE, "zlib initialisation failed");
	}
	o->sep = sep;
	o->enc = enc;
	o->eol = eol;
	o->special[(unsigned char)sep] = 1;
	o->special['"'] = 1;
	o->special['\r'] = 1;
	o->special['\n'] = 1;
	return o;
}

static void
write_all(struct out *o, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(o->fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			die(EDS_EX_IOERR, "cannot write '%s': %s", o->path,
			    strerror(errno));
		}
		c += w;
		n -= (size_t)w;
		o->stored += (uint64_t)w;
	}
}

static void
deflate_out(struct out *o, int flush)
{
	int rc;

	do {
		o->z.next_out = o->zbuf;
		o->z.avail_out = OUTBUF;
		rc = deflate(&o->z, flush);
		if (rc == Z_STREAM_ERROR)
			die(EDS_EX_SOFTWARE, "zlib deflate failed for '%s'",
			    o->path);
		write_all(o, o->zbuf, OUTBUF - o->z.avail_out);
	} while (o->z.avail_out == 0 || (flush == Z_FINISH &&
	    rc != Z_STREAM_END));
}

static void
out_flush(struct out *o)
{
	o->bytes += o->len;
	if (o->gz) {
		o->z.next_in = (unsigned char *)o->buf;
		o->z.avail_in = (uInt)o->len;
		deflate_out(o, Z_NO_FLUSH);
	} else
		write_all(o, o->buf, o->len);
	o->len = 0;
}

/* Room for n more bytes. */
static inline char *
out_room(struct out *o, size_t n)
{
	if (o->len + n > OUTBUF + ROWBUF * 3)
		die(EDS_EX_SOFTWARE, "row too large");
	return o->buf + o->len;
}

static inline void
out_put(struct out *o, const char *s, size_t n)
{
	memcpy(out_room(o, n), s, n);
	o->len += n;
}

static void
out_close(struct out *o)
{
	if (o->len > 0 || o->gz)
		out_flush(o);
	if (o->gz) {
		o->z.next_in = NULL;
		o->z.avail_in = 0;
		deflate_out(o, Z_FINISH);
		deflateEnd(&o->z);
	}
	if (close(o->fd) == -1)
		die(EDS_EX_IOERR, "cannot write '%s': %s", o->path,
		    strerror(errno));
	if (rename(o->tmp, o->path) == -1)
		die(EDS_EX_CANTCREAT, "cannot rename to '%s': %s", o->path,
		    strerror(errno));
	free(o->tmp);
	o->tmp = NULL;
	free(o->buf);
	free(o->zbuf);
	o->buf = NULL;
	o->zbuf = NULL;
}

/* Write one field, quoted when needed (or when force); returns its LFs. */
static unsigned
put_field(struct out *o, const struct field *f, int force)
{
	const unsigned char *s = (const unsigned char *)f->s;
	size_t i, n = f->len;
	unsigned lf = 0;
	int quote = force;
	char *p;

	if (f->raw) {
		out_put(o, f->s, n);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (o->special[s[i]]) {
			quote = 1;
			break;
		}
	if (!quote) {
		out_put(o, f->s, n);
		return 0;
	}
	p = out_room(o, 2 * n + 2);
	*p++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		else if (s[i] == '\n')
			lf++;
		*p++ = (char)s[i];
	}
	*p++ = '"';
	o->len = (size_t)(p - o->buf);
	return lf;
}

/*
 * Write the row; force-quote text fields per quote_text (0 never, 1
 * always, 2 one time in five, drawn from r).  Returns the row's first line.
 */
static uint64_t
put_row(struct out *o, const struct row *rw, int quote_text, struct rng *r)
{
	uint64_t first = o->lines + 1;
	unsigned lf = 0;
	int i, force;

	for (i = 0; i < rw->n; i++) {
		if (i > 0)
			out_put(o, &o->sep, 1);
		force = 0;
		if (rw->f[i].text && rw->f[i].len > 0)
			force = quote_text == 1 ||
			    (quote_text == 2 && rbelow(r, 5) == 0);
		lf += put_field(o, &rw->f[i], force);
	}
	out_put(o, o->eol, strlen(o->eol));
	o->lines += 1 + lf;
	o->rows++;
	if (o->len >= OUTBUF)
		out_flush(o);
	return first;
}

static void
put_header(struct out *o, const char *const *names, int n, int bom)
{
	int i;

	if (bom)
		out_put(o, "\xEF\xBB\xBF", 3);
	for (i = 0; i < n; i++) {
		if (i > 0)
			out_put(o, &o->sep, 1);
		out_put(o, names[i], strlen(names[i]));
	}
	out_put(o, o->eol, strlen(o->eol));
	o->lines = 1;
}

/* --- sources ---------------------------------------------------------------- */

enum {
	S_PATIENTS, S_STAYS, S_DIAG, S_ACTS, S_LAB, S_RAD, S_PATH, S_DICT,
	S_CONSENT, NSRC
};

/* Column flags. */
enum {
	C_REQ = 1 << 0,		/* required */
	C_DATE = 1 << 1,	/* date, dd/mm/yyyy */
	C_DTIME = 1 << 2,	/* datetime, dd/mm/yyyy hh:mm */
	C_DTISO = 1 << 3,	/* datetime, ISO 8601 */
	C_NIR = 1 << 4,
	C_PLAIN = 1 << 5	/* never quoted: a stray quote can go there */
};

struct col {
	const char *input;	/* header name in the extract */
	const char *name;	/* canonical name (the schema's) */
	int flags;
};

#define ID C_PLAIN
static const struct col cols_patients[] = {
	{ "IPP", "ipp", C_REQ | ID }, { "NIR", "nir", C_NIR | ID },
	{ "NOM", "last_name", C_REQ }, { "PRENOM", "first_name", 0 },
	{ "SEXE", "sex", C_REQ | ID },
	{ "DATE_NAISSANCE", "birth_date", C_REQ | C_DATE | ID },
	{ "ADRESSE", "address", 0 }, { "CODE_POSTAL", "postcode", ID },
	{ "VILLE", "city", 0 }, { "TELEPHONE", "phone", 0 },
	{ "DATE_DECES", "death_date", C_DATE | ID }
};
static const struct col cols_stays[] = {
	{ "IPP", "ipp", C_REQ | ID }, { "NDA", "nda", C_REQ | ID },
	{ "DATE_ENTREE", "admission", C_REQ | C_DTIME | ID },
	{ "DATE_SORTIE", "discharge", C_DTIME | ID }, { "UF", "unit", ID },
	{ "MODE_ENTREE", "admission_mode", ID },
	{ "MODE_SORTIE", "discharge_mode", ID }
};
static const struct col cols_diag[] = {
	{ "IPP", "ipp", C_REQ | ID }, { "NDA", "nda", C_REQ | ID },
	{ "CODE_CIM10", "icd10", C_REQ | ID },
	{ "TYPE_DIAG", "diag_type", C_REQ | ID },
	{ "DATE_DIAG", "diag_date", C_DATE | ID }
};
static const struct col cols_acts[] = {
	{ "IPP", "ipp", C_REQ | ID }, { "NDA", "nda", C_REQ | ID },
	{ "CODE_CCAM", "ccam", C_REQ | ID },
	{ "DATE_ACTE", "act_time", C_REQ | C_DTIME | ID },
	{ "ACTIVITE", "activity", ID }
};
static const struct col cols_lab[] = {
	{ "IPP", "ipp", C_REQ | ID }, { "NDA", "nda", ID },
	{ "NIR", "nir", C_NIR }, { "NOM", "last_name", 0 },
	{ "PRENOM", "first_name", 0 },
	{ "DATE_NAISSANCE", "birth_date", C_DATE | ID },
	{ "DATE_PRELEVEMENT", "sample_time", C_REQ | C_DTIME | ID },
	{ "CODE_LOINC", "loinc", C_REQ | ID }, { "LIBELLE", "label", 0 },
	{ "RESULTAT", "value", 0 }, { "UNITE", "unit", 0 },
	{ "BORNE_INF", "ref_low", 0 }, { "BORNE_SUP", "ref_high", 0 },
	{ "COMMENTAIRE", "comment", 0 }
};
static const struct col cols_rad[] = {
	{ "ipp", "ipp", C_REQ | ID }, { "nda", "nda", ID },
	{ "patient_name", "last_name", 0 },
	{ "patient_first_name", "first_name", 0 },
	{ "accession_number", "accession", C_REQ | ID },
	{ "study_instance_uid", "study_uid", C_REQ | ID },
	{ "modality", "modality", C_REQ | ID },
	{ "exam_datetime", "exam_time", C_REQ | C_DTIME | ID },
	{ "exam_label", "exam_label", 0 }, { "report_text", "report", 0 }
};
static const struct col cols_path[] = {
	{ "IPP", "ipp", C_REQ | ID }, { "NDA", "nda", ID },
	{ "NOM", "last_name", 0 }, { "PRENOM", "first_name", 0 },
	{ "NUM_EXAMEN", "exam_id", C_REQ | ID },
	{ "DATE_PRELEVEMENT", "sample_date", C_REQ | C_DATE | ID },
	{ "ORGANE", "organ", 0 }, { "CODE_ADICAP", "adicap", ID },
	{ "COMPTE_RENDU", "report", 0 }
};
static const struct col cols_dict[] = {
	{ "ipp", "ipp", C_REQ | ID }, { "nda", "nda", ID },
	{ "patient_last_name", "last_name", 0 },
	{ "patient_first_name", "first_name", 0 },
	{ "author", "author", 0 },
	{ "dictated_at", "dictated_at", C_REQ | C_DTISO | ID },
	{ "document_type", "doc_type", ID }, { "transcript", "transcript", 0 }
};
static const struct col cols_consent[] = {
	{ "patient_id", "patient_id", 0 }, { "scope", "scope", 0 },
	{ "decision", "decision", 0 }, { "recorded_at", "recorded_at", 0 },
	{ "source", "source", 0 }, { "expires_at", "expires_at", 0 }
};
#undef ID

struct source {
	const char *name;
	const char *file;
	char sep;
	int enc;
	const char *eol;	/* between rows */
	const char *nl;		/* inside text */
	int bom;
	int quote_text;		/* see put_row */
	const struct col *cols;
	int ncols;
	int event;		/* row count set by --rows / --count */
	uint64_t per_1000;	/* rows per 1000 laboratory rows */
	/* run time */
	char *fname;		/* file name, with .gz when compressed */
	int on;
	int gz;
	int counted;		/* --count given */
	uint64_t count;
	struct out *out;
	struct rng fault;
};

#define SRC(n, f, sp, en, eo, nl_, bo, qt, c, ev, per) { .name = n, \
	.file = f, .sep = sp, .enc = en, .eol = eo, .nl = nl_, .bom = bo, \
	.quote_text = qt, .cols = c, .ncols = (int)NELEM(c), .event = ev, \
	.per_1000 = per }
static struct source src[NSRC] = {
	SRC("dpi-patients", "dpi-patients.csv", ';', ENC_CP1252, "\r\n",
	    "\r\n", 0, 0, cols_patients, 0, 0),
	SRC("dpi-stays", "dpi-stays.csv", ';', ENC_CP1252, "\r\n", "\r\n", 0,
	    0, cols_stays, 0, 0),
	SRC("dpi-diagnoses", "dpi-diagnoses.csv", ';', ENC_CP1252, "\r\n",
	    "\r\n", 0, 0, cols_diag, 0, 0),
	SRC("dpi-acts", "dpi-acts.csv", ';', ENC_CP1252, "\r\n", "\r\n", 0, 0,
	    cols_acts, 0, 0),
	SRC("lab", "lab.csv", ';', ENC_CP1252, "\r\n", "\r\n", 0, 2,
	    cols_lab, 1, 1000),
	SRC("radiology", "radiology.csv", '|', ENC_UTF8, "\n", "\n", 0, 0,
	    cols_rad, 1, 100),
	SRC("pathology", "pathology.tsv", '\t', ENC_UTF8, "\r\n", "\n", 1, 0,
	    cols_path, 1, 25),
	SRC("dictation", "dictation.csv", ',', ENC_UTF8, "\r\n", "\r\n", 0, 1,
	    cols_dict, 1, 50),
	SRC("consent", "consent-events.csv", ',', ENC_UTF8, "\n", "\n", 0, 0,
	    cols_consent, 0, 0)
};
#undef SRC

static double bad_rate;
static struct out *truth;

/* --- faults ------------------------------------------------------------------ */

enum fault {
	F_DATE, F_NIR, F_MISSING, F_COLUMNS, F_QUOTE, NFAULT
};

/* A real-calendar impossibility: 31/02, 30/02, 29/02 of a common year... */
static void
bad_day(struct rng *r, int *y, int *m, int *d)
{
	static const int md[][2] = {
		{ 31, 2 }, { 30, 2 }, { 29, 2 }, { 31, 4 }, { 31, 6 },
		{ 31, 9 }, { 31, 11 }
	};
	int k = (int)rbelow(r, (uint32_t)NELEM(md));

	*d = md[k][0];
	*m = md[k][1];
	*y = 2019 + (int)rbelow(r, 8);
	if (k == 2 && *y % 4 == 0)
		(*y)++;
	if (rbelow(r, 3) == 0)
		*d = 31, *m = 2;	/* the classic */
}

static int nir_key(const char *);

/* A well-formed NIR whose key is wrong, from a valid compact one. */
static void
bad_nir(struct row *rw, const char *nir, struct rng *r)
{
	int key = (nir[13] - '0') * 10 + (nir[14] - '0');
	int k2 = key + 1 + (int)rbelow(r, 95);

	if (k2 > 97)
		k2 -= 97;
	ap(rw, nir, 13);
	ap02(rw, (unsigned)k2);
}

static void
add_truth(const struct source *s, uint64_t line, const char *kind,
    const char *column)
{
	char num[24];

	if (truth == NULL)
		return;
	snprintf(num, sizeof num, "%llu", (unsigned long long)line);
	out_put(truth, s->name, strlen(s->name));
	out_put(truth, ",", 1);
	out_put(truth, s->fname, strlen(s->fname));
	out_put(truth, ",", 1);
	out_put(truth, num, strlen(num));
	out_put(truth, ",", 1);
	out_put(truth, kind, strlen(kind));
	out_put(truth, ",", 1);
	out_put(truth, column, strlen(column));
	out_put(truth, "\n", 1);
	if (truth->len >= OUTBUF)
		out_flush(truth);
}

/* 1 if a column of s has one of the flags. */
static int
has_col(const struct source *s, int any)
{
	int i;

	for (i = 0; i < s->ncols; i++)
		if (s->cols[i].flags & any)
			return 1;
	return 0;
}

/* A column of s, drawn among those having one of the flags; -1 if none. */
static int
pick_col(const struct source *s, struct rng *r, int any)
{
	int idx[MAXF], n = 0, i;

	for (i = 0; i < s->ncols; i++)
		if (s->cols[i].flags & any)
			idx[n++] = i;
	return n == 0 ? -1 : idx[rbelow(r, (uint32_t)n)];
}

/*
 * Maybe corrupt the row about to be written to s (one fault, of a kind
 * the source can have); nir is the row's valid compact NIR or NULL.
 * Returns the fault's kind and sets *column, or NULL.
 */
static const char *
corrupt(struct source *s, struct row *rw, const char *nir,
    const char **column)
{
	struct rng *r = &s->fault;
	enum fault kinds[NFAULT];
	int nk = 0, c, i;
	size_t st;

	if (bad_rate <= 0 || runif(r) >= bad_rate)
		return NULL;
	kinds[nk++] = F_DATE;
	if (has_col(s, C_NIR))
		kinds[nk++] = F_NIR;
	kinds[nk++] = F_MISSING;
	kinds[nk++] = F_COLUMNS;
	kinds[nk++] = F_QUOTE;
	*column = "";
	switch (kinds[rbelow(r, (uint32_t)nk)]) {
	case F_DATE: {
		int y, m, d, fl;

		c = pick_col(s, r, C_DATE | C_DTIME | C_DTISO);
		fl = s->cols[c].flags;
		bad_day(r, &y, &m, &d);
		st = fstart(rw);
		if (fl & C_DTISO) {
			apuw(rw, (uint64_t)y, 4);
			apc(rw, '-');
			ap02(rw, (unsigned)m);
			apc(rw, '-');
			ap02(rw, (unsigned)d);
			aps(rw, "T10:05:00");
		} else {
			ap02(rw, (unsigned)d);
			apc(rw, '/');
			ap02(rw, (unsigned)m);
			apc(rw, '/');
			apuw(rw, (uint64_t)y, 4);
			if (fl & C_DTIME)
				aps(rw, " 09:30");
		}
		rw->f[c].s = rw->buf + st;
		rw->f[c].len = rw->used - st;
		*column = s->cols[c].name;
		return (fl & C_DATE) ? "bad-date" : "bad-datetime";
	}
	case F_NIR: {
		char fresh[16];

		c = pick_col(s, r, C_NIR);
		if (nir == NULL || *nir == '\0') {
			/* the patient has none: invent a well-formed one */
			int key;

			memcpy(fresh, "2690133123045", 13);
			key = nir_key(fresh);
			fresh[13] = two[2 * key];
			fresh[14] = two[2 * key + 1];
			fresh[15] = '\0';
			nir = fresh;
		}
		st = fstart(rw);
		bad_nir(rw, nir, r);
		rw->f[c].s = rw->buf + st;
		rw->f[c].len = rw->used - st;
		*column = s->cols[c].name;
		return "bad-nir";
	}
	case F_MISSING:
		c = pick_col(s, r, C_REQ);
		if (rbelow(r, 3) == 0) {
			rw->f[c].s = "  ";	/* blanks count as empty */
			rw->f[c].len = 2;
		} else {
			rw->f[c].s = "";
			rw->f[c].len = 0;
		}
		*column = s->cols[c].name;
		return "missing-required";
	case F_COLUMNS:
		if (rbelow(r, 2) == 0 && rw->n < MAXF) {
			if (rbelow(r, 2) == 0)
				fconst(rw, "X", 1, 0);
			else
				fempty(rw);
		} else
			rw->n--;
		return "column-count";
	case F_QUOTE:
		/* a quote inside an unquoted field; the row made one line */
		c = pick_col(s, r, C_PLAIN);
		for (i = 0; i < rw->n; i++) {
			char *p;
			size_t k;

			if (memchr(rw->f[i].s, '\n', rw->f[i].len) == NULL)
				continue;
			st = fstart(rw);
			ap(rw, rw->f[i].s, rw->f[i].len);
			for (k = st, p = rw->buf; k < rw->used; k++)
				if (p[k] == '\n' || p[k] == '\r')
					p[k] = ' ';
			rw->f[i].s = rw->buf + st;
		}
		st = fstart(rw);
		/* never first: a leading quote would open a quoted field */
		if (rw->f[c].len > 0)
			ap(rw, rw->f[c].s, 1);
		else
			apc(rw, 'X');
		apc(rw, '"');
		if (rw->f[c].len > 1)
			ap(rw, rw->f[c].s + 1, rw->f[c].len - 1);
		else
			apc(rw, 'X');
		rw->f[c].s = rw->buf + st;
		rw->f[c].len = rw->used - st;
		rw->f[c].raw = 1;
		return "bad-quoting";
	case NFAULT:
		break;
	}
	return NULL;
}

/* Corrupt maybe, write, and record the fault in the truth file. */
static void
emit(struct source *s, struct rng *r, const char *nir)
{
	const char *kind, *column = "";
	uint64_t line;

	kind = corrupt(s, &row, nir, &column);
	line = put_row(s->out, &row, s->quote_text, r);
	if (kind != NULL) {
		s->out->faults++;
		add_truth(s, line, kind, column);
	}
}

/* --- people ------------------------------------------------------------------ */

enum {
	T_PATIENT = 1, T_STAY, T_DIAG, T_ACT, T_LAB, T_RAD, T_PATH, T_DICT,
	T_CONSENT, T_FAULT, T_DOCTOR, T_CONTACT, T_OFFSET
};

static uint64_t npatients;

struct patient {
	uint64_t i;
	char ipp[12];
	size_t ipplen;
	char nir[16];		/* compact, "" when unknown */
	int sex;		/* 0 M, 1 F, 2 indeterminate */
	int64_t birth;		/* day */
	const struct name *last, *first;
	int nstays;
	int dead;
	int64_t death;		/* day, when dead */
};

struct stay {
	char nda[12];
	size_t ndalen;
	int64_t admit, discharge;	/* minutes; discharge -1: still in */
	int unit;
	char mode_in, mode_out;
};

static void
put_num(char *o, size_t *len, uint64_t v)
{
	char b[24];
	int i = 24;

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(o, b + i, (size_t)(24 - i));
	o[24 - i] = '\0';
	*len = (size_t)(24 - i);
}

static int
nir_key(const char *b)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < 13; i++) {
		if (i == 5 && b[5] == '2' && (b[6] == 'A' || b[6] == 'B')) {
			n = n * 100 + (b[6] == 'A' ? 19 : 18);
			i++;
		} else
			n = n * 10 + (uint64_t)(b[i] - '0');
	}
	return (int)(97 - n % 97);
}

static void stay_make(const struct patient *, int j, struct stay *);

static void
patient_make(uint64_t i, struct patient *p)
{
	static const char *const abroad[] = {
		"350", "352", "351", "139", "134", "127", "109", "131", "243",
		"216"
	};
	struct rng r;
	uint64_t v;
	int64_t age;
	int y, m, d, k, dep;
	char *n;

	rng_seed(&r, hash(T_PATIENT, i, 0));
	p->i = i;
	put_num(p->ipp, &p->ipplen, 10000000 +
	    (i * 7368787 + hash(T_OFFSET, T_PATIENT, 0) % 90000000) % 90000000);
	k = (int)rbelow(&r, 1000);
	p->sex = k < 480 ? 0 : k < 999 ? 1 : 2;
	k = (int)rbelow(&r, 100);
	if (k < 6)
		age = rbelow(&r, 3 * 365);
	else if (k < 20)
		age = 3 * 365 + rbelow(&r, 15 * 365);
	else if (k < 62)
		age = 18 * 365 + rbelow(&r, 47 * 365);
	else
		age = 65 * 365 + rbelow(&r, 36 * 365);
	p->birth = day_last - age;
	p->last = &lastn[rbelow(&r, (uint32_t)NELEM(last_names))];
	p->first = p->sex == 1 || (p->sex == 2 && rbelow(&r, 2)) ?
	    &firstf[rbelow(&r, (uint32_t)NELEM(first_names_f))] :
	    &firstm[rbelow(&r, (uint32_t)NELEM(first_names_m))];
	k = (int)rbelow(&r, 100);
	p->nstays = k < 40 ? 1 : k < 65 ? 2 : k < 80 ? 3 : k < 90 ? 4 :
	    k < 96 ? 5 : 6 + (int)rbelow(&r, 3);

	/* NIR: sex, year, month, place of birth, order, key */
	p->nir[0] = '\0';
	if (!permille(&r, 40)) {
		civil_from_days(p->birth, &y, &m, &d);
		n = p->nir;
		n[0] = p->sex == 1 ? '2' : p->sex == 0 ? '1' :
		    (char)('1' + rbelow(&r, 2));
		n[1] = two[2 * (y % 100)];
		n[2] = two[2 * (y % 100) + 1];
		n[3] = two[2 * m];
		n[4] = two[2 * m + 1];
		k = (int)rbelow(&r, 100);
		if (k < 5) {		/* Corsica */
			memcpy(n + 5, y < 1976 ? "20" : rbelow(&r, 2) ? "2A" :
			    "2B", 2);
			v = 1 + rbelow(&r, 360);
			n[7] = (char)('0' + v / 100);
			n[8] = two[2 * (v % 100)];
			n[9] = two[2 * (v % 100) + 1];
		} else if (k < 10) {	/* overseas: 97x + 2-digit commune */
			static const char dom[] = "12346";

			n[5] = '9';
			n[6] = '7';
			n[7] = dom[rbelow(&r, 5)];
			v = 1 + rbelow(&r, 34);
			n[8] = two[2 * v];
			n[9] = two[2 * v + 1];
		} else if (k < 16) {	/* born abroad: 99 + country */
			n[5] = '9';
			n[6] = '9';
			memcpy(n + 7, abroad[rbelow(&r, (uint32_t)NELEM(abroad))],
			    3);
		} else {
			do
				dep = 1 + (int)rbelow(&r, 95);
			while (dep == 20);
			n[5] = two[2 * dep];
			n[6] = two[2 * dep + 1];
			v = 1 + rbelow(&r, 800);
			n[7] = (char)('0' + v / 100);
			n[8] = two[2 * (v % 100)];
			n[9] = two[2 * (v % 100) + 1];
		}
		v = 1 + rbelow(&r, 999);
		n[10] = (char)('0' + v / 100);
		n[11] = two[2 * (v % 100)];
		n[12] = two[2 * (v % 100) + 1];
		k = nir_key(n);
		n[13] = two[2 * k];
		n[14] = two[2 * k + 1];
		n[15] = '\0';
	}

	/* A few die: on discharge from their latest stay. */
	p->dead = 0;
	if (permille(&r, age > 65 * 365 ? 60 : 8)) {
		struct stay st;
		int64_t last = -1;
		int j;

		for (j = 0; j < p->nstays; j++) {
			stay_make(p, j, &st);
			if (st.discharge < 0) {
				last = -1;
				break;
			}
			if (st.discharge > last)
				last = st.discharge;
		}
		if (last >= 0) {
			p->dead = 1;
			p->death = last / MIN_PER_DAY;
		}
	}
}

/* The day range a patient can have events in. */
static void
patient_span(const struct patient *p, int64_t *lo, int64_t *hi)
{
	*lo = p->birth > day_first ? p->birth : day_first;
	*hi = p->dead ? p->death : day_last;
}

static void
stay_make(const struct patient *p, int j, struct stay *s)
{
	struct rng r;
	int64_t lo, hi, day, los, end;
	uint64_t g = p->i * 8 + (uint64_t)j;
	int k;

	rng_seed(&r, hash(T_STAY, p->i, (uint64_t)j));
	put_num(s->nda, &s->ndalen, 1000000000ULL +
	    (g * 4294967311ULL + hash(T_OFFSET, T_STAY, 0) % 9000000000ULL) %
	    9000000000ULL);
	lo = p->birth > day_first ? p->birth : day_first;
	hi = day_last;
	day = lo + (int64_t)rbelow64(&r, (uint64_t)(hi - lo + 1));
	s->admit = day * MIN_PER_DAY + 360 + rbelow(&r, 900);
	if (day == p->birth)
		s->admit = day * MIN_PER_DAY + rbelow(&r, MIN_PER_DAY);
	k = (int)rbelow(&r, 100);
	if (k < 40)
		los = 0;
	else
		los = 1 + rbelow(&r, 6) + (k > 85 ? rbelow(&r, 25) : 0);
	end = s->admit + los * MIN_PER_DAY + 60 + rbelow(&r, 600);
	s->discharge = end / MIN_PER_DAY > day_last ? -1 : end;
	s->unit = (int)rbelow(&r, (uint32_t)NELEM(units));
	k = (int)rbelow(&r, 100);
	s->mode_in = day == p->birth ? 'N' : k < 80 ? '8' : k < 90 ? '6' : '7';
	k = (int)rbelow(&r, 100);
	s->mode_out = s->discharge < 0 ? 0 : k < 85 ? '8' : k < 93 ? '6' :
	    '7';
}

/* Doctors: drawn from the same name lists. */
static void
ap_doctor(struct row *rw, uint64_t d, int enc)
{
	struct rng r;

	rng_seed(&r, hash(T_DOCTOR, d, 0));
	aps(rw, rbelow(&r, 5) == 0 ? "Pr " : "Dr ");
	apstr(rw, &(rbelow(&r, 2) ? firstf : firstm)[rbelow(&r, 50)].cap,
	    enc);
	apc(rw, ' ');
	apstr(rw, &lastn[rbelow(&r, (uint32_t)NELEM(last_names))].cap, enc);
}

static void
ap_doctor_mail(struct row *rw, uint64_t d)
{
	struct rng r;
	const struct name *f, *l;

	rng_seed(&r, hash(T_DOCTOR, d, 0));
	(void)rbelow(&r, 5);
	f = &(rbelow(&r, 2) ? firstf : firstm)[rbelow(&r, 50)];
	l = &lastn[rbelow(&r, (uint32_t)NELEM(last_names))];
	apc(rw, f->ascii[0]);
	apc(rw, '.');
	aps(rw, l->ascii);
	aps(rw, "@chu-exemple.test");
}

/* A French phone number in one of the ways people write them. */
static void
ap_phone(struct row *rw, struct rng *r, int overseas)
{
	static const char *const dom[] = { "590", "596", "594", "262", "269",
		"690", "696", "694", "692", "639" };
	char d[10];
	int i, k;
	uint64_t v;

	d[0] = '0';
	if (overseas) {
		memcpy(d + 1, dom[rbelow(r, (uint32_t)NELEM(dom))], 3);
		v = rbelow(r, 1000000);
		for (i = 9; i >= 4; i--, v /= 10)
			d[i] = (char)('0' + v % 10);
	} else {
		k = (int)rbelow(r, 10);
		d[1] = (char)('0' + (k < 6 ? 6 + (k & 1) : 1 + k - 6));
		v = rbelow(r, 100000000);
		for (i = 9; i >= 2; i--, v /= 10)
			d[i] = (char)('0' + v % 10);
	}
	switch (rbelow(r, 8)) {
	case 0:
	case 1:
	case 2:			/* 06 12 34 56 78 */
		for (i = 0; i < 10; i += 2) {
			if (i > 0)
				apc(rw, ' ');
			ap(rw, d + i, 2);
		}
		break;
	case 3:			/* 0612345678 */
		ap(rw, d, 10);
		break;
	case 4:			/* 06.12.34.56.78 */
		for (i = 0; i < 10; i += 2) {
			if (i > 0)
				apc(rw, '.');
			ap(rw, d + i, 2);
		}
		break;
	case 5:			/* +33 6 12 34 56 78 */
		aps(rw, "+33 ");
		apc(rw, d[1]);
		for (i = 2; i < 10; i += 2) {
			apc(rw, ' ');
			ap(rw, d + i, 2);
		}
		break;
	case 6:			/* +33612345678 */
		aps(rw, "+33");
		ap(rw, d + 1, 9);
		break;
	default:		/* 06-12-34-56-78 */
		for (i = 0; i < 10; i += 2) {
			if (i > 0)
				apc(rw, '-');
			ap(rw, d + i, 2);
		}
		break;
	}
}

static void
ap_email(struct row *rw, const struct patient *p, struct rng *r)
{
	static const char *const dom[] = { "example.org", "example.com",
		"example.net", "messagerie.test" };

	aps(rw, p->first->ascii);
	apc(rw, rbelow(r, 3) ? '.' : '_');
	aps(rw, p->last->ascii);
	if (rbelow(r, 3) == 0)
		apu(rw, 1 + rbelow(r, 99));
	apc(rw, '@');
	aps(rw, PICK(r, dom));
}

/* NIR with spaces, as printed on the carte Vitale: 1 85 05 75 056 012 05. */
static void
ap_nir_spaced(struct row *rw, const char *n)
{
	ap(rw, n, 1);
	apc(rw, ' ');
	ap(rw, n + 1, 2);
	apc(rw, ' ');
	ap(rw, n + 3, 2);
	apc(rw, ' ');
	ap(rw, n + 5, 2);
	apc(rw, ' ');
	ap(rw, n + 7, 3);
	apc(rw, ' ');
	ap(rw, n + 10, 3);
	apc(rw, ' ');
	ap(rw, n + 13, 2);
}

/* What a text template can mention. */
struct ctx {
	const struct patient *p;
	const char *nda;	/* "" for none */
	int64_t minute;		/* the event */
	const char *acc;	/* accession or exam number */
	int enc;
	const char *nl;
	int upper;		/* names in capitals */
	struct rng *r;
};

static void
render(struct row *rw, const struct tpl *t, const struct ctx *c)
{
	const struct patient *p = c->p;
	int i;

	for (i = 0; i < t->n; i++) {
		const struct part *pt = &t->p[i];

		switch (pt->ph) {
		case PH_LIT:
			apstr(rw, &pt->lit, c->enc);
			break;
		case PH_NOM:
			apstr(rw, c->upper || rbelow(c->r, 3) == 0 ?
			    &p->last->up : &p->last->cap, c->enc);
			break;
		case PH_PRENOM:
			apstr(rw, &p->first->cap, c->enc);
			break;
		case PH_CIV:
			apstr(rw, &s_civ[p->sex], c->enc);
			break;
		case PH_IPP:
			ap(rw, p->ipp, p->ipplen);
			break;
		case PH_NDA:
			if (*c->nda != '\0')
				aps(rw, c->nda);
			else
				ap(rw, p->ipp, p->ipplen);
			break;
		case PH_NIR:
		case PH_NIRS:
			if (p->nir[0] == '\0')
				aps(rw, "inconnu");
			else if (pt->ph == PH_NIRS || rbelow(c->r, 2))
				ap_nir_spaced(rw, p->nir);
			else
				ap(rw, p->nir, 15);
			break;
		case PH_DDN:
			ap_dmy(rw, p->birth);
			break;
		case PH_DDNL:
			ap_long_date(rw, p->birth, c->enc);
			break;
		case PH_DATE:
			ap_dmy(rw, c->minute / MIN_PER_DAY -
			    rbelow(c->r, 60));
			break;
		case PH_DATEL:
			ap_long_date(rw, c->minute / MIN_PER_DAY +
			    rbelow(c->r, 60), c->enc);
			break;
		case PH_HEURE:
			apu(rw, 7 + rbelow(c->r, 12));
			apc(rw, 'h');
			ap02(rw, rbelow(c->r, 12) * 5);
			break;
		case PH_TEL:
			ap_phone(rw, c->r, rbelow(c->r, 10) == 0);
			break;
		case PH_EMAIL:
			ap_email(rw, p, c->r);
			break;
		case PH_DR:
			ap_doctor(rw, rbelow(c->r, 400), c->enc);
			break;
		case PH_DRMAIL:
			ap_doctor_mail(rw, rbelow(c->r, 400));
			break;
		case PH_ACC:
		case PH_EXAM:
			aps(rw, c->acc);
			break;
		case PH_N:
			aps(rw, c->nl);
			break;
		case PH_T:
			apc(rw, '\t');
			break;
		}
	}
}

static void
row_reset(void)
{
	row.n = 0;
	row.used = 0;
}

/* A uniformly drawn patient, with a third of the events going to a tenth
 * of the patients (the chronically ill). */
static uint64_t
draw_patient(struct rng *r)
{
	if (rbelow(r, 3) == 0)
		return rbelow64(r, npatients / 10 > 0 ? npatients / 10 : 1);
	return rbelow64(r, npatients);
}

/* An event time for a patient: inside one of its stays, or as an
 * outpatient (stay NULL, nda ""). */
static int64_t
draw_event(const struct patient *p, struct rng *r, int inpatient,
    struct stay *st)
{
	int64_t lo, hi, end;

	if (inpatient) {
		stay_make(p, (int)rbelow(r, (uint32_t)p->nstays), st);
		end = st->discharge >= 0 ? st->discharge :
		    day_last * MIN_PER_DAY + MIN_PER_DAY - 1;
		return st->admit + (int64_t)rbelow64(r,
		    (uint64_t)(end - st->admit + 1));
	}
	patient_span(p, &lo, &hi);
	return (lo + (int64_t)rbelow64(r, (uint64_t)(hi - lo + 1))) *
	    MIN_PER_DAY + 450 + rbelow(r, 660);
}

/* --- the DPI sources: one pass over the patients ------------------------------ */

static void
gen_dpi(void)
{
	struct source *sp = &src[S_PATIENTS], *ss = &src[S_STAYS],
	    *sd = &src[S_DIAG], *sa = &src[S_ACTS];
	struct patient p;
	struct stay st;
	struct rng r;
	uint64_t i;
	int j, k, n, enc = ENC_CP1252;
	size_t b;

	if (!sp->on && !ss->on && !sd->on && !sa->on)
		return;
	for (i = 0; i < npatients; i++) {
		patient_make(i, &p);
		if (sp->on) {
			const struct place *pl;
			int pk;

			rng_seed(&r, hash(T_CONTACT, i, 0));
			row_reset();
			fconst(&row, p.ipp, p.ipplen, 0);
			fconst(&row, p.nir, strlen(p.nir), 0);
			fstr(&row, rbelow(&r, 4) == 0 ? &p.last->up :
			    &p.last->cap, enc, 1);
			fstr(&row, &p.first->cap, enc, 1);
			fconst(&row, p.sex == 0 ? "M" : p.sex == 1 ? "F" : "I",
			    1, 0);
			b = fstart(&row);
			ap_dmy(&row, p.birth);
			fend(&row, b, 0);
			/* address */
			b = fstart(&row);
			k = (int)rbelow(&r, 100);
			if (k < 3) {
				aps(&row, "Appt ");
				apu(&row, 1 + rbelow(&r, 80));
				aps(&row, "; ");
			} else if (k < 6)
				apstr(&row, &s_residence, enc);
			if (k == 6 || k == 7)
				apstr(&row, &s_lieudit, enc);
			else {
				apu(&row, 1 + rbelow(&r, 140));
				if (rbelow(&r, 12) == 0)
					aps(&row, " bis");
				apc(&row, ' ');
				apstr(&row, &s_stypes[rbelow(&r,
				    (uint32_t)NELEM(street_types))], enc);
				apc(&row, ' ');
				apstr(&row, &s_streets[rbelow(&r,
				    (uint32_t)NELEM(street_names))], enc);
			}
			fend(&row, b, 1);
			pk = (int)rbelow(&r, (uint32_t)NELEM(places));
			pl = &places[pk];
			fconst(&row, pl->postcode, 5, 0);
			fstr(&row, &s_cities[pk], enc, 1);
			b = fstart(&row);
			if (rbelow(&r, 10) != 0)
				ap_phone(&row, &r, pl->postcode[0] == '9' &&
				    pl->postcode[1] == '7');
			fend(&row, b, 1);
			b = fstart(&row);
			if (p.dead)
				ap_dmy(&row, p.death);
			fend(&row, b, 0);
			emit(sp, &r, p.nir);
		}
		for (j = 0; j < p.nstays; j++) {
			if (!ss->on && !sd->on && !sa->on)
				break;
			stay_make(&p, j, &st);
			rng_seed(&r, hash(T_DIAG, i, (uint64_t)j));
			if (ss->on) {
				int sec = rbelow(&r, 3) == 0;

				row_reset();
				fconst(&row, p.ipp, p.ipplen, 0);
				fconst(&row, st.nda, st.ndalen, 0);
				b = fstart(&row);
				ap_dmy_hm(&row, st.admit, sec ? (int)rbelow(&r,
				    60) : -1);
				fend(&row, b, 0);
				b = fstart(&row);
				if (st.discharge >= 0)
					ap_dmy_hm(&row, st.discharge, sec ?
					    (int)rbelow(&r, 60) : -1);
				fend(&row, b, 0);
				fconst(&row, units[st.unit], 4, 0);
				fconst(&row, &st.mode_in, 1, 0);
				if (p.dead && st.discharge >= 0 &&
				    st.discharge / MIN_PER_DAY == p.death)
					fconst(&row, "9", 1, 0);
				else
					fconst(&row, &st.mode_out,
					    st.mode_out ? 1 : 0, 0);
				emit(ss, &r, NULL);
			}
			if (sd->on) {
				n = 1 + (int)rbelow(&r, 4);
				for (k = 0; k < n; k++) {
					const char *code = PICK(&r, icd10), *dt;
					int64_t day = st.admit / MIN_PER_DAY;

					row_reset();
					fconst(&row, p.ipp, p.ipplen, 0);
					fconst(&row, st.nda, st.ndalen, 0);
					b = fstart(&row);
					if (rbelow(&r, 3) == 0) {
						/* written without its dot */
						const char *dot = strchr(code,
						    '.');

						if (dot != NULL) {
							ap(&row, code, (size_t)
							    (dot - code));
							aps(&row, dot + 1);
						} else
							aps(&row, code);
					} else
						aps(&row, code);
					if (rbelow(&r, 40) == 0)
						row.buf[b] = (char)(row.buf[b] -
						    'A' + 'a');
					fend(&row, b, 0);
					dt = k == 0 ? "DP" : k == 1 &&
					    rbelow(&r, 4) == 0 ? "DR" : "DAS";
					fconst(&row, dt, strlen(dt), 0);
					b = fstart(&row);
					if (rbelow(&r, 10) != 0)
						ap_dmy(&row, day + (st.discharge
						    >= 0 ? (int64_t)rbelow(&r,
						    (uint32_t)(st.discharge /
						    MIN_PER_DAY - day + 1)) :
						    0));
					fend(&row, b, 0);
					emit(sd, &r, NULL);
				}
			}
			if (sa->on) {
				n = (int)rbelow(&r, 4);
				for (k = 0; k < n; k++) {
					const struct act *a = &PICK(&r, ccam);
					int64_t end = st.discharge >= 0 ?
					    st.discharge : st.admit + 600;
					int64_t t = st.admit + (int64_t)
					    rbelow64(&r, (uint64_t)(end -
					    st.admit + 1));
					int anaes = a->surgical &&
					    rbelow(&r, 2) == 0;

					row_reset();
					fconst(&row, p.ipp, p.ipplen, 0);
					fconst(&row, st.nda, st.ndalen, 0);
					fconst(&row, a->code, 7, 0);
					b = fstart(&row);
					if (rbelow(&r, 8) == 0)
						ap_dmy(&row, t / MIN_PER_DAY);
					else
						ap_dmy_hm(&row, t, -1);
					fend(&row, b, 0);
					fconst(&row, anaes ? "4" : "1", 1, 0);
					emit(sa, &r, NULL);
				}
			}
		}
	}
}

/* --- laboratory: results in panels sharing a sample ------------------------- */

static void
ap_value(struct row *rw, const struct labtest *lt, struct rng *r)
{
	double v = lt->mean + lt->sd * rgauss(r);

	if (lt->lod > 0 && v < lt->lod) {
		apc(rw, '<');
		ap_dec(rw, lt->lod, 2, 0);
	} else if (lt->lod_high > 0 && v > lt->lod_high) {
		apc(rw, '>');
		ap_dec(rw, lt->lod_high, 2, 0);
	} else {
		if (v <= 0)
			v = lt->mean * (0.05 + 0.1 * runif(r));
		ap_dec(rw, v, lt->decimals, 1);
	}
}

static void
gen_lab(void)
{
	struct source *s = &src[S_LAB];
	const struct panel *pn = NULL;
	const int enc = s->enc;
	struct patient p;
	struct stay st;
	struct rng r;
	struct ctx c;
	int64_t t = 0;
	int pi = 0, sec = -1, nir_shown = 0, spaced = 0, inpatient = 0;
	int total = 0, w;
	uint64_t k;
	size_t b, i;

	if (!s->on)
		return;
	for (i = 0; i < NELEM(panels); i++)
		total += panels[i].weight;
	rng_seed(&r, hash(T_LAB, 0, 0));
	memset(&p, 0, sizeof p);
	c.p = &p;
	c.acc = "";
	c.enc = enc;
	c.nl = s->nl;
	c.upper = 0;
	c.r = &r;
	for (k = 0; k < s->count; k++) {
		const struct labtest *lt;
		int ti, nonresult;

		if (pn == NULL || pi >= pn->n) {
			/* a new sample: patient, time, panel */
			patient_make(draw_patient(&r), &p);
			inpatient = rbelow(&r, 10) < 7;
			t = draw_event(&p, &r, inpatient, &st);
			sec = rbelow(&r, 10) < 3 ? (int)rbelow(&r, 60) : -1;
			nir_shown = p.nir[0] != '\0' && rbelow(&r, 100) < 85;
			spaced = rbelow(&r, 5) == 0;
			w = (int)rbelow(&r, (uint32_t)total);
			for (i = 0; w >= panels[i].weight; i++)
				w -= panels[i].weight;
			pn = &panels[i];
			pi = 0;
			c.nda = inpatient ? st.nda : "";
			c.minute = t;
		}
		ti = pn->t[pi++];
		lt = &labtests[ti];
		row_reset();
		fconst(&row, p.ipp, p.ipplen, 0);
		fconst(&row, c.nda, strlen(c.nda), 0);
		b = fstart(&row);
		if (nir_shown) {
			if (spaced)
				ap_nir_spaced(&row, p.nir);
			else
				ap(&row, p.nir, 15);
		}
		fend(&row, b, 0);
		fstr(&row, &p.last->up, enc, 1);
		fstr(&row, &p.first->cap, enc, 1);
		b = fstart(&row);
		ap_dmy(&row, p.birth);
		fend(&row, b, 0);
		b = fstart(&row);
		ap_dmy_hm(&row, t, sec);
		fend(&row, b, 0);
		fconst(&row, lt->loinc, strlen(lt->loinc), 0);
		fstr(&row, &s_labels[ti], enc, 0);
		nonresult = rbelow(&r, 250) == 0;
		b = fstart(&row);
		if (!nonresult)
			ap_value(&row, lt, &r);
		fend(&row, b, 0);
		fstr(&row, &s_units[ti], enc, 0);
		b = fstart(&row);
		if (lt->low >= 0)
			ap_dec(&row, lt->low, 2, 0);
		fend(&row, b, 0);
		b = fstart(&row);
		if (lt->has_high)
			ap_dec(&row, lt->high, 2, 0);
		fend(&row, b, 0);
		b = fstart(&row);
		if (nonresult)
			render(&row, PICKT(&r, t_labnr, lab_nonresult), &c);
		else if (rbelow(&r, 100) < 12)
			render(&row, PICKT(&r, t_labc, lab_comments), &c);
		fend(&row, b, 1);
		emit(s, &r, p.nir[0] != '\0' ? p.nir : NULL);
	}
}

/* --- radiology ---------------------------------------------------------------- */

static void
ap_accession(struct row *rw, int64_t minute, uint64_t n)
{
	int y, m, d;

	civil_from_days(minute / MIN_PER_DAY, &y, &m, &d);
	aps(rw, "RA");
	ap02(rw, (unsigned)(y % 100));
	apuw(rw, (n * 48271 + hash(T_OFFSET, T_RAD, 0) % 100000000) % 100000000,
	    8);
}

static void
gen_rad(void)
{
	struct source *s = &src[S_RAD];
	const int enc = s->enc;
	struct patient p;
	struct stay st;
	struct rng r;
	struct ctx c;
	char other[16];
	uint64_t k;
	size_t b, i;
	int64_t t;

	if (!s->on)
		return;
	rng_seed(&r, hash(T_RAD, 0, 0));
	c.p = &p;
	c.enc = enc;
	c.nl = s->nl;
	c.upper = 1;
	c.r = &r;
	c.acc = other;
	for (k = 0; k < s->count; k++) {
		const struct exam *ex;
		int e, inpatient;

		patient_make(draw_patient(&r), &p);
		inpatient = rbelow(&r, 2) == 0;
		t = draw_event(&p, &r, inpatient, &st);
		c.nda = inpatient ? st.nda : "";
		c.minute = t;
		e = (int)rbelow(&r, (uint32_t)NELEM(exams));
		ex = &exams[e];
		row_reset();
		fconst(&row, p.ipp, p.ipplen, 0);
		fconst(&row, c.nda, strlen(c.nda), 0);
		fstr(&row, &p.last->up, enc, 1);
		fstr(&row, &p.first->cap, enc, 1);
		b = fstart(&row);
		ap_accession(&row, t, k);
		fend(&row, b, 0);
		/* an earlier examination, for the report to refer to */
		memcpy(other, "RA", 2);
		other[2] = two[2 * (1 + rbelow(&r, 25))];
		other[3] = two[2 * (1 + rbelow(&r, 25)) + 1];
		for (i = 4; i < 12; i++)
			other[i] = (char)('0' + rbelow(&r, 10));
		other[12] = '\0';
		b = fstart(&row);
		aps(&row, "2.25.");
		apc(&row, (char)('1' + rbelow(&r, 9)));
		for (i = 0; i < 37; i++)
			apc(&row, (char)('0' + rbelow(&r, 10)));
		fend(&row, b, 0);
		b = fstart(&row);
		aps(&row, ex->modality);
		if (rbelow(&r, 40) == 0)
			for (i = b; i < row.used; i++)
				row.buf[i] = (char)(row.buf[i] - 'A' + 'a');
		fend(&row, b, 0);
		b = fstart(&row);
		ap_dmy_hm(&row, t, -1);
		fend(&row, b, 0);
		fstr(&row, &s_exlabel[e], enc, 1);
		b = fstart(&row);
		if (rbelow(&r, 20) != 0) {	/* else: not yet reported */
			aps(&row, "Indication : ");
			render(&row, PICKT(&r, t_radind, rad_indications), &c);
			aps(&row, c.nl);
			aps(&row, "Technique : ");
			apstr(&row, &s_extech[e], enc);
			aps(&row, c.nl);
			aps(&row, "Résultats : ");
			render(&row, PICKT(&r, t_radfind, rad_findings), &c);
			if (rbelow(&r, 2)) {
				apc(&row, ' ');
				render(&row, PICKT(&r, t_radfind, rad_findings), &c);
			}
			aps(&row, c.nl);
			aps(&row, "Conclusion : ");
			render(&row, PICKT(&r, t_radconc, rad_conclusions), &c);
			if (rbelow(&r, 3) == 0) {
				aps(&row, c.nl);
				aps(&row, c.nl);
				ap_doctor(&row, rbelow(&r, 400), enc);
			}
		}
		fend(&row, b, 1);
		emit(s, &r, NULL);
	}
}

/* --- pathology ----------------------------------------------------------------- */

static void
gen_path(void)
{
	static const char *const prefix[] = { "H", "H", "C", "EX", "BIO" };
	static const char *const sampling = "BBPPC";
	struct source *s = &src[S_PATH];
	const int enc = s->enc;
	struct patient p;
	struct stay st;
	struct rng r;
	struct ctx c;
	char exam[24];
	uint64_t k;
	size_t b;
	int64_t t;
	int y, m, d;

	if (!s->on)
		return;
	rng_seed(&r, hash(T_PATH, 0, 0));
	c.p = &p;
	c.enc = enc;
	c.nl = s->nl;
	c.upper = 0;
	c.r = &r;
	c.acc = exam;
	for (k = 0; k < s->count; k++) {
		int o, inpatient;

		patient_make(draw_patient(&r), &p);
		inpatient = rbelow(&r, 10) < 6;
		t = draw_event(&p, &r, inpatient, &st);
		c.nda = inpatient ? st.nda : "";
		c.minute = t;
		civil_from_days(t / MIN_PER_DAY, &y, &m, &d);
		snprintf(exam, sizeof exam, "%s%02d-%06llu", PICK(&r, prefix),
		    y % 100, (unsigned long long)((k * 7919 +
		    hash(T_OFFSET, T_PATH, 0) % 1000000) % 1000000));
		o = (int)rbelow(&r, (uint32_t)NELEM(organs));
		row_reset();
		fconst(&row, p.ipp, p.ipplen, 0);
		fconst(&row, c.nda, strlen(c.nda), 0);
		fstr(&row, &p.last->cap, enc, 1);
		fstr(&row, &p.first->cap, enc, 1);
		fconst(&row, exam, strlen(exam), 0);
		b = fstart(&row);
		ap_dmy(&row, t / MIN_PER_DAY);
		fend(&row, b, 0);
		fstr(&row, &s_organs[o], enc, 1);
		b = fstart(&row);
		apc(&row, sampling[rbelow(&r, 5)]);
		apc(&row, rbelow(&r, 4) == 0 ? 'C' : 'H');
		aps(&row, organs[o].code);
		aps(&row, PICK(&r, adicap_lesions));
		fend(&row, b, 0);
		b = fstart(&row);
		render(&row, PICKT(&r, t_pmacro, path_macro), &c);
		aps(&row, c.nl);
		render(&row, PICKT(&r, t_pmicro, path_micro), &c);
		aps(&row, c.nl);
		render(&row, PICKT(&r, t_pconc, path_conclusions), &c);
		fend(&row, b, 1);
		emit(s, &r, NULL);
	}
}

/* --- dictation: speech-to-text transcripts ------------------------------------- */

static void
gen_dict(void)
{
	static const char *const types[] = { "CRH", "CRO", "CONS", "LETTRE",
		"CRIMG" };
	static const char *const offsets[] = { "Z", "+01:00", "+02:00", "" };
	struct source *s = &src[S_DICT];
	const int enc = s->enc;
	struct patient p;
	struct stay st;
	struct rng r;
	struct ctx c;
	uint64_t k;
	size_t b, i;
	int64_t t;
	int n, j;

	if (!s->on)
		return;
	rng_seed(&r, hash(T_DICT, 0, 0));
	c.p = &p;
	c.enc = enc;
	c.nl = s->nl;
	c.upper = 0;
	c.r = &r;
	c.acc = "";
	for (k = 0; k < s->count; k++) {
		int inpatient;
		const char *off;

		patient_make(draw_patient(&r), &p);
		inpatient = rbelow(&r, 10) < 7;
		t = draw_event(&p, &r, inpatient, &st);
		c.nda = inpatient ? st.nda : "";
		c.minute = t;
		row_reset();
		fconst(&row, p.ipp, p.ipplen, 0);
		fconst(&row, c.nda, strlen(c.nda), 0);
		fstr(&row, &p.last->cap, enc, 1);
		fstr(&row, &p.first->cap, enc, 1);
		b = fstart(&row);
		ap_doctor(&row, rbelow(&r, 400), enc);
		fend(&row, b, 1);
		/* dictated a little after the event, local time or UTC */
		t += 30 + rbelow(&r, 2000);
		off = PICK(&r, offsets);
		b = fstart(&row);
		ap_iso_date(&row, t / MIN_PER_DAY);
		apc(&row, 'T');
		ap_hm(&row, t);
		apc(&row, ':');
		ap02(&row, rbelow(&r, 60));
		aps(&row, off);
		fend(&row, b, 0);
		b = fstart(&row);
		aps(&row, PICK(&r, types));
		if (rbelow(&r, 25) == 0)
			for (i = b; i < row.used; i++)
				row.buf[i] = (char)(row.buf[i] - 'A' + 'a');
		fend(&row, b, 0);
		b = fstart(&row);
		render(&row, PICKT(&r, t_dopen, dict_openings), &c);
		n = 1 + (int)rbelow(&r, 4);
		for (j = 0; j < n; j++) {
			aps(&row, rbelow(&r, 3) == 0 ? " " : c.nl);
			render(&row, PICKT(&r, t_dbody, dict_bodies), &c);
		}
		aps(&row, c.nl);
		render(&row, PICKT(&r, t_dclose, dict_closings), &c);
		fend(&row, b, 1);
		emit(s, &r, NULL);
	}
}

/* --- consent events ------------------------------------------------------------- */

/* recorded_at / expires_at in one of four ISO 8601 styles. */
static void
ap_when(struct row *rw, int64_t minute, int style, int sec)
{
	int64_t m = minute;

	if (style == 3) {		/* a date alone */
		ap_iso_date(rw, m / MIN_PER_DAY);
		return;
	}
	if (style == 1)			/* local time, +01:00 */
		m += 60;
	ap_iso_date(rw, m / MIN_PER_DAY);
	apc(rw, 'T');
	ap_hm(rw, m);
	apc(rw, ':');
	ap02(rw, (unsigned)sec);
	if (style == 0)
		apc(rw, 'Z');
	else if (style == 1)
		aps(rw, "+01:00");
}

static int
draw_style(struct rng *r)
{
	unsigned k = rbelow(r, 100);

	return k < 50 ? 0 : k < 70 ? 1 : k < 85 ? 2 : 3;
}

static void
consent_event(struct rng *r, const struct patient *p, const char *scope,
    const char *decision, int64_t minute, int style, int sec,
    int64_t expires)
{
	struct source *s = &src[S_CONSENT];
	const char *origin;
	size_t b;

	row_reset();
	fconst(&row, p->ipp, p->ipplen, 0);
	fconst(&row, scope, strlen(scope), 0);
	fconst(&row, decision, strlen(decision), 0);
	b = fstart(&row);
	ap_when(&row, minute, style, sec);
	fend(&row, b, 0);
	origin = PICK(r, consent_sources);
	fconst(&row, origin, strlen(origin), 0);
	b = fstart(&row);
	if (expires >= 0)
		ap_when(&row, expires, style == 3 ? 3 : 0, 0);
	fend(&row, b, 0);
	put_row(s->out, &row, 0, r);
}

static void
gen_consent(void)
{
	struct source *s = &src[S_CONSENT];
	struct patient p;
	struct rng r;
	uint64_t i;
	int64_t lo, hi, t0, t1, t2;
	int story, st, sec;

	if (!s->on)
		return;
	for (i = 0; i < npatients; i++) {
		patient_make(i, &p);
		rng_seed(&r, hash(T_CONSENT, i, 0));
		story = (int)rbelow(&r, 1000);
		if (story < 150)
			continue;	/* no record at all */
		patient_span(&p, &lo, &hi);
		t0 = (lo + (int64_t)rbelow64(&r, (uint64_t)(hi - lo + 1))) *
		    MIN_PER_DAY + 420 + rbelow(&r, 720);
		t1 = t0 + 1440 * (1 + (int64_t)rbelow(&r, 400)) +
		    rbelow(&r, 600);
		t2 = t1 + 1440 * (1 + (int64_t)rbelow(&r, 300)) +
		    rbelow(&r, 600);
		st = draw_style(&r);
		sec = (int)rbelow(&r, 60);
		if (story < 500) {
			consent_event(&r, &p, "primary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, "secondary", "granted", t0, st,
			    sec, -1);
		} else if (story < 600) {
			consent_event(&r, &p, "primary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, "secondary", "refused", t0 + 5,
			    st, sec, -1);
		} else if (story < 680) {
			consent_event(&r, &p, "primary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, "secondary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, "secondary", "withdrawn", t1,
			    draw_style(&r), sec, -1);
		} else if (story < 730) {
			/* withdrawn, then granted again */
			consent_event(&r, &p, "secondary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, "secondary", "withdrawn", t1,
			    draw_style(&r), sec, -1);
			consent_event(&r, &p, "secondary", "granted", t2,
			    draw_style(&r), sec, -1);
		} else if (story < 800) {
			/* granted for a while: some expired by the extract */
			consent_event(&r, &p, "primary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, "secondary", "granted", t0, st,
			    sec, t0 + 1440 * (180 + (int64_t)rbelow(&r,
			    3 * 365)));
		} else if (story < 870) {
			/* a study-specific decision */
			const char *study = PICK(&r, study_scopes);
			unsigned k = rbelow(&r, 10);

			consent_event(&r, &p, "secondary", "granted", t0, st,
			    sec, -1);
			consent_event(&r, &p, study, k < 4 ? "refused" :
			    "granted", t1, draw_style(&r), sec, k >= 7 ?
			    t1 + 1440 * (365 + (int64_t)rbelow(&r, 730)) :
			    -1);
		} else if (story < 920) {
			/* two decisions at the same instant: file order wins */
			int st2 = st == 3 ? 0 : st;

			if (rbelow(&r, 10) < 3)
				st2 = st2 == 0 ? 1 : 0;	/* same instant, other form */
			if (st == 3)
				st = 0;
			if (rbelow(&r, 2)) {
				consent_event(&r, &p, "secondary", "granted",
				    t0, st, sec, -1);
				consent_event(&r, &p, "secondary", "withdrawn",
				    t0, st2, sec, -1);
			} else {
				consent_event(&r, &p, "secondary", "refused",
				    t0, st, sec, -1);
				consent_event(&r, &p, "secondary", "granted",
				    t0, st2, sec, -1);
			}
		} else if (story < 970)
			consent_event(&r, &p, "primary", "granted", t0, st,
			    sec, -1);
		else
			consent_event(&r, &p, "secondary", "refused", t0, 3,
			    0, -1);
	}
}

/* --- command line ------------------------------------------------------------------ */

enum {
	OPT_ONLY = CLI_OPT_FIRST_TOOL, OPT_COUNT, OPT_GZIP, OPT_BAD_RATE,
	OPT_TRUTH, OPT_LIST
};

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, CLI_OPT_VERSION },
	{ "output", required_argument, NULL, 'o' },
	{ "out", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "seed", required_argument, NULL, 's' },
	{ "patients", required_argument, NULL, 'p' },
	{ "rows", required_argument, NULL, 'n' },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "gzip", required_argument, NULL, OPT_GZIP },
	{ "bad-rate", required_argument, NULL, OPT_BAD_RATE },
	{ "truth", required_argument, NULL, OPT_TRUTH },
	{ "list", no_argument, NULL, OPT_LIST },
	{ NULL, 0, NULL, 0 }
};

static uint64_t
parse_u64(const char *opt, const char *s, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9' || (v = strtoull(s, &end, 10), errno != 0) ||
	    *end != '\0' || v > max)
		cli_usage_error("%s takes a whole number from 0 to %llu, not "
		    "'%s'", opt, (unsigned long long)max, s);
	return v;
}

static struct source *
find_source(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NSRC; i++)
		if (strlen(src[i].name) == len &&
		    strncmp(src[i].name, name, len) == 0)
			return &src[i];
	cli_usage_error("unknown source '%.*s' (sources: dpi-patients, "
	    "dpi-stays, dpi-diagnoses, dpi-acts, lab, radiology, pathology, "
	    "dictation, consent)", (int)(len > 40 ? 40 : len), name);
}

/* Mark each source of a comma-separated list: on (--only) or gz (--gzip). */
static void
each_source(const char *list, const char *opt, int gz)
{
	const char *p = list, *e;
	struct source *s;

	if (*p == '\0')
		cli_usage_error("%s takes a list of sources", opt);
	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		s = find_source(p, (size_t)(e - p));
		if (gz)
			s->gz = 1;
		else
			s->on = 1;
		p = *e == ',' ? e + 1 : e;
	}
}

/* The end of a run: standard output must have been written. */
static int
finish(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_warnx("cannot write to standard output: %s",
		    strerror(errno));
		return EDS_EX_IOERR;
	}
	return 0;
}

static void
parse_counts(const char *list)
{
	const char *p = list, *eq, *e;
	struct source *s;
	char num[32];

	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq == NULL || (size_t)(e - eq - 1) >= sizeof num)
			cli_usage_error("--count takes SOURCE=N[,SOURCE=N...], "
			    "not '%s'", list);
		s = find_source(p, (size_t)(eq - p));
		if (!s->event)
			cli_usage_error("--count applies to lab, radiology, "
			    "pathology and dictation; the size of '%s' follows "
			    "--patients", s->name);
		memcpy(num, eq + 1, (size_t)(e - eq - 1));
		num[e - eq - 1] = '\0';
		s->count = parse_u64("--count", num, 2000000000ULL);
		s->counted = 1;
		p = *e == ',' ? e + 1 : e;
	}
}

static double
parse_rate(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end != s && *end == '%' && end[1] == '\0')
		v /= 100.0;
	else if (end == s || *end != '\0')
		v = -1;
	if (!(v >= 0 && v <= 1))
		cli_usage_error("--bad-rate takes a fraction from 0 to 1 or a "
		    "percentage, not '%s'", s);
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t rows = 10000, total_rows = 0, total_bytes = 0;
	const char *truth_path = NULL, *dir;
	int ch, i, list = 0, only = 0, have_patients = 0;
	struct sigaction sa;
	double t0, dt;

	cli_init("eds-gen", usage);
	seed = 1;
	while ((ch = getopt_long(argc, argv, "hn:o:p:qs:", options, NULL)) !=
	    -1) {
		if (cli_common_option(ch, optarg))
			continue;
		switch (ch) {
		case 's':
			seed = parse_u64("--seed", optarg, UINT64_MAX);
			break;
		case 'p':
			npatients = parse_u64("--patients", optarg, 90000000);
			have_patients = 1;
			break;
		case 'n':
			rows = parse_u64("--rows", optarg, 2000000000ULL);
			break;
		case OPT_ONLY:
			each_source(optarg, "--only", 0);
			only = 1;
			break;
		case OPT_COUNT:
			parse_counts(optarg);
			break;
		case OPT_GZIP:
			if (strcmp(optarg, "all") == 0)
				for (i = 0; i < NSRC; i++)
					src[i].gz = 1;
			else
				each_source(optarg, "--gzip", 1);
			break;
		case OPT_BAD_RATE:
			bad_rate = parse_rate(optarg);
			break;
		case OPT_TRUTH:
			truth_path = optarg;
			break;
		case OPT_LIST:
			list = 1;
			break;
		default:
			cli_usage(EDS_EX_USAGE);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	for (i = 0; i < NSRC; i++) {
		if (!only)
			src[i].on = 1;
		src[i].fname = src[i].gz ? xasprintf("%s.gz", src[i].file) :
		    xstrdup(src[i].file);
	}
	if (list) {
		for (i = 0; i < NSRC; i++)
			if (src[i].on)
				printf("%s\t%s\n", src[i].name, src[i].fname);
		return finish();
	}
	if ((dir = cli.output) == NULL)
		cli_usage_error("an output directory is required (-o DIR)");
	if (!have_patients)
		npatients = rows / 25 > 100 ? rows / 25 : 100;
	if (npatients == 0)
		cli_usage_error("--patients must be at least 1");
	for (i = 0; i < NSRC; i++)
		if (src[i].event && !src[i].counted) {
			src[i].count = rows * src[i].per_1000 / 1000;
			if (src[i].count == 0 && rows > 0)
				src[i].count = 1;
		}

	day_first = days_from_civil(2019, 1, 1);
	day_last = days_from_civil(2026, 11, 27);
	tables_init();
	row.buf = xmalloc(ROWBUF);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (mkdir(dir, 0777) == -1 && errno != EEXIST)
		die(EDS_EX_CANTCREAT, "cannot create directory '%s': %s", dir,
		    strerror(errno));
	t0 = cli_now();
	for (i = 0; i < NSRC; i++) {
		struct source *s = &src[i];
		const char *names[MAXF];
		int c;

		if (!s->on)
			continue;
		s->out = out_open(dir, s->fname, s->gz, s->sep, s->enc,
		    s->eol);
		for (c = 0; c < s->ncols; c++)
			names[c] = s->cols[c].input;
		put_header(s->out, names, s->ncols, s->bom);
		rng_seed(&s->fault, hash(T_FAULT, (uint64_t)i, 0));
	}
	if (truth_path != NULL) {
		char *tdir = xstrdup(truth_path), *slash = strrchr(tdir, '/');
		const char *tfile = truth_path;

		if (slash != NULL) {
			*slash = '\0';
			tfile = slash + 1;
			if (*tdir == '\0')
				strcpy(tdir, "/");
		} else
			strcpy(tdir, ".");
		truth = out_open(tdir, tfile, 0, ',', ENC_UTF8, "\n");
		out_put(truth, "source,file,line,kind,column\n", 29);
		free(tdir);
	}

	gen_dpi();
	gen_lab();
	gen_rad();
	gen_path();
	gen_dict();
	gen_consent();

	for (i = 0; i < NSRC; i++) {
		struct out *o = src[i].out;

		if (o == NULL)
			continue;
		out_close(o);
		total_rows += o->rows;
		total_bytes += o->bytes;
		if (!cli.quiet)
			fprintf(stderr, "eds-gen: %s: %llu rows, %.1f MB%s, "
			    "%llu faulty\n", o->path, (unsigned long long)o->rows,
			    (double)o->bytes / 1e6, o->gz ? " before gzip" : "",
			    (unsigned long long)o->faults);
	}
	if (truth != NULL)
		out_close(truth);
	dt = cli_now() - t0;
	if (!cli.quiet)
		fprintf(stderr, "eds-gen: %llu rows, %.1f MB in %.2f s "
		    "(%.0f MB/s), seed %llu, %llu patients\n",
		    (unsigned long long)total_rows, (double)total_bytes / 1e6,
		    dt, dt > 0 ? (double)total_bytes / 1e6 / dt : 0.0,
		    (unsigned long long)seed, (unsigned long long)npatients);
	return finish();
}
