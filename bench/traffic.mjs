// A capture that looks like real NVGRE traffic, for the command-line benchmarks: many flows in several
// VSIDs, TCP with advancing sequence numbers and acknowledgments in both directions, some UDP, a mix
// of frame sizes, IPv4 and IPv6 inside and outside, timestamps that advance. A capture that repeats
// a few frames (every TCP segment a duplicate of an earlier one) is a pathological shape for tshark's
// TCP analysis, 3-4x slower than on real traffic, so ratios against it overstate our lead.
import { openSync, writeSync, closeSync } from 'node:fs';

/** A small deterministic generator (mulberry32), so every run writes the same capture. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex2 = (n) => n.toString(16).padStart(2, '0');

/** `flows` conversations: addresses, ports, VSID, IP versions, TCP state. */
function makeFlows(flows, rnd) {
  const out = [];
  for (let f = 0; f < flows; f++) {
    const innerV6 = rnd() < 0.25;
    const outerV6 = rnd() < 0.2;
    const tcp = rnd() < 0.85;
    const a = f & 0xff;
    const b = (f >> 8) & 0xff;
    const host = f % 40;
    out.push({
      vsid: 5001 + (f % 24),
      innerV6,
      outerV6,
      tcp,
      client: innerV6 ? `fd00:${hex2(b)}::${hex2(a)}:1` : `10.${b}.${a}.1`,
      server: innerV6 ? `fd00:${hex2(b)}::${hex2(a)}:2` : `10.${b}.${a}.2`,
      clientPa: outerV6 ? `2001:db8::${host + 1}` : `192.168.1.${host + 1}`,
      serverPa: outerV6 ? `2001:db8::${(host + 7) % 40 + 100}` : `192.168.2.${(host + 7) % 40 + 1}`,
      clientMac: `02:00:00:${hex2(b)}:${hex2(a)}:01`,
      serverMac: `02:00:00:${hex2(b)}:${hex2(a)}:02`,
      sport: 32768 + ((f * 7919) % 28000),
      dport: tcp ? [443, 80, 445, 1433, 3389][f % 5] : 40000 + (f % 100), // UDP: ports no dissector claims
      clientSeq: Math.floor(rnd() * 0xffffffff),
      serverSeq: Math.floor(rnd() * 0xffffffff),
      ipId: Math.floor(rnd() * 0xffff),
      clientAcked: -1,
      serverAcked: -1,
    });
  }
  return out;
}

/** Inner payload length for one packet: ACK-only, small requests, and full-size segments. */
function payloadSize(rnd, flow, fromServer) {
  const mtuPayload = 1500 - (flow.innerV6 ? 40 : 20) - (flow.tcp ? 20 : 8);
  if (!flow.tcp) return 20 + Math.floor(rnd() * 200);
  if (!fromServer) return rnd() < 0.7 ? 0 : 40 + Math.floor(rnd() * 400);
  const r = rnd();
  return r < 0.6 ? mtuPayload : r < 0.8 ? 0 : Math.floor(rnd() * mtuPayload);
}

/**
 * Writes a classic pcap of `count` NVGRE frames of 1,000 flows to `file`; returns its size in bytes.
 * About 1 GB per million frames' worth of bytes at the default mix (mean frame about 900 bytes).
 */
export function writeRealisticCapture(lib, file, count, { flows = 1000, seed = 7637 } = {}) {
  const rnd = random(seed);
  const conv = makeFlows(flows, rnd);
  const payload = new Uint8Array(1500).map((_, i) => (i * 31 + 7) & 0xff);
  const writer = new lib.PcapWriter();
  const fd = openSync(file, 'w');
  const chunk = new Uint8Array(8 << 20);
  let used = 0;
  let total = 0;
  const flush = () => {
    writeSync(fd, chunk, 0, used);
    total += used;
    used = 0;
  };
  const put = (bytes) => {
    if (used + bytes.length > chunk.length) flush();
    chunk.set(bytes, used);
    used += bytes.length;
  };
  put(writer.header());
  const frame = new Uint8Array(2048);
  let usec = 0;
  for (let i = 0; i < count; i++) {
    const flow = conv[Math.floor(rnd() * flows)];
    const fromServer = rnd() < 0.55;
    let n = payloadSize(rnd, flow, fromServer);
    // A pure ACK that acknowledges nothing new would be a duplicate ACK: send a little data instead.
    if (flow.tcp && n === 0) {
      const ackNow = fromServer ? flow.clientSeq : flow.serverSeq;
      const last = fromServer ? flow.serverAcked : flow.clientAcked;
      if (ackNow === last) n = 64;
      else if (fromServer) flow.serverAcked = ackNow;
      else flow.clientAcked = ackNow;
    }
    const src = fromServer ? flow.server : flow.client;
    const dst = fromServer ? flow.client : flow.server;
    const ip = flow.innerV6 ? { ipv6: { src, dst } } : { ipv4: { src, dst, id: (flow.ipId = (flow.ipId + 1) & 0xffff), dontFragment: true } };
    let l4;
    if (flow.tcp) {
      const seq = fromServer ? flow.serverSeq : flow.clientSeq;
      const ack = fromServer ? flow.clientSeq : flow.serverSeq;
      l4 = { tcp: { srcPort: fromServer ? flow.dport : flow.sport, dstPort: fromServer ? flow.sport : flow.dport, seq, ack, flags: n > 0 ? 0x18 : 0x10, window: 502 } };
      if (fromServer) flow.serverSeq = (flow.serverSeq + n) >>> 0;
      else flow.clientSeq = (flow.clientSeq + n) >>> 0;
    } else {
      l4 = { udp: { srcPort: fromServer ? flow.dport : flow.sport, dstPort: fromServer ? flow.sport : flow.dport } };
    }
    const outer = flow.outerV6
      ? { ipv6: { src: fromServer ? flow.serverPa : flow.clientPa, dst: fromServer ? flow.clientPa : flow.serverPa } }
      : { ipv4: { src: fromServer ? flow.serverPa : flow.clientPa, dst: fromServer ? flow.clientPa : flow.serverPa } };
    const length = lib.buildFrameInto(
      {
        ethernet: { src: '00:1d:d8:b7:1c:01', dst: '00:1d:d8:b7:1c:02' },
        ...outer,
        nvgre: { vsid: flow.vsid, flowId: 1 + ((flow.sport * 31) % 255) },
        inner: {
          ethernet: { src: fromServer ? flow.serverMac : flow.clientMac, dst: fromServer ? flow.clientMac : flow.serverMac },
          ...ip,
          ...l4,
          payload: payload.subarray(0, n),
        },
      },
      frame,
      0,
    );
    usec += 5 + Math.floor(rnd() * 40);
    put(writer.record({ data: frame.subarray(0, length), timestamp: { seconds: 1_767_225_600 + Math.floor(usec / 1e6), nanoseconds: (usec % 1e6) * 1000 } }));
  }
  flush();
  closeSync(fd);
  return total;
}
