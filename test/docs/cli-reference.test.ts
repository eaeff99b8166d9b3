/**
 * docs/cli.md documents every command of the `nvgre` CLI and every option its help text lists, so the
 * reference cannot fall behind a new command or flag.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CommandHelp {
  readonly name: string;
  readonly usage: string;
}

async function commands(): Promise<CommandHelp[]> {
  const dir = path.join(ROOT, 'src', 'cli', 'commands');
  const out: CommandHelp[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      const c = value as Partial<CommandHelp> | null;
      if (typeof c === 'object' && c !== null && typeof c.name === 'string' && typeof c.usage === 'string') out.push({ name: c.name, usage: c.usage });
    }
  }
  return out;
}

/** The text of the `## \`name\`` section of docs/cli.md, or null. */
function section(doc: string, name: string): string | null {
  const start = doc.indexOf(`\n## \`${name}\`\n`);
  if (start < 0) return null;
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/cli.md', () => {
  it('has a section for every command, listing every option of its help text', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const list = await commands();
    expect(list.length).toBeGreaterThanOrEqual(7);
    const missing: string[] = [];
    for (const c of list) {
      const text = section(doc, c.name);
      if (text === null) {
        missing.push(`no "## \`${c.name}\`" section`);
        continue;
      }
      const options = new Set([...c.usage.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
      for (const option of options) if (!new RegExp(`(?<![\\w-])${option}(?![\\w-])`).test(text)) missing.push(`${c.name}: ${option}`);
    }
    expect(missing).toEqual([]);
  });
});
