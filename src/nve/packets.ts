/**
 * The frames an endpoint reads and makes itself (docs/nve.md §5–§6): where a VM frame's addresses are,
 * the ARP reply and Neighbor Advertisement HNV answers with a record's MAC, and the ICMP
 * "administratively prohibited" (ICMPv6 "communication administratively prohibited") a host sends
 * back on a policy mismatch.
 */
import { put16, put32, u16 } from '../wire/bytes.js';
import { onesComplementSum, ipv6PseudoHeaderSum } from '../wire/checksum.js';
import { isVlanTpid } from '../wire/ethernet.js';
import { writeIpv4 } from '../wire/ipv4.js';
import { writeIpv6 } from '../wire/ipv6.js';

export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ARP_LENGTH = 28;
const PROTOCOL_ICMP = 1;
const PROTOCOL_ICMPV6 = 58;
const ICMPV6_NS = 135;
const ICMPV6_NA = 136;

/** What the endpoint reads of an Ethernet frame: its L3 offset and EtherType (after up to two tags). */
export interface L2 {
  readonly l3: number;
  readonly etherType: number;
}

/** null when the frame is shorter than its Ethernet header (with tags). */
export function readL2(f: Uint8Array): L2 | null {
  let l3 = 14;
  if (f.length < l3) return null;
  let et = u16(f, 12);
  for (let tags = 0; tags < 2 && isVlanTpid(et); tags++) {
    if (f.length < l3 + 4) return null;
    et = u16(f, l3 + 2);
    l3 += 4;
  }
  return { l3, etherType: et };
}

/** The IPv4 header at `l3` is long enough to read its addresses (and is version 4). */
export function hasIpv4(f: Uint8Array, l3: number): boolean {
  return f.length >= l3 + 20 && f[l3]! >>> 4 === 4;
}

export function hasIpv6(f: Uint8Array, l3: number): boolean {
  return f.length >= l3 + 40 && f[l3]! >>> 4 === 6;
}

/** An ARP request/reply for IPv4 over Ethernet at `l3`: 1 request, 2 reply, 0 not such an ARP. */
export function arpOperation(f: Uint8Array, l3: number): number {
  if (f.length < l3 + ARP_LENGTH) return 0;
  if (u16(f, l3) !== 1 || u16(f, l3 + 2) !== ETHERTYPE_IPV4 || f[l3 + 4] !== 6 || f[l3 + 5] !== 4) return 0;
  const op = u16(f, l3 + 6);
  return op === 1 || op === 2 ? op : 0;
}

/** Offsets inside an ARP packet. */
export const ARP = { SHA: 8, SPA: 14, THA: 18, TPA: 24 } as const;

/**
 * The offset of the target address of an ICMPv6 Neighbor Solicitation right after the IPv6 header
 * (no extension headers), or -1.
 */
export function neighborSolicitationTarget(f: Uint8Array, l3: number): number {
  if (!hasIpv6(f, l3) || f[l3 + 6] !== PROTOCOL_ICMPV6 || f.length < l3 + 40 + 24) return -1;
  return f[l3 + 40] === ICMPV6_NS && f[l3 + 41] === 0 ? l3 + 40 + 8 : -1;
}

/** An ARP reply to the request `f` (at `l3`), saying that the target address is at `mac`. */
export function arpReply(f: Uint8Array, l3: number, mac: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + ARP_LENGTH);
  out.set(f.subarray(l3 + ARP.SHA, l3 + ARP.SHA + 6), 0); // to the requester
  out.set(mac, 6);
  put16(out, 12, ETHERTYPE_ARP);
  const a = 14;
  put16(out, a, 1);
  put16(out, a + 2, ETHERTYPE_IPV4);
  out[a + 4] = 6;
  out[a + 5] = 4;
  put16(out, a + 6, 2);
  out.set(mac, a + ARP.SHA);
  out.set(f.subarray(l3 + ARP.TPA, l3 + ARP.TPA + 4), a + ARP.SPA);
  out.set(f.subarray(l3 + ARP.SHA, l3 + ARP.SHA + 10), a + ARP.THA); // requester's MAC and IP
  return out;
}

/**
 * A solicited Neighbor Advertisement (RFC 4861 §7.2.4) answering the Neighbor Solicitation `f` (IPv6
 * at `l3`, target at `target`) with `mac` as the target's link-layer address.
 */
export function neighborAdvertisement(f: Uint8Array, l3: number, target: number, mac: Uint8Array): Uint8Array {
  const icmpLength = 24 + 8; // header + target, then the Target Link-Layer Address option
  const out = new Uint8Array(14 + 40 + icmpLength);
  const srcUnspecified = f.subarray(l3 + 8, l3 + 24).every((b) => b === 0);
  out.set(f.subarray(6, 12), 0);
  out.set(mac, 6);
  put16(out, 12, ETHERTYPE_IPV6);
  const dst = srcUnspecified ? Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1) : f.slice(l3 + 8, l3 + 24);
  writeIpv6(out, 14, { src: f.subarray(target, target + 16), dst, nextHeader: PROTOCOL_ICMPV6, payloadLength: icmpLength, hopLimit: 255 });
  const i = 54;
  out[i] = ICMPV6_NA;
  put32(out, i + 4, srcUnspecified ? 0x20000000 : 0x60000000); // S (unless to all-nodes) and O
  out.set(f.subarray(target, target + 16), i + 8);
  out[i + 24] = 2; // Target Link-Layer Address
  out[i + 25] = 1;
  out.set(mac, i + 26);
  const sum = onesComplementSum(out, i, icmpLength, ipv6PseudoHeaderSum(out, 22, out, 38, PROTOCOL_ICMPV6, icmpLength));
  put16(out, i + 2, sum ^ 0xffff);
  return out;
}

/**
 * Whether an ICMP error may answer the inner IP packet at `l3` (RFC 1122 §3.2.2, RFC 4443 §2.4(e)):
 * not an ICMP error itself, not to a multicast or broadcast destination, not a later fragment.
 */
export function mayAnswerWithIcmp(f: Uint8Array, l3: number, etherType: number): boolean {
  if ((f[0]! & 1) !== 0) return false; // to a group MAC
  if (etherType === ETHERTYPE_IPV4) {
    if (!hasIpv4(f, l3)) return false;
    const hl = (f[l3]! & 0x0f) * 4;
    if ((u16(f, l3 + 6) & 0x1fff) !== 0 || f[l3 + 16]! >= 224) return false;
    if (f[l3 + 9] === PROTOCOL_ICMP) {
      const type = f[l3 + hl];
      if (type !== 0 && type !== 8 && type !== 13 && type !== 14) return false; // only queries are answered
    }
    return true;
  }
  if (etherType === ETHERTYPE_IPV6) {
    if (!hasIpv6(f, l3) || f[l3 + 24] === 0xff) return false;
    if (f[l3 + 6] === PROTOCOL_ICMPV6 && f.length > l3 + 40 && f[l3 + 40]! < 128) return false;
    return true;
  }
  return false;
}

/**
 * The inner frame of the unreachable a host sends back on a policy mismatch (docs/nve.md §6): from the
 * packet's destination to its source, ICMP type 3 code 10 with the original IP header and 8 bytes
 * (RFC 792), or ICMPv6 type 1 code 1 with as much of the original as fits 1280 bytes (RFC 4443 §3.1).
 */
export function unreachableFor(f: Uint8Array, l3: number, etherType: number): Uint8Array {
  if (etherType === ETHERTYPE_IPV4) {
    const hl = (f[l3]! & 0x0f) * 4;
    const ipEnd = Math.min(f.length, l3 + Math.max(u16(f, l3 + 2), hl));
    const quoted = f.subarray(l3, Math.min(ipEnd, l3 + hl + 8));
    const icmpLength = 8 + quoted.length;
    const out = new Uint8Array(14 + 20 + icmpLength);
    out.set(f.subarray(6, 12), 0);
    out.set(f.subarray(0, 6), 6);
    put16(out, 12, ETHERTYPE_IPV4);
    writeIpv4(out, 14, { src: f.subarray(l3 + 16, l3 + 20), dst: f.subarray(l3 + 12, l3 + 16), protocol: PROTOCOL_ICMP, payloadLength: icmpLength, ttl: 64 });
    out[34] = 3;
    out[35] = 10;
    out.set(quoted, 42);
    put16(out, 36, onesComplementSum(out, 34, icmpLength) ^ 0xffff);
    return out;
  }
  const ipEnd = Math.min(f.length, l3 + 40 + u16(f, l3 + 4));
  const quoted = f.subarray(l3, Math.min(ipEnd, l3 + 1280 - 48));
  const icmpLength = 8 + quoted.length;
  const out = new Uint8Array(14 + 40 + icmpLength);
  out.set(f.subarray(6, 12), 0);
  out.set(f.subarray(0, 6), 6);
  put16(out, 12, ETHERTYPE_IPV6);
  writeIpv6(out, 14, { src: f.subarray(l3 + 24, l3 + 40), dst: f.subarray(l3 + 8, l3 + 24), nextHeader: PROTOCOL_ICMPV6, payloadLength: icmpLength, hopLimit: 64 });
  out[54] = 1;
  out[55] = 1;
  out.set(quoted, 62);
  put16(out, 56, onesComplementSum(out, 54, icmpLength, ipv6PseudoHeaderSum(out, 22, out, 38, PROTOCOL_ICMPV6, icmpLength)) ^ 0xffff);
  return out;
}

/** The Ethernet multicast MAC of an IPv4 (RFC 1112 §6.4) or IPv6 (RFC 2464 §7) group address. */
export function multicastMac(group: Uint8Array): Uint8Array {
  if (group.length === 4) return Uint8Array.of(0x01, 0x00, 0x5e, group[1]! & 0x7f, group[2]!, group[3]!);
  return Uint8Array.of(0x33, 0x33, group[12]!, group[13]!, group[14]!, group[15]!);
}
