/* locictl's output layer: a stats object rendered as text, JSON and
 * OpenMetrics against goldens in tests/unit/golden/, the OpenMetrics text
 * checked by a small parser of the format, and every key the field tables
 * read checked against the golden schema in tests/schema/. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../locictl/fields.h"
#include "../../locictl/ctl.h"

#define GOLDEN	"tests/unit/golden/"

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*s;
	long	 n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static json_t *
stats_fixture(void)
{
	json_error_t	 e;
	json_t		*j = json_load_file(GOLDEN "stats.json", 0, &e);

	if (j == NULL)
		fail_msg("stats.json: %s", e.text);
	return j;
}

/* render with fn into a string */
static char *
render(void (*fn)(FILE *, const json_t *), const json_t *j)
{
	char	*s = NULL;
	size_t	 n = 0;
	FILE	*f = open_memstream(&s, &n);

	assert_non_null(f);
	fn(f, j);
	fclose(f);
	return s;
}

/* UPDATE_GOLDEN=1 rewrites the golden (then read the diff before committing) */
static void
same_as_golden(const char *got, const char *golden)
{
	char *want;
	FILE *f;

	if (getenv("UPDATE_GOLDEN") != NULL && (f = fopen(golden, "w")) != NULL) {
		fputs(got, f);
		fclose(f);
	}
	want = slurp(golden);

	if (strcmp(got, want) != 0) {
		fprintf(stderr, "--- %s\n%s--- got\n%s", golden, want, got);
		fail_msg("output differs from %s", golden);
	}
	free(want);
}

static void
test_stats_text(void **state)
{
	json_t	*j = stats_fixture();
	char	*s = render(stats_text, j);

	same_as_golden(s, GOLDEN "stats.txt");
	/* what operators grep: a zero drop reason, an unknown message type,
	 * an unknown xtr counter, a list of map-resolvers, no JSON dump */
	assert_non_null(strstr(s, "  map-request: \"quoted\" reason"));
	assert_non_null(strstr(s, "\nrtr-hello "));
	assert_non_null(strstr(s, "  future_counter "));
	/* the map-resolvers and the SMR bookkeeping as tables, the message
	 * types by their names */
	assert_non_null(strstr(s, "\n203.0.113.2                              up                5          4          1 -\n"));
	assert_non_null(strstr(s, "  203.0.113.9                              198.18.9.1                                    3       1\n"));
	assert_non_null(strstr(s, "\nmap-register "));
	assert_null(strstr(s, "map_register"));
	assert_null(strchr(s, '{'));
	assert_null(strstr(s, "[\""));
	assert_null(strstr(s, "\":"));
	free(s);
	json_decref(j);
}

static void
test_stats_json(void **state)
{
	json_t		*j = stats_fixture(), *back;
	json_error_t	 e;
	char		*s = render(out_json, j);

	same_as_golden(s, GOLDEN "stats.out.json");
	back = json_loads(s, 0, &e);
	assert_non_null(back);
	assert_true(json_equal(back, j));
	json_decref(back);
	free(s);
	json_decref(j);
}

/* -- a small OpenMetrics parser --------------------------------------- */

struct om_family {
	char	name[128];
	char	type[16];
	int	samples;
};

static int
metric_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != ':')
			return 0;
	return 1;
}

/* checks the exposition: every sample belongs to the family whose # TYPE
 * came last, a family is declared once, counters' samples end in _total,
 * label values are quoted with escapes, the value parses, # EOF ends it.
 * returns the number of samples; fills families */
static int
om_parse(const char *text, struct om_family *fam, int maxfam, int *nfam)
{
	const char	*p = text, *nl, *q;
	char		 line[4096];
	int		 n = 0, cur = -1, eof = 0, i;

	*nfam = 0;
	while (*p != '\0') {
		assert_false(eof);		/* nothing after # EOF */
		nl = strchr(p, '\n');
		assert_non_null(nl);		/* every line ends */
		assert_true((size_t)(nl - p) < sizeof(line));
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		p = nl + 1;
		if (strcmp(line, "# EOF") == 0) {
			eof = 1;
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char name[128], type[16];

			assert_int_equal(sscanf(line + 7, "%127s %15s", name, type), 2);
			assert_true(metric_name_ok(name, strlen(name)));
			assert_true(strcmp(type, "counter") == 0 ||
			    strcmp(type, "gauge") == 0 || strcmp(type, "unknown") == 0);
			for (i = 0; i < *nfam; i++)
				if (strcmp(fam[i].name, name) == 0)
					fail_msg("family %s declared twice", name);
			assert_true(*nfam < maxfam);
			cur = (*nfam)++;
			snprintf(fam[cur].name, sizeof(fam[cur].name), "%s", name);
			snprintf(fam[cur].type, sizeof(fam[cur].type), "%s", type);
			fam[cur].samples = 0;
			continue;
		}
		if (strncmp(line, "# HELP ", 7) == 0) {
			assert_true(cur >= 0);
			assert_int_equal(strncmp(line + 7, fam[cur].name,
			    strlen(fam[cur].name)), 0);
			continue;
		}
		assert_true(line[0] != '#');
		/* a sample: name[{labels}] value */
		assert_true(cur >= 0);		/* # TYPE before samples */
		for (q = line; *q != '\0' && *q != '{' && *q != ' '; q++)
			;
		{
			size_t	 len = (size_t)(q - line), fl = strlen(fam[cur].name);
			int	 counter = strcmp(fam[cur].type, "counter") == 0;
			char	*end;

			assert_true(metric_name_ok(line, len));
			assert_int_equal(strncmp(line, fam[cur].name, fl), 0);
			if (counter)
				assert_true(len == fl + 6 &&
				    strncmp(line + fl, "_total", 6) == 0);
			else
				assert_int_equal(len, fl);
			if (*q == '{') {
				q++;
				while (*q != '}') {
					const char *ln = q;

					while (*q != '=' && *q != '\0')
						q++;
					assert_true(metric_name_ok(ln, (size_t)(q - ln)));
					assert_int_equal(*++q, '"');
					for (q++; *q != '"'; q++) {
						assert_true(*q != '\0');
						if (*q == '\\') {
							q++;
							assert_true(*q == '\\' || *q == '"' || *q == 'n');
						}
					}
					q++;
					if (*q == ',')
						q++;
					else
						assert_int_equal(*q, '}');
				}
				q++;
			}
			assert_int_equal(*q, ' ');
			strtod(q + 1, &end);
			assert_true(end != q + 1 && *end == '\0');
		}
		fam[cur].samples++;
		n++;
	}
	assert_true(eof);
	return n;
}

static const struct om_family *
om_find(const struct om_family *f, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	fail_msg("no family %s", name);
	return NULL;
}

static void
test_stats_openmetrics(void **state)
{
	json_t			*j = stats_fixture();
	char			*s = render(stats_openmetrics, j);
	struct om_family	 fam[64];
	int			 nfam;

	same_as_golden(s, GOLDEN "stats.om");
	assert_true(om_parse(s, fam, 64, &nfam) > 20);
	/* 8 known message types (zeros too) + one unknown */
	assert_int_equal(om_find(fam, nfam, "locid_messages_received")->samples, 9);
	assert_int_equal(om_find(fam, nfam, "locid_drops")->samples, 3);
	assert_string_equal(om_find(fam, nfam, "locid_drops")->type, "counter");
	assert_string_equal(om_find(fam, nfam, "locid_map_cache_entries")->type, "gauge");
	assert_string_equal(om_find(fam, nfam, "locid_xtr_future_counter")->type, "unknown");
	assert_non_null(strstr(s, "locid_drops_total{reason=\"map-request: \\\"quoted\\\" reason\"} 0\n"));
	assert_non_null(strstr(s, "locid_xtr_resolve_avg_seconds 0.0015\n"));
	assert_non_null(strstr(s, "locid_map_resolver_timeouts_total{map_resolver=\"203.0.113.2\"} 1\n"));
	free(s);
	json_decref(j);
}

/* the parser itself refuses what it must */
static int
om_bad(const char *text)
{
	struct om_family fam[8];
	pid_t pid;
	int n, st;

	/* cmocka failures longjmp; run in a child so a refusal is a result */
	fflush(NULL);
	pid = fork();

	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		freopen("/dev/null", "w", stdout);
		om_parse(text, fam, 8, &n);
		_exit(0);
	}
	assert_true(pid > 0);
	waitpid(pid, &st, 0);
	return !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_om_parser(void **state)
{
	assert_false(om_bad("# TYPE a counter\na_total 1\n# EOF\n"));
	assert_true(om_bad("a_total 1\n# EOF\n"));			/* no # TYPE */
	assert_true(om_bad("# TYPE a counter\na_total 1\n"));		/* no # EOF */
	assert_true(om_bad("# TYPE a counter\na 1\n# EOF\n"));		/* no _total */
	assert_true(om_bad("# TYPE a gauge\na{x=\"1} 1\n# EOF\n"));	/* open quote */
	assert_true(om_bad("# TYPE a gauge\na 1\n# EOF\n# TYPE b gauge\n"));
	assert_true(om_bad("# TYPE a gauge\na x\n# EOF\n"));		/* value */
}

/* -- the golden schema ------------------------------------------------- */

/* is "path.key" (path "" for the top) in the schema file with type t */
static int
schema_has(const char *file, const char *path, const char *key, const char *t,
    char *why, size_t whylen)
{
	char	 fn[256], want[512], line[512], *sp;
	FILE	*f;
	int	 found = 0;

	snprintf(fn, sizeof(fn), "tests/schema/%s.schema", file);
	if ((f = fopen(fn, "r")) == NULL) {
		snprintf(why, whylen, "no %s", fn);
		return 0;
	}
	snprintf(want, sizeof(want), "%s%s%s", path, *path != '\0' ? "." : "",
	    key);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		if (strcmp(line, want) != 0) {
			/* "rx.*" covers "rx.map-request" */
			size_t n = strlen(line);

			if (!(n >= 2 && strcmp(line + n - 2, ".*") == 0 &&
			    strncmp(line, want, n - 1) == 0 &&
			    strchr(want + n - 1, '.') == NULL))
				continue;
		}
		found = 1;
		if (strstr(sp, t) == NULL) {
			snprintf(why, whylen, "%s: %s is %s in the schema, %s in locictl",
			    fn, want, sp, t);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	if (!found)
		snprintf(why, whylen, "%s: no %s", fn, want);
	return found;
}

static void
test_fields_in_schema(void **state)
{
	static const char *const tname[] = { [FLD_STR] = "string",
	    [FLD_INT] = "integer", [FLD_BOOL] = "boolean", [FLD_REAL] = "number",
	    [FLD_OBJ] = "object", [FLD_ARR] = "array" };
	const struct fld_table *const *t;
	char	why[1024];
	size_t	i;
	int	bad = 0, n = 0;

	for (t = fld_tables; *t != NULL; t++)
		for (i = 0; i < (*t)->n; i++, n++)
			if (!schema_has((*t)->schema, (*t)->path, (*t)->f[i].key,
			    tname[(*t)->f[i].type], why, sizeof(why))) {
				fprintf(stderr, "%s.%s: %s\n", (*t)->name,
				    (*t)->f[i].key, why);
				bad++;
			}
	assert_true(n > 100);
	assert_int_equal(bad, 0);
	/* and the check can fail */
	assert_false(schema_has("show-site", "[]", "eid_prefx", "string", why,
	    sizeof(why)));
	assert_false(schema_has("show-site", "[]", "eid_prefix", "integer", why,
	    sizeof(why)));
}

/* every metric family name is well formed and named once */
static void
test_fields_metric_names(void **state)
{
	const struct fld_table *const *t, *const *u;
	size_t i, j;

	for (t = fld_tables; *t != NULL; t++)
		for (i = 0; i < (*t)->n; i++) {
			const struct fld *f = &(*t)->f[i];

			/* no hole in a table indexed by an enum */
			assert_non_null(f->key);
			assert_non_null(f->label);
			if (f->om == OM_NONE)
				continue;
			assert_non_null(f->om_name);
			assert_non_null(f->om_help);
			assert_true(metric_name_ok(f->om_name, strlen(f->om_name)));
			assert_int_equal(strncmp(f->om_name, "locid_", 6), 0);
			for (u = fld_tables; *u != NULL; u++)
				for (j = 0; j < (*u)->n; j++)
					if (&(*u)->f[j] != f && (*u)->f[j].om_name != NULL)
						assert_string_not_equal((*u)->f[j].om_name,
						    f->om_name);
		}
}

/* -- every field documented ---------------------------------------------- */

/* the text of locictl(8)'s ".Ss NAME" section, up to the next .Ss or .Sh
 * (NULL when the page has no such section); free it */
static char *
man_section(const char *man, const char *name)
{
	char		 head[128];
	const char	*p = man, *e;
	size_t		 n;

	n = (size_t)snprintf(head, sizeof(head), ".Ss %s\n", name);
	for (;;) {
		if ((p = strstr(p, head)) == NULL)
			return NULL;
		if (p == man || p[-1] == '\n')
			break;
		p++;
	}
	p += n;
	for (e = p; *e != '\0'; e++)
		if (e[-1] == '\n' && (strncmp(e, ".Ss ", 4) == 0 ||
		    strncmp(e, ".Sh ", 4) == 0))
			break;
	return strndup(p, (size_t)(e - p));
}

/* is word w one of the words of a macro line (.Li, .Ql, .It Li ...) of
 * the section: how the page names a JSON member */
static int
man_names(const char *sec, const char *w)
{
	const char	*l, *q;
	size_t		 n = strlen(w);

	for (l = sec; l != NULL && *l != '\0'; l = strchr(l, '\n') ?
	    strchr(l, '\n') + 1 : NULL) {
		const char *end = strchr(l, '\n') ? strchr(l, '\n') : l + strlen(l);

		if (*l != '.' || (strncmp(l, ".Li ", 4) != 0 &&
		    strncmp(l, ".Ql ", 4) != 0 && strncmp(l, ".It Li ", 7) != 0 &&
		    strncmp(l, ".It Ql ", 7) != 0))
			continue;
		for (q = l; (q = strstr(q, w)) != NULL && q < end; q += n)
			if (!(isalnum((unsigned char)q[-1]) || q[-1] == '_') &&
			    !(isalnum((unsigned char)q[n]) || q[n] == '_'))
				return 1;
	}
	return 0;
}

/* each member of every schema file is named in the section of locictl(8)
 * for its command ("show-map-cache.schema" -> ".Ss show map-cache") */
static void
test_schema_documented(void **state)
{
	static const char *const files[] = { "show-site", "show-map-cache",
	    "show-database", "show-stats", "show-nat", "show-referral-cache",
	    "show-subscriptions", "show-version", "clear-map-cache", "reload" };
	char	*man = slurp("man/locictl.8"), *sec, line[512], name[64], *k, *dash;
	size_t	 i;
	int	 missing = 0, n = 0;
	FILE	*f;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(name, sizeof(name), "%s", files[i]);
		if ((dash = strchr(name, '-')) != NULL)
			*dash = ' ';
		if ((sec = man_section(man, name)) == NULL) {
			fprintf(stderr, "locictl.8: no section .Ss %s\n", name);
			missing++;
			continue;
		}
		snprintf(line, sizeof(line), "tests/schema/%s.schema", files[i]);
		assert_non_null(f = fopen(line, "r"));
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, " \n")] = '\0';
			if (line[0] == '#' || line[0] == '\0' || strcmp(line, ".") == 0)
				continue;
			/* the member: the last name of the path */
			while ((k = strstr(line, "[]")) != NULL && k[2] == '\0')
				*k = '\0';
			k = strrchr(line, '.') != NULL ? strrchr(line, '.') + 1 : line;
			if (*k == '\0' || strcmp(k, "*") == 0 || strcmp(k, "[]") == 0)
				continue;
			if ((dash = strstr(k, "[]")) != NULL)
				*dash = '\0';
			n++;
			if (!man_names(sec, k)) {
				fprintf(stderr, "locictl.8 .Ss %s: %s (%s.schema) not named\n",
				    name, k, files[i]);
				missing++;
			}
		}
		fclose(f);
		free(sec);
	}
	assert_true(n > 150);
	assert_int_equal(missing, 0);
	/* and the check can fail */
	sec = man_section(man, "show map-cache");
	assert_non_null(sec);
	assert_false(man_names(sec, "eid_prefx"));
	assert_false(man_names(sec, "eid"));	/* a word, not a prefix of one */
	free(sec);
	assert_null(man_section(man, "show nothing"));
	free(man);
	/* the daemon (locid/control.h) and locictl agree on the schema version */
	man = slurp("locid/control.h");
	assert_non_null(sec = strstr(man, "#define CTL_SCHEMA\t"));
	assert_int_equal(atoi(sec + strlen("#define CTL_SCHEMA\t")), LOCICTL_SCHEMA);
	free(man);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_text),
		cmocka_unit_test(test_stats_json),
		cmocka_unit_test(test_stats_openmetrics),
		cmocka_unit_test(test_om_parser),
		cmocka_unit_test(test_fields_in_schema),
		cmocka_unit_test(test_fields_metric_names),
		cmocka_unit_test(test_schema_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
