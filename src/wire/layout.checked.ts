/**
 * The argument-checked public twin of layout.ts's frame walk.
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as layout from './layout.js';
import type { FrameLayout, WalkOptions } from './layout.js';
import { assertBytes } from './bytes.js';
import { shown, index, optionalBool, object } from './guards.js';

/** Fills `layout` for the frame `bytes[start, end)` (see layout.ts). */
export function walkFrame(bytes: Uint8Array, frameLayout: FrameLayout, start = 0, end?: number, options?: WalkOptions): FrameLayout {
  assertBytes(bytes, 'bytes');
  if (!(frameLayout instanceof layout.FrameLayout)) throw new TypeError(`layout must be a FrameLayout, got ${shown(frameLayout)}`);
  index(start, 'start', bytes, 'bytes');
  const e = end === undefined ? bytes.length : index(end, 'end', bytes, 'bytes');
  if (options !== undefined) {
    object(options, 'options');
    optionalBool(options.lenient, 'options.lenient');
  }
  return layout.walkFrame(bytes, frameLayout, start, e, options);
}
