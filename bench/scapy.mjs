// Build + parse of one NVGRE frame versus Scapy doing the same (when /usr/bin/python3 has scapy).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { QUICK, benchCase, compare, consume, record } from './harness.mjs';

const PY = '/usr/bin/python3';

/** Scapy building and dissecting the same frame: [frames per second, frame length], or null without Scapy. */
function scapyBuildDissect() {
  const probe = existsSync(PY) ? spawnSync(PY, ['-c', 'import scapy'], { encoding: 'utf8' }) : null;
  if (!probe || probe.status !== 0) return null;
  const script = fileURLToPath(new URL('./scapy_bench.py', import.meta.url));
  // Medians of several samples, as on the JavaScript side (9 of 333 frames; 3 of 100 when quick).
  const out = spawnSync(PY, [script, String(QUICK ? 300 : 3000), String(QUICK ? 3 : 9)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`scapy benchmark failed: ${out.stderr}`);
  const [buildsPerSec, parsesPerSec, frameLen] = out.stdout.trim().split(/\s+/).map(Number);
  return [1 / (1 / buildsPerSec + 1 / parsesPerSec), frameLen];
}

export async function run(lib) {
  const payload = new Uint8Array(1446).map((_, i) => (i * 31 + 7) & 0xff);
  const spec = {
    ethernet: { src: '00:1d:d8:b7:1c:01', dst: '00:1d:d8:b7:1c:02' },
    ipv4: { src: '192.0.2.10', dst: '198.51.100.20' },
    nvgre: { vsid: 0x123456, flowId: 0x42 },
    inner: {
      ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' },
      ipv4: { src: '10.0.0.1', dst: '10.0.0.2' },
      tcp: { srcPort: 40000, dstPort: 443, seq: 1, ack: 1, flags: 0x18 },
      payload,
    },
  };
  const target = new Uint8Array(2048);
  // The goal row is the like-for-like one: Scapy's bytes() fills the checksums, as buildFrameInto
  // does, and its dissection verifies none, so parseFrame runs without transport checksum
  // verification (it still verifies the IPv4 header checksums, which Scapy does not). The other rows
  // show what the default parseFrame (verifying TCP over the whole segment) and an allocating
  // buildFrame cost against the same baseline.
  const headersOnly = { transportChecksums: false };
  const cases = [
    ['buildFrame + parseFrame vs Scapy build + dissect', undefined, () => consume(lib.parseFrame(lib.buildFrame(spec)).inner.transport.srcPort)],
    // The same work into a reused buffer: what a packet generator does (no allocation per frame).
    [
      'buildFrameInto (reused buffer) + parseFrame vs Scapy build + dissect',
      undefined,
      () => consume(lib.parseFrame(target.subarray(0, lib.buildFrameInto(spec, target, 0))).inner.transport.srcPort),
    ],
    [
      'buildFrameInto + parseFrame without transport checksum verification (as Scapy dissects) vs Scapy build + dissect',
      1000,
      () => consume(lib.parseFrame(target.subarray(0, lib.buildFrameInto(spec, target, 0)), headersOnly).inner.transport.srcPort),
    ],
  ];
  for (const [operation, goal, buildParse] of cases) {
    await benchCase(operation, () => {
      const scapy = scapyBuildDissect();
      if (scapy === null) {
        record({ operation, size: '1500 B', ops: NaN, baseline: 'Scapy (not installed: skipped)', baseOps: NaN, ratio: NaN });
        return;
      }
      const [scapyOps, frameLen] = scapy;
      const measured = compare(buildParse, null);
      record({ operation, size: `${frameLen} B frame`, ops: measured.ops, baseline: 'Scapy (python3)', baseOps: scapyOps, ratio: measured.ops / scapyOps, goal, bytes: frameLen });
    });
  }
}
