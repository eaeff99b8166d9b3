/** UDP header (RFC 768). */
import { put16, u16 } from './bytes.js';
import { NvgreError, NvgreErrorCode, truncated, type Layer } from './errors.js';

/** Field map. */
export const UDP = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6, HEADER_LENGTH: 8 } as const;

export interface UdpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly length: number;
  readonly checksum: number;
}

/** Checks the header fits and its Length field is within [8, end − offset]; returns the Length. */
export function checkUdp(bytes: Uint8Array, offset: number, end: number, layer: Layer = 'udp'): number {
  if (end - offset < UDP.HEADER_LENGTH) throw truncated(layer, offset, UDP.HEADER_LENGTH, end - offset, 'UDP header');
  const len = u16(bytes, offset + UDP.LENGTH);
  if (len < UDP.HEADER_LENGTH || len > end - offset) {
    throw new NvgreError(
      NvgreErrorCode.BAD_LENGTH,
      layer,
      offset + UDP.LENGTH,
      `UDP Length ${len} is outside [8, ${end - offset}] (the bytes the IP header leaves for it)`,
      { needed: len, available: end - offset },
    );
  }
  return len;
}

export function readUdp(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'udp'): UdpHeader {
  const length = checkUdp(bytes, offset, end, layer);
  return {
    srcPort: u16(bytes, offset + UDP.SRC_PORT),
    dstPort: u16(bytes, offset + UDP.DST_PORT),
    length,
    checksum: u16(bytes, offset + UDP.CHECKSUM),
  };
}

export interface UdpFields {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Bytes after the header; Length = 8 + payloadLength unless `length` is given. */
  readonly payloadLength: number;
  readonly length?: number;
  readonly checksum?: number;
}

export function writeUdp(target: Uint8Array, offset: number, f: UdpFields): number {
  put16(target, offset + UDP.SRC_PORT, f.srcPort);
  put16(target, offset + UDP.DST_PORT, f.dstPort);
  put16(target, offset + UDP.LENGTH, f.length ?? UDP.HEADER_LENGTH + f.payloadLength);
  put16(target, offset + UDP.CHECKSUM, f.checksum ?? 0);
  return UDP.HEADER_LENGTH;
}
