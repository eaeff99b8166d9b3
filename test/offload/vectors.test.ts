/**
 * Known answers from an independent producer (test/fixtures/scapy): Scapy computed every checksum of
 * these frames — outer IPv4/IPv6 × inner IPv4/IPv6 × TCP/UDP/ICMPv4/ICMPv6, inner IPv6 extension and
 * Routing headers (B/*), UDP checksums that compute to zero (C/*), IPv4 options (D/*), DNS (E/*).
 */
import { describe, expect, it } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';
import { coalesce, fillChecksums, segment, verifyChecksums } from '../../src/offload/index.js';
import { scapyVectors, vectorBytes } from '../helpers/vectors.js';
import { checksumOffsets } from './arbitraries.js';

describe('Scapy vectors: Rx verification', () => {
  for (const v of scapyVectors) {
    it(`${v.name}: every layer verifies`, () => {
      const frame = vectorBytes(v);
      const e = v.expect;
      const r = verifyChecksums(frame);
      expect(r.encapsulated).toBe(true);
      expect(r.outerIpv4).toBe(e.outer.ipVersion === 4 ? 'ok' : 'absent');
      expect(r.innerIpv4).toBe(e.inner.ipVersion === 4 ? 'ok' : 'absent');
      const l4 = e.inner.l4?.type ?? 'none';
      expect(r.transport).toEqual({ protocol: l4, status: l4 === 'none' ? 'absent' : 'ok' });
      expect(r.flags.ipChecksumFailed).toBe(false);
      expect(r.flags.ipChecksumSucceeded).toBe(e.outer.ipVersion === 4 || e.inner.ipVersion === 4);
      expect(r.flags.tcpChecksumSucceeded).toBe(l4 === 'tcp');
      expect(r.flags.udpChecksumSucceeded).toBe(l4 === 'udp');
      expect(r.flags.tcpChecksumFailed || r.flags.udpChecksumFailed).toBe(false);
      // The general path (forced by an empty zero-checksum port set) agrees with the fast path.
      expect(verifyChecksums(frame, { udpZeroChecksumPorts: [] })).toEqual(r);
    });
  }
});

describe('Scapy vectors: Tx offload reproduces Scapy byte for byte', () => {
  for (const v of scapyVectors) {
    it(`${v.name}: zero every checksum, fillChecksums → Scapy's bytes`, () => {
      const expected = vectorBytes(v);
      const frame = expected.slice();
      for (const o of checksumOffsets(frame)) frame[o] = 0;
      const r = fillChecksums(frame);
      expect(Buffer.from(frame).toString('hex')).toBe(v.hex);
      const l4 = v.expect.inner.l4?.type ?? 'none';
      expect(r.transport.protocol).toBe(l4);
      expect(r.transport.status).toBe(l4 === 'none' ? 'absent' : 'ok');
    });

    it(`${v.name}: garbage in every checksum field is ignored (recompute mode)`, () => {
      const frame = vectorBytes(v);
      for (const o of checksumOffsets(frame)) frame[o] = 0xa5;
      fillChecksums(frame);
      expect(Buffer.from(frame).toString('hex')).toBe(v.hex);
    });
  }
});

describe('Scapy vectors: LSO', () => {
  const tcp = scapyVectors.filter((v) => v.expect.inner.l4?.type === 'tcp');

  it('covers TCP vectors with and without SYN', () => {
    expect(tcp.some((v) => (v.expect.inner.l4.flags & 0x02) !== 0)).toBe(true);
    expect(tcp.some((v) => (v.expect.inner.l4.flags & 0x02) === 0)).toBe(true);
  });

  for (const v of tcp) {
    const syn = (v.expect.inner.l4.flags & 0x02) !== 0;
    it(`${v.name}: ${syn ? 'SYN with payload is refused (TCP_FLAGS)' : 'segments at MSS 7 verify and coalesce back'}`, () => {
      const frame = vectorBytes(v);
      if (syn) {
        const error = (() => {
          try {
            segment(frame, { mss: 7 });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(error).toBeInstanceOf(NvgreError);
        expect((error as NvgreError).code).toBe('TCP_FLAGS');
        return;
      }
      const segs = segment(frame, { mss: 7 });
      const payload = v.expect.inner.l4Length - v.expect.inner.l4.headerLength;
      expect(segs.length).toBe(Math.max(1, Math.ceil(payload / 7)));
      for (const s of segs) {
        const r = verifyChecksums(s);
        expect([r.outerIpv4, r.innerIpv4]).not.toContain('bad');
        expect(r.transport.status).toBe('ok');
      }
      // Scapy's frames carry their own IDs and checksums: the merge gives them back exactly.
      expect(Buffer.from(coalesce(segs)).toString('hex')).toBe(v.hex);
    });
  }
});
