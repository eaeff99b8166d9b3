/**
 * Addresses as the NVE model keeps them (docs/nve.md §2): an IP address once parsed carries its bytes,
 * its IPv4 value as a number and a map key, so the per-packet paths compare numbers and look keys up
 * without parsing text. MAC addresses accept every spelling HNV exports may use (docs/nve.md §3).
 */
import { formatIp, formatMac, parseIp } from '../wire/address.js';
import { isNvgreError } from '../wire/errors.js';

export interface IpAddr {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  /** IPv4: the address as an unsigned 32-bit number; IPv6: 0. */
  readonly v4: number;
  /** A map key unique across both families (IPv4: the dotted quad; IPv6: eight UTF-16 code units). */
  readonly key: string;
  /** Canonical text (RFC 5952 for IPv6). */
  readonly text: string;
  /** 0.0.0.0 or :: (the wildcard customer address, the on-link next hop). */
  readonly unspecified: boolean;
}

export interface Prefix {
  readonly address: IpAddr;
  readonly length: number;
  readonly text: string;
}

/** The key of 16 IPv6 bytes at `o`: eight 16-bit code units (no IPv4 key has eight characters or fewer that collide: IPv4 keys contain dots). */
export function ipv6Key(b: Uint8Array, o: number): string {
  return String.fromCharCode(
    (b[o]! << 8) | b[o + 1]!,
    (b[o + 2]! << 8) | b[o + 3]!,
    (b[o + 4]! << 8) | b[o + 5]!,
    (b[o + 6]! << 8) | b[o + 7]!,
    (b[o + 8]! << 8) | b[o + 9]!,
    (b[o + 10]! << 8) | b[o + 11]!,
    (b[o + 12]! << 8) | b[o + 13]!,
    (b[o + 14]! << 8) | b[o + 15]!,
  );
}

export function ipFromBytes(bytes: Uint8Array): IpAddr {
  const version = bytes.length === 4 ? 4 : 6;
  const v4 = version === 4 ? ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 : 0;
  const text = formatIp(bytes, 0, version);
  return {
    version,
    bytes,
    v4,
    key: version === 4 ? text : ipv6Key(bytes, 0),
    text,
    unspecified: bytes.every((b) => b === 0),
  };
}

/** The key {@link IpAddr.key} of the address of `version` at `b[o]` (for lookups from frames). */
export function keyAt(b: Uint8Array, o: number, version: 4 | 6): string {
  return version === 4 ? `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}` : ipv6Key(b, o);
}

/** Parses IP text; returns the reason instead of throwing. */
export function tryIp(value: unknown): IpAddr | string {
  if (typeof value !== 'string') return `expected an IP address as text, got ${describe(value)}`;
  try {
    return ipFromBytes(parseIp(value.trim()));
  } catch (e) {
    if (isNvgreError(e)) return `${JSON.stringify(value)} is not an IPv4 or IPv6 address`;
    throw e;
  }
}

/** "10.0.0.0/24", "fd00::/64"; the address must have no bits set past the length. */
export function tryPrefix(value: unknown): Prefix | string {
  if (typeof value !== 'string') return `expected a prefix such as "10.0.0.0/24", got ${describe(value)}`;
  const slash = value.indexOf('/');
  if (slash < 0) return `${JSON.stringify(value)} has no "/length"; write a prefix such as "10.0.0.0/24"`;
  const address = tryIp(value.slice(0, slash));
  if (typeof address === 'string') return `${JSON.stringify(value)}: the address part is not an IPv4 or IPv6 address`;
  const lengthText = value.slice(slash + 1).trim();
  const max = address.version === 4 ? 32 : 128;
  const length = /^[0-9]{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
  if (!(length >= 0 && length <= max)) return `${JSON.stringify(value)}: the prefix length must be 0 to ${max}`;
  const masked = maskBytes(address.bytes, length);
  if (!masked.every((b, i) => b === address.bytes[i])) {
    const fixed = ipFromBytes(masked).text;
    return `${JSON.stringify(value)} has host bits set past /${length}; did you mean "${fixed}/${length}"?`;
  }
  return { address, length, text: `${address.text}/${length}` };
}

/** The prefix of `address` with `length` bits (host bits cleared). */
export function prefixOf(address: IpAddr, length: number): Prefix {
  const masked = ipFromBytes(maskBytes(address.bytes, length));
  return { address: masked, length, text: `${masked.text}/${length}` };
}

export function maskBytes(bytes: Uint8Array, length: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const bits = length - i * 8;
    out[i] = bits >= 8 ? out[i]! : bits <= 0 ? 0 : out[i]! & (0xff << (8 - bits));
  }
  return out;
}

/** The IPv4 netmask of `length` bits as an unsigned number. */
export function mask4(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** Whether `prefix` contains `address` (same family). */
export function prefixContains(prefix: Prefix, address: IpAddr): boolean {
  if (prefix.address.version !== address.version) return false;
  if (address.version === 4) return ((address.v4 & mask4(prefix.length)) >>> 0) === prefix.address.v4;
  const m = maskBytes(address.bytes, prefix.length);
  return m.every((b, i) => b === prefix.address.bytes[i]);
}

/**
 * A MAC in any spelling HNV tools print or accept (docs/nve.md §3): "aabbccddeeff" (the form of every
 * Microsoft example), upper or lower case, "aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:ff", "aabb.ccdd.eeff".
 */
export function tryMac(value: unknown): Uint8Array | string {
  if (typeof value !== 'string') return `expected a MAC address as text, got ${describe(value)}`;
  const text = value.trim();
  let hex: string | null = null;
  if (/^[0-9a-f]{12}$/i.test(text)) hex = text;
  else if (/^[0-9a-f]{2}([-:])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i.test(text)) hex = text.replace(/[-:]/g, '');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(text)) hex = text.replace(/\./g, '');
  if (hex === null) {
    return `${JSON.stringify(value)} is not a MAC address; write 12 hex digits ("00155d010203"), or six pairs separated by "-" or ":"`;
  }
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function macText(mac: Uint8Array): string {
  return formatMac(mac, 0);
}

/**
 * A MAC as a map key: three UTF-16 code units. (Not a 48-bit number: V8 hashes a number map key above
 * 2^30 through a runtime call, which made indexing 100,000 records several times slower.)
 */
export function macNumber(b: Uint8Array, o: number): string {
  return String.fromCharCode((b[o]! << 8) | b[o + 1]!, (b[o + 2]! << 8) | b[o + 3]!, (b[o + 4]! << 8) | b[o + 5]!);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
