/**
 * Reassembly of OUTER IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragments of Ethernet frames, so
 * that a fragmented NVGRE packet can be decoded. RFC 7637 §4.4 lets a receiver discard fragmented
 * NVGRE packets (the decoder's default); this is the opt-in alternative.
 *
 * Frames: Ethernet II with at most one 802.1Q or 802.1ad tag, then IPv4 (0x0800) or IPv6 (0x86DD).
 * Anything else, and anything malformed, is returned unchanged for the decoder to report: `push` never
 * throws on frame contents.
 *
 * Policy (each choice is documented where it is made):
 * - Keys: (source, destination, protocol, identification) for IPv4 (RFC 791 §3.2); (source,
 *   destination, identification) for IPv6 (RFC 8200 §4.5). VLAN tags are not part of the key.
 * - Overlapping fragments discard the whole datagram, and fragments of it that arrive later, until it
 *   times out: RFC 5722 §3 for IPv6; for IPv4 it is a conservative choice (RFC 791 permits either
 *   overlap resolution). Exact duplicates are ignored, as RFC 8200 §4.5 allows.
 * - A fragment other than the last whose payload is not a multiple of 8 bytes, and a fragment that
 *   would make the datagram exceed 65535 bytes, is dropped (RFC 8200 §4.5; RFC 791 §3.2).
 * - The reassembled frame is built from the offset-0 fragment's Ethernet header and IP header (IPv4:
 *   MF = 0, offset 0, total length and header checksum recomputed, DF kept) or unfragmentable part
 *   (IPv6: the Fragment header removed, the preceding Next Header set from the offset-0 fragment's
 *   Fragment header, Payload Length fixed). Ethernet padding after the IP datagram is not kept.
 * - An IPv6 atomic fragment (offset 0, M = 0) is returned at once with its Fragment header removed and
 *   never mixed with other fragments (RFC 6946 §4).
 * - A fragment whose IPv4 header checksum is wrong is returned unchanged (not trusted, not laundered
 *   by the recomputed checksum) unless `verifyIpv4Checksum` is false.
 * - Limits: `maxDatagrams` and `maxBytes` evict the oldest datagram; `timeoutMs` (default 30 s)
 *   expires incomplete ones. RFC 8200 §4.5 suggests 60 s for IPv6 and RFC 791 a 15 s lower bound for
 *   IPv4; one configurable timeout is used for both.
 * - Not checked: RFC 8200 §4.5's rule that the first fragment carries all headers up to the
 *   upper-layer header (the NVGRE decoder reports a truncated first fragment after reassembly).
 */
import { assertBytes, assertInt, put16, toHex, u16, u32 } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';

/** EtherTypes (IEEE 802.3, 802.1Q). */
const ETHERTYPE = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100, QINQ: 0x88a8 } as const;
const ETHERNET = { TYPE: 12, HEADER_LENGTH: 14, TAG_LENGTH: 4 } as const;

/** IPv4 header (RFC 791 §3.1). */
const IPV4 = {
  VERSION_IHL: 0,
  TOTAL_LENGTH: 2,
  IDENTIFICATION: 4,
  FLAGS_FRAGMENT_OFFSET: 6,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SOURCE: 12,
  DESTINATION: 16,
  MIN_HEADER_LENGTH: 20,
} as const;
const IPV4_MORE_FRAGMENTS = 0x2000;
const IPV4_OFFSET_MASK = 0x1fff;

/** IPv6 header (RFC 8200 §3). */
const IPV6 = { PAYLOAD_LENGTH: 4, NEXT_HEADER: 6, SOURCE: 8, DESTINATION: 24, HEADER_LENGTH: 40 } as const;
/** IPv6 extension headers that may precede the Fragment header (RFC 8200 §4.1), and the Fragment header (§4.5). */
const NEXT_HEADER = { HOP_BY_HOP: 0, ROUTING: 43, FRAGMENT: 44, DESTINATION_OPTIONS: 60 } as const;
const EXTENSION = { NEXT_HEADER: 0, LENGTH: 1, LENGTH_UNIT: 8 } as const;
const FRAGMENT = { NEXT_HEADER: 0, RESERVED: 1, OFFSET_FLAGS: 2, IDENTIFICATION: 4, LENGTH: 8 } as const;
const IPV6_OFFSET_MASK = 0xfff8;
const IPV6_MORE_FRAGMENTS = 0x0001;

/** Fragment offsets count 8-octet units (RFC 791 §3.1, RFC 8200 §4.5). */
const FRAGMENT_UNIT = 8;
/** IPv4 Total Length and IPv6 Payload Length are 16-bit fields. */
const MAX_LENGTH = 0xffff;

export interface ReassemblerOptions {
  /** Datagrams held at once, including recently discarded ones remembered to drop their late fragments. Default 1024. */
  maxDatagrams?: number;
  /** Bytes held at once (fragment payloads and saved headers). Default 64 MiB. */
  maxBytes?: number;
  /** An incomplete datagram is dropped this long after its first fragment. Default 30000. */
  timeoutMs?: number;
  /** Return IPv4 fragments with a wrong header checksum unchanged instead of reassembling them. Default true. */
  verifyIpv4Checksum?: boolean;
}

export interface ReassemblyStats {
  /** Incomplete datagrams held. */
  datagramsInFlight: number;
  /** Bytes held by them. */
  bytesHeld: number;
  /** Datagrams completed (IPv6 atomic fragments included). */
  reassembled: number;
  /** Exact duplicate fragments ignored. */
  duplicates: number;
  dropped: {
    /** Datagrams discarded because fragments overlapped or disagreed about the datagram's end. */
    overlap: number;
    /** Fragments dropped: not the last, yet empty or not a multiple of 8 bytes. */
    badLength: number;
    /** Fragments dropped because the datagram would exceed 65535 bytes. */
    tooLarge: number;
    /** Datagrams dropped incomplete after `timeoutMs`. */
    timeout: number;
    /** Datagrams evicted to stay within `maxDatagrams` or `maxBytes`. */
    evicted: number;
    /** Fragments of an already discarded datagram. */
    late: number;
  };
}

/** A parsed fragment. Offsets are into the frame. */
interface Fragment {
  key: string;
  version: 4 | 6;
  /** Start of the IP header (after Ethernet and the optional tag). */
  ipOffset: number;
  /** Bytes kept as the reassembled frame's header: Ethernet + IPv4 header, or up to the Fragment header. */
  headerLength: number;
  /** IPv6: offset of the Next Header byte naming the Fragment header. */
  nextHeaderOffset: number;
  /** IPv6: Next Header value inside the Fragment header. */
  fragmentNextHeader: number;
  /** Position of the payload in the original datagram's fragmentable part, in bytes. */
  start: number;
  more: boolean;
  payload: Uint8Array;
}

interface Piece {
  start: number;
  data: Uint8Array;
  last: boolean;
}

interface Datagram {
  version: 4 | 6;
  firstSeenMs: number;
  /** Sorted by start, non-overlapping. */
  pieces: Piece[];
  received: number;
  /** Length of the fragmentable part, once the last fragment is seen. */
  end: number | undefined;
  /** From the offset-0 fragment: the header to rebuild, and (IPv6) where to patch Next Header. */
  header: Uint8Array | undefined;
  ipOffset: number;
  nextHeaderOffset: number;
  fragmentNextHeader: number;
  bytesHeld: number;
  /** Tombstone: discarded after an overlap (RFC 5722); absorbs late fragments until it times out. */
  discarded: boolean;
}

/** Offset of the IP header and its EtherType, or undefined for frames this module does not handle. */
function ipStart(frame: Uint8Array): { offset: number; etherType: number } | undefined {
  if (frame.length < ETHERNET.HEADER_LENGTH) return undefined;
  let etherType = u16(frame, ETHERNET.TYPE);
  let offset = ETHERNET.HEADER_LENGTH;
  if (etherType === ETHERTYPE.VLAN || etherType === ETHERTYPE.QINQ) {
    if (frame.length < ETHERNET.HEADER_LENGTH + ETHERNET.TAG_LENGTH) return undefined;
    etherType = u16(frame, ETHERNET.TYPE + ETHERNET.TAG_LENGTH);
    offset += ETHERNET.TAG_LENGTH;
  }
  return { offset, etherType };
}

function parseIpv4(frame: Uint8Array, ip: number, verifyChecksum: boolean): Fragment | undefined {
  if (frame.length < ip + IPV4.MIN_HEADER_LENGTH) return undefined;
  const versionIhl = frame[ip + IPV4.VERSION_IHL]!;
  const headerLength = (versionIhl & 0x0f) * 4;
  const totalLength = u16(frame, ip + IPV4.TOTAL_LENGTH);
  if (versionIhl >> 4 !== 4 || headerLength < IPV4.MIN_HEADER_LENGTH) return undefined;
  if (totalLength < headerLength || ip + totalLength > frame.length) return undefined;
  const flagsOffset = u16(frame, ip + IPV4.FLAGS_FRAGMENT_OFFSET);
  const more = (flagsOffset & IPV4_MORE_FRAGMENTS) !== 0;
  const start = (flagsOffset & IPV4_OFFSET_MASK) * FRAGMENT_UNIT;
  if (!more && start === 0) return undefined; // not a fragment
  if (verifyChecksum && internetChecksum(frame, ip, headerLength) !== 0) return undefined;
  const key =
    '4:' +
    toHex(frame, ip + IPV4.SOURCE, ip + IPV4.DESTINATION + 4) +
    ':' +
    frame[ip + IPV4.PROTOCOL]! +
    ':' +
    u16(frame, ip + IPV4.IDENTIFICATION);
  return {
    key,
    version: 4,
    ipOffset: ip,
    headerLength: ip + headerLength,
    nextHeaderOffset: 0,
    fragmentNextHeader: 0,
    start,
    more,
    payload: frame.subarray(ip + headerLength, ip + totalLength),
  };
}

function parseIpv6(frame: Uint8Array, ip: number): Fragment | undefined {
  if (frame.length < ip + IPV6.HEADER_LENGTH || frame[ip]! >> 4 !== 6) return undefined;
  const payloadLength = u16(frame, ip + IPV6.PAYLOAD_LENGTH);
  const end = ip + IPV6.HEADER_LENGTH + payloadLength;
  // Payload Length 0 is a jumbogram (RFC 2675) or an empty packet: neither is a fragment we handle.
  if (payloadLength === 0 || end > frame.length) return undefined;
  let nextHeaderOffset = ip + IPV6.NEXT_HEADER;
  let at = ip + IPV6.HEADER_LENGTH;
  // Walk the unfragmentable part (RFC 8200 §4.1, §4.5). Each header is ≥ 8 bytes, so this ends.
  for (;;) {
    const nextHeader = frame[nextHeaderOffset]!;
    if (nextHeader === NEXT_HEADER.FRAGMENT) break;
    if (
      nextHeader !== NEXT_HEADER.HOP_BY_HOP &&
      nextHeader !== NEXT_HEADER.ROUTING &&
      nextHeader !== NEXT_HEADER.DESTINATION_OPTIONS
    ) {
      return undefined; // reached an upper-layer (or unknown) header: not a fragment
    }
    if (at + 2 > end) return undefined;
    const length = (frame[at + EXTENSION.LENGTH]! + 1) * EXTENSION.LENGTH_UNIT;
    if (at + length > end) return undefined;
    nextHeaderOffset = at + EXTENSION.NEXT_HEADER;
    at += length;
  }
  if (at + FRAGMENT.LENGTH > end) return undefined;
  const offsetFlags = u16(frame, at + FRAGMENT.OFFSET_FLAGS);
  const key =
    '6:' +
    toHex(frame, ip + IPV6.SOURCE, ip + IPV6.DESTINATION + 16) +
    ':' +
    u32(frame, at + FRAGMENT.IDENTIFICATION);
  return {
    key,
    version: 6,
    ipOffset: ip,
    headerLength: at,
    nextHeaderOffset,
    fragmentNextHeader: frame[at + FRAGMENT.NEXT_HEADER]!,
    start: offsetFlags & IPV6_OFFSET_MASK,
    more: (offsetFlags & IPV6_MORE_FRAGMENTS) !== 0,
    payload: frame.subarray(at + FRAGMENT.LENGTH, end),
  };
}

/** Length of the datagram field that must stay ≤ 65535: IPv4 Total Length or IPv6 Payload Length. */
function lengthField(version: 4 | 6, ipOffset: number, headerLength: number, fragmentableLength: number): number {
  const ipHeaderBytes = headerLength - ipOffset;
  return version === 4 ? ipHeaderBytes + fragmentableLength : ipHeaderBytes - IPV6.HEADER_LENGTH + fragmentableLength;
}

/** Builds the reassembled frame from a saved header and the fragmentable part. */
function build(
  version: 4 | 6,
  header: Uint8Array,
  ipOffset: number,
  nextHeaderOffset: number,
  fragmentNextHeader: number,
  fragmentableLength: number,
  fill: (out: Uint8Array, at: number) => void,
): Uint8Array {
  const out = new Uint8Array(header.length + fragmentableLength);
  out.set(header, 0);
  fill(out, header.length);
  const length = lengthField(version, ipOffset, header.length, fragmentableLength);
  if (version === 4) {
    put16(out, ipOffset + IPV4.TOTAL_LENGTH, length);
    const flags = u16(out, ipOffset + IPV4.FLAGS_FRAGMENT_OFFSET) & ~(IPV4_MORE_FRAGMENTS | IPV4_OFFSET_MASK);
    put16(out, ipOffset + IPV4.FLAGS_FRAGMENT_OFFSET, flags);
    put16(out, ipOffset + IPV4.CHECKSUM, 0);
    const ihl = header.length - ipOffset;
    put16(out, ipOffset + IPV4.CHECKSUM, internetChecksum(out, ipOffset, ihl));
  } else {
    put16(out, ipOffset + IPV6.PAYLOAD_LENGTH, length);
    out[nextHeaderOffset] = fragmentNextHeader;
  }
  return out;
}

function emptyStats(): ReassemblyStats['dropped'] {
  return { overlap: 0, badLength: 0, tooLarge: 0, timeout: 0, evicted: 0, late: 0 };
}

/**
 * Collects outer IP fragments and returns each datagram, as one Ethernet frame, when its last missing
 * fragment arrives. See the module comment for the rules and limits.
 */
export class Reassembler {
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly verifyIpv4Checksum: boolean;
  /** In creation order, which is also first-seen order (times only move forward). */
  private readonly datagrams = new Map<string, Datagram>();
  private live = 0;
  private held = 0;
  /** Latest time given to push or expire (0 until one is given). */
  private now = 0;
  private reassembledCount = 0;
  private duplicateCount = 0;
  private readonly dropped = emptyStats();

  constructor(options: ReassemblerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
    if (options.verifyIpv4Checksum !== undefined && typeof options.verifyIpv4Checksum !== 'boolean') {
      throw new TypeError(`options.verifyIpv4Checksum must be a boolean, got ${typeof options.verifyIpv4Checksum}`);
    }
    this.maxDatagrams = options.maxDatagrams ?? 1024;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.verifyIpv4Checksum = options.verifyIpv4Checksum ?? true;
    assertInt(this.maxDatagrams, 'options.maxDatagrams', 1, 0x7fff_ffff);
    assertInt(this.maxBytes, 'options.maxBytes', 1, Number.MAX_SAFE_INTEGER);
    if (typeof this.timeoutMs !== 'number' || !(this.timeoutMs >= 0)) {
      throw new RangeError(`options.timeoutMs must be a non-negative number, got ${String(this.timeoutMs)}`);
    }
  }

  /** A snapshot of the counters. */
  get stats(): ReassemblyStats {
    return {
      datagramsInFlight: this.live,
      bytesHeld: this.held,
      reassembled: this.reassembledCount,
      duplicates: this.duplicateCount,
      dropped: { ...this.dropped },
    };
  }

  /**
   * Offers one Ethernet frame. Returns the frame itself when it is not an outer IP fragment (or is
   * malformed), a new reassembled frame when this fragment completes its datagram, else null (the
   * fragment was kept, or dropped: see `stats`). The input is never modified nor retained.
   * `timestampMs` (e.g. the capture timestamp) first expires datagrams older than `timeoutMs`;
   * without it the latest time given to `push` or `expire` is used.
   */
  push(frame: Uint8Array, timestampMs?: number): Uint8Array | null {
    assertBytes(frame, 'frame');
    if (timestampMs !== undefined) {
      if (typeof timestampMs !== 'number' || Number.isNaN(timestampMs)) throw new TypeError(`timestampMs must be a number, got ${String(timestampMs)}`);
      this.expire(timestampMs);
    }
    const start = ipStart(frame);
    if (start === undefined) return frame;
    let fragment: Fragment | undefined;
    if (start.etherType === ETHERTYPE.IPV4) fragment = parseIpv4(frame, start.offset, this.verifyIpv4Checksum);
    else if (start.etherType === ETHERTYPE.IPV6) fragment = parseIpv6(frame, start.offset);
    if (fragment === undefined) return frame;
    return this.add(frame, fragment);
  }

  /** Drops datagrams whose first fragment is `timeoutMs` or more older than `nowMs`; returns how many incomplete ones. */
  expire(nowMs: number): number {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs)) {
      throw new TypeError(`nowMs must be a number, got ${String(nowMs)}`);
    }
    if (nowMs > this.now) this.now = nowMs;
    let expired = 0;
    for (const [key, d] of this.datagrams) {
      if (this.now - d.firstSeenMs < this.timeoutMs) break;
      if (!d.discarded) expired++;
      this.remove(key, d);
    }
    this.dropped.timeout += expired;
    return expired;
  }

  /** Forgets every datagram (counters are kept). */
  clear(): void {
    this.datagrams.clear();
    this.live = 0;
    this.held = 0;
  }

  private remove(key: string, d: Datagram): void {
    this.datagrams.delete(key);
    if (!d.discarded) this.live--;
    this.held -= d.bytesHeld;
  }

  /** Turns a datagram into a tombstone (RFC 5722 §3: later fragments of it are discarded too). */
  private discard(d: Datagram): void {
    this.held -= d.bytesHeld;
    this.live--;
    d.bytesHeld = 0;
    d.pieces = [];
    d.header = undefined;
    d.discarded = true;
  }

  /** Evicts the oldest entry other than `keep`; false when there is none. */
  private evictOldest(keep: Datagram | undefined): boolean {
    for (const [key, d] of this.datagrams) {
      if (d === keep) continue;
      if (!d.discarded) this.dropped.evicted++;
      this.remove(key, d);
      return true;
    }
    return false;
  }

  private add(frame: Uint8Array, f: Fragment): Uint8Array | null {
    const length = f.payload.length;
    // RFC 6946 §4: an atomic fragment is a whole datagram, processed in isolation.
    if (f.version === 6 && f.start === 0 && !f.more) {
      this.reassembledCount++;
      return build(6, frame.subarray(0, f.headerLength), f.ipOffset, f.nextHeaderOffset, f.fragmentNextHeader, length, (out, at) =>
        out.set(f.payload, at),
      );
    }
    let d = this.datagrams.get(f.key);
    if (d?.discarded === true) {
      this.dropped.late++;
      return null;
    }
    // RFC 8200 §4.5 / RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes.
    if (f.more && (length === 0 || length % FRAGMENT_UNIT !== 0)) {
      this.dropped.badLength++;
      return null;
    }
    // RFC 8200 §4.5: drop a fragment that would make the reassembled length exceed 65535.
    if (lengthField(f.version, f.ipOffset, f.headerLength, f.start + length) > MAX_LENGTH) {
      this.dropped.tooLarge++;
      return null;
    }
    if (d === undefined) {
      while (this.datagrams.size >= this.maxDatagrams) this.evictOldest(undefined);
      d = {
        version: f.version,
        firstSeenMs: this.now,
        pieces: [],
        received: 0,
        end: undefined,
        header: undefined,
        ipOffset: 0,
        nextHeaderOffset: 0,
        fragmentNextHeader: 0,
        bytesHeld: 0,
        discarded: false,
      };
      this.datagrams.set(f.key, d);
      this.live++;
    }
    const place = locate(d, f);
    if (place === DUPLICATE) {
      this.duplicateCount++;
      return null;
    }
    if (place === CONFLICT) {
      this.discard(d);
      this.dropped.overlap++;
      return null;
    }
    const added = length + (f.start === 0 ? f.headerLength : 0);
    while (this.held + added > this.maxBytes && this.evictOldest(d)) {
      // evicting the oldest other datagrams to make room
    }
    if (this.held + added > this.maxBytes) {
      // Even alone this datagram does not fit: drop it entirely.
      this.remove(f.key, d);
      this.dropped.evicted++;
      return null;
    }
    store(d, f, frame, place);
    d.bytesHeld += added;
    this.held += added;
    if (d.end === undefined || d.received !== d.end || d.header === undefined) return null;
    // No overlaps and received === end: the pieces cover [0, end) exactly.
    this.remove(f.key, d);
    if (lengthField(d.version, d.ipOffset, d.header.length, d.end) > MAX_LENGTH) {
      // The offset-0 fragment's header (IPv4 options) can make the whole exceed what the pieces did.
      this.dropped.tooLarge++;
      return null;
    }
    this.reassembledCount++;
    const pieces = d.pieces;
    return build(d.version, d.header, d.ipOffset, d.nextHeaderOffset, d.fragmentNextHeader, d.end, (out, at) => {
      for (const p of pieces) out.set(p.data, at + p.start);
    });
  }
}

const DUPLICATE = -1;
const CONFLICT = -2;

/**
 * Where a fragment goes among the datagram's pieces (sorted, disjoint): its index, DUPLICATE for an
 * exact duplicate, or CONFLICT when it overlaps a piece or disagrees about where the datagram ends.
 */
function locate(d: Datagram, f: Fragment): number {
  const start = f.start;
  const stop = start + f.payload.length;
  const last = !f.more;
  const pieces = d.pieces;
  // First piece starting at or after `start`.
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pieces[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  const next = pieces[lo];
  if (next !== undefined && next.start === start) {
    return next.last === last && equalBytes(next.data, f.payload) ? DUPLICATE : CONFLICT;
  }
  const previous = pieces[lo - 1];
  if (previous !== undefined && previous.start + previous.data.length > start) return CONFLICT;
  if (next !== undefined && stop > next.start) return CONFLICT;
  if (d.end !== undefined && (stop > d.end || (last && stop !== d.end))) return CONFLICT;
  if (last) {
    const furthest = pieces[pieces.length - 1];
    if (furthest !== undefined && furthest.start + furthest.data.length > stop) return CONFLICT;
  }
  return lo;
}

/** Copies the fragment's bytes into the datagram at `index` (the caller's frame is not retained). */
function store(d: Datagram, f: Fragment, frame: Uint8Array, index: number): void {
  const data = f.payload.slice();
  d.pieces.splice(index, 0, { start: f.start, data, last: !f.more });
  d.received += data.length;
  if (!f.more) d.end = f.start + data.length;
  if (f.start === 0) {
    // RFC 791 §3.2 / RFC 8200 §4.5: the reassembled headers are those of the offset-0 fragment.
    d.header = frame.slice(0, f.headerLength);
    d.ipOffset = f.ipOffset;
    d.nextHeaderOffset = f.nextHeaderOffset;
    d.fragmentNextHeader = f.fragmentNextHeader;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
