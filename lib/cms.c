/*
 * cms.c: CMS enveloped data and detached signatures (see cms.h).  Output
 * goes through an OpenSSL BIO whose writes land in an eds_output, so the
 * usual temporary-name-and-rename and the SHA-256 come for free; with
 * CMS_STREAM, i2d_CMS_bio_stream() (or its PEM and S/MIME siblings) reads
 * the input a chunk at a time and encrypts as it goes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cms.h"
#include "output.h"
#include "xmalloc.h"

#define MAX_PEM (1024 * 1024)

struct eds_cms_signer {
	EVP_PKEY *key;
	X509 *cert;
	char subject[512];
};

/* The reason of the last OpenSSL error, or a fallback; clears the queue. */
static const char *
ossl_reason(const char *fallback)
{
	static char buf[160];
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0 || ERR_reason_error_string(last) == NULL)
		return fallback;
	snprintf(buf, sizeof buf, "%s", ERR_reason_error_string(last));
	return buf;
}

/* --- a BIO that writes into an eds_output ------------------------------- */

struct obio {
	struct eds_output *out;
	struct eds_error *err;
	int failed;
};

static int
obio_write(BIO *b, const char *p, int n)
{
	struct obio *o = BIO_get_data(b);

	if (o->failed)
		return -1;
	if (n <= 0)
		return 0;
	if (eds_output_write(o->out, p, (size_t)n, o->err) == -1) {
		o->failed = 1;
		return -1;
	}
	return n;
}

static long
obio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int
obio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static BIO_METHOD *obio_method;

static BIO *
obio_new(struct obio *o)
{
	BIO *b;

	if (obio_method == NULL) {
		obio_method = BIO_meth_new(BIO_get_new_index() |
		    BIO_TYPE_SOURCE_SINK, "eds_output");
		if (obio_method == NULL)
			return NULL;
		BIO_meth_set_write(obio_method, obio_write);
		BIO_meth_set_ctrl(obio_method, obio_ctrl);
		BIO_meth_set_create(obio_method, obio_create);
	}
	if ((b = BIO_new(obio_method)) != NULL)
		BIO_set_data(b, o);
	return b;
}

/* --- loading -------------------------------------------------------------- */

/* Read a small file whole (certificates, keys); 66 if it cannot. */
static char *
slurp(const char *path, size_t *len, const char *what, struct eds_error *err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot open %s '%s'",
		    what, path);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_PEM) {
		close(fd);
		eds_error_set(err, EDS_EX_NOINPUT, "%s '%s' is not a regular "
		    "file of at most %d bytes", what, path, MAX_PEM);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			eds_error_errno(err, EDS_EX_IOERR, n == 0 ? EIO : errno,
			    "cannot read %s '%s'", what, path);
			close(fd);
			eds_wipe(buf, got);
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static X509 *
load_cert(const char *path, struct eds_error *err)
{
	X509 *x;
	BIO *b;
	size_t len;
	char *buf;

	if ((buf = slurp(path, &len, "certificate", err)) == NULL)
		return NULL;
	b = BIO_new_mem_buf(buf, (int)len);
	x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	free(buf);
	if (x == NULL)
		eds_error_at(err, EDS_EX_CONFIG, path, 0, 0,
		    "not a PEM certificate (%s)", ossl_reason("no certificate"));
	return x;
}

static void
name_text(X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long k;

	out[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_SEP_COMMA_PLUS |
	    XN_FLAG_FN_SN | (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)) >= 0) {
		k = BIO_get_mem_data(b, &p);
		if (k > 0)
			snprintf(out, len, "%.*s", (int)k, p);
	}
	BIO_free(b);
}

static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

struct eds_cms_signer *
eds_cms_signer_load(const char *key_path, const char *cert_path,
    int allow_unsafe, struct eds_error *err)
{
	struct eds_cms_signer *s;
	struct stat st;
	size_t len;
	char *buf;
	BIO *b;

	if (stat(key_path, &st) == 0 && (st.st_mode & 077) != 0 &&
	    !allow_unsafe) {
		eds_error_set(err, EDS_EX_NOPERM, "signing key '%s' is "
		    "accessible by group or others (mode %04o): chmod 600 it",
		    key_path, (unsigned)(st.st_mode & 07777));
		return NULL;
	}
	if ((buf = slurp(key_path, &len, "signing key", err)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof *s);
	if (strstr(buf, "ENCRYPTED") != NULL) {
		eds_error_at(err, EDS_EX_CONFIG, key_path, 0, 0,
		    "the signing key is protected by a passphrase, which a "
		    "batch run cannot ask for");
		goto fail;
	}
	b = BIO_new_mem_buf(buf, (int)len);
	s->key = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase,
	    NULL) : NULL;
	BIO_free(b);
	if (s->key == NULL) {
		eds_error_at(err, EDS_EX_CONFIG, key_path, 0, 0,
		    "not a PEM private key (%s)", ossl_reason("no key"));
		goto fail;
	}
	if ((s->cert = load_cert(cert_path, err)) == NULL)
		goto fail;
	if (X509_check_private_key(s->cert, s->key) != 1) {
		eds_error_set(err, EDS_EX_CONFIG, "signing key '%s' does not "
		    "match certificate '%s'", key_path, cert_path);
		ERR_clear_error();
		goto fail;
	}
	name_text(X509_get_subject_name(s->cert), s->subject,
	    sizeof s->subject);
	eds_wipe(buf, len);
	free(buf);
	return s;
fail:
	eds_wipe(buf, len);
	free(buf);
	eds_cms_signer_free(s);
	return NULL;
}

void
eds_cms_signer_free(struct eds_cms_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	free(s);
}

const char *
eds_cms_signer_subject(const struct eds_cms_signer *s)
{
	return s->subject;
}

/* --- encrypt ------------------------------------------------------------- */

int
eds_cms_encrypt_file(const char *in_path, const char *out_path,
    const char *const *certs, size_t n, enum eds_cms_format fmt, int flags,
    char sha[EDS_SHA256_HEX], uint64_t *bytes, struct eds_error *err)
{
	STACK_OF(X509) *sk = NULL;
	CMS_ContentInfo *cms = NULL;
	struct eds_output *out = NULL;
	struct obio ob;
	BIO *in = NULL, *ob_bio = NULL;
	X509 *x;
	size_t i;
	int ok, rc = -1;
	const int cflags = CMS_BINARY | CMS_STREAM;

	ERR_clear_error();
	if (n == 0)
		return eds_error_set(err, EDS_EX_USAGE,
		    "encryption needs at least one recipient certificate");
	if ((sk = sk_X509_new_null()) == NULL)
		goto ossl;
	for (i = 0; i < n; i++) {
		if ((x = load_cert(certs[i], err)) == NULL)
			goto done;
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto ossl;
		}
	}
	if ((in = BIO_new_file(in_path, "rb")) == NULL) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot open '%s'",
		    in_path);
		ERR_clear_error();
		goto done;
	}
	cms = CMS_encrypt(sk, in, EVP_aes_256_cbc(), cflags);
	if (cms == NULL) {
		eds_error_set(err, EDS_EX_CONFIG, "cannot encrypt for the "
		    "given certificates (%s)", ossl_reason("unsupported key"));
		goto done;
	}
	if ((out = eds_output_open(out_path, flags, err)) == NULL)
		goto done;
	ob.out = out;
	ob.err = err;
	ob.failed = 0;
	if ((ob_bio = obio_new(&ob)) == NULL)
		goto ossl;
	switch (fmt) {
	case EDS_CMS_PEM:
		ok = PEM_write_bio_CMS_stream(ob_bio, cms, in, cflags);
		break;
	case EDS_CMS_SMIME:
		ok = SMIME_write_CMS(ob_bio, cms, in, cflags);
		break;
	default:
		ok = i2d_CMS_bio_stream(ob_bio, cms, in, cflags);
		break;
	}
	if (ob.failed)
		goto done;	/* err already says why */
	if (ok != 1) {
		eds_error_set(err, EDS_EX_IOERR, "cannot encrypt '%s' (%s)",
		    in_path, ossl_reason("read or CMS error"));
		goto done;
	}
	rc = eds_output_commit_sha(out, sha, bytes, err);
	out = NULL;
	goto done;
ossl:
	eds_error_set(err, EDS_EX_SOFTWARE, "OpenSSL failed: %s",
	    ossl_reason("unknown error"));
done:
	eds_output_abort(out);
	BIO_free(ob_bio);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return rc;
}

/* --- sign and verify ------------------------------------------------------ */

int
eds_cms_sign_file(const struct eds_cms_signer *s, const char *content_path,
    const char *sig_path, int flags, struct eds_error *err)
{
	CMS_ContentInfo *cms = NULL;
	struct eds_output *out = NULL;
	struct obio ob;
	BIO *in = NULL, *ob_bio = NULL;
	int rc = -1;

	ERR_clear_error();
	if ((in = BIO_new_file(content_path, "rb")) == NULL) {
		eds_error_errno(err, EDS_EX_NOINPUT, errno, "cannot open '%s'",
		    content_path);
		goto done;
	}
	cms = CMS_sign(s->cert, s->key, NULL, in, CMS_DETACHED | CMS_BINARY);
	if (cms == NULL) {
		eds_error_set(err, EDS_EX_SOFTWARE, "cannot sign '%s' (%s)",
		    content_path, ossl_reason("CMS error"));
		goto done;
	}
	if ((out = eds_output_open(sig_path, flags, err)) == NULL)
		goto done;
	ob.out = out;
	ob.err = err;
	ob.failed = 0;
	if ((ob_bio = obio_new(&ob)) == NULL) {
		eds_error_set(err, EDS_EX_SOFTWARE, "OpenSSL failed: %s",
		    ossl_reason("cannot create a BIO"));
		goto done;
	}
	if (i2d_CMS_bio(ob_bio, cms) != 1) {
		if (!ob.failed)
			eds_error_set(err, EDS_EX_SOFTWARE, "cannot encode the "
			    "signature (%s)", ossl_reason("CMS error"));
		goto done;
	}
	rc = eds_output_commit(out, err);
	out = NULL;
done:
	eds_output_abort(out);
	BIO_free(ob_bio);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

static void
describe(X509 *x, struct eds_cms_verified *v)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	name_text(X509_get_subject_name(x), v->subject, sizeof v->subject);
	name_text(X509_get_issuer_name(x), v->issuer, sizeof v->issuer);
	if (X509_digest(x, EVP_sha256(), md, &len) == 1 &&
	    len == EDS_SHA256_LEN)
		eds_hex(md, len, v->fingerprint);
}

int
eds_cms_verify_file(const char *content_path, const char *sig_path,
    const char *ca_file, struct eds_cms_verified *v, struct eds_error *err)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	X509_STORE *store = NULL;
	X509 *signer = NULL;
	BIO *content = NULL;
	const unsigned char *der;
	char *buf = NULL;
	size_t len;
	int flags = CMS_BINARY, rc = -1;

	memset(v, 0, sizeof *v);
	ERR_clear_error();
	if ((buf = slurp(sig_path, &len, "signature", err)) == NULL)
		goto done;
	der = (const unsigned char *)buf;
	if ((cms = d2i_CMS_ContentInfo(NULL, &der, (long)len)) == NULL ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		eds_error_at(err, EDS_EX_DATAERR, sig_path, 0, 0,
		    "not a DER CMS signature (%s)",
		    ossl_reason("wrong content type"));
		goto done;
	}
	if (der != (const unsigned char *)buf + len) {
		eds_error_at(err, EDS_EX_DATAERR, sig_path, 0, 0,
		    "%zu bytes of trailing data after the signature",
		    (size_t)((const unsigned char *)buf + len - der));
		goto done;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) < 1) {
		eds_error_at(err, EDS_EX_DATAERR, sig_path, 0, 0,
		    "the signature has no signer");
		goto done;
	}
	CMS_set1_signers_certs(cms, NULL, 0);
	CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, 0), NULL,
	    &signer, NULL, NULL);
	if (signer == NULL) {
		eds_error_at(err, EDS_EX_DATAERR, sig_path, 0, 0,
		    "the signature does not carry its signer's certificate");
		goto done;
	}
	describe(signer, v);
	if ((content = BIO_new_file(content_path, "rb")) == NULL) {
		eds_error_errno(err, EDS_EX_DATAERR, errno, "cannot open '%s', "
		    "the content of signature '%s'", content_path, sig_path);
		goto done;
	}
	if ((store = X509_STORE_new()) == NULL) {
		eds_error_set(err, EDS_EX_SOFTWARE, "OpenSSL failed: %s",
		    ossl_reason("cannot create a certificate store"));
		goto done;
	}
	if (ca_file != NULL) {
		if (X509_STORE_load_file(store, ca_file) != 1) {
			eds_error_set(err, EDS_EX_NOINPUT, "cannot load CA "
			    "certificates from '%s' (%s)", ca_file,
			    ossl_reason("no certificate"));
			goto done;
		}
		X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	} else
		flags |= CMS_NO_SIGNER_CERT_VERIFY;
	if (CMS_verify(cms, NULL, store, content, NULL, flags) != 1) {
		unsigned long e = ERR_peek_last_error();

		if (ERR_GET_REASON(e) == CMS_R_CERTIFICATE_VERIFY_ERROR)
			eds_error_at(err, EDS_EX_DATAERR, sig_path, 0, 0,
			    "the signer's certificate does not chain to '%s'",
			    ca_file != NULL ? ca_file : "");
		else
			eds_error_at(err, EDS_EX_DATAERR, sig_path, 0, 0,
			    "the signature does not match '%s' (%s)",
			    content_path, ossl_reason("verify failure"));
		goto done;
	}
	v->trusted = ca_file != NULL;
	rc = 0;
done:
	X509_STORE_free(store);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	free(buf);
	ERR_clear_error();
	return rc;
}
