/**
 * The options every capture-reading and capture-writing command shares, as tcpdump and tshark spell
 * them: the input positionally or as `-r FILE` (`-` = standard input), the output as `-w FILE` (`-` =
 * standard output), `-c N` / `--count N`, `--frames 1-100,250`, the display filter `-Y EXPR`
 * (docs/filter.md), `--format pcap|pcapng` and `--keep-partial`. A command spreads the option specs
 * into its own and hands the parsed values to {@link inputAndOutput} and {@link selection}.
 */
import { NvgreError, compileDisplayFilter, type CaptureRecord, type DisplayFilter, type FrameView, type FrameViewOptions } from '../index.js';
import { intOption, stringOption, type OptionSpec, type Parsed } from './args.js';
import type { CaptureFormat } from './capture-output.js';
import { CliError, EXIT, usageError } from './errors.js';
import { Progress, readRecords, type Parallel } from './io.js';
import { workerJob } from './jobs.js';
import { LinkFrames } from './link.js';

/** `-r FILE`, `-c N` / `--count N`, `--frames LIST`. */
export const READ_OPTIONS: OptionSpec = {
  read: { type: 'string', short: 'r' },
  count: { type: 'string', short: 'c' },
  frames: { type: 'string' },
};

/** `-Y EXPR` / `--display-filter EXPR`. */
export const FILTER_OPTIONS: OptionSpec = {
  'display-filter': { type: 'string', short: 'Y' },
};

/** `-w FILE`, `--format pcap|pcapng`, `--keep-partial`. */
export const WRITE_OPTIONS: OptionSpec = {
  write: { type: 'string', short: 'w' },
  format: { type: 'string' },
  'keep-partial': { type: 'boolean' },
};

/** Help lines for the shared options (a command picks the ones it has). */
export const HELP = {
  read: '  -r FILE           read FILE (pcap or pcapng; "-" = standard input); also positional',
  count: '  -c, --count N     stop after N selected frames',
  frames: '  --frames LIST     only these frame numbers: ranges such as 1-100,250,300- (1-based)',
  filter: '  -Y, --display-filter EXPR\n                    only frames the display filter EXPR selects (docs/filter.md),\n                    e.g. -Y \'vsid == 5001 && inner.udp && !csum.ok\'',
  write: '  -w FILE           write FILE ("-" = standard output, binary; messages go to stderr); also\n                    positional',
  format: '  --format F        pcap or pcapng (default: the input\'s format; pcapng keeps its interfaces)',
  keepPartial: '  --keep-partial    when the input ends inside a record, keep the frames before it (exit\n                    status still 1)',
} as const;

/**
 * The input (from `-r` or the first positional) and, for a writing command, the output (from `-w` or
 * the next positional); anything left over is a usage error.
 */
export function inputAndOutput(command: string, parsed: Parsed, writes: boolean): { input: string; output: string } {
  const pos = [...parsed.positionals];
  const read = stringOption(parsed.values.read);
  const write = stringOption(parsed.values.write);
  const input = read ?? pos.shift();
  const output = writes ? (write ?? pos.shift()) : '';
  if (input === undefined) throw usageError(`missing the input capture (a file, "-" for standard input, or -r FILE); see "nvgre ${command} --help".`);
  if (output === undefined) throw usageError(`missing the output capture (a file, or -w FILE; "-w -" writes to standard output); see "nvgre ${command} --help".`);
  if (pos.length > 0) throw usageError(`unexpected argument "${pos[0]}"; see "nvgre ${command} --help".`);
  if (input === '' || output === '' && writes) throw usageError(`a file name is empty; see "nvgre ${command} --help".`);
  return { input, output };
}

/** `--format`, or undefined (the input's format). */
export function formatOption(parsed: Parsed): CaptureFormat | undefined {
  const f = stringOption(parsed.values.format);
  if (f === undefined) return undefined;
  if (f !== 'pcap' && f !== 'pcapng') throw usageError(`--format must be pcap or pcapng, got "${f}".`);
  return f;
}

/** Frame-number ranges of `--frames`: `1-100,250,300-`. */
export class FrameRanges {
  /** Sorted, merged [low, high] pairs (high Infinity for an open end). */
  readonly ranges: ReadonlyArray<readonly [number, number]>;

  constructor(text: string) {
    const bad = () => usageError(`--frames must be frame numbers and ranges such as 1-100,250,300- (numbers from 1, each range low-high), got "${text}".`);
    const list: Array<[number, number]> = [];
    for (const part of text.split(',')) {
      const m = /^\s*(\d+)\s*(?:(-)\s*(\d+)?)?\s*$/.exec(part);
      if (m === null) throw bad();
      const low = Number(m[1]);
      const high = m[2] === undefined ? low : m[3] === undefined ? Infinity : Number(m[3]);
      if (!Number.isSafeInteger(low) || low < 1 || (high !== Infinity && (!Number.isSafeInteger(high) || high < low))) throw bad();
      list.push([low, high]);
    }
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const r of list) {
      const last = merged[merged.length - 1];
      if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.ranges = merged;
  }

  has(n: number): boolean {
    for (const [low, high] of this.ranges) {
      if (n < low) return false;
      if (n <= high) return true;
    }
    return false;
  }

  /** The last frame number any range takes. */
  get last(): number {
    return this.ranges[this.ranges.length - 1]![1];
  }
}

/** Compiles `-Y`; a malformed filter is a usage error that points at the column. */
export function compileFilterOption(text: string, options?: FrameViewOptions): DisplayFilter {
  try {
    return compileDisplayFilter(text, options);
  } catch (e) {
    if (e instanceof NvgreError) {
      const message = e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '');
      // The expression on its own line, a caret under the column (tabs and newlines shown as spaces).
      const shown = text.replace(/[\t\r\n]/g, ' ');
      throw new CliError(`-Y: ${message}.\n  ${shown}\n  ${' '.repeat(Math.min(e.offset, shown.length))}^`, EXIT.USAGE);
    }
    throw e;
  }
}

/** What `-c`, `--frames` and `-Y` select. */
export interface Selection {
  readonly count: number | undefined;
  readonly frames: FrameRanges | undefined;
  readonly filter: DisplayFilter | undefined;
}

/** The selection options of a parsed command line (`-Y` only where the command declared it). */
export function selection(parsed: Parsed, filterOptions?: FrameViewOptions): Selection {
  const count = intOption('count', parsed.values.count, 1, Number.MAX_SAFE_INTEGER);
  const framesText = stringOption(parsed.values.frames);
  const filterText = stringOption(parsed.values['display-filter']);
  return {
    count,
    frames: framesText === undefined ? undefined : new FrameRanges(framesText),
    filter: filterText === undefined ? undefined : compileFilterOption(filterText, filterOptions),
  };
}

/**
 * Applies a {@link Selection} frame by frame. `take(n, record)` says whether frame `n` (1-based, every
 * record of the file counted) is selected, loading `view` with it when the filter needs it (then
 * `loaded` is true, and the caller need not load it again); `done` becomes true when no later frame can
 * be selected (`-c` reached, past the last `--frames` range), so reading can stop.
 */
export class Selector {
  selected = 0;
  /** The view holds the frame of the last `take` (it was loaded for the filter). */
  loaded = false;
  private lastSeen = 0;

  /** Turns the records the filter reads into Ethernet frames; `links.delta` maps the view's offsets back. */
  readonly links = new LinkFrames();

  constructor(
    readonly selection: Selection,
    private readonly view?: FrameView,
  ) {
    if (selection.filter !== undefined && view === undefined) throw new Error('a display filter needs a FrameView');
  }

  get active(): boolean {
    const s = this.selection;
    return s.count !== undefined || s.frames !== undefined || s.filter !== undefined;
  }

  take(n: number, record: CaptureRecord): boolean {
    this.loaded = false;
    this.lastSeen = n;
    const s = this.selection;
    if (s.count !== undefined && this.selected >= s.count) return false;
    if (s.frames !== undefined && !s.frames.has(n)) return false;
    if (s.filter !== undefined) {
      // The filter reads Ethernet frames: a record of another link type is read as one (docs/api.md
      // "Link types"); a record that cannot be is never selected.
      const frame = this.links.frame(record);
      if (frame === null) return false;
      this.view!.load(frame, { number: n, originalLength: record.originalLength - record.data.length + frame.length });
      this.loaded = true;
      if (!s.filter.test(this.view!)) return false;
    }
    this.selected++;
    return true;
  }

  get done(): boolean {
    const s = this.selection;
    return (s.count !== undefined && this.selected >= s.count) || (s.frames !== undefined && this.lastSeen >= s.frames.last);
  }
}

/**
 * Reads `file` and hands `take` every record the selection takes, with its 1-based frame number (every
 * record of the file counted), showing progress as `label`; stops reading once no later frame can be
 * selected. Returns the number of records read. With `parallel`, workers read a large file (io.ts).
 */
export async function readSelected(file: string, selector: Selector, label: string, take: (record: CaptureRecord, n: number) => void, parallel?: Parallel): Promise<number> {
  const progress = new Progress(label);
  // A worker of --jobs numbers its chunk's frames from the chunk's first.
  let n = (workerJob()?.firstFrame ?? 1) - 1;
  await readRecords(
    file,
    (records) => {
      for (const r of records) {
        if (selector.done) break;
        n++;
        if (selector.take(n, r)) take(r, n);
      }
      progress.frames = n;
    },
    progress,
    { stop: () => selector.done, parallel },
  );
  return n;
}
