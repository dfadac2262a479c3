/*
 * check_cms.c: CMS encryption and signatures, round-tripped through the
 * openssl command with throwaway certificates made in the test: every
 * recipient can decrypt in each output format, a large file is encrypted
 * in bounded memory, signatures verify (ours and openssl's verifier), and
 * tampering, wrong CAs, unsafe or encrypted keys are refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_export_util.h"
#include "cms.h"

static int
need_openssl(void)
{
	static int made;

	if (!tx_have("openssl")) {
		printf("SKIP: cms: the openssl command is needed\n");
		return 0;
	}
	if (!made) {
		tx_make_cert(tu_tmpdir(), "rsa", "Researcher RSA", 0);
		tx_make_cert(tu_tmpdir(), "ec", "Researcher EC", 1);
		made = 1;
	}
	return 1;
}

START_TEST(every_recipient_decrypts_with_openssl_in_each_format)
{
	static const struct {
		enum eds_cms_format fmt;
		const char *inform;
	} f[] = {
		{ EDS_CMS_DER, "-inform DER" },
		{ EDS_CMS_PEM, "-inform PEM" },
		{ EDS_CMS_SMIME, "" },		/* openssl's default */
	};
	const char *certs[2];
	char rsa[600], ec[600], sha[EDS_SHA256_HEX];
	struct eds_error err;
	uint64_t bytes;
	size_t i;

	if (!need_openssl())
		return;
	snprintf(rsa, sizeof rsa, "%s", tu_path("rsa.pem"));
	snprintf(ec, sizeof ec, "%s", tu_path("ec.pem"));
	certs[0] = rsa;
	certs[1] = ec;
	ck_assert(tx_sh("head -c 300000 /dev/urandom > '%s'",
	    tu_path("plain.bin")) == 0);
	for (i = 0; i < 3; i++) {
		eds_error_clear(&err);
		ck_assert(tx_sh("rm -f '%s'", tu_path("enc")) == 0);
		ck_assert_msg(eds_cms_encrypt_file(tu_path("plain.bin"),
		    tu_path("enc"), certs, 2, f[i].fmt, EDS_OUT_EXCL, sha,
		    &bytes, &err) == 0, "%s", err.msg);
		ck_assert(bytes > 300000);
		ck_assert(tx_sh("test \"$(sha256sum < '%s' | cut -c1-64)\" = %s",
		    tu_path("enc"), sha) == 0);
		ck_assert_msg(tx_sh("cd '%s' && openssl cms -decrypt %s -in enc "
		    "-inkey rsa.key -recip rsa.pem -out dec1 2>/dev/null && "
		    "cmp -s dec1 plain.bin", tu_tmpdir(), f[i].inform) == 0,
		    "the RSA recipient decrypts format %zu", i);
		ck_assert_msg(tx_sh("cd '%s' && openssl cms -decrypt %s -in enc "
		    "-inkey ec.key -recip ec.pem -out dec2 2>/dev/null && "
		    "cmp -s dec2 plain.bin", tu_tmpdir(), f[i].inform) == 0,
		    "the EC recipient decrypts format %zu", i);
		ck_assert_msg(tx_sh("cd '%s' && openssl cms -cmsout -print %s "
		    "-in enc 2>/dev/null | grep -q aes-256-cbc", tu_tmpdir(),
		    f[i].inform) == 0, "the content is AES-256");
	}
	/* A third key cannot. */
	tx_make_cert(tu_tmpdir(), "stranger", "Stranger", 1);
	ck_assert(tx_sh("cd '%s' && openssl cms -decrypt -in enc -inkey "
	    "stranger.key -recip stranger.pem -out dec3 2>/dev/null",
	    tu_tmpdir()) != 0);
}
END_TEST

START_TEST(a_large_file_is_encrypted_in_bounded_memory)
{
	const char *certs[1];
	char rsa[600];
	struct eds_error err;
	struct rusage before, after;

	if (!need_openssl())
		return;
	snprintf(rsa, sizeof rsa, "%s", tu_path("rsa.pem"));
	certs[0] = rsa;
	ck_assert(tx_sh("head -c 25000000 /dev/urandom > '%s'",
	    tu_path("big.bin")) == 0);
	getrusage(RUSAGE_SELF, &before);
	ck_assert_msg(eds_cms_encrypt_file(tu_path("big.bin"),
	    tu_path("big.p7m"), certs, 1, EDS_CMS_DER, 0, NULL, NULL,
	    &err) == 0, "%s", err.msg);
	getrusage(RUSAGE_SELF, &after);
	/* ru_maxrss is in KiB: far less growth than the 25 MB encrypted. */
	ck_assert_msg(after.ru_maxrss - before.ru_maxrss < 8 * 1024,
	    "peak memory grew by %ld KiB", after.ru_maxrss - before.ru_maxrss);
	ck_assert(tx_sh("cd '%s' && openssl cms -decrypt -inform DER -in "
	    "big.p7m -inkey rsa.key -recip rsa.pem -out big.dec 2>/dev/null "
	    "&& cmp -s big.dec big.bin", tu_tmpdir()) == 0);
	ck_assert(tx_sh("rm -f '%s' '%s' '%s'", tu_path("big.bin"),
	    tu_path("big.p7m"), tu_path("big.dec")) == 0);
}
END_TEST

START_TEST(bad_recipients_and_inputs_are_refused)
{
	const char *certs[1];
	struct eds_error err;

	tu_write_str(tu_path("notacert.pem"), "hello\n");
	tu_write_str(tu_path("in.txt"), "data\n");
	certs[0] = tu_path("notacert.pem");
	ck_assert(eds_cms_encrypt_file(tu_path("in.txt"), tu_path("o1"),
	    certs, 1, EDS_CMS_DER, 0, NULL, NULL, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "not a PEM certificate") != NULL, "%s",
	    err.msg);
	certs[0] = tu_path("missing.pem");
	ck_assert(eds_cms_encrypt_file(tu_path("in.txt"), tu_path("o1"),
	    certs, 1, EDS_CMS_DER, 0, NULL, NULL, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert(eds_cms_encrypt_file(tu_path("in.txt"), tu_path("o1"),
	    certs, 0, EDS_CMS_DER, 0, NULL, NULL, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_USAGE);
	ck_assert_msg(access(tu_path("o1"), F_OK) == -1, "no output left");
	if (!need_openssl())
		return;
	certs[0] = tu_path("rsa.pem");
	ck_assert(eds_cms_encrypt_file(tu_path("nothere"), tu_path("o1"),
	    certs, 1, EDS_CMS_DER, 0, NULL, NULL, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert(access(tu_path("o1"), F_OK) == -1);
}
END_TEST

START_TEST(signatures_verify_here_and_with_openssl)
{
	struct eds_cms_signer *s;
	struct eds_cms_verified v;
	struct eds_error err;

	if (!need_openssl())
		return;
	s = eds_cms_signer_load(tu_path("ec.key"), tu_path("ec.pem"), 0, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	tu_write_str(tu_path("content.txt"), "abc  bagit.txt\n");
	ck_assert_msg(eds_cms_sign_file(s, tu_path("content.txt"),
	    tu_path("content.p7s"), EDS_OUT_EXCL, &err) == 0, "%s", err.msg);
	eds_cms_signer_free(s);
	ck_assert(eds_cms_verify_file(tu_path("content.txt"),
	    tu_path("content.p7s"), NULL, &v, &err) == 0);
	ck_assert_str_eq(v.subject, "CN=Researcher EC,O=eds-tools tests");
	ck_assert_str_eq(v.issuer, v.subject);
	ck_assert(!v.trusted);
	ck_assert(eds_cms_verify_file(tu_path("content.txt"),
	    tu_path("content.p7s"), tu_path("ec.pem"), &v, &err) == 0);
	ck_assert(v.trusted);
	ck_assert(tx_sh("cd '%s' && test \"$(openssl x509 -in ec.pem -noout "
	    "-fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)\" = %s",
	    tu_tmpdir(), v.fingerprint) == 0);
	ck_assert_msg(tx_sh("cd '%s' && openssl cms -verify -binary -inform DER "
	    "-in content.p7s -content content.txt -CAfile ec.pem -purpose any "
	    "-out /dev/null 2>/dev/null", tu_tmpdir()) == 0,
	    "openssl cms -verify accepts our signature");

	ck_assert(eds_cms_verify_file(tu_path("content.txt"),
	    tu_path("content.p7s"), tu_path("rsa.pem"), &v, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "does not chain") != NULL, "%s",
	    err.msg);
	tu_write_str(tu_path("content.txt"), "abd  bagit.txt\n");
	ck_assert(eds_cms_verify_file(tu_path("content.txt"),
	    tu_path("content.p7s"), NULL, &v, &err) == -1);
	ck_assert_msg(strstr(err.msg, "does not match") != NULL, "%s", err.msg);
	ck_assert_str_eq(v.subject, "CN=Researcher EC,O=eds-tools tests");
	ck_assert_str_eq(err.file, tu_path("content.p7s"));
}
END_TEST

START_TEST(unsafe_encrypted_or_mismatched_keys_are_refused)
{
	struct eds_cms_signer *s;
	struct eds_error err;

	if (!need_openssl())
		return;
	ck_assert(tx_sh("cp '%s' '%s' && chmod 644 '%s'", tu_path("ec.key"),
	    tu_path("open.key"), tu_path("open.key")) == 0);
	ck_assert(eds_cms_signer_load(tu_path("open.key"), tu_path("ec.pem"),
	    0, &err) == NULL);
	ck_assert_int_eq(err.status, EDS_EX_NOPERM);
	ck_assert_msg(strstr(err.msg, "chmod 600") != NULL, "%s", err.msg);
	s = eds_cms_signer_load(tu_path("open.key"), tu_path("ec.pem"), 1,
	    &err);
	ck_assert_msg(s != NULL, "allowed when asked: %s", err.msg);
	eds_cms_signer_free(s);

	ck_assert(eds_cms_signer_load(tu_path("ec.key"), tu_path("rsa.pem"),
	    0, &err) == NULL);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "does not match") != NULL, "%s",
	    err.msg);

	ck_assert(tx_sh("cd '%s' && openssl pkey -in ec.key -aes256 -passout "
	    "pass:secret -out enc.key && chmod 600 enc.key", tu_tmpdir()) == 0);
	ck_assert(eds_cms_signer_load(tu_path("enc.key"), tu_path("ec.pem"),
	    0, &err) == NULL);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
	ck_assert_msg(strstr(err.msg, "passphrase") != NULL, "%s", err.msg);

	ck_assert(eds_cms_signer_load(tu_path("none.key"), tu_path("ec.pem"),
	    0, &err) == NULL);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert(eds_cms_signer_load(tu_path("ec.pem"), tu_path("ec.pem"),
	    1, &err) == NULL);
	ck_assert_int_eq(err.status, EDS_EX_CONFIG);
}
END_TEST

Suite *
cms_suite(void)
{
	Suite *s = suite_create("cms");
	TCase *t = tcase_create("cms");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, every_recipient_decrypts_with_openssl_in_each_format);
	tcase_add_test(t, a_large_file_is_encrypted_in_bounded_memory);
	tcase_add_test(t, bad_recipients_and_inputs_are_refused);
	tcase_add_test(t, signatures_verify_here_and_with_openssl);
	tcase_add_test(t, unsafe_encrypted_or_mismatched_keys_are_refused);
	suite_add_tcase(s, t);
	return s;
}
