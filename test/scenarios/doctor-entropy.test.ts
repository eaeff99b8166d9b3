/**
 * The doctor on FlowID entropy (docs/doctor.md §7; seed 003's ECMP point, RFC 7637 §4.1): sixteen TCP
 * flows between two hosts whose FlowID is always 0, so the outer header and key never vary. And the
 * same flows with the library's default FlowID (a hash of the inner flow): spread, no finding.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, readCapture, writePcap, type DoctorReport } from '../../src/index.js';
import { CA, PA, nvgre, tcp, timed } from './doctor-frames.js';

function capture(flowId: 0 | 'hash'): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let port = 50000; port < 50016; port++) {
    frames.push(nvgre(PA.H1, PA.H2, tcp(CA.A, CA.B, port, 443, 0x18, 'request'), { flowId }));
    frames.push(nvgre(PA.H2, PA.H1, tcp(CA.B, CA.A, 443, port, 0x18, 'response'), { flowId }));
  }
  return frames;
}

function doctor(frames: Uint8Array[]): DoctorReport {
  return diagnose(readCapture(writePcap(timed(frames))).records);
}

describe('doctor: FlowID entropy (docs/doctor.md §7)', () => {
  it('FlowID 0 on sixteen flows each way: FLOWID_CONSTANT per direction, with what ECMP and RSS would do', () => {
    const r = doctor(capture(0));
    expect(r.findings.map((f) => [f.severity, f.code, f.subject])).toEqual([
      ['warning', 'FLOWID_CONSTANT', { sender: PA.H1, receiver: PA.H2 }],
      ['warning', 'FLOWID_CONSTANT', { sender: PA.H2, receiver: PA.H1 }],
    ]);
    const f = r.findings[0]!;
    expect(f.evidence.counts).toMatchObject({ flows: 16, flowIds: 1, flowId: 0, ecmpPathsOuterKey: 1, rssQueuesOuter: 1 });
    expect(f.evidence.counts.ecmpPathsInner).toBeGreaterThan(3);
    expect(f.evidence.counts.rssQueuesInner).toBeGreaterThan(3);
    expect(f.diagnosis).toBe('All 16 inner flows from 192.0.2.11 to 192.0.2.12 carry FlowID 0: an ECMP fabric that hashes the outer header and the key puts them on one path of 8, and a NIC that hashes only the outer header on one RSS queue of 8.');
    expect(f.evidence.details[0]).toMatch(/^nvgre ecmp: 1 of 8 paths hashing outer addresses \+ key, \d of 8 hashing the inner flow\.$/);
    expect(f.fix).toMatch(/flowId 'hash' or 'toeplitz'/);
  });

  it('the same flows with a per-flow FlowID: a clean capture', () => {
    expect(doctor(capture('hash')).findings).toEqual([]);
  });
});
