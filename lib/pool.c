/* object pools (see pool.h) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

/* under AddressSanitizer a chunk's unused room and a returned object
 * (but for its link word) are poisoned, so a use after pool_put is
 * caught as it is for malloc */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

#define POOL_CHUNK	16384
#define POOL_HDR	16		/* the link; objects 16-octet aligned from there */
#define POOL_CLASSES	(POOL_MAX / 8)

struct pool_chunk {
	struct pool_chunk *next;
};

struct pool {
	void			*free[POOL_CLASSES];	/* per class, linked through the object's first word */
	char			*pos[POOL_CLASSES], *end[POOL_CLASSES];	/* the class's chunk */
	struct pool_chunk	*chunks;
	size_t			 nchunks;
	size_t			 count;
};

struct pool *
pool_new(void)
{
	return calloc(1, sizeof(struct pool));
}

static void
chunks_free(struct pool *p)
{
	struct pool_chunk *c, *n;

	for (c = p->chunks; c != NULL; c = n) {
		n = c->next;
		UNPOISON(c, POOL_CHUNK);
		free(c);
	}
	p->chunks = NULL;
	p->nchunks = 0;
	memset(p->free, 0, sizeof(p->free));
	memset(p->pos, 0, sizeof(p->pos));
	memset(p->end, 0, sizeof(p->end));
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	chunks_free(p);
	free(p);
}

static int
size_class(size_t size)
{
	if (size == 0 || size > POOL_MAX)
		return -1;
	return (int)((size + 7) / 8) - 1;
}

void *
pool_get(struct pool *p, size_t size)
{
	struct pool_chunk *c;
	void *o;
	int k;
	size_t sz;

	if ((k = size_class(size)) == -1)
		return NULL;
	sz = (size_t)(k + 1) * 8;
	if ((o = p->free[k]) != NULL) {
		memcpy(&p->free[k], o, sizeof(void *));
		UNPOISON(o, sz);
	} else {
		if (p->pos[k] == NULL || (size_t)(p->end[k] - p->pos[k]) < sz) {
			if ((c = malloc(POOL_CHUNK)) == NULL)
				return NULL;
			c->next = p->chunks;
			p->chunks = c;
			p->nchunks++;
			p->pos[k] = (char *)c + POOL_HDR;
			p->end[k] = (char *)c + POOL_CHUNK;
			POISON(p->pos[k], POOL_CHUNK - POOL_HDR);
		}
		o = p->pos[k];
		p->pos[k] += sz;
		UNPOISON(o, sz);
	}
	memset(o, 0, sz);
	p->count++;
	return o;
}

void
pool_put(struct pool *p, void *o, size_t size)
{
	int k;

	if (o == NULL || (k = size_class(size)) == -1)
		return;
	memcpy(o, &p->free[k], sizeof(void *));
	p->free[k] = o;
	POISON((char *)o + sizeof(void *), (size_t)(k + 1) * 8 - sizeof(void *));
	/* the last one back: the chunks go (a flushed map-cache gives its
	 * memory back) */
	if (--p->count == 0)
		chunks_free(p);
}

size_t
pool_count(const struct pool *p)
{
	return p->count;
}

size_t
pool_bytes(const struct pool *p)
{
	return p->nchunks * POOL_CHUNK;
}
