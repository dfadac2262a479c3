/*
 * bagit.h: writing a research bundle as a BagIt 1.0 bag (RFC 8493, DESIGN
 * section 6):
 *
 *     BUNDLE/bagit.txt               BagIt-Version: 1.0, UTF-8
 *     BUNDLE/bag-info.txt            Source-Organization, Bagging-Date, ...
 *     BUNDLE/manifest-sha256.txt     every payload file, sorted
 *     BUNDLE/tagmanifest-sha256.txt  bagit.txt, bag-info.txt, manifest
 *     BUNDLE/tagmanifest-sha256.txt.p7s   optional detached CMS signature
 *     BUNDLE/data/...                the payload
 *
 * The bag is built in a private temporary directory next to the target
 * (".NAME.tmp-XXXXXX", mode 0700) and renamed to NAME only when sealed,
 * after every file and directory was fsync'ed; a run that fails is cleaned
 * up by eds_bag_free, and one that is killed leaves only the hidden
 * temporary directory, which has no tag files and cannot be mistaken for a
 * bundle.  An existing NAME is never replaced unless EDS_BAG_FORCE.
 *
 * Payload files are written through eds_output streams opened by
 * eds_bag_payload_open: the SHA-256 and size recorded in the manifest are
 * those computed while writing, never a second read.  The same inputs and
 * the same Bagging-Date give byte-identical files and manifests (sorted
 * manifests, fixed field order, no clock read when a date is given); only
 * the CMS signature differs from run to run (it carries a signing time and
 * ECDSA is randomised).
 *
 * data/dictionary.csv and data/provenance.json are written by the caller
 * with eds_bag_write_dictionary and eds_bag_write_provenance, whose content
 * is described there.  Typical order:
 *
 *     bag = eds_bag_create(target, &opts, err);
 *     eds_bag_info_add(bag, EDS_BAG_APPROVAL_REF, "CSE-2026-042", err); ...
 *     out = eds_bag_payload_open(bag, "diagnoses.csv", 0, err);
 *         ... eds_csv_write_fields(out, ...) ...
 *     eds_bag_payload_commit(bag, out, err);
 *     eds_bag_write_dictionary(bag, cols, ncols, err);
 *     eds_bag_write_provenance(bag, &prov, err);
 *     eds_bag_seal(bag, err);         (tag files, signature, fsync, rename)
 *     eds_bag_free(bag);
 */
#ifndef EDS_BAGIT_H
#define EDS_BAGIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cms.h"
#include "digest.h"
#include "eds.h"
#include "kanon.h"
#include "output.h"

/* bag-info.txt labels the toolkit writes and the verifier understands. */
#define EDS_BAG_APPROVAL_BODY	"EDS-Approval-Body"
#define EDS_BAG_APPROVAL_REF	"EDS-Approval-Reference"
#define EDS_BAG_APPROVAL_DATE	"EDS-Approval-Date"
#define EDS_BAG_CONSENT_REGIME	"EDS-Consent-Regime"
#define EDS_BAG_CONSENT_SCOPES	"EDS-Consent-Scopes"
#define EDS_BAG_CONSENT_AS_OF	"EDS-Consent-As-Of"
#define EDS_BAG_KEY_ID		"EDS-Key-Id"
#define EDS_BAG_TOOL_VERSION	"EDS-Tool-Version"	/* written by seal */
#define EDS_BAG_SIGNATURE	"EDS-Signature"		/* written by seal */

/* The signature file, next to the tag manifest it signs. */
#define EDS_BAG_SIG_NAME	"tagmanifest-sha256.txt.p7s"

enum {
	EDS_BAG_FORCE = 1 << 0		/* replace an existing target */
};

struct eds_bag_options {
	const char *source_organization;	/* e.g. "CHU de Nulle-Part" */
	const char *external_identifier;	/* the project id */
	const char *external_description;	/* the project title; may be NULL */
	/* "YYYY-MM-DD"; NULL for today (UTC).  Tests and merges pass one. */
	const char *bagging_date;
	int flags;				/* EDS_BAG_FORCE */
	/* Sign the tag manifest at seal time; NULL for no signature. */
	const struct eds_cms_signer *signer;
};

void eds_bag_options_init(struct eds_bag_options *);

struct eds_bag;

/*
 * Start a bag that will become target (a directory path).  73 if target
 * exists (without EDS_BAG_FORCE) or the temporary directory cannot be
 * made, 64 for a malformed option (a date that is not YYYY-MM-DD, a field
 * with a line break).  The options' strings are copied; the signer is
 * borrowed until seal.
 */
struct eds_bag *eds_bag_create(const char *target,
    const struct eds_bag_options *, struct eds_error *);

/*
 * Add a bag-info.txt field, written after the standard ones in the order
 * added.  The label is 1..64 printable ASCII characters without ':' or
 * white space; the value is UTF-8 without CR or LF.  64 otherwise.
 */
int eds_bag_info_add(struct eds_bag *, const char *label, const char *value,
    struct eds_error *);

/*
 * Open data/<name> for writing.  name is relative to data/, may contain
 * '/' (directories are made), and must not be empty, absolute, contain
 * "." or ".." components, empty components or control characters, or be
 * already used (64).  flags are eds_output flags (EDS_OUT_GZIP to
 * compress: the manifest then lists the compressed bytes).  The stream
 * belongs to the bag: finish it with eds_bag_payload_commit or
 * eds_bag_payload_abort, never with eds_output_commit.
 */
struct eds_output *eds_bag_payload_open(struct eds_bag *, const char *name,
    int flags, struct eds_error *);
/* Commit the stream and record its SHA-256 and size; frees it. */
int eds_bag_payload_commit(struct eds_bag *, struct eds_output *,
    struct eds_error *);
void eds_bag_payload_abort(struct eds_bag *, struct eds_output *);

/* Convenience: copy a file, or a buffer, into data/<name>. */
int eds_bag_add_file(struct eds_bag *, const char *name, const char *src,
    struct eds_error *);
int eds_bag_add_buffer(struct eds_bag *, const char *name, const void *,
    size_t, struct eds_error *);

/*
 * A scratch path inside the temporary bag directory (".work/<name>", on
 * the same file system, private, removed by seal and by free), for data
 * that needs a second pass before it enters the payload, such as the
 * k-anonymity suppression.  The returned string belongs to the bag and
 * stays valid until the next call.
 */
const char *eds_bag_work_path(struct eds_bag *, const char *name,
    struct eds_error *);

/*
 * data/dictionary.csv: canonical CSV with the header
 *     dataset,column,type,role,transformation,detail
 * one row per output column of every dataset, in the order given: its type
 * (schema type: string, date, integer, decimal, code, ...), its role
 * (patient_id, stay_id, quasi_identifier, attribute, ...), the
 * transformation applied (pseudonym, date-shift, generalise:year,
 * generalise:departement, scrub, keep, ...; dropped columns are not in
 * the bundle and not listed) and a free detail ("HMAC-SHA256 namespace
 * patient, 32 hex").
 */
struct eds_dict_column {
	const char *dataset;
	const char *column;
	const char *type;
	const char *role;
	const char *transformation;
	const char *detail;		/* may be NULL */
};
int eds_bag_write_dictionary(struct eds_bag *, const struct eds_dict_column *,
    size_t n, struct eds_error *);

/*
 * data/provenance.json: what the bundle was made from and what happened
 * to the rows, for the researcher and the DPO.  Fixed member order, two
 * space indentation, no clock: the same inputs give the same bytes.
 */
struct eds_prov_count {
	const char *name;		/* "refused", "out-of-period", ... */
	uint64_t value;
};

struct eds_prov_input {
	const char *dataset;
	const char *path;		/* as the project spec names it */
	const char *sha256;		/* hex */
	uint64_t bytes;
};

struct eds_prov_kanon {
	const char *const *quasi_identifiers;
	size_t nqi;
	uint64_t k;
	const char *action;		/* "refuse" or "suppress" */
	struct eds_kanon_summary before;	/* classes as first counted */
	int suppressed;			/* rows were dropped: after is set */
	struct eds_kanon_summary after;
};

struct eds_prov_dataset {
	const char *name;
	const char *file;		/* "data/diagnoses.csv" */
	uint64_t rows_in;
	uint64_t rows_out;
	const struct eds_prov_count *excluded;	/* by reason, in order */
	size_t nexcluded;
	const struct eds_prov_kanon *kanon;	/* NULL when not asked */
};

/* A configuration file the run read, by checksum. */
struct eds_prov_config {
	const char *kind;		/* "project", "schema", "policy" */
	const char *dataset;		/* NULL for the project */
	const char *path;
	const char *sha256;
};

struct eds_provenance {
	const char *project;
	const char *title;
	const char *purpose;		/* may be NULL */
	const char *requester;		/* may be NULL */
	const char *approval_body;
	const char *approval_reference;
	const char *approval_date;
	const char *consent_regime;
	const char *const *consent_scopes;
	size_t nscopes;
	const char *consent_as_of;
	const char *consent_id_column;	/* may be NULL */
	const char *registry_generation;	/* may be NULL */
	const char *period_start;	/* may be NULL */
	const char *period_end;
	const char *bagging_date;	/* NULL: the bag's */
	const char *key_id;
	const char *domain;		/* pseudonym domain; may be NULL */
	const char *config_sha256;	/* the project spec as read */
	const struct eds_prov_config *configs;	/* spec, schemas, policies */
	size_t nconfigs;
	int has_max_reject_rate;		/* show the next field */
	double max_reject_rate;
	const struct eds_prov_input *inputs;
	size_t ninputs;
	const struct eds_prov_dataset *datasets;
	size_t ndatasets;
};

/* Render the provenance object (pretty-printed, final newline) into b. */
void eds_provenance_json(struct eds_buf *b, const struct eds_provenance *);
int eds_bag_write_provenance(struct eds_bag *, const struct eds_provenance *,
    struct eds_error *);

/*
 * Seal: write bagit.txt, manifest-sha256.txt, bag-info.txt (with
 * Payload-Oxum) and tagmanifest-sha256.txt, sign the tag manifest when a
 * signer was given, fsync every directory, and rename the temporary
 * directory to the target (replacing an existing one only with
 * EDS_BAG_FORCE).  64 if a payload stream is still open.  On failure the
 * temporary directory is removed by eds_bag_free and nothing is at the
 * target that was not there before.
 */
int eds_bag_seal(struct eds_bag *, struct eds_error *);

/* Remove the temporary directory if not sealed, and free. NULL ignored. */
void eds_bag_free(struct eds_bag *);

/* The target path; the temporary directory while building. */
const char *eds_bag_target(const struct eds_bag *);
const char *eds_bag_tmpdir(const struct eds_bag *);
/* Payload totals so far (the Payload-Oxum). */
void eds_bag_oxum(const struct eds_bag *, uint64_t *bytes, uint64_t *files);
/* After seal: SHA-256 of tagmanifest-sha256.txt, the bag's fingerprint. */
const char *eds_bag_fingerprint(const struct eds_bag *);
/* Payload file i (0..files-1, in manifest order after seal). */
int eds_bag_payload_file(const struct eds_bag *, size_t i, const char **name,
    const char **sha256, uint64_t *bytes);

/*
 * Manifest path encoding (RFC 8493 section 2.1.3): CR, LF and '%' become
 * %0D, %0A and %25; decoding undoes exactly those three (case-insensitive
 * hex) and leaves any other '%' as it is.
 */
void eds_bag_encode_path(struct eds_buf *, const char *path);
void eds_bag_decode_path(struct eds_buf *, const char *s, size_t len);

#endif
