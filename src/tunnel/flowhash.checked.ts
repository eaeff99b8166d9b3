/**
 * The argument-checked public twins of flowhash.ts (the inner flow hash and FlowID fold).
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as flowhash from './flowhash.js';
import { U32, range, uint } from '../wire/guards.js';

/** 32-bit hash of the flow of the Ethernet frame `bytes[offset, end)`; never reads outside it. */
export function innerFlowHash(bytes: Uint8Array, offset: number, end: number): number {
  const e = range(bytes, offset, end);
  if (e < offset) throw new RangeError(`end ${e} is before offset ${offset}`);
  return flowhash.innerFlowHash(bytes, offset, e);
}

/** Maps a 32-bit hash onto a FlowID from 1 to 255 (`1 + hash mod 255`; never 0, docs/rss.md §8). */
export function foldFlowId(hash: number): number {
  uint(hash, 'hash', U32);
  return flowhash.foldFlowId(hash);
}
