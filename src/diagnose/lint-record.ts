/**
 * `lintRecord`: lint for a capture record of any supported link type (src/capture/linktype.ts). The
 * record is normalised to an Ethernet frame, linted, and every finding's offset is given back in the
 * record's own bytes. A record that cannot be read is never clean: it gets a finding of its own.
 */
import { assertBytes, assertInt } from '../wire/bytes.js';
import { LinkNormalizer, linkTypeName } from '../capture/linktype.js';
import { lint } from './lint.js';
import { LINT_SEVERITY, LintCode, type Finding, type LintOptions } from './lint-codes.js';

/** What lintRecord needs of a capture record. */
export interface LinkRecord {
  /** LINKTYPE_* of the record's interface. */
  readonly linkType: number;
  readonly data: Uint8Array;
}

const shared = new LinkNormalizer();

/** The finding for a record {@link LinkNormalizer.toEthernet} could not turn into a frame. */
export function linkFinding(normalizer: LinkNormalizer, linkType: number): Finding {
  const p = normalizer.problem!;
  const code = p.code === 'UNSUPPORTED_LINK_TYPE' ? LintCode.UNSUPPORTED_LINK_TYPE : p.code === 'TRUNCATED' ? LintCode.TRUNCATED : LintCode.NOT_NVGRE;
  const message =
    p.code === 'UNSUPPORTED_LINK_TYPE'
      ? `This record's link type is ${linkTypeName(linkType)}, which this tool does not read, so it could not be checked: capture on an Ethernet interface or with tcpdump -i any (Linux cooked).`
      : p.code === 'TRUNCATED'
        ? `The ${linkTypeName(linkType)} header is cut short (${p.message}), so nothing after it could be checked.`
        : `Not an NVGRE frame: ${p.message}.`;
  return { code, severity: LINT_SEVERITY[code], layer: 'link', offset: 0, rfc: code === LintCode.NOT_NVGRE ? 'RFC 7637 §3.2' : 'none (structure)', message };
}

/**
 * Lints one capture record of any link type {@link locateOuterIp} reads (Ethernet, Linux cooked SLL
 * and SLL2, raw IP, NULL/LOOP): findings as {@link lint} gives them for the same packet captured on
 * Ethernet, with offsets into `record.data`. A record of an unsupported link type gets
 * `UNSUPPORTED_LINK_TYPE` (an error: it was not examined), one cut inside its link-layer header
 * `TRUNCATED`, a non-IP one `NOT_NVGRE` (info). Never throws on any bytes.
 */
export function lintRecord(record: LinkRecord, options?: LintOptions, normalizer: LinkNormalizer = shared): Finding[] {
  if (record === null || typeof record !== 'object') throw new TypeError(`record must be an object { linkType, data }, got ${record === null ? 'null' : typeof record}`);
  assertInt(record.linkType, 'record.linkType', 0, 0xffffffff);
  assertBytes(record.data, 'record.data');
  const frame = normalizer.toEthernet(record.linkType, record.data);
  if (frame === null) {
    // lint's own argument checks still apply, so a bad option fails the same way for every record.
    lint(new Uint8Array(14), options);
    return [linkFinding(normalizer, record.linkType)];
  }
  const findings = lint(frame, options);
  if (!normalizer.synthetic) return findings;
  const delta = normalizer.delta;
  return findings.map((f) => (f.layer === 'outer-ethernet' ? { ...f, layer: 'link', offset: 0 } : { ...f, offset: Math.max(0, f.offset + delta) }));
}
