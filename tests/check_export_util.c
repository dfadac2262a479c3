/*
 * check_export_util.c: shell, certificate and sample-bag helpers for the
 * bundle tests (see check_export_util.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check_export_util.h"

int
tx_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	r = system(cmd);
	return r == -1 ? -1 : WEXITSTATUS(r);
}

int
tx_have(const char *prog)
{
	return tx_sh("command -v %s >/dev/null 2>&1", prog) == 0;
}

void
tx_make_cert(const char *dir, const char *name, const char *cn, int ec)
{
	int r;

	r = tx_sh("cd '%s' && openssl req -x509 %s -nodes -keyout '%s.key' "
	    "-out '%s.pem' -days 2 -subj '/CN=%s/O=eds-tools tests' "
	    ">/dev/null 2>&1 && chmod 600 '%s.key'", dir, ec ?
	    "-newkey ec -pkeyopt ec_paramgen_curve:P-256" : "-newkey rsa:2048",
	    name, name, cn, name);
	ck_assert_msg(r == 0, "openssl req must make a throwaway certificate");
}

void
tx_sample_bag(const char *target, const struct eds_cms_signer *signer)
{
	static const char diag[] = "patient,code,year\n"
	    "3f2a,I10,2024\n9b1c,E11,2025\n";
	static const char lab[] = "patient,loinc,value\n3f2a,2345-7,5.4\n";
	static const struct eds_dict_column cols[] = {
		{ "diagnoses", "patient", "string", "patient_id", "pseudonym",
		    "HMAC-SHA256 namespace patient, 32 hex" },
		{ "diagnoses", "code", "code", "attribute", "keep", NULL },
		{ "diagnoses", "year", "integer", "quasi_identifier",
		    "generalise:year", "from the stay date" },
	};
	static const char *const scopes[] = { "secondary" };
	struct eds_bag_options o;
	struct eds_provenance p;
	struct eds_error err;
	struct eds_bag *b;
	struct eds_output *out;

	eds_bag_options_init(&o);
	o.source_organization = "CHU de Test";
	o.external_identifier = "PROJ-2026-014";
	o.external_description = "Hypertension and diabetes";
	o.bagging_date = "2026-03-01";
	o.signer = signer;
	eds_error_clear(&err);
	b = eds_bag_create(target, &o, &err);
	ck_assert_msg(b != NULL, "create: %s", err.msg);
	ck_assert(eds_bag_info_add(b, EDS_BAG_APPROVAL_REF, "CSE-2026-042",
	    &err) == 0);
	ck_assert(eds_bag_info_add(b, EDS_BAG_CONSENT_REGIME, "opt-out",
	    &err) == 0);
	ck_assert(eds_bag_info_add(b, EDS_BAG_KEY_ID, "0123456789abcdef",
	    &err) == 0);
	out = eds_bag_payload_open(b, "diagnoses.csv", 0, &err);
	ck_assert_msg(out != NULL, "payload: %s", err.msg);
	ck_assert(eds_output_puts(out, diag, &err) == 0);
	ck_assert_msg(eds_bag_payload_commit(b, out, &err) == 0, "%s",
	    err.msg);
	ck_assert_msg(eds_bag_add_buffer(b, "sub/lab 100%.csv", lab,
	    strlen(lab), &err) == 0, "%s", err.msg);
	ck_assert_msg(eds_bag_write_dictionary(b, cols, 3, &err) == 0, "%s",
	    err.msg);
	memset(&p, 0, sizeof p);
	p.project = "PROJ-2026-014";
	p.consent_regime = "opt-out";
	p.consent_scopes = scopes;
	p.nscopes = 1;
	ck_assert_msg(eds_bag_write_provenance(b, &p, &err) == 0, "%s",
	    err.msg);
	ck_assert_msg(eds_bag_seal(b, &err) == 0, "seal: %s", err.msg);
	eds_bag_free(b);
}
