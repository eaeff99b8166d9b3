/**
 * The doctor's policy checks (docs/doctor.md §9): each NVGRE frame against an HNV policy (docs/nve.md),
 * through the NVE model's public `explainFrame`. A frame is judged once per (PA pair, key, inner
 * destination): later frames of the same combination count towards the same outcome, so the cost
 * follows the combinations (capped), not the frames.
 */
import { parseIp } from '../../wire/address.js';
import { vsidOf, type KeyLayout } from '../../wire/gre.js';
import { ipFromBytes } from '../../nve/address.js';
import { createPolicy, NvePolicy } from '../../nve/create.js';
import { explainFrame } from '../../nve/explain.js';
import type { Policy } from '../../nve/policy.js';
import { CappedMap, Tally } from './bounded.js';
import type { FrameFacts } from './facts.js';
import { hex, makeFinding, plural } from './make.js';
import { DoctorCode, type DoctorFinding } from './types.js';

/** One thing the policy says about some frames. */
interface Outcome {
  readonly code: DoctorCode;
  readonly sender?: string;
  readonly receiver?: string;
  readonly vsid?: number;
  readonly detail: string;
  readonly tally: Tally;
  /** KEY_LAYOUT_MISMATCH: the layouts involved. */
  readonly layouts?: { readonly written: KeyLayout; readonly other: KeyLayout; readonly key: number; readonly otherVsid: number };
}

const OTHER: Readonly<Record<KeyLayout, KeyLayout>> = { rfc7637: 'low24', low24: 'rfc7637' };

export class PolicyChecker {
  readonly policy: NvePolicy;
  private readonly combos: CappedMap<string, Outcome[]>;
  readonly outcomes = new Map<string, Outcome>();
  /** Senders the policy shows writing the other key layout (for the key-layout findings). */
  readonly conclusive = new Map<string, Outcome>();

  constructor(
    policy: Policy | NvePolicy,
    private readonly siteLayout: KeyLayout,
    private readonly examples: number,
    maxCombinations: number,
  ) {
    this.policy = createPolicy(policy);
    this.combos = new CappedMap(maxCombinations);
  }

  get overflow(): number {
    return this.combos.overflow;
  }

  private known(address: string): boolean {
    try {
      return this.policy.paOwner.has(ipFromBytes(parseIp(address)).key);
    } catch {
      return false;
    }
  }

  private outcome(key: string, make: () => Omit<Outcome, 'tally'>): Outcome {
    let o = this.outcomes.get(key);
    if (o === undefined && this.outcomes.size < 4096) this.outcomes.set(key, (o = { ...make(), tally: new Tally() }));
    return o ?? { ...make(), tally: new Tally() };
  }

  observe(f: FrameFacts): void {
    if (!f.nvgre || f.outerFragment) return;
    const combo = `${f.outerSrc}>${f.outerDst}|${f.key}|${f.innerDst}|${f.innerEtherType}`;
    let list = this.combos.get(combo);
    if (list === undefined) {
      list = this.judge(f);
      this.combos.addKey(combo, list);
    }
    for (const o of list) o.tally.add(f.number, this.examples);
  }

  private judge(f: FrameFacts): Outcome[] {
    const out: Outcome[] = [];
    const p = this.policy;
    for (const [address, role] of [
      [f.outerSrc, 'source'],
      [f.outerDst, 'destination'],
    ] as const) {
      if (!this.known(address)) {
        out.push(this.outcome(`pa|${address}`, () => ({ code: DoctorCode.POLICY_UNKNOWN_PA, ...(role === 'source' ? { sender: address } : { receiver: address }), detail: `${address} (seen as outer ${role})` })));
      }
    }
    const x = explainFrame(p, f.frame);
    const senderHost = x.sender?.host ?? null;
    const receiverHost = x.receiver?.host ?? null;
    const layout = x.sender?.keyLayout ?? this.siteLayout;
    const receiverLayout = receiverHost === null ? undefined : p.hosts.get(receiverHost)?.keyLayout;
    const vsid = vsidOf(f.key, layout);
    let layoutExplained = false;
    if (senderHost !== null && receiverLayout !== undefined && receiverLayout !== layout) {
      // The policy itself says the two hosts use different layouts (docs/nve.md §9).
      layoutExplained = true;
      const o = this.outcome(`layout|${f.outerSrc}|${f.outerDst}`, () => ({
        code: DoctorCode.KEY_LAYOUT_MISMATCH,
        sender: f.outerSrc,
        receiver: f.outerDst,
        vsid,
        detail: `the policy has ${senderHost} write keys as ${layout} and ${receiverHost} read them as ${receiverLayout}: key ${hex(f.key, 8)} (VSID ${vsid}) is read as VSID ${vsidOf(f.key, receiverLayout)}`,
        layouts: { written: layout, other: receiverLayout, key: f.key, otherVsid: vsidOf(f.key, receiverLayout) },
      }));
      out.push(o);
      if (!this.conclusive.has(f.outerSrc)) this.conclusive.set(f.outerSrc, o);
    } else if (!p.vsids.has(vsid)) {
      const other = OTHER[layout];
      const otherVsid = vsidOf(f.key, other);
      if ((other !== 'low24' || f.key >>> 24 === 0) && p.vsids.has(otherVsid)) {
        layoutExplained = true;
        const o = this.outcome(`layout|${f.outerSrc}|${f.key}`, () => ({
          code: DoctorCode.KEY_LAYOUT_MISMATCH,
          sender: f.outerSrc,
          receiver: f.outerDst,
          vsid: otherVsid,
          detail: `key ${hex(f.key, 8)} from ${f.outerSrc}${senderHost !== null ? ` (${senderHost})` : ''} names no virtual subnet of the policy in the ${layout} layout (VSID ${vsid}) but VSID ${otherVsid} in the ${other} layout`,
          layouts: { written: other, other: layout, key: f.key, otherVsid },
        }));
        out.push(o);
        if (!this.conclusive.has(f.outerSrc)) this.conclusive.set(f.outerSrc, o);
      } else {
        out.push(this.outcome(`vsid|${vsid}`, () => ({ code: DoctorCode.POLICY_UNKNOWN_VSID, sender: f.outerSrc, vsid, detail: `VSID ${vsid} (key ${hex(f.key, 8)} read as ${layout})` })));
      }
    }
    const r = x.receiver?.result;
    if (r !== undefined && r.action === 'drop' && r.reason !== undefined) {
      const host = x.receiver?.host ?? f.outerDst;
      const rv = r.vsid ?? vsid;
      if (r.reason === 'NO_LOOKUP_RECORD') {
        out.push(
          this.outcome(`nolookup|${host}|${rv}|${f.innerDst}`, () => ({
            code: DoctorCode.POLICY_NO_LOOKUP_RECORD,
            sender: f.outerSrc,
            receiver: f.outerDst,
            vsid: rv,
            detail: `${host} has no lookup record for ${f.innerDst || 'the inner destination'} in VSID ${rv}: ${r.message ?? ''}`.trim(),
          })),
        );
      } else if (!layoutExplained) {
        out.push(
          this.outcome(`drop|${host}|${r.reason}|${rv}`, () => ({
            code: DoctorCode.POLICY_RECEIVE_DROP,
            sender: f.outerSrc,
            receiver: f.outerDst,
            vsid: rv,
            detail: `${host} drops with ${r.reason}: ${r.message ?? ''}`.trim(),
          })),
        );
      }
    }
    return out;
  }

  /** The policy findings (KEY_LAYOUT_MISMATCH ones are merged into the key-layout findings by the caller). */
  findings(): DoctorFinding[] {
    const out: DoctorFinding[] = [];
    const byCode = new Map<DoctorCode, Outcome[]>();
    for (const o of this.outcomes.values()) {
      if (o.code === DoctorCode.KEY_LAYOUT_MISMATCH || o.tally.count === 0) continue;
      const l = byCode.get(o.code) ?? [];
      l.push(o);
      byCode.set(o.code, l);
    }
    for (const o of byCode.get(DoctorCode.POLICY_UNKNOWN_PA) ?? []) {
      const address = o.sender ?? o.receiver!;
      out.push(
        makeFinding(DoctorCode.POLICY_UNKNOWN_PA, {
          subject: o.sender !== undefined ? { sender: address } : { receiver: address },
          diagnosis: `${plural(o.tally.count, 'NVGRE frame')} ${o.sender !== undefined ? 'come from' : 'go to'} ${address}, which is the provider address of no host in the policy.`,
          tally: o.tally,
          details: [o.detail],
          cause: 'A host whose PA is not in the policy (a host added or renumbered without updating the policy, or a stale or spoofed sender), or a policy export that misses a host.',
          fix: `Add ${address} to the owning host's providerAddresses in the policy (Get-NetVirtualizationProviderAddress on that host), or find why traffic uses this address.`,
          refs: 'docs/nve.md §6',
        }),
      );
    }
    for (const o of byCode.get(DoctorCode.POLICY_UNKNOWN_VSID) ?? []) {
      out.push(
        makeFinding(DoctorCode.POLICY_UNKNOWN_VSID, {
          subject: { sender: o.sender!, vsid: o.vsid! },
          diagnosis: `${plural(o.tally.count, 'NVGRE frame')} carry VSID ${o.vsid}, which is no virtual subnet of the policy, in either key layout.`,
          tally: o.tally,
          details: [o.detail],
          cause: 'The sender uses a virtual subnet the policy does not define (a policy out of date on one host, or traffic from outside this HNV deployment).',
          fix: `Define VSID ${o.vsid} in the policy on every host that carries it, or correct the sender's virtual subnet.`,
          refs: 'RFC 7637 §3.2; docs/nve.md §6',
        }),
      );
    }
    for (const o of byCode.get(DoctorCode.POLICY_NO_LOOKUP_RECORD) ?? []) {
      out.push(
        makeFinding(DoctorCode.POLICY_NO_LOOKUP_RECORD, {
          subject: { sender: o.sender!, receiver: o.receiver!, vsid: o.vsid! },
          diagnosis: `${plural(o.tally.count, 'NVGRE frame')} from ${o.sender} to ${o.receiver} are addressed to an inner destination with no lookup record in VSID ${o.vsid}: the receiving host drops them.`,
          tally: o.tally,
          details: [o.detail],
          cause: 'A missing or stale lookup record (a VM moved or added without its record reaching every host).',
          fix: 'Add the lookup record for the destination customer address (New-NetVirtualizationLookupRecord) on the receiving host, with the PA of the host the VM runs on.',
          refs: 'docs/nve.md §6, §7',
        }),
      );
    }
    for (const o of byCode.get(DoctorCode.POLICY_RECEIVE_DROP) ?? []) {
      out.push(
        makeFinding(DoctorCode.POLICY_RECEIVE_DROP, {
          subject: { sender: o.sender!, receiver: o.receiver!, vsid: o.vsid! },
          diagnosis: `The receiving host's policy drops ${plural(o.tally.count, 'NVGRE frame')} from ${o.sender} to ${o.receiver} in VSID ${o.vsid}.`,
          tally: o.tally,
          details: [o.detail],
          cause: 'The receiving endpoint of the policy would not deliver these frames (see the drop code in the details).',
          fix: 'Follow the drop code in docs/nve.md §7 for what to change in the policy.',
          refs: 'docs/nve.md §6, §7',
        }),
      );
    }
    return out;
  }
}
