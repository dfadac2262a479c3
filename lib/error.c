/*
 * error.c: filling and formatting struct eds_error (see eds.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "eds.h"

void
eds_error_clear(struct eds_error *e)
{
	e->status = 0;
	e->line = e->column = 0;
	e->file[0] = '\0';
	e->msg[0] = '\0';
}

static void __attribute__((format(printf, 3, 0)))
vset(struct eds_error *e, int status, const char *fmt, va_list ap)
{
	e->status = status;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int
eds_error_set(struct eds_error *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->line = e->column = 0;
	e->file[0] = '\0';
	va_start(ap, fmt);
	vset(e, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
eds_error_at(struct eds_error *e, int status, const char *file,
    unsigned long line, unsigned long column, const char *fmt, ...)
{
	va_list ap;

	snprintf(e->file, sizeof e->file, "%s", file != NULL ? file : "");
	e->line = line;
	e->column = column;
	va_start(ap, fmt);
	vset(e, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
eds_error_errno(struct eds_error *e, int status, int errnum,
    const char *fmt, ...)
{
	va_list ap;
	size_t n;

	e->line = e->column = 0;
	e->file[0] = '\0';
	va_start(ap, fmt);
	vset(e, status, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	return -1;
}

void
eds_error_format(const struct eds_error *e, char *buf, size_t len)
{
	if (e->file[0] == '\0')
		snprintf(buf, len, "%s", e->msg);
	else if (e->line == 0)
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	else if (e->column == 0)
		snprintf(buf, len, "%s:%lu: %s", e->file, e->line, e->msg);
	else
		snprintf(buf, len, "%s:%lu:%lu: %s", e->file, e->line,
		    e->column, e->msg);
}

void
eds_wipe(void *p, size_t n)
{
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n);
#else
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
#endif
}
