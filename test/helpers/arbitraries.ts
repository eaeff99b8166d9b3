/**
 * fast-check arbitraries for the whole NVGRE matrix, shared by every property test:
 *
 * - addresses (`mac`, `ipv4`, `ipv6`, as text or bytes), VSIDs (with the signed-shift edges
 *   0x7FFFFF/0x800000/0xFFFFFE), FlowID policies, DSCP/ECN policies;
 * - `innerFrameSpec`: an Ethernet frame spec carrying IPv4 (± options, ± fragment flags) / IPv6
 *   (± extension headers incl. routing with a final destination, ± fragment) / ARP / raw payloads,
 *   with TCP (± options, any flags) / UDP / ICMP, optionally 802.1Q/802.1ad-tagged;
 * - `nvgreFrameSpec`: an outer IPv4/IPv6 (± VLAN, ± IPv4 options, ± IPv6 extension headers) NVGRE
 *   frame around an inner frame, nested up to a chosen depth, ± Ethernet trailer;
 * - `encapsulateOptions`: createEncapsulator / encapsulate options across the matrix;
 * - `innerFrame` / `nvgreFrame`: the built bytes together with their spec.
 *
 * Everything generated is valid input for `buildFrame` / `createEncapsulator` (no throws), so
 * properties can focus on what comes back. Knobs default to the "conformant" corner; ask for the
 * rest explicitly (tags, fragments, reserved VSIDs, trailers).
 */
import fc from 'fast-check';
import { formatIpv6, formatMac, parseIp } from '../../src/wire/address.js';
import type { EncapsulateOptions } from '../../src/tunnel/template.js';
import type { EthernetSpec, FrameSpec, IcmpSpec, Ipv4Spec, Ipv6ExtensionSpec, Ipv6Spec, NvgreSpec, TcpSpec, UdpSpec, VlanSpec } from '../../src/frame/build.js';
import { buildFrame } from '../../src/frame/build.js';

/** Runs per property: PROPERTY_RUNS from the environment, else `fallback`. */
export function runs(fallback = 300): number {
  const env = Number(process.env.PROPERTY_RUNS);
  return Number.isInteger(env) && env > 0 ? env : fallback;
}

// ---------------------------------------------------------------------------------------------
// Scalars and addresses

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const port = fc.oneof(fc.constantFrom(0, 53, 80, 443, 1232, 4789, 65535), u16);

export const macBytes = fc.uint8Array({ minLength: 6, maxLength: 6 });
/** Canonical lowercase "aa:bb:cc:dd:ee:ff" text. */
export const macText = macBytes.map((b) => formatMac(b));
export const mac = fc.oneof(macText, macBytes);

export const ipv4Bytes = fc.uint8Array({ minLength: 4, maxLength: 4 });
export const ipv4Text = ipv4Bytes.map((b) => `${b[0]}.${b[1]}.${b[2]}.${b[3]}`);
export const ipv4 = fc.oneof(ipv4Text, ipv4Bytes);

/** IPv6 bytes biased toward zero runs, so the "::" compression of RFC 5952 is exercised. */
export const ipv6Bytes = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0), u16), { minLength: 8, maxLength: 8 })
  .map((groups) => {
    const b = new Uint8Array(16);
    groups.forEach((g, i) => {
      b[2 * i] = g >>> 8;
      b[2 * i + 1] = g & 0xff;
    });
    return b;
  });
/** RFC 5952 canonical text. */
export const ipv6Text = ipv6Bytes.map((b) => formatIpv6(b));
export const ipv6 = fc.oneof(ipv6Text, ipv6Bytes);

/** Canonical text of an address given as text or bytes (what the decoders print). */
export function addressText(a: string | Uint8Array): string {
  const b = parseIp(a);
  return b.length === 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : formatIpv6(b);
}

export function macTextOf(a: string | Uint8Array): string {
  return typeof a === 'string' ? a.toLowerCase() : formatMac(a);
}

// ---------------------------------------------------------------------------------------------
// NVGRE key fields

/** Edge VSIDs that break signed 32-bit shifts or sit at the reserved-range borders. */
export const EDGE_VSIDS = [0x1000, 0x7fffff, 0x800000, 0x800001, 0xfffffe] as const;
export const RESERVED_VSIDS = [0, 1, 0xfff, 0xffffff] as const;

/** A VSID outside the reserved ranges (RFC 7637 §3.4). */
export const vsid = fc.oneof(fc.constantFrom(...EDGE_VSIDS), fc.integer({ min: 0x1000, max: 0xfffffe }));
/** A reserved VSID: 0–0xFFF or 0xFFFFFF. */
export const reservedVsid = fc.oneof(fc.constantFrom(...RESERVED_VSIDS), fc.integer({ min: 0, max: 0xfff }));
/** Any 24-bit VSID. */
export const anyVsid = fc.oneof(vsid, reservedVsid);

export const flowIdNumber = fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xff), u8);
export const flowIdPolicy: fc.Arbitrary<number | 'hash' | 'zero'> = fc.oneof(fc.constantFrom<'hash' | 'zero'>('hash', 'zero'), flowIdNumber);
export const dscpPolicy: fc.Arbitrary<number | 'inherit'> = fc.oneof(fc.constant<'inherit'>('inherit'), fc.integer({ min: 0, max: 63 }));
export const ecnPolicy: fc.Arbitrary<number | 'inherit'> = fc.oneof(fc.constant<'inherit'>('inherit'), fc.integer({ min: 0, max: 3 }));

// ---------------------------------------------------------------------------------------------
// Header pieces

/** Bytes whose length is a multiple of 4 (no padding by buildFrame, so they read back verbatim). */
export function words(maxWords: number): fc.Arbitrary<Uint8Array> {
  return fc.integer({ min: 1, max: maxWords }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n }));
}

export const vlanSpec: fc.Arbitrary<VlanSpec> = fc.record(
  {
    // VID 0 (a priority tag, docs/nvgre.md §7) often: decapsulate's acceptPriorityTag treats it apart.
    id: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 4095 }) }),
    pcp: fc.integer({ min: 0, max: 7 }),
    dei: fc.boolean(),
    tpid: fc.constantFrom(0x8100, 0x88a8),
  },
  { requiredKeys: ['id'] },
);

export function ethernetSpec(o: { vlans?: 0 | 1 | 2; etherType?: number } = {}): fc.Arbitrary<EthernetSpec> {
  const maxTags = o.vlans ?? 0;
  return fc.record(
    {
      src: mac,
      dst: mac,
      vlans: maxTags === 0 ? fc.constant([]) : fc.array(vlanSpec, { minLength: 1, maxLength: maxTags }),
      ...(o.etherType !== undefined ? { etherType: fc.constant(o.etherType) } : {}),
    },
    { requiredKeys: o.etherType !== undefined ? ['etherType'] : [] },
  ) as fc.Arbitrary<EthernetSpec>;
}

export interface Ipv4SpecOptions {
  /** IPv4 options (default true). */
  readonly options?: boolean;
  /** MF / fragment offset (default false). */
  readonly fragments?: boolean;
}

export function ipv4Spec(o: Ipv4SpecOptions = {}): fc.Arbitrary<Ipv4Spec> {
  return fc.record(
    {
      src: ipv4,
      dst: ipv4,
      ttl: u8,
      dscp: fc.integer({ min: 0, max: 63 }),
      ecn: fc.integer({ min: 0, max: 3 }),
      id: u16,
      dontFragment: fc.boolean(),
      ...(o.options !== false ? { options: words(10) } : {}),
      ...(o.fragments === true ? { moreFragments: fc.boolean(), fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8) } : {}),
    },
    { requiredKeys: ['src', 'dst'] },
  ) as fc.Arbitrary<Ipv4Spec>;
}

export interface Ipv6SpecOptions {
  /** Extension headers (default true). */
  readonly extensions?: boolean;
  /** A Fragment header among them (default false). */
  readonly fragments?: boolean;
}

const hbhOptions = fc.uint8Array({ maxLength: 20 });

export const routingHeader: fc.Arbitrary<Ipv6ExtensionSpec> = fc.oneof(
  fc.record({
    type: fc.constant('routing' as const),
    routingType: fc.constantFrom(0, 4),
    segmentsLeft: fc.integer({ min: 0, max: 3 }),
    addresses: fc.array(ipv6, { minLength: 1, maxLength: 3 }),
  }),
  // Type 2 (Mobile IPv6, RFC 6275 §6.4) carries exactly one home address.
  fc.record({
    type: fc.constant('routing' as const),
    routingType: fc.constant(2),
    segmentsLeft: fc.constantFrom(0, 1),
    addresses: fc.array(ipv6, { minLength: 1, maxLength: 1 }),
  }),
);

export function fragmentHeader(o: { firstOnly?: boolean } = {}): fc.Arbitrary<Ipv6ExtensionSpec> {
  return fc.record({
    type: fc.constant('fragment' as const),
    fragmentOffset: o.firstOnly ? fc.constant(0) : fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x1fff }).map((x) => x * 8)),
    moreFragments: fc.boolean(),
    identification: u32,
  });
}

/** A chain in a legal order: [hop-by-hop] [destination-options] [routing] [fragment] [destination-options]. */
export function ipv6Extensions(o: Ipv6SpecOptions = {}): fc.Arbitrary<Ipv6ExtensionSpec[]> {
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  return fc
    .tuple(
      opt(fc.record({ type: fc.constant('hop-by-hop' as const), options: hbhOptions })),
      opt(fc.record({ type: fc.constant('destination-options' as const), options: hbhOptions })),
      opt(routingHeader),
      o.fragments === true ? opt(fragmentHeader()) : fc.constant(undefined),
      opt(fc.record({ type: fc.constant('destination-options' as const), options: hbhOptions })),
    )
    .map((xs) => xs.filter((x): x is Ipv6ExtensionSpec => x !== undefined));
}

export function ipv6Spec(o: Ipv6SpecOptions = {}): fc.Arbitrary<Ipv6Spec> {
  return fc.record(
    {
      src: ipv6,
      dst: ipv6,
      hopLimit: u8,
      dscp: fc.integer({ min: 0, max: 63 }),
      ecn: fc.integer({ min: 0, max: 3 }),
      flowLabel: fc.integer({ min: 0, max: 0xfffff }),
      ...(o.extensions !== false ? { extensionHeaders: ipv6Extensions(o) } : {}),
    },
    { requiredKeys: ['src', 'dst'] },
  ) as fc.Arbitrary<Ipv6Spec>;
}

export const tcpSpec: fc.Arbitrary<TcpSpec> = fc.record(
  {
    srcPort: port,
    dstPort: port,
    seq: u32,
    ack: u32,
    flags: u8,
    window: u16,
    urgentPointer: u16,
    options: words(10),
  },
  { requiredKeys: ['srcPort', 'dstPort'] },
);

export const udpSpec: fc.Arbitrary<UdpSpec> = fc.record({ srcPort: port, dstPort: port });

export function icmpSpec(version: 4 | 6): fc.Arbitrary<IcmpSpec> {
  return fc.record(
    {
      type: version === 4 ? fc.constantFrom(0, 3, 8, 11) : fc.constantFrom(1, 128, 129, 135),
      code: u8,
      identifier: u16,
      sequence: u16,
    },
    { requiredKeys: ['type'] },
  );
}

/** Payload sizes around the 64-byte threshold of the checksum word loop, and past it. */
export const payload = fc.oneof(
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8Array({ minLength: 60, maxLength: 300 }),
  fc.string({ maxLength: 40 }),
);

// ---------------------------------------------------------------------------------------------
// Inner frames

export type InnerKind = 'ipv4' | 'ipv6' | 'arp' | 'raw';
export type L4Kind = 'tcp' | 'udp' | 'icmp' | 'none';

export interface InnerFrameOptions {
  /** Which network layers to draw from (default all four). */
  readonly kinds?: readonly InnerKind[];
  /** Which transports to draw from for IP kinds (default all four). */
  readonly l4?: readonly L4Kind[];
  /** Most 802.1Q/802.1ad tags on the inner Ethernet header (default 0: RFC 7637 §3.3). */
  readonly vlans?: 0 | 1 | 2;
  /** IPv4 options and IPv6 extension headers (default true). */
  readonly ipExtras?: boolean;
  /** IPv4 MF/fragment offset and IPv6 Fragment headers (default false). */
  readonly fragments?: boolean;
}

/** EtherTypes for raw (non-IP) inner payloads: never IP, never a VLAN TPID, never TEB. */
export const rawEtherType = fc.oneof(
  fc.constantFrom(0x88b5, 0x88b6, 0x88cc, 0x8809, 0x0600),
  fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => ![0x0800, 0x86dd, 0x8100, 0x88a8, 0x6558, 0x0806].includes(t)),
);

function l4For(version: 4 | 6, kinds: readonly L4Kind[]): fc.Arbitrary<Pick<FrameSpec, 'tcp' | 'udp' | 'icmp'>> {
  const alts: fc.Arbitrary<Pick<FrameSpec, 'tcp' | 'udp' | 'icmp'>>[] = [];
  if (kinds.includes('tcp')) alts.push(tcpSpec.map((tcp) => ({ tcp })));
  if (kinds.includes('udp')) alts.push(udpSpec.map((udp) => ({ udp })));
  if (kinds.includes('icmp')) alts.push(icmpSpec(version).map((icmp) => ({ icmp })));
  if (kinds.includes('none')) alts.push(fc.constant({}));
  return fc.oneof(...alts);
}

/** An inner (or plain) Ethernet frame spec. */
export function innerFrameSpec(o: InnerFrameOptions = {}): fc.Arbitrary<FrameSpec> {
  const kinds = o.kinds ?? ['ipv4', 'ipv6', 'arp', 'raw'];
  const l4 = o.l4 ?? ['tcp', 'udp', 'icmp', 'none'];
  const extras = o.ipExtras !== false;
  const alts: fc.Arbitrary<FrameSpec>[] = [];
  if (kinds.includes('ipv4')) {
    alts.push(
      fc
        .tuple(ethernetSpec({ vlans: o.vlans ?? 0 }), ipv4Spec({ options: extras, fragments: o.fragments === true }), l4For(4, l4), payload)
        .map(([ethernet, ip, t, p]) => ({ ethernet, ipv4: ip, ...t, payload: p })),
    );
  }
  if (kinds.includes('ipv6')) {
    alts.push(
      fc
        .tuple(ethernetSpec({ vlans: o.vlans ?? 0 }), ipv6Spec({ extensions: extras, fragments: o.fragments === true }), l4For(6, l4), payload)
        .map(([ethernet, ip, t, p]) => ({ ethernet, ipv6: ip, ...t, payload: p })),
    );
  }
  if (kinds.includes('arp')) {
    alts.push(
      fc
        .tuple(ethernetSpec({ vlans: o.vlans ?? 0, etherType: 0x0806 }), fc.uint8Array({ minLength: 28, maxLength: 28 }))
        .map(([ethernet, p]) => ({ ethernet, payload: p })),
    );
  }
  if (kinds.includes('raw')) {
    alts.push(
      fc
        .tuple(rawEtherType.chain((et) => ethernetSpec({ vlans: o.vlans ?? 0, etherType: et })), fc.uint8Array({ maxLength: 200 }))
        .map(([ethernet, p]) => ({ ethernet, payload: p })),
    );
  }
  return fc.oneof(...alts);
}

/** Built inner frame bytes together with the spec they came from. */
export function innerFrame(o: InnerFrameOptions = {}): fc.Arbitrary<{ spec: FrameSpec; bytes: Uint8Array }> {
  return innerFrameSpec(o).map((spec) => ({ spec, bytes: buildFrame(spec) }));
}

// ---------------------------------------------------------------------------------------------
// NVGRE frames

export interface NvgreSpecOptions {
  /** Draw reserved VSIDs too (default false). */
  readonly reservedVsid?: boolean;
  /** FlowID as a number or 'hash' (default both). */
  readonly flowId?: 'number' | 'hash' | 'any';
}

export function nvgreSpec(o: NvgreSpecOptions = {}): fc.Arbitrary<NvgreSpec> {
  const v = o.reservedVsid === true ? anyVsid : vsid;
  const f =
    o.flowId === 'number' ? flowIdNumber : o.flowId === 'hash' ? fc.constant<'hash'>('hash') : fc.oneof(flowIdNumber, fc.constant<'hash'>('hash'));
  return fc.record({ vsid: v, flowId: f });
}

export interface NvgreFrameOptions extends NvgreSpecOptions {
  /** NVGRE levels (default 1; 2+ nests NVGRE in NVGRE). */
  readonly depth?: number;
  /** Outer IP versions (default both). */
  readonly outer?: readonly (4 | 6)[];
  /** Outer 802.1Q tag allowed (default true). */
  readonly outerVlan?: boolean;
  /** Outer IPv4 options / IPv6 extension headers (never a Fragment header) (default true). */
  readonly outerExtras?: boolean;
  /** Ethernet padding/trailer after the outermost datagram (default false). */
  readonly trailer?: boolean;
  /** Inner frame options for the innermost frame (its tags default to none: RFC 7637 §3.3). */
  readonly inner?: InnerFrameOptions;
}

function outerLayer(o: NvgreFrameOptions): fc.Arbitrary<Pick<FrameSpec, 'ethernet' | 'ipv4' | 'ipv6'>> {
  const versions = o.outer ?? [4, 6];
  const extras = o.outerExtras !== false;
  const eth = ethernetSpec({ vlans: o.outerVlan === false ? 0 : 1 });
  const alts: fc.Arbitrary<Pick<FrameSpec, 'ethernet' | 'ipv4' | 'ipv6'>>[] = [];
  if (versions.includes(4)) {
    alts.push(
      fc.tuple(eth, ipv4Spec({ options: extras }), fc.boolean()).map(([ethernet, ip, defaultDf]) => {
        // Half the time leave DF to buildFrame's NVGRE default (set, RFC 7637 §4.4).
        const { dontFragment: _df, ...rest } = ip;
        return { ethernet, ipv4: defaultDf ? rest : ip };
      }),
    );
  }
  if (versions.includes(6)) alts.push(fc.tuple(eth, ipv6Spec({ extensions: extras, fragments: false })).map(([ethernet, ip]) => ({ ethernet, ipv6: ip })));
  return fc.oneof(...alts);
}

/** An NVGRE frame spec: `depth` NVGRE layers around an inner frame. */
export function nvgreFrameSpec(o: NvgreFrameOptions = {}): fc.Arbitrary<FrameSpec> {
  const depth = o.depth ?? 1;
  let spec: fc.Arbitrary<FrameSpec> = innerFrameSpec(o.inner ?? {});
  for (let level = depth; level >= 1; level--) {
    const outermost = level === 1;
    const innerSpec = spec;
    spec = fc
      .tuple(outerLayer(o), nvgreSpec(o), innerSpec, outermost && o.trailer === true ? fc.integer({ min: 0, max: 40 }) : fc.constant(0))
      .map(([outer, nvgre, inner, trailer]) => ({ ...outer, nvgre, inner, ...(trailer > 0 ? { trailer } : {}) }));
  }
  return spec;
}

export function nvgreFrame(o: NvgreFrameOptions = {}): fc.Arbitrary<{ spec: FrameSpec; bytes: Uint8Array }> {
  return nvgreFrameSpec(o).map((spec) => ({ spec, bytes: buildFrame(spec) }));
}

// ---------------------------------------------------------------------------------------------
// Encapsulator options

export interface EncapsulateOptionsOptions {
  /** Outer IP versions (default both). */
  readonly outer?: readonly (4 | 6)[];
  /** Draw reserved VSIDs (with allowReservedVsid: true) too (default false). */
  readonly reservedVsid?: boolean;
}

export function encapsulateOptions(o: EncapsulateOptionsOptions = {}): fc.Arbitrary<EncapsulateOptions> {
  const versions = o.outer ?? [4, 6];
  const addrs = fc.oneof(
    ...versions.map((v) => (v === 4 ? fc.record({ srcIp: ipv4, dstIp: ipv4 }) : fc.record({ srcIp: ipv6, dstIp: ipv6 }))),
  );
  const vsidArb =
    o.reservedVsid === true
      ? fc.oneof(vsid.map((v) => ({ vsid: v })), reservedVsid.map((v) => ({ vsid: v, allowReservedVsid: true as const })))
      : vsid.map((v) => ({ vsid: v }));
  const rest = fc.record(
    {
      flowId: flowIdPolicy,
      srcMac: mac,
      dstMac: mac,
      vlan: fc.record({ id: fc.integer({ min: 0, max: 4095 }), pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean() }, { requiredKeys: ['id'] }),
      ttl: u8,
      dscp: dscpPolicy,
      ecn: ecnPolicy,
      dontFragment: fc.boolean(),
      ipId: u16,
      flowLabel: fc.integer({ min: 0, max: 0xfffff }),
      innerVlan: fc.constant('strip' as const),
    },
    { requiredKeys: ['srcMac', 'dstMac'] },
  );
  return fc.tuple(vsidArb, addrs, rest).map(([v, a, r]) => ({ ...r, ...a, ...v }) as EncapsulateOptions);
}
