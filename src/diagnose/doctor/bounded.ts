/**
 * The doctor's bounded containers: a count with its first few frame numbers, and a map that stops
 * growing at a cap (and counts what it turned away), so memory follows the caps, not the capture.
 */

/** A count and its first frame numbers, as data (a Tally, or a copy of one posted from a worker). */
export interface TallyData {
  readonly count: number;
  readonly first: readonly number[];
}

/** A count and the first `max` frame numbers counted. */
export class Tally {
  count = 0;
  readonly first: number[] = [];

  add(frame: number, max: number): void {
    this.count++;
    if (this.first.length < max) this.first.push(frame);
  }

  /**
   * Adds the count and frames of a tally of later frames (the next part of a capture, docs/doctor.md
   * §12): its frames follow these, so the first `max` are kept as adding them one by one would.
   */
  extend(later: TallyData, max: number): void {
    if (later.count === 0) return;
    this.count += later.count;
    for (const n of later.first) if (this.first.length < max) this.first.push(n);
  }

  /** Adds another tally's count and frames (keeping the `max` smallest frame numbers). */
  merge(other: Tally, max: number): void {
    this.count += other.count;
    if (other.first.length === 0) return;
    const all = [...this.first, ...other.first].sort((a, b) => a - b);
    this.first.length = 0;
    for (const n of all) if (this.first.length < max && this.first[this.first.length - 1] !== n) this.first.push(n);
  }
}

/** A Map that holds at most `cap` keys; `overflow` counts the insertions it refused. */
export class CappedMap<K, V> {
  readonly map = new Map<K, V>();
  overflow = 0;

  constructor(readonly cap: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** The value of `key`, made by `make` if absent and there is room; undefined when the map is full. */
  obtain(key: K, make: () => V): V | undefined {
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= this.cap) {
        this.overflow++;
        return undefined;
      }
      v = make();
      this.map.set(key, v);
    }
    return v;
  }

  /** True when `key` was new and added (false when present, or refused because the map is full). */
  addKey(key: K, value: V): boolean {
    if (this.map.has(key)) return false;
    if (this.map.size >= this.cap) {
      this.overflow++;
      return false;
    }
    this.map.set(key, value);
    return true;
  }

  get size(): number {
    return this.map.size;
  }
}
