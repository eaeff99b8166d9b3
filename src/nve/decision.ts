/**
 * What `transmit` and `receive` return (docs/nve.md §5–§6): the action, the frames, the reason of a
 * drop and the trace of the decision steps. The trace is built when read, from the policy entries the
 * decision kept, so a caller that only looks at the action pays nothing for it.
 */
import type { NvgreErrorCode } from '../wire/errors.js';
import type { KeyLayout } from '../wire/gre.js';
import { macText } from './address.js';
import type { NextHop, PaInfo, Rec, RouteInfo } from './compile.js';

/** One step of a decision, in the order of docs/nve.md §5 (transmit) or §6 (receive). */
export interface TraceStep {
  /** Which step: "port", "arp", "customer-route", "lookup-record", "source-record", "provider-route", "next-hop-mac", "encapsulate", "flood", "decapsulate", "destination", "source-check", "deliver", "reply", "drop". */
  readonly step: string;
  /** What the step found, in words, with the policy entry it used ("customerRoutes[3]"). */
  readonly detail: string;
}

export type TransmitAction = 'encapsulate' | 'flood' | 'local' | 'answered' | 'pass' | 'drop';
export type ReceiveAction = 'deliver' | 'drop' | 'not-for-us';

export interface TransmitResult {
  readonly action: TransmitAction;
  /** Frames for the wire (NVGRE, or the untouched frame for `pass`). */
  readonly frames: readonly Uint8Array[];
  /** Frames back to the sending VM: HNV's own ARP replies and Neighbor Advertisements (`answered`). */
  readonly replies: readonly Uint8Array[];
  /** `transmitInto`: bytes written into the target (the `encapsulate` frame); 0 otherwise. */
  readonly length: number;
  /** The VSID written in the key (the destination's), or the VSID of a local delivery. */
  readonly vsid?: number | undefined;
  /** `local`: the frame handed to the VM on this host, and that VM (its name, or its CA). */
  readonly inner?: Uint8Array | undefined;
  readonly vm?: string | undefined;
  /** `drop`: why (docs/nve.md §7), and a sentence saying what to change. */
  readonly reason?: NvgreErrorCode | undefined;
  readonly message?: string | undefined;
  readonly trace: readonly TraceStep[];
}

export interface ReceiveResult {
  readonly action: ReceiveAction;
  /** The VSID this host read from the key (with its key layout). */
  readonly vsid?: number | undefined;
  /** `deliver`: the VM (name or CA) and the inner frame (a view of the input, not a copy). */
  readonly vm?: string | undefined;
  readonly inner?: Uint8Array | undefined;
  /** Frames this host sends back on the wire: the ICMP unreachable inside NVGRE after a POLICY_MISMATCH. */
  readonly replies: readonly Uint8Array[];
  readonly reason?: NvgreErrorCode | undefined;
  readonly message?: string | undefined;
  readonly trace: readonly TraceStep[];
}

const NONE: readonly Uint8Array[] = Object.freeze([]);

export function recordText(r: Rec): string {
  const pa = r.pa === null ? 'no PA' : `PA ${r.pa.text}`;
  const kind = r.type !== undefined ? `${r.type} ` : '';
  return `${r.wildcard ? `${kind}wildcard ${r.ca.text}` : r.ca.text} in VSID ${r.vsid.vsid} → ${pa}, MAC ${macText(r.mac)}${r.vmName !== undefined ? `, VM ${r.vmName}` : ''}, rule ${r.rule} (lookupRecords[${r.index}])`;
}

export function routeText(r: RouteInfo): string {
  return `${r.prefix.text} owned by VSID ${r.vsid.vsid}, next hop ${r.nextHop === null ? 'on-link' : r.nextHop.text}, metric ${r.metric} (customerRoutes[${r.index}])`;
}

export function nextHopText(n: NextHop): string {
  if (n.via === 'on-link') return `on-link: ${n.address.text} is in this host's PA subnet ${n.onLinkPa!.prefix.text}`;
  const r = n.route!;
  return `provider route ${r.prefix.text} via ${r.nextHop === null ? 'on-link' : r.nextHop.text}, metric ${r.metric} (hosts[${r.host.index}].providerRoutes[${r.index}])`;
}

/** The facts a transmit decision keeps for its trace. */
export interface TransmitFacts {
  portVsid: number;
  /** Steps recorded directly (ARP, flood, pass), before the standard ones. */
  notes: TraceStep[] | null;
  route: RouteInfo | null;
  record: Rec | null;
  source: Rec | null;
  routed: boolean;
  srcPa: PaInfo | null;
  nextHop: NextHop | null;
  nextHopMac: Uint8Array | null;
  keyLayout: KeyLayout;
}

export class TransmitDecision implements TransmitResult {
  frames: readonly Uint8Array[] = NONE;
  replies: readonly Uint8Array[] = NONE;
  length = 0;
  vsid: number | undefined = undefined;
  inner: Uint8Array | undefined = undefined;
  vm: string | undefined = undefined;
  reason: NvgreErrorCode | undefined = undefined;
  message: string | undefined = undefined;

  constructor(
    public action: TransmitAction,
    public facts: TransmitFacts,
  ) {}

  /** Makes this result a new one (transmitInto's reused result). */
  refill(action: TransmitAction, facts: TransmitFacts): this {
    this.action = action;
    this.facts = facts;
    this.frames = NONE;
    this.replies = NONE;
    this.length = 0;
    this.vsid = undefined;
    this.inner = undefined;
    this.vm = undefined;
    this.reason = undefined;
    this.message = undefined;
    return this;
  }

  get trace(): readonly TraceStep[] {
    const f = this.facts;
    const steps: TraceStep[] = [{ step: 'port', detail: `frame from a port in VSID ${f.portVsid}` }];
    if (f.notes !== null) steps.push(...f.notes);
    if (f.route !== null) steps.push({ step: 'customer-route', detail: routeText(f.route) });
    if (f.record !== null) steps.push({ step: 'lookup-record', detail: `target ${recordText(f.record)}${f.routed ? '; routed by the distributed router' : ''}` });
    if (f.source !== null) steps.push({ step: 'source-record', detail: `sender ${recordText(f.source)}` });
    if (f.nextHop !== null) steps.push({ step: 'provider-route', detail: nextHopText(f.nextHop) });
    if (f.nextHopMac !== null && f.nextHop !== null) steps.push({ step: 'next-hop-mac', detail: `${f.nextHop.address.text} is at ${macText(f.nextHopMac)}` });
    if (this.action === 'encapsulate' && f.record !== null && f.srcPa !== null) {
      const vlan = f.srcPa.vlan === 0 ? 'untagged' : `VLAN ${f.srcPa.vlan}`;
      steps.push({ step: 'encapsulate', detail: `NVGRE key VSID ${this.vsid} (${f.keyLayout}), PA ${f.srcPa.address.text} → ${f.record.pa!.text}, outer ${vlan}` });
    } else if (this.action === 'local') {
      steps.push({ step: 'deliver', detail: `destination PA is this host's: delivered to ${this.vm} in VSID ${this.vsid}, nothing on the wire` });
    }
    if (this.action === 'drop') steps.push({ step: 'drop', detail: `${this.reason}: ${this.message}` });
    return steps;
  }

  toJSON(): object {
    return {
      action: this.action,
      ...(this.vsid !== undefined ? { vsid: this.vsid } : {}),
      ...(this.vm !== undefined ? { vm: this.vm } : {}),
      ...(this.reason !== undefined ? { reason: this.reason, message: this.message } : {}),
      frames: this.frames.length,
      replies: this.replies.length,
      trace: this.trace,
    };
  }
}

/** The facts a receive decision keeps for its trace. */
export interface ReceiveFacts {
  notes: TraceStep[];
  destination: Rec | null;
  source: Rec | null;
  sourceByWildcard: boolean;
}

export class ReceiveDecision implements ReceiveResult {
  vsid: number | undefined = undefined;
  vm: string | undefined = undefined;
  replies: readonly Uint8Array[] = NONE;
  reason: NvgreErrorCode | undefined = undefined;
  message: string | undefined = undefined;
  /** The inner frame's place in the input (the view is made on first read). */
  frame: Uint8Array | null = null;
  innerOffset = 0;
  innerLength = 0;
  private view: Uint8Array | undefined = undefined;

  constructor(
    public action: ReceiveAction,
    public facts: ReceiveFacts,
  ) {}

  /** Makes this result a delivery (the reused result of `receiveReused`). */
  refillDelivery(facts: ReceiveFacts, vsid: number, vm: string | undefined, frame: Uint8Array, innerOffset: number, innerLength: number): this {
    this.action = 'deliver';
    this.facts = facts;
    this.vsid = vsid;
    this.vm = vm;
    this.replies = NONE;
    this.reason = undefined;
    this.message = undefined;
    this.frame = frame;
    this.innerOffset = innerOffset;
    this.innerLength = innerLength;
    this.view = undefined;
    return this;
  }

  /** A delivery refilled with the same decision: only the frame and the inner frame's place change. */
  refillPlace(frame: Uint8Array, innerOffset: number, innerLength: number): this {
    this.frame = frame;
    this.innerOffset = innerOffset;
    this.innerLength = innerLength;
    this.view = undefined;
    return this;
  }

  get inner(): Uint8Array | undefined {
    if (this.frame === null) return undefined;
    return (this.view ??= this.frame.subarray(this.innerOffset, this.innerOffset + this.innerLength));
  }

  get trace(): readonly TraceStep[] {
    const f = this.facts;
    const steps = [...f.notes];
    if (f.destination !== null) steps.push({ step: 'destination', detail: recordText(f.destination) });
    if (f.source !== null) steps.push({ step: 'source-check', detail: `sender ${recordText(f.source)}` });
    else if (f.sourceByWildcard) steps.push({ step: 'source-check', detail: 'the outer source PA holds a wildcard or L2Only record of the routing domain' });
    if (this.action === 'deliver') steps.push({ step: 'deliver', detail: `to ${this.vm} in VSID ${this.vsid}` });
    if (this.action === 'drop') steps.push({ step: 'drop', detail: `${this.reason}: ${this.message}` });
    if (this.replies.length > 0) steps.push({ step: 'reply', detail: 'sent back an ICMP unreachable (administratively prohibited) inside NVGRE to the sending PA' });
    return steps;
  }

  toJSON(): object {
    return {
      action: this.action,
      ...(this.vsid !== undefined ? { vsid: this.vsid } : {}),
      ...(this.vm !== undefined ? { vm: this.vm } : {}),
      ...(this.reason !== undefined ? { reason: this.reason, message: this.message } : {}),
      replies: this.replies.length,
      trace: this.trace,
    };
  }
}
