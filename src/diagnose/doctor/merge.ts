/**
 * A capture read in parts (docs/doctor.md §12): each part's doctor (DoctorOptions `part`) hands over
 * its state as plain data ({@link DoctorPart}, which `postMessage` copies), and the whole capture's
 * doctor merges the parts in capture order. The merged state is the state one doctor reading every
 * frame in order would have, so its report is the same, byte for byte:
 * - counts add up, extremes take the larger or smaller, evidence frames keep the first few;
 * - keyed items (senders, PA pairs, flows, VSIDs, …) are added in the order a part first saw them,
 *   which is the order one doctor would have seen them, and each one's tallies merge into it;
 * - what depends on frames before the part comes as a log (state.ts PartLog) and is decided here: a
 *   flow is new only if no earlier part had it; an echo reply counts for a PA that had sent NVGRE by
 *   then; DNS queries and answers are replayed against the queries still pending.
 * Where a part's tracking cap turned items away, or merging would take a map past its cap, which items
 * one doctor would have kept depends on frames the part does not know: {@link mergePart} then merges
 * nothing and returns false, and the caller reads the capture with one doctor.
 */
import { CappedMap, Tally, type TallyData } from './bounded.js';
import { ChecksumTally, MAX_KEYS, Observer, PairState, SenderState, UnderlayIcmpState, addFlow, type DnsEvent, type FlowRecord } from './state.js';
import type { LintCode, LintSeverity } from '../lint-codes.js';

/** A ChecksumTally as data. */
export interface ChecksumTallyData {
  readonly ok: TallyData;
  readonly seed: TallyData;
  readonly seedNolen: TallyData;
  readonly zero: TallyData;
  readonly bad: TallyData;
}

/** A sender's state as data (its DNS counts are in the part's log). */
export interface SenderData {
  readonly nvgreFrames: number;
  readonly tcp: ChecksumTallyData;
  readonly udp: ChecksumTallyData;
  readonly icmp: ChecksumTallyData;
  readonly ipv4: ChecksumTallyData;
  readonly outerIpv4: ChecksumTallyData;
  readonly dfClear: TallyData;
  readonly otherLayoutKeys: TallyData;
  readonly otherLayoutSamples: ReadonlySet<number>;
  readonly siteLayoutKeys: number;
  readonly echoRepliesIn: number;
}

/** A PA pair's state as data (its flows and their spread are in the part's log). */
export interface PairData {
  readonly frames: TallyData;
  readonly bytes: number;
  readonly keys: ReadonlyMap<number, TallyData>;
  readonly flowIds: Uint32Array;
  readonly adminProhibited: TallyData;
  readonly adminSequence: readonly string[];
  readonly echoRequests: number;
  readonly echoReplies: number;
  readonly tcpSyn: number;
  readonly tcpSynAck: number;
  readonly fragments: TallyData;
  readonly fragmentedSize: number;
  readonly overMtu: TallyData;
  readonly maxOuter: number;
  readonly maxInner: number;
  readonly maxInnerTags: number;
  readonly superframes: TallyData;
  readonly maxSuperframe: number;
  readonly outerVersion: 0 | 4 | 6;
}

/** An underlay ICMP error's state as data. */
export interface UnderlayData {
  readonly frames: TallyData;
  readonly mtu: number;
  readonly quotedLength: number;
  readonly reporter: string;
  readonly type: number;
  readonly code: number;
  readonly v6: boolean;
  readonly quotedSrc: string;
  readonly quotedDst: string;
}

/**
 * What a part's doctor read (Doctor.part()): plain data (maps, sets, arrays, numbers, strings) that a
 * worker can post to the thread that merges. Merge parts in capture order, into a doctor made with the
 * same options.
 */
export interface DoctorPart {
  /** The options the part was read with (merging needs the same). */
  readonly options: string;
  /** Frames added, and the number of the last. */
  readonly added: number;
  readonly last: number;
  readonly frames: number;
  readonly nvgreFrames: number;
  readonly otherGreFrames: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Items a tracking cap turned away in the part (then the part cannot be merged exactly). */
  readonly overflow: number;
  readonly linkTypes: ReadonlyMap<number, number>;
  readonly unreadable: ReadonlyMap<string, TallyData>;
  readonly snaplenCut: TallyData;
  readonly senders: ReadonlyMap<string, SenderData>;
  readonly pairs: ReadonlyMap<string, PairData>;
  readonly vsids: readonly number[];
  readonly underlay: ReadonlyMap<string, UnderlayData>;
  readonly otherGre: ReadonlyMap<string, TallyData>;
  readonly conformance: ReadonlyMap<LintCode, { readonly tally: TallyData; readonly severity: LintSeverity }>;
  readonly flows: readonly FlowRecord[];
  readonly echoNoSender: ReadonlyMap<string, number>;
  readonly dns: readonly DnsEvent[];
}

/** The part a part's observer holds (its maps as they are: a worker's postMessage copies them). */
export function partOf(o: Observer, options: string, added: number, last: number): DoctorPart {
  const log = o.log!;
  const overflow = o.untracked + o.linkTypes.overflow + o.otherGre.overflow;
  return {
    options,
    added,
    last,
    frames: o.frames,
    nvgreFrames: o.nvgreFrames,
    otherGreFrames: o.otherGreFrames,
    firstTime: o.firstTime,
    lastTime: o.lastTime,
    overflow,
    linkTypes: o.linkTypes.map,
    unreadable: o.unreadable,
    snaplenCut: o.snaplenCut,
    senders: o.senders.map,
    pairs: o.pairs.map,
    vsids: [...o.vsids.map.keys()],
    underlay: o.underlay.map,
    otherGre: o.otherGre.map,
    conformance: o.conformance,
    flows: log.flows,
    echoNoSender: log.echoNoSender,
    dns: log.dns,
  };
}

/** Keys of `items` that `map` does not hold yet. */
function newKeys<K>(map: CappedMap<K, unknown>, items: Iterable<K>): number {
  let n = 0;
  for (const k of items) if (!map.map.has(k)) n++;
  return n;
}

/** True when every capped map can take the part's new items (then no item is turned away). */
function fits(o: Observer, part: DoctorPart): boolean {
  if (part.overflow > 0) return false;
  const room = (map: CappedMap<unknown, unknown>, items: Iterable<unknown>) => map.size + newKeys(map, items) <= map.cap;
  return (
    room(o.linkTypes, part.linkTypes.keys()) &&
    room(o.senders, part.senders.keys()) &&
    room(o.pairs, part.pairs.keys()) &&
    room(o.vsids, part.vsids) &&
    room(o.underlay, part.underlay.keys()) &&
    room(o.otherGre, part.otherGre.keys()) &&
    // Flows in the log are the part's first sightings, each key once.
    room(
      o.flows,
      part.flows.map((f) => f[0]),
    )
  );
}

function mergeChecksums(into: ChecksumTally, from: ChecksumTallyData, max: number): void {
  into.ok.extend(from.ok, max);
  into.seed.extend(from.seed, max);
  into.seedNolen.extend(from.seedNolen, max);
  into.zero.extend(from.zero, max);
  into.bad.extend(from.bad, max);
}

function mergeSender(g: SenderState, s: SenderData, max: number): void {
  g.nvgreFrames += s.nvgreFrames;
  mergeChecksums(g.tcp, s.tcp, max);
  mergeChecksums(g.udp, s.udp, max);
  mergeChecksums(g.icmp, s.icmp, max);
  mergeChecksums(g.ipv4, s.ipv4, max);
  mergeChecksums(g.outerIpv4, s.outerIpv4, max);
  g.dfClear.extend(s.dfClear, max);
  g.otherLayoutKeys.extend(s.otherLayoutKeys, max);
  for (const k of s.otherLayoutSamples) if (g.otherLayoutSamples.size < 8) g.otherLayoutSamples.add(k);
  g.siteLayoutKeys += s.siteLayoutKeys;
  g.echoRepliesIn += s.echoRepliesIn;
}

function mergePair(g: PairState, p: PairData, max: number): void {
  g.frames.extend(p.frames, max);
  g.bytes += p.bytes;
  for (const [key, t] of p.keys) {
    let k = g.keys.get(key);
    if (k === undefined && g.keys.size < MAX_KEYS) g.keys.set(key, (k = new Tally()));
    if (k !== undefined) k.extend(t, max);
  }
  for (let i = 0; i < g.flowIds.length; i++) g.flowIds[i]! |= p.flowIds[i]!;
  // The kinds of the pair's first 64 such frames: those of this part that are among them.
  for (const kind of p.adminSequence.slice(0, Math.max(0, 64 - g.adminProhibited.count))) g.adminKinds.add(kind);
  g.adminProhibited.extend(p.adminProhibited, max);
  g.echoRequests += p.echoRequests;
  g.echoReplies += p.echoReplies;
  g.tcpSyn += p.tcpSyn;
  g.tcpSynAck += p.tcpSynAck;
  g.fragments.extend(p.fragments, max);
  g.fragmentedSize = Math.max(g.fragmentedSize, p.fragmentedSize);
  g.overMtu.extend(p.overMtu, max);
  g.maxOuter = Math.max(g.maxOuter, p.maxOuter);
  g.maxInner = Math.max(g.maxInner, p.maxInner);
  g.maxInnerTags = Math.max(g.maxInnerTags, p.maxInnerTags);
  g.superframes.extend(p.superframes, max);
  g.maxSuperframe = Math.max(g.maxSuperframe, p.maxSuperframe);
  // Each frame that touches a pair sets it: the part's last frame has the last word.
  g.outerVersion = p.outerVersion;
}

/**
 * Merges `part` (the next part of the capture) into `o`, the state of the parts before it. Returns
 * false, having merged nothing, when a tracking cap would make the result depend on frames the parts
 * do not know (see above).
 */
export function mergePart(o: Observer, part: DoctorPart): boolean {
  if (!fits(o, part)) return false;
  const max = o.limits.examples;
  o.frames += part.frames;
  o.nvgreFrames += part.nvgreFrames;
  o.otherGreFrames += part.otherGreFrames;
  o.firstTime = Math.min(o.firstTime, part.firstTime);
  o.lastTime = Math.max(o.lastTime, part.lastTime);
  for (const [t, n] of part.linkTypes) {
    const have = o.linkTypes.get(t);
    if (have !== undefined) o.linkTypes.map.set(t, have + n);
    else o.linkTypes.addKey(t, n);
  }
  for (const [reason, t] of part.unreadable) {
    let u = o.unreadable.get(reason);
    if (u === undefined && o.unreadable.size < 64) o.unreadable.set(reason, (u = new Tally()));
    if (u !== undefined) u.extend(t, max);
  }
  o.snaplenCut.extend(part.snaplenCut, max);
  // Echo replies the part saw before their PA sent NVGRE in it: they count if it had in an earlier part.
  for (const [pa, n] of part.echoNoSender) {
    const to = o.senders.get(pa);
    if (to !== undefined) to.echoRepliesIn += n;
  }
  for (const [address, s] of part.senders) mergeSender(o.senders.obtain(address, () => new SenderState())!, s, max);
  for (const [key, p] of part.pairs) mergePair(o.pairs.obtain(key, () => new PairState())!, p, max);
  for (const [key, pair, a, b, c, d] of part.flows) {
    if (o.flows.addKey(key, true)) addFlow(o.pairs.get(pair)!, a, b, c, d);
  }
  for (const v of part.vsids) o.vsids.addKey(v, true);
  for (const [key, u] of part.underlay) {
    const g = o.underlay.obtain(key, () => new UnderlayIcmpState(u.reporter, u.type, u.code, u.v6, u.quotedSrc, u.quotedDst))!;
    g.frames.extend(u.frames, max);
    if (u.mtu > 0) g.mtu = g.mtu === 0 ? u.mtu : Math.min(g.mtu, u.mtu);
    g.quotedLength = Math.max(g.quotedLength, u.quotedLength);
  }
  for (const [kind, t] of part.otherGre) o.otherGre.obtain(kind, () => new Tally())!.extend(t, max);
  for (const [code, c] of part.conformance) {
    let g = o.conformance.get(code);
    if (g === undefined) o.conformance.set(code, (g = { tally: new Tally(), severity: c.severity }));
    g.tally.extend(c.tally, max);
  }
  for (const [query, key, sender, frame] of part.dns) {
    if (query) o.dnsQuery(o.senders.get(sender)!, key, frame);
    else o.dnsAnswer(key);
  }
  return true;
}
