/** Ethernet II with 802.1ad S-tag + 802.1Q C-tag (IEEE 802.1Q §9.6). */
import { describe, expect, it } from 'vitest';
import { ETH, ethernetHeaderLength, ethernetLength, readEthernet, readVlanTag, writeEthernet } from '../../src/wire/ethernet.js';
import { parseMac } from '../../src/wire/address.js';
import { expectNvgreError, hex, hexBytes, placed, prefilled } from './helpers.js';

// dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb, S-tag 88a8 TCI e064 (PCP 7, DEI 0, VID 100),
// C-tag 8100 TCI 30c8 (PCP 1, DEI 1, VID 200), EtherType 0x0800.
const FIXTURE = hexBytes('001122334455 66778899aabb 88a8e064 810030c8 0800');

describe('Ethernet header', () => {
  it('reads every field of the fixture', () => {
    expect(readEthernet(FIXTURE)).toEqual({
      dst: '00:11:22:33:44:55',
      src: '66:77:88:99:aa:bb',
      vlans: [
        { tpid: 0x88a8, id: 100, pcp: 7, dei: false },
        { tpid: 0x8100, id: 200, pcp: 1, dei: true },
      ],
      etherType: 0x0800,
      headerLength: 22,
    });
    expect(readVlanTag(FIXTURE, 16)).toEqual({ tpid: 0x8100, id: 200, pcp: 1, dei: true });
  });

  it('reads at an offset inside a larger buffer', () => {
    const b = placed(FIXTURE, 5, 3);
    const h = readEthernet(b, 5, 5 + 22);
    expect([h.dst, h.etherType, h.headerLength, h.vlans.length]).toEqual(['00:11:22:33:44:55', 0x0800, 22, 2]);
    expect(ethernetHeaderLength(b, 5, b.length, 'inner-ethernet')).toBe(22);
  });

  it('an untagged header is 14 bytes', () => {
    const h = readEthernet(hexBytes('ffffffffffff 020000000001 0806'));
    expect(h).toEqual({ dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:00:01', vlans: [], etherType: 0x0806, headerLength: 14 });
  });

  it('walks at most two tags: a third TPID is reported as the EtherType', () => {
    const h = readEthernet(hexBytes('001122334455 66778899aabb 88a80001 81000002 81000003 0800'));
    expect(h.headerLength).toBe(22);
    expect(h.etherType).toBe(0x8100);
    expect(ETH.MAX_TAGS).toBe(2);
  });

  it('writes every field into a buffer pre-filled with 0xA5', () => {
    const t = prefilled(30);
    const n = writeEthernet(t, 3, {
      dst: parseMac('00:11:22:33:44:55'),
      src: parseMac('66:77:88:99:aa:bb'),
      vlans: [
        { tpid: 0x88a8, id: 100, pcp: 7, dei: false },
        { id: 200, pcp: 1, dei: true },
      ],
      etherType: 0x0800,
    });
    expect(n).toBe(22);
    expect(ethernetLength({ vlans: [{ id: 1 }, { id: 2 }] })).toBe(22);
    expect(hex(t.subarray(3, 25))).toBe(hex(FIXTURE));
    expect(Array.from(t.subarray(0, 3))).toEqual([0xa5, 0xa5, 0xa5]);
    expect(Array.from(t.subarray(25))).toEqual([0xa5, 0xa5, 0xa5, 0xa5, 0xa5]);
  });

  it('masks the VID to 12 bits', () => {
    const t = prefilled(18);
    writeEthernet(t, 0, { dst: new Uint8Array(6), src: new Uint8Array(6), vlans: [{ id: 0x1fff }], etherType: 0x86dd });
    expect(hex(t.subarray(12))).toBe('81000fff86dd');
  });

  it('every cut of the fixture is TRUNCATED with the length the header needed at that point', () => {
    for (let n = 0; n < FIXTURE.length; n++) {
      const needed = n < 14 ? 14 : n < 18 ? 18 : 22;
      expectNvgreError(() => readEthernet(FIXTURE.subarray(0, n), 0, n, 'outer-ethernet'), {
        code: 'TRUNCATED',
        layer: 'outer-ethernet',
        offset: 0,
        needed,
        available: n,
      });
    }
  });

  it('the `end` argument limits the header, not the array length', () => {
    expectNvgreError(() => readEthernet(FIXTURE, 0, 17), { code: 'TRUNCATED', layer: 'ethernet', needed: 18, available: 17 });
    const b = placed(FIXTURE, 7);
    expectNvgreError(() => ethernetHeaderLength(b, 7, 7 + 20, 'inner-ethernet'), { code: 'TRUNCATED', layer: 'inner-ethernet', offset: 7, needed: 22 });
  });
});
