/**
 * captureStats (docs/doctor.md §11): per VSID, per PA pair with both directions, the top inner
 * conversations, the protocol mix and the drop reasons, on frames built by the library and on corpus
 * captures; the same numbers from every link type and from a stream.
 */
import { describe, expect, it } from 'vitest';
import { captureStats, captureStatsStream, createStats, readCapture, writePcap } from '../../src/index.js';
import { corpusFile } from '../pcap/helpers.js';
import { CA, PA, dns, nvgre, ping, tcp, timed } from '../scenarios/doctor-frames.js';
import { LINK_TYPES, asLinkType } from './link-records.js';

const frames = [
  nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000, 80, 0x02), { flowId: 1 }),
  nvgre(PA.H2, PA.H1, tcp(CA.B, CA.A, 80, 40000, 0x12), { flowId: 2 }),
  nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000, 80, 0x18, 'GET / HTTP/1.1\r\n\r\n'), { flowId: 1 }),
  nvgre(PA.H1, PA.H2, dns(CA.A, CA.B, 9, false), { flowId: 3 }),
  nvgre(PA.H2, PA.H1, dns(CA.B, CA.A, 9, true), { flowId: 4 }),
  nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, 1), { vsid: 6001, flowId: 5 }),
  nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, 2), { vsid: 6001, flowId: 5 }),
];
const bytes = (i: number[]) => i.reduce((n, k) => n + frames[k]!.length, 0);

describe('captureStats', () => {
  const s = captureStats(timed(frames));

  it('per VSID: frames, bytes, inner flows, distinct FlowIDs, first and last time', () => {
    expect(s.vsids).toEqual([
      { vsid: 5001, frames: 5, bytes: bytes([0, 1, 2, 3, 4]), flows: 4, flowIds: 4, first: 1_700_000_000, last: 1_700_000_000.004 },
      { vsid: 6001, frames: 2, bytes: bytes([5, 6]), flows: 1, flowIds: 1, first: 1_700_000_000.005, last: 1_700_000_000.006 },
    ]);
  });

  it('per provider-address pair, both directions on one row, largest first', () => {
    expect(s.pairs).toEqual([
      { a: PA.H1, b: PA.H2, framesAtoB: 3, bytesAtoB: bytes([0, 2, 3]), framesBtoA: 2, bytesBtoA: bytes([1, 4]), vsids: [5001] },
      { a: PA.H1, b: PA.H3, framesAtoB: 2, bytesAtoB: bytes([5, 6]), framesBtoA: 0, bytesBtoA: 0, vsids: [6001] },
    ]);
  });

  it('the top inner conversations, protocol mix and (no) drops', () => {
    expect(s.conversations).toEqual([
      { vsid: 5001, a: CA.A, b: CA.B, framesAtoB: 3, bytesAtoB: bytes([0, 2, 3]), framesBtoA: 2, bytesBtoA: bytes([1, 4]), first: 1_700_000_000, duration: 0.004 },
      { vsid: 6001, a: CA.A, b: CA.C, framesAtoB: 2, bytesAtoB: bytes([5, 6]), framesBtoA: 0, bytesBtoA: 0, first: 1_700_000_000.005, duration: 0.001 },
    ]);
    expect(s.protocols).toEqual({ nvgre: 7, otherGre: {}, otherIp: 0, nonIp: 0, unreadable: 0, inner: { tcp: 3, udp: 2, icmp: 2, otherIp: 0, nonIp: 0 } });
    expect(s.drops).toEqual({});
    expect(s).toMatchObject({ frames: 7, bytes: bytes([0, 1, 2, 3, 4, 5, 6]), untracked: 0 });
    expect(captureStats(timed(frames), { top: 1 }).conversations).toHaveLength(1);
  });

  it('the same numbers from Linux cooked and raw-IP captures (bytes are the records\' own)', () => {
    for (const t of ['LINUX_SLL', 'LINUX_SLL2', 'RAW'] as const) {
      const r = captureStats(readCapture(writePcap(timed(frames.map((f) => asLinkType(f, t))), { linkType: LINK_TYPES[t] })).records);
      expect(r.vsids.map((v) => [v.vsid, v.frames, v.flows, v.flowIds])).toEqual(s.vsids.map((v) => [v.vsid, v.frames, v.flows, v.flowIds]));
      expect(r.conversations.map((c) => [c.a, c.b, c.framesAtoB, c.framesBtoA])).toEqual(s.conversations.map((c) => [c.a, c.b, c.framesAtoB, c.framesBtoA]));
      expect(r.protocols).toEqual(s.protocols);
    }
  });

  it('corpus: ordinary GRE by kind, and the drop reasons of a strict receiver', async () => {
    const grePackets = captureStats(readCapture(corpusFile('pcapplusplus/GrePackets.pcap')).records);
    expect(grePackets.protocols).toMatchObject({ nvgre: 1, otherGre: { 'PPTP (enhanced GRE, version 1)': 2, 'IPv4-in-GRE': 3 }, otherIp: 1 });
    expect(grePackets.drops).toEqual({ RESERVED_VSID: 1 });
    expect(captureStats(readCapture(corpusFile('suricata-verify/bug-2576-01/temp6.pcap')).records).drops).toEqual({ NO_KEY: 15 });
    const nvgreFrame = corpusFile('packetnet/gre_nvgre.pcap');
    expect((await captureStatsStream([nvgreFrame.subarray(0, 10), nvgreFrame.subarray(10)])).drops).toEqual({ BAD_CHECKSUM: 1 });
  });

  it('memory follows the caps: flows past maxFlows are counted as untracked', () => {
    const c = createStats({ maxFlows: 5 });
    for (let i = 0; i < 50; i++) c.add(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 20000 + i, 80, 0x18, 'x')));
    const r = c.result();
    expect(r.vsids[0]!.flows).toBe(5);
    expect(r.untracked).toBe(45 + 0);
  });
});
