/*
 * check_tar.c: the deterministic tar.gz writer, checked with the system
 * tar: extraction gives back the tree, the listing shows sorted entries
 * with fixed owner, modes and time, two runs give identical bytes, long
 * paths use the ustar prefix or a pax record, and what cannot be archived
 * is refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_export_util.h"
#include "tar.h"

#define MTIME 1772323200	/* 2026-03-01T00:00:00Z */

/* A small tree with nested directories and an empty file. */
static void
make_tree(const char *dir)
{
	ck_assert(tx_sh("rm -rf '%s' && mkdir -p '%s/data/sub' '%s/empty' && "
	    "printf 'BagIt-Version: 1.0\\n' > '%s/bagit.txt' && "
	    "printf 'a,b\\n1,2\\n' > '%s/data/x.csv' && "
	    ": > '%s/data/sub/zero.txt' && "
	    "head -c 70000 /dev/urandom > '%s/data/sub/random.bin' && "
	    "chmod 600 '%s/data/x.csv'",
	    dir, dir, dir, dir, dir, dir, dir, dir) == 0);
}

START_TEST(archive_extracts_to_the_same_tree_with_system_tar)
{
	const char *src = tu_path("tree"), *out = tu_path("tree.tar.gz");
	char sha[EDS_SHA256_HEX];
	struct eds_error err;
	uint64_t bytes;

	if (!tx_have("tar")) {
		printf("SKIP: tar: no tar command\n");
		return;
	}
	make_tree(src);
	eds_error_clear(&err);
	ck_assert_msg(eds_tar_directory(src, "BUNDLE", out, MTIME, 0, sha,
	    &bytes, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(strlen(sha), 64);
	ck_assert(bytes > 0);
	ck_assert(tx_sh("cd '%s' && test \"$(sha256sum tree.tar.gz | cut -c1-64)"
	    "\" = %s", tu_tmpdir(), sha) == 0);
	ck_assert_msg(tx_sh("rm -rf '%s' && mkdir '%s' && tar -xzf '%s' -C '%s' "
	    "&& diff -r '%s' '%s/BUNDLE'", tu_path("x"), tu_path("x"), out,
	    tu_path("x"), src, tu_path("x")) == 0,
	    "tar -x gives back the same files");
	/* Sorted entries, uid/gid 0, fixed modes and time. */
	ck_assert(tx_sh("cd '%s' && tar --numeric-owner --full-time -tvzf "
	    "tree.tar.gz > list.txt", tu_tmpdir()) == 0);
	ck_assert(tx_sh("cd '%s' && awk '{print $6}' list.txt > names.txt && "
	    "LC_ALL=C sort names.txt | cmp -s - names.txt", tu_tmpdir()) == 0);
	ck_assert_msg(tx_sh("cd '%s' && test \"$(awk '{print $1, $2, $4, $5}' "
	    "list.txt | sort -u)\" = \"$(printf 'drwxr-xr-x 0/0 2026-03-01 "
	    "00:00:00\\n-rw-r--r-- 0/0 2026-03-01 00:00:00' | sort -u)\"",
	    tu_tmpdir()) == 0, "owner 0/0, modes 755/644, time fixed");
	ck_assert(tx_sh("cd '%s' && head -1 names.txt | grep -qx 'BUNDLE/' && "
	    "grep -qx 'BUNDLE/data/sub/zero.txt' names.txt && "
	    "grep -qx 'BUNDLE/empty/' names.txt", tu_tmpdir()) == 0);
}
END_TEST

START_TEST(archive_is_byte_identical_across_runs)
{
	const char *src = tu_path("tree2");
	struct eds_error err;
	char a[EDS_SHA256_HEX], b[EDS_SHA256_HEX];

	make_tree(src);
	ck_assert(eds_tar_directory(src, "B", tu_path("1.tar.gz"), MTIME, 0,
	    a, NULL, &err) == 0);
	ck_assert(tx_sh("touch -d '2001-01-01' '%s/data/x.csv' && chmod 777 "
	    "'%s/data'", src, src) == 0);
	ck_assert(eds_tar_directory(src, "B", tu_path("2.tar.gz"), MTIME, 0,
	    b, NULL, &err) == 0);
	ck_assert_str_eq(a, b);
	ck_assert(tx_sh("cmp -s '%s' '%s'", tu_path("1.tar.gz"),
	    tu_path("2.tar.gz")) == 0);
	/* EXCL refuses to overwrite. */
	ck_assert(eds_tar_directory(src, "B", tu_path("2.tar.gz"), MTIME,
	    EDS_OUT_EXCL, NULL, NULL, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_CANTCREAT);
}
END_TEST

START_TEST(long_paths_use_the_prefix_or_a_pax_record)
{
	const char *src = tu_path("long");
	struct eds_error err;

	if (!tx_have("tar")) {
		printf("SKIP: tar: no tar command\n");
		return;
	}
	/*
	 * B/m{120}/m{90}/f: 216 bytes, split into prefix and name;
	 * B/p{200}/q{60}/g: no '/' leaves a name of at most 100 bytes under a
	 * prefix of at most 155, so it needs a pax path record.
	 */
	ck_assert(tx_sh("rm -rf '%s' && cd '%s' && M=$(printf '%%0120d' 0 | "
	    "tr 0 m) && N=$(printf '%%090d' 0 | tr 0 m) && P=$(printf '%%0200d' "
	    "0 | tr 0 p) && Q=$(printf '%%060d' 0 | tr 0 q) && mkdir -p "
	    "\"long/$M/$N\" \"long/$P/$Q\" && printf one > \"long/$M/$N/f\" && "
	    "printf two > \"long/$P/$Q/g\"", src, tu_tmpdir()) == 0);
	ck_assert_msg(eds_tar_directory(src, "B", tu_path("long.tar.gz"),
	    MTIME, 0, NULL, NULL, &err) == 0, "%s", err.msg);
	ck_assert_msg(tx_sh("rm -rf '%s' && mkdir '%s' && tar -xzf '%s' -C "
	    "'%s' && diff -r '%s' '%s/B'", tu_path("lx"), tu_path("lx"),
	    tu_path("long.tar.gz"), tu_path("lx"), src, tu_path("lx")) == 0,
	    "long names come back whole");
	ck_assert_msg(tx_sh("zcat '%s' | grep -qa 'path=B/ppp'",
	    tu_path("long.tar.gz")) == 0, "the longest uses a pax record");
}
END_TEST

START_TEST(huge_sizes_get_a_pax_size_record)
{
	struct eds_buf b = EDS_BUF_INIT;
	struct eds_error err;
	unsigned sum = 0, stored;
	size_t i;

	ck_assert(eds_tar_header(&b, "B/data/big.csv", '0', 8589934593ULL,
	    MTIME, &err) == 0);
	ck_assert_int_eq(b.len, 3 * 512);
	ck_assert_int_eq(b.p[156], 'x');
	/* " size=8589934593\n" is 17 bytes, 19 with its own length. */
	ck_assert(memcmp(b.p + 512, "19 size=8589934593\n", 19) == 0);
	ck_assert_int_eq(b.p[1024 + 156], '0');
	ck_assert(memcmp(b.p + 1024, "B/data/big.csv", 15) == 0);
	ck_assert(memcmp(b.p + 1024 + 257, "ustar\0" "00", 8) == 0);
	/* The checksum counts the field as spaces. */
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' :
		    (unsigned char)b.p[1024 + i];
	ck_assert(sscanf(b.p + 1024 + 148, "%o", &stored) == 1);
	ck_assert_uint_eq(sum, stored);
	eds_buf_reset(&b);
	ck_assert(eds_tar_header(&b, "", '0', 0, 0, &err) == -1);
	eds_buf_release(&b);
}
END_TEST

START_TEST(links_and_special_files_are_not_archived)
{
	const char *src = tu_path("links");
	struct eds_error err;

	ck_assert(tx_sh("rm -rf '%s' && mkdir -p '%s' && ln -s /etc/passwd "
	    "'%s/l'", src, src, src) == 0);
	eds_error_clear(&err);
	ck_assert(eds_tar_directory(src, "B", tu_path("links.tar.gz"), MTIME,
	    0, NULL, NULL, &err) == -1);
	ck_assert_msg(strstr(err.msg, "not a directory or a regular file") !=
	    NULL, "%s", err.msg);
	ck_assert_msg(access(tu_path("links.tar.gz"), F_OK) == -1,
	    "no archive is left behind");
	ck_assert(eds_tar_directory(tu_path("nope"), "B", tu_path("n.tar.gz"),
	    MTIME, 0, NULL, NULL, &err) == -1);
	ck_assert_int_eq(err.status, EDS_EX_NOINPUT);
}
END_TEST

Suite *
tar_suite(void)
{
	Suite *s = suite_create("tar");
	TCase *t = tcase_create("archive");

	tcase_add_test(t, archive_extracts_to_the_same_tree_with_system_tar);
	tcase_add_test(t, archive_is_byte_identical_across_runs);
	tcase_add_test(t, long_paths_use_the_prefix_or_a_pax_record);
	tcase_add_test(t, huge_sizes_get_a_pax_size_record);
	tcase_add_test(t, links_and_special_files_are_not_archived);
	suite_add_tcase(s, t);
	return s;
}
