/*
 * csvwrite.c: canonical CSV output (see csvwrite.h).  Fields are copied
 * straight into the output buffer; only a field that needs quotes is
 * scanned twice.
 */
#include "config.h"

#include <string.h>

#include "csvwrite.h"

static const unsigned char special[256] = {
	['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1
};

int
eds_csv_needs_quotes(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end)
		if (special[*p++])
			return 1;
	return 0;
}

/* Make room for n bytes in the output buffer. */
static inline int
room(struct eds_output *o, struct eds_outbuf *b, size_t n,
    struct eds_error *err)
{
	if (b->len + n <= b->cap)
		return 0;
	return eds_output_drain(o, err);
}

static int
put_field(struct eds_output *o, struct eds_outbuf *b, const char *s,
    size_t n, struct eds_error *err)
{
	const char *q, *end = s + n;

	if (!eds_csv_needs_quotes(s, n)) {
		if (n > b->cap)
			return eds_output_write(o, s, n, err);
		if (room(o, b, n, err) == -1)
			return -1;
		memcpy(b->p + b->len, s, n);
		b->len += n;
		return 0;
	}
	if (eds_output_write(o, "\"", 1, err) == -1)
		return -1;
	while (s < end) {
		if ((q = memchr(s, '"', (size_t)(end - s))) == NULL)
			return eds_output_write(o, s, (size_t)(end - s), err) == -1
			    ? -1 : eds_output_write(o, "\"", 1, err);
		/* Up to and including the quote, then the quote again. */
		if (eds_output_write(o, s, (size_t)(q - s) + 1, err) == -1 ||
		    eds_output_write(o, "\"", 1, err) == -1)
			return -1;
		s = q + 1;
	}
	return eds_output_write(o, "\"", 1, err);
}

int
eds_csv_write_fields(struct eds_output *o, const struct eds_field *f,
    size_t n, struct eds_error *err)
{
	struct eds_outbuf *b = eds_output_buf(o);
	size_t i;

	if (n == 1 && f[0].len == 0)
		return eds_output_write(o, "\"\"\n", 3, err);
	for (i = 0; i < n; i++) {
		if (i > 0) {
			if (room(o, b, 1, err) == -1)
				return -1;
			b->p[b->len++] = ',';
		}
		if (put_field(o, b, f[i].s, f[i].len, err) == -1)
			return -1;
	}
	if (room(o, b, 1, err) == -1)
		return -1;
	b->p[b->len++] = '\n';
	return 0;
}

int
eds_csv_write_strings(struct eds_output *o, char *const *v, size_t n,
    struct eds_error *err)
{
	struct eds_outbuf *b = eds_output_buf(o);
	size_t i;

	if (n == 1 && v[0][0] == '\0')
		return eds_output_write(o, "\"\"\n", 3, err);
	for (i = 0; i < n; i++) {
		if (i > 0 && eds_output_write(o, ",", 1, err) == -1)
			return -1;
		if (put_field(o, b, v[i], strlen(v[i]), err) == -1)
			return -1;
	}
	return eds_output_write(o, "\n", 1, err);
}

int
eds_csv_write_header(struct eds_output *o, const struct eds_header *h,
    struct eds_error *err)
{
	return eds_csv_write_strings(o, h->names, h->n, err);
}
