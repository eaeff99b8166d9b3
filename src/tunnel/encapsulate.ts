/**
 * NVGRE encapsulation, the public calls (RFC 7637 §3.2–§4.4): an encapsulator built once per outer
 * header, or a one-shot call.
 */
import { assertBytes } from '../wire/bytes.js';
import { NvgreEncapsulator } from './fast-path.js';
import type { EncapsulateOptions, Encapsulator } from './template.js';


/** Builds an encapsulator with a precomputed outer header template. Throws `INVALID_ARGUMENT` / `RESERVED_VSID` on bad options. */
export function createEncapsulator(options: EncapsulateOptions): Encapsulator {
  return new NvgreEncapsulator(options);
}

let sharedIpId = 0;

/**
 * One-shot encapsulation. Without `options.ipId`, the outer IPv4 ID comes from a counter shared by
 * all one-shot calls. For many packets use {@link createEncapsulator} (it precomputes the header).
 */
export function encapsulate(inner: Uint8Array, options: EncapsulateOptions): Uint8Array {
  assertBytes(inner, 'inner');
  const enc = new NvgreEncapsulator(options);
  if (options.ipId !== undefined) return enc.encapsulate(inner);
  const out = enc.encapsulate(inner, enc.ipVersion === 4 ? { ipId: sharedIpId } : undefined);
  if (enc.ipVersion === 4) sharedIpId = (sharedIpId + 1) & 0xffff;
  return out;
}

