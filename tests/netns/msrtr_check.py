#!/usr/bin/env python3
# msrtr_check.py KEY TYPE HEX...: each HEX is the UDP payload of an ECM
# between a Map-Server and an RTR. Checks, decoding on its own (tshark
# does not know the MS-RTR authentication data of the NAT draft): the S
# bit, AD type 2, key-id 0 and algorithm 1 (HMAC-SHA-1) in the Key ID, a
# 20-octet MAC that is HMAC-SHA-1 with KEY over the inner LISP message,
# whose type is TYPE (3 Map-Register, 4 Map-Notify). Prints one line per
# message; exits 1 at the first that does not hold.
import hashlib
import hmac
import struct
import sys


def check(key, want, pkt):
    w0, = struct.unpack_from("!I", pkt, 0)
    if w0 >> 28 != 8 or not w0 & 0x08000000:
        return "not an ECM with S: %08x" % w0
    adtype = pkt[4]
    kid, alen = struct.unpack_from("!HH", pkt, 8)
    if adtype != 2 or kid != 1 or alen != 20:
        return "AD type %d key id %04x length %d" % (adtype, kid, alen)
    mac = pkt[12:12 + alen]
    ip = pkt[12 + alen:]
    if ip[0] >> 4 != 4:
        return "inner ip version %d" % (ip[0] >> 4)
    ihl = (ip[0] & 15) * 4
    ulen, = struct.unpack_from("!H", ip, ihl + 4)
    msg = ip[ihl + 8:ihl + ulen]
    if msg[0] >> 4 != want:
        return "inner type %d" % (msg[0] >> 4)
    if not hmac.compare_digest(hmac.new(key, msg, hashlib.sha1).digest(), mac):
        return "mac does not verify"
    return None


key = sys.argv[1].encode()
want = int(sys.argv[2])
if len(sys.argv) < 4:
    print("no packets")
    sys.exit(1)
for h in sys.argv[3:]:
    why = check(key, want, bytes.fromhex(h.replace(":", "")))
    if why:
        print("bad: " + why)
        sys.exit(1)
    print("ok: type %d, hmac-sha1 over the inner message verifies" % want)
