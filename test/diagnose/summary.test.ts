/**
 * `frameSummary` (src/diagnose/summary.ts) over many frames in one process: the texts it keeps between
 * frames (the key's start per GRE key, decimals of ports and payload lengths, the last checksum
 * outcome) never carry one frame's values into another's line. Expected texts are written out here
 * from the numbers the frames were built with.
 */
import { describe, expect, it } from 'vitest';
import { FrameView, buildFrame, frameSummary } from '../../src/index.js';

let seed = 5;
const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 4) % n;
const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;

describe('frameSummary, frame after frame', () => {
  it('says each frame\'s own VSID, FlowID, ports and payload length (3,000 keys, many sharing a table slot)', () => {
    const view = new FrameView();
    for (let k = 0; k < 3000; k++) {
      // Keys that differ in the VSID's high bits only, or in the FlowID only, as well as random ones.
      const vsid = k % 3 === 0 ? (k << 12) & 0xffffff : k % 3 === 1 ? 5000 : rnd(0x1000000);
      const flowId = k % 3 === 1 ? k & 0xff : rnd(256);
      const srcPort = k === 0 ? 0 : k === 1 ? 65535 : rnd(65536);
      const dstPort = rnd(65536);
      const payload = rnd(1400);
      const udp = k % 2 === 0;
      const frame = buildFrame({
        ethernet: {},
        ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
        nvgre: { vsid, flowId },
        inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, ...(udp ? { udp: { srcPort, dstPort } } : { tcp: { srcPort, dstPort } }), payload: new Uint8Array(payload) },
      });
      const line = frameSummary(view.load(frame));
      expect(line.startsWith(`vsid ${vsid} (${hex(vsid, 6)}) flow ${hex(flowId, 2)}  192.0.2.1 > 192.0.2.2  |  10.0.0.1:${srcPort} > 10.0.0.2:${dstPort} ${udp ? 'UDP' : 'TCP [.]'} payload ${payload}  csum `)).toBe(true);
    }
  });

  it('says each frame\'s own checksum statuses, good and bad frames alternating', () => {
    const view = new FrameView();
    for (let k = 0; k < 200; k++) {
      const bad = rnd(3) === 0;
      const frame = buildFrame({
        ethernet: {},
        ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
        nvgre: { vsid: 5001, flowId: 0 },
        inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2, ...(bad ? { checksum: 0x1234 } : {}) }, payload: 'x' },
      });
      expect(frameSummary(view.load(frame)).endsWith(`csum outer-ip4=ok inner-ip4=ok tcp=${bad ? 'bad' : 'ok'}`)).toBe(true);
    }
  });

  it('brackets IPv6 inner addresses before their port', () => {
    const frame = buildFrame({
      ethernet: {},
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
      nvgre: { vsid: 5001, flowId: 0 },
      inner: { ethernet: {}, ipv6: { src: 'fd00::1', dst: 'fd00::2' }, udp: { srcPort: 53, dstPort: 5353 } },
    });
    expect(frameSummary(new FrameView().load(frame))).toContain('|  [fd00::1]:53 > [fd00::2]:5353 UDP payload 0');
  });
});
