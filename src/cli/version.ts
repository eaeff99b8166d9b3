/** The package version, read from package.json beside the build (dist/cli.js → ../package.json). */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  // In a clone and when installed, dist/cli.js's parent holds package.json.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'nvgre' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}
