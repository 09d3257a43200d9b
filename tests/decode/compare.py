#!/usr/bin/env python3
"""Compare `locictl decode --json -r F` with `tshark -T json -r F`, field by
field, for every LISP packet: message type, nonce, record count, each
record's EID prefix, mask, instance-id, TTL, action, and each locator's
address, priority, weight and L/p/R flags; Map-Request Source EID, ITR-RLOCs
and records; Map-Register key/auth length; ECM inner addresses and the inner
message; data-plane nonce and instance-id.

usage: compare.py LOCICTL.jsonl TSHARK.json
Prints one line per mismatch and a summary; exits 1 on any mismatch."""

import json
import sys

LCAF = {"afi-list": 1, "iid": 2, "asn": 3, "geo": 5, "nat": 7, "mcast": 9,
        "elp": 10, "seckey": 11, "srcdst": 12, "rle": 13, "json": 14, "kv": 15}
ACT = {"no-action": 0, "natively-forward": 1, "send-map-request": 2,
       "drop": 3, "drop-policy-denied": 4, "drop-auth-failure": 5}

# tshark -T json repeats keys (two "lisp" layers in an ECM, several
# "lisp.mapping" in a record list): keep every pair in order.
def pairs(p):
    return p


def get(pl, key, default=None):
    for k, v in pl:
        if k == key:
            return v
    return default


def get_all(pl, key):
    return [v for k, v in pl if k == key]


def subtrees(pl):
    """children that are themselves lists of pairs"""
    return [(k, v) for k, v in pl if isinstance(v, list)]


def addr_in(pl, prefix):
    """(iid, address) of an address dissected under prefix: a plain
    <prefix>.ipv4/ipv6/mac/dn field, or an LCAF subtree"""
    for suf in (".ipv4", "_ipv4", ".ipv6", "_ipv6", ".mac", ".dn"):
        v = get(pl, prefix + suf)
        if v is not None:
            return (None, v)
    for k, v in subtrees(pl):
        lcaf = get(v, "lisp.lcaf")
        if lcaf is None:
            continue
        iid = get(lcaf, "lisp.lcaf.iid")
        for suf in (".ipv4", ".ipv6", ".mac", ".dn"):
            a = get(lcaf, "lisp.lcaf.iid" + suf)
            if a is not None:
                return (int(iid) if iid is not None else None, a)
        return (int(iid) if iid is not None else None, k.split(": ", 1)[-1])
    return (None, None)


class Cmp:
    def __init__(self):
        self.fields = 0
        self.bad = 0

    def eq(self, where, what, ours, theirs):
        self.fields += 1
        if ours != theirs:
            self.bad += 1
            print(f"MISMATCH {where}: {what}: locictl {ours!r} tshark {theirs!r}")

    def eid(self, where, ours, tiid, taddr, tmask):
        pfx, _, mlen = ours.get("eid", "").rpartition("/")
        self.eq(where, "eid", pfx, taddr)
        self.eq(where, "eid mask", int(mlen), int(tmask))
        self.eq(where, "instance-id", ours.get("instance_id"), tiid)

    def mapping(self, where, ours, t):
        iid, a = addr_in(t, "lisp.mapping.eid")
        self.eid(where, ours, iid, a, get(t, "lisp.mapping.eid.masklen"))
        self.eq(where, "ttl", ours["ttl"], int(get(t, "lisp.mapping.ttl")))
        self.eq(where, "action", ACT.get(ours["action"], ours["action"]),
                int(get(t, "lisp.mapping.act")))
        self.eq(where, "authoritative", ours["authoritative"],
                get(t, "lisp.mapping.auth") == "1")
        self.eq(where, "locator count", ours["locator_count"],
                int(get(t, "lisp.mapping.loccnt")))
        tl = get_all(t, "lisp.loc")
        ol = ours.get("locators", [])
        self.eq(where, "locators", len(ol), len(tl))
        for i, (o, l) in enumerate(zip(ol, tl), 1):
            w = f"{where} locator {i}"
            if "lcaf" in o:
                self.lcaf(w, o["lcaf"], get(l, "lisp.lcaf"))
            else:
                self.eq(w, "address", o["address"], get(l, "lisp.loc.locator"))
            self.eq(w, "priority", o["priority"], int(get(l, "lisp.loc.priority")))
            self.eq(w, "weight", o["weight"], int(get(l, "lisp.loc.weight")))
            self.eq(w, "mpriority", o["mpriority"],
                    int(get(l, "lisp.loc.multicast_priority")))
            self.eq(w, "mweight", o["mweight"],
                    int(get(l, "lisp.loc.multicast_weight")))
            ft = get(l, "lisp.loc.flags_tree", [])
            for name, key in (("local", "local"), ("probed", "probe"),
                              ("reachable", "reach")):
                self.eq(w, name, o[name], get(ft, "lisp.loc.flags." + key) == "1")

    def lcaf(self, where, o, t):
        """LCAF details: type, ELP hops, RLE entries, NAT-T fields"""
        if t is None:
            self.eq(where, "lcaf", o["lcaf_type"], None)
            return
        hdr = get(t, "lisp.lcaf.header_tree", [])
        self.eq(where, "lcaf type", LCAF.get(o["lcaf_type"]),
                int(get(hdr, "lisp.lcaf.type")))
        if o["lcaf_type"] == "elp":
            hops = get_all(t, "lisp.lcaf.elp_hop")
            self.eq(where, "elp hops", len(o["hops"]), len(hops))
            for i, (h, th) in enumerate(zip(o["hops"], hops), 1):
                _, a = addr_in(th, "lisp.lcaf.elp_hop")
                self.eq(f"{where} hop {i}", "address", h["address"], a)
                ft = get(th, "lisp.lcaf.elp_hop.flags_tree", [])
                self.eq(f"{where} hop {i}", "flags",
                        [h["flags"]["L"], h["flags"]["P"], h["flags"]["S"]],
                        [get(ft, "lisp.lcaf.elp_hop.flags.local") == "1",
                         get(ft, "lisp.lcaf.elp_hop.flags.probe") == "1",
                         get(ft, "lisp.lcaf_elp_hop.flags.strict") == "1"])
        elif o["lcaf_type"] == "rle":
            ents = get_all(t, "lisp.lcaf.rle_entry")
            self.eq(where, "rle entries", len(o["entries"]), len(ents))
            for i, (e, te) in enumerate(zip(o["entries"], ents), 1):
                _, a = addr_in(te, "lisp.lcaf.rle_entry")
                self.eq(f"{where} entry {i}", "address", e["address"], a)
                self.eq(f"{where} entry {i}", "level", e["level"],
                        int(get(te, "lisp.lcaf.rle_entry.level")))
        elif o["lcaf_type"] == "nat":
            self.eq(where, "ms port", o["ms_port"], int(get(t, "lisp.lcaf.natt.msport")))
            self.eq(where, "etr port", o["etr_port"], int(get(t, "lisp.lcaf.natt.etrport")))
            rl = [addr_in(r, "lisp.lcaf.natt.rloc")[1]
                  for r in get_all(t, "lisp.lcaf.natt.rloc")]
            ours = [o["global_etr_rloc"], o["ms_rloc"], o["private_etr_rloc"]] + o["rtrs"]
            self.eq(where, "nat rlocs", ours, rl)

    def message(self, where, o, t):
        """o: our message object; t: a tshark lisp layer"""
        ttype = int(get(t, "lisp.type"))
        types = {1: "map-request", 2: "map-reply", 3: "map-register",
                 4: "map-notify", 5: "map-notify-ack", 6: "map-referral",
                 8: "ecm"}
        exp = types.get(ttype)
        if ttype == 7:
            exp = "info-reply" if get(t, "lisp.info.r") == "1" else "info-request"
        self.eq(where, "type", o["type"], exp)
        if o["type"] != exp:
            return
        nonce = get(t, "lisp.nonce")
        if nonce is not None:
            self.eq(where, "nonce", o["nonce"], nonce[2:].rjust(16, "0"))
        rc = get(t, "lisp.records")
        if rc is not None:
            self.eq(where, "record count", o["record_count"], int(rc))
        if ttype == 7:
            pfx = get(t, "EID Prefix: " + o["eid"]) if "eid" in o else None
            self.eq(where, "eid", o.get("eid"), None if pfx is None else o["eid"])
            self.eq(where, "ttl", o["ttl"], int(get(t, "lisp.info.ttl")))
            if "nat" in o:
                self.lcaf(where + " nat", o["nat"], get(t, "lisp.lcaf"))
        if ttype == 1:
            self.request(where, o, t)
        elif ttype in (2, 3, 4, 5):
            maps = get_all(t, "lisp.mapping")
            self.eq(where, "records", len(o["records"]), len(maps))
            for i, (r, m) in enumerate(zip(o["records"], maps), 1):
                self.mapping(f"{where} record {i}", r, m)
            if ttype in (3, 4, 5):
                kid = int(get(t, "lisp.keyid"), 0)
                self.eq(where, "key id", o["key_id"], kid >> 8)
                self.eq(where, "alg id", o["alg_id"], kid & 0xff)
                self.eq(where, "auth length", o["auth_len"],
                        int(get(t, "lisp.authlen")))

    def request(self, where, o, t):
        self.eq(where, "itr-rloc count", o["itr_rloc_count"],
                int(get(t, "lisp.irc")) + 1)
        siid, sa = addr_in(t, "lisp.mreq.srceid")
        if sa is None:
            self.eq(where, "source eid", o["source_eid"], None)
        else:
            self.eq(where, "source eid", o["source_eid"],
                    f"[{siid}]{sa}" if siid is not None else sa)
        itrs = get_all(t, "lisp.mreq.itr_rloc")
        self.eq(where, "itr-rlocs", len(o["itr_rlocs"]), len(itrs))
        for i, (a, r) in enumerate(zip(o["itr_rlocs"], itrs), 1):
            _, ta = addr_in(r, "lisp.mreq.itr_rloc")
            self.eq(f"{where} itr-rloc {i}", "address",
                    a if isinstance(a, str) else a.get("address"), ta)
        recs = get_all(t, "lisp.mreq.record")
        self.eq(where, "records", len(o["records"]), len(recs))
        for i, (r, m) in enumerate(zip(o["records"], recs), 1):
            iid, a = addr_in(m, "lisp.mreq.record.prefix")
            self.eid(f"{where} record {i}", r, iid, a,
                     get(m, "lisp.mreq.record.prefix.length"))
        mrep = get(t, "lisp.mrep.record")
        self.eq(where, "map-reply record", "map_reply" in o, mrep is not None)
        if mrep is not None and "map_reply" in o:
            self.mapping(f"{where} map-reply record", o["map_reply"],
                         get(mrep, "lisp.mapping"))


def main():
    ours = {}
    with open(sys.argv[1]) as f:
        for line in f:
            o = json.loads(line)
            ours[o["frame"]] = o
    with open(sys.argv[2]) as f:
        frames = json.load(f, object_pairs_hook=pairs)
    c = Cmp()
    nlisp = 0
    for fr in frames:
        layers = get(get(fr, "_source"), "layers")
        num = int(get(get(layers, "frame"), "frame.number"))
        lisp = get_all(layers, "lisp")
        data = get(layers, "lisp-data")
        if not lisp and data is None:
            if num in ours:
                c.eq(f"frame {num}", "lisp packet", True, False)
            continue
        nlisp += 1
        where = f"frame {num}"
        if num not in ours:
            c.eq(where, "decoded", False, True)
            continue
        o = ours[num]
        ips = [(k, v) for k, v in layers if k in ("ip", "ipv6")]
        udps = get_all(layers, "udp")
        if ips:
            pre, ip = ips[0]
            c.eq(where, "ip src", o["ip_src"], get(ip, pre + ".src"))
            c.eq(where, "ip dst", o["ip_dst"], get(ip, pre + ".dst"))
        c.eq(where, "udp sport", o["sport"], int(get(udps[0], "udp.srcport")))
        c.eq(where, "udp dport", o["dport"], int(get(udps[0], "udp.dstport")))
        if data is not None:
            c.eq(where, "type", o["type"], "data")
            n = get(data, "lisp-data.nonce")
            if n is not None:
                c.eq(where, "data nonce", int(o["nonce"], 16), int(n, 0))
            iid = get(data, "lisp-data.iid")
            if iid is not None:
                c.eq(where, "data instance-id", o.get("instance_id"), int(iid))
            continue
        # the ECM's inner message is the next lisp layer
        msg = o
        for depth, t in enumerate(lisp):
            w = where if depth == 0 else f"{where} inner"
            c.message(w, msg, t)
            if msg.get("type") != "ecm":
                break
            inner = msg["inner"]
            if len(ips) > depth + 1:
                pre, ip = ips[depth + 1]
                c.eq(w, "inner ip src", inner["ip_src"], get(ip, pre + ".src"))
                c.eq(w, "inner ip dst", inner["ip_dst"], get(ip, pre + ".dst"))
            if len(udps) > depth + 1:
                c.eq(w, "inner sport", inner["sport"], int(get(udps[depth + 1], "udp.srcport")))
                c.eq(w, "inner dport", inner["dport"], int(get(udps[depth + 1], "udp.dstport")))
            msg = inner["message"]
    print(f"{nlisp} LISP packets, {c.fields} fields compared, {c.bad} mismatches")
    return 1 if c.bad or nlisp == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
