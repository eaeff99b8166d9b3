/**
 * `nvgre doctor`'s engine as a library (docs/doctor.md): frames in, findings out, as data. It reads a
 * capture once, frame by frame, in memory bounded by its caps (DoctorOptions), and explains what is
 * wrong across frames: transmit checksum offload faults, key-layout mismatches, one-way tunnels and
 * underlay ICMP errors, MTU and fragmentation, FlowID entropy, conformance, and a policy's view.
 *
 * Pure TypeScript over Uint8Array: the browser page and a monitoring pipeline use it as the CLI does.
 */
import { assertBytes, assertInt } from '../../wire/bytes.js';
import { formatIp, parseIp } from '../../wire/address.js';
import { NvgreError, NvgreErrorCode } from '../../wire/errors.js';
import type { KeyLayout } from '../../wire/gre.js';
import { readCaptureStream, type CaptureChunkSource } from '../../capture/stream.js';
import type { ReadCaptureOptions } from '../../capture/record.js';
import { FactReader, type DiagnoseRecord } from './facts.js';
import { Observer, PartLog } from './state.js';
import { mergePart, partOf, type DoctorPart } from './merge.js';
import { PolicyChecker } from './policy.js';
import { hostFindings } from './findings-hosts.js';
import { pathFindings } from './findings-paths.js';
import { DOCTOR_SECTION, type DoctorFinding, type DoctorOptions, type DoctorReport } from './types.js';
import type { LintSeverity } from '../lint-codes.js';

export const DEFAULT_MAX_FLOWS = 100_000;
export const DEFAULT_MAX_PAIRS = 4096;

interface Resolved {
  readonly keyLayout: KeyLayout;
  readonly capturedAt: string | undefined;
  readonly mtu: number;
  readonly maxFlows: number;
  readonly maxPairs: number;
  readonly examples: number;
  readonly minFlows: number;
}

function argError(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

function resolve(options: DoctorOptions | undefined): Resolved {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const o = options ?? {};
  const keyLayout = o.keyLayout ?? 'rfc7637';
  if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw new TypeError(`options.keyLayout must be 'rfc7637' or 'low24', got ${String(keyLayout)}`);
  let capturedAt: string | undefined;
  if (o.capturedAt !== undefined) {
    if (typeof o.capturedAt !== 'string') throw new TypeError(`options.capturedAt must be an IP address string, got ${typeof o.capturedAt}`);
    const b = parseIp(o.capturedAt, 'options.capturedAt');
    capturedAt = formatIp(b, 0, b.length === 4 ? 4 : 6);
  }
  const int = (v: number | undefined, name: string, min: number, max: number, d: number): number => {
    if (v === undefined) return d;
    assertInt(v, `options.${name}`, min, max);
    return v;
  };
  return {
    keyLayout,
    capturedAt,
    mtu: int(o.mtu, 'mtu', 68, 0xffffffff, 1500),
    maxFlows: int(o.maxFlows, 'maxFlows', 1, 100_000_000, DEFAULT_MAX_FLOWS),
    maxPairs: int(o.maxPairs, 'maxPairs', 1, 10_000_000, DEFAULT_MAX_PAIRS),
    examples: int(o.examples, 'examples', 1, 100, 5),
    minFlows: int(o.minFlows, 'minFlows', 2, 1_000_000, 4),
  };
}

const RANK: Readonly<Record<LintSeverity, number>> = { error: 0, warning: 1, info: 2 };

/** An incremental doctor: `add` each frame, then `report()`. */
export class Doctor {
  private readonly r: Resolved;
  private readonly reader = new FactReader();
  private readonly observer: Observer;
  private readonly policy: PolicyChecker | undefined;
  /** Set for the doctor of one part of a capture (options.part). */
  private readonly isPart: boolean;
  private count = 0;
  private last = 0;

  constructor(options?: DoctorOptions) {
    this.r = resolve(options);
    if (options?.part !== undefined && typeof options.part !== 'boolean') throw new TypeError(`options.part must be a boolean, got ${typeof options.part}`);
    this.isPart = options?.part === true;
    if (this.isPart && options?.policy !== undefined) {
      throw argError('options.part and options.policy do not go together: the policy checks read the whole capture in order, with one doctor (docs/doctor.md §12)');
    }
    this.observer = new Observer(this.r, this.isPart ? new PartLog() : null);
    if (options?.policy !== undefined) {
      if (options.policy === null || typeof options.policy !== 'object') throw argError('options.policy must be a policy object (docs/nve.md §3)');
      this.policy = new PolicyChecker(options.policy, this.r.keyLayout, this.r.examples, this.r.maxPairs);
    }
  }

  /** Frames added so far. */
  get frames(): number {
    return this.count;
  }

  /**
   * Adds the next frame: an Ethernet frame, or a capture record (`{ linkType, data, timestamp,
   * originalLength }`, a {@link CaptureRecord} is one). `number` is the frame's 1-based number in the
   * capture, which the evidence quotes (default: one more than the previous frame's, from 1), so a
   * caller that skips frames keeps Wireshark's numbering. Never throws on the bytes; `data` is not kept
   * after the call returns.
   */
  add(frame: Uint8Array | DiagnoseRecord, number?: number): void {
    if (number !== undefined) assertInt(number, 'number', 1, Number.MAX_SAFE_INTEGER);
    if (!(frame instanceof Uint8Array)) {
      if (frame === null || typeof frame !== 'object') throw new TypeError(`frame must be a Uint8Array or a record { data }, got ${frame === null ? 'null' : typeof frame}`);
      assertBytes(frame.data, 'frame.data');
      if (frame.linkType !== undefined) assertInt(frame.linkType, 'frame.linkType', 0, 0xffffffff);
    } else {
      assertBytes(frame, 'frame');
    }
    this.count++;
    this.last = number ?? this.last + 1;
    const f = this.reader.read(frame, this.last);
    this.observer.observe(f);
    if (this.policy !== undefined && f.linkProblem === null) this.policy.observe(f);
  }

  /**
   * What this doctor read, for {@link Doctor.merge} by the doctor that reports: plain data, which
   * `postMessage` copies to another thread. Only for a doctor made with `part: true`. Call it after the
   * last frame: the part shares this doctor's state.
   */
  part(): DoctorPart {
    if (!this.isPart) throw argError('part() is for a doctor that reads one part of a capture: create it with { part: true } (docs/doctor.md §12)');
    return partOf(this.observer, JSON.stringify(this.r), this.count, this.last);
  }

  /**
   * Adds the next part of the capture (another doctor's {@link Doctor.part}, made with the same options
   * and `part: true`), in capture order: the frames of the parts before it, then its own. The report
   * then is the one this doctor would give had it read the part's frames itself. Returns false, and
   * merges nothing, when a tracking cap (maxFlows, maxPairs) turned items away in the part or would in
   * the merge: which items one doctor keeps then depends on frames the part does not know, so read the
   * capture with one doctor instead (the command line does). Not for a doctor with a policy.
   */
  merge(part: DoctorPart): boolean {
    if (this.isPart) throw argError('merge() is for the doctor that reports: this one reads a part (options.part)');
    if (this.policy !== undefined) throw argError('a doctor with a policy reads the whole capture itself: merge() is not for it (docs/doctor.md §12)');
    if (part === null || typeof part !== 'object' || typeof part.options !== 'string') throw new TypeError('part must be what Doctor.part() returned');
    if (part.options !== JSON.stringify(this.r)) throw argError('the part was read with other options than this doctor has: merge parts read with the same options');
    if (!mergePart(this.observer, part)) return false;
    this.count += part.added;
    if (part.added > 0) this.last = part.last;
    return true;
  }

  /** The findings so far (the doctor can go on reading after a report). */
  report(): DoctorReport {
    if (this.isPart) throw argError('a part has no report of its own: merge its part() into the doctor that reports (docs/doctor.md §12)');
    const r = this.r;
    const o = this.observer;
    const hosts = hostFindings({ o, capturedAt: r.capturedAt, policy: this.policy, keyLayout: r.keyLayout, examples: r.examples });
    const paths = pathFindings({ o, mtu: r.mtu, minFlows: r.minFlows, examples: r.examples, maxFlows: r.maxFlows, maxPairs: r.maxPairs, policyOverflow: this.policy?.overflow ?? 0, keyLayout: r.keyLayout });
    const all: DoctorFinding[] = [...paths.capture, ...hosts, ...paths.paths, ...paths.conformance, ...(this.policy?.findings() ?? []), ...paths.limits];
    // Stable order: severity, then docs/doctor.md section, then the order the rules ran in.
    const findings = all.map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || DOCTOR_SECTION[a.f.code] - DOCTOR_SECTION[b.f.code] || a.i - b.i).map((x) => x.f);
    const worst = findings.length === 0 ? 'none' : findings[0]!.severity;
    const linkTypes: Record<string, number> = {};
    for (const [t, n] of o.linkTypes.map) linkTypes[String(t)] = n;
    return {
      summary: {
        frames: o.frames,
        nvgreFrames: o.nvgreFrames,
        otherGreFrames: o.otherGreFrames,
        unreadableFrames: [...o.unreadable.values()].reduce((n, t) => n + t.count, 0),
        linkTypes,
        senders: [...o.senders.map.values()].filter((s) => s.nvgreFrames > 0).length,
        pairs: o.pairs.size,
        flows: o.flows.size,
        vsids: o.vsids.size,
        duration: o.lastTime >= o.firstTime ? Math.round((o.lastTime - o.firstTime) * 1e6) / 1e6 : 0,
      },
      findings,
      worst,
      limits: { maxFlows: r.maxFlows, maxPairs: r.maxPairs, untracked: o.untracked + (this.policy?.overflow ?? 0) },
    };
  }
}

/** A {@link Doctor}. Throws TypeError/RangeError for bad options, `INVALID_POLICY` for a policy that cannot be used. */
export function createDoctor(options?: DoctorOptions): Doctor {
  return new Doctor(options);
}

/** Diagnoses frames (Ethernet frames or capture records, e.g. `readCapture(bytes).records`). */
export function diagnose(frames: Iterable<Uint8Array | DiagnoseRecord>, options?: DoctorOptions): DoctorReport {
  if (frames === null || typeof frames !== 'object' || typeof (frames as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`frames must be an iterable of frames or capture records, got ${frames === null ? 'null' : typeof frames}`);
  }
  const d = new Doctor(options);
  for (const f of frames) d.add(f);
  return d.report();
}

/**
 * Diagnoses a pcap or pcapng file read chunk by chunk (a Node read stream, a `fetch` body, a
 * `Blob.stream()`): the capture never sits in memory. Throws like `readCaptureStream` on a corrupt
 * capture, after every frame before the damage was read.
 */
export async function diagnoseStream(source: CaptureChunkSource, options?: DoctorOptions & ReadCaptureOptions): Promise<DoctorReport> {
  const d = new Doctor(options);
  for await (const r of readCaptureStream(source, options?.maxRecordBytes !== undefined ? { maxRecordBytes: options.maxRecordBytes } : undefined)) d.add(r);
  return d.report();
}
