/**
 * The views segmentInto hands to its callback, kept with the target between calls (docs/offload.md §10,
 * "Views of the target").
 *
 * A view costs 20–30 ns to make on Node 20: for 64 KiB at MSS 1448, 46 views took about 0.9 µs of
 * the call's 6.3 µs on the bench's AMD EPYC host, more than the module spends on every segment's fields.
 * A caller that segments into one target again and again gets the same windows each time: segment i of H header bytes and MSS payload bytes always sits at
 * i · (H + MSS). So the views of whole segments are made once per target and layout and handed out
 * again; only the last segment, whose length follows the payload, gets a view of its own unless the
 * last call's tail had the same place and length. A view is a window on the target, not a copy,
 * whether or not it is new: what it shows is whatever the latest call wrote there.
 *
 * Kept in a WeakMap keyed by the target, so a target that is dropped takes its views with it. Only
 * for plain Uint8Array targets (a subclass's view is made by its own `subarray`), and only for the
 * first {@link SegmentViewCache.MAX_KEPT} segments: a kept view takes about 108 bytes of heap (measured
 * over 100,000).
 */

/** How much is kept per target. */
export const enum SegmentViewCache {
  /** Views of whole segments kept per target: about 110 KB at most, enough for 64 KiB at MSS 64. */
  MAX_KEPT = 1024,
}

/** One target's kept views, for one layout. */
export interface SegmentViews {
  /** The target's bytes (fixed for a given target object). */
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  /** Bytes per whole segment (header + MSS): segment i is at i times this, and a whole one this long. */
  stride: number;
  /** Views of whole segments 0, 1, … (filled as calls reach them). */
  readonly whole: Uint8Array[];
  /** The last short segment's view, and its index (-1: none yet). */
  tail: Uint8Array | null;
  tailIndex: number;
}

const keptByTarget = new WeakMap<Uint8Array, SegmentViews>();

/**
 * The kept views of `target` (a plain Uint8Array over `buffer` from `byteOffset`) for segments of
 * `stride` bytes (header + MSS; how the bytes split between the two does not move a window); what was
 * kept for another stride is dropped. One object per target, nothing shared between targets (a
 * callback may segment into another target in between).
 */
export function viewsOf(target: Uint8Array, buffer: ArrayBufferLike, byteOffset: number, stride: number): SegmentViews {
  let kept = keptByTarget.get(target);
  if (kept === undefined) {
    kept = { buffer, byteOffset, stride, whole: [], tail: null, tailIndex: -1 };
    keptByTarget.set(target, kept);
  } else if (kept.stride !== stride) {
    kept.stride = stride;
    kept.whole.length = 0;
    kept.tail = null;
    kept.tailIndex = -1;
  }
  return kept;
}

/** Segment i's view, `length` bytes from i · stride (the stride for a whole segment, fewer for the last). */
export function segmentView(kept: SegmentViews, i: number, length: number): Uint8Array {
  if (length === kept.stride) {
    const whole = kept.whole;
    if (i < whole.length) return whole[i]!;
    const v = new Uint8Array(kept.buffer, kept.byteOffset + i * length, length);
    // Kept only in order (the callback sees 0, 1, 2, …), so `whole` has no holes.
    if (i === whole.length && i < SegmentViewCache.MAX_KEPT) whole.push(v);
    return v;
  }
  if (kept.tailIndex === i && kept.tail!.length === length) return kept.tail!;
  const v = new Uint8Array(kept.buffer, kept.byteOffset + i * kept.stride, length);
  kept.tail = v;
  kept.tailIndex = i;
  return v;
}
