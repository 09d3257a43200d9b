/* small fixed-size objects without a malloc header: a pool keeps a free
 * list per size class (multiples of 8 octets up to POOL_MAX) and carves
 * new objects from 16 KiB chunks. an object costs its size rounded up to
 * 8, where malloc charges 8 more and rounds to 16 (96 octets of map-cache
 * entry would be a 112-octet chunk, 40 octets of counters a 48). memory of
 * freed objects is reused by the same class; it goes back to malloc when
 * the pool holds no object any more, and when it is freed. the caller
 * passes an object's size back to pool_put. one thread. */
#ifndef LOCID_POOL_H
#define LOCID_POOL_H

#include <stddef.h>

#define POOL_MAX	256	/* largest object */

struct pool;

struct pool	*pool_new(void);
/* frees every chunk: objects still out are gone with them */
void		 pool_free(struct pool *);
/* a zeroed object of size octets (1..POOL_MAX, 8-octet aligned); NULL
 * without memory or for another size */
void		*pool_get(struct pool *, size_t size);
/* give back an object of pool_get(size); NULL is ignored */
void		 pool_put(struct pool *, void *, size_t size);
/* objects out, and octets held in chunks */
size_t		 pool_count(const struct pool *);
size_t		 pool_bytes(const struct pool *);

#endif
