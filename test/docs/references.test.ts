/**
 * Document references stay resolvable. The code, tests, help texts and documents cite Markdown files,
 * often with a section ("docs/nvgre.md §4", "docs/offload.md §2–§4") or a heading anchor
 * ("docs/api.md#errors"). This test reads every place such a citation can live and fails on a file
 * that is not in the repository, a § number the cited file has no heading for, or an anchor that
 * matches no heading. Read: every Markdown file at the root and under docs/, src/, test/ and bench/,
 * the .ts files of src/ and test/, the .mjs files of bench/, and the help texts of the CLI commands. Numbered headings are written `## §N Title` (docs/README.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Directories never scanned: dependencies, build output, VCS data, capture data, and hidden scratch folders. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage']);
const SKIP_PATHS = new Set([path.join('test', 'corpus', 'data'), path.join('test', 'fixtures', 'scapy', 'data')]);

function walk(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(path.join(ROOT, dir))) return out;
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name) || SKIP_PATHS.has(rel)) continue;
      walk(rel, keep, out);
    } else if (entry.isFile() && keep(rel)) {
      out.push(rel);
    }
  }
  return out;
}

/** The files scanned, relative to the repository root. */
function scannedFiles(): string[] {
  const md = (f: string) => f.endsWith('.md');
  return [
    ...readdirSync(ROOT).filter((f) => md(f) && statSync(path.join(ROOT, f)).isFile()),
    ...walk('docs', md),
    ...walk('src', (f) => f.endsWith('.ts') || md(f)),
    ...walk('test', (f) => f.endsWith('.ts') || md(f)),
    ...walk('bench', (f) => f.endsWith('.mjs') || md(f)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Headings of a Markdown file

interface Headings {
  /** N of every `## §N Title` heading (any level). */
  readonly sections: ReadonlySet<number>;
  /** X of every `# Part X …` heading. */
  readonly parts: ReadonlySet<string>;
  /** GitHub anchors of every heading. */
  readonly anchors: ReadonlySet<string>;
}

/** GitHub's heading anchor: lower case, punctuation and symbols dropped (not `-` or `_`), spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

export function headingsOf(markdown: string): Headings {
  const sections = new Set<number>();
  const parts = new Set<string>();
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const title = h[1]!;
    const n = /^§(\d+)\s/.exec(title);
    if (n) sections.add(Number(n[1]));
    const p = /^Part\s+([A-Z])\b/.exec(title);
    if (p) parts.add(p[1]!);
    const base = anchorOf(title);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return { sections, parts, anchors };
}

const headingCache = new Map<string, Headings>();
function headingsOfFile(rel: string): Headings {
  let h = headingCache.get(rel);
  if (h === undefined) {
    h = headingsOf(readFileSync(path.join(ROOT, rel), 'utf8'));
    headingCache.set(rel, h);
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Finding and checking references

export interface Reference {
  /** The file name or path as written. */
  readonly target: string;
  /** § numbers cited right after it (ranges expanded). */
  readonly sections: readonly number[];
  readonly part: string | null;
  readonly anchor: string | null;
  readonly line: number;
}

/** Blanks out `scheme://…` addresses (they name other sites' files), keeping offsets and line numbers. */
function withoutUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)<>\]`'"]+/gi, (m) => ' '.repeat(m.length));
}

const FILE_REF = /(?<![\w./-])((?:\.{1,2}\/)*(?:[\w-]+\/)*[\w.-]*\w\.md)(?![\w])/g;
const SECTIONS = /^\s*((?:§\s*\d+)(?:\.\d+)*(?:\s*(?:[–—-]|,|\band\b|\bor\b)\s*§\s*\d+(?:\.\d+)*)*)/;
const PART = /^\s+Part\s+([A-Z])\b/;
const ANCHOR = /^#([^\s)\]>`'"]+)/;

/** Every reference to a `.md` file in `text`, with the sections, part or anchor cited with it. */
export function findReferences(text: string): Reference[] {
  const clean = withoutUrls(text);
  const refs: Reference[] = [];
  for (const m of clean.matchAll(FILE_REF)) {
    const end = m.index! + m[0].length;
    const rest = clean.slice(end, end + 200);
    const anchor = ANCHOR.exec(rest)?.[1] ?? null;
    const sections: number[] = [];
    const s = SECTIONS.exec(rest);
    if (s) {
      // "§2–§4" cites 2, 3 and 4; "§10, §11" both; "§16.1" section 16.
      const items = [...s[1]!.matchAll(/(§\s*(\d+)(?:\.\d+)*)|([–—-])/g)];
      let rangeFrom: number | null = null;
      for (const it of items) {
        if (it[3] !== undefined) {
          rangeFrom = sections.at(-1) ?? null;
          continue;
        }
        const n = Number(it[2]);
        if (rangeFrom !== null) for (let k = rangeFrom + 1; k < n; k++) sections.push(k);
        sections.push(n);
        rangeFrom = null;
      }
    }
    refs.push({
      target: m[1]!,
      sections,
      part: PART.exec(rest)?.[1] ?? null,
      anchor,
      line: clean.slice(0, m.index!).split('\n').length,
    });
  }
  return refs;
}

/** True when `rel` (relative to the root) is a file, with exactly this spelling (also on case-insensitive disks). */
function isFile(rel: string): boolean {
  const abs = path.join(ROOT, rel);
  return existsSync(abs) && statSync(abs).isFile() && readdirSync(path.dirname(abs)).includes(path.basename(abs));
}

let markdownByName: Map<string, string[]> | null = null;
/** Every Markdown file of the repository by its name (capture data included: its notices are cited). */
function markdownFilesNamed(name: string): string[] {
  if (markdownByName === null) {
    markdownByName = new Map();
    const all = (dir: string): void => {
      for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) all(rel);
        } else if (entry.name.endsWith('.md')) {
          markdownByName!.set(entry.name, [...(markdownByName!.get(entry.name) ?? []), rel]);
        }
      }
    };
    all('.');
  }
  return markdownByName.get(name) ?? [];
}

/**
 * The repository files a reference may name, best first; empty when there is none. A path is looked up
 * next to the citing file, then from the root, never outside the repository. A bare name is looked up
 * the same way, and then anywhere in the repository (code builds paths with `path.join(dir, name)`,
 * prose names a file in the folder it describes).
 */
export function resolveReference(target: string, fromFile: string): string[] {
  for (const base of [path.dirname(fromFile), '.']) {
    const rel = path.normalize(path.join(base, target));
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (isFile(rel)) return [rel];
  }
  return target.includes('/') ? [] : markdownFilesNamed(target);
}

/**
 * Problems with the document references in `text`, which is the content of `fromFile` (a path
 * relative to the root; for text that is not a file, a path whose folder citations are relative to,
 * and a `label` to name it by). Each problem is `label:line: message`.
 */
export function checkReferences(text: string, fromFile: string, label = fromFile.split(path.sep).join('/')): string[] {
  const problems: string[] = [];
  const where = (line: number) => `${label}:${line}`;
  for (const ref of findReferences(text)) {
    const files = resolveReference(ref.target, fromFile);
    if (files.length === 0) {
      problems.push(`${where(ref.line)}: ${ref.target} is not a file in the repository`);
      continue;
    }
    // With several candidates (a bare name found in several folders), one that has it all will do.
    const misses = files.map((file) => {
      const h = headingsOfFile(file);
      const m: string[] = [];
      for (const n of ref.sections) if (!h.sections.has(n)) m.push(`${where(ref.line)}: ${ref.target} has no section §${n} (no "## §${n} …" heading)`);
      if (ref.part !== null && !h.parts.has(ref.part)) m.push(`${where(ref.line)}: ${ref.target} has no Part ${ref.part}`);
      if (ref.anchor !== null && !h.anchors.has(ref.anchor)) m.push(`${where(ref.line)}: ${ref.target} has no heading #${ref.anchor}`);
      return m;
    });
    if (misses.every((m) => m.length > 0)) problems.push(...misses[0]!);
  }
  if (fromFile.endsWith('.md')) {
    // Links within the same page: [text](#anchor).
    const own = headingsOf(text);
    for (const m of withoutUrls(text).matchAll(/\]\(#([^)\s]+)\)/g)) {
      if (!own.anchors.has(m[1]!)) problems.push(`${where(text.slice(0, m.index!).split('\n').length)}: no heading #${m[1]} on this page`);
    }
  }
  return problems;
}

/** The help texts of the CLI commands (the `usage` and `summary` of every module in src/cli/commands). */
async function cliHelpTexts(): Promise<{ name: string; text: string }[]> {
  const dir = path.join('src', 'cli', 'commands');
  const texts: { name: string; text: string }[] = [];
  for (const file of walk(dir, (f) => f.endsWith('.ts'))) {
    const mod = (await import(pathToFileURL(path.join(ROOT, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (typeof value === 'object' && value !== null && typeof (value as { usage?: unknown }).usage === 'string') {
        const c = value as { name?: string; usage: string; summary?: string };
        texts.push({ name: `nvgre ${c.name ?? path.basename(file, '.ts')} --help`, text: `${c.summary ?? ''}\n${c.usage}` });
      }
    }
  }
  return texts;
}

// ---------------------------------------------------------------------------------------------

describe('the checker', () => {
  // The dangling names are assembled at run time, so that this file itself holds none.
  const md = (name: string) => `${name}.md`;

  it('accepts references that resolve, and ignores addresses with a scheme', () => {
    const text = [
      'See docs/nvgre.md §4 row 14 and docs/offload.md §2–§4, §10, §16 #10; docs/offload.md Part B.',
      `In docs: [${md('nvgre')} §7](${md('nvgre')}#7-draft-era-key-layouts-and-interoperability), ${md('cli')}, ${md('../bench/README')}.`,
      `Elsewhere: https://example.org/${md('NOT_HERE')} and https://example.org/docs/${md('nvgre')}#nowhere.`,
    ].join('\n');
    expect(checkReferences(text, path.join('docs', md('api')))).toEqual([]);
  });

  it('reports a file that is not in the repository', () => {
    expect(checkReferences(`as ${md('NO_SUCH_SPEC')} §3 says`, path.join('src', 'x.ts'))).toEqual([`src/x.ts:1: ${md('NO_SUCH_SPEC')} is not a file in the repository`]);
    expect(checkReferences(`\n(${md('../outside/README')})`, path.join('test', 'x.ts'))).toEqual([`test/x.ts:2: ${md('../outside/README')} is not a file in the repository`]);
  });

  it('reports a section, a part or an anchor the cited file does not have', () => {
    expect(checkReferences(`${md('docs/nvgre')} §${99}`, 'x.ts')).toEqual([`x.ts:1: ${md('docs/nvgre')} has no section §99 (no "## §99 …" heading)`]);
    expect(checkReferences(`${md('docs/offload')} §15–§${17}`, 'x.ts')).toEqual([`x.ts:1: ${md('docs/offload')} has no section §17 (no "## §17 …" heading)`]);
    expect(checkReferences(`${md('docs/offload')} Part ${'Z'}`, 'x.ts')).toEqual([`x.ts:1: ${md('docs/offload')} has no Part Z`]);
    expect(checkReferences(`[x](${md('docs/api')}#${'no-such-heading'})`, md('x'))).toEqual([`${md('x')}:1: ${md('docs/api')} has no heading #no-such-heading`]);
    expect(checkReferences(`# Title\n[x](#${'elsewhere'})`, md('x'))).toEqual([`${md('x')}:2: no heading #elsewhere on this page`]);
  });

  it('reads numbered headings and GitHub anchors', () => {
    const h = headingsOf('# Part A — Checksums\n## §7 Draft-era key layouts (§3.2)\n```\n## §8 in a code block\n```\n## Errors\n## Errors\n');
    expect([...h.sections]).toEqual([7]);
    expect([...h.parts]).toEqual(['A']);
    expect([...h.anchors]).toEqual(['part-a--checksums', '7-draft-era-key-layouts-32', 'errors', 'errors-1']);
  });
});

describe('document references in the repository', () => {
  it.each(scannedFiles().map((f) => [f.split(path.sep).join('/'), f]))('%s', (_name, file) => {
    expect(checkReferences(readFileSync(path.join(ROOT, file), 'utf8'), file)).toEqual([]);
  });

  it('in the help text of every CLI command', async () => {
    const texts = await cliHelpTexts();
    expect(texts.length).toBeGreaterThanOrEqual(7);
    const problems = texts.flatMap((t) => checkReferences(t.text, 'README.md', t.name));
    expect(problems).toEqual([]);
  });

  it('numbered headings under docs/ are written "## §N Title"', () => {
    const other = walk('docs', (f) => f.endsWith('.md')).flatMap((file) => {
      let fenced = false;
      return readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => {
          if (/^\s*(`{3,}|~{3,})/.test(line)) fenced = !fenced;
          return !fenced && /^#{1,6}\s+(\d+\.|§\s+\d|\d+\s)/.test(line) ? [`${file}:${i + 1}: ${line}`] : [];
        });
    });
    expect(other).toEqual([]);
  });

  it('the error table of docs/api.md lists every NvgreErrorCode, and no page keeps a placeholder', async () => {
    const { NvgreErrorCode } = (await import(pathToFileURL(path.join(ROOT, 'src', 'index.ts')).href)) as { NvgreErrorCode: Record<string, string> };
    const api = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
    const table = /\| code \| [^\n]*\n\|[-| ]+\|\n((?:\|[^\n]*\n)+)/.exec(api.slice(api.indexOf('\n## Errors')))?.[1] ?? '';
    const listed = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(Object.values(NvgreErrorCode).filter((code) => !listed.includes(code))).toEqual([]);
    expect(listed.filter((code) => !Object.values(NvgreErrorCode).includes(code!))).toEqual([]);
    for (const file of ['README.md', ...walk('docs', (f) => f.endsWith('.md'))]) {
      expect(readFileSync(path.join(ROOT, file), 'utf8'), file).not.toMatch(/<!--\s*[A-Z][A-Z0-9_-]*\s*-->/);
    }
  });

  it('the cited documents exist, with the sections the code cites', () => {
    for (const [file, max] of [
      ['docs/nvgre.md', 9],
      ['docs/offload.md', 16],
    ] as const) {
      const h = headingsOfFile(file);
      for (let n = 1; n <= max; n++) expect(h.sections.has(n), `${file} §${n}`).toBe(true);
    }
  });
});
