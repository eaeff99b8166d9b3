/**
 * `nvgre decode -x`: offset, hex and ASCII, 16 bytes a line, like tshark -x — with the layer boundaries
 * marked: a `|` before the first byte of each header (outer Ethernet, outer IP, NVGRE, inner Ethernet,
 * inner IP, transport, payload, trailer), and the names of the layers that start on a line after it.
 */
import { frameLayerSpans, type FrameView } from '../../index.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function ascii(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

/** The dump of the frame loaded in `view`, as lines (a legend line first). */
export function hexLines(view: FrameView): string[] {
  const bytes = view.bytes;
  const spans = frameLayerSpans(view);
  const starts = new Map<number, string>();
  for (const s of spans) if (s.offset > 0 || starts.size === 0) starts.set(s.offset, s.layer);
  const lines = [`layers: ${spans.map((s) => `${s.layer} ${s.offset}-${s.offset + s.length - 1}`).join(', ')}`];
  for (let line = 0; line < bytes.length; line += 16) {
    let hex = '';
    let text = '';
    const named: string[] = [];
    for (let i = 0; i < 16; i++) {
      const at = line + i;
      const start = starts.get(at);
      if (start !== undefined) named.push(`${start}@${at}`);
      hex += i === 0 ? '' : start !== undefined && at < bytes.length ? '|' : ' ';
      hex += at < bytes.length ? HEX[bytes[at]!] : '  ';
      text += at < bytes.length ? ascii(bytes[at]!) : ' ';
    }
    const first = starts.has(line) && line > 0 ? ' |' : '  ';
    lines.push(`${line.toString(16).padStart(4, '0')}${first}${hex}   ${text}${named.length > 0 ? `   ${named.join(' ')}` : ''}`.trimEnd());
  }
  return lines;
}
