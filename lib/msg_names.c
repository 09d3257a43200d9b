/* names of message types, actions and algorithms for logs and locictl */
#include "msg.h"

const char *
lisp_type_name(unsigned type)
{
	switch (type) {
	case LISP_MAP_REQUEST:		return "map-request";
	case LISP_MAP_REPLY:		return "map-reply";
	case LISP_MAP_REGISTER:		return "map-register";
	case LISP_MAP_NOTIFY:		return "map-notify";
	case LISP_MAP_NOTIFY_ACK:	return "map-notify-ack";
	case LISP_MAP_REFERRAL:		return "map-referral";
	case LISP_INFO:			return "info";
	case LISP_ECM:			return "ecm";
	case 9:				return "lisp-trace";
	case LISP_SHARED_EXT:		return "shared-extension";
	default:			return "unknown";
	}
}

const char *
act_name(unsigned act)
{
	switch (act) {
	case ACT_NO_ACTION:		return "no-action";
	case ACT_NATIVE_FORWARD:	return "natively-forward";
	case ACT_SEND_MAP_REQUEST:	return "send-map-request";
	case ACT_DROP:			return "drop";
	case ACT_DROP_POLICY:		return "drop-policy-denied";
	case ACT_DROP_AUTH:		return "drop-auth-failure";
	default:			return "unknown";
	}
}

const char *
referral_act_name(unsigned act)
{
	switch (act) {
	case REF_NODE_REFERRAL:		return "node-referral";
	case REF_MS_REFERRAL:		return "ms-referral";
	case REF_MS_ACK:		return "ms-ack";
	case REF_MS_NOT_REGISTERED:	return "ms-not-registered";
	case REF_DELEGATION_HOLE:	return "delegation-hole";
	case REF_NOT_AUTHORITATIVE:	return "not-authoritative";
	default:			return "unknown";
	}
}

const char *
alg_name(unsigned alg)
{
	switch (alg) {
	case ALG_NONE:			return "none";
	case ALG_HMAC_SHA1_96:		return "hmac-sha1-96";
	case ALG_HMAC_SHA256_128:	return "hmac-sha256-128";
	case ALG_HMAC_SHA256_HKDF:	return "hmac-sha256-128-hkdf-sha256";
	default:			return "unknown";
	}
}
