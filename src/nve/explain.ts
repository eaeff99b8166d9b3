/**
 * `explainFrame`: for an NVGRE frame seen on the wire, what the sending and the receiving host's
 * policy say about it (docs/nve.md §5, §6, §9): which record and route the sender's endpoint would
 * use for the inner packet and whether that matches what was sent, and what the receiver does with it.
 */
import { tryDecapsulate } from '../tunnel/decapsulate.js';
import { vsidOf, type KeyLayout } from '../wire/gre.js';
import { parseIp } from '../wire/address.js';
import { assertBytes } from '../wire/bytes.js';
import { ipFromBytes, type IpAddr } from './address.js';
import { NvePolicy, type HostInfo } from './compile.js';
import { createPolicy } from './create.js';
import type { ReceiveResult, TransmitResult } from './decision.js';
import { createNve, type Nve } from './nve.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, readL2 } from './packets.js';
import type { Policy } from './policy.js';

export interface FrameExplanation {
  /** False when the frame is not NVGRE between two PAs (then only `notes` says why). */
  readonly nvgre: boolean;
  readonly outer?: { readonly src: string; readonly dst: string } | undefined;
  /** The raw 32-bit GRE key. */
  readonly key?: number | undefined;
  readonly sender?:
    | {
        readonly host: string | null;
        readonly keyLayout?: KeyLayout | undefined;
        /** The VSID the sender meant, read with its key layout. */
        readonly vsid?: number | undefined;
        /** What the sender's endpoint decides for the inner packet from its VM's port. */
        readonly transmit?: TransmitResult | undefined;
        /** Whether that decision sends this frame's outer destination and key. */
        readonly agrees?: boolean | undefined;
      }
    | undefined;
  readonly receiver?: { readonly host: string | null; readonly result?: ReceiveResult | undefined } | undefined;
  /** Findings in words: unknown hosts, a disagreement, a key that names a VSID only in the other layout. */
  readonly notes: readonly string[];
}

const endpoints = new WeakMap<NvePolicy, Map<string, Nve>>();

function endpoint(p: NvePolicy, host: HostInfo): Nve {
  let m = endpoints.get(p);
  if (m === undefined) endpoints.set(p, (m = new Map()));
  let n = m.get(host.name);
  if (n === undefined) m.set(host.name, (n = createNve(p, host.name)));
  return n;
}

/** Explains one frame under `policy` (a `createPolicy` result, or a native policy validated first). Never throws on the frame's content. */
export function explainFrame(policy: NvePolicy | Policy, frame: Uint8Array): FrameExplanation {
  if (!(frame instanceof Uint8Array) || frame.length === 0) assertBytes(frame, 'frame');
  const p = policy instanceof NvePolicy ? policy : createPolicy(policy);
  const notes: string[] = [];
  const d = tryDecapsulate(frame, { strict: false });
  if (!d.ok) return { nvgre: false, notes: [`not NVGRE: ${d.error.code}: ${d.error.message}`] };
  const f = d.value;
  const outer = { src: f.outer.src, dst: f.outer.dst };
  const key = f.key;
  const src = ipFromBytes(parseIp(outer.src));
  const dst = ipFromBytes(parseIp(outer.dst));
  const from = p.paOwner.get(src.key)?.host ?? null;
  const to = p.paOwner.get(dst.key)?.host ?? null;
  if (from === null) notes.push(`the outer source ${outer.src} is the PA of no host in the policy`);
  if (to === null) notes.push(`the outer destination ${outer.dst} is the PA of no host in the policy`);
  let sender: FrameExplanation['sender'] = { host: from?.name ?? null };
  if (from !== null) {
    const vsid = vsidOf(key, from.keyLayout);
    sender = { host: from.name, keyLayout: from.keyLayout, vsid, ...senderView(p, from, vsid, f.inner, dst, key, notes) };
  }
  const receiver: FrameExplanation['receiver'] = to === null ? { host: null } : { host: to.name, result: endpoint(p, to).receive(frame) };
  if (from !== null && to !== null && from.keyLayout !== to.keyLayout) {
    notes.push(`${from.name} writes keys as ${from.keyLayout} but ${to.name} reads them as ${to.keyLayout}: VSID ${vsidOf(key, from.keyLayout)} becomes ${vsidOf(key, to.keyLayout)} (seed 004, KB2779768)`);
  }
  return { nvgre: true, outer, key, sender, receiver, notes };
}

/** What the sender's endpoint does with the inner packet from its VM's port, compared with the frame. */
function senderView(p: NvePolicy, from: HostInfo, vsid: number, inner: Uint8Array, dst: IpAddr, key: number, notes: string[]): { transmit?: TransmitResult; agrees?: boolean } {
  const v = p.vsids.get(vsid);
  if (v === undefined) {
    notes.push(`VSID ${vsid} (as ${from.name} writes keys) is no virtual subnet of the policy`);
    return {};
  }
  // The sending VM's port: the VSID of its record (the inner source; ARP's sender address), else the key's.
  const l2 = readL2(inner);
  let srcIp: IpAddr | null = null;
  if (l2 !== null && l2.etherType === ETHERTYPE_IPV4 && inner.length >= l2.l3 + 20) srcIp = ipFromBytes(inner.slice(l2.l3 + 12, l2.l3 + 16));
  else if (l2 !== null && l2.etherType === ETHERTYPE_IPV6 && inner.length >= l2.l3 + 40) srcIp = ipFromBytes(inner.slice(l2.l3 + 8, l2.l3 + 24));
  else if (l2 !== null && l2.etherType === ETHERTYPE_ARP && inner.length >= l2.l3 + 28) srcIp = ipFromBytes(inner.slice(l2.l3 + 14, l2.l3 + 18));
  const rec = srcIp === null ? undefined : p.recordInScope(v, srcIp);
  const port = rec?.vsid.vsid ?? vsid;
  const transmit = endpoint(p, from).transmit(inner, { vsid: port });
  let agrees = false;
  for (const out of transmit.frames) {
    const o = tryDecapsulate(out, { strict: false });
    if (o.ok && o.value.outer.dst === dst.text && vsidOf(o.value.key, from.keyLayout) === vsidOf(key, from.keyLayout)) agrees = true;
  }
  if (transmit.action === 'drop') notes.push(`${from.name}'s policy would not send this packet: ${transmit.reason}: ${transmit.message}`);
  else if (!agrees && (transmit.action === 'encapsulate' || transmit.action === 'flood')) notes.push(`${from.name}'s policy sends this packet elsewhere (another PA or VSID) than this frame went`);
  return { transmit, agrees };
}
