/**
 * The HNV policy in the library's native JSON form (docs/nve.md §2, §3): what it may hold, and the
 * checks that make it usable. Every problem names the path of the offending entry
 * ("lookupRecords[3].providerAddress") and says what to write instead; `createPolicy` throws the first
 * as an `INVALID_POLICY` error, `checkPolicy` reports them all as findings.
 */
import type { KeyLayout } from '../wire/gre.js';

export type { KeyLayout };

/** What a lookup record does with a packet (HNV `Rule`): NVGRE, IP rewrite, or nothing. */
export type LookupRule = 'encap' | 'nat' | 'none';
/** HNV `Type` (2012 R2): `l2only` and `gatewayWildcard` records have the wildcard customer address. */
export type LookupType = 'static' | 'dynamic' | 'l2only' | 'gatewayWildcard';

/** A customer address (CA) in a virtual subnet, and the provider address (PA) of the host it sits behind. */
export interface LookupRecord {
  readonly customerAddress: string;
  readonly vsid: number;
  /** The VM's MAC; any spelling ("00155d010203", "00-15-5D-01-02-03", "00:15:5d:01:02:03"). */
  readonly mac: string;
  /** The PA; "0.0.0.0" only for a `rule: 'none'` record (the distributed router's own address). */
  readonly providerAddress: string;
  /** Default `'encap'`. */
  readonly rule?: LookupRule;
  readonly type?: LookupType;
  readonly vmName?: string;
  readonly customerId?: string;
}

/** A prefix of a routing domain, owned by one of its virtual subnets; `nextHop` absent or "0.0.0.0"/"::" = on-link. */
export interface CustomerRoute {
  readonly routingDomain: string;
  readonly vsid: number;
  readonly prefix: string;
  readonly nextHop?: string;
  /** Default 0. Ties of equal prefixes go to the lowest metric. */
  readonly metric?: number;
}

/** Optional facts about a virtual subnet that HNV exports do not carry as such. */
export interface VirtualSubnet {
  readonly vsid: number;
  readonly routingDomain: string;
  /** The subnet's default-gateway CA (whose record's MAC is the source MAC of routed frames; docs/nve.md §5). */
  readonly gateway?: string;
  /** A provider-network multicast group for this VSID's floods (RFC 7637 §4.3; used with `flood: 'multicast'`). */
  readonly multicastGroup?: string;
  readonly name?: string;
}

export interface RoutingDomain {
  readonly id: string;
  readonly name?: string;
}

/** A PA configured on a host (Get-NetVirtualizationProviderAddress). */
export interface ProviderAddress {
  readonly address: string;
  readonly prefixLength: number;
  /** The outer 802.1Q VLAN ID; 0 or absent = untagged. */
  readonly vlan?: number;
  /** The MAC the host sends PA traffic from. */
  readonly mac: string;
  readonly interfaceIndex?: number;
}

/** HNV's own routing table for PA traffic (Get-NetVirtualizationProviderRoute). */
export interface ProviderRoute {
  readonly prefix: string;
  /** "0.0.0.0" / "::" = on-link. */
  readonly nextHop: string;
  readonly metric?: number;
  readonly interfaceIndex?: number;
}

/** Per-host behaviour; each defaults from the policy's `options`, then from the HNV profile. */
export interface HostOptions {
  /** How an ARP/ND request with no record is replicated: `'unicast'` (default, HNVv1) or `'multicast'` (RFC 7637 §4.3). */
  readonly flood?: 'unicast' | 'multicast';
  /** Answer a POLICY_MISMATCH drop with ICMP 3/10 (ICMPv6 1/1) inside NVGRE. Default true. */
  readonly icmpOnPolicyMismatch?: boolean;
  /** Drop received packets whose inner source does not belong behind the outer source PA. Default true. */
  readonly sourceCheck?: boolean;
  /** FlowID of the frames sent (`'hash'` default under rfc7637; low24 has none). */
  readonly flowId?: 'hash' | 'zero' | number;
  /** Outer TTL / Hop Limit. Default 64. */
  readonly ttl?: number;
}

export interface HostPolicy {
  readonly name: string;
  /** How this host writes and reads the GRE key (docs/nvgre.md §7). Default `'rfc7637'`. */
  readonly keyLayout?: KeyLayout;
  readonly providerAddresses: readonly ProviderAddress[];
  readonly providerRoutes?: readonly ProviderRoute[];
  /** The underlay neighbour table: next-hop IP → MAC (other hosts' PAs are known from the policy). */
  readonly neighbors?: Readonly<Record<string, string>>;
  readonly options?: HostOptions;
}

export interface Policy {
  readonly format?: 'nvgre-policy/1';
  readonly routingDomains?: readonly RoutingDomain[];
  readonly virtualSubnets?: readonly VirtualSubnet[];
  readonly lookupRecords: readonly LookupRecord[];
  readonly customerRoutes?: readonly CustomerRoute[];
  readonly hosts: readonly HostPolicy[];
  /** Defaults for every host's `options`. */
  readonly options?: HostOptions;
}

export const POLICY_FORMAT = 'nvgre-policy/1';

/** The valid VSID range of a virtual subnet (RFC 7637 §3.4; docs/nve.md §2). */
export const VSID_MIN = 0x1000;
export const VSID_MAX = 0xfffffe;

/**
 * Codes of the problems the validator finds (docs/nve.md §8). A policy with any of them is refused by
 * `createPolicy`; `checkPolicy` lists them among its findings.
 */
export const PolicyProblem = {
  /** A value of the wrong type or shape. */
  BAD_VALUE: 'BAD_VALUE',
  BAD_ADDRESS: 'BAD_ADDRESS',
  BAD_MAC: 'BAD_MAC',
  BAD_PREFIX: 'BAD_PREFIX',
  VSID_OUT_OF_RANGE: 'VSID_OUT_OF_RANGE',
  VSID_IN_TWO_DOMAINS: 'VSID_IN_TWO_DOMAINS',
  DUPLICATE_CA: 'DUPLICATE_CA',
  PA_UNOWNED: 'PA_UNOWNED',
  PA_ON_TWO_HOSTS: 'PA_ON_TWO_HOSTS',
  DUPLICATE_HOST: 'DUPLICATE_HOST',
  /** IPv4 and IPv6 mixed where one family is needed (a prefix and its next hop). */
  FAMILY_MISMATCH: 'FAMILY_MISMATCH',
} as const;
export type PolicyProblem = (typeof PolicyProblem)[keyof typeof PolicyProblem];

export interface Problem {
  readonly code: PolicyProblem;
  /** Where: "lookupRecords[3].providerAddress", "hosts[1].providerRoutes[0].nextHop". */
  readonly path: string;
  readonly message: string;
}
