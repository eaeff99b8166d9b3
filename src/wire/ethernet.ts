/**
 * Ethernet II header (IEEE 802.3 §3.2.6) with up to two VLAN tags: IEEE 802.1Q C-tag (TPID 0x8100)
 * and 802.1ad S-tag (TPID 0x88A8). The FCS is never part of the bytes handled here.
 */
import { formatMac, putAddress } from './address.js';
import { u16, put16 } from './bytes.js';
import { truncated, type Layer } from './errors.js';
import { Wire } from './wire.js';

/** Field map (byte offsets from the start of the header). */
export const ETH = {
  DST: 0,
  SRC: 6,
  TYPE: 12,
  HEADER_LENGTH: 14,
  TAG_LENGTH: 4,
  /** Most tags the reader walks (802.1ad S-tag + 802.1Q C-tag). */
  MAX_TAGS: 2,
} as const;

export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  IPV6: 0x86dd,
  TEB: 0x6558,
} as const;

export function isVlanTpid(etherType: number): boolean {
  // Wire copies of EtherType's numbers: this runs per packet (see wire.ts).
  return etherType === Wire.TPID_VLAN || etherType === Wire.TPID_QINQ;
}

export interface VlanTag {
  /** 0x8100 (802.1Q) or 0x88A8 (802.1ad). */
  readonly tpid: number;
  /** VLAN identifier, 12 bits. */
  readonly id: number;
  /** Priority code point, 3 bits. */
  readonly pcp: number;
  /** Drop eligible indicator. */
  readonly dei: boolean;
}

/** Plain, JSON-able representation of an Ethernet header. */
export interface EthernetHeader {
  readonly dst: string;
  readonly src: string;
  /** VLAN tags in wire order (outermost first); empty when untagged. */
  readonly vlans: VlanTag[];
  /** The EtherType after the tags. */
  readonly etherType: number;
  /** 14, 18 or 22 bytes. */
  readonly headerLength: number;
}

/**
 * Checks that a whole Ethernet header (and its tags) fits in `bytes` before `end`;
 * returns its length. Stops at {@link ETH.MAX_TAGS} tags.
 */
export function ethernetHeaderLength(bytes: Uint8Array, offset: number, end: number, layer: Layer): number {
  let len: number = ETH.HEADER_LENGTH;
  if (end - offset < len) throw truncated(layer, offset, len, end - offset, 'Ethernet header');
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(u16(bytes, offset + len - 2)); tags++) {
    len += ETH.TAG_LENGTH;
    if (end - offset < len) throw truncated(layer, offset, len, end - offset, 'Ethernet header with VLAN tag');
  }
  return len;
}

export function readVlanTag(bytes: Uint8Array, tpidOffset: number): VlanTag {
  const tci = u16(bytes, tpidOffset + 2);
  return { tpid: u16(bytes, tpidOffset), id: tci & 0x0fff, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0 };
}

/** Reads an Ethernet header into a plain object; throws `TRUNCATED` when it does not fit. */
export function readEthernet(bytes: Uint8Array, offset = 0, end = bytes.length, layer: Layer = 'ethernet'): EthernetHeader {
  const headerLength = ethernetHeaderLength(bytes, offset, end, layer);
  const vlans: VlanTag[] = [];
  for (let o = offset + ETH.TYPE; o < offset + headerLength - 2; o += ETH.TAG_LENGTH) vlans.push(readVlanTag(bytes, o));
  return {
    dst: formatMac(bytes, offset + ETH.DST),
    src: formatMac(bytes, offset + ETH.SRC),
    vlans,
    etherType: u16(bytes, offset + headerLength - 2),
    headerLength,
  };
}

/** What {@link writeEthernet} writes. MACs are 6-byte arrays. */
export interface EthernetFields {
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly vlans?: readonly { readonly tpid?: number; readonly id: number; readonly pcp?: number; readonly dei?: boolean }[];
  readonly etherType: number;
}

export function ethernetLength(fields: Pick<EthernetFields, 'vlans'>): number {
  return ETH.HEADER_LENGTH + ETH.TAG_LENGTH * (fields.vlans?.length ?? 0);
}

/** Writes the header at `offset`; returns bytes written. The caller sizes `target` (see {@link ethernetLength}). */
export function writeEthernet(target: Uint8Array, offset: number, fields: EthernetFields): number {
  putAddress(target, offset + ETH.DST, fields.dst, 6);
  putAddress(target, offset + ETH.SRC, fields.src, 6);
  let o = offset + ETH.TYPE;
  const vlans = fields.vlans;
  // An index loop: no `?? []` array and no iterator per header written.
  for (let i = 0; vlans !== undefined && i < vlans.length; i++) {
    const tag = vlans[i]!;
    put16(target, o, tag.tpid ?? EtherType.VLAN);
    put16(target, o + 2, ((tag.pcp ?? 0) << 13) | (tag.dei ? 0x1000 : 0) | (tag.id & 0x0fff));
    o += ETH.TAG_LENGTH;
  }
  put16(target, o, fields.etherType);
  return o + 2 - offset;
}
