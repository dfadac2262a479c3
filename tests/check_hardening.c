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
#include "project.h"
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

Suite *
hardening_suite(void)
{
	Suite *s = suite_create("hardening");
	TCase *t = tcase_create("hardening");

	tcase_add_test(t, a_project_parsed_from_memory_without_globbing_keeps_its_patterns);
	tcase_add_test(t, a_nul_character_in_a_yaml_value_is_refused_where_it_is);
	tcase_add_test(t, rows_do_not_depend_on_how_the_input_is_cut_into_reads);
	suite_add_tcase(s, t);
	return s;
}
