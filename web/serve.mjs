#!/usr/bin/env node
/**
 * `npm run web`: builds the page and serves it on localhost (node:http, no dependencies), printing the
 * URL. The same Content-Security-Policy as the page's meta tag is sent as a header, with
 * frame-ancestors, which only a header can carry.
 *
 *   node web/serve.mjs [--port N] [--host H] [--no-build] [--dir DIR]
 *   PORT=N node web/serve.mjs
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; " +
  "font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };

/** Serves `dir` on host:port (port 0: any free port); resolves to the server and its URL. */
export function serve(dir, { host = '127.0.0.1', port = 8080 } = {}) {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + rel);
    const headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    let size = -1;
    if (file.startsWith(root + path.sep) && (req.method === 'GET' || req.method === 'HEAD')) {
      try {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      } catch {
        size = -1;
      }
    }
    if (size < 0) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({ server, url: `http://${shownHost}:${typeof a === 'object' && a !== null ? a.port : port}/` });
    });
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = path.resolve(opt('--dir') ?? path.join(here, 'dist'));
  if (!args.includes('--no-build')) await buildWeb(dir);
  const host = opt('--host') ?? '127.0.0.1';
  let port = Number(opt('--port') ?? process.env.PORT ?? 8080);
  let started;
  for (let tries = 0; ; tries++) {
    try {
      started = await serve(dir, { host, port });
      break;
    } catch (e) {
      // Busy: the next port, a few times, then any free one.
      if (e?.code !== 'EADDRINUSE' || tries > 20) throw e;
      port = tries < 10 ? port + 1 : 0;
    }
  }
  console.log(`\nnvgre web page: ${started.url}\n(serving ${path.relative(process.cwd(), dir) || '.'}/ on ${host} only; Ctrl-C stops)`);
}
