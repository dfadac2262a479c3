/*
 * json.c: JSON escaping and a strict, depth-limited JSON reader
 * (see json.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "json.h"
#include "xmalloc.h"

void
eds_json_string(struct eds_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	eds_buf_addch(b, '"');
	while (p < end) {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			eds_buf_addch(b, '\\');
			eds_buf_addch(b, (char)c);
			p++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n':
				eds_buf_addstr(b, "\\n");
				break;
			case '\r':
				eds_buf_addstr(b, "\\r");
				break;
			case '\t':
				eds_buf_addstr(b, "\\t");
				break;
			default:
				eds_buf_addf(b, "\\u%04x", c);
			}
			p++;
		} else if (c < 0x80) {
			eds_buf_addch(b, (char)c);
			p++;
		} else {
			/* Copy one well-formed sequence, or U+FFFD. */
			size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

			if ((size_t)(end - p) >= k &&
			    eds_utf8_valid((const char *)p, k)) {
				eds_buf_add(b, p, k);
				p += k;
			} else {
				eds_buf_addstr(b, "\xEF\xBF\xBD");
				p++;
			}
		}
	}
	eds_buf_addch(b, '"');
}

void
eds_json_str(struct eds_buf *b, const char *s)
{
	if (s == NULL)
		eds_buf_addstr(b, "null");
	else
		eds_json_string(b, s, strlen(s));
}

/* --- reader -------------------------------------------------------------- */

#define JSON_MAX_DEPTH 32

struct jp {
	const char *p, *end;
	char *why;
	size_t whylen;
	int depth;
};

static struct eds_jnode *value(struct jp *);

static void
fail(struct jp *j, const char *msg)
{
	if (j->why != NULL && j->why[0] == '\0')
		snprintf(j->why, j->whylen, "%s", msg);
}

static void
ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int
hex4(struct jp *j, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = *j->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
put_utf8(struct eds_buf *b, unsigned c)
{
	if (c < 0x80)
		eds_buf_addch(b, (char)c);
	else if (c < 0x800) {
		eds_buf_addch(b, (char)(0xC0 | c >> 6));
		eds_buf_addch(b, (char)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		eds_buf_addch(b, (char)(0xE0 | c >> 12));
		eds_buf_addch(b, (char)(0x80 | (c >> 6 & 0x3F)));
		eds_buf_addch(b, (char)(0x80 | (c & 0x3F)));
	} else {
		eds_buf_addch(b, (char)(0xF0 | c >> 18));
		eds_buf_addch(b, (char)(0x80 | (c >> 12 & 0x3F)));
		eds_buf_addch(b, (char)(0x80 | (c >> 6 & 0x3F)));
		eds_buf_addch(b, (char)(0x80 | (c & 0x3F)));
	}
}

static int
string(struct jp *j, struct eds_buf *b)
{
	const char *start;

	if (j->p >= j->end || *j->p != '"') {
		fail(j, "expected a string");
		return -1;
	}
	j->p++;
	eds_buf_add(b, "", 0);
	for (;;) {
		start = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' &&
		    (unsigned char)*j->p >= 0x20)
			j->p++;
		eds_buf_add(b, start, (size_t)(j->p - start));
		if (j->p >= j->end || (unsigned char)*j->p < 0x20) {
			fail(j, "unterminated string or control character");
			return -1;
		}
		if (*j->p == '"') {
			j->p++;
			break;
		}
		j->p++;
		if (j->p >= j->end) {
			fail(j, "bad escape");
			return -1;
		}
		switch (*j->p++) {
		case '"': eds_buf_addch(b, '"'); break;
		case '\\': eds_buf_addch(b, '\\'); break;
		case '/': eds_buf_addch(b, '/'); break;
		case 'b': eds_buf_addch(b, '\b'); break;
		case 'f': eds_buf_addch(b, '\f'); break;
		case 'n': eds_buf_addch(b, '\n'); break;
		case 'r': eds_buf_addch(b, '\r'); break;
		case 't': eds_buf_addch(b, '\t'); break;
		case 'u': {
			unsigned c, lo;

			if (hex4(j, &c) == -1) {
				fail(j, "bad \\u escape");
				return -1;
			}
			if (c >= 0xD800 && c < 0xDC00) {
				if (!lit(j, "\\u") || hex4(j, &lo) == -1 ||
				    lo < 0xDC00 || lo > 0xDFFF) {
					fail(j, "bad surrogate pair");
					return -1;
				}
				c = 0x10000 + ((c - 0xD800) << 10) +
				    (lo - 0xDC00);
			} else if (c >= 0xDC00 && c < 0xE000) {
				fail(j, "bad surrogate pair");
				return -1;
			}
			put_utf8(b, c);
			break;
		}
		default:
			fail(j, "bad escape");
			return -1;
		}
	}
	if (!eds_utf8_valid(b->p, b->len)) {
		fail(j, "string is not valid UTF-8");
		return -1;
	}
	return 0;
}

static struct eds_jnode *
node(enum eds_jtype t)
{
	struct eds_jnode *n = xcalloc(1, sizeof *n);

	n->type = t;
	return n;
}

static struct eds_jnode *
container(struct jp *j, int obj)
{
	struct eds_jnode *n = node(obj ? EDS_JOBJ : EDS_JARR), *v;
	struct eds_buf key = EDS_BUF_INIT;
	char close = obj ? '}' : ']';

	if (++j->depth > JSON_MAX_DEPTH) {
		fail(j, "nested too deeply");
		goto bad;
	}
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return n;
	}
	for (;;) {
		ws(j);
		if (obj) {
			eds_buf_reset(&key);
			if (string(j, &key) == -1)
				goto bad;
			ws(j);
			if (j->p >= j->end || *j->p != ':') {
				fail(j, "expected ':'");
				goto bad;
			}
			j->p++;
		}
		if (obj && eds_json_get(n, key.p) != NULL) {
			fail(j, "duplicate key in an object");
			goto bad;
		}
		if ((v = value(j)) == NULL)
			goto bad;
		n->items = xreallocarray(n->items, n->n + 1, sizeof *n->items);
		if (obj) {
			n->keys = xreallocarray(n->keys, n->n + 1,
			    sizeof *n->keys);
			n->keys[n->n] = xstrndup(key.p, key.len);
		}
		n->items[n->n++] = v;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			break;
		}
		fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		goto bad;
	}
	eds_buf_release(&key);
	j->depth--;
	return n;
bad:
	eds_buf_release(&key);
	eds_json_free(n);
	return NULL;
}

static struct eds_jnode *
value(struct jp *j)
{
	struct eds_jnode *n;
	struct eds_buf b = EDS_BUF_INIT;
	const char *start;

	ws(j);
	if (j->p >= j->end) {
		fail(j, "unexpected end of input");
		return NULL;
	}
	switch (*j->p) {
	case '{':
		return container(j, 1);
	case '[':
		return container(j, 0);
	case '"':
		if (string(j, &b) == -1) {
			eds_buf_release(&b);
			return NULL;
		}
		n = node(EDS_JSTR);
		n->str = b.p;
		n->len = b.len;
		return n;
	}
	if (lit(j, "null"))
		return node(EDS_JNULL);
	if (lit(j, "true") || lit(j, "false")) {
		n = node(EDS_JBOOL);
		n->b = j->p[-1] == 'e' && j->p[-2] == 'u';
		return n;
	}
	start = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
		fail(j, "unexpected character");
		return NULL;
	}
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
			fail(j, "bad number");
			return NULL;
		}
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
			fail(j, "bad number");
			return NULL;
		}
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	n = node(EDS_JNUM);
	n->str = xstrndup(start, (size_t)(j->p - start));
	n->len = (size_t)(j->p - start);
	return n;
}

struct eds_jnode *
eds_json_parse(const char *s, size_t n, char *why, size_t whylen)
{
	struct jp j = { s, s + n, why, whylen, 0 };
	struct eds_jnode *v;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((v = value(&j)) == NULL)
		return NULL;
	ws(&j);
	if (j.p != j.end) {
		fail(&j, "unexpected data after the value");
		eds_json_free(v);
		return NULL;
	}
	return v;
}

void
eds_json_free(struct eds_jnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		eds_json_free(n->items[i]);
		if (n->keys != NULL)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->str);
	free(n);
}

const struct eds_jnode *
eds_json_get(const struct eds_jnode *o, const char *key)
{
	size_t i;

	if (o == NULL || o->type != EDS_JOBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}
