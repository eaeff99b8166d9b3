/**
 * The doctor's finding codes, their severities and documentation sections, and the shapes of its
 * options, findings and report (docs/doctor.md).
 */
import type { KeyLayout } from '../../wire/gre.js';
import type { NvePolicy } from '../../nve/compile.js';
import type { Policy } from '../../nve/policy.js';
import type { LintSeverity } from '../lint-codes.js';

/** Stable finding codes (docs/doctor.md lists each with its rule and fix). Never renamed, only added to. */
export const DoctorCode = {
  UNREADABLE_FRAMES: 'UNREADABLE_FRAMES',
  SNAPLEN_CUT: 'SNAPLEN_CUT',
  TX_CHECKSUM_UDP_ONLY: 'TX_CHECKSUM_UDP_ONLY',
  TX_CHECKSUM_FAULT: 'TX_CHECKSUM_FAULT',
  TX_CHECKSUM_PENDING: 'TX_CHECKSUM_PENDING',
  KEY_LAYOUT_MISMATCH: 'KEY_LAYOUT_MISMATCH',
  DRAFT_KEY_LAYOUT: 'DRAFT_KEY_LAYOUT',
  ADMIN_PROHIBITED: 'ADMIN_PROHIBITED',
  ONE_WAY_TUNNEL: 'ONE_WAY_TUNNEL',
  UNDERLAY_ICMP_ERROR: 'UNDERLAY_ICMP_ERROR',
  UNDERLAY_FRAG_NEEDED: 'UNDERLAY_FRAG_NEEDED',
  OUTER_FRAGMENTS: 'OUTER_FRAGMENTS',
  OUTER_DF_CLEAR: 'OUTER_DF_CLEAR',
  INNER_MTU_EXCEEDED: 'INNER_MTU_EXCEEDED',
  GSO_SUPERFRAMES: 'GSO_SUPERFRAMES',
  FLOWID_CONSTANT: 'FLOWID_CONSTANT',
  CONFORMANCE: 'CONFORMANCE',
  OTHER_GRE: 'OTHER_GRE',
  POLICY_UNKNOWN_PA: 'POLICY_UNKNOWN_PA',
  POLICY_UNKNOWN_VSID: 'POLICY_UNKNOWN_VSID',
  POLICY_NO_LOOKUP_RECORD: 'POLICY_NO_LOOKUP_RECORD',
  POLICY_RECEIVE_DROP: 'POLICY_RECEIVE_DROP',
  TRACKING_LIMIT: 'TRACKING_LIMIT',
} as const;

export type DoctorCode = (typeof DoctorCode)[keyof typeof DoctorCode];

/**
 * Severity of each code. `CONFORMANCE` takes the severity of the lint code it counts; the others are
 * fixed, so scripts can rely on them: `error` — traffic is being lost; `warning` — it works, but
 * breaks on some path, peer or load; `info` — worth knowing, nothing is wrong.
 */
export const DOCTOR_SEVERITY: Readonly<Record<DoctorCode, LintSeverity>> = {
  UNREADABLE_FRAMES: 'error',
  SNAPLEN_CUT: 'info',
  TX_CHECKSUM_UDP_ONLY: 'error',
  TX_CHECKSUM_FAULT: 'error',
  TX_CHECKSUM_PENDING: 'info',
  KEY_LAYOUT_MISMATCH: 'error',
  DRAFT_KEY_LAYOUT: 'warning',
  ADMIN_PROHIBITED: 'warning',
  ONE_WAY_TUNNEL: 'warning',
  UNDERLAY_ICMP_ERROR: 'error',
  UNDERLAY_FRAG_NEEDED: 'error',
  OUTER_FRAGMENTS: 'error',
  OUTER_DF_CLEAR: 'warning',
  INNER_MTU_EXCEEDED: 'warning',
  GSO_SUPERFRAMES: 'info',
  FLOWID_CONSTANT: 'warning',
  CONFORMANCE: 'error',
  OTHER_GRE: 'info',
  POLICY_UNKNOWN_PA: 'error',
  POLICY_UNKNOWN_VSID: 'error',
  POLICY_NO_LOOKUP_RECORD: 'error',
  POLICY_RECEIVE_DROP: 'error',
  TRACKING_LIMIT: 'info',
};

/** The docs/doctor.md section of each code. */
export const DOCTOR_SECTION: Readonly<Record<DoctorCode, number>> = {
  UNREADABLE_FRAMES: 2,
  SNAPLEN_CUT: 2,
  TX_CHECKSUM_UDP_ONLY: 3,
  TX_CHECKSUM_FAULT: 3,
  TX_CHECKSUM_PENDING: 3,
  KEY_LAYOUT_MISMATCH: 4,
  DRAFT_KEY_LAYOUT: 4,
  ADMIN_PROHIBITED: 4,
  ONE_WAY_TUNNEL: 5,
  UNDERLAY_ICMP_ERROR: 5,
  UNDERLAY_FRAG_NEEDED: 6,
  OUTER_FRAGMENTS: 6,
  OUTER_DF_CLEAR: 6,
  INNER_MTU_EXCEEDED: 6,
  GSO_SUPERFRAMES: 6,
  FLOWID_CONSTANT: 7,
  CONFORMANCE: 8,
  OTHER_GRE: 8,
  POLICY_UNKNOWN_PA: 9,
  POLICY_UNKNOWN_VSID: 9,
  POLICY_NO_LOOKUP_RECORD: 9,
  POLICY_RECEIVE_DROP: 9,
  TRACKING_LIMIT: 10,
};

export interface DoctorOptions {
  /** How this site's hosts write the key (docs/nvgre.md §7): VSIDs in messages are read this way. Default `'rfc7637'`. */
  readonly keyLayout?: KeyLayout;
  /** An HNV policy (docs/nve.md): enables the policy checks (docs/doctor.md §9) and makes key-layout findings conclusive. */
  readonly policy?: Policy | NvePolicy;
  /**
   * The provider address of the host the capture was taken on (`--captured-at`). Tells "captured on the
   * sending host before the NIC filled the checksums" from a fault, and which way a one-way tunnel fails.
   */
  readonly capturedAt?: string;
  /** Underlay IP MTU (default 1500): NVGRE packets larger than this are `INNER_MTU_EXCEEDED`. */
  readonly mtu?: number;
  /**
   * Most inner flows tracked at once (default 100 000). With the caps below this bounds the doctor's
   * memory, whatever the capture's size: about 200 bytes per flow and 2 KB per PA pair or sender.
   */
  readonly maxFlows?: number;
  /** Most provider addresses, PA pairs, DNS queries in flight and other keyed items each tracked (default 4096). */
  readonly maxPairs?: number;
  /** Frame numbers kept as evidence per finding (default 5, at most 100). */
  readonly examples?: number;
  /** Inner flows a PA pair must carry before a constant FlowID is reported (default 4). */
  readonly minFlows?: number;
  /**
   * This doctor reads one part of a capture (docs/doctor.md §12): a worker's share, say. It leaves to
   * the merge what depends on earlier parts; hand its `part()` to `merge()` of the doctor that reports,
   * in capture order. It gives no report of its own, and takes no `policy`. Default false.
   */
  readonly part?: boolean;
}

/** What shows a finding. */
export interface DoctorEvidence {
  /** Frames that show it. */
  readonly frames: number;
  /** The first of them (1-based frame numbers, as Wireshark counts). */
  readonly firstFrames: readonly number[];
  /** Named counts: `udpSeed`, `tcpOk`, `dnsUnanswered`, ... (each finding's are listed in docs/doctor.md). */
  readonly counts: Readonly<Record<string, number>>;
  /** Further facts in words (keys seen, the MTU a router named, ...). */
  readonly details: readonly string[];
}

/** Who or what a finding is about (fields present as they apply). */
export interface DoctorSubject {
  /** Outer source (provider) address. */
  readonly sender?: string;
  /** Outer destination address. */
  readonly receiver?: string;
  readonly vsid?: number;
  /** Inner protocol: `tcp`, `udp`, `icmp`, `ipv4` (the header checksum). */
  readonly protocol?: string;
  /** CONFORMANCE: the lint code counted. */
  readonly lintCode?: string;
  /** OTHER_GRE: what the GRE carries; UNREADABLE_FRAMES: the reason. */
  readonly kind?: string;
  /** UNDERLAY_*: the router that sent the ICMP error. */
  readonly reporter?: string;
}

export interface DoctorFinding {
  readonly code: DoctorCode;
  readonly severity: LintSeverity;
  readonly subject: DoctorSubject;
  /** One sentence: what is wrong, with the numbers. */
  readonly diagnosis: string;
  readonly evidence: DoctorEvidence;
  /** The likely cause. */
  readonly cause: string;
  /** What to do. */
  readonly fix: string;
  /** RFC / NDIS / field-report references, and the docs/doctor.md section. */
  readonly reference: string;
}

/** What the capture held, beside the findings. */
export interface DoctorSummary {
  readonly frames: number;
  /** NVGRE frames (GRE protocol 0x6558 with a key, as a lenient receiver reads them). */
  readonly nvgreFrames: number;
  /** GRE frames that are not NVGRE. */
  readonly otherGreFrames: number;
  readonly unreadableFrames: number;
  /** Records per link type. */
  readonly linkTypes: Readonly<Record<string, number>>;
  /** Provider addresses that sent NVGRE, PA pairs (directed), inner flows, VSIDs. */
  readonly senders: number;
  readonly pairs: number;
  readonly flows: number;
  readonly vsids: number;
  /** Seconds from the first to the last timestamp (0 without timestamps). */
  readonly duration: number;
}

export interface DoctorReport {
  readonly summary: DoctorSummary;
  /** Errors first, then warnings, then info; in docs/doctor.md order within a severity. */
  readonly findings: readonly DoctorFinding[];
  /** The worst severity found, or `'none'`. */
  readonly worst: LintSeverity | 'none';
  /** The caps in force and what went past them (docs/doctor.md §10). */
  readonly limits: { readonly maxFlows: number; readonly maxPairs: number; readonly untracked: number };
}
