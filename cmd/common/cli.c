/*
 * cli.c: the front-end plumbing shared by the eds-* tools (see cli.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "journal.h"
#include "output.h"
#include "record.h"

struct cli cli;

static void
on_signal(int sig)
{
	eds_output_cleanup_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
cli_init(const char *tool, const char *usage)
{
	struct sigaction sa;

	memset(&cli, 0, sizeof cli);
	cli.tool = tool;
	cli.usage = usage;
	cli.progress = isatty(STDERR_FILENO);
	cli.start = cli.last = cli_now();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void
cli_usage(int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f, "usage: %s\n", cli.usage);
	if (status == 0)
		fprintf(f, "See %s(1) for details.\n", cli.tool);
	exit(status == 0 ? 0 : EDS_EX_USAGE);
}

void
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli.tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_usage(EDS_EX_USAGE);
}

int
cli_common_option(int ch, const char *arg)
{
	switch (ch) {
	case 'h':
		cli_usage(0);
	case CLI_OPT_VERSION:
		printf("%s (eds-tools) %s\n", cli.tool, EDS_VERSION);
		exit(0);
	case 'o':
		cli.output = arg;
		return 1;
	case 'q':
		cli.quiet = 1;
		cli.progress = 0;
		return 1;
	case CLI_OPT_PROGRESS:
		cli.progress = 1;
		return 1;
	case CLI_OPT_STATS:
		cli.stats = arg;
		return 1;
	case CLI_OPT_JOURNAL:
		cli.journal = arg;
		return 1;
	}
	return 0;
}

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	cli_progress_done();
	fprintf(stderr, "%s: ", cli.tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_error(const struct eds_error *e)
{
	char buf[1200];

	eds_error_format(e, buf, sizeof buf);
	cli_warnx("%s", buf);
}

void
cli_row_message(const char *verb, const char *file, unsigned long line,
    const char *reason, const char *detail)
{
	cli_warnx("%s:%lu: %s (%s)%s%s", file, line, verb, reason,
	    detail != NULL && *detail ? ": " : "", detail != NULL ? detail : "");
}

void
cli_progress(uint64_t rows, uint64_t bytes)
{
	double t;

	if (!cli.progress)
		return;
	t = cli_now();
	if (t - cli.last < 0.5)
		return;
	cli.last = t;
	fprintf(stderr, "\r%s: %llu rows, %.1f MB, %.0f rows/s   ", cli.tool,
	    (unsigned long long)rows, (double)bytes / 1e6,
	    (double)rows / (t - cli.start > 0 ? t - cli.start : 1));
	cli.progress_shown = 1;
}

void
cli_progress_cb(void *ctx, uint64_t rows, uint64_t bytes)
{
	(void)ctx;
	cli_progress(rows, bytes);
}

static unsigned long rejects_seen;

void
cli_reject_cb(void *ctx, const struct eds_record *r)
{
	(void)ctx;
	if (++rejects_seen <= CLI_SHOWN_REJECTS && !cli.quiet)
		cli_row_message("rejected", r->file, r->line, r->reason,
		    r->detail);
}

void
cli_rejects_done(const char *more)
{
	if (rejects_seen > CLI_SHOWN_REJECTS && !cli.quiet)
		cli_warnx("%lu more rejected rows not shown%s",
		    rejects_seen - CLI_SHOWN_REJECTS, more);
}

void
cli_progress_done(void)
{
	if (cli.progress_shown) {
		fputc('\n', stderr);
		cli.progress_shown = 0;
	}
}

int
cli_finish(struct eds_run *run, int status)
{
	struct eds_error err;

	cli_progress_done();
	run->status = status;
	if (cli.stats != NULL) {
		eds_error_clear(&err);
		if (eds_run_write_stats(run, cli.stats, &err) == -1) {
			cli_error(&err);
			if (status == 0)
				status = err.status;
		}
	}
	if (cli.journal != NULL) {
		eds_error_clear(&err);
		if (eds_journal_append(cli.journal, run, &err) == -1) {
			cli_error(&err);
			if (status == 0)
				status = err.status;
		}
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_warnx("cannot write to standard output: %s",
		    strerror(errno));
		if (status == 0)
			status = EDS_EX_IOERR;
	}
	return status;
}
