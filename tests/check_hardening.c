/*
 * check_hardening.c: regression tests for what the fuzzers found (each
 * reproduces the input that failed, with what it must do instead), and
 * the memory-only project loader the project fuzzer relies on.  Crash
 * inputs also live in tests/fuzz/corpus/, replayed by tests/fuzz-replay.sh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "csvread.h"
#include "key.h"
#include "policy.h"
#include "project.h"
#include "pseudo.h"
#include "pseudonym.h"
#include "registry.h"
#include "run.h"
#include "scrub.h"
#include "yamlconf.h"

static const char spec[] =
    "project: P-1\n"
    "title: t\n"
    "organization: o\n"
    "approval: {body: b, reference: r, date: 2026-01-15}\n"
    "consent: {require: secondary, regime: opt-out}\n"
    "datasets:\n"
    "  - name: lab\n"
    "    schema: s.yaml\n"
    "    policy: /etc/p.yaml\n"
    "    inputs: [\"/no-such-dir-eds/*/*\", \"lab-*.csv\"]\n";

START_TEST(a_project_parsed_from_memory_without_globbing_keeps_its_patterns)
{
	struct eds_error err;
	struct eds_project *p;

	p = eds_project_parse("/nonexistent/spec.yaml", spec, strlen(spec),
	    EDS_PROJECT_NO_GLOB, &err);
	ck_assert_msg(p != NULL, "%s", err.msg);
	ck_assert_str_eq(p->id, "P-1");
	ck_assert_uint_eq(p->datasets[0].ninputs, 2);
	ck_assert_str_eq(p->datasets[0].inputs[0], "/no-such-dir-eds/*/*");
	ck_assert_str_eq(p->datasets[0].inputs[1],
	    "/nonexistent/lab-*.csv");
	ck_assert_msg(p->datasets[0].inputs[2] == NULL, "NULL-terminated");
	ck_assert_str_eq(p->datasets[0].schema, "/nonexistent/s.yaml");
	ck_assert_str_eq(p->datasets[0].policy, "/etc/p.yaml");
	ck_assert_int_eq(p->opt_out, 1);
	eds_project_free(p);

	/* With globbing, a pattern matching nothing is still 66. */
	eds_error_clear(&err);
	p = eds_project_parse("/nonexistent/spec.yaml", spec, strlen(spec), 0,
	    &err);
	ck_assert_msg(p == NULL, "globbing finds no lab-*.csv");
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_str_eq(err.file, "/nonexistent/spec.yaml");
	ck_assert_uint_eq(err.line, 10);
}
END_TEST

/*
 * Found by fuzz_yaml: a "\0" escape gave a scalar whose text stopped at
 * the NUL while its length went on, so "12\0junk" read as the number 12
 * and "A\0B" as the value "A": the configuration said something else
 * than what was used.
 */
START_TEST(a_nul_character_in_a_yaml_value_is_refused_where_it_is)
{
	static const char *const texts[] = {
		"a: 1\nb: \"x\\0y\"\n",
		"a: 1\nb: \"12\\x00junk\"\n",
		"a: 1\nb: [ok, \"\\u0000\"]\n",
	};
	static const unsigned long cols[] = { 4, 4, 9 };
	struct eds_error err;
	size_t i;

	for (i = 0; i < 3; i++) {
		eds_error_clear(&err);
		ck_assert_msg(eds_yaml_parse("t.yaml", texts[i],
		    strlen(texts[i]), &err) == NULL, "text %zu is refused", i);
		ck_assert_int_eq(err.status, EDS_EX_CONFIG);
		ck_assert_str_eq(err.file, "t.yaml");
		ck_assert_uint_eq(err.line, 2);
		ck_assert_uint_eq(err.column, cols[i]);
		ck_assert_str_eq(err.msg, "a value contains a NUL character");
	}
}
END_TEST

/* What a reader delivered, row by row: line, reason, raw bytes. */
static void
describe(struct eds_input *in, const struct eds_csv_options *o, char *out,
    size_t len);

static int
describe_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	char *out = ctx;
	size_t k = strlen(out);

	(void)err;
	snprintf(out + k, 2048 - k, "%lu %s %d [%.*s]\n", r->line,
	    r->reason != NULL ? r->reason : "ok", r->raw_truncated,
	    (int)r->raw_len, r->raw);
	return 0;
}

static void
describe(struct eds_input *in, const struct eds_csv_options *o, char *out,
    size_t len)
{
	struct eds_csv_reader *r = eds_csv_reader_new(in, o);
	struct eds_error err;

	ck_assert_uint_ge(len, 2048);
	out[0] = '\0';
	eds_error_clear(&err);
	ck_assert_msg(eds_csv_reader_run(r, describe_row, out, &err) == 0,
	    "%s", err.msg);
	eds_csv_reader_free(r);
}

/*
 * Read data as stdin through a socket that delivers it in reads of the
 * given sizes (a SOCK_SEQPACKET socket keeps each write one read).
 */
static void
describe_in_reads(const char *data, const size_t *sizes, size_t nsizes,
    const struct eds_csv_options *o, char *out, size_t len)
{
	struct eds_error err;
	struct eds_input *in;
	size_t i, off = 0;
	int sv[2], saved, status;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		for (i = 0; i < nsizes; i++) {
			if (send(sv[1], data + off, sizes[i], 0) == -1)
				_exit(1);
			off += sizes[i];
		}
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	close(sv[1]);
	saved = dup(STDIN_FILENO);
	ck_assert_int_eq(dup2(sv[0], STDIN_FILENO), STDIN_FILENO);
	close(sv[0]);
	in = eds_input_open(NULL, &err);
	ck_assert_msg(in != NULL, "%s", err.msg);
	describe(in, o, out, len);
	eds_input_close(in);
	dup2(saved, STDIN_FILENO);
	close(saved);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the writer sent everything");
}

/*
 * Found by fuzz_csv (tests/fuzz/corpus/csv/crash-chunked-bad-quoting-*):
 * a line cut by the end of a read was parsed up to the cut; a stray quote
 * there made it "bad-quoting" and the rest of the line, in the next read,
 * was then kept whole, past max_row, while the same bytes read at once
 * were "row-too-large" and cut at max_row.  Rows must depend on the bytes
 * only, not on how reads cut them (a pipe and a file give the same).
 */
START_TEST(rows_do_not_depend_on_how_the_input_is_cut_into_reads)
{
	static const char data[] = "key,val\n1,\"{\"\"type\"\":\x19\"\"Point"
	    "\"\", \"\"coordinates\"\n3\t\"a\"x\n4\t5";
	static const size_t fuzzed[] = { 6, 3, 5, 34, 10 };
	size_t n = sizeof data - 1, ones[sizeof data - 1], halves[2], i;
	struct eds_csv_options o;
	struct eds_error err;
	struct eds_input *in;
	char whole[2048], cut[2048];

	eds_csv_options_init(&o);
	o.sep = '\t';
	o.max_field = 5;
	o.max_row = 13;
	tu_write(tu_path("cut.csv"), data, n);
	in = eds_input_open(tu_path("cut.csv"), &err);
	ck_assert_msg(in != NULL, "%s", err.msg);
	describe(in, &o, whole, sizeof whole);
	eds_input_close(in);
	ck_assert_msg(strstr(whole, "2 row-too-large 1 [1,\"{\"\"type\"\":]\n")
	    != NULL, "a row over max_row is cut there: %s", whole);
	ck_assert_msg(strstr(whole, "3 bad-quoting 0 [3\t\"a\"x]\n") != NULL,
	    "a short badly quoted row is whole: %s", whole);

	ck_assert_uint_eq(n, 58);
	describe_in_reads(data, fuzzed, 5, &o, cut, sizeof cut);
	ck_assert_str_eq(cut, whole);
	for (i = 0; i < n; i++)
		ones[i] = 1;
	describe_in_reads(data, ones, n, &o, cut, sizeof cut);
	ck_assert_str_eq(cut, whole);
	halves[0] = n / 2;
	halves[1] = n - n / 2;
	describe_in_reads(data, halves, 2, &o, cut, sizeof cut);
	ck_assert_str_eq(cut, whole);
}
END_TEST

/* The scrubber's output for text (copied, valid until the next call). */
static const char *
scrubbed(struct eds_scrubber *s, const char *text)
{
	static char buf[512];
	const char *out;
	size_t n;

	eds_scrub(s, text, strlen(text), 0, &out, &n);
	ck_assert_uint_lt(n, sizeof buf);
	memcpy(buf, out, n);
	buf[n] = '\0';
	return buf;
}

/* The same, dates shifted by offset days. */
static const char *
shifted(struct eds_scrubber *s, const char *text, int offset)
{
	static char buf[512];
	const char *out;
	size_t n;

	eds_scrub(s, text, strlen(text), offset, &out, &n);
	ck_assert_uint_lt(n, sizeof buf);
	memcpy(buf, out, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Found by fuzz_scrub (tests/fuzz/corpus/scrub/crash-tel-before-nir): an
 * international number followed by a NIR was read as one run of too many
 * digits and refused as a telephone, and the NIR's finding covered only
 * its own digits, so the number stayed in clear; scrubbed again, the
 * output gave up a [TEL].  The number now ends at its last group within 15
 * digits, and findings that overlap become one.
 */
START_TEST(a_telephone_number_just_before_a_nir_is_not_left_in_clear)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	ck_assert_str_eq(scrubbed(s, "tel +44 20 7946 0958 1 85 05 78 006 084 "
	    "91 ok"), "tel [NIR] ok");
	ck_assert_str_eq(scrubbed(s, "Appeler le 003 94 418 3-74-34-73-0 "
	    "1-98-03-33-467-349-25 avant"), "Appeler le [NIR] avant");
	/* Alone, each is what it was. */
	ck_assert_str_eq(scrubbed(s, "tel +44 20 7946 0958, NIR 1 85 05 78 "
	    "006 084 91"), "tel [TEL], NIR [NIR]");
	/* A run of more than 15 digits is still no telephone number. */
	ck_assert_str_eq(scrubbed(s, "ref +4420794609581850578 ok"),
	    "ref +4420794609581850578 ok");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Found by fuzz_scrub's idempotence check: of two row findings that
 * overlap, the longer one was kept and the other dropped, so with the
 * first name "Jean-Pierre" and the last name "Pierre Dupont", "Jean" of
 * "Jean-Pierre Dupont" survived ("Jean-[NOM]").  Overlapping findings now
 * make one.
 */
START_TEST(overlapping_row_values_leave_no_part_of_either)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "Jean-Pierre", 11, "PRENOM");
	eds_scrub_row_value(s, "Pierre Dupont", 13, "NOM");
	ck_assert_str_eq(scrubbed(s, "vu Jean-Pierre Dupont hier"),
	    "vu [NOM] hier");
	ck_assert_str_eq(scrubbed(s, "vu Jean Pierre Dupont hier"),
	    "vu [NOM] hier");
	ck_assert_str_eq(scrubbed(s, "Jean-Pierre et Pierre Dupont"),
	    "[PRENOM] et [NOM]");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Found by fuzz_scrub (tests/fuzz/corpus/scrub/crash-glued-telephones): a
 * telephone number written right after another one, or after a NIR,
 * without a blank ("+33343185945+33343185945") was taken to be inside a
 * number and stayed in clear, and scrubbing the output again found it
 * ("[TEL]+33..." gives "[TEL][TEL]").  It now starts where the first ends.
 */
START_TEST(a_number_glued_to_a_telephone_number_or_nir_is_found_too)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	ck_assert_str_eq(scrubbed(s, "(+3334318594+333431859454."),
	    "([TEL][TEL].");
	ck_assert_str_eq(scrubbed(s, "tel +33 6 12 34 56 78+33 6 87 65 43 21 "
	    "ok"), "tel [TEL][TEL] ok");
	ck_assert_str_eq(scrubbed(s, "NIR 185057800608491+33 6 87 65 43 21"),
	    "NIR [NIR][TEL]");
	/* Inside a word or another number it is still no match. */
	ck_assert_str_eq(scrubbed(s, "lot 7185057800608491 ok"),
	    "lot 7185057800608491 ok");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Found by fuzz_scrub (tests/fuzz/corpus/scrub/crash-telephone-glued-to-a-
 * word): an international number whose last group is glued to a word
 * ("+22 20 9662 6344er") was refused whole; when that word was a row value
 * ("6344er"), its replacement left "+22 20 9662 [NOM]", the number in
 * clear.  The number now ends at its previous group when that already
 * makes 8 digits.
 */
START_TEST(a_telephone_number_whose_last_group_is_glued_to_a_word_is_found)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	ck_assert_str_eq(scrubbed(s, "tel +22 20 9662 6344er au 0800"),
	    "tel [TEL] 6344er au 0800");
	eds_scrub_row_value(s, "6344er", 6, "NOM");
	ck_assert_str_eq(scrubbed(s, "tel +22 20 9662 6344er au 0800"),
	    "tel [TEL] [NOM] au 0800");
	/* Fewer than 8 digits before the glued group: no number. */
	ck_assert_str_eq(scrubbed(s, "lot +22 20 96 6344xy"),
	    "lot +22 20 96 6344xy");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Found by fuzz_scrub (tests/fuzz/corpus/scrub/crash-number-before-a-
 * finding): "555.123.4567" followed by ".0612345678" was refused as part
 * of a longer number, and the French number after it replaced, leaving
 * "555.123.4567.[TEL]": the first number in clear.  A number that ends
 * where another finding starts (or before separators only), or an address
 * that ends there, is now found.
 */
START_TEST(a_number_or_address_just_before_another_finding_is_found)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	ck_assert_str_eq(scrubbed(s, "tel 555.123.4567.0612345678 ok"),
	    "tel [TEL].[TEL] ok");
	/* Followed by digits that are nothing: still refused. */
	ck_assert_str_eq(scrubbed(s, "tel 555.123.4567.1234 ok"),
	    "tel 555.123.4567.1234 ok");
	/* (crash-chained-numbers) A chain of them, each before the next. */
	ck_assert_str_eq(scrubbed(s, "tel 233.067.0703.733.067.0703."
	    "733.067.0703. fin"), "tel [TEL].[TEL].[TEL]. fin");
	/*
	 * (crash-address-before-a-finding) An address whose domain runs
	 * into the row's IPP was no address, and the IPP's replacement left
	 * "jean@chu.fr[IPP]".
	 */
	eds_scrub_row_value(s, "12345678", 8, "IPP");
	ck_assert_str_eq(scrubbed(s, "mail jean@chu.fr12345678 ok"),
	    "mail [EMAIL][IPP] ok");
	/*
	 * (crash-domain-running-on-after-a-dot) An address whose domain
	 * runs on, after a dot, into the IPP: "jean@chu.fr.12345678".
	 */
	ck_assert_str_eq(scrubbed(s, "mail jean@chu.fr.12345678 ok"),
	    "mail [EMAIL].[IPP] ok");
	/* (crash-long-domain-before-a-finding) However long the domain. */
	ck_assert_str_eq(scrubbed(s, "mail jean@cardiologie-interventionnelle-"
	    "et-rythmologie.hopital-universitaire-de-nulle-part.example.fr"
	    "12345678 ok"), "mail [EMAIL][IPP] ok");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Found by fuzz_scrub (tests/fuzz/corpus/scrub/crash-value-glued-to-a-
 * value): with the IPP "84" and the name "N88nt", the text "84N88nt"
 * became "[IPP]N88nt": the name, glued to the IPP, was no word until the
 * IPP was replaced, and then stood alone in clear.  A value glued to
 * another finding is now found as if a blank were between them.
 */
START_TEST(a_row_value_glued_to_another_finding_is_found)
{
	struct eds_scrubber *s = eds_scrubber_new(EDS_DATES_KEEP);

	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "84", 2, "IPP");
	eds_scrub_row_value(s, "N88nt", 5, "NOM");
	ck_assert_str_eq(scrubbed(s, "ipp 84N88nt"), "ipp [IPP][NOM]");
	/* (Here the IPP ends a telephone number, which is found too.) */
	ck_assert_str_eq(scrubbed(s, "tel 01.01.05.57.84N88nt"),
	    "tel [TEL][NOM]");
	eds_scrub_row_begin(s);
	eds_scrub_row_value(s, "12345678", 8, "IPP");
	eds_scrub_row_value(s, "Dupont", 6, "NOM");
	ck_assert_str_eq(scrubbed(s, "IPP 12345678Dupont Jean"),
	    "IPP [IPP][NOM] Jean");
	ck_assert_str_eq(scrubbed(s, "vu Dupont12345678."), "vu [NOM][IPP].");
	/*
	 * (crash-telephone-glued-after-a-value) A number glued after a
	 * value was inside a word until the value was replaced.
	 */
	ck_assert_str_eq(scrubbed(s, "IPP 12345678+33 6 12 34 56 78 ok"),
	    "IPP [IPP][TEL] ok");
	/* Glued to a word that is no finding, a value is still no word. */
	ck_assert_str_eq(scrubbed(s, "lot xDupont ok"), "lot xDupont ok");
	eds_scrubber_free(s);
	/*
	 * (crash-telephone-glued-after-a-date) The same after a date that
	 * is redacted.
	 */
	s = eds_scrubber_new(EDS_DATES_REDACT);
	eds_scrub_row_begin(s);
	ck_assert_str_eq(scrubbed(s, "le 12/03/2024+33 (0)3 43 03 59 91."),
	    "le [DATE][TEL].");
	eds_scrubber_free(s);
}
END_TEST

/*
 * Found by fuzz_pseudo (tests/fuzz/corpus/pseudo/crash-shift-past-9999):
 * a date near the end of the calendar ("9999-12-20T23:59:59Z", a common
 * "no end" value) shifted forward was written with a year of 10000 as
 * ":000-..." (and one near year 1 shifted back, as garbage too).  Such a
 * value now fails the run with 65, its line and field, like any value
 * the policy cannot transform; in free text it becomes [DATE].
 */
START_TEST(a_date_shifted_out_of_the_calendar_is_refused)
{
	static const char policy[] = "patient_id: ipp\ncolumns:\n"
	    "  ipp: {action: pseudonymise, namespace: patient}\n"
	    "  seen: {action: shift}\n";
	struct eds_pseudo_options o;
	struct eds_policy *pol;
	struct eds_domain *dom;
	struct eds_scrubber *s;
	struct eds_key key;
	struct eds_error err;
	struct eds_run run;
	const char *in = tu_path("edge.csv"), *out = tu_path("edge.out.csv");
	char csv[128];
	int off;

	memset(&key, 9, sizeof key);
	pol = eds_policy_parse("p.yaml", policy, strlen(policy), &err);
	ck_assert_msg(pol != NULL, "%s", err.msg);
	dom = eds_domain_new(&key, "EDGE", &err);
	ck_assert_ptr_nonnull(dom);
	off = eds_date_offset(dom, 0, "P1", 2, pol->shift_days);
	/* The end of the calendar the offset moves past. */
	snprintf(csv, sizeof csv, "ipp,seen\nP1,2024-01-01\nP1,%s\n",
	    off > 0 ? "9999-12-20T23:59:59Z" : "0001-01-05");
	tu_write_str(in, csv);
	memset(&o, 0, sizeof o);
	o.policy = pol;
	o.domain = dom;
	o.output = out;
	eds_run_init(&run, "eds-pseudo", "pseudonymise");
	eds_error_clear(&err);
	ck_assert_int_eq(eds_pseudo_file(&o, in, &run, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_uint_eq(err.column, 2);
	ck_assert_msg(strstr(err.msg, "outside the years 1 to 9999") != NULL,
	    "%s", err.msg);
	ck_assert_int_eq(access(out, F_OK), -1);
	eds_run_release(&run);

	s = eds_scrubber_new(EDS_DATES_SHIFT);
	eds_scrub_row_begin(s);
	ck_assert_str_eq(shifted(s, "fin 31/12/9999 ok", 30), "fin [DATE] ok");
	ck_assert_str_eq(shifted(s, "le 2 janvier 0001", -30), "le [DATE]");
	ck_assert_str_eq(shifted(s, "le 01/01/2024 ok", 30), "le 31/01/2024 ok");
	eds_scrubber_free(s);
	eds_domain_free(dom);
	eds_policy_free(pol);
}
END_TEST

/*
 * Rewrite dir/manifest for an edited dir/index-000001.bin: the index's
 * size and SHA-256 on its line, and the manifest's own checksum, as one
 * who edits a registry on purpose would (a bug in our writer would too).
 */
static void
reseal(const char *dir)
{
	char path[1024], hex[EDS_SHA256_HEX], *m, *line, *end, *out;
	unsigned char md[EDS_SHA256_LEN];
	size_t ilen, mlen, k = 0;
	char *index;

	snprintf(path, sizeof path, "%s/index-000001.bin", dir);
	index = tu_read(path, &ilen);
	eds_sha256(index, ilen, md);
	eds_hex(md, EDS_SHA256_LEN, hex);
	free(index);
	snprintf(path, sizeof path, "%s/manifest", dir);
	m = tu_read(path, &mlen);
	out = malloc(mlen + 256);
	for (line = m; line < m + mlen && strncmp(line, "sha256 ", 7) != 0;
	    line = end + 1) {
		end = strchr(line, '\n');
		if (strncmp(line, "index ", 6) == 0)
			k += (size_t)sprintf(out + k, "index index-000001.bin "
			    "%zu %s\n", ilen, hex);
		else {
			memcpy(out + k, line, (size_t)(end - line) + 1);
			k += (size_t)(end - line) + 1;
		}
	}
	eds_sha256(out, k, md);
	eds_hex(md, EDS_SHA256_LEN, hex);
	k += (size_t)sprintf(out + k, "sha256 %s\n", hex);
	tu_write(path, out, k);
	free(out);
	free(m);
}

/*
 * Found by fuzz_registry (an out-of-memory; its input is
 * tests/fuzz/corpus/registry/crash-scope-count): an index whose checksums
 * hold but whose trailer counts 4294967295 scopes made the reader
 * allocate a table of 2^32 names (2^32 + 1 in 32 bits is 0: the table
 * would have been written past its end).  A count that the name table
 * cannot hold is now corrupt (65).
 */
START_TEST(a_registry_index_counting_more_names_than_it_holds_is_corrupt)
{
	static const char events[] = "patient_id,scope,decision,recorded_at,"
	    "source\nA1,primary,granted,2024-01-01,dpi\n";
	struct eds_import_options io;
	struct eds_registry *reg;
	struct eds_error err;
	struct eds_run run;
	const char *dir = tu_path("reg-names");
	char path[1024], *files[1], *index;
	size_t len;
	int k;

	files[0] = (char *)tu_path("names.csv");
	tu_write_str(files[0], events);
	eds_import_options_init(&io);
	eds_run_init(&run, "eds-consent", "import");
	ck_assert_msg(eds_registry_import(dir, &io, files, 1, &run, &err) == 0,
	    "%s", err.msg);
	eds_run_release(&run);
	/* nscopes, then nsources: 32-bit words 88 and 92 of the trailer. */
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/index-000001.bin", dir);
		index = tu_read(path, &len);
		memset(index + len - 128 + 88 + 4 * k, 0xff, 4);
		tu_write(path, index, len);
		free(index);
		reseal(dir);
		eds_error_clear(&err);
		reg = eds_registry_open(dir, 0, &err);
		ck_assert_msg(reg == NULL, "a count of 2^32 - 1 names is refused");
		ck_assert_int_eq(err.status, EDS_EX_DATAERR);
		ck_assert_msg(strstr(err.msg, "bad name table") != NULL, "%s",
		    err.msg);
		/* Put it back: the registry opens again. */
		index = tu_read(path, &len);
		memset(index + len - 128 + 88 + 4 * k, 0, 4);
		index[len - 128 + 88 + 4 * k] = 1;
		tu_write(path, index, len);
		free(index);
		reseal(dir);
		reg = eds_registry_open(dir, 0, &err);
		ck_assert_msg(reg != NULL, "%s", err.msg);
		eds_registry_close(reg);
	}
	/*
	 * (crash-nul-in-a-scope-name) A name holding a NUL byte was read
	 * up to it: "pr\0mary" became a scope "pr" that no look-up of the
	 * stored name could find.  Names come from validated events: a NUL
	 * is corrupt.
	 */
	index = tu_read(path, &len);
	{
		char *at = memmem(index, len, "\007primary", 8);

		ck_assert_msg(at != NULL, "the scope name is in the index");
		at[3] = '\0';
	}
	tu_write(path, index, len);
	free(index);
	reseal(dir);
	eds_error_clear(&err);
	ck_assert_msg(eds_registry_open(dir, 0, &err) == NULL,
	    "a NUL in a name is refused");
	ck_assert_msg(strstr(err.msg, "bad name table") != NULL, "%s",
	    err.msg);
}
END_TEST

/* An index item as registry.c encodes it: flags, time, source. */
static size_t
item_bytes(unsigned char *out, int decision, long long seconds)
{
	unsigned long long v = (unsigned long long)seconds * 2;	/* zigzag */
	size_t n = 0;

	out[n++] = (unsigned char)(decision | 0x08);	/* time in seconds */
	while (v >= 0x80) {
		out[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	out[n++] = 0;					/* source 0 */
	return n;
}

/*
 * Found by fuzz_registry (tests/fuzz/corpus/registry/crash-unsorted-
 * history): an index whose checksums hold but whose history of a
 * (patient, scope) is not in time order was read as it was, and the
 * status, which takes the history to be ordered, could be decided by the
 * wrong event.  Such a history is now corrupt (65).
 */
START_TEST(a_registry_history_out_of_time_order_is_corrupt)
{
	static const char events[] = "patient_id,scope,decision,recorded_at,"
	    "source\nA1,primary,granted,2024-01-01,dpi\n"
	    "A1,primary,refused,2024-02-01,dpi\n";
	struct eds_registry_patient pt;
	struct eds_registry_entry e;
	struct eds_consent_item *items = NULL;
	struct eds_import_options io;
	struct eds_registry *reg;
	struct eds_error err;
	struct eds_run run;
	const char *dir = tu_path("reg-order");
	unsigned char first[16], second[16], *at;
	char path[1024], *files[1], *index;
	size_t len, n1, n2, cap = 0;

	files[0] = (char *)tu_path("order.csv");
	tu_write_str(files[0], events);
	eds_import_options_init(&io);
	eds_run_init(&run, "eds-consent", "import");
	ck_assert_msg(eds_registry_import(dir, &io, files, 1, &run, &err) == 0,
	    "%s", err.msg);
	eds_run_release(&run);
	/* Swap the two decisions in the index, and reseal it. */
	n1 = item_bytes(first, 1, 1704067200);		/* 2024-01-01 */
	n2 = item_bytes(second, 2, 1706745600);		/* 2024-02-01 */
	snprintf(path, sizeof path, "%s/index-000001.bin", dir);
	index = tu_read(path, &len);
	memcpy(first + n1, second, n2);
	at = memmem(index, len, first, n1 + n2);
	ck_assert_msg(at != NULL, "the two decisions are found in the index");
	memcpy(at, second, n2);
	item_bytes(at + n2, 1, 1704067200);
	tu_write(path, index, len);
	free(index);
	reseal(dir);
	reg = eds_registry_open(dir, 0, &err);
	ck_assert_msg(reg != NULL, "the registry opens: %s", err.msg);
	ck_assert_int_eq(eds_registry_find(reg, "A1", 2, &pt, &err), 1);
	eds_error_clear(&err);
	ck_assert_int_eq(eds_registry_next_entry(&pt, &e, &items, &cap, &err),
	    -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "out of order") != NULL, "%s", err.msg);
	free(items);
	eds_registry_close(reg);
}
END_TEST

Suite *
hardening_suite(void)
{
	Suite *s = suite_create("hardening");
	TCase *t = tcase_create("hardening");

	tcase_add_test(t, a_project_parsed_from_memory_without_globbing_keeps_its_patterns);
	tcase_add_test(t, a_nul_character_in_a_yaml_value_is_refused_where_it_is);
	tcase_add_test(t, rows_do_not_depend_on_how_the_input_is_cut_into_reads);
	tcase_add_test(t, a_telephone_number_just_before_a_nir_is_not_left_in_clear);
	tcase_add_test(t, overlapping_row_values_leave_no_part_of_either);
	tcase_add_test(t, a_number_glued_to_a_telephone_number_or_nir_is_found_too);
	tcase_add_test(t, a_telephone_number_whose_last_group_is_glued_to_a_word_is_found);
	tcase_add_test(t, a_number_or_address_just_before_another_finding_is_found);
	tcase_add_test(t, a_row_value_glued_to_another_finding_is_found);
	tcase_add_test(t, a_date_shifted_out_of_the_calendar_is_refused);
	tcase_add_test(t, a_registry_index_counting_more_names_than_it_holds_is_corrupt);
	tcase_add_test(t, a_registry_history_out_of_time_order_is_corrupt);
	suite_add_tcase(s, t);
	return s;
}
