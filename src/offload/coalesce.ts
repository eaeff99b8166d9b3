/**
 * Receive segment coalescing, the inverse of {@link segment}: in-order, contiguous TCP segments of one
 * flow (NVGRE or plain) merged back into one frame. Segments must agree on every header byte except
 * the fields segmentation changes (docs/offload.md §10 table: IP lengths, IPv4 IDs and header checksums,
 * TCP sequence number, FIN/PSH/CWR, TCP checksum) — the same "flush unless identical" rule as Linux
 * GRO (`tcp_gro_receive`, `inet_gro_receive`). The merged frame takes the first segment's headers
 * (IDs, CWR), FIN and PSH from the last, lengths from the merged size, and fresh checksums.
 */
import { assertBytes, put16, typedArraySet, u16, u32 } from '../wire/bytes.js';
import { IPV4, IpProtocol, fillIpv4Checksum } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';
import { FrameLayout, walkFrame } from '../wire/layout.js';
import { TCP, TcpFlag, checkTcp } from '../wire/tcp.js';
import { pseudoHeaderSum } from '../wire/transport.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { argError, checkBooleanOption, checkIntOption, optionsObject } from './report.js';
import { onesComplementSum } from '../wire/checksum.js';
import { verifyChecksums } from './verify.js';

export interface CoalesceOptions {
  /** Refuse (`BAD_CHECKSUM`) a segment whose IPv4 header or TCP checksum does not verify, as receive coalescing does. Default false. */
  readonly verifyChecksums?: boolean;
  /** Most segments accepted; more → `TOO_LARGE`. Default 65535. */
  readonly maxSegments?: number;
}

/** Geometry of one walked segment. */
interface Geometry {
  encapsulated: boolean;
  outerVersion: number;
  outerOffset: number;
  innerVersion: number;
  innerOffset: number;
  tcpOffset: number;
  headerLength: number;
  payloadEnd: number;
  seq: number;
  flags: number;
}

const layout = new FrameLayout();

function segmentError(code: NvgreErrorCode, index: number, offset: number, message: string): NvgreError {
  return new NvgreError(code, 'segment', offset, `segments[${index}]: ${message}`);
}

function walkSegment(seg: Uint8Array, index: number): Geometry {
  assertBytes(seg, `segments[${index}]`);
  walkFrame(seg, layout, 0, seg.length);
  const tip = layout.transportIp;
  const outer = layout.outerIp;
  if (outer.fragment || tip.fragment) {
    throw segmentError(NvgreErrorCode.FRAGMENTED, index, (tip.fragment ? tip : outer).offset, 'is an IP fragment; only whole TCP segments are coalesced');
  }
  if (tip.version === 0 || tip.protocol !== IpProtocol.TCP || layout.transportOffset < 0) {
    throw segmentError(NvgreErrorCode.NOT_TCP, index, tip.offset, `does not carry TCP${tip.version !== 0 ? ` (protocol ${tip.protocol})` : ''}`);
  }
  const t = layout.transportOffset;
  const thl = checkTcp(seg, t, layout.transportEnd, 'tcp');
  const flags = seg[t + TCP.FLAGS]!;
  if ((flags & (TcpFlag.SYN | TcpFlag.RST | TcpFlag.URG)) !== 0 || u16(seg, t + TCP.URGENT) !== 0) {
    throw segmentError(NvgreErrorCode.TCP_FLAGS, index, t + TCP.FLAGS, 'has SYN, RST or URG set or a nonzero urgent pointer; such segments are never coalesced');
  }
  return {
    encapsulated: layout.encapsulated,
    outerVersion: layout.encapsulated ? outer.version : 0,
    outerOffset: layout.encapsulated ? outer.offset : -1,
    innerVersion: tip.version,
    innerOffset: tip.offset,
    tcpOffset: t,
    headerLength: t + thl,
    payloadEnd: layout.transportEnd,
    seq: u32(seg, t + TCP.SEQ),
    flags,
  };
}

/** Marks the header bytes segmentation rewrites (compared with a mask or not at all). */
function variableBytes(g: Geometry): Uint8Array {
  const mask = new Uint8Array(g.headerLength); // 0 = must be equal, 1 = ignored, 2 = TCP flags byte
  const ip = (version: number, o: number): void => {
    if (version === 4) for (const k of [IPV4.TOTAL_LENGTH, IPV4.ID, IPV4.CHECKSUM]) mask[o + k] = mask[o + k + 1] = 1;
    else if (version === 6) mask[o + IPV6.PAYLOAD_LENGTH] = mask[o + IPV6.PAYLOAD_LENGTH + 1] = 1;
  };
  if (g.encapsulated) ip(g.outerVersion, g.outerOffset);
  ip(g.innerVersion, g.innerOffset);
  for (let k = TCP.SEQ; k < TCP.SEQ + 4; k++) mask[g.tcpOffset + k] = 1;
  mask[g.tcpOffset + TCP.CHECKSUM] = mask[g.tcpOffset + TCP.CHECKSUM + 1] = 1;
  mask[g.tcpOffset + TCP.FLAGS] = 2;
  return mask;
}

const MERGED_FLAGS = TcpFlag.FIN | TcpFlag.PSH | TcpFlag.CWR;

/**
 * Merges `segments` (in order) into one frame. Refusals name the first segment that does not fit:
 * `NOT_CONTIGUOUS` (sequence number ≠ previous sequence + previous payload length, mod 2^32),
 * `INVALID_ARGUMENT` (different header geometry, flow or any other header byte; FIN or PSH before the
 * last segment; no segments), `NOT_TCP`, `FRAGMENTED`, `TCP_FLAGS`, `BAD_CHECKSUM` (with
 * `verifyChecksums`), `BAD_LENGTH` (merged IP length > 65535), `TOO_LARGE` (`maxSegments`) and the
 * walk's `TRUNCATED` / `BAD_IP_HEADER`. Ethernet padding after an IP datagram is never payload.
 */
export function coalesce(segments: readonly Uint8Array[], options?: CoalesceOptions): Uint8Array {
  if (!Array.isArray(segments)) throw argError(`segments must be an array of Uint8Array, got ${typeof segments}`);
  const o = optionsObject(options, 'options');
  checkBooleanOption(o?.verifyChecksums, 'options.verifyChecksums');
  checkIntOption(o?.maxSegments, 'options.maxSegments', 1, Number.MAX_SAFE_INTEGER);
  const n = segments.length;
  if (n === 0) throw argError('segments is empty; nothing to coalesce');
  const maxSegments = o?.maxSegments ?? 65535;
  if (n > maxSegments) {
    throw new NvgreError(NvgreErrorCode.TOO_LARGE, 'segment', 0, `${n} segments exceed maxSegments ${maxSegments}`, { needed: n, available: maxSegments });
  }
  const first = segments[0]!;
  const g0 = walkSegment(first, 0);
  const mask = variableBytes(g0);
  const H = g0.headerLength;
  let total = g0.payloadEnd;
  let nextSeq = (g0.seq + (g0.payloadEnd - H)) >>> 0;
  const ends: number[] = [g0.payloadEnd];
  let lastFlags = g0.flags;
  for (let i = 0; i < n; i++) {
    const seg = segments[i]!;
    const g = i === 0 ? g0 : walkSegment(seg, i);
    if (o?.verifyChecksums === true) {
      const r = verifyChecksums(seg);
      if (r.outerIpv4 === 'bad' || r.innerIpv4 === 'bad' || r.transport.status !== 'ok') {
        throw segmentError(NvgreErrorCode.BAD_CHECKSUM, i, 0, `checksum does not verify (outer IPv4 ${r.outerIpv4}, inner IPv4 ${r.innerIpv4}, TCP ${r.transport.status})`);
      }
    }
    if (i > 0) {
      if (
        g.encapsulated !== g0.encapsulated ||
        g.outerVersion !== g0.outerVersion ||
        g.outerOffset !== g0.outerOffset ||
        g.innerVersion !== g0.innerVersion ||
        g.innerOffset !== g0.innerOffset ||
        g.tcpOffset !== g0.tcpOffset ||
        g.headerLength !== H
      ) {
        throw segmentError(NvgreErrorCode.INVALID_ARGUMENT, i, 0, `has a different header layout (${g.headerLength} header bytes, TCP at ${g.tcpOffset}) than segments[0] (${H}, TCP at ${g0.tcpOffset})`);
      }
      for (let k = 0; k < H; k++) {
        const m = mask[k]!;
        if (m === 1) continue;
        const a = seg[k]!;
        const b = first[k]!;
        if (m === 2 ? ((a ^ b) & ~MERGED_FLAGS) !== 0 : a !== b) {
          throw segmentError(NvgreErrorCode.INVALID_ARGUMENT, i, k, `header byte ${k} is 0x${a.toString(16)} but 0x${b.toString(16)} in segments[0]: not the same flow or not produced by segmenting one send`);
        }
      }
      if (g.seq !== nextSeq) {
        throw segmentError(NvgreErrorCode.NOT_CONTIGUOUS, i, g.tcpOffset + TCP.SEQ, `starts at sequence ${g.seq}, expected ${nextSeq} (previous sequence + payload)`);
      }
      const pay = g.payloadEnd - H;
      nextSeq = (g.seq + pay) >>> 0;
      total += pay;
      ends.push(g.payloadEnd);
    }
    if (i < n - 1 && (g.flags & (TcpFlag.FIN | TcpFlag.PSH)) !== 0) {
      throw segmentError(NvgreErrorCode.INVALID_ARGUMENT, i, g.tcpOffset + TCP.FLAGS, `has ${g.flags & TcpFlag.FIN ? 'FIN' : 'PSH'} set but is not the last segment`);
    }
    lastFlags = g.flags;
  }

  // Lengths must fit before anything is built.
  const lengthOf = (version: number, offset: number): number => total - offset - (version === 6 ? IPV6.HEADER_LENGTH : 0);
  for (const [version, offset] of [
    [g0.outerVersion, g0.outerOffset],
    [g0.innerVersion, g0.innerOffset],
  ] as const) {
    if (version !== 0 && lengthOf(version, offset) > 0xffff) {
      throw new NvgreError(NvgreErrorCode.BAD_LENGTH, 'segment', offset, `the merged IPv${version} ${version === 4 ? 'Total' : 'Payload'} Length would be ${lengthOf(version, offset)}, over 65535`, {
        needed: lengthOf(version, offset),
        available: 0xffff,
      });
    }
  }

  const out = new Uint8Array(total);
  typedArraySet.call(out, first.subarray(0, H), 0);
  let w = H;
  for (let i = 0; i < n; i++) {
    const seg = segments[i]!;
    const end = ends[i]!;
    typedArraySet.call(out, seg.subarray(H, end), w);
    w += end - H;
  }
  const t = g0.tcpOffset;
  out[t + TCP.FLAGS] = (g0.flags & ~(TcpFlag.FIN | TcpFlag.PSH)) | (lastFlags & (TcpFlag.FIN | TcpFlag.PSH));
  for (const [version, offset] of [
    [g0.outerVersion, g0.outerOffset],
    [g0.innerVersion, g0.innerOffset],
  ] as const) {
    if (version === 4) {
      put16(out, offset + IPV4.TOTAL_LENGTH, lengthOf(4, offset));
      fillIpv4Checksum(out, offset, (out[offset]! & 0x0f) * 4);
    } else if (version === 6) {
      put16(out, offset + IPV6.PAYLOAD_LENGTH, lengthOf(6, offset));
    }
  }
  // Fresh TCP checksum over the merged segment (field taken as 0).
  walkFrame(out, layout, 0, out.length);
  const tip = layout.transportIp;
  const l4 = total - t;
  put16(out, t + TCP.CHECKSUM, 0);
  put16(out, t + TCP.CHECKSUM, onesComplementSum(out, t, l4, pseudoHeaderSum(out, tip.version as 4 | 6, tip.offset, tip.dstOffset, IpProtocol.TCP, l4)) ^ 0xffff);
  return out;
}
