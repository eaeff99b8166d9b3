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
  // offload (docs/offload.md §7, §10)
  NOT_TCP: 'NOT_TCP',
  TCP_FLAGS: 'TCP_FLAGS',
  TOO_LARGE: 'TOO_LARGE',
  HEADER_TOO_LARGE: 'HEADER_TOO_LARGE',
  UNSUPPORTED: 'UNSUPPORTED',
  NOT_CONTIGUOUS: 'NOT_CONTIGUOUS',
  // capture files
  BAD_CAPTURE: 'BAD_CAPTURE',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  // the NVE model (docs/nve.md §7): a policy that cannot be used, and why an endpoint drops a packet
  INVALID_POLICY: 'INVALID_POLICY',
  NO_CUSTOMER_ROUTE: 'NO_CUSTOMER_ROUTE',
  NO_LOOKUP_RECORD: 'NO_LOOKUP_RECORD',
  NO_PROVIDER_ROUTE: 'NO_PROVIDER_ROUTE',
  NO_NEXT_HOP_MAC: 'NO_NEXT_HOP_MAC',
  POLICY_MISMATCH: 'POLICY_MISMATCH',
  SOURCE_MISMATCH: 'SOURCE_MISMATCH',
  UNSUPPORTED_RULE: 'UNSUPPORTED_RULE',
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

/**
 * The brand every {@link NvgreError} carries (a non-enumerable own property). `Symbol.for` gives the
 * same symbol in every copy of the library loaded in one realm, so an error thrown by the CommonJS
 * build (`require('nvgre')`) is recognised by the ES module build (`import 'nvgre'`) and the reverse,
 * though each build has its own class object.
 */
const BRAND: unique symbol = Symbol.for('nvgre.NvgreError');

/**
 * True when `value` is an {@link NvgreError} from any copy of this library: the ESM or the CommonJS
 * build, or another installed version (the error `code` strings are stable across versions).
 * `instanceof NvgreError` answers the same.
 */
export function isNvgreError(value: unknown): value is NvgreError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

export class NvgreError extends Error {
  /**
   * `x instanceof NvgreError` checks the brand ({@link isNvgreError}), so it holds across the ESM and
   * CommonJS builds. A subclass keeps the ordinary prototype-chain test: `x instanceof MyError` is
   * true only for instances of `MyError`.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return this === NvgreError ? isNvgreError(value) : ordinaryHasInstance.call(this, value);
  }

  override readonly name = 'NvgreError';
  readonly code: NvgreErrorCode;
  readonly layer: string;
  readonly offset: number;
  readonly needed: number | undefined;
  readonly available: number | undefined;

  constructor(code: NvgreErrorCode, layer: Layer, offset: number, message: string, details?: NvgreErrorDetails) {
    super(`${code} at ${layer} offset ${offset}: ${message}`);
    Object.defineProperty(this, BRAND, { value: true });
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
