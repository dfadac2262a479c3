/*
 * check_input.c: byte-stream input: plain files, gzip detected by magic
 * (several members, corrupt, truncated, trailing junk), stdin, missing
 * files and directories, and the SHA-256 of the bytes as stored.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "check_util.h"
#include "input.h"
#include "xmalloc.h"

/* Write a gzip member of s to path, appending when append is set. */
static void
gz(const char *path, const char *s, size_t n, int append)
{
	gzFile z = gzopen(path, append ? "ab" : "wb");

	ck_assert_ptr_nonnull(z);
	if (n > 0)
		ck_assert_int_eq(gzwrite(z, s, (unsigned)n), (int)n);
	ck_assert_int_eq(gzclose(z), Z_OK);
}

/* Read the whole input in pieces of step bytes; -1 on error. */
static long
slurp(const char *path, size_t step, char *out, size_t cap,
    struct eds_error *err)
{
	struct eds_input *in = eds_input_open(path, err);
	size_t n = 0;
	ssize_t k;

	ck_assert_msg(in != NULL, "%s: %s", path, err->msg);
	while ((k = eds_input_read(in, out + n, step < cap - n ? step :
	    cap - n, err)) > 0)
		n += (size_t)k;
	eds_input_close(in);
	return k < 0 ? -1 : (long)n;
}

START_TEST(input_reads_a_plain_file_and_hashes_it)
{
	const char *p = tu_path("plain.csv");
	char buf[64], hex[EDS_SHA256_HEX], want[EDS_SHA256_HEX];
	struct eds_input *in;
	struct eds_error err;
	const unsigned char *chunk;
	ssize_t n;

	tu_write_str(p, "a,b\n1,2\n");
	ck_assert_int_eq(slurp(p, 1, buf, sizeof buf, &err), 8);
	ck_assert_int_eq(memcmp(buf, "a,b\n1,2\n", 8), 0);
	in = eds_input_open(p, &err);
	ck_assert_str_eq(eds_input_name(in), p);
	ck_assert_int_eq(eds_input_is_gzip(in), 0);
	n = eds_input_next(in, &chunk, &err);
	ck_assert_int_eq(n, 8);
	ck_assert_int_eq(eds_input_next(in, &chunk, &err), 0);
	ck_assert_uint_eq(eds_input_stored_bytes(in), 8);
	eds_input_sha256(in, hex);
	eds_input_sha256(in, hex);	/* asking twice gives the same */
	ck_assert_int_eq(eds_sha256_file(p, want, NULL, &err), 0);
	ck_assert_str_eq(hex, want);
	eds_input_close(in);
}
END_TEST

START_TEST(input_reads_empty_and_one_byte_files)
{
	const char *p = tu_path("tiny");
	struct eds_error err;
	char buf[8];

	tu_write(p, "", 0);
	ck_assert_int_eq(slurp(p, 4, buf, sizeof buf, &err), 0);
	tu_write(p, "\x1f", 1);	/* half a gzip magic is just a byte */
	ck_assert_int_eq(slurp(p, 4, buf, sizeof buf, &err), 1);
	ck_assert_int_eq(buf[0], 0x1f);
}
END_TEST

START_TEST(input_inflates_gzip_whatever_the_name_and_joins_members)
{
	const char *p = tu_path("extract.csv");	/* no .gz on purpose */
	struct eds_error err;
	struct eds_input *in;
	char *big = xmalloc(700000), *out = xmalloc(800000), hex[EDS_SHA256_HEX],
	    want[EDS_SHA256_HEX];
	size_t i;
	long n;

	for (i = 0; i < 700000; i++)
		big[i] = (char)('a' + (i * 7919 % 26));
	gz(p, "first member\n", 13, 0);
	gz(p, big, 700000, 1);
	gz(p, "", 0, 1);		/* an empty member in the middle */
	gz(p, "last\n", 5, 1);
	n = slurp(p, 100000, out, 800000, &err);
	ck_assert_msg(n == 13 + 700000 + 5, "read %ld bytes", n);
	ck_assert_int_eq(memcmp(out, "first member\n", 13), 0);
	ck_assert_int_eq(memcmp(out + 13, big, 700000), 0);
	ck_assert_int_eq(memcmp(out + 700013, "last\n", 5), 0);
	/* one byte at a time gives the same */
	ck_assert_int_eq(slurp(p, 1, out, 800000, &err), n);
	ck_assert_int_eq(memcmp(out + 13, big, 700000), 0);
	/* the checksum is of the compressed file as stored */
	in = eds_input_open(p, &err);
	ck_assert_int_eq(eds_input_is_gzip(in), 1);
	while (eds_input_read(in, out, 800000, &err) > 0)
		;
	eds_input_sha256(in, hex);
	eds_input_close(in);
	ck_assert_int_eq(eds_sha256_file(p, want, NULL, &err), 0);
	ck_assert_str_eq(hex, want);
	free(big);
	free(out);
}
END_TEST

START_TEST(input_refuses_corrupt_truncated_and_junk_followed_gzip)
{
	const char *p = tu_path("bad.gz");
	struct eds_error err;
	char text[4000], buf[8192], *bytes;
	size_t len, i;

	for (i = 0; i < sizeof text; i++)
		text[i] = (char)('0' + i % 10);
	gz(p, text, sizeof text, 0);
	bytes = tu_read(p, &len);

	/* corrupt: damage the deflate data */
	bytes[12] ^= 0x55;
	bytes[13] ^= 0xAA;
	tu_write(p, bytes, len);
	ck_assert_int_eq(slurp(p, sizeof buf, buf, sizeof buf, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "corrupt gzip") != NULL, "%s", err.msg);
	ck_assert_str_eq(err.file, p);
	bytes[12] ^= 0x55;
	bytes[13] ^= 0xAA;

	/* truncated: the trailer and some data cut off */
	for (i = 1; i < 12; i += 5) {
		tu_write(p, bytes, len - i);
		ck_assert_int_eq(slurp(p, sizeof buf, buf, sizeof buf, &err), -1);
		ck_assert_int_eq(err.status, EDS_EX_DATAERR);
		ck_assert_msg(strstr(err.msg, "truncated gzip") != NULL,
		    "cut by %zu: %s", i, err.msg);
	}

	/* trailing junk after a complete member */
	bytes = realloc(bytes, len + 6);
	memcpy(bytes + len, "junk\n", 5);
	tu_write(p, bytes, len + 5);
	ck_assert_int_eq(slurp(p, sizeof buf, buf, sizeof buf, &err), -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_msg(strstr(err.msg, "after the end of the gzip") != NULL,
	    "%s", err.msg);
	free(bytes);
}
END_TEST

START_TEST(input_reads_stdin_for_null_or_dash)
{
	const char *p = tu_path("stdin.csv");
	struct eds_error err;
	struct eds_input *in;
	char buf[32];
	ssize_t n;
	int saved = dup(0), fd;

	tu_write_str(p, "from stdin\n");
	for (int i = 0; i < 2; i++) {
		fd = open(p, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(dup2(fd, 0), 0);
		close(fd);
		in = eds_input_open(i == 0 ? NULL : "-", &err);
		ck_assert_ptr_nonnull(in);
		ck_assert_str_eq(eds_input_name(in), "<stdin>");
		n = eds_input_read(in, buf, sizeof buf, &err);
		ck_assert_int_eq(n, 11);
		eds_input_close(in);
	}
	ck_assert_int_eq(dup2(saved, 0), 0);
	close(saved);
}
END_TEST

START_TEST(input_missing_file_or_directory_is_no_input)
{
	struct eds_error err;

	ck_assert_ptr_null(eds_input_open(tu_path("absent.csv"), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_msg(strstr(err.msg, "absent.csv") != NULL &&
	    strstr(err.msg, "No such file") != NULL, "%s", err.msg);
	ck_assert_ptr_null(eds_input_open(tu_tmpdir(), &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
	ck_assert_msg(strstr(err.msg, "Is a directory") != NULL, "%s",
	    err.msg);
}
END_TEST

START_TEST(a_range_input_gives_the_head_then_the_piece_and_hashes_the_piece)
{
	const char *p = tu_path("range.csv");
	static const char text[] = "h1,h2\nr1\nr2\nr3\n";
	char buf[64], hex[EDS_SHA256_HEX], want[EDS_SHA256_HEX];
	unsigned char raw[EDS_SHA256_LEN];
	struct eds_input *in;
	struct eds_error err;
	struct eds_sha256 also;
	long n = 0;
	ssize_t k;

	tu_write_str(p, text);
	/* Header [0, 6), then the piece [9, 12): "r2\n". */
	in = eds_input_open_range(p, 6, 9, 12, &err);
	ck_assert_msg(in != NULL, "%s", err.msg);
	ck_assert_int_eq(eds_input_is_gzip(in), 0);
	eds_sha256_init(&also);
	eds_input_hash_also(in, &also);
	while ((k = eds_input_read(in, buf + n, 2, &err)) > 0)
		n += k;
	ck_assert_int_eq(k, 0);
	ck_assert_int_eq(n, 9);
	ck_assert_int_eq(memcmp(buf, "h1,h2\nr2\n", 9), 0);
	ck_assert_uint_eq(eds_input_stored_bytes(in), 3);
	eds_input_sha256(in, hex);
	eds_sha256("r2\n", 3, raw);
	eds_hex(raw, EDS_SHA256_LEN, want);
	ck_assert_msg(strcmp(hex, want) == 0, "the hash is the piece's only");
	eds_sha256_final_hex(&also, hex);
	ck_assert_msg(strcmp(hex, want) == 0, "the extra digest got the piece");
	eds_input_close(in);

	/* No head: a plain prefix. */
	in = eds_input_open_range(p, 0, 0, 6, &err);
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(eds_input_read(in, buf, sizeof buf, &err), 6);
	ck_assert_int_eq(eds_input_read(in, buf, sizeof buf, &err), 0);
	eds_input_close(in);

	/* A file that ends before the range does: it changed (65). */
	in = eds_input_open_range(p, 6, 12, 40, &err);
	ck_assert_ptr_nonnull(in);
	n = 0;
	while ((k = eds_input_read(in, buf, sizeof buf, &err)) > 0)
		n += k;
	ck_assert_int_eq(k, -1);
	ck_assert_int_eq(err.status, EDS_EX_DATAERR);
	ck_assert_str_eq(err.file, p);
	ck_assert_msg(strstr(err.msg, "ends before byte 40") != NULL, "%s",
	    err.msg);
	eds_input_close(in);
	ck_assert_ptr_null(eds_input_open_range(tu_path("nonexistent"), 0, 0,
	    1, &err));
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
}
END_TEST

Suite *
input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *t = tcase_create("input");

	tcase_add_test(t, input_reads_a_plain_file_and_hashes_it);
	tcase_add_test(t, input_reads_empty_and_one_byte_files);
	tcase_add_test(t, input_inflates_gzip_whatever_the_name_and_joins_members);
	tcase_add_test(t, input_refuses_corrupt_truncated_and_junk_followed_gzip);
	tcase_add_test(t, input_reads_stdin_for_null_or_dash);
	tcase_add_test(t, input_missing_file_or_directory_is_no_input);
	tcase_add_test(t, a_range_input_gives_the_head_then_the_piece_and_hashes_the_piece);
	suite_add_tcase(s, t);
	return s;
}
