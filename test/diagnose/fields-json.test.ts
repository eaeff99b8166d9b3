/**
 * frameFieldsJson and writeFrameFieldsJson (docs/api.md): the JSON of frameFieldValues written without
 * the object in between, as text or as UTF-8 bytes into a sink (what `nvgre decode --json` writes). It
 * must be exactly JSON.stringify(frameFieldValues(view)) (in bytes: its UTF-8) on every frame, whole or
 * cut short, including the "first value of a name wins" rule, absent fields written as null, lint
 * codes and a view reused from frame to frame.
 */
import { describe, expect, it } from 'vitest';
import { FrameView, JsonBytes, buildFrame, frameFieldValues, frameFieldsJson, readCapture, writeFrameFieldsJson } from '../../src/index.js';
import { corpusCaptures } from '../helpers/corpus.js';

const sink = new JsonBytes();
const utf8 = new TextEncoder();

function same(view: FrameView): void {
  const expected = JSON.stringify(frameFieldValues(view));
  expect(frameFieldsJson(view)).toBe(expected);
  // The bytes themselves, not only their decoding (which would hide a byte written wrong as U+FFFD).
  sink.reset();
  writeFrameFieldsJson(view, sink);
  expect(Buffer.from(sink.written).equals(Buffer.from(utf8.encode(expected)))).toBe(true);
}

describe('frameFieldsJson', () => {
  it('equals JSON.stringify(frameFieldValues) on every corpus frame cut at every length', () => {
    const view = new FrameView();
    let frames = 0;
    let lintSeen = false;
    for (const file of corpusCaptures()) {
      let records;
      try {
        records = readCapture(file.bytes).records;
      } catch {
        continue; // the corpus holds deliberately broken captures; their readable frames are tested elsewhere
      }
      for (const r of records.slice(0, 60)) {
        const d = r.data;
        for (let len = 0; len <= d.length; len += len < 160 ? 1 : 37) {
          view.load(d.subarray(0, len), { number: frames + 1, originalLength: d.length });
          same(view);
          if (view.findings.length > 0) lintSeen = true;
          frames++;
        }
      }
    }
    expect(frames).toBeGreaterThan(10_000);
    expect(lintSeen).toBe(true); // the "lint" member was exercised
  });

  it('writes absent fields as null, addresses as text, and vlan lists as arrays', () => {
    const frame = buildFrame({
      ethernet: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', vlans: [{ id: 100 }] },
      ipv6: { src: '2001:db8::1', dst: '2001:db8::2' },
      nvgre: { vsid: 0x1234, flowId: 7 },
      inner: { ethernet: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 53, dstPort: 5353 }, payload: new Uint8Array(3) },
    });
    const view = new FrameView().load(frame);
    const json = frameFieldsJson(view);
    same(view);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(parsed['outer.ip.src']).toBe('2001:db8::1');
    expect(parsed['outer.vlan']).toEqual([100]);
    expect(parsed['drop']).toBeNull(); // a strict receiver accepts it: the row is shown, its value null
    expect(parsed['inner.srcport']).toBe(53);
  });

  it('starts afresh for each frame of a reused view', () => {
    const view = new FrameView();
    const a = buildFrame({ ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 5000 }, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1, dstPort: 2 } } });
    const b = buildFrame({ ipv4: { src: '192.0.2.3', dst: '192.0.2.4' }, nvgre: { vsid: 6000 }, inner: { ipv4: { src: '10.0.0.3', dst: '10.0.0.4' }, udp: { srcPort: 3, dstPort: 4 } } });
    for (const f of [a, b, a, a, b]) {
      view.load(f);
      same(view);
    }
  });
});
