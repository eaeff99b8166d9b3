import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/wire/bytes.js';

/** A Scapy-built known-answer vector (test/fixtures/scapy/README.md). */
export interface ScapyVector {
  name: string;
  scapy: string;
  hex: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect: any;
}

export const scapyVectors: ScapyVector[] = JSON.parse(
  readFileSync(new URL('../fixtures/scapy/vectors.json', import.meta.url), 'utf8'),
) as ScapyVector[];

export function vectorBytes(v: ScapyVector): Uint8Array {
  return fromHex(v.hex);
}
