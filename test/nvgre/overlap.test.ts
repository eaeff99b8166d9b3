/**
 * encapsulateInto with an inner frame that shares the target's bytes (issue 13 §5): the result must be
 * exactly what a separate inner frame gives (memmove semantics), for every placement of the inner frame
 * from one byte before the header's start to a header length past its end, on the fast path (fixed
 * options, the target seen once or reused), the general path (inner VLAN tag stripped, DSCP inherited,
 * IPv6 flow label hashed: everything read from the inner frame is read before anything is written)
 * and the no-copy headroom path of inner frames of 4 KiB or more.
 */
import { describe, expect, it } from 'vitest';
import { createEncapsulator, type EncapsulateOptions } from '../../src/index.js';

const OUTER: readonly { name: string; options: EncapsulateOptions }[] = [
  { name: 'IPv4', options: { vsid: 0x12345, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' } },
  {
    name: 'IPv6 + 802.1Q',
    options: { vsid: 0x12345, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '2001:db8::1', dstIp: '2001:db8::2', vlan: { id: 7 } },
  },
  { name: 'IPv4, DSCP inherited (general path)', options: { vsid: 0x12345, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2', dscp: 'inherit' } },
  {
    name: 'IPv6, flow label hashed from the inner frame (general path)',
    options: { vsid: 0x12345, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '2001:db8::1', dstIp: '2001:db8::2', flowLabel: 'hash' },
  },
];

/** An inner Ethernet/IPv4 frame of `length` bytes with varied bytes, optionally 802.1Q-tagged. */
function innerFrame(length: number, tagged: boolean): Uint8Array {
  const f = new Uint8Array(length);
  for (let i = 0; i < length; i++) f[i] = (i * 37 + 11) & 0xff;
  let o = 12;
  if (tagged) {
    f.set([0x81, 0x00, 0x00, 0x05], 12);
    o = 16;
  }
  f.set([0x08, 0x00, 0x45, 0xb8], o); // IPv4, DSCP 46
  return f;
}

/** What the encapsulator writes for a separate copy of `inner` (a fresh encapsulator: same IPv4 ID). */
function reference(options: EncapsulateOptions, inner: Uint8Array): Uint8Array {
  return createEncapsulator(options).encapsulate(inner.slice());
}

describe('encapsulateInto with an inner frame inside the target', () => {
  for (const { name, options } of OUTER) {
    for (const [length, tagged] of [
      [154, false],
      [154, true],
      [1500, false],
      [4200, false],
      [4200, true],
    ] as const) {
      it(`${name}, ${length}-byte${tagged ? ' tagged' : ''} inner: every shift from −(header + 1) to +header`, () => {
        const hl = createEncapsulator(options).headerLength;
        const inner = innerFrame(length, tagged);
        const expected = reference(options, inner);
        const offset = 100;
        for (let shift = -(hl + 1); shift <= hl; shift++) {
          for (const reuse of [false, true]) {
            const enc = createEncapsulator(options);
            const target = new Uint8Array(offset + hl + length + hl + 64);
            // A reused target takes the word-store path from its second use: prime it once.
            if (reuse) enc.encapsulateInto(target, 0, innerFrame(64, false));
            const start = offset + hl + shift;
            target.set(inner, start);
            const written = enc.encapsulateInto(target, offset, target.subarray(start, start + length));
            // A fresh encapsulator would use IPv4 ID 0; the primed one is one packet further on.
            const want = expected.slice();
            if (reuse && enc.ipVersion === 4) {
              const fresh = createEncapsulator({ ...options, ipId: 1 }).encapsulate(inner.slice());
              want.set(fresh);
            }
            expect(written, `shift ${shift}${reuse ? ', reused target' : ''}`).toBe(want.length);
            const got = target.subarray(offset, offset + written);
            if (!bytesEqual(got, want)) expect.fail(`shift ${shift}${reuse ? ', reused target' : ''}: the frame differs from encapsulate() of a separate inner frame`);
          }
        }
      });
    }
  }
});

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
