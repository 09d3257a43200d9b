#!/usr/bin/env python3
"""A minimal ETR for the Map-Server tests (raw struct packing, no LISP
library): `register` sends one authenticated Map-Register and waits for the
Map-Notify; `etr` answers the first ECM Map-Request forwarded to it."""
import hashlib
import hmac
import json
import socket
import struct
import sys


def register(args):
    # register SRC MS PREFIX/LEN RLOC KEY NONCE [proxy] [xtr]
    src, ms, prefix, rloc, key, nonce = args[:6]
    opts = args[6:]
    net, mlen = prefix.split('/')
    flags = 0x100  # M
    if 'proxy' in opts:
        flags |= 0x08000000
    xtr = 'xtr' in opts
    if xtr:
        flags |= 0x02000000
    rec = struct.pack('!IBBHHH', 1440, 1, int(mlen), 0x1000, 0, 1)
    rec += socket.inet_aton(net)
    rec += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(rloc)
    hdr = struct.pack('!IQBBH', (3 << 28) | flags | 1, int(nonce), 0, 2, 32)
    trailer = (b'\x11' * 16 + struct.pack('!Q', 7)) if xtr else b''
    msg = bytearray(hdr + b'\0' * 32 + rec + trailer)
    msg[16:48] = hmac.new(key.encode(), bytes(msg), hashlib.sha256).digest()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(2)
    s.sendto(bytes(msg), (ms, 4342))
    try:
        data, frm = s.recvfrom(2048)
    except socket.timeout:
        print(json.dumps({'notify': False}))
        return 1
    n = bytearray(data)
    ok = n[0] >> 4 == 4 and struct.unpack('!Q', n[4:12])[0] == int(nonce)
    mac = bytes(n[16:48])
    n[16:48] = b'\0' * 32
    ok = ok and hmac.compare_digest(mac, hmac.new(key.encode(), bytes(n), hashlib.sha256).digest())
    ok = ok and bytes(n[48:]) == bytes(msg[48:])
    print(json.dumps({'notify': True, 'authentic': ok, 'from': frm[0]}))
    return 0 if ok else 1


def etr(args):
    # etr ADDR PREFIX/LEN: answer one forwarded ECM Map-Request
    addr, prefix = args[:2]
    net, mlen = prefix.split('/')
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 4342))
    s.settimeout(20)
    print('ready', flush=True)
    data, frm = s.recvfrom(2048)
    w0 = struct.unpack('!I', data[:4])[0]
    out = {'type': w0 >> 28, 'e_bit': bool(w0 & 0x02000000), 'from': frm[0]}
    ip = data[4:]
    ihl = (ip[0] & 15) * 4
    sport = struct.unpack('!H', ip[ihl:ihl + 2])[0]
    mreq = ip[ihl + 8:]
    nonce = struct.unpack('!Q', mreq[4:12])[0]
    off = 12
    afi = struct.unpack('!H', mreq[off:off + 2])[0]
    off += 2 + {0: 0, 1: 4, 2: 16}[afi]
    itr_afi = struct.unpack('!H', mreq[off:off + 2])[0]
    itr = socket.inet_ntoa(mreq[off + 2:off + 6]) if itr_afi == 1 else None
    irc = (struct.unpack('!I', mreq[:4])[0] >> 8) & 31
    off += 6 * (irc + 1)
    rec_mlen = mreq[off + 1]
    eid = socket.inet_ntoa(mreq[off + 4:off + 8])
    out.update({'inner_type': mreq[0] >> 4, 'itr_rloc': itr, 'eid': eid,
                'mlen': rec_mlen, 'inner_sport': sport})
    rep = struct.pack('!IQ', (2 << 28) | 1, nonce)
    rep += struct.pack('!IBBHHH', 1440, 1, int(mlen), 0x1000, 0, 1) + socket.inet_aton(net)
    rep += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(addr)
    s.sendto(rep, (itr, sport))
    print(json.dumps(out), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit({'register': register, 'etr': etr}[sys.argv[1]](sys.argv[2:]))
