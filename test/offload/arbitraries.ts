/**
 * fast-check arbitraries of FrameSpecs over the whole offload matrix (docs/offload.md §11): outer IPv4 /
 * IPv6 ± 802.1Q tag ± IPv4 options / IPv6 extension headers, inner IPv4 ± options / IPv6 ± extension
 * headers (Hop-by-Hop, Destination Options, Routing types 0/2/4 with any Segments Left), TCP ± options /
 * UDP / ICMP, payload 0…3000 bytes; plus plain (non-NVGRE) frames. No fragments (tested separately).
 */
import fc from 'fast-check';
import { u16 } from '../../src/wire/bytes.js';
import type { FrameSpec, Ipv4Spec, Ipv6ExtensionSpec, Ipv6Spec, TcpSpec } from '../../src/frame/build.js';
import { FrameLayout, walkFrame } from '../../src/wire/layout.js';
import { TcpFlag } from '../../src/wire/tcp.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

export const arbMac = bytes(6);
export const arbIpv4Address = bytes(4);
export const arbIpv6Address = bytes(16);

const arbIpv4Options = fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined });

export function arbIpv4(opts: { options?: boolean } = {}): fc.Arbitrary<Ipv4Spec> {
  return fc.record({
    src: arbIpv4Address,
    dst: arbIpv4Address,
    id: fc.integer({ min: 0, max: 0xffff }),
    ttl: fc.integer({ min: 1, max: 255 }),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    dontFragment: fc.boolean(),
    ...(opts.options === false ? {} : { options: arbIpv4Options }),
  }) as fc.Arbitrary<Ipv4Spec>;
}

const arbOptionsExt = fc.oneof(
  fc.constant<Ipv6ExtensionSpec>({ type: 'destination-options' }),
  fc.uint8Array({ minLength: 0, maxLength: 20 }).map<Ipv6ExtensionSpec>((options) => ({ type: 'destination-options', options })),
);

const arbRouting: fc.Arbitrary<Ipv6ExtensionSpec> = fc
  .oneof(
    fc.record({ routingType: fc.constant(0), addresses: fc.array(arbIpv6Address, { minLength: 1, maxLength: 3 }) }),
    fc.record({ routingType: fc.constant(2), addresses: fc.array(arbIpv6Address, { minLength: 1, maxLength: 1 }) }),
    fc.record({ routingType: fc.constant(4), addresses: fc.array(arbIpv6Address, { minLength: 1, maxLength: 3 }) }),
  )
  .chain((r) =>
    fc.integer({ min: 0, max: r.addresses.length }).map<Ipv6ExtensionSpec>((segmentsLeft) => ({ type: 'routing', ...r, segmentsLeft })),
  );

/** Hop-by-Hop only first (RFC 8200 §4.1), then up to two Destination Options / Routing headers. */
export const arbExtensionHeaders: fc.Arbitrary<Ipv6ExtensionSpec[]> = fc
  .tuple(
    fc.option(fc.uint8Array({ maxLength: 12 }).map<Ipv6ExtensionSpec>((options) => ({ type: 'hop-by-hop', options })), { nil: undefined }),
    fc.array(fc.oneof(arbOptionsExt, arbRouting), { maxLength: 2 }),
  )
  .map(([hbh, rest]) => (hbh ? [hbh, ...rest] : rest));

export function arbIpv6(opts: { extensionHeaders?: boolean } = {}): fc.Arbitrary<Ipv6Spec> {
  return fc.record({
    src: arbIpv6Address,
    dst: arbIpv6Address,
    hopLimit: fc.integer({ min: 1, max: 255 }),
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    ...(opts.extensionHeaders === false ? {} : { extensionHeaders: arbExtensionHeaders }),
  }) as fc.Arbitrary<Ipv6Spec>;
}

export const arbTcpOptions = fc.option(
  fc.integer({ min: 1, max: 10 }).chain((words) => bytes(words * 4)),
  { nil: undefined },
);

/** TCP flags LSO accepts: no SYN, RST, URG. */
export const arbLsoFlags = fc
  .integer({ min: 0, max: 0xff })
  .map((f) => (f & ~(TcpFlag.SYN | TcpFlag.RST | TcpFlag.URG)) | TcpFlag.ACK);

export function arbTcp(opts: { lsoFlags?: boolean } = {}): fc.Arbitrary<TcpSpec> {
  return fc.record({
    srcPort: fc.integer({ min: 0, max: 0xffff }),
    dstPort: fc.integer({ min: 0, max: 0xffff }),
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    ack: fc.integer({ min: 0, max: 0xffffffff }),
    flags: opts.lsoFlags ? arbLsoFlags : fc.integer({ min: 0, max: 0xff }),
    window: fc.integer({ min: 0, max: 0xffff }),
    options: arbTcpOptions,
  }) as fc.Arbitrary<TcpSpec>;
}

export type L4 = 'tcp' | 'udp' | 'icmp';

export interface MatrixOptions {
  readonly l4?: readonly L4[];
  readonly maxPayload?: number;
  /** Include plain (non-NVGRE) frames. Default true. */
  readonly plain?: boolean;
  /** Only TCP flags LSO accepts. */
  readonly lsoFlags?: boolean;
  readonly outer?: readonly (4 | 6)[];
  readonly inner?: readonly (4 | 6)[];
}

function arbL4(l4s: readonly L4[], lsoFlags: boolean): fc.Arbitrary<Pick<FrameSpec, 'tcp' | 'udp' | 'icmp'>> {
  return fc.constantFrom(...l4s).chain((l4): fc.Arbitrary<Pick<FrameSpec, 'tcp' | 'udp' | 'icmp'>> => {
    if (l4 === 'tcp') return arbTcp({ lsoFlags }).map((tcp) => ({ tcp }));
    if (l4 === 'udp') return fc.record({ srcPort: fc.integer({ min: 0, max: 0xffff }), dstPort: fc.integer({ min: 0, max: 0xffff }) }).map((udp) => ({ udp }));
    return fc
      .record({ type: fc.integer({ min: 0, max: 255 }), code: fc.integer({ min: 0, max: 255 }), identifier: fc.integer({ min: 0, max: 0xffff }), sequence: fc.integer({ min: 0, max: 0xffff }) })
      .map((icmp) => ({ icmp }));
  });
}

/** An IP level (Ethernet addresses + IPv4/IPv6 + transport + payload). */
function arbIpFrame(versions: readonly (4 | 6)[], l4s: readonly L4[], maxPayload: number, lsoFlags: boolean): fc.Arbitrary<FrameSpec> {
  return fc
    .record({
      src: arbMac,
      dst: arbMac,
      version: fc.constantFrom(...versions),
      ipv4: arbIpv4(),
      ipv6: arbIpv6(),
      l4: arbL4(l4s, lsoFlags),
      payload: fc.uint8Array({ maxLength: maxPayload }),
    })
    .map(({ src, dst, version, ipv4, ipv6, l4, payload }) => ({
      ethernet: { src, dst },
      ...(version === 4 ? { ipv4 } : { ipv6 }),
      ...l4,
      payload,
    }));
}

/** NVGRE frames over the whole matrix, and (unless `plain: false`) plain Ethernet/IP frames. */
export function arbFrameSpec(opts: MatrixOptions = {}): fc.Arbitrary<FrameSpec> {
  const l4s = opts.l4 ?? ['tcp', 'udp', 'icmp'];
  const maxPayload = opts.maxPayload ?? 3000;
  const lso = opts.lsoFlags === true;
  const innerVersions = opts.inner ?? [4, 6];
  const outerVersions = opts.outer ?? [4, 6];
  const vlan = fc.option(fc.record({ id: fc.integer({ min: 0, max: 4095 }), pcp: fc.integer({ min: 0, max: 7 }) }), { nil: undefined });
  const nvgre = fc
    .record({
      src: arbMac,
      dst: arbMac,
      vlan,
      version: fc.constantFrom(...outerVersions),
      ipv4: arbIpv4(),
      ipv6: arbIpv6(),
      vsid: fc.integer({ min: 0x1000, max: 0xfffffe }),
      flowId: fc.integer({ min: 0, max: 255 }),
      inner: arbIpFrame(innerVersions, l4s, maxPayload, lso),
    })
    .map<FrameSpec>(({ src, dst, vlan: tag, version, ipv4, ipv6, vsid, flowId, inner }) => ({
      ethernet: { src, dst, ...(tag ? { vlans: [tag] } : {}) },
      ...(version === 4 ? { ipv4 } : { ipv6 }),
      nvgre: { vsid, flowId },
      inner,
    }));
  if (opts.plain === false) return nvgre;
  const plain = fc
    .tuple(arbIpFrame(innerVersions, l4s, maxPayload, lso), vlan)
    .map<FrameSpec>(([f, tag]) => ({ ...f, ethernet: { ...f.ethernet, ...(tag ? { vlans: [tag] } : {}) } }));
  return fc.oneof({ weight: 3, arbitrary: nvgre }, { weight: 1, arbitrary: plain });
}

/** Offsets of every checksum field of a frame (IPv4 headers, the innermost transport). */
export function checksumOffsets(frame: Uint8Array): number[] {
  const layout = walkFrame(frame, new FrameLayout());
  const out: number[] = [];
  if (layout.outerIp.version === 4) out.push(layout.outerIp.offset + 10, layout.outerIp.offset + 11);
  if (layout.encapsulated && layout.innerIp.version === 4) out.push(layout.innerIp.offset + 10, layout.innerIp.offset + 11);
  const t = layout.transportOffset;
  if (t >= 0) {
    const p = layout.transportProtocol;
    const field = p === 6 ? 16 : p === 17 ? 6 : p === 1 || p === 58 ? 2 : -1;
    if (field >= 0) out.push(t + field, t + field + 1);
  }
  return out;
}

/** Writes `values` (cycled) into every checksum field. */
export function scribbleChecksums(frame: Uint8Array, values: readonly number[]): void {
  checksumOffsets(frame).forEach((o, k) => {
    frame[o] = values.length === 0 ? 0 : values[k % values.length]! & 0xff;
  });
}

export { u16 };
