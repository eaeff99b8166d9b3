/**
 * Messages between the page (app.ts, the UI) and its worker (worker.ts, the only code that calls the
 * library). Everything here is plain data: it crosses postMessage by structured clone.
 */

/** One row of the frame list. */
export interface Row {
  /** 1-based frame number. */
  readonly n: number;
  /** Seconds since the first frame, as text. */
  readonly time: string;
  readonly src: string;
  readonly dst: string;
  readonly vsid: number | null;
  readonly flowId: number | null;
  readonly inner: string;
  readonly verdict: string;
  /** CSS class of the verdict: ok, drop, not-nvgre, lint-error, lint-warning, lint-info. */
  readonly cls: string;
}

/** A field of the tree with the bytes it covers (null when it has none: frame length, verdict). */
export interface TreeField {
  readonly name: string;
  readonly text: string;
  readonly depth: number;
  readonly range: readonly [number, number] | null;
  /** Checksum status and lint rows are coloured: ok, bad, error, warning, info. */
  readonly status?: string;
}

export interface TreeLayer {
  readonly layer: string;
  readonly title: string;
  readonly range: readonly [number, number] | null;
  readonly fields: readonly TreeField[];
}

export interface LintItem {
  readonly code: string;
  readonly severity: string;
  readonly layer: string;
  readonly offset: number;
  readonly rfc: string;
  readonly message: string;
  readonly range: readonly [number, number];
}

export interface RssItem {
  readonly label: string;
  readonly hash: number;
  readonly hashType: string | null;
  readonly over: string;
  readonly queue: number;
}

export interface FrameDetail {
  readonly n: number;
  readonly bytes: Uint8Array;
  readonly summary: string;
  /** The bytes shown are not the record's own (a non-Ethernet link type normalised to Ethernet). */
  readonly note: string | null;
  readonly layers: readonly TreeLayer[];
  /** Byte ranges by layer, for the hex pane's colours. */
  readonly spans: readonly { readonly layer: string; readonly offset: number; readonly length: number }[];
  readonly lint: readonly LintItem[];
  readonly rss: readonly RssItem[];
  readonly vmq: { readonly queue: number; readonly matched: string | null; readonly over: string } | null;
}

export interface Spread {
  readonly queues: number;
  /** Frames per queue as an NVGRE-aware NIC spreads them (inner 4-tuple). */
  readonly inner: readonly number[];
  /** Frames per queue as a NIC that ignores the tunnel spreads them (outer addresses). */
  readonly outer: readonly number[];
  readonly frames: number;
}

export interface RssConfig {
  readonly queues: number;
  readonly udp: boolean;
  /** VMQ filters, one per line: `MAC QUEUE [vsid N] [vlan N] [outer]`. */
  readonly vmq: string;
}

export interface CaptureSummary {
  readonly name: string;
  readonly format: string;
  readonly bytes: number;
  readonly frames: number;
  readonly nvgre: number;
  readonly dropped: number;
  readonly notNvgre: number;
  readonly lintErrors: number;
  readonly lintWarnings: number;
  readonly vsids: number;
  readonly linkTypes: string;
  /** Milliseconds the pass took. */
  readonly ms: number;
  /** Why reading stopped early (a corrupt or truncated record), or null. */
  readonly error: string | null;
}

/** The craft form, as the page sends it. */
export interface CraftForm {
  readonly vsid: string;
  readonly flowId: string;
  readonly keyLayout: string;
  readonly outerVersion: string;
  readonly outerSrcMac: string;
  readonly outerDstMac: string;
  readonly outerSrc: string;
  readonly outerDst: string;
  readonly innerSrcMac: string;
  readonly innerDstMac: string;
  readonly innerVersion: string;
  readonly innerSrc: string;
  readonly innerDst: string;
  readonly protocol: string;
  readonly srcPort: string;
  readonly dstPort: string;
  readonly payload: string;
  readonly innerVlan: string;
  readonly badTransportChecksum: boolean;
  readonly badOuterChecksum: boolean;
  readonly greChecksum: boolean;
  readonly greSequence: boolean;
  readonly noKey: boolean;
}

export interface CraftResult {
  readonly ok: boolean;
  readonly error: string | null;
  /** The FrameSpec given to buildFrame, as JSON. */
  readonly spec: string;
  readonly detail: FrameDetail | null;
  readonly pcap: Uint8Array | null;
}

/** The doctor panel's report (a DoctorReport, cloned) or why there is none. */
export interface DoctorResult {
  readonly available: boolean;
  readonly report: unknown;
  readonly error: string | null;
}

export interface StatsResult {
  readonly available: boolean;
  readonly stats: unknown;
  readonly error: string | null;
}

export type ToWorker =
  | { readonly type: 'open'; readonly gen: number; readonly file: Blob; readonly name: string; readonly rss: RssConfig }
  | { readonly type: 'openHex'; readonly gen: number; readonly text: string; readonly rss: RssConfig }
  | { readonly type: 'rows'; readonly id: number; readonly from: number; readonly count: number }
  | { readonly type: 'frame'; readonly id: number; readonly position: number }
  | { readonly type: 'filter'; readonly gen: number; readonly expr: string }
  | { readonly type: 'rss'; readonly gen: number; readonly rss: RssConfig }
  | { readonly type: 'craft'; readonly id: number; readonly form: CraftForm }
  | { readonly type: 'doctor'; readonly id: number }
  | { readonly type: 'stats'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready'; readonly doctor: boolean; readonly stats: boolean }
  | { readonly type: 'workerError'; readonly message: string }
  | { readonly type: 'progress'; readonly gen: number; readonly bytes: number; readonly total: number; readonly frames: number; readonly phase: string }
  | { readonly type: 'opened'; readonly gen: number; readonly summary: CaptureSummary; readonly spread: Spread }
  | { readonly type: 'openError'; readonly gen: number; readonly message: string }
  | { readonly type: 'rows'; readonly id: number; readonly from: number; readonly rows: readonly Row[] }
  | { readonly type: 'frame'; readonly id: number; readonly detail: FrameDetail | null; readonly error: string | null }
  | { readonly type: 'filtered'; readonly gen: number; readonly count: number; readonly total: number; readonly error: string | null; readonly done: boolean }
  | { readonly type: 'spread'; readonly gen: number; readonly spread: Spread; readonly error: string | null }
  | { readonly type: 'craft'; readonly id: number; readonly result: CraftResult }
  | { readonly type: 'doctor'; readonly id: number; readonly result: DoctorResult }
  | { readonly type: 'stats'; readonly id: number; readonly result: StatsResult };
