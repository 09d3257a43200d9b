#!/usr/bin/env python3
# hostile.py [--no-check] HOST:PORT...: a fixed pseudo-random set of
# hostile LISP datagrams (bounded: ~600 per destination), each sent to
# every destination: empty, every message type short and random, every
# truncation of well-formed control and data messages, and 300 random
# mutations of them. the same sequence every run (seed 9301), so two runs
# can be compared (t_asan_lab, t_ebpf).
import random, socket, struct, sys
rnd = random.Random(9301)
args = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if args and args[0] == "--no-check":	# UDP checksum 0, as ITRs send data
    s.setsockopt(socket.SOL_SOCKET, 11, 1)	# SO_NO_CHECK
    args = args[1:]
dsts = [(a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in args]
def ip4(a): return bytes(int(x) for x in a.split("."))
# well-formed pieces to truncate and mutate
rec = struct.pack("!IBBHHH", 1440, 1, 24, 0x1000, 0, 1) + ip4("198.18.1.0")
loc = struct.pack("!BBBBHH", 1, 100, 255, 0, 7, 1) + ip4("203.0.113.9")
reply = struct.pack("!IQ", (2 << 28) | 1, rnd.getrandbits(64)) + rec + loc
probe_reply = struct.pack("!IQ", (2 << 28) | (1 << 27) | 1, 1) + rec + loc
mreq = (struct.pack("!IQ", (1 << 28) | (1 << 8) | 1, 5) + struct.pack("!H", 0) +
        struct.pack("!H", 1) + ip4("198.51.100.7") + struct.pack("!BBH", 0, 32, 1) + ip4("198.18.2.10"))
smr = (struct.pack("!IQ", (1 << 28) | (1 << 24) | 1, 6) + struct.pack("!H", 1) + ip4("198.18.2.0") +
       struct.pack("!H", 1) + ip4("203.0.113.9") + struct.pack("!BBH", 0, 24, 1) + ip4("198.18.1.0"))
notify = struct.pack("!IQBBH", (4 << 28) | 1, 7, 0, 2, 32) + bytes(32) + rec + loc
inner_ip = bytes([0x45, 0, 0, 28 + len(mreq), 0, 0, 0, 0, 64, 17, 0, 0]) + ip4("198.51.100.7") + ip4("198.18.2.10")
ecm = struct.pack("!I", 8 << 28) + inner_ip + struct.pack("!HHHH", 4342, 4342, 8 + len(mreq), 0) + mreq
data = bytes(8) + bytes([0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0]) + ip4("198.18.1.10") + ip4("198.18.2.10") + bytes(8)
seeds = [reply, probe_reply, mreq, smr, notify, ecm, data]
def sendall(b):
    for d in dsts:
        try:
            s.sendto(b, d)
        except OSError:
            pass
sendall(b"")
for t in range(16):				# every type, short and random
    sendall(bytes([t << 4]))
    sendall(bytes([t << 4]) + bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 200))))
for m in seeds:				# every truncation
    for n in range(len(m)):
        sendall(m[:n])
for i in range(300):				# random mutations of the seeds
    m = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randrange(1, 6)):
        m[rnd.randrange(len(m))] = rnd.getrandbits(8)
    if rnd.random() < 0.3:
        m += bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 64)))
    sendall(bytes(m))
