/**
 * The manual page and shell completion (issue 17): man/nvgre.1 is made from the help texts and
 * shipped (package.json "man"); it must be current (`npm run man` regenerates it). Completion
 * scripts for bash and zsh complete commands, each command's options, option values and -Y fields.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The registry first: it imports every command, and the man page's module reads it.
import { commands } from '../../src/cli/registry.js';
import { manPage } from '../../src/cli/commands/man.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { childEnv } from '../helpers/spawn.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; man?: string; files?: string[] };

let built: BuiltCli;

beforeAll(async () => {
  built = await buildCli();
}, 120_000);

afterAll(() => built?.dispose());

function nvgre(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [built.cli, ...args], { encoding: 'utf8', env: childEnv() });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the nvgre(1) manual page', () => {
  it('man/nvgre.1 is shipped and current (regenerate it with "npm run man")', () => {
    expect(pkg.man).toBe('./man/nvgre.1');
    expect(pkg.files).toContain('man');
    const shipped = readFileSync(path.join(ROOT, 'man', 'nvgre.1'), 'utf8');
    expect(shipped, 'man/nvgre.1 is not current: npm run man').toBe(manPage(pkg.version));
    expect(nvgre('man').stdout).toBe(shipped);
  });

  it('holds every command with its whole help text, in plain ASCII roff', () => {
    const page = manPage(pkg.version);
    for (const c of commands()) {
      expect(page).toContain(`.SS "nvgre ${c.name}"`);
      // The help text, as roff escapes it.
      expect(page).toContain(c.usage.split('\n')[0]!.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/[^\x00-\x7f]/gu, (ch) => `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`));
    }
    expect(page).toMatch(/^[\x00-\x7f]*$/);
    expect(page.split('\n').filter((l) => /^[.']/.test(l) && !/^\.(TH|SH|SS|B|I|BR|RI|PP|nf|fi|TP|br)\b/.test(l))).toEqual([]);
  });
});

describe('nvgre completion', () => {
  let bashScript: string | undefined;
  function bashComplete(words: string[]): string[] {
    // The script once: every completion below runs the same `nvgre completion bash` output.
    const script = (bashScript ??= nvgre('completion', 'bash').stdout);
    const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _nvgre; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', line], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  it('bash: commands, options, option values and display-filter fields', () => {
    expect(bashComplete(['nvgre', 'de'])).toEqual(['demo', 'decode', 'decap']);
    expect(bashComplete(['nvgre', 'decode', '--fr'])).toEqual(['--frames']);
    expect(bashComplete(['nvgre', 'decap', '--keep'])).toEqual(['--keep-partial']);
    expect(bashComplete(['nvgre', 'decap', '--format', 'pcapn'])).toEqual(['pcapng']);
    expect(bashComplete(['nvgre', 'decode', '-Y', 'inner.tcp.fl'])).toContain('inner.tcp.flags.syn');
    expect(bashComplete(['nvgre', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('zsh: a #compdef function with the same commands and options; an unknown shell is a usage error', () => {
    const zsh = nvgre('completion', 'zsh').stdout;
    expect(zsh.startsWith('#compdef nvgre\n')).toBe(true);
    for (const c of commands()) expect(zsh).toContain(`'${c.name}:`);
    expect(zsh).toMatch(/ decap\) opts=\([^)]*--keep-partial[^)]*\)/);
    expect(zsh).toContain('-Y|--display-filter) compadd -- ');
    expect(nvgre('completion', 'fish').status).toBe(2);
  });
});
