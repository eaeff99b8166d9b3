/**
 * NDIS per-packet metadata and capability checks for encapsulated (NVGRE) offloads (docs/offload.md §7):
 * `NDIS_TCP_SEND_OFFLOADS_SUPPLEMENTAL_NET_BUFFER_LIST_INFO.EncapsulatedPacketOffsets`,
 * `NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD` capability bits and `MaxHeaderSizeSupported`.
 *
 * Library rules (§7): offsets are always derived by parsing; offsets a caller supplies must fit their
 * bit widths and match the parse (`INVALID_ARGUMENT`); headers beyond `maxHeaderSize` give
 * `HEADER_TOO_LARGE`; a frame outside the configured capability bits gives `UNSUPPORTED`.
 */
import { assertBytes } from '../wire/bytes.js';
import { FrameLayout, walkFrame } from '../wire/layout.js';
import { TCP } from '../wire/tcp.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { argError, EncapsulatedOffloadCapability } from './report.js';

/**
 * The three offsets and two bits of `EncapsulatedPacketOffsets` (docs/offload.md §7 table). With
 * `IsEncapsulatedPacket`, `TcpHeaderOffset` of the Transmit / LsoV2Transmit structures holds a wrong
 * value and is never used [CSUM-NVGRE][LSO-NVGRE].
 */
export interface NdisEncapsulatedOffsets {
  /** Frame start → inner Ethernet header; 8 bits (0–255). */
  readonly innerFrameOffset: number;
  /** Inner Ethernet header → inner IP header; 6 bits (0–63). */
  readonly transportIpHeaderRelativeOffset: number;
  /** Inner IP header → inner transport header; 10 bits (0–1023); valid even when the inner L4 is not TCP. */
  readonly tcpHeaderRelativeOffset: number;
  /** Inner IP version is 6. */
  readonly isInnerIPv6: boolean;
  /** Inner TCP carries options (when false a NIC may assume a 20-byte header); checked only when given and the inner L4 is TCP. */
  readonly tcpOptionsPresent?: boolean;
}

const WIDTH = { innerFrameOffset: 8, transportIpHeaderRelativeOffset: 6, tcpHeaderRelativeOffset: 10 } as const;

function offsetField(o: NdisEncapsulatedOffsets, name: keyof typeof WIDTH): number {
  const v = o[name];
  const max = 2 ** WIDTH[name] - 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw argError(`ndisOffsets.${name} is a ${WIDTH[name]}-bit field (0–${max}), got ${typeof v === 'number' ? v : typeof v}`);
  }
  return v;
}

/** Offset of the inner upper-layer header even for a non-first fragment (where `upperOffset` is -1). */
function innerUpperOffset(layout: FrameLayout): number {
  const ip = layout.innerIp;
  return ip.offset + ip.headerLength;
}

/**
 * Checks caller-supplied offsets against the walked frame. `layout` must come from walking the same
 * bytes with the frame starting at `layout.start`.
 */
export function checkNdisOffsets(bytes: Uint8Array, layout: FrameLayout, o: NdisEncapsulatedOffsets): void {
  if (o === null || typeof o !== 'object') throw argError('ndisOffsets must be an object');
  const innerFrameOffset = offsetField(o, 'innerFrameOffset');
  const ipRel = offsetField(o, 'transportIpHeaderRelativeOffset');
  const l4Rel = offsetField(o, 'tcpHeaderRelativeOffset');
  if (typeof o.isInnerIPv6 !== 'boolean') throw argError(`ndisOffsets.isInnerIPv6 must be a boolean, got ${typeof o.isInnerIPv6}`);
  if (o.tcpOptionsPresent !== undefined && typeof o.tcpOptionsPresent !== 'boolean') {
    throw argError(`ndisOffsets.tcpOptionsPresent must be a boolean, got ${typeof o.tcpOptionsPresent}`);
  }
  if (!layout.encapsulated) throw argError('ndisOffsets describe an encapsulated packet, but the frame is not NVGRE');
  const ie = layout.innerEthernetOffset - layout.start;
  if (innerFrameOffset !== ie) {
    throw argError(`ndisOffsets.innerFrameOffset is ${innerFrameOffset}, but the inner Ethernet header starts at ${ie}`);
  }
  const ip = layout.innerIp;
  if (ip.version === 0) throw argError('ndisOffsets describe a transport IP header, but the inner frame does not carry IP');
  const ipActual = ip.offset - layout.innerEthernetOffset;
  if (ipRel !== ipActual) {
    throw argError(`ndisOffsets.transportIpHeaderRelativeOffset is ${ipRel}, but the inner IP header is ${ipActual} bytes after the inner Ethernet header`);
  }
  if (o.isInnerIPv6 !== (ip.version === 6)) {
    throw argError(`ndisOffsets.isInnerIPv6 is ${o.isInnerIPv6}, but the inner IP header is IPv${ip.version}`);
  }
  const l4Actual = innerUpperOffset(layout) - ip.offset;
  if (l4Rel !== l4Actual) {
    throw argError(`ndisOffsets.tcpHeaderRelativeOffset is ${l4Rel}, but the inner transport header is ${l4Actual} bytes after the inner IP header`);
  }
  if (o.tcpOptionsPresent !== undefined && layout.transportProtocol === 6 && layout.transportEnd - layout.transportOffset >= TCP.MIN_HEADER_LENGTH) {
    const hasOptions = bytes[layout.transportOffset + TCP.DATA_OFFSET]! >>> 4 > 5;
    if (o.tcpOptionsPresent !== hasOptions) {
      throw argError(`ndisOffsets.tcpOptionsPresent is ${o.tcpOptionsPresent}, but the inner TCP header ${hasOptions ? 'has' : 'has no'} options`);
    }
  }
}

const walkLayout = new FrameLayout();

/**
 * The `EncapsulatedPacketOffsets` a host would hand to a miniport for `frame` (derived by parsing; the
 * library never needs them). Throws `INVALID_ARGUMENT` when the frame is not NVGRE with an inner IP
 * header, `UNSUPPORTED` when an offset does not fit its bit width.
 */
export function ndisOffsetsOf(frame: Uint8Array): NdisEncapsulatedOffsets {
  assertBytes(frame, 'frame');
  const layout = walkFrame(frame, walkLayout, 0, frame.length);
  if (!layout.encapsulated) throw argError('the frame is not NVGRE');
  const ip = layout.innerIp;
  if (ip.version === 0) throw argError('the inner frame does not carry IP');
  const out: { -readonly [K in keyof NdisEncapsulatedOffsets]: NdisEncapsulatedOffsets[K] } = {
    innerFrameOffset: layout.innerEthernetOffset,
    transportIpHeaderRelativeOffset: ip.offset - layout.innerEthernetOffset,
    tcpHeaderRelativeOffset: innerUpperOffset(layout) - ip.offset,
    isInnerIPv6: ip.version === 6,
  };
  for (const name of Object.keys(WIDTH) as (keyof typeof WIDTH)[]) {
    if (out[name] >= 2 ** WIDTH[name]) {
      throw new NvgreError(NvgreErrorCode.UNSUPPORTED, 'argument', 0, `${name} would be ${out[name]}, which does not fit its ${WIDTH[name]}-bit field`);
    }
  }
  if (layout.transportProtocol === 6 && layout.transportEnd - layout.transportOffset >= TCP.MIN_HEADER_LENGTH) {
    out.tcpOptionsPresent = frame[layout.transportOffset + TCP.DATA_OFFSET]! >>> 4 > 5;
  }
  return out;
}

/**
 * `UNSUPPORTED` unless the capability bits cover the outer and (when IP) inner versions of an
 * encapsulated frame. `what` names the capability member for the message.
 */
export function checkCapabilities(capabilities: number, outerVersion: number, innerVersion: number, what: string): void {
  const C = EncapsulatedOffloadCapability;
  const outerBit = outerVersion === 4 ? C.OUTER_IPV4 : outerVersion === 6 ? C.OUTER_IPV6 : 0;
  const innerBit = innerVersion === 4 ? C.INNER_IPV4 : innerVersion === 6 ? C.INNER_IPV6 : 0;
  if ((capabilities & outerBit) !== outerBit || (capabilities & innerBit) !== innerBit) {
    throw new NvgreError(
      NvgreErrorCode.UNSUPPORTED,
      'argument',
      0,
      `${what} 0x${capabilities.toString(16)} does not cover outer IPv${outerVersion}${innerVersion ? ` / inner IPv${innerVersion}` : ''} (docs/offload.md §7)`,
    );
  }
}

/** Capabilities cover the frame's versions (no throw). */
export function capabilitiesCover(capabilities: number, outerVersion: number, innerVersion: number): boolean {
  const C = EncapsulatedOffloadCapability;
  const need = (outerVersion === 4 ? C.OUTER_IPV4 : outerVersion === 6 ? C.OUTER_IPV6 : 0) | (innerVersion === 4 ? C.INNER_IPV4 : innerVersion === 6 ? C.INNER_IPV6 : 0);
  return (capabilities & need) === need;
}

export function headerTooLarge(headerLength: number, max: number, offset: number): NvgreError {
  return new NvgreError(
    NvgreErrorCode.HEADER_TOO_LARGE,
    'argument',
    offset,
    `the headers up to the inner transport payload are ${headerLength} bytes, over maxHeaderSize ${max} (MaxHeaderSizeSupported, docs/offload.md §7)`,
    { needed: headerLength, available: max },
  );
}
