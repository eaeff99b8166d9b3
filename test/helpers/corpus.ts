/**
 * The capture corpus (test/corpus/README.md) is part of the repository, in test/corpus/data; it is
 * found from this file, so the tests read it whatever the working directory.
 *
 * `NVGRE_EXTRA_CAPTURES` may name a directory of further captures (`.pcap`, `.pcapng`, `.cap`,
 * searched recursively), to run more real traffic through the decoder locally. Only the tests that
 * iterate over captures without per-file expectations take them (`extraCaptures()`: the robustness
 * pools, "every frame of every capture"); nothing requires them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'data');
/** The capture files themselves. */
export const CORPUS_RAW = path.join(CORPUS_DIR, 'raw');

/** Throws a sentence naming what is missing, so an incomplete checkout does not empty a pool silently. */
export function requireCorpus(): void {
  if (!existsSync(path.join(CORPUS_DIR, 'SHA256SUMS')) || !existsSync(CORPUS_RAW)) {
    throw new Error(`the capture corpus is missing from ${CORPUS_DIR}; it is part of the repository (git checkout -- test/corpus/data)`);
  }
}

/** Every file below `dir`, as paths relative to it with '/' separators, sorted. */
function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesBelow(dir, `${prefix}${e.name}/`) : e.isFile() ? [`${prefix}${e.name}`] : []))
    .sort();
}

/** Every file under data/raw or data/derived, as paths relative to data/ ("raw/zeek/gre-sample.pcap"). */
export function corpusFiles(sub: 'raw' | 'derived'): string[] {
  requireCorpus();
  return filesBelow(path.join(CORPUS_DIR, sub)).map((f) => `${sub}/${f}`);
}

export interface CaptureFile {
  /** The path relative to data/raw (corpus), or "extra:" + the path relative to NVGRE_EXTRA_CAPTURES. */
  readonly name: string;
  readonly path: string;
  readonly bytes: Uint8Array;
}

const CAPTURE = /\.(pcap|pcapng|cap)$/i;

function load(dir: string, prefix: string): CaptureFile[] {
  return filesBelow(dir)
    .filter((f) => CAPTURE.test(f))
    .map((f) => {
      const file = path.join(dir, f);
      const b = readFileSync(file);
      return { name: prefix + f, path: file, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
    });
}

/** Every capture file of the corpus (pcap and pcapng, whatever the extension says), by path relative to raw/. */
export function corpusCaptures(): CaptureFile[] {
  requireCorpus();
  return load(CORPUS_RAW, '');
}

/** The directory named by NVGRE_EXTRA_CAPTURES, or undefined when it is not set. */
export const EXTRA_CAPTURES_DIR = process.env.NVGRE_EXTRA_CAPTURES ? path.resolve(process.env.NVGRE_EXTRA_CAPTURES) : undefined;

/** The captures under NVGRE_EXTRA_CAPTURES (none when it is unset); a directory that is set but absent is an error, not zero captures. */
export function extraCaptures(): CaptureFile[] {
  if (EXTRA_CAPTURES_DIR === undefined) return [];
  if (!existsSync(EXTRA_CAPTURES_DIR)) throw new Error(`NVGRE_EXTRA_CAPTURES=${EXTRA_CAPTURES_DIR}: no such directory`);
  return load(EXTRA_CAPTURES_DIR, 'extra:');
}
