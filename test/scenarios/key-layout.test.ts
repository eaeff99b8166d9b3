/**
 * Scenario 2 (docs/nve.md §9–§10; seed 004, KB2779768): host 1 reads keys as rfc7637, host 2 as low24.
 * A1 pings A2: host 2 drops the echo with POLICY_MISMATCH and answers ICMP 3/10 inside NVGRE, which
 * host 1 delivers to A1. The failing exchange is written to a pcap. With host 2 on rfc7637 ("the
 * update installed"), the echo reply comes back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPolicy, createNve, explainFrame, parseFrame, readCapture, writePcap } from '../../src/index.js';
import { MAC, ipv4Frame, withHosts } from '../nve/helpers.js';

const mixed = withHosts((h) => (h.name === 'host2' ? { ...h, keyLayout: 'low24' } : h));
const updated = withHosts((h) => h);
const echo = ipv4Frame('10.0.1.11', '10.0.1.12', MAC.A1, MAC.A2, { payload: 'seed 004' });
const dir = mkdtempSync(path.join(os.tmpdir(), 'nvgre-seed004-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scenario 2: hosts that read the key in different layouts (seed 004)', () => {
  it('checkPolicy reports the mixed layouts', () => {
    const f = checkPolicy(mixed).find((x) => x.code === 'KEY_LAYOUT_MIXED');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(/rfc7637 \(host1, gateway\).*low24 \(host2\)/);
  });

  it('host 2 drops the echo with POLICY_MISMATCH and answers ICMP 3/10 inside NVGRE, which reaches A1', () => {
    const host1 = createNve(mixed, 'host1');
    const host2 = createNve(mixed, 'host2');
    const sent = host1.transmit(echo, { vsid: 5001 });
    expect(sent.action).toBe('encapsulate');
    const key = parseFrame(sent.frames[0]!).nvgre!.key;
    expect(key >>> 8).toBe(5001);

    const got = host2.receive(sent.frames[0]!);
    expect(got.action).toBe('drop');
    expect(got.reason).toBe('POLICY_MISMATCH');
    expect(got.vsid).toBe(key & 0xffffff); // 0x1389xx: no such virtual subnet
    expect(got.message).toMatch(/Read as rfc7637 the key names VSID 5001, which exists.*KB2779768/);
    expect(got.replies).toHaveLength(1);

    const reply = parseFrame(got.replies[0]!);
    expect(reply.nvgre!.key).toBe(key); // the key of the packet it answers
    expect(reply.ip!.src).toBe('192.168.10.12');
    expect(reply.ip!.dst).toBe('192.168.10.11');
    const icmp = reply.inner!;
    expect(icmp.ip!.src).toBe('10.0.1.12');
    expect(icmp.ip!.dst).toBe('10.0.1.11');
    expect(icmp.transport).toMatchObject({ protocol: 'icmpv4', type: 3, code: 10, checksumValid: true });

    const back = host1.receive(got.replies[0]!);
    expect(back.action).toBe('deliver');
    expect(back.vm).toBe('A1');
    expect(back.vsid).toBe(5001);

    // The failing exchange, for the capture doctor.
    const file = path.join(dir, 'seed004-key-layout.pcap');
    writeFileSync(file, writePcap([sent.frames[0]!, got.replies[0]!]));
    const records = readCapture(new Uint8Array(readFileSync(file))).records;
    expect(records.map((r) => parseFrame(r.data).nvgre!.key)).toEqual([key, key]);
    expect(explainFrame(mixed, records[0]!.data).notes.join(' ')).toMatch(/host1 writes keys as rfc7637 but host2 reads them as low24/);
  });

  it('the other direction: host 2 writes 0x00001389, which host 1 reads as reserved VSID 0x13 and drops silently', () => {
    const reply = ipv4Frame('10.0.1.12', '10.0.1.11', MAC.A2, MAC.A1, { type: 0 });
    const sent = createNve(mixed, 'host2').transmit(reply, { vsid: 5001 });
    expect(parseFrame(sent.frames[0]!).gre!.key).toBe(0x1389);
    const got = createNve(mixed, 'host1').receive(sent.frames[0]!);
    expect(got).toMatchObject({ action: 'drop', reason: 'RESERVED_VSID' });
    expect(got.replies).toEqual([]);
  });

  it('with host 2 on rfc7637 the echo is delivered and the reply comes back', () => {
    const host1 = createNve(updated, 'host1');
    const host2 = createNve(updated, 'host2');
    const got = host2.receive(host1.transmit(echo, { vsid: 5001 }).frames[0]!);
    expect(got).toMatchObject({ action: 'deliver', vm: 'A2', vsid: 5001 });
    const reply = ipv4Frame('10.0.1.12', '10.0.1.11', MAC.A2, MAC.A1, { type: 0, payload: 'seed 004' });
    const back = host1.receive(host2.transmit(reply, { vsid: 5001 }).frames[0]!);
    expect(back).toMatchObject({ action: 'deliver', vm: 'A1', vsid: 5001 });
    expect(parseFrame(back.inner!).transport).toMatchObject({ protocol: 'icmpv4', type: 0 });
  });
});
