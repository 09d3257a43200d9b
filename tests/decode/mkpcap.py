#!/usr/bin/env python3
"""Write synthetic captures for `locictl decode -r`, one per link type:
Ethernet with stacked VLAN tags, Linux SLL, Linux SLL2 and raw IP, with
IPv4 options, IPv6 extension headers, fragments, non-LISP UDP, data packets
and LISP control messages with LCAF addresses. Standard library only.

usage: mkpcap.py OUTDIR"""

import hashlib
import hmac
import ipaddress
import os
import struct
import sys


def ip4(a):
    return ipaddress.IPv4Address(a).packed


def ip6(a):
    return ipaddress.IPv6Address(a).packed


def afi(a):
    if a is None:
        return struct.pack("!H", 0)
    if isinstance(a, bytes):		# pre-encoded (LCAF)
        return a
    if ":" in a:
        return struct.pack("!H", 2) + ip6(a)
    return struct.pack("!H", 1) + ip4(a)


def lcaf(t, body, flags=0, rsvd2=0):
    return struct.pack("!HBBBBH", 16387, 0, flags, t, rsvd2, len(body)) + body


def iid(i, a):
    return lcaf(2, struct.pack("!I", i) + afi(a))


def elp(hops):
    return lcaf(10, b"".join(struct.pack("!H", f) + afi(a) for f, a in hops))


def rle(entries):
    return lcaf(13, b"".join(struct.pack("!HBB", 0, 0, lvl) + afi(a)
                             for lvl, a in entries))


def json_lcaf(text, a=None):
    t = text.encode()
    return lcaf(14, struct.pack("!H", len(t)) + t + afi(a))


def nat(ms_port, etr_port, g, ms, priv, rtrs):
    return lcaf(7, struct.pack("!HH", ms_port, etr_port) + afi(g) + afi(ms)
                + afi(priv) + b"".join(afi(r) for r in rtrs))


def rloc(a, prio=1, weight=100, flags=0x5, mprio=255, mweight=0):
    return struct.pack("!BBBBH", prio, weight, mprio, mweight, flags) + afi(a)


def record(eid, mlen, rlocs, ttl=1440, act=0, auth=1, ver=0):
    h = (act << 13) | (0x1000 if auth else 0)
    return (struct.pack("!IBBHH", ttl, len(rlocs), mlen, h, ver & 0xfff)
            + afi(eid) + b"".join(rlocs))


def map_register(nonce, recs, key, alg=2, flags=0x0100, ids=None, typ=3):
    alen = 20 if alg == 1 else 32
    w0 = (typ << 28) | flags | len(recs)
    if ids is not None and typ == 3:
        w0 |= 0x02000000
    m = bytearray(struct.pack("!IQBBH", w0, nonce, 0, alg, alen) + bytes(alen)
                  + b"".join(recs))
    if ids is not None:
        m += ids[0] + struct.pack("!Q", ids[1])
    h = hashlib.sha1 if alg == 1 else hashlib.sha256
    m[16:16 + alen] = hmac.new(key, bytes(m), h).digest()
    return bytes(m)


def map_request(nonce, seid, itrs, recs, flags=0, reply=None):
    w0 = (1 << 28) | flags | ((len(itrs) - 1) << 8) | len(recs)
    if reply is not None:
        w0 |= 0x04000000
    m = struct.pack("!IQ", w0, nonce) + afi(seid)
    m += b"".join(afi(a) for a in itrs)
    m += b"".join(struct.pack("!BB", 0, mlen) + afi(e) for e, mlen in recs)
    if reply is not None:
        m += reply
    return m


def map_reply(nonce, recs, flags=0):
    return struct.pack("!IQ", (2 << 28) | flags | len(recs), nonce) + b"".join(recs)


def referral(nonce, recs):
    return struct.pack("!IQ", (6 << 28) | len(recs), nonce) + b"".join(recs)


def info(nonce, reply, eid, mlen, natl=None):
    w0 = (7 << 28) | (0x08000000 if reply else 0)
    m = struct.pack("!IQHH", w0, nonce, 0, 0) + struct.pack("!IBB", 1440, 0, mlen)
    m += afi(eid)
    m += natl if natl is not None else afi(None)
    return m


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def udp(src, dst, sport, dport, payload):
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    if ":" in src:
        ph = ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(u), 17)
    else:
        ph = ip4(src) + ip4(dst) + struct.pack("!xBH", 17, len(u))
    c = cksum(ph + u) or 0xffff
    return u[:6] + struct.pack("!H", c) + u[8:]


def ipv4(src, dst, proto, payload, opts=b"", frag=0, ttl=64):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload),
                    0x1234, frag, ttl, proto, 0, ip4(src), ip4(dst)) + opts
    h = h[:10] + struct.pack("!H", cksum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, ext=b"", ext_nh=None, hlim=64):
    first = nh if ext_nh is None else ext_nh
    return (struct.pack("!IHBB", 0x60000000, len(ext) + len(payload), first,
                        hlim) + ip6(src) + ip6(dst) + ext + payload)


def udp_ip(src, dst, sport, dport, payload, **kw):
    u = udp(src, dst, sport, dport, payload)
    if ":" in src:
        return ipv6(src, dst, 17, u, **kw)
    return ipv4(src, dst, 17, u, **kw)


def data_hdr(nonce, iid_, lsb):
    return struct.pack("!II", 0x88000000 | nonce, (iid_ << 8) | lsb)


def eth(frame_ip, vlans=(), v6=False):
    mac = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
    tags = b""
    tpids = [0x88a8] + [0x8100] * (len(vlans) - 1)
    for tpid, vid in zip(tpids, vlans):
        tags += struct.pack("!HH", tpid, vid)
    return mac[:12] + tags + struct.pack("!H", 0x86dd if v6 else 0x0800) + frame_ip


def sll(frame_ip, v6=False):
    return (struct.pack("!HHH", 0, 1, 6) + b"\x02\0\0\0\0\x01\0\0"
            + struct.pack("!H", 0x86dd if v6 else 0x0800) + frame_ip)


def sll2(frame_ip, v6=False):
    return (struct.pack("!HHIHBB", 0x86dd if v6 else 0x0800, 0, 2, 1, 0, 6)
            + b"\x02\0\0\0\0\x01\0\0" + frame_ip)


def write_pcap(path, linktype, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)


KEY = b"lisp-secret"
XTR = bytes(range(1, 17))


def packets():
    """(ip packet, v6) list shared by the link types"""
    reg = map_register(0x1122334455667788, [
        record(iid(7, "198.18.2.0"), 24, [
            rloc("203.0.113.1", 1, 50), rloc("2001:db8::1", 2, 50, 0x1)]),
        record("198.18.3.0", 24, [
            rloc(elp([(0x2, "198.51.100.1"), (0x1, "203.0.113.2")]), 1, 100, 0x1)]),
    ], KEY, alg=2, ids=(XTR, 42))
    req = map_request(0xa1a2a3a4a5a6a7a8, "2001:db8:1::5",
                      ["203.0.113.1", "2001:db8::1"],
                      [("2001:db8:2::", 48)], flags=0x01000000)
    rep = map_reply(0xa1a2a3a4a5a6a7a8, [
        record("198.18.9.0", 24, [], ttl=15, act=1, auth=0),
        record("198.18.2.0", 24, [
            rloc(rle([(0, "198.51.100.7"), (1, "198.51.100.8")]), 1, 100, 0x5),
            rloc(json_lcaf('{"site":"lab"}', None), 255, 0, 0x0)]),
    ])
    inner = map_request(0x0102030405060708, iid(3, "198.18.1.10"),
                        ["203.0.113.1"], [(iid(3, "198.18.2.10"), 32)])
    ecm = struct.pack("!I", 8 << 28) + udp_ip("2001:db8:1::10", "2001:db8:2::10",
                                              4342, 4342, inner)
    notify = map_register(0x1122334455667788, [
        record("198.18.4.0", 24, [rloc("203.0.113.4")])], KEY, alg=1,
        flags=0, typ=4)
    ref = referral(0x5555666677778888, [
        struct.pack("!IBBHH", 1440, 1, 16, (2 << 13) | 0x1000, 0)
        + afi("198.18.0.0") + rloc("203.0.113.9")])
    ireq = info(0x99aa99aa99aa99aa, False, "198.18.2.0", 24)
    irep = info(0x99aa99aa99aa99aa, True, "198.18.2.0", 24,
                nat(4342, 61000, "198.51.100.77", "203.0.113.100", None,
                    ["203.0.113.200"]))
    inner_ip = ipv4("198.18.1.10", "198.18.2.10", 17,
                    struct.pack("!HHHH", 5000, 53, 8, 0))
    data = data_hdr(0x123456, 5, 0x03) + inner_ip
    opts = b"\x94\x04\x00\x00"		# router alert
    hbh = struct.pack("!BB", 17, 0) + b"\x01\x04\0\0\0\0"	# pad
    return [
        (udp_ip("203.0.113.1", "203.0.113.100", 4342, 4342, reg, opts=opts), False),
        (udp_ip("2001:db8::1", "2001:db8::100", 40000, 4342, req, ext=hbh, ext_nh=0), True),
        (udp_ip("203.0.113.100", "203.0.113.1", 4342, 40000, rep), False),
        (udp_ip("203.0.113.1", "203.0.113.100", 40001, 4342, ecm), False),
        (udp_ip("203.0.113.100", "203.0.113.1", 4342, 4342, notify), False),
        (udp_ip("203.0.113.9", "203.0.113.1", 4342, 40002, ref), False),
        (udp_ip("203.0.113.1", "203.0.113.100", 4342, 4342, ireq), False),
        (udp_ip("203.0.113.100", "203.0.113.1", 4342, 4342, irep), False),
        (udp_ip("203.0.113.1", "203.0.113.2", 61001, 4341, data), False),
        # skipped: a later fragment, DNS, TCP
        (ipv4("203.0.113.1", "203.0.113.100", 17, b"\x10\xf6\x10\xf6" + bytes(20),
              frag=0x00b9), False),
        (udp_ip("203.0.113.1", "203.0.113.53", 5353, 53, bytes(12)), False),
        (ipv4("203.0.113.1", "203.0.113.100", 6, struct.pack("!HH", 4342, 4342)
              + bytes(16)), False),
    ]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    pk = packets()
    write_pcap(os.path.join(out, "synth_eth.pcap"), 1,
               [eth(p, (100, 200), v6) for p, v6 in pk])
    write_pcap(os.path.join(out, "synth_sll.pcap"), 113,
               [sll(p, v6) for p, v6 in pk])
    write_pcap(os.path.join(out, "synth_sll2.pcap"), 276,
               [sll2(p, v6) for p, v6 in pk])
    write_pcap(os.path.join(out, "synth_raw.pcap"), 101, [p for p, _ in pk])


if __name__ == "__main__":
    main()
