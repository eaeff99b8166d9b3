import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  NvgreError,
  checkPolicy,
  createPolicy,
  examplePolicy,
  hnvExportKind,
  importHnvPolicy,
  type HnvExportKind,
  type HnvExports,
  type HnvHostExport,
  type NvePolicy,
  type Policy,
  type PolicyFinding,
} from '../../index.js';
import { parse, positionals, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, dataError, usageError } from '../errors.js';

const USAGE = `Usage: nvgre policy init [-o policy.json]
       nvgre policy import --host NAME [--key-layout L] [--neighbor IP=MAC]… [--into policy.json] FILES… -o policy.json
       nvgre policy check policy.json [--json]

The Hyper-V Network Virtualization policy that "nvgre simulate" and "nvgre explain" run on
(docs/nve.md §3): lookup records, customer routes, and per host its provider addresses, provider
routes, neighbours and key layout.

  init     write an example policy: two compute hosts, two virtual subnets, a gateway host
  import   build a policy from "ConvertTo-Json" exports of a Windows host:
             Get-NetVirtualizationLookupRecord | ConvertTo-Json > records.json
             Get-NetVirtualizationCustomerRoute | ConvertTo-Json > routes.json
             Get-NetVirtualizationProviderAddress | ConvertTo-Json > host1-pa.json
             Get-NetVirtualizationProviderRoute | ConvertTo-Json > host1-pr.json
           Each file's kind is recognised from its contents; provider addresses and routes belong to
           --host NAME. Import one host at a time, adding to the same file with --into.
  check    report what the policy's tables mean together (docs/nve.md §8): unreachable PAs
           (the "General Transmit Failure" of a host without a provider route), hosts with
           different key layouts, shadowed routes, unrouted records. Exit status 1 on an error.

Options:
  -o, --output FILE     where to write the policy (init: standard output by default)
  --host NAME           the host the provider address and route exports belong to
  --key-layout L        that host's key layout: rfc7637 (default) or low24 (docs/nvgre.md §7)
  --neighbor IP=MAC     a next hop on the PA network (a router) and its MAC; repeatable
  --into FILE           a policy to add to (its records and routes are replaced when given again)
  --json                check: the findings as a JSON array
  -h, --help            show this help

Examples:
  nvgre policy init -o policy.json && nvgre policy check policy.json
  nvgre policy import --host host1 --neighbor 192.168.10.1=00-00-5e-00-01-0a records.json routes.json host1-pa.json host1-pr.json -o policy.json
  nvgre policy import --host host2 --into policy.json host2-pa.json host2-pr.json -o policy.json`;

/** Writes `text` to `path` through a temporary file renamed into place (never a half-written file). */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o644);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw dataError(`${path}: cannot create the output file (${err.code === 'ENOENT' ? 'its directory does not exist' : err.code === 'EACCES' ? 'permission denied' : err.message}).`);
  }
  try {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    let at = 0;
    while (at < data.length) at += writeSync(fd, data, at, data.length - at);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw dataError(`${path}: cannot write the output file (${(e as Error).message}).`);
  }
}

/** The text of an export or policy file: UTF-8, or the UTF-16 that Windows PowerShell 5.1's ">" writes. */
export function readText(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw dataError(`${path}: cannot read the file (${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}).`);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/** A policy file, checked and indexed; a data error naming the file and the entry otherwise. */
export function readPolicy(path: string): NvePolicy {
  const raw = readPolicyJson(path);
  try {
    return createPolicy(raw as Policy);
  } catch (e) {
    throw policyError(path, e);
  }
}

function readPolicyJson(path: string): unknown {
  try {
    return JSON.parse(readText(path));
  } catch (e) {
    if (e instanceof SyntaxError) throw dataError(`${path}: not JSON (${e.message}); "nvgre policy init" writes an example.`);
    throw e;
  }
}

export function policyError(file: string, e: unknown): Error {
  if (e instanceof NvgreError) return dataError(`${file}: ${e.layer}: ${e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '')}.`);
  return e as Error;
}

function findingLine(f: PolicyFinding): string {
  return `${f.severity} ${f.code} ${f.path}: ${f.message}`;
}

async function init(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse('policy init', argv, { output: { type: 'string', short: 'o' } });
  if (values.help) return help();
  positionals('policy init', pos, []);
  const text = `${JSON.stringify(examplePolicy(), null, 2)}\n`;
  const out = stringOption(values.output);
  if (out === undefined || out === '-') process.stdout.write(text);
  else {
    writeFileAtomic(out, text);
    console.error(`policy init: wrote ${out}: 3 hosts, 2 virtual subnets, 8 lookup records (docs/nve.md §3).`);
  }
  return EXIT.OK;
}

async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals: files } = parse('policy import', argv, {
    host: { type: 'string' },
    'key-layout': { type: 'string' },
    neighbor: { type: 'string', multiple: true },
    into: { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  if (values.help) return help();
  const output = stringOption(values.output);
  if (output === undefined) throw usageError('missing -o FILE, where to write the policy; see "nvgre policy --help".');
  if (files.length === 0) throw usageError('missing the export files to import; see "nvgre policy --help".');
  const layout = stringOption(values['key-layout']);
  if (layout !== undefined && layout !== 'rfc7637' && layout !== 'low24') throw usageError(`--key-layout must be rfc7637 or low24, got "${layout}".`);
  const neighbors: Record<string, string> = {};
  for (const n of (values.neighbor as unknown as string[] | undefined) ?? []) {
    const eq = n.indexOf('=');
    if (eq <= 0) throw usageError(`--neighbor must be IP=MAC (a router on the PA network), got "${n}".`);
    neighbors[n.slice(0, eq)] = n.slice(eq + 1);
  }
  const exports: { lookupRecords?: string; customerRoutes?: string } = {};
  const host: { providerAddresses?: string; providerRoutes?: string } = {};
  const seen = new Map<HnvExportKind, string>();
  for (const file of files) {
    const text = readText(file);
    const kind = hnvExportKind(text);
    if (kind === null) {
      if (text.trim() === '') {
        console.error(`policy import: ${file} is empty (an empty table exports as nothing); skipped.`);
        continue;
      }
      throw dataError(`${file}: not a NetWNV export: expected the "ConvertTo-Json" output of Get-NetVirtualizationLookupRecord, -CustomerRoute, -ProviderAddress or -ProviderRoute.`);
    }
    if (seen.has(kind)) throw usageError(`${file} and ${seen.get(kind)} are both ${kind} exports; give one of each.`);
    seen.set(kind, file);
    if (kind === 'lookupRecords' || kind === 'customerRoutes') exports[kind] = text;
    else host[kind] = text;
  }
  const name = stringOption(values.host);
  const hostGiven = host.providerAddresses !== undefined || host.providerRoutes !== undefined || layout !== undefined || Object.keys(neighbors).length > 0;
  if (hostGiven && name === undefined) throw usageError('provider address and route exports (and --key-layout, --neighbor) belong to a host: give --host NAME.');
  const base = values.into === undefined ? undefined : (readPolicyJson(String(values.into)) as Policy);
  const hostExport: HnvHostExport | undefined = name === undefined ? undefined : { name, ...host, ...(layout !== undefined ? { keyLayout: layout } : {}), neighbors };
  let result;
  try {
    result = importHnvPolicy({ ...exports, ...(hostExport !== undefined ? { hosts: [hostExport] } : {}) } as HnvExports, base);
  } catch (e) {
    throw policyError(files.join(', '), e);
  }
  for (const w of result.warnings) console.error(`policy import: warning: ${w}.`);
  writeFileAtomic(output, `${JSON.stringify(result.policy, null, 2)}\n`);
  const p = result.policy;
  console.error(`policy import: wrote ${output}: ${p.lookupRecords.length} lookup records, ${p.customerRoutes?.length ?? 0} customer routes, ${p.hosts.length} host(s) (${p.hosts.map((h) => h.name).join(', ')}).`);
  const unowned = checkPolicy(p).filter((f) => f.code === 'PA_UNOWNED').length;
  if (unowned > 0) console.error(`policy import: ${unowned} record(s) name a PA of a host not imported yet: import each host's provider addresses with --host NAME --into ${output}.`);
  return EXIT.OK;
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse('policy check', argv, { json: { type: 'boolean' } });
  if (values.help) return help();
  const [file] = positionals('policy check', pos, ['policy.json']) as [string];
  const findings = checkPolicy(readPolicyJson(file) as Policy);
  if (values.json) console.log(JSON.stringify(findings, null, 2));
  else {
    for (const f of findings) console.log(findingLine(f));
    const errors = findings.filter((f) => f.severity === 'error').length;
    console.error(`policy check: ${file}: ${errors} error(s), ${findings.length - errors} warning(s) or note(s).`);
  }
  return findings.some((f) => f.severity === 'error') ? EXIT.DATA : EXIT.OK;
}

function help(): number {
  console.log(USAGE);
  return EXIT.OK;
}

export const policy: Command = {
  name: 'policy',
  summary: 'write, import (from Windows HNV exports) and check an HNV policy',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '-h' || sub === '--help') return help();
    if (sub === 'init') return init(rest);
    if (sub === 'import') return importCommand(rest);
    if (sub === 'check') return check(rest);
    throw usageError(`unknown subcommand "${sub}": init, import or check; see "nvgre policy --help".`);
  },
};


