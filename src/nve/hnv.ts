/**
 * `importHnvPolicy`: a native policy (docs/nve.md §3) from what users can export from real hosts —
 * the `ConvertTo-Json` output of Get-NetVirtualizationLookupRecord, -CustomerRoute, -ProviderAddress
 * and -ProviderRoute (the last two per host). Enumerations are accepted as names, 0-based numbers and
 * the WMI numbers (35+), MAC addresses in every spelling; every problem is an `INVALID_POLICY` error
 * naming the export and entry ("lookupRecords[4].Rule").
 */
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import type { KeyLayout } from '../wire/gre.js';
import { describe, macText, tryMac } from './address.js';
import type { CustomerRoute, HostPolicy, LookupRecord, LookupRule, LookupType, Policy, ProviderAddress, ProviderRoute } from './policy.js';
import { POLICY_FORMAT } from './policy.js';

/** One host's exports (provider addresses and routes are per host). */
export interface HnvHostExport {
  readonly name: string;
  /** `Get-NetVirtualizationProviderAddress | ConvertTo-Json`: JSON text or the parsed value. */
  readonly providerAddresses?: unknown;
  /** `Get-NetVirtualizationProviderRoute | ConvertTo-Json`. */
  readonly providerRoutes?: unknown;
  readonly keyLayout?: KeyLayout;
  /** Next-hop IP → MAC (routers are in no export). */
  readonly neighbors?: Readonly<Record<string, string>>;
}

export interface HnvExports {
  /** `Get-NetVirtualizationLookupRecord | ConvertTo-Json`: JSON text or the parsed value. */
  readonly lookupRecords?: unknown;
  /** `Get-NetVirtualizationCustomerRoute | ConvertTo-Json`. */
  readonly customerRoutes?: unknown;
  readonly hosts?: readonly HnvHostExport[];
}

export interface HnvImport {
  /** The policy (not yet validated: check it with `checkPolicy`, use it with `createPolicy`). */
  readonly policy: Policy;
  /** What was left out, and why (unusable records). */
  readonly warnings: readonly string[];
}

export type HnvExportKind = 'lookupRecords' | 'customerRoutes' | 'providerAddresses' | 'providerRoutes';

const RULE_NAMES: Record<string, LookupRule> = { translationmethodnat: 'nat', translationmethodencap: 'encap', translationmethodnone: 'none', nat: 'nat', encap: 'encap', none: 'none' };
/** 0-based (os-win) and WMI (35+) numbers of Rule (docs/nve.md §3). */
const RULE_NUMBERS: Record<number, LookupRule> = { 0: 'nat', 1: 'encap', 2: 'none', 35: 'nat', 36: 'encap', 37: 'none' };
const TYPE_NAMES: Record<string, LookupType> = { static: 'static', dynamic: 'dynamic', gatewaywildcard: 'gatewayWildcard', l2only: 'l2only' };
const TYPE_NUMBERS: Record<number, LookupType> = { 0: 'static', 1: 'dynamic', 2: 'gatewayWildcard', 3: 'l2only', 35: 'static', 36: 'dynamic', 37: 'gatewayWildcard', 41: 'l2only' };

const ENUM_HELP: Record<string, string> = {
  Rule: 'TranslationMethodNat (0 or 35), TranslationMethodEncap (1 or 36) or TranslationMethodNone (2 or 37)',
  Type: 'Static (0 or 35), Dynamic (1 or 36), GatewayWildcard (2 or 37) or L2Only (3 or 41)',
};

function fail(path: string, message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_POLICY, path, 0, message);
}

/** The items of one export: JSON text or a value; one object, an array, or a `{ value: [...] }` wrapper. */
function items(value: unknown, path: string): Record<string, unknown>[] {
  let v = value;
  if (typeof v === 'string') {
    const text = v.replace(/^\uFEFF/, '');
    // An empty table exports as nothing at all.
    if (text.trim() === '') return [];
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw fail(path, `not JSON (${e instanceof Error ? e.message : String(e)}); export with "| ConvertTo-Json"`);
    }
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { value?: unknown }).value)) v = (v as { value: unknown[] }).value;
  const list = Array.isArray(v) ? v : v === null || v === undefined || v === '' ? [] : [v];
  return list.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw fail(`${path}[${i}]`, `expected an object (one ConvertTo-Json entry), got ${describe(item)}`);
    return item as Record<string, unknown>;
  });
}

/** A property by its PowerShell name, in any case. */
function field(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function text(o: Record<string, unknown>, name: string, path: string, optional = false): string | undefined {
  const v = field(o, name);
  if ((v === undefined || v === null || v === '') && optional) return undefined;
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  throw fail(`${path}.${name}`, `expected text, got ${describe(v)}`);
}

function integer(o: Record<string, unknown>, name: string, path: string, optional = false): number | undefined {
  const v = field(o, name);
  if ((v === undefined || v === null || v === '') && optional) return undefined;
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return n;
  throw fail(`${path}.${name}`, `expected a non-negative integer, got ${describe(v)}`);
}

function enumValue<T>(o: Record<string, unknown>, name: string, path: string, names: Record<string, T>, numbers: Record<number, T>, optional: boolean): T | undefined {
  const v = field(o, name);
  if ((v === undefined || v === null || v === '') && optional) return undefined;
  if (typeof v === 'string' && names[v.trim().toLowerCase()] !== undefined) return names[v.trim().toLowerCase()];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (numbers[n] !== undefined) return numbers[n];
  throw fail(`${path}.${name}`, `${describe(v)} is not a ${name}; expected ${ENUM_HELP[name]} (a name, its 0-based number or its WMI number)`);
}

function mac(o: Record<string, unknown>, name: string, path: string): string {
  const v = field(o, name);
  const bytes = tryMac(v);
  if (typeof bytes === 'string') throw fail(`${path}.${name}`, bytes);
  return macText(bytes);
}

function lookupRecord(o: Record<string, unknown>, path: string): LookupRecord {
  const type = enumValue(o, 'Type', path, TYPE_NAMES, TYPE_NUMBERS, true);
  const vmName = text(o, 'VMName', path, true);
  const customerId = text(o, 'CustomerID', path, true);
  return {
    customerAddress: text(o, 'CustomerAddress', path)!,
    vsid: integer(o, 'VirtualSubnetID', path)!,
    mac: mac(o, 'MACAddress', path),
    providerAddress: text(o, 'ProviderAddress', path)!,
    rule: enumValue(o, 'Rule', path, RULE_NAMES, RULE_NUMBERS, true) ?? 'encap',
    ...(type !== undefined ? { type } : {}),
    ...(vmName !== undefined ? { vmName } : {}),
    ...(customerId !== undefined ? { customerId } : {}),
  };
}

function customerRoute(o: Record<string, unknown>, path: string): CustomerRoute {
  const nextHop = text(o, 'NextHop', path, true);
  return {
    routingDomain: text(o, 'RoutingDomainID', path)!,
    vsid: integer(o, 'VirtualSubnetID', path)!,
    prefix: text(o, 'DestinationPrefix', path)!,
    ...(nextHop !== undefined ? { nextHop } : {}),
    metric: integer(o, 'Metric', path, true) ?? 0,
  };
}

function providerAddress(o: Record<string, unknown>, path: string): ProviderAddress {
  const interfaceIndex = integer(o, 'InterfaceIndex', path, true);
  return {
    address: text(o, 'ProviderAddress', path)!,
    prefixLength: integer(o, 'PrefixLength', path)!,
    vlan: integer(o, 'VlanID', path, true) ?? 0,
    mac: mac(o, 'MACAddress', path),
    ...(interfaceIndex !== undefined ? { interfaceIndex } : {}),
  };
}

function providerRoute(o: Record<string, unknown>, path: string): ProviderRoute {
  const interfaceIndex = integer(o, 'InterfaceIndex', path, true);
  return {
    prefix: text(o, 'DestinationPrefix', path)!,
    nextHop: text(o, 'NextHop', path)!,
    metric: integer(o, 'Metric', path, true) ?? 0,
    ...(interfaceIndex !== undefined ? { interfaceIndex } : {}),
  };
}

/** Which export `value` (JSON text or a parsed value) is, from the properties of its first entry; null when it is none of them. */
export function hnvExportKind(value: unknown): HnvExportKind | null {
  let list: Record<string, unknown>[];
  try {
    list = items(value, 'export');
  } catch {
    return null;
  }
  const first = list[0];
  if (first === undefined) return null;
  const has = (n: string) => field(first, n) !== undefined;
  if (has('CustomerAddress') && has('ProviderAddress')) return 'lookupRecords';
  if (has('RoutingDomainID') && has('DestinationPrefix')) return 'customerRoutes';
  if (has('ProviderAddress') && has('PrefixLength')) return 'providerAddresses';
  if (has('DestinationPrefix') && has('NextHop')) return 'providerRoutes';
  return null;
}

/**
 * A native policy from HNV exports. With `base`, the result is `base` updated: its lookup records and
 * customer routes are replaced by the exports' when given, and the hosts given replace those of the
 * same name (others are kept) — so hosts can be imported one at a time. Throws `INVALID_POLICY` naming
 * the entry for anything that is not an HNV export entry; the input is not changed.
 */
export function importHnvPolicy(exports: HnvExports, base?: Policy): HnvImport {
  if (exports === null || typeof exports !== 'object') throw fail('exports', `expected { lookupRecords?, customerRoutes?, hosts? }, got ${describe(exports)}`);
  if (base !== undefined && (base === null || typeof base !== 'object' || !Array.isArray(base.hosts) || !Array.isArray(base.lookupRecords))) {
    throw fail('base', 'expected a native policy with lookupRecords and hosts');
  }
  const warnings: string[] = [];
  let lookupRecords = base?.lookupRecords ?? [];
  if (exports.lookupRecords !== undefined) {
    lookupRecords = [];
    for (const [i, o] of items(exports.lookupRecords, 'lookupRecords').entries()) {
      const path = `lookupRecords[${i}]`;
      if (field(o, 'Unusable') === true) {
        warnings.push(`${path}: ${String(field(o, 'CustomerAddress'))} in VSID ${String(field(o, 'VirtualSubnetID'))} is marked Unusable; left out`);
        continue;
      }
      (lookupRecords as LookupRecord[]).push(lookupRecord(o, path));
    }
  }
  const customerRoutes = exports.customerRoutes !== undefined ? items(exports.customerRoutes, 'customerRoutes').map((o, i) => customerRoute(o, `customerRoutes[${i}]`)) : (base?.customerRoutes ?? []);
  const hosts: HostPolicy[] = [...(base?.hosts ?? [])];
  if (exports.hosts !== undefined) {
    if (!Array.isArray(exports.hosts)) throw fail('hosts', `expected an array of { name, providerAddresses, providerRoutes }, got ${describe(exports.hosts)}`);
    for (const [i, h] of exports.hosts.entries()) {
      const path = `hosts[${i}]`;
      if (h === null || typeof h !== 'object' || typeof h.name !== 'string' || h.name.trim() === '') throw fail(`${path}.name`, 'each host needs a name');
      const previous = hosts.findIndex((x) => x.name === h.name);
      const host: HostPolicy = {
        name: h.name,
        keyLayout: h.keyLayout ?? hosts[previous]?.keyLayout ?? 'rfc7637',
        providerAddresses: h.providerAddresses !== undefined ? items(h.providerAddresses, `${path}.providerAddresses`).map((o, j) => providerAddress(o, `${path}.providerAddresses[${j}]`)) : (hosts[previous]?.providerAddresses ?? []),
        providerRoutes: h.providerRoutes !== undefined ? items(h.providerRoutes, `${path}.providerRoutes`).map((o, j) => providerRoute(o, `${path}.providerRoutes[${j}]`)) : (hosts[previous]?.providerRoutes ?? []),
        neighbors: { ...(hosts[previous]?.neighbors ?? {}), ...(h.neighbors ?? {}) },
        ...(hosts[previous]?.options !== undefined ? { options: hosts[previous]!.options! } : {}),
      };
      if (previous >= 0) hosts[previous] = host;
      else hosts.push(host);
    }
  }
  const policy: Policy = {
    ...(base ?? {}),
    format: POLICY_FORMAT,
    lookupRecords,
    customerRoutes,
    hosts,
  };
  return { policy, warnings };
}
