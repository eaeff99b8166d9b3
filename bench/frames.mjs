// Frames shared by the benchmark scripts, built with the library itself.
import { pinnedCopy } from './harness.mjs';

export function innerFrame(lib, size, { ipv6 = false, tcp = true } = {}) {
  const ipHeader = ipv6 ? 40 : 20;
  const l4Header = tcp ? 20 : 8;
  const payload = new Uint8Array(Math.max(0, size - 14 - ipHeader - l4Header));
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  return lib.buildFrame({
    ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' },
    ...(ipv6 ? { ipv6: { src: 'fd00::1', dst: 'fd00::2' } } : { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' } }),
    ...(tcp ? { tcp: { srcPort: 40000, dstPort: 443, seq: 1, ack: 1, flags: 0x18 } } : { udp: { srcPort: 40000, dstPort: 53 } }),
    payload,
  });
}

export function encapOptions(outerV6) {
  return {
    vsid: 0x123456,
    flowId: 0x42,
    srcMac: '00:1d:d8:b7:1c:01',
    dstMac: '00:1d:d8:b7:1c:02',
    srcIp: outerV6 ? '2001:db8::a' : '192.0.2.10',
    dstIp: outerV6 ? '2001:db8::b' : '198.51.100.20',
  };
}

/**
 * An NVGRE frame whose inner frame is `size` bytes, in the bench's arena at page offset 16 (see
 * pinned in harness.mjs), so that every process reads it at the same page offset.
 */
export function nvgreFrame(lib, size, { outerV6 = false, innerV6 = false, tcp = true } = {}) {
  return pinnedCopy(lib.encapsulate(innerFrame(lib, size, { ipv6: innerV6, tcp }), encapOptions(outerV6)));
}
