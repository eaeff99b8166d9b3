/**
 * The lint findings: stable codes, their fixed severities, and the finding record (lint.ts makes them).
 */
import type { KeyLayout } from '../wire/gre.js';

/** Stable finding codes. Documented in the README; never renamed, only added to. */
export const LintCode = {
  // GRE header (RFC 2784, RFC 2890, RFC 7637 §3.2)
  GRE_VERSION: 'GRE_VERSION',
  GRE_RESERVED_BITS: 'GRE_RESERVED_BITS',
  GRE_RESERVED_IGNORED_BITS: 'GRE_RESERVED_IGNORED_BITS',
  GRE_CHECKSUM_PRESENT: 'GRE_CHECKSUM_PRESENT',
  GRE_CHECKSUM_BAD: 'GRE_CHECKSUM_BAD',
  GRE_SEQUENCE_PRESENT: 'GRE_SEQUENCE_PRESENT',
  NOT_TEB: 'NOT_TEB',
  NO_KEY: 'NO_KEY',
  // Key (RFC 7637 §3.2–§3.4, docs/nvgre.md §7)
  RESERVED_VSID: 'RESERVED_VSID',
  VENDOR_VSID: 'VENDOR_VSID',
  FLOWID_ZERO: 'FLOWID_ZERO',
  LEGACY_KEY_LAYOUT: 'LEGACY_KEY_LAYOUT',
  LEGACY_KEY_MISMATCH: 'LEGACY_KEY_MISMATCH',
  /** Under the low24 key layout, a key whose high byte is set (docs/nvgre.md §7). */
  RESERVED_KEY_BITS: 'RESERVED_KEY_BITS',
  // Inner Ethernet (RFC 7637 §3.3)
  INNER_VLAN: 'INNER_VLAN',
  INNER_PRIORITY_TAG: 'INNER_PRIORITY_TAG',
  NESTED_NVGRE: 'NESTED_NVGRE',
  NESTING_LIMIT: 'NESTING_LIMIT',
  // Delivery header (RFC 7637 §4.4, RFC 1122)
  OUTER_FRAGMENT: 'OUTER_FRAGMENT',
  DF_CLEAR: 'DF_CLEAR',
  TTL_ZERO: 'TTL_ZERO',
  TTL_ONE: 'TTL_ONE',
  MTU_EXCEEDED: 'MTU_EXCEEDED',
  // Checksums (docs/offload.md §2)
  OUTER_IPV4_CHECKSUM: 'OUTER_IPV4_CHECKSUM',
  INNER_IPV4_CHECKSUM: 'INNER_IPV4_CHECKSUM',
  INNER_TCP_CHECKSUM: 'INNER_TCP_CHECKSUM',
  INNER_UDP_CHECKSUM: 'INNER_UDP_CHECKSUM',
  INNER_ICMP_CHECKSUM: 'INNER_ICMP_CHECKSUM',
  IPV6_UDP_ZERO_CHECKSUM: 'IPV6_UDP_ZERO_CHECKSUM',
  INNER_FRAGMENT: 'INNER_FRAGMENT',
  // Structure
  /** A capture record of a link type this library does not read (lintRecord): it was not examined. */
  UNSUPPORTED_LINK_TYPE: 'UNSUPPORTED_LINK_TYPE',
  TRUNCATED: 'TRUNCATED',
  BAD_LENGTH: 'BAD_LENGTH',
  BAD_IP_HEADER: 'BAD_IP_HEADER',
  NOT_NVGRE: 'NOT_NVGRE',
} as const;

export type LintCode = (typeof LintCode)[keyof typeof LintCode];

export type LintSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly code: LintCode;
  readonly severity: LintSeverity;
  /** Layer of the offending field: `outer-ipv4`, `gre`, `inner-ethernet`, `tcp`, ... */
  readonly layer: string;
  /** Byte offset of the offending field in the frame. */
  readonly offset: number;
  /** The rule, e.g. `RFC 7637 §3.2`. */
  readonly rfc: string;
  /** One sentence: what is wrong and what to do about it. */
  readonly message: string;
}

export interface LintOptions {
  /** Underlay IP MTU: an outer IP packet larger than this gives `MTU_EXCEEDED`. */
  readonly mtu?: number;
  /**
   * Also say how peers using the other key layouts read each key (docs/nvgre.md §7): the first draft's
   * text (VSID in the low 24 bits) and its figure (VSID high, reserved low byte). `LEGACY_KEY_MISMATCH`
   * (warning) when any reads another VSID or drops it, `LEGACY_KEY_LAYOUT` (info) when all agree.
   */
  readonly legacyKeyView?: boolean;
  /**
   * How this receiver reads the key (docs/nvgre.md §7): `'rfc7637'` (default) or `'low24'` (VSID in the
   * low 24 bits; a non-zero high byte is `RESERVED_KEY_BITS`, an error; no FlowID, so no `FLOWID_ZERO`).
   */
  readonly keyLayout?: KeyLayout;
  /**
   * Judge as NVGRE only GRE that claims to be NVGRE (protocol 0x6558, RFC 7637 §3.2). Other GRE
   * (IPv4-in-GRE, PPTP, ERSPAN, ...) then gets one `NOT_NVGRE` info finding naming what it carries (its
   * outer header is checked like any non-NVGRE packet's), and GRE inside an NVGRE frame is VM payload.
   * Default false: every GRE packet is judged as NVGRE (`nvgre lint --all-gre`). The CLI and the doctor
   * set it.
   */
  readonly nvgreOnly?: boolean;
  /** NVGRE levels walked before `NESTING_LIMIT` (default 4, as parseFrame). */
  readonly maxDepth?: number;
}

/** Severity of every code: fixed, so filters and exit statuses are predictable. */
export const LINT_SEVERITY: Readonly<Record<LintCode, LintSeverity>> = {
  GRE_VERSION: 'error',
  GRE_RESERVED_BITS: 'error',
  GRE_RESERVED_IGNORED_BITS: 'warning',
  GRE_CHECKSUM_PRESENT: 'error',
  GRE_CHECKSUM_BAD: 'error',
  GRE_SEQUENCE_PRESENT: 'error',
  NOT_TEB: 'error',
  NO_KEY: 'error',
  RESERVED_VSID: 'error',
  VENDOR_VSID: 'warning',
  FLOWID_ZERO: 'info',
  LEGACY_KEY_LAYOUT: 'info',
  LEGACY_KEY_MISMATCH: 'warning',
  RESERVED_KEY_BITS: 'error',
  INNER_VLAN: 'error',
  INNER_PRIORITY_TAG: 'error',
  NESTED_NVGRE: 'warning',
  NESTING_LIMIT: 'error',
  OUTER_FRAGMENT: 'error',
  DF_CLEAR: 'warning',
  TTL_ZERO: 'warning',
  TTL_ONE: 'info',
  MTU_EXCEEDED: 'error',
  OUTER_IPV4_CHECKSUM: 'error',
  INNER_IPV4_CHECKSUM: 'error',
  INNER_TCP_CHECKSUM: 'error',
  INNER_UDP_CHECKSUM: 'error',
  INNER_ICMP_CHECKSUM: 'error',
  IPV6_UDP_ZERO_CHECKSUM: 'error',
  INNER_FRAGMENT: 'info',
  UNSUPPORTED_LINK_TYPE: 'error',
  TRUNCATED: 'error',
  BAD_LENGTH: 'error',
  BAD_IP_HEADER: 'error',
  NOT_NVGRE: 'info',
};
