/*
 * siphash.c: SipHash-2-4 with a copyable streaming state (see siphash.h),
 * written from the specification in the paper "SipHash: a fast
 * short-input PRF" (2 compression rounds, 4 finalisation rounds).
 */
#include "config.h"

#include <string.h>

#include "siphash.h"

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

void
eds_siphash_init(struct eds_siphash *s, const unsigned char key[16])
{
	uint64_t k0 = le64(key), k1 = le64(key + 8);

	s->v0 = k0 ^ UINT64_C(0x736f6d6570736575);
	s->v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	s->v2 = k0 ^ UINT64_C(0x6c7967656e657261);
	s->v3 = k1 ^ UINT64_C(0x7465646279746573);
	s->tail = 0;
	s->len = 0;
}

static void
block(struct eds_siphash *s, uint64_t m)
{
	s->v3 ^= m;
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= m;
}

void
eds_siphash_update(struct eds_siphash *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned fill = (unsigned)(s->len & 7);

	s->len += n;
	/* Complete a pending block byte by byte. */
	while (fill != 0 && n > 0) {
		s->tail |= (uint64_t)*p++ << (8 * fill);
		n--;
		if (++fill == 8) {
			block(s, s->tail);
			s->tail = 0;
			fill = 0;
		}
	}
	for (; n >= 8; n -= 8, p += 8)
		block(s, le64(p));
	for (fill = 0; n > 0; n--, fill++)
		s->tail |= (uint64_t)*p++ << (8 * fill);
}

uint64_t
eds_siphash_final(const struct eds_siphash *s)
{
	uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3;
	uint64_t b = s->tail | (s->len & 0xff) << 56;

	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
eds_siphash(const unsigned char key[16], const void *data, size_t n)
{
	struct eds_siphash s;

	eds_siphash_init(&s, key);
	eds_siphash_update(&s, data, n);
	return eds_siphash_final(&s);
}
