/**
 * The result type shared by Tx checksum offload emulation ({@link fillChecksums}) and Rx checksum
 * reporting ({@link verifyChecksums}), the NDIS flag values it carries, and the small helpers both
 * build it with (docs/offload.md §8–§9).
 */
import { IpProtocol } from '../wire/ipv4.js';
import type { FrameLayout, IpLayout } from '../wire/layout.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';

/**
 * Status of one checksum layer.
 *
 * | Value | verifyChecksums | fillChecksums |
 * |---|---|---|
 * | `ok` | the stored checksum verifies | a checksum was written (the field verifies now) |
 * | `bad` | the stored checksum does not verify | — |
 * | `partial` | with `partialAsSeed`: the field holds a Tx-offload pseudo-header seed (docs/offload.md §16 #10) | — |
 * | `absent` | no such header; or UDP checksum 0 = "no checksum" (UDP/IPv4, or a configured RFC 6935 zero-checksum port) | same; or UDP/IPv4 0 kept with `udpZeroMeansNone` |
 * | `not-applicable` | the header is present but carries no checksum this layer handles (other protocol), or encapsulated offload is off so the inner layers are not examined | same |
 * | `unverifiable` | fragment (outer or inner), or truncated / inconsistent transport header | the checksum cannot be computed: left unchanged |
 * | `skipped` | — | present, but not requested: left unchanged |
 */
export type LayerStatus = 'ok' | 'bad' | 'partial' | 'absent' | 'not-applicable' | 'unverifiable' | 'skipped';

/** The innermost transport: a name for the checksummed protocols, `'none'` without one, else the IP protocol number. */
export type TransportProtocol = 'tcp' | 'udp' | 'icmpv4' | 'icmpv6' | 'none' | number;

export interface TransportReport {
  readonly protocol: TransportProtocol;
  readonly status: LayerStatus;
}

/**
 * `NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO.Receive` as a miniport would set it (docs/offload.md §9). For
 * {@link fillChecksums} the same derivation describes the written frame: what Rx offload would report
 * for the layers now known to be good (a layer that was skipped counts as not checked).
 */
export interface ChecksumFlags {
  /** At least one IPv4 header is present and every present IPv4 header (outer and inner) verifies. */
  readonly ipChecksumSucceeded: boolean;
  /** Any present IPv4 header fails. */
  readonly ipChecksumFailed: boolean;
  readonly tcpChecksumSucceeded: boolean;
  readonly tcpChecksumFailed: boolean;
  readonly udpChecksumSucceeded: boolean;
  readonly udpChecksumFailed: boolean;
}

export interface ChecksumReport {
  /** True when the frame is NVGRE and processed as such (see `encapsulatedPacketTaskOffload`). */
  readonly encapsulated: boolean;
  /** The outer IPv4 header; for a plain (non-NVGRE) frame, its only IPv4 header. */
  readonly outerIpv4: LayerStatus;
  /** The inner IPv4 header of an NVGRE frame; `absent` for plain frames. */
  readonly innerIpv4: LayerStatus;
  /** The innermost transport (inner for NVGRE, else the frame's own). */
  readonly transport: TransportReport;
  readonly flags: ChecksumFlags;
  /** `NDIS_NBL_FLAGS_IS_*` bits ({@link NblFlag}), from the inner or outer headers (`nblFlagsFrom`). */
  readonly nblFlags: number;
  /** With `validateSeed` (fillChecksums): whether the TCP/UDP field held the expected pseudo-header seed. */
  readonly seed?: 'ok' | 'mismatch';
}

/** `NET_BUFFER_LIST.NblFlags` protocol bits (ndis.h). Which headers they describe is a library rule (docs/offload.md §9). */
export const NblFlag = {
  IS_IPV4: 0x200,
  IS_IPV6: 0x400,
  IS_TCP: 0x800,
  IS_UDP: 0x1000,
} as const;

/**
 * `NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD` capability bits (docs/offload.md §7): each of
 * `TransmitChecksumOffloadSupported`, `ReceiveChecksumOffloadSupported`, `LsoV2Supported` is an OR of these.
 */
export const EncapsulatedOffloadCapability = {
  INNER_IPV4: 0x1,
  OUTER_IPV4: 0x2,
  INNER_IPV6: 0x4,
  OUTER_IPV6: 0x8,
} as const;

/** `NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD.MaxHeaderSizeSupported` suggested default (docs/offload.md §7). */
export const DEFAULT_MAX_HEADER_SIZE = 256;

/** Which headers `nblFlags` describes (docs/offload.md §9 library rule; default `'inner'`). */
export type NblFlagsFrom = 'inner' | 'outer';

// ---------------------------------------------------------------------------------------------
// Internal helpers shared by fill.ts / verify.ts / segment.ts / coalesce.ts

export function argError(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

export function optionsObject<T extends object>(options: T | undefined, name: string): T | undefined {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw argError(`${name} must be an object or undefined, got ${options === null ? 'null' : typeof options}`);
  }
  return options;
}

export function checkBooleanOption(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw argError(`${name} must be a boolean, got ${typeof value}`);
}

export function checkEnumOption(value: unknown, name: string, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw argError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${typeof value === 'string' ? `'${value}'` : typeof value}`);
  }
}

/** Integer in [min, max] (or `Infinity` when `allowInfinity`), else INVALID_ARGUMENT naming the option. */
export function checkIntOption(value: unknown, name: string, min: number, max: number, allowInfinity = false): void {
  if (value === undefined) return;
  if (allowInfinity && value === Infinity) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw argError(`${name} must be an integer from ${min} to ${max}${allowInfinity ? ' (or Infinity)' : ''}, got ${typeof value === 'number' ? value : typeof value}`);
  }
}

/** Report name of a transport protocol; ICMPv4 counts only over IPv4 and ICMPv6 only over IPv6. */
export function transportName(protocol: number, ipVersion: number): TransportProtocol {
  switch (protocol) {
    case IpProtocol.TCP:
      return 'tcp';
    case IpProtocol.UDP:
      return 'udp';
    case IpProtocol.ICMP:
      return ipVersion === 4 ? 'icmpv4' : protocol;
    case IpProtocol.ICMPV6:
      return ipVersion === 6 ? 'icmpv6' : protocol;
    case IpProtocol.NO_NEXT_HEADER:
      return ipVersion === 6 ? 'none' : protocol;
    default:
      return protocol;
  }
}

/** NblFlags of one IP header and the protocol it carries. */
function nblOf(ip: IpLayout): number {
  if (ip.version === 0) return 0;
  let f = ip.version === 4 ? NblFlag.IS_IPV4 : NblFlag.IS_IPV6;
  if (ip.protocol === IpProtocol.TCP) f |= NblFlag.IS_TCP;
  else if (ip.protocol === IpProtocol.UDP) f |= NblFlag.IS_UDP;
  return f;
}

/** `nblFlags` for a walked frame; `transportIp` is the header the offload treats as carrying the transport. */
export function nblFlagsOf(layout: FrameLayout, transportIp: IpLayout, from: NblFlagsFrom | undefined): number {
  return from === 'outer' ? nblOf(layout.outerIp) : nblOf(transportIp);
}

function flagsObject(ip: number, l4: number): ChecksumFlags {
  return Object.freeze({
    ipChecksumSucceeded: ip === 1,
    ipChecksumFailed: ip === 2,
    tcpChecksumSucceeded: l4 === 1,
    tcpChecksumFailed: l4 === 2,
    udpChecksumSucceeded: l4 === 3,
    udpChecksumFailed: l4 === 4,
  });
}

/** The 15 possible flag sets, shared and frozen: building a report allocates only the report itself. */
const FLAGS: readonly ChecksumFlags[] = Array.from({ length: 15 }, (_, k) => flagsObject(Math.floor(k / 5), k % 5));

const STATUSES: readonly LayerStatus[] = ['ok', 'bad', 'partial', 'absent', 'not-applicable', 'unverifiable', 'skipped'];
const NAMES = ['tcp', 'udp', 'icmpv4', 'icmpv6', 'none'] as const;

/** Shared frozen `{ protocol, status }` objects for the named protocols. */
const TRANSPORTS: readonly (readonly TransportReport[])[] = NAMES.map((protocol) =>
  STATUSES.map((status) => Object.freeze({ protocol, status })),
);

function statusIndex(s: LayerStatus): number {
  switch (s) {
    case 'ok':
      return 0;
    case 'bad':
      return 1;
    case 'partial':
      return 2;
    case 'absent':
      return 3;
    case 'not-applicable':
      return 4;
    case 'unverifiable':
      return 5;
    default:
      return 6;
  }
}

function transportObject(protocol: TransportProtocol, status: LayerStatus): TransportReport {
  switch (protocol) {
    case 'tcp':
      return TRANSPORTS[0]![statusIndex(status)]!;
    case 'udp':
      return TRANSPORTS[1]![statusIndex(status)]!;
    case 'icmpv4':
      return TRANSPORTS[2]![statusIndex(status)]!;
    case 'icmpv6':
      return TRANSPORTS[3]![statusIndex(status)]!;
    case 'none':
      return TRANSPORTS[4]![statusIndex(status)]!;
    default:
      return { protocol, status };
  }
}

/**
 * Builds the report; the NDIS flags derive from the statuses (docs/offload.md §9 table). The `transport`
 * (for named protocols) and `flags` members are shared frozen objects.
 */
export function makeReport(
  encapsulated: boolean,
  outerIpv4: LayerStatus,
  innerIpv4: LayerStatus,
  protocol: TransportProtocol,
  status: LayerStatus,
  nblFlags: number,
): ChecksumReport {
  let ip = 0;
  if (outerIpv4 === 'bad' || innerIpv4 === 'bad') ip = 2;
  else if (
    (outerIpv4 === 'ok' || innerIpv4 === 'ok') &&
    outerIpv4 !== 'skipped' &&
    innerIpv4 !== 'skipped' &&
    outerIpv4 !== 'unverifiable' &&
    innerIpv4 !== 'unverifiable'
  ) {
    ip = 1;
  }
  let l4 = 0;
  if (protocol === 'tcp') l4 = status === 'ok' ? 1 : status === 'bad' ? 2 : 0;
  else if (protocol === 'udp') l4 = status === 'ok' ? 3 : status === 'bad' ? 4 : 0;
  return reportObject(encapsulated, outerIpv4, innerIpv4, transportObject(protocol, status), FLAGS[ip * 5 + l4]!, nblFlags);
}

/**
 * A fresh report with `template`'s members and `nblFlags`: for a hot path that keeps one template per
 * verdict (offload/verify.ts) and so skips the lookups of {@link makeReportFromCodes}.
 */
export function reportFrom(template: ChecksumReport, nblFlags: number): ChecksumReport {
  return reportObject(template.encapsulated, template.outerIpv4, template.innerIpv4, template.transport, template.flags, nblFlags);
}

/** The report literal, written once so that every builder gives the same shape (property order). */
function reportObject(
  encapsulated: boolean,
  outerIpv4: LayerStatus,
  innerIpv4: LayerStatus,
  transport: TransportReport,
  flags: ChecksumFlags,
  nblFlags: number,
): ChecksumReport {
  return { encapsulated, outerIpv4, innerIpv4, transport, flags, nblFlags };
}

// Const enums: the build inlines them as literals (hot paths compare against them per packet).

/** A named transport protocol for {@link makeReportFromCodes}; the order of `NAMES`. */
export const enum TransportIndex {
  TCP = 0,
  UDP = 1,
  ICMPV4 = 2,
  ICMPV6 = 3,
}

/** IPv4 header verdicts for {@link makeReportFromCodes}; indexes of `IPV4_CODE_STATUS`. */
export const enum Ipv4Code {
  OK = 0,
  BAD = 1,
  ABSENT = 2,
}

const IPV4_CODE_STATUS: readonly LayerStatus[] = ['ok', 'bad', 'absent'];

/**
 * {@link makeReport} for a hot path that knows its verdicts as numbers (no string comparisons): IPv4
 * headers `ok` / `bad` / `absent`, a named transport that was verified (`transportOk`) or, when
 * `transportAbsent`, carries no checksum (UDP 0). Same report, same shared members.
 */
export function makeReportFromCodes(
  encapsulated: boolean,
  outerIpv4: Ipv4Code,
  innerIpv4: Ipv4Code,
  transport: TransportIndex,
  transportOk: boolean,
  transportAbsent: boolean,
  nblFlags: number,
): ChecksumReport {
  // FLAGS index: ip · 5 + l4, ip 0 none / 1 succeeded / 2 failed (as in makeReport).
  const ip = outerIpv4 === Ipv4Code.BAD || innerIpv4 === Ipv4Code.BAD ? 2 : outerIpv4 === Ipv4Code.OK || innerIpv4 === Ipv4Code.OK ? 1 : 0;
  // STATUSES indexes: ok 0, bad 1, absent 3. FLAGS l4 part: TCP ok 1 / bad 2, UDP ok 3 / bad 4.
  const status = transportAbsent ? 3 : transportOk ? 0 : 1;
  let l4 = 0;
  if (!transportAbsent && transport <= TransportIndex.UDP) l4 = transport * 2 + (transportOk ? 1 : 2);
  return reportObject(
    encapsulated,
    IPV4_CODE_STATUS[outerIpv4]!,
    IPV4_CODE_STATUS[innerIpv4]!,
    TRANSPORTS[transport]![status]!,
    FLAGS[ip * 5 + l4]!,
    nblFlags,
  );
}
