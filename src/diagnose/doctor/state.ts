/**
 * What the doctor remembers of a capture while reading it: per sender (outer source address), per PA
 * pair (directed), per inner flow (only its key), per underlay ICMP error and per lint code — each map
 * capped (bounded.ts), so the memory follows DoctorOptions' caps and never the capture's size. The
 * findings are derived from this state at the end (findings-*.ts).
 */
import { isReservedVsid, type KeyLayout } from '../../wire/gre.js';
import { IpProtocol } from '../../wire/ipv4.js';
import { ecmpHash } from '../../tunnel/ecmp.js';
import { createRss, type Rss } from '../../offload/rss.js';
import { lint } from '../lint.js';
import type { LintCode, LintSeverity } from '../lint-codes.js';
import { greKindName } from '../gre-kind.js';
import { CappedMap, Tally } from './bounded.js';
import type { ChecksumState, FrameFacts } from './facts.js';

/** Tallies of one checksum per state. */
export class ChecksumTally {
  readonly ok = new Tally();
  readonly seed = new Tally();
  readonly seedNolen = new Tally();
  readonly zero = new Tally();
  readonly bad = new Tally();

  add(state: ChecksumState, frame: number, max: number): void {
    if (state === 'ok') this.ok.add(frame, max);
    else if (state === 'seed') this.seed.add(frame, max);
    else if (state === 'seed-nolen') this.seedNolen.add(frame, max);
    else if (state === 'zero') this.zero.add(frame, max);
    else if (state === 'bad') this.bad.add(frame, max);
  }

  get total(): number {
    return this.ok.count + this.seed.count + this.seedNolen.count + this.zero.count + this.bad.count;
  }

  /** Left for the NIC: pseudo-header seeds (TCP/UDP) or a zero header checksum (IPv4). */
  get pending(): number {
    return this.seed.count + this.seedNolen.count + this.zero.count;
  }

  get wrong(): number {
    return this.pending + this.bad.count;
  }
}

/** One provider address, as a sender of NVGRE (and as the destination of echo replies and DNS answers). */
export class SenderState {
  nvgreFrames = 0;
  readonly tcp = new ChecksumTally();
  readonly udp = new ChecksumTally();
  readonly icmp = new ChecksumTally();
  readonly ipv4 = new ChecksumTally();
  readonly outerIpv4 = new ChecksumTally();
  readonly dfClear = new Tally();
  /** Keys invalid in the site's layout but valid in the other (docs/nvgre.md §7), and a few of them. */
  readonly otherLayoutKeys = new Tally();
  readonly otherLayoutSamples = new Set<number>();
  /** Keys valid in the site's layout. */
  siteLayoutKeys = 0;
  dnsQueries = 0;
  dnsAnswered = 0;
  readonly dnsQueryFrames = new Tally();
  /** Inner ICMP echo replies addressed to this PA (ping works). */
  echoRepliesIn = 0;
}

/** One direction between two provider addresses. */
export class PairState {
  readonly frames = new Tally();
  bytes = 0;
  /** Keys seen (at most {@link MAX_KEYS} distinct), with their frames. */
  readonly keys = new Map<number, Tally>();
  /** FlowIDs seen (a 256-bit set) and inner flows. */
  readonly flowIds = new Uint32Array(8);
  flows = 0;
  /** Paths of 8 an ECMP fabric picks (bit per path), hashing outer + key, and hashing the inner flow; RSS queues of 8, outer 2-tuple and inner. */
  ecmpOuterKey = 0;
  ecmpInner = 0;
  rssOuter = 0;
  rssInner = 0;
  readonly adminProhibited = new Tally();
  readonly adminKinds = new Set<string>();
  /** A part's doctor (PartLog): the kind of each of its first 64 such frames, in order, for the merge. */
  readonly adminSequence: string[] = [];
  echoRequests = 0;
  echoReplies = 0;
  tcpSyn = 0;
  tcpSynAck = 0;
  readonly fragments = new Tally();
  /** Largest outer datagram its fragments add up to. */
  fragmentedSize = 0;
  readonly overMtu = new Tally();
  maxOuter = 0;
  maxInner = 0;
  maxInnerTags = 0;
  readonly superframes = new Tally();
  maxSuperframe = 0;
  outerVersion: 0 | 4 | 6 = 0;
}

export const MAX_KEYS = 32;

/** An underlay ICMP error quoting GRE, per reporter, type, code and quoted PA pair. */
export class UnderlayIcmpState {
  readonly frames = new Tally();
  mtu = 0;
  quotedLength = 0;
  constructor(
    readonly reporter: string,
    readonly type: number,
    readonly code: number,
    readonly v6: boolean,
    readonly quotedSrc: string,
    readonly quotedDst: string,
  ) {}
}

/** Lint codes the doctor explains with findings of its own, not in CONFORMANCE. */
const EXPLAINED: ReadonlySet<string> = new Set([
  'INNER_TCP_CHECKSUM',
  'INNER_UDP_CHECKSUM',
  'INNER_ICMP_CHECKSUM',
  'INNER_IPV4_CHECKSUM',
  'OUTER_IPV4_CHECKSUM',
  'OUTER_FRAGMENT',
  'DF_CLEAR',
  'MTU_EXCEEDED',
  'FLOWID_ZERO',
  'NOT_NVGRE',
]);

const OTHER: Readonly<Record<KeyLayout, KeyLayout>> = { rfc7637: 'low24', low24: 'rfc7637' };

/** Valid (delivered, not reserved) under `layout`. */
export function keyValidIn(key: number, layout: KeyLayout): boolean {
  return layout === 'low24' ? key >>> 24 === 0 && !isReservedVsid(key & 0xffffff) : !isReservedVsid(key >>> 8);
}

/**
 * An inner flow first seen in a part of a capture: its key, its PA pair's key, and the ECMP path and
 * RSS queue indexes it hashes to (outer + key, inner; outer 2-tuple, inner), -1 where the hash could
 * not walk the frame.
 */
export type FlowRecord = readonly [key: string, pair: string, ecmpOuterKey: number, ecmpInner: number, rssOuter: number, rssInner: number];

/** A DNS query (true: key, querying PA, frame number) or answer (false: key) seen in a part of a capture. */
export type DnsEvent = readonly [query: boolean, key: string, sender: string, frame: number];

/**
 * What the doctor of one part of a capture (DoctorOptions `part`) leaves to the merge because it
 * depends on frames before the part (merge.ts): whether a flow is new, whether the PA an echo reply
 * goes to has sent NVGRE, which query a DNS answer answers.
 */
export class PartLog {
  /** Flows new in this part, in the order first seen (a flow seen in an earlier part is not new). */
  readonly flows: FlowRecord[] = [];
  /** Echo replies to a PA that had not sent NVGRE in this part yet, per PA: they count if it had in an earlier part. */
  readonly echoNoSender = new Map<string, number>();
  /** Queries and answers in order, replayed against the pending queries of the parts before. */
  readonly dns: DnsEvent[] = [];
}

export interface ObserverLimits {
  readonly maxFlows: number;
  readonly maxPairs: number;
  readonly examples: number;
  readonly mtu: number;
  readonly keyLayout: KeyLayout;
}

/** The key of the directed PA pair from `src` to `dst` in {@link Observer.pairs}. */
function pairKey(src: string, dst: string): string {
  return `${src}>${dst}`;
}

/** A new inner flow of PA pair `p`, with its ECMP path and RSS queue indexes (-1: not hashed). */
export function addFlow(p: PairState, ecmpOuterKey: number, ecmpInner: number, rssOuter: number, rssInner: number): void {
  p.flows++;
  if (ecmpOuterKey >= 0) p.ecmpOuterKey |= 1 << ecmpOuterKey;
  if (ecmpInner >= 0) p.ecmpInner |= 1 << ecmpInner;
  if (rssOuter >= 0) p.rssOuter |= 1 << rssOuter;
  if (rssInner >= 0) p.rssInner |= 1 << rssInner;
}

/**
 * Flows the lookup index holds at most (about 560 bytes each, measured with no two flows sharing an
 * inner address: about 9 MB); later flows take the keyed map's own way, as before the index.
 */
const FLOW_INDEX_CAP = 16384;

/** Superframes: inner TCP this large (over any jumbo MTU) was captured before segmentation. */
const SUPERFRAME = 9216;

export class Observer {
  frames = 0;
  nvgreFrames = 0;
  otherGreFrames = 0;
  firstTime = Infinity;
  lastTime = -Infinity;
  readonly linkTypes = new CappedMap<number, number>(64);
  readonly unreadable = new Map<string, Tally>();
  readonly snaplenCut = new Tally();
  readonly senders: CappedMap<string, SenderState>;
  readonly pairs: CappedMap<string, PairState>;
  readonly flows: CappedMap<string, true>;
  readonly vsids: CappedMap<number, true>;
  readonly dnsPending: CappedMap<string, SenderState>;
  readonly underlay: CappedMap<string, UnderlayIcmpState>;
  readonly otherGre = new CappedMap<string, Tally>(64);
  readonly conformance = new Map<LintCode, { tally: Tally; severity: LintSeverity }>();
  /**
   * Indexes in front of `pairs` and `flows` (a cache: they hold only what those maps hold, so a miss
   * just takes the map's own way): pairs by source then destination address, and each pair's flows
   * by inner source, inner destination, VSID and protocol, then ports.
   */
  private readonly pairIndex = new Map<string, Map<string, PairState>>();
  private readonly flowIndex = new Map<PairState, Map<string, Map<string, Map<number, Set<number>>>>>();
  private flowsIndexed = 0;
  private readonly rssOuter: Rss = createRss({ queues: 8, encapsulation: 'none' });
  private readonly rssInner: Rss = createRss({ queues: 8 });

  /**
   * @param log set for the doctor of one part of a capture: what depends on earlier parts goes there
   * instead of into the state (see PartLog).
   */
  constructor(
    readonly limits: ObserverLimits,
    readonly log: PartLog | null = null,
  ) {
    this.senders = new CappedMap(limits.maxPairs);
    this.pairs = new CappedMap(limits.maxPairs);
    this.flows = new CappedMap(limits.maxFlows);
    this.vsids = new CappedMap(limits.maxPairs);
    this.dnsPending = new CappedMap(limits.maxPairs);
    this.underlay = new CappedMap(limits.maxPairs);
  }

  sender(address: string): SenderState | undefined {
    return this.senders.obtain(address, () => new SenderState());
  }

  pair(src: string, dst: string): PairState | undefined {
    // The index first: the addresses are the same string objects frame after frame (names.ts), so
    // their lookups reuse each string's hash, where the joined key was a fresh string to hash.
    let bySrc = this.pairIndex.get(src);
    const known = bySrc?.get(dst);
    if (known !== undefined) return known;
    const p = this.pairs.obtain(pairKey(src, dst), () => new PairState());
    if (p !== undefined) {
      if (bySrc === undefined) this.pairIndex.set(src, (bySrc = new Map()));
      bySrc.set(dst, p);
    }
    return p;
  }

  observe(f: FrameFacts): void {
    const max = this.limits.examples;
    const n = f.number;
    this.frames++;
    const lt = this.linkTypes.get(f.linkType);
    if (lt !== undefined) this.linkTypes.map.set(f.linkType, lt + 1);
    else this.linkTypes.addKey(f.linkType, 1);
    if (f.time > 0) {
      if (f.time < this.firstTime) this.firstTime = f.time;
      if (f.time > this.lastTime) this.lastTime = f.time;
    }
    if (f.linkProblem !== null) {
      if (f.linkProblem.code !== 'NOT_IP') {
        const reason = f.linkProblem.code === 'UNSUPPORTED_LINK_TYPE' ? `link type ${f.linkType}` : 'truncated link-layer header';
        let t = this.unreadable.get(reason);
        if (t === undefined && this.unreadable.size < 64) this.unreadable.set(reason, (t = new Tally()));
        t?.add(n, max);
      }
      return;
    }
    if (f.cut) this.snaplenCut.add(n, max);
    if (f.underlayIcmpType >= 0) this.observeUnderlayIcmp(f);
    // Fragments of GRE: the first holds the GRE header (read below), the others only bytes.
    if (f.outerProtocol === IpProtocol.GRE && f.outerFragment) this.observeFragment(f);
    if (!f.gre) return;
    if (!f.claimsNvgre) {
      this.otherGreFrames++;
      this.otherGre.obtain(greKindName(f.greFlags, f.greProtocol), () => new Tally())?.add(n, max);
      return;
    }
    this.observeLint(f);
    if (!f.nvgre) return;
    this.nvgreFrames++;
    this.observeNvgre(f);
  }

  private observeLint(f: FrameFacts): void {
    const findings = lint(f.frame, { nvgreOnly: true, keyLayout: this.limits.keyLayout });
    const seen = new Set<string>();
    for (const x of findings) {
      if (EXPLAINED.has(x.code) || seen.has(x.code)) continue;
      // A frame the snaplen cut is not malformed: its missing bytes are the capture's, not the sender's.
      if (f.cut && x.code === 'TRUNCATED') continue;
      seen.add(x.code);
      let c = this.conformance.get(x.code);
      if (c === undefined) this.conformance.set(x.code, (c = { tally: new Tally(), severity: x.severity }));
      c.tally.add(f.number, this.limits.examples);
    }
  }

  private observeNvgre(f: FrameFacts): void {
    const max = this.limits.examples;
    const n = f.number;
    const s = this.sender(f.outerSrc);
    const p = this.pair(f.outerSrc, f.outerDst);
    const layout = this.limits.keyLayout;
    if (s !== undefined) {
      s.nvgreFrames++;
      if (f.outerVersion === 4 && !f.outerFragment) s.outerIpv4.add(f.outerChecksum, n, max);
      if (f.outerVersion === 4 && !f.outerDf && !f.outerFragment) s.dfClear.add(n, max);
      if (keyValidIn(f.key, layout)) s.siteLayoutKeys++;
      else if (keyValidIn(f.key, OTHER[layout])) {
        s.otherLayoutKeys.add(n, max);
        if (s.otherLayoutSamples.size < 8) s.otherLayoutSamples.add(f.key);
      }
    }
    if (p === undefined) return;
    p.outerVersion = f.outerVersion;
    p.frames.add(n, max);
    p.bytes += f.originalLength;
    let k = p.keys.get(f.key);
    if (k === undefined && p.keys.size < MAX_KEYS) p.keys.set(f.key, (k = new Tally()));
    k?.add(n, max);
    const flowId = f.key & 0xff;
    p.flowIds[flowId >>> 5]! |= 1 << (flowId & 31);
    this.vsids.addKey(layout === 'low24' ? f.key & 0xffffff : f.key >>> 8, true);
    if (f.outerFragment) return;
    this.observeSize(f, p);
    if (f.innerVersion === 0) return;
    this.observeFlow(f, p);
    if (s !== undefined) this.observeChecksums(f, s);
    this.observeInnerSignals(f, p, s);
  }

  private observeFragment(f: FrameFacts): void {
    const p = this.pair(f.outerSrc, f.outerDst);
    if (p === undefined) return;
    p.outerVersion = f.outerVersion;
    p.fragments.add(f.number, this.limits.examples);
    // The last fragment tells the whole datagram's size: its offset plus its own payload and a header.
    if (!f.outerMf) p.fragmentedSize = Math.max(p.fragmentedSize, f.outerFragmentOffset + f.outerLength);
  }

  private observeSize(f: FrameFacts, p: PairState): void {
    if (f.outerLength <= this.limits.mtu) return;
    const max = this.limits.examples;
    if (f.innerProtocol === IpProtocol.TCP && (f.outerLength > SUPERFRAME || f.l4Checksum === 'seed-nolen')) {
      p.superframes.add(f.number, max);
      p.maxSuperframe = Math.max(p.maxSuperframe, f.outerLength);
      return;
    }
    p.overMtu.add(f.number, max);
    p.maxOuter = Math.max(p.maxOuter, f.outerLength);
    p.maxInner = Math.max(p.maxInner, f.innerLength);
    p.maxInnerTags = Math.max(p.maxInnerTags, f.innerVlans);
  }

  private observeFlow(f: FrameFacts, p: PairState): void {
    const vsid = this.limits.keyLayout === 'low24' ? f.key & 0xffffff : f.key >>> 8;
    // The index first (see flowIndex): a flow seen before costs four lookups and no string.
    let bySrc = this.flowIndex.get(p);
    let byDst = bySrc?.get(f.innerSrc);
    let byKind = byDst?.get(f.innerDst);
    const kind = vsid * 512 + (f.innerProtocol + 1); // the protocol may be -1 (unread)
    let ports = byKind?.get(kind);
    const portPair = f.srcPort * 65536 + f.dstPort; // both -1 without ports: a value of its own
    if (ports?.has(portPair) === true) return;
    const key = `${f.outerSrc}>${f.outerDst}|${vsid}|${f.innerSrc}|${f.innerDst}|${f.innerProtocol}|${f.srcPort}|${f.dstPort}`;
    const added = this.flows.addKey(key, true);
    if ((added || this.flows.map.has(key)) && this.flowsIndexed < FLOW_INDEX_CAP) {
      this.flowsIndexed++;
      if (bySrc === undefined) this.flowIndex.set(p, (bySrc = new Map()));
      if (byDst === undefined) bySrc.set(f.innerSrc, (byDst = new Map()));
      if (byKind === undefined) byDst.set(f.innerDst, (byKind = new Map()));
      if (ports === undefined) byKind.set(kind, (ports = new Set()));
      ports.add(portPair);
    }
    if (!added) return;
    // Where this flow would go: paths of an 8-way ECMP group and queues of an 8-queue RSS NIC.
    let ecmpOuterKey = -1;
    let ecmpInner = -1;
    let rssOuter = -1;
    let rssInner = -1;
    try {
      ecmpOuterKey = ecmpHash(f.frame, 'outer+key') % 8;
      ecmpInner = ecmpHash(f.frame, 'inner') % 8;
      rssOuter = this.rssOuter.queue(f.frame);
      rssInner = this.rssInner.queue(f.frame);
    } catch {
      // a frame the hashes cannot walk (malformed inner headers): it counts as a flow, not as a spread
    }
    this.log?.flows.push([key, pairKey(f.outerSrc, f.outerDst), ecmpOuterKey, ecmpInner, rssOuter, rssInner]);
    addFlow(p, ecmpOuterKey, ecmpInner, rssOuter, rssInner);
  }

  private observeChecksums(f: FrameFacts, s: SenderState): void {
    const max = this.limits.examples;
    const n = f.number;
    if (f.innerVersion === 4) s.ipv4.add(f.ipChecksum, n, max);
    const p = f.innerProtocol;
    if (p === IpProtocol.TCP) s.tcp.add(f.l4Checksum, n, max);
    else if (p === IpProtocol.UDP) s.udp.add(f.l4Checksum, n, max);
    else if (p === IpProtocol.ICMP || p === IpProtocol.ICMPV6) s.icmp.add(f.l4Checksum, n, max);
  }

  private observeInnerSignals(f: FrameFacts, p: PairState, s: SenderState | undefined): void {
    const max = this.limits.examples;
    const v6 = f.innerProtocol === IpProtocol.ICMPV6;
    if (f.innerProtocol === IpProtocol.ICMP || v6) {
      const t = f.icmpType;
      const c = f.icmpCode;
      if ((!v6 && t === 3 && (c === 9 || c === 10 || c === 13)) || (v6 && t === 1 && c === 1)) {
        p.adminProhibited.add(f.number, max);
        if (p.adminProhibited.count <= 64) {
          const kind = v6 ? 'ICMPv6 1/1' : `ICMP 3/${c}`;
          p.adminKinds.add(kind);
          if (this.log !== null) p.adminSequence.push(kind);
        }
      } else if ((!v6 && t === 8) || (v6 && t === 128)) {
        p.echoRequests++;
      } else if ((!v6 && t === 0) || (v6 && t === 129)) {
        p.echoReplies++;
        const to = this.senders.get(f.outerDst);
        if (to !== undefined) to.echoRepliesIn++;
        else if (this.log !== null) this.log.echoNoSender.set(f.outerDst, (this.log.echoNoSender.get(f.outerDst) ?? 0) + 1);
      }
    } else if (f.innerProtocol === IpProtocol.TCP) {
      if ((f.tcpFlags & 0x12) === 0x02) p.tcpSyn++;
      else if ((f.tcpFlags & 0x12) === 0x12) p.tcpSynAck++;
    }
    if (f.dnsId < 0) return;
    if (!f.dnsResponse && f.dstPort === 53 && s !== undefined) {
      const key = `${f.innerSrc}|${f.srcPort}|${f.dnsId}`;
      if (this.log !== null) this.log.dns.push([true, key, f.outerSrc, f.number]);
      else this.dnsQuery(s, key, f.number);
    } else if (f.dnsResponse && f.srcPort === 53) {
      const key = `${f.innerDst}|${f.dstPort}|${f.dnsId}`;
      if (this.log !== null) this.log.dns.push([false, key, '', f.number]);
      else this.dnsAnswer(key);
    }
  }

  /** A DNS query from PA `s` (key: inner source, port, ID), pending until answered; a repeat while pending is not counted again. */
  dnsQuery(s: SenderState, key: string, frame: number): void {
    if (this.dnsPending.addKey(key, s)) {
      s.dnsQueries++;
      s.dnsQueryFrames.add(frame, this.limits.examples);
    }
  }

  /** A DNS answer (key: inner destination, port, ID): answers the pending query with that key, if any. */
  dnsAnswer(key: string): void {
    const asker = this.dnsPending.get(key);
    if (asker !== undefined) {
      asker.dnsAnswered++;
      this.dnsPending.map.delete(key);
    }
  }

  private observeUnderlayIcmp(f: FrameFacts): void {
    const v6 = f.outerProtocol === IpProtocol.ICMPV6;
    const key = `${f.outerSrc}|${f.underlayIcmpType}|${f.underlayIcmpCode}|${f.quotedSrc}>${f.quotedDst}`;
    const u = this.underlay.obtain(key, () => new UnderlayIcmpState(f.outerSrc, f.underlayIcmpType, f.underlayIcmpCode, v6, f.quotedSrc, f.quotedDst));
    if (u === undefined) return;
    u.frames.add(f.number, this.limits.examples);
    if (f.underlayMtu > 0) u.mtu = u.mtu === 0 ? f.underlayMtu : Math.min(u.mtu, f.underlayMtu);
    u.quotedLength = Math.max(u.quotedLength, f.quotedLength);
  }

  /** Everything a cap turned away. */
  get untracked(): number {
    return this.senders.overflow + this.pairs.overflow + this.flows.overflow + this.vsids.overflow + this.dnsPending.overflow + this.underlay.overflow;
  }
}
