/**
 * The views segmentInto hands to its callback, kept with the target between calls (docs/offload.md §10,
 * "Views of the target").
 *
 * A view costs 20–30 ns to make on Node 20: for 64 KiB at MSS 1448, 46 views took about 0.9 µs of
 * the call's 6.3 µs on the bench's AMD EPYC host, more than the module spends on every segment's fields.
 * A caller that segments into one target again and again gets the same windows each time: segment i
 * always sits at i · (H + MSS), whatever the template. So the views of whole segments are made once per
 * target and stride and handed out again; only the last segment, whose length follows the payload, gets
 * a view of its own unless the last call's tail had the same place and length. A view is a window on
 * the target, not a copy, whether or not it is new: what it shows is whatever the latest call wrote there.
 *
 * Remembered: the last two targets (two, as in checksum.ts, for callers that alternate two buffers),
 * and views only for a target seen in two calls running, so that a caller making a new target (a new
 * `subarray`) for every call pays a comparison and nothing else. (A WeakMap keyed by the target cost
 * such a caller about 1 µs a call in its churn.) The two slots hold their targets, and so their buffers,
 * until two other targets have been used. Only plain Uint8Array targets (a subclass's view is made by
 * its own `subarray`), and only the first {@link SegmentViewCache.MAX_KEPT} segments: a kept view takes
 * about 108 bytes of heap (measured over 100,000).
 */

/** How much is kept per target. */
export const enum SegmentViewCache {
  /** Views of whole segments kept per target: about 110 KB at most, enough for 64 KiB at MSS 64. */
  MAX_KEPT = 1024,
}

/** One target's kept views for one stride. Replaced, never changed, when the stride changes (a callback's own call must not move an outer call's windows). */
export interface SegmentViews {
  /** The target's bytes (fixed for a given target object). */
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  /** Bytes per whole segment (header + MSS): segment i is at i times this, and a whole one this long. */
  readonly stride: number;
  /** Views of whole segments 0, 1, … (filled as calls reach them). */
  readonly whole: Uint8Array[];
  /** The last short segment's view, and its index (-1: none yet). */
  tail: Uint8Array | null;
  tailIndex: number;
}

// Two slots, most recent first; a slot's views are null until its target comes back.
let target0: Uint8Array | null = null;
let kept0: SegmentViews | null = null;
let target1: Uint8Array | null = null;
let kept1: SegmentViews | null = null;

/**
 * The kept views of `target` (a plain Uint8Array over `buffer` from `byteOffset`) for segments of
 * `stride` bytes (header + MSS; how they split between the two does not move a window), or null the
 * first time `target` is seen: the caller then makes its own views, as without this cache.
 */
export function viewsOf(target: Uint8Array, buffer: ArrayBufferLike, byteOffset: number, stride: number): SegmentViews | null {
  let kept: SegmentViews | null;
  if (target === target0) {
    kept = kept0;
  } else if (target === target1) {
    kept = kept1;
    target1 = target0;
    kept1 = kept0;
    target0 = target;
  } else {
    target1 = target0;
    kept1 = kept0;
    target0 = target;
    kept0 = null;
    return null;
  }
  if (kept === null || kept.stride !== stride) kept = { buffer, byteOffset, stride, whole: [], tail: null, tailIndex: -1 };
  kept0 = kept;
  return kept;
}

/** Segment i's view, `length` bytes from i · stride (the stride for a whole segment, fewer for the last). */
export function segmentView(kept: SegmentViews, i: number, length: number): Uint8Array {
  const stride = kept.stride;
  if (length === stride) {
    const whole = kept.whole;
    if (i < whole.length) return whole[i]!;
    const v = new Uint8Array(kept.buffer, kept.byteOffset + i * stride, length);
    // Kept only in order (the callback sees 0, 1, 2, …), so `whole` has no holes.
    if (i === whole.length && i < SegmentViewCache.MAX_KEPT) whole.push(v);
    return v;
  }
  if (kept.tailIndex === i && kept.tail!.length === length) return kept.tail!;
  const v = new Uint8Array(kept.buffer, kept.byteOffset + i * stride, length);
  kept.tail = v;
  kept.tailIndex = i;
  return v;
}
