/**
 * The doctor on MTU and fragmentation (docs/doctor.md §6, RFC 7637 §4.4): VMs with a 1500-byte MTU over
 * a 1500-byte underlay. Fragmented outer IPv4 when DF is clear; "fragmentation needed" from a router
 * when it is set; and GSO superframes captured on the sender, which are normal. Generated with
 * buildFrame.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, readCapture, writePcap, type DoctorReport } from '../../src/index.js';
import { CA, PA, fragment, leaveSeed, nvgre, tcp, timed, underlayIcmp } from './doctor-frames.js';

/** A full-size TCP segment from A to B: inner IP 1500 bytes, outer 1542. */
const full = (seq: number, dontFragment = true) => nvgre(PA.H1, PA.H2, { ...tcp(CA.A, CA.B, 40000, 80, 0x10), payload: new Uint8Array(1460).fill(seq) }, { outer: { dontFragment } });

/** B's acknowledgement: the tunnel works both ways, only the large packets are in trouble. */
const ack = () => nvgre(PA.H2, PA.H1, tcp(CA.B, CA.A, 80, 40000, 0x10));

function doctor(frames: Uint8Array[], options?: Parameters<typeof diagnose>[1]): DoctorReport {
  return diagnose(readCapture(writePcap(timed([...frames, ack()]))).records, options);
}

const brief = (r: DoctorReport) => r.findings.map((f) => [f.severity, f.code, f.subject]);

describe('doctor: MTU and fragmentation (docs/doctor.md §6)', () => {
  it('outer IPv4 fragments of NVGRE: OUTER_FRAGMENTS with the size they add up to and the MTU that carries them', () => {
    const frames = [1, 2, 3].flatMap((i) => fragment(full(i, false), 1500));
    expect(frames).toHaveLength(6);
    const r = doctor(frames);
    expect(brief(r)).toEqual([['error', 'OUTER_FRAGMENTS', { sender: PA.H1, receiver: PA.H2 }]]);
    const f = r.findings[0]!;
    expect(f.evidence).toMatchObject({ frames: 6, firstFrames: [1, 2, 3, 4, 5], counts: { fragments: 6, largestPacket: 1542 } });
    expect(f.diagnosis).toBe('6 outer IP fragments of NVGRE packets from 192.0.2.11 to 192.0.2.12 (up to 1542 bytes before fragmentation): RFC 7637 forbids fragmenting NVGRE, and receivers may drop the fragments.');
    expect(f.evidence.details).toEqual(['An underlay MTU of 1542 bytes carries them whole; or inner IP packets of at most 1458 bytes fit 1500.']);
  });

  it('DF set and a router that says "fragmentation needed": UNDERLAY_FRAG_NEEDED, and the packets over the MTU', () => {
    const sent = [1, 2, 3].map((i) => full(i));
    const r = doctor([sent[0]!, underlayIcmp(PA.ROUTER, sent[0]!, 3, 4, 1500), sent[1]!, sent[2]!]);
    expect(brief(r)).toEqual([
      ['error', 'UNDERLAY_FRAG_NEEDED', { sender: PA.H1, receiver: PA.H2, reporter: PA.ROUTER }],
      ['warning', 'INNER_MTU_EXCEEDED', { sender: PA.H1, receiver: PA.H2 }],
    ]);
    expect(r.findings[0]!.diagnosis).toBe('192.0.2.254 says the path from 192.0.2.11 to 192.0.2.12 carries only 1500 bytes (ICMP "fragmentation needed"), but NVGRE packets of 1542 bytes are sent with DF: they are dropped.');
    expect(r.findings[0]!.evidence.counts).toEqual({ pathMtu: 1500, largestPacket: 1542 });
    expect(r.findings[1]!.diagnosis).toBe('3 NVGRE packets from 192.0.2.11 to 192.0.2.12 are larger than the 1500-byte underlay MTU: inner IP packets of up to 1500 bytes + 42 bytes of NVGRE overhead = 1542 bytes.');
    expect(r.findings[1]!.fix).toMatch(/at least 1542 bytes .* set the VMs' MTU to 1458/);
  });

  it('an underlay with jumbo frames (--mtu 9000) carries the same packets: no finding', () => {
    expect(doctor([1, 2, 3].map((i) => full(i)), { mtu: 9000 }).findings).toEqual([]);
  });

  it('inner IPv4 with DF clear on the outer header: OUTER_DF_CLEAR', () => {
    const r = doctor([nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, 40000, 80, 0x10, 'x'), { outer: { dontFragment: false } })]);
    expect(brief(r)).toEqual([['warning', 'OUTER_DF_CLEAR', { sender: PA.H1 }]]);
  });

  it('a 20 000-byte TCP segment captured on the sender with an LSO seed: GSO_SUPERFRAMES and pending checksums, both normal', () => {
    const big = leaveSeed(nvgre(PA.H1, PA.H2, { ...tcp(CA.A, CA.B, 40000, 80, 0x10), payload: new Uint8Array(20000) }), false);
    const r = doctor([big]);
    expect(brief(r)).toEqual([
      ['info', 'TX_CHECKSUM_PENDING', { sender: PA.H1 }],
      ['info', 'GSO_SUPERFRAMES', { sender: PA.H1, receiver: PA.H2 }],
    ]);
    expect(r.findings[1]!.diagnosis).toMatch(/1 inner TCP packet from 192\.0\.2\.11 to 192\.0\.2\.12 of up to 20082 bytes look like GSO\/TSO superframes captured on the sending host/);
    expect(r.findings[0]!.evidence.counts).toMatchObject({ tcpSeedNoLength: 1 });
  });
});
