/**
 * MAC, IPv4 and IPv6 addresses: text <-> bytes. Used at the edges only (options, JSON output);
 * hot paths keep addresses as byte offsets into the frame.
 */
import { NvgreError, NvgreErrorCode } from './errors.js';

/** An address given as text or as its raw bytes (6 for a MAC, 4 for IPv4, 16 for IPv6). */
export type AddressInput = string | Uint8Array;

function invalid(what: string, value: unknown, why: string): NvgreError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `${what} ${shown} is not valid: ${why}`);
}

export function parseMac(value: AddressInput, what = 'MAC address'): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 6) throw invalid(what, `<${value.length} bytes>`, 'a MAC address is 6 bytes');
    return value.slice();
  }
  if (typeof value !== 'string') throw invalid(what, value, 'expected a string like "02:00:00:00:00:01" or 6 bytes');
  const parts = value.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw invalid(what, value, 'expected six hex octets separated by ":" or "-"');
  }
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

export function formatMac(b: Uint8Array, o = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[o + i]!;
    s += (i ? ':' : '') + (v < 16 ? '0' : '') + v.toString(16);
  }
  return s;
}

function parseIpv4Text(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

function parseIpv6Text(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4Text(p);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !tail) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >>> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Parses an IPv4 or IPv6 address (text or 4/16 raw bytes) into a fresh 4- or 16-byte array. */
export function parseIp(value: AddressInput, what = 'IP address'): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== 4 && value.length !== 16) {
      throw invalid(what, `<${value.length} bytes>`, 'an IP address is 4 (IPv4) or 16 (IPv6) bytes');
    }
    return value.slice();
  }
  if (typeof value !== 'string') throw invalid(what, value, 'expected a string such as "192.0.2.1" or "2001:db8::1", or bytes');
  const parsed = value.includes(':') ? parseIpv6Text(value) : parseIpv4Text(value);
  if (!parsed) throw invalid(what, value, 'not a dotted-quad IPv4 or RFC 4291 IPv6 address');
  return parsed;
}

export function formatIpv4(b: Uint8Array, o = 0): string {
  return `${b[o]!}.${b[o + 1]!}.${b[o + 2]!}.${b[o + 3]!}`;
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(b: Uint8Array, o = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!);
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
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function formatIp(b: Uint8Array, o: number, version: 4 | 6): string {
  return version === 4 ? formatIpv4(b, o) : formatIpv6(b, o);
}
