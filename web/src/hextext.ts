/**
 * A hex dump of one frame, as people paste it: plain hex (`00aef352…`, with or without spaces), or
 * lines with an offset in front and an ASCII column behind — Wireshark's "Copy as Hex Dump", `xxd`,
 * `tcpdump -xx` (`0x0000:  4500 0054 …`), `od -Ax -tx1`. Returns the bytes or a sentence saying why not.
 */

const HEX = /^[0-9a-fA-F]+$/;
const OFFSET = /^(0x)?([0-9a-fA-F]{4,8}):?$/;

export function parseHexDump(text: string): { bytes: Uint8Array } | { error: string } {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim() !== '');
  // `od` ends with a line holding only the final offset.
  if (lines.length > 1 && OFFSET.test(lines[lines.length - 1]!.trim()) && /^\s*(0x)?[0-9a-fA-F]{4,8}:?\s/.test(lines[0]!)) lines.pop();
  if (lines.length === 0) return { error: 'nothing to read: paste the hex bytes of one frame' };
  // Offset-prefixed when every line starts with an offset token followed by more tokens.
  const tokenized = lines.map((l) => l.trim().split(/\s+/));
  const offsets = tokenized.every((t) => t.length > 1 && OFFSET.test(t[0]!)) && lines.length > 0;
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let rest = line.trim();
    let limit = Infinity;
    if (offsets) {
      const m = OFFSET.exec(tokenized[i]![0]!)!;
      const at = parseInt(m[2]!, 16);
      if (at !== out.length) {
        if (at > out.length) return { error: `line ${i + 1} starts at offset 0x${at.toString(16)}, but the lines before it hold ${out.length} bytes` };
        out.length = at; // a line repeated or overlapping: the later one wins
      }
      const next = tokenized[i + 1] !== undefined ? OFFSET.exec(tokenized[i + 1]![0]!) : null;
      if (next !== null) limit = parseInt(next[2]!, 16) - at;
      rest = rest.slice(tokenized[i]![0]!.length).replace(/^\s+/, '');
    }
    const lineBytes: number[] = [];
    // Hex groups until the first token that is not hex (the ASCII column) or the bytes the next offset allows.
    const groups = rest.split(/(\s+)/);
    for (const g of groups) {
      if (/^\s+$/.test(g)) continue;
      if (!HEX.test(g) || g.length % 2 !== 0 || lineBytes.length + g.length / 2 > limit) break;
      for (let k = 0; k < g.length; k += 2) lineBytes.push(parseInt(g.slice(k, k + 2), 16));
    }
    // The last line of an offset dump may end in an ASCII column that happens to look like hex: a tail
    // after two or more spaces, as long as the bytes before it, is that column.
    if (offsets && limit === Infinity) {
      const m = /^(.*?\S)\s{2,}(\S.*)$/.exec(rest);
      if (m !== null) {
        const head = m[1]!.split(/\s+/).filter((t) => t !== '');
        const headBytes = head.every((t) => HEX.test(t) && t.length % 2 === 0) ? head.reduce((n, t) => n + t.length / 2, 0) : -1;
        if (headBytes > 0 && m[2]!.length === headBytes && headBytes < lineBytes.length) lineBytes.length = headBytes;
      }
    }
    if (lineBytes.length === 0 && !offsets) return { error: `line ${i + 1} holds no hex bytes: "${line.slice(0, 40)}"` };
    out.push(...lineBytes);
  }
  if (out.length === 0) return { error: 'no hex bytes found' };
  return { bytes: Uint8Array.from(out) };
}

/** True when `bytes` (the start of a file) look like a text hex dump rather than a capture. */
export function looksLikeHexText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (!/[0-9a-fA-Fx:\s.|]/.test(c) && !(b >= 0x20 && b < 0x7f)) return false;
  }
  return /^\s*(0x)?[0-9a-fA-F]{2}/.test(new TextDecoder().decode(bytes.subarray(0, 64)));
}
