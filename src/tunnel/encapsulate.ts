/**
 * NVGRE encapsulation, the public calls (RFC 7637 §3.2–§4.4): an encapsulator built once per outer
 * header, or a one-shot call.
 */
import { assertBytes } from '../wire/bytes.js';
import { NvgreEncapsulator } from './fast-path.js';
import { checkOptionInt, type EncapsulateOptions, type Encapsulator } from './template.js';

/** Builds an encapsulator with a precomputed outer header template. Throws `INVALID_ARGUMENT` / `RESERVED_VSID` on bad options. */
export function createEncapsulator(options: EncapsulateOptions): Encapsulator {
  return new NvgreEncapsulator(options);
}

// The one-shot call keeps the encapsulator of its last options: building one (checking the options,
// parsing four addresses, writing the template) cost about four times the encapsulation itself, and
// callers in a loop pass the same options again, often as a new object literal each time. So the
// options are compared by value with a copy taken when the encapsulator was built (a function by
// identity, a key or VLAN by value). Options that give an address as a byte array, which a caller
// may change between calls, build a new encapsulator each time.
const OPTION_KEYS = [
  'vsid', 'flowId', 'flowIdKey', 'srcMac', 'dstMac', 'srcIp', 'dstIp', 'vlan', 'ttl', 'dscp', 'ecn',
  'dontFragment', 'flowLabel', 'mtu', 'innerVlan', 'allowReservedVsid', 'keyLayout', 'pool',
] as const;
type Snapshot = { -readonly [K in (typeof OPTION_KEYS)[number]]: EncapsulateOptions[K] };

let cachedEncapsulator: NvgreEncapsulator | null = null;
let cachedOptions: EncapsulateOptions | null = null;
let snapshot: Snapshot | null = null;
let sharedIpId = 0;

function copyValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return v.slice();
  if (v !== null && typeof v === 'object') {
    const vlan = v as { id?: unknown; pcp?: unknown; dei?: unknown };
    return { id: vlan.id, pcp: vlan.pcp, dei: vlan.dei };
  }
  return v;
}

function sameValue(now: unknown, then: unknown): boolean {
  if (then instanceof Uint8Array) {
    if (!(now instanceof Uint8Array) || now.length !== then.length) return false;
    for (let i = 0; i < then.length; i++) if (now[i] !== then[i]) return false;
    return true;
  }
  if (then !== null && typeof then === 'object') {
    if (now === null || typeof now !== 'object') return false;
    const a = now as { id?: unknown; pcp?: unknown; dei?: unknown };
    const b = then as { id?: unknown; pcp?: unknown; dei?: unknown };
    return a.id === b.id && a.pcp === b.pcp && a.dei === b.dei;
  }
  return now === then;
}

function sameOptions(o: EncapsulateOptions, s: Snapshot): boolean {
  // Property by property rather than a loop over the keys: a keyed read of each option from an object
  // literal the caller makes per call is a megamorphic lookup, four times slower in all.
  return (
    o.vsid === s.vsid &&
    o.srcIp === s.srcIp && // strings (hasArrays keeps byte-array addresses out)
    o.dstIp === s.dstIp &&
    o.srcMac === s.srcMac &&
    o.dstMac === s.dstMac &&
    o.flowId === s.flowId &&
    o.ttl === s.ttl &&
    o.dscp === s.dscp &&
    o.ecn === s.ecn &&
    o.dontFragment === s.dontFragment &&
    o.flowLabel === s.flowLabel &&
    o.mtu === s.mtu &&
    o.innerVlan === s.innerVlan &&
    o.allowReservedVsid === s.allowReservedVsid &&
    o.keyLayout === s.keyLayout &&
    o.pool === s.pool &&
    (o.vlan === undefined ? s.vlan === undefined : sameValue(o.vlan, s.vlan)) &&
    (o.flowIdKey === undefined ? s.flowIdKey === undefined : sameValue(o.flowIdKey, s.flowIdKey))
  );
}

/** Whether the options that may be byte arrays hold any (then compared by their bytes, not by identity). */
function hasArrays(o: EncapsulateOptions): boolean {
  return o.srcIp instanceof Uint8Array || o.dstIp instanceof Uint8Array || o.srcMac instanceof Uint8Array || o.dstMac instanceof Uint8Array;
}

/** The encapsulator for `options`: the last one when the options are equal in value, else a new one. */
function encapsulatorFor(options: EncapsulateOptions): NvgreEncapsulator {
  if (cachedEncapsulator !== null && !hasArrays(options) && sameOptions(options, snapshot!)) {
    cachedOptions = options;
    return cachedEncapsulator;
  }
  const enc = new NvgreEncapsulator(options); // throws on bad options: nothing is cached then
  const r = options as unknown as Record<string, unknown>;
  const s = {} as Snapshot;
  for (const k of OPTION_KEYS) (s as Record<string, unknown>)[k] = copyValue(r[k]);
  cachedEncapsulator = enc;
  cachedOptions = options;
  snapshot = s;
  return enc;
}

/**
 * One-shot encapsulation into a new array (pooled unless `options.pool` is false). Without
 * `options.ipId`, the outer IPv4 ID comes from a counter shared by all one-shot calls; with it, every
 * call uses that ID. Repeating the same options (equal in value) reuses the header template of the
 * previous call; for many packets {@link createEncapsulator} still saves the comparison.
 */
export function encapsulate(inner: Uint8Array, options: EncapsulateOptions): Uint8Array {
  assertBytes(inner, 'inner');
  if (options !== cachedOptions && !(options !== null && typeof options === 'object')) return new NvgreEncapsulator(options).encapsulate(inner);
  const enc = encapsulatorFor(options);
  if (enc.ipVersion === 4) {
    if (options.ipId !== undefined) {
      // Not part of the compared options (each call may pass its own): checked here.
      checkOptionInt(options.ipId, 'ipId', 0, 0xffff);
      return enc.encapsulateWithIpId(inner, options.ipId);
    }
    const out = enc.encapsulateWithIpId(inner, sharedIpId);
    sharedIpId = (sharedIpId + 1) & 0xffff;
    return out;
  }
  return enc.encapsulate(inner);
}
