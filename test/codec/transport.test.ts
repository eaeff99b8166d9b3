/** TCP (RFC 9293 §3.1), UDP (RFC 768) and ICMP (RFC 792, RFC 4443) headers, and their checksums. */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/wire/address.js';
import { ICMP, readIcmp, writeIcmp } from '../../src/wire/icmp.js';
import { writeIpv4 } from '../../src/wire/ipv4.js';
import { writeIpv6 } from '../../src/wire/ipv6.js';
import { TCP, TcpFlag, checkTcp, readTcp, tcpLength, writeTcp } from '../../src/wire/tcp.js';
import { computeTransportChecksum, fillTransportChecksum, transportChecksumValid } from '../../src/wire/transport.js';
import { UDP, checkUdp, readUdp, writeUdp } from '../../src/wire/udp.js';
import { expectNvgreError, hex, hexBytes, placed, prefilled } from './helpers.js';

// 1232 → 80, seq 0xdeadbeef, ack 0x01020304, Data Offset 6 with NS, SYN|ACK, window 0x7210,
// checksum 0xabcd, urgent 1, option MSS 1460, then 3 payload bytes.
const TCP_HEADER = hexBytes('04d00050 deadbeef 01020304 6112 7210 abcd 0001 020405b4');
const TCP_FIXTURE = new Uint8Array([...TCP_HEADER, 0x61, 0x62, 0x63]);

describe('TCP header', () => {
  it('reads every field of the fixture', () => {
    expect(readTcp(TCP_FIXTURE)).toEqual({
      srcPort: 1232,
      dstPort: 80,
      seq: 0xdeadbeef,
      ack: 0x01020304,
      headerLength: 24,
      flags: TcpFlag.SYN | TcpFlag.ACK,
      ns: true,
      window: 0x7210,
      checksum: 0xabcd,
      urgentPointer: 1,
      options: '020405b4',
    });
  });

  it('writes every field into a buffer pre-filled with 0xA5', () => {
    const t = prefilled(30);
    const n = writeTcp(t, 3, {
      srcPort: 1232,
      dstPort: 80,
      seq: 0xdeadbeef,
      ack: 0x01020304,
      flags: TcpFlag.SYN | TcpFlag.ACK,
      ns: true,
      window: 0x7210,
      checksum: 0xabcd,
      urgentPointer: 1,
      options: hexBytes('020405b4'),
    });
    expect(n).toBe(24);
    expect(tcpLength({ options: new Uint8Array(4) })).toBe(24);
    expect(hex(t.subarray(3, 27))).toBe(hex(TCP_HEADER));
    expect([...t.subarray(0, 3), ...t.subarray(27)].every((x) => x === 0xa5)).toBe(true);
  });

  it('defaults: ACK, window 65535, checksum and urgent 0', () => {
    const t = prefilled(20);
    writeTcp(t, 0, { srcPort: 1, dstPort: 2 });
    expect(hex(t)).toBe('00010002' + '00000000' + '00000000' + '5010ffff' + '00000000');
  });

  it('every cut is TRUNCATED: 20 bytes, then Data Offset · 4', () => {
    for (let n = 0; n < 24; n++) {
      expectNvgreError(() => readTcp(TCP_FIXTURE.subarray(0, n)), { code: 'TRUNCATED', layer: 'tcp', offset: 0, needed: n < 20 ? 20 : 24, available: n });
    }
  });

  it('Data Offset < 5 is BAD_LENGTH at the Data Offset byte', () => {
    for (const dataOffset of [0, 4]) {
      const b = placed(TCP_FIXTURE, 2);
      b[2 + TCP.DATA_OFFSET] = dataOffset << 4;
      expectNvgreError(() => checkTcp(b, 2, b.length), { code: 'BAD_LENGTH', layer: 'tcp', offset: 2 + 12, needed: 20, available: dataOffset * 4 });
    }
  });
});

const UDP_FIXTURE = hexBytes('0bb8 0fa0 000c 3380 61626364');

describe('UDP header', () => {
  it('reads every field of the fixture', () => {
    expect(readUdp(UDP_FIXTURE)).toEqual({ srcPort: 3000, dstPort: 4000, length: 12, checksum: 0x3380 });
  });

  it('writes every field into a buffer pre-filled with 0xA5', () => {
    const t = prefilled(10);
    expect(writeUdp(t, 1, { srcPort: 3000, dstPort: 4000, payloadLength: 4, checksum: 0x3380 })).toBe(8);
    expect(hex(t.subarray(1, 9))).toBe(hex(UDP_FIXTURE.subarray(0, 8)));
    expect([t[0], t[9]]).toEqual([0xa5, 0xa5]);
    writeUdp(t, 1, { srcPort: 0, dstPort: 0, payloadLength: 4, length: 99 });
    expect(hex(t.subarray(1, 9))).toBe('0000000000630000');
  });

  it('every cut below 8 bytes is TRUNCATED', () => {
    for (let n = 0; n < UDP.HEADER_LENGTH; n++) {
      expectNvgreError(() => readUdp(UDP_FIXTURE.subarray(0, n)), { code: 'TRUNCATED', layer: 'udp', offset: 0, needed: 8, available: n });
    }
  });

  it('Length outside [8, bytes left] is BAD_LENGTH at the Length field', () => {
    for (const len of [0, 7, 13, 0xffff]) {
      const b = placed(UDP_FIXTURE, 1);
      b[1 + 4] = len >>> 8;
      b[1 + 5] = len & 0xff;
      expectNvgreError(() => checkUdp(b, 1, 1 + 12), { code: 'BAD_LENGTH', layer: 'udp', offset: 1 + UDP.LENGTH, needed: len, available: 12 });
    }
    expect(checkUdp(UDP_FIXTURE, 0, 12)).toBe(12);
  });
});

const ICMP_FIXTURE = hexBytes('0800 e5ca 1234 0001');

describe('ICMP header', () => {
  it('reads every field of the fixture', () => {
    expect(readIcmp(ICMP_FIXTURE)).toEqual({ type: 8, code: 0, checksum: 0xe5ca, rest: 0x12340001 });
  });

  it('writes every field into a buffer pre-filled with 0xA5', () => {
    const t = prefilled(12);
    expect(writeIcmp(t, 2, { type: 8, code: 0, checksum: 0xe5ca, rest: 0x12340001 })).toBe(ICMP.HEADER_LENGTH);
    expect(hex(t.subarray(2, 10))).toBe(hex(ICMP_FIXTURE));
    expect([t[0], t[1], t[10], t[11]]).toEqual([0xa5, 0xa5, 0xa5, 0xa5]);
  });

  it('every cut below 8 bytes is TRUNCATED', () => {
    for (let n = 0; n < 8; n++) {
      expectNvgreError(() => readIcmp(ICMP_FIXTURE.subarray(0, n), 0, n, 'icmpv6'), { code: 'TRUNCATED', layer: 'icmpv6', offset: 0, needed: 8, available: n });
    }
  });
});

describe('transport checksums', () => {
  /** IPv4 192.0.2.1 → 198.51.100.2 carrying `l4` at offset 20. */
  function overIpv4(protocol: number, l4: Uint8Array): Uint8Array {
    const b = new Uint8Array(20 + l4.length);
    writeIpv4(b, 0, { src: parseIp('192.0.2.1'), dst: parseIp('198.51.100.2'), protocol, payloadLength: l4.length });
    b.set(l4, 20);
    return b;
  }

  it('UDP over IPv4: 0x3380, computed by hand over the pseudo-header', () => {
    const b = overIpv4(17, UDP_FIXTURE.slice());
    expect(computeTransportChecksum(b, 4, 0, 16, 17, 20, 12)).toBe(0x3380);
    expect(transportChecksumValid(b, 4, 0, 16, 17, 20, 12)).toBe(true);
    b[27] = b[27]! ^ 0xff;
    expect(transportChecksumValid(b, 4, 0, 16, 17, 20, 12)).toBe(false);
    expect(fillTransportChecksum(b, 4, 0, 16, 17, 20, 12)).toBe(0x3380);
    expect(b[27]).toBe(0x80);
  });

  it('ICMPv4 has no pseudo-header: 0xe5ca over the message alone', () => {
    const b = overIpv4(1, ICMP_FIXTURE.slice());
    expect(computeTransportChecksum(b, 4, 0, 16, 1, 20, 8)).toBe(0xe5ca);
  });

  it('a computed UDP checksum of 0 is sent as 0xFFFF (RFC 768)', () => {
    // Pick the payload word so that the sum over pseudo-header + header is 0xFFFF.
    const l4 = hexBytes('0bb8 0fa0 000a 0000 0000');
    const b = overIpv4(17, l4);
    const c = computeTransportChecksum(b, 4, 0, 16, 17, 20, 10);
    // Put the complement of the current checksum into the payload: the total then sums to 0xFFFF.
    b[28] = c >>> 8;
    b[29] = c & 0xff;
    expect(computeTransportChecksum(b, 4, 0, 16, 17, 20, 10)).toBe(0xffff);
    expect(fillTransportChecksum(b, 4, 0, 16, 17, 20, 10)).toBe(0xffff);
    expect(transportChecksumValid(b, 4, 0, 16, 17, 20, 10)).toBe(true);
  });

  it('ICMPv6 uses the IPv6 pseudo-header with the given final destination', () => {
    const b = new Uint8Array(40 + 8 + 16);
    writeIpv6(b, 0, { src: parseIp('2001:db8::1'), dst: parseIp('2001:db8::2'), nextHeader: 58, payloadLength: 8 });
    b.set(hexBytes('8000 0000 0001 0002'), 40);
    b.set(parseIp('2001:db8::99'), 48); // an alternative destination somewhere in the buffer
    const toDst = computeTransportChecksum(b, 6, 0, 24, 58, 40, 8);
    const toOther = computeTransportChecksum(b, 6, 0, 48, 58, 40, 8);
    expect(toDst).not.toBe(toOther);
    // Hand sum: 0x8000 + 1 + 2 + 2·0x2001 + 2·0x0db8 + 1 + 2 + 58 + 8 = 0xdbba → checksum 0x2445.
    expect(toDst).toBe(0x2445);
  });
});

describe('regression: all-zero ICMPv4 message', () => {
  it('computes 0xFFFF, which verifies, not 0x0000 (the -0 of subtracting the stored field)', async () => {
    const { buildFrame, parseFrame } = await import('../../src/index.js');
    // Echo Reply, identifier 0, sequence 0, no data: every word but the checksum is zero.
    const frame = buildFrame({ ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 0 } });
    const t = parseFrame(frame).transport!;
    expect(t.checksum).toBe(0xffff);
    expect(t.checksumValid).toBe(true);
  });
});
