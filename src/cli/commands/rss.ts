import { readFileSync } from 'node:fs';
import {
  FrameView,
  NvgreError,
  createDecapsulator,
  createRss,
  createVmq,
  innerFlowHash,
  type CreateRssOptions,
  type Rss,
  type RssHashType,
  type VmqFilter,
} from '../../index.js';
import { intOption, parse, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, Selector, inputAndOutput, selection } from '../select.js';

const USAGE = `Usage: nvgre rss <file> [options]
       nvgre rss -r <file> [options]
       nvgre rss --vmq FILTERS.json <file> [options]

Where would each frame of a pcap or pcapng capture land on a receiving NIC? Prints frames, bytes and
flows per receive queue as RSS spreads them (docs/rss.md): an NVGRE-aware NIC hashes the inner
TCP/UDP 4-tuple, one that ignores the tunnel hashes the outer addresses only. The imbalance is the
busiest queue's frames over the mean (1.00× is even; N× on N queues is everything on one).

Options:
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  --queues N          receive queues, 1-128 (default 4; a 128-entry table cycling over them)
  --table LIST        the indirection table, comma-separated queue numbers, a power-of-two count
                      from 1 to 128 (e.g. 0,1,2,3,0,1,2,3)
  --key HEX           the secret key (default: Microsoft's verification key, 40 bytes)
  --hash-types LIST   enabled hash types, comma-separated: ipv4, tcp-ipv4, udp-ipv4, ipv6, tcp-ipv6,
                      udp-ipv6, ipv6-ex, tcp-ipv6-ex, udp-ipv6-ex (default ipv4,tcp-ipv4,ipv6,tcp-ipv6)
  --compare-outer     also show a NIC that hashes only the outer headers, side by side
  --vmq FILE          instead of RSS: VMQ queues from a JSON array of filters
                      {"queueId":1,"macAddress":"52:54:00:00:01:02","encapsulated":true,"vlanId":10,"vsid":5001}
  --json              one JSON object with the figures
  -h, --help          show this help

Examples:
  nvgre rss --compare-outer capture.pcap
  nvgre rss --queues 8 --hash-types ipv4,tcp-ipv4,udp-ipv4 capture.pcapng --json
  nvgre rss --vmq filters.json capture.pcap
  nvgre rss -Y 'vsid == 5001' -c 10000 capture.pcap`;

// ---------------------------------------------------------------------------------------------
// Shared with `nvgre ecmp`: flow identity and per-bucket counts (docs/rss.md §11)

/** Every non-ex hash type: the flow key's Toeplitz half distinguishes UDP flows too. */
const FLOW_TYPES: RssHashType[] = ['ipv4', 'tcp-ipv4', 'udp-ipv4', 'ipv6', 'tcp-ipv6', 'udp-ipv6'];

/**
 * A key per inner flow (docs/rss.md §11): the VSID, the FNV-1a inner flow hash and the Toeplitz hash of
 * the NVGRE-aware tuple — two independent hashes, so distinct flows practically never share a key.
 */
export class FlowKeys {
  private readonly rss = createRss({ hashTypes: FLOW_TYPES });
  private readonly decapsulator = createDecapsulator({ strict: false });

  key(frame: Uint8Array): string {
    const t = this.rss.hash(frame).hash;
    const d = this.decapsulator.decapsulateOrNull(frame);
    if (d === null) return `-/${innerFlowHash(frame, 0, frame.length).toString(36)}/${t.toString(36)}`;
    return `${d.vsid.toString(36)}/${innerFlowHash(frame, d.innerOffset, d.innerOffset + d.innerLength).toString(36)}/${t.toString(36)}`;
  }
}

/** Frames, bytes and distinct flows per bucket (queue or path). */
export class Spread {
  readonly frames: number[];
  readonly bytes: number[];
  private readonly flows: Set<string>[];

  constructor(readonly buckets: number) {
    this.frames = new Array<number>(buckets).fill(0);
    this.bytes = new Array<number>(buckets).fill(0);
    this.flows = Array.from({ length: buckets }, () => new Set<string>());
  }

  add(bucket: number, length: number, flow: string): void {
    this.frames[bucket]!++;
    this.bytes[bucket]! += length;
    this.flows[bucket]!.add(flow);
  }

  flowCount(bucket: number): number {
    return this.flows[bucket]!.size;
  }

  /** Busiest bucket's frames over the mean per bucket; 0 for no frames. */
  imbalance(): number {
    const total = this.frames.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : Math.max(...this.frames) / (total / this.buckets);
  }

  json(label: string): string {
    const rows = this.frames.map((f, i) => `{"${label}":${i},"frames":${f},"bytes":${this.bytes[i]},"flows":${this.flowCount(i)}}`);
    return `[${rows.join(',')}]`;
  }
}

export function ratio(x: number): string {
  return `${x.toFixed(2)}×`;
}

/** Right-aligned table columns. */
export function columns(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((c, i) => String(c).padStart(widths[i]!)).join('  ').trimEnd();
}

/**
 * `-c`, `--frames` and `-Y` of a report command (rss, ecmp): "N frames" counts the selected frames;
 * with a selection, the text also says how many were read and the JSON gets `"read"`.
 */
export function reportSelector(parsed: Parsed): Selector {
  return new Selector(selection(parsed), parsed.values['display-filter'] !== undefined ? new FrameView() : undefined);
}

export function selectedText(selector: Selector, read: number): string {
  return selector.active ? ` (selected from ${read} read)` : '';
}

export function selectedJson(selector: Selector, read: number): string {
  return selector.active ? `,"read":${read}` : '';
}

// ---------------------------------------------------------------------------------------------
// nvgre rss

interface Side {
  readonly rss: Rss;
  readonly spread: Spread;
  readonly over: { inner: number; outer: number; none: number };
}

function parseKey(text: string): Uint8Array {
  const clean = text.replace(/^0x/i, '').replace(/[\s:,-]/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw usageError(`--key must be hex bytes (e.g. 6d5a56da…), got "${text}"; see "nvgre rss --help".`);
  return Uint8Array.from(clean.match(/../g)!, (h) => parseInt(h, 16));
}

function parseTable(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  return parts.map((p) => {
    if (!/^[0-9]+$/.test(p)) throw usageError(`--table must be comma-separated queue numbers, got "${text}"; see "nvgre rss --help".`);
    return Number(p);
  });
}

/** An option the library refuses (INVALID_ARGUMENT) as a usage error naming the CLI option. */
function engine(options: CreateRssOptions): Rss {
  try {
    return createRss(options);
  } catch (e) {
    if (e instanceof NvgreError) {
      const m = e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '');
      const flag = /options\.key/.test(m) ? '--key' : /hashTypes/.test(m) ? '--hash-types' : /indirectionTable/.test(m) ? '--table' : /queues/.test(m) ? '--queues' : 'option';
      throw usageError(`${flag}: ${m.replace(/options\.(\w+)/g, '$1')}; see "nvgre rss --help".`);
    }
    throw e;
  }
}

function loadFilters(file: string): VmqFilter[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw usageError(`--vmq ${file}: cannot read the filters file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  let filters: unknown;
  try {
    filters = JSON.parse(text);
  } catch (e) {
    throw usageError(`--vmq ${file}: not JSON (${(e as Error).message}).`);
  }
  try {
    createVmq(filters as VmqFilter[]);
  } catch (e) {
    if (e instanceof NvgreError) throw usageError(`--vmq ${file}: ${e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '')}.`);
    throw e;
  }
  return filters as VmqFilter[];
}

function describeFilter(f: VmqFilter, i: number): string {
  const mac = typeof f.macAddress === 'string' ? f.macAddress.toLowerCase() : Array.from(f.macAddress, (b) => b.toString(16).padStart(2, '0')).join(':');
  let s = `#${i + 1} ${f.encapsulated === true ? 'inner' : 'outer'} ${mac}`;
  if (f.vlanId !== undefined) s += ` vlan ${f.vlanId}`;
  if (f.vsid !== undefined) s += ` vsid ${f.vsid}`;
  return s;
}

async function runVmq(file: string, filtersFile: string, json: boolean, selector: Selector): Promise<number> {
  const filters = loadFilters(filtersFile);
  const vmq = createVmq(filters);
  const perFilter = filters.map(() => ({ frames: 0, bytes: 0 }));
  const unmatched = { frames: 0, bytes: 0, inner: 0 };
  const perQueue = new Map<number, number>();
  let frames = 0;
  let read = 0;
  let other = 0;
  const links = new LinkFrames();
  const progress = new Progress('rss --vmq');
  await readRecords(
    file,
    (records) => {
      for (const r of records) {
        if (selector.done) break;
        read++;
        if (!selector.take(read, r)) continue;
        frames++;
        const frame = links.frame(r);
        if (frame === null) {
          other++;
          continue;
        }
        const res = vmq.classify(frame);
        perQueue.set(res.queueId, (perQueue.get(res.queueId) ?? 0) + 1);
        if (res.matched === null) {
          unmatched.frames++;
          unmatched.bytes += r.data.length;
          continue;
        }
        const c = perFilter[filters.indexOf(res.matched)]!;
        c.frames++;
        c.bytes += r.data.length;
      }
      progress.frames = read;
    },
    progress,
    { stop: () => selector.done },
  );
  const out = new Output();
  const queues = [...perQueue.entries()].sort((a, b) => a[0] - b[0]);
  if (json) {
    const rows = filters.map((f, i) => `{"filter":${i + 1},"queueId":${f.queueId},"frames":${perFilter[i]!.frames},"bytes":${perFilter[i]!.bytes}}`);
    out.line(
      `{"frames":${frames}${selectedJson(selector, read)},"notEthernet":${other},"filters":[${rows.join(',')}],"defaultQueue":{"frames":${unmatched.frames},"bytes":${unmatched.bytes}},"queues":[${queues.map(([q, n]) => `{"queueId":${q},"frames":${n}}`).join(',')}]}`,
    );
  } else {
    out.line(`nvgre rss --vmq: ${frames} frames${selectedText(selector, read)}, ${filters.length} filter${filters.length === 1 ? '' : 's'} (first match wins; docs/rss.md §7)`);
    const w = [6, 8, 10];
    out.line(`${columns(['queue', 'frames', 'bytes'], w)}  filter`);
    filters.forEach((f, i) => out.line(`${columns([f.queueId, perFilter[i]!.frames, perFilter[i]!.bytes], w)}  ${describeFilter(f, i)}`));
    out.line(`${columns([0, unmatched.frames, unmatched.bytes], w)}  default queue (no filter matched, broadcast or multicast)`);
    out.line(`per queue: ${queues.map(([q, n]) => `${q}: ${n}`).join(', ') || 'none'}${other > 0 ? `; ${other} frames not Ethernet` : ''}`);
  }
  await out.flush();
  return EXIT.OK;
}

export const rss: Command = {
  name: 'rss',
  summary: 'frames, bytes and flows per receive queue as RSS (or VMQ) spreads a capture',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('rss', argv, {
      ...READ_OPTIONS,
      ...FILTER_OPTIONS,
      queues: { type: 'string' },
      table: { type: 'string' },
      key: { type: 'string' },
      'hash-types': { type: 'string' },
      'compare-outer': { type: 'boolean' },
      vmq: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input: file } = inputAndOutput('rss', parsed, false);
    const selector = reportSelector(parsed);
    const json = values.json === true;
    const vmqFile = stringOption(values.vmq);
    if (vmqFile !== undefined) {
      for (const o of ['queues', 'table', 'key', 'hash-types', 'compare-outer'] as const) {
        if (values[o] !== undefined) throw usageError(`--${o} is an RSS option; --vmq reports VMQ queues only; see "nvgre rss --help".`);
      }
      return runVmq(file, vmqFile, json, selector);
    }
    const queues = intOption('queues', values.queues, 1, 128);
    const tableText = stringOption(values.table);
    const keyText = stringOption(values.key);
    const typesText = stringOption(values['hash-types']);
    const base: CreateRssOptions = {
      ...(queues !== undefined ? { queues } : {}),
      ...(tableText !== undefined ? { indirectionTable: parseTable(tableText) } : {}),
      ...(keyText !== undefined ? { key: parseKey(keyText) } : {}),
      ...(typesText !== undefined ? { hashTypes: typesText.split(',').map((s) => s.trim()) as RssHashType[] } : {}),
    };
    const compare = values['compare-outer'] === true;
    const aware = engine(base);
    const sides: Side[] = [aware, ...(compare ? [engine({ ...base, encapsulation: 'none' })] : [])].map((r) => ({
      rss: r,
      spread: new Spread(r.queues),
      over: { inner: 0, outer: 0, none: 0 },
    }));
    const table = aware.indirectionTable;
    const flows = new FlowKeys();
    const allFlows = new Set<string>();
    let frames = 0;
    let read = 0;
    let bytes = 0;
    let other = 0;
    const links = new LinkFrames();
    const progress = new Progress('rss');
    await readRecords(
      file,
      (records) => {
        for (const r of records) {
          if (selector.done) break;
          read++;
          if (!selector.take(read, r)) continue;
          frames++;
          const linked = links.frame(r);
          if (linked === null) {
            other++;
            continue;
          }
          const f = linked;
          bytes += f.length;
          const flow = flows.key(f);
          allFlows.add(flow);
          for (const s of sides) {
            const h = s.rss.hash(f);
            s.over[h.over]++;
            // The queue the engine's queue() gives, from the same hash (one classification per frame).
            s.spread.add(h.hashType === null ? 0 : table[h.hash & (table.length - 1)]!, f.length, flow);
          }
        }
        progress.frames = read;
      },
      progress,
      { stop: () => selector.done },
    );
    const out = new Output();
    if (json) {
      const side = (s: Side) => `{"queues":${s.spread.json('queue')},"imbalance":${Number(s.spread.imbalance().toFixed(4))},"over":${JSON.stringify(s.over)}}`;
      out.line(
        `{"frames":${frames}${selectedJson(selector, read)},"bytes":${bytes},"flows":${allFlows.size},"notEthernet":${other},"queues":${aware.queues},"table":[${table.join(',')}],"nvgreAware":${side(sides[0]!)}${
          compare ? `,"outerOnly":${side(sides[1]!)}` : ''
        }}`,
      );
    } else {
      const typeList = typesText ?? 'ipv4,tcp-ipv4,ipv6,tcp-ipv6';
      out.line(
        `nvgre rss: ${frames} frames${selectedText(selector, read)}, ${allFlows.size} flows, ${aware.queues} queues (${table.length}-entry table), hash types ${typeList}, ${keyText === undefined ? 'default key' : 'given key'}`,
      );
      const w = [8, 8, 10, 6];
      const blockWidth = w[1]! + w[2]! + w[3]! + 4;
      const titles = ['NVGRE-aware (inner 4-tuple)', 'outer headers only'];
      out.line(`${' '.repeat(w[0]! + 2)}${compare ? `${titles[0]!.padEnd(blockWidth)}    ${titles[1]}` : titles[0]}`);
      const row = (first: string | number, cells: (s: Spread) => (string | number)[]) =>
        compare ? `${columns([first, ...cells(sides[0]!.spread)], w).padEnd(w[0]! + 2 + blockWidth)}    ${columns(cells(sides[1]!.spread), w.slice(1))}` : columns([first, ...cells(sides[0]!.spread)], w);
      out.line(row('queue', () => ['frames', 'bytes', 'flows']));
      for (let q = 0; q < aware.queues; q++) out.line(row(q, (s) => [s.frames[q]!, s.bytes[q]!, s.flowCount(q)]));
      out.line(row('max/mean', (s) => [ratio(s.imbalance()), '', '']));
      const overText = (s: Side) => `inner ${s.over.inner}, outer ${s.over.outer}, none ${s.over.none}`;
      out.line(`hashed over: ${overText(sides[0]!)}${compare ? `  |  outer only: ${overText(sides[1]!)}` : ''}${other > 0 ? `; ${other} frames not Ethernet` : ''}`);
    }
    await out.flush();
    return EXIT.OK;
  },
};
