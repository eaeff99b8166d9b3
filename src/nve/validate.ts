/**
 * Reads a native policy (docs/nve.md §3) into parsed entries and the list of its problems. Nothing in
 * the input is trusted or changed: every field is type-checked before use, addresses and MACs are
 * parsed once here, and each problem carries the path of its entry and a sentence saying what to fix.
 */
import { KEY_LAYOUTS, type KeyLayout } from '../wire/gre.js';
import { describe, ipFromBytes, macText, prefixOf, tryIp, tryMac, tryPrefix, type IpAddr, type Prefix } from './address.js';
import {
  POLICY_FORMAT,
  PolicyProblem,
  VSID_MAX,
  VSID_MIN,
  type HostOptions,
  type LookupRule,
  type LookupType,
  type Policy,
  type Problem,
} from './policy.js';

export interface ParsedRecord {
  readonly index: number;
  readonly ca: IpAddr;
  /** The wildcard customer address 0.0.0.0 / ::. */
  readonly wildcard: boolean;
  readonly vsid: number;
  readonly mac: Uint8Array;
  /** null for a `rule: 'none'` record with PA 0.0.0.0. */
  readonly pa: IpAddr | null;
  readonly rule: LookupRule;
  readonly type: LookupType | undefined;
  readonly vmName: string | undefined;
  readonly customerId: string | undefined;
}

export interface ParsedRoute {
  readonly index: number;
  readonly domain: string;
  readonly vsid: number;
  readonly prefix: Prefix;
  /** null = on-link. */
  readonly nextHop: IpAddr | null;
  readonly metric: number;
}

export interface ParsedSubnet {
  readonly index: number;
  readonly vsid: number;
  readonly domain: string;
  readonly gateway: IpAddr | null;
  readonly multicastGroup: IpAddr | null;
  readonly name: string | undefined;
}

export interface ParsedPa {
  readonly index: number;
  readonly address: IpAddr;
  readonly prefix: Prefix;
  readonly vlan: number;
  readonly mac: Uint8Array;
  readonly interfaceIndex: number | undefined;
}

export interface ParsedProviderRoute {
  readonly index: number;
  readonly prefix: Prefix;
  /** null = on-link. */
  readonly nextHop: IpAddr | null;
  readonly metric: number;
  readonly interfaceIndex: number | undefined;
}

export interface ResolvedOptions {
  readonly flood: 'unicast' | 'multicast';
  readonly icmpOnPolicyMismatch: boolean;
  readonly sourceCheck: boolean;
  readonly flowId: 'hash' | 'zero' | number;
  readonly ttl: number;
}

export interface ParsedHost {
  readonly index: number;
  readonly name: string;
  readonly keyLayout: KeyLayout;
  readonly pas: readonly ParsedPa[];
  readonly routes: readonly ParsedProviderRoute[];
  /** Next-hop IP key → MAC. */
  readonly neighbors: ReadonlyMap<string, { readonly ip: IpAddr; readonly mac: Uint8Array }>;
  readonly options: ResolvedOptions;
}

export interface ParsedPolicy {
  readonly records: readonly ParsedRecord[];
  readonly routes: readonly ParsedRoute[];
  readonly subnets: readonly ParsedSubnet[];
  /** Routing domain key (lower case, braces removed) → the spelling first seen. */
  readonly domainNames: ReadonlyMap<string, string>;
  /** VSID → routing domain key. */
  readonly vsidDomain: ReadonlyMap<number, string>;
  readonly hosts: readonly ParsedHost[];
  readonly problems: readonly Problem[];
}

const RULES: readonly LookupRule[] = ['encap', 'nat', 'none'];
const TYPES: readonly LookupType[] = ['static', 'dynamic', 'l2only', 'gatewayWildcard'];

/** The key of a routing domain ID: GUIDs compare without braces and case. */
export function domainKey(id: string): string {
  return id.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
}

class Reader {
  readonly problems: Problem[] = [];

  problem(code: PolicyProblem, path: string, message: string): void {
    this.problems.push({ code, path, message });
  }

  object(value: unknown, path: string): Record<string, unknown> | null {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    this.problem(PolicyProblem.BAD_VALUE, path, `expected an object, got ${describe(value)}`);
    return null;
  }

  array(value: unknown, path: string, optional: boolean): readonly unknown[] {
    if (value === undefined && optional) return [];
    if (Array.isArray(value)) return value;
    this.problem(PolicyProblem.BAD_VALUE, path, `expected an array, got ${describe(value)}`);
    return [];
  }

  int(value: unknown, path: string, min: number, max: number, fallback: number | undefined): number | undefined {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(PolicyProblem.BAD_VALUE, path, `expected an integer from ${min} to ${max}, got ${describe(value)}`);
    return undefined;
  }

  vsid(value: unknown, path: string): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.problem(PolicyProblem.BAD_VALUE, path, `expected a VSID (an integer from ${VSID_MIN} to ${VSID_MAX}), got ${describe(value)}`);
      return undefined;
    }
    if (value < VSID_MIN || value > VSID_MAX) {
      this.problem(
        PolicyProblem.VSID_OUT_OF_RANGE,
        path,
        `VSID ${value} is outside ${VSID_MIN}–${VSID_MAX}: 0–4095 and 16777215 are reserved (RFC 7637 §3.4) and HNV refuses them; pick a VSID in the range`,
      );
      return undefined;
    }
    return value;
  }

  string(value: unknown, path: string, optional: boolean): string | undefined {
    if (value === undefined && optional) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.problem(PolicyProblem.BAD_VALUE, path, `expected a non-empty string, got ${describe(value)}`);
    return undefined;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    this.problem(PolicyProblem.BAD_VALUE, path, `expected true or false, got ${describe(value)}`);
    return undefined;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(PolicyProblem.BAD_VALUE, path, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}`);
    return undefined;
  }

  ip(value: unknown, path: string): IpAddr | undefined {
    const r = tryIp(value);
    if (typeof r === 'string') {
      this.problem(PolicyProblem.BAD_ADDRESS, path, r);
      return undefined;
    }
    return r;
  }

  prefix(value: unknown, path: string): Prefix | undefined {
    const r = tryPrefix(value);
    if (typeof r === 'string') {
      this.problem(PolicyProblem.BAD_PREFIX, path, r);
      return undefined;
    }
    return r;
  }

  mac(value: unknown, path: string): Uint8Array | undefined {
    const r = tryMac(value);
    if (typeof r === 'string') {
      this.problem(PolicyProblem.BAD_MAC, path, r);
      return undefined;
    }
    return r;
  }

  /** A next hop of the prefix's family; absent or unspecified = on-link (null). */
  nextHop(value: unknown, path: string, prefix: Prefix | undefined, optional: boolean): IpAddr | null | undefined {
    if (value === undefined && optional) return null;
    const ip = this.ip(value, path);
    if (ip === undefined) return undefined;
    if (prefix !== undefined && ip.version !== prefix.address.version) {
      this.problem(PolicyProblem.FAMILY_MISMATCH, path, `next hop ${ip.text} is IPv${ip.version} but the prefix ${prefix.text} is IPv${prefix.address.version}`);
      return undefined;
    }
    return ip.unspecified ? null : ip;
  }

  options(value: unknown, path: string, base: ResolvedOptions): ResolvedOptions {
    if (value === undefined) return base;
    const o = this.object(value, path);
    if (o === null) return base;
    const flowId = o.flowId;
    let flow = base.flowId;
    if (flowId === 'hash' || flowId === 'zero') flow = flowId;
    else if (flowId !== undefined) flow = this.int(flowId, `${path}.flowId`, 0, 255, undefined) ?? base.flowId;
    return {
      flood: this.oneOf(o.flood, `${path}.flood`, ['unicast', 'multicast'] as const) ?? base.flood,
      icmpOnPolicyMismatch: this.boolean(o.icmpOnPolicyMismatch, `${path}.icmpOnPolicyMismatch`) ?? base.icmpOnPolicyMismatch,
      sourceCheck: this.boolean(o.sourceCheck, `${path}.sourceCheck`) ?? base.sourceCheck,
      flowId: flow,
      ttl: this.int(o.ttl, `${path}.ttl`, 1, 255, base.ttl) ?? base.ttl,
    };
  }
}

/** The HNV profile (docs/nve.md §5–§6). */
export const DEFAULT_OPTIONS: ResolvedOptions = { flood: 'unicast', icmpOnPolicyMismatch: true, sourceCheck: true, flowId: 'hash', ttl: 64 };

function isMulticast(ip: IpAddr): boolean {
  return ip.version === 4 ? ip.bytes[0]! >= 224 && ip.bytes[0]! <= 239 : ip.bytes[0] === 0xff;
}

interface RecordFields {
  readonly ca: IpAddr;
  readonly vsid: number;
  readonly mac: Uint8Array;
  readonly pa: IpAddr;
  readonly rule: LookupRule;
  readonly type: LookupType | undefined;
  readonly vmName: string | undefined;
  readonly customerId: string | undefined;
}

/** The fields of a lookup record with no problem of its own, or null (then the caller names the problems). */
function wellFormedRecord(l: unknown, interned: Map<string, IpAddr>): RecordFields | null {
  if (l === null || typeof l !== 'object' || Array.isArray(l)) return null;
  const o = l as Record<string, unknown>;
  const { vsid, rule, type, vmName, customerId } = o;
  if (typeof vsid !== 'number' || !Number.isInteger(vsid) || vsid < VSID_MIN || vsid > VSID_MAX) return null;
  if (rule !== undefined && !(RULES as readonly unknown[]).includes(rule)) return null;
  if (type !== undefined && !(TYPES as readonly unknown[]).includes(type)) return null;
  if ((vmName !== undefined && (typeof vmName !== 'string' || vmName.trim() === '')) || (customerId !== undefined && (typeof customerId !== 'string' || customerId.trim() === ''))) return null;
  const ca = tryIp(o.customerAddress);
  const mac = tryMac(o.mac);
  const pa = typeof o.providerAddress === 'string' ? (interned.get(o.providerAddress) ?? tryIp(o.providerAddress)) : null;
  if (typeof ca === 'string' || typeof mac === 'string' || pa === null || typeof pa === 'string') return null;
  if (interned.size < 65536) interned.set(o.providerAddress as string, pa);
  return { ca, vsid, mac, pa, rule: (rule as LookupRule | undefined) ?? 'encap', type: type as LookupType | undefined, vmName: vmName as string | undefined, customerId: customerId as string | undefined };
}

/** Parses `input`; never throws on its content. */
export function parsePolicy(input: unknown): ParsedPolicy {
  const r = new Reader();
  const empty: ParsedPolicy = { records: [], routes: [], subnets: [], domainNames: new Map(), vsidDomain: new Map(), hosts: [], problems: r.problems };
  const root = r.object(input, 'policy');
  if (root === null) return empty;
  if (root.format !== undefined && root.format !== POLICY_FORMAT) {
    r.problem(PolicyProblem.BAD_VALUE, 'format', `expected "${POLICY_FORMAT}" (or no format field), got ${describe(root.format)}`);
  }
  const options = r.options(root.options, 'options', DEFAULT_OPTIONS);

  // Routing domains and the VSIDs in each (virtual subnets first, then customer routes).
  const domainNames = new Map<string, string>();
  const vsidDomain = new Map<number, string>();
  const vsidFirstSeen = new Map<number, string>();
  const claim = (vsid: number, domain: string, path: string): void => {
    const had = vsidDomain.get(vsid);
    if (had === undefined) {
      vsidDomain.set(vsid, domain);
      vsidFirstSeen.set(vsid, path);
    } else if (had !== domain) {
      r.problem(
        PolicyProblem.VSID_IN_TWO_DOMAINS,
        path,
        `VSID ${vsid} is in routing domain ${domainNames.get(domain)} here but in ${domainNames.get(had)} at ${vsidFirstSeen.get(vsid)}; a virtual subnet belongs to exactly one routing domain`,
      );
    }
  };
  const domainOf = (value: unknown, path: string): string | undefined => {
    const id = r.string(value, path, false);
    if (id === undefined) return undefined;
    const key = domainKey(id);
    if (!domainNames.has(key)) domainNames.set(key, id.trim());
    return key;
  };
  r.array(root.routingDomains, 'routingDomains', true).forEach((d, i) => {
    const o = r.object(d, `routingDomains[${i}]`);
    if (o !== null) {
      domainOf(o.id, `routingDomains[${i}].id`);
      r.string(o.name, `routingDomains[${i}].name`, true);
    }
  });
  const subnets: ParsedSubnet[] = [];
  r.array(root.virtualSubnets, 'virtualSubnets', true).forEach((s, i) => {
    const path = `virtualSubnets[${i}]`;
    const o = r.object(s, path);
    if (o === null) return;
    const vsid = r.vsid(o.vsid, `${path}.vsid`);
    const domain = domainOf(o.routingDomain, `${path}.routingDomain`);
    const gateway = o.gateway === undefined ? null : (r.ip(o.gateway, `${path}.gateway`) ?? null);
    let group: IpAddr | null = null;
    if (o.multicastGroup !== undefined) {
      const g = r.ip(o.multicastGroup, `${path}.multicastGroup`);
      if (g !== undefined && !isMulticast(g)) r.problem(PolicyProblem.BAD_ADDRESS, `${path}.multicastGroup`, `${g.text} is not a multicast address (224.0.0.0/4 or ff00::/8)`);
      else if (g !== undefined) group = g;
    }
    const name = r.string(o.name, `${path}.name`, true);
    if (vsid === undefined || domain === undefined) return;
    claim(vsid, domain, `${path}.vsid`);
    subnets.push({ index: i, vsid, domain, gateway, multicastGroup: group, name });
  });
  const routes: ParsedRoute[] = [];
  r.array(root.customerRoutes, 'customerRoutes', true).forEach((c, i) => {
    const path = `customerRoutes[${i}]`;
    const o = r.object(c, path);
    if (o === null) return;
    const domain = domainOf(o.routingDomain, `${path}.routingDomain`);
    const vsid = r.vsid(o.vsid, `${path}.vsid`);
    const prefix = r.prefix(o.prefix, `${path}.prefix`);
    const nextHop = r.nextHop(o.nextHop, `${path}.nextHop`, prefix, true);
    const metric = r.int(o.metric, `${path}.metric`, 0, 0xffffffff, 0);
    if (domain === undefined || vsid === undefined || prefix === undefined || nextHop === undefined || metric === undefined) return;
    claim(vsid, domain, `${path}.vsid`);
    routes.push({ index: i, domain, vsid, prefix, nextHop, metric });
  });

  // Hosts and their provider addresses (records refer to them).
  const hosts: ParsedHost[] = [];
  const hostNames = new Map<string, number>();
  const paOwner = new Map<string, string>();
  r.array(root.hosts, 'hosts', false).forEach((h, i) => {
    const path = `hosts[${i}]`;
    const o = r.object(h, path);
    if (o === null) return;
    const name = r.string(o.name, `${path}.name`, false);
    if (name !== undefined) {
      const had = hostNames.get(name);
      if (had !== undefined) r.problem(PolicyProblem.DUPLICATE_HOST, `${path}.name`, `host name "${name}" is also hosts[${had}]; give each host its own name`);
      else hostNames.set(name, i);
    }
    const keyLayout = r.oneOf(o.keyLayout, `${path}.keyLayout`, KEY_LAYOUTS) ?? 'rfc7637';
    const pas: ParsedPa[] = [];
    r.array(o.providerAddresses, `${path}.providerAddresses`, false).forEach((p, j) => {
      const pp = `${path}.providerAddresses[${j}]`;
      const po = r.object(p, pp);
      if (po === null) return;
      const address = r.ip(po.address, `${pp}.address`);
      const length = r.int(po.prefixLength, `${pp}.prefixLength`, 0, address?.version === 6 ? 128 : 32, undefined);
      const vlan = r.int(po.vlan, `${pp}.vlan`, 0, 4094, 0);
      const mac = r.mac(po.mac, `${pp}.mac`);
      const interfaceIndex = r.int(po.interfaceIndex, `${pp}.interfaceIndex`, 0, 0xffffffff, undefined);
      if (address === undefined || length === undefined || vlan === undefined || mac === undefined) return;
      if (address.unspecified) {
        r.problem(PolicyProblem.BAD_ADDRESS, `${pp}.address`, `${address.text} cannot be a provider address; give the host's PA`);
        return;
      }
      const owner = paOwner.get(address.key);
      if (owner !== undefined) {
        r.problem(PolicyProblem.PA_ON_TWO_HOSTS, `${pp}.address`, `provider address ${address.text} is also configured at ${owner}; a PA belongs to one host`);
        return;
      }
      paOwner.set(address.key, pp);
      pas.push({ index: j, address, prefix: prefixOf(address, length), vlan, mac, interfaceIndex });
    });
    const provider: ParsedProviderRoute[] = [];
    r.array(o.providerRoutes, `${path}.providerRoutes`, true).forEach((p, j) => {
      const pp = `${path}.providerRoutes[${j}]`;
      const po = r.object(p, pp);
      if (po === null) return;
      const prefix = r.prefix(po.prefix, `${pp}.prefix`);
      const nextHop = r.nextHop(po.nextHop, `${pp}.nextHop`, prefix, false);
      const metric = r.int(po.metric, `${pp}.metric`, 0, 0xffffffff, 0);
      const interfaceIndex = r.int(po.interfaceIndex, `${pp}.interfaceIndex`, 0, 0xffffffff, undefined);
      if (prefix === undefined || nextHop === undefined || metric === undefined) return;
      provider.push({ index: j, prefix, nextHop, metric, interfaceIndex });
    });
    const neighbors = new Map<string, { ip: IpAddr; mac: Uint8Array }>();
    if (o.neighbors !== undefined) {
      const no = r.object(o.neighbors, `${path}.neighbors`);
      if (no !== null) {
        for (const [ipText, macValue] of Object.entries(no)) {
          const np = `${path}.neighbors[${JSON.stringify(ipText)}]`;
          const ip = r.ip(ipText, np);
          const mac = r.mac(macValue, np);
          if (ip !== undefined && mac !== undefined) neighbors.set(ip.key, { ip, mac });
        }
      }
    }
    const hostOptions = r.options(o.options, `${path}.options`, options);
    if (name === undefined) return;
    hosts.push({ index: i, name, keyLayout, pas, routes: provider, neighbors, options: hostOptions });
  });

  // Lookup records: a well-formed record is read without building a path (100,000 records load in
  // well under a second); one with a problem is read again, field by field, to name each problem.
  const records: ParsedRecord[] = [];
  const seenCa = new Map<string, Map<number, number>>();
  const interned = new Map<string, IpAddr>();
  r.array(root.lookupRecords, 'lookupRecords', false).forEach((l, i) => {
    const path = `lookupRecords[${i}]`;
    let ca: IpAddr | undefined;
    let vsid: number | undefined;
    let mac: Uint8Array | undefined;
    let paIp: IpAddr | undefined;
    let rule: LookupRule;
    let type: LookupType | undefined;
    let vmName: string | undefined;
    let customerId: string | undefined;
    const fast = wellFormedRecord(l, interned);
    if (fast !== null) ({ ca, vsid, mac, pa: paIp, rule, type, vmName, customerId } = fast);
    else {
      const o = r.object(l, path);
      if (o === null) return;
      ca = r.ip(o.customerAddress, `${path}.customerAddress`);
      vsid = r.vsid(o.vsid, `${path}.vsid`);
      mac = r.mac(o.mac, `${path}.mac`);
      paIp = r.ip(o.providerAddress, `${path}.providerAddress`);
      rule = r.oneOf(o.rule, `${path}.rule`, RULES) ?? 'encap';
      type = r.oneOf(o.type, `${path}.type`, TYPES);
      vmName = r.string(o.vmName, `${path}.vmName`, true);
      customerId = r.string(o.customerId, `${path}.customerId`, true);
    }
    if (ca === undefined || vsid === undefined || mac === undefined || paIp === undefined) return;
    let pa: IpAddr | null = paIp;
    if (paIp.unspecified) {
      if (rule !== 'none') {
        r.problem(PolicyProblem.BAD_ADDRESS, `${path}.providerAddress`, `PA ${paIp.text} is allowed only for a rule "none" record; give the PA of the host this VM runs on`);
        return;
      }
      pa = null;
    } else if (!paOwner.has(paIp.key)) {
      r.problem(
        PolicyProblem.PA_UNOWNED,
        `${path}.providerAddress`,
        `no host has provider address ${paIp.text}: add it to the providerAddresses of the host this VM runs on (or import that host's Get-NetVirtualizationProviderAddress output)`,
      );
    }
    if (!ca.unspecified) {
      const scope = vsidDomain.get(vsid) ?? `#${vsid}`;
      // Small-integer keys for IPv4 (see NvePolicy.rec4): the high and the low 16 bits.
      const outerKey = ca.version === 4 ? `${scope} ${ca.v4 >>> 16}` : `${scope} ${ca.key}`;
      let inScope = seenCa.get(outerKey);
      if (inScope === undefined) seenCa.set(outerKey, (inScope = new Map()));
      const key = ca.version === 4 ? ca.v4 & 0xffff : 0;
      const had = inScope.get(key);
      if (had !== undefined) {
        const where = vsidDomain.has(vsid) ? `routing domain ${domainNames.get(scope)}` : `VSID ${vsid}`;
        r.problem(PolicyProblem.DUPLICATE_CA, `${path}.customerAddress`, `customer address ${ca.text} is already used in ${where} by lookupRecords[${had}]; a CA is unique within its routing domain`);
        return;
      }
      inScope.set(key, i);
    }
    records.push({ index: i, ca, wildcard: ca.unspecified, vsid, mac, pa, rule, type, vmName, customerId });
  });
  return { records, routes, subnets, domainNames, vsidDomain, hosts, problems: r.problems };
}

/** The policy in canonical spelling (MACs "aa:bb:…", addresses canonical, defaults left implicit). */
export function canonicalPolicy(p: ParsedPolicy): Policy {
  const onlyIf = <T>(v: T | undefined | null, f: (v: T) => object): object => (v === undefined || v === null ? {} : f(v));
  return {
    format: POLICY_FORMAT,
    ...(p.domainNames.size > 0 ? { routingDomains: [...p.domainNames.values()].map((id) => ({ id })) } : {}),
    ...(p.subnets.length > 0
      ? {
          virtualSubnets: p.subnets.map((s) => ({
            vsid: s.vsid,
            routingDomain: p.domainNames.get(s.domain)!,
            ...onlyIf(s.gateway, (g) => ({ gateway: g.text })),
            ...onlyIf(s.multicastGroup, (g) => ({ multicastGroup: g.text })),
            ...onlyIf(s.name, (name) => ({ name })),
          })),
        }
      : {}),
    lookupRecords: p.records.map((r) => ({
      customerAddress: r.ca.text,
      vsid: r.vsid,
      mac: macText(r.mac),
      providerAddress: r.pa?.text ?? (r.ca.version === 4 ? '0.0.0.0' : '::'),
      rule: r.rule,
      ...onlyIf(r.type, (type) => ({ type })),
      ...onlyIf(r.vmName, (vmName) => ({ vmName })),
      ...onlyIf(r.customerId, (customerId) => ({ customerId })),
    })),
    customerRoutes: p.routes.map((c) => ({
      routingDomain: p.domainNames.get(c.domain)!,
      vsid: c.vsid,
      prefix: c.prefix.text,
      nextHop: c.nextHop?.text ?? (c.prefix.address.version === 4 ? '0.0.0.0' : '::'),
      metric: c.metric,
    })),
    hosts: p.hosts.map((h) => ({
      name: h.name,
      keyLayout: h.keyLayout,
      providerAddresses: h.pas.map((a) => ({
        address: a.address.text,
        prefixLength: a.prefix.length,
        vlan: a.vlan,
        mac: macText(a.mac),
        ...onlyIf(a.interfaceIndex, (interfaceIndex) => ({ interfaceIndex })),
      })),
      providerRoutes: h.routes.map((x) => ({
        prefix: x.prefix.text,
        nextHop: x.nextHop?.text ?? (x.prefix.address.version === 4 ? '0.0.0.0' : '::'),
        metric: x.metric,
        ...onlyIf(x.interfaceIndex, (interfaceIndex) => ({ interfaceIndex })),
      })),
      neighbors: Object.fromEntries([...h.neighbors.values()].map((n) => [n.ip.text, macText(n.mac)])),
      options: h.options as HostOptions,
    })),
  } as Policy;
}

export { ipFromBytes };
