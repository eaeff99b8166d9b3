/**
 * A validated policy with the indexes the endpoint looks things up in per packet (docs/nve.md §4):
 * lookup records in maps keyed by routing domain and address (one probe, whatever the number of
 * records), customer and provider routes in longest-prefix tables, and each host's PAs, routes and
 * neighbours.
 */
import type { KeyLayout } from '../wire/gre.js';
import { ipFromBytes, macNumber, prefixContains, type IpAddr, type Prefix } from './address.js';
import type { LookupRule, LookupType, Policy, Problem } from './policy.js';
import { PrefixTable, type PrefixSlot } from './prefix-table.js';
import { canonicalPolicy, parsePolicy, type ParsedPolicy, type ResolvedOptions } from './validate.js';

export interface DomainInfo {
  /** Normalised ID (lower case, no braces). */
  readonly key: string;
  /** As first written. */
  readonly id: string;
  readonly scope: number;
  readonly routes: PrefixTable<RouteInfo>;
  readonly vsids: VsidInfo[];
  /** PA keys of the wildcard and L2Only records of the domain (what the source check accepts). */
  readonly wildcardPas: Set<string>;
}

export interface VsidInfo {
  readonly vsid: number;
  readonly domain: DomainInfo | null;
  /** The routing domain's scope, or one of this VSID's own when it has no domain. */
  readonly scope: number;
  /** The default gateway's record (its MAC answers ARP for the gateway and sources routed frames). */
  gateway: Rec | null;
  readonly l2only: Rec[];
  /** Wildcard (0.0.0.0 / ::) records other than L2Only: the gateway wildcard. */
  readonly wildcards: Rec[];
  readonly multicastGroup: IpAddr | null;
  /** MAC key → record, made on the first lookup by MAC (frames without IP are rare). */
  byMac: Map<string, Rec> | null;
  readonly records: Rec[];
}

export interface Rec {
  /** Dense index (for per-endpoint caches). */
  readonly id: number;
  /** Index in the policy's lookupRecords. */
  readonly index: number;
  readonly vsid: VsidInfo;
  readonly ca: IpAddr;
  readonly wildcard: boolean;
  readonly mac: Uint8Array;
  readonly pa: IpAddr | null;
  /** The host that owns `pa` (null for a PA-less rule "none" record). */
  readonly owner: HostInfo | null;
  readonly rule: LookupRule;
  readonly type: LookupType | undefined;
  readonly vmName: string | undefined;
  /** The VM's name, or its CA when the record has none. */
  readonly label: string;
}

export interface RouteInfo {
  readonly index: number;
  readonly domain: DomainInfo;
  readonly vsid: VsidInfo;
  readonly prefix: Prefix;
  readonly nextHop: IpAddr | null;
  readonly metric: number;
}

export interface PaInfo {
  readonly index: number;
  readonly host: HostInfo;
  readonly address: IpAddr;
  readonly prefix: Prefix;
  readonly vlan: number;
  readonly mac: Uint8Array;
}

export interface ProviderRouteInfo {
  readonly index: number;
  readonly host: HostInfo;
  readonly prefix: Prefix;
  readonly nextHop: IpAddr | null;
  readonly metric: number;
}

export interface HostInfo {
  readonly index: number;
  readonly name: string;
  readonly keyLayout: KeyLayout;
  readonly pas: PaInfo[];
  readonly paByKey: Map<string, PaInfo>;
  readonly routes: PrefixTable<ProviderRouteInfo>;
  /** Next-hop IP key → MAC: the host's neighbour table, plus every other host's PAs. */
  readonly neighbors: Map<string, Uint8Array>;
  readonly options: ResolvedOptions;
  /** Multicast group key → the VSIDs flooded to it that this host has VMs in. */
  readonly groups: Map<string, VsidInfo[]>;
}

/** How a host reaches a PA: on-link from one of its PA prefixes, or through a provider route. */
export interface NextHop {
  readonly via: 'on-link' | 'provider-route';
  /** The next hop's IP (the destination itself when on-link). */
  readonly address: IpAddr;
  /** The provider route used, or null. */
  readonly route: ProviderRouteInfo | null;
  /** The local PA whose prefix holds the destination (on-link), or null. */
  readonly onLinkPa: PaInfo | null;
}

/** A validated, indexed policy: what `createPolicy` returns and `createNve` runs on. */
export class NvePolicy {
  private canonical: Policy | null = null;
  readonly domains = new Map<string, DomainInfo>();
  readonly vsids = new Map<number, VsidInfo>();
  readonly records: Rec[] = [];
  readonly routes: RouteInfo[] = [];
  readonly hosts = new Map<string, HostInfo>();
  readonly paOwner = new Map<string, PaInfo>();
  /**
   * IPv4 records: (scope × 2^16 + the address's high 16 bits) → (low 16 bits) → record. Both keys stay
   * small integers, which V8 hashes inline (a key above 2^30 is hashed by a runtime call).
   */
  private readonly rec4 = new Map<number, Map<number, Rec>>();
  /** `${scope} ${key}` → record (IPv6). */
  private readonly rec6 = new Map<string, Rec>();

  /** Use `createPolicy`: this constructor trusts a problem-free parse. */
  constructor(private readonly parsed: ParsedPolicy) {
    for (const [key, id] of parsed.domainNames) {
      this.domains.set(key, { key, id, scope: this.domains.size, routes: new PrefixTable(), vsids: [], wildcardPas: new Set() });
    }
    let scopes = this.domains.size;
    const vsidOf = (vsid: number): VsidInfo => {
      let v = this.vsids.get(vsid);
      if (v === undefined) {
        const dk = parsed.vsidDomain.get(vsid);
        const domain = dk === undefined ? null : this.domains.get(dk)!;
        v = { vsid, domain, scope: domain?.scope ?? scopes++, gateway: null, l2only: [], wildcards: [], multicastGroup: null, byMac: null, records: [] };
        domain?.vsids.push(v);
        this.vsids.set(vsid, v);
      }
      return v;
    };
    for (const s of parsed.subnets) {
      const v = vsidOf(s.vsid);
      if (s.multicastGroup !== null) (v as { multicastGroup: IpAddr | null }).multicastGroup = s.multicastGroup;
    }
    for (const r of parsed.routes) {
      const domain = this.domains.get(r.domain)!;
      const info: RouteInfo = { index: r.index, domain, vsid: vsidOf(r.vsid), prefix: r.prefix, nextHop: r.nextHop, metric: r.metric };
      this.routes.push(info);
      domain.routes.add(r.prefix, info);
    }
    for (const h of parsed.hosts) {
      const host: HostInfo = {
        index: h.index,
        name: h.name,
        keyLayout: h.keyLayout,
        pas: [],
        paByKey: new Map(),
        routes: new PrefixTable(),
        neighbors: new Map(),
        options: h.options,
        groups: new Map(),
      };
      for (const p of h.pas) {
        const pa: PaInfo = { index: p.index, host, address: p.address, prefix: p.prefix, vlan: p.vlan, mac: p.mac };
        host.pas.push(pa);
        host.paByKey.set(p.address.key, pa);
        this.paOwner.set(p.address.key, pa);
      }
      for (const x of h.routes) host.routes.add(x.prefix, { index: x.index, host, prefix: x.prefix, nextHop: x.nextHop, metric: x.metric });
      for (const [key, n] of h.neighbors) host.neighbors.set(key, n.mac);
      this.hosts.set(h.name, host);
    }
    // Every host knows the MACs of the other hosts' PAs (they share the policy); its own table wins.
    for (const host of this.hosts.values()) {
      for (const [key, pa] of this.paOwner) if (pa.host !== host && !host.neighbors.has(key)) host.neighbors.set(key, pa.mac);
    }
    for (const r of parsed.records) {
      const vsid = vsidOf(r.vsid);
      const owner = r.pa === null ? null : (this.paOwner.get(r.pa.key)?.host ?? null);
      const rec: Rec = {
        id: this.records.length,
        index: r.index,
        vsid,
        ca: r.ca,
        wildcard: r.wildcard,
        mac: r.mac,
        pa: r.pa,
        owner,
        rule: r.rule,
        type: r.type,
        vmName: r.vmName,
        label: r.vmName ?? (r.wildcard ? `${r.type ?? 'wildcard'} ${r.ca.text}` : r.ca.text),
      };
      this.records.push(rec);
      vsid.records.push(rec);
      if (r.type === 'l2only') vsid.l2only.push(rec);
      else if (r.wildcard) vsid.wildcards.push(rec);
      if (!r.wildcard) {
        if (r.ca.version === 4) {
          const hi = vsid.scope * 0x10000 + (r.ca.v4 >>> 16);
          let m = this.rec4.get(hi);
          if (m === undefined) this.rec4.set(hi, (m = new Map()));
          m.set(r.ca.v4 & 0xffff, rec);
        }
        else this.rec6.set(`${vsid.scope} ${r.ca.key}`, rec);
      }
      if ((r.wildcard || r.type === 'l2only') && r.pa !== null) vsid.domain?.wildcardPas.add(r.pa.key);
    }
    for (const s of parsed.subnets) {
      if (s.gateway !== null) this.vsids.get(s.vsid)!.gateway = this.record(this.vsids.get(s.vsid)!, s.gateway) ?? null;
    }
    for (const v of this.vsids.values()) {
      v.gateway ??= this.defaultGateway(v);
      for (const host of this.hosts.values()) {
        if (v.multicastGroup !== null && v.records.some((rec) => rec.owner === host)) {
          const list = host.groups.get(v.multicastGroup.key) ?? [];
          list.push(v);
          host.groups.set(v.multicastGroup.key, list);
        }
      }
    }
  }

  /**
   * The default gateway of a virtual subnet without a `gateway` entry (a library rule, docs/nve.md §5):
   * its rule "none" record (how the distributed router's own address appears in HNV), else the record
   * for the first address of its on-link customer route.
   */
  private defaultGateway(v: VsidInfo): Rec | null {
    const none = v.records.find((r) => r.rule === 'none' && !r.wildcard);
    if (none !== undefined) return none;
    const onLink = this.routes.find((r) => r.vsid === v && r.nextHop === null && r.prefix.length < (r.prefix.address.version === 4 ? 31 : 127));
    if (onLink === undefined) return null;
    const first = onLink.prefix.address.bytes.slice();
    first[first.length - 1]! |= 1;
    return this.record(v, ipFromBytes(first)) ?? null;
  }

  /** The record of `ca` in the routing domain of `vsid` (any of its VSIDs); not wildcards. */
  recordInScope(vsid: VsidInfo, ca: IpAddr): Rec | undefined {
    return ca.version === 4 ? this.recordInScope4(vsid.scope, ca.v4) : this.rec6.get(`${vsid.scope} ${ca.key}`);
  }

  /** The record of the VM with the MAC at `b[o…o+6)` in `vsid` (the first, when several share it). */
  recordByMac(vsid: VsidInfo, b: Uint8Array, o: number): Rec | undefined {
    if (vsid.byMac === null) {
      vsid.byMac = new Map();
      for (const r of vsid.records) if (!vsid.byMac.has(macNumber(r.mac, 0))) vsid.byMac.set(macNumber(r.mac, 0), r);
    }
    return vsid.byMac.get(macNumber(b, o));
  }

  /** The record of `ca` in `vsid` itself. */
  record(vsid: VsidInfo, ca: IpAddr): Rec | undefined {
    const r = this.recordInScope(vsid, ca);
    return r !== undefined && r.vsid === vsid ? r : undefined;
  }

  /** {@link recordInScope} for an IPv4 address given as a number (the per-packet path). */
  recordInScope4(scope: number, ip: number): Rec | undefined {
    return this.rec4.get(scope * 0x10000 + (ip >>> 16))?.get(ip & 0xffff);
  }

  /** {@link recordInScope} for an IPv6 address at `b[o…o+16)` given as its key. */
  recordInScope6(scope: number, key: string): Rec | undefined {
    return this.rec6.get(`${scope} ${key}`);
  }

  /** Customer routes of `domain` matching `dst`, best first. */
  customerRoute(domain: DomainInfo, dst: IpAddr): PrefixSlot<RouteInfo> | undefined {
    return domain.routes.lookup(dst);
  }

  /**
   * How `host` reaches the provider address `dst` (docs/nve.md §5 step 4): on-link when one of its PA
   * prefixes holds it (`from`'s first), else the provider route with the longest prefix, then the lowest
   * metric; null when neither exists — the "General Transmit Failure" of seed 001.
   */
  nextHop(host: HostInfo, from: PaInfo | null, dst: IpAddr): NextHop | null {
    if (from !== null && prefixContains(from.prefix, dst)) return { via: 'on-link', address: dst, route: null, onLinkPa: from };
    for (const pa of host.pas) {
      if (prefixContains(pa.prefix, dst)) return { via: 'on-link', address: dst, route: null, onLinkPa: pa };
    }
    const slot = host.routes.lookup(dst);
    if (slot === undefined) return null;
    const route = slot[0]!;
    return { via: 'provider-route', address: route.nextHop ?? dst, route, onLinkPa: null };
  }

  /** The policy in canonical spelling (addresses normalised, MACs "aa:bb:cc:dd:ee:ff"), made on first read. */
  get policy(): Policy {
    return (this.canonical ??= canonicalPolicy(this.parsed));
  }

  /** JSON: the canonical native policy (what `nvgre policy` commands write). */
  toJSON(): Policy {
    return this.policy;
  }

  /** A local PA of `host` in the family of `version` (the first configured). */
  localPa(host: HostInfo, version: 4 | 6): PaInfo | null {
    return host.pas.find((p) => p.address.version === version) ?? null;
  }
}

/** Parses and indexes `input`; returns the problems instead when there are any. */
export function compilePolicy(input: unknown): NvePolicy | readonly Problem[] {
  const parsed = parsePolicy(input);
  if (parsed.problems.length > 0) return parsed.problems;
  return new NvePolicy(parsed);
}
