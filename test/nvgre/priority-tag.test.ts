/**
 * acceptPriorityTag (docs/nvgre.md §7): draft-era senders carried the frame priority in an inner 802.1Q tag
 * with VID 0, which RFC 7637 §3.3 requires a decapsulator to drop. With the option, a lone priority tag
 * is removed instead, and reported; every other inner tag keeps its verdict.
 */
import { describe, expect, it } from 'vitest';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { createDecapsulator, decapsulate, tryDecapsulate } from '../../src/tunnel/decapsulate.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));

// Built by Scapy 2.5.0 (/usr/bin/python3), not by this library:
//   outer = Ether(src='00:1d:d8:b7:1c:01', dst='00:1d:d8:b7:1c:02')/IP(src='192.0.2.10', dst='198.51.100.20', flags='DF')
//           /GRE(key_present=1, key=0x12345642, proto=0x6558)
//   TAGGED = bytes(outer/Ether(src='52:54:00:00:00:01', dst='52:54:00:00:00:02')/Dot1Q(vlan=0, prio=5, id=1)
//                  /IP(src='10.0.0.1', dst='10.0.0.2')/UDP(sport=4000, dport=53)/Raw(b'prio'))
//   PLAIN  = bytes(the same inner frame without the Dot1Q layer)
//   VID7   = TAGGED with Dot1Q(vlan=7, prio=5)
const TAGGED = hex(
  '001dd8b71c02001dd8b71c0108004500004e00014000402f4e2ec000020ac633641420006558123456425254000000025254000000018100b00008004500002000010000401166ca0a0000010a0000020fa00035000c021d7072696f',
);
const PLAIN = hex('52540000000252540000000108004500002000010000401166ca0a0000010a0000020fa00035000c021d7072696f');
const VID7 = hex(
  '001dd8b71c02001dd8b71c0108004500004e00014000402f4e2ec000020ac633641420006558123456425254000000025254000000018100a00708004500002000010000401166ca0a0000010a0000020fa00035000c021d7072696f',
);
const INNER_OFFSET = 14 + 20 + 8;

describe('acceptPriorityTag (docs/nvgre.md §7)', () => {
  it('is off by default: strict drops the priority-tagged frame, lenient reports INNER_VLAN and keeps the tag', () => {
    const strict = tryDecapsulate(TAGGED);
    expect(strict.ok ? 'accepted' : strict.error.code).toBe('INNER_VLAN');
    const lenient = decapsulate(TAGGED, { strict: false });
    expect(lenient.dropReasons).toEqual(['INNER_VLAN']);
    expect(lenient.priorityTag).toBeNull();
    expect(lenient.inner).toEqual(TAGGED.subarray(INNER_OFFSET));
  });

  it('removes a lone VID-0 tag: inner is the untagged frame Scapy builds, the tag is reported, the input is unchanged', () => {
    const before = TAGGED.slice();
    for (const strict of [true, false]) {
      const r = decapsulate(TAGGED, { strict, acceptPriorityTag: true });
      expect(r.inner).toEqual(PLAIN);
      expect(r.priorityTag).toEqual({ tpid: 0x8100, id: 0, pcp: 5, dei: true });
      expect(r.dropReasons).toEqual([]);
      expect([r.vsid, r.flowId]).toEqual([0x123456, 0x42]);
      // innerOffset/innerLength still describe the bytes in the input, tag included.
      expect([r.innerOffset, r.innerLength]).toEqual([INNER_OFFSET, TAGGED.length - INNER_OFFSET]);
      expect(r.inner.buffer).not.toBe(TAGGED.buffer);
      expect((r as unknown as { toJSON(): { priorityTag: unknown } }).toJSON().priorityTag).toEqual(r.priorityTag);
    }
    expect(TAGGED).toEqual(before);
  });

  it('keeps the verdict for a tag with a VLAN ID, a second tag, an 802.1ad tag, or a tag cut short', () => {
    const innerWith = (vlans: NonNullable<NonNullable<FrameSpec['ethernet']>['vlans']>): FrameSpec => ({
      ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02', vlans },
      ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
      udp: { srcPort: 4000, dstPort: 53 },
      payload: 'prio',
    });
    const nvgre = (inner: FrameSpec) =>
      buildFrame({ ipv4: { src: '192.0.2.10', dst: '198.51.100.20' }, nvgre: { vsid: 0x123456, flowId: 0x42 }, inner });
    const cases: [string, Uint8Array][] = [
      ['VID 7 (Scapy)', VID7],
      ['VID 0 then a C-tag', nvgre(innerWith([{ id: 0, pcp: 3 }, { id: 5 }]))],
      ['802.1ad S-tag with VID 0', nvgre(innerWith([{ id: 0, tpid: 0x88a8 }]))],
    ];
    for (const [what, f] of cases) {
      const strict = tryDecapsulate(f, { acceptPriorityTag: true });
      expect({ what, verdict: strict.ok ? 'accepted' : strict.error.code }).toEqual({ what, verdict: 'INNER_VLAN' });
      const lenient = decapsulate(f, { strict: false, acceptPriorityTag: true });
      expect({ what, reasons: lenient.dropReasons, tag: lenient.priorityTag }).toEqual({ what, reasons: ['INNER_VLAN'], tag: null });
    }
    // A datagram that ends inside the tag's EtherType: no frame to strip to, so the usual verdict.
    const short = buildFrame({
      ipv4: { src: '192.0.2.10', dst: '198.51.100.20' },
      nvgre: { vsid: 0x123456, flowId: 0x42 },
      inner: { ethernet: { etherType: 0x8100 }, payload: Uint8Array.of(0xb0, 0x00, 0x08) },
    });
    const r = tryDecapsulate(short, { acceptPriorityTag: true });
    expect(r.ok ? 'accepted' : r.error.code).toBe('INNER_VLAN');
  });

  it('the reusable decapsulator strips per frame and forgets the tag on the next frame', () => {
    const d = createDecapsulator({ acceptPriorityTag: true });
    const first = d.decapsulate(TAGGED);
    expect([first.inner, first.priorityTag?.pcp]).toEqual([PLAIN, 5]);
    const untagged = buildFrame({
      ipv4: { src: '192.0.2.10', dst: '198.51.100.20' },
      nvgre: { vsid: 0x123456, flowId: 0x42 },
      inner: { ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 4000, dstPort: 53 }, payload: 'prio' },
    });
    const second = d.decapsulate(untagged);
    expect(second.priorityTag).toBeNull();
    expect(second.inner.buffer).toBe(untagged.buffer); // zero copy again
    expect(second.innerLength).toBe(untagged.length - INNER_OFFSET);
  });
});
