/*
 * mkbag: a test driver of the bundle library for the end-to-end tests,
 * until eds-export's export mode exists: build a bag from files, then
 * optionally archive and encrypt it, exactly as an export run would.
 *
 *     mkbag [-f] [-d DATE] [-k KEY -c CERT] [-a ARCHIVE] [-e CERT]...
 *           BAG NAME=FILE...
 *
 * Not installed.  Exit statuses are those of the library errors.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bagit.h"
#include "cms.h"
#include "tar.h"

static int
fail(const struct eds_error *e)
{
	char buf[1200];

	eds_error_format(e, buf, sizeof buf);
	fprintf(stderr, "mkbag: %s\n", buf);
	return e->status != 0 ? e->status : 70;
}

int
main(int argc, char **argv)
{
	static const struct eds_dict_column col = { "sample", "value",
	    "string", "attribute", "keep", NULL };
	struct eds_cms_signer *signer = NULL;
	struct eds_bag_options o;
	struct eds_provenance p;
	struct eds_error err;
	struct eds_bag *b = NULL;
	const char *key = NULL, *cert = NULL, *archive = NULL;
	const char *recip[8];
	char *eq, *base, *enc;
	size_t nrecip = 0;
	int ch, i, status = 0;

	eds_bag_options_init(&o);
	o.source_organization = "CHU de Test";
	o.external_identifier = "PROJ-TEST";
	o.bagging_date = "2026-03-01";
	eds_error_clear(&err);
	while ((ch = getopt(argc, argv, "a:c:d:e:fk:")) != -1) {
		switch (ch) {
		case 'a': archive = optarg; break;
		case 'c': cert = optarg; break;
		case 'd': o.bagging_date = optarg; break;
		case 'e':
			if (nrecip < 8)
				recip[nrecip++] = optarg;
			break;
		case 'f': o.flags |= EDS_BAG_FORCE; break;
		case 'k': key = optarg; break;
		default:
			fprintf(stderr, "usage: mkbag [-f] [-d DATE] [-k KEY "
			    "-c CERT] [-a ARCHIVE] [-e CERT]... BAG "
			    "NAME=FILE...\n");
			return 64;
		}
	}
	if (argc - optind < 1)
		return 64;
	if (key != NULL && (signer = eds_cms_signer_load(key, cert, 0,
	    &err)) == NULL)
		return fail(&err);
	o.signer = signer;
	if ((b = eds_bag_create(argv[optind], &o, &err)) == NULL) {
		status = fail(&err);
		goto done;
	}
	if (eds_bag_info_add(b, EDS_BAG_KEY_ID, "0123456789abcdef", &err) ==
	    -1)
		goto err;
	for (i = optind + 1; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			fprintf(stderr, "mkbag: expected NAME=FILE: %s\n",
			    argv[i]);
			status = 64;
			goto done;
		}
		*eq = '\0';
		if (eds_bag_add_file(b, argv[i], eq + 1, &err) == -1)
			goto err;
	}
	if (eds_bag_write_dictionary(b, &col, 1, &err) == -1)
		goto err;
	memset(&p, 0, sizeof p);
	p.project = "PROJ-TEST";
	if (eds_bag_write_provenance(b, &p, &err) == -1 ||
	    eds_bag_seal(b, &err) == -1)
		goto err;
	if (archive != NULL) {
		base = strrchr(argv[optind], '/');
		base = base != NULL ? base + 1 : argv[optind];
		if (eds_tar_directory(argv[optind], base, archive,
		    1772323200 /* 2026-03-01 */, EDS_OUT_EXCL, NULL, NULL,
		    &err) == -1)
			goto err;
		if (nrecip > 0) {
			enc = malloc(strlen(archive) + 5);
			if (enc == NULL)
				return 71;
			sprintf(enc, "%s.p7m", archive);
			if (eds_cms_encrypt_file(archive, enc, recip, nrecip,
			    EDS_CMS_DER, EDS_OUT_EXCL, NULL, NULL, &err) == -1) {
				free(enc);
				goto err;
			}
			free(enc);
		}
	}
	goto done;
err:
	status = fail(&err);
done:
	eds_bag_free(b);
	eds_cms_signer_free(signer);
	return status;
}
