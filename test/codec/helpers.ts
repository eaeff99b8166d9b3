/** Small helpers shared by the codec unit tests. */
import { expect } from 'vitest';
import { NvgreError } from '../../src/wire/errors.js';

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/[\s|]/g, ''), 'hex'));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** A buffer pre-filled with 0xA5, so bytes a writer never touches stand out. */
export function prefilled(length: number): Uint8Array {
  return new Uint8Array(length).fill(0xa5);
}

/** `bytes` copied to `at` inside a 0x5A-filled buffer of `at + bytes.length + after` bytes. */
export function placed(bytes: Uint8Array, at: number, after = 0): Uint8Array {
  const out = new Uint8Array(at + bytes.length + after).fill(0x5a);
  out.set(bytes, at);
  return out;
}

export interface ExpectedError {
  code: string;
  layer?: string;
  offset?: number;
  needed?: number;
  available?: number;
}

/** Runs `f`, requires an NvgreError and checks the given fields; returns it. */
export function expectNvgreError(f: () => unknown, want: ExpectedError): NvgreError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${want.code}`).toBeInstanceOf(NvgreError);
  const e = caught as NvgreError;
  const got: Record<string, unknown> = { code: e.code };
  if (want.layer !== undefined) got.layer = e.layer;
  if (want.offset !== undefined) got.offset = e.offset;
  if (want.needed !== undefined) got.needed = e.needed;
  if (want.available !== undefined) got.available = e.available;
  expect(got).toEqual(want);
  return e;
}
