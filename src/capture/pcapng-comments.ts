/**
 * Packet comments of the pcapng writer: the `opt_comment` options (§3.5, §4.3) an Enhanced Packet Block
 * carries after its packet data, e.g. the lint findings `nvgre lint --annotate` attaches to each frame.
 */
import { write16 } from './record.js';

/** Option header (§3.5): code, length, value padded to 4 bytes. */
const OPTION_VALUE = 4;
const OPT_COMMENT = 1;

// TextEncoder is a global in browsers and Node ≥ 11; src/ compiles without DOM types.
declare const TextEncoder: new () => { encode(input: string): Uint8Array };

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** The UTF-8 bytes of `comments`, each within an option's 65535-byte limit (`what` names them in a RangeError). */
export function commentBytes(comments: readonly string[] | undefined, what: string): Uint8Array[] {
  if (comments === undefined || comments.length === 0) return [];
  return comments.map((c, i) => {
    const b = new TextEncoder().encode(c);
    if (b.length > 0xffff) throw new RangeError(`${what}[${i}] is longer than an option can hold (65535 bytes)`);
    return b;
  });
}

/** Bytes of the options holding `comments`, opt_endofopt included; 0 without comments. */
export function commentOptionsLength(comments: readonly Uint8Array[]): number {
  if (comments.length === 0) return 0;
  let n = OPTION_VALUE; // opt_endofopt
  for (const c of comments) n += OPTION_VALUE + pad4(c.length);
  return n;
}

/** Writes the options of `comments` (and opt_endofopt) at `at`; returns the bytes written. */
export function writeCommentOptions(target: Uint8Array, at: number, comments: readonly Uint8Array[], le: boolean): number {
  if (comments.length === 0) return 0;
  const start = at;
  for (const c of comments) {
    write16(target, at, OPT_COMMENT, le);
    write16(target, at + 2, c.length, le);
    target.set(c, at + OPTION_VALUE);
    target.fill(0, at + OPTION_VALUE + c.length, at + OPTION_VALUE + pad4(c.length));
    at += OPTION_VALUE + pad4(c.length);
  }
  target.fill(0, at, at + OPTION_VALUE); // opt_endofopt
  return at + OPTION_VALUE - start;
}
