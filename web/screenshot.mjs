#!/usr/bin/env node
/**
 * The README's picture of the page: builds it, serves it, opens CAPTURE in Chromium (playwright-core,
 * Debian's chromium or NVGRE_CHROMIUM), selects a frame and its VSID, shows the doctor panel, and
 * writes a PNG.
 *
 *   npx tsup --silent && node dist/cli.js demo        # writes nvgre-demo.pcap
 *   node web/screenshot.mjs nvgre-demo.pcap docs/img/web.png [--frame N] [--panel doctor|rss|lint|stats]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildWeb } from './build.mjs';
import { serve } from './serve.mjs';

const [capture, out] = process.argv.slice(2);
if (capture === undefined || out === undefined) {
  console.error('usage: node web/screenshot.mjs CAPTURE OUT.png [--frame N] [--panel doctor|rss|lint|stats|capture]');
  process.exit(2);
}
const opt = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const frame = Number(opt('--frame', '2'));
const panel = opt('--panel', 'doctor');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nvgre-web-shot-'));
try {
  await buildWeb(path.join(tmp, 'site'), { quiet: true });
  const { server, url } = await serve(path.join(tmp, 'site'), { port: 0 });
  const ctx = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: process.env.NVGRE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 720 },
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(url);
    await page.waitForFunction(() => window.nvgrePage?.ready === true);
    await page.setInputFiles('#file', capture);
    await page.waitForFunction(() => window.nvgrePage.opened !== null && window.nvgrePage.doctor !== null && window.nvgrePage.stats !== null);
    await page.locator('#list').focus();
    for (let i = 1; i < frame; i++) await page.keyboard.press('ArrowDown');
    await page.waitForFunction((n) => window.nvgrePage.detail?.n === n, frame);
    await page.locator('#tree [data-field="vsid"]').click();
    await page.locator(`.panels [data-panel="panel-${panel}"]`).click();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await ctx.close();
    server.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
