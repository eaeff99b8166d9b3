/**
 * docs/offload.md §11 mixed-mode table, one row per outer/inner IP version combination: which IPv4 header
 * checksums Tx offload computes, which pseudo-header the inner L4 checksum uses, which IPv4 IDs LSO
 * increments, and what the Rx IpChecksum* flags reflect.
 */
import { describe, expect, it } from 'vitest';
import { u16 } from '../../src/wire/bytes.js';
import { FrameLayout, walkFrame } from '../../src/wire/layout.js';
import { TcpFlag } from '../../src/wire/tcp.js';
import { buildFrame, type FrameSpec } from '../../src/frame/build.js';
import { fillChecksums, segment, verifyChecksums } from '../../src/offload/index.js';
import { checksumOffsets } from './arbitraries.js';

interface Row {
  outer: 4 | 6;
  inner: 4 | 6;
  headerChecksums: readonly ('outer' | 'inner')[];
  pseudoHeader: 'inner IPv4' | 'inner IPv6';
  idIncrements: readonly ('outer' | 'inner')[];
  rxIpFlagsReflect: readonly ('outer' | 'inner')[];
}

const TABLE: readonly Row[] = [
  { outer: 4, inner: 4, headerChecksums: ['outer', 'inner'], pseudoHeader: 'inner IPv4', idIncrements: ['outer', 'inner'], rxIpFlagsReflect: ['outer', 'inner'] },
  { outer: 4, inner: 6, headerChecksums: ['outer'], pseudoHeader: 'inner IPv6', idIncrements: ['outer'], rxIpFlagsReflect: ['outer'] },
  { outer: 6, inner: 4, headerChecksums: ['inner'], pseudoHeader: 'inner IPv4', idIncrements: ['inner'], rxIpFlagsReflect: ['inner'] },
  { outer: 6, inner: 6, headerChecksums: [], pseudoHeader: 'inner IPv6', idIncrements: [], rxIpFlagsReflect: [] },
];

function spec(row: Row): FrameSpec {
  return {
    ethernet: { vlans: [{ id: 9 }] },
    ...(row.outer === 4 ? { ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x100, options: Uint8Array.of(1, 1, 1, 1) } } : { ipv6: { src: '2001:db8::1', dst: '2001:db8::2', extensionHeaders: [{ type: 'destination-options' }] } }),
    nvgre: { vsid: 0x8000, flowId: 1 },
    inner: {
      ...(row.inner === 4 ? { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x200 } } : { ipv6: { src: 'fd00::1', dst: 'fd00::2', extensionHeaders: [{ type: 'hop-by-hop' }] } }),
      tcp: { srcPort: 1000, dstPort: 2000, flags: TcpFlag.ACK, options: Uint8Array.of(2, 4, 5, 0xb4) },
      payload: new Uint8Array(2500).map((_, i) => i),
    },
  };
}

describe('docs/offload.md §11 mixed mode', () => {
  for (const row of TABLE) {
    describe(`outer IPv${row.outer} / inner IPv${row.inner}`, () => {
      const good = buildFrame(spec(row));
      const L = walkFrame(good, new FrameLayout());
      const header = { outer: L.outerIp, inner: L.innerIp };

      it(`Tx computes IPv4 header checksums: ${row.headerChecksums.join(' + ') || 'none'}`, () => {
        const f = good.slice();
        for (const o of checksumOffsets(f)) f[o] = 0;
        const r = fillChecksums(f);
        expect(f).toEqual(good);
        expect(r.outerIpv4).toBe(row.headerChecksums.includes('outer') ? 'ok' : 'absent');
        expect(r.innerIpv4).toBe(row.headerChecksums.includes('inner') ? 'ok' : 'absent');
        expect(r.transport).toEqual({ protocol: 'tcp', status: 'ok' });
      });

      it(`the L4 checksum uses the ${row.pseudoHeader} pseudo-header`, () => {
        // Changing an outer address never affects it; changing an inner address always does.
        const outerAddr = header.outer.offset + (row.outer === 4 ? 12 : 8);
        const innerAddr = header.inner.offset + (row.inner === 4 ? 12 : 8);
        const a = good.slice();
        a[outerAddr] = a[outerAddr]! ^ 1;
        expect(verifyChecksums(a).transport.status).toBe('ok');
        const b = good.slice();
        b[innerAddr] = b[innerAddr]! ^ 1;
        expect(verifyChecksums(b).transport.status).toBe('bad');
      });

      it(`LSO increments IPv4 IDs: ${row.idIncrements.join(' + ') || 'none (lengths only)'}`, () => {
        const segs = segment(good, { mss: 1000 });
        expect(segs.length).toBe(3);
        for (const which of ['outer', 'inner'] as const) {
          const ip = header[which];
          if (ip.version === 4) {
            expect(row.idIncrements).toContain(which);
            const id0 = u16(good, ip.offset + 4);
            expect(segs.map((s) => u16(s, ip.offset + 4))).toEqual([id0, id0 + 1, id0 + 2]);
            expect(segs.map((s) => u16(s, ip.offset + 2))).toEqual(segs.map((s) => s.length - ip.offset));
          } else {
            expect(row.idIncrements).not.toContain(which);
            expect(segs.map((s) => u16(s, ip.offset + 4))).toEqual(segs.map((s) => s.length - ip.offset - 40));
          }
        }
        for (const s of segs) expect(verifyChecksums(s).transport.status).toBe('ok');
      });

      it(`Rx IpChecksum* flags reflect: ${row.rxIpFlagsReflect.join(' + ') || 'neither flag'}`, () => {
        const ok = verifyChecksums(good);
        expect(ok.flags.ipChecksumSucceeded).toBe(row.rxIpFlagsReflect.length > 0);
        expect(ok.flags.ipChecksumFailed).toBe(false);
        expect(ok.flags.tcpChecksumSucceeded).toBe(true);
        for (const which of ['outer', 'inner'] as const) {
          const ip = header[which];
          const f = good.slice();
          const ttl = ip.offset + (ip.version === 4 ? 8 : 7);
          f[ttl] = f[ttl]! ^ 1; // TTL / Hop Limit: covered only by an IPv4 header checksum
          const r = verifyChecksums(f);
          const reflected = row.rxIpFlagsReflect.includes(which);
          expect(r.flags.ipChecksumFailed).toBe(reflected);
          expect(r.flags.ipChecksumSucceeded).toBe(!reflected && row.rxIpFlagsReflect.length > 0);
          expect(r.flags.tcpChecksumSucceeded).toBe(true);
        }
      });
    });
  }
});
