/* control protocol v1: the request parser */
#include <stdio.h>
#include <string.h>

#include "control.h"

json_t *
ctl_request_parse(const char *line, const char **cmd, json_t **args,
    json_int_t *version, json_error_t *jerr, char *err, size_t errlen)
{
	json_t	*req, *v, *a;

	*cmd = NULL;
	*args = NULL;
	*version = CTL_PROTOCOL;
	if (strlen(line) > CTL_LINE_MAX) {
		snprintf(err, errlen, "request line too long");
		return NULL;
	}
	if ((req = json_loads(line, JSON_REJECT_DUPLICATES, jerr)) == NULL) {
		snprintf(err, errlen, "bad json: %s", jerr->text);
		return NULL;
	}
	if (!json_is_object(req)) {
		snprintf(err, errlen, "a request is a JSON object");
		goto fail;
	}
	if ((v = json_object_get(req, "v")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(err, errlen, "\"v\" is not a protocol version");
			goto fail;
		}
		if (json_integer_value(v) > CTL_PROTOCOL) {
			snprintf(err, errlen, "protocol version %lld not supported "
			    "(this locid speaks %d)", (long long)json_integer_value(v),
			    CTL_PROTOCOL);
			goto fail;
		}
		*version = json_integer_value(v);
	}
	if ((*cmd = json_string_value(json_object_get(req, "cmd"))) == NULL) {
		snprintf(err, errlen, "request without \"cmd\"");
		goto fail;
	}
	a = json_object_get(req, "args");
	if (a != NULL && !json_is_object(a) && !json_is_null(a)) {
		snprintf(err, errlen, "\"args\" is not an object");
		goto fail;
	}
	if (a == NULL || json_is_null(a)) {
		a = json_object();
		if (a == NULL || json_object_set_new(req, "args", a) == -1) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	*args = a;
	return req;
fail:
	json_decref(req);
	*cmd = NULL;
	return NULL;
}
