/**
 * The receive decision of an endpoint (docs/nve.md §6): GRE to one of this host's PAs is decapsulated
 * by the strict receiver with this host's key layout, then the destination check (a record behind the
 * PA the packet was sent to), the source check (the inner source belongs behind the outer source PA),
 * and on a policy mismatch an ICMP unreachable inside NVGRE back to the sender.
 */
import { assertBytes, u32 } from '../wire/bytes.js';
import { NvgreErrorCode } from '../wire/errors.js';
import { createEncapsulator } from '../tunnel/encapsulate.js';
import { ipFromBytes, ipv6Key, keyAt, type IpAddr } from './address.js';
import type { HostInfo, NvePolicy, PaInfo, Rec, VsidInfo } from './compile.js';
import { ReceiveDecision, type ReceiveFacts, type TraceStep } from './decision.js';
import { FastVerdict, createDecapsulator, decapsulateFast, type Decapsulator } from '../tunnel/decapsulate.js';
import { CACHE_SETS, cacheWay } from './cache.js';
import { ARP, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, arpOperation, mayAnswerWithIcmp, neighborSolicitationTarget, readL2, unreachableFor } from './packets.js';

/** A cached decision for (VSID, outer source, outer destination, inner source, inner destination), all IPv4. */
interface RxPath {
  readonly vsid: number;
  readonly osrc: number;
  readonly odst: number;
  readonly isrc: number;
  readonly idst: number;
  readonly facts: ReceiveFacts;
  readonly deliver: boolean;
  readonly vm: string | undefined;
  readonly reason: NvgreErrorCode | undefined;
  readonly message: string | undefined;
  readonly mismatch: boolean;
}

const PROTOCOL_GRE = 47;

/** Where the outer packet goes, as read before decapsulation. */
interface Arrival {
  readonly l3: number;
  readonly version: 4 | 6;
  /** The local PA it was sent to, or null when sent to a multicast group this host floods with. */
  readonly pa: PaInfo | null;
  readonly groupVsids: readonly VsidInfo[] | null;
}

export class Receiver {
  /** The strict receiver reading keys in this host's layout (docs/nvgre.md §4, §7); one result object, refilled. */
  private readonly dec: Decapsulator;
  /** The host reads keys as RFC 7637 (the fast verdict's layout). */
  private readonly rfc7637: boolean;
  /** This host's IPv4 PAs (a host has a few: a scan beats a map keyed by numbers above 2^30). */
  private readonly pa4: PaInfo[] = [];
  private readonly cache: (RxPath | undefined)[] = new Array<RxPath | undefined>(2 * CACHE_SETS).fill(undefined);

  constructor(
    private readonly policy: NvePolicy,
    private readonly host: HostInfo,
  ) {
    this.dec = createDecapsulator({ keyLayout: host.keyLayout });
    this.rfc7637 = host.keyLayout !== 'low24';
    for (const pa of host.pas) if (pa.address.version === 4) this.pa4.push(pa);
  }

  /** The result `receiveReused` refills for a delivery on the fast path. */
  private readonly reused = new ReceiveDecision('deliver', { notes: [], destination: null, source: null, sourceByWildcard: false });

  /** The decision of the latest fast-path packet. */
  private last: RxPath | undefined = undefined;
  /** The cached decision {@link reused} was last filled from. */
  private reusedFrom: RxPath | undefined = undefined;

  /** `reuse`: a delivery on the fast path refills {@link reused} instead of making a new result. */
  receive(f: Uint8Array, reuse = false): ReceiveDecision {
    if (!(f instanceof Uint8Array) || f.length === 0) assertBytes(f, 'wireFrame');
    // The common case without allocating: untagged outer IPv4 (no options) carrying GRE to one of our PAs.
    if (f.length >= 34 && f[12] === 0x08 && f[13] === 0x00 && f[14] === 0x45 && f[23] === PROTOCOL_GRE) {
      const odst = u32(f, 30);
      const pas = this.pa4;
      for (let k = 0; k < pas.length; k++) if (pas[k]!.address.v4 === odst) return this.receiveAt(f, pas[k]!, odst, reuse);
    }
    return this.receiveOther(f);
  }

  /** The fast path's rest: the frame is IPv4 GRE to `pa`. */
  private receiveAt(f: Uint8Array, pa: PaInfo, odst: number, reuse: boolean): ReceiveDecision {
    // The strict receiver's common case as one verdict (offsets, no result object to refill: a fifth of
    // the call); anything else, and the low24 layout, through the full decapsulator.
    const fast = this.rfc7637 ? decapsulateFast(f) : FastVerdict.MISS;
    let io: number;
    let il: number;
    let vsid: number;
    if (fast !== FastVerdict.MISS) {
      io = fast & FastVerdict.OFFSET_MASK;
      il = fast >>> FastVerdict.OFFSET_BITS;
      vsid = (f[io - 4]! << 16) | (f[io - 3]! << 8) | f[io - 2]!; // RFC 7637 §3.2: the key's upper 24 bits
    } else {
      const d = this.dec.decapsulateOrNull(f);
      if (d === null) return this.undecoded();
      vsid = d.vsid;
      io = d.innerOffset;
      il = d.innerLength;
    }
    if (il >= 34 && f[io + 12] === 0x08 && f[io + 13] === 0x00 && (f[io]! & 1) === 0 && f[io + 14]! >>> 4 === 4) {
      const osrc = u32(f, 26);
      const isrc = u32(f, io + 26);
      const idst = u32(f, io + 30);
      // The decision of the previous packet first (packets come in bursts of one flow), then the cache.
      let p = this.last;
      if (p === undefined || p.idst !== idst || p.isrc !== isrc || p.osrc !== osrc || p.odst !== odst || p.vsid !== vsid) p = this.lookup(f, pa, vsid, io, il, osrc, odst, isrc, idst);
      if (p.deliver) {
        if (reuse) {
          const r = this.reused;
          // The same cached decision as the last delivery: only the frame's place changes.
          if (this.reusedFrom === p && r.action === 'deliver') return r.refillPlace(f, io, il);
          this.reusedFrom = p;
          return r.refillDelivery(p.facts, p.vsid, p.vm, f, io, il);
        }
        const r = new ReceiveDecision('deliver', p.facts);
        r.vsid = p.vsid;
        r.vm = p.vm;
        r.frame = f;
        r.innerOffset = io;
        r.innerLength = il;
        return r;
      }
      return this.finish(p, f, { l3: 14, version: 4, pa, groupVsids: null }, u32(f, io - 4), io, il);
    }
    const arrival: Arrival = { l3: 14, version: 4, pa, groupVsids: null };
    const key = u32(f, io - 4);
    return this.finish(this.resolve(f, arrival, vsid, key, io, il, 0, 0, 0, 0), f, arrival, key, io, il);
  }

  /** The 2-way cache of decisions (docs/nve.md §4), resolving and inserting on a miss; remembers the result as {@link last}. */
  private lookup(f: Uint8Array, pa: PaInfo, vsid: number, io: number, il: number, osrc: number, odst: number, isrc: number, idst: number): RxPath {
    const cache = this.cache;
    const way = cacheWay(idst ^ Math.imul(isrc, 0x45d9f3b) ^ Math.imul(osrc, 0x27d4eb2d) ^ Math.imul(vsid, 0x165667b1));
    let p = cache[way];
    if (p === undefined || p.idst !== idst || p.isrc !== isrc || p.osrc !== osrc || p.odst !== odst || p.vsid !== vsid) {
      const q = cache[way + 1];
      if (q !== undefined && q.idst === idst && q.isrc === isrc && q.osrc === osrc && q.odst === odst && q.vsid === vsid) {
        cache[way + 1] = p;
        cache[way] = p = q;
      } else {
        p = this.resolve(f, { l3: 14, version: 4, pa, groupVsids: null }, vsid, u32(f, io - 4), io, il, osrc, odst, isrc, idst);
        cache[way + 1] = cache[way];
        cache[way] = p;
      }
    }
    return (this.last = p);
  }

  /** What the strict receiver said about a frame it did not decode. */
  private undecoded(): ReceiveDecision {
    const e = this.dec.lastError!;
    if (e.code === NvgreErrorCode.NOT_GRE) return new ReceiveDecision('not-for-us', { notes: [{ step: 'arrival', detail: `not GRE: ${e.message}` }], destination: null, source: null, sourceByWildcard: false });
    const r = new ReceiveDecision('drop', { notes: [{ step: 'decapsulate', detail: `the strict receiver (docs/nvgre.md §4) drops it, reading the key as ${this.host.keyLayout}` }], destination: null, source: null, sourceByWildcard: false });
    r.reason = e.code;
    r.message = e.message;
    return r;
  }

  /** Everything the fast path does not take: tags, IPv6, options, multicast groups, not-for-us. */
  private receiveOther(f: Uint8Array): ReceiveDecision {
    const arrival = this.arrival(f);
    if (arrival === null) return new ReceiveDecision('not-for-us', { notes: [{ step: 'arrival', detail: 'not GRE to one of this host\'s provider addresses: not for HNV' }], destination: null, source: null, sourceByWildcard: false });
    const d = this.dec.decapsulateOrNull(f);
    if (d === null) return this.undecoded();
    return this.finish(this.resolve(f, arrival, d.vsid, d.key, d.innerOffset, d.innerLength, 0, 0, 0, 0), f, arrival, d.key, d.innerOffset, d.innerLength);
  }

  private finish(p: RxPath, f: Uint8Array, arrival: Arrival, key: number, io: number, il: number): ReceiveDecision {
    const r = new ReceiveDecision(p.deliver ? 'deliver' : 'drop', p.facts);
    r.vsid = p.vsid;
    if (p.deliver) {
      r.vm = p.vm;
      r.frame = f;
      r.innerOffset = io;
      r.innerLength = il;
    } else {
      r.reason = p.reason;
      r.message = p.message;
      if (p.mismatch && this.host.options.icmpOnPolicyMismatch) {
        const reply = this.unreachable(f, arrival, p.vsid, key, io, il);
        if (reply !== null) r.replies = [reply];
      }
    }
    return r;
  }

  /** Outer Ethernet → IP to one of this host's PAs (or a group it floods with) carrying GRE; else null. */
  private arrival(f: Uint8Array): Arrival | null {
    const l2 = readL2(f);
    if (l2 === null) return null;
    const l3 = l2.l3;
    if (l2.etherType === ETHERTYPE_IPV4) {
      if (f.length < l3 + 20 || f[l3]! >>> 4 !== 4 || f[l3 + 9] !== PROTOCOL_GRE) return null;
      const dst = u32(f, l3 + 16);
      for (const pa of this.pa4) if (pa.address.v4 === dst) return { l3, version: 4, pa, groupVsids: null };
      const groups = this.host.groups.get(keyAt(f, l3 + 16, 4));
      return groups === undefined ? null : { l3, version: 4, pa: null, groupVsids: groups };
    }
    if (l2.etherType === ETHERTYPE_IPV6) {
      if (f.length < l3 + 40 || f[l3]! >>> 4 !== 6) return null;
      const nh = f[l3 + 6]!;
      // GRE, or extension headers the decapsulator walks (it reports NOT_GRE when GRE is not at their end).
      if (nh !== PROTOCOL_GRE && nh !== 0 && nh !== 43 && nh !== 44 && nh !== 60) return null;
      const key = ipv6Key(f, l3 + 24);
      const pa = this.host.paByKey.get(key);
      if (pa !== undefined) return { l3, version: 6, pa, groupVsids: null };
      const groups = this.host.groups.get(key);
      return groups === undefined ? null : { l3, version: 6, pa: null, groupVsids: groups };
    }
    return null;
  }

  /** The decision for one decapsulated packet (docs/nve.md §6 steps 2–5). */
  private resolve(f: Uint8Array, a: Arrival, vsid: number, key: number, io: number, il: number, osrc: number, odst: number, isrc: number, idst: number): RxPath {
    const layout = this.host.keyLayout;
    const outerSrc = ipFromBytes(f.slice(a.l3 + (a.version === 4 ? 12 : 8), a.l3 + (a.version === 4 ? 16 : 24)));
    const outerDst = ipFromBytes(f.slice(a.l3 + (a.version === 4 ? 16 : 24), a.l3 + (a.version === 4 ? 20 : 40)));
    const notes: TraceStep[] = [
      {
        step: 'decapsulate',
        detail: `GRE from PA ${outerSrc.text} to ${a.pa !== null ? `this host's PA ${outerDst.text}` : `multicast group ${outerDst.text}`}; key 0x${key.toString(16).padStart(8, '0')} read as ${layout}: VSID ${vsid}`,
      },
    ];
    const facts: ReceiveFacts = { notes, destination: null, source: null, sourceByWildcard: false };
    const base = { vsid, osrc, odst, isrc, idst, facts };
    const drop = (reason: NvgreErrorCode, message: string, mismatch: boolean): RxPath => ({ ...base, deliver: false, vm: undefined, reason, message, mismatch });
    const v = this.policy.vsids.get(vsid);
    if (v === undefined || (a.groupVsids !== null && !a.groupVsids.includes(v))) {
      return drop(NvgreErrorCode.POLICY_MISMATCH, this.unknownVsid(vsid, key, outerDst, a.groupVsids !== null), true);
    }
    const inner = f.subarray(io, io + il);
    const l2 = readL2(inner);
    if (l2 === null) return drop(NvgreErrorCode.TRUNCATED, 'the inner frame is shorter than its Ethernet header', false);
    const { l3, etherType } = l2;
    const group = (inner[0]! & 1) !== 0;
    let dstIp: IpAddr | null = null;
    let srcIp: IpAddr | null = null;
    if (etherType === ETHERTYPE_IPV4 && inner.length >= l3 + 20) {
      srcIp = ipFromBytes(inner.slice(l3 + 12, l3 + 16));
      dstIp = ipFromBytes(inner.slice(l3 + 16, l3 + 20));
    } else if (etherType === ETHERTYPE_IPV6 && inner.length >= l3 + 40) {
      srcIp = ipFromBytes(inner.slice(l3 + 8, l3 + 24));
      const ns = neighborSolicitationTarget(inner, l3);
      dstIp = ipFromBytes(ns >= 0 ? inner.slice(ns, ns + 16) : inner.slice(l3 + 24, l3 + 40));
    } else if (etherType === ETHERTYPE_ARP && arpOperation(inner, l3) !== 0) {
      srcIp = ipFromBytes(inner.slice(l3 + ARP.SPA, l3 + ARP.SPA + 4));
      dstIp = ipFromBytes(inner.slice(l3 + ARP.TPA, l3 + ARP.TPA + 4));
    }
    const local = (r: Rec | undefined): boolean => r !== undefined && r.vsid === v && r.owner === this.host && (a.pa === null || r.pa!.key === a.pa.address.key);
    // Destination (step 3): the record of the inner destination behind the PA the packet was sent to.
    let dest: Rec | undefined = dstIp !== null ? this.policy.recordInScope(v, dstIp) : this.policy.recordByMac(v, inner, 0);
    if (!local(dest) && dstIp !== null && !group) {
      // An address beyond a gateway: the gateway's wildcard record behind this PA takes it.
      const wildcard = v.wildcards.find((r) => local(r) && r.ca.version === dstIp!.version);
      if (wildcard !== undefined) dest = wildcard;
    }
    if (!local(dest) && (group || dstIp === null || etherType === ETHERTYPE_ARP)) {
      // A flooded request nobody here owns: the VM of this host's L2Only record sees it.
      const l2only = v.l2only.find((r) => local(r));
      if (l2only !== undefined) dest = l2only;
    }
    if (!local(dest)) {
      const what = dstIp !== null ? `inner destination ${dstIp.text}` : `inner destination MAC ${macOf(inner, 0)}`;
      let why: string;
      if (dest === undefined) why = `no lookup record for ${what} in VSID ${vsid}`;
      else if (dest.vsid !== v) why = `${what} is in VSID ${dest.vsid.vsid} (lookupRecords[${dest.index}]), not VSID ${vsid}`;
      else why = `the record for ${what} (lookupRecords[${dest.index}]) puts it behind PA ${dest.pa?.text ?? 'none'}${dest.owner !== null && dest.owner !== this.host ? ` of host ${dest.owner.name}` : ''}, not this host's ${outerDst.text} (a stale record on the sender, or a VM that moved)`;
      return drop(NvgreErrorCode.POLICY_MISMATCH, `${why}; HNV raises a policy-mismatch notification (CA, PA, VSID) and drops the packet`, true);
    }
    facts.destination = dest!;
    // Source (step 4): the inner source belongs behind the outer source PA, or that PA holds a wildcard record.
    if (this.host.options.sourceCheck) {
      const s = srcIp !== null && !srcIp.unspecified ? this.policy.recordInScope(v, srcIp) : this.policy.recordByMac(v, inner, 6);
      if (s !== undefined && s.pa !== null && s.pa.key === outerSrc.key) facts.source = s;
      else if ((v.domain?.wildcardPas.has(outerSrc.key) ?? false) || v.wildcards.concat(v.l2only).some((w) => w.pa?.key === outerSrc.key)) facts.sourceByWildcard = true;
      else {
        const what = srcIp !== null ? `inner source ${srcIp.text}` : `inner source MAC ${macOf(inner, 6)}`;
        const where = s === undefined ? 'has no lookup record in the routing domain' : `belongs behind PA ${s.pa?.text ?? 'none'} (lookupRecords[${s.index}])`;
        return drop(
          NvgreErrorCode.SOURCE_MISMATCH,
          `${what} ${where}, not behind the outer source ${outerSrc.text}, which holds no wildcard record either; correct the source VM's record, or add a GatewayWildcard record for a gateway (or set sourceCheck: false)`,
          false,
        );
      }
    }
    return { ...base, deliver: true, vm: dest!.label, reason: undefined, message: undefined, mismatch: false };
  }

  /** The POLICY_MISMATCH sentence for a VSID this host does not know, with the key-layout hint of docs/nve.md §9. */
  private unknownVsid(vsid: number, key: number, outerDst: IpAddr, byGroup: boolean): string {
    if (byGroup) return `VSID ${vsid} does not flood to multicast group ${outerDst.text} on this host`;
    const layout = this.host.keyLayout;
    const other = layout === 'rfc7637' ? 'low24' : 'rfc7637';
    const otherVsid = layout === 'rfc7637' ? key & 0xffffff : key >>> 8;
    const hint =
      (key >>> 24 === 0 || other === 'low24') && this.policy.vsids.has(otherVsid)
        ? ` Read as ${other} the key names VSID ${otherVsid}, which exists: the sender writes keys as ${other} and this host reads them as ${layout} (seed 004, KB2779768) — set both hosts to the same keyLayout.`
        : '';
    return `key 0x${key.toString(16).padStart(8, '0')} read as ${layout} names VSID ${vsid} (0x${vsid.toString(16)}), which is no virtual subnet of this host's policy; HNV raises a policy-mismatch notification and drops the packet.${hint}`;
  }

  /** ICMP 3/10 (ICMPv6 1/1) inside NVGRE to the sending PA, with the key of the packet it answers (docs/nve.md §6). */
  private unreachable(f: Uint8Array, a: Arrival, vsid: number, key: number, io: number, il: number): Uint8Array | null {
    const inner = f.subarray(io, io + il);
    const l2 = readL2(inner);
    if (l2 === null || l2.l3 !== 14 || !mayAnswerWithIcmp(inner, l2.l3, l2.etherType)) return null;
    const pa = a.pa ?? this.policy.localPa(this.host, a.version);
    if (pa === null) return null;
    const srcOff = a.l3 + (a.version === 4 ? 12 : 8);
    const low24 = this.host.keyLayout === 'low24';
    const enc = createEncapsulator({
      vsid,
      allowReservedVsid: true,
      keyLayout: this.host.keyLayout,
      flowId: low24 ? 'zero' : key & 0xff,
      srcMac: pa.mac,
      dstMac: f.subarray(6, 12), // back to the neighbour that delivered the packet (library rule)
      srcIp: pa.address.bytes,
      dstIp: f.slice(srcOff, srcOff + (a.version === 4 ? 4 : 16)),
      ...(pa.vlan !== 0 ? { vlan: { id: pa.vlan } } : {}),
      ttl: this.host.options.ttl,
    });
    return enc.encapsulate(unreachableFor(inner, l2.l3, l2.etherType));
  }
}

function macOf(b: Uint8Array, o: number): string {
  return Array.from(b.subarray(o, o + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
}

