#!/usr/bin/env python3
"""A LISP-SEC (RFC 9303) ETR for t_lispsec.sh, written apart from locid
(struct packing and python3-cryptography): `register` sends a Map-Register
with the S bit; `etr` waits for one forwarded ECM Map-Request, prints what
its authentication data says, and answers with the given records pointing
at itself, signed with the MS-OTK it unwraps with its site key (or, with
`plain`, without LISP-SEC)."""
import hashlib
import hmac
import json
import socket
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def hkdf16(ikm):
    return HKDF(algorithm=hashes.SHA256(), length=16, salt=None, info=None).derive(ikm)


def register(args):
    # register SRC MS PREFIX/LEN RLOC KEY NONCE
    src, ms, prefix, rloc, key, nonce = args[:6]
    net, mlen = prefix.split('/')
    flags = 0x04000000 | 0x100  # S (LISP-SEC capable), M
    rec = struct.pack('!IBBHHH', 1440, 1, int(mlen), 0x1000, 0, 1) + socket.inet_aton(net)
    rec += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(rloc)
    msg = bytearray(struct.pack('!IQBBH', (3 << 28) | flags | 1, int(nonce), 0, 2, 32))
    msg += b'\0' * 32 + rec
    msg[16:48] = hmac.new(key.encode(), bytes(msg), hashlib.sha256).digest()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(3)
    s.sendto(bytes(msg), (ms, 4342))
    try:
        s.recvfrom(2048)
    except socket.timeout:
        print(json.dumps({'notify': False}))
        return 1
    print(json.dumps({'notify': True}))
    return 0


def etr(args):
    # etr ADDR KEY plain|signed PREFIX/LEN...
    addr, key, mode = args[:3]
    recs = args[3:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 4342))
    s.settimeout(20)
    print('ready', flush=True)
    while True:
        data, frm = s.recvfrom(4096)
        if data[0] >> 4 == 8:
            break
    w0 = struct.unpack('!I', data[:4])[0]
    out = {'from': frm[0], 'ecm_s': bool(w0 & 0x08000000), 'ecm_e': bool(w0 & 0x02000000)}
    off = 4
    ad = None
    if w0 & 0x08000000:
        adtype, _, req_hmac = struct.unpack('!BBH', data[4:8])
        otklen, keyid, wrapid = struct.unpack('!HBB', data[8:12])
        wrapped = data[12:12 + otklen]
        p = 12 + otklen
        eidlen, kdf = struct.unpack('!HH', data[p:p + 4])
        eidad = data[p:p + eidlen]
        cnt, eflags, eid_hmac = struct.unpack('!BBH', eidad[4:8])
        pfx = []
        q = 8
        for _ in range(cnt):
            _, ml, afi = struct.unpack('!BBH', eidad[q:q + 4])
            pfx.append('%s/%d' % (socket.inet_ntoa(eidad[q + 4:q + 8]), ml))
            q += 8
        ad = (req_hmac, wrapped, eidad)
        out.update({'ad_type': adtype, 'req_hmac': req_hmac, 'otk_len': otklen, 'key_id': keyid,
                    'wrap_id': wrapid, 'kdf': kdf, 'eid_ad': pfx, 'e': bool(eflags & 0x80),
                    'eid_hmac_id': eid_hmac})
        off = p + eidlen
    ihl = (data[off] & 0xf) * 4
    sport = struct.unpack('!H', data[off + ihl:off + ihl + 2])[0]
    m = data[off + ihl + 8:]
    nonce = m[4:12]
    # Source-EID, then the first ITR-RLOC (IPv4)
    safi = struct.unpack('!H', m[12:14])[0]
    r = 14 + (4 if safi == 1 else 16 if safi == 2 else 0)
    itr = socket.inet_ntoa(m[r + 2:r + 6])
    flags = 0x02000000 if mode == 'signed' and ad else 0
    rep = bytearray(struct.pack('!I', (2 << 28) | flags | len(recs)) + nonce)
    for rec in recs:
        net, ml = rec.split('/')
        rep += struct.pack('!IBBHHH', 1440, 1, int(ml), 0x1000, 0, 1) + socket.inet_aton(net)
        rep += struct.pack('!BBBBHH', 1, 100, 255, 0, 0x0005, 1) + socket.inet_aton(addr)
    if flags:
        req_hmac, wrapped, eidad = ad
        key_wrap = hkdf16(nonce + b'OTK-Key-Wrap' + key.encode())
        ms_otk = aes_key_unwrap(key_wrap, bytes(wrapped))
        out['unwrapped'] = True
        rep += struct.pack('!I', 1 << 24) + eidad
        po = len(rep) + 4
        rep += struct.pack('!HH', 20, 2) + b'\0' * 16
        rep[po:po + 16] = hmac.new(ms_otk, bytes(rep), hashlib.sha256).digest()[:16]
    s.sendto(bytes(rep), (itr, sport))
    out['replied_to'] = '%s:%d' % (itr, sport)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit({'register': register, 'etr': etr}[sys.argv[1]](sys.argv[2:]))
