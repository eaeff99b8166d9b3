/**
 * Where the external capture corpus is (README.md there): `NVGRE_CORPUS` when set, else shared/corpus
 * next to the repository, resolved from this file so that it does not depend on the working directory.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CORPUS_DIR = process.env.NVGRE_CORPUS ? path.resolve(process.env.NVGRE_CORPUS) : path.resolve(REPOSITORY, '..', 'shared', 'corpus');
/** The capture files themselves. */
export const CORPUS_RAW = path.join(CORPUS_DIR, 'raw');

/** Throws a sentence naming where the corpus was looked for and how to point the tests at it. */
export function requireCorpus(): void {
  if (!existsSync(path.join(CORPUS_DIR, 'README.md'))) {
    throw new Error(`the capture corpus is not at ${CORPUS_DIR}: clone the repository next to shared/corpus, or set NVGRE_CORPUS to the corpus directory`);
  }
}
