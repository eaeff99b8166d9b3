import { expect } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';

/** Runs `fn` and returns the NvgreError it throws; fails on success or on any other exception. */
export function nvgreErrorOf(fn: () => unknown): NvgreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NvgreError) return error;
    throw new Error(`expected an NvgreError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an NvgreError, but nothing was thrown');
}

/** `fn` throws an NvgreError with exactly `code`; returns it for further checks. */
export function expectCode(fn: () => unknown, code: string): NvgreError {
  const error = nvgreErrorOf(fn);
  expect(error.code).toBe(code);
  return error;
}
