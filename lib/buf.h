/* bounds-checked read cursor and write buffer; all multi-octet fields are
 * network byte order. a failed read leaves the cursor unchanged; a writer
 * keeps a sticky error and stops writing once it is set. */
#ifndef LOCID_BUF_H
#define LOCID_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rbuf {
	const uint8_t	*p;
	size_t		 len;
};

struct wbuf {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 err;
};

static inline void
rbuf_init(struct rbuf *b, const void *p, size_t len)
{
	b->p = p;
	b->len = len;
}

static inline int
rbuf_u8(struct rbuf *b, uint8_t *v)
{
	if (b->len < 1)
		return -1;
	*v = b->p[0];
	b->p++;
	b->len--;
	return 0;
}

static inline int
rbuf_u16(struct rbuf *b, uint16_t *v)
{
	if (b->len < 2)
		return -1;
	*v = (uint16_t)((uint16_t)b->p[0] << 8 | b->p[1]);
	b->p += 2;
	b->len -= 2;
	return 0;
}

static inline int
rbuf_u32(struct rbuf *b, uint32_t *v)
{
	if (b->len < 4)
		return -1;
	*v = (uint32_t)b->p[0] << 24 | (uint32_t)b->p[1] << 16 |
	    (uint32_t)b->p[2] << 8 | b->p[3];
	b->p += 4;
	b->len -= 4;
	return 0;
}

static inline int
rbuf_u64(struct rbuf *b, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (b->len < 8)
		return -1;
	for (i = 0; i < 8; i++)
		x = x << 8 | b->p[i];
	*v = x;
	b->p += 8;
	b->len -= 8;
	return 0;
}

static inline int
rbuf_bytes(struct rbuf *b, void *dst, size_t n)
{
	if (b->len < n)
		return -1;
	memcpy(dst, b->p, n);
	b->p += n;
	b->len -= n;
	return 0;
}

static inline int
rbuf_skip(struct rbuf *b, size_t n)
{
	if (b->len < n)
		return -1;
	b->p += n;
	b->len -= n;
	return 0;
}

/* carve the next n octets into sub and advance past them */
static inline int
rbuf_sub(struct rbuf *b, size_t n, struct rbuf *sub)
{
	if (b->len < n)
		return -1;
	sub->p = b->p;
	sub->len = n;
	b->p += n;
	b->len -= n;
	return 0;
}

/* peek without consuming */
static inline int
rbuf_peek_u16(const struct rbuf *b, uint16_t *v)
{
	if (b->len < 2)
		return -1;
	*v = (uint16_t)((uint16_t)b->p[0] << 8 | b->p[1]);
	return 0;
}

static inline void
wbuf_init(struct wbuf *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

/* reserve n octets and return a pointer to them, or NULL (sticky error) */
static inline uint8_t *
wbuf_reserve(struct wbuf *w, size_t n)
{
	uint8_t *q;

	if (w->err || w->cap - w->len < n) {
		w->err = 1;
		return NULL;
	}
	q = w->p + w->len;
	w->len += n;
	return q;
}

static inline void
wbuf_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *q = wbuf_reserve(w, 1);

	if (q != NULL)
		q[0] = v;
}

static inline void
wbuf_u16(struct wbuf *w, uint16_t v)
{
	uint8_t *q = wbuf_reserve(w, 2);

	if (q != NULL) {
		q[0] = (uint8_t)(v >> 8);
		q[1] = (uint8_t)v;
	}
}

static inline void
wbuf_u32(struct wbuf *w, uint32_t v)
{
	uint8_t *q = wbuf_reserve(w, 4);

	if (q != NULL) {
		q[0] = (uint8_t)(v >> 24);
		q[1] = (uint8_t)(v >> 16);
		q[2] = (uint8_t)(v >> 8);
		q[3] = (uint8_t)v;
	}
}

static inline void
wbuf_u64(struct wbuf *w, uint64_t v)
{
	wbuf_u32(w, (uint32_t)(v >> 32));
	wbuf_u32(w, (uint32_t)v);
}

static inline void
wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *q = wbuf_reserve(w, n);

	if (q != NULL && n > 0)
		memcpy(q, src, n);
}

static inline void
wbuf_zero(struct wbuf *w, size_t n)
{
	uint8_t *q = wbuf_reserve(w, n);

	if (q != NULL && n > 0)
		memset(q, 0, n);
}

/* patch a 16-bit field written earlier (e.g. a length) */
static inline void
wbuf_set_u16(struct wbuf *w, size_t off, uint16_t v)
{
	if (w->err || off + 2 > w->len)
		return;
	w->p[off] = (uint8_t)(v >> 8);
	w->p[off + 1] = (uint8_t)v;
}

static inline void
wbuf_set_u8(struct wbuf *w, size_t off, uint8_t v)
{
	if (w->err || off + 1 > w->len)
		return;
	w->p[off] = v;
}

/* unaligned host helpers for code that already checked the length */
static inline uint16_t
get_u16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
