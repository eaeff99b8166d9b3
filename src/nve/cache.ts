/**
 * The endpoints' decision caches (docs/nve.md §4): 2-way set-associative, 2048 sets (4096 decisions),
 * the most recent first in each set, so a working set of a few thousand flows stays cached.
 */
export const CACHE_SETS = 2048;

/** The first slot of the cache set of a key hash (murmur3's finalizer: every input bit moves the set). */
export function cacheWay(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) & (CACHE_SETS - 1)) << 1;
}
