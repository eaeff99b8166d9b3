/**
 * Static checks of the browser page (web/) that need no browser, so they run in `npm test`:
 * the page is an external consumer of the library (it imports the public API, 'nvgre', and its own
 * modules, nothing else), and the Content-Security-Policy of its meta tag and of web/serve.mjs agree
 * and name no other origin. The page itself is tested in Chromium by page.browser.ts (npm run test:web).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSP } from '../../web/serve.mjs';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

describe('web/ (static)', () => {
  it('imports only the library\'s public API and its own modules', () => {
    const files = readdirSync(path.join(WEB, 'src')).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    const bad: string[] = [];
    for (const f of files) {
      const source = readFileSync(path.join(WEB, 'src', f), 'utf8');
      for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec !== 'nvgre' && !/^\.\/[\w-]+\.js$/.test(spec)) bad.push(`web/src/${f} imports ${spec}`);
      }
      if (/\bimport\s*\(/.test(source)) bad.push(`web/src/${f} has a dynamic import`);
    }
    expect(bad).toEqual([]);
    // 'nvgre' is bundled from src/index.ts, the public surface.
    expect(readFileSync(path.join(WEB, 'build.mjs'), 'utf8')).toMatch(/alias: \{ nvgre: path\.join\(root, 'src\/index\.ts'\) \}/);
  });

  it('has one Content-Security-Policy, in the meta tag and the server\'s header, naming no other origin', () => {
    const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(meta).toBeDefined();
    // frame-ancestors only works in a header.
    expect(CSP).toBe(`${meta}; frame-ancestors 'none'`);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).not.toMatch(/https?:|\*|'unsafe-/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
