/**
 * The strict receiver (docs/nvgre.md §4) reading the key in a host's layout (docs/nvgre.md §7): the
 * library's reusable decapsulator with `keyLayout`, so a low24 host takes the VSID from the key's low
 * 24 bits and drops a key whose high byte is set (RESERVED_KEY_BITS). No allocation per frame.
 */
import { createDecapsulator, type Decapsulated, type Decapsulator } from '../tunnel/decapsulate.js';
import type { NvgreErrorInfo } from '../wire/errors.js';
import type { KeyLayout } from '../wire/gre.js';

export class KeyedDecapsulator {
  private readonly dec: Decapsulator;

  constructor(readonly layout: KeyLayout) {
    this.dec = createDecapsulator({ keyLayout: layout });
  }

  /** Why the last `decode` returned null. */
  get error(): NvgreErrorInfo | null {
    return this.dec.lastError;
  }

  /** The frame's VSID (in this layout), raw key and inner frame, or null when the strict receiver drops it. */
  decode(f: Uint8Array): Decapsulated | null {
    return this.dec.decapsulateOrNull(f);
  }
}
