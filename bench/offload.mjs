// Offload cases: fillChecksums / verifyChecksums on a 1500 B NVGRE TCP frame, segment and
// segmentInto of a 64 KiB TCP payload at MSS 1448 (IPv4/IPv4 and IPv6/IPv6), and segment() with one buffer
// per call (the default) and one per segment (pool: false).
import { benchCase, bytesPerCall, compare, consume, pinned, pinnedCopy, record, recordAllocation } from './harness.mjs';
import { nvgreFrame } from './frames.mjs';

function lsoTemplate(lib, v6) {
  const payload = new Uint8Array(65536);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131 + 3) & 0xff;
  // LSOv2 template (docs/offload.md §10): IP length fields are 0 and lengths come from the buffer.
  return lib.buildFrame({
    ethernet: { src: '00:1d:d8:b7:1c:01', dst: '00:1d:d8:b7:1c:02' },
    ...(v6 ? { ipv6: { src: '2001:db8::a', dst: '2001:db8::b', payloadLength: 0 } } : { ipv4: { src: '192.0.2.10', dst: '198.51.100.20', id: 0x100, totalLength: 0 } }),
    nvgre: { vsid: 0x123456, flowId: 0x42 },
    inner: {
      ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' },
      ...(v6 ? { ipv6: { src: 'fd00::1', dst: 'fd00::2', payloadLength: 0 } } : { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 0x200, dontFragment: true, totalLength: 0 } }),
      tcp: { srcPort: 40000, dstPort: 443, seq: 1000, ack: 1, flags: 0x18 },
      payload,
    },
  });
}

export async function run(lib) {
  const checksumCase = (setup) => () => {
    const frame = nvgreFrame(lib, 1500);
    setup(frame, () => consume(lib.onesComplementSum(frame, 0, frame.length)));
  };
  await benchCase(
    'verifyChecksums',
    checksumCase((frame, sumBase) => {
      const r = compare(() => consume(lib.verifyChecksums(frame).flags.tcpChecksumSucceeded), sumBase);
      record({ operation: 'verifyChecksums, NVGRE IPv4/IPv4 TCP', size: `${frame.length} B frame`, ...r, baseline: 'onesComplementSum over the frame', goal: 0.8, bytes: frame.length });
    }),
  );
  await benchCase(
    'fillChecksums',
    checksumCase((frame, sumBase) => {
      const work = frame.slice();
      const r = compare(() => consume(lib.fillChecksums(work).transport.status === 'ok'), sumBase);
      record({ operation: 'fillChecksums, NVGRE IPv4/IPv4 TCP', size: `${frame.length} B frame`, ...r, baseline: 'onesComplementSum over the frame', bytes: frame.length });
    }),
  );
  for (const v6 of [false, true]) {
    const label = v6 ? 'IPv6/IPv6' : 'IPv4/IPv4';
    const mss = 1448;
    const setup = () => {
      // In the arena at fixed page offsets (harness.mjs pinned): the template at 16, the copies' and
      // segments' destinations 2 KiB away, every 64 KiB copy (set(), into and out of the kernel) clear
      // of the addresses where the host's memmove runs 20x slower.
      const template = pinnedCopy(lsoTemplate(lib, v6), 16);
      const plan = lib.segmentPlan(template, { mss });
      const payloadCopy = pinned(65536, 16 + 2048);
      const src = template.subarray(template.length - 65536);
      // Baseline: the unavoidable work, one copy and one checksum pass over the payload.
      const base = () => {
        payloadCopy.set(src);
        consume(lib.onesComplementSum(payloadCopy, 0, payloadCopy.length));
      };
      return { template, plan, base, target: pinned(plan.totalLength, 16 + 2048) };
    };
    await benchCase(`segmentInto ${label}`, () => {
      const { template, plan, base, target } = setup();
      const onSeg = (seg) => consume(seg.length);
      const into = () => consume(lib.segmentInto(template, { mss }, target, onSeg));
      const r = compare(into, base);
      record({ operation: `segmentInto, ${label}, all checksums`, size: `64 KiB at MSS ${mss} (${plan.count} segments)`, ...r, baseline: '64 KiB set() + checksum pass', goal: v6 ? undefined : 0.7, bytes: 65536 });
      recordAllocation(`segmentInto, ${label} (${plan.count} segments, per call)`, bytesPerCall(into, 500));
    });
    await benchCase(`segment ${label}`, () => {
      const { template, base } = setup();
      const r = compare(() => consume(lib.segment(template, { mss }).length), base);
      record({ operation: `segment, ${label}`, size: `64 KiB at MSS ${mss}`, ...r, baseline: '64 KiB set() + checksum pass', bytes: 65536 });
    });
    await benchCase(`segment pool false ${label}`, () => {
      // Each segment an ArrayBuffer of its own (as segment() did before it laid a call's segments out in one).
      const { template, base } = setup();
      const r = compare(() => consume(lib.segment(template, { mss, pool: false }).length), base);
      record({ operation: `segment, pool: false, ${label}`, size: `64 KiB at MSS ${mss}`, ...r, baseline: '64 KiB set() + checksum pass', bytes: 65536 });
    });
  }
}
