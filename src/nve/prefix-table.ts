/**
 * Longest-prefix match for customer and provider routes (docs/nve.md §5 step 3a, §5 step 4): one map
 * per prefix length that occurs, tried from the longest. A lookup costs one map probe per distinct
 * length (routing tables use a handful), whatever the number of routes; 10,000 routes of one length
 * cost what one does. Several routes with the same prefix share a slot, ordered by metric: the first
 * wins (ties → lowest Metric), the others are shadowed.
 */
import { ipv6Key, mask4, maskBytes, type IpAddr, type Prefix } from './address.js';

export interface Metric {
  readonly metric: number;
}

/** The routes with one prefix, best (lowest metric, then first given) first. */
export type PrefixSlot<T> = readonly T[];

export class PrefixTable<T extends Metric> {
  private lengths4: number[] = [];
  private masks4: number[] = [];
  private maps4: Map<number, T[]>[] = [];
  private lengths6: number[] = [];
  private maps6: Map<string, T[]>[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `value` under `prefix`; returns its slot (the routes with the same prefix, best first). */
  add(prefix: Prefix, value: T): PrefixSlot<T> {
    this.count++;
    const a = prefix.address;
    if (a.version === 4) {
      const i = slotIndex(this.lengths4, prefix.length, () => {
        this.masks4.push(0);
        this.maps4.push(new Map());
      }, [this.masks4, this.maps4]);
      this.masks4[i] = mask4(prefix.length);
      return insert(this.maps4[i]!, a.v4, value);
    }
    const i = slotIndex(this.lengths6, prefix.length, () => this.maps6.push(new Map()), [this.maps6]);
    return insert(this.maps6[i]!, a.key, value);
  }

  /** The routes of the longest prefix containing the IPv4 address `ip` (unsigned), or undefined. */
  lookup4(ip: number): PrefixSlot<T> | undefined {
    const maps = this.maps4;
    const masks = this.masks4;
    for (let i = 0; i < maps.length; i++) {
      const slot = maps[i]!.get((ip & masks[i]!) >>> 0);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  /** The routes of the longest prefix containing the IPv6 address at `b[o…o+16)`, or undefined. */
  lookup6(b: Uint8Array, o: number): PrefixSlot<T> | undefined {
    if (this.maps6.length === 0) return undefined;
    const bytes = b.subarray(o, o + 16);
    for (let i = 0; i < this.maps6.length; i++) {
      const slot = this.maps6[i]!.get(ipv6Key(maskBytes(bytes, this.lengths6[i]!), 0));
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  lookup(address: IpAddr): PrefixSlot<T> | undefined {
    return address.version === 4 ? this.lookup4(address.v4) : this.lookup6(address.bytes, 0);
  }

  /** Every slot (for the policy checker). */
  *slots(): IterableIterator<PrefixSlot<T>> {
    for (const m of this.maps4) yield* m.values();
    for (const m of this.maps6) yield* m.values();
  }
}

/** The index of `length` in the descending list `lengths`, inserting it (and a slot in each parallel array) when new. */
function slotIndex(lengths: number[], length: number, grow: () => void, parallel: unknown[][]): number {
  let i = 0;
  while (i < lengths.length && lengths[i]! > length) i++;
  if (lengths[i] === length) return i;
  lengths.splice(i, 0, length);
  grow();
  // grow() appended one element to each parallel array: move it to position i.
  for (const arr of parallel) arr.splice(i, 0, arr.pop());
  return i;
}

function insert<K, T extends Metric>(map: Map<K, T[]>, key: K, value: T): T[] {
  let slot = map.get(key);
  if (slot === undefined) {
    slot = [];
    map.set(key, slot);
  }
  let at = slot.length;
  while (at > 0 && slot[at - 1]!.metric > value.metric) at--;
  slot.splice(at, 0, value);
  return slot;
}
