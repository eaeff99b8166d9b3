/**
 * `createPolicy` and `validatePolicy`: a native policy (docs/nve.md §3) in, a checked and indexed
 * policy out, or errors that each name the offending entry.
 */
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { NvePolicy, compilePolicy } from './compile.js';
import type { Policy, PolicyProblem, Problem } from './policy.js';

/**
 * An `INVALID_POLICY` error: `path` names the entry ("lookupRecords[3].providerAddress", also the
 * error's `layer`), `problem` the kind of problem (docs/nve.md §8).
 */
export class PolicyError extends NvgreError {
  readonly path: string;
  readonly problem: PolicyProblem;

  constructor(p: Problem, more = 0) {
    super(NvgreErrorCode.INVALID_POLICY, p.path, 0, `${p.message} (${p.code}${more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : ''})`);
    this.path = p.path;
    this.problem = p.code;
  }
}

/** Every problem of `input` as an {@link PolicyError}; empty when the policy is usable. Never throws. */
export function validatePolicy(input: unknown): PolicyError[] {
  if (input instanceof NvePolicy) return [];
  const r = compilePolicy(input);
  return r instanceof NvePolicy ? [] : r.map((p) => new PolicyError(p));
}

/**
 * A checked, indexed policy for `createNve` and `checkPolicy`. Throws the first problem as a
 * {@link PolicyError} (`INVALID_POLICY`; its message counts the others). The input is not changed
 * or kept: the result's `policy` is a canonical copy.
 */
export function createPolicy(input: Policy | NvePolicy): NvePolicy {
  if (input instanceof NvePolicy) return input;
  const r = compilePolicy(input);
  if (r instanceof NvePolicy) return r;
  throw new PolicyError(r[0]!, r.length - 1);
}

export { NvePolicy };
