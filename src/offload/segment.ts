/**
 * Large send offload through the tunnel (docs/offload.md §10, §11, §14): splits one large TCP frame — NVGRE
 * (outer IPv4/IPv6 ± tag, inner IPv4/IPv6) or plain Ethernet/IP — into MSS-sized segments, each a
 * complete frame with full encapsulation.
 *
 * Shape (that of Linux and DPDK GSO): the template is walked once into a {@link SegmentPlan}; each
 * segment is then the header bytes and the payload slice copied (by the SIMD kernel's `segments`, or
 * with `set()` / `copyWithin`), and O(1) fix-ups at precomputed offsets. IPv4 header checksums come
 * from precomputed partial sums; the TCP checksum from a precomputed pseudo-header + header partial
 * sum and one pass over the payload.
 *
 * Profiles (docs/offload.md §14), each knob overridable:
 *
 * | Knob | `ndis` (default, NDIS LSOv2) | `linux` (GSO `SKB_GSO_GRE`) | `dpdk` (`rte_gso`, GRE) |
 * |---|---|---|---|
 * | `mssUnit` | `payload` | `payload` (`gso_size`) | `segment`: `gso_size` counts every header |
 * | `ipId` | `ndis`: +1, 15-bit wrap 0x7FFF → 0 | `wrap16` (`fixed-inner` = `SKB_GSO_TCP_FIXEDID_INNER`, needs DF) | `wrap16` (`fixed-inner` = `RTE_GSO_FLAG_IPID_FIXED`) |
 * | `cwr` | `first-only` (library rule) | `first-only` | `keep` (untouched) |
 * | `checksums` | `recompute` (`seeded`: LSO seed, no length) | `recompute` (`seeded`: `CHECKSUM_PARTIAL` seed with the large packet's length) | `none`: fields copied from the template; the caller requests HW offload or calls fillChecksums |
 * | IP versions | all four outer/inner combinations | all four | outer IPv4 + inner IPv4 only (plain: IPv4) |
 *
 * In every profile: FIN and PSH only on the last segment; ECE, NS, ACK, ack number, window, TTL/Hop
 * Limit, DSCP/ECN, flow label, MACs, GRE key, IPv4 options, IPv6 extension headers and TCP options
 * (the Timestamp is not incremented) are copied; a payload that fits one MSS gives one segment.
 */
import { assertBytes, put16, put32, typedArrayCopyWithin, typedArraySet } from '../wire/bytes.js';
import { fold, onesComplementSum } from '../wire/checksum.js';
import { SimdKernel, buildSegments, builtBytes, fixBuiltSegments, fixParams, restage, stageForSums, stageOffset, stagedSum } from '../wire/checksum-simd.js';
import { FixParam } from '../wire/checksum-simd-fix.js';
import { IPV4 } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';
import { TCP, TcpFlag } from '../wire/tcp.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { argError, checkBooleanOption } from './report.js';
import { segmentView, viewsOf, type SegmentViews } from './segment-views.js';
import { CS_NONE, planSegments, type IpPlan, type Plan, type SegmentOptions, type SegmentPlan } from './segment-plan.js';

export type { IpIdMode, SegmentOptions, SegmentPlan, SegmentProfile } from './segment-plan.js';

/** {@link segment}'s options: those of every segmentation, and where its arrays' bytes live. */
export interface SegmentArrayOptions extends SegmentOptions {
  /**
   * `true` (default): the segments of one call are views of one new ArrayBuffer, back to back. `false`:
   * each segment an ArrayBuffer of its own, exactly its length (docs/api.md "Memory: pooled results").
   */
  readonly pool?: boolean;
}

/**
 * Fixes the per-segment fields of segment `i` (docs/offload.md §10 table), whose header bytes — a copy of
 * the template's, or of an earlier segment's — are at `target[base…]`: IP lengths and IDs, IPv4 header
 * checksums, TCP sequence number, flags and checksum. Every field that differs between segments is
 * rewritten in full, so the header of a finished segment serves as the template of the next. The TCP
 * checksum sums the `pay` payload bytes at `data[dataOffset…]` once. Never re-parses.
 */
function fixSegment(p: Plan, target: Uint8Array, base: number, i: number, pay: number, data: Uint8Array, dataOffset: number, staged: number): void {
  const initial = fixFields(p, target, base, i, pay);
  if (initial < 0) return;
  const sum = pay <= 0 ? fold(initial) : staged >= 0 ? stagedSum(data, dataOffset, pay, initial, staged) : onesComplementSum(data, dataOffset, pay, initial);
  putTcpChecksum(p, target, base, sum);
}

/**
 * Every per-segment field of segment `i` but the TCP checksum (see {@link fixSegment}); returns the
 * TCP sum before the payload (pseudo-header, header, this segment's length, sequence number and
 * flags), or -1 when the checksums are left alone (`'none'`).
 */
function fixFields(p: Plan, target: Uint8Array, base: number, i: number, pay: number): number {
  const segLen = p.headerLength + pay;
  const cs = p.checksums;
  fixIp(p.outer, target, base, segLen, i, cs);
  fixIp(p.inner, target, base, segLen, i, cs);
  // TCP: sequence of the first payload byte, flags, checksum (docs/offload.md §10 table).
  const t = base + p.tcpOffset;
  const seq = (p.seq0 + i * p.mss) >>> 0;
  put32(target, t + TCP.SEQ, seq);
  let f = p.flags;
  if (i !== p.count - 1) f &= ~(TcpFlag.FIN | TcpFlag.PSH);
  if (i !== 0) {
    if (p.cwrFirstOnly) f &= ~TcpFlag.CWR;
    if (p.eceFirstOnly) f &= ~TcpFlag.ECE;
  }
  target[t + TCP.FLAGS] = f;
  if (cs === CS_NONE) return -1;
  return p.tcpBase + p.tcpHeaderLength + pay + (seq >>> 16) + (seq & 0xffff) + ((p.dataOffsetByte << 8) | f);
}

/** The TCP checksum field from the segment's folded sum: a computed 0 stays 0 (RFC 9293; both encodings verify). */
function putTcpChecksum(p: Plan, target: Uint8Array, base: number, sum: number): void {
  put16(target, base + p.tcpOffset + TCP.CHECKSUM, sum ^ 0xffff);
}

/** IP lengths from the segment; IPv4 ID and header checksum from the precomputed partial sum. */
function fixIp(ip: IpPlan, target: Uint8Array, base: number, segLen: number, i: number, cs: number): void {
  if (ip.version === 4) {
    const o = base + ip.offset;
    const total = segLen - ip.offset;
    const id = (ip.id0 + ip.idStep * i) & ip.idMask;
    put16(target, o + IPV4.TOTAL_LENGTH, total);
    put16(target, o + IPV4.ID, id);
    if (cs !== CS_NONE) put16(target, o + IPV4.CHECKSUM, fold16(ip.partial + total + id) ^ 0xffff);
  } else if (ip.version === 6) {
    put16(target, base + ip.offset + IPV6.PAYLOAD_LENGTH, segLen - ip.offset - IPV6.HEADER_LENGTH);
  }
}

/** {@link fold} for a sum below 2^32 (here three folded words): two end-around carries in integer arithmetic. */
function fold16(sum: number): number {
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum & 0xffff) + (sum >>> 16);
}

/** `Uint8Array[Symbol.species]`, which TypeScript's lib does not declare. */
type SpeciesHolder = { readonly [Symbol.species]: unknown };

/** True when `target.subarray()` constructs a plain Uint8Array (ECMA-262 TypedArraySpeciesCreate: constructor, then its species). */
function speciesIsUint8Array(target: Uint8Array): boolean {
  return target.constructor === Uint8Array && (Uint8Array as unknown as SpeciesHolder)[Symbol.species] === Uint8Array;
}

/**
 * The frame copied once into the SIMD checksum kernel's memory, so that each segment's payload sum
 * reads it there instead of copying its slice (a view and a copy per segment cost more than the sum):
 * a token for stagedSum, or -1 (no kernel, no checksums, or too little payload to pay off).
 */
function stageFrame(p: Plan, frame: Uint8Array): number {
  return p.checksums !== CS_NONE && p.payloadLength >= STAGE_MIN ? stageForSums(frame) : -1;
}

/** Payload bytes from which staging the frame pays off (the kernel's own threshold, checksum.ts). */
const STAGE_MIN = 320;

/** Payload bytes of segment `i`: `mss`, the last one the rest (0 for an empty payload). */
function payloadOf(p: Plan, i: number): number {
  return i === p.count - 1 ? p.payloadLength - i * p.mss : p.mss;
}

/**
 * Plans the segmentation of `frame` without writing: segment count, header length, payload length,
 * payload per segment and the bytes {@link segmentInto} needs. Throws exactly what {@link segment} throws.
 */
export function segmentPlan(frame: Uint8Array, options: SegmentOptions): SegmentPlan {
  const p = planSegments(frame, options);
  return { count: p.count, headerLength: p.headerLength, payloadLength: p.payloadLength, mss: p.mss, totalLength: p.totalLength };
}

/**
 * Segments a large TCP send (LSOv2 semantics, docs/offload.md §10) into new frames, one array per segment.
 *
 * The template's IP length fields are ignored: the TCP payload runs from the end of the TCP header to
 * the end of `frame` (LSOv2 sets the inner length to 0 and leaves outer lengths unspecified), so the
 * template must not carry Ethernet padding. The TCP checksum field is ignored unless
 * `checksums: 'seeded'`. Refusals (`NvgreError`): `NOT_TCP`, `FRAGMENTED`, `TCP_FLAGS` (SYN/RST/URG,
 * urgent pointer), `INVALID_ARGUMENT` (MSS outside 1 … 2^20−1, options, offsets), `TOO_LARGE`
 * (`maxSegments`, `maxOffloadSize`, `minSegmentCount`, more than 256 MiB of segments in all), `HEADER_TOO_LARGE`, `BAD_LENGTH` (a segment's IP
 * length > 65535), `UNSUPPORTED` (capabilities, `dpdk` with IPv6, GRE C/S words), and the walk's
 * `TRUNCATED` / `BAD_IP_HEADER`.
 *
 * Memory (docs/api.md "Memory: pooled results"): the segments of one call are views of one new
 * ArrayBuffer, back to back as {@link segmentInto} writes them — one allocation per call instead of one
 * per segment, each of which costs about 700 ns on Node 20 above 64 bytes (46 of them were seven eighths
 * of a 64 KiB segmentation). A segment kept keeps the call's buffer alive, and its `buffer` is that of
 * all of them; `pool: false` gives each segment an ArrayBuffer of its own.
 */
export function segment(frame: Uint8Array, options: SegmentArrayOptions): Uint8Array[] {
  const p = planSegments(frame, options);
  checkBooleanOption(options.pool, 'pool');
  if (options.pool === false) return separateSegments(p, frame);
  const bytes = new Uint8Array(p.totalLength);
  const buffer = bytes.buffer;
  writeSegments(p, frame, bytes, buffer, 0, undefined);
  const out: Uint8Array[] = new Array<Uint8Array>(p.count);
  const stride = p.headerLength + p.mss;
  for (let i = 0; i < p.count; i++) out[i] = new Uint8Array(buffer, i * stride, p.headerLength + payloadOf(p, i));
  return out;
}

/** {@link segment} with `pool: false`: each segment a new array of its own. */
function separateSegments(p: Plan, frame: Uint8Array): Uint8Array[] {
  const H = p.headerLength;
  const header = frame.subarray(0, H);
  const out: Uint8Array[] = new Array<Uint8Array>(p.count);
  const staged = stageFrame(p, frame);
  for (let i = 0; i < p.count; i++) {
    const pay = payloadOf(p, i);
    const src = H + i * p.mss;
    const seg = new Uint8Array(H + pay);
    typedArraySet.call(seg, header, 0);
    if (pay > 0) typedArraySet.call(seg, frame.subarray(src, src + pay), H);
    // Summed in the template: its 32-bit view is cached, a fresh segment's is not (checksum.ts).
    fixSegment(p, seg, 0, i, pay, frame, src, staged);
    out[i] = seg;
  }
  return out;
}

/**
 * {@link segment} without allocating the segments: writes them back to back into `target` from offset
 * 0 (segment i at `i · (headerLength + mss)`) and calls `onSegment(view, i)` as soon as segment i is
 * complete (the callback may modify or consume its view; later segments are unaffected; the view is a
 * window on `target`, possibly the same object a previous call handed out for that place). Returns the
 * number of segments. `target` needs {@link segmentPlan}`(frame, options).totalLength` bytes; a
 * smaller target throws `NO_SPACE` before anything is written. `target` must not overlap `frame`.
 *
 * Per call: one plan; with checksums and the SIMD kernel (a frame of 320 payload bytes to 256 KiB), the
 * kernel lays the segments out in its own memory, copying and summing each slice in one pass, writes
 * their fields, and one `set()` per 256 KiB moves them into `target`; otherwise one `set()` of the
 * whole template into `target`, then each payload slice and header moved into place with `copyWithin`
 * and the fields written here. Per segment: no allocation except the view handed to `onSegment` (none
 * without a callback, and none for a plain Uint8Array target used again at the same stride: its
 * views are kept and handed out again, segment-views.ts); lengths, IDs, sequence number, flags and checksums are fixed at precomputed
 * offsets — the TCP checksum from a precomputed pseudo-header + header partial sum and the slice's
 * sum, the IPv4 header checksums from precomputed partial sums.
 */
export function segmentInto(
  frame: Uint8Array,
  options: SegmentOptions,
  target: Uint8Array,
  onSegment?: (segment: Uint8Array, index: number) => void,
): number {
  const p = planSegments(frame, options);
  assertBytes(target, 'target');
  if (onSegment !== undefined && typeof onSegment !== 'function') throw argError(`onSegment must be a function, got ${typeof onSegment}`);
  // `buffer` and `byteOffset` are accessor calls (not inlined by V8): each is read once.
  const buffer = target.buffer;
  const byteOffset = target.byteOffset;
  if (buffer === frame.buffer && byteOffset < frame.byteOffset + frame.length && frame.byteOffset < byteOffset + p.totalLength) {
    throw argError('target overlaps frame; segmentInto writes the segments into a separate buffer');
  }
  if (target.length < p.totalLength) {
    throw new NvgreError(NvgreErrorCode.NO_SPACE, 'argument', 0, `target has ${target.length} bytes; ${p.count} segments need ${p.totalLength}`, {
      needed: p.totalLength,
      available: target.length,
    });
  }
  return writeSegments(p, frame, target, buffer, byteOffset, onSegment);
}

/** {@link segmentInto} once the plan and the target are checked: `target` (over `buffer` from `byteOffset`) holds `p.totalLength` bytes and does not overlap `frame`. */
function writeSegments(
  p: Plan,
  frame: Uint8Array,
  target: Uint8Array,
  buffer: ArrayBufferLike,
  byteOffset: number,
  onSegment: ((segment: Uint8Array, index: number) => void) | undefined,
): number {
  // A plain Uint8Array target gets views kept from earlier calls (segment-views.ts), or made by the
  // constructor: what subarray() returns, without the species lookup. Any other class (a subclass, a
  // Node.js buffer) keeps subarray().
  const plain = onSegment !== undefined && speciesIsUint8Array(target);
  const views = plain ? viewsOf(target, buffer, byteOffset, p.headerLength + p.mss) : null;
  const staged = stageFrame(p, frame);
  if (staged >= 0 && p.headerLength + p.mss <= SimdKernel.OUT_BYTES) return segmentsFromKernel(p, frame, staged, target, buffer, byteOffset, plain, views, onSegment);
  // One set() stages the whole template at the end of the output: its header at (n−1)·H, its payload
  // at n·H, ending exactly at totalLength. Segment 0's header is copied from the staged one; each
  // later header from the previous segment's, fixed but not yet handed out (fixSegment rewrites every
  // field that differs). Payload slice i moves left to i·(H+mss)+H; staged slice j ≥ i+1 starts at or
  // after (i+2)·H + (i+1)·mss, the end of header i+1, so nothing is overwritten before it moves, and
  // no view of the template is made per segment.
  const H = p.headerLength;
  const n = p.count;
  const mss = p.mss;
  const stagedHeader = (n - 1) * H;
  // Built-ins through saved references (bytes.ts): no method lookup per call.
  typedArraySet.call(target, frame, stagedHeader);
  if (n > 1) typedArrayCopyWithin.call(target, 0, stagedHeader, stagedHeader + H);
  let base = 0;
  for (let i = 0; i < n; i++) {
    const pay = payloadOf(p, i);
    const src = H + i * mss; // in frame; staged at src + stagedHeader
    const to = base + H;
    const from = src + stagedHeader;
    if (pay > 0 && to !== from) typedArrayCopyWithin.call(target, to, from, from + pay);
    fixSegment(p, target, base, i, pay, frame, src, staged);
    const len = H + pay;
    if (i + 1 < n) typedArrayCopyWithin.call(target, base + len, base, base + H);
    if (onSegment !== undefined) onSegment(viewAt(target, buffer, byteOffset, plain, views, i, base, len), i);
    base += len;
  }
  return n;
}

/**
 * {@link segmentInto} with the SIMD kernel doing the moving (checksum-simd.ts, `segments`) and the
 * fields (checksum-simd-fix.ts, `fixSegments`): the frame, already staged in the kernel's memory, is
 * laid out there as whole segments — the template's header, then the payload slice, copied and summed
 * in one pass — in batches of up to 256 KiB; the kernel writes each segment's fields and checksums
 * from the plan and the slice sums; one set() moves the batch into `target`; then each segment is
 * handed to `onSegment`. Three passes over the payload in all (into the kernel, copy-and-sum, out),
 * against four in the loop of segmentInto, and nothing per segment here but the callback (the fields
 * in TypeScript cost about 90 ns a segment, as much as the copy of its payload).
 *
 * A callback may use the kernel in between: a sum of its own replaces the staged frame (the next batch
 * stages it again), and a segmentation of its own the parameter block (written again per batch).
 */
function segmentsFromKernel(
  p: Plan,
  frame: Uint8Array,
  token: number,
  target: Uint8Array,
  buffer: ArrayBufferLike,
  byteOffset: number,
  plain: boolean,
  views: SegmentViews | null,
  onSegment: ((segment: Uint8Array, index: number) => void) | undefined,
): number {
  const H = p.headerLength;
  const n = p.count;
  const mss = p.mss;
  const perBatch = Math.min(SimdKernel.SUMS_MAX, Math.floor(SimdKernel.OUT_BYTES / (H + mss)));
  let base = 0;
  for (let first = 0; first < n; ) {
    const count = Math.min(perBatch, n - first);
    const last = payloadOf(p, first + count - 1);
    const outAt = stageOffset(byteOffset + base); // where target[base] lands modulo 16 (checksum-simd.ts)
    if (!buildSegments(token, H + first * mss, H, mss, count, last, outAt)) {
      token = restage(frame);
      buildSegments(token, H + first * mss, H, mss, count, last, outAt);
    }
    writeFixParams(p, fixParams());
    fixBuiltSegments(count, first, last);
    const bytes = count * (H + mss) - mss + last;
    typedArraySet.call(target, builtBytes(bytes), base);
    if (onSegment !== undefined) {
      for (let k = 0; k < count; k++) {
        const len = H + (k === count - 1 ? last : mss);
        onSegment(viewAt(target, buffer, byteOffset, plain, views, first + k, base, len), first + k);
        base += len;
      }
    } else {
      base += bytes;
    }
    first += count;
  }
  return n;
}

/** Segment i's view for onSegment: a kept one (segment-views.ts), a new plain one, or the target class's subarray(). */
function viewAt(target: Uint8Array, buffer: ArrayBufferLike, byteOffset: number, plain: boolean, views: SegmentViews | null, i: number, base: number, len: number): Uint8Array {
  if (views !== null) return segmentView(views, i, len);
  return plain ? new Uint8Array(buffer, byteOffset + base, len) : target.subarray(base, base + len);
}

/** The plan as the kernel's `fixSegments` reads it (checksum-simd-fix.ts {@link FixParam}). */
function writeFixParams(p: Plan, v: Int32Array): void {
  v[FixParam.HEADER_LENGTH] = p.headerLength;
  v[FixParam.MSS] = p.mss;
  v[FixParam.COUNT] = p.count;
  writeIpParams(p.outer, v, FixParam.OUTER_VERSION);
  writeIpParams(p.inner, v, FixParam.INNER_VERSION);
  v[FixParam.TCP_OFFSET] = p.tcpOffset;
  v[FixParam.SEQ0] = p.seq0; // stored modulo 2^32, as the kernel adds
  v[FixParam.FLAGS] = p.flags;
  v[FixParam.FIRST_ONLY] = (p.cwrFirstOnly ? TcpFlag.CWR : 0) | (p.eceFirstOnly ? TcpFlag.ECE : 0);
  v[FixParam.TCP_BASE] = p.tcpBase + p.tcpHeaderLength;
  v[FixParam.DATA_OFFSET_WORD] = p.dataOffsetByte << 8;
}

/** One IP layer's slots, from `at` (version, offset, partial, id0, step, mask). */
function writeIpParams(ip: IpPlan, v: Int32Array, at: number): void {
  v[at] = ip.version;
  v[at + 1] = ip.offset;
  v[at + 2] = ip.partial;
  v[at + 3] = ip.id0;
  v[at + 4] = ip.idStep;
  v[at + 5] = ip.idMask;
}
