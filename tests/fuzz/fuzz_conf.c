/* the configuration parser on arbitrary bytes: whatever it accepts must
 * print in a form that parses again and prints identically; every error
 * path must free what it built (ASan/LeakSanitizer). */
// fuzz-sources: build-fuzz/locid/parse.c build-fuzz/locid/lex.c locid/conf.c locid/printconf.c
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
print_mem(const struct conf *c, size_t *len)
{
	char *s = NULL;
	FILE *f;

	if ((f = open_memstream(&s, len)) == NULL)
		abort();
	conf_print(f, c);
	if (fclose(f) != 0)
		abort();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[1024];
	struct conf *c1, *c2;
	char *p1, *p2;
	size_t n1, n2;

	c1 = conf_load_buf("fuzz.conf", (const char *)data, len, err,
	    sizeof(err));
	if (c1 == NULL) {
		/* an error always says why */
		if (err[0] == '\0')
			abort();
		return 0;
	}
	p1 = print_mem(c1, &n1);
	c2 = conf_load_buf("printed.conf", p1, n1, err, sizeof(err));
	if (c2 == NULL) {
		fprintf(stderr, "printed form does not parse: %s\n%s\n", err,
		    p1);
		abort();
	}
	p2 = print_mem(c2, &n2);
	if (n1 != n2 || memcmp(p1, p2, n1) != 0) {
		fprintf(stderr, "printed forms differ:\n%s\n---\n%s\n", p1, p2);
		abort();
	}
	free(p1);
	free(p2);
	conf_free(c1);
	conf_free(c2);
	return 0;
}
