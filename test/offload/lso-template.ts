/**
 * An NVGRE IPv4/IPv4 TCP frame as an LSO template (IP lengths 0, docs/offload.md §10), so that its
 * payload may exceed one datagram: the segmentation tests' common input. `flags` defaults to
 * CWR ECE ACK PSH FIN, which exercises every per-segment flag rule.
 */
import { buildFrame } from '../../src/frame/build.js';

export function nvgreLsoTemplate(payload: number, flags = 0xd9): Uint8Array {
  return buildFrame({
    ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x7ffe, totalLength: 0 },
    nvgre: { vsid: 0x123456, flowId: 9 },
    inner: {
      ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x1234, dontFragment: true, totalLength: 0 },
      tcp: { srcPort: 40000, dstPort: 80, seq: 0xfffffff0, ack: 2, flags },
      payload: Uint8Array.from({ length: payload }, (_, i) => (i * 7 + 1) & 0xff),
    },
  });
}
