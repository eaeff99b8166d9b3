// Hostile inputs that must end quickly (test/robustness/bounded.test.ts checks what each returns;
// here is how long each takes). A row's ratio is its time budget over the time measured, so a ratio
// of 1× or more means it stayed within the budget; the budgets are generous, for a slow shared core,
// and catch work proportional to a claimed length or to an amplification. Reported, never asserted.
import { performance } from 'node:perf_hooks';
import { QUICK, benchCase, record } from './harness.mjs';

/** Median milliseconds of `f()` over a few runs; `f` may return normally or throw an NvgreError. */
function timeOnce(lib, f) {
  const runs = QUICK ? 1 : 5;
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    try {
      f();
    } catch (e) {
      if (!(e instanceof lib.NvgreError)) throw e;
    }
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1];
}

function bounded(lib, operation, size, budgetMs, f) {
  const ms = timeOnce(lib, f);
  record({
    operation,
    size,
    ops: 1000 / ms,
    baseline: `time budget ${budgetMs} ms`,
    baseOps: 1000 / budgetMs,
    ratio: budgetMs / ms,
    goal: 1,
    note: `(${ms.toFixed(1)} ms)`,
  });
}

function le32(b, o, v) {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(o, v, true);
}

/** `levels` Ethernet/IPv4/NVGRE headers, each datagram running to the end of the buffer. */
function nested(levels) {
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

/** An IPv6 frame whose fixed header is followed by `n` empty Destination Options headers, then UDP. */
function chain(n, last = 17) {
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

export async function run(lib) {
  await benchCase('segment: MSS 1 on a 16 MiB template', () => {
    const header = lib.buildFrame({
      ethernet: {},
      ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
      nvgre: { vsid: 0x5001, flowId: 1 },
      inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 } },
    });
    const template = new Uint8Array(header.length + (16 << 20));
    template.set(header);
    bounded(lib, 'segment, MSS 1 (TOO_LARGE by maxSegments)', '16 MiB template', 1000, () => lib.segment(template, { mss: 1 }));
    bounded(lib, 'segmentPlan, MSS 1 (TOO_LARGE)', '16 MiB template', 1000, () => lib.segmentPlan(template, { mss: 1 }));
    bounded(lib, 'segment, MSS 1, maxSegments lifted (TOO_LARGE by the output bound)', '16 MiB template', 1000, () =>
      lib.segment(template, { mss: 1, maxSegments: Number.MAX_SAFE_INTEGER }),
    );
  });

  await benchCase('segment: 62 KiB of IPv6 extension headers at MSS 1', () => {
    const ext = 31 * 2048;
    const f = new Uint8Array(14 + 40 + ext + 20 + 65535);
    f.set([0x86, 0xdd], 12);
    f[14] = 0x60;
    f[20] = 60;
    for (let i = 0; i < 31; i++) {
      const o = 54 + i * 2048;
      f[o] = i === 30 ? 6 : 60;
      f[o + 1] = 255;
    }
    f[54 + ext + 12] = 0x50;
    f[54 + ext + 13] = 0x10;
    bounded(lib, 'segment, IPv6 with 62 KiB of extension headers, MSS 1 (TOO_LARGE)', '64 KiB payload', 2000, () => lib.segment(f, { mss: 1 }));
  });

  await benchCase('coalesce: 70,000 segments', () => {
    const one = lib.segment(lib.buildFrame({ ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 }, payload: 'x' }), { mss: 10 })[0];
    const many = new Array(70_000).fill(one);
    bounded(lib, 'coalesce, more segments than maxSegments (TOO_LARGE)', '70,000 segments', 500, () => lib.coalesce(many));
  });

  await benchCase('captures that claim more than they hold', () => {
    const pcap = lib.writePcap([new Uint8Array(60)], { snaplen: 65535 });
    const claim4g = pcap.slice();
    le32(claim4g, 16, 0);
    le32(claim4g, 24 + 8, 0xffffffff);
    bounded(lib, 'readPcap, a record claiming 4 GiB (BAD_CAPTURE)', '84 B file', 200, () => lib.readPcap(claim4g));
    bounded(lib, 'readCapture, a record claiming 4 GiB, limit lifted (TRUNCATED)', '84 B file', 200, () => lib.readCapture(claim4g, { maxRecordBytes: 0xffffffff }));
    const claimNg = lib.writePcapng([new Uint8Array(60)]);
    le32(claimNg, 48 + 4, 0xfffffff0);
    bounded(lib, 'readPcapng, a block claiming 4 GiB (BAD_CAPTURE)', 'one block', 200, () => lib.readPcapng(claimNg));
    const ng = lib.writePcapng([new Uint8Array(60)]);
    for (const length of [0, 4, 8, 13]) {
      const f = ng.slice();
      le32(f, 28 + 4, length);
      bounded(lib, `readPcapng, a block length of ${length} (BAD_CAPTURE)`, 'one block', 200, () => lib.readPcapng(f));
    }
    // An Enhanced Packet Block whose total length is 0, 8, 13, 30 or 4 GiB (test/pcap/pcapng.test.ts).
    const withPacket = lib.writePcapng([new Uint8Array(20)]);
    const dv = new DataView(withPacket.buffer, withPacket.byteOffset, withPacket.byteLength);
    const shbLength = dv.getUint32(4, true);
    const epbAt = shbLength + dv.getUint32(shbLength + 4, true);
    for (const length of [0, 8, 13, 30, 0xfffffffc]) {
      const f = withPacket.slice();
      le32(f, epbAt + 4, length);
      bounded(lib, `readPcapng, an Enhanced Packet Block length of ${length} (BAD_CAPTURE)`, 'one block', 100, () => lib.readPcapng(f));
    }
    const claim200m = pcap.slice();
    le32(claim200m, 16, 0);
    le32(claim200m, 24 + 8, 200 << 20);
    bounded(lib, 'CaptureStreamParser.end, a record claiming 200 MiB after 1 MiB (TRUNCATED)', '1 MiB pushed', 200, () => {
      const parser = new lib.CaptureStreamParser();
      parser.push(claim200m.subarray(0, 40));
      const chunk = new Uint8Array(64 << 10);
      for (let i = 0; i < 16; i++) parser.push(chunk);
      parser.end();
    });
  });

  await benchCase('pcapng: 500,000 minimal unknown blocks', () => {
    const ng = lib.writePcapng([]);
    const f = new Uint8Array(ng.length + 12 * 500_000);
    f.set(ng);
    for (let o = ng.length; o < f.length; o += 12) {
      le32(f, o, 0x0bad);
      le32(f, o + 4, 12);
      le32(f, o + 8, 12);
    }
    bounded(lib, 'readPcapng, 500,000 unknown blocks (linear walk)', '6 MB file', 5000, () => lib.readPcapng(f));
  });

  await benchCase('TEB-in-TEB, 3000 levels', () => {
    const deep = nested(3000);
    bounded(lib, 'parseFrame, TEB-in-TEB 3000 levels (NESTING_LIMIT)', 'default depth', 500, () => lib.parseFrame(deep));
    bounded(lib, 'parseFrame, TEB-in-TEB 3000 levels (NESTING_LIMIT)', 'maxDepth 64', 500, () => lib.parseFrame(deep, { maxDepth: 64 }));
    bounded(lib, 'decapsulate (lenient), TEB-in-TEB 3000 levels', 'one level read', 200, () => lib.decapsulate(deep, { strict: false }));
    bounded(lib, 'walkFrame, TEB-in-TEB 3000 levels', 'one level read', 200, () => lib.walkFrame(deep, new lib.FrameLayout()));
    bounded(lib, 'verifyChecksums, TEB-in-TEB 3000 levels', 'one level read', 200, () => lib.verifyChecksums(deep));
    bounded(lib, 'fillChecksums, TEB-in-TEB 3000 levels', 'one level read', 200, () => lib.fillChecksums(deep.slice()));
  });

  await benchCase('IPv6 extension chains', () => {
    const long = chain(500);
    bounded(lib, 'parseFrame, 500 extension headers (BAD_IP_HEADER)', '500 headers', 200, () => lib.parseFrame(long));
    bounded(lib, 'segment, 500 extension headers (BAD_IP_HEADER)', '500 headers', 200, () => lib.segment(long, { mss: 10 }));
    bounded(lib, 'decapsulate, 500 extension headers (BAD_IP_HEADER)', '500 headers', 200, () => lib.decapsulate(long));
    bounded(lib, 'walkFrame, 500 extension headers (BAD_IP_HEADER)', '500 headers', 200, () => lib.walkFrame(long, new lib.FrameLayout()));
    bounded(lib, 'verifyChecksums, 500 extension headers (BAD_IP_HEADER)', '500 headers', 200, () => lib.verifyChecksums(long));
    bounded(lib, 'fillChecksums, 500 extension headers (BAD_IP_HEADER)', '500 headers', 200, () => lib.fillChecksums(long.slice()));
    bounded(lib, 'parseFrame, 64 extension headers (the limit: OK)', '64 headers', 200, () => lib.parseFrame(chain(64)));
    bounded(lib, 'parseFrame, 65 extension headers (BAD_IP_HEADER)', '65 headers', 200, () => lib.parseFrame(chain(65)));
    const toFragment = chain(8000, 44);
    bounded(lib, 'Reassembler.push, 8000 headers before a Fragment header (linear walk)', '8000 headers', 500, () => new lib.Reassembler().push(toFragment));
  });

  await benchCase('buildFrame refusals', () => {
    bounded(lib, 'buildFrame, a 2 GiB trailer (INVALID_ARGUMENT)', 'before allocating', 100, () => lib.buildFrame({ ethernet: {}, trailer: 2 ** 31 }));
    const options = new Uint8Array(1 << 20);
    bounded(lib, 'buildFrame, a 1 MiB hop-by-hop header (INVALID_ARGUMENT)', 'before allocating', 100, () =>
      lib.buildFrame({ ethernet: {}, ipv6: { src: '::1', dst: '::2', extensionHeaders: [{ type: 'hop-by-hop', options }] } }),
    );
  });

  await benchCase('Reassembler: 100,000 distinct fragments', () => {
    const frag = new Uint8Array(14 + 20 + 64);
    frag.set([0x08, 0x00], 12);
    frag.set([0x45, 0, 0, 84, 0, 0, 0x20, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
    bounded(lib, 'Reassembler.push, 100,000 distinct fragments (maxDatagrams 256, maxBytes 1 MiB)', '100,000 fragments', 20_000, () => {
      const r = new lib.Reassembler({ maxDatagrams: 256, maxBytes: 1 << 20 });
      for (let i = 0; i < 100_000; i++) {
        frag[18] = i >> 8;
        frag[19] = i & 0xff;
        frag[26] = (i >> 16) & 0xff;
        frag.set([0, 0], 24);
        let s = 0;
        for (let k = 14; k < 34; k += 2) s += (frag[k] << 8) | frag[k + 1];
        while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
        frag.set([(~s >> 8) & 0xff, ~s & 0xff], 24);
        r.push(frag, i);
      }
    });
  });
}
