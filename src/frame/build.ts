/**
 * buildFrame: declarative crafting that fills lengths and checksums unless told not to; recursive over
 * NVGRE (an inner frame may itself be NVGRE), bounded by the same nesting limit as parseFrame.
 */
import { ipBytes, macBytes, parseIp, type AddressInput } from '../wire/address.js';
import { assertBytes, assertInt, put16, put32, typedArraySet } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';
import { EtherType, ethernetLength, writeEthernet } from '../wire/ethernet.js';
import { GRE, keyFor, writeGre, type GreFields, type KeyLayout } from '../wire/gre.js';
import { ICMP, writeIcmp } from '../wire/icmp.js';
import { IPV4, IpProtocol, fillIpv4Checksum, ipv4Length, writeIpv4, type Ipv4Fields } from '../wire/ipv4.js';
import { IPV6, IPV6_EXT, RoutingType, writeIpv6 } from '../wire/ipv6.js';
import { TCP, TcpFlag, tcpLength, writeTcp, type TcpFields } from '../wire/tcp.js';
import { computeTransportChecksum } from '../wire/transport.js';
import { UDP, writeUdp, type UdpFields } from '../wire/udp.js';
import { NvgreError, NvgreErrorCode, noSpace } from '../wire/errors.js';
import { foldFlowId, innerFlowHash } from '../tunnel/flowhash.js';
import { checkFrameSpec, framePath } from './spec.js';
import { HARD_MAX_DEPTH } from './parse.js';


export interface VlanSpec {
  readonly id: number;
  readonly pcp?: number;
  readonly dei?: boolean;
  /** 0x8100 (default) or 0x88A8. */
  readonly tpid?: number;
}

export interface EthernetSpec {
  readonly src?: AddressInput;
  readonly dst?: AddressInput;
  readonly vlans?: readonly VlanSpec[];
  /** Overrides the EtherType derived from the next layer (0x0800 / 0x86DD, or required with a raw payload). */
  readonly etherType?: number;
}

export interface Ipv4Spec {
  readonly src: AddressInput;
  readonly dst: AddressInput;
  readonly ttl?: number;
  readonly dscp?: number;
  readonly ecn?: number;
  readonly id?: number;
  /** Default: true when the packet carries NVGRE (RFC 7637 §4.4), else false. */
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  /** In bytes, a multiple of 8. */
  readonly fragmentOffset?: number;
  /** Option bytes; padded with End-of-Options (0) to a multiple of 4. */
  readonly options?: Uint8Array;
  /** Overrides the protocol derived from the next layer. */
  readonly protocol?: number;
  /** Leave Total Length as given. */
  readonly totalLength?: number;
  /** Leave the header checksum as given. */
  readonly checksum?: number;
}

export type Ipv6ExtensionSpec =
  | { readonly type: 'hop-by-hop' | 'destination-options'; readonly options?: Uint8Array }
  | {
      readonly type: 'routing';
      /** 0 (source route, deprecated), 2 (Mobile IPv6), 4 (SRH). Default 0. */
      readonly routingType?: number;
      readonly segmentsLeft?: number;
      readonly addresses: readonly AddressInput[];
    }
  | { readonly type: 'fragment'; readonly fragmentOffset?: number; readonly moreFragments?: boolean; readonly identification?: number };

export interface Ipv6Spec {
  readonly src: AddressInput;
  readonly dst: AddressInput;
  readonly hopLimit?: number;
  readonly dscp?: number;
  readonly ecn?: number;
  readonly flowLabel?: number;
  readonly extensionHeaders?: readonly Ipv6ExtensionSpec[];
  /** Overrides the upper-layer Next Header. */
  readonly protocol?: number;
  /** Leave Payload Length as given. */
  readonly payloadLength?: number;
}

export interface NvgreSpec {
  readonly vsid: number;
  /** A number, or `'hash'` (default: hash of the inner flow, as `encapsulate` does). */
  readonly flowId?: number | 'hash';
  /** Raw 32-bit key, overriding vsid/flowId (for draft-era "TNI + reserved" tests). */
  readonly key?: number;
  /**
   * How the key carries the VSID (docs/nvgre.md §7): `'rfc7637'` (default) VSID << 8 | FlowID, or
   * `'low24'`, the VSID in the low 24 bits with a zero high byte and no FlowID (`flowId` must be absent or 0).
   */
  readonly keyLayout?: KeyLayout;
  /** Omit the key (K = 0) to craft a non-NVGRE GRE TEB frame. */
  readonly keyPresent?: boolean;
  /** Adds a GRE Checksum word (C = 1, non-conformant); `true` computes it (RFC 2784 §2.5), a number is written as given. */
  readonly checksum?: boolean | number;
  /** Adds a Sequence Number word (S = 1, non-conformant). */
  readonly sequence?: number;
  readonly version?: number;
  /** Overrides 0x6558. */
  readonly protocol?: number;
  /** Extra flag bits (bit 1 = 0x4000, bits 4–12 = 0x0FF8) for crafting non-conformant headers. */
  readonly extraFlags?: number;
}

export interface TcpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq?: number;
  readonly ack?: number;
  /** Byte 13 flags (see `TcpFlag`); default ACK. */
  readonly flags?: number;
  readonly window?: number;
  readonly urgentPointer?: number;
  /** Option bytes; padded with End-of-Options to a multiple of 4. */
  readonly options?: Uint8Array;
  /** Leave the checksum as given. */
  readonly checksum?: number;
}

export interface UdpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Leave Length as given. */
  readonly length?: number;
  /** Leave the checksum as given (0 over IPv4 = no checksum). */
  readonly checksum?: number;
}

export interface IcmpSpec {
  readonly type: number;
  readonly code?: number;
  /** Echo identifier and sequence (the rest-of-header word) … */
  readonly identifier?: number;
  readonly sequence?: number;
  /** … or the whole rest-of-header word. */
  readonly rest?: number;
  readonly checksum?: number;
}

export interface FrameSpec {
  readonly ethernet?: EthernetSpec;
  readonly ipv4?: Ipv4Spec;
  readonly ipv6?: Ipv6Spec;
  /** GRE header with NVGRE key; requires `inner` and an IP layer. */
  readonly nvgre?: NvgreSpec;
  readonly inner?: FrameSpec;
  readonly tcp?: TcpSpec;
  readonly udp?: UdpSpec;
  /** ICMPv4 over IPv4, ICMPv6 over IPv6. */
  readonly icmp?: IcmpSpec;
  /** Bytes after the last header (a string is UTF-8 encoded). */
  readonly payload?: Uint8Array | string;
  /** Zero bytes appended after the IP datagram (Ethernet padding; never counted in IP lengths). */
  readonly trailer?: number;
  /** Default true: compute every checksum not given; false writes 0 where no value is given. */
  readonly fillChecksums?: boolean;
}

const DEFAULT_SRC_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x01);
const DEFAULT_DST_MAC = Uint8Array.of(0x02, 0, 0, 0, 0, 0x02);

function specError(path: string, message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `${path}: ${message}`);
}

function pad(bytes: Uint8Array | undefined, to: number): Uint8Array | undefined {
  if (!bytes || bytes.length % to === 0) return bytes;
  const out = new Uint8Array(bytes.length + (to - (bytes.length % to)));
  out.set(bytes);
  return out;
}

/** Pads Hop-by-Hop / Destination options to a multiple of 8 with Pad1/PadN (RFC 8200 §4.2). */
function padOptions(options: Uint8Array | undefined): Uint8Array {
  const body = options ?? new Uint8Array(0);
  const total = Math.ceil((body.length + 2) / 8) * 8;
  const out = new Uint8Array(total);
  out.set(body, 2);
  const gap = total - 2 - body.length;
  if (gap === 1) out[2 + body.length] = 0; // Pad1
  else if (gap > 1) {
    out[2 + body.length] = 1; // PadN
    out[3 + body.length] = gap - 2;
  }
  return out;
}

const PROTO_OF_EXT = { 'hop-by-hop': 0, routing: 43, fragment: 44, 'destination-options': 60 } as const;

/** What planFrame works out for one level before any byte is written. */
interface Plan {
  readonly spec: FrameSpec;
  readonly path: string;
  /** Address bytes are read-only views (see `macBytes` / `ipBytes`): only copied into the frame. */
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly vlans: readonly VlanSpec[];
  readonly ipVersion: 0 | 4 | 6;
  readonly ipSrc: Uint8Array | undefined;
  readonly ipDst: Uint8Array | undefined;
  readonly ipv4Options: Uint8Array | undefined;
  readonly extensions: readonly Uint8Array[];
  readonly extTypes: readonly number[];
  readonly tcpOptions: Uint8Array | undefined;
  readonly payload: Uint8Array;
  readonly inner: Plan | undefined;
  /** GRE header bytes (0 without nvgre). */
  readonly greLength: number;
  readonly l4Length: number;
  readonly ipPayloadLength: number;
  readonly ipHeaderLength: number;
  readonly length: number;
}

/** Field objects handed to the header writers, built up when an optional field is given. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

// Shared read-only defaults, so a plan allocates nothing for what the spec leaves out.
const NO_BYTES = new Uint8Array(0);
const NO_ETHERNET: EthernetSpec = {};
const NO_VLANS: readonly VlanSpec[] = [];
const NO_EXTENSIONS: readonly Uint8Array[] = [];
const NO_TYPES: readonly number[] = [];

// TextEncoder exists in every supported runtime (Node ≥ 18, browsers, Deno, Bun) but not in the ES lib typings.
const encoder = new (globalThis as unknown as { TextEncoder: new () => { encode(s: string): Uint8Array } }).TextEncoder();

function hasGreChecksum(n: NvgreSpec): boolean {
  return n.checksum !== undefined && n.checksum !== false;
}

/** GRE header length for the spec: base + Checksum + Key + Sequence words as present (RFC 2890 §2). */
function greSpecLength(n: NvgreSpec): number {
  return (
    GRE.BASE_LENGTH +
    (hasGreChecksum(n) ? GRE.OPTION_LENGTH : 0) +
    (n.keyPresent === false ? 0 : GRE.OPTION_LENGTH) +
    (n.sequence !== undefined ? GRE.OPTION_LENGTH : 0)
  );
}

function planFrame(spec: FrameSpec, path: string, depth: number): Plan {
  if (spec === null || typeof spec !== 'object') throw specError(path, 'must be an object');
  if (depth > HARD_MAX_DEPTH) throw specError(path, `nested deeper than ${HARD_MAX_DEPTH}`);
  if (spec.ipv4 && spec.ipv6) throw specError(path, 'give either ipv4 or ipv6, not both');
  const l4count = (spec.tcp ? 1 : 0) + (spec.udp ? 1 : 0) + (spec.icmp ? 1 : 0) + (spec.nvgre ? 1 : 0);
  if (l4count > 1) throw specError(path, 'give at most one of nvgre, tcp, udp, icmp');
  if (l4count === 1 && !spec.ipv4 && !spec.ipv6) throw specError(path, 'tcp/udp/icmp/nvgre need an ipv4 or ipv6 layer');
  if (spec.nvgre && !spec.inner) throw specError(path, 'nvgre needs an inner frame');
  if (spec.inner && !spec.nvgre) throw specError(path, 'inner needs an nvgre layer');
  if (spec.nvgre && spec.payload !== undefined) throw specError(path, 'payload goes in the inner frame when nvgre is given');
  const eth = spec.ethernet ?? NO_ETHERNET;
  const vlans = eth.vlans ?? NO_VLANS;
  const payload = typeof spec.payload === 'string' ? encoder.encode(spec.payload) : (spec.payload ?? NO_BYTES);
  const inner = spec.nvgre ? planFrame(spec.inner!, framePath(depth + 1), depth + 1) : undefined;
  let l4Length = payload.length;
  let tcpOptions: Uint8Array | undefined;
  let greLength = 0;
  if (spec.tcp) {
    tcpOptions = pad(spec.tcp.options, 4);
    if ((tcpOptions?.length ?? 0) > 40) throw specError(`${path}.tcp.options`, 'at most 40 bytes of TCP options');
    l4Length += tcpLength(tcpOptions ? { options: tcpOptions } : {});
  } else if (spec.udp) l4Length += UDP.HEADER_LENGTH;
  else if (spec.icmp) l4Length += ICMP.HEADER_LENGTH;
  else if (spec.nvgre) {
    // Checked here, before buildFrameInto zeroes its range: a refused spec leaves the target as it was.
    const vsid = spec.nvgre.vsid;
    if (!Number.isInteger(vsid) || vsid < 0 || vsid > 0xffffff) throw specError(`${path}.nvgre.vsid`, `must be 0–0xFFFFFF, got ${vsid}`);
    greLength = greSpecLength(spec.nvgre);
    l4Length += greLength + inner!.length;
  }
  const src = macBytes(eth.src ?? DEFAULT_SRC_MAC, path, '.ethernet.src');
  const dst = macBytes(eth.dst ?? DEFAULT_DST_MAC, path, '.ethernet.dst');
  const ethLen = ethernetLength({ vlans });
  const trailer = spec.trailer ?? 0;
  let ipVersion: 0 | 4 | 6 = 0;
  let ipSrc: Uint8Array | undefined;
  let ipDst: Uint8Array | undefined;
  let ipv4Options: Uint8Array | undefined;
  let extensions = NO_EXTENSIONS;
  let extTypes = NO_TYPES;
  let ipHeaderLength = 0;
  let ipPayloadLength = 0;
  let length: number;
  if (spec.ipv4) {
    const fo = spec.ipv4.fragmentOffset;
    if (fo !== undefined && (fo % 8 !== 0 || fo > 0xfff8)) throw specError(`${path}.ipv4.fragmentOffset`, 'must be a multiple of 8 below 65536');
    ipSrc = ipBytes(spec.ipv4.src, path, '.ipv4.src');
    ipDst = ipBytes(spec.ipv4.dst, path, '.ipv4.dst');
    if (ipSrc.length !== 4 || ipDst.length !== 4) throw specError(`${path}.ipv4`, 'src and dst must be IPv4 addresses');
    ipv4Options = pad(spec.ipv4.options, 4);
    if ((ipv4Options?.length ?? 0) > 40) throw specError(`${path}.ipv4.options`, 'at most 40 bytes of IPv4 options');
    const hl = ipv4Length(ipv4Options ? { options: ipv4Options } : {});
    // A Total Length given explicitly (e.g. 0 in an LSO template, docs/offload.md §10) lifts the limit.
    if (hl + l4Length > 0xffff && spec.ipv4.totalLength === undefined) {
      throw specError(path, `the IPv4 datagram would be ${hl + l4Length} bytes (max 65535); give ipv4.totalLength to build an LSO template`);
    }
    ipVersion = 4;
    ipHeaderLength = hl;
    ipPayloadLength = l4Length;
    length = ethLen + hl + l4Length + trailer;
  } else if (spec.ipv6) {
    ipSrc = ipBytes(spec.ipv6.src, path, '.ipv6.src');
    ipDst = ipBytes(spec.ipv6.dst, path, '.ipv6.dst');
    if (ipSrc.length !== 16 || ipDst.length !== 16) throw specError(`${path}.ipv6`, 'src and dst must be IPv6 addresses');
    const specs = spec.ipv6.extensionHeaders;
    let extLen = 0;
    if (specs !== undefined && specs.length > 0) {
      const built: Uint8Array[] = [];
      const types: number[] = [];
      for (const [i, x] of specs.entries()) {
        types.push(PROTO_OF_EXT[x.type]);
        const e = buildExtension(x, `${path}.ipv6.extensionHeaders[${i}]`);
        built.push(e);
        extLen += e.length;
      }
      extensions = built;
      extTypes = types;
    }
    if (extLen + l4Length > 0xffff && spec.ipv6.payloadLength === undefined) {
      throw specError(path, `the IPv6 payload would be ${extLen + l4Length} bytes (max 65535); give ipv6.payloadLength to build an LSO template`);
    }
    ipVersion = 6;
    ipHeaderLength = IPV6.HEADER_LENGTH + extLen;
    ipPayloadLength = extLen + l4Length;
    length = ethLen + IPV6.HEADER_LENGTH + extLen + l4Length + trailer;
  } else {
    length = ethLen + payload.length + trailer;
  }
  return {
    spec,
    path,
    src,
    dst,
    vlans,
    ipVersion,
    ipSrc,
    ipDst,
    ipv4Options,
    extensions,
    extTypes,
    tcpOptions,
    payload,
    inner,
    greLength,
    l4Length,
    ipPayloadLength,
    ipHeaderLength,
    length,
  };
}

function buildExtension(x: Ipv6ExtensionSpec, path: string): Uint8Array {
  if (x.type === 'hop-by-hop' || x.type === 'destination-options') {
    const out = padOptions(x.options);
    out[1] = out.length / 8 - 1;
    return out;
  }
  if (x.type === 'fragment') {
    const out = new Uint8Array(8);
    const fo = x.fragmentOffset ?? 0;
    if (fo % 8 !== 0 || fo > 0xfff8) throw specError(path, 'fragmentOffset must be a multiple of 8 below 65536');
    put16(out, IPV6_EXT.FRAGMENT_OFFSET_FLAGS, fo | (x.moreFragments ? IPV6_EXT.FRAGMENT_M : 0));
    put32(out, IPV6_EXT.FRAGMENT_ID, (x.identification ?? 0) >>> 0);
    return out;
  }
  if (x.type !== 'routing') throw specError(path, `unknown extension header type ${String((x as { type: unknown }).type)}`);
  const addrs = x.addresses.map((a, i) => {
    const b = parseIp(a, `${path}.addresses[${i}]`);
    if (b.length !== 16) throw specError(path, 'routing addresses must be IPv6');
    return b;
  });
  const type = x.routingType ?? RoutingType.SOURCE_ROUTE;
  const out = new Uint8Array(IPV6_EXT.ROUTING_ADDRESSES + 16 * addrs.length);
  out[1] = out.length / 8 - 1;
  out[IPV6_EXT.ROUTING_TYPE] = type;
  out[IPV6_EXT.SEGMENTS_LEFT] = x.segmentsLeft ?? addrs.length;
  if (type === RoutingType.SEGMENT_ROUTING) out[IPV6_EXT.SRH_LAST_ENTRY] = Math.max(0, addrs.length - 1);
  addrs.forEach((a, i) => out.set(a, IPV6_EXT.ROUTING_ADDRESSES + 16 * i));
  return out;
}

function transportProtocol(spec: FrameSpec): number {
  if (spec.tcp) return IpProtocol.TCP;
  if (spec.udp) return IpProtocol.UDP;
  if (spec.icmp) return spec.ipv6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP;
  if (spec.nvgre) return IpProtocol.GRE;
  return IpProtocol.NO_NEXT_HEADER;
}

/** True when the spec makes the packet an IP fragment (its transport checksum is left alone). */
function isFragmentSpec(s: FrameSpec): boolean {
  if ((s.ipv4?.moreFragments ?? false) || (s.ipv4?.fragmentOffset ?? 0) > 0) return true;
  const ext = s.ipv6?.extensionHeaders;
  if (ext === undefined) return false;
  for (let i = 0; i < ext.length; i++) if (ext[i]?.type === 'fragment') return true;
  return false;
}

function writePlan(t: Uint8Array, o: number, p: Plan): void {
  const s = p.spec;
  const fill = s.fillChecksums !== false;
  const etherType = s.ethernet?.etherType ?? (p.ipVersion === 4 ? EtherType.IPV4 : p.ipVersion === 6 ? EtherType.IPV6 : 0x88b5 /* local experimental */);
  o += writeEthernet(t, o, { dst: p.dst, src: p.src, vlans: p.vlans, etherType });
  const ipOffset = o;
  const proto = transportProtocol(s);
  let dstOffset = 0;
  if (p.ipVersion === 4) {
    const v = s.ipv4!;
    const f: Writable<Ipv4Fields> = {
      src: p.ipSrc!,
      dst: p.ipDst!,
      protocol: v.protocol ?? proto,
      payloadLength: p.ipPayloadLength,
      dscp: v.dscp ?? 0,
      ecn: v.ecn ?? 0,
      id: v.id ?? 0,
      dontFragment: v.dontFragment ?? s.nvgre !== undefined,
      moreFragments: v.moreFragments ?? false,
      fragmentOffset: v.fragmentOffset ?? 0,
      ttl: v.ttl ?? 64,
      checksum: 0, // filled below, once the payload is in place
    };
    if (v.totalLength !== undefined) f.totalLength = v.totalLength;
    if (p.ipv4Options) f.options = p.ipv4Options;
    writeIpv4(t, o, f);
    dstOffset = o + IPV4.DST;
    o += p.ipHeaderLength;
  } else if (p.ipVersion === 6) {
    const v = s.ipv6!;
    const first = p.extTypes[0] ?? v.protocol ?? proto;
    writeIpv6(t, o, {
      src: p.ipSrc!,
      dst: p.ipDst!,
      nextHeader: first,
      payloadLength: v.payloadLength ?? p.ipPayloadLength,
      dscp: v.dscp ?? 0,
      ecn: v.ecn ?? 0,
      flowLabel: v.flowLabel ?? 0,
      hopLimit: v.hopLimit ?? 64,
    });
    dstOffset = o + IPV6.DST;
    let e = o + IPV6.HEADER_LENGTH;
    for (let i = 0; i < p.extensions.length; i++) {
      const x = p.extensions[i]!;
      t.set(x, e);
      t[e] = p.extTypes[i + 1] ?? v.protocol ?? proto;
      if (p.extTypes[i] === IpProtocol.IPV6_ROUTING && x[IPV6_EXT.SEGMENTS_LEFT] !== 0 && x.length >= 24) {
        const rt = x[IPV6_EXT.ROUTING_TYPE];
        const n = (x.length - IPV6_EXT.ROUTING_ADDRESSES) / 16;
        if (rt === RoutingType.SOURCE_ROUTE || rt === RoutingType.MOBILE_IPV6) dstOffset = e + IPV6_EXT.ROUTING_ADDRESSES + (n - 1) * 16;
        else if (rt === RoutingType.SEGMENT_ROUTING) dstOffset = e + IPV6_EXT.ROUTING_ADDRESSES;
      }
      e += x.length;
    }
    o += p.ipHeaderLength;
  }
  const l4 = o;
  if (s.nvgre) {
    const n = s.nvgre;
    const innerPlan = p.inner!;
    const gLen = p.greLength;
    // Inner first, so flow hashing and the GRE checksum see the finished inner frame (gopacket: inside out).
    writePlan(t, l4 + gLen, innerPlan);
    let flowId: number;
    if (typeof n.flowId === 'number') flowId = n.flowId;
    else if (n.keyLayout === 'low24') flowId = 0;
    else flowId = foldFlowId(innerFlowHash(t, l4 + gLen, l4 + gLen + innerPlan.length));
    const g: Writable<GreFields> = { protocol: n.protocol ?? EtherType.TEB, version: n.version ?? 0, extraFlags: n.extraFlags ?? 0 };
    if (n.keyPresent !== false) g.key = n.key ?? keyFor(n.vsid, flowId & 0xff, n.keyLayout ?? 'rfc7637');
    if (hasGreChecksum(n)) g.checksum = typeof n.checksum === 'number' ? n.checksum : 0;
    if (n.sequence !== undefined) g.sequence = n.sequence;
    writeGre(t, l4, g);
    if (n.checksum === true && fill) put16(t, l4 + GRE.BASE_LENGTH, internetChecksum(t, l4, gLen + innerPlan.length));
  } else {
    let h = 0;
    if (s.tcp) {
      const x = s.tcp;
      const f: Writable<TcpFields> = {
        srcPort: x.srcPort,
        dstPort: x.dstPort,
        seq: x.seq ?? 0,
        ack: x.ack ?? 0,
        flags: x.flags ?? TcpFlag.ACK,
        window: x.window ?? 65535,
        urgentPointer: x.urgentPointer ?? 0,
      };
      if (p.tcpOptions) f.options = p.tcpOptions;
      h = writeTcp(t, l4, f);
    } else if (s.udp) {
      const f: Writable<UdpFields> = { srcPort: s.udp.srcPort, dstPort: s.udp.dstPort, payloadLength: p.payload.length };
      if (s.udp.length !== undefined) f.length = s.udp.length;
      h = writeUdp(t, l4, f);
    } else if (s.icmp) {
      const x = s.icmp;
      h = writeIcmp(t, l4, { type: x.type, code: x.code ?? 0, rest: x.rest ?? (((x.identifier ?? 0) << 16) | (x.sequence ?? 0)) >>> 0 });
    }
    typedArraySet.call(t, p.payload, l4 + h);
    if (h > 0 && p.ipVersion !== 0) {
      const given = s.tcp?.checksum ?? s.udp?.checksum ?? s.icmp?.checksum;
      const field = l4 + (s.tcp ? TCP.CHECKSUM : s.udp ? UDP.CHECKSUM : ICMP.CHECKSUM);
      if (given !== undefined) put16(t, field, given);
      else if (fill && !isFragmentSpec(s)) {
        put16(t, field, computeTransportChecksum(t, p.ipVersion, ipOffset, dstOffset, proto, l4, p.l4Length));
      }
    }
  }
  if (p.ipVersion === 4) {
    const given = s.ipv4!.checksum;
    if (given !== undefined) put16(t, ipOffset + IPV4.CHECKSUM, given);
    else if (fill) fillIpv4Checksum(t, ipOffset, p.ipHeaderLength);
  }
}

/**
 * Builds a frame from a declarative spec. Lengths and checksums are filled unless a value is given
 * (`totalLength`, `payloadLength`, `length`, `checksum`) or `fillChecksums: false`, so deliberately
 * broken frames can be crafted. Throws `INVALID_ARGUMENT` naming the spec path on a bad spec.
 */
export function buildFrame(spec: FrameSpec): Uint8Array {
  checkFrameSpec(spec);
  const plan = planFrame(spec, 'spec', 0);
  const out = new Uint8Array(plan.length);
  writePlan(out, 0, plan);
  return out;
}

/**
 * Like {@link buildFrame}, but writes the frame into `target` at `offset` instead of allocating one,
 * and returns its length: for packet generators that fill a transmit buffer (allocating a fresh
 * array is most of buildFrame's cost). Every byte of the frame is written (the range is zeroed
 * first); nothing outside it is touched. Throws `NO_SPACE` before writing anything when the frame
 * does not fit, and what buildFrame throws for a bad spec. Byte arrays in the spec (payload,
 * options) must not overlap the range written.
 */
export function buildFrameInto(spec: FrameSpec, target: Uint8Array, offset = 0): number {
  assertBytes(target, 'target');
  assertInt(offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
  checkFrameSpec(spec);
  const plan = planFrame(spec, 'spec', 0);
  if (offset + plan.length > target.length) throw noSpace(target.length, offset, plan.length);
  target.fill(0, offset, offset + plan.length);
  writePlan(target, offset, plan);
  return plan.length;
}
