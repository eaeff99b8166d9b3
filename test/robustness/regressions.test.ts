/**
 * One named test per bug the robustness work found (issue 6): the minimal input (hex where it is a
 * frame) and one line on what broke. Found by the properties of test/robustness/*.property.test.ts,
 * the hostile-argument table (hostile-args.test.ts) and the bounded-work probes (bounded.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/wire/bytes.js';
import {
  CaptureStreamParser,
  FrameLayout,
  NvgreError,
  PcapWriter,
  Reassembler,
  addSum,
  applyEcnOnDecapsulation,
  buildFrame,
  buildFrameInto,
  checkIpv4,
  createEncapsulator,
  decapsulate,
  defaultTimestamp,
  ecnEgress,
  fold,
  formatIpv4,
  innerFlowHash,
  innerMtu,
  lint,
  nvgreOverhead,
  onesComplementSum,
  parseFrame,
  readCapture,
  readEthernet,
  readGre,
  segment,
  segmentInto,
  segmentPlan,
  tryDecapsulate,
  updateTransportChecksum16,
  walkFrame,
  writeIpv4,
  writePcap,
  writeTcp,
} from '../../src/index.js';

function error(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

function code(f: () => unknown): string {
  const e = error(f);
  if (!(e instanceof NvgreError)) throw e;
  return e.code;
}

function detached(): Uint8Array {
  const b = new Uint8Array(64);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

describe('regressions', () => {
  it('decapsulate-ipv6-error-prefix: an outer IPv6 header or chain error was reported as "CODE at L offset N: CODE at L offset N: …"', () => {
    // 14 bytes: an Ethernet header announcing IPv6, and no IPv6 header.
    const frame = fromHex('00000000000000000000000086dd');
    const e = error(() => decapsulate(frame)) as NvgreError;
    expect(e.message).toBe('TRUNCATED at outer-ipv6 offset 14: IPv6 header needs 40 bytes but only 0 remain; the frame is cut short (capture snaplen?)');
    const t = tryDecapsulate(frame, { strict: false });
    expect(t.ok ? '' : t.error.message).toBe('IPv6 header needs 40 bytes but only 0 remain; the frame is cut short (capture snaplen?)');
    // 65 empty Destination Options headers: BAD_IP_HEADER, prefixed once.
    const chain = new Uint8Array(14 + 40 + 8 * 65 + 8);
    chain.set([0x86, 0xdd, 0x60], 12);
    chain.set([(8 * 66) >> 8, (8 * 66) & 0xff, 60], 18);
    for (let i = 0; i < 65; i++) chain[54 + 8 * i] = i === 64 ? 47 : 60;
    expect((error(() => decapsulate(chain)) as NvgreError).message.match(/BAD_IP_HEADER at/g)).toHaveLength(1);
  });

  it('flowhash-reads-padding: innerFlowHash (so the default FlowID) read "ports" from Ethernet padding after the IP datagram', () => {
    // IPv4 Total Length 20: the datagram ends after the IP header; the 20 TCP-looking bytes are padding.
    const frame = fromHex('02000000000202000000000108004500001400000000400666e20a0000010a0000020001000200000000000000005010ffff9bcf0000');
    const other = frame.slice();
    other.fill(0x77, 34);
    expect(innerFlowHash(other, 0, other.length)).toBe(innerFlowHash(frame, 0, frame.length));
    const enc = createEncapsulator({ vsid: 0x5001, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' });
    expect(enc.encapsulate(other, { ipId: 1 })[41]).toBe(enc.encapsulate(frame, { ipId: 1 })[41]);
  });

  it('segment-header-amplification: a plain IPv6 template with 62 KiB of extension headers and MSS 1 planned 4 GiB of segments', () => {
    // 31 Destination Options headers of 2048 bytes (Hdr Ext Len 255), TCP, 65535 payload bytes; maxHeaderSize covers NVGRE only.
    const f = new Uint8Array(14 + 40 + 31 * 2048 + 20 + 65535);
    f.set([0x86, 0xdd, 0x60], 12);
    f[20] = 60;
    for (let i = 0; i < 31; i++) f.set([i === 30 ? 6 : 60, 255], 54 + i * 2048);
    f.set([0x50, 0x10], 54 + 31 * 2048 + 12);
    expect(code(() => segmentPlan(f, { mss: 1 }))).toBe('TOO_LARGE');
    // And maxSegments lifted on a 16 MiB payload used to build 16 million segments (73 s, 1.9 GB).
    const header = buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 } });
    const big = new Uint8Array(header.length + (16 << 20));
    big.set(header);
    expect(code(() => segment(big, { mss: 1, maxSegments: Number.MAX_SAFE_INTEGER }))).toBe('TOO_LARGE');
  });

  it('detached-view-node20: on Node 20 a view of a detached buffer was decoded as an empty frame (TRUNCATED)', () => {
    expect(error(() => decapsulate(detached()))).toBeInstanceOf(TypeError);
    expect(error(() => parseFrame(detached())).message).toContain('detached');
    const t = tryDecapsulate(detached());
    expect(t.ok ? '' : t.error.code).toBe('INVALID_ARGUMENT');
    expect(error(() => applyEcnOnDecapsulation(detached(), 3))).toBeInstanceOf(TypeError); // returned 'drop'
  });

  it('low-level-readers-unchecked-arguments: plain arrays, DataViews and offsets past the end were read as zeros', () => {
    const frame = fromHex('02000000000202000000000108004500001400000000400666e20a0000010a000002');
    expect(error(() => formatIpv4(frame, frame.length - 2))).toBeInstanceOf(RangeError); // was "10.0.undefined.undefined"
    expect(error(() => readEthernet(frame, -1)).message).toContain('offset'); // was "Cannot read properties of undefined"
    expect(error(() => onesComplementSum(frame, 0, 1e6))).toBeInstanceOf(RangeError); // summed phantom zeros
    expect(error(() => readGre(frame, 14, NaN)).message).toContain('end'); // decoded a GRE header from nothing
    expect(error(() => checkIpv4(Array.from(frame) as never, 14, 34, 'ipv4'))).toBeInstanceOf(TypeError); // read the array
    expect(error(() => walkFrame(frame, new FrameLayout(), 0, 1e6))).toBeInstanceOf(RangeError); // walked past the bytes
  });

  it('writers-partial-write: writeIpv4 into a short target wrote the first bytes, then threw "offset is out of bounds"', () => {
    const target = new Uint8Array(5).fill(0xa5);
    expect(code(() => writeIpv4(target, 0, { src: new Uint8Array(4), dst: new Uint8Array(4), protocol: 6, payloadLength: 0 }))).toBe('NO_SPACE');
    expect(Array.from(target)).toEqual([0xa5, 0xa5, 0xa5, 0xa5, 0xa5]);
    expect(error(() => writeTcp(new Uint8Array(40), -3, { srcPort: 1, dstPort: 2 }))).toBeInstanceOf(RangeError); // returned 20
  });

  it('buildframe-masked-values: out-of-range spec values were written masked (TTL 300 as 44, port 70000 as 4464, FlowID 300 as 44)', () => {
    const base = { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } };
    expect(error(() => buildFrame({ ...base, ipv4: { ...base.ipv4, ttl: 300 } })).message).toContain('spec.ipv4.ttl');
    expect(error(() => buildFrame({ ...base, udp: { srcPort: 70000, dstPort: 2 } })).message).toContain('spec.udp.srcPort');
    expect(error(() => buildFrame({ ...base, ethernet: { vlans: [{ id: 5000 }] } })).message).toContain('spec.ethernet.vlans[0].id');
    expect(error(() => buildFrame({ ethernet: {}, ipv4: base.ipv4, nvgre: { vsid: 0x5001, flowId: 300 }, inner: base })).message).toContain('spec.nvgre.flowId');
    // A Fragment header offset of -8 was written as 0xFFF8.
    expect(code(() => buildFrame({ ethernet: {}, ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'fragment', fragmentOffset: -8 }] } }))).toBe('INVALID_ARGUMENT');
    // Sequence numbers still count modulo 2^32 (RFC 9293 §3.4).
    expect(() => buildFrame({ ...base, udp: undefined, tcp: { srcPort: 1, dstPort: 2, seq: 2 ** 32 + 5 } } as never)).not.toThrow();
  });

  it('buildframe-trailer-allocation: trailer 2^31 allocated 2 GiB; NaN or -5 threw "offset is out of bounds"', () => {
    for (const trailer of [2 ** 31, NaN, -5, 1.5]) expect(error(() => buildFrame({ ethernet: {}, trailer })).message).toContain('spec.trailer');
    expect(error(() => buildFrame({ ethernet: {}, payload: 5 as never })).message).toContain('spec.payload');
  });

  it('buildframe-hdr-ext-len-wrap: 3000 bytes of Hop-by-Hop options or 130 routing addresses wrapped the 8-bit Hdr Ext Len (malformed frame)', () => {
    const ipv6 = { src: 'fd00::1', dst: 'fd00::2' };
    expect(code(() => buildFrame({ ethernet: {}, ipv6: { ...ipv6, extensionHeaders: [{ type: 'hop-by-hop', options: new Uint8Array(3000) }] } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => buildFrame({ ethernet: {}, ipv6: { ...ipv6, extensionHeaders: [{ type: 'routing', addresses: new Array<string>(130).fill('fd00::9') }] } }))).toBe('INVALID_ARGUMENT');
    // The largest that fits still builds and parses.
    const ok = buildFrame({ ethernet: {}, ipv6: { ...ipv6, extensionHeaders: [{ type: 'hop-by-hop', options: new Uint8Array(2046) }] }, udp: { srcPort: 1, dstPort: 2 } });
    expect(parseFrame(ok).transport?.protocol).toBe('udp');
  });

  it('wrong-typed-options-ignored: options of the wrong type were silently ignored or misread', () => {
    const frame = buildFrame({ ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 5, flowId: 1 }, inner: { ethernet: {}, payload: new Uint8Array(20) } });
    expect(error(() => decapsulate(frame, { strict: 'no' as never }))).toBeInstanceOf(TypeError); // was strict: RESERVED_VSID
    expect(error(() => parseFrame(frame, 'x' as never))).toBeInstanceOf(TypeError);
    expect(error(() => lint(frame, { legacyKeyView: 'yes' as never }))).toBeInstanceOf(TypeError);
    const opts = { vsid: 0x5001, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' };
    expect(code(() => createEncapsulator({ ...opts, dontFragment: 'no' as never }))).toBe('INVALID_ARGUMENT'); // set DF
    expect(code(() => createEncapsulator({ ...opts, vlan: null as never }))).toBe('INVALID_ARGUMENT'); // unnamed TypeError
    expect(error(() => createEncapsulator(opts).encapsulate(frame, null as never)).message).toContain('perPacket');
    expect(error(() => new Reassembler({ verifyIpv4Checksum: 'no' as never }))).toBeInstanceOf(TypeError);
    expect(error(() => new Reassembler(null as never)).message).toContain('options');
    expect(error(() => new PcapWriter({ nanosecond: 'x' as never }))).toBeInstanceOf(TypeError); // wrote nanosecond magic
    expect(error(() => writePcap(5 as never)).message).toContain('frames'); // returned an empty capture
    expect(error(() => new CaptureStreamParser('x' as never))).toBeInstanceOf(TypeError);
    expect(error(() => readCapture(writePcap([]), null as never))).toBeInstanceOf(TypeError);
  });

  it('segmentinto-overlap: a target overlapping the frame overwrote the template while segmenting it', () => {
    const frame = buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 }, payload: new Uint8Array(500).fill(7) });
    const plan = segmentPlan(frame, { mss: 100 });
    const buffer = new Uint8Array(plan.totalLength + frame.length);
    const view = buffer.subarray(100, 100 + frame.length);
    view.set(frame);
    expect(code(() => segmentInto(view, { mss: 100 }, buffer))).toBe('INVALID_ARGUMENT');
    expect(view).toEqual(frame);
  });

  it('numeric-helpers-garbage: ecnEgress(NaN, 1) returned NaN and ecnEgress(7, 1) returned 7; fold/addSum/update helpers returned NaN or negative sums', () => {
    expect(code(() => ecnEgress(NaN, 1))).toBe('INVALID_ARGUMENT');
    expect(code(() => ecnEgress(7, 1))).toBe('INVALID_ARGUMENT');
    expect(error(() => fold(-1))).toBeInstanceOf(RangeError); // returned -1
    expect(error(() => addSum(NaN, 1))).toBeInstanceOf(TypeError); // returned NaN
    expect(error(() => updateTransportChecksum16(1, 2, 3, 17, 5 as never))).toBeInstanceOf(RangeError); // treated as IPv6
    expect(error(() => nvgreOverhead(5 as never))).toBeInstanceOf(RangeError); // returned 62
    expect(error(() => innerMtu(10, 4))).toBeInstanceOf(RangeError); // returned -32
    expect(error(() => defaultTimestamp(NaN))).toBeInstanceOf(TypeError); // returned { seconds: NaN }
  });

  it('buildframeinto-late-spec-check: a VSID above 24 bits or an unaligned fragmentOffset threw after the target range was zeroed and partly written', () => {
    const inner = { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 } };
    const outer = { ethernet: {}, ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x5001 }, inner };
    const bad = [
      { ...outer, nvgre: { vsid: 0x1000000 } },
      { ...outer, nvgre: { vsid: 1.5 } },
      { ...outer, ipv4: { ...outer.ipv4, fragmentOffset: 5 } },
      { ...outer, inner: { ...inner, ipv4: { ...inner.ipv4, fragmentOffset: 12 } } },
      { ...outer, inner: { ...outer, nvgre: { vsid: -1 } } },
    ];
    for (const spec of bad) {
      const target = new Uint8Array(200).fill(0xa5);
      expect(code(() => buildFrameInto(spec as never, target, 3))).toBe('INVALID_ARGUMENT');
      expect(target.every((b) => b === 0xa5)).toBe(true);
    }
  });
});
