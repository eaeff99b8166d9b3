/**
 * The `nvgre` CLI on truncated and garbage captures (issue 6): every command that reads a capture
 * prints exactly one sentence on stderr naming the file, the record and the byte offset, exits 1,
 * and leaves nothing behind — no output file, no temporary file.
 *
 * The CLI is built from src/ with tsup.config.ts outside dist/ (test/helpers/cli-build.ts), once per
 * run for every test file that runs it, so this file never races anything rebuilding dist/.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFrame, writePcap, writePcapng } from '../../src/index.js';
import { buildCli, type BuiltCli } from '../helpers/cli-build.js';
import { spawnAsync } from '../helpers/spawn.js';

let built: BuiltCli | undefined;
let work: string;

beforeAll(async () => {
  built = await buildCli();
  work = mkdtempSync(path.join(os.tmpdir(), 'nvgre-robust-cli-'));
  // Each damaged capture alone in a directory of its own, where its test runs the commands and looks
  // for leftovers while the tests of the other captures run.
  for (const [name, bytes] of Object.entries(inputs())) {
    mkdirSync(path.join(work, `alone-${name}`));
    writeFileSync(path.join(work, `alone-${name}`, name), bytes);
  }
}, 180_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
  built?.dispose();
});

/** Runs the CLI in `cwd` (default: the work directory). */
async function nvgre(args: readonly string[], stdin?: Uint8Array, cwd = work): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await spawnAsync(process.execPath, [built!.cli, ...args], {
    cwd,
    input: stdin,
    maxBuffer: 64 << 20,
    env: { ...process.env, NVGRE_NO_PROGRESS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const listing = (dir = work) => readdirSync(dir).sort();

function le32(b: Uint8Array, o: number, v: number): Uint8Array {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(o, v, true);
  return b;
}

const FRAME = buildFrame({
  ethernet: {},
  ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
  nvgre: { vsid: 0x5001, flowId: 3 },
  inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, tcp: { srcPort: 1000, dstPort: 80 }, payload: new Uint8Array(400) },
});

/** Truncated and garbage captures, by file name. */
function inputs(): Record<string, Uint8Array> {
  const pcap = writePcap([FRAME, FRAME, FRAME]);
  const ng = writePcapng([FRAME, FRAME, FRAME]);
  let x = 0x2545f491;
  const random = Uint8Array.from({ length: 2000 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24));
  return {
    // truncated
    'cut-record.pcap': pcap.slice(0, pcap.length - 100),
    'cut-record-header.pcap': pcap.slice(0, 24 + 16 + FRAME.length + 7),
    'cut-file-header.pcap': pcap.slice(0, 10),
    'cut-block.pcapng': ng.slice(0, ng.length - 9),
    'cut-block-header.pcapng': ng.slice(0, 28 + 20 + 5),
    'empty.pcap': new Uint8Array(0),
    // garbage
    'text.pcap': new TextEncoder().encode('this is not a capture file, just a line of text\n'),
    'random.pcap': random,
    'huge-record.pcap': le32(pcap.slice(), 24 + 16 + FRAME.length + 8, 0x7fffffff),
    'garbage-after-record.pcap': (() => {
      const f = pcap.slice();
      f.fill(0xee, 24 + 16 + FRAME.length);
      return f;
    })(),
    'bad-block-length.pcapng': le32(ng.slice(), 28 + 20 + 4, 5),
    'bad-trailer.pcapng': le32(ng.slice(), ng.length - 4, 8),
    'bad-byte-order.pcapng': le32(ng.slice(), 8, 0x12345678),
    'unknown-interface.pcapng': le32(ng.slice(), 28 + 20 + 8, 9),
  };
}

/** Commands that read a capture; `out.pcap` is the output of those that write one. */
const COMMANDS: ReadonlyArray<(file: string) => string[]> = [
  (f) => ['decode', f],
  (f) => ['decode', f, '--json'],
  (f) => ['lint', f],
  (f) => ['decap', f, 'out.pcap'],
  (f) => ['segment', '--mss', '100', f, 'out.pcap'],
  (f) => ['checksum', '--fill', f, 'out.pcap'],
  (f) => ['checksum', '--verify', f],
];

function expectOneSentence(r: { status: number | null; stderr: string }, command: string, file: string): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr.endsWith('\n'), r.stderr).toBe(true);
  const line = r.stderr.slice(0, -1);
  expect(line.split('\n'), r.stderr).toHaveLength(1);
  expect(line.startsWith(`nvgre ${command}: ${file}: `), line).toBe(true);
  expect(line, 'names the record').toMatch(/\brecord \d+/);
  expect(line, 'names the byte offset').toMatch(/\boffset \d+/);
  expect(line, 'one sentence').toMatch(/\.$/);
  expect(line, 'no stack trace or internal error').not.toMatch(/internal error|\bat .*\.js:\d+|Error:/);
}

describe('nvgre on truncated and garbage captures', () => {
  // Concurrent: each capture's commands run one after the other in its own directory.
  describe.concurrent('every command that reads a capture', () => {
    for (const file of Object.keys(inputs())) {
      it(`${file}: one sentence naming file, record and offset; exit 1; nothing left behind`, async ({ expect }) => {
        const dir = path.join(work, `alone-${file}`);
        const before = listing(dir);
        expect(before).toEqual([file]);
        for (const command of COMMANDS) {
          const args = command(file);
          expectOneSentence(await nvgre(args, undefined, dir), args[0]!, file);
          expect(listing(dir), `${args.join(' ')} left files behind`).toEqual(before);
        }
      });
    }
  });

  it('garbage on stdin ("-"): the same sentence, naming "-"', async () => {
    const r = await nvgre(['decode', '-'], inputs()['text.pcap']);
    expectOneSentence(r, 'decode', '-');
  });

  it('a valid pcapng whose timestamp does not fit classic pcap: one sentence naming the input record, no output', async () => {
    writeFileSync(path.join(work, 'future.pcapng'), writePcapng([FRAME, { data: FRAME, timestamp: { seconds: 2 ** 40, nanoseconds: 0 } }]));
    const before = listing();
    // --format pcap: a pcapng input is written as pcapng by default, which holds the timestamp.
    for (const args of [
      ['decap', '--format', 'pcap', 'future.pcapng', 'out.pcap'],
      ['segment', '--format', 'pcap', '--mss', '100', 'future.pcapng', 'out.pcap'],
      ['checksum', '--format', 'pcap', '--fill', 'future.pcapng', 'out.pcap'],
    ]) {
      const r = await nvgre(args);
      expectOneSentence(r, args[0]!, 'future.pcapng');
      expect(r.stderr).toMatch(/record 2 at offset \d+: its timestamp/);
      expect(listing()).toEqual(before);
    }
    rmSync(path.join(work, 'future.pcapng'));
  });
});
