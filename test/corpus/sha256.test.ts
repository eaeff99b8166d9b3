/**
 * The capture corpus is upstream data, byte for byte (test/corpus/README.md): every file under
 * data/raw/ and data/derived/ has its sha256 in data/SHA256SUMS, and matches it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusFiles } from '../helpers/corpus.js';

/** SHA256SUMS as `sha256sum` writes it: "<64 hex>  <path>" per line. */
function sums(): Map<string, string> {
  const text = readFileSync(path.join(CORPUS_DIR, 'SHA256SUMS'), 'utf8');
  const out = new Map<string, string>();
  for (const line of text.split('\n').filter((l) => l.length > 0)) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`SHA256SUMS: not a "<sha256>  <path>" line: ${JSON.stringify(line)}`);
    if (out.has(m[2]!)) throw new Error(`SHA256SUMS lists ${m[2]} twice`);
    out.set(m[2]!, m[1]!);
  }
  return out;
}

const listed = sums();
const onDisk = [...corpusFiles('raw'), ...corpusFiles('derived')];

describe('test/corpus/data/SHA256SUMS', () => {
  it('lists exactly the files under raw/ and derived/', () => {
    expect(listed.size).toBe(24);
    expect(onDisk.filter((f) => !listed.has(f)), 'files missing from SHA256SUMS').toEqual([]);
    expect([...listed.keys()].filter((f) => !onDisk.includes(f)), 'listed files that are missing').toEqual([]);
  });

  for (const [file, sha] of listed) {
    it(`${file} is byte-identical to the upstream file`, () => {
      expect(createHash('sha256').update(readFileSync(path.join(CORPUS_DIR, file))).digest('hex')).toBe(sha);
    });
  }
});
