/**
 * Receive side scaling for NVGRE frames, as a NIC that advertises the NDIS NVGRE `RssSupported`
 * capability computes it (docs/rss.md §3–§6): which packet is hashed (the inner TCP/UDP 4-tuple, or the
 * outer 2-tuple), with which NDIS hash type, and which queue the indirection table picks.
 *
 * Untrusted bytes never throw: a frame that cannot be parsed deep enough falls back as a NIC would
 * (docs/rss.md §5). Bad arguments throw (a non-Uint8Array frame is a TypeError, a bad option
 * `INVALID_ARGUMENT` naming it).
 */
import { assertBytes, u16, u32 } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { greHeaderLength } from '../wire/gre.js';
import { isNvgreGre } from '../wire/layout.js';
import { RssIp, RssType, hashRssIp, mix4s, parseRssIp, rssKeyBytesNeeded, toeplitzTableOf, type ToeplitzTable } from '../wire/toeplitz.js';
import { Wire } from '../wire/wire.js';

/** The NDIS hash types (docs/rss.md §3), by the names of their `NDIS_HASH_*` flags. */
export type RssHashType = 'ipv4' | 'tcp-ipv4' | 'udp-ipv4' | 'ipv6' | 'tcp-ipv6' | 'udp-ipv6' | 'ipv6-ex' | 'tcp-ipv6-ex' | 'udp-ipv6-ex';

export interface RssOptions {
  /**
   * The secret key (docs/rss.md §2): at least 4 bytes more than the longest input the hash types use
   * (40 for the IPv6 4-tuple, 16 for IPv4 only). Default: the key of Microsoft's "Verifying the RSS Hash
   * Calculation" page.
   */
  readonly key?: Uint8Array;
  /** Enabled hash types. Default: `ipv4`, `tcp-ipv4`, `ipv6`, `tcp-ipv6` (docs/rss.md §3). */
  readonly hashTypes?: readonly RssHashType[];
  /**
   * `'nvgre'` (default): a NIC with NVGRE RSS enabled (inner 4-tuple when it can, docs/rss.md §4);
   * `'none'`: a NIC that does not look inside the tunnel (GRE is not TCP/UDP: the outer 2-tuple).
   */
  readonly encapsulation?: 'nvgre' | 'none';
}

export interface RssResult {
  /** The 32-bit Toeplitz hash (0 when `hashType` is null). */
  readonly hash: number;
  /** The hash type used; null when the NIC computes no hash (the frame goes to the default queue). */
  readonly hashType: RssHashType | null;
  /** Which packet was hashed: the inner packet of an NVGRE frame, the outer (or only) packet, or none. */
  readonly over: 'inner' | 'outer' | 'none';
}

export interface CreateRssOptions extends RssOptions {
  /**
   * The indirection table: queue (or CPU) numbers 0–65535, a power of two from 1 to 128 entries
   * (docs/rss.md §6). The queue of a hashed frame is `indirectionTable[hash & (length − 1)]`.
   */
  readonly indirectionTable?: ArrayLike<number>;
  /** Queues 1–128. Without a table: a 128-entry table that cycles 0, 1, …, queues − 1. Default 4. */
  readonly queues?: number;
  /** Where a frame without a hash goes (non-RSS receive processing). Default 0. */
  readonly defaultQueue?: number;
}

export interface Rss {
  /** The indirection table in use (a copy). */
  readonly indirectionTable: readonly number[];
  /** Number of queues: the `queues` option, else the largest table entry + 1. */
  readonly queues: number;
  /**
   * The hash of `frame`. Fills the same result object on every call (no allocation per frame): read what
   * you need, or copy it, before the next call.
   */
  hash(frame: Uint8Array): RssResult;
  /** The queue `frame` lands on (no allocation). */
  queue(frame: Uint8Array): number;
}

const TYPE_BITS: Readonly<Record<RssHashType, number>> = {
  ipv4: RssType.IPV4,
  'tcp-ipv4': RssType.TCP_IPV4,
  'udp-ipv4': RssType.UDP_IPV4,
  ipv6: RssType.IPV6,
  'tcp-ipv6': RssType.TCP_IPV6,
  'udp-ipv6': RssType.UDP_IPV6,
  'ipv6-ex': RssType.IPV6_EX,
  'tcp-ipv6-ex': RssType.TCP_IPV6_EX,
  'udp-ipv6-ex': RssType.UDP_IPV6_EX,
};

/** The NDIS 6.30 defaults a Windows host typically enables (docs/rss.md §3). */
const DEFAULT_TYPES = RssType.IPV4 | RssType.TCP_IPV4 | RssType.IPV6 | RssType.TCP_IPV6;

function typeName(bit: number): RssHashType | null {
  switch (bit) {
    case RssType.IPV4:
      return 'ipv4';
    case RssType.TCP_IPV4:
      return 'tcp-ipv4';
    case RssType.UDP_IPV4:
      return 'udp-ipv4';
    case RssType.IPV6:
      return 'ipv6';
    case RssType.TCP_IPV6:
      return 'tcp-ipv6';
    case RssType.UDP_IPV6:
      return 'udp-ipv6';
    case RssType.IPV6_EX:
      return 'ipv6-ex';
    case RssType.TCP_IPV6_EX:
      return 'tcp-ipv6-ex';
    case RssType.UDP_IPV6_EX:
      return 'udp-ipv6-ex';
    default:
      return null;
  }
}

function invalid(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

// ---------------------------------------------------------------------------------------------
// The receive walk shared by RSS and VMQ

/**
 * What a receiving NIC finds in a frame: the outer Ethernet and IP headers, whether it is NVGRE as a NIC
 * parses GRE (RFC 2784 with the RFC 2890 Checksum and Sequence words skipped, Key present, protocol
 * 0x6558; docs/rss.md §4), and the inner Ethernet and IP headers. Refilled per frame; never throws.
 */
export class ReceiveView {
  /** Offset of the outer IP header; 0 when the frame has no Ethernet header. */
  outerL3 = 0;
  /** VLAN ID of the outermost tag, -1 when untagged. */
  outerVid = -1;
  readonly outer = new RssIp();
  outerIp = false;
  nvgre = false;
  key = 0;
  /** Offset of the inner Ethernet header; -1 when there is none (not NVGRE, or cut short). */
  innerEthernet = -1;
  innerVid = -1;
  readonly inner = new RssIp();
  innerIp = false;

  walk(b: Uint8Array, wantInnerIp: boolean): void {
    this.outerIp = this.nvgre = this.innerIp = false;
    this.innerEthernet = this.outerVid = this.innerVid = -1;
    this.outerL3 = 0;
    const end = b.length;
    if (end < Wire.ETH_HEADER) return;
    let et = u16(b, Wire.ETH_TYPE);
    let o: number = Wire.ETH_HEADER;
    for (let tags = 0; tags < 2 && (et === Wire.TPID_VLAN || et === Wire.TPID_QINQ) && end - o >= Wire.VLAN_TAG; tags++) {
      if (tags === 0) this.outerVid = u16(b, o) & 0x0fff;
      et = u16(b, o + 2);
      o += Wire.VLAN_TAG;
    }
    this.outerL3 = o;
    const outer = this.outer;
    if (!(this.outerIp = parseRssIp(b, et, o, end, outer))) return;
    // Outer fragments are never looked into (RFC 7637 §4.4: NVGRE is not fragmented; docs/rss.md §4).
    if (outer.protocol !== Wire.PROTOCOL_GRE || outer.fragment || outer.upper < 0) return;
    const g = outer.upper;
    const dgEnd = outer.end;
    if (dgEnd - g < Wire.GRE_BASE) return;
    const flags = u16(b, g);
    if (!isNvgreGre(flags, u16(b, g + 2), true)) return;
    const gl = greHeaderLength(flags);
    if (dgEnd - g < gl) return;
    this.nvgre = true;
    this.key = u32(b, g + Wire.GRE_BASE + ((flags & 0x8000) !== 0 ? 4 : 0));
    const ie = g + gl;
    if (dgEnd - ie < Wire.ETH_HEADER) return;
    this.innerEthernet = ie;
    let iet = u16(b, ie + Wire.ETH_TYPE);
    let io = ie + Wire.ETH_HEADER;
    for (let tags = 0; tags < 2 && (iet === Wire.TPID_VLAN || iet === Wire.TPID_QINQ) && dgEnd - io >= Wire.VLAN_TAG; tags++) {
      if (tags === 0) this.innerVid = u16(b, io) & 0x0fff;
      iet = u16(b, io + 2);
      io += Wire.VLAN_TAG;
    }
    if (wantInnerIp) this.innerIp = parseRssIp(b, iet, io, dgEnd, this.inner);
  }
}

// ---------------------------------------------------------------------------------------------
// RSS

const enum Over {
  NONE = 0,
  OUTER = 1,
  INNER = 2,
}

const OVER_NAMES = ['none', 'outer', 'inner'] as const;

interface Config {
  readonly t: ToeplitzTable;
  readonly types: number;
  readonly nvgre: boolean;
}

function checkOptions(options: unknown, extra: readonly string[]): Config {
  if (options === undefined) return { t: toeplitzTableOf(undefined), types: DEFAULT_TYPES, nvgre: true };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalid(`options must be an object, got ${shown(options)}`);
  const o = options as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if (name !== 'key' && name !== 'hashTypes' && name !== 'encapsulation' && !extra.includes(name)) throw invalid(`options.${name} is not an RSS option`);
  }
  let types = DEFAULT_TYPES;
  if (o.hashTypes !== undefined) {
    if (!Array.isArray(o.hashTypes) || o.hashTypes.length === 0) throw invalid(`options.hashTypes must be a non-empty array of hash types, got ${shown(o.hashTypes)}`);
    types = 0;
    for (const name of o.hashTypes as unknown[]) {
      const bit = typeof name === 'string' && Object.prototype.hasOwnProperty.call(TYPE_BITS, name) ? TYPE_BITS[name as RssHashType] : 0;
      if (bit === 0) throw invalid(`options.hashTypes: unknown hash type ${shown(name)}; known: ${Object.keys(TYPE_BITS).join(', ')}`);
      types |= bit;
    }
  }
  const enc = o.encapsulation;
  if (enc !== undefined && enc !== 'nvgre' && enc !== 'none') throw invalid(`options.encapsulation must be 'nvgre' or 'none', got ${shown(enc)}`);
  const key = o.key;
  if (key !== undefined) {
    if (!(key instanceof Uint8Array)) throw invalid(`options.key must be a Uint8Array, got ${shown(key)}`);
    const need = rssKeyBytesNeeded(types);
    if (key.length < need) throw invalid(`options.key: ${key.length} bytes; the enabled hash types need at least ${need} (the longest input + 4; NDIS keys are 40)`);
  }
  return { t: toeplitzTableOf(key as Uint8Array | undefined), types, nvgre: enc !== 'none' };
}

/**
 * The common NVGRE frame in a few comparisons, as decapsulation's fast verdict does: outer Ethernet with
 * at most one tag, outer IPv4 without options (unfragmented) or IPv6 without extension headers, the
 * conformant NVGRE first word, an untagged inner Ethernet header, and inner IPv4 (any IHL) or IPv6 with
 * TCP/UDP immediately after it, unfragmented, ports inside the datagram, its 4-tuple type enabled. Then
 * the inner 4-tuple is hashed (docs/rss.md §4) into `out[0]` and its type returned; anything else returns 0
 * and takes the general walk, which reaches the same answer for these frames (exported for the test that
 * checks this on random frames).
 */
export function fastInner(t: Int32Array, b: Uint8Array, types: number, out: Uint32Array): number {
  const end = b.length;
  if (end < 82) return 0; // Ethernet 14 + IPv4 20 + GRE 8 + Ethernet 14 + IPv4 20 + ports 4 + 2
  let o: number = Wire.ETH_HEADER;
  let et = (b[12]! << 8) | b[13]!;
  if (et === Wire.TPID_VLAN) {
    et = (b[16]! << 8) | b[17]!;
    o = 18;
  }
  let g: number;
  let dgEnd: number;
  if (et === Wire.ETHERTYPE_IPV4) {
    const total = (b[o + 2]! << 8) | b[o + 3]!;
    if (b[o] !== 0x45 || b[o + 9] !== Wire.PROTOCOL_GRE || (((b[o + 6]! << 8) | b[o + 7]!) & Wire.IPV4_MF_OFFSET) !== 0 || total < 20) return 0;
    g = o + 20;
    dgEnd = o + total;
  } else if (et === Wire.ETHERTYPE_IPV6) {
    if (b[o]! >>> 4 !== 6 || b[o + 6] !== Wire.PROTOCOL_GRE) return 0;
    g = o + 40;
    dgEnd = g + ((b[o + 4]! << 8) | b[o + 5]!);
  } else {
    return 0;
  }
  if (dgEnd > end) dgEnd = end;
  const ie = g + Wire.NVGRE_HEADER;
  // The first NVGRE word 0x20006558: K only, version 0, Transparent Ethernet Bridging.
  if (ie + 14 > dgEnd || b[g] !== 0x20 || b[g + 1] !== 0 || b[g + 2] !== 0x65 || b[g + 3] !== 0x58) return 0;
  const l3 = ie + 14;
  const iet = (b[ie + 12]! << 8) | b[ie + 13]!;
  if (iet === Wire.ETHERTYPE_IPV4) {
    if (l3 + 20 > dgEnd) return 0;
    const vihl = b[l3]!;
    const ihl = (vihl & 0x0f) << 2;
    const total = (b[l3 + 2]! << 8) | b[l3 + 3]!;
    if (vihl >>> 4 !== 4 || ihl < 20 || total < ihl || (((b[l3 + 6]! << 8) | b[l3 + 7]!) & Wire.IPV4_MF_OFFSET) !== 0) return 0;
    const proto = b[l3 + 9];
    const type = proto === Wire.PROTOCOL_TCP ? types & RssType.TCP_IPV4 : proto === Wire.PROTOCOL_UDP ? types & RssType.UDP_IPV4 : 0;
    const l4 = l3 + ihl;
    if (type === 0 || l4 + 4 > dgEnd || l4 + 4 > l3 + total) return 0;
    out[0] = mix4s(t, mix4s(t, 0, 0, b, l3 + 12, 8), 8, b, l4, 4);
    return type;
  }
  if (iet !== Wire.ETHERTYPE_IPV6 || l3 + 44 > dgEnd || b[l3]! >>> 4 !== 6) return 0;
  const nh = b[l3 + 6];
  const ex = nh === Wire.PROTOCOL_TCP ? types & RssType.TCP_IPV6_EX : nh === Wire.PROTOCOL_UDP ? types & RssType.UDP_IPV6_EX : 0;
  const type = ex !== 0 ? ex : nh === Wire.PROTOCOL_TCP ? types & RssType.TCP_IPV6 : nh === Wire.PROTOCOL_UDP ? types & RssType.UDP_IPV6 : 0;
  if (type === 0 || l3 + 44 > l3 + 40 + ((b[l3 + 4]! << 8) | b[l3 + 5]!)) return 0;
  out[0] = mix4s(t, 0, 0, b, l3 + 8, 36); // source, destination, then the ports right after the header
  return type;
}

/**
 * Classifies one frame: returns the hash-type bit (0 = no hash), leaves the hash in `out[0]` and which
 * packet was hashed in `over[0]` (docs/rss.md §4–§5).
 */
function classify(c: Config, view: ReceiveView, b: Uint8Array, out: Uint32Array, over: Uint8Array): number {
  if (c.nvgre) {
    const fast = fastInner(c.t.table, b, c.types, out);
    if (fast !== 0) {
      over[0] = Over.INNER;
      return fast;
    }
  }
  view.walk(b, c.nvgre);
  if (!view.outerIp) {
    over[0] = Over.NONE;
    return 0;
  }
  const t = c.t.table;
  if (view.innerIp) {
    const type = hashRssIp(t, b, view.inner, c.types, true, out);
    if (type !== 0) {
      over[0] = Over.INNER;
      return type;
    }
  }
  const type = hashRssIp(t, b, view.outer, c.types, false, out);
  over[0] = type === 0 ? Over.NONE : Over.OUTER;
  return type;
}

const sharedView = new ReceiveView();
const sharedOut = new Uint32Array(1);
const sharedOver = new Uint8Array(1);

/** The RSS hash of `frame` (docs/rss.md §3–§5). One-shot; for many frames use {@link createRss}. */
export function rssHash(frame: Uint8Array, options?: RssOptions): RssResult {
  assertBytes(frame, 'frame');
  const c = checkOptions(options, []);
  const type = classify(c, sharedView, frame, sharedOut, sharedOver);
  return type === 0 ? { hash: 0, hashType: null, over: 'none' } : { hash: sharedOut[0]!, hashType: typeName(type), over: OVER_NAMES[sharedOver[0]!]! };
}

class MutableResult implements RssResult {
  hash = 0;
  hashType: RssHashType | null = null;
  over: 'inner' | 'outer' | 'none' = 'none';
}

const DEFAULT_TABLE_SIZE = 128;
const MAX_QUEUE = 0xffff;

function queueCount(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer from ${min} to ${max}, got ${shown(value)}`);
  return value;
}

class RssEngine implements Rss {
  readonly indirectionTable: readonly number[];
  readonly queues: number;
  private readonly c: Config;
  private readonly table: Uint16Array;
  private readonly mask: number;
  private readonly defaultQueue: number;
  private readonly view = new ReceiveView();
  private readonly out = new Uint32Array(1);
  private readonly over = new Uint8Array(1);
  private readonly result = new MutableResult();

  constructor(options?: CreateRssOptions) {
    this.c = checkOptions(options, ['indirectionTable', 'queues', 'defaultQueue']);
    const o = (options ?? {}) as Record<string, unknown>;
    const queues = o.queues === undefined ? undefined : queueCount(o.queues, 'options.queues', 1, 128);
    let entries: number[];
    if (o.indirectionTable !== undefined) {
      const t = o.indirectionTable as ArrayLike<unknown> | null;
      if (t === null || typeof t !== 'object' || typeof t.length !== 'number') throw invalid(`options.indirectionTable must be an array of queue numbers, got ${shown(t)}`);
      const n = t.length;
      if (!Number.isInteger(n) || n < 1 || n > 128 || (n & (n - 1)) !== 0) throw invalid(`options.indirectionTable must have a power-of-two length from 1 to 128 (NDIS), got ${n}`);
      entries = [];
      for (let i = 0; i < n; i++) entries.push(queueCount(t[i], `options.indirectionTable[${i}]`, 0, queues === undefined ? MAX_QUEUE : queues - 1));
    } else {
      const q = queues ?? 4;
      entries = Array.from({ length: DEFAULT_TABLE_SIZE }, (_, i) => i % q);
    }
    this.indirectionTable = entries;
    this.queues = queues ?? Math.max(...entries) + 1;
    this.defaultQueue = o.defaultQueue === undefined ? 0 : queueCount(o.defaultQueue, 'options.defaultQueue', 0, MAX_QUEUE);
    this.table = Uint16Array.from(entries);
    this.mask = entries.length - 1;
  }

  hash(frame: Uint8Array): RssResult {
    if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
    const type = classify(this.c, this.view, frame, this.out, this.over);
    const r = this.result;
    if (type === 0) {
      r.hash = 0;
      r.hashType = null;
      r.over = 'none';
    } else {
      r.hash = this.out[0]!;
      r.hashType = typeName(type);
      r.over = OVER_NAMES[this.over[0]!]!;
    }
    return r;
  }

  queue(frame: Uint8Array): number {
    if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
    return classify(this.c, this.view, frame, this.out, this.over) === 0 ? this.defaultQueue : this.table[this.out[0]! & this.mask]!;
  }
}

/**
 * An RSS engine with the key's tables precomputed and a fixed indirection table (docs/rss.md §6):
 * `hash` and `queue` allocate nothing per frame.
 */
export function createRss(options?: CreateRssOptions): Rss {
  return new RssEngine(options);
}
