/**
 * The Toeplitz hash of NDIS receive side scaling (docs/rss.md §2) and the hash input of one IP packet
 * as the NDIS hash types define it (docs/rss.md §3). Knows nothing about tunnels: which packet of an
 * NVGRE frame is hashed (inner or outer) is decided in src/offload/rss.ts (docs/rss.md §4), and the
 * FlowID policy of the encapsulator uses the same input for the inner frame (docs/rss.md §8).
 *
 * Nothing here throws on packet bytes: a header that cannot be interpreted yields "no hash" or a
 * shorter tuple, as a NIC would (docs/rss.md §5). Only arguments are checked.
 */
import { assertBytes, assertInt, u16 } from './bytes.js';
import { NvgreError, NvgreErrorCode } from './errors.js';
import { MAX_EXTENSION_HEADERS } from './ipv6.js';
import { Wire } from './wire.js';

/**
 * The 40-byte key of Microsoft's "Verifying the RSS Hash Calculation" page (docs/rss.md §2): the default
 * key of the library, so results can be checked against that page and against NICs using it.
 */
const MICROSOFT_KEY_HEX = '6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa';

/** A fresh copy of the default RSS key (the verification key of the NDIS documentation). */
export function defaultRssKey(): Uint8Array {
  const key = new Uint8Array(MICROSOFT_KEY_HEX.length / 2);
  for (let i = 0; i < key.length; i++) key[i] = parseInt(MICROSOFT_KEY_HEX.slice(2 * i, 2 * i + 2), 16);
  return key;
}

/** NDIS hash-type flags (ntddndis.h `NDIS_HASH_*`), as bits of a mask. */
export const enum RssType {
  IPV4 = 0x100,
  TCP_IPV4 = 0x200,
  IPV6 = 0x400,
  IPV6_EX = 0x800,
  TCP_IPV6 = 0x1000,
  TCP_IPV6_EX = 0x2000,
  UDP_IPV4 = 0x4000,
  UDP_IPV6 = 0x8000,
  UDP_IPV6_EX = 0x10000,
}

/** Input bytes of each tuple (docs/rss.md §2): addresses, then ports. */
export const enum RssInput {
  IPV4_2 = 8,
  IPV4_4 = 12,
  IPV6_2 = 32,
  IPV6_4 = 36,
  /** Key bytes beyond the input: the last input bit still needs a 32-bit window. */
  KEY_EXTRA = 4,
}

function argument(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

/**
 * The NDIS Toeplitz hash of `input[offset, offset + length)` with `key` (docs/rss.md §2): for every input
 * bit from the most significant bit of the first byte on, a set bit XORs the 32 key bits starting at that
 * bit's position into the result. `key` must hold at least `length + 4` bytes. Returns a uint32.
 */
export function toeplitzHash(key: Uint8Array, input: Uint8Array, offset = 0, length?: number): number {
  assertBytes(key, 'key');
  assertBytes(input, 'input');
  assertInt(offset, 'offset', 0, input.length);
  const n = length === undefined ? input.length - offset : length;
  assertInt(n, 'length', 0, input.length - offset);
  if (key.length < n + RssInput.KEY_EXTRA) {
    throw argument(`key: ${key.length} bytes cannot hash ${n} input bytes; the Toeplitz hash needs at least ${n + RssInput.KEY_EXTRA} (input + 4)`);
  }
  let result = 0;
  // `window` = the 32 key bits starting at the current input bit; each step shifts in the next key bit.
  let window = (key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!;
  for (let i = 0; i < n; i++) {
    const b = input[offset + i]!;
    const next = key[i + 4]!;
    for (let bit = 7; bit >= 0; bit--) {
      if (((b >>> bit) & 1) !== 0) result ^= window;
      window = (window << 1) | ((next >>> bit) & 1);
    }
  }
  return result >>> 0;
}

/**
 * Per-byte-position tables of a key: `table[(position << 8) | byte]` is the hash contribution of `byte` at
 * input position `position`, so hashing n bytes is n lookups and XORs. Built once per key.
 */
export class ToeplitzTable {
  /** Int32 entries: the XORs work on 32-bit integers, and V8 keeps an Int32Array load an integer. */
  readonly table: Int32Array;
  /** Longest input the table covers. */
  readonly maxLength: number;

  /** `key` must hold at least `maxLength + 4` bytes (checked by the caller). */
  constructor(key: Uint8Array, maxLength: number) {
    this.maxLength = maxLength;
    const table = new Int32Array(maxLength << 8);
    const bitWindows = new Uint32Array(8);
    for (let pos = 0; pos < maxLength; pos++) {
      const w0 = ((key[pos]! << 24) | (key[pos + 1]! << 16) | (key[pos + 2]! << 8) | key[pos + 3]!) >>> 0;
      const next = key[pos + 4]!;
      // bitWindows[j]: the window of the input bit with value 1 << j (bit 7 = the byte's first bit).
      for (let shift = 0; shift < 8; shift++) {
        bitWindows[7 - shift] = shift === 0 ? w0 : ((w0 << shift) | (next >>> (8 - shift))) >>> 0;
      }
      const base = pos << 8;
      for (let v = 1; v < 256; v++) {
        const low = v & -v;
        table[base + v] = table[base + (v ^ low)]! ^ bitWindows[31 - Math.clz32(low)]!;
      }
    }
    this.table = table;
  }
}

/**
 * `mix` of `n` bytes, n a multiple of 4, four lookups per step: the hot path's form (a loop of a few
 * steps measured faster than 36 lookups written out, whose size kept V8 from inlining them).
 */
export function mix4s(t: Int32Array, h: number, position: number, b: Uint8Array, o: number, n: number): number {
  for (let k = 0; k < n; k += 4) {
    const q = (position + k) << 8;
    h ^= t[q + b[o + k]!]! ^ t[q + 256 + b[o + k + 1]!]! ^ t[q + 512 + b[o + k + 2]!]! ^ t[q + 768 + b[o + k + 3]!]!;
  }
  return h;
}

/** XOR of the contributions of `bytes[offset, offset + n)` placed at input positions `position…`. */
function mix(t: Int32Array, h: number, position: number, bytes: Uint8Array, offset: number, n: number): number {
  let p = position << 8;
  for (let i = 0; i < n; i++, p += 256) h ^= t[p | bytes[offset + i]!]!;
  return h;
}

/**
 * What {@link parseRssIp} learned about one IP header, refilled per packet (no allocation). Offsets are
 * absolute in the frame.
 */
export class RssIp {
  version: 0 | 4 | 6 = 0;
  /** Source and destination addresses of the plain types. */
  src = 0;
  dst = 0;
  /** The `-ex` addresses: the Home Address option and the type 2 Routing header's address when present. */
  exSrc = 0;
  exDst = 0;
  /** Upper-layer protocol after any IPv6 extension headers; -1 when the chain cannot be walked. */
  protocol = -1;
  /** Offset of the upper-layer header; -1 when unknown. */
  upper = -1;
  /** The upper-layer header immediately follows the IP header (IPv4 options are part of the header). */
  immediate = false;
  fragment = false;
  /** End of the datagram within the captured bytes. */
  end = 0;
}

/** Hash-type bits to try per IP version and transport (see hashRssIp). */
const V4_L4 = RssType.TCP_IPV4 | RssType.UDP_IPV4;

/**
 * Reads the IP header of EtherType `etherType` at `bytes[l3, end)` into `ip`. Returns false (no hash) when
 * it is not an IP header a NIC can interpret: not IPv4/IPv6, cut short before the addresses, a wrong
 * version nibble, an IPv4 IHL below 5 or a Total Length shorter than the header (docs/rss.md §5).
 */
export function parseRssIp(bytes: Uint8Array, etherType: number, l3: number, end: number, ip: RssIp): boolean {
  if (etherType === Wire.ETHERTYPE_IPV4) {
    if (end - l3 < Wire.IPV4_MIN_HEADER) return false;
    const vihl = bytes[l3]!;
    const ihl = (vihl & 0x0f) << 2;
    const total = u16(bytes, l3 + Wire.IPV4_TOTAL_LENGTH);
    if (vihl >>> 4 !== 4 || ihl < Wire.IPV4_MIN_HEADER || total < ihl) return false;
    ip.version = 4;
    ip.src = ip.exSrc = l3 + Wire.IPV4_SRC;
    ip.dst = ip.exDst = l3 + Wire.IPV4_SRC + 4;
    ip.end = Math.min(end, l3 + total);
    ip.protocol = bytes[l3 + Wire.IPV4_PROTOCOL]!;
    ip.fragment = (u16(bytes, l3 + Wire.IPV4_FLAGS_FRAGMENT) & Wire.IPV4_MF_OFFSET) !== 0;
    // Options cut short by the capture: the transport cannot be located (no 4-tuple).
    ip.upper = l3 + ihl <= ip.end ? l3 + ihl : -1;
    ip.immediate = true;
    return true;
  }
  if (etherType !== Wire.ETHERTYPE_IPV6 || end - l3 < Wire.IPV6_HEADER || bytes[l3]! >>> 4 !== 6) return false;
  ip.version = 6;
  ip.src = ip.exSrc = l3 + 8;
  ip.dst = ip.exDst = l3 + 24;
  const dgEnd = Math.min(end, l3 + Wire.IPV6_HEADER + u16(bytes, l3 + Wire.IPV6_PAYLOAD_LENGTH));
  ip.end = dgEnd;
  ip.fragment = false;
  ip.immediate = true;
  let nh = bytes[l3 + Wire.IPV6_NEXT_HEADER]!;
  let o = l3 + Wire.IPV6_HEADER;
  // Extension headers (RFC 8200 §4): skipped, as NDIS asks of the TCP/UDP types; the Home Address option
  // (RFC 6275 §6.3) and the type 2 Routing header (§6.4) give the -ex addresses (docs/rss.md §3).
  for (let n = 0; n <= MAX_EXTENSION_HEADERS; n++) {
    if (nh !== 0 && nh !== 43 && nh !== 44 && nh !== 60 && nh !== 51) break;
    ip.immediate = false;
    if (n === MAX_EXTENSION_HEADERS || dgEnd - o < 8) {
      ip.protocol = ip.upper = -1;
      return true;
    }
    let len: number;
    if (nh === 44) {
      ip.fragment = true;
      len = 8;
    } else if (nh === 51) {
      len = (bytes[o + 1]! + 2) << 2; // AH (RFC 4302 §2.2): 32-bit words minus 2
    } else {
      len = (bytes[o + 1]! + 1) << 3;
    }
    if (dgEnd - o < len) {
      ip.protocol = ip.upper = -1;
      return true;
    }
    if (nh === 43) {
      if (bytes[o + 2] === 2 && len >= 24) ip.exDst = o + 8;
    } else if (nh === 60) {
      // Destination Options: TLVs after the two header bytes; Pad1 (type 0) has no length byte.
      let t = o + 2;
      const optEnd = o + len;
      while (t < optEnd) {
        const type = bytes[t]!;
        if (type === 0) {
          t++;
          continue;
        }
        if (optEnd - t < 2) break;
        const optLen = bytes[t + 1]!;
        if (type === 0xc9 && optLen === 16 && optEnd - t >= 18) ip.exSrc = t + 2;
        t += 2 + optLen;
      }
    }
    nh = bytes[o]!;
    o += len;
  }
  ip.protocol = nh;
  ip.upper = o;
  return true;
}

/**
 * The NDIS hash of the packet `ip` describes, with the types in `types` (docs/rss.md §3): a 4-tuple type
 * for an unfragmented TCP or UDP packet whose ports lie inside the datagram, else the 2-tuple type of the
 * IP version, else no hash. `tunnelInner`: the inner packet of an NVGRE frame (docs/rss.md §4) — only the
 * 4-tuple, and only when TCP/UDP immediately follows the IP header; 0 tells the caller to hash the outer
 * packet instead. Returns the hash-type bit used (0 = no hash) and leaves the hash in `out[0]`.
 */
export function hashRssIp(t: Int32Array, bytes: Uint8Array, ip: RssIp, types: number, tunnelInner: boolean, out: Uint32Array): number {
  const proto = ip.protocol;
  const ports = !ip.fragment && ip.upper >= 0 && ip.end - ip.upper >= 4 && (ip.immediate || !tunnelInner) ? ip.upper : -1;
  if (ip.version === 4) {
    if (ports >= 0 && (types & V4_L4) !== 0) {
      const type = proto === Wire.PROTOCOL_TCP ? types & RssType.TCP_IPV4 : proto === Wire.PROTOCOL_UDP ? types & RssType.UDP_IPV4 : 0;
      if (type !== 0) {
        out[0] = mix(t, mix(t, 0, 0, bytes, ip.src, RssInput.IPV4_2), RssInput.IPV4_2, bytes, ports, 4);
        return type;
      }
    }
    if (tunnelInner || (types & RssType.IPV4) === 0) return 0;
    out[0] = mix(t, 0, 0, bytes, ip.src, RssInput.IPV4_2);
    return RssType.IPV4;
  }
  if (ports >= 0) {
    let ex = 0;
    let plain = 0;
    if (proto === Wire.PROTOCOL_TCP) {
      ex = types & RssType.TCP_IPV6_EX;
      plain = types & RssType.TCP_IPV6;
    } else if (proto === Wire.PROTOCOL_UDP) {
      ex = types & RssType.UDP_IPV6_EX;
      plain = types & RssType.UDP_IPV6;
    }
    if (ex !== 0 || plain !== 0) {
      const src = ex !== 0 ? ip.exSrc : ip.src;
      const dst = ex !== 0 ? ip.exDst : ip.dst;
      out[0] = mix(t, mix(t, mix(t, 0, 0, bytes, src, 16), 16, bytes, dst, 16), RssInput.IPV6_2, bytes, ports, 4);
      return ex !== 0 ? ex : plain;
    }
  }
  if (tunnelInner) return 0;
  const ex = types & RssType.IPV6_EX;
  if (ex === 0 && (types & RssType.IPV6) === 0) return 0;
  out[0] = mix(t, mix(t, 0, 0, bytes, ex !== 0 ? ip.exSrc : ip.src, 16), 16, bytes, ex !== 0 ? ip.exDst : ip.dst, 16);
  return ex !== 0 ? RssType.IPV6_EX : RssType.IPV6;
}

const flowIp = new RssIp();
const flowOut = new Uint32Array(1);
const FLOW_4 = RssType.TCP_IPV4 | RssType.UDP_IPV4 | RssType.TCP_IPV6 | RssType.UDP_IPV6;
const FLOW_2 = RssType.IPV4 | RssType.IPV6;

/**
 * The Toeplitz hash of the Ethernet frame `bytes[start, end)` as the inner packet of an NVGRE frame
 * (docs/rss.md §8): the TCP/UDP 4-tuple when it immediately follows an unfragmented IP header (what an
 * NVGRE-aware NIC hashes, §4), else the IP 2-tuple. -1 when the frame is not IP. Never throws.
 */
export function frameToeplitzHash(t: Int32Array, bytes: Uint8Array, start: number, end: number): number {
  if (end - start < Wire.ETH_HEADER) return -1;
  let et = u16(bytes, start + Wire.ETH_TYPE);
  let o = start + Wire.ETH_HEADER;
  for (let tags = 0; tags < 2 && (et === Wire.TPID_VLAN || et === Wire.TPID_QINQ) && end - o >= Wire.VLAN_TAG; tags++) {
    et = u16(bytes, o + 2);
    o += Wire.VLAN_TAG;
  }
  if (!parseRssIp(bytes, et, o, end, flowIp)) return -1;
  if (hashRssIp(t, bytes, flowIp, FLOW_4, true, flowOut) === 0 && hashRssIp(t, bytes, flowIp, FLOW_2, false, flowOut) === 0) return -1;
  return flowOut[0]!;
}

/** Key bytes the enabled `types` need: the longest input they hash, plus 4 (docs/rss.md §2). */
export function rssKeyBytesNeeded(types: number): number {
  const v6 = RssType.IPV6 | RssType.IPV6_EX | RssType.TCP_IPV6 | RssType.TCP_IPV6_EX | RssType.UDP_IPV6 | RssType.UDP_IPV6_EX;
  const longest = (types & v6 & ~(RssType.IPV6 | RssType.IPV6_EX)) !== 0 ? RssInput.IPV6_4 : (types & v6) !== 0 ? RssInput.IPV6_2 : (types & V4_L4) !== 0 ? RssInput.IPV4_4 : RssInput.IPV4_2;
  return longest + RssInput.KEY_EXTRA;
}

/**
 * The one table of a key, shared by every caller that passes equal key bytes (the most recent key and
 * the default key are kept): `rssHash` and the FlowID policy do not rebuild it per call.
 */
let defaultTable: ToeplitzTable | null = null;
let lastKey: Uint8Array | null = null;
let lastTable: ToeplitzTable | null = null;

/** The table of `key` (undefined = the default key), covering 36-byte inputs when the key is long enough. */
export function toeplitzTableOf(key: Uint8Array | undefined): ToeplitzTable {
  if (key === undefined) return (defaultTable ??= new ToeplitzTable(defaultRssKey(), RssInput.IPV6_4));
  if (lastKey !== null && lastTable !== null && lastKey.length === key.length) {
    let same = true;
    for (let i = 0; i < key.length; i++) {
      if (lastKey[i] !== key[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastTable;
  }
  const copy = key.slice();
  const table = new ToeplitzTable(copy, Math.min(RssInput.IPV6_4, copy.length - RssInput.KEY_EXTRA));
  lastKey = copy;
  lastTable = table;
  return table;
}
