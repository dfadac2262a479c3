/*
 * cli.h: what the tools in cmd/ share, so each stays thin: the program
 * name, diagnostics on stderr ("tool: file:line: message"), the options
 * common to every tool (-o, -q, --progress, --stats, --journal, -h,
 * --version), progress display, signal clean-up of temporary files, and the
 * end of a run (stats, journal, checked close of stdout, exit status).
 */
#ifndef EDS_CLI_H
#define EDS_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "eds.h"
#include "run.h"

/* Long-option values for the common options (short ones use their letter). */
enum {
	CLI_OPT_PROGRESS = 1000,
	CLI_OPT_STATS,
	CLI_OPT_JOURNAL,
	CLI_OPT_VERSION,
	CLI_OPT_FIRST_TOOL = 1100	/* tools number their own from here */
};

/* The common long options, to be listed in each tool's option table. */
#define CLI_LONG_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, CLI_OPT_VERSION }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "progress", no_argument, NULL, CLI_OPT_PROGRESS }, \
	{ "stats", required_argument, NULL, CLI_OPT_STATS }, \
	{ "journal", required_argument, NULL, CLI_OPT_JOURNAL }

struct cli {
	const char *tool;
	const char *usage;	/* text after "usage: " */
	const char *output;	/* -o, NULL for stdout */
	const char *stats;
	const char *journal;
	int quiet;
	int progress;
	/* progress state */
	double start;
	double last;
	int progress_shown;
};

extern struct cli cli;

/* Set the tool name and usage, install signal handlers. */
void cli_init(const char *tool, const char *usage);
/* Seconds on the monotonic clock (for rates and durations). */
double cli_now(void);
/*
 * Handle a common option; returns 1 if it was one, 0 if not.  -h and
 * --version exit here.
 */
int cli_common_option(int ch, const char *arg);
/* Print usage: to stdout and exit 0 for -h, else to stderr and exit 64. */
void cli_usage(int status) __attribute__((noreturn));
/* Report a usage error and exit 64. */
void cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* "tool: message" on stderr. */
void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: file:line: message" for an eds_error. */
void cli_error(const struct eds_error *);
/* A rejected or dropped row: "tool: file:line: rejected (reason): detail". */
void cli_row_message(const char *verb, const char *file, unsigned long line,
    const char *reason, const char *detail);

/* Progress on stderr (at most twice a second) when enabled. */
void cli_progress(uint64_t rows, uint64_t bytes);
/* The same with the library's progress callback signature (ctx unused). */
void cli_progress_cb(void *ctx, uint64_t rows, uint64_t bytes);

/*
 * The library's reject callback (ctx unused): counts rejected rows and
 * reports the first CLI_SHOWN_REJECTS on stderr (unless -q).
 * cli_rejects_done then says how many were not shown; more names where
 * they all are (e.g. " (see the rejects file)"), or is "".
 */
#define CLI_SHOWN_REJECTS 10
struct eds_record;
void cli_reject_cb(void *ctx, const struct eds_record *);
void cli_rejects_done(const char *more);
void cli_progress_done(void);

/*
 * End a run: set run->status, write --stats and --journal if asked, check
 * that stdout was written, and return the exit status (the first failure
 * wins).
 */
int cli_finish(struct eds_run *, int status);

#endif
