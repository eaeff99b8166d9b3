// Receive-side cases (docs/rss.md): createRss().queue on a 1500-byte NVGRE TCP frame against decapsulate
// on the same frame — both read the outer and inner headers; RSS then hashes 12 (IPv4) or 36 (IPv6)
// bytes with the key's precomputed per-position tables. Goal (issue 14): at least 0.5× decapsulate.
// Like decapsulation, RSS reads headers only: no bytes/s figure. Each benchCase runs in a process of its own
// (see harness.mjs).
import { benchCase, bytesPerCall, compare, consume, record, recordAllocation } from './harness.mjs';
import { nvgreFrame } from './frames.mjs';

export async function run(lib) {
  for (const [outerV6, innerV6] of [
    [false, false],
    [true, true],
  ]) {
    const label = `outer IPv${outerV6 ? 6 : 4}, inner TCP/IPv${innerV6 ? 6 : 4}`;
    await benchCase(`createRss().queue ${label}`, () => {
      const frame = nvgreFrame(lib, 1500, { outerV6, innerV6 });
      const rss = lib.createRss({ queues: 8 });
      if (rss.hash(frame).over !== 'inner') throw new Error('the benchmark frame must hash its inner 4-tuple');
      const queue = () => consume(rss.queue(frame));
      const decap = () => consume(lib.decapsulate(frame).key);
      const r = compare(queue, decap);
      record({ operation: `createRss().queue, ${label}`, size: '1500 B inner', ...r, baseline: 'decapsulate, same frame', goal: 0.5 });
      recordAllocation(`createRss().queue, ${label}`, bytesPerCall(queue));
    });
  }
  await benchCase('rssHash one-shot', () => {
    // The one-shot form checks its options and returns a new result per call (the key's table is cached).
    const frame = nvgreFrame(lib, 1500);
    const options = { hashTypes: ['ipv4', 'tcp-ipv4', 'ipv6', 'tcp-ipv6'] };
    const r = compare(
      () => consume(lib.rssHash(frame, options).hash),
      () => consume(lib.decapsulate(frame).key),
    );
    record({ operation: 'rssHash (one-shot, options checked per call)', size: '1500 B inner', ...r, baseline: 'decapsulate, same frame' });
  });
}
