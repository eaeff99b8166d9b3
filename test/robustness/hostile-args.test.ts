/**
 * A table of hostile arguments run against every function export of the package (issue 6). The
 * exports are enumerated from src/index.ts's module namespace: a new export without a row fails here.
 *
 * For each row:
 * - a valid call succeeds;
 * - every byte argument, given something that is not a usable Uint8Array (undefined, null, a number,
 *   a string, a plain array, an array-like, a DataView, an ArrayBuffer, a Uint16Array, a view of a
 *   detached buffer), is a TypeError naming the argument; given a Buffer, a Buffer subclass or a
 *   Uint8Array subclass (all Uint8Arrays), it is accepted and gives exactly the plain result;
 * - every integer argument (offset, length, index, field value), given a negative, fractional, NaN,
 *   infinite, string or too large value, is a TypeError or RangeError naming the argument;
 * - the row's own cases (options, specs, fields, methods) give the documented error naming the
 *   argument — TypeError / RangeError for argument shapes, `INVALID_ARGUMENT` where the module
 *   documents it for options and spec values, `NO_SPACE` for a target too small;
 * - `try*` forms never throw: a bad argument comes back as `INVALID_ARGUMENT`.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { NvgreError, type CaptureRecord, type FrameSpec } from '../../src/index.js';
import { stable } from './harness.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

const MAC = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };
const INNER: FrameSpec = { ethernet: MAC, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1000, dstPort: 80, flags: 0x18 }, payload: new Uint8Array(300).map((_, i) => i) };
/** NVGRE over IPv4: Ethernet 0–14, IPv4 14–34, GRE 34–42, inner Ethernet 42–56, inner IPv4 56–76, TCP 76–96. */
const NV4 = api.buildFrame({ ethernet: MAC, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x5001, flowId: 7 }, inner: INNER });
/** NVGRE over IPv6 with inner IPv6/UDP: IPv6 14–54, GRE 54–62, inner IPv6 76–116, UDP 116. */
const NV6 = api.buildFrame({
  ethernet: MAC,
  ipv6: { src: '2001:db8::1', dst: '2001:db8::2' },
  nvgre: { vsid: 0x5002, flowId: 9 },
  inner: { ethernet: MAC, ipv6: { src: 'fd00::1', dst: 'fd00::2' }, udp: { srcPort: 53, dstPort: 5353 }, payload: 'query' },
});
/** Plain IPv4/TCP: IPv4 14–34, TCP 34–54. */
const PLAIN = api.buildFrame(INNER);
const SEGMENTS = api.segment(PLAIN, { mss: 100 });
const PCAP = api.writePcap([PLAIN, NV4]);
const PCAPNG = api.writePcapng([PLAIN, NV6]);
const RECORD: CaptureRecord = api.readCapture(PCAP).records[0]!;
const ENCAP = { vsid: 0x5001, srcMac: MAC.src, dstMac: MAC.dst, srcIp: '192.0.2.1', dstIp: '192.0.2.2' };
const MAC6 = new Uint8Array([2, 0, 0, 0, 0, 1]);
const IP4 = new Uint8Array([10, 0, 0, 1]);
const IP6 = new Uint8Array(16).fill(1);

function detached(): Uint8Array {
  const b = new Uint8Array(16);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

class SubBytes extends Uint8Array {}
class SubBuffer extends Buffer {}

/** Things that are not a usable Uint8Array. */
const NOT_BYTES: ReadonlyArray<readonly [string, () => unknown]> = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a number', () => 42],
  ['a string', () => 'bytes'],
  ['a plain array', () => Array.from(NV4)],
  ['an array-like', () => ({ length: 64, 0: 1 })],
  ['a DataView', () => new DataView(NV4.slice().buffer)],
  ['an ArrayBuffer', () => NV4.slice().buffer],
  ['a Uint16Array', () => new Uint16Array(64)],
  ['a detached view', detached],
];

/** Valid Uint8Arrays of other classes: accepted, with the plain result. */
const OTHER_BYTES: ReadonlyArray<readonly [string, (b: Uint8Array) => Uint8Array]> = [
  ['a Buffer', (b) => Buffer.from(b)],
  ['a Buffer subclass', (b) => Object.setPrototypeOf(Buffer.from(b), SubBuffer.prototype) as Uint8Array],
  ['a Uint8Array subclass', (b) => new SubBytes(b)],
];

/** Not an integer in range. */
const NOT_INTS: ReadonlyArray<readonly [string, unknown]> = [
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['"3"', '3'],
  ['null', null],
  ['2^53', 2 ** 53],
];

/** buildFrameInto into a target one byte short: NO_SPACE, and the target is left as it was. */
function buildFrameIntoSmall(): unknown {
  const need = api.buildFrame(INNER).length;
  const target = new Uint8Array(need + 9).fill(0x5a);
  try {
    return api.buildFrameInto(INNER, target, 10);
  } finally {
    expect(target.every((b) => b === 0x5a)).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------
// The table

type Expect = 'TypeError' | 'RangeError' | 'TypeError|RangeError' | 'ok' | `nvgre:${string}`;

interface Case {
  readonly what: string;
  readonly run: () => unknown;
  readonly expect: Expect;
  /** Text the message must contain (the argument's name). */
  readonly mentions?: string;
}

interface Row {
  /** Arguments of a valid call (rebuilt for every call). */
  readonly valid: () => unknown[];
  /** How to call the export (default `fn(...args)`; classes are constructed). */
  readonly call?: (fn: (...a: unknown[]) => unknown, args: unknown[]) => unknown;
  /** Byte arguments: position → name. */
  readonly bytes?: Readonly<Record<number, string>>;
  /** Integer arguments: position → name. */
  readonly ints?: Readonly<Record<number, string>>;
  readonly cases?: readonly Case[];
  /** `try*`: never throws. */
  readonly neverThrows?: boolean;
}

const construct = (fn: (...a: unknown[]) => unknown, args: unknown[]) => new (fn as unknown as new (...a: unknown[]) => unknown)(...args);
const drain = (fn: (...a: unknown[]) => unknown, args: unknown[]) =>
  (async () => {
    const out: unknown[] = [];
    for await (const r of fn(...args) as AsyncIterable<unknown>) out.push(r);
    return out;
  })();

const reader = (frame: Uint8Array, offset: number): Row => ({ valid: () => [frame, offset, frame.length], bytes: { 0: 'bytes' }, ints: { 1: 'offset', 2: 'end' }, cases: [{ what: 'a layer that is not a string', run: () => (api.readEthernet as (...a: unknown[]) => unknown)(frame, offset, frame.length, 7), expect: 'TypeError', mentions: 'layer' }] });
const checker = (fn: (...a: never[]) => unknown, frame: Uint8Array, offset: number, layer: string): Row => ({
  valid: () => [frame, offset, frame.length, layer],
  bytes: { 0: 'bytes' },
  ints: { 1: 'offset', 2: 'end' },
  cases: [
    { what: 'an end past the bytes', run: () => (fn as (...a: unknown[]) => unknown)(frame, offset, frame.length + 1, layer), expect: 'RangeError', mentions: 'end' },
    { what: 'a layer that is not a string', run: () => (fn as (...a: unknown[]) => unknown)(frame, offset, frame.length, null), expect: 'TypeError', mentions: 'layer' },
  ],
});
const ipv4Header = (fn: (...a: never[]) => unknown): Row => ({
  valid: () => [NV4.slice(), 14, 20],
  bytes: { 0: 'bytes' },
  ints: { 1: 'offset', 2: 'headerLength' },
  cases: [
    { what: 'a header length that is not a multiple of 4', run: () => (fn as (...a: unknown[]) => unknown)(NV4.slice(), 14, 22), expect: 'RangeError', mentions: 'headerLength' },
    { what: 'a header past the end', run: () => (fn as (...a: unknown[]) => unknown)(NV4.slice(), NV4.length - 10, 20), expect: 'RangeError', mentions: 'offset' },
  ],
});
const transport = (fn: (...a: never[]) => unknown): Row => ({
  valid: () => [PLAIN.slice(), 4, 14, 30, 6, 34, PLAIN.length - 34],
  bytes: { 0: 'bytes' },
  ints: { 2: 'ipOffset', 3: 'dstOffset', 4: 'protocol', 5: 'l4Offset', 6: 'l4Length' },
  cases: [
    { what: 'IP version 5', run: () => (fn as (...a: unknown[]) => unknown)(PLAIN.slice(), 5, 14, 30, 6, 34, 20), expect: 'RangeError', mentions: 'ipVersion' },
    { what: 'a segment past the end', run: () => (fn as (...a: unknown[]) => unknown)(PLAIN.slice(), 4, 14, 30, 6, 34, PLAIN.length), expect: 'RangeError', mentions: 'l4Length' },
    { what: 'IPv6 addresses past the end', run: () => (fn as (...a: unknown[]) => unknown)(PLAIN.slice(0, 50), 6, 14, 30, 6, 40, 8), expect: 'RangeError', mentions: 'ipOffset' },
  ],
});
const writer = (fn: (...a: never[]) => unknown, fields: () => object, size: number, badField: [string, unknown]): Row => ({
  valid: () => [new Uint8Array(size + 3), 3, fields()],
  bytes: { 0: 'target' },
  ints: { 1: 'offset' },
  cases: [
    { what: 'fields null', run: () => (fn as (...a: unknown[]) => unknown)(new Uint8Array(size), 0, null), expect: 'TypeError', mentions: 'fields' },
    { what: 'a target too small (nothing written)', run: () => writes(fn, new Uint8Array(size + 2).fill(0xa5), 3, fields()), expect: 'nvgre:NO_SPACE' },
    { what: `fields.${badField[0]} out of range`, run: () => (fn as (...a: unknown[]) => unknown)(new Uint8Array(size), 0, { ...fields(), [badField[0]]: badField[1] }), expect: 'TypeError|RangeError', mentions: `fields.${badField[0]}` },
  ],
});

/** Calls a writer and checks that a refused write left the target untouched. */
function writes(fn: (...a: never[]) => unknown, target: Uint8Array, offset: number, fields: object): unknown {
  const before = target.slice();
  try {
    return (fn as (...a: unknown[]) => unknown)(target, offset, fields);
  } finally {
    expect(target).toEqual(before);
  }
}

const TABLE: Readonly<Record<string, Row>> = {
  // --- classes
  NvgreError: { valid: () => ['TRUNCATED', 'gre', 0, 'cut short'], call: construct, cases: [{ what: 'garbage fields (still an Error)', run: () => new NvgreError(undefined as never, undefined as never, NaN, undefined as never), expect: 'ok' }] },
  isNvgreError: { valid: () => [new NvgreError('TRUNCATED', 'gre', 0, 'x')], neverThrows: true, cases: [{ what: 'null, a string, a look-alike', run: () => [null, 'NvgreError', { code: 'TRUNCATED' }].map((v) => api.isNvgreError(v)), expect: 'ok' }] },
  FrameLayout: { valid: () => [], call: construct },
  IpLayout: { valid: () => [], call: construct },
  PcapWriter: {
    valid: () => [{ snaplen: 1000 }],
    call: construct,
    cases: [
      { what: 'options null', run: () => new api.PcapWriter(null as never), expect: 'TypeError', mentions: 'options' },
      { what: 'snaplen 0', run: () => new api.PcapWriter({ snaplen: 0 }), expect: 'RangeError', mentions: 'options.snaplen' },
      { what: 'linkType 1.5', run: () => new api.PcapWriter({ linkType: 1.5 }), expect: 'TypeError', mentions: 'options.linkType' },
      { what: 'nanosecond "yes"', run: () => new api.PcapWriter({ nanosecond: 'yes' as never }), expect: 'TypeError', mentions: 'options.nanosecond' },
      { what: 'record(a plain array)', run: () => new api.PcapWriter().record([1, 2] as never), expect: 'TypeError', mentions: 'data' },
      { what: 'recordLength(null)', run: () => new api.PcapWriter().recordLength(null as never), expect: 'TypeError', mentions: 'frame' },
    ],
  },
  PcapngWriter: {
    valid: () => [{ interfaces: [{ name: 'eth0' }] }],
    call: construct,
    cases: [
      { what: 'options null', run: () => new api.PcapngWriter(null as never), expect: 'TypeError', mentions: 'options' },
      { what: 'no interfaces', run: () => new api.PcapngWriter({ interfaces: [] }), expect: 'RangeError', mentions: 'options.interfaces' },
      { what: 'an interface null', run: () => new api.PcapngWriter({ interfaces: [null as never] }), expect: 'TypeError', mentions: 'options.interfaces[0]' },
      { what: 'tsresol 256', run: () => new api.PcapngWriter({ interfaces: [{ tsresol: 256 }] }), expect: 'RangeError', mentions: 'tsresol' },
      { what: 'littleEndian "no"', run: () => new api.PcapngWriter({ littleEndian: 'no' as never }), expect: 'TypeError', mentions: 'options.littleEndian' },
    ],
  },
  CaptureStreamParser: {
    valid: () => [{ maxRecordBytes: 1 << 20 }],
    call: construct,
    cases: [
      { what: 'options "x"', run: () => new api.CaptureStreamParser('x' as never), expect: 'TypeError', mentions: 'options' },
      { what: 'maxRecordBytes NaN', run: () => new api.CaptureStreamParser({ maxRecordBytes: NaN }), expect: 'TypeError', mentions: 'options.maxRecordBytes' },
      { what: 'maxRecordBytes 0', run: () => new api.CaptureStreamParser({ maxRecordBytes: 0 }), expect: 'RangeError', mentions: 'options.maxRecordBytes' },
      { what: 'push(a plain array)', run: () => new api.CaptureStreamParser().push([1, 2] as never), expect: 'TypeError', mentions: 'chunk' },
      { what: 'push(a detached view)', run: () => new api.CaptureStreamParser().push(detached()), expect: 'TypeError', mentions: 'chunk' },
    ],
  },
  Reassembler: {
    valid: () => [{ maxDatagrams: 4 }],
    call: construct,
    cases: [
      { what: 'options null', run: () => new api.Reassembler(null as never), expect: 'TypeError', mentions: 'options' },
      { what: 'maxDatagrams 0', run: () => new api.Reassembler({ maxDatagrams: 0 }), expect: 'RangeError', mentions: 'options.maxDatagrams' },
      { what: 'timeoutMs NaN', run: () => new api.Reassembler({ timeoutMs: NaN }), expect: 'RangeError', mentions: 'options.timeoutMs' },
      { what: 'verifyIpv4Checksum "no"', run: () => new api.Reassembler({ verifyIpv4Checksum: 'no' as never }), expect: 'TypeError', mentions: 'options.verifyIpv4Checksum' },
      { what: 'push(a DataView)', run: () => new api.Reassembler().push(new DataView(new ArrayBuffer(60)) as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'push(frame, NaN)', run: () => new api.Reassembler().push(NV4, NaN), expect: 'TypeError', mentions: 'timestampMs' },
      { what: 'expire("5")', run: () => new api.Reassembler().expire('5' as never), expect: 'TypeError', mentions: 'nowMs' },
    ],
  },

  // --- NVGRE
  encapsulate: {
    valid: () => [PLAIN, { ...ENCAP, ipId: 1 }],
    bytes: { 0: 'inner' },
    cases: [
      { what: 'options null', run: () => api.encapsulate(PLAIN, null as never), expect: 'TypeError', mentions: 'options' },
      { what: 'vsid NaN', run: () => api.encapsulate(PLAIN, { ...ENCAP, vsid: NaN }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'vsid' },
      { what: 'an inner frame shorter than Ethernet', run: () => api.encapsulate(PLAIN.subarray(0, 13), ENCAP), expect: 'nvgre:TRUNCATED' },
    ],
  },
  createEncapsulator: {
    valid: () => [ENCAP],
    cases: [
      { what: 'options undefined', run: () => api.createEncapsulator(undefined as never), expect: 'TypeError', mentions: 'options' },
      { what: 'vlan null', run: () => api.createEncapsulator({ ...ENCAP, vlan: null as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'vlan' },
      { what: 'vlan.dei "x"', run: () => api.createEncapsulator({ ...ENCAP, vlan: { id: 1, dei: 'x' as never } }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'vlan.dei' },
      { what: 'dontFragment "no"', run: () => api.createEncapsulator({ ...ENCAP, dontFragment: 'no' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'dontFragment' },
      { what: 'allowReservedVsid "yes"', run: () => api.createEncapsulator({ ...ENCAP, vsid: 5, allowReservedVsid: 'yes' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'allowReservedVsid' },
      { what: 'mtu "1500"', run: () => api.createEncapsulator({ ...ENCAP, mtu: '1500' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'mtu' },
      { what: 'srcIp 5', run: () => api.createEncapsulator({ ...ENCAP, srcIp: 5 as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'srcIp' },
      { what: 'encapsulate(a plain array)', run: () => api.createEncapsulator(ENCAP).encapsulate([1] as never), expect: 'TypeError', mentions: 'inner' },
      { what: 'encapsulate(perPacket null)', run: () => api.createEncapsulator(ENCAP).encapsulate(PLAIN, null as never), expect: 'TypeError', mentions: 'perPacket' },
      { what: 'encapsulate(perPacket.flowId NaN)', run: () => api.createEncapsulator(ENCAP).encapsulate(PLAIN, { flowId: NaN }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'perPacket.flowId' },
      { what: 'encapsulateInto(a DataView target)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new DataView(new ArrayBuffer(500)) as never, 0, PLAIN), expect: 'TypeError', mentions: 'target' },
      { what: 'encapsulateInto(inner null)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(500), 0, null as never), expect: 'TypeError', mentions: 'inner' },
      { what: 'encapsulateInto(an array-like inner)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(500), 0, { length: 64 } as never), expect: 'TypeError', mentions: 'inner' },
      { what: 'encapsulateInto(target null)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(null as never, 0, PLAIN), expect: 'TypeError', mentions: 'target' },
      { what: 'encapsulateInto(offset -1)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(500), -1, PLAIN), expect: 'RangeError', mentions: 'offset' },
      { what: 'encapsulateInto(offset 1.5)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(500), 1.5, PLAIN), expect: 'TypeError', mentions: 'offset' },
      { what: 'encapsulateInto(offset NaN)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(500), NaN, PLAIN), expect: 'TypeError', mentions: 'offset' },
      { what: 'encapsulateInto(a target too small)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(100), 0, PLAIN), expect: 'nvgre:NO_SPACE' },
      { what: 'encapsulateInto(a detached inner)', run: () => api.createEncapsulator(ENCAP).encapsulateInto(new Uint8Array(500), 0, detached()), expect: 'TypeError', mentions: 'inner' },
      { what: 'encapsulatedLength(null)', run: () => api.createEncapsulator(ENCAP).encapsulatedLength(null as never), expect: 'TypeError', mentions: 'inner' },
    ],
  },
  decapsulate: {
    valid: () => [NV4],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options "x"', run: () => api.decapsulate(NV4, 'x' as never), expect: 'TypeError', mentions: 'options' },
      { what: 'options.strict "no"', run: () => api.decapsulate(NV4, { strict: 'no' as never }), expect: 'TypeError', mentions: 'options.strict' },
      {
        what: 'options.acceptPriorityTag 1',
        run: () => api.decapsulate(NV4, { acceptPriorityTag: 1 as never }),
        expect: 'TypeError',
        mentions: 'options.acceptPriorityTag',
      },
      { what: 'an empty frame', run: () => api.decapsulate(new Uint8Array(0)), expect: 'nvgre:TRUNCATED' },
    ],
  },
  createDecapsulator: {
    valid: () => [{ strict: false }],
    cases: [
      { what: 'options "x"', run: () => api.createDecapsulator('x' as never), expect: 'TypeError', mentions: 'options' },
      { what: 'options.strict 1', run: () => api.createDecapsulator({ strict: 1 as never }), expect: 'TypeError', mentions: 'options.strict' },
      {
        what: 'options.acceptPriorityTag "yes"',
        run: () => api.createDecapsulator({ acceptPriorityTag: 'yes' as never }),
        expect: 'TypeError',
        mentions: 'options.acceptPriorityTag',
      },
      { what: 'decapsulate(a plain array)', run: () => api.createDecapsulator().decapsulate([1] as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'decapsulate(a detached view)', run: () => api.createDecapsulator().decapsulate(detached()), expect: 'TypeError', mentions: 'frame' },
      { what: 'decapsulate(an empty frame)', run: () => api.createDecapsulator().decapsulate(new Uint8Array(0)), expect: 'nvgre:TRUNCATED' },
      { what: 'decapsulateOrNull(a DataView)', run: () => api.createDecapsulator().decapsulateOrNull(new DataView(new ArrayBuffer(60)) as never), expect: 'TypeError', mentions: 'frame' },
    ],
  },
  tryDecapsulate: {
    valid: () => [NV4],
    neverThrows: true,
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options "x"', run: () => expectTryError(api.tryDecapsulate(NV4, 'x' as never), 'options'), expect: 'ok' },
      { what: 'options.strict 1', run: () => expectTryError(api.tryDecapsulate(NV4, { strict: 1 as never }), 'options.strict'), expect: 'ok' },
      {
        what: 'options.acceptPriorityTag null',
        run: () => expectTryError(api.tryDecapsulate(NV4, { acceptPriorityTag: null as never }), 'options.acceptPriorityTag'),
        expect: 'ok',
      },
    ],
  },
  nvgreOverhead: {
    valid: () => [6, true],
    cases: [
      { what: 'IP version 5', run: () => api.nvgreOverhead(5 as never), expect: 'RangeError', mentions: 'ipVersion' },
      { what: 'IP version "4"', run: () => api.nvgreOverhead('4' as never), expect: 'RangeError', mentions: 'ipVersion' },
      { what: 'outerVlan "yes"', run: () => api.nvgreOverhead(4, 'yes' as never), expect: 'TypeError', mentions: 'outerVlan' },
    ],
  },
  innerMtu: { valid: () => [1500, 4], ints: { 0: 'underlayMtu' }, cases: [{ what: 'an MTU below 68', run: () => api.innerMtu(10, 4), expect: 'RangeError', mentions: 'underlayMtu' }, { what: 'IP version 5', run: () => api.innerMtu(1500, 5 as never), expect: 'RangeError', mentions: 'ipVersion' }] },

  // --- frames
  parseFrame: {
    valid: () => [NV4, { maxDepth: 2 }],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options "x"', run: () => api.parseFrame(NV4, 'x' as never), expect: 'TypeError', mentions: 'options' },
      { what: 'maxDepth 0', run: () => api.parseFrame(NV4, { maxDepth: 0 }), expect: 'RangeError', mentions: 'options.maxDepth' },
      { what: 'maxDepth NaN', run: () => api.parseFrame(NV4, { maxDepth: NaN }), expect: 'RangeError', mentions: 'options.maxDepth' },
      {
        what: 'transportChecksums "no"',
        run: () => api.parseFrame(NV4, { transportChecksums: 'no' as never }),
        expect: 'TypeError',
        mentions: 'options.transportChecksums',
      },
    ],
  },
  buildFrameInto: {
    valid: () => [INNER, new Uint8Array(600), 3],
    bytes: { 1: 'target' },
    ints: { 2: 'offset' },
    cases: [
      { what: 'spec null', run: () => api.buildFrameInto(null as never, new Uint8Array(600)), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec' },
      { what: 'a target too small (nothing written)', run: () => buildFrameIntoSmall(), expect: 'nvgre:NO_SPACE' },
      { what: 'offset past the end', run: () => api.buildFrameInto(INNER, new Uint8Array(600), 601), expect: 'nvgre:NO_SPACE' },
    ],
  },
  buildFrame: {
    valid: () => [INNER],
    cases: [
      { what: 'spec null', run: () => api.buildFrame(null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec' },
      { what: 'ipv4.ttl 300', run: () => api.buildFrame({ ...INNER, ipv4: { src: '10.0.0.1', dst: '10.0.0.2', ttl: 300 } }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec.ipv4.ttl' },
      { what: 'tcp.srcPort NaN', run: () => api.buildFrame({ ...INNER, tcp: { srcPort: NaN, dstPort: 1 } }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec.tcp.srcPort' },
      { what: 'trailer 2^31 (no 2 GiB allocation)', run: () => api.buildFrame({ ...INNER, trailer: 2 ** 31 }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec.trailer' },
      { what: 'payload a plain array', run: () => api.buildFrame({ ...INNER, payload: [1, 2] as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec.payload' },
      { what: 'inner nvgre.flowId 300', run: () => api.buildFrame({ ethernet: {}, ipv4: { src: '1.1.1.1', dst: '2.2.2.2' }, nvgre: { vsid: 5000, flowId: 300 }, inner: INNER }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'spec.nvgre.flowId' },
      { what: 'a spec that contains itself', run: () => api.buildFrame(cyclicSpec()), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'nested deeper' },
    ],
  },

  // --- checksums
  onesComplementSum: { valid: () => [NV4, 3, 41, 0], bytes: { 0: 'bytes' }, ints: { 1: 'offset', 2: 'length', 3: 'initial' }, cases: [{ what: 'a range past the end', run: () => api.onesComplementSum(NV4, 10, NV4.length), expect: 'RangeError', mentions: 'length' }] },
  setChecksumKernel: { valid: () => ['auto'], cases: [{ what: 'an unknown kernel', run: () => api.setChecksumKernel('simd' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'kernel' }, { what: 'no argument', run: () => (api.setChecksumKernel as (...a: unknown[]) => unknown)(), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'kernel' }] },
  checksumKernel: { valid: () => [], neverThrows: true, cases: [{ what: 'extra arguments', run: () => (api.checksumKernel as (...a: unknown[]) => unknown)(1, 'x'), expect: 'ok' }] },
  internetChecksum: { valid: () => [NV4, 14, 20], bytes: { 0: 'bytes' }, ints: { 1: 'offset', 2: 'length', 3: 'initial' }, cases: [{ what: 'an offset past the end', run: () => api.internetChecksum(NV4, NV4.length + 1), expect: 'RangeError', mentions: 'offset' }] },
  ipv4PseudoHeaderSum: { valid: () => [NV4, 26, 47, 100], bytes: { 0: 'bytes' }, ints: { 1: 'addrOffset', 2: 'protocol', 3: 'l4Length' }, cases: [{ what: 'protocol 256', run: () => api.ipv4PseudoHeaderSum(NV4, 26, 256, 1), expect: 'RangeError', mentions: 'protocol' }] },
  ipv6PseudoHeaderSum: { valid: () => [NV6, 22, NV6, 38, 47, 100], bytes: { 0: 'src', 2: 'dst' }, ints: { 1: 'srcOffset', 3: 'dstOffset', 4: 'nextHeader', 5: 'upperLayerLength' } },
  updateChecksum16: { valid: () => [0x1234, 1, 2], ints: { 0: 'checksum', 1: 'oldWord', 2: 'newWord' }, cases: [{ what: 'a word of 17 bits', run: () => api.updateChecksum16(1, 0x10000, 2), expect: 'RangeError', mentions: 'oldWord' }] },
  updateChecksum32: { valid: () => [0x1234, 0xc0000201, 0xc0000202], ints: { 0: 'checksum', 1: 'oldValue', 2: 'newValue' } },
  updateTransportChecksum16: { valid: () => [0x1234, 1, 2, 17, 4], ints: { 0: 'checksum', 1: 'oldWord', 2: 'newWord', 3: 'protocol' }, cases: [{ what: 'IP version 5', run: () => api.updateTransportChecksum16(1, 2, 3, 17, 5 as never), expect: 'RangeError', mentions: 'ipVersion' }] },
  updateTransportChecksum32: { valid: () => [0x1234, 0xc0000201, 0xc0000202, 6, 6], ints: { 0: 'checksum', 1: 'oldValue', 2: 'newValue', 3: 'protocol' } },
  fold: { valid: () => [0x12345678], ints: { 0: 'sum' } },
  addSum: { valid: () => [0xffff, 2], ints: { 0: 'a', 1: 'b' }, cases: [{ what: 'an unfolded sum', run: () => api.addSum(0x10000, 1), expect: 'RangeError', mentions: 'a' }] },

  // --- addresses, flow hash
  parseMac: {
    valid: () => ['02:00:00:00:00:01'],
    cases: [
      { what: 'a number', run: () => api.parseMac(5 as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'MAC address' },
      { what: 'a DataView', run: () => api.parseMac(new DataView(new ArrayBuffer(6)) as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'MAC address' },
      { what: '5 bytes', run: () => api.parseMac(new Uint8Array(5)), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'MAC address' },
      { what: 'a Buffer of 6 bytes', run: () => api.parseMac(Buffer.from(MAC6)), expect: 'ok' },
    ],
  },
  parseIp: {
    valid: () => ['2001:db8::1'],
    cases: [
      { what: 'null', run: () => api.parseIp(null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'IP address' },
      { what: 'a malformed address', run: () => api.parseIp('1.2.3'), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'IP address' },
      { what: 'a Buffer subclass of 4 bytes', run: () => api.parseIp(Object.setPrototypeOf(Buffer.from(IP4), SubBuffer.prototype) as Uint8Array), expect: 'ok' },
    ],
  },
  formatMac: { valid: () => [NV4, 6], bytes: { 0: 'bytes' }, ints: { 1: 'offset' }, cases: [{ what: 'a MAC past the end', run: () => api.formatMac(NV4, NV4.length - 3), expect: 'RangeError', mentions: 'offset' }] },
  formatIpv4: { valid: () => [NV4, 26], bytes: { 0: 'bytes' }, ints: { 1: 'offset' }, cases: [{ what: 'an address past the end', run: () => api.formatIpv4(NV4, NV4.length - 2), expect: 'RangeError', mentions: 'offset' }] },
  formatIpv6: { valid: () => [NV6, 22], bytes: { 0: 'bytes' }, ints: { 1: 'offset' }, cases: [{ what: 'an address past the end', run: () => api.formatIpv6(NV6, NV6.length - 15), expect: 'RangeError', mentions: 'offset' }] },
  innerFlowHash: { valid: () => [NV4, 42, NV4.length], bytes: { 0: 'bytes' }, ints: { 1: 'offset', 2: 'end' }, cases: [{ what: 'end before offset', run: () => api.innerFlowHash(NV4, 42, 10), expect: 'RangeError', mentions: 'end' }] },
  foldFlowId: { valid: () => [0xdeadbeef], ints: { 0: 'hash' } },

  // --- header codecs
  readEthernet: reader(NV4, 42),
  ethernetHeaderLength: checker(api.ethernetHeaderLength, NV4, 42, 'inner-ethernet'),
  ethernetLength: {
    valid: () => [{ vlans: [{ id: 1 }] }],
    cases: [
      { what: 'fields null', run: () => api.ethernetLength(null as never), expect: 'TypeError', mentions: 'fields' },
      { what: 'vlans 5', run: () => api.ethernetLength({ vlans: 5 as never }), expect: 'TypeError', mentions: 'fields.vlans' },
      { what: 'a VLAN id of 13 bits', run: () => api.ethernetLength({ vlans: [{ id: 5000 }] }), expect: 'RangeError', mentions: 'fields.vlans[0].id' },
    ],
  },
  writeEthernet: writer(api.writeEthernet, () => ({ dst: MAC6, src: MAC6, vlans: [{ id: 7 }], etherType: 0x0800 }), 18, ['dst', new Uint8Array(4)]),
  readIpv4: reader(NV4, 14),
  checkIpv4: checker(api.checkIpv4, NV4, 14, 'outer-ipv4'),
  ipv4HeaderSum: ipv4Header(api.ipv4HeaderSum),
  ipv4HeaderChecksum: ipv4Header(api.ipv4HeaderChecksum),
  ipv4ChecksumValid: ipv4Header(api.ipv4ChecksumValid),
  fillIpv4Checksum: ipv4Header(api.fillIpv4Checksum),
  ipv4Length: { valid: () => [{ options: new Uint8Array(4) }], cases: [{ what: 'fields null', run: () => api.ipv4Length(null as never), expect: 'TypeError', mentions: 'fields' }, { what: 'options a plain array', run: () => api.ipv4Length({ options: [1, 2, 3, 4] as never }), expect: 'TypeError', mentions: 'fields.options' }, { what: '41 bytes of options', run: () => api.ipv4Length({ options: new Uint8Array(41) }), expect: 'RangeError', mentions: 'fields.options' }] },
  writeIpv4: writer(api.writeIpv4, () => ({ src: IP4, dst: IP4, protocol: 6, payloadLength: 20 }), 20, ['ttl', 256]),
  readIpv6: reader(NV6, 14),
  checkIpv6: checker(api.checkIpv6, NV6, 14, 'outer-ipv6'),
  walkIpv6: {
    valid: () => [NV6, 14, NV6.length, 'outer-ipv6', api.newIpv6Chain()],
    bytes: { 0: 'bytes' },
    ints: { 1: 'offset', 2: 'end' },
    cases: [
      { what: 'out null', run: () => api.walkIpv6(NV6, 14, NV6.length, 'outer-ipv6', null as never), expect: 'TypeError', mentions: 'out' },
      { what: 'collect "yes"', run: () => api.walkIpv6(NV6, 14, NV6.length, 'x', api.newIpv6Chain(), 'yes' as never), expect: 'TypeError', mentions: 'collect' },
      { what: 'a datagram shorter than the fixed header', run: () => api.walkIpv6(NV6, 14, 30, 'x', api.newIpv6Chain()), expect: 'nvgre:TRUNCATED' },
    ],
  },
  newIpv6Chain: { valid: () => [] },
  writeIpv6: writer(api.writeIpv6, () => ({ src: IP6, dst: IP6, nextHeader: 17, payloadLength: 8 }), 40, ['flowLabel', 0x100000]),
  readGre: reader(NV4, 34),
  writeGre: writer(api.writeGre, () => ({ protocol: 0x6558, key: 0x12345678, checksum: 0 }), 12, ['version', 8]),
  writeNvgreHeader: {
    valid: () => [new Uint8Array(10), 2, 0x5001, 7],
    bytes: { 0: 'target' },
    ints: { 1: 'offset', 2: 'vsid', 3: 'flowId' },
    cases: [
      { what: 'a 25-bit VSID', run: () => api.writeNvgreHeader(new Uint8Array(8), 0, 0x1000000, 0), expect: 'RangeError', mentions: 'vsid' },
      { what: 'a target too small (nothing written)', run: () => writes(((t: Uint8Array, o: number) => api.writeNvgreHeader(t, o, 0x5001, 1)) as never, new Uint8Array(9).fill(0xa5), 2, {}), expect: 'nvgre:NO_SPACE' },
    ],
  },
  greHeaderLength: { valid: () => [0xb000], ints: { 0: 'flags' } },
  greLength: { valid: () => [{ key: 1, sequence: 2 }], cases: [{ what: 'fields null', run: () => api.greLength(null as never), expect: 'TypeError', mentions: 'fields' }, { what: 'key -1', run: () => api.greLength({ key: -1 }), expect: 'RangeError', mentions: 'fields.key' }] },
  nvgreKey: { valid: () => [0x800000, 0xff], ints: { 0: 'vsid', 1: 'flowId' } },
  isReservedVsid: { valid: () => [0xfff], ints: { 0: 'vsid' } },
  keyReadings: { valid: () => [0x00138900], ints: { 0: 'key' } },
  readTcp: reader(NV4, 76),
  checkTcp: checker(api.checkTcp, NV4, 76, 'tcp'),
  tcpLength: { valid: () => [{ options: new Uint8Array(8) }], cases: [{ what: 'fields "x"', run: () => api.tcpLength('x' as never), expect: 'TypeError', mentions: 'fields' }, { what: '3 bytes of options', run: () => api.tcpLength({ options: new Uint8Array(3) }), expect: 'RangeError', mentions: 'fields.options' }] },
  writeTcp: writer(api.writeTcp, () => ({ srcPort: 1, dstPort: 2, options: new Uint8Array(4) }), 24, ['window', 0x10000]),
  readUdp: reader(NV6, 116),
  checkUdp: checker(api.checkUdp, NV6, 116, 'udp'),
  writeUdp: writer(api.writeUdp, () => ({ srcPort: 1, dstPort: 2, payloadLength: 5 }), 8, ['srcPort', -1]),
  readIcmp: reader(NV4, 76),
  writeIcmp: writer(api.writeIcmp, () => ({ type: 8, code: 0, rest: 0x00010002 }), 8, ['type', 1.5]),
  computeTransportChecksum: transport(api.computeTransportChecksum),
  fillTransportChecksum: transport(api.fillTransportChecksum),
  transportChecksumValid: transport(api.transportChecksumValid),
  pseudoHeaderSum: { valid: () => [NV6, 6, 14, 38, 47, 100], bytes: { 0: 'bytes' }, ints: { 2: 'ipOffset', 3: 'dstOffset', 4: 'protocol', 5: 'l4Length' }, cases: [{ what: 'IP version 0', run: () => api.pseudoHeaderSum(NV6, 0 as never, 14, 38, 47, 1), expect: 'RangeError', mentions: 'ipVersion' }] },
  walkFrame: {
    valid: () => [NV4, new api.FrameLayout(), 0, NV4.length, { lenient: true }],
    bytes: { 0: 'bytes' },
    ints: { 2: 'start', 3: 'end' },
    cases: [
      { what: 'a plain object for the layout', run: () => api.walkFrame(NV4, {} as never), expect: 'TypeError', mentions: 'layout' },
      { what: 'options "x"', run: () => api.walkFrame(NV4, new api.FrameLayout(), 0, NV4.length, 'x' as never), expect: 'TypeError', mentions: 'options' },
    ],
  },

  // --- capture files
  readPcap: { valid: () => [PCAP], bytes: { 0: 'bytes' }, cases: [{ what: 'options "x"', run: () => api.readPcap(PCAP, 'x' as never), expect: 'TypeError', mentions: 'options' }, { what: 'maxRecordBytes -1', run: () => api.readPcap(PCAP, { maxRecordBytes: -1 }), expect: 'RangeError', mentions: 'options.maxRecordBytes' }] },
  readPcapng: { valid: () => [PCAPNG], bytes: { 0: 'bytes' }, cases: [{ what: 'options null', run: () => api.readPcapng(PCAPNG, null as never), expect: 'TypeError', mentions: 'options' }] },
  readCapture: { valid: () => [PCAPNG], bytes: { 0: 'bytes' }, cases: [{ what: 'maxRecordBytes 1.5', run: () => api.readCapture(PCAP, { maxRecordBytes: 1.5 }), expect: 'TypeError', mentions: 'options.maxRecordBytes' }] },
  detectCaptureFormat: { valid: () => [PCAP], bytes: { 0: 'bytes' } },
  writePcap: {
    valid: () => [[PLAIN, { data: NV4, timestamp: { seconds: 1, nanoseconds: 2 } }]],
    cases: [
      { what: 'frames 5 (not iterable)', run: () => api.writePcap(5 as never), expect: 'TypeError', mentions: 'frames' },
      { what: 'a frame that is a number', run: () => api.writePcap([5 as never]), expect: 'TypeError', mentions: 'frames[0]' },
      { what: 'a frame with a plain-array data', run: () => api.writePcap([{ data: [1] as never }]), expect: 'TypeError', mentions: 'frames[0].data' },
      { what: 'a negative timestamp', run: () => api.writePcap([{ data: PLAIN, timestamp: { seconds: -1, nanoseconds: 0 } }]), expect: 'RangeError', mentions: 'frames[0].timestamp.seconds' },
      { what: 'options null', run: () => api.writePcap([], null as never), expect: 'TypeError', mentions: 'options' },
    ],
  },
  writePcapng: {
    valid: () => [[PLAIN, NV6]],
    cases: [
      { what: 'frames null', run: () => api.writePcapng(null as never), expect: 'TypeError', mentions: 'frames' },
      { what: 'an interface id without an interface', run: () => api.writePcapng([{ data: PLAIN, interfaceId: 3 }]), expect: 'RangeError', mentions: 'interfaceId' },
      { what: 'a detached frame', run: () => api.writePcapng([detached()]), expect: 'TypeError', mentions: 'frames[0]' },
    ],
  },
  defaultTimestamp: { valid: () => [12345], ints: { 0: 'index' } },
  copyRecord: { valid: () => [RECORD], cases: [{ what: 'null', run: () => api.copyRecord(null as never), expect: 'TypeError', mentions: 'record' }, { what: 'a record whose data is a plain array', run: () => api.copyRecord({ ...RECORD, data: [1] as never }), expect: 'TypeError', mentions: 'record.data' }] },
  readCaptureStream: {
    valid: () => [[PCAP.subarray(0, 30), PCAP.subarray(30)]],
    call: drain,
    cases: [
      { what: 'source 5', run: () => drain(api.readCaptureStream as never, [5]), expect: 'TypeError', mentions: 'source' },
      { what: 'a chunk that is a plain array', run: () => drain(api.readCaptureStream as never, [[[1, 2]]]), expect: 'TypeError', mentions: 'chunk' },
      { what: 'options "x"', run: () => drain(api.readCaptureStream as never, [[PCAP], 'x']), expect: 'TypeError', mentions: 'options' },
    ],
  },

  // --- display filters and frame views
  FrameView: {
    valid: () => [{ keyLayout: 'low24', lint: { mtu: 1500 } }],
    call: construct,
    cases: [
      { what: 'options null', run: () => new api.FrameView(null as never), expect: 'TypeError', mentions: 'options' },
      { what: 'keyLayout "x"', run: () => new api.FrameView({ keyLayout: 'x' as never }), expect: 'TypeError', mentions: 'options.keyLayout' },
      { what: 'lint.mtu 1', run: () => new api.FrameView({ lint: { mtu: 1 } }), expect: 'RangeError', mentions: 'options.mtu' },
      ...NOT_BYTES.map(([kind, make]): Case => ({ what: `load(${kind})`, run: () => new api.FrameView().load(make() as never), expect: 'TypeError', mentions: 'frame' })),
      { what: 'load with info.number -1', run: () => new api.FrameView().load(NV4, { number: -1 }), expect: 'RangeError', mentions: 'info.number' },
      { what: 'load with info null', run: () => new api.FrameView().load(NV4, null as never), expect: 'TypeError', mentions: 'info' },
      { what: 'load of a Buffer reads as the plain bytes', run: () => expect(api.frameSummary(new api.FrameView().load(Buffer.from(NV4)))).toBe(api.frameSummary(new api.FrameView().load(NV4))), expect: 'ok' },
    ],
  },
  compileDisplayFilter: {
    valid: () => ['vsid == 0x5001 && inner.tcp', { keyLayout: 'rfc7637' }],
    cases: [
      { what: 'expression 5', run: () => api.compileDisplayFilter(5 as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'filter' },
      { what: 'a syntax error', run: () => api.compileDisplayFilter('vsid =='), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'column 8' },
      { what: 'keyLayout "x"', run: () => api.compileDisplayFilter('nvgre', { keyLayout: 'x' as never }), expect: 'TypeError', mentions: 'options.keyLayout' },
      { what: 'matches(a plain array)', run: () => api.compileDisplayFilter('nvgre').matches([1] as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'matches(a frame) is true', run: () => expect(api.compileDisplayFilter('vsid == 0x5001 && inner.tcp').matches(NV4)).toBe(true), expect: 'ok' },
    ],
  },
  parseDisplayFilter: { valid: () => ['vsid in {1..3} || !outer.src == 10.0.0.0/8'], cases: [{ what: 'null', run: () => api.parseDisplayFilter(null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'filter' }] },
  formatDisplayFilter: {
    valid: () => [api.parseDisplayFilter('!(vsid == 1 || inner.udp)')],
    cases: [
      { what: 'null', run: () => api.formatDisplayFilter(null as never), expect: 'TypeError', mentions: 'node' },
      { what: 'a child of kind "x"', run: () => api.formatDisplayFilter({ kind: 'not', operand: { kind: 'x' } } as never), expect: 'TypeError', mentions: 'node' },
    ],
  },
  frameFieldTree: { valid: () => [new api.FrameView().load(NV6)], cases: [{ what: 'a frame instead of a view', run: () => api.frameFieldTree(NV4 as never), expect: 'TypeError', mentions: 'view' }] },
  frameFieldValues: { valid: () => [new api.FrameView().load(NV6)], cases: [{ what: 'undefined', run: () => api.frameFieldValues(undefined as never), expect: 'TypeError', mentions: 'view' }] },
  frameFieldsJson: { valid: () => [new api.FrameView().load(NV6)], cases: [{ what: 'undefined', run: () => api.frameFieldsJson(undefined as never), expect: 'TypeError', mentions: 'view' }] },
  writeFrameFieldsJson: {
    valid: () => [new api.FrameView().load(NV6), new api.JsonBytes()],
    cases: [
      { what: 'a frame instead of a view', run: () => api.writeFrameFieldsJson(NV4 as never, new api.JsonBytes()), expect: 'TypeError', mentions: 'view' },
      { what: 'out null', run: () => api.writeFrameFieldsJson(new api.FrameView().load(NV4), null as never), expect: 'TypeError', mentions: 'out' },
      { what: 'out without text()', run: () => api.writeFrameFieldsJson(new api.FrameView().load(NV4), { bytes() {}, decimal() {} } as never), expect: 'TypeError', mentions: 'JsonSink' },
    ],
  },
  JsonBytes: {
    valid: () => [],
    call: construct,
    cases: [
      ...NOT_BYTES.map(([kind, make]): Case => ({ what: `bytes(${kind})`, run: () => new api.JsonBytes().bytes(make() as never), expect: 'TypeError', mentions: 'b' })),
      { what: 'decimal(-1)', run: () => new api.JsonBytes().decimal(-1), expect: 'RangeError', mentions: 'n' },
      { what: 'decimal(1.5)', run: () => new api.JsonBytes().decimal(1.5), expect: 'TypeError', mentions: 'n' },
      { what: 'decimal(2^53)', run: () => new api.JsonBytes().decimal(2 ** 53), expect: 'RangeError', mentions: 'n' },
      { what: 'text(5)', run: () => new api.JsonBytes().text(5 as never), expect: 'TypeError', mentions: 's must be a string' },
      { what: 'a Buffer piece is written as its bytes', run: () => { const w = new api.JsonBytes(); w.bytes(Buffer.from('ab')); expect([...w.written]).toEqual([0x61, 0x62]); }, expect: 'ok' },
    ],
  },
  frameLayerSpans: { valid: () => [new api.FrameView().load(NV4)], cases: [{ what: 'null', run: () => api.frameLayerSpans(null as never), expect: 'TypeError', mentions: 'view' }] },
  frameSummary: {
    valid: () => [new api.FrameView().load(NV4), { legacyKey: true }],
    cases: [
      { what: 'a frame instead of a view', run: () => api.frameSummary(NV4 as never), expect: 'TypeError', mentions: 'view' },
      { what: 'options null', run: () => api.frameSummary(new api.FrameView().load(NV4), null as never), expect: 'TypeError', mentions: 'options' },
    ],
  },

  // --- lint, offload
  lint: {
    valid: () => [NV4, { mtu: 1500 }],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options "x"', run: () => api.lint(NV4, 'x' as never), expect: 'TypeError', mentions: 'options' },
      { what: 'mtu NaN', run: () => api.lint(NV4, { mtu: NaN }), expect: 'TypeError', mentions: 'options.mtu' },
      { what: 'maxDepth 0', run: () => api.lint(NV4, { maxDepth: 0 }), expect: 'RangeError', mentions: 'options.maxDepth' },
      { what: 'legacyKeyView "yes"', run: () => api.lint(NV4, { legacyKeyView: 'yes' as never }), expect: 'TypeError', mentions: 'options.legacyKeyView' },
    ],
  },
  fillChecksums: {
    valid: () => [NV4.slice(), { lenient: true }],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options "x"', run: () => api.fillChecksums(NV4.slice(), 'x' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options' },
      { what: 'seed "x"', run: () => api.fillChecksums(NV4.slice(), { seed: 'x' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.seed' },
      { what: 'capabilities 16', run: () => api.fillChecksums(NV4.slice(), { capabilities: 16 }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.capabilities' },
    ],
  },
  verifyChecksums: {
    valid: () => [NV6, { udpZeroChecksumPorts: [53] }],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options null', run: () => api.verifyChecksums(NV4, null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options' },
      { what: 'udpZeroChecksumPorts "53"', run: () => api.verifyChecksums(NV4, { udpZeroChecksumPorts: '53' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.udpZeroChecksumPorts' },
    ],
  },
  segment: {
    valid: () => [NV4, { mss: 100 }],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options missing', run: () => api.segment(NV4, undefined as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options' },
      { what: 'mss 0', run: () => api.segment(NV4, { mss: 0 }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.mss' },
      { what: 'mss NaN', run: () => api.segment(NV4, { mss: NaN }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.mss' },
      { what: 'profile "bsd"', run: () => api.segment(NV4, { mss: 100, profile: 'bsd' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.profile' },
    ],
  },
  segmentPlan: { valid: () => [NV4, { mss: 100 }], bytes: { 0: 'frame' }, cases: [{ what: 'maxSegments 0', run: () => api.segmentPlan(NV4, { mss: 1, maxSegments: 0 }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.maxSegments' }] },
  segmentInto: {
    valid: () => [NV4, { mss: 100 }, new Uint8Array(api.segmentPlan(NV4, { mss: 100 }).totalLength)],
    bytes: { 0: 'frame', 2: 'target' },
    cases: [
      { what: 'onSegment "x"', run: () => api.segmentInto(NV4, { mss: 100 }, new Uint8Array(5000), 'x' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'onSegment' },
      { what: 'a target too small (nothing written)', run: () => segmentIntoSmall(), expect: 'nvgre:NO_SPACE' },
      { what: 'a target overlapping the frame', run: () => segmentIntoOverlap(), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'target' },
    ],
  },
  coalesce: {
    valid: () => [SEGMENTS],
    cases: [
      { what: 'segments null', run: () => api.coalesce(null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'segments' },
      { what: 'a segment that is a plain array', run: () => api.coalesce([[1, 2]] as never), expect: 'TypeError', mentions: 'segments[0]' },
      { what: 'a detached segment', run: () => api.coalesce([SEGMENTS[0]!, detached()]), expect: 'TypeError', mentions: 'segments[1]' },
      { what: 'a Buffer subclass segment', run: () => api.coalesce(SEGMENTS.map((s) => Object.setPrototypeOf(Buffer.from(s), SubBuffer.prototype) as Uint8Array)), expect: 'ok' },
      { what: 'options "x"', run: () => api.coalesce(SEGMENTS, 'x' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options' },
      { what: 'maxSegments 1.5', run: () => api.coalesce(SEGMENTS, { maxSegments: 1.5 }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.maxSegments' },
    ],
  },
  ndisOffsetsOf: { valid: () => [NV4], bytes: { 0: 'frame' } },

  // --- ECMP and ECN (RFC 7637 §4.1, RFC 6040 §4.2)
  ecmpHash: {
    valid: () => [NV4, 'inner'],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'mode "both"', run: () => api.ecmpHash(NV4, 'both' as never), expect: 'TypeError', mentions: 'mode' },
      { what: 'a plain frame', run: () => api.ecmpHash(PLAIN), expect: 'nvgre:NOT_GRE' },
    ],
  },

  // --- receive side: RSS and VMQ (docs/rss.md)
  toeplitzHash: {
    valid: () => [new Uint8Array(40).fill(0x6d), NV4, 26, 12],
    bytes: { 0: 'key', 1: 'input' },
    ints: { 2: 'offset', 3: 'length' },
    cases: [
      { what: 'a range past the end', run: () => api.toeplitzHash(new Uint8Array(40), NV4, NV4.length - 4, 8), expect: 'RangeError', mentions: 'length' },
      { what: 'a key too short for the input', run: () => api.toeplitzHash(new Uint8Array(15), NV4, 0, 12), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'key' },
    ],
  },
  rssHash: {
    valid: () => [NV6, { hashTypes: ['ipv6', 'udp-ipv6'] }],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'options "x"', run: () => api.rssHash(NV4, 'x' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options' },
      { what: 'key of 39 bytes', run: () => api.rssHash(NV4, { key: new Uint8Array(39) }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.key' },
      { what: 'hashTypes ["tcp"]', run: () => api.rssHash(NV4, { hashTypes: ['tcp' as never] }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.hashTypes' },
      { what: 'encapsulation "vxlan"', run: () => api.rssHash(NV4, { encapsulation: 'vxlan' as never }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.encapsulation' },
      { what: 'an empty frame (no hash)', run: () => api.rssHash(new Uint8Array(0)), expect: 'ok' },
    ],
  },
  createRss: {
    valid: () => [{ queues: 8 }],
    cases: [
      { what: 'a table of 3 entries', run: () => api.createRss({ indirectionTable: [0, 1, 2] }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.indirectionTable' },
      { what: 'queues NaN', run: () => api.createRss({ queues: NaN }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.queues' },
      { what: 'queue(a plain array)', run: () => api.createRss().queue([1, 2] as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'hash(a detached view)', run: () => api.createRss().hash(detached()), expect: 'TypeError', mentions: 'frame' },
    ],
  },
  classifyVmq: {
    valid: () => [NV4, [{ queueId: 1, macAddress: MAC.dst, encapsulated: true, vsid: 0x5001 }]],
    bytes: { 0: 'frame' },
    cases: [
      { what: 'filters null', run: () => api.classifyVmq(NV4, null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'filters' },
      { what: 'a MAC of 5 bytes', run: () => api.classifyVmq(NV4, [{ queueId: 1, macAddress: new Uint8Array(5) }]), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'filters[0].macAddress' },
      { what: 'vlanId 4096', run: () => api.classifyVmq(NV4, [{ queueId: 1, macAddress: MAC.dst, vlanId: 4096 }]), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'filters[0].vlanId' },
    ],
  },
  createVmq: {
    valid: () => [[{ queueId: 2, macAddress: MAC6 }]],
    cases: [
      { what: 'filters "x"', run: () => api.createVmq('x' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'filters' },
      { what: 'classify(a DataView)', run: () => api.createVmq([]).classify(new DataView(new ArrayBuffer(60)) as never), expect: 'TypeError', mentions: 'frame' },
    ],
  },
  ecnEgress: {
    valid: () => [2, 1],
    cases: [
      { what: 'innerEcn NaN', run: () => api.ecnEgress(NaN, 1), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'innerEcn' },
      { what: 'outerEcn 7', run: () => api.ecnEgress(1, 7), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'outerEcn' },
      { what: 'innerEcn "2"', run: () => api.ecnEgress('2' as never, 3), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'innerEcn' },
    ],
  },
  applyEcnOnDecapsulation: {
    valid: () => [PLAIN.slice(), 3],
    bytes: { 0: 'inner' },
    cases: [
      { what: 'outerEcn 1.5', run: () => api.applyEcnOnDecapsulation(PLAIN.slice(), 1.5), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'outerEcn' },
      { what: 'outerEcn "3"', run: () => api.applyEcnOnDecapsulation(PLAIN.slice(), '3' as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'outerEcn' },
    ],
  },
  // --- link types: records of any supported link type (docs/api.md "Link types")
  locateOuterIp: { valid: () => [113, new Uint8Array([0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0, ...NV4.subarray(14)])], ints: { 0: 'linkType' }, bytes: { 1: 'data' } },
  linkTypeName: { valid: () => [276], ints: { 0: 'linkType' } },
  LinkNormalizer: {
    valid: () => [],
    call: construct,
    cases: [
      { what: 'toEthernet(1, a plain array)', run: () => new api.LinkNormalizer().toEthernet(1, [1, 2] as never), expect: 'TypeError', mentions: 'data' },
      { what: 'toEthernet(-1, frame)', run: () => new api.LinkNormalizer().toEthernet(-1, NV4), expect: 'RangeError', mentions: 'linkType' },
      { what: 'toEthernet(101, a detached view)', run: () => new api.LinkNormalizer().toEthernet(101, detached()), expect: 'TypeError', mentions: 'data' },
      { what: 'toRecord(null)', run: () => new api.LinkNormalizer().toRecord(null as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'toEthernet(127, frame): null, never a throw', run: () => expect(new api.LinkNormalizer().toEthernet(127, NV4)).toBeNull(), expect: 'ok' },
    ],
  },
  createLinkNormalizer: { valid: () => [] },
  lintRecord: {
    valid: () => [RECORD, { nvgreOnly: true }],
    cases: [
      { what: 'record null', run: () => api.lintRecord(null as never), expect: 'TypeError', mentions: 'record' },
      { what: 'record.data a plain array', run: () => api.lintRecord({ linkType: 1, data: [1, 2] as never }), expect: 'TypeError', mentions: 'record.data' },
      { what: 'record.linkType 1.5', run: () => api.lintRecord({ linkType: 1.5, data: NV4 }), expect: 'TypeError', mentions: 'record.linkType' },
      { what: 'options.nvgreOnly "yes"', run: () => api.lintRecord(RECORD, { nvgreOnly: 'yes' as never }), expect: 'TypeError', mentions: 'options.nvgreOnly' },
      { what: 'an unsupported link type with bad options', run: () => api.lintRecord({ linkType: 127, data: NV4 }, { mtu: 1 }), expect: 'RangeError', mentions: 'options.mtu' },
    ],
  },
  // --- the capture doctor (docs/doctor.md): frames are untrusted bytes, options are checked up front
  diagnose: {
    valid: () => [[NV4, NV6, RECORD], { mtu: 1500 }],
    cases: [
      { what: 'frames null', run: () => api.diagnose(null as never), expect: 'TypeError', mentions: 'frames' },
      { what: 'a frame that is a plain array', run: () => api.diagnose([[1, 2]] as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'a record whose data is a DataView', run: () => api.diagnose([{ data: new DataView(new ArrayBuffer(4)) }] as never), expect: 'TypeError', mentions: 'frame.data' },
      { what: 'mtu 10', run: () => api.diagnose([NV4], { mtu: 10 }), expect: 'RangeError', mentions: 'options.mtu' },
      { what: 'capturedAt "not an address"', run: () => api.diagnose([NV4], { capturedAt: 'not an address' }), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'options.capturedAt' },
      { what: 'a policy with a VSID of 5', run: () => api.diagnose([NV4], { policy: { ...api.examplePolicy(), lookupRecords: [{ ...api.examplePolicy().lookupRecords[0]!, vsid: 5 }] } }), expect: 'nvgre:INVALID_POLICY', mentions: 'lookupRecords[0].vsid' },
      { what: 'hostile bytes: reported, never thrown', run: () => api.diagnose([new Uint8Array(0), new Uint8Array(13), NV4.subarray(0, 40), { linkType: 113, data: NV4.subarray(0, 3) }]), expect: 'ok' },
    ],
  },
  diagnoseStream: {
    valid: () => [[PCAP.subarray(0, 30), PCAP.subarray(30)], { maxFlows: 10 }],
    cases: [
      { what: 'a source that is a number', run: () => api.diagnoseStream(7 as never), expect: 'TypeError', mentions: 'source' },
      { what: 'a corrupt capture', run: () => api.diagnoseStream([new Uint8Array([1, 2, 3, 4, 5])]), expect: 'nvgre:BAD_CAPTURE' },
      { what: 'maxFlows 0', run: () => api.diagnoseStream([PCAP], { maxFlows: 0 }), expect: 'RangeError', mentions: 'options.maxFlows' },
    ],
  },
  createDoctor: {
    valid: () => [{ keyLayout: 'low24' }],
    cases: [
      { what: 'options "x"', run: () => api.createDoctor('x' as never), expect: 'TypeError', mentions: 'options' },
      { what: 'keyLayout "x"', run: () => api.createDoctor({ keyLayout: 'x' as never }), expect: 'TypeError', mentions: 'options.keyLayout' },
      { what: 'add(null)', run: () => api.createDoctor().add(null as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'add(a detached view)', run: () => api.createDoctor().add(detached()), expect: 'TypeError', mentions: 'frame' },
      { what: 'add with linkType -1', run: () => api.createDoctor().add({ linkType: -1, data: NV4 }), expect: 'RangeError', mentions: 'frame.linkType' },
    ],
  },
  Doctor: { valid: () => [{ examples: 3 }], call: construct, cases: [{ what: 'examples 101', run: () => new api.Doctor({ examples: 101 }), expect: 'RangeError', mentions: 'options.examples' }] },
  captureStats: {
    valid: () => [[NV4, NV6, RECORD], { top: 3 }],
    cases: [
      { what: 'frames 7', run: () => api.captureStats(7 as never), expect: 'TypeError', mentions: 'frames' },
      { what: 'a frame that is a string', run: () => api.captureStats(['abc'] as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'top -1', run: () => api.captureStats([NV4], { top: -1 }), expect: 'RangeError', mentions: 'options.top' },
      { what: 'hostile bytes: counted, never thrown', run: () => api.captureStats([new Uint8Array(0), NV4.subarray(0, 50), { linkType: 276, data: NV4.subarray(0, 5) }]), expect: 'ok' },
    ],
  },
  captureStatsStream: {
    valid: () => [[PCAPNG]],
    cases: [{ what: 'a source that is null', run: () => api.captureStatsStream(null as never), expect: 'TypeError', mentions: 'source' }],
  },
  createStats: {
    valid: () => [{ maxFlows: 10 }],
    cases: [
      { what: 'keyLayout 7', run: () => api.createStats({ keyLayout: 7 as never }), expect: 'TypeError', mentions: 'options.keyLayout' },
      { what: 'add(a Uint16Array)', run: () => api.createStats().add(new Uint16Array(4) as never), expect: 'TypeError', mentions: 'frame' },
      { what: 'add with number 0', run: () => api.createStats().add(NV4, 0), expect: 'RangeError', mentions: 'number' },
    ],
  },
  StatsCollector: { valid: () => [], call: construct, cases: [{ what: 'maxPairs 0', run: () => new api.StatsCollector({ maxPairs: 0 }), expect: 'RangeError', mentions: 'options.maxPairs' }] },
  // --- the NVE model (docs/nve.md): a policy is untrusted input (INVALID_POLICY naming the entry), frames are bytes
  createPolicy: {
    valid: () => [api.examplePolicy()],
    cases: [
      { what: 'null', run: () => api.createPolicy(null as never), expect: 'nvgre:INVALID_POLICY', mentions: 'policy' },
      { what: 'a VSID of 5', run: () => api.createPolicy({ ...api.examplePolicy(), lookupRecords: [{ ...api.examplePolicy().lookupRecords[0]!, vsid: 5 }] }), expect: 'nvgre:INVALID_POLICY', mentions: 'lookupRecords[0].vsid' },
      { what: 'hosts "x"', run: () => api.createPolicy({ lookupRecords: [], hosts: 'x' } as never), expect: 'nvgre:INVALID_POLICY', mentions: 'hosts' },
    ],
  },
  validatePolicy: { valid: () => [api.examplePolicy()], cases: [{ what: 'a number', run: () => api.validatePolicy(7), expect: 'ok' }] },
  checkPolicy: { valid: () => [api.examplePolicy()], cases: [{ what: 'records of strings', run: () => api.checkPolicy({ lookupRecords: ['x'], hosts: [] } as never), expect: 'ok' }] },
  importHnvPolicy: {
    valid: () => [{ lookupRecords: '[]', hosts: [{ name: 'h', providerAddresses: '[]' }] }],
    cases: [
      { what: 'exports null', run: () => api.importHnvPolicy(null as never), expect: 'nvgre:INVALID_POLICY', mentions: 'exports' },
      { what: 'a Rule of 99', run: () => api.importHnvPolicy({ lookupRecords: [{ CustomerAddress: '10.0.0.1', VirtualSubnetID: 5001, MACAddress: '101010101105', ProviderAddress: '192.0.2.1', Rule: 99 }] }), expect: 'nvgre:INVALID_POLICY', mentions: 'lookupRecords[0].Rule' },
      { what: 'text that is not JSON', run: () => api.importHnvPolicy({ customerRoutes: '{' }), expect: 'nvgre:INVALID_POLICY', mentions: 'customerRoutes' },
    ],
  },
  hnvExportKind: { valid: () => ['[]'], cases: [{ what: 'a number', run: () => api.hnvExportKind(3), expect: 'ok' }] },
  examplePolicy: { valid: () => [] },
  createNve: {
    valid: () => [api.examplePolicy(), 'host1'],
    cases: [
      { what: 'an unknown host', run: () => api.createNve(api.examplePolicy(), 'nowhere'), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'nowhere' },
      { what: 'transmit(a plain array)', run: () => api.createNve(api.examplePolicy(), 'host1').transmit([1, 2] as never, { vsid: 5001 }), expect: 'TypeError', mentions: 'vmFrame' },
      { what: 'transmit with port null', run: () => api.createNve(api.examplePolicy(), 'host1').transmit(PLAIN, null as never), expect: 'nvgre:INVALID_ARGUMENT', mentions: 'port' },
      { what: 'transmitInto at offset -1', run: () => api.createNve(api.examplePolicy(), 'host1').transmitInto(new Uint8Array(99), -1, PLAIN, { vsid: 5001 }), expect: 'RangeError', mentions: 'offset' },
      { what: 'receive(a detached view)', run: () => api.createNve(api.examplePolicy(), 'host1').receive(detached()), expect: 'TypeError', mentions: 'wireFrame' },
      { what: 'receive(an empty frame)', run: () => api.createNve(api.examplePolicy(), 'host1').receive(new Uint8Array(0)), expect: 'ok' },
    ],
  },
  explainFrame: { valid: () => [api.examplePolicy(), NV4], bytes: { 1: 'frame' } },
};

function cyclicSpec(): FrameSpec {
  const s: { ethernet: object; ipv4: object; nvgre: object; inner?: unknown } = { ethernet: {}, ipv4: { src: '1.1.1.1', dst: '2.2.2.2' }, nvgre: { vsid: 5000 } };
  s.inner = s;
  return s as FrameSpec;
}

function segmentIntoSmall(): unknown {
  const target = new Uint8Array(100).fill(0xa5);
  try {
    return api.segmentInto(NV4, { mss: 100 }, target);
  } finally {
    expect(target.every((b) => b === 0xa5)).toBe(true);
  }
}

function segmentIntoOverlap(): unknown {
  const plan = api.segmentPlan(NV4, { mss: 100 });
  const buffer = new Uint8Array(plan.totalLength + NV4.length);
  const frame = buffer.subarray(plan.totalLength - 10, plan.totalLength - 10 + NV4.length);
  frame.set(NV4);
  try {
    return api.segmentInto(frame, { mss: 100 }, buffer);
  } finally {
    expect(frame).toEqual(NV4);
  }
}

function expectTryError(r: ReturnType<typeof api.tryDecapsulate>, mentions: string): void {
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    expect(r.error.message).toContain(mentions);
  }
}

// ---------------------------------------------------------------------------------------------
// The checks

type Fn = (...a: unknown[]) => unknown;

async function settle(f: () => unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await f() };
  } catch (error) {
    return { ok: false, error };
  }
}

async function expectOutcome(what: string, f: () => unknown, expected: Expect, mentions?: string): Promise<void> {
  const r = await settle(f);
  if (expected === 'ok') {
    expect(r.ok, `${what}: ${r.ok ? '' : String((r as { error: unknown }).error)}`).toBe(true);
    return;
  }
  expect(r.ok, `${what}: expected ${expected}, but the call returned`).toBe(false);
  const e = (r as { error: unknown }).error;
  if (expected.startsWith('nvgre:')) {
    expect(e, `${what}: ${String(e)}`).toBeInstanceOf(NvgreError);
    expect((e as NvgreError).code, what).toBe(expected.slice('nvgre:'.length));
  } else {
    const kinds = expected.split('|');
    expect(kinds, `${what}: ${String(e)}`).toContain((e as Error).constructor.name);
  }
  if (mentions !== undefined) expect((e as Error).message, what).toContain(mentions);
}

const EXPORTED_FUNCTIONS = Object.entries(api)
  .filter(([, v]) => typeof v === 'function')
  .map(([k]) => k)
  .sort();

describe('hostile arguments against every export', () => {
  it('the table covers every function export of src/index.ts (a new export needs a row)', () => {
    expect(Object.keys(TABLE).sort()).toEqual(EXPORTED_FUNCTIONS);
  });

  for (const name of EXPORTED_FUNCTIONS) {
    const row = TABLE[name];
    if (row === undefined) continue;
    const fn = (api as unknown as Record<string, Fn>)[name]!;
    const call = (args: unknown[]) => (row.call ?? ((f: Fn, a: unknown[]) => f(...a)))(fn, args);

    it(`${name}: valid call, byte and integer arguments, and its own cases`, async () => {
      const valid = await settle(() => call(row.valid()));
      expect(valid.ok, `${name}(valid): ${valid.ok ? '' : String((valid as { error: unknown }).error)}`).toBe(true);
      const plain = stable((valid as { value: unknown }).value);

      for (const [pos, argName] of Object.entries(row.bytes ?? {})) {
        for (const [kind, make] of NOT_BYTES) {
          const args = row.valid();
          args[Number(pos)] = make();
          if (row.neverThrows) {
            const r = await settle(() => call(args));
            expect(r.ok, `${name} with ${argName} = ${kind} threw`).toBe(true);
            expectTryError((r as { value: ReturnType<typeof api.tryDecapsulate> }).value, argName);
          } else {
            await expectOutcome(`${name} with ${argName} = ${kind}`, () => call(args), 'TypeError', argName);
          }
        }
        for (const [kind, convert] of OTHER_BYTES) {
          const args = row.valid();
          args[Number(pos)] = convert(args[Number(pos)] as Uint8Array);
          const r = await settle(() => call(args));
          expect(r.ok, `${name} with ${argName} = ${kind}: ${r.ok ? '' : String((r as { error: unknown }).error)}`).toBe(true);
          expect(stable((r as { value: unknown }).value), `${name} with ${argName} = ${kind}`).toBe(plain);
        }
      }

      for (const [pos, argName] of Object.entries(row.ints ?? {})) {
        for (const [kind, value] of NOT_INTS) {
          const args = row.valid();
          args[Number(pos)] = value;
          await expectOutcome(`${name} with ${argName} = ${kind}`, () => call(args), 'TypeError|RangeError', argName);
        }
      }

      for (const c of row.cases ?? []) await expectOutcome(`${name}: ${c.what}`, c.run, c.expect, c.mentions);
    });
  }
});
