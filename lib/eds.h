/*
 * eds.h: what every part of libeds shares: the version, the exit statuses
 * (sysexits.h values, DESIGN section 3) and struct eds_error, the one way a
 * library function reports failure.  The library never prints and never
 * exits: it fills an eds_error and returns -1 (or NULL); the tools in cmd/
 * print it as "tool: file:line: message" and exit with err->status.
 */
#ifndef EDS_H
#define EDS_H

#include <stdarg.h>
#include <stddef.h>

#define EDS_VERSION "0.1.0"

/* Exit statuses, sysexits.h values (contract, DESIGN section 3). */
enum {
	EDS_EX_OK = 0,
	EDS_EX_USAGE = 64,	/* bad command line */
	EDS_EX_DATAERR = 65,	/* bad input data */
	EDS_EX_NOINPUT = 66,	/* input missing or unreadable */
	EDS_EX_SOFTWARE = 70,	/* internal error */
	EDS_EX_CANTCREAT = 73,	/* cannot create output */
	EDS_EX_IOERR = 74,	/* read or write error, disk full */
	EDS_EX_NOPERM = 77,	/* permission: unsafe key file */
	EDS_EX_CONFIG = 78	/* bad configuration */
};

/*
 * A failure: the exit status it maps to, where it happened (file may be
 * empty, line and column 0 when unknown) and a message in lower case with
 * no full stop, saying what is wrong first.  Messages never contain
 * identifier values or keys.
 */
struct eds_error {
	int status;
	unsigned long line;
	unsigned long column;
	char file[256];
	char msg[768];
};

void eds_error_clear(struct eds_error *);
/* Set status and message; clears the position. Returns -1. */
int eds_error_set(struct eds_error *, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set status, position and message. Returns -1. */
int eds_error_at(struct eds_error *, int status, const char *file,
    unsigned long line, unsigned long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Like eds_error_set, with ": strerror(errnum)" appended. Returns -1. */
int eds_error_errno(struct eds_error *, int status, int errnum,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Format the error as "file:line:column: message" into buf. */
void eds_error_format(const struct eds_error *, char *buf, size_t len);

/* Overwrite memory holding a secret, in a way the compiler keeps. */
void eds_wipe(void *, size_t);

#endif
