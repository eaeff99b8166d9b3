/**
 * NVGRE conformance linter: every way a frame departs from RFC 7637 (and the GRE, IP and transport
 * rules it inherits), as a list of findings a network engineer can act on. Each finding names the
 * rule (RFC section), the layer and the byte offset of the field.
 *
 * Severity: `error` — a conformant receiver (the NVE, or the inner destination for inner checksums)
 * drops the frame; `warning` — delivered, but non-conformant or likely to break on some path or peer;
 * `info` — worth knowing (no ECMP entropy, not NVGRE at all, ...).
 *
 * The linter walks the bytes itself (it must keep going where the decoder stops) and never throws on
 * any input bytes: a frame cut short yields a `TRUNCATED` finding and the fields before the cut are
 * still checked.
 */
import { assertBytes, assertInt, u16, u32 } from '../wire/bytes.js';
import { onesComplementSum } from '../wire/checksum.js';
import { ETH, EtherType, isVlanTpid } from '../wire/ethernet.js';
import { GRE, greHeaderLength } from '../wire/gre.js';
import { ICMP_MIN_LENGTH } from '../wire/icmp.js';
import { IPV4, IpProtocol } from '../wire/ipv4.js';
import { IPV6, newIpv6Chain, walkIpv6 } from '../wire/ipv6.js';
import { TCP, checkTcp } from '../wire/tcp.js';
import { transportChecksumValid } from '../wire/transport.js';
import { UDP, checkUdp } from '../wire/udp.js';
import { NvgreError, truncated } from '../wire/errors.js';
import { innerMtu } from '../tunnel/template.js';
import { LINT_SEVERITY, LintCode, type Finding, type LintOptions } from './lint-codes.js';
import { checkKey } from './lint-key.js';
import { claimsNvgre, greKindName } from './gre-kind.js';

export { LINT_SEVERITY, LintCode } from './lint-codes.js';
export type { Finding, LintOptions, LintSeverity } from './lint-codes.js';

/** `outer-ipv4` → `outer IPv4` for messages. */
function pretty(layer: string): string {
  return layer
    .replace('-', ' ')
    .replace(/ipv([46])/, 'IPv$1')
    .replace(/^(tcp|udp)$/, (m) => m.toUpperCase())
    .replace(/icmpv([46])/, (_m, v: string) => (v === '6' ? 'ICMPv6' : 'ICMP'))
    .replace('gre', 'GRE')
    .replace('ethernet', 'Ethernet');
}

const hex = (v: number, digits: number): string => '0x' + v.toString(16).padStart(digits, '0');

const RFC_OF_LAYER: Readonly<Record<string, string>> = { ipv4: 'RFC 791 §3.1', ipv6: 'RFC 8200 §4', tcp: 'RFC 9293 §3.1', udp: 'RFC 768' };

/** Per-call state: the findings so far and whether a truncation was already reported. */
class Ctx {
  readonly findings: Finding[] = [];
  /** Set once the frame is known to be cut short: later layers stop quietly, L4 sums are not verified. */
  cut = false;
  constructor(
    readonly bytes: Uint8Array,
    readonly options: LintOptions,
    readonly maxDepth: number,
  ) {}

  add(code: LintCode, layer: string, offset: number, rfc: string, message: string): void {
    this.findings.push({ code, severity: LINT_SEVERITY[code], layer, offset, rfc, message });
  }

  /** Turns a codec error (a header that does not fit or is malformed) into a finding. */
  fromError(e: unknown): void {
    if (!(e instanceof NvgreError)) throw e;
    if (e.code === 'TRUNCATED') {
      if (!this.cut) {
        this.add(
          LintCode.TRUNCATED,
          e.layer,
          e.offset,
          'none (structure)',
          `The ${pretty(e.layer)} header at offset ${e.offset} needs ${e.needed ?? '?'} bytes but only ${e.available ?? '?'} are present: ` +
            'the frame was cut short (capture snaplen?) or a length field is wrong; recapture with a larger snaplen (-s 0) to check the rest.',
        );
      }
      this.cut = true;
      return;
    }
    const code = e.code === 'BAD_LENGTH' ? LintCode.BAD_LENGTH : LintCode.BAD_IP_HEADER;
    const rfc = RFC_OF_LAYER[e.layer.replace(/^(outer|inner)-/, '')] ?? 'none (structure)';
    const what = e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '');
    this.add(code, e.layer, e.offset, rfc, `${what.charAt(0).toUpperCase()}${what.slice(1)}: the ${pretty(e.layer)} header is malformed, so receivers discard the frame.`);
    this.cut = true;
  }
}

/** What an IP header walk found (module-level chain reused: no allocation per IPv6 header). */
interface IpInfo {
  version: 4 | 6;
  offset: number;
  /** End of the datagram within the captured bytes. */
  end: number;
  /** The datagram's claimed end is past the captured bytes. */
  cut: boolean;
  protocol: number;
  upper: number;
  fragment: boolean;
  dstOffset: number;
  /** IPv4 total length / 40 + IPv6 payload length. */
  length: number;
}

const chain = newIpv6Chain();

/**
 * Walks the IP header at `o`; reports malformed/truncated headers. Returns null when nothing more
 * can be checked. A datagram claimed longer than the captured bytes is walked up to the cut (its
 * headers are still checked) and flagged `cut`.
 */
function walkIp(ctx: Ctx, et: number, o: number, end: number, inner: boolean): IpInfo | null {
  const b = ctx.bytes;
  const side = inner ? 'inner' : 'outer';
  try {
    if (et === EtherType.IPV4) {
      const layer = `${side}-ipv4`;
      if (end - o < IPV4.MIN_HEADER_LENGTH) throw truncated(layer, o, IPV4.MIN_HEADER_LENGTH, end - o, 'IPv4 header');
      // checkIpv4's rules, except that a datagram longer than the capture is walked up to the cut.
      const version = b[o]! >>> 4;
      const hl = (b[o]! & 0x0f) * 4;
      if (version !== 4) throw new NvgreError('BAD_IP_HEADER', layer, o, `IP version is ${version}, expected 4 for EtherType 0x0800`);
      if (hl < IPV4.MIN_HEADER_LENGTH) throw new NvgreError('BAD_IP_HEADER', layer, o, `IPv4 IHL is ${hl / 4} (${hl} bytes); the minimum is 5 (20 bytes)`);
      if (end - o < hl) throw truncated(layer, o, hl, end - o, 'IPv4 header with options');
      const length = u16(b, o + IPV4.TOTAL_LENGTH);
      if (length < hl) throw new NvgreError('BAD_LENGTH', layer, o + IPV4.TOTAL_LENGTH, `IPv4 Total Length ${length} is smaller than the ${hl}-byte header`);
      const ff = u16(b, o + IPV4.FLAGS_FRAGMENT);
      return {
        version: 4,
        offset: o,
        end: Math.min(o + length, end),
        cut: o + length > end,
        protocol: b[o + IPV4.PROTOCOL]!,
        upper: (ff & IPV4.FRAGMENT_OFFSET_MASK) === 0 ? o + hl : -1,
        fragment: (ff & (IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK)) !== 0,
        dstOffset: o + IPV4.DST,
        length,
      };
    }
    if (et === EtherType.IPV6) {
      const layer = `${side}-ipv6`;
      if (end - o < IPV6.HEADER_LENGTH) throw truncated(layer, o, IPV6.HEADER_LENGTH, end - o, 'IPv6 header');
      const length = IPV6.HEADER_LENGTH + u16(b, o + IPV6.PAYLOAD_LENGTH);
      const version = b[o]! >>> 4;
      if (version !== 6) throw new NvgreError('BAD_IP_HEADER', layer, o, `IP version is ${version}, expected 6 for EtherType 0x86DD`);
      const dgEnd = Math.min(end, o + length);
      try {
        walkIpv6(b, o, dgEnd, layer, chain);
      } catch (e) {
        // A malformed chain in a datagram that is also cut: a receiver drops it for the cut first
        // (wire/ipv6.ts checkIpv6, before the chain), so the cut is reported beside the chain's error.
        if (o + length > end) reportCut(ctx, { version: 6, offset: o, end: dgEnd, cut: true, protocol: 0, upper: -1, fragment: false, dstOffset: o + IPV6.DST, length }, layer);
        throw e;
      }
      return {
        version: 6,
        offset: o,
        end: dgEnd,
        cut: o + length > end,
        protocol: chain.upperProtocol,
        upper: chain.upperOffset,
        fragment: chain.fragmentOffset >= 0,
        dstOffset: chain.finalDestinationOffset,
        length,
      };
    }
  } catch (e) {
    ctx.fromError(e);
  }
  return null;
}

/** Reports the cut of a datagram claimed longer than the captured bytes (once per frame). */
function reportCut(ctx: Ctx, ip: IpInfo, layer: string): void {
  if (!ip.cut || ctx.cut) return;
  ctx.cut = true;
  ctx.add(
    LintCode.TRUNCATED,
    layer,
    ip.offset,
    'none (structure)',
    `The ${pretty(layer)} datagram claims ${ip.length} bytes but the capture holds only ${ip.end - ip.offset}: the frame was cut short ` +
      '(capture snaplen?); headers before the cut were checked, checksums covering the missing bytes were not.',
  );
}

/** IPv4 header checksum, TTL/Hop Limit and (outermost level) DF, fragment and MTU. */
function checkDelivery(ctx: Ctx, ip: IpInfo, outermost: boolean, carriesGre: boolean): void {
  const b = ctx.bytes;
  const o = ip.offset;
  const layer = `${outermost ? 'outer' : 'inner'}-ipv${ip.version}`;
  if (ip.version === 4) {
    const hl = (b[o]! & 0x0f) * 4;
    if (onesComplementSum(b, o, hl) !== 0xffff) {
      const code = outermost ? LintCode.OUTER_IPV4_CHECKSUM : LintCode.INNER_IPV4_CHECKSUM;
      const stored = u16(b, o + IPV4.CHECKSUM);
      ctx.add(
        code,
        layer,
        o + IPV4.CHECKSUM,
        outermost ? 'RFC 1122 §3.2.1.2' : 'RFC 791 §3.1',
        `The ${outermost ? 'outer' : 'inner'} IPv4 header checksum ${hex(stored, 4)} does not verify, so ${
          outermost ? 'the decapsulating NVE' : 'the inner destination host'
        } discards the packet; ${
          stored === 0 ? 'a 0x0000 field usually means a capture taken before checksum offload filled it' : 'recompute it (nvgre checksum --fill)'
        }.`,
      );
    }
  }
  if (!outermost || !carriesGre) return;
  const ttl = ip.version === 4 ? b[o + IPV4.TTL]! : b[o + IPV6.HOP_LIMIT]!;
  const ttlName = ip.version === 4 ? 'TTL' : 'Hop Limit';
  const ttlRfc = ip.version === 4 ? 'RFC 1122 §3.2.1.7' : 'RFC 8200 §3';
  const ttlOffset = o + (ip.version === 4 ? IPV4.TTL : IPV6.HOP_LIMIT);
  if (ttl === 0) {
    ctx.add(LintCode.TTL_ZERO, layer, ttlOffset, ttlRfc, `The outer ${ttlName} is 0: a host must not send that and every router discards it; set the encapsulator's TTL (default 64).`);
  } else if (ttl === 1) {
    ctx.add(LintCode.TTL_ONE, layer, ttlOffset, ttlRfc, `The outer ${ttlName} is 1: the packet reaches only NVEs on the same link and dies at the first router of the underlay.`);
  }
  if (ip.fragment) {
    ctx.add(
      LintCode.OUTER_FRAGMENT,
      layer,
      ip.version === 4 ? o + IPV4.FLAGS_FRAGMENT : o + IPV6.HEADER_LENGTH,
      'RFC 7637 §4.4',
      'The outer IP packet is a fragment: NVGRE senders must not fragment and receivers may discard fragments; raise the underlay MTU or lower the inner MTU (nvgre decode --reassemble reads it anyway).',
    );
  } else if (ip.version === 4 && (u16(b, o + IPV4.FLAGS_FRAGMENT) & IPV4.FLAG_DF) === 0) {
    ctx.add(
      LintCode.DF_CLEAR,
      layer,
      o + IPV4.FLAGS_FRAGMENT,
      'RFC 7637 §4.4',
      'The outer IPv4 DF bit is clear, so an underlay router may fragment this NVGRE packet, which RFC 7637 forbids; set DF (the library default).',
    );
  }
  const mtu = ctx.options.mtu;
  if (mtu !== undefined && ip.length > mtu) {
    ctx.add(
      LintCode.MTU_EXCEEDED,
      layer,
      ip.version === 4 ? o + IPV4.TOTAL_LENGTH : o + IPV6.PAYLOAD_LENGTH,
      'RFC 7637 §4.4',
      `The outer IP packet is ${ip.length} bytes, over the ${mtu}-byte underlay MTU, and NVGRE packets must not be fragmented; ` +
        `limit inner IP packets to ${innerMtu(mtu, ip.version)} bytes or raise the underlay MTU by ${ip.length - mtu}.`,
    );
  }
}

/** The GRE header at `g` (the datagram ends at `end`). Returns where the inner frame starts, or -1 to stop. */
function checkGre(ctx: Ctx, g: number, end: number, ipCut: boolean, depth: number): number {
  const b = ctx.bytes;
  if (end - g < GRE.BASE_LENGTH) {
    ctx.fromError(new NvgreError('TRUNCATED', 'gre', g, '', { needed: GRE.BASE_LENGTH, available: end - g }));
    return -1;
  }
  const flags = u16(b, g);
  const protocol = u16(b, g + GRE.PROTOCOL);
  const version = flags & GRE.VERSION_MASK;
  if (version !== 0) {
    ctx.add(
      LintCode.GRE_VERSION,
      'gre',
      g,
      'RFC 2784 §2.3.1',
      `The GRE version is ${version}${version === 1 ? ' (enhanced GRE, PPTP)' : ''}, not 0: this is not NVGRE and an NVGRE endpoint discards it.`,
    );
  }
  if ((flags & (GRE.FLAG_R | GRE.RESERVED0_DISCARD)) !== 0) {
    ctx.add(
      LintCode.GRE_RESERVED_BITS,
      'gre',
      g,
      'RFC 2784 §2.3',
      `GRE flag bits 1, 4 or 5 are set (flags ${hex(flags, 4)}): RFC 2784 receivers must discard the packet; the sender has to clear them.`,
    );
  }
  if ((flags & GRE.RESERVED0_IGNORE) !== 0) {
    ctx.add(
      LintCode.GRE_RESERVED_IGNORED_BITS,
      'gre',
      g,
      'RFC 2784 §2.3',
      `GRE Reserved0 bits 6–12 are set (flags ${hex(flags, 4)}): receivers ignore them, but senders must send 0; fix the encapsulator.`,
    );
  }
  if (protocol !== EtherType.TEB) {
    ctx.add(
      LintCode.NOT_TEB,
      'gre',
      g + GRE.PROTOCOL,
      'RFC 7637 §3.2',
      `The GRE protocol type is ${hex(protocol, 4)}, not 0x6558 (Transparent Ethernet Bridging): this GRE packet is not NVGRE and an NVGRE endpoint discards it.`,
    );
  }
  if ((flags & GRE.FLAG_C) !== 0) {
    ctx.add(
      LintCode.GRE_CHECKSUM_PRESENT,
      'gre',
      g,
      'RFC 7637 §3.2',
      'The GRE C bit is set: NVGRE forbids the checksum word, so a conformant NVGRE endpoint drops the packet; configure the tunnel without GRE checksums.',
    );
  }
  if ((flags & GRE.FLAG_S) !== 0) {
    ctx.add(
      LintCode.GRE_SEQUENCE_PRESENT,
      'gre',
      g,
      'RFC 7637 §3.2',
      'The GRE S bit is set: NVGRE forbids the sequence number word, so a conformant NVGRE endpoint drops the packet; turn off GRE sequencing on the sender.',
    );
  }
  const keyPresent = (flags & GRE.FLAG_K) !== 0;
  if (!keyPresent && protocol === EtherType.TEB) {
    ctx.add(
      LintCode.NO_KEY,
      'gre',
      g,
      'RFC 7637 §3.2',
      'The GRE K bit is clear: Ethernet over GRE without a key carries no VSID (plain gretap), so an NVGRE endpoint cannot place it and discards it.',
    );
  }
  const hl = greHeaderLength(flags);
  if (end - g < hl) {
    ctx.fromError(new NvgreError('TRUNCATED', 'gre', g, '', { needed: hl, available: end - g }));
    return -1;
  }
  const checksumPresent = (flags & GRE.FLAG_C) !== 0;
  if (checksumPresent && !ipCut && onesComplementSum(b, g, end - g) !== 0xffff) {
    ctx.add(
      LintCode.GRE_CHECKSUM_BAD,
      'gre',
      g + GRE.BASE_LENGTH,
      'RFC 2784 §2.5',
      `The GRE checksum ${hex(u16(b, g + GRE.BASE_LENGTH), 4)} does not verify over the GRE header and payload, so any receiver that accepts the C bit discards the packet.`,
    );
  }
  if (protocol !== EtherType.TEB) return -1;
  if (keyPresent) {
    const keyOffset = g + GRE.BASE_LENGTH + (checksumPresent ? GRE.OPTION_LENGTH : 0);
    checkKey(ctx, u32(b, keyOffset), keyOffset);
  }
  if (depth > 0) {
    ctx.add(
      LintCode.NESTED_NVGRE,
      'gre',
      g,
      'RFC 7637 §3.2',
      `This NVGRE packet is itself carried inside NVGRE (nesting level ${depth + 1}): legal, but most NVEs decapsulate only one level and ECMP sees only the outer key.`,
    );
  }
  // Only a GRE version 0 payload is an inner Ethernet frame (as the NVE reads it, docs/nvgre.md §4):
  // another version is reported above and not walked into.
  return version === 0 ? g + hl : -1;
}

/** Inner 802.1Q / 802.1ad tags (RFC 7637 §3.3). Returns the EtherType offset after the tags, or -1. */
function checkInnerEthernet(ctx: Ctx, o: number, end: number): number {
  const b = ctx.bytes;
  if (end - o < ETH.HEADER_LENGTH) {
    ctx.fromError(new NvgreError('TRUNCATED', 'inner-ethernet', o, '', { needed: ETH.HEADER_LENGTH, available: end - o }));
    return -1;
  }
  let t = o + ETH.TYPE;
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(u16(b, t)); tags++) {
    const tpid = u16(b, t);
    // The tag is reported as soon as its TPID is there (the NVE drops on the TPID alone), even when
    // the frame ends inside it; -1: the TCI is cut off.
    const tci = end - t >= ETH.TAG_LENGTH ? u16(b, t + 2) : -1;
    const vid = tci & 0x0fff;
    if (tpid === EtherType.VLAN && tci >= 0 && vid === 0) {
      ctx.add(
        LintCode.INNER_PRIORITY_TAG,
        'inner-ethernet',
        t,
        'RFC 7637 §3.3',
        `The inner frame carries an 802.1Q priority tag (VID 0, PCP ${tci >>> 13}), as draft-era NVGRE senders did: RFC 7637 endpoints must drop it; strip the tag before encapsulating.`,
      );
    } else {
      ctx.add(
        LintCode.INNER_VLAN,
        'inner-ethernet',
        t,
        'RFC 7637 §3.3',
        `The inner frame carries an ${tpid === EtherType.VLAN ? '802.1Q' : '802.1ad'} tag (${tci >= 0 ? `VID ${vid}` : 'its VID is cut off'}): the decapsulating NVE must drop it; the encapsulating NVE has to remove the tag first.`,
      );
    }
    if (end - t < ETH.TAG_LENGTH + 2) {
      ctx.fromError(new NvgreError('TRUNCATED', 'inner-ethernet', o, '', { needed: t + ETH.TAG_LENGTH + 2 - o, available: end - o }));
      return -1;
    }
    t += ETH.TAG_LENGTH;
  }
  return t;
}

/** Inner transport checksums (TCP, UDP, ICMPv4, ICMPv6) of the complete datagram `ip`. */
function checkTransport(ctx: Ctx, ip: IpInfo): void {
  const b = ctx.bytes;
  const p = ip.protocol;
  if (p !== IpProtocol.TCP && p !== IpProtocol.UDP && p !== IpProtocol.ICMP && p !== IpProtocol.ICMPV6) return;
  if (ip.fragment) {
    ctx.add(
      LintCode.INNER_FRAGMENT,
      `inner-ipv${ip.version}`,
      ip.offset,
      ip.version === 4 ? 'RFC 791 §3.2' : 'RFC 8200 §4.5',
      'The inner IP packet is a fragment, so its transport checksum can only be verified after the inner host reassembles it.',
    );
    return;
  }
  const o = ip.upper;
  const end = ip.end;
  const fam = ip.version === 4 ? 'IPv4' : 'IPv6';
  try {
    if (p === IpProtocol.TCP) {
      checkTcp(b, o, end, 'tcp');
      if (ctx.cut) return;
      if (!transportChecksumValid(b, ip.version, ip.offset, ip.dstOffset, p, o, end - o)) {
        ctx.add(
          LintCode.INNER_TCP_CHECKSUM,
          'tcp',
          o + TCP.CHECKSUM,
          'RFC 9293 §3.1',
          `The inner TCP checksum ${hex(u16(b, o + TCP.CHECKSUM), 4)} does not verify (over TCP/${fam}), so the inner destination drops the segment; ` +
            'if captured on the sender before Tx checksum offload, this is expected (otherwise run nvgre checksum --fill).',
        );
      }
    } else if (p === IpProtocol.UDP) {
      if (end - o < UDP.HEADER_LENGTH) throw truncated('udp', o, UDP.HEADER_LENGTH, end - o, 'UDP header');
      const stored = u16(b, o + UDP.CHECKSUM);
      if (stored === 0 && ip.version === 6) {
        ctx.add(
          LintCode.IPV6_UDP_ZERO_CHECKSUM,
          'udp',
          o + UDP.CHECKSUM,
          'RFC 8200 §8.1',
          'The inner UDP checksum is 0 over IPv6, where it is mandatory: the inner destination discards the datagram (unless the port uses RFC 6935 zero-checksum mode); compute the checksum.',
        );
      }
      if (ctx.cut) return; // the UDP Length cannot be checked against a cut datagram
      const len = checkUdp(b, o, end, 'udp');
      if (stored === 0) return; // IPv4: no checksum (RFC 768); IPv6: reported above
      if (!transportChecksumValid(b, ip.version, ip.offset, ip.dstOffset, p, o, len)) {
        ctx.add(
          LintCode.INNER_UDP_CHECKSUM,
          'udp',
          o + UDP.CHECKSUM,
          ip.version === 4 ? 'RFC 768' : 'RFC 8200 §8.1',
          `The inner UDP checksum ${hex(stored, 4)} does not verify (over UDP/${fam}), so the inner destination drops the datagram; ` +
            'recompute it (nvgre checksum --fill), remembering that a computed 0 is sent as 0xFFFF.',
        );
      }
    } else {
      const v6 = p === IpProtocol.ICMPV6;
      const layer = v6 ? 'icmpv6' : 'icmpv4';
      if (end - o < ICMP_MIN_LENGTH) {
        ctx.fromError(new NvgreError('TRUNCATED', layer, o, '', { needed: ICMP_MIN_LENGTH, available: end - o }));
        return;
      }
      if (ctx.cut) return;
      if (!transportChecksumValid(b, ip.version, ip.offset, ip.dstOffset, p, o, end - o)) {
        ctx.add(
          LintCode.INNER_ICMP_CHECKSUM,
          layer,
          o + 2,
          v6 ? 'RFC 4443 §2.3' : 'RFC 792',
          `The inner ${v6 ? 'ICMPv6' : 'ICMP'} checksum ${hex(u16(b, o + 2), 4)} does not verify${
            v6 ? ' (it covers the IPv6 pseudo-header)' : ''
          }, so the inner destination drops the message; ICMP has no checksum offload, so the sending host must compute it.`,
        );
      }
    }
  } catch (e) {
    ctx.fromError(e);
  }
}

/** One Ethernet level: the outer frame (depth 0) or an encapsulated one. */
function lintLevel(ctx: Ctx, start: number, end: number, depth: number): void {
  const b = ctx.bytes;
  const outermost = depth === 0;
  let typeOffset: number;
  if (outermost) {
    if (end - start < ETH.HEADER_LENGTH) {
      ctx.fromError(new NvgreError('TRUNCATED', 'outer-ethernet', start, '', { needed: ETH.HEADER_LENGTH, available: end - start }));
      return;
    }
    typeOffset = start + ETH.TYPE;
    for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(u16(b, typeOffset)); tags++) {
      if (end - typeOffset < ETH.TAG_LENGTH + 2) {
        ctx.fromError(new NvgreError('TRUNCATED', 'outer-ethernet', start, '', { needed: typeOffset + ETH.TAG_LENGTH + 2 - start, available: end - start }));
        return;
      }
      typeOffset += ETH.TAG_LENGTH;
    }
  } else {
    typeOffset = checkInnerEthernet(ctx, start, end);
    if (typeOffset < 0) return;
  }
  const et = u16(b, typeOffset);
  const ip = walkIp(ctx, et, typeOffset + 2, end, !outermost);
  if (ip === null) {
    if (outermost && et !== EtherType.IPV4 && et !== EtherType.IPV6 && !ctx.cut) {
      ctx.add(
        LintCode.NOT_NVGRE,
        'outer-ethernet',
        typeOffset,
        'RFC 7637 §3.2',
        `Not an NVGRE frame: the outer EtherType is ${hex(et, 4)}, and NVGRE needs an IPv4 or IPv6 delivery header.`,
      );
    }
    return;
  }
  const layer = `${outermost ? 'outer' : 'inner'}-ipv${ip.version}`;
  reportCut(ctx, ip, layer);
  const carriesGre = ip.protocol === IpProtocol.GRE;
  if (carriesGre && ctx.options.nvgreOnly === true && ip.upper >= 0 && ip.end - ip.upper >= GRE.BASE_LENGTH && !claimsNvgre(u16(b, ip.upper + GRE.PROTOCOL))) {
    // Ordinary GRE (IPv4-in-GRE, PPTP, ERSPAN, ...) is not judged as NVGRE: the outer header is checked
    // like any non-NVGRE packet's and the frame gets one info finding (inside NVGRE it is VM payload).
    checkDelivery(ctx, ip, outermost, false);
    if (outermost) {
      const kind = greKindName(u16(b, ip.upper), u16(b, ip.upper + GRE.PROTOCOL));
      ctx.add(LintCode.NOT_NVGRE, 'gre', ip.upper + GRE.PROTOCOL, 'RFC 7637 §3.2', `Not an NVGRE frame: ${kind}, not judged as NVGRE (only GRE protocol 0x6558 is; lint --all-gre judges every GRE packet).`);
    }
    return;
  }
  checkDelivery(ctx, ip, outermost, carriesGre);
  if (!carriesGre) {
    if (outermost) {
      ctx.add(
        LintCode.NOT_NVGRE,
        layer,
        ip.version === 4 ? ip.offset + IPV4.PROTOCOL : ip.offset + IPV6.NEXT_HEADER,
        'RFC 7637 §3.2',
        `Not an NVGRE frame: the outer IP packet carries protocol ${ip.protocol}, not GRE (47).`,
      );
    } else {
      checkTransport(ctx, ip);
    }
    return;
  }
  if (ip.upper < 0) return; // a non-first fragment: no GRE header in this packet (reported as OUTER_FRAGMENT)
  if (depth >= ctx.maxDepth) {
    ctx.add(
      LintCode.NESTING_LIMIT,
      'gre',
      ip.upper,
      'docs/nvgre.md §4 row 14 (CVE-2016-8666)',
      `Ethernet-in-GRE is nested more than ${ctx.maxDepth} levels deep: decoders stop here to bound work on hostile input; no real deployment nests this deep.`,
    );
    return;
  }
  const inner = checkGre(ctx, ip.upper, ip.end, ip.cut, depth);
  if (inner < 0) return;
  if (ip.fragment) {
    // A first fragment holds only the start of the inner frame: its Ethernet header is judged, as the
    // NVE judges it (docs/nvgre.md §4 rows 1 and 13), and nothing after it.
    checkInnerEthernet(ctx, inner, ip.end);
    return;
  }
  lintLevel(ctx, inner, ip.end, depth + 1);
}

/**
 * Lints one frame (starting at its outer Ethernet header, no FCS) against RFC 7637 and the rules it
 * inherits. Never throws on any bytes; findings are sorted by byte offset. Throws `TypeError` /
 * `RangeError` only for a bad argument.
 */
export function lint(frame: Uint8Array, options?: LintOptions): Finding[] {
  assertBytes(frame, 'frame');
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  if (options?.keyLayout !== undefined && options.keyLayout !== 'rfc7637' && options.keyLayout !== 'low24') {
    throw new TypeError(`options.keyLayout must be 'rfc7637' or 'low24', got ${String(options.keyLayout)}`);
  }
  if (options?.legacyKeyView !== undefined && typeof options.legacyKeyView !== 'boolean') {
    throw new TypeError(`options.legacyKeyView must be a boolean, got ${typeof options.legacyKeyView}`);
  }
  if (options?.nvgreOnly !== undefined && typeof options.nvgreOnly !== 'boolean') {
    throw new TypeError(`options.nvgreOnly must be a boolean, got ${typeof options.nvgreOnly}`);
  }
  const opts = options ?? {};
  if (opts.mtu !== undefined) assertInt(opts.mtu, 'options.mtu', 68, 0xffffffff);
  const maxDepth = opts.maxDepth ?? 4;
  assertInt(maxDepth, 'options.maxDepth', 1, 64);
  const ctx = new Ctx(frame, opts, maxDepth);
  try {
    lintLevel(ctx, 0, frame.length, 0);
  } catch (e) {
    // Unreachable by design (every codec error is converted above); kept so lint keeps its promise.
    ctx.add(LintCode.BAD_IP_HEADER, 'frame', 0, 'none', `The linter could not walk this frame (${String(e)}); please report it with the frame's hex dump.`);
  }
  // Array.prototype.sort is stable: findings at the same offset keep the order the rules ran in.
  return ctx.findings.sort((x, y) => x.offset - y.offset);
}
