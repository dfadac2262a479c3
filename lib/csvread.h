/*
 * csvread.h: the streaming CSV reader, on libcsv.  RFC 4180 (quoted
 * separators, doubled quotes, newlines inside quotes), separators , ; tab |
 * (or detected from the first line), a UTF-8 BOM, CRLF or LF line ends,
 * gzip (through eds_input), UTF-8 validation or Windows-1252/Latin-1
 * conversion, the source line of every row, and limits on field and row
 * size so that an unterminated quote cannot eat the memory.
 *
 * Rows are pushed to a callback, first row (index 0) included: the caller
 * knows whether it is a header.  A row the reader cannot take apart is still
 * delivered, with record->reason set ("bad-quoting", "invalid-utf8",
 * "nul-byte", "field-too-large", "row-too-large", "unterminated-quote") and
 * its raw bytes, so that nothing is silently lost; parsing then resumes at
 * the next row.  Blank lines are not rows; they are counted.
 */
#ifndef EDS_CSVREAD_H
#define EDS_CSVREAD_H

#include <stddef.h>
#include <stdint.h>

#include "eds.h"
#include "encoding.h"
#include "input.h"
#include "record.h"

#define EDS_CSV_DEFAULT_MAX (1024 * 1024)

struct eds_csv_options {
	char sep;		/* , ; \t | or 0 to detect from the first line */
	enum eds_encoding encoding;	/* a UTF-8 BOM overrides it */
	size_t max_field;	/* bytes; default 1 MiB */
	size_t max_row;		/* bytes of the raw row; default 1 MiB */
};

void eds_csv_options_init(struct eds_csv_options *);

/*
 * Called once per row.  The record and its fields are valid only during the
 * call.  Return 0 to go on, -1 (with err set) to stop the reader.
 */
typedef int (*eds_csv_row_fn)(void *ctx, struct eds_record *,
    struct eds_error *);

struct eds_csv_reader;

/* The reader borrows in; the caller closes it after eds_csv_reader_free. */
struct eds_csv_reader *eds_csv_reader_new(struct eds_input *,
    const struct eds_csv_options *);
/*
 * Read to the end, calling fn for every row.  Returns 0, or -1 on an I/O
 * error (74), a corrupt gzip stream (65), a quote never closed before the
 * end of the input (65, after the row was delivered), or an error from fn.
 */
int eds_csv_reader_run(struct eds_csv_reader *, eds_csv_row_fn fn,
    void *ctx, struct eds_error *);
/*
 * Reading a piece of a file cut at row boundaries (shardplan.h), which
 * the input presents as the file's first head bytes (its header row, or
 * none) then the piece (eds_input_open_range), start being where the
 * piece begins in the file.  Once the first head bytes are read, skip more
 * lines are counted, so that every row keeps its line in the whole file;
 * a piece that does not start the file (start > 0, head 0) has no BOM to
 * strip.  With cut, the input ends at a cut, where a row must end: a row
 * still open there (a quote still open, say, when the cut was found on a
 * malformed line) is not delivered, and run fails with 65 and
 * eds_csv_reader_cut_failed true; so too when the head bytes are not
 * exactly one row (a header row too large, skipped by quote parity,
 * would take the piece's first rows with it; a line too large to be
 * seen blank would be taken for the header).  Call before
 * eds_csv_reader_run.
 */
void eds_csv_reader_piece(struct eds_csv_reader *, uint64_t head,
    uint64_t start, unsigned long skip, int cut);
/* 0, or why a piece failed: its end cut, or its head bytes. */
enum { EDS_CUT_FAILED_END = 1, EDS_CUT_FAILED_HEAD = 2 };
int eds_csv_reader_cut_failed(const struct eds_csv_reader *);
/* The separator in use (after detection). */
char eds_csv_reader_sep(const struct eds_csv_reader *);
/* Physical lines and blank lines read so far. */
unsigned long eds_csv_reader_lines(const struct eds_csv_reader *);
unsigned long eds_csv_reader_blank_lines(const struct eds_csv_reader *);
void eds_csv_reader_free(struct eds_csv_reader *);

/* Detect the separator of a first line: the most frequent of ; , tab | outside quotes. */
char eds_csv_detect_sep(const char *line, size_t len);

#endif
