/*
 * check_journal.c: the run journal: seq and the prev chain, the fields of
 * a line, and verification naming the first broken line after an edit, a
 * deletion, an insertion or a reordering; incomplete lines; concurrent
 * appends from several processes keeping one valid chain.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "digest.h"
#include "journal.h"
#include "json.h"

static void
append(const char *path, const char *action, uint64_t n)
{
	struct eds_run r;
	struct eds_error err;

	eds_run_init(&r, "eds-test", action);
	eds_run_input(&r, "in.csv", "00ff", 12);
	eds_run_set(&r, "rows_in", n);
	eds_run_count(&r, "rejected.bad-date", 1);
	ck_assert_msg(eds_journal_append(path, &r, &err) == 0, "%s", err.msg);
	eds_run_release(&r);
}

/* A journal of n lines at a fresh path. */
static const char *
journal(const char *name, int n)
{
	const char *p = tu_path(name);
	int i;

	unlink(p);
	for (i = 1; i <= n; i++)
		append(p, "ingest", (uint64_t)i);
	return p;
}

/* Lines of a file, in a static array. */
static char lines[8][4096];

static int
read_lines(const char *p)
{
	char *text = tu_read(p, NULL), *s = text, *nl;
	int n = 0;

	while ((nl = strchr(s, '\n')) != NULL && n < 8) {
		snprintf(lines[n++], sizeof lines[0], "%.*s", (int)(nl - s), s);
		s = nl + 1;
	}
	free(text);
	return n;
}

static void
write_lines(const char *p, const int *order, int n)
{
	FILE *f = fopen(p, "w");
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[order[i]]);
	fclose(f);
}

/* Verification fails with 65 at line, the message holding text. */
static void
broken_at(const char *p, unsigned long line, const char *text)
{
	struct eds_journal_status st;
	struct eds_error err;

	eds_error_clear(&err);
	ck_assert_int_eq(eds_journal_verify(p, &st, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_str_eq(err.file, p);
	ck_assert_msg(err.line == line, "broken at %lu, expected %lu: %s",
	    err.line, line, err.msg);
	ck_assert_msg(strstr(err.msg, text) != NULL, "'%s' lacks '%s'",
	    err.msg, text);
	ck_assert_uint_eq(st.lines, line - 1);
}

START_TEST(lines_carry_seq_fields_and_the_hash_of_the_line_before)
{
	const char *p = journal("chain.jsonl", 3);
	struct eds_journal_status st;
	struct eds_error err;
	unsigned char md[EDS_SHA256_LEN];
	char prev[EDS_SHA256_HEX];
	static const char *const fields[] = { "seq", "time", "tool", "version",
	    "user", "host", "action", "inputs", "config_sha256", "key_id",
	    "counts", "outputs", "status", "prev", NULL };
	int i, k, n = read_lines(p);

	ck_assert_int_eq(n, 3);
	memset(prev, '0', 64);
	prev[64] = '\0';
	for (i = 0; i < n; i++) {
		char why[128];
		struct eds_jnode *j = eds_json_parse(lines[i], strlen(lines[i]),
		    why, sizeof why);

		ck_assert_msg(j != NULL, "line %d: %s", i + 1, why);
		for (k = 0; fields[k] != NULL; k++)
			ck_assert_msg(eds_json_get(j, fields[k]) != NULL,
			    "line %d lacks %s", i + 1, fields[k]);
		ck_assert_int_eq(atoi(eds_json_get(j, "seq")->str), i + 1);
		ck_assert_str_eq(eds_json_get(j, "prev")->str, prev);
		ck_assert_str_eq(eds_json_get(eds_json_get(eds_json_get(j,
		    "counts"), "rejected"), "bad-date")->str, "1");
		ck_assert_msg(strlen(eds_json_get(j, "time")->str) == 20,
		    "time is YYYY-MM-DDTHH:MM:SSZ");
		eds_json_free(j);
		eds_sha256(lines[i], strlen(lines[i]), md);
		eds_hex(md, sizeof md, prev);
	}
	ck_assert_int_eq(eds_journal_verify(p, &st, &err), 0);
	ck_assert_uint_eq(st.lines, 3);
	ck_assert_str_eq(st.head, prev);
}
END_TEST

START_TEST(an_edited_line_breaks_the_chain_at_the_next_line)
{
	const char *p = journal("edit.jsonl", 4);
	static const int order[] = { 0, 1, 2, 3 };
	struct eds_journal_status st;
	struct eds_error err;
	char head[65], *c;

	read_lines(p);
	c = strstr(lines[1], "\"rows_in\":2");
	ck_assert_ptr_nonnull(c);
	c[10] = '9';			/* rows_in 2 -> 9 */
	write_lines(p, order, 4);
	broken_at(p, 3, "line 2 was edited");

	/* The last line has no successor: only the head shows the edit. */
	p = journal("edit-last.jsonl", 2);
	ck_assert_int_eq(eds_journal_verify(p, &st, &err), 0);
	memcpy(head, st.head, sizeof head);
	read_lines(p);
	c = strstr(lines[1], "\"rows_in\":2");
	c[10] = '8';
	write_lines(p, order, 2);
	ck_assert_int_eq(eds_journal_verify(p, &st, &err), 0);
	ck_assert_msg(strcmp(st.head, head) != 0,
	    "the head must change when the last line is edited");
}
END_TEST

START_TEST(deleted_inserted_and_reordered_lines_are_named)
{
	const char *p = journal("del.jsonl", 4);
	static const int del2[] = { 0, 2, 3 }, del1[] = { 1, 2, 3 },
	    dup[] = { 0, 1, 1, 2, 3 }, swap[] = { 0, 2, 1, 3 };

	read_lines(p);
	write_lines(p, del2, 3);
	broken_at(p, 2, "seq is not 2");
	write_lines(p, del1, 3);
	broken_at(p, 1, "seq is not 1");
	write_lines(p, dup, 5);
	broken_at(p, 3, "seq is not 3");
	write_lines(p, swap, 4);
	broken_at(p, 2, "seq is not 2");
}
END_TEST

START_TEST(a_first_line_with_a_wrong_prev_says_so)
{
	const char *p = journal("first.jsonl", 2);
	static const int order[] = { 0, 1 };
	char *c;

	read_lines(p);
	c = strstr(lines[0], "\"prev\":\"0000");
	ck_assert_ptr_nonnull(c);
	c[9] = 'f';
	write_lines(p, order, 2);
	broken_at(p, 1, "prev of the first line is not 64 zeros");
}
END_TEST

START_TEST(garbage_and_incomplete_lines_are_refused)
{
	const char *p = journal("garbage.jsonl", 3);
	static const int order[] = { 0, 1, 2 };
	FILE *f;
	struct eds_error err;
	struct eds_run r;

	read_lines(p);
	snprintf(lines[1], sizeof lines[1], "not json");
	write_lines(p, order, 3);
	broken_at(p, 2, "not a JSON object");
	snprintf(lines[1], sizeof lines[1], "[1,2]");
	write_lines(p, order, 3);
	broken_at(p, 2, "not a JSON object");

	p = journal("cut.jsonl", 2);
	f = fopen(p, "a");
	fputs("{\"seq\":3", f);		/* an interrupted write */
	fclose(f);
	broken_at(p, 3, "incomplete last line");
	/* appending after it is refused rather than chained to garbage */
	eds_run_init(&r, "eds-test", "ingest");
	ck_assert_int_eq(eds_journal_append(p, &r, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "incomplete line") != NULL, "%s",
	    err.msg);
	eds_run_release(&r);
}
END_TEST

START_TEST(missing_journals_and_unwritable_places_are_reported)
{
	struct eds_journal_status st;
	struct eds_error err;
	struct eds_run r;
	char p[600];

	ck_assert_int_eq(eds_journal_verify(tu_path("none.jsonl"), &st, &err),
	    -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	snprintf(p, sizeof p, "%s/no-dir/j.jsonl", tu_tmpdir());
	eds_run_init(&r, "eds-test", "ingest");
	ck_assert_int_eq(eds_journal_append(p, &r, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
	eds_run_release(&r);
}
END_TEST

START_TEST(concurrent_appends_from_several_processes_keep_one_chain)
{
	const char *p = tu_path("concurrent.jsonl");
	struct eds_journal_status st;
	struct eds_error err;
	pid_t pid[4];
	int i, k, status;

	unlink(p);
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ck_assert_int_ge(pid[i], 0);
		if (pid[i] == 0) {
			for (k = 0; k < 25; k++) {
				struct eds_run r;
				struct eds_error e;

				eds_run_init(&r, "eds-test", "ingest");
				eds_run_set(&r, "writer", (uint64_t)i);
				if (eds_journal_append(p, &r, &e) == -1)
					_exit(1);
				eds_run_release(&r);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "writer %d failed", i);
	}
	ck_assert_msg(eds_journal_verify(p, &st, &err) == 0, "%lu: %s",
	    err.line, err.msg);
	ck_assert_uint_eq(st.lines, 100);
}
END_TEST

Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *t = tcase_create("journal");

	tcase_add_test(t, lines_carry_seq_fields_and_the_hash_of_the_line_before);
	tcase_add_test(t, an_edited_line_breaks_the_chain_at_the_next_line);
	tcase_add_test(t, deleted_inserted_and_reordered_lines_are_named);
	tcase_add_test(t, a_first_line_with_a_wrong_prev_says_so);
	tcase_add_test(t, garbage_and_incomplete_lines_are_refused);
	tcase_add_test(t, missing_journals_and_unwritable_places_are_reported);
	tcase_add_test(t, concurrent_appends_from_several_processes_keep_one_chain);
	suite_add_tcase(s, t);
	return s;
}
