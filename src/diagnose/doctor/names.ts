/**
 * The doctor's address names: one string per distinct address, made once and handed out again for
 * every later frame that carries the same bytes. A capture repeats few addresses over many frames; a
 * string made per frame cost its formatting, and then, as a map key (senders, pairs, flows), the
 * hashing and comparing of a fresh string each time, where the same string object keeps its hash.
 * At most {@link AddressNames.cap} addresses are kept (the rest are formatted per frame, as before),
 * so memory follows the cap, not the capture.
 */
import { formatIpv4, formatIpv6 } from '../../wire/address.js';
import { u32 } from '../../wire/bytes.js';

export class AddressNames {
  private readonly v4 = new Map<number, string>();
  /** IPv6 by its four words, one map per word. */
  private readonly v6 = new Map<number, Map<number, Map<number, Map<number, string>>>>();
  private kept = 0;

  constructor(readonly cap = 8192) {}

  /** The text of the address at b[o…] (4 bytes for version 4, else 16; the caller has checked they are there). */
  name(b: Uint8Array, o: number, version: 4 | 6): string {
    return version === 4 ? this.ipv4(b, o) : this.ipv6(b, o);
  }

  private ipv4(b: Uint8Array, o: number): string {
    const k = u32(b, o);
    let s = this.v4.get(k);
    if (s === undefined) {
      s = formatIpv4(b, o);
      if (this.kept < this.cap) {
        this.v4.set(k, s);
        this.kept++;
      }
    }
    return s;
  }

  private ipv6(b: Uint8Array, o: number): string {
    const w0 = u32(b, o);
    const w1 = u32(b, o + 4);
    const w2 = u32(b, o + 8);
    const w3 = u32(b, o + 12);
    const s = this.v6.get(w0)?.get(w1)?.get(w2)?.get(w3);
    if (s !== undefined) return s;
    const text = formatIpv6(b, o);
    if (this.kept >= this.cap) return text;
    this.kept++;
    let m1 = this.v6.get(w0);
    if (m1 === undefined) this.v6.set(w0, (m1 = new Map()));
    let m2 = m1.get(w1);
    if (m2 === undefined) m1.set(w1, (m2 = new Map()));
    let m3 = m2.get(w2);
    if (m3 === undefined) m2.set(w2, (m3 = new Map()));
    m3.set(w3, text);
    return text;
  }
}
