/**
 * `nvgre checksum --verify`: what each frame's line says after its number, as bytes ready to write.
 * A capture's frames fall into a handful of outcomes ("outer-ipv4 ok, inner-ipv4 ok, tcp ok", ...):
 * each outcome's text and JSON are built and encoded once, then reused frame after frame, so that a
 * line is its number and a cached piece (io.ts Output.bytes and decimal) and no string is made per
 * frame.
 */
import type { ChecksumReport, LayerStatus, TransportProtocol } from '../../index.js';

/** One outcome: the report's five fields that the line shows, and the line's pieces. */
interface Outcome {
  readonly encapsulated: boolean;
  readonly outer: LayerStatus;
  readonly inner: LayerStatus;
  readonly protocol: TransportProtocol;
  readonly status: LayerStatus;
  /** ": outer-ipv4 ok, inner-ipv4 ok, tcp ok" and the newline. */
  readonly text: Uint8Array;
  /** The JSON object's members after `"frame":N`, its closing brace and the newline. */
  readonly json: Uint8Array;
  /** Checksums found bad. */
  readonly bad: number;
}

/** Outcomes kept (a capture with more distinct ones builds the rest per frame, as before the cache). */
const MOST = 64;

const encoder = new TextEncoder();

/** `frame ` and `{"frame":`, the pieces before a line's number. */
export const TEXT_START = encoder.encode('frame ');
export const JSON_START = encoder.encode('{"frame":');

/**
 * The verify line's layer list ("outer-ipv4 ok, inner-ipv4 ok, tcp ok", or "no checksums") and its
 * count of bad layers.
 */
function layerText(r: ChecksumReport): { text: string; bad: number } {
  let text = '';
  let bad = 0;
  if (r.outerIpv4 !== 'absent') {
    text = `${r.encapsulated ? 'outer-ipv4' : 'ipv4'} ${r.outerIpv4}`;
    if (r.outerIpv4 === 'bad') bad++;
  }
  if (r.innerIpv4 !== 'absent') {
    text += `${text === '' ? '' : ', '}inner-ipv4 ${r.innerIpv4}`;
    if (r.innerIpv4 === 'bad') bad++;
  }
  const p = r.transport.protocol;
  if (p !== 'none') {
    const status: LayerStatus = r.transport.status;
    text += `${text === '' ? '' : ', '}${typeof p === 'number' ? `protocol-${p}` : p} ${status}`;
    if (status === 'bad') bad++;
  }
  return { text: text === '' ? 'no checksums' : text, bad };
}

/** The JSON members of a report after `"frame":N` (docs/cli.md: checksum --verify --json). */
function jsonRest(r: ChecksumReport): string {
  const p = r.transport.protocol;
  return `,"encapsulated":${r.encapsulated},"outerIpv4":"${r.outerIpv4}","innerIpv4":"${r.innerIpv4}","transport":{"protocol":${typeof p === 'number' ? p : `"${p}"`},"status":"${r.transport.status}"}}`;
}

/** The pieces of each frame's line, by outcome. */
export class VerifyLines {
  private readonly outcomes: Outcome[] = [];
  private last: Outcome | undefined;

  /** The outcome of `r`: found among those seen (the last one first), or built and kept. */
  of(r: ChecksumReport): Outcome {
    const last = this.last;
    if (last !== undefined && same(last, r)) return last;
    for (const o of this.outcomes) {
      if (same(o, r)) {
        this.last = o;
        return o;
      }
    }
    const { text, bad } = layerText(r);
    const o: Outcome = {
      encapsulated: r.encapsulated,
      outer: r.outerIpv4,
      inner: r.innerIpv4,
      protocol: r.transport.protocol,
      status: r.transport.status,
      text: encoder.encode(`: ${text}\n`),
      json: encoder.encode(`${jsonRest(r)}\n`),
      bad,
    };
    if (this.outcomes.length < MOST) this.outcomes.push(o);
    this.last = o;
    return o;
  }
}

function same(o: Outcome, r: ChecksumReport): boolean {
  return o.encapsulated === r.encapsulated && o.outer === r.outerIpv4 && o.inner === r.innerIpv4 && o.protocol === r.transport.protocol && o.status === r.transport.status;
}
