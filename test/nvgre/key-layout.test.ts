/**
 * Key layouts (docs/nvgre.md §7): RFC 7637's VSID << 8 | FlowID against the first draft's text, the
 * VSID in the low 24 bits with a zero high byte. The worked numbers are those of the KB2779768 story
 * (docs/nvgre.md §7): a low24 sender's VSID 5001 reads as reserved VSID 0x13 with FlowID 0x89 to an
 * RFC receiver, and an RFC sender's VSID 5001 reads as VSID 0x138900 to a low24 receiver.
 */
import { describe, expect, it } from 'vitest';
import { buildFrame, createEncapsulator, decapsulate, encapsulate, lint, parseFrame, tryDecapsulate, type EncapsulateOptions, type FrameSpec } from '../../src/index.js';
import { expectCode as expectNvgreError } from '../helpers/errors.js';

const BASE: EncapsulateOptions = { vsid: 5001, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' };
const V6: EncapsulateOptions = { ...BASE, srcIp: '2001:db8::1', dstIp: '2001:db8::2', vlan: { id: 9 } };

function inner(): Uint8Array {
  const f = new Uint8Array(64);
  f.set([0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00, 0x45], 0);
  return f;
}

/** The 32-bit key of an encapsulated frame (the NVGRE header is the last 8 bytes before the inner frame). */
function keyOf(frame: Uint8Array, headerLength: number): number {
  return new DataView(frame.buffer, frame.byteOffset).getUint32(headerLength - 4);
}

describe('key layouts', () => {
  for (const options of [BASE, V6]) {
    const name = options === BASE ? 'outer IPv4' : 'outer IPv6 + 802.1Q';

    it(`${name}: a low24 sender writes the VSID as the key, high byte zero`, () => {
      const enc = createEncapsulator({ ...options, keyLayout: 'low24' });
      const frame = enc.encapsulate(inner());
      expect(keyOf(frame, enc.headerLength)).toBe(0x00001389);
    });

    it(`${name}: the fast path (a reused target) writes the same bytes as the general path`, () => {
      const enc = createEncapsulator({ ...options, keyLayout: 'low24', ipId: 3 });
      const target = new Uint8Array(256);
      enc.encapsulateInto(target, 0, inner()); // first use: set()
      const n = enc.encapsulateInto(target, 0, inner()); // second use: word stores
      const expected = createEncapsulator({ ...options, keyLayout: 'low24', ipId: 4 }).encapsulate(inner());
      expect(Array.from(target.subarray(0, n))).toEqual(Array.from(expected));
      expect(keyOf(target, enc.headerLength)).toBe(0x00001389);
    });

    it(`${name}: low24 in, low24 out; an RFC receiver reads reserved VSID 0x13 and FlowID 0x89`, () => {
      const frame = encapsulate(inner(), { ...options, keyLayout: 'low24' });
      const d = decapsulate(frame, { keyLayout: 'low24' });
      expect([d.vsid, d.flowId, d.key]).toEqual([5001, 0, 0x1389]);
      expectNvgreError(() => decapsulate(frame), 'RESERVED_VSID');
      const lenient = decapsulate(frame, { strict: false });
      expect([lenient.vsid, lenient.flowId, lenient.dropReasons]).toEqual([0x13, 0x89, ['RESERVED_VSID']]);
    });

    it(`${name}: an RFC sender's VSID 5001, FlowID 0 reads as VSID 0x138900 to a low24 receiver`, () => {
      const frame = encapsulate(inner(), { ...options, flowId: 'zero' });
      const d = decapsulate(frame, { keyLayout: 'low24' });
      expect([d.vsid, d.flowId, d.key]).toEqual([0x138900, 0, 0x138900]);
    });
  }

  it('a low24 receiver drops a key whose high byte is set (RESERVED_KEY_BITS), and reports it when lenient', () => {
    const frame = encapsulate(inner(), { ...BASE, flowId: 7, vsid: 0x123456 });
    const r = tryDecapsulate(frame, { keyLayout: 'low24' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.code, r.error.layer, r.error.offset]).toEqual(['RESERVED_KEY_BITS', 'gre', 38]);
    const lenient = decapsulate(frame, { keyLayout: 'low24', strict: false });
    expect([lenient.vsid, lenient.dropReasons]).toEqual([0x345607, ['RESERVED_KEY_BITS']]);
  });

  it('low24 has no FlowID: a FlowID policy or a per-packet FlowID other than 0 is refused', () => {
    expectNvgreError(() => createEncapsulator({ ...BASE, keyLayout: 'low24', flowId: 'hash' }), 'INVALID_ARGUMENT');
    expectNvgreError(() => createEncapsulator({ ...BASE, keyLayout: 'low24', flowId: 9 }), 'INVALID_ARGUMENT');
    const enc = createEncapsulator({ ...BASE, keyLayout: 'low24', flowId: 0 });
    expectNvgreError(() => enc.encapsulate(inner(), { flowId: 1 }), 'INVALID_ARGUMENT');
    expect(keyOf(enc.encapsulate(inner(), { flowId: 0 }), enc.headerLength)).toBe(0x1389);
  });

  it('an unknown layout name is refused by both sides', () => {
    expectNvgreError(() => createEncapsulator({ ...BASE, keyLayout: 'high24' as never }), 'INVALID_ARGUMENT');
    const r = tryDecapsulate(encapsulate(inner(), BASE), { keyLayout: 'draft' as never });
    expect(r.ok ? 'accepted' : r.error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('key layouts in buildFrame and parseFrame', () => {
  const spec = (nvgre: Record<string, unknown>) => ({
    ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
    nvgre: { vsid: 5001, ...nvgre },
    inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' },
  });

  it('buildFrame writes the low24 key, and parseFrame reads it back under either layout', () => {
    const frame = buildFrame(spec({ keyLayout: 'low24' }) as FrameSpec);
    const low = parseFrame(frame, { keyLayout: 'low24' }).nvgre!;
    expect([low.key, low.vsid, low.flowId, low.conformant, low.violations]).toEqual([0x1389, 5001, 0, true, []]);
    const rfc = parseFrame(frame).nvgre!;
    expect([rfc.vsid, rfc.flowId, rfc.conformant, rfc.violations]).toEqual([0x13, 0x89, false, ['RESERVED_VSID']]);
    // The three judges agree on both readings.
    expect(tryDecapsulate(frame, { keyLayout: 'low24' }).ok).toBe(true);
    expect(lint(frame, { keyLayout: 'low24' }).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('parseFrame under low24 reports a set high byte as RESERVED_KEY_BITS, as decapsulate drops it', () => {
    const frame = buildFrame(spec({ vsid: 0x123456, flowId: 0x42 }) as FrameSpec);
    const n = parseFrame(frame, { keyLayout: 'low24' }).nvgre!;
    expect([n.key, n.vsid, n.conformant, n.violations]).toEqual([0x12345642, 0x345642, false, ['RESERVED_KEY_BITS']]);
    const r = tryDecapsulate(frame, { keyLayout: 'low24' });
    expect(r.ok ? 'accepted' : r.error.code).toBe('RESERVED_KEY_BITS');
  });

  it('buildFrame refuses a FlowID or an unknown layout with low24', () => {
    expectNvgreError(() => buildFrame(spec({ keyLayout: 'low24', flowId: 3 }) as FrameSpec), 'INVALID_ARGUMENT');
    expectNvgreError(() => buildFrame(spec({ keyLayout: 'low-24' }) as FrameSpec), 'INVALID_ARGUMENT');
    expect(() => parseFrame(buildFrame(spec({}) as FrameSpec), { keyLayout: 'x' as never })).toThrow(TypeError);
  });
});
