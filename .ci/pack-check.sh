#!/usr/bin/env bash
# Packs the tarball, installs it into a throwaway project and loads it with import and require,
# then runs the installed `nvgre` bin. Fails on anything missing from `files` or `exports`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$tmp" | tail -1)"
echo "packed $tarball"
tar -tzf "$tmp/$tarball" | sort > "$tmp/contents.txt"
for f in package/package.json package/README.md package/LICENSE package/dist/index.js package/dist/index.cjs \
         package/dist/index.d.ts package/dist/index.d.cts package/dist/cli.js; do
  grep -qx "$f" "$tmp/contents.txt" || { echo "missing from the tarball: $f"; exit 1; }
done
if grep -Eq '^package/(src|test|bench|node_modules)/' "$tmp/contents.txt"; then
  echo "the tarball contains source, tests or node_modules"; exit 1
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
node esm.mjs
node cjs.cjs
"$root/node_modules/.bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --skipLibCheck false types.mts
echo "types ok"
npx --no-install nvgre --version
npx --no-install nvgre --help >/dev/null
echo "bin ok"
