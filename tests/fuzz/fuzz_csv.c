/*
 * fuzz_csv.c: the streaming CSV reader (lib/csvread.c, with lib/input.c
 * for gzip and lib/encoding.c), on any bytes.
 *
 * Each input is read from a file with every separator (and detection),
 * every encoding, and in turn the default limits or tiny max_field and
 * max_row so that the size limits and the resynchronisation after them
 * are exercised.  Then it is read once more through a socket that hands
 * the reader chunks of sizes chosen from the input (1 byte up), which
 * must deliver exactly the same rows: chunk boundaries must not matter.
 *
 * Invariants checked on every row: a row without a reason has fields
 * no longer than max_field, NUL-terminated, without NUL bytes and valid
 * UTF-8; the raw bytes kept never exceed max_row; lines never go back and
 * indexes count up from 0; a failure carries a sysexits status.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csvread.h"
#include "encoding.h"
#include "fuzz.h"
#include "input.h"

struct seen {
	const struct eds_csv_options *o;
	uint64_t h;
	unsigned long rows;
	unsigned long last_line;
};

static int
on_row(void *ctx, struct eds_record *r, struct eds_error *err)
{
	struct seen *s = ctx;
	size_t i;

	(void)err;
	FUZZ_CHECK(r->index == s->rows);
	FUZZ_CHECK(r->line >= s->last_line && r->line >= 1);
	FUZZ_CHECK(r->raw != NULL && r->raw_len <= s->o->max_row);
	FUZZ_CHECK(r->reason != NULL || r->n > 0);
	s->rows++;
	s->last_line = r->line;
	s->h = fuzz_hash(s->h, &r->line, sizeof r->line);
	s->h = fuzz_hash(s->h, r->raw, r->raw_len);
	if (r->reason != NULL) {
		s->h = fuzz_hash(s->h, r->reason, strlen(r->reason));
		return 0;
	}
	for (i = 0; i < r->n; i++) {
		const struct eds_field *f = &r->f[i];

		FUZZ_CHECK(f->s != NULL && f->s[f->len] == '\0');
		FUZZ_CHECK(f->len <= 3 * s->o->max_field);
		FUZZ_CHECK(memchr(f->s, '\0', f->len) == NULL);
		FUZZ_CHECK(eds_utf8_valid(f->s, f->len));
		s->h = fuzz_hash(s->h, f->s, f->len + 1);
	}
	return 0;
}

/* Read everything from in; the hash of what was seen, and the status. */
static uint64_t
read_all(struct eds_input *in, const struct eds_csv_options *o, int *status)
{
	struct eds_csv_reader *r = eds_csv_reader_new(in, o);
	struct seen s = { o, FUZZ_HASH_INIT, 0, 0 };
	struct eds_error err;

	eds_error_clear(&err);
	*status = 0;
	if (eds_csv_reader_run(r, on_row, &s, &err) == -1) {
		FUZZ_CHECK(err.status == EDS_EX_DATAERR ||
		    err.status == EDS_EX_IOERR);
		FUZZ_CHECK(err.msg[0] != '\0');
		*status = err.status;
	}
	eds_csv_reader_free(r);
	s.h = fuzz_hash(s.h, status, sizeof *status);
	return s.h;
}

static uint64_t
read_file(const char *path, const struct eds_csv_options *o, int *status)
{
	struct eds_error err;
	struct eds_input *in = eds_input_open(path, &err);
	uint64_t h;

	FUZZ_CHECK(in != NULL);
	h = read_all(in, o, status);
	eds_input_close(in);
	return h;
}

/* The socket writer: the input in chunks, one message each. */
struct feed {
	int fd;
	const uint8_t *data;
	size_t size;
	uint64_t seed;
};

static void *
writer(void *arg)
{
	struct feed *f = arg;
	size_t off = 0, n;
	uint64_t x = f->seed | 1;

	while (off < f->size) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Mostly tiny chunks, sometimes larger ones. */
		n = (x & 3) == 0 ? 1 + (x >> 8) % 4096 : 1 + (x >> 8) % 7;
		if (n > f->size - off)
			n = f->size - off;
		if (send(f->fd, f->data + off, n, MSG_NOSIGNAL) == -1)
			break;	/* the reader stopped early */
		off += n;
	}
	shutdown(f->fd, SHUT_WR);
	return NULL;
}

/* Read data as stdin through a SOCK_SEQPACKET socket, in chunks. */
static uint64_t
read_chunked(const uint8_t *data, size_t size,
    const struct eds_csv_options *o, int *status)
{
	struct feed f;
	struct eds_error err;
	struct eds_input *in;
	pthread_t t;
	uint64_t h;
	int sv[2], saved;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		abort();
	saved = dup(STDIN_FILENO);
	if (dup2(sv[0], STDIN_FILENO) == -1)
		abort();
	close(sv[0]);
	f.fd = sv[1];
	f.data = data;
	f.size = size;
	f.seed = fuzz_hash(FUZZ_HASH_INIT, data, size);
	if (pthread_create(&t, NULL, writer, &f) != 0)
		abort();
	in = eds_input_open(NULL, &err);
	if (in == NULL) {
		/* Only a read error can fail here, and there is none. */
		FUZZ_CHECK(!"stdin input opens");
	}
	h = read_all(in, o, status);
	eds_input_close(in);
	shutdown(STDIN_FILENO, SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[1]);
	if (saved != -1) {
		dup2(saved, STDIN_FILENO);
		close(saved);
	} else
		close(STDIN_FILENO);
	return h;
}

FUZZ_TARGET(csv)
{
	static const char seps[] = { 0, ',', ';', '\t', '|' };
	static const enum eds_encoding encs[] = { EDS_ENC_UTF8,
		EDS_ENC_CP1252, EDS_ENC_LATIN1 };
	struct eds_csv_options o;
	const char *path = fuzz_file("in.csv", data, size);
	uint64_t h1, h2;
	int st1, st2;
	size_t i;

	for (i = 0; i < sizeof seps; i++) {
		eds_csv_options_init(&o);
		o.sep = seps[i];
		o.encoding = encs[i % 3];
		if (i % 2 == 1) {
			o.max_field = 1 + size % 13;
			o.max_row = 1 + size % 29;
		}
		h1 = read_file(path, &o, &st1);
		(void)h1;
	}

	/* The same options, whole and in chunks: the same rows. */
	eds_csv_options_init(&o);
	o.sep = seps[size % sizeof seps];
	o.encoding = encs[size % 3];
	if (size % 2 == 0) {
		o.max_field = 1 + size % 11;
		o.max_row = 2 + size % 37;
	}
	h1 = read_file(path, &o, &st1);
	h2 = read_chunked(data, size, &o, &st2);
	FUZZ_CHECK(st1 == st2);
	FUZZ_CHECK(h1 == h2);
	return 0;
}
