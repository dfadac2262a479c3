/*
 * check_export_util.h: helpers shared by the unit tests of the bundle
 * modules (bagit, bagverify, tar, cms): shell commands, throwaway
 * certificates made with the openssl command, and a sample bag.
 */
#ifndef EDS_CHECK_EXPORT_UTIL_H
#define EDS_CHECK_EXPORT_UTIL_H

#include "bagit.h"
#include "check_util.h"

/* Run a shell command (printf-style); its exit status. */
int tx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 1 if prog is found in PATH. */
int tx_have(const char *prog);
/*
 * A throwaway key and self-signed certificate: dir/name.key (mode 0600)
 * and dir/name.pem, subject "/CN=cn/O=eds-tools tests"; ec selects P-256
 * instead of RSA-2048.
 */
void tx_make_cert(const char *dir, const char *name, const char *cn, int ec);
/*
 * The sample bundle used by several tests: data/diagnoses.csv,
 * data/sub/lab 100%.csv, dictionary.csv and provenance.json, bagging date
 * 2026-03-01, signed when signer is not NULL.
 */
void tx_sample_bag(const char *target, const struct eds_cms_signer *signer);

#endif
