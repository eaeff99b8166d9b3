/**
 * One walk from the outer Ethernet header to the innermost transport header that records offsets
 * into a reusable {@link FrameLayout} (no allocation per frame). Offload, lint and the CLI work from
 * these offsets instead of re-parsing (as Linux and DPDK GSO do: offsets come from a precomputed layout).
 */
import { u16 } from './bytes.js';
import { truncated } from './errors.js';
import { ETH, EtherType, ethernetHeaderLength } from './ethernet.js';
import { GRE, greHeaderLength } from './gre.js';
import { IPV4, IpProtocol, checkIpv4, isIpv4Fragment } from './ipv4.js';
import { IPV6, checkIpv6, newIpv6Chain, walkIpv6 } from './ipv6.js';

/** Where one IP header sits, and what follows it. */
export class IpLayout {
  /** 0 when there is no IP header at this level. */
  version: 0 | 4 | 6 = 0;
  offset = 0;
  /** IPv4: IHL·4; IPv6: 40 + extension headers up to the upper-layer header. */
  headerLength = 0;
  /** End of the datagram (Total Length / Payload Length), never past the frame. */
  end = 0;
  /** Upper-layer protocol (after IPv6 extension headers). */
  protocol = 0;
  /** Offset of the upper-layer header (offset + headerLength); -1 for a non-first fragment. */
  upperOffset = 0;
  /** MF set or offset ≠ 0 (IPv4), or a Fragment header (IPv6). */
  fragment = false;
  /** Offset of the destination address the pseudo-header uses (IPv6 final destination). */
  dstOffset = 0;
  /** IPv6: bytes of extension headers. */
  extensionLength = 0;

  reset(): void {
    this.version = 0;
    this.offset = this.headerLength = this.end = this.protocol = this.upperOffset = this.dstOffset = this.extensionLength = 0;
    this.fragment = false;
  }
}

export class FrameLayout {
  /** First byte of the frame (offsets below are absolute in the same array). */
  start = 0;
  /** End of the captured bytes. */
  end = 0;
  outerEthernetLength = 0;
  outerVlanCount = 0;
  outerEtherType = 0;
  /** The outer IP header (for a plain frame: the only one). */
  readonly outerIp = new IpLayout();
  /** True when the frame is NVGRE (conformant GRE, or lenient C/S words). */
  encapsulated = false;
  greOffset = -1;
  greLength = 0;
  greFlags = 0;
  key = 0;
  innerEthernetOffset = -1;
  innerEthernetLength = 0;
  innerVlanCount = 0;
  innerEtherType = 0;
  /** End of the inner frame (= outer IP datagram end). */
  innerEnd = 0;
  readonly innerIp = new IpLayout();
  /** The IP header that carries the transport (inner when encapsulated, else outer); version 0 if none. */
  transportIp: IpLayout = this.outerIp;
  /** Transport protocol number and offset; offset -1 when absent (not IP, non-first fragment). */
  transportProtocol = -1;
  transportOffset = -1;
  /** End of the transport segment (= its IP datagram end). */
  transportEnd = 0;

  reset(): void {
    this.outerIp.reset();
    this.innerIp.reset();
    this.encapsulated = false;
    this.greOffset = this.innerEthernetOffset = this.transportOffset = this.transportProtocol = -1;
    this.greLength = this.greFlags = this.key = this.innerEthernetLength = this.innerVlanCount = this.innerEtherType = 0;
    this.innerEnd = this.transportEnd = this.outerVlanCount = this.outerEtherType = this.outerEthernetLength = 0;
    this.transportIp = this.outerIp;
  }
}

export interface WalkOptions {
  /** Treat GRE with C and/or S words (RFC 2890 offsets) as NVGRE too. Default false. */
  readonly lenient?: boolean;
}

const chain = newIpv6Chain();

/** Walks an IP header of either version into `ip`; returns false when the EtherType is not IP. */
function walkIp(bytes: Uint8Array, etherType: number, o: number, end: number, ip: IpLayout, inner: boolean): boolean {
  if (etherType === EtherType.IPV4) {
    const layer = inner ? 'inner-ipv4' : 'outer-ipv4';
    const hl = checkIpv4(bytes, o, end, layer);
    ip.version = 4;
    ip.offset = o;
    ip.headerLength = hl;
    ip.end = o + u16(bytes, o + IPV4.TOTAL_LENGTH);
    ip.protocol = bytes[o + IPV4.PROTOCOL]!;
    ip.fragment = isIpv4Fragment(bytes, o);
    const firstFragment = (u16(bytes, o + IPV4.FLAGS_FRAGMENT) & IPV4.FRAGMENT_OFFSET_MASK) === 0;
    ip.upperOffset = firstFragment ? o + hl : -1;
    ip.dstOffset = o + IPV4.DST;
    ip.extensionLength = 0;
    return true;
  }
  if (etherType === EtherType.IPV6) {
    const layer = inner ? 'inner-ipv6' : 'outer-ipv6';
    const dgEnd = checkIpv6(bytes, o, end, layer);
    walkIpv6(bytes, o, dgEnd, layer, chain);
    ip.version = 6;
    ip.offset = o;
    ip.end = dgEnd;
    ip.protocol = chain.upperProtocol;
    ip.upperOffset = chain.upperOffset;
    ip.headerLength = IPV6.HEADER_LENGTH + chain.extensionLength;
    ip.fragment = chain.fragmentOffset >= 0;
    ip.dstOffset = chain.finalDestinationOffset;
    ip.extensionLength = chain.extensionLength;
    return true;
  }
  return false;
}

/** True when the GRE flag word and protocol describe NVGRE (RFC 7637 §3.2); lenient also allows C and S. */
export function isNvgreGre(flags: number, protocol: number, lenient: boolean): boolean {
  if ((flags & GRE.VERSION_MASK) !== 0 || (flags & (GRE.FLAG_R | GRE.RESERVED0_DISCARD)) !== 0) return false;
  if ((flags & GRE.FLAG_K) === 0 || protocol !== EtherType.TEB) return false;
  return lenient || (flags & (GRE.FLAG_C | GRE.FLAG_S)) === 0;
}

/**
 * Fills `layout` for the frame `bytes[start, end)`. Throws `NvgreError` (`TRUNCATED`, `BAD_IP_HEADER`,
 * `BAD_LENGTH`) when a header that is present does not fit; a transport header is not checked here
 * (consumers check its length: a truncated transport is reported, not thrown).
 */
export function walkFrame(bytes: Uint8Array, layout: FrameLayout, start = 0, end = bytes.length, options?: WalkOptions): FrameLayout {
  layout.reset();
  layout.start = start;
  layout.end = end;
  const ethLen = ethernetHeaderLength(bytes, start, end, 'outer-ethernet');
  layout.outerEthernetLength = ethLen;
  layout.outerVlanCount = (ethLen - ETH.HEADER_LENGTH) / ETH.TAG_LENGTH;
  layout.outerEtherType = u16(bytes, start + ethLen - 2);
  const outer = layout.outerIp;
  if (!walkIp(bytes, layout.outerEtherType, start + ethLen, end, outer, false)) return layout;
  layout.transportIp = outer;
  if (outer.protocol === IpProtocol.GRE && !outer.fragment) {
    const g = outer.upperOffset;
    if (outer.end - g >= GRE.BASE_LENGTH) {
      const flags = u16(bytes, g);
      const hl = greHeaderLength(flags);
      if (isNvgreGre(flags, u16(bytes, g + GRE.PROTOCOL), options?.lenient === true)) {
        if (outer.end - g < hl) throw truncated('gre', g, hl, outer.end - g, 'GRE header with the optional words its flags announce');
        layout.encapsulated = true;
        layout.greOffset = g;
        layout.greLength = hl;
        layout.greFlags = flags;
        const keyOffset = g + GRE.BASE_LENGTH + ((flags & GRE.FLAG_C) !== 0 ? GRE.OPTION_LENGTH : 0);
        layout.key = ((bytes[keyOffset]! << 24) | (bytes[keyOffset + 1]! << 16) | (bytes[keyOffset + 2]! << 8) | bytes[keyOffset + 3]!) >>> 0;
        const ie = g + hl;
        layout.innerEthernetOffset = ie;
        layout.innerEnd = outer.end;
        const innerEthLen = ethernetHeaderLength(bytes, ie, outer.end, 'inner-ethernet');
        layout.innerEthernetLength = innerEthLen;
        layout.innerVlanCount = (innerEthLen - ETH.HEADER_LENGTH) / ETH.TAG_LENGTH;
        layout.innerEtherType = u16(bytes, ie + innerEthLen - 2);
        if (!walkIp(bytes, layout.innerEtherType, ie + innerEthLen, outer.end, layout.innerIp, true)) {
          layout.transportIp = layout.innerIp;
          return layout;
        }
        layout.transportIp = layout.innerIp;
      }
    }
  }
  const tip = layout.transportIp;
  if (tip.upperOffset >= 0) {
    layout.transportProtocol = tip.protocol;
    layout.transportOffset = tip.upperOffset;
    layout.transportEnd = tip.end;
  }
  return layout;
}
