/* show stats as text, JSON and OpenMetrics, all from the field tables */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fields.h"

static int
in_table(const struct fld_table *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->f[i].key, key) == 0)
			return 1;
	return 0;
}

void
out_json(FILE *f, const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (s != NULL) {
		fprintf(f, "%s\n", s);
		free(s);
	}
}

static void
msg_row(FILE *f, const char *type, const char *label, const json_t *rx,
    const json_t *tx)
{
	fprintf(f, "%-18s %12lld %12lld\n", label,
	    (long long)json_integer_value(json_object_get(rx, type)),
	    (long long)json_integer_value(json_object_get(tx, type)));
}

/* the map-resolvers the ITR uses, a row each */
static void
mr_table(FILE *f, const json_t *mrs)
{
	const struct fld_table	*M = &fld_mr;
	const json_t		*r;
	char			 retry[32];
	size_t			 i;

	fprintf(f, "\n%-40s %-8s %10s %10s %10s %s\n", M->f[MR_ADDR].label,
	    M->f[MR_STATE].label, M->f[MR_REQUESTS].label, M->f[MR_ANSWERED].label,
	    M->f[MR_TIMEOUTS].label, M->f[MR_RETRY].label);
	json_array_foreach(mrs, i, r) {
		if (fld_null(r, M, MR_RETRY) || fld_get(r, M, MR_RETRY) == NULL)
			snprintf(retry, sizeof(retry), "-");
		else
			snprintf(retry, sizeof(retry), "%lld ms", fld_int(r, M, MR_RETRY, 0));
		fprintf(f, "%-40s %-8s %10lld %10lld %10lld %s\n",
		    fld_str(r, M, MR_ADDR, "?"), fld_str(r, M, MR_STATE, "?"),
		    fld_int(r, M, MR_REQUESTS, 0), fld_int(r, M, MR_ANSWERED, 0),
		    fld_int(r, M, MR_TIMEOUTS, 0), retry);
	}
}

/* SMRs the ETR sent, and the ITRs it still solicits */
static void
smr_block(FILE *f, const json_t *smr)
{
	const struct fld_table	*S = &fld_smr, *I = &fld_smr_itr;
	const json_t		*r;
	size_t			 i;

	fprintf(f, "\nSolicit-Map-Request:\n");
	fprintf(f, "  %-46s %12lld\n", S->f[SMR_SENT].label, fld_int(smr, S, SMR_SENT, 0));
	fprintf(f, "  %-46s %12lld\n", S->f[SMR_CHANGES].label,
	    fld_int(smr, S, SMR_CHANGES, 0));
	if (json_array_size(fld_get(smr, S, SMR_RECENT)) == 0)
		return;
	fprintf(f, "  %-40s %-40s %6s %7s\n", I->f[SI_RLOC].label, I->f[SI_EID].label,
	    I->f[SI_SENT].label, I->f[SI_PENDING].label);
	json_array_foreach(fld_get(smr, S, SMR_RECENT), i, r)
		fprintf(f, "  %-40s %-40s %6lld %7lld\n", fld_str(r, I, SI_RLOC, "?"),
		    fld_str(r, I, SI_EID, "?"), fld_int(r, I, SI_SENT, 0),
		    fld_int(r, I, SI_PENDING, 0));
}

void
stats_text(FILE *f, const json_t *st)
{
	const struct fld_table	*T = &fld_stats, *X = &fld_xtr;
	const json_t		*rx = fld_get(st, T, ST_RX), *tx = fld_get(st, T, ST_TX);
	const json_t		*xtr, *v;
	const char		*k;
	size_t			 i;

	fprintf(f, "%-18s %12s %12s\n", "Message", T->f[ST_RX].label,
	    T->f[ST_TX].label);
	for (i = 0; i < fld_msg_types.n; i++)
		msg_row(f, fld_msg_types.f[i].key, fld_msg_types.f[i].label, rx, tx);
	/* a type this locictl does not know yet still gets its row */
	json_object_foreach((json_t *)rx, k, v)
		if (!in_table(&fld_msg_types, k))
			msg_row(f, k, k, rx, tx);
	json_object_foreach((json_t *)tx, k, v)
		if (!in_table(&fld_msg_types, k) && json_object_get(rx, k) == NULL)
			msg_row(f, k, k, rx, tx);
	fprintf(f, "%-18s %12lld\n", T->f[ST_RX_BAD].label,
	    fld_int(st, T, ST_RX_BAD, 0));
	if (fld_get(st, T, ST_LOG_SUPPRESSED) != NULL)
		fprintf(f, "%-18s %12lld\n", "log suppressed",
		    fld_int(st, T, ST_LOG_SUPPRESSED, 0));
	fprintf(f, "\n%s:\n", T->f[ST_DROPS].label);
	json_object_foreach(fld_get(st, T, ST_DROPS), k, v)
		fprintf(f, "  %-48s %12lld\n", k, (long long)json_integer_value(v));
	if (json_object_size(fld_get(st, T, ST_DROPS_BY_MODULE)) > 0) {
		fprintf(f, "\n%s:\n", T->f[ST_DROPS_BY_MODULE].label);
		json_object_foreach(fld_get(st, T, ST_DROPS_BY_MODULE), k, v)
			out_generic(f, 2, k, v);
	}
	if (json_object_size(fld_get(st, T, ST_LOG_BY_MODULE)) > 0) {
		fprintf(f, "\n%s:\n", T->f[ST_LOG_BY_MODULE].label);
		json_object_foreach(fld_get(st, T, ST_LOG_BY_MODULE), k, v)
			out_generic(f, 2, k, v);
	}
	xtr = fld_get(st, T, ST_XTR);
	if (json_is_object(xtr) && json_object_size(xtr) > 0) {
		fprintf(f, "\n%s:\n", T->f[ST_XTR].label);
		/* known fields in table order, then whatever else came */
		for (i = 0; i < X->n; i++)
			if (i != XTR_MAP_RESOLVERS && i != XTR_SMR &&
			    (v = fld_get(xtr, X, (int)i)) != NULL)
				out_generic(f, 2, X->f[i].label, v);
		json_object_foreach((json_t *)xtr, k, v)
			if (!in_table(X, k))
				out_generic(f, 2, k, v);
		if (json_array_size(fld_get(xtr, X, XTR_MAP_RESOLVERS)) > 0)
			mr_table(f, fld_get(xtr, X, XTR_MAP_RESOLVERS));
		if (json_is_object(fld_get(xtr, X, XTR_SMR)))
			smr_block(f, fld_get(xtr, X, XTR_SMR));
	}
	json_object_foreach((json_t *)st, k, v)
		if (!in_table(T, k)) {
			fputc('\n', f);
			out_generic(f, 0, k, v);
		}
}

/* one family from an object of counts keyed by a label value */
static void
om_keyed(struct om *m, const struct fld *fd, const char *label, const json_t *o,
    const struct fld_table *known)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	om_family(m, fd->om_name, fd->om, fd->om_help);
	if (known != NULL)
		for (i = 0; i < known->n; i++)
			om_sample(m, (double)json_integer_value(json_object_get(o,
			    known->f[i].key)), label, known->f[i].key, NULL);
	json_object_foreach((json_t *)o, k, v)
		if (known == NULL || !in_table(known, k))
			om_sample(m, (double)json_integer_value(v), label, k, NULL);
}

static void
om_field(struct om *m, const struct fld *fd, const json_t *v)
{
	double d = json_number_value(v);

	if (!json_is_number(v))
		return;
	om_family(m, fd->om_name, fd->om, fd->om_help);
	om_sample(m, fd->om_scale != 0 ? d * fd->om_scale : d, NULL);
}

void
stats_openmetrics(FILE *f, const json_t *st)
{
	const struct fld_table	*T = &fld_stats, *X = &fld_xtr, *M = &fld_mr;
	const json_t		*xtr, *mrs, *v, *r;
	const char		*k;
	struct om		 m;
	size_t			 i, j;
	char			 name[128];

	om_begin(&m, f);
	om_keyed(&m, &T->f[ST_RX], "type", fld_get(st, T, ST_RX), &fld_msg_types);
	om_keyed(&m, &T->f[ST_TX], "type", fld_get(st, T, ST_TX), &fld_msg_types);
	om_field(&m, &T->f[ST_RX_BAD], fld_get(st, T, ST_RX_BAD));
	om_keyed(&m, &T->f[ST_DROPS], "reason", fld_get(st, T, ST_DROPS), NULL);
	if ((v = fld_get(st, T, ST_DROPS_BY_MODULE)) != NULL) {
		const struct fld *fd = &T->f[ST_DROPS_BY_MODULE];
		const char *reason;
		json_t *n;

		om_family(&m, fd->om_name, fd->om, fd->om_help);
		json_object_foreach((json_t *)v, k, r)
			json_object_foreach((json_t *)r, reason, n)
				om_sample(&m, (double)json_integer_value(n),
				    "module", k, "reason", reason, NULL);
	}
	om_field(&m, &T->f[ST_LOG_SUPPRESSED], fld_get(st, T, ST_LOG_SUPPRESSED));
	if ((v = fld_get(st, T, ST_LOG_BY_MODULE)) != NULL)
		om_keyed(&m, &T->f[ST_LOG_BY_MODULE], "module", v, NULL);
	xtr = fld_get(st, T, ST_XTR);
	for (i = 0; i < X->n; i++)
		if (X->f[i].om != OM_NONE)
			om_field(&m, &X->f[i], fld_get(xtr, X, (int)i));
	json_object_foreach((json_t *)xtr, k, v)
		if (!in_table(X, k) && json_is_number(v)) {
			om_family(&m, om_name_fmt("locid_xtr_", k, name,
			    sizeof(name)), OM_UNKNOWN, NULL);
			om_sample(&m, json_number_value(v), NULL);
		}
	if ((v = fld_get(xtr, X, XTR_EBPF)) != NULL) {
		om_family(&m, X->f[XTR_EBPF].om_name, X->f[XTR_EBPF].om,
		    X->f[XTR_EBPF].om_help);
		json_object_foreach((json_t *)v, k, r)
			if (json_is_integer(r))
				om_sample(&m, (double)json_integer_value(r), "counter", k, NULL);
	}
	mrs = fld_get(xtr, X, XTR_MAP_RESOLVERS);
	for (j = 0; j < M->n; j++) {
		if (M->f[j].om == OM_NONE || json_array_size(mrs) == 0)
			continue;
		om_family(&m, M->f[j].om_name, M->f[j].om, M->f[j].om_help);
		json_array_foreach(mrs, i, r)
			om_sample(&m, (double)fld_int(r, M, (int)j, 0), "map_resolver",
			    fld_str(r, M, MR_ADDR, "?"), NULL);
	}
	om_eof(&m);
}
