/**
 * Bounded work on hostile input (issue 6): each of these ends with a typed error or a bounded
 * result — never a hang, a runaway allocation or a stack overflow. How long each takes, against a
 * generous budget that catches work proportional to a claimed length or to an amplification, is
 * reported by `npm run bench -- --only=bounded` (bench/bounded.mjs): a wall-clock limit here would
 * fail on a busy machine. A hang still fails here, at the test timeout.
 */
import { describe, expect, it } from 'vitest';
import {
  CaptureStreamParser,
  FrameLayout,
  NvgreError,
  Reassembler,
  buildFrame,
  coalesce,
  decapsulate,
  fillChecksums,
  lint,
  parseFrame,
  readCapture,
  readPcap,
  readPcapng,
  segment,
  segmentPlan,
  verifyChecksums,
  walkFrame,
  writePcap,
  writePcapng,
} from '../../src/index.js';

/** Runs `f`; returns its NvgreError code or 'OK'. Any other exception fails. */
function ends(f: () => unknown): string {
  let code = 'OK';
  try {
    f();
  } catch (e) {
    if (!(e instanceof NvgreError)) throw e;
    code = e.code;
  }
  return code;
}

function le32(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(o, v, true);
}

// ---------------------------------------------------------------------------------------------

describe('segmentation: tiny MSS, huge payload, long headers', () => {
  const header = buildFrame({
    ethernet: {},
    ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
    nvgre: { vsid: 0x5001, flowId: 1 },
    inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 } },
  });
  // An LSO template: the IP lengths are ignored, the payload runs to the end of the buffer (16 MiB).
  const template = new Uint8Array(header.length + (16 << 20));
  template.set(header);

  it('MSS 1 on 16 MiB: TOO_LARGE (maxSegments) before any segment is built', () => {
    expect(ends(() => segment(template, { mss: 1 }))).toBe('TOO_LARGE');
    expect(ends(() => segmentPlan(template, { mss: 1 }))).toBe('TOO_LARGE');
  });

  it('MSS 1 on 16 MiB with maxSegments lifted: TOO_LARGE by the 256 MiB output bound, not 1.6 GB of segments', () => {
    expect(ends(() => segment(template, { mss: 1, maxSegments: Number.MAX_SAFE_INTEGER }))).toBe('TOO_LARGE');
  });

  it('a plain IPv6 template with 62 KiB of extension headers and MSS 1: TOO_LARGE, not 4 GiB of copied headers', () => {
    // 31 Destination Options headers of 2048 bytes each (Hdr Ext Len 255), then TCP and 64 KiB of payload.
    const ext = 31 * 2048;
    const f = new Uint8Array(14 + 40 + ext + 20 + 65535);
    f.set([0x86, 0xdd], 12);
    f[14] = 0x60;
    f[20] = 60; // Next Header: Destination Options
    for (let i = 0; i < 31; i++) {
      const o = 54 + i * 2048;
      f[o] = i === 30 ? 6 : 60;
      f[o + 1] = 255;
    }
    f[54 + ext + 12] = 0x50; // TCP data offset 5
    f[54 + ext + 13] = 0x10; // ACK
    expect(ends(() => segment(f, { mss: 1 }))).toBe('TOO_LARGE');
  });

  it('coalesce of more segments than maxSegments: TOO_LARGE before walking them', () => {
    const one = segment(buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 }, payload: 'x' }), { mss: 10 })[0]!;
    expect(ends(() => coalesce(new Array<Uint8Array>(70_000).fill(one)))).toBe('TOO_LARGE');
  });
});

describe('capture files that claim more than they hold', () => {
  const pcap = writePcap([new Uint8Array(60)], { snaplen: 65535 });

  it('a pcap record claiming 4 GiB: BAD_CAPTURE (limit), or TRUNCATED with the limit lifted — nothing allocated from the claim', () => {
    const f = pcap.slice();
    le32(f, 16, 0); // snaplen 0: "unknown", so only maxRecordBytes bounds the record
    le32(f, 24 + 8, 0xffffffff);
    expect(ends(() => readPcap(f))).toBe('BAD_CAPTURE');
    expect(ends(() => readCapture(f, { maxRecordBytes: 0xffffffff }))).toBe('TRUNCATED');
  });

  it('the stream parser buffers what it received, not what a record claims', () => {
    const f = pcap.slice();
    le32(f, 16, 0);
    le32(f, 24 + 8, 200 << 20); // 200 MiB claimed, 1 MiB supplied
    const parser = new CaptureStreamParser();
    const before = process.memoryUsage().arrayBuffers;
    parser.push(f.subarray(0, 40));
    const chunk = new Uint8Array(64 << 10);
    for (let i = 0; i < 16; i++) parser.push(chunk);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(32 << 20);
    expect(ends(() => parser.end())).toBe('TRUNCATED');
  });

  it('pcapng blocks shorter than 12 bytes cannot loop: BAD_CAPTURE', () => {
    const ng = writePcapng([new Uint8Array(60)]);
    for (const length of [0, 4, 8, 13]) {
      const f = ng.slice();
      le32(f, 28 + 4, length); // the IDB's total length
      expect(ends(() => readPcapng(f))).toBe('BAD_CAPTURE');
    }
  });

  it('500,000 minimal unknown pcapng blocks are walked to the end', () => {
    const ng = writePcapng([]);
    const f = new Uint8Array(ng.length + 12 * 500_000);
    f.set(ng);
    for (let o = ng.length; o < f.length; o += 12) {
      le32(f, o, 0x0bad);
      le32(f, o + 4, 12);
      le32(f, o + 8, 12);
    }
    expect(ends(() => readPcapng(f))).toBe('OK');
  });

  it('a pcapng block claiming 4 GiB: BAD_CAPTURE', () => {
    const f = writePcapng([new Uint8Array(60)]);
    le32(f, 48 + 4, 0xfffffff0);
    expect(ends(() => readPcapng(f))).toBe('BAD_CAPTURE');
  });
});

describe('deep nesting and long header chains', () => {
  /** `levels` Ethernet/IPv4/NVGRE headers, each datagram running to the end of the buffer. */
  function nested(levels: number): Uint8Array {
    const per = 14 + 20 + 8;
    const f = new Uint8Array(per * levels + 14 + 20 + 8);
    for (let d = 0; d < levels; d++) {
      const o = d * per;
      f.set([0x08, 0x00], o + 12);
      f[o + 14] = 0x45;
      const total = f.length - o - 14;
      f.set([total >> 8, total & 0xff], o + 16);
      f[o + 23] = 47;
      f.set([0x20, 0x00, 0x65, 0x58, 0x10, 0x00, 0x00, 0x01], o + 34);
    }
    return f;
  }
  const deep = nested(3000);

  it('TEB-in-TEB 3000 levels: NESTING_LIMIT at the default depth and at the hard maximum, no stack overflow', () => {
    expect(ends(() => parseFrame(deep))).toBe('NESTING_LIMIT');
    expect(ends(() => parseFrame(deep, { maxDepth: 64 }))).toBe('NESTING_LIMIT');
    const partial = parseFrame(deep, { maxDepth: 64, partial: true });
    let levels = 0;
    for (let p: typeof partial | undefined = partial; p; p = p.inner) levels++;
    expect(levels).toBe(65);
    expect(lint(deep).map((f) => f.code)).toContain('NESTING_LIMIT');
    expect(lint(deep, { maxDepth: 64 }).map((f) => f.code)).toContain('NESTING_LIMIT');
    // Decapsulation, the walk and the offloads look one level deep only.
    for (const f of [() => decapsulate(deep, { strict: false }), () => walkFrame(deep, new FrameLayout()), () => verifyChecksums(deep), () => fillChecksums(deep.slice())]) ends(f);
  });

  /** An IPv6 frame whose fixed header is followed by `n` empty Destination Options headers, then UDP. */
  function chain(n: number, last = 17): Uint8Array {
    const f = new Uint8Array(14 + 40 + 8 * n + 8);
    f.set([0x86, 0xdd], 12);
    f[14] = 0x60;
    const pl = 8 * n + 8;
    f.set([pl >> 8, pl & 0xff], 18);
    f[20] = 60;
    for (let i = 0; i < n; i++) f[54 + 8 * i] = i === n - 1 ? last : 60;
    f.set([0, 53, 0, 53, 0, 8], 54 + 8 * n);
    return f;
  }

  it('IPv6 extension chains of hundreds of headers: BAD_IP_HEADER past 64, everywhere', () => {
    const long = chain(500);
    for (const f of [() => decapsulate(long), () => parseFrame(long), () => walkFrame(long, new FrameLayout()), () => verifyChecksums(long), () => fillChecksums(long.slice()), () => segment(long, { mss: 10 })]) {
      expect(ends(f)).toBe('BAD_IP_HEADER');
    }
    expect(lint(long).map((x) => x.code)).toEqual(['BAD_IP_HEADER']);
    expect(ends(() => parseFrame(chain(64)))).toBe('OK');
    expect(ends(() => parseFrame(chain(65)))).toBe('BAD_IP_HEADER');
  });

  it('the reassembler walks a chain of 8000 headers before a Fragment header', () => {
    const f = chain(8000, 44);
    expect(ends(() => new Reassembler().push(f))).toBe('OK');
  });
});

describe('builders and the reassembler stay within their limits', () => {
  it('buildFrame refuses a 2 GiB trailer and oversized extension headers before allocating', () => {
    expect(ends(() => buildFrame({ ethernet: {}, trailer: 2 ** 31 }))).toBe('INVALID_ARGUMENT');
    expect(ends(() => buildFrame({ ethernet: {}, ipv6: { src: '::1', dst: '::2', extensionHeaders: [{ type: 'hop-by-hop', options: new Uint8Array(1 << 20) }] } }))).toBe('INVALID_ARGUMENT');
  });

  it('100,000 distinct fragments keep at most maxDatagrams datagrams and maxBytes bytes', () => {
    const r = new Reassembler({ maxDatagrams: 256, maxBytes: 1 << 20 });
    const frag = new Uint8Array(14 + 20 + 64);
    frag.set([0x08, 0x00], 12);
    frag.set([0x45, 0, 0, 84, 0, 0, 0x20, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
    for (let i = 0; i < 100_000; i++) {
      frag[18] = i >> 8;
      frag[19] = i & 0xff;
      frag[26] = (i >> 16) & 0xff; // source address varies: 100,000 distinct keys
      frag.set([0, 0], 24);
      let s = 0;
      for (let k = 14; k < 34; k += 2) s += (frag[k]! << 8) | frag[k + 1]!;
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      frag.set([(~s >> 8) & 0xff, ~s & 0xff], 24);
      if (r.push(frag, i) !== null) throw new Error(`fragment ${i} was not held`);
      if (i % 997 === 0) {
        expect(r.stats.datagramsInFlight).toBeLessThanOrEqual(256);
        expect(r.stats.bytesHeld).toBeLessThanOrEqual(1 << 20);
      }
    }
    expect(r.stats.datagramsInFlight).toBe(256);
  });
});
