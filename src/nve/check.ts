/**
 * `checkPolicy`: what a policy's tables mean together, before any packet is sent (docs/nve.md §8).
 * The validator's problems come first; then, on whatever part of the policy could be read, the
 * reachability of every host's PAs from every host it shares a routing domain with (seed 001), the
 * hosts of a domain that read the key differently (seed 004), shadowed routes, records no route
 * reaches, and subnets without a gateway record.
 */
import type { IpAddr } from './address.js';
import { NvePolicy, type HostInfo, type PaInfo, type Rec, type VsidInfo } from './compile.js';
import type { Policy } from './policy.js';
import { parsePolicy } from './validate.js';

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface PolicyFinding {
  readonly severity: FindingSeverity;
  /** A validation problem (`VSID_OUT_OF_RANGE`, `PA_UNOWNED`, …) or a checker finding (`PA_UNREACHABLE`, …); docs/nve.md §8. */
  readonly code: string;
  /** The policy entry concerned ("hosts[2]", "customerRoutes[4]"). */
  readonly path: string;
  readonly message: string;
}

/** The records of one routing domain (or of one VSID without a domain). */
interface Scope {
  readonly label: string;
  readonly vsids: VsidInfo[];
}

/**
 * Every problem and finding of `policy` (a native policy or a `createPolicy` result), errors first.
 * Never throws on the policy's content; an empty list means the checker found nothing to report.
 */
export function checkPolicy(policy: Policy | NvePolicy): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  let p: NvePolicy;
  if (policy instanceof NvePolicy) p = policy;
  else {
    const parsed = parsePolicy(policy);
    for (const problem of parsed.problems) findings.push({ severity: 'error', code: problem.code, path: problem.path, message: problem.message });
    p = new NvePolicy(parsed);
  }
  const scopes: Scope[] = [...p.domains.values()].map((d) => ({ label: `routing domain ${d.id}`, vsids: d.vsids }));
  for (const v of p.vsids.values()) if (v.domain === null && v.records.length > 0) scopes.push({ label: `VSID ${v.vsid}`, vsids: [v] });
  for (const scope of scopes) {
    reachability(p, scope, findings);
    keyLayouts(scope, findings);
  }
  shadowedRoutes(p, findings);
  unroutedRecords(p, findings);
  const order: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity]);
}

/** The PAs that the records of a scope use, per owning host, with an example VM each. */
function pasByHost(scope: Scope): Map<HostInfo, Map<string, { pa: IpAddr; vm: Rec }>> {
  const out = new Map<HostInfo, Map<string, { pa: IpAddr; vm: Rec }>>();
  for (const v of scope.vsids) {
    for (const r of v.records) {
      if (r.owner === null || r.pa === null) continue;
      let m = out.get(r.owner);
      if (m === undefined) out.set(r.owner, (m = new Map()));
      if (!m.has(r.pa.key)) m.set(r.pa.key, { pa: r.pa, vm: r });
    }
  }
  return out;
}

/** Seed 001: can every host of the scope reach the PAs of every other host of it? */
function reachability(p: NvePolicy, scope: Scope, findings: PolicyFinding[]): void {
  const byHost = pasByHost(scope);
  for (const [from, ownPas] of byHost) {
    for (const [to, theirPas] of byHost) {
      if (from === to) continue;
      for (const { pa, vm } of theirPas.values()) {
        const src = sourcePa(from, ownPas, pa);
        const nh = src === null ? null : p.nextHop(from, src, pa);
        const path = `hosts[${from.index}]`;
        if (src === null) {
          findings.push({ severity: 'error', code: 'PA_UNREACHABLE', path, message: `host ${from.name} has no IPv${pa.version} provider address, so it cannot reach PA ${pa.text} of host ${to.name} (${vm.label}, ${scope.label}); add one` });
        } else if (nh === null) {
          findings.push({
            severity: 'error',
            code: 'PA_UNREACHABLE',
            path,
            message: `host ${from.name} cannot reach PA ${pa.text} of host ${to.name} (${vm.label}, ${scope.label}): it is on none of ${from.name}'s PA subnets (${from.pas.map((x) => x.prefix.text).join(', ')}) and no provider route of ${from.name} covers it, so its VMs' packets to ${to.name}'s VMs fail with NO_PROVIDER_ROUTE ("General Transmit Failure", seed 001); add a provider route or default gateway on ${from.name} (New-NetVirtualizationProviderRoute -DestinationPrefix 0.0.0.0/0 -NextHop <the PA subnet's router>)`,
          });
        } else if (!from.neighbors.has(nh.address.key)) {
          findings.push({
            severity: 'error',
            code: 'NO_NEXT_HOP_MAC',
            path,
            message: `host ${from.name} reaches PA ${pa.text} of host ${to.name} through ${nh.address.text}, which has no MAC in its neighbour table: packets fail with NO_NEXT_HOP_MAC; add "${nh.address.text}" to hosts[${from.index}].neighbors`,
          });
        }
      }
    }
  }
}

/** The PA `from` sends from towards `dst`: one its VMs of the scope use, of the same family; else any of that family. */
function sourcePa(from: HostInfo, own: Map<string, { pa: IpAddr }>, dst: IpAddr): PaInfo | null {
  for (const { pa } of own.values()) {
    const info = from.paByKey.get(pa.key);
    if (info !== undefined && pa.version === dst.version) return info;
  }
  return from.pas.find((x) => x.address.version === dst.version) ?? null;
}

/** Seed 004: hosts with VMs in one scope that read the key in different layouts. */
function keyLayouts(scope: Scope, findings: PolicyFinding[]): void {
  const hosts = [...pasByHost(scope).keys()];
  const layouts = new Set(hosts.map((h) => h.keyLayout));
  if (layouts.size < 2) return;
  const list = (l: string) => hosts.filter((h) => h.keyLayout === l).map((h) => h.name).join(', ');
  findings.push({
    severity: 'error',
    code: 'KEY_LAYOUT_MIXED',
    path: `hosts[${hosts.find((h) => h.keyLayout === 'low24')!.index}].keyLayout`,
    message: `${scope.label} has VMs on hosts that read the GRE key as rfc7637 (${list('rfc7637')}) and as low24 (${list('low24')}): each reads the other's VSID shifted by a byte, so packets between them are dropped (RESERVED_VSID one way, POLICY_MISMATCH and ICMP 3/10 the other; seed 004, KB2779768); give every host the same keyLayout`,
  });
}

function shadowedRoutes(p: NvePolicy, findings: PolicyFinding[]): void {
  for (const d of p.domains.values()) {
    for (const slot of d.routes.slots()) {
      for (const r of slot.slice(1)) {
        findings.push({
          severity: 'warning',
          code: 'ROUTE_SHADOWED',
          path: `customerRoutes[${r.index}]`,
          message: `customer route ${r.prefix.text} (metric ${r.metric}) is never used: customerRoutes[${slot[0]!.index}] has the same prefix in routing domain ${d.id} with metric ${slot[0]!.metric}${r.metric === slot[0]!.metric ? ' and comes first' : ''}`,
        });
      }
    }
  }
  for (const h of p.hosts.values()) {
    for (const slot of h.routes.slots()) {
      for (const r of slot.slice(1)) {
        findings.push({
          severity: 'warning',
          code: 'ROUTE_SHADOWED',
          path: `hosts[${h.index}].providerRoutes[${r.index}]`,
          message: `provider route ${r.prefix.text} of host ${h.name} (metric ${r.metric}) is never used: providerRoutes[${slot[0]!.index}] has the same prefix with metric ${slot[0]!.metric}`,
        });
      }
    }
  }
}

function unroutedRecords(p: NvePolicy, findings: PolicyFinding[]): void {
  for (const v of p.vsids.values()) {
    if (v.records.length === 0) continue;
    if (v.domain === null) {
      findings.push({
        severity: 'warning',
        code: 'VSID_WITHOUT_DOMAIN',
        path: `lookupRecords[${v.records[0]!.index}].vsid`,
        message: `VSID ${v.vsid} has ${v.records.length} lookup record(s) but no customer route or virtual subnet places it in a routing domain: its VMs can send nothing (NO_CUSTOMER_ROUTE); add its customer routes`,
      });
      continue;
    }
    const unrouted = v.records.filter((r) => !r.wildcard && r.rule !== 'none' && p.customerRoute(v.domain!, r.ca)?.[0]?.vsid !== v);
    if (unrouted.length > 0) {
      const first = unrouted[0]!;
      findings.push({
        severity: 'warning',
        code: 'RECORD_UNROUTED',
        path: `lookupRecords[${first.index}]`,
        message: `${unrouted.length} record(s) of VSID ${v.vsid} (first: ${first.ca.text}, ${first.label}) are covered by no customer route of VSID ${v.vsid} in routing domain ${v.domain.id}: other VMs cannot reach them; add the subnet's on-link route`,
      });
    }
    const routedTo = v.domain.vsids.length > 1 || p.routes.some((r) => r.vsid === v && r.nextHop !== null);
    if (routedTo && v.gateway === null) {
      findings.push({
        severity: 'info',
        code: 'NO_GATEWAY_RECORD',
        path: `lookupRecords[${v.records[0]!.index}].vsid`,
        message: `VSID ${v.vsid} is reached by routing but has no default-gateway record (virtualSubnets[].gateway, a rule "none" record, or a record for its first address): routed frames keep the sender's source MAC`,
      });
    }
  }
}
