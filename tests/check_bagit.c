/*
 * check_bagit.c: the BagIt writer: layout and exact tag files, checksums
 * computed while writing (checked here against an independent digest),
 * the temporary name and the rename, cleanup after failure and after a
 * kill, refusal to overwrite, determinism, name checks, path encoding,
 * dictionary and provenance content.
 */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bagit.h"
#include "check_export_util.h"
#include "json.h"

/* SHA-256 hex of a buffer, with OpenSSL directly (not digest.c). */
static void
sha_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len;
	int i;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Entries of dir starting with prefix. */
static int
count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(bag_has_the_bagit_layout_with_exact_tag_files)
{
	const char *bag = tu_path("layout");
	char path[600], expect[2048], h1[65], h2[65], h3[65], h4[65];
	char *s, *f1, *f2, *f3, *f4;
	size_t n1, n2, n3, n4;

	tx_sample_bag(bag, NULL);
	snprintf(path, sizeof path, "%s/bagit.txt", bag);
	s = tu_read(path, NULL);
	ck_assert_str_eq(s, "BagIt-Version: 1.0\n"
	    "Tag-File-Character-Encoding: UTF-8\n");
	free(s);

	snprintf(path, sizeof path, "%s/data/diagnoses.csv", bag);
	f1 = tu_read(path, &n1);
	snprintf(path, sizeof path, "%s/data/dictionary.csv", bag);
	f2 = tu_read(path, &n2);
	snprintf(path, sizeof path, "%s/data/provenance.json", bag);
	f3 = tu_read(path, &n3);
	snprintf(path, sizeof path, "%s/data/sub/lab 100%%.csv", bag);
	f4 = tu_read(path, &n4);
	sha_hex(f1, n1, h1);
	sha_hex(f2, n2, h2);
	sha_hex(f3, n3, h3);
	sha_hex(f4, n4, h4);
	/* sorted by path; '%' encoded as %25 */
	snprintf(expect, sizeof expect, "%s  data/diagnoses.csv\n"
	    "%s  data/dictionary.csv\n%s  data/provenance.json\n"
	    "%s  data/sub/lab 100%%25.csv\n", h1, h2, h3, h4);
	snprintf(path, sizeof path, "%s/manifest-sha256.txt", bag);
	s = tu_read(path, NULL);
	ck_assert_str_eq(s, expect);
	free(s);

	snprintf(expect, sizeof expect,
	    "Source-Organization: CHU de Test\n"
	    "External-Identifier: PROJ-2026-014\n"
	    "External-Description: Hypertension and diabetes\n"
	    "Bagging-Date: 2026-03-01\n"
	    "Bag-Software-Agent: eds-tools " EDS_VERSION "\n"
	    "Payload-Oxum: %zu.4\n"
	    "EDS-Approval-Reference: CSE-2026-042\n"
	    "EDS-Consent-Regime: opt-out\n"
	    "EDS-Key-Id: 0123456789abcdef\n"
	    "EDS-Tool-Version: " EDS_VERSION "\n", n1 + n2 + n3 + n4);
	snprintf(path, sizeof path, "%s/bag-info.txt", bag);
	s = tu_read(path, NULL);
	ck_assert_str_eq(s, expect);
	free(s);
	free(f1);
	free(f2);
	free(f3);
	free(f4);

	/* The tag manifest covers bag-info, bagit.txt and the manifest. */
	snprintf(path, sizeof path, "%s/bag-info.txt", bag);
	f1 = tu_read(path, &n1);
	snprintf(path, sizeof path, "%s/bagit.txt", bag);
	f2 = tu_read(path, &n2);
	snprintf(path, sizeof path, "%s/manifest-sha256.txt", bag);
	f3 = tu_read(path, &n3);
	sha_hex(f1, n1, h1);
	sha_hex(f2, n2, h2);
	sha_hex(f3, n3, h3);
	snprintf(expect, sizeof expect, "%s  bag-info.txt\n%s  bagit.txt\n"
	    "%s  manifest-sha256.txt\n", h1, h2, h3);
	snprintf(path, sizeof path, "%s/tagmanifest-sha256.txt", bag);
	s = tu_read(path, NULL);
	ck_assert_str_eq(s, expect);
	free(s);
	free(f1);
	free(f2);
	free(f3);
	snprintf(path, sizeof path, "%s/%s", bag, EDS_BAG_SIG_NAME);
	ck_assert_msg(!exists(path), "no signature without a signer");
}
END_TEST

START_TEST(bag_is_written_under_a_hidden_name_and_renamed_when_sealed)
{
	const char *dir = tu_path("hidden");
	char target[600], tmp[600];
	struct eds_bag_options o;
	struct eds_error err;
	struct eds_bag *b;
	struct stat st;

	ck_assert(mkdir(dir, 0700) == 0);
	snprintf(target, sizeof target, "%s/B", dir);
	eds_bag_options_init(&o);
	o.bagging_date = "2026-03-01";
	b = eds_bag_create(target, &o, &err);
	ck_assert_msg(b != NULL, "%s", err.msg);
	ck_assert(eds_bag_add_buffer(b, "x.csv", "a\n1\n", 4, &err) == 0);
	ck_assert_msg(!exists(target), "nothing under the final name before "
	    "sealing");
	snprintf(tmp, sizeof tmp, "%s", eds_bag_tmpdir(b));
	ck_assert_msg(strncmp(tmp, dir, strlen(dir)) == 0 &&
	    strncmp(tmp + strlen(dir), "/.B.tmp-", 8) == 0,
	    "temporary directory next to the target, hidden: %s", tmp);
	ck_assert(stat(tmp, &st) == 0 && (st.st_mode & 077) == 0);
	ck_assert_int_eq(count_prefixed(dir, ".B.tmp-"), 1);
	ck_assert(eds_bag_seal(b, &err) == 0);
	ck_assert(exists(target));
	ck_assert_msg(!exists(tmp), "the temporary name is gone");
	ck_assert_str_eq(eds_bag_target(b), target);
	ck_assert(eds_bag_fingerprint(b) != NULL &&
	    strlen(eds_bag_fingerprint(b)) == 64);
	eds_bag_free(b);
	ck_assert_msg(exists(target), "free after seal keeps the bag");
}
END_TEST

START_TEST(bag_freed_without_seal_leaves_nothing)
{
	const char *dir = tu_path("failed");
	char target[600];
	struct eds_bag_options o;
	struct eds_output *out;
	struct eds_error err;
	struct eds_bag *b;

	ck_assert(mkdir(dir, 0700) == 0);
	snprintf(target, sizeof target, "%s/B", dir);
	eds_bag_options_init(&o);
	b = eds_bag_create(target, &o, &err);
	ck_assert(b != NULL);
	ck_assert(eds_bag_add_buffer(b, "x.csv", "a\n", 2, &err) == 0);
	out = eds_bag_payload_open(b, "y.csv", 0, &err);
	ck_assert(out != NULL);
	ck_assert(eds_output_puts(out, "half", &err) == 0);
	ck_assert(eds_bag_work_path(b, "scratch.csv", &err) != NULL);
	eds_bag_free(b);	/* a failed run: the stream is still open */
	ck_assert(!exists(target));
	ck_assert_int_eq(count_prefixed(dir, ".B"), 0);
	ck_assert_int_eq(count_prefixed(dir, "B"), 0);
}
END_TEST

START_TEST(bag_killed_before_sealing_leaves_no_finished_bundle)
{
	const char *dir = tu_path("killed");
	char target[600], tmpbagit[700];
	struct eds_bag_options o;
	struct eds_error err;
	struct eds_bag *b;
	struct dirent *e;
	int status, ready[2];
	pid_t pid;
	DIR *d;
	char c;

	ck_assert(mkdir(dir, 0700) == 0);
	snprintf(target, sizeof target, "%s/B", dir);
	ck_assert(pipe(ready) == 0);
	pid = fork();
	ck_assert(pid != -1);
	if (pid == 0) {
		eds_bag_options_init(&o);
		b = eds_bag_create(target, &o, &err);
		if (b == NULL || eds_bag_add_buffer(b, "x.csv", "a\n", 2,
		    &err) == -1)
			_exit(1);
		if (write(ready[1], "k", 1) != 1)
			_exit(1);
		for (;;)
			pause();	/* killed here, mid-run */
	}
	close(ready[1]);
	ck_assert_msg(read(ready[0], &c, 1) == 1, "the child built a payload");
	close(ready[0]);
	ck_assert(kill(pid, SIGKILL) == 0);
	ck_assert(waitpid(pid, &status, 0) == pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_msg(!exists(target), "no bundle under the final name");
	d = opendir(dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.' || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		ck_assert_msg(strncmp(e->d_name, ".B.tmp-", 7) == 0,
		    "only a hidden temporary directory: %s", e->d_name);
		snprintf(tmpbagit, sizeof tmpbagit, "%s/%s/bagit.txt", dir,
		    e->d_name);
		ck_assert_msg(!exists(tmpbagit), "and it is not a bag");
	}
	closedir(d);
}
END_TEST

START_TEST(bag_never_overwrites_without_force)
{
	const char *dir = tu_path("exists");
	char target[600], old[700];
	struct eds_bag_options o;
	struct eds_error err;
	struct eds_bag *b;

	ck_assert(mkdir(dir, 0700) == 0);
	snprintf(target, sizeof target, "%s/B", dir);
	ck_assert(mkdir(target, 0700) == 0);
	snprintf(old, sizeof old, "%s/old.txt", target);
	tu_write_str(old, "previous bundle\n");
	eds_bag_options_init(&o);
	eds_error_clear(&err);
	b = eds_bag_create(target, &o, &err);
	ck_assert_msg(b == NULL, "an existing target is refused");
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	ck_assert_msg(strstr(err.msg, "already exists") != NULL &&
	    strstr(err.msg, "--force") != NULL, "%s", err.msg);
	ck_assert(exists(old));
	ck_assert_int_eq(count_prefixed(dir, ".B"), 0);

	o.flags = EDS_BAG_FORCE;
	b = eds_bag_create(target, &o, &err);
	ck_assert(b != NULL);
	ck_assert(eds_bag_add_buffer(b, "x.csv", "a\n", 2, &err) == 0);
	ck_assert_msg(exists(old), "the old bundle stays until the seal");
	ck_assert_msg(eds_bag_seal(b, &err) == 0, "%s", err.msg);
	eds_bag_free(b);
	ck_assert_msg(!exists(old), "force replaced the old bundle");
	snprintf(old, sizeof old, "%s/data/x.csv", target);
	ck_assert(exists(old));
	ck_assert_int_eq(count_prefixed(dir, ".B"), 0);
}
END_TEST

START_TEST(bag_is_byte_identical_for_the_same_inputs)
{
	static const char *const files[] = { "bagit.txt", "bag-info.txt",
	    "manifest-sha256.txt", "tagmanifest-sha256.txt",
	    "data/diagnoses.csv", "data/dictionary.csv",
	    "data/provenance.json", "data/sub/lab 100%.csv" };
	char p1[600], p2[600], *a, *b;
	size_t i, na, nb;

	tx_sample_bag(tu_path("det1"), NULL);
	tx_sample_bag(tu_path("det2"), NULL);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p1, sizeof p1, "%s/%s", tu_path("det1"), files[i]);
		snprintf(p2, sizeof p2, "%s/%s", tu_path("det2"), files[i]);
		a = tu_read(p1, &na);
		b = tu_read(p2, &nb);
		ck_assert_msg(na == nb && memcmp(a, b, na) == 0,
		    "%s differs between two runs", files[i]);
		free(a);
		free(b);
	}
}
END_TEST

START_TEST(bag_rejects_unsafe_or_repeated_payload_names)
{
	static const char *const bad[] = { "", "/etc/passwd", "../x",
	    "a/../b", "a//b", "./a", "a/", "x\ny", "tab\there" };
	struct eds_bag_options o;
	struct eds_error err;
	struct eds_bag *b;
	size_t i;

	eds_bag_options_init(&o);
	b = eds_bag_create(tu_path("names"), &o, &err);
	ck_assert(b != NULL);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		eds_error_clear(&err);
		ck_assert_msg(eds_bag_payload_open(b, bad[i], 0, &err) == NULL,
		    "payload name '%s' is refused", bad[i]);
		ck_assert_int_eq(err.status, EDS_EX_USAGE);
	}
	ck_assert(eds_bag_add_buffer(b, "a.csv", "x", 1, &err) == 0);
	eds_error_clear(&err);
	ck_assert(eds_bag_add_buffer(b, "a.csv", "x", 1, &err) == -1);
	ck_assert_msg(strstr(err.msg, "twice") != NULL, "%s", err.msg);
	eds_bag_free(b);
}
END_TEST

START_TEST(bag_info_refuses_line_breaks_and_bad_labels)
{
	struct eds_bag_options o;
	struct eds_error err;
	struct eds_bag *b;

	eds_bag_options_init(&o);
	o.bagging_date = "2026-02-30";
	ck_assert_msg(eds_bag_create(tu_path("info"), &o, &err) == NULL,
	    "a date that does not exist is refused");
	ck_assert_int_eq(err.status, EDS_EX_USAGE);
	o.bagging_date = NULL;
	o.external_description = "two\nlines";
	ck_assert(eds_bag_create(tu_path("info"), &o, &err) == NULL);
	o.external_description = NULL;
	b = eds_bag_create(tu_path("info"), &o, &err);
	ck_assert(b != NULL);
	ck_assert(eds_bag_info_add(b, "EDS-Note", "one\rline", &err) == -1);
	ck_assert(eds_bag_info_add(b, "Bad Label", "v", &err) == -1);
	ck_assert(eds_bag_info_add(b, "Bad:Label", "v", &err) == -1);
	ck_assert(eds_bag_info_add(b, "", "v", &err) == -1);
	ck_assert(eds_bag_info_add(b, "EDS-Note", "fine", &err) == 0);
	eds_bag_free(b);
}
END_TEST

START_TEST(bag_seal_refuses_while_a_payload_stream_is_open)
{
	struct eds_bag_options o;
	struct eds_output *out;
	struct eds_error err;
	struct eds_bag *b;

	eds_bag_options_init(&o);
	b = eds_bag_create(tu_path("open"), &o, &err);
	out = eds_bag_payload_open(b, "x.csv", 0, &err);
	ck_assert(out != NULL);
	ck_assert(eds_bag_seal(b, &err) == -1);
	ck_assert_msg(strstr(err.msg, "data/x.csv") != NULL, "%s", err.msg);
	ck_assert(!exists(tu_path("open")));
	eds_bag_payload_abort(b, out);
	ck_assert(eds_bag_seal(b, &err) == 0);
	eds_bag_free(b);
}
END_TEST

START_TEST(bag_work_files_do_not_reach_the_bundle)
{
	struct eds_bag_options o;
	struct eds_error err;
	struct eds_bag *b;
	const char *w;
	char path[600];

	eds_bag_options_init(&o);
	b = eds_bag_create(tu_path("work"), &o, &err);
	w = eds_bag_work_path(b, "pass1.csv", &err);
	ck_assert(w != NULL);
	tu_write_str(w, "scratch\n");
	ck_assert(eds_bag_work_path(b, "../x", &err) == NULL);
	ck_assert(eds_bag_seal(b, &err) == 0);
	eds_bag_free(b);
	snprintf(path, sizeof path, "%s/.work", tu_path("work"));
	ck_assert(!exists(path));
}
END_TEST

START_TEST(bag_path_encoding_round_trips_and_leaves_other_escapes)
{
	struct eds_buf b = EDS_BUF_INIT;

	eds_bag_encode_path(&b, "a%b\nc\rd");
	ck_assert_str_eq(b.p, "a%25b%0Ac%0Dd");
	eds_buf_reset(&b);
	eds_bag_decode_path(&b, "a%25b%0ac%0Dd", 13);
	ck_assert_str_eq(b.p, "a%b\nc\rd");
	eds_buf_reset(&b);
	eds_bag_decode_path(&b, "%7Edir/%test%", 13);
	ck_assert_str_eq(b.p, "%7Edir/%test%");
	eds_buf_release(&b);
}
END_TEST

START_TEST(dictionary_lists_every_column_as_canonical_csv)
{
	char path[600], *s;

	tx_sample_bag(tu_path("dict"), NULL);
	snprintf(path, sizeof path, "%s/data/dictionary.csv", tu_path("dict"));
	s = tu_read(path, NULL);
	ck_assert_str_eq(s,
	    "dataset,column,type,role,transformation,detail\n"
	    "diagnoses,patient,string,patient_id,pseudonym,"
	    "\"HMAC-SHA256 namespace patient, 32 hex\"\n"
	    "diagnoses,code,code,attribute,keep,\n"
	    "diagnoses,year,integer,quasi_identifier,generalise:year,"
	    "from the stay date\n");
	free(s);
}
END_TEST

START_TEST(provenance_holds_inputs_counts_and_k_anonymity)
{
	static const char *const qi[] = { "year", "dept" };
	static const char *const scopes[] = { "secondary", "study:X" };
	struct eds_kanon_class_size hist[] = { { 1, 2 }, { 5, 3 } };
	struct eds_prov_count excl[] = { { "refused", 7 }, { "no-record", 2 } };
	struct eds_prov_input in = { "diagnoses", "extracts/diag.csv.gz",
	    "ab12", 1234 };
	struct eds_prov_kanon k;
	struct eds_prov_dataset d;
	struct eds_provenance p;
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_jnode *j;
	const struct eds_jnode *n, *ka;
	char why[128];

	memset(&k, 0, sizeof k);
	k.quasi_identifiers = qi;
	k.nqi = 2;
	k.k = 5;
	k.action = "suppress";
	k.before.rows = 17;
	k.before.classes = 5;
	k.before.min_k = 1;
	k.before.classes_below_k = 2;
	k.before.rows_below_k = 2;
	k.before.hist = hist;
	k.before.nhist = 2;
	k.suppressed = 1;
	k.after.rows = 15;
	k.after.classes = 3;
	k.after.min_k = 5;
	memset(&d, 0, sizeof d);
	d.name = "diagnoses";
	d.file = "data/diagnoses.csv";
	d.rows_in = 26;
	d.rows_out = 15;
	d.excluded = excl;
	d.nexcluded = 2;
	d.kanon = &k;
	memset(&p, 0, sizeof p);
	p.project = "PROJ-2026-014";
	p.consent_regime = "opt-in";
	p.consent_scopes = scopes;
	p.nscopes = 2;
	p.bagging_date = "2026-03-01";
	p.key_id = "0123456789abcdef";
	p.config_sha256 = "cafe";
	p.inputs = &in;
	p.ninputs = 1;
	p.datasets = &d;
	p.ndatasets = 1;
	eds_provenance_json(&b, &p);
	ck_assert_msg(b.p[b.len - 1] == '\n', "ends with a newline");
	j = eds_json_parse(b.p, b.len, why, sizeof why);
	ck_assert_msg(j != NULL, "provenance is JSON: %s\n%s", why, b.p);
	ck_assert_str_eq(eds_json_get(eds_json_get(j, "project"), "id")->str,
	    "PROJ-2026-014");
	ck_assert_str_eq(eds_json_get(j, "key_id")->str, "0123456789abcdef");
	ck_assert_str_eq(eds_json_get(j, "config_sha256")->str, "cafe");
	n = eds_json_get(j, "inputs");
	ck_assert(n->type == EDS_JARR && n->n == 1);
	ck_assert_str_eq(eds_json_get(n->items[0], "sha256")->str, "ab12");
	ck_assert_str_eq(eds_json_get(n->items[0], "bytes")->str, "1234");
	n = eds_json_get(j, "datasets")->items[0];
	ck_assert_str_eq(eds_json_get(n, "rows_out")->str, "15");
	ck_assert_str_eq(eds_json_get(eds_json_get(n, "excluded"),
	    "refused")->str, "7");
	ka = eds_json_get(n, "k_anonymity");
	ck_assert_str_eq(eds_json_get(ka, "min_k")->str, "5");
	ck_assert_str_eq(eds_json_get(ka, "suppressed_rows")->str, "2");
	n = eds_json_get(eds_json_get(ka, "counted"), "class_sizes");
	ck_assert(n->type == EDS_JARR && n->n == 2);
	ck_assert_str_eq(eds_json_get(n->items[1], "size")->str, "5");
	ck_assert_str_eq(eds_json_get(n->items[1], "classes")->str, "3");
	ck_assert_str_eq(eds_json_get(eds_json_get(ka, "after_suppression"),
	    "min_k")->str, "5");
	ck_assert(eds_json_get(j, "period")->type == EDS_JNULL);
	eds_json_free(j);
	eds_buf_release(&b);
}
END_TEST

Suite *
bagit_suite(void)
{
	Suite *s = suite_create("bagit");
	TCase *t = tcase_create("writer");

	tcase_add_test(t, bag_has_the_bagit_layout_with_exact_tag_files);
	tcase_add_test(t,
	    bag_is_written_under_a_hidden_name_and_renamed_when_sealed);
	tcase_add_test(t, bag_freed_without_seal_leaves_nothing);
	tcase_add_test(t, bag_killed_before_sealing_leaves_no_finished_bundle);
	tcase_add_test(t, bag_never_overwrites_without_force);
	tcase_add_test(t, bag_is_byte_identical_for_the_same_inputs);
	tcase_add_test(t, bag_rejects_unsafe_or_repeated_payload_names);
	tcase_add_test(t, bag_info_refuses_line_breaks_and_bad_labels);
	tcase_add_test(t, bag_seal_refuses_while_a_payload_stream_is_open);
	tcase_add_test(t, bag_work_files_do_not_reach_the_bundle);
	tcase_add_test(t,
	    bag_path_encoding_round_trips_and_leaves_other_escapes);
	tcase_add_test(t, dictionary_lists_every_column_as_canonical_csv);
	tcase_add_test(t, provenance_holds_inputs_counts_and_k_anonymity);
	suite_add_tcase(s, t);
	return s;
}
