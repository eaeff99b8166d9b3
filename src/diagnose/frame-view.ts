/**
 * One frame as the display filter, the field tree (`nvgre decode -V`), the JSON output and the one-line
 * summary see it: decoded once, the costly parts (checksums, the strict receiver's verdict, lint) only
 * when something asks for them. A {@link FrameView} is reused frame after frame (`load`), so a filter over
 * a long capture allocates little per frame.
 *
 * Pure TypeScript over Uint8Array (no Node APIs): the browser page uses it too.
 */
import { assertBytes, assertInt, u16 } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode, type NvgreErrorInfo } from '../wire/errors.js';
import type { KeyLayout } from '../wire/gre.js';
import { FrameLayout, walkFrame, type WalkOptions } from '../wire/layout.js';
import { tryDecapsulate, type DecapsulateOptions, type Decapsulated } from '../tunnel/decapsulate.js';
import type { ChecksumReport } from '../offload/report.js';
import { verifyChecksums } from '../offload/verify.js';
import { lint, type Finding, type LintOptions } from './lint.js';

export interface FrameViewOptions {
  /** How the VSID is read from the key (docs/nvgre.md §7): `'rfc7637'` (default) or `'low24'`. */
  readonly keyLayout?: KeyLayout;
  /** Options of the `lint` field (`lint == MTU_EXCEEDED` needs an `mtu`). */
  readonly lint?: LintOptions;
}

/** What the capture says about the frame, beyond its bytes. */
export interface FrameInfo {
  /** 1-based frame number (`frame.number`); default 1. */
  readonly number?: number;
  /** Length on the wire (`frame.len`); default: the captured length. */
  readonly originalLength?: number;
}

const WALK_LENIENT: WalkOptions = { lenient: true };
const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const EMPTY_ETHERNET = new Uint8Array(14);

/**
 * A decoded frame. `load(frame, info)` decodes it leniently (frames a strict receiver drops are still
 * decoded, with the reason); the fields are then read through the field model (`FRAME_FIELDS`,
 * `frameFieldTree`, a compiled display filter). Never throws on any bytes.
 */
export class FrameView {
  readonly keyLayout: KeyLayout;
  private readonly lenient: DecapsulateOptions;
  private readonly strict: DecapsulateOptions;
  private readonly lintOptions: LintOptions | undefined;
  /** The frame's bytes (a view; not copied). */
  bytes: Uint8Array = new Uint8Array(0);
  number = 1;
  originalLength = 0;
  /** The lenient decapsulation, or null when the frame is not NVGRE (see {@link error}). */
  decapsulated: Decapsulated | null = null;
  /** Why the frame is not NVGRE (lenient decapsulation failed), or null. */
  error: NvgreErrorInfo | null = null;
  /** Offsets of every header found (filled as far as the walk got, even when it stopped early). */
  readonly layout = new FrameLayout();
  /** Why the walk stopped early (a malformed or cut inner header), or null. */
  walkError: NvgreErrorInfo | null = null;
  private checksumsDone = false;
  private checksumReport: ChecksumReport | null = null;
  private dropDone = false;
  private dropCode: NvgreErrorCode | null = null;
  private findingsList: readonly Finding[] | null = null;

  constructor(options: FrameViewOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
    const keyLayout = options.keyLayout ?? 'rfc7637';
    if (keyLayout !== 'rfc7637' && keyLayout !== 'low24') throw new TypeError(`options.keyLayout must be 'rfc7637' or 'low24', got ${String(keyLayout)}`);
    this.keyLayout = keyLayout;
    this.lenient = { strict: false, keyLayout };
    this.strict = { strict: true, keyLayout };
    if (options.lint !== undefined) {
      if (options.lint === null || typeof options.lint !== 'object') throw new TypeError('options.lint must be an object');
      lint(EMPTY_ETHERNET, options.lint); // checks the lint options now: the lint field never throws later
    }
    this.lintOptions = options.lint;
  }

  /** Decodes `frame` (leniently) and forgets the previous frame. */
  load(frame: Uint8Array, info: FrameInfo = {}): this {
    assertBytes(frame, 'frame');
    if (info === null || typeof info !== 'object') throw new TypeError(`info must be an object, got ${info === null ? 'null' : typeof info}`);
    if (info.number !== undefined) assertInt(info.number, 'info.number', 0, Number.MAX_SAFE_INTEGER);
    if (info.originalLength !== undefined) assertInt(info.originalLength, 'info.originalLength', 0, 0xffff_ffff);
    this.bytes = frame;
    this.number = info.number ?? 1;
    this.originalLength = Math.max(info.originalLength ?? frame.length, frame.length);
    this.checksumsDone = this.dropDone = false;
    this.checksumReport = null;
    this.dropCode = null;
    this.findingsList = null;
    this.walkError = null;
    const r = tryDecapsulate(frame, this.lenient);
    if (r.ok) {
      this.decapsulated = r.value;
      this.error = null;
    } else {
      this.decapsulated = null;
      this.error = r.error;
    }
    try {
      walkFrame(frame, this.layout, 0, frame.length, WALK_LENIENT);
    } catch (e) {
      // The layout keeps what was walked before the problem; the problem is reported, never thrown.
      this.walkError = e instanceof NvgreError ? e.toInfo() : { code: NvgreErrorCode.BAD_IP_HEADER, layer: 'frame', offset: 0, message: String(e) };
    }
    return this;
  }

  /** True when the frame is NVGRE (decapsulated leniently; see {@link drop} for the strict verdict). */
  get nvgre(): boolean {
    return this.decapsulated !== null;
  }

  /** The VSID as the key layout reads it (undefined when not NVGRE). */
  get vsid(): number | undefined {
    return this.decapsulated?.vsid;
  }

  get flowId(): number | undefined {
    return this.decapsulated?.flowId;
  }

  get key(): number | undefined {
    return this.decapsulated?.key;
  }

  /** The inner headers were walked (an NVGRE frame whose inner Ethernet header is whole). */
  get inner(): boolean {
    return this.decapsulated !== null && this.layout.encapsulated && this.layout.innerEthernetOffset >= 0 && this.layout.innerEtherType !== 0;
  }

  /** The checksum statuses (null when the frame cannot be walked). */
  get checksums(): ChecksumReport | null {
    if (!this.checksumsDone) {
      this.checksumsDone = true;
      try {
        this.checksumReport = verifyChecksums(this.bytes, { lenient: true });
      } catch {
        this.checksumReport = null;
      }
    }
    return this.checksumReport;
  }

  /** The code a strict RFC 7637 receiver drops the frame with (docs/nvgre.md §4), or null when it accepts it. */
  get drop(): NvgreErrorCode | null {
    if (!this.dropDone) {
      this.dropDone = true;
      if (this.decapsulated !== null && this.decapsulated.dropReasons.length === 0) {
        this.dropCode = null;
      } else {
        const r = tryDecapsulate(this.bytes, this.strict);
        this.dropCode = r.ok ? null : r.error.code;
      }
    }
    return this.dropCode;
  }

  /** The lint findings (with the lint options given to the constructor). */
  get findings(): readonly Finding[] {
    if (this.findingsList === null) {
      try {
        this.findingsList = this.bytes.length === 0 ? NO_FINDINGS : lint(this.bytes, this.lintOptions);
      } catch {
        this.findingsList = NO_FINDINGS;
      }
    }
    return this.findingsList;
  }

  /** The GRE flags word as read (NVGRE frames, or any walked GRE header); undefined without one. */
  get greFlags(): number | undefined {
    const g = this.layout.greOffset;
    return g >= 0 ? u16(this.bytes, g) : undefined;
  }
}

/** TypeError unless `view` is a {@link FrameView} with a frame loaded. */
export function assertView(view: unknown, name = 'view'): asserts view is FrameView {
  if (!(view instanceof FrameView)) throw new TypeError(`${name} must be a FrameView (new FrameView().load(frame)), got ${view === null ? 'null' : typeof view}`);
}
