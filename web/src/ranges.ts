/**
 * The bytes each field of the field tree covers. The library's tree gives each layer its byte range;
 * the fields inside a layer are placed here from the header field maps the library exports (ETH, IPV4,
 * IPV6, GRE, TCP, UDP, ICMP), so the hex pane can highlight a field and find the field under a byte.
 */
import { ETH, GRE, ICMP, IPV4, IPV6, TCP, UDP, type FieldLayer, type FrameView } from 'nvgre';

export type Range = readonly [number, number];

function clip(bytes: Uint8Array, offset: number, length: number): Range | null {
  if (offset < 0 || length <= 0 || offset >= bytes.length) return null;
  return [offset, Math.min(length, bytes.length - offset)];
}

function ethernet(name: string, o: number, length: number): [number, number] | null {
  const f = name.replace(/^(outer|inner)\./, '');
  if (f === 'eth.dst') return [o + ETH.DST, 6];
  if (f === 'eth.src') return [o + ETH.SRC, 6];
  if (f === 'eth.type') return [o + length - 2, 2];
  if (f === 'vlan.tpid') return [o + ETH.TYPE, 2];
  // The tag control information (PCP, DEI, VID) of the first tag.
  if (f === 'vlan.pcp' || f === 'vlan.dei' || f === 'vlan') return [o + ETH.TYPE + 2, 2];
  return null;
}

function ipv4(name: string, o: number, length: number): [number, number] | null {
  const f = name.replace(/^(outer|inner)\.ip\./, '');
  switch (f) {
    case 'version':
    case 'hdr_len':
      return [o + IPV4.VER_IHL, 1];
    case 'dscp':
    case 'ecn':
      return [o + IPV4.TOS, 1];
    case 'len':
      return [o + IPV4.TOTAL_LENGTH, 2];
    case 'id':
      return [o + IPV4.ID, 2];
    case 'flags':
    case 'df':
    case 'mf':
    case 'frag_offset':
      return [o + IPV4.FLAGS_FRAGMENT, 2];
    case 'ttl':
      return [o + IPV4.TTL, 1];
    case 'proto':
      return [o + IPV4.PROTOCOL, 1];
    case 'checksum':
      return [o + IPV4.CHECKSUM, 2];
    case 'src':
      return [o + IPV4.SRC, 4];
    case 'dst':
      return [o + IPV4.DST, 4];
    default:
      return name.startsWith('csum.') ? [o + IPV4.CHECKSUM, 2] : [o, length];
  }
}

function ipv6(name: string, o: number, length: number): [number, number] | null {
  const f = name.replace(/^(outer|inner)\.ip\./, '');
  switch (f) {
    case 'version':
      return [o, 1];
    case 'dscp':
    case 'ecn':
      return [o, 2];
    case 'flow_label':
      return [o + 1, 3];
    case 'plen':
      return [o + IPV6.PAYLOAD_LENGTH, 2];
    case 'proto':
      return [o + IPV6.NEXT_HEADER, 1];
    case 'ttl':
      return [o + IPV6.HOP_LIMIT, 1];
    case 'src':
      return [o + IPV6.SRC, 16];
    case 'dst':
      return [o + IPV6.DST, 16];
    default:
      return [o, length];
  }
}

function nvgre(view: FrameView, name: string, o: number): [number, number] | null {
  const flags = view.greFlags ?? 0;
  // The key follows the checksum word when C is set (RFC 2890 §2).
  const key = o + GRE.BASE_LENGTH + (flags & GRE.FLAG_C ? GRE.OPTION_LENGTH : 0);
  switch (name) {
    case 'gre.flags':
    case 'gre.c':
    case 'gre.k':
    case 'gre.s':
    case 'gre.version':
      return [o + GRE.FLAGS_VERSION, 2];
    case 'gre.proto':
      return [o + GRE.PROTOCOL, 2];
    case 'key':
    case 'key_layout':
      return [key, 4];
    case 'vsid':
      return view.keyLayout === 'low24' ? [key + 1, 3] : [key, 3];
    case 'flowid':
      return [key + 3, 1];
    default:
      return null;
  }
}

function transport(view: FrameView, layer: string, name: string, o: number, length: number): [number, number] | null {
  if (layer === 'inner-arp') {
    switch (name) {
      case 'inner.arp.opcode':
        return [o + 6, 2];
      case 'inner.arp.src.mac':
        return [o + 8, 6];
      case 'inner.arp.src.ip':
        return [o + 14, 4];
      case 'inner.arp.dst.mac':
        return [o + 18, 6];
      case 'inner.arp.dst.ip':
        return [o + 24, 4];
      default:
        return [o, length];
    }
  }
  if (name === 'inner.srcport') return [o, 2];
  if (name === 'inner.dstport') return [o + 2, 2];
  if (name === 'payload') {
    const end = view.layout.transportEnd;
    return end > o + length ? [o + length, end - o - length] : null;
  }
  if (layer === 'inner-tcp') {
    if (name.startsWith('inner.tcp.flags')) return [o + TCP.FLAGS, 1];
    switch (name) {
      case 'inner.tcp.seq':
        return [o + TCP.SEQ, 4];
      case 'inner.tcp.ack':
        return [o + TCP.ACK, 4];
      case 'inner.tcp.hdr_len':
        return [o + TCP.DATA_OFFSET, 1];
      case 'inner.tcp.window':
        return [o + TCP.WINDOW, 2];
      case 'inner.tcp.checksum':
      case 'csum.transport':
        return [o + TCP.CHECKSUM, 2];
      case 'inner.tcp.urgent':
        return [o + TCP.URGENT, 2];
      default:
        return [o, length];
    }
  }
  if (layer === 'inner-udp') {
    if (name === 'inner.udp.length') return [o + UDP.LENGTH, 2];
    if (name === 'inner.udp.checksum' || name === 'csum.transport') return [o + UDP.CHECKSUM, 2];
    return [o, length];
  }
  // ICMP and ICMPv6.
  if (name === 'inner.icmp.type') return [o + ICMP.TYPE, 1];
  if (name === 'inner.icmp.code') return [o + ICMP.CODE, 1];
  if (name === 'inner.icmp.checksum' || name === 'csum.transport') return [o + ICMP.CHECKSUM, 2];
  return [o, length];
}

/** The bytes of the field `name` in the layer `layer` of the frame loaded in `view`, or null. */
export function fieldRange(view: FrameView, layer: FieldLayer, name: string): Range | null {
  const o = layer.offset;
  const n = layer.length;
  if (n <= 0) return null;
  let r: [number, number] | null;
  if (layer.layer.endsWith('-ethernet')) r = ethernet(name, o, n);
  else if (layer.layer.endsWith('-ipv4')) r = ipv4(name, o, n);
  else if (layer.layer.endsWith('-ipv6')) r = ipv6(name, o, n);
  else if (layer.layer === 'nvgre') r = nvgre(view, name, o);
  else if (layer.layer.startsWith('inner-')) r = transport(view, layer.layer, name, o, n);
  else r = null;
  return r === null ? null : clip(view.bytes, r[0], r[1]);
}

/** The narrowest field range starting at `offset` (where a lint finding points), else one byte. */
export function rangeAt(bytes: Uint8Array, ranges: readonly Range[], offset: number): Range {
  let best: Range | null = null;
  for (const r of ranges) if (r[0] === offset && (best === null || r[1] < best[1])) best = r;
  return best ?? clip(bytes, offset, 1) ?? [0, 0];
}
