/**
 * Runs every ```ts code block of README.md and of the Markdown files under docs/ that imports from
 * 'nvgre' (blocks fenced as ```ts signature are API listings, not programs), against the sources, so
 * the documentation cannot rot.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

const pages = ['README.md', ...markdownFiles('docs')];
const blocks = pages.flatMap((page) =>
  [...readFileSync(join(root, page), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((code) => /from 'nvgre'/.test(code))
    .map((code) => ({ page: relative(root, join(root, page)).split('\\').join('/'), code })),
);
const dir = join(root, 'test', '.readme-tmp');

describe('README and docs code blocks', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has runnable examples, the quick start in README.md among them', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.some((b) => b.page === 'README.md' && /Quick start/.test(b.code))).toBe(true);
  });

  blocks.forEach(({ page, code }, i) => {
    const title = code.split('\n').find((l) => l.startsWith('//'))?.replace(/^\/\/\s*/, '') ?? `block ${i + 1}`;
    it(`${page} runs: ${title}`, async () => {
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
