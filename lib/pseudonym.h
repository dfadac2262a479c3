/*
 * pseudonym.h: the eds-pseudo v1 algorithms of DESIGN section 4, the
 * contract a warehouse reimplements in SQL, Python or Spark:
 *
 *   Kd        = HKDF-SHA256(IKM = K, salt = "", info = "eds-pseudo v1
 *               domain:" || DOMAIN, L = 32)
 *   pseudonym = PREFIX || hex(HMAC-SHA256(Kd, NS || 0x00 ||
 *               normalise(v)))[0 .. LENGTH)
 *   offset    = from u = big-endian uint32 of HMAC-SHA256(Kd, "date-shift"
 *               || 0x00 || normalise(patient))[0..3], k = u mod 2R:
 *               -(k + 1) days if k < R, else k - R + 1
 *   UID       = "2.25." || decimal(HMAC-SHA256(Kd, "uid" || 0x00 ||
 *               uid)[0..15] as an unsigned big-endian integer)
 *
 * normalise trims ASCII blanks (space and tab) at both ends, then applies
 * the optional steps in this fixed order, whatever order a policy lists
 * them in: remove-spaces (every space and tab), upper (ASCII a-z only),
 * strip-leading-zeros (a value of zeros only keeps one "0").  A value that
 * is empty after normalisation has no pseudonym: it stays empty.
 *
 * A struct eds_domain holds Kd as precomputed HMAC states: it is as secret
 * as the key and is wiped when freed.  Nothing here allocates per value.
 */
#ifndef EDS_PSEUDONYM_H
#define EDS_PSEUDONYM_H

#include <stddef.h>

#include "crypto.h"
#include "eds.h"
#include "key.h"

#define EDS_PSEUDO_INFO "eds-pseudo v1 domain:"
#define EDS_PSEUDO_LEN_MIN 16
#define EDS_PSEUDO_LEN_MAX 64
#define EDS_PSEUDO_LEN_DEFAULT 32
#define EDS_PREFIX_MAX 32		/* bytes of a pseudonym prefix */
#define EDS_DOMAIN_MAX 200		/* bytes of a domain name */
#define EDS_NS_MAX 64			/* bytes of a namespace */
#define EDS_SHIFT_DAYS_DEFAULT 365
#define EDS_SHIFT_DAYS_MAX 36500
#define EDS_UID_MAX 48			/* "2.25." + 39 digits + NUL */

/* Normalisation steps (trim is always done first). */
enum {
	EDS_NORM_REMOVE_SPACES = 1 << 0,
	EDS_NORM_UPPER = 1 << 1,
	EDS_NORM_STRIP_ZEROS = 1 << 2
};

struct eds_domain;

/*
 * 1 if name can be a domain: 1 to EDS_DOMAIN_MAX bytes of UTF-8 without
 * control characters.  Its bytes go into the HKDF info as they are.
 */
int eds_domain_valid(const char *name);
/*
 * Derive the domain key of name from the master key.  The key may be
 * wiped afterwards.  NULL with 78 when the name is not valid.
 */
struct eds_domain *eds_domain_new(const struct eds_key *, const char *name,
    struct eds_error *);
/* Wipe and free; NULL is ignored. */
void eds_domain_free(struct eds_domain *);
const char *eds_domain_name(const struct eds_domain *);
/* The 32-byte domain key itself, for the published test vectors only. */
void eds_domain_key(const struct eds_key *, const char *name,
    unsigned char kd[32]);

/* A step by its policy name ("upper", ...); "trim" is 0.  -1 if unknown. */
int eds_norm_step(const char *word, int *step);
/*
 * Normalise s[0..len) into out (len + 1 bytes); returns the length of the
 * result, which is NUL-terminated.
 */
size_t eds_normalise(int steps, const char *s, size_t len, char *out);

/*
 * HMAC-SHA256(Kd, tag || 0x00 || v) of an already normalised value: the
 * digest behind pseudonyms (tag = namespace), offsets ("date-shift") and
 * UIDs ("uid").  tag must not hold a NUL byte.
 */
void eds_pseudo_digest(const struct eds_domain *, const char *tag,
    const char *v, size_t vlen, unsigned char out[EDS_HMAC_LEN]);
/*
 * The same with the tag already followed by its 0x00 in tagz[0..tlen)
 * (tlen counts the 0x00): what a stage prepares once per column.
 */
void eds_pseudo_digest_z(const struct eds_domain *, const char *tagz,
    size_t tlen, const char *v, size_t vlen, unsigned char out[EDS_HMAC_LEN]);

/*
 * Format a pseudonym: prefix, then the first length hex digits of md.
 * out must hold strlen(prefix) + length + 1 bytes; returns the length.
 */
size_t eds_pseudonym_format(const unsigned char md[EDS_HMAC_LEN],
    const char *prefix, size_t length, char *out);
/*
 * Pseudonym of raw value v in namespace ns with normalisation steps norm:
 * normalise, digest, format into out (EDS_PREFIX_MAX + 65 bytes).  Returns
 * its length; 0 (out = "") when v is empty after normalisation.
 */
size_t eds_pseudonym(const struct eds_domain *, const char *ns, int norm,
    size_t length, const char *prefix, const char *v, size_t vlen,
    char *out);

/* The offset of a digest for shift_days R (1..EDS_SHIFT_DAYS_MAX): never 0. */
int eds_offset_from_digest(const unsigned char md[EDS_HMAC_LEN], int R);
/*
 * Date-shift offset in days of patient id p (normalised with norm).
 * Returns 0 when p is empty after normalisation: such a row has no offset.
 */
int eds_date_offset(const struct eds_domain *, int norm, const char *p,
    size_t plen, int R);

/* The UID of a digest into out[EDS_UID_MAX]; returns its length. */
size_t eds_uid_from_digest(const unsigned char md[EDS_HMAC_LEN], char *out);
/* The replacement of DICOM UID u (used as given, not normalised). */
size_t eds_dicom_uid(const struct eds_domain *, const char *u, size_t ulen,
    char *out);

#endif
