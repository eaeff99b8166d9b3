/** Building findings: the record, its reference line, and the words numbers are written with. */
import { Tally } from './bounded.js';
import { DOCTOR_SECTION, DOCTOR_SEVERITY, type DoctorCode, type DoctorFinding, type DoctorSubject } from './types.js';
import type { LintSeverity } from '../lint-codes.js';

export interface FindingParts {
  readonly subject?: DoctorSubject;
  readonly diagnosis: string;
  /** The frames that show it (their count and first numbers). */
  readonly tally: Tally;
  readonly counts?: Readonly<Record<string, number>>;
  readonly details?: readonly string[];
  readonly cause: string;
  readonly fix: string;
  /** References before the docs/doctor.md section, e.g. `RFC 7637 §4.4`. */
  readonly refs: string;
  /** Only for the codes whose severity varies (CONFORMANCE, ONE_WAY_TUNNEL). */
  readonly severity?: LintSeverity;
}

export function makeFinding(code: DoctorCode, p: FindingParts): DoctorFinding {
  return {
    code,
    severity: p.severity ?? DOCTOR_SEVERITY[code],
    subject: p.subject ?? {},
    diagnosis: p.diagnosis,
    evidence: { frames: p.tally.count, firstFrames: [...p.tally.first], counts: { ...(p.counts ?? {}) }, details: [...(p.details ?? [])] },
    cause: p.cause,
    fix: p.fix,
    reference: `${p.refs ? `${p.refs}; ` : ''}docs/doctor.md §${DOCTOR_SECTION[code]}`,
  };
}

/** `1 frame`, `3 frames`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function hex(v: number, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** A tally of several tallies. */
export function sum(tallies: readonly Tally[], max: number): Tally {
  const t = new Tally();
  for (const x of tallies) t.merge(x, max);
  return t;
}

/** Bits set in a mask. */
export function popcount(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m !== 0; m &= m - 1) n++;
  return n;
}

/** Distinct values in a 256-bit set, and the first one. */
export function bitsetCount(words: Uint32Array): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let w = 0; w < words.length; w++) {
    const v = words[w]!;
    count += popcount(v);
    if (first < 0 && v !== 0) first = w * 32 + (31 - Math.clz32(v & -v));
  }
  return { count, first };
}
