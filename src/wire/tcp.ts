/** TCP header (RFC 9293 §3.1), options included. */
import { put16, put32, toHex, u16, u32 } from './bytes.js';
import { NvgreError, NvgreErrorCode, truncated, type Layer } from './errors.js';

/** Field map. */
export const TCP = {
  SRC_PORT: 0,
  DST_PORT: 2,
  SEQ: 4,
  ACK: 8,
  DATA_OFFSET: 12,
  FLAGS: 13,
  WINDOW: 14,
  CHECKSUM: 16,
  URGENT: 18,
  MIN_HEADER_LENGTH: 20,
  MAX_HEADER_LENGTH: 60,
} as const;

/** Flag bits of byte 13 (NS is bit 0 of byte 12, RFC 3540, historic). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export interface TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly headerLength: number;
  /** Byte 13 flags (FIN 0x01 … CWR 0x80). */
  readonly flags: number;
  readonly ns: boolean;
  readonly window: number;
  readonly checksum: number;
  readonly urgentPointer: number;
  /** Options as hex, empty when none. */
  readonly options: string;
}

/** Checks the header fits before `end`; returns its length (Data Offset · 4). */
export function checkTcp(bytes: Uint8Array, offset: number, end: number, layer: Layer = 'tcp'): number {
  if (end - offset < TCP.MIN_HEADER_LENGTH) throw truncated(layer, offset, TCP.MIN_HEADER_LENGTH, end - offset, 'TCP header');
  const hl = (bytes[offset + TCP.DATA_OFFSET]! >>> 4) * 4;
  if (hl < TCP.MIN_HEADER_LENGTH) {
    throw new NvgreError(NvgreErrorCode.BAD_LENGTH, layer, offset + TCP.DATA_OFFSET, `TCP Data Offset is ${hl / 4} (${hl} bytes); the minimum is 5`, {
      needed: TCP.MIN_HEADER_LENGTH,
      available: hl,
    });
  }
  if (end - offset < hl) throw truncated(layer, offset, hl, end - offset, 'TCP header with options');
  return hl;
}

export function readTcp(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'tcp'): TcpHeader {
  const hl = checkTcp(bytes, offset, end, layer);
  return {
    srcPort: u16(bytes, offset + TCP.SRC_PORT),
    dstPort: u16(bytes, offset + TCP.DST_PORT),
    seq: u32(bytes, offset + TCP.SEQ),
    ack: u32(bytes, offset + TCP.ACK),
    headerLength: hl,
    flags: bytes[offset + TCP.FLAGS]!,
    ns: (bytes[offset + TCP.DATA_OFFSET]! & 1) !== 0,
    window: u16(bytes, offset + TCP.WINDOW),
    checksum: u16(bytes, offset + TCP.CHECKSUM),
    urgentPointer: u16(bytes, offset + TCP.URGENT),
    options: toHex(bytes, offset + TCP.MIN_HEADER_LENGTH, offset + hl),
  };
}

export interface TcpFields {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly flags?: number;
  readonly ns?: boolean;
  readonly window?: number;
  readonly urgentPointer?: number;
  /** Raw option bytes, padded by the caller to a multiple of 4 (at most 40). */
  readonly options?: Uint8Array;
  /** Checksum field value (the caller computes it over the pseudo-header and payload). */
  readonly checksum?: number;
}

export function tcpLength(f: Pick<TcpFields, 'options'>): number {
  return TCP.MIN_HEADER_LENGTH + (f.options?.length ?? 0);
}

export function writeTcp(target: Uint8Array, offset: number, f: TcpFields): number {
  const hl = tcpLength(f);
  put16(target, offset + TCP.SRC_PORT, f.srcPort);
  put16(target, offset + TCP.DST_PORT, f.dstPort);
  put32(target, offset + TCP.SEQ, (f.seq ?? 0) >>> 0);
  put32(target, offset + TCP.ACK, (f.ack ?? 0) >>> 0);
  target[offset + TCP.DATA_OFFSET] = ((hl / 4) << 4) | (f.ns ? 1 : 0);
  target[offset + TCP.FLAGS] = f.flags ?? TcpFlag.ACK;
  put16(target, offset + TCP.WINDOW, f.window ?? 65535);
  put16(target, offset + TCP.CHECKSUM, f.checksum ?? 0);
  put16(target, offset + TCP.URGENT, f.urgentPointer ?? 0);
  if (f.options) target.set(f.options, offset + TCP.MIN_HEADER_LENGTH);
  return hl;
}
