/**
 * Test helpers for capture files and fragments: corpus access, hand-built pcapng blocks, and
 * Ethernet/IPv4/IPv6 frames with their fragments (built byte by byte, independent of src/).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';
import { CORPUS_RAW, requireCorpus } from '../helpers/corpus.js';
import { nvgreErrorOf } from '../helpers/errors.js';

export { CORPUS_DIR } from '../helpers/corpus.js';

export function corpusFile(relative: string): Uint8Array {
  requireCorpus();
  const b = readFileSync(path.join(CORPUS_RAW, relative));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The README table of §1/§2: frames per capture file, and its format facts. */
export const CORPUS: ReadonlyArray<{
  file: string;
  frames: number;
  format: 'pcap' | 'pcapng';
  littleEndian: boolean;
  truncatedFrames?: number;
  snaplen?: number;
}> = [
  { file: 'packetnet/gre_nvgre.pcap', frames: 1, format: 'pcap', littleEndian: true },
  { file: 'ryu/gre_nvgre_option.pcap', frames: 1, format: 'pcap', littleEndian: true },
  { file: 'ryu/gre_full_options.pcap', frames: 1, format: 'pcap', littleEndian: true },
  { file: 'ryu/gre_no_option.pcap', frames: 1, format: 'pcap', littleEndian: true, snaplen: 8192 },
  { file: 'pcapplusplus/GrePackets.pcap', frames: 7, format: 'pcapng', littleEndian: true, snaplen: 262144 },
  { file: 'suricata-verify/bug-2576-01/temp6.pcap', frames: 15, format: 'pcap', littleEndian: true },
  { file: 'packetnet/gre_all_options.pcap', frames: 10, format: 'pcap', littleEndian: true },
  { file: 'packetnet/gre_ipv6.pcap', frames: 1, format: 'pcap', littleEndian: true },
  { file: 'packetnet/gre_custom_protocol.pcap', frames: 1, format: 'pcap', littleEndian: true },
  { file: 'tcpdump/various_gre.pcap', frames: 100, format: 'pcap', littleEndian: true },
  { file: 'tcpdump/pptp.pcap', frames: 23, format: 'pcap', littleEndian: false },
  { file: 'tcpdump/erspan-type-ii-1.pcap', frames: 1, format: 'pcap', littleEndian: true },
  { file: 'tcpdump/gre-heapoverflow-2.pcap', frames: 2, format: 'pcap', littleEndian: true, truncatedFrames: 2, snaplen: 48 },
  { file: 'zeek/gre-sample.pcap', frames: 40, format: 'pcap', littleEndian: true, snaplen: 1500 },
  { file: 'zeek/gre-within-gre.pcap', frames: 628, format: 'pcap', littleEndian: true, snaplen: 65535 },
];

export { nvgreErrorOf };

export function expectNvgreError(fn: () => unknown, codes: readonly string[]): NvgreError {
  const error = nvgreErrorOf(fn);
  expect(codes).toContain(error.code);
  return error;
}

export function fromHexString(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Copies `bytes` into a larger buffer at an odd offset, to check byteOffset handling. */
export function atOddOffset(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.length + 13).fill(0xa5);
  big.set(bytes, 7);
  return big.subarray(7, 7 + bytes.length);
}

// ---------------------------------------------------------------------------------------------
// pcapng blocks by hand (draft-ietf-opsawg-pcapng §3.1)
// ---------------------------------------------------------------------------------------------

function w16(le: boolean, v: number): number[] {
  return le ? [v & 0xff, (v >>> 8) & 0xff] : [(v >>> 8) & 0xff, v & 0xff];
}
function w32(le: boolean, v: number): number[] {
  return le
    ? [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]
    : [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
function padded(bytes: Uint8Array): number[] {
  const out = Array.from(bytes);
  while (out.length % 4 !== 0) out.push(0);
  return out;
}

export function option(le: boolean, code: number, value: Uint8Array): Uint8Array {
  return Uint8Array.from([...w16(le, code), ...w16(le, value.length), ...padded(value)]);
}
export const endOfOptions = (le: boolean): Uint8Array => option(le, 0, new Uint8Array(0));

export function block(le: boolean, type: number, body: Uint8Array): Uint8Array {
  const content = padded(body);
  const length = 12 + content.length;
  return Uint8Array.from([...w32(le, type), ...w32(le, length), ...content, ...w32(le, length)]);
}

export function shb(le: boolean, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = [...w32(le, 0x1a2b3c4d), ...w16(le, 1), ...w16(le, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  return block(le, 0x0a0d0d0a, concat(Uint8Array.from(body), options));
}

export function idb(le: boolean, linkType: number, snaplen: number, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(le, 1, concat(Uint8Array.from([...w16(le, linkType), 0, 0, ...w32(le, snaplen)]), options));
}

export function epb(
  le: boolean,
  interfaceId: number,
  ticks: bigint,
  data: Uint8Array,
  originalLength = data.length,
  options: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const head = [
    ...w32(le, interfaceId),
    ...w32(le, Number(ticks >> 32n)),
    ...w32(le, Number(ticks & 0xffffffffn)),
    ...w32(le, data.length),
    ...w32(le, originalLength),
  ];
  return block(le, 6, concat(Uint8Array.from(head), Uint8Array.from(padded(data)), options));
}

export function spb(le: boolean, originalLength: number, data: Uint8Array): Uint8Array {
  return block(le, 3, concat(Uint8Array.from(w32(le, originalLength)), data));
}

/** Obsolete Packet Block (Appendix A). */
export function pb(le: boolean, interfaceId: number, ticks: bigint, data: Uint8Array): Uint8Array {
  const head = [
    ...w16(le, interfaceId),
    ...w16(le, 0),
    ...w32(le, Number(ticks >> 32n)),
    ...w32(le, Number(ticks & 0xffffffffn)),
    ...w32(le, data.length),
    ...w32(le, data.length),
  ];
  return block(le, 2, concat(Uint8Array.from(head), data));
}

/** Classic pcap file by hand (draft-ietf-opsawg-pcap §4, §5). */
export function pcapFile(
  le: boolean,
  records: Array<{ seconds: number; fraction: number; data: Uint8Array; originalLength?: number; capturedLength?: number }>,
  { snaplen = 65535, linkType = 1, nanosecond = false } = {},
): Uint8Array {
  const magic = nanosecond ? 0xa1b23c4d : 0xa1b2c3d4;
  const parts: Uint8Array[] = [Uint8Array.from([...w32(le, magic), ...w16(le, 2), ...w16(le, 4), ...w32(le, 0), ...w32(le, 0), ...w32(le, snaplen), ...w32(le, linkType)])];
  for (const r of records) {
    parts.push(
      Uint8Array.from([
        ...w32(le, r.seconds),
        ...w32(le, r.fraction),
        ...w32(le, r.capturedLength ?? r.data.length),
        ...w32(le, r.originalLength ?? r.data.length),
      ]),
      r.data,
    );
  }
  return concat(...parts);
}

// ---------------------------------------------------------------------------------------------
// Ethernet / IPv4 / IPv6 frames and fragments
// ---------------------------------------------------------------------------------------------

const MAC_DST = [0x02, 0, 0, 0, 0, 0x02];
const MAC_SRC = [0x02, 0, 0, 0, 0, 0x01];

export function ethernet(etherType: number, payload: Uint8Array, tag?: { tpid: number; vid: number }): Uint8Array {
  const head = [...MAC_DST, ...MAC_SRC];
  if (tag) head.push(tag.tpid >> 8, tag.tpid & 0xff, (tag.vid >> 8) & 0x0f, tag.vid & 0xff);
  head.push(etherType >> 8, etherType & 0xff);
  return concat(Uint8Array.from(head), payload);
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Ipv4Fields {
  src?: number[];
  dst?: number[];
  id?: number;
  protocol?: number;
  df?: boolean;
  more?: boolean;
  offset8?: number;
  options?: number[];
}

/** An IPv4 packet with a correct header checksum. */
export function ipv4(payload: Uint8Array, f: Ipv4Fields = {}): Uint8Array {
  const options = f.options ?? [];
  const ihl = 5 + options.length / 4;
  const total = ihl * 4 + payload.length;
  const flags = (f.df ? 0x4000 : 0) | (f.more ? 0x2000 : 0) | (f.offset8 ?? 0);
  const h = Uint8Array.from([
    0x40 | ihl, 0, total >> 8, total & 0xff,
    (f.id ?? 0x1234) >> 8, (f.id ?? 0x1234) & 0xff, flags >> 8, flags & 0xff,
    64, f.protocol ?? 47, 0, 0,
    ...(f.src ?? [192, 0, 2, 1]), ...(f.dst ?? [192, 0, 2, 2]), ...options,
  ]);
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return concat(h, payload);
}

/** Splits an IPv4 packet (no fragmentation yet) into fragments of `size` payload bytes (a multiple of 8). */
export function fragmentIpv4(packet: Uint8Array, size: number, firstOnlyOptions = false): Uint8Array[] {
  const ihl = (packet[0]! & 0x0f) * 4;
  const payload = packet.subarray(ihl);
  const fields: Ipv4Fields = {
    src: Array.from(packet.subarray(12, 16)),
    dst: Array.from(packet.subarray(16, 20)),
    id: (packet[4]! << 8) | packet[5]!,
    protocol: packet[9]!,
    df: (packet[6]! & 0x40) !== 0,
    options: Array.from(packet.subarray(20, ihl)),
  };
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const piece = payload.subarray(at, Math.min(at + size, payload.length));
    const more = at + size < payload.length;
    out.push(ipv4(piece, { ...fields, more, offset8: at / 8, options: firstOnlyOptions && at > 0 ? [] : fields.options ?? [] }));
  }
  return out;
}

export interface Ipv6Fields {
  src?: number[];
  dst?: number[];
  /** Extension headers before the upper layer: [nextHeaderCode, bytes][] in order; bytes[0] is patched. */
  extensions?: Array<{ type: number; body: number[] }>;
  upper?: number;
}

function ipv6Address(last: number): number[] {
  return [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last];
}

/** An IPv6 packet: fixed header, extension headers (each body a multiple of 8 bytes incl. its 2-byte head), payload. */
export function ipv6(payload: Uint8Array, f: Ipv6Fields = {}): Uint8Array {
  const exts = f.extensions ?? [];
  const upper = f.upper ?? 47;
  const extBytes: number[] = [];
  exts.forEach((e, i) => {
    const next = i + 1 < exts.length ? exts[i + 1]!.type : upper;
    const body = [...e.body];
    body[0] = next;
    body[1] = body.length / 8 - 1;
    extBytes.push(...body);
  });
  const firstNext = exts.length > 0 ? exts[0]!.type : upper;
  const payloadLength = extBytes.length + payload.length;
  const head = [
    0x60, 0, 0, 0, payloadLength >> 8, payloadLength & 0xff, firstNext, 64,
    ...(f.src ?? ipv6Address(1)), ...(f.dst ?? ipv6Address(2)),
  ];
  return concat(Uint8Array.from(head), Uint8Array.from(extBytes), payload);
}

/** Hop-by-hop or destination options header with PadN filling `length` bytes (a multiple of 8). */
export function optionsHeader(type: 0 | 60, length = 8): { type: number; body: number[] } {
  const body = [0, 0, 1, length - 4, ...new Array<number>(length - 4).fill(0)];
  return { type, body };
}

/** Routing header type 0-style placeholder with segments left 0 (16 bytes). */
export function routingHeader(): { type: number; body: number[] } {
  return { type: 43, body: [0, 0, 4, 0, 0, 0, 0, 0, ...new Array<number>(8).fill(0)] };
}

/**
 * Fragments an IPv6 packet built by {@link ipv6}: the first `unfragmentable` extension headers stay in
 * every fragment, a Fragment header (identification `id`) follows, then `size`-byte pieces.
 */
export function fragmentIpv6(packet: Uint8Array, f: Ipv6Fields, unfragmentable: number, size: number, id = 0xcafe): Uint8Array[] {
  const exts = f.extensions ?? [];
  const upper = f.upper ?? 47;
  const unfragExts = exts.slice(0, unfragmentable);
  const fragNext = unfragmentable < exts.length ? exts[unfragmentable]!.type : upper;
  // Fragmentable part = everything after the unfragmentable headers.
  const unfragLength = unfragExts.reduce((n, e) => n + e.body.length, 0);
  const fragmentable = packet.subarray(40 + unfragLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < fragmentable.length; at += size) {
    const piece = fragmentable.subarray(at, Math.min(at + size, fragmentable.length));
    const more = at + size < fragmentable.length ? 1 : 0;
    const offsetFlags = at | more;
    const fragHeader = Uint8Array.from([
      fragNext, 0, offsetFlags >> 8, offsetFlags & 0xff, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff,
    ]);
    const fields: Ipv6Fields = { extensions: [...unfragExts, { type: 44, body: Array.from(fragHeader) }], upper: fragNext };
    if (f.src) fields.src = f.src;
    if (f.dst) fields.dst = f.dst;
    // ipv6() patches body[0]/[1] of each header; restore the Fragment header's own bytes.
    const built = ipv6(piece, fields);
    const fh = 40 + unfragLength;
    built.set(fragHeader, fh);
    out.push(built);
  }
  return out;
}

/** Deterministic pseudo-random bytes. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
