// Build + parse of one NVGRE frame versus Scapy doing the same (when /usr/bin/python3 has scapy).
// Scapy runs in a process of its own that serves rounds on request; its rounds alternate with ours
// (ours, Scapy's, Scapy's, ours, …) and the ratio is the median of per-round ratios, as in compare().
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { QUICK, benchCase, consume, rateMeter, record, summarise } from './harness.mjs';

const PY = process.env.NVGRE_PYTHON ?? '/usr/bin/python3';

/** Starts the Scapy side; resolves to a function that runs one round of `n` frames, or null without Scapy. */
async function startScapy() {
  if (!existsSync(PY)) return null;
  const script = fileURLToPath(new URL('./scapy_bench.py', import.meta.url));
  const child = spawn(PY, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || first.value !== 'ready') {
    child.kill();
    if (/No module named/.test(stderr)) return null;
    throw new Error(`scapy benchmark failed to start: ${stderr.slice(0, 500)}`);
  }
  const round = async (n) => {
    child.stdin.write(`${n}\n`);
    const next = await lines.next();
    if (next.done) throw new Error(`scapy benchmark ended: ${stderr.slice(0, 500)}`);
    const [builds, parses, frameLength] = next.value.trim().split(/\s+/).map(Number);
    // One build and one parse per frame: the combined rate.
    return { rate: 1 / (1 / builds + 1 / parses), frameLength };
  };
  round.stop = () => child.stdin.end();
  return round;
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
    await benchCase(operation, async () => {
      const scapy = await startScapy();
      if (scapy === null) {
        if (process.env.CI === 'true') throw new Error(`Scapy is not installed (${PY} -c "import scapy" fails): in CI a missing tool is a failure`);
        record({ operation, size: '1500 B', ops: NaN, baseline: 'Scapy (not installed: skipped)', baseOps: NaN, ratio: NaN });
        return;
      }
      try {
        const ours = rateMeter(buildParse, QUICK ? 5 : 20);
        const rounds = QUICK ? 3 : 9;
        const oursRates = [];
        const theirRates = [];
        const ratios = [];
        let frameLength = 0;
        for (let r = 0; r < rounds; r++) {
          let mine;
          let theirs;
          if (r & 1) {
            theirs = await scapy(QUICK ? 100 : 300);
            mine = ours();
          } else {
            mine = ours();
            theirs = await scapy(QUICK ? 100 : 300);
          }
          frameLength = theirs.frameLength;
          oursRates.push(mine);
          theirRates.push(theirs.rate);
          ratios.push(mine / theirs.rate);
        }
        const s = summarise(ratios);
        const med = (xs) => summarise(xs).ratio;
        record({ operation, size: `${frameLength} B frame`, ops: med(oursRates), baseline: 'Scapy (python3), rounds alternated', baseOps: med(theirRates), ...s, goal, bytes: frameLength });
      } finally {
        scapy.stop();
      }
    });
  }
}
