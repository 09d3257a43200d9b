/* integer mixing for hash tables */
#ifndef LOCID_HASH_H
#define LOCID_HASH_H

#include <stdint.h>

/* the splitmix64 finaliser: every input bit reaches every output bit, so
 * the low bits can index a table */
static inline uint64_t
hash_mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

#endif
