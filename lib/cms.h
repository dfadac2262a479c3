/*
 * cms.h: the Cryptographic Message Syntax (RFC 5652, OpenSSL's CMS API)
 * around a research bundle: enveloped data that only the named recipients
 * can open (AES-256-CBC content encryption, one RecipientInfo per
 * certificate, RSA or EC keys), and a detached signature over the bag's tag
 * manifest, with its verification.
 *
 * Encryption streams: the input is read in chunks and the output written
 * in indefinite-length BER through an eds_output (temporary name, rename on
 * commit, SHA-256 of what was written), so memory does not grow with the
 * archive.  The researcher opens the result with the openssl command:
 *
 *     openssl cms -decrypt -inform DER -in B.tar.gz.p7m \
 *         -inkey researcher.key -recip researcher.pem -out B.tar.gz
 *
 * (EDS_CMS_SMIME output opens without -inform: S/MIME is the default
 * format of openssl cms, at the cost of base64, a third larger.)
 *
 * A signature is DER, detached, with the signer's certificate included and
 * the usual signed attributes (content type, signing time, message digest):
 * it is not byte-for-byte reproducible, everything it covers is.  Check it
 * by hand with
 *
 *     openssl cms -verify -binary -inform DER \
 *         -in tagmanifest-sha256.txt.p7s -content tagmanifest-sha256.txt \
 *         -CAfile ca.pem -purpose any -out /dev/null
 *
 * Nothing here decrypts: that is the recipient's job, with their key.
 */
#ifndef EDS_CMS_H
#define EDS_CMS_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "eds.h"

enum eds_cms_format {
	EDS_CMS_DER = 0,	/* binary BER/DER (.p7m); the default */
	EDS_CMS_PEM,		/* -----BEGIN CMS----- armour */
	EDS_CMS_SMIME		/* an S/MIME message (application/pkcs7-mime) */
};

/*
 * Encrypt the file in_path to out_path for every certificate in
 * certs[0..n) (PEM files, one certificate each).  out_path is written
 * through eds_output with flags (EDS_OUT_EXCL to refuse an existing file);
 * on success the SHA-256 and size of the result are stored when sha or
 * bytes are not NULL.  Errors: 66 input or certificate unreadable, 78 a
 * certificate that is not one or cannot receive a key, 73/74 output.
 */
int eds_cms_encrypt_file(const char *in_path, const char *out_path,
    const char *const *certs, size_t n, enum eds_cms_format, int flags,
    char sha[EDS_SHA256_HEX], uint64_t *bytes, struct eds_error *);

/*
 * A signer: private key and certificate, loaded once (so that a bad key
 * fails a run before any work) and kept until freed.  A key file readable
 * by group or others is refused (77) unless allow_unsafe; an encrypted
 * (passphrase-protected) key is refused (78): cron has no one to ask.
 */
struct eds_cms_signer;

struct eds_cms_signer *eds_cms_signer_load(const char *key_path,
    const char *cert_path, int allow_unsafe, struct eds_error *);
void eds_cms_signer_free(struct eds_cms_signer *);
/* The signer's subject, in certificate order ("CN=...,O=..."), UTF-8. */
const char *eds_cms_signer_subject(const struct eds_cms_signer *);

/*
 * Write a detached DER signature of content_path to sig_path (through
 * eds_output, with flags).  74 on I/O errors, 70 if OpenSSL fails.
 */
int eds_cms_sign_file(const struct eds_cms_signer *, const char *content_path,
    const char *sig_path, int flags, struct eds_error *);

struct eds_cms_verified {
	char subject[512];	/* signer subject, "CN=...,O=..." */
	char issuer[512];
	char fingerprint[EDS_SHA256_HEX];	/* SHA-256 of the DER cert */
	int trusted;		/* the chain was checked against ca_file */
};

/*
 * Check the detached signature sig_path over content_path.  With ca_file
 * (PEM, one or more certificates) the signer's certificate must chain to
 * it; without, only the signature itself is checked against the
 * certificate it carries, and out->trusted is 0.  Fails with 65 when the
 * signature is malformed or does not match (err->file = sig_path), 66 when
 * a file cannot be read.  out is filled as far as the signer is known.
 */
int eds_cms_verify_file(const char *content_path, const char *sig_path,
    const char *ca_file, struct eds_cms_verified *out, struct eds_error *);

#endif
