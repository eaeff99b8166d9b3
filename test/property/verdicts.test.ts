/**
 * parseFrame, strict decapsulation and lint judge every NVGRE frame alike. Frames are generated with
 * random deviations from RFC 7637 — inner 802.1Q/802.1ad and priority tags, reserved VSIDs, GRE C/S
 * bits, Reserved0 bits, version, protocol type, no key, a bad outer IPv4 checksum, outer fragments,
 * a non-GRE outer protocol, an outer length that cuts the inner frame, a capture cut short, a flipped
 * byte in the headers a decapsulating NVE reads — and the three verdicts must agree.
 *
 * "Agree", from the drop table (docs/nvgre.md §4, decapsulateByTable in src/tunnel/decapsulate.ts)
 * and the linter's severity rule ("error: a conformant receiver drops the frame"):
 *
 * 1. `parseFrame(f).nvgre.conformant` ⇔ the strict `tryDecapsulate(f)` accepts ⇔ lint has no
 *    finding that drops the frame at the NVE. Those are the error findings on the layers the NVE
 *    reads (outer Ethernet, outer IP, GRE, the inner Ethernet header), plus `NOT_NVGRE` (info: the
 *    frame is not NVGRE at all, which decapsulation drops as NOT_GRE / UNSUPPORTED_ETHERTYPE) and
 *    `VENDOR_VSID` (a warning: VSID 0xFFFFFF is kept for same-vendor peers, which a strict receiver
 *    drops as RESERVED_VSID). Inner-host findings (inner checksums, inner IP structure) are not NVE
 *    drops (docs/nvgre.md §4, "additional decoder rules").
 * 2. When the frame has an NVGRE view, `violations` lists every drop-table row the frame breaks, in
 *    table order: its first is the strict decapsulation's code, and its set is exactly the drop
 *    codes of lint's NVE findings (through LINT_TO_DROP) — save that lint also reports an inner
 *    Ethernet header cut after its first 14 bytes (inside a tag) as TRUNCATED, where the NVE, which
 *    reads only those 14, drops on the tag. Without an NVGRE view, lint names the
 *    strict drop code among its NVE findings — but an outer packet that is not GRE is NOT_NVGRE to
 *    lint, fragment or not, while decapsulation's table drops a fragment as FRAGMENTED before it
 *    looks at the protocol (lint does not call fragmented non-NVGRE traffic an NVGRE error).
 * 3. When lenient decapsulation accepts, its `dropReasons` are `violations`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFrame, type FrameSpec, type Ipv6ExtensionSpec } from '../../src/frame/build.js';
import { parseFrame } from '../../src/frame/parse.js';
import { tryDecapsulate } from '../../src/tunnel/decapsulate.js';
import { lint, type Finding } from '../../src/diagnose/lint.js';
import { nvgreFrameSpec, runs, u16, u32 } from '../helpers/arbitraries.js';

/** Layers a decapsulating NVE reads. */
const NVE_LAYERS = new Set(['outer-ethernet', 'outer-ipv4', 'outer-ipv6', 'gre', 'inner-ethernet']);

/** The strict decapsulation code each lint finding of an NVE layer stands for. */
const LINT_TO_DROP: Readonly<Record<string, string>> = {
  TRUNCATED: 'TRUNCATED',
  BAD_LENGTH: 'BAD_LENGTH',
  BAD_IP_HEADER: 'BAD_IP_HEADER',
  OUTER_IPV4_CHECKSUM: 'BAD_CHECKSUM',
  OUTER_FRAGMENT: 'FRAGMENTED',
  GRE_VERSION: 'GRE_VERSION',
  GRE_RESERVED_BITS: 'GRE_FLAGS',
  GRE_CHECKSUM_PRESENT: 'GRE_FLAGS',
  GRE_CHECKSUM_BAD: 'GRE_FLAGS',
  GRE_SEQUENCE_PRESENT: 'GRE_FLAGS',
  NOT_TEB: 'NOT_TEB',
  NO_KEY: 'NO_KEY',
  RESERVED_VSID: 'RESERVED_VSID',
  VENDOR_VSID: 'RESERVED_VSID',
  INNER_VLAN: 'INNER_VLAN',
  INNER_PRIORITY_TAG: 'INNER_VLAN',
};

/** Lint's NVE-drop findings (see the module comment). */
function nveDrops(findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) => (f.severity === 'error' && NVE_LAYERS.has(f.layer)) || f.code === 'NOT_NVGRE' || f.code === 'VENDOR_VSID',
  );
}

/** The drop code a lint finding stands for (NOT_NVGRE: either "not NVGRE" code, by where it was found). */
function dropOf(f: Finding): string {
  if (f.code === 'NOT_NVGRE') return f.layer === 'outer-ethernet' ? 'UNSUPPORTED_ETHERTYPE' : 'NOT_GRE';
  const code = LINT_TO_DROP[f.code];
  if (code === undefined) throw new Error(`lint finding ${f.code} at ${f.layer} has no drop code in the table of this test`);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Frames with deviations

const weighted = <T>(usual: T, other: fc.Arbitrary<T>, odds = 4): fc.Arbitrary<T> =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: other });
const maybe = <T>(a: fc.Arbitrary<T>, odds = 5): fc.Arbitrary<T | undefined> => weighted<T | undefined>(undefined, a, odds);

const deviations = fc.record({
  version: weighted(0, fc.integer({ min: 1, max: 7 })),
  // R (bit 1), bits 4–5 (must discard), bits 6–12 (ignored).
  extraFlags: weighted(0, fc.subarray([0x4000, 0x0800, 0x0400, 0x0200, 0x0008]).map((bits) => bits.reduce((a, b) => a | b, 0))),
  greChecksum: maybe<true | number>(fc.oneof(fc.constant<true>(true), u16)),
  sequence: maybe(u32),
  keyPresent: weighted(true, fc.constant(false), 8),
  protocol: maybe(fc.constantFrom(0x0800, 0x86dd, 0x88be, 0x0000, 0x6559)),
  outerChecksum: maybe(u16),
  outerFragment: maybe(fc.record({ moreFragments: fc.boolean(), fragmentOffset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x1fff }).map((x) => x * 8)) })),
  outerProtocol: maybe(fc.constantFrom(6, 17, 4, 41, 50), 10),
  /** Outer IP length shortened by this many bytes. */
  shorten: maybe(fc.integer({ min: 1, max: 80 })),
  /** Capture cut short by this many bytes. */
  cut: maybe(fc.integer({ min: 1, max: 200 })),
  /** A byte of the NVE-read headers XORed. */
  flip: maybe(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) })),
});

type Deviations = typeof deviations extends fc.Arbitrary<infer T> ? T : never;

/** One NVGRE level around a non-NVGRE inner frame, untagged or with 1–2 tags (priority tags, 802.1ad). */
const baseSpec = fc.oneof(
  nvgreFrameSpec({ reservedVsid: true, trailer: true, inner: { vlans: 0 } }),
  nvgreFrameSpec({ reservedVsid: true, trailer: true, inner: { vlans: 2 } }),
);

function withDeviations(spec: FrameSpec, d: Deviations): FrameSpec {
  const n = spec.nvgre!;
  const nvgre = {
    ...n,
    version: d.version,
    extraFlags: d.extraFlags,
    ...(d.greChecksum !== undefined ? { checksum: d.greChecksum } : {}),
    ...(d.sequence !== undefined ? { sequence: d.sequence } : {}),
    ...(d.keyPresent ? {} : { keyPresent: false }),
    ...(d.protocol !== undefined ? { protocol: d.protocol } : {}),
  };
  if (spec.ipv4) {
    const ipv4 = {
      ...spec.ipv4,
      ...(d.outerChecksum !== undefined ? { checksum: d.outerChecksum } : {}),
      ...(d.outerFragment ?? {}),
      ...(d.outerProtocol !== undefined ? { protocol: d.outerProtocol } : {}),
    };
    return { ...spec, ipv4, nvgre };
  }
  const v6 = spec.ipv6!;
  const fragment: Ipv6ExtensionSpec[] = d.outerFragment ? [{ type: 'fragment', ...d.outerFragment }] : [];
  const ipv6 = {
    ...v6,
    extensionHeaders: [...(v6.extensionHeaders ?? []), ...fragment],
    ...(d.outerProtocol !== undefined ? { protocol: d.outerProtocol } : {}),
  };
  return { ...spec, ipv6, nvgre };
}

/** Bytes of the outer Ethernet header (with its tags) of a built spec. */
function outerL3(spec: FrameSpec): number {
  return 14 + 4 * (spec.ethernet?.vlans?.length ?? 0);
}

function deviantFrame(spec: FrameSpec, d: Deviations): Uint8Array {
  let s = withDeviations(spec, d);
  let bytes = buildFrame(s);
  if (d.shorten !== undefined) {
    const l3 = outerL3(s);
    if (s.ipv4) {
      const total = (bytes[l3 + 2]! << 8) | bytes[l3 + 3]!;
      s = { ...s, ipv4: { ...s.ipv4, totalLength: Math.max(0, total - d.shorten) } };
    } else {
      const payload = (bytes[l3 + 4]! << 8) | bytes[l3 + 5]!;
      s = { ...s, ipv6: { ...s.ipv6!, payloadLength: Math.max(0, payload - d.shorten) } };
    }
    bytes = buildFrame(s);
  }
  if (d.flip !== undefined) {
    // Within the headers the NVE reads: up to the end of the inner Ethernet header (and its tags),
    // so that no flip turns the inner frame into another NVGRE level.
    const p = parseFrame(bytes, { partial: true });
    const end = p.inner?.ethernet ? p.inner.offset + p.inner.ethernet.headerLength : Math.min(bytes.length, 80);
    bytes = bytes.slice();
    const at = d.flip.at % end;
    bytes[at] = bytes[at]! ^ d.flip.xor;
  }
  if (d.cut !== undefined) bytes = bytes.subarray(0, Math.max(0, bytes.length - d.cut));
  return bytes;
}

const frames = fc.tuple(baseSpec, deviations).map(([spec, d]) => ({ spec, d, bytes: deviantFrame(spec, d) }));

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

// ---------------------------------------------------------------------------------------------

describe('parseFrame, strict decapsulate and lint agree on every NVGRE frame', () => {
  const conformant: FrameSpec = {
    ethernet: {},
    ipv4: { src: '192.0.2.1', dst: '192.0.2.2' },
    nvgre: { vsid: 0x1234, flowId: 7 },
    inner: { ethernet: {}, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1, dstPort: 2 }, payload: 'x' },
  };
  const cases: Array<[string, FrameSpec, string[]]> = [
    ['conformant', conformant, []],
    ['inner 802.1Q tag', { ...conformant, inner: { ...conformant.inner!, ethernet: { vlans: [{ id: 5 }] } } }, ['INNER_VLAN']],
    ['inner priority tag', { ...conformant, inner: { ...conformant.inner!, ethernet: { vlans: [{ id: 0, pcp: 5 }] } } }, ['INNER_VLAN']],
    ['inner 802.1ad tag', { ...conformant, inner: { ...conformant.inner!, ethernet: { vlans: [{ id: 5, tpid: 0x88a8 }, { id: 6 }] } } }, ['INNER_VLAN']],
    ['bad outer IPv4 checksum', { ...conformant, ipv4: { ...conformant.ipv4!, checksum: 0 } }, ['BAD_CHECKSUM']],
    ['outer first fragment', { ...conformant, ipv4: { ...conformant.ipv4!, dontFragment: false, moreFragments: true } }, ['FRAGMENTED']],
    ['reserved VSID and a tag', { ...conformant, nvgre: { vsid: 0xfff, flowId: 7 }, inner: { ...conformant.inner!, ethernet: { vlans: [{ id: 5 }] } } }, ['RESERVED_VSID', 'INNER_VLAN']],
  ];
  for (const [name, spec, violations] of cases) {
    it(`${name}: violations ${violations.join(', ') || 'none'}`, () => {
      const bytes = buildFrame(spec);
      const p = parseFrame(bytes);
      const strict = tryDecapsulate(bytes);
      expect(p.nvgre?.violations).toEqual(violations);
      expect(p.nvgre?.conformant).toBe(violations.length === 0);
      expect(strict.ok ? [] : [strict.error.code]).toEqual(violations.slice(0, 1));
      expect(lint(bytes).some((f) => f.severity === 'error')).toBe(violations.length > 0);
    });
  }

  it('conformant ⇔ accepted ⇔ no NVE-drop finding; the drop code among violations and lint codes', () => {
    fc.assert(
      fc.property(frames, ({ bytes }) => {
        const before = hex(bytes);
        const p = parseFrame(bytes, { partial: true });
        const strict = tryDecapsulate(bytes);
        const lenient = tryDecapsulate(bytes, { strict: false });
        const drops = nveDrops(lint(bytes));
        const dropCodes = [...new Set(drops.map(dropOf))];
        const why = `frame ${before}\nstrict: ${strict.ok ? 'OK' : strict.error.code}\nviolations: ${p.nvgre?.violations.join(',') ?? '(no NVGRE view)'}\nlint: ${drops.map((f) => `${f.code}@${f.layer}`).join(',')}`;

        expect(p.nvgre?.conformant === true, why).toBe(strict.ok);
        expect(drops.length === 0, why).toBe(strict.ok);
        if (p.nvgre !== undefined) {
          expect(p.nvgre.conformant, why).toBe(p.nvgre.violations.length === 0);
          if (!strict.ok) expect(p.nvgre.violations[0], why).toBe(strict.error.code);
          const innerCutInTag = !p.nvgre.violations.includes('TRUNCATED') && drops.every((f) => f.code !== 'TRUNCATED' || f.layer === 'inner-ethernet');
          const lintCodes = innerCutInTag ? dropCodes.filter((c) => c !== 'TRUNCATED') : dropCodes;
          expect([...p.nvgre.violations].sort(), why).toEqual([...lintCodes].sort());
          if (lenient.ok) expect([...lenient.value.dropReasons], why).toEqual(p.nvgre.violations);
        } else if (!strict.ok) {
          const notGreFragment = strict.error.code === 'FRAGMENTED' && dropCodes.includes('NOT_GRE');
          if (!notGreFragment) expect(dropCodes, why).toContain(strict.error.code);
        }
        expect(hex(bytes)).toBe(before);
      }),
      { numRuns: runs(2000) },
    );
  });
});
