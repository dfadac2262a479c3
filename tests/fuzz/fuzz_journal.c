/*
 * fuzz_journal.c: the journal verifier (lib/journal.c over lib/json.c) on
 * any file, and appending to it.
 *
 * Invariants: verification either passes, counting every line, or fails
 * with 65 naming a line inside the file.  Appending to a journal that
 * verified keeps it verifying, one line longer; appending to one that did
 * not is refused or leaves a journal whose verification still fails (an
 * append never repairs, or hides, a broken chain).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "journal.h"
#include "run.h"

FUZZ_TARGET(journal)
{
	const char *path = fuzz_file("journal.jsonl", data, size);
	struct eds_journal_status st, st2;
	struct eds_error err, err2;
	struct eds_run r;
	unsigned long lines = 0;
	size_t i;
	int rc;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	eds_error_clear(&err);
	rc = eds_journal_verify(path, &st, &err);
	if (rc == 0) {
		FUZZ_CHECK(st.lines == lines);
		FUZZ_CHECK(size == 0 || data[size - 1] == '\n');
	} else {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR);
		FUZZ_CHECK(err.line >= 1 && err.line <= lines + 1);
		FUZZ_CHECK(st.lines == err.line - 1);
	}

	eds_run_init(&r, "eds-fuzz", "fuzz");
	eds_run_set(&r, "rows_in", 1);
	eds_error_clear(&err2);
	if (eds_journal_append(path, &r, &err2) == 0) {
		eds_error_clear(&err2);
		if (rc == 0) {
			FUZZ_CHECK(eds_journal_verify(path, &st2, &err2) == 0);
			FUZZ_CHECK(st2.lines == lines + 1);
		} else
			FUZZ_CHECK(eds_journal_verify(path, &st2, &err2) ==
			    -1);
	} else
		FUZZ_CHECK(err2.status == EDS_EX_DATAERR);
	eds_run_release(&r);
	return 0;
}
