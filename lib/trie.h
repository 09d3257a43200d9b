/* longest-prefix-match trie for one (instance-id, address family): a
 * path-compressed binary trie over up to 128-bit keys. values are opaque
 * pointers owned by the caller. */
#ifndef LOCID_TRIE_H
#define LOCID_TRIE_H

#include <stddef.h>
#include <stdint.h>

struct trie;

struct trie	*trie_new(int bits);		/* 32 for IPv4, 128 for IPv6, 48 for MAC */
void		 trie_free(struct trie *, void (*free_val)(void *));

/* one trie per (instance-id, family bits), in a list: what the roles keep
 * their prefixes in */
struct trie_set {
	struct trie_set	*next;
	uint32_t	 iid;
	int		 bits;
	struct trie	*t;
};
/* the trie of (iid, bits); with create a new one when there is none;
 * NULL when there is none or no memory */
struct trie_set	*trie_set_get(struct trie_set **, uint32_t iid, int bits, int create);
/* every trie of the set, values through free_val (NULL: not owned) */
void		 trie_set_free(struct trie_set **, void (*free_val)(void *));
size_t		 trie_count(const struct trie *);
/* on: many changes follow; the IPv4 lookup index is dropped and built
 * once when turned off again (lookups stay right meanwhile, only slower) */
void		 trie_bulk(struct trie *, int on);
/* key: bits/8 octets, network order; host bits beyond plen are ignored.
 * insert replaces the value of an existing prefix and returns the old one
 * in *old (NULL if new); returns -1 on allocation failure. */
int		 trie_insert(struct trie *, const uint8_t *key, int plen, void *val, void **old);
void		*trie_remove(struct trie *, const uint8_t *key, int plen);
void		*trie_exact(const struct trie *, const uint8_t *key, int plen);
/* longest match of a full address; *plen gets the matched length */
void		*trie_lookup(const struct trie *, const uint8_t *key, int *plen);
/* longest match of the prefix key/plen among prefixes of length <= plen */
void		*trie_lookup_prefix(const struct trie *, const uint8_t *key, int plen, int *mlen);
/* 1 if any stored prefix lies inside key/plen (plen <= its length) */
int		 trie_has_inside(const struct trie *, const uint8_t *key, int plen);
/* coarsest prefix that covers key and neither contains nor is contained by
 * any stored prefix: returns its length (0..bits), or -1 when key lies inside
 * a stored prefix */
int		 trie_negative(const struct trie *, const uint8_t *key);
/* visit every prefix in address order; stop when cb returns non-zero */
int		 trie_walk(const struct trie *, int (*cb)(const uint8_t *key, int plen, void *val, void *arg), void *arg);
/* the same for only the prefixes inside key/plen (their length >= plen,
 * their first plen bits those of key), in O(depth + visited). cb must not
 * change the trie: collect what to change and do it after the walk. */
int		 trie_walk_under(const struct trie *, const uint8_t *key, int plen,
		    int (*cb)(const uint8_t *key, int plen, void *val, void *arg), void *arg);

/* the stored prefixes that trie_walk visits after key/plen (which need not
 * be stored), in the same order, until cb returns non-zero: lets a long
 * walk resume where it stopped after the trie changed. O(depth + visited) */
int		 trie_walk_after(const struct trie *, const uint8_t *key, int plen,
		    int (*cb)(const uint8_t *key, int plen, void *val, void *arg), void *arg);

#endif
