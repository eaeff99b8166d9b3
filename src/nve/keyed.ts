/**
 * The strict receiver (docs/nvgre.md §4) reading the key in a host's layout (docs/nvgre.md §7):
 * `rfc7637` is the library's strict decapsulator as is; `low24` takes the VSID from the key's low 24
 * bits, requires its high byte to be zero, and applies the reserved-VSID row to that VSID. One reusable
 * decapsulator per endpoint: no allocation per frame.
 */
import { createDecapsulator, type Decapsulator } from '../tunnel/decapsulate.js';
import { NvgreErrorCode, type NvgreErrorInfo } from '../wire/errors.js';
import { isReservedVsid, type KeyLayout } from '../wire/gre.js';

export interface Keyed {
  readonly vsid: number;
  readonly key: number;
  readonly innerOffset: number;
  readonly innerLength: number;
}

class Result implements Keyed {
  vsid = 0;
  key = 0;
  innerOffset = 0;
  innerLength = 0;
}

export class KeyedDecapsulator {
  /** Why the last `decode` returned null. */
  error: NvgreErrorInfo | null = null;
  private readonly low24: boolean;
  private readonly dec: Decapsulator;
  private readonly result = new Result();

  constructor(readonly layout: KeyLayout) {
    this.low24 = layout === 'low24';
    // low24 reads every row of the table but the reserved-VSID one, which it applies to its own VSID.
    this.dec = createDecapsulator(this.low24 ? { strict: false } : undefined);
  }

  decode(f: Uint8Array): Keyed | null {
    const d = this.dec.decapsulateOrNull(f);
    if (d === null) {
      this.error = this.dec.lastError;
      return null;
    }
    const r = this.result;
    const key = ((d.vsid << 8) | d.flowId) >>> 0;
    r.key = key;
    r.innerOffset = d.innerOffset;
    r.innerLength = d.innerLength;
    if (!this.low24) {
      r.vsid = d.vsid;
      return r;
    }
    for (const code of d.dropReasons) {
      if (code !== NvgreErrorCode.RESERVED_VSID) return this.fail(code, `the strict receiver drops this frame (${code}; see docs/nvgre.md §4)`);
    }
    if (key >>> 24 !== 0) {
      return this.fail(
        NvgreErrorCode.RESERVED_KEY_BITS,
        `key 0x${key.toString(16).padStart(8, '0')} has a non-zero high byte, which the low24 key layout requires to be 0; the sender probably writes keys as rfc7637 (VSID << 8 | FlowID; docs/nvgre.md §7)`,
      );
    }
    const vsid = key & 0xffffff;
    if (isReservedVsid(vsid)) return this.fail(NvgreErrorCode.RESERVED_VSID, `VSID 0x${vsid.toString(16)} (key read as low24) is reserved (RFC 7637 §3.4: 0–0xFFF and 0xFFFFFF)`);
    r.vsid = vsid;
    return r;
  }

  private fail(code: NvgreErrorCode, message: string): null {
    this.error = { code, layer: 'gre', offset: 0, message };
    return null;
  }
}
