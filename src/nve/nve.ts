/**
 * The endpoint (RFC 7637 §4 NVE) of one host of an HNV policy: `transmit` takes a VM frame from a
 * vSwitch port and decides what goes on the wire (docs/nve.md §5), `receive` takes a frame from the
 * wire and decides what reaches a VM (docs/nve.md §6, in receive.ts).
 *
 * Speed: a unicast IPv4 decision depends only on the port's VSID and the inner source and destination
 * addresses, and the policy never changes under an endpoint, so each decision is kept in a small
 * direct-mapped cache; a hit costs a few comparisons on top of `encapsulateInto` of the encapsulator
 * kept per destination PA and VSID (docs/nve.md §4).
 */
import { assertBytes, assertInt, u32 } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode, isNvgreError } from '../wire/errors.js';
import { createEncapsulator } from '../tunnel/encapsulate.js';
import type { Encapsulator } from '../tunnel/template.js';
import { ipFromBytes, macNumber, macText, type IpAddr } from './address.js';
import { NvePolicy, type HostInfo, type PaInfo, type Rec, type VsidInfo } from './compile.js';
import { TransmitDecision, recordText, type ReceiveResult, type TraceStep, type TransmitFacts, type TransmitResult } from './decision.js';
import { ARP, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, arpOperation, arpReply, hasIpv4, hasIpv6, multicastMac, neighborAdvertisement, neighborSolicitationTarget, readL2 } from './packets.js';
import { Receiver } from './receive.js';
import { CACHE_SETS, cacheWay } from './cache.js';
import { createPolicy } from './create.js';
import type { Policy } from './policy.js';

/** The vSwitch port a VM frame comes from: its VSID (0 = not virtualized). */
export interface VmPort {
  readonly vsid: number;
}

export interface Nve {
  /** The host this endpoint runs as. */
  readonly host: string;
  /**
   * A VM frame from a port → what goes on the wire, to a local VM, or back to the VM. Never changes
   * `vmFrame`; every frame returned is new.
   */
  transmit(vmFrame: Uint8Array, port: VmPort): TransmitResult;
  /**
   * Like {@link transmit}, but a unicast NVGRE frame is written into `target` at `offset` (its length
   * is the result's `length`; `frames` stays empty) — the allocation-free path: its result object is
   * the endpoint's own, refilled by the next `transmitInto` (read what you need first). Other actions
   * (floods, answers) return new frames and a new result as `transmit` does. Throws `NO_SPACE` when
   * the frame does not fit.
   */
  transmitInto(target: Uint8Array, offset: number, vmFrame: Uint8Array, port: VmPort): TransmitResult;
  /** A frame from the wire → delivered to a VM, dropped (and maybe answered), or not for this host. */
  receive(wireFrame: Uint8Array): ReceiveResult;
  /**
   * Like {@link receive}, but a delivery on the common path (untagged outer IPv4 to one of this host's
   * PAs, inner IPv4, a decision already cached) returns the endpoint's own result, refilled by the next
   * `receiveReused` (read what you need first) — the allocation-free receive loop. Other outcomes
   * return a new result as `receive` does.
   */
  receiveReused(wireFrame: Uint8Array): ReceiveResult;
  /**
   * The port a VM frame comes from, as far as the policy tells: the VSID of this host's lookup record
   * with the frame's source MAC; null when no VM of this host has it (pass the port explicitly then).
   */
  portFor(vmFrame: Uint8Array): VmPort | null;
}

/** A resolved decision for one (port VSID, source, destination) — the cache entry. */
interface Path {
  readonly vsid: number;
  readonly src: number;
  readonly dst: number;
  readonly facts: TransmitFacts;
  readonly action: 'encapsulate' | 'local' | 'drop';
  readonly keyVsid: number;
  readonly enc: Encapsulator | null;
  /** Inner MAC rewrite: destination = the target record's MAC; source = the gateway's when routed. */
  readonly dstMac: Uint8Array | null;
  readonly srcMac: Uint8Array | null;
  readonly vm: string | undefined;
  readonly reason: NvgreErrorCode | undefined;
  readonly message: string | undefined;
}


function argError(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

function portVsid(port: unknown): number {
  const vsid = port !== null && typeof port === 'object' ? (port as { vsid?: unknown }).vsid : undefined;
  if (typeof vsid !== 'number' || !Number.isInteger(vsid) || vsid < 0 || vsid > 0xffffff) {
    throw argError(`port must be an object { vsid } with the port's VSID (an integer from 0 to 16777215; 0 = not virtualized), got ${port === null ? 'null' : typeof port === 'object' ? `vsid ${String(vsid)}` : typeof port}`);
  }
  return vsid;
}

function newFacts(portVsidValue: number, host: HostInfo | null): TransmitFacts {
  return { portVsid: portVsidValue, notes: null, route: null, record: null, source: null, routed: false, srcPa: null, nextHop: null, nextHopMac: null, keyLayout: host?.keyLayout ?? 'rfc7637' };
}

function putMac(target: Uint8Array, at: number, mac: Uint8Array): void {
  target[at] = mac[0]!;
  target[at + 1] = mac[1]!;
  target[at + 2] = mac[2]!;
  target[at + 3] = mac[3]!;
  target[at + 4] = mac[4]!;
  target[at + 5] = mac[5]!;
}

class Endpoint implements Nve {
  readonly host: string;
  private readonly cache: (Path | undefined)[] = new Array<Path | undefined>(2 * CACHE_SETS).fill(undefined);
  /** The result of `transmitInto`, refilled by each call (its allocation-free contract). */
  private readonly reused = new TransmitDecision('drop', newFacts(0, null));
  private readonly encapsulators = new Map<string, Encapsulator>();
  private readonly receiver: Receiver;

  constructor(
    readonly policy: NvePolicy,
    readonly info: HostInfo,
  ) {
    this.host = info.name;
    this.receiver = new Receiver(policy, info);
  }

  transmit(vmFrame: Uint8Array, port: VmPort): TransmitResult {
    return this.send(vmFrame, port, null, 0);
  }

  transmitInto(target: Uint8Array, offset: number, vmFrame: Uint8Array, port: VmPort): TransmitResult {
    if (!(target instanceof Uint8Array) || target.length === 0) assertBytes(target, 'target');
    assertInt(offset, 'offset', 0, target.length);
    return this.send(vmFrame, port, target, offset);
  }

  receive(wireFrame: Uint8Array): ReceiveResult {
    return this.receiver.receive(wireFrame);
  }

  receiveReused(wireFrame: Uint8Array): ReceiveResult {
    return this.receiver.receive(wireFrame, true);
  }

  portFor(vmFrame: Uint8Array): VmPort | null {
    if (!(vmFrame instanceof Uint8Array) || vmFrame.length === 0) assertBytes(vmFrame, 'vmFrame');
    if (vmFrame.length < 12) return null;
    for (const v of this.policy.vsids.values()) {
      const r = this.policy.recordByMac(v, vmFrame, 6);
      if (r !== undefined && r.owner === this.info) return { vsid: v.vsid };
    }
    return null;
  }

  toJSON(): object {
    return { host: this.host, keyLayout: this.info.keyLayout };
  }

  private send(f: Uint8Array, port: VmPort, target: Uint8Array | null, offset: number): TransmitDecision {
    if (!(f instanceof Uint8Array) || f.length === 0) assertBytes(f, 'vmFrame');
    const vsid = portVsid(port);
    // The common case: an untagged unicast IPv4 frame (its decision is cached; see the file comment).
    if (vsid !== 0 && f.length >= 34 && f[12] === 0x08 && f[13] === 0x00 && (f[0]! & 1) === 0 && f[14]! >>> 4 === 4) {
      const src = u32(f, 26);
      const dst = u32(f, 30);
      const cache = this.cache;
      const way = cacheWay(dst ^ Math.imul(src, 0x45d9f3b) ^ Math.imul(vsid, 0x27d4eb2d));
      let p = cache[way];
      if (p === undefined || p.dst !== dst || p.src !== src || p.vsid !== vsid) {
        const q = cache[way + 1];
        if (q !== undefined && q.dst === dst && q.src === src && q.vsid === vsid) {
          cache[way + 1] = p;
          cache[way] = p = q;
        } else {
          p = this.resolveUnicast(vsid, ipFromBytes(f.slice(26, 30)), ipFromBytes(f.slice(30, 34)), src, dst);
          cache[way + 1] = cache[way];
          cache[way] = p;
        }
      }
      return this.emit(p, f, target, offset);
    }
    return this.sendOther(f, vsid, target, offset);
  }

  /** Everything but cached unicast IPv4: pass-through, ARP and ND, floods, IPv6, non-IP unicast. */
  private sendOther(f: Uint8Array, vsid: number, target: Uint8Array | null, offset: number): TransmitDecision {
    const host = this.info;
    if (vsid === 0) {
      const d = new TransmitDecision('pass', newFacts(0, host));
      d.facts.notes = [{ step: 'pass', detail: 'port VSID 0: not virtualized, the frame passes through untouched (no HNV)' }];
      d.frames = [f.slice()];
      return d;
    }
    const l2 = readL2(f);
    if (l2 === null) return this.drop(newFacts(vsid, host), NvgreErrorCode.TRUNCATED, `the VM frame is ${f.length} bytes, shorter than its Ethernet header`);
    const v = this.policy.vsids.get(vsid);
    const { l3, etherType } = l2;
    if (etherType === ETHERTYPE_ARP) {
      const op = arpOperation(f, l3);
      if (op === 1) return this.resolveNeighbor(f, vsid, v, ipFromBytes(f.slice(l3 + ARP.TPA, l3 + ARP.TPA + 4)), ipFromBytes(f.slice(l3 + ARP.SPA, l3 + ARP.SPA + 4)), (rec) => arpReply(f, l3, rec.mac));
    } else if (etherType === ETHERTYPE_IPV6) {
      const t = neighborSolicitationTarget(f, l3);
      if (t >= 0) return this.resolveNeighbor(f, vsid, v, ipFromBytes(f.slice(t, t + 16)), ipFromBytes(f.slice(l3 + 8, l3 + 24)), (rec) => neighborAdvertisement(f, l3, t, rec.mac));
    }
    if ((f[0]! & 1) !== 0) {
      const src = etherType === ETHERTYPE_IPV4 && hasIpv4(f, l3) ? ipFromBytes(f.slice(l3 + 12, l3 + 16)) : null;
      return this.flood(f, vsid, v, src, [{ step: 'flood', detail: `to ${f[0] === 0xff ? 'broadcast' : 'multicast'} MAC ${Array.from(f.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':')}` }]);
    }
    if (etherType === ETHERTYPE_IPV4 && hasIpv4(f, l3)) {
      return this.emit(this.resolveUnicast(vsid, ipFromBytes(f.slice(l3 + 12, l3 + 16)), ipFromBytes(f.slice(l3 + 16, l3 + 20)), 0, 0), f, target, offset);
    }
    if (etherType === ETHERTYPE_IPV6 && hasIpv6(f, l3)) {
      return this.emit(this.resolveUnicast(vsid, ipFromBytes(f.slice(l3 + 8, l3 + 24)), ipFromBytes(f.slice(l3 + 24, l3 + 40)), 0, 0), f, target, offset);
    }
    // Unicast without IP (an ARP reply to a flooded request, other EtherTypes): the record of the destination MAC.
    const facts = newFacts(vsid, host);
    const rec = (v === undefined ? undefined : this.policy.recordByMac(v, f, 0));
    if (v === undefined || rec === undefined) {
      return this.drop(facts, NvgreErrorCode.NO_LOOKUP_RECORD, `no lookup record in VSID ${vsid} has the destination MAC ${Array.from(f.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':')}; add the VM's record`);
    }
    facts.notes = [{ step: 'lookup-record', detail: `by destination MAC (not IP; EtherType 0x${etherType.toString(16).padStart(4, '0')})` }];
    return this.emit(this.complete(facts, v, rec, false, this.policy.recordByMac(v, f, 6) ?? null, null, 0, 0), f, target, offset);
  }

  /** ARP request / Neighbor Solicitation: answered from a record, else flooded (docs/nve.md §5 step 2). */
  private resolveNeighbor(f: Uint8Array, vsid: number, v: VsidInfo | undefined, targetIp: IpAddr, senderIp: IpAddr, answer: (rec: Rec) => Uint8Array): TransmitDecision {
    const what = targetIp.version === 4 ? 'ARP who-has' : 'Neighbor Solicitation for';
    let rec: Rec | undefined = v === undefined ? undefined : this.policy.record(v, targetIp);
    if (rec === undefined && v?.gateway != null && v.gateway.ca.key === targetIp.key) rec = v.gateway;
    if (rec !== undefined && !rec.wildcard) {
      const d = new TransmitDecision('answered', newFacts(vsid, this.info));
      d.facts.notes = [{ step: 'arp', detail: `${what} ${targetIp.text}: HNV answers with ${macText(rec.mac)} from ${recordText(rec)}; nothing goes on the wire` }];
      d.replies = [answer(rec)];
      d.vsid = vsid;
      return d;
    }
    return this.flood(f, vsid, v, senderIp, [{ step: 'arp', detail: `${what} ${targetIp.text}: no lookup record in VSID ${vsid}, so the request is flooded` }]);
  }

  /** The decision for unicast IP from `src` to `dst` sent from a port in `vsid` (docs/nve.md §5 step 3–4). */
  private resolveUnicast(vsid: number, src: IpAddr, dst: IpAddr, src4: number, dst4: number): Path {
    const facts = newFacts(vsid, this.info);
    const v = this.policy.vsids.get(vsid);
    if (v === undefined || v.domain === null) {
      return this.dropPath(facts, vsid, src4, dst4, NvgreErrorCode.NO_CUSTOMER_ROUTE, `VSID ${vsid} belongs to no routing domain of the policy, so no customer route can reach ${dst.text}; add the customer routes of the VSID's routing domain`);
    }
    const slot = this.policy.customerRoute(v.domain, dst);
    if (slot === undefined) {
      return this.dropPath(
        facts,
        vsid,
        src4,
        dst4,
        NvgreErrorCode.NO_CUSTOMER_ROUTE,
        `no customer route of routing domain ${v.domain.id} (VSID ${vsid}) covers ${dst.text}; add a route for its prefix, or 0.0.0.0/0 to a gateway (virtual subnets of other routing domains are never reachable)`,
      );
    }
    const route = slot[0]!;
    facts.route = route;
    const t = route.vsid;
    const targetCa = route.nextHop ?? dst;
    const rec = this.policy.record(t, targetCa) ?? t.wildcards.find((w) => w.ca.version === targetCa.version);
    if (rec === undefined) {
      const via = route.nextHop === null ? '' : ` (the next hop of customerRoutes[${route.index}])`;
      return this.dropPath(facts, vsid, src4, dst4, NvgreErrorCode.NO_LOOKUP_RECORD, `no lookup record for ${targetCa.text}${via} in VSID ${t.vsid}, and no GatewayWildcard record there; add the record on every host`);
    }
    const routed = t !== v || route.nextHop !== null;
    let source: Rec | null = this.policy.record(v, src) ?? null;
    // A gateway VM sends from addresses it has no record for: its wildcard record on this host names its PA (library rule).
    source ??= v.wildcards.find((w) => w.owner === this.info && w.ca.version === src.version) ?? null;
    return this.complete(facts, v, rec, routed, source, src, src4, dst4);
  }

  /** From a target record and the sending VM's record to the finished decision (rule, source PA, next hop, encapsulator). */
  private complete(facts: TransmitFacts, v: VsidInfo, rec: Rec, routed: boolean, source: Rec | null, src: IpAddr | null, src4: number, dst4: number): Path {
    const host = this.info;
    const vsid = v.vsid;
    facts.record = rec;
    facts.routed = routed;
    if (rec.rule !== 'encap') {
      const why =
        rec.rule === 'nat'
          ? 'its rule is TranslationMethodNat (IP rewrite without GRE), which this model does not implement'
          : 'its rule is TranslationMethodNone: HNV answers ARP for this address (the distributed router) but passes no traffic to it';
      return this.dropPath(facts, vsid, src4, dst4, NvgreErrorCode.UNSUPPORTED_RULE, `the lookup record for ${rec.ca.text} in VSID ${rec.vsid.vsid} (lookupRecords[${rec.index}]): ${why}`);
    }
    if (source === null) {
      return this.dropPath(facts, vsid, src4, dst4, NvgreErrorCode.NO_LOOKUP_RECORD, `the sending VM${src === null ? '' : ` (${src.text})`} has no lookup record in VSID ${vsid}; HNV sends only for VMs with a record: add it`);
    }
    facts.source = source;
    if (source.owner !== host) {
      return this.dropPath(
        facts,
        vsid,
        src4,
        dst4,
        NvgreErrorCode.SOURCE_MISMATCH,
        `the lookup record of the sending VM ${source.label} (lookupRecords[${source.index}]) puts it behind PA ${source.pa?.text ?? 'none'}${source.owner === null ? '' : ` of host ${source.owner.name}`}, not on this host (${host.name}); update the record where the VM now runs`,
      );
    }
    const srcMac = routed ? (rec.vsid.gateway?.mac ?? null) : null;
    if (rec.owner === host) {
      return { vsid, src: src4, dst: dst4, facts, action: 'local', keyVsid: rec.vsid.vsid, enc: null, dstMac: rec.mac, srcMac, vm: rec.label, reason: undefined, message: undefined };
    }
    const dstPa = rec.pa!;
    let srcPa: PaInfo | null = host.paByKey.get(source.pa!.key) ?? null;
    if (srcPa !== null && srcPa.address.version !== dstPa.version) srcPa = this.policy.localPa(host, dstPa.version);
    if (srcPa === null) {
      return this.dropPath(facts, vsid, src4, dst4, NvgreErrorCode.NO_PROVIDER_ROUTE, `this host has no IPv${dstPa.version} provider address to reach PA ${dstPa.text}; add one`);
    }
    facts.srcPa = srcPa;
    const made = this.encapsulatorTo(facts, srcPa, dstPa, rec.vsid.vsid, `${rec.label} (lookupRecords[${rec.index}])`);
    if (typeof made === 'string') return this.dropPath(facts, vsid, src4, dst4, made === 'route' ? NvgreErrorCode.NO_PROVIDER_ROUTE : NvgreErrorCode.NO_NEXT_HOP_MAC, facts.notes!.pop()!.detail);
    return { vsid, src: src4, dst: dst4, facts, action: 'encapsulate', keyVsid: rec.vsid.vsid, enc: made, dstMac: rec.mac, srcMac, vm: rec.label, reason: undefined, message: undefined };
  }

  /**
   * The encapsulator from `srcPa` to `dstPa` with `keyVsid` (cached), after the next-hop steps; on a
   * failure, 'route' or 'mac' with the message pushed to `facts.notes`.
   */
  private encapsulatorTo(facts: TransmitFacts, srcPa: PaInfo, dstPa: IpAddr, keyVsid: number, what: string): Encapsulator | 'route' | 'mac' {
    const host = this.info;
    const nh = this.policy.nextHop(host, srcPa, dstPa);
    facts.notes ??= [];
    if (nh === null) {
      const subnets = host.pas.map((p) => p.prefix.text).join(', ');
      facts.notes.push({
        step: 'drop',
        detail: `PA ${dstPa.text} of ${what} is outside this host's PA subnets (${subnets}) and no provider route covers it — what Windows reports as "General Transmit Failure"; give the PA network a provider route or a default gateway (New-NetVirtualizationProviderRoute -DestinationPrefix 0.0.0.0/0 -NextHop <the PA subnet's router>)`,
      });
      return 'route';
    }
    facts.nextHop = nh;
    const mac = host.neighbors.get(nh.address.key);
    if (mac === undefined) {
      facts.notes.push({ step: 'drop', detail: `next hop ${nh.address.text} towards PA ${dstPa.text} has no MAC in host ${host.name}'s neighbour table; add it to the host's neighbors` });
      return 'mac';
    }
    facts.nextHopMac = mac;
    return this.encapsulator(srcPa, dstPa, mac, keyVsid);
  }

  private encapsulator(srcPa: PaInfo, dstPa: IpAddr, dstMac: Uint8Array, keyVsid: number): Encapsulator {
    const key = `${srcPa.address.key}|${dstPa.key}|${macNumber(dstMac, 0)}|${keyVsid}`;
    let enc = this.encapsulators.get(key);
    if (enc === undefined) {
      const o = this.info.options;
      const low24 = this.info.keyLayout === 'low24';
      enc = createEncapsulator({
        vsid: keyVsid,
        srcMac: srcPa.mac,
        dstMac,
        srcIp: srcPa.address.bytes,
        dstIp: dstPa.bytes,
        ...(srcPa.vlan !== 0 ? { vlan: { id: srcPa.vlan } } : {}),
        keyLayout: this.info.keyLayout,
        flowId: low24 ? 'zero' : o.flowId,
        ttl: o.ttl,
      });
      this.encapsulators.set(key, enc);
    }
    return enc;
  }

  /** Flooding (docs/nve.md §5 step 2): N-way unicast to the PAs of the VSID's L2Only records, or its multicast group. */
  private flood(f: Uint8Array, vsid: number, v: VsidInfo | undefined, sender: IpAddr | null, notes: TraceStep[]): TransmitDecision {
    const host = this.info;
    const facts = newFacts(vsid, host);
    facts.notes = notes;
    if (v === undefined) return this.drop(facts, NvgreErrorCode.NO_LOOKUP_RECORD, `VSID ${vsid} has no lookup records in the policy, so there is no one to flood to; add the VSID's records`);
    const own = sender === null ? this.policy.recordByMac(v, f, 6) : this.policy.record(v, sender);
    const ownPa = own?.owner === host ? (host.paByKey.get(own.pa!.key) ?? null) : null;
    const frames: Uint8Array[] = [];
    if (host.options.flood === 'multicast' && v.multicastGroup !== null) {
      const group = v.multicastGroup;
      const srcPa = ownPa?.address.version === group.version ? ownPa : this.policy.localPa(host, group.version);
      if (srcPa === null) return this.drop(facts, NvgreErrorCode.NO_PROVIDER_ROUTE, `this host has no IPv${group.version} PA to send to multicast group ${group.text}; add one`);
      notes.push({ step: 'flood', detail: `one copy to VSID ${vsid}'s multicast group ${group.text} (flood: 'multicast', RFC 7637 §4.3)` });
      return this.floodFrames(facts, f, [this.encapsulator(srcPa, group, multicastMac(group.bytes), vsid)], vsid);
    }
    const targets = new Map<string, Rec>();
    for (const r of v.l2only) if (r.pa !== null && r.owner !== host && !targets.has(r.pa.key)) targets.set(r.pa.key, r);
    if (targets.size === 0) {
      return this.drop(
        facts,
        NvgreErrorCode.NO_LOOKUP_RECORD,
        `no lookup record answers the request and VSID ${vsid} has no L2Only record on another host to flood it to (HNVv1 floods by unicast to L2Only PAs, never by IP multicast); add the record, or an L2Only record for the host that should see the broadcast`,
      );
    }
    const encs: Encapsulator[] = [];
    let firstFailure: 'route' | 'mac' | null = null;
    for (const r of targets.values()) {
      const srcPa = ownPa?.address.version === r.pa!.version ? ownPa : this.policy.localPa(host, r.pa!.version);
      if (srcPa === null) continue;
      const made = this.encapsulatorTo(facts, srcPa, r.pa!, vsid, `L2Only ${r.label} (lookupRecords[${r.index}])`);
      if (typeof made === 'string') firstFailure ??= made;
      else {
        encs.push(made);
        notes.push({ step: 'flood', detail: `copy to PA ${r.pa!.text} (L2Only lookupRecords[${r.index}])` });
      }
    }
    facts.nextHop = null;
    facts.nextHopMac = null;
    if (encs.length === 0) {
      const message = notes.pop()?.detail ?? 'no flood target is reachable';
      return this.drop(facts, firstFailure === 'mac' ? NvgreErrorCode.NO_NEXT_HOP_MAC : NvgreErrorCode.NO_PROVIDER_ROUTE, message);
    }
    return this.floodFrames(facts, f, encs, vsid);
  }

  private floodFrames(facts: TransmitFacts, f: Uint8Array, encs: readonly Encapsulator[], vsid: number): TransmitDecision {
    const frames: Uint8Array[] = [];
    for (const enc of encs) {
      try {
        frames.push(enc.encapsulate(f));
      } catch (e) {
        if (!isNvgreError(e)) throw e;
        return this.drop(facts, e.code, e.message);
      }
    }
    const d = new TransmitDecision('flood', facts);
    d.frames = frames;
    d.vsid = vsid;
    return d;
  }

  private emit(p: Path, f: Uint8Array, target: Uint8Array | null, offset: number): TransmitDecision {
    const d = target === null ? new TransmitDecision(p.action, p.facts) : this.reused.refill(p.action, p.facts);
    if (p.action === 'drop') {
      d.reason = p.reason;
      d.message = p.message;
      return d;
    }
    d.vsid = p.keyVsid;
    d.vm = p.vm;
    if (p.action === 'local') {
      const inner = f.slice();
      if (inner.length >= 12) {
        putMac(inner, 0, p.dstMac!);
        if (p.srcMac !== null) putMac(inner, 6, p.srcMac);
      }
      d.inner = inner;
      return d;
    }
    const enc = p.enc!;
    try {
      let out: Uint8Array;
      let at: number;
      if (target !== null) {
        d.length = enc.encapsulateInto(target, offset, f);
        out = target;
        at = offset + enc.headerLength;
      } else {
        out = new Uint8Array(enc.encapsulatedLength(f));
        enc.encapsulateInto(out, 0, f);
        at = enc.headerLength;
        d.frames = [out];
      }
      putMac(out, at, p.dstMac!);
      if (p.srcMac !== null) putMac(out, at + 6, p.srcMac);
    } catch (e) {
      if (!isNvgreError(e) || e.code === NvgreErrorCode.NO_SPACE) throw e;
      d.action = 'drop';
      d.length = 0;
      d.frames = [];
      d.reason = e.code;
      d.message = e.message;
    }
    return d;
  }

  private dropPath(facts: TransmitFacts, vsid: number, src: number, dst: number, reason: NvgreErrorCode, message: string): Path {
    return { vsid, src, dst, facts, action: 'drop', keyVsid: 0, enc: null, dstMac: null, srcMac: null, vm: undefined, reason, message };
  }

  private drop(facts: TransmitFacts, reason: NvgreErrorCode, message: string): TransmitDecision {
    const d = new TransmitDecision('drop', facts);
    d.reason = reason;
    d.message = message;
    return d;
  }
}

/**
 * The endpoint of `host` under `policy` (a value from `createPolicy`, or a native policy object, which
 * is validated first). Throws `INVALID_POLICY` for a policy with problems, `INVALID_ARGUMENT` for an
 * unknown host.
 */
export function createNve(policy: NvePolicy | Policy, host: string): Nve {
  const p = policy instanceof NvePolicy ? policy : createPolicy(policy);
  const info = typeof host === 'string' ? p.hosts.get(host) : undefined;
  if (info === undefined) {
    throw argError(`host ${typeof host === 'string' ? JSON.stringify(host) : typeof host} is not in the policy; its hosts are ${[...p.hosts.keys()].map((h) => JSON.stringify(h)).join(', ') || 'none'}`);
  }
  return new Endpoint(p, info);
}
