/**
 * MAC, IPv4 and IPv6 addresses: text <-> bytes. Used at the edges only (options, JSON output);
 * hot paths keep addresses as byte offsets into the frame.
 *
 * The parsers are hand-written character scanners (no RegExp, no split) and the formatters use
 * lookup tables: parseFrame formats four MACs and four IPs per NVGRE frame, buildFrame parses them.
 */
import { NvgreError, NvgreErrorCode } from './errors.js';

/** An address given as text or as its raw bytes (6 for a MAC, 4 for IPv4, 16 for IPv6). */
export type AddressInput = string | Uint8Array;

function invalid(what: string, value: unknown, why: string): NvgreError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `${what} ${shown} is not valid: ${why}`);
}

const WHY_MAC_BYTES = 'a MAC address is 6 bytes';
const WHY_MAC_TYPE = 'expected a string like "02:00:00:00:00:01" or 6 bytes';
const WHY_MAC_TEXT = 'expected six hex octets separated by ":" or "-"';
const WHY_IP_BYTES = 'an IP address is 4 (IPv4) or 16 (IPv6) bytes';
const WHY_IP_TYPE = 'expected a string such as "192.0.2.1" or "2001:db8::1", or bytes';
const WHY_IP_TEXT = 'not a dotted-quad IPv4 or RFC 4291 IPv6 address';

const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Value of the hex digit with char code `c`, or -1. */
function hexDigit(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0;
  const lower = c | 0x20; // ASCII 'A'–'F' → 'a'–'f'
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

// ---------------------------------------------------------------------------------------------
// Text scanners. Each writes into `out` at `o` and returns false on malformed text (having possibly
// written some bytes), so callers parse into a scratch or a fresh array.

/** Six groups of 1–2 hex digits separated by ':' or '-' (mixed separators are accepted). */
function scanMac(text: string, out: Uint8Array, o: number): boolean {
  let octet = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON || c === DASH) {
      if (digits === 0 || octet === 5) return false;
      out[o + octet++] = value;
      value = 0;
      digits = 0;
    } else {
      const d = hexDigit(c);
      if (d < 0 || ++digits > 2) return false;
      value = value * 16 + d;
    }
  }
  if (digits === 0 || octet !== 5) return false;
  out[o + 5] = value;
  return true;
}

/** Dotted quad in text[start, end): four decimal parts 0–255 without leading zeros. */
function scanIpv4(text: string, start: number, end: number, out: Uint8Array, o: number): boolean {
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || part === 3 || value > 255) return false;
      out[o + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= DIGIT_0 && c <= DIGIT_9) {
      if ((digits === 1 && value === 0) || ++digits > 3) return false; // "01", "0001"
      value = value * 10 + (c - DIGIT_0);
    } else {
      return false;
    }
  }
  if (digits === 0 || part !== 3 || value > 255) return false;
  out[o + 3] = value;
  return true;
}

// 16-bit groups of the IPv6 text being scanned (two halves around "::" meet here).
const groups = new Uint16Array(16);
const v4Scratch = new Uint8Array(4);

/**
 * Colon-separated groups in text[start, end) appended to `groups` from index `at`: 1–4 hex digits
 * each, the last may be a dotted quad (two groups). An empty range has no groups. Returns the new
 * count, or -1 when malformed or past 8 groups (more can never make a valid address).
 */
function scanGroups(text: string, start: number, end: number, at: number): number {
  if (start === end) return at;
  let n = at;
  let pieceStart = start;
  let digits = 0;
  let value = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : COLON; // a virtual ':' closes the last piece
    if (c === COLON) {
      if (digits === 0 || n >= 8) return -1;
      groups[n++] = value;
      value = 0;
      digits = 0;
      pieceStart = i + 1;
    } else if (c === DOT) {
      // Only the last piece may be an embedded IPv4 address (RFC 4291 §2.2 form 3).
      const colon = text.indexOf(':', i);
      if ((colon !== -1 && colon < end) || n > 6 || !scanIpv4(text, pieceStart, end, v4Scratch, 0)) return -1;
      groups[n++] = (v4Scratch[0]! << 8) | v4Scratch[1]!;
      groups[n++] = (v4Scratch[2]! << 8) | v4Scratch[3]!;
      return n;
    } else {
      const d = hexDigit(c);
      if (d < 0 || ++digits > 4) return -1;
      value = value * 16 + d;
    }
  }
  return n;
}

/** RFC 4291 §2.2 text (at most one "::") into 16 bytes at `o`. */
function scanIpv6(text: string, out: Uint8Array, o: number): boolean {
  const gap = text.indexOf('::');
  let count: number;
  let head: number; // groups before the "::" (all of them without one)
  if (gap < 0) {
    head = count = scanGroups(text, 0, text.length, 0);
    if (count !== 8) return false;
  } else {
    if (text.indexOf('::', gap + 2) !== -1) return false;
    head = scanGroups(text, 0, gap, 0);
    if (head < 0) return false;
    count = scanGroups(text, gap + 2, text.length, head);
    if (count < 0 || count > 7) return false; // "::" stands for at least one zero group
  }
  const tail = count - head;
  for (let i = 0; i < 8; i++) {
    // Groups [0, head) lead, groups [head, count) end the address, zeros fill the middle.
    const g = i < head ? groups[i]! : i >= 8 - tail ? groups[head + i - (8 - tail)]! : 0;
    out[o + 2 * i] = g >>> 8;
    out[o + 2 * i + 1] = g & 0xff;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Public parsers: a fresh array every call.

export function parseMac(value: AddressInput, what = 'MAC address'): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 6) throw invalid(what, `<${value.length} bytes>`, WHY_MAC_BYTES);
    return value.slice();
  }
  if (typeof value !== 'string') throw invalid(what, value, WHY_MAC_TYPE);
  const out = new Uint8Array(6);
  if (!scanMac(value, out, 0)) throw invalid(what, value, WHY_MAC_TEXT);
  return out;
}

const ipScratch = new Uint8Array(16);

/** Parses IP text into `ipScratch`; returns 4, 16, or 0 when malformed. */
function scanIp(text: string): 0 | 4 | 16 {
  if (text.includes(':')) return scanIpv6(text, ipScratch, 0) ? 16 : 0;
  return scanIpv4(text, 0, text.length, ipScratch, 0) ? 4 : 0;
}

/** Parses an IPv4 or IPv6 address (text or 4/16 raw bytes) into a fresh 4- or 16-byte array. */
export function parseIp(value: AddressInput, what = 'IP address'): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 4 && value.length !== 16) throw invalid(what, `<${value.length} bytes>`, WHY_IP_BYTES);
    return value.slice();
  }
  if (typeof value !== 'string') throw invalid(what, value, WHY_IP_TYPE);
  const n = scanIp(value);
  if (n === 0) throw invalid(what, value, WHY_IP_TEXT);
  return ipScratch.slice(0, n);
}

// ---------------------------------------------------------------------------------------------
// Internal read-only parsers for buildFrame: the same validation and errors as parseMac / parseIp,
// but the result may be shared (the caller's own bytes, or a cached parse of the same text), so it
// must only be read. The error names the argument `${path}${field}`, joined only when it is thrown.

const CACHE_LIMIT = 256;
const macCache = new Map<string, Uint8Array>();
const ipCache = new Map<string, Uint8Array>();

function remember(cache: Map<string, Uint8Array>, text: string, bytes: Uint8Array): Uint8Array {
  if (cache.size >= CACHE_LIMIT) cache.clear(); // bounded: callers usually repeat a handful of addresses
  cache.set(text, bytes);
  return bytes;
}

/** Read-only MAC bytes of `value` (see above). */
export function macBytes(value: AddressInput, path: string, field: string): Uint8Array {
  if (typeof value === 'string') {
    const hit = macCache.get(value);
    if (hit !== undefined) return hit;
    const out = new Uint8Array(6);
    if (!scanMac(value, out, 0)) throw invalid(path + field, value, WHY_MAC_TEXT);
    return remember(macCache, value, out);
  }
  if (value instanceof Uint8Array) {
    if (value.length !== 6) throw invalid(path + field, `<${value.length} bytes>`, WHY_MAC_BYTES);
    return value;
  }
  throw invalid(path + field, value, WHY_MAC_TYPE);
}

/** Read-only IP bytes (4 or 16) of `value` (see above). */
export function ipBytes(value: AddressInput, path: string, field: string): Uint8Array {
  if (typeof value === 'string') {
    const hit = ipCache.get(value);
    if (hit !== undefined) return hit;
    const n = scanIp(value);
    if (n === 0) throw invalid(path + field, value, WHY_IP_TEXT);
    return remember(ipCache, value, ipScratch.slice(0, n));
  }
  if (value instanceof Uint8Array) {
    if (value.length !== 4 && value.length !== 16) throw invalid(path + field, `<${value.length} bytes>`, WHY_IP_BYTES);
    return value;
  }
  throw invalid(path + field, value, WHY_IP_TYPE);
}

// ---------------------------------------------------------------------------------------------
// Formatters

/** Two-digit lowercase hex of every byte value. */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, v) => (v < 16 ? '0' : '') + v.toString(16));
/** Hex of every byte value without leading zeros. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, v) => v.toString(16));
/** Decimal text of every byte value. */
const DEC: readonly string[] = Array.from({ length: 256 }, (_, v) => String(v));

/** Char codes of the lowercase hex digits. */
const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

// Direct-mapped memo of recent MAC texts, keyed by the address's high 16 and low 32 bits.
const MAC_MEMO_SIZE = 64;
const macMemoHigh = new Int32Array(MAC_MEMO_SIZE);
const macMemoLow = new Int32Array(MAC_MEMO_SIZE);
const macMemoTexts: (string | undefined)[] = new Array<string | undefined>(MAC_MEMO_SIZE).fill(undefined);

export function formatMac(b: Uint8Array, o = 0): string {
  if (!(b instanceof Uint8Array && Number.isInteger(o) && o >= 0 && o + 6 <= b.length)) return formatMacLoose(b, o);
  const b0 = b[o]!;
  const b1 = b[o + 1]!;
  const b2 = b[o + 2]!;
  const b3 = b[o + 3]!;
  const b4 = b[o + 4]!;
  const b5 = b[o + 5]!;
  // Direct-mapped memo, as for IPv4 below: a capture repeats a few MACs.
  const hi = (b0 << 8) | b1;
  const lo = (b2 << 24) | (b3 << 16) | (b4 << 8) | b5;
  const slot = (lo ^ (lo >>> 9) ^ (lo >>> 17) ^ hi ^ (hi >>> 6)) & (MAC_MEMO_SIZE - 1);
  const hit = macMemoTexts[slot];
  if (hit !== undefined && macMemoLow[slot] === lo && macMemoHigh[slot] === hi) return hit;
  const h = HEX_CODES;
  // One flat string from 17 char codes: several times faster than joining 11 pieces.
  // prettier-ignore
  const text = String.fromCharCode(
    h[b0 >>> 4]!, h[b0 & 15]!, 0x3a,
    h[b1 >>> 4]!, h[b1 & 15]!, 0x3a,
    h[b2 >>> 4]!, h[b2 & 15]!, 0x3a,
    h[b3 >>> 4]!, h[b3 & 15]!, 0x3a,
    h[b4 >>> 4]!, h[b4 & 15]!, 0x3a,
    h[b5 >>> 4]!, h[b5 & 15]!,
  );
  macMemoHigh[slot] = hi;
  macMemoLow[slot] = lo;
  macMemoTexts[slot] = text;
  return text;
}

/** formatMac outside a Uint8Array's bounds, as it always was (a missing byte throws a TypeError). */
function formatMacLoose(b: Uint8Array, o: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[o + i]!;
    s += (i ? ':' : '') + (v < 16 ? '0' : '') + v.toString(16);
  }
  return s;
}

// Direct-mapped memo of recent IPv4 texts, keyed by the address as a 32-bit number: traffic repeats
// a few addresses, and a hit (a compare) is ten times cheaper than joining the four parts. 4096 slots
// (about 0.5 MB of texts when every slot holds a 15-character address, measured): with 64, a capture
// of 1,000 flows (some 1,500 inner addresses) missed most of the time; `nvgre decode` of 516 MB of
// it ran 1.06-1.27x faster with 4096 (8 alternated groups, median 1.11x).
const IPV4_MEMO_SIZE = 4096;
const ipv4MemoKeys = new Int32Array(IPV4_MEMO_SIZE);
const ipv4MemoTexts: (string | undefined)[] = new Array<string | undefined>(IPV4_MEMO_SIZE).fill(undefined);

export function formatIpv4(b: Uint8Array, o = 0): string {
  const b0 = b[o];
  const b1 = b[o + 1];
  const b2 = b[o + 2];
  const b3 = b[o + 3];
  if (b0 === undefined || b1 === undefined || b2 === undefined || b3 === undefined || !(b instanceof Uint8Array)) {
    return `${b0}.${b1}.${b2}.${b3}`; // outside a Uint8Array's bounds: "undefined" parts, as always
  }
  const key = (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
  const slot = (key ^ (key >>> 7) ^ (key >>> 15) ^ (key >>> 23)) & (IPV4_MEMO_SIZE - 1);
  const hit = ipv4MemoTexts[slot];
  if (hit !== undefined && ipv4MemoKeys[slot] === key) return hit;
  const text = `${DEC[b0]!}.${DEC[b1]!}.${DEC[b2]!}.${DEC[b3]!}`;
  ipv4MemoKeys[slot] = key;
  ipv4MemoTexts[slot] = text;
  return text;
}

/** Lowercase hex of a 16-bit group without leading zeros. */
function groupHex(g: number): string {
  return g < 0x100 ? HEX[g]! : HEX[g >>> 8]! + HEX2[g & 0xff]!;
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(b: Uint8Array, o = 0): string {
  // A missing byte reads as undefined, which the bit operators turn into 0.
  const g = groups;
  for (let i = 0; i < 8; i++) g[i] = (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && i !== bestStart + bestLen) s += ':';
    s += groupHex(g[i]!);
  }
  return s;
}

export function formatIp(b: Uint8Array, o: number, version: 4 | 6): string {
  return version === 4 ? formatIpv4(b, o) : formatIpv6(b, o);
}

// ---------------------------------------------------------------------------------------------
// Writing addresses into frames

const copyScratch = new Uint8Array(16);

/**
 * `target.set(src.subarray(0, n), at)` for an address of n ≤ 16 bytes, without creating the
 * temporary view and calling into the `set` builtin (each costs more than copying a few bytes).
 * Goes through a scratch so a `src` that overlaps `target` copies as `set` would; anything unusual
 * (short or non-byte source, offset out of range) takes exactly the `set` call, so results and
 * errors stay the same.
 */
export function putAddress(target: Uint8Array, at: number, src: Uint8Array, n: number): void {
  if (!(src instanceof Uint8Array && src.length >= n && at >= 0 && at + n <= target.length && Number.isInteger(at))) {
    target.set(src.subarray(0, n), at);
    return;
  }
  if (n === 6) {
    // A MAC, the common case: all loads before any store, which is what makes an overlap safe.
    const b0 = src[0]!, b1 = src[1]!, b2 = src[2]!, b3 = src[3]!, b4 = src[4]!, b5 = src[5]!;
    target[at] = b0;
    target[at + 1] = b1;
    target[at + 2] = b2;
    target[at + 3] = b3;
    target[at + 4] = b4;
    target[at + 5] = b5;
    return;
  }
  for (let i = 0; i < n; i++) copyScratch[i] = src[i]!;
  for (let i = 0; i < n; i++) target[at + i] = copyScratch[i]!;
}
