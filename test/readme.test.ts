/**
 * Runs every ```ts code block of README.md that imports from 'nvgre' (blocks fenced as ```ts signature
 * are API listings, not programs), against the sources, so the README cannot rot.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => /from 'nvgre'/.test(code));
const dir = join(root, 'test', '.readme-tmp');

describe('README code blocks', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.startsWith('//'))?.replace(/^\/\/\s*/, '') ?? `block ${i + 1}`;
    it(`runs: ${title}`, async () => {
      const file = join(dir, `block-${i + 1}.ts`);
      const src = code.replace(/from 'nvgre'/g, `from '${join(root, 'src', 'index.ts').replace(/\\/g, '/')}'`);
      writeFileSync(file, `${src}\nexport {};\n`);
      const logs: unknown[][] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => void logs.push(args);
      try {
        await import(file);
      } finally {
        console.log = log;
      }
      // Every console.log line is annotated `// → value` and must print exactly that value, in order.
      const logLines = code.split('\n').filter((l) => /^\s*console\.log\(/.test(l));
      const expected = logLines.map((l) => /\/\/ → (.*)$/.exec(l)?.[1]?.trim() ?? '(missing // → annotation)');
      const printed = logs.map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      expect(printed).toEqual(expected);
    });
  });
});
