/**
 * The one error type of the library. Every failure on untrusted bytes is an `NvgreError` with a stable
 * `code`, the `layer` where it happened and the byte `offset` (from the start of the caller's view).
 */

/** Stable error codes. Documented in the README; never renamed, only added to. */
export const NvgreErrorCode = {
  TRUNCATED: 'TRUNCATED',
  BAD_LENGTH: 'BAD_LENGTH',
  BAD_IP_HEADER: 'BAD_IP_HEADER',
  BAD_CHECKSUM: 'BAD_CHECKSUM',
  UNSUPPORTED_ETHERTYPE: 'UNSUPPORTED_ETHERTYPE',
  NOT_GRE: 'NOT_GRE',
  FRAGMENTED: 'FRAGMENTED',
  GRE_VERSION: 'GRE_VERSION',
  GRE_FLAGS: 'GRE_FLAGS',
  NO_KEY: 'NO_KEY',
  NOT_TEB: 'NOT_TEB',
  INNER_VLAN: 'INNER_VLAN',
  RESERVED_VSID: 'RESERVED_VSID',
  /** The key's high byte is not zero, which the `low24` key layout requires (docs/nvgre.md §7). */
  RESERVED_KEY_BITS: 'RESERVED_KEY_BITS',
  NESTING_LIMIT: 'NESTING_LIMIT',
  MTU_EXCEEDED: 'MTU_EXCEEDED',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NO_SPACE: 'NO_SPACE',
  // offload (OFFLOAD.md §7, §10)
  NOT_TCP: 'NOT_TCP',
  TCP_FLAGS: 'TCP_FLAGS',
  TOO_LARGE: 'TOO_LARGE',
  HEADER_TOO_LARGE: 'HEADER_TOO_LARGE',
  UNSUPPORTED: 'UNSUPPORTED',
  NOT_CONTIGUOUS: 'NOT_CONTIGUOUS',
  // capture files
  BAD_CAPTURE: 'BAD_CAPTURE',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
} as const;

export type NvgreErrorCode = (typeof NvgreErrorCode)[keyof typeof NvgreErrorCode];

/** Layers named in errors and findings. */
export type Layer =
  | 'argument'
  | 'outer-ethernet'
  | 'outer-ipv4'
  | 'outer-ipv6'
  | 'gre'
  | 'inner-ethernet'
  | 'inner-ipv4'
  | 'inner-ipv6'
  | 'tcp'
  | 'udp'
  | 'icmpv4'
  | 'icmpv6'
  | 'ethernet'
  | 'ipv4'
  | 'ipv6'
  | 'pcap'
  | 'pcapng'
  | 'reassembly'
  | 'segment'
  | (string & {});

/** The plain-data form of an error, as returned by the `try*` functions. */
export interface NvgreErrorInfo {
  readonly code: NvgreErrorCode;
  readonly layer: string;
  readonly offset: number;
  readonly message: string;
  /** Bytes the layer needed, when the error is about a length. */
  readonly needed?: number;
  /** Bytes that were available, when the error is about a length. */
  readonly available?: number;
}

export interface NvgreErrorDetails {
  readonly needed?: number;
  readonly available?: number;
}

export class NvgreError extends Error {
  override readonly name = 'NvgreError';
  readonly code: NvgreErrorCode;
  readonly layer: string;
  readonly offset: number;
  readonly needed: number | undefined;
  readonly available: number | undefined;

  constructor(code: NvgreErrorCode, layer: Layer, offset: number, message: string, details?: NvgreErrorDetails) {
    super(`${code} at ${layer} offset ${offset}: ${message}`);
    this.code = code;
    this.layer = layer;
    this.offset = offset;
    this.needed = details?.needed;
    this.available = details?.available;
  }

  /** Plain JSON-able form (what `tryDecapsulate` returns). */
  toInfo(): NvgreErrorInfo {
    const info: { -readonly [K in keyof NvgreErrorInfo]: NvgreErrorInfo[K] } = {
      code: this.code,
      layer: this.layer,
      offset: this.offset,
      message: this.message,
    };
    if (this.needed !== undefined) info.needed = this.needed;
    if (this.available !== undefined) info.available = this.available;
    return info;
  }
}

/** Throws `TRUNCATED` unless `need` bytes are available at `offset` of a view of `length` bytes. */
export function truncated(layer: Layer, offset: number, need: number, have: number, what: string): NvgreError {
  return new NvgreError(
    NvgreErrorCode.TRUNCATED,
    layer,
    offset,
    `${what} needs ${need} bytes but only ${Math.max(0, have)} remain; the frame is cut short (capture snaplen?)`,
    { needed: need, available: Math.max(0, have) },
  );
}

/** `NO_SPACE`: a writer's target has too few bytes after `offset` for the `needed` ones (nothing was written). */
export function noSpace(targetLength: number, offset: number, needed: number): NvgreError {
  const available = Math.max(0, targetLength - offset);
  return new NvgreError(NvgreErrorCode.NO_SPACE, 'argument', offset, `target has ${available} bytes after offset ${offset}; ${needed} are needed`, {
    needed,
    available,
  });
}

export type TryResult<T> = { ok: true; value: T } | { ok: false; error: NvgreErrorInfo };
