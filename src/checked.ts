/**
 * Argument-checked public entry points of the low-level helpers: header readers and writers, checksum
 * arithmetic, address formatters, the flow hash and the frame walk.
 *
 * The raw functions in `codec/`, `checksum.ts`, `address.ts` and `flowhash.ts` trust their callers:
 * inside the library every offset has been checked once, on the hot path. The package exports these
 * wrappers instead, so a caller's wrong argument — not a `Uint8Array` (a plain array, a `DataView`, an
 * `ArrayBuffer`), a detached buffer, a negative, fractional or NaN offset, a range past the end of the
 * bytes — is a `TypeError` / `RangeError` naming the argument rather than a silent read of `undefined`
 * (which bit operators turn into 0: STYLE.md principle 1). Writers check every field and the space they
 * need first and throw `NO_SPACE` before writing anything (STYLE.md principle 2). Behaviour on valid
 * arguments is exactly the raw function's.
 */
import * as address from './wire/address.js';
import { assertBytes, assertInt } from './wire/bytes.js';
import * as checksum from './wire/checksum.js';
import * as ethernet from './wire/ethernet.js';
import type { EthernetFields, EthernetHeader } from './wire/ethernet.js';
import * as gre from './wire/gre.js';
import type { GreFields, GreHeader } from './wire/gre.js';
import * as icmp from './wire/icmp.js';
import type { IcmpFields, IcmpHeader } from './wire/icmp.js';
import * as ipv4 from './wire/ipv4.js';
import type { Ipv4Fields, Ipv4Header } from './wire/ipv4.js';
import * as ipv6 from './wire/ipv6.js';
import type { Ipv6Chain, Ipv6Fields, Ipv6Header } from './wire/ipv6.js';
import * as layout from './wire/layout.js';
import type { FrameLayout, WalkOptions } from './wire/layout.js';
import * as tcp from './wire/tcp.js';
import type { TcpFields, TcpHeader } from './wire/tcp.js';
import * as transport from './wire/transport.js';
import * as udp from './wire/udp.js';
import type { UdpFields, UdpHeader } from './wire/udp.js';
import { noSpace, truncated, type Layer } from './wire/errors.js';
import * as flowhash from './tunnel/flowhash.js';
import * as nvgre from './tunnel/nvgre.js';
import * as incremental from './offload/incremental.js';
import * as pcap from './capture/pcap.js';
import type { CaptureRecord, CaptureTimestamp } from './capture/pcap.js';

// ---------------------------------------------------------------------------------------------
// Guards

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffff_ffff;

function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
}

/** An integer index into `bytes` (0 … bytes.length). */
function index(value: unknown, name: string, bytes: Uint8Array, bytesName: string): number {
  if (typeof value === 'number' && value >= 0 && value <= bytes.length && Number.isInteger(value)) return value;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got ${shown(value)}`);
  throw new RangeError(`${name} ${value} is outside ${bytesName} (0 … ${bytes.length})`);
}

/** `length` bytes at `offset` lie inside `bytes`. */
function span(bytes: Uint8Array, bytesName: string, offset: unknown, offsetName: string, length: number, what: string): number {
  const o = index(offset, offsetName, bytes, bytesName);
  if (o + length > bytes.length) {
    throw new RangeError(`${offsetName} ${o} leaves ${bytes.length - o} bytes of ${bytesName}; ${what} needs ${length}`);
  }
  return o;
}

/** A reader's `(bytes, offset, end)`: both integers inside the bytes (offset > end reads as "nothing left"). */
function range(bytes: unknown, offset: unknown, end: unknown): number {
  assertBytes(bytes, 'bytes');
  index(offset, 'offset', bytes, 'bytes');
  return end === undefined ? bytes.length : index(end, 'end', bytes, 'bytes');
}

function layerArg(value: unknown): void {
  if (typeof value !== 'string') throw new TypeError(`layer must be a string, got ${shown(value)}`);
}

function uint(value: unknown, name: string, max: number): void {
  if (typeof value === 'number' && value >= 0 && value <= max && Number.isInteger(value)) return;
  assertInt(value, name, 0, max);
}

function optionalUint(value: unknown, name: string, max: number): void {
  if (value !== undefined) uint(value, name, max);
}

function optionalBool(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${shown(value)}`);
}

function object(value: unknown, name: string): void {
  if (value === null || typeof value !== 'object') throw new TypeError(`${name} must be an object, got ${shown(value)}`);
}

function addressBytes(value: unknown, name: string, n: number): void {
  assertBytes(value, name);
  if (value.length !== n) throw new RangeError(`${name} must be ${n} bytes, got ${value.length}`);
}

/** Option bytes padded to a multiple of 4, at most 40 (IPv4 and TCP options). */
function optionBytes(value: unknown, name: string): void {
  if (value === undefined) return;
  assertBytes(value, name);
  if (value.length % 4 !== 0 || value.length > 40) throw new RangeError(`${name} must be a multiple of 4 bytes, at most 40, got ${value.length}`);
}

function ipVersionArg(value: unknown): 4 | 6 {
  if (value !== 4 && value !== 6) throw new RangeError(`ipVersion must be 4 or 6, got ${shown(value)}`);
  return value;
}

/** Writers: `target` and `offset`, then NO_SPACE (nothing written) unless `needed` bytes fit. */
function targetArg(target: unknown, offset: unknown): number {
  assertBytes(target, 'target');
  return index(offset, 'offset', target, 'target');
}

function space(target: Uint8Array, offset: number, needed: number): void {
  if (offset + needed > target.length) throw noSpace(target.length, offset, needed);
}

// ---------------------------------------------------------------------------------------------
// Checksums (RFC 1071, RFC 1624)

/** Folded 16-bit one's-complement sum of `length` bytes at `offset` (RFC 1071 §1); see checksum.ts. */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  assertBytes(bytes, 'bytes');
  lengthArg(length, bytes, index(offset, 'offset', bytes, 'bytes'));
  uint(initial, 'initial', U32);
  return checksum.onesComplementSum(bytes, offset, length, initial);
}

function lengthArg(length: unknown, bytes: Uint8Array, offset: number): number {
  if (typeof length !== 'number' || !Number.isInteger(length)) throw new TypeError(`length must be an integer, got ${shown(length)}`);
  if (length < 0) throw new RangeError(`length must be ≥ 0, got ${length}`);
  if (offset + length > bytes.length) throw new RangeError(`offset ${offset} + length ${length} is past the end of bytes (${bytes.length})`);
  return length;
}

/** The RFC 1071 checksum field value of `length` bytes at `offset`: the complement of their sum. */
export function internetChecksum(bytes: Uint8Array, offset = 0, length?: number, initial = 0): number {
  assertBytes(bytes, 'bytes');
  index(offset, 'offset', bytes, 'bytes');
  const n = length === undefined ? bytes.length - offset : lengthArg(length, bytes, offset);
  uint(initial, 'initial', U32);
  return checksum.internetChecksum(bytes, offset, n, initial);
}

/** IPv4 pseudo-header sum (RFC 9293 §3.1); `addrOffset` points at the source address. */
export function ipv4PseudoHeaderSum(bytes: Uint8Array, addrOffset: number, protocol: number, l4Length: number): number {
  assertBytes(bytes, 'bytes');
  span(bytes, 'bytes', addrOffset, 'addrOffset', 8, 'the source and destination addresses');
  uint(protocol, 'protocol', U8);
  uint(l4Length, 'l4Length', U16);
  return checksum.ipv4PseudoHeaderSum(bytes, addrOffset, protocol, l4Length);
}

/** IPv6 pseudo-header sum (RFC 8200 §8.1). */
export function ipv6PseudoHeaderSum(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number, nextHeader: number, upperLayerLength: number): number {
  assertBytes(src, 'src');
  span(src, 'src', srcOffset, 'srcOffset', 16, 'an IPv6 address');
  assertBytes(dst, 'dst');
  span(dst, 'dst', dstOffset, 'dstOffset', 16, 'an IPv6 address');
  uint(nextHeader, 'nextHeader', U8);
  uint(upperLayerLength, 'upperLayerLength', U32);
  return checksum.ipv6PseudoHeaderSum(src, srcOffset, dst, dstOffset, nextHeader, upperLayerLength);
}

/** RFC 1624 §3 Eqn. 3 for one 16-bit word. */
export function updateChecksum16(sum: number, oldWord: number, newWord: number): number {
  uint(sum, 'checksum', U16);
  uint(oldWord, 'oldWord', U16);
  uint(newWord, 'newWord', U16);
  return checksum.updateChecksum16(sum, oldWord, newWord);
}

/** RFC 1624 update for a 32-bit field. */
export function updateChecksum32(sum: number, oldValue: number, newValue: number): number {
  uint(sum, 'checksum', U16);
  uint(oldValue, 'oldValue', U32);
  uint(newValue, 'newValue', U32);
  return checksum.updateChecksum32(sum, oldValue, newValue);
}

/** Folds an exact non-negative integer sum into 16 bits (RFC 1071 §1). */
export function fold(sum: number): number {
  uint(sum, 'sum', Number.MAX_SAFE_INTEGER);
  return checksum.fold(sum);
}

/** One's-complement addition of two folded 16-bit sums. */
export function addSum(a: number, b: number): number {
  uint(a, 'a', U16);
  uint(b, 'b', U16);
  return checksum.addSum(a, b);
}

/** RFC 1624 update of a transport checksum with the UDP zero rules (OFFLOAD.md §4–§5). */
export function updateTransportChecksum16(sum: number, oldWord: number, newWord: number, protocol: number, ipVersion: 4 | 6): number {
  uint(sum, 'checksum', U16);
  uint(oldWord, 'oldWord', U16);
  uint(newWord, 'newWord', U16);
  uint(protocol, 'protocol', U8);
  return incremental.updateTransportChecksum16(sum, oldWord, newWord, protocol, ipVersionArg(ipVersion));
}

/** {@link updateTransportChecksum16} for a 32-bit field (an IPv4 address). */
export function updateTransportChecksum32(sum: number, oldValue: number, newValue: number, protocol: number, ipVersion: 4 | 6): number {
  uint(sum, 'checksum', U16);
  uint(oldValue, 'oldValue', U32);
  uint(newValue, 'newValue', U32);
  uint(protocol, 'protocol', U8);
  return incremental.updateTransportChecksum32(sum, oldValue, newValue, protocol, ipVersionArg(ipVersion));
}

// ---------------------------------------------------------------------------------------------
// Addresses and flow hash

/** "aa:bb:cc:dd:ee:ff" of the 6 bytes at `o`. */
export function formatMac(b: Uint8Array, o = 0): string {
  assertBytes(b, 'bytes');
  span(b, 'bytes', o, 'offset', 6, 'a MAC address');
  return address.formatMac(b, o);
}

/** Dotted quad of the 4 bytes at `o`. */
export function formatIpv4(b: Uint8Array, o = 0): string {
  assertBytes(b, 'bytes');
  span(b, 'bytes', o, 'offset', 4, 'an IPv4 address');
  return address.formatIpv4(b, o);
}

/** RFC 5952 text of the 16 bytes at `o`. */
export function formatIpv6(b: Uint8Array, o = 0): string {
  assertBytes(b, 'bytes');
  span(b, 'bytes', o, 'offset', 16, 'an IPv6 address');
  return address.formatIpv6(b, o);
}

/** 32-bit hash of the flow of the Ethernet frame `bytes[offset, end)`; never reads outside it. */
export function innerFlowHash(bytes: Uint8Array, offset: number, end: number): number {
  const e = range(bytes, offset, end);
  if (e < offset) throw new RangeError(`end ${e} is before offset ${offset}`);
  return flowhash.innerFlowHash(bytes, offset, e);
}

/** Folds a 32-bit hash into the 8-bit FlowID. */
export function foldFlowId(hash: number): number {
  uint(hash, 'hash', U32);
  return flowhash.foldFlowId(hash);
}

// ---------------------------------------------------------------------------------------------
// Ethernet (IEEE 802.3, 802.1Q)

export function ethernetHeaderLength(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ethernet.ethernetHeaderLength(bytes, offset, e, layer);
}

export function readEthernet(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'ethernet'): EthernetHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ethernet.readEthernet(bytes, offset, e, layer);
}

function vlansArg(vlans: unknown, name: string): void {
  if (vlans === undefined) return;
  if (!Array.isArray(vlans)) throw new TypeError(`${name} must be an array, got ${shown(vlans)}`);
  vlans.forEach((tag: unknown, i) => {
    const n = `${name}[${i}]`;
    object(tag, n);
    const t = tag as { id?: unknown; pcp?: unknown; dei?: unknown; tpid?: unknown };
    uint(t.id, `${n}.id`, 0xfff);
    optionalUint(t.pcp, `${n}.pcp`, 7);
    optionalBool(t.dei, `${n}.dei`);
    optionalUint(t.tpid, `${n}.tpid`, U16);
  });
}

export function ethernetLength(fields: Pick<EthernetFields, 'vlans'>): number {
  object(fields, 'fields');
  vlansArg(fields.vlans, 'fields.vlans');
  return ethernet.ethernetLength(fields);
}

export function writeEthernet(target: Uint8Array, offset: number, fields: EthernetFields): number {
  const o = targetArg(target, offset);
  object(fields, 'fields');
  addressBytes(fields.dst, 'fields.dst', 6);
  addressBytes(fields.src, 'fields.src', 6);
  vlansArg(fields.vlans, 'fields.vlans');
  uint(fields.etherType, 'fields.etherType', U16);
  space(target, o, ethernet.ethernetLength(fields));
  return ethernet.writeEthernet(target, o, fields);
}

// ---------------------------------------------------------------------------------------------
// IPv4 (RFC 791)

export function checkIpv4(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv4.checkIpv4(bytes, offset, e, layer);
}

export function readIpv4(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'ipv4'): Ipv4Header {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv4.readIpv4(bytes, offset, e, layer);
}

/** `headerLength` bytes (20 … 60, a multiple of 4) at `offset`. */
function ipv4Header(bytes: unknown, offset: unknown, headerLength: unknown): void {
  assertBytes(bytes, 'bytes');
  uint(headerLength, 'headerLength', ipv4.IPV4.MAX_HEADER_LENGTH);
  if ((headerLength as number) < ipv4.IPV4.MIN_HEADER_LENGTH || (headerLength as number) % 4 !== 0) {
    throw new RangeError(`headerLength must be a multiple of 4 from 20 to 60, got ${headerLength as number}`);
  }
  span(bytes, 'bytes', offset, 'offset', headerLength as number, 'the IPv4 header');
}

export function ipv4HeaderSum(b: Uint8Array, o: number, headerLength: number): number {
  ipv4Header(b, o, headerLength);
  return ipv4.ipv4HeaderSum(b, o, headerLength);
}

export function ipv4HeaderChecksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  ipv4Header(bytes, offset, headerLength);
  return ipv4.ipv4HeaderChecksum(bytes, offset, headerLength);
}

export function ipv4ChecksumValid(bytes: Uint8Array, offset: number, headerLength: number): boolean {
  ipv4Header(bytes, offset, headerLength);
  return ipv4.ipv4ChecksumValid(bytes, offset, headerLength);
}

/** Writes a fresh header checksum (only the 2 checksum bytes change); returns it. */
export function fillIpv4Checksum(bytes: Uint8Array, offset: number, headerLength: number): number {
  ipv4Header(bytes, offset, headerLength);
  return ipv4.fillIpv4Checksum(bytes, offset, headerLength);
}

export function ipv4Length(fields: Pick<Ipv4Fields, 'options'>): number {
  object(fields, 'fields');
  optionBytes(fields.options, 'fields.options');
  return ipv4.ipv4Length(fields);
}

export function writeIpv4(target: Uint8Array, offset: number, f: Ipv4Fields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  addressBytes(f.src, 'fields.src', 4);
  addressBytes(f.dst, 'fields.dst', 4);
  uint(f.protocol, 'fields.protocol', U8);
  optionBytes(f.options, 'fields.options');
  const hl = ipv4.ipv4Length(f);
  uint(f.payloadLength, 'fields.payloadLength', f.totalLength === undefined ? U16 - hl : U16);
  optionalUint(f.dscp, 'fields.dscp', 63);
  optionalUint(f.ecn, 'fields.ecn', 3);
  optionalUint(f.id, 'fields.id', U16);
  optionalBool(f.dontFragment, 'fields.dontFragment');
  optionalBool(f.moreFragments, 'fields.moreFragments');
  optionalUint(f.fragmentOffset, 'fields.fragmentOffset', 0xfff8);
  if (f.fragmentOffset !== undefined && f.fragmentOffset % 8 !== 0) throw new RangeError(`fields.fragmentOffset must be a multiple of 8, got ${f.fragmentOffset}`);
  optionalUint(f.ttl, 'fields.ttl', U8);
  optionalUint(f.totalLength, 'fields.totalLength', U16);
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, hl);
  return ipv4.writeIpv4(target, o, f);
}

// ---------------------------------------------------------------------------------------------
// IPv6 (RFC 8200)

export function checkIpv6(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv6.checkIpv6(bytes, offset, e, layer);
}

export function readIpv6(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'ipv6'): Ipv6Header {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return ipv6.readIpv6(bytes, offset, e, layer);
}

/** Walks the extension-header chain of the datagram `bytes[offset, end)` into `out` (see codec/ipv6.ts). */
export function walkIpv6(bytes: Uint8Array, offset: number, end: number, layer: Layer, out: Ipv6Chain, collect = false): Ipv6Chain {
  const e = range(bytes, offset, end);
  layerArg(layer);
  object(out, 'out');
  optionalBool(collect, 'collect');
  // The walk starts from the fixed header's Next Header: it must lie inside [offset, end).
  if (e - offset < ipv6.IPV6.HEADER_LENGTH) throw truncated(layer, offset, ipv6.IPV6.HEADER_LENGTH, e - offset, 'IPv6 header');
  return ipv6.walkIpv6(bytes, offset, e, layer, out, collect);
}

export function writeIpv6(target: Uint8Array, offset: number, f: Ipv6Fields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  addressBytes(f.src, 'fields.src', 16);
  addressBytes(f.dst, 'fields.dst', 16);
  uint(f.nextHeader, 'fields.nextHeader', U8);
  uint(f.payloadLength, 'fields.payloadLength', U16);
  optionalUint(f.dscp, 'fields.dscp', 63);
  optionalUint(f.ecn, 'fields.ecn', 3);
  optionalUint(f.flowLabel, 'fields.flowLabel', 0xfffff);
  optionalUint(f.hopLimit, 'fields.hopLimit', U8);
  space(target, o, ipv6.IPV6.HEADER_LENGTH);
  return ipv6.writeIpv6(target, o, f);
}

// ---------------------------------------------------------------------------------------------
// GRE / NVGRE (RFC 2784, RFC 2890, RFC 7637)

export function readGre(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'gre'): GreHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return gre.readGre(bytes, offset, e, layer);
}

function greFields(f: unknown, withProtocol: boolean): void {
  object(f, 'fields');
  const g = f as GreFields;
  if (withProtocol) uint(g.protocol, 'fields.protocol', U16);
  optionalUint(g.key, 'fields.key', U32);
  optionalUint(g.sequence, 'fields.sequence', U32);
  optionalUint(g.checksum, 'fields.checksum', U16);
  optionalUint(g.version, 'fields.version', gre.GRE.VERSION_MASK);
  optionalUint(g.extraFlags, 'fields.extraFlags', U16);
}

export function greLength(f: Omit<GreFields, 'protocol'>): number {
  greFields(f, false);
  return gre.greLength(f);
}

export function writeGre(target: Uint8Array, offset: number, f: GreFields): number {
  const o = targetArg(target, offset);
  greFields(f, true);
  space(target, o, gre.greLength(f));
  return gre.writeGre(target, o, f);
}

export function writeNvgreHeader(target: Uint8Array, offset: number, vsid: number, flowId: number): number {
  const o = targetArg(target, offset);
  uint(vsid, 'vsid', gre.VSID.MAX);
  uint(flowId, 'flowId', U8);
  space(target, o, gre.GRE.NVGRE_LENGTH);
  return gre.writeNvgreHeader(target, o, vsid, flowId);
}

export function greHeaderLength(flags: number): number {
  uint(flags, 'flags', U16);
  return gre.greHeaderLength(flags);
}

export function nvgreKey(vsid: number, flowId: number): number {
  uint(vsid, 'vsid', gre.VSID.MAX);
  uint(flowId, 'flowId', U8);
  return gre.nvgreKey(vsid, flowId);
}

export function isReservedVsid(vsid: number): boolean {
  uint(vsid, 'vsid', gre.VSID.MAX);
  return gre.isReservedVsid(vsid);
}

// ---------------------------------------------------------------------------------------------
// TCP, UDP, ICMP

export function checkTcp(bytes: Uint8Array, offset: number, end: number, layer: Layer = 'tcp'): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return tcp.checkTcp(bytes, offset, e, layer);
}

export function readTcp(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'tcp'): TcpHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return tcp.readTcp(bytes, offset, e, layer);
}

export function tcpLength(f: Pick<TcpFields, 'options'>): number {
  object(f, 'fields');
  optionBytes(f.options, 'fields.options');
  return tcp.tcpLength(f);
}

export function writeTcp(target: Uint8Array, offset: number, f: TcpFields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  uint(f.srcPort, 'fields.srcPort', U16);
  uint(f.dstPort, 'fields.dstPort', U16);
  // Sequence space arithmetic is modulo 2^32 (RFC 9293 §3.4): larger values are written mod 2^32.
  optionalUint(f.seq, 'fields.seq', Number.MAX_SAFE_INTEGER);
  optionalUint(f.ack, 'fields.ack', Number.MAX_SAFE_INTEGER);
  optionalUint(f.flags, 'fields.flags', U8);
  optionalBool(f.ns, 'fields.ns');
  optionalUint(f.window, 'fields.window', U16);
  optionalUint(f.urgentPointer, 'fields.urgentPointer', U16);
  optionBytes(f.options, 'fields.options');
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, tcp.tcpLength(f));
  return tcp.writeTcp(target, o, f);
}

export function checkUdp(bytes: Uint8Array, offset: number, end: number, layer: Layer = 'udp'): number {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return udp.checkUdp(bytes, offset, e, layer);
}

export function readUdp(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'udp'): UdpHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return udp.readUdp(bytes, offset, e, layer);
}

export function writeUdp(target: Uint8Array, offset: number, f: UdpFields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  uint(f.srcPort, 'fields.srcPort', U16);
  uint(f.dstPort, 'fields.dstPort', U16);
  uint(f.payloadLength, 'fields.payloadLength', f.length === undefined ? U16 - udp.UDP.HEADER_LENGTH : U16);
  optionalUint(f.length, 'fields.length', U16);
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, udp.UDP.HEADER_LENGTH);
  return udp.writeUdp(target, o, f);
}

export function readIcmp(bytes: Uint8Array, offset = 0, end?: number, layer: Layer = 'icmpv4'): IcmpHeader {
  const e = range(bytes, offset, end);
  layerArg(layer);
  return icmp.readIcmp(bytes, offset, e, layer);
}

export function writeIcmp(target: Uint8Array, offset: number, f: IcmpFields): number {
  const o = targetArg(target, offset);
  object(f, 'fields');
  uint(f.type, 'fields.type', U8);
  optionalUint(f.code, 'fields.code', U8);
  optionalUint(f.rest, 'fields.rest', U32);
  optionalUint(f.checksum, 'fields.checksum', U16);
  space(target, o, icmp.ICMP.HEADER_LENGTH);
  return icmp.writeIcmp(target, o, f);
}

// ---------------------------------------------------------------------------------------------
// Transport checksums (RFC 9293, RFC 768, RFC 792, RFC 4443, RFC 8200 §8.1)

/** The IP header the pseudo-header is taken from: IPv4 at `ipOffset`; IPv6 source at `ipOffset`, destination at `dstOffset`. */
function pseudoArgs(bytes: unknown, ipVersion: unknown, ipOffset: unknown, dstOffset: unknown, protocol: unknown): 4 | 6 {
  assertBytes(bytes, 'bytes');
  const v = ipVersionArg(ipVersion);
  span(bytes, 'bytes', ipOffset, 'ipOffset', v === 4 ? ipv4.IPV4.MIN_HEADER_LENGTH : ipv6.IPV6.HEADER_LENGTH, `the IPv${v} header`);
  if (v === 6) span(bytes, 'bytes', dstOffset, 'dstOffset', 16, 'the destination address');
  else index(dstOffset, 'dstOffset', bytes, 'bytes');
  uint(protocol, 'protocol', U8);
  return v;
}

export function pseudoHeaderSum(bytes: Uint8Array, ipVersion: 4 | 6, ipOffset: number, dstOffset: number, protocol: number, l4Length: number): number {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  uint(l4Length, 'l4Length', v === 4 ? U16 : U32);
  return transport.pseudoHeaderSum(bytes, v, ipOffset, dstOffset, protocol, l4Length);
}

/** The segment `bytes[l4Offset, l4Offset + l4Length)`; with `needsField`, it must hold the protocol's checksum field. */
function segmentArgs(bytes: Uint8Array, v: 4 | 6, protocol: number, l4Offset: unknown, l4Length: unknown, needsField: boolean): void {
  const o = index(l4Offset, 'l4Offset', bytes, 'bytes');
  uint(l4Length, 'l4Length', v === 4 ? U16 : U32);
  if (o + (l4Length as number) > bytes.length) throw new RangeError(`l4Offset ${o} + l4Length ${l4Length as number} is past the end of bytes (${bytes.length})`);
  if (!needsField) return;
  const field = transport.transportChecksumField(protocol);
  if (field < 0) throw new RangeError(`protocol ${protocol} has no checksum this library computes (TCP 6, UDP 17, ICMP 1, ICMPv6 58)`);
  if ((l4Length as number) < field + 2) throw new RangeError(`l4Length ${l4Length as number} does not reach the protocol ${protocol} checksum field (${field + 2} bytes)`);
}

export function computeTransportChecksum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): number {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  segmentArgs(bytes, v, protocol, l4Offset, l4Length, true);
  return transport.computeTransportChecksum(bytes, v, ipOffset, dstOffset, protocol, l4Offset, l4Length);
}

/** Writes the computed checksum (only its 2 bytes change); returns it. */
export function fillTransportChecksum(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): number {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  segmentArgs(bytes, v, protocol, l4Offset, l4Length, true);
  return transport.fillTransportChecksum(bytes, v, ipOffset, dstOffset, protocol, l4Offset, l4Length);
}

export function transportChecksumValid(
  bytes: Uint8Array,
  ipVersion: 4 | 6,
  ipOffset: number,
  dstOffset: number,
  protocol: number,
  l4Offset: number,
  l4Length: number,
): boolean {
  const v = pseudoArgs(bytes, ipVersion, ipOffset, dstOffset, protocol);
  segmentArgs(bytes, v, protocol, l4Offset, l4Length, false);
  return transport.transportChecksumValid(bytes, v, ipOffset, dstOffset, protocol, l4Offset, l4Length);
}

// ---------------------------------------------------------------------------------------------
// Frame walk

/** Fills `layout` for the frame `bytes[start, end)` (see codec/layout.ts). */
export function walkFrame(bytes: Uint8Array, frameLayout: FrameLayout, start = 0, end?: number, options?: WalkOptions): FrameLayout {
  assertBytes(bytes, 'bytes');
  if (!(frameLayout instanceof layout.FrameLayout)) throw new TypeError(`layout must be a FrameLayout, got ${shown(frameLayout)}`);
  index(start, 'start', bytes, 'bytes');
  const e = end === undefined ? bytes.length : index(end, 'end', bytes, 'bytes');
  if (options !== undefined) {
    object(options, 'options');
    optionalBool(options.lenient, 'options.lenient');
  }
  return layout.walkFrame(bytes, frameLayout, start, e, options);
}

// ---------------------------------------------------------------------------------------------
// Sizes and capture records

/** Outer-header bytes NVGRE adds to the inner frame: 42 / 62, +4 with an outer VLAN tag (NVGRE.md §5). */
export function nvgreOverhead(ipVersion: 4 | 6, outerVlan = false): number {
  const v = ipVersionArg(ipVersion);
  optionalBool(outerVlan, 'outerVlan');
  return nvgre.nvgreOverhead(v, outerVlan);
}

/** Largest inner IP packet for an underlay IP MTU (68 … 2^32−1): 1500 → 1458 over IPv4, 1438 over IPv6. */
export function innerMtu(underlayMtu: number, ipVersion: 4 | 6): number {
  assertInt(underlayMtu, 'underlayMtu', 68, U32);
  return nvgre.innerMtu(underlayMtu, ipVersionArg(ipVersion));
}

/** The timestamp written for the frame at 0-based position `index` when none is given. */
export function defaultTimestamp(position: number): CaptureTimestamp {
  assertInt(position, 'index', 0, Number.MAX_SAFE_INTEGER);
  return pcap.defaultTimestamp(position);
}

/** A copy of `record` whose `data` owns its bytes. */
export function copyRecord(record: CaptureRecord): CaptureRecord {
  object(record, 'record');
  assertBytes(record.data, 'record.data');
  object(record.timestamp, 'record.timestamp');
  return pcap.copyRecord(record);
}
