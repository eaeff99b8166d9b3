/**
 * The doctor on the "NVGRE Routing" story (seed 001, docs/nve.md §5): a host with no provider route
 * back. H1's VMs reach H2's both ways, but what H1 sends to H3 never gets an answer, and a router of
 * the PA network says H3 is unreachable. Generated with buildFrame.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, readCapture, writePcap, type DoctorReport } from '../../src/index.js';
import { CA, PA, nvgre, ping, tcp, timed, underlayIcmp } from './doctor-frames.js';

function capture(withIcmp: boolean): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let i = 1; i <= 3; i++) {
    frames.push(nvgre(PA.H1, PA.H2, ping(CA.A, CA.B, 8, i)), nvgre(PA.H2, PA.H1, ping(CA.B, CA.A, 0, i)));
    const lost = nvgre(PA.H1, PA.H3, ping(CA.A, CA.C, 8, i));
    frames.push(lost);
    if (withIcmp && i === 1) frames.push(underlayIcmp(PA.ROUTER, lost, 3, 1));
  }
  frames.push(nvgre(PA.H1, PA.H3, tcp(CA.A, CA.C, 41000, 443, 0x02)), nvgre(PA.H1, PA.H3, tcp(CA.A, CA.C, 41000, 443, 0x02)));
  return frames;
}

function doctor(frames: Uint8Array[], options?: Parameters<typeof diagnose>[1]): DoctorReport {
  return diagnose(readCapture(writePcap(timed(frames))).records, options);
}

const brief = (r: DoctorReport) => r.findings.map((f) => [f.severity, f.code, f.subject]);

describe('doctor: one-way tunnels and underlay ICMP errors (docs/doctor.md §5)', () => {
  it('captured on H1: the H1 → H3 tunnel is one-way (an error), and the router names H3 unreachable', () => {
    const r = doctor(capture(true), { capturedAt: PA.H1 });
    expect(brief(r)).toEqual([
      ['error', 'UNDERLAY_ICMP_ERROR', { sender: PA.H1, receiver: PA.H3, reporter: PA.ROUTER }],
      ['error', 'ONE_WAY_TUNNEL', { sender: PA.H1, receiver: PA.H3 }],
    ]);
    const [icmp, oneWay] = r.findings;
    expect(icmp!.diagnosis).toBe('192.0.2.254 answered 1 NVGRE packet from 192.0.2.11 to 192.0.2.13 with "host unreachable (ICMP 3/1)": the underlay does not deliver them to that provider address.');
    expect(icmp!.evidence.firstFrames).toEqual([4]);
    expect(icmp!.fix).toMatch(/provider route to 192\.0\.2\.13 \(New-NetVirtualizationProviderRoute/);
    expect(oneWay!.evidence).toMatchObject({ frames: 5, firstFrames: [3, 7, 10, 11, 12], counts: { echoRequests: 3, tcpSyn: 2, underlayIcmpErrors: 1 } });
    expect(oneWay!.diagnosis).toBe('5 NVGRE frames went from 192.0.2.11 to 192.0.2.13 and none came back to 192.0.2.11, where the capture was taken: the tunnel works one way only.');
    expect(oneWay!.evidence.details).toEqual([
      '3 ping requests and no reply.',
      '2 TCP SYNs and no SYN-ACK.',
      '192.0.2.254 reports "host unreachable (ICMP 3/1)" for 1 of these packets.',
    ]);
  });

  it('without --captured-at the same tunnel is a warning: the capture may see one direction only', () => {
    const r = doctor(capture(false));
    expect(brief(r)).toEqual([['warning', 'ONE_WAY_TUNNEL', { sender: PA.H1, receiver: PA.H3 }]]);
    expect(r.worst).toBe('warning');
  });

  it('a capture where every tunnel is one-way says the capture may see one direction only', () => {
    const r = doctor(capture(false).filter((_, i) => i % 3 !== 1));
    expect(r.findings.map((f) => f.code)).toEqual(['ONE_WAY_TUNNEL', 'ONE_WAY_TUNNEL']);
    expect(r.findings[0]!.evidence.details.at(-1)).toMatch(/^Every tunnel in this capture is one-way/);
  });
});
