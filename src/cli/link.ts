/**
 * Records of any link type the library reads (Ethernet, Linux cooked SLL/SLL2 from `tcpdump -i any`,
 * raw IP, NULL/LOOP) as the Ethernet frames every command works on (docs/api.md "Link types"). One
 * per command: the frame it returns for a non-Ethernet record lives in a reused buffer, valid until the
 * next call.
 */
import { createLinkNormalizer, linkTypeName, type CaptureRecord, type LinkProblem } from '../index.js';

export class LinkFrames {
  private readonly normalizer = createLinkNormalizer();
  /** Records that could not be turned into frames, by reason (what the closing lines report). */
  readonly unreadable = new Map<string, number>();

  /** The record as an Ethernet frame (the record's own bytes for Ethernet), or null: see {@link problem}. */
  frame(r: CaptureRecord): Uint8Array | null {
    const f = this.normalizer.toEthernet(r.linkType, r.data);
    if (f === null) {
      const kind = this.kind(r);
      this.unreadable.set(kind, (this.unreadable.get(kind) ?? 0) + 1);
    }
    return f;
  }

  /** Why the latest {@link frame} returned null. */
  get problem(): LinkProblem | null {
    return this.normalizer.problem;
  }

  /** The latest frame's Ethernet header is synthetic: the record had no MAC addresses. */
  get synthetic(): boolean {
    return this.normalizer.synthetic;
  }

  /** Offset in the record = offset in the latest frame + delta. */
  get delta(): number {
    return this.normalizer.delta;
  }

  /** A frame derived from the latest record, back in that record's link type (for writers that copy records). */
  toRecord(frame: Uint8Array): Uint8Array {
    return this.normalizer.toRecord(frame);
  }

  /** Why record `r` gave no frame, in a few words that do not vary per record (for counts). */
  kind(r: CaptureRecord): string {
    const p = this.normalizer.problem;
    if (p === null) return 'readable';
    return p.code === 'UNSUPPORTED_LINK_TYPE' ? linkTypeName(r.linkType) : p.code === 'TRUNCATED' ? 'link-layer header cut short' : 'not IP';
  }

  /** One phrase: why record `r` gave no frame. */
  why(r: CaptureRecord): string {
    const p = this.normalizer.problem;
    if (p === null) return 'readable';
    if (p.code === 'UNSUPPORTED_LINK_TYPE') return `${linkTypeName(r.linkType)}, which this tool does not read`;
    return p.message;
  }

  /**
   * A `decode -V` field tree with the synthetic outer Ethernet layer of the latest frame shown for what
   * it is: the link type and "no outer MAC", the zero addresses left out.
   */
  tree(lines: readonly string[], r: CaptureRecord): string[] {
    if (!this.synthetic) return [...lines];
    const out: string[] = [];
    let inOuterEthernet = false;
    for (const l of lines) {
      if (l.startsWith('Ethernet II (outer)')) {
        out.push(`${linkTypeName(r.linkType)}: no outer MAC (the outer header starts at IP)`);
        inOuterEthernet = true;
        continue;
      }
      if (inOuterEthernet && l.startsWith(' ')) {
        if (!/^\s+(Destination|Source):/.test(l)) out.push(l);
        continue;
      }
      inOuterEthernet = false;
      out.push(l);
    }
    return out;
  }
}
