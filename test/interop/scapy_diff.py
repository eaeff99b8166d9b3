#!/usr/bin/python3
"""Differential testing helper: Scapy (an independent implementation) on one side, nvgre on the other.

Run with the Debian interpreter that has python3-scapy 2.5:

    /usr/bin/python3 test/interop/scapy_diff.py generate --seed 42 --count 1000 > frames.jsonl
    /usr/bin/python3 test/interop/scapy_diff.py dissect < hex-lines.txt > fields.jsonl

generate  builds COUNT random NVGRE frames with Scapy (outer IPv4/IPv6, with or without an 802.1Q
          tag; inner IPv4/IPv6; TCP (sometimes with options), UDP, ICMP / ICMPv6 echo; random
          addresses, ports, TTLs, traffic classes, flow labels, VSIDs and FlowIDs) from a seeded
          PRNG, and prints one JSON object per line: {"hex": ..., "fields": ...}. The fields are
          read back from Scapy's dissection of the bytes, never from the values meant.
dissect   reads one hex frame per line and prints, per line, {"fields": ..., "checksumMismatches":
          [...]}: the fields Scapy dissects, and every checksum that differs from the one Scapy
          computes itself when the field is cleared and the packet rebuilt.

Both modes print the same "fields" schema (see fields_of). Nothing here touches the network.
"""

import argparse
import ipaddress
import json
import random
import sys

from scapy.all import GRE, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6, Raw  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoReply, ICMPv6EchoRequest
from scapy.packet import NoPayload

ICMP6_ECHO = (ICMPv6EchoRequest, ICMPv6EchoReply)


def mac(rng):
    # Locally administered unicast, so nothing treats it specially.
    b = [rng.randrange(256) for _ in range(6)]
    b[0] = (b[0] & 0xFC) | 0x02
    return ":".join("%02x" % x for x in b)


def ip4(rng):
    return str(ipaddress.IPv4Address(rng.getrandbits(32)))


def ip6(rng):
    return str(ipaddress.IPv6Address(rng.getrandbits(128)))


def port(rng):
    # Dynamic range: no well-known dissector binds a payload layer to it.
    return rng.randrange(49152, 65536)


def vsid_of(rng):
    r = rng.random()
    if r < 0.1:
        return rng.choice([0x1000, 0x7FFFFF, 0x800000, 0x800001, 0xFFFFFE])
    return rng.randrange(0x1000, 0xFFFFFF)


def random_frame(rng):
    outer_v = rng.choice([4, 6])
    inner_v = rng.choice([4, 6])
    l4 = rng.choice(["tcp", "udp", "icmp"])
    pkt = Ether(dst=mac(rng), src=mac(rng))
    if rng.random() < 0.5:
        pkt = pkt / Dot1Q(vlan=rng.randrange(1, 4095), prio=rng.randrange(8), id=rng.randrange(2))
    if outer_v == 4:
        pkt = pkt / IP(src=ip4(rng), dst=ip4(rng), ttl=rng.randrange(1, 256), tos=rng.randrange(256),
                       id=rng.randrange(65536), flags=rng.choice(["DF", 0]))
    else:
        pkt = pkt / IPv6(src=ip6(rng), dst=ip6(rng), hlim=rng.randrange(1, 256), tc=rng.randrange(256),
                         fl=rng.randrange(1 << 20))
    vsid = vsid_of(rng)
    flow = rng.randrange(256)
    pkt = pkt / GRE(key_present=1, key=(vsid << 8) | flow, proto=0x6558)
    pkt = pkt / Ether(dst=mac(rng), src=mac(rng))
    if inner_v == 4:
        pkt = pkt / IP(src=ip4(rng), dst=ip4(rng), ttl=rng.randrange(256), tos=rng.randrange(256),
                       id=rng.randrange(65536), flags=rng.choice(["DF", 0]))
    else:
        pkt = pkt / IPv6(src=ip6(rng), dst=ip6(rng), hlim=rng.randrange(256), tc=rng.randrange(256),
                         fl=rng.randrange(1 << 20))
    if l4 == "tcp":
        options = [] if rng.random() < 0.5 else [("MSS", rng.randrange(536, 9000)), ("NOP", None), ("WScale", rng.randrange(15))]
        pkt = pkt / TCP(sport=port(rng), dport=port(rng), seq=rng.getrandbits(32), ack=rng.getrandbits(32),
                        flags=rng.randrange(256), window=rng.randrange(65536), options=options)
    elif l4 == "udp":
        pkt = pkt / UDP(sport=port(rng), dport=port(rng))
    elif inner_v == 4:
        pkt = pkt / ICMP(type=rng.choice([0, 8]), id=rng.randrange(65536), seq=rng.randrange(65536))
    else:
        cls = rng.choice(ICMP6_ECHO)
        pkt = pkt / cls(id=rng.randrange(65536), seq=rng.randrange(65536))
    payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))
    if payload:
        pkt = pkt / Raw(payload)
    return bytes(pkt)


def layers(pkt):
    out = []
    layer = pkt
    while layer is not None and not isinstance(layer, NoPayload):
        out.append(layer)
        layer = layer.payload
    return out


def ip_fields(ip):
    if isinstance(ip, IP):
        return {
            "ipVersion": 4, "src": ip.src, "dst": ip.dst, "ttl": ip.ttl, "dscp": ip.tos >> 2,
            "ecn": ip.tos & 3, "id": ip.id, "df": bool(int(ip.flags) & 2), "length": ip.len,
        }
    return {
        "ipVersion": 6, "src": str(ipaddress.ip_address(ip.src)), "dst": str(ipaddress.ip_address(ip.dst)),
        "ttl": ip.hlim, "dscp": ip.tc >> 2, "ecn": ip.tc & 3, "flowLabel": ip.fl, "length": ip.plen,
    }


def l4_fields(t):
    if isinstance(t, TCP):
        return {
            "type": "tcp", "srcPort": t.sport, "dstPort": t.dport, "seq": t.seq, "ack": t.ack,
            "flags": int(t.flags) & 0xFF, "ns": bool(int(t.flags) & 0x100), "window": t.window,
            "headerLength": t.dataofs * 4, "urgent": t.urgptr, "checksum": t.chksum,
        }
    if isinstance(t, UDP):
        return {"type": "udp", "srcPort": t.sport, "dstPort": t.dport, "length": t.len, "checksum": t.chksum}
    if isinstance(t, ICMP):
        return {"type": "icmpv4", "icmpType": t.type, "code": t.code, "checksum": t.chksum, "id": t.id, "seq": t.seq}
    if isinstance(t, ICMP6_ECHO):
        return {"type": "icmpv6", "icmpType": t.type, "code": t.code, "checksum": t.cksum, "id": t.id, "seq": t.seq}
    raise ValueError("unexpected transport layer %s" % t.name)


def fields_of(raw):
    """The schema both sides produce. Lengths, checksums and flags are read from the bytes."""
    pkt = Ether(raw)
    ls = layers(pkt)
    i = 1
    vlan = None
    if isinstance(ls[i], Dot1Q):
        vlan = {"id": ls[i].vlan, "pcp": ls[i].prio, "dei": ls[i].id}
        i += 1
    outer = dict(ip_fields(ls[i]), vlan=vlan, dstMac=pkt.dst, srcMac=pkt.src)
    i += 1
    g = ls[i]
    if not isinstance(g, GRE):
        raise ValueError("no GRE after the outer IP header")
    gre = {
        "c": g.chksum_present, "k": g.key_present, "s": g.seqnum_present, "version": g.version,
        "protocol": g.proto, "key": g.key,
    }
    i += 1
    ie = ls[i]
    inner = {"dstMac": ie.dst, "srcMac": ie.src, "etherType": ie.type}
    i += 1
    inner.update(ip_fields(ls[i]))
    inner["protocol"] = ls[i].proto if isinstance(ls[i], IP) else ls[i].nh
    i += 1
    inner["l4"] = l4_fields(ls[i])
    payload = ls[i].payload
    inner["payloadLength"] = len(bytes(payload)) if not isinstance(payload, NoPayload) else 0
    if isinstance(ls[i], ICMP6_ECHO):
        inner["payloadLength"] += len(ls[i].data)  # Scapy's ICMPv6 echo keeps its data in a field
    return {"outer": outer, "gre": gre, "inner": inner}


def checksum_mismatches(raw):
    """Clears every checksum field, lets Scapy recompute them, and lists those that differ."""
    original = layers(Ether(raw))
    cleared = Ether(raw)
    for layer in layers(cleared):
        if isinstance(layer, GRE):
            continue
        for name in ("chksum", "cksum"):
            if name in layer.fields:
                setattr(layer, name, None)
    rebuilt = layers(Ether(bytes(cleared)))
    out = []
    for a, b in zip(original, rebuilt):
        for name in ("chksum", "cksum"):
            if not isinstance(a, GRE) and name in a.fields and getattr(a, name) != getattr(b, name):
                out.append({"layer": a.name, "ours": getattr(a, name), "scapy": getattr(b, name)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--count", type=int, default=1000)
    sub.add_parser("dissect")
    args = ap.parse_args()
    out = sys.stdout
    if args.mode == "generate":
        rng = random.Random(args.seed)
        for _ in range(args.count):
            raw = random_frame(rng)
            out.write(json.dumps({"hex": raw.hex(), "fields": fields_of(raw)}, sort_keys=True) + "\n")
    else:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            raw = bytes.fromhex(line)
            try:
                result = {"fields": fields_of(raw), "checksumMismatches": checksum_mismatches(raw)}
            except Exception as e:  # reported per frame, so one odd frame does not hide the rest
                result = {"error": "%s: %s" % (type(e).__name__, e)}
            out.write(json.dumps(result, sort_keys=True) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
