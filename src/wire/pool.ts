/**
 * Pooled allocation for the calls that hand back a fresh array (docs/api.md "Memory: pooled results").
 *
 * On Node 20 `new Uint8Array(n)` costs about 60 ns up to 64 bytes and about 700 ns above, where the
 * backing store leaves the JS heap; a packet is almost always above. Results of up to
 * {@link Pool.MAX_POOLED} bytes are therefore carved out of a shared slab of {@link Pool.SLAB} bytes,
 * the way Node.js pools its own small allocations, and a new slab is taken when one is spent. Each carved range is used once, and a new slab is zero-filled by the runtime,
 * so no result ever shows another's bytes.
 *
 * What a caller should know: a result's `byteOffset` is usually not 0 and its `buffer` is the slab,
 * so code that hands `result.buffer` on (to a worker, to `postMessage` with transfer, to an API that
 * takes an ArrayBuffer) must use the view, or ask for unpooled results; and a result that is kept
 * keeps its whole slab (32 KiB) alive. Unpooled: `pool: false` on the call's options.
 */

/** The pool's sizes. */
export const enum Pool {
  /** Bytes per slab: about 300 results of a 64-byte inner frame, 20 of 1500 bytes. */
  SLAB = 32 * 1024,
  /** Larger results get an array of their own (their allocation is small beside their bytes). */
  MAX_POOLED = 4 * 1024,
}

// Every slab is Pool.SLAB bytes, so the test for a spent one compares with the constant (reading
// `byteLength` is a call into the runtime that V8 does not inline); the first call finds none left.
let slab = new ArrayBuffer(0);
let used: number = Pool.SLAB;

/**
 * `length` zero bytes (never handed out before), carved from the pool when `length` is at most
 * {@link Pool.MAX_POOLED}, else a new array. Offsets are 8-byte aligned, so word views of a result
 * stay aligned.
 */
export function pooledBytes(length: number): Uint8Array {
  if (length > Pool.MAX_POOLED) return new Uint8Array(length);
  let at = used;
  if (at + length > Pool.SLAB) {
    slab = new ArrayBuffer(Pool.SLAB);
    at = 0;
  }
  used = (at + length + 7) & ~7;
  return new Uint8Array(slab, at, length);
}
