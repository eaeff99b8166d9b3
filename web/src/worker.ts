/**
 * The page's engine, in a worker so that a long capture never blocks the UI. It is the only code of
 * the page that calls the library, and it imports the library's public API only ('nvgre' is an alias of
 * src/index.ts, bundled).
 *
 * A capture is read once, as a stream (`File.stream()` through `CaptureStreamParser`), into an index of
 * a few numbers per frame: where its bytes are in the file, their length, its time and link type. Frame
 * bytes are never kept (except records that straddled two chunks, copied): the rows on screen and the
 * selected frame are read again from the file (`Blob.slice`), so memory grows with the frame count, not
 * with the file's size. A filter, or new RSS settings, read the file again.
 */
import {
  CaptureStreamParser,
  FrameView,
  buildFrame,
  compileDisplayFilter,
  createDoctor,
  createStats,
  createLinkNormalizer,
  createRss,
  createVmq,
  frameFieldTree,
  frameFieldValues,
  frameLayerSpans,
  frameSummary,
  linkTypeName,
  writePcap,
  type CaptureRecord,
  type Doctor,
  type StatsCollector,
  type FrameSpec,
  type Rss,
  type RssHashType,
  type Vmq,
  type VmqFilter,
} from 'nvgre';
import { parseHexDump, looksLikeHexText } from './hextext.js';
import { fieldRange, rangeAt, type Range } from './ranges.js';
import type { CaptureSummary, DoctorResult, StatsResult, CraftForm, CraftResult, FrameDetail, FromWorker, LintItem, Row, RssConfig, RssItem, Spread, ToWorker, TreeLayer } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

function post(message: FromWorker, transfer?: Transferable[]): void {
  scope.postMessage(message, transfer);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------
// The index of the open capture

class Column<T extends Float64Array | Uint32Array> {
  data: T;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[i] = v;
  }
}

const f64 = (n: number) => new Float64Array(n);
const u32 = (n: number) => new Uint32Array(n);

class Index {
  count = 0;
  /** File offset of each frame's bytes; -1 when they are in `copies`. */
  readonly offset = new Column(f64);
  readonly length = new Column(u32);
  readonly original = new Column(u32);
  readonly seconds = new Column(f64);
  readonly nanos = new Column(u32);
  readonly link = new Column(u32);
  readonly copies = new Map<number, Uint8Array>();

  add(r: CaptureRecord, offset: number): void {
    const i = this.count++;
    this.offset.set(i, offset);
    if (offset < 0) this.copies.set(i, r.data.slice());
    this.length.set(i, r.data.length);
    this.original.set(i, r.originalLength);
    this.seconds.set(i, r.timestamp.seconds);
    this.nanos.set(i, r.timestamp.nanoseconds);
    this.link.set(i, r.linkType);
  }
}

/** A growable list of frame indices: what a filter selected. */
class Selection {
  count = 0;
  readonly list = new Column(u32);
  add(i: number): void {
    this.list.set(this.count++, i);
  }
}

interface Open {
  readonly gen: number;
  readonly file: Blob;
  readonly name: string;
  readonly index: Index;
  done: boolean;
  filter: Selection | null;
  filterGen: number;
  rss: RssEngines;
  rssGen: number;
  /** The doctor's report and the statistics, once the whole capture was read. */
  doctor: Promise<DoctorResult>;
  stats: Promise<StatsResult>;
}

let current: Open | null = null;

interface RssEngines {
  readonly config: RssConfig;
  readonly aware: Rss;
  readonly outer: Rss;
  readonly vmq: Vmq | null;
  readonly vmqError: string | null;
}

const RSS_TYPES: RssHashType[] = ['ipv4', 'tcp-ipv4', 'ipv6', 'tcp-ipv6'];
const RSS_TYPES_UDP: RssHashType[] = [...RSS_TYPES, 'udp-ipv4', 'udp-ipv6'];

/** VMQ filters from text, one per line: `MAC QUEUE [vsid N] [vlan N] [outer]`. */
function parseVmq(text: string): VmqFilter[] {
  const filters: VmqFilter[] = [];
  text.split(/\n/).forEach((line, i) => {
    const t = line.replace(/#.*/, '').trim().split(/\s+/).filter((x) => x !== '');
    if (t.length === 0) return;
    const [mac, queue, ...rest] = t;
    const queueId = Number(queue);
    if (mac === undefined || !Number.isInteger(queueId)) throw new Error(`VMQ line ${i + 1}: write "MAC QUEUE [vsid N] [vlan N] [outer]"`);
    let f: VmqFilter = { queueId, macAddress: mac, encapsulated: true };
    for (let k = 0; k < rest.length; k++) {
      const w = rest[k]!;
      if (w === 'outer') f = { ...f, encapsulated: false };
      else if (w === 'vsid' || w === 'vlan') {
        const v = Number(rest[++k]);
        if (!Number.isInteger(v)) throw new Error(`VMQ line ${i + 1}: ${w} needs a number`);
        f = w === 'vsid' ? { ...f, vsid: v } : { ...f, vlanId: v };
      } else throw new Error(`VMQ line ${i + 1}: unknown word "${w}"`);
    }
    filters.push(f);
  });
  return filters;
}

function rssEngines(config: RssConfig): RssEngines {
  const hashTypes = config.udp ? RSS_TYPES_UDP : RSS_TYPES;
  const queues = Math.min(128, Math.max(1, Math.floor(config.queues) || 4));
  let vmq: Vmq | null = null;
  let vmqError: string | null = null;
  try {
    const filters = parseVmq(config.vmq);
    if (filters.length > 0) vmq = createVmq(filters);
  } catch (e) {
    vmqError = errorText(e);
  }
  return {
    config: { ...config, queues },
    aware: createRss({ queues, hashTypes, encapsulation: 'nvgre' }),
    outer: createRss({ queues, hashTypes, encapsulation: 'none' }),
    vmq,
    vmqError,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

const normalizer = createLinkNormalizer();

/** The record's frame as Ethernet (normalised for other link types), or null when it has none. */
function ethernetOf(linkType: number, data: Uint8Array): Uint8Array | null {
  return normalizer.toEthernet(linkType, data);
}

const PROGRESS_MS = 100;
const YIELD_MS = 25;

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
/** Resolves after the tasks already queued (messages from the page among them) have run. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

/**
 * Streams `file` through the library's capture parser, calling `each` with every record and the file
 * offset of its bytes (-1 when the record straddled two chunks). Stops, returning 'cancelled', when
 * `live()` turns false. Returns the reason reading stopped early, or null.
 */
async function scan(file: Blob, phase: string, gen: number, live: () => boolean, each: (r: CaptureRecord, offset: number) => void): Promise<{ error: string | null; format: string; cancelled: boolean }> {
  const parser = new CaptureStreamParser();
  const reader = file.stream().getReader();
  let pos = 0;
  let last = 0;
  let lastYield = performance.now();
  let error: string | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!live()) {
        await reader.cancel();
        return { error: null, format: '', cancelled: true };
      }
      if (done) break;
      let records: CaptureRecord[];
      try {
        records = parser.push(value);
      } catch (e) {
        error = errorText(e);
        break;
      }
      for (const r of records) {
        const d = r.data;
        const inChunk = d.buffer === value.buffer && d.byteOffset >= value.byteOffset && d.byteOffset + d.length <= value.byteOffset + value.length;
        each(r, inChunk ? pos + (d.byteOffset - value.byteOffset) : -1);
      }
      pos += value.length;
      const now = performance.now();
      // Let the page's requests (rows on screen, the selected frame) in between chunks: a stream whose
      // chunks are ready resolves read() without ever returning to the event loop.
      if (now - lastYield > YIELD_MS) {
        await yieldToEvents();
        lastYield = performance.now();
      }
      if (now - last > PROGRESS_MS) {
        last = now;
        post({ type: 'progress', gen, bytes: pos, total: file.size, frames: parser.recordsDecoded, phase });
      }
    }
    if (error === null) parser.end();
  } catch (e) {
    error ??= errorText(e);
  } finally {
    reader.releaseLock();
  }
  post({ type: 'progress', gen, bytes: file.size, total: file.size, frames: parser.recordsDecoded, phase });
  return { error, format: parser.info?.format ?? '', cancelled: false };
}

function emptySpread(queues: number): { inner: number[]; outer: number[] } {
  return { inner: new Array<number>(queues).fill(0), outer: new Array<number>(queues).fill(0) };
}

async function open(gen: number, file: Blob, name: string, config: RssConfig): Promise<void> {
  const index = new Index();
  let doctorDone: (r: DoctorResult) => void = () => {};
  let statsDone: (r: StatsResult) => void = () => {};
  const o: Open = {
    gen,
    file,
    name,
    index,
    done: false,
    filter: null,
    filterGen: 0,
    rss: rssEngines(config),
    rssGen: 0,
    doctor: new Promise((resolve) => (doctorDone = resolve)),
    stats: new Promise((resolve) => (statsDone = resolve)),
  };
  current = o;
  const start = performance.now();
  // A text file of hex (PcapPlusPlus's .dat files, a saved dump) opens as a one-frame capture.
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  if (file.size <= 1 << 20 && looksLikeHexText(head) && !isCaptureMagic(head)) {
    const parsed = parseHexDump(await file.text());
    if ('error' in parsed) {
      post({ type: 'openError', gen, message: `${name} is neither a pcap/pcapng capture nor a hex dump: ${parsed.error}` });
      return;
    }
    return open(gen, new Blob([writePcap([parsed.bytes]) as BlobPart]), `${name} (hex dump)`, config);
  }
  const view = new FrameView();
  const spread = emptySpread(o.rss.config.queues);
  let nvgre = 0;
  let dropped = 0;
  let lintErrors = 0;
  let lintWarnings = 0;
  const vsids = new Set<number>();
  const links = new Map<number, number>();
  // The doctor reads every record as it streams by (bounded memory: docs/doctor.md §10).
  let doctor: Doctor | null = createDoctor();
  let doctorError: string | null = null;
  let stats: StatsCollector | null = createStats();
  let statsError: string | null = null;
  const result = await scan(file, 'reading', gen, () => current === o, (r, offset) => {
    index.add(r, offset);
    if (doctor !== null) {
      try {
        doctor.add(r);
      } catch (e) {
        doctorError = errorText(e);
        doctor = null;
      }
    }
    if (stats !== null) {
      try {
        stats.add(r, index.count);
      } catch (e) {
        statsError = errorText(e);
        stats = null;
      }
    }
    links.set(r.linkType, (links.get(r.linkType) ?? 0) + 1);
    const frame = ethernetOf(r.linkType, r.data);
    if (frame === null) return;
    view.load(frame, { number: index.count, originalLength: r.originalLength });
    if (view.nvgre) {
      nvgre++;
      if (vsids.size < 1_000_000) vsids.add(view.vsid!);
      if (view.decapsulated!.dropReasons.length > 0) dropped++;
    }
    for (const f of view.findings) {
      if (f.severity === 'error') lintErrors++;
      else if (f.severity === 'warning') lintWarnings++;
    }
    spread.inner[o.rss.aware.queue(frame)]!++;
    spread.outer[o.rss.outer.queue(frame)]!++;
  });
  if (result.cancelled) return;
  o.done = true;
  try {
    doctorDone({ available: true, report: doctor === null ? null : doctor.report(), error: doctorError });
  } catch (e) {
    doctorDone({ available: true, report: null, error: errorText(e) });
  }
  try {
    statsDone({ available: true, stats: stats === null ? null : stats.result(), error: statsError });
  } catch (e) {
    statsDone({ available: true, stats: null, error: errorText(e) });
  }
  const summary: CaptureSummary = {
    name,
    format: result.format,
    bytes: file.size,
    frames: index.count,
    nvgre,
    dropped,
    notNvgre: index.count - nvgre,
    lintErrors,
    lintWarnings,
    vsids: vsids.size,
    linkTypes: [...links].map(([t, n]) => `${linkTypeName(t)}: ${n}`).join(', '),
    ms: Math.round(performance.now() - start),
    error: result.error,
  };
  if (index.count === 0 && result.error !== null) {
    post({ type: 'openError', gen, message: `${name}: ${result.error}` });
    return;
  }
  post({ type: 'opened', gen, summary, spread: { queues: o.rss.config.queues, ...spread, frames: index.count } });
}

function isCaptureMagic(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const m = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  return m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1 || m === 0x0a0d0d0a;
}

// ---------------------------------------------------------------------------------------------
// Frames on demand

/** The frame index at list position `p` (through the filter when one is set). */
function frameAt(o: Open, p: number): number {
  return o.filter === null ? p : o.filter.list.data[p]!;
}

function listLength(o: Open): number {
  return o.filter === null ? o.index.count : o.filter.count;
}

/** The record bytes of frames `ids` (file order), reading contiguous runs of the file at once. */
async function readFrames(o: Open, ids: readonly number[]): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  const ix = o.index;
  let i = 0;
  while (i < ids.length) {
    const first = ids[i]!;
    const at = ix.offset.data[first]!;
    if (at < 0) {
      out.set(first, ix.copies.get(first)!);
      i++;
      continue;
    }
    // Extend the run while the next frame starts close after this one (at most 4 MiB per read).
    let end = at + ix.length.data[first]!;
    let j = i + 1;
    while (j < ids.length) {
      const a = ix.offset.data[ids[j]!]!;
      if (a < 0 || a < end || a - end > 65536 || a + ix.length.data[ids[j]!]! - at > 4 << 20) break;
      end = a + ix.length.data[ids[j]!]!;
      j++;
    }
    const buf = new Uint8Array(await o.file.slice(at, end).arrayBuffer());
    for (let k = i; k < j; k++) {
      const id = ids[k]!;
      const a = ix.offset.data[id]! - at;
      out.set(id, buf.subarray(a, a + ix.length.data[id]!));
    }
    i = j;
  }
  return out;
}

function timeText(o: Open, i: number): string {
  const ix = o.index;
  const s = ix.seconds.data[i]! - ix.seconds.data[0]!;
  const ns = ix.nanos.data[i]! - ix.nanos.data[0]!;
  return (s + ns / 1e9).toFixed(6);
}

function text(x: unknown): string {
  return x === undefined || x === null ? '' : String(x);
}

const rowView = new FrameView();

function rowOf(o: Open, i: number, data: Uint8Array): Row {
  const n = i + 1;
  const time = timeText(o, i);
  const link = o.index.link.data[i]!;
  const frame = ethernetOf(link, data);
  if (frame === null) {
    return { n, time, src: '', dst: '', vsid: null, flowId: null, inner: normalizer.problem?.message ?? 'unreadable', verdict: normalizer.problem?.code ?? 'unreadable', cls: 'not-nvgre' };
  }
  const v = rowView.load(frame, { number: n, originalLength: o.index.original.data[i]! });
  const values = frameFieldValues(v);
  const summary = frameSummary(v);
  const bar = summary.indexOf('  |  ');
  let inner: string;
  if (!v.nvgre) inner = summary.replace(/^not NVGRE\s+/, '');
  else inner = bar >= 0 ? summary.slice(bar + 5).replace(/\s+! strict receivers drop it:.*$/, '') : summary.replace(/^vsid .*? flow 0x[0-9a-f]+\s+/, '');
  let verdict: string;
  let cls: string;
  const worst = v.findings.reduce<string | null>((w, f) => (f.severity === 'error' || w === 'error' ? 'error' : f.severity === 'warning' || w === 'warning' ? 'warning' : 'info'), null);
  if (!v.nvgre) {
    verdict = `not NVGRE (${v.error!.code})`;
    cls = 'not-nvgre';
  } else if (v.drop !== null) {
    verdict = `dropped: ${v.decapsulated!.dropReasons.join(', ')}`;
    cls = 'drop';
  } else if (worst !== null) {
    verdict = `${worst}: ${[...new Set(v.findings.map((f) => f.code))].join(', ')}`;
    cls = `lint-${worst}`;
  } else {
    verdict = 'ok';
    cls = 'ok';
  }
  return {
    n,
    time,
    src: text(values['outer.ip.src']),
    dst: text(values['outer.ip.dst']),
    vsid: v.nvgre ? v.vsid! : null,
    flowId: v.nvgre ? v.flowId! : null,
    inner,
    verdict,
    cls,
  };
}

async function rows(id: number, from: number, count: number): Promise<void> {
  const o = current;
  if (o === null) return post({ type: 'rows', id, from, rows: [] });
  const end = Math.min(listLength(o), from + count);
  const ids: number[] = [];
  for (let p = Math.max(0, from); p < end; p++) ids.push(frameAt(o, p));
  const bytes = await readFrames(o, ids);
  if (current !== o) return;
  post({ type: 'rows', id, from, rows: ids.map((i) => rowOf(o, i, bytes.get(i)!)) });
}

const detailView = new FrameView();

const STATUS = /: (ok|bad|partial|unverifiable)$/;

/** The tree, hex spans, lint findings and receive queues of a frame. */
function detailOf(view: FrameView, frame: Uint8Array, n: number, note: string | null, rss: RssEngines | null): FrameDetail {
  const tree = frameFieldTree(view);
  const ranges: Range[] = [];
  const layers: TreeLayer[] = tree.map((l) => ({
    layer: l.layer,
    title: l.title,
    range: l.length > 0 ? ([l.offset, Math.min(l.length, frame.length - l.offset)] as const) : null,
    fields: l.fields.map((f) => {
      const range = f.name === 'lint' ? null : fieldRange(view, l, f.name);
      if (range !== null) ranges.push(range);
      const st = STATUS.exec(f.text);
      return { name: f.name, text: f.text, depth: f.depth, range, ...(f.name.startsWith('csum.') && st !== null ? { status: st[1]! } : {}) };
    }),
  }));
  const lint: LintItem[] = view.findings.map((f) => ({ code: f.code, severity: f.severity, layer: f.layer, offset: f.offset, rfc: f.rfc, message: f.message, range: rangeAt(frame, ranges, f.offset) }));
  // The verdict's lint rows point at the finding's bytes too.
  let k = 0;
  const verdict = layers.find((l) => l.layer === 'verdict');
  if (verdict !== undefined) {
    (verdict as { fields: TreeLayer['fields'] }).fields = verdict.fields.map((f) => (f.name === 'lint' ? { ...f, range: lint[k]?.range ?? null, status: lint[k++]?.severity ?? 'info' } : f));
  }
  const rssItems: RssItem[] = [];
  let vmq: FrameDetail['vmq'] = null;
  if (rss !== null) {
    for (const [label, engine] of [
      ['NVGRE-aware NIC', rss.aware],
      ['NIC ignoring the tunnel', rss.outer],
    ] as const) {
      const h = engine.hash(frame);
      rssItems.push({ label, hash: h.hash, hashType: h.hashType, over: h.over, queue: engine.queue(frame) });
    }
    if (rss.vmq !== null) {
      const r = rss.vmq.classify(frame);
      vmq = { queue: r.queueId, matched: r.matched === null ? null : `${String(r.matched.macAddress)}${r.matched.vsid !== undefined ? ` vsid ${r.matched.vsid}` : ''}`, over: r.over };
    }
  }
  return { n, bytes: frame.slice(), summary: frameSummary(view), note, layers, spans: frameLayerSpans(view), lint, rss: rssItems, vmq };
}

async function frameDetail(id: number, position: number): Promise<void> {
  const o = current;
  if (o === null || position < 0 || position >= listLength(o)) return post({ type: 'frame', id, detail: null, error: 'no such frame' });
  const i = frameAt(o, position);
  const data = (await readFrames(o, [i])).get(i)!;
  if (current !== o) return;
  const link = o.index.link.data[i]!;
  const frame = ethernetOf(link, data);
  if (frame === null) return post({ type: 'frame', id, detail: null, error: `frame ${i + 1}: ${normalizer.problem?.message ?? 'unreadable'}` });
  const note = normalizer.synthetic ? `${linkTypeName(link)} record shown behind a synthetic Ethernet header (no outer MAC addresses); record offset = offset shown + ${normalizer.delta}` : null;
  detailView.load(frame, { number: i + 1, originalLength: o.index.original.data[i]! });
  const detail = detailOf(detailView, frame, i + 1, note, o.rss);
  post({ type: 'frame', id, detail, error: null }, [detail.bytes.buffer as ArrayBuffer]);
}

// ---------------------------------------------------------------------------------------------
// Filter and RSS settings: read the file again

async function filter(gen: number, expr: string): Promise<void> {
  const o = current;
  if (o === null) return;
  o.filterGen = gen;
  if (expr.trim() === '') {
    o.filter = null;
    return post({ type: 'filtered', gen, count: o.index.count, total: o.index.count, error: null, done: true });
  }
  let compiled;
  try {
    compiled = compileDisplayFilter(expr);
  } catch (e) {
    return post({ type: 'filtered', gen, count: listLength(o), total: o.index.count, error: errorText(e), done: true });
  }
  const selection = new Selection();
  o.filter = selection;
  const view = new FrameView();
  let n = 0;
  let last = performance.now();
  const live = () => current === o && o.filterGen === gen;
  const result = await scan(o.file, 'filtering', o.gen, live, (r) => {
    const i = n++;
    const frame = ethernetOf(r.linkType, r.data);
    if (frame !== null && compiled.test(view.load(frame, { number: n, originalLength: r.originalLength }))) selection.add(i);
    const now = performance.now();
    if (now - last > 200) {
      last = now;
      post({ type: 'filtered', gen, count: selection.count, total: o.index.count, error: null, done: false });
    }
  });
  if (result.cancelled) return;
  post({ type: 'filtered', gen, count: selection.count, total: o.index.count, error: null, done: true });
}

async function respread(gen: number, config: RssConfig): Promise<void> {
  const o = current;
  if (o === null) return;
  const engines = rssEngines(config);
  o.rss = engines;
  o.rssGen = gen;
  const spread = emptySpread(engines.config.queues);
  let frames = 0;
  const result = await scan(o.file, 'spreading', o.gen, () => current === o && o.rssGen === gen, (r) => {
    frames++;
    const frame = ethernetOf(r.linkType, r.data);
    if (frame === null) return;
    spread.inner[engines.aware.queue(frame)]!++;
    spread.outer[engines.outer.queue(frame)]!++;
  });
  if (result.cancelled) return;
  post({ type: 'spread', gen, spread: { queues: engines.config.queues, ...spread, frames }, error: engines.vmqError });
}

// ---------------------------------------------------------------------------------------------
// Craft

function num(value: string, name: string, max: number): number {
  const t = value.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be a number from 0 to ${max} (decimal or 0x hex), got "${value}"`);
  return n;
}

function specOf(form: CraftForm, transportChecksum?: number, outerChecksum?: number): FrameSpec {
  const protocol = form.protocol;
  const innerIp = { src: form.innerSrc.trim(), dst: form.innerDst.trim() };
  const ports = { srcPort: num(form.srcPort, 'Source port', 0xffff), dstPort: num(form.dstPort, 'Destination port', 0xffff) };
  const vlan = form.innerVlan.trim();
  const inner: FrameSpec = {
    ethernet: { src: form.innerSrcMac.trim(), dst: form.innerDstMac.trim(), ...(vlan !== '' ? { vlans: [{ id: num(vlan, 'Inner VLAN ID', 4095) }] } : {}) },
    ...(form.innerVersion === '6' ? { ipv6: innerIp } : { ipv4: innerIp }),
    ...(protocol === 'tcp' ? { tcp: { ...ports, flags: 0x18, ...(transportChecksum !== undefined ? { checksum: transportChecksum } : {}) } } : {}),
    ...(protocol === 'udp' ? { udp: { ...ports, ...(transportChecksum !== undefined ? { checksum: transportChecksum } : {}) } } : {}),
    ...(protocol === 'icmp' ? { icmp: { type: form.innerVersion === '6' ? 128 : 8, identifier: 1, sequence: 1, ...(transportChecksum !== undefined ? { checksum: transportChecksum } : {}) } } : {}),
    ...(form.payload !== '' ? { payload: form.payload } : {}),
  };
  const flowText = form.flowId.trim();
  const nvgre = form.noKey
    ? { vsid: 0, keyPresent: false }
    : {
        vsid: num(form.vsid, 'VSID', 0xffffff),
        ...(form.keyLayout === 'low24' ? { keyLayout: 'low24' as const } : { flowId: flowText === '' || flowText === 'hash' ? ('hash' as const) : num(flowText, 'FlowID', 0xff) }),
        ...(form.greChecksum ? { checksum: true } : {}),
        ...(form.greSequence ? { sequence: 1 } : {}),
      };
  const outerIp = { src: form.outerSrc.trim(), dst: form.outerDst.trim() };
  return {
    ethernet: { src: form.outerSrcMac.trim(), dst: form.outerDstMac.trim() },
    ...(form.outerVersion === '6' ? { ipv6: outerIp } : { ipv4: { ...outerIp, ...(outerChecksum !== undefined ? { checksum: outerChecksum } : {}) } }),
    nvgre,
    inner,
  };
}

/** A 16-bit value other than `good` (and other than 0, which over UDP/IPv4 means "no checksum"). */
function wrong(good: number): number {
  const w = (good + 0x1111) & 0xffff;
  return w === 0 ? 0x1111 : w;
}

const craftView = new FrameView();

function craft(id: number, form: CraftForm): void {
  let result: CraftResult;
  try {
    let spec = specOf(form);
    let frame = buildFrame(spec);
    if (form.badTransportChecksum || (form.badOuterChecksum && form.outerVersion !== '6')) {
      const values = frameFieldValues(craftView.load(frame));
      const t = (values['inner.tcp.checksum'] ?? values['inner.udp.checksum'] ?? values['inner.icmp.checksum']) as number | undefined;
      const oc = values['outer.ip.checksum'] as number | undefined;
      spec = specOf(form, form.badTransportChecksum && t !== undefined ? wrong(t) : undefined, form.badOuterChecksum && oc !== undefined ? wrong(oc) : undefined);
      frame = buildFrame(spec);
    }
    craftView.load(frame);
    const detail = detailOf(craftView, frame, 1, null, current?.rss ?? rssEngines({ queues: 4, udp: false, vmq: '' }));
    result = { ok: true, error: null, spec: JSON.stringify(spec, null, 2), detail, pcap: writePcap([frame]) };
  } catch (e) {
    result = { ok: false, error: errorText(e), spec: '', detail: null, pcap: null };
  }
  post({ type: 'craft', id, result });
}

// ---------------------------------------------------------------------------------------------

function hexOpen(gen: number, textIn: string, config: RssConfig): Promise<void> {
  const parsed = parseHexDump(textIn);
  if ('error' in parsed) {
    post({ type: 'openError', gen, message: `pasted text: ${parsed.error}` });
    return Promise.resolve();
  }
  return open(gen, new Blob([writePcap([parsed.bytes]) as BlobPart]), `pasted frame (${parsed.bytes.length} bytes)`, config);
}

scope.onmessage = (event) => {
  const m = event.data;
  // A bug, not a property of the capture: the page shows it (and the browser tests fail on it).
  const fail = (e: unknown) => post({ type: 'workerError', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  switch (m.type) {
    case 'open':
      open(m.gen, m.file, m.name, m.rss).catch((e) => post({ type: 'openError', gen: m.gen, message: errorText(e) }));
      break;
    case 'openHex':
      hexOpen(m.gen, m.text, m.rss).catch((e) => post({ type: 'openError', gen: m.gen, message: errorText(e) }));
      break;
    case 'rows':
      rows(m.id, m.from, m.count).catch(fail);
      break;
    case 'frame':
      frameDetail(m.id, m.position).catch((e) => post({ type: 'frame', id: m.id, detail: null, error: errorText(e) }));
      break;
    case 'filter':
      filter(m.gen, m.expr).catch(fail);
      break;
    case 'rss':
      respread(m.gen, m.rss).catch(fail);
      break;
    case 'craft':
      craft(m.id, m.form);
      break;
    case 'doctor':
      if (current === null) post({ type: 'doctor', id: m.id, result: { available: true, report: null, error: 'no capture is open' } });
      else current.doctor.then((result) => post({ type: 'doctor', id: m.id, result })).catch(fail);
      break;
    case 'stats':
      if (current === null) post({ type: 'stats', id: m.id, result: { available: true, stats: null, error: 'no capture is open' } });
      else current.stats.then((result) => post({ type: 'stats', id: m.id, result })).catch(fail);
      break;
  }
};

post({ type: 'ready', doctor: true, stats: true });
