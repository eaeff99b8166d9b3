#!/usr/bin/env bash
# Packs the tarball, installs it into a throwaway project and loads it with import and require,
# then runs the installed `nvgre` bin. Fails on anything missing from `files` or `exports`, on a
# tarball over the size budget, and when an NvgreError of one build (ESM or CommonJS) is not an
# NvgreError to the other.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$tmp" | tail -1)"
# Budget: 400 kB packed (issue 13 §4). The source maps with embedded sources and a second copy of
# the library inside dist/cli.js once made it about 770 kB.
max_bytes=400000
bytes="$(wc -c < "$tmp/$tarball" | tr -d ' ')"
echo "packed $tarball: $bytes bytes (budget $max_bytes)"
if [ "$bytes" -gt "$max_bytes" ]; then
  echo "the tarball is over the budget of $max_bytes bytes; largest files:"
  tar -tvzf "$tmp/$tarball" | sort -k3 -n -r | head -5
  exit 1
fi
tar -tzf "$tmp/$tarball" | sort > "$tmp/contents.txt"
for f in package/package.json package/README.md package/CHANGELOG.md package/LICENSE package/dist/index.js package/dist/index.cjs \
         package/dist/index.d.ts package/dist/index.d.cts package/dist/cli.js; do
  grep -qx "$f" "$tmp/contents.txt" || { echo "missing from the tarball: $f"; exit 1; }
done
if grep -Eq '^package/(src|test|bench|node_modules)/' "$tmp/contents.txt"; then
  echo "the tarball contains source, tests or node_modules"; exit 1
fi
if grep -Eq '\.map$' "$tmp/contents.txt"; then
  echo "the tarball contains source maps (they point at src/, which is not shipped)"; exit 1
fi
mkdir "$tmp/app" && cd "$tmp/app"
npm init -y >/dev/null
npm install --no-audit --no-fund "$tmp/$tarball" >/dev/null
cat > esm.mjs <<'JS'
import { encapsulate, decapsulate, NvgreError } from 'nvgre';
const inner = new Uint8Array(60); inner[12] = 0x08; inner[13] = 0x06;
const frame = encapsulate(inner, { vsid: 0x123456, flowId: 7, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '192.0.2.2' });
const d = decapsulate(frame);
if (d.vsid !== 0x123456 || d.flowId !== 7 || !(new NvgreError('TRUNCATED', 'x', 0, 'm') instanceof Error)) throw new Error('ESM import misbehaves');
console.log('import ok', frame.length);
JS
cat > cjs.cjs <<'JS'
const { encapsulate, decapsulate } = require('nvgre');
const inner = new Uint8Array(60); inner[12] = 0x08; inner[13] = 0x06;
const frame = encapsulate(inner, { vsid: 0x123456, flowId: 7, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '2001:db8::1', dstIp: '2001:db8::2' });
if (decapsulate(frame).key !== 0x12345607) throw new Error('CJS require misbehaves');
console.log('require ok', frame.length);
JS
cat > types.mts <<'TS'
import { decapsulate, type Decapsulated } from 'nvgre';
const d: Decapsulated = decapsulate(new Uint8Array(0));
void d;
TS
cat > dual.mjs <<'JS'
// An app that loads both builds (its own import, a dependency's require) gets two NvgreError classes;
// an error of either must be an NvgreError to the other.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esm from 'nvgre';
const require = createRequire(import.meta.url);
const cjs = require('nvgre');
if (esm.NvgreError === cjs.NvgreError) throw new Error('import and require gave the same module: this check proves nothing');
const thrown = (lib) => { try { lib.decapsulate(new Uint8Array(3)); } catch (e) { return e; } throw new Error('no error'); };
for (const [from, by, name] of [[cjs, esm, 'require -> import'], [esm, cjs, 'import -> require']]) {
  const e = thrown(from);
  if (!(e instanceof by.NvgreError) || !by.isNvgreError(e) || e.code !== 'TRUNCATED') throw new Error(`${name}: the error is not recognised`);
}
if (esm.isNvgreError(new Error('x')) || new Error('x') instanceof cjs.NvgreError) throw new Error('a plain Error passes as an NvgreError');
// The bin runs on the library build beside it, not on a bundled second copy.
const cli = readFileSync(new URL('node_modules/nvgre/dist/cli.js', import.meta.url), 'utf8');
if (!/from\s*"\.\/index\.js"/.test(cli) || /class _?NvgreError\b|function decapsulateFast\b/.test(cli)) throw new Error('the installed bin bundles a copy of the library');
console.log('one NvgreError across import and require ok; the bin imports ./index.js');
JS
node esm.mjs
node cjs.cjs
node dual.mjs
cat > types.cts <<'TS'
// A CommonJS project resolving with nodenext reads dist/index.d.cts (the types without doc comments).
import { decapsulate, isNvgreError, type Decapsulated } from 'nvgre';
const d: Decapsulated = decapsulate(new Uint8Array(0));
const e: boolean = isNvgreError(d);
void e;
TS
"$root/node_modules/.bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --skipLibCheck false types.mts types.cts
echo "types ok"
npx --no-install nvgre --version
npx --no-install nvgre --help >/dev/null
echo "bin ok"
