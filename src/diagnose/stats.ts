/**
 * `nvgre stats`'s engine (docs/doctor.md §11): what a capture holds, in one streaming pass — per VSID,
 * per provider-address pair (both directions), the top inner conversations, the protocol mix and the
 * drop reasons a strict receiver would apply. Memory follows the caps (as the doctor's), not the capture.
 */
import { assertBytes, assertInt } from '../wire/bytes.js';
import { IpProtocol } from '../wire/ipv4.js';
import type { KeyLayout } from '../wire/gre.js';
import { tryDecapsulate } from '../tunnel/decapsulate.js';
import { readCaptureStream, type CaptureChunkSource } from '../capture/stream.js';
import { FactReader, type DiagnoseRecord } from './doctor/facts.js';
import { CappedMap } from './doctor/bounded.js';
import { bitsetCount } from './doctor/make.js';
import { greKindName } from './gre-kind.js';

export interface StatsOptions {
  /** How keys are read into VSIDs (default `'rfc7637'`). */
  readonly keyLayout?: KeyLayout;
  /** Inner flows and conversations tracked (default 100 000). */
  readonly maxFlows?: number;
  /** VSIDs and provider-address pairs tracked (default 4096). */
  readonly maxPairs?: number;
  /** Conversations listed, largest first (default 10). */
  readonly top?: number;
}

export interface VsidStats {
  readonly vsid: number;
  readonly frames: number;
  readonly bytes: number;
  /** Distinct inner flows (addresses, protocol, ports). */
  readonly flows: number;
  /** Distinct FlowIDs. */
  readonly flowIds: number;
  /** Seconds since the epoch of the first and last frame (0 without timestamps). */
  readonly first: number;
  readonly last: number;
}

/** Two provider addresses, both directions (`a` < `b` as text). */
export interface PairStats {
  readonly a: string;
  readonly b: string;
  readonly framesAtoB: number;
  readonly bytesAtoB: number;
  readonly framesBtoA: number;
  readonly bytesBtoA: number;
  /** VSIDs seen between them (at most 16 listed). */
  readonly vsids: readonly number[];
}

/** Two inner addresses within a VSID, both directions (like `tshark -z conv,ip`). */
export interface Conversation {
  readonly vsid: number;
  readonly a: string;
  readonly b: string;
  readonly framesAtoB: number;
  readonly bytesAtoB: number;
  readonly framesBtoA: number;
  readonly bytesBtoA: number;
  readonly first: number;
  readonly duration: number;
}

export interface ProtocolMix {
  readonly nvgre: number;
  /** Ordinary GRE by what it carries ("IPv4-in-GRE": 40). */
  readonly otherGre: Readonly<Record<string, number>>;
  readonly otherIp: number;
  readonly nonIp: number;
  readonly unreadable: number;
  /** Inside NVGRE. */
  readonly inner: { readonly tcp: number; readonly udp: number; readonly icmp: number; readonly otherIp: number; readonly nonIp: number };
}

export interface CaptureStats {
  readonly frames: number;
  readonly bytes: number;
  readonly first: number;
  readonly last: number;
  readonly vsids: readonly VsidStats[];
  readonly pairs: readonly PairStats[];
  readonly conversations: readonly Conversation[];
  readonly protocols: ProtocolMix;
  /** Frames of GRE protocol 0x6558 a strict receiver drops, by drop code (docs/nvgre.md §4). */
  readonly drops: Readonly<Record<string, number>>;
  /** What the caps turned away. */
  readonly untracked: number;
}

class Vsid {
  frames = 0;
  bytes = 0;
  flows = 0;
  readonly flowIds = new Uint32Array(8);
  first = 0;
  last = 0;
}

class Pair {
  framesAtoB = 0;
  bytesAtoB = 0;
  framesBtoA = 0;
  bytesBtoA = 0;
  readonly vsids = new Set<number>();
}

class Conv {
  framesAtoB = 0;
  bytesAtoB = 0;
  framesBtoA = 0;
  bytesBtoA = 0;
  first = 0;
  last = 0;
}

/** Incremental statistics: `add` each frame, then `result()`. */
export class StatsCollector {
  private readonly reader = new FactReader();
  private readonly keyLayout: KeyLayout;
  private readonly top: number;
  private readonly vsids: CappedMap<number, Vsid>;
  private readonly pairs: CappedMap<string, Pair>;
  private readonly flows: CappedMap<string, true>;
  private readonly convs: CappedMap<string, Conv>;
  private readonly otherGre = new CappedMap<string, number>(64);
  private readonly drops = new Map<string, number>();
  private frames = 0;
  private bytes = 0;
  private first = 0;
  private last = 0;
  private lastNumber = 0;
  private nvgre = 0;
  private otherIp = 0;
  private nonIp = 0;
  private unreadable = 0;
  private readonly inner = { tcp: 0, udp: 0, icmp: 0, otherIp: 0, nonIp: 0 };

  constructor(options?: StatsOptions) {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
    const o = options ?? {};
    const layout = o.keyLayout ?? 'rfc7637';
    if (layout !== 'rfc7637' && layout !== 'low24') throw new TypeError(`options.keyLayout must be 'rfc7637' or 'low24', got ${String(layout)}`);
    this.keyLayout = layout;
    if (o.maxFlows !== undefined) assertInt(o.maxFlows, 'options.maxFlows', 1, 100_000_000);
    if (o.maxPairs !== undefined) assertInt(o.maxPairs, 'options.maxPairs', 1, 10_000_000);
    if (o.top !== undefined) assertInt(o.top, 'options.top', 0, 100_000);
    this.top = o.top ?? 10;
    const flows = o.maxFlows ?? 100_000;
    const pairs = o.maxPairs ?? 4096;
    this.vsids = new CappedMap(pairs);
    this.pairs = new CappedMap(pairs);
    this.flows = new CappedMap(flows);
    this.convs = new CappedMap(flows);
  }

  /** Adds the next frame (an Ethernet frame or a capture record of any link type the library reads). */
  add(frame: Uint8Array | DiagnoseRecord, number?: number): void {
    if (frame instanceof Uint8Array) assertBytes(frame, 'frame');
    else {
      if (frame === null || typeof frame !== 'object') throw new TypeError(`frame must be a Uint8Array or a record { data }, got ${frame === null ? 'null' : typeof frame}`);
      assertBytes(frame.data, 'frame.data');
      if (frame.linkType !== undefined) assertInt(frame.linkType, 'frame.linkType', 0, 0xffffffff);
    }
    if (number !== undefined) assertInt(number, 'number', 1, Number.MAX_SAFE_INTEGER);
    this.lastNumber = number ?? this.lastNumber + 1;
    const f = this.reader.read(frame, this.lastNumber);
    this.frames++;
    this.bytes += f.originalLength;
    if (f.time > 0) {
      if (this.first === 0 || f.time < this.first) this.first = f.time;
      if (f.time > this.last) this.last = f.time;
    }
    if (f.linkProblem !== null) {
      if (f.linkProblem.code === 'NOT_IP') this.nonIp++;
      else this.unreadable++;
      return;
    }
    if (f.outerVersion === 0) {
      this.nonIp++;
      return;
    }
    if (f.gre && !f.claimsNvgre) {
      const kind = greKindName(f.greFlags, f.greProtocol);
      const n = this.otherGre.get(kind);
      if (n !== undefined) this.otherGre.map.set(kind, n + 1);
      else this.otherGre.addKey(kind, 1);
      return;
    }
    if (!f.gre && !(f.outerProtocol === IpProtocol.GRE && f.outerFragment)) {
      this.otherIp++;
      return;
    }
    if (f.claimsNvgre) {
      const d = tryDecapsulate(f.frame, { keyLayout: this.keyLayout });
      if (!d.ok) this.drops.set(d.error.code, (this.drops.get(d.error.code) ?? 0) + 1);
    } else {
      this.drops.set('FRAGMENTED', (this.drops.get('FRAGMENTED') ?? 0) + 1);
    }
    if (!f.nvgre) return;
    this.nvgre++;
    const vsid = this.keyLayout === 'low24' ? f.key & 0xffffff : f.key >>> 8;
    const v = this.vsids.obtain(vsid, () => new Vsid());
    if (v !== undefined) {
      v.frames++;
      v.bytes += f.originalLength;
      const flowId = f.key & 0xff;
      v.flowIds[flowId >>> 5]! |= 1 << (flowId & 31);
      if (v.first === 0 || (f.time > 0 && f.time < v.first)) v.first = f.time;
      if (f.time > v.last) v.last = f.time;
    }
    const ab = f.outerSrc < f.outerDst;
    const [a, b] = ab ? [f.outerSrc, f.outerDst] : [f.outerDst, f.outerSrc];
    const p = this.pairs.obtain(`${a}|${b}`, () => new Pair());
    if (p !== undefined) {
      if (ab) {
        p.framesAtoB++;
        p.bytesAtoB += f.originalLength;
      } else {
        p.framesBtoA++;
        p.bytesBtoA += f.originalLength;
      }
      if (p.vsids.size < 16) p.vsids.add(vsid);
    }
    if (f.outerFragment) return;
    if (f.innerVersion === 0) {
      if (f.innerEtherType >= 0) this.inner.nonIp++;
      return;
    }
    const ip = f.innerProtocol;
    if (ip === IpProtocol.TCP) this.inner.tcp++;
    else if (ip === IpProtocol.UDP) this.inner.udp++;
    else if (ip === IpProtocol.ICMP || ip === IpProtocol.ICMPV6) this.inner.icmp++;
    else this.inner.otherIp++;
    if (v !== undefined && this.flows.addKey(`${vsid}|${f.innerSrc}|${f.innerDst}|${ip}|${f.srcPort}|${f.dstPort}`, true)) v.flows++;
    const cab = f.innerSrc < f.innerDst;
    const [ca, cb] = cab ? [f.innerSrc, f.innerDst] : [f.innerDst, f.innerSrc];
    const c = this.convs.obtain(`${vsid}|${ca}|${cb}`, () => new Conv());
    if (c === undefined) return;
    if (cab) {
      c.framesAtoB++;
      c.bytesAtoB += f.originalLength;
    } else {
      c.framesBtoA++;
      c.bytesBtoA += f.originalLength;
    }
    if (c.first === 0 || (f.time > 0 && f.time < c.first)) c.first = f.time;
    if (f.time > c.last) c.last = f.time;
  }

  result(): CaptureStats {
    const round = (t: number) => Math.round(t * 1e6) / 1e6;
    const vsids = [...this.vsids.map]
      .sort((x, y) => x[0] - y[0])
      .map(([vsid, v]) => ({ vsid, frames: v.frames, bytes: v.bytes, flows: v.flows, flowIds: bitsetCount(v.flowIds).count, first: round(v.first), last: round(v.last) }));
    const pairs = [...this.pairs.map].map(([k, p]) => {
      const [a, b] = k.split('|') as [string, string];
      return { a, b, framesAtoB: p.framesAtoB, bytesAtoB: p.bytesAtoB, framesBtoA: p.framesBtoA, bytesBtoA: p.bytesBtoA, vsids: [...p.vsids].sort((x, y) => x - y) };
    });
    pairs.sort((x, y) => y.bytesAtoB + y.bytesBtoA - (x.bytesAtoB + x.bytesBtoA) || (x.a < y.a ? -1 : 1));
    const conversations = [...this.convs.map]
      .map(([k, c]) => {
        const [vsid, a, b] = k.split('|') as [string, string, string];
        return { vsid: Number(vsid), a, b, framesAtoB: c.framesAtoB, bytesAtoB: c.bytesAtoB, framesBtoA: c.framesBtoA, bytesBtoA: c.bytesBtoA, first: round(c.first), duration: round(Math.max(0, c.last - c.first)) };
      })
      .sort((x, y) => y.bytesAtoB + y.bytesBtoA - (x.bytesAtoB + x.bytesBtoA) || y.framesAtoB + y.framesBtoA - (x.framesAtoB + x.framesBtoA))
      .slice(0, this.top);
    const otherGre: Record<string, number> = {};
    for (const [k, n] of this.otherGre.map) otherGre[k] = n;
    const drops: Record<string, number> = {};
    for (const [k, n] of [...this.drops].sort((x, y) => y[1] - x[1])) drops[k] = n;
    return {
      frames: this.frames,
      bytes: this.bytes,
      first: round(this.first),
      last: round(this.last),
      vsids,
      pairs,
      conversations,
      protocols: { nvgre: this.nvgre, otherGre, otherIp: this.otherIp, nonIp: this.nonIp, unreadable: this.unreadable, inner: { ...this.inner } },
      drops,
      untracked: this.vsids.overflow + this.pairs.overflow + this.flows.overflow + this.convs.overflow + this.otherGre.overflow,
    };
  }
}

/** A {@link StatsCollector}. */
export function createStats(options?: StatsOptions): StatsCollector {
  return new StatsCollector(options);
}

/** Statistics of frames (Ethernet frames or capture records, e.g. `readCapture(bytes).records`). */
export function captureStats(frames: Iterable<Uint8Array | DiagnoseRecord>, options?: StatsOptions): CaptureStats {
  if (frames === null || typeof frames !== 'object' || typeof (frames as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`frames must be an iterable of frames or capture records, got ${frames === null ? 'null' : typeof frames}`);
  }
  const s = new StatsCollector(options);
  for (const f of frames) s.add(f);
  return s.result();
}

/** Statistics of a pcap or pcapng file read chunk by chunk (the capture never sits in memory). */
export async function captureStatsStream(source: CaptureChunkSource, options?: StatsOptions): Promise<CaptureStats> {
  const s = new StatsCollector(options);
  for await (const r of readCaptureStream(source)) s.add(r);
  return s.result();
}
