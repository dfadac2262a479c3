/*
 * check_buf.c: growable strings and the per-row arena: growth, NUL
 * termination, formatting, and above all that arena pointers stay valid
 * across blocks and that blocks are reused after a reset.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "check_util.h"

START_TEST(buf_grows_and_stays_nul_terminated)
{
	struct eds_buf b = EDS_BUF_INIT;
	int i;

	eds_buf_addstr(&b, "ab");
	eds_buf_addch(&b, 'c');
	eds_buf_add(&b, "d\0e", 3);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_int_eq(memcmp(b.p, "abcd\0e", 7), 0);
	ck_assert_int_eq(b.p[b.len], '\0');
	eds_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.p, "");
	for (i = 0; i < 100000; i++)
		eds_buf_addch(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_eq(strlen(b.p), 100000);
	ck_assert_int_eq(b.p[99999], 'a' + 99999 % 26);
	eds_buf_addf(&b, "%d-%s", 42, "x");
	ck_assert_str_eq(b.p + 100000, "42-x");
	eds_buf_release(&b);
	ck_assert_ptr_null(b.p);
	eds_buf_addf(&b, "%s", "");	/* nothing to add: still usable */
	eds_buf_add(&b, "z", 1);
	ck_assert_str_eq(b.p, "z");
	eds_buf_release(&b);
}
END_TEST

START_TEST(arena_pointers_stay_valid_across_blocks)
{
	struct eds_arena a = EDS_ARENA_INIT;
	char *p[5000];
	size_t i, k;

	/* About 5000 * 40 bytes: several 64 KiB blocks. */
	for (i = 0; i < 5000; i++) {
		k = 1 + i % 77;
		p[i] = eds_arena_alloc(&a, k);
		ck_assert_msg(((uintptr_t)p[i] & 7) == 0,
		    "allocation %zu is not 8-byte aligned", i);
		memset(p[i], (int)(i & 0xFF), k);
	}
	/* A piece larger than a block gets its own. */
	p[0] = eds_arena_alloc(&a, 200000);
	memset(p[0], 0x5A, 200000);
	for (i = 1; i < 5000; i++) {
		k = 1 + i % 77;
		for (size_t j = 0; j < k; j++)
			ck_assert_msg((unsigned char)p[i][j] == (i & 0xFF),
			    "allocation %zu was overwritten by a later one", i);
	}
	eds_arena_release(&a);
}
END_TEST

START_TEST(arena_reuses_its_blocks_after_a_reset)
{
	struct eds_arena a = EDS_ARENA_INIT;
	char *first, *big, *again, *s;

	first = eds_arena_alloc(&a, 10);
	(void)eds_arena_alloc(&a, 60000);
	big = eds_arena_alloc(&a, 300000);	/* a second, large block */
	eds_arena_reset(&a);
	again = eds_arena_alloc(&a, 10);
	ck_assert_msg(again == first, "reset must reuse the first block");
	eds_arena_reset(&a);
	/* Asking for the large size first takes the large kept block. */
	again = eds_arena_alloc(&a, 300000);
	ck_assert_msg(again == big, "the kept large block must be reused");
	memset(again, 1, 300000);
	s = eds_arena_strndup(&a, "hello world", 5);
	ck_assert_str_eq(s, "hello");
	ck_assert_msg((unsigned char)again[299999] == 1,
	    "a small piece after a reused block must not overlap it");
	eds_arena_reset(&a);
	/*
	 * The same pattern, reset after reset, settles on the same blocks:
	 * the arena does not grow with the number of rows.
	 */
	{
		char *x0 = NULL, *y0 = NULL;

		for (int round = 0; round < 100; round++) {
			char *x = eds_arena_alloc(&a, 10);
			char *y = eds_arena_alloc(&a, 300000);

			ck_assert_msg(x != y, "round %d", round);
			if (round == 1) {
				x0 = x;
				y0 = y;
			} else if (round > 1)
				ck_assert_msg(x == x0 && y == y0, "round %d "
				    "did not reuse the kept blocks", round);
			eds_arena_reset(&a);
		}
	}
	s = eds_arena_strndup(&a, "", 0);
	ck_assert_str_eq(s, "");
	eds_arena_release(&a);
	ck_assert_ptr_null(a.first);
}
END_TEST

Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *t = tcase_create("buf");

	tcase_add_test(t, buf_grows_and_stays_nul_terminated);
	tcase_add_test(t, arena_pointers_stay_valid_across_blocks);
	tcase_add_test(t, arena_reuses_its_blocks_after_a_reset);
	suite_add_tcase(s, t);
	return s;
}
