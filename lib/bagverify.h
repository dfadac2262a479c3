/*
 * bagverify.h: checking a received bag, ours or anyone's, against BagIt
 * (RFC 8493, versions 0.93 to 1.0) and, for our bundles, the EDS rules.
 *
 * BagIt: bagit.txt is exactly "BagIt-Version: M.N" and
 * "Tag-File-Character-Encoding: ENC" (no BOM, no extra white space); data/
 * exists; at least one payload manifest; every manifest and tag manifest
 * whose algorithm is md5, sha1, sha224, sha256, sha384 or sha512 is read
 * (others are warned about and skipped); every payload file is listed in
 * every payload manifest and every entry exists; every checksum matches;
 * Payload-Oxum matches; no path escapes the bag (absolute, "..", "~") and
 * payload manifests name only data/ files; names are percent-decoded per
 * section 2.1.3 (%0D %0A %25 only); a file listed twice is an error (a
 * warning before 1.0 when both lines agree); fetch.txt entries must be
 * safe, under data/ and listed in every manifest, and are never
 * downloaded: a listed file that is absent makes the bag incomplete.  Tag
 * files may be UTF-8, US-ASCII, ISO-8859-1 or UTF-16 (LE/BE, BOM).
 * Symbolic links and special files in the bag are refused.
 *
 * Warnings (the bag stays valid): md5sum's '*' binary marker, a leading
 * "./", tag files no tag manifest covers, an unencoded '%' in a 1.0 bag,
 * a UTF-8 BOM in a tag file, repeated Payload-Oxum, operating-system
 * litter (.DS_Store, Thumbs.db), names differing only by case, fetch.txt.
 *
 * EDS rules, for a bag whose bag-info.txt has EDS-Tool-Version: the
 * manifest-sha256.txt and tagmanifest-sha256.txt our writer makes must be
 * there, every tag file but the signature must be in the tag manifest, and
 * a signature declared by EDS-Signature must be present.  The signature
 * (tagmanifest-sha256.txt.p7s) is checked whenever it is present, and is
 * required when a CA file is given.
 *
 * Every problem goes to the report callback with the file it concerns
 * (relative to the bag) and its line when known; nothing is printed.
 */
#ifndef EDS_BAGVERIFY_H
#define EDS_BAGVERIFY_H

#include <stdint.h>

#include "cms.h"
#include "eds.h"

enum eds_bagv_severity {
	EDS_BAGV_WARNING,
	EDS_BAGV_ERROR
};

/* file is relative to the bag ("data/x.csv", "bagit.txt") or "" */
typedef void (*eds_bagv_report_fn)(void *ctx, enum eds_bagv_severity,
    const char *file, unsigned long line, const char *msg);

struct eds_bagv_options {
	const char *ca_file;		/* require a signature chaining here */
	eds_bagv_report_fn report;	/* may be NULL */
	void *ctx;
};

struct eds_bagv_result {
	char version[16];		/* "1.0" */
	char encoding[32];
	char algorithms[96];		/* "sha256 sha512" */
	uint64_t payload_files;
	uint64_t payload_bytes;
	unsigned long errors;
	unsigned long warnings;
	int eds;			/* an EDS bundle */
	int fetch_entries;
	int signed_;			/* a signature was present */
	int signature_ok;
	struct eds_cms_verified signer;
};

/*
 * Verify the bag at path.  Returns 0 when valid (warnings allowed), -1
 * otherwise: 65 with err naming the first problem (the report callback saw
 * them all), 66 if path is missing or not a directory, 74 on a read error.
 * res is always filled as far as the check went.
 */
int eds_bag_verify(const char *path, const struct eds_bagv_options *,
    struct eds_bagv_result *res, struct eds_error *);

#endif
