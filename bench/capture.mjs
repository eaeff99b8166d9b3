// readPcap + strict decapsulation of every frame of a large capture, versus copying the same bytes.
import { performance } from 'node:perf_hooks';
import { QUICK, benchCase, consume, record } from './harness.mjs';
import { encapOptions, innerFrame } from './frames.mjs';

/** A capture of `count` NVGRE frames (mixed sizes and VSIDs), built in memory. */
export function bigCapture(lib, count) {
  const enc4 = lib.createEncapsulator(encapOptions(false));
  const enc6 = lib.createEncapsulator(encapOptions(true));
  const inners = [innerFrame(lib, 64), innerFrame(lib, 128, { tcp: false }), innerFrame(lib, 590), innerFrame(lib, 1514, { ipv6: true })];
  const frames = [];
  for (const inner of inners) {
    for (const enc of [enc4, enc6]) frames.push(enc.encapsulate(inner, { flowId: frames.length }));
  }
  const writer = new lib.PcapWriter();
  const header = writer.header();
  let total = header.length;
  for (let i = 0; i < count; i++) total += writer.recordLength(frames[i % frames.length]);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let o = header.length;
  for (let i = 0; i < count; i++) {
    const rec = writer.record({ data: frames[i % frames.length], timestamp: { seconds: 1_700_000_000 + Math.floor(i / 1e6), nanoseconds: (i % 1e6) * 1000 } });
    out.set(rec, o);
    o += rec.length;
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function run(lib) {
  await benchCase('capture', () => measure(lib));
}

async function measure(lib) {
  const count = QUICK ? 20_000 : 1_000_000;
  const file = bigCapture(lib, count);
  const copy = new Uint8Array(file.length);
  const ours = [];
  const base = [];
  for (let s = 0; s < (QUICK ? 2 : 5); s++) {
    let t = performance.now();
    const cap = lib.readPcap(file);
    let vsids = 0;
    for (const r of cap.records) {
      const d = lib.tryDecapsulate(r.data);
      if (d.ok) vsids += d.value.vsid & 1;
    }
    consume(vsids);
    ours.push(performance.now() - t);
    t = performance.now();
    copy.set(file);
    consume(copy[copy.length - 1]);
    base.push(performance.now() - t);
  }
  const ms = median(ours);
  const baseMs = median(base);
  record({
    operation: 'readPcap + tryDecapsulate every frame',
    size: `${count.toLocaleString('en-US')} frames, ${(file.length / 1e6).toFixed(0)} MB`,
    ops: (count / ms) * 1000,
    baseline: 'one set() of the whole file',
    baseOps: (count / baseMs) * 1000,
    ratio: baseMs / ms,
    bytes: file.length / count,
  });
}
