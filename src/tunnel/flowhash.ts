/**
 * FlowID entropy (RFC 7637 §3.2 SHOULD; docs/nvgre.md §6 library rule): a deterministic FNV-1a hash
 * over the inner flow, mapped onto FlowIDs 1–255 (docs/rss.md §8: never 0). IP: version, addresses,
 * protocol and ports (TCP/UDP, first fragment or unfragmented); IP fragments without ports so all
 * fragments share a FlowID; non-IP frames: MACs and EtherType. The same flow always maps to the same
 * FlowID (no reordering).
 */
import { u16 } from '../wire/bytes.js';
import { ETH, EtherType, isVlanTpid } from '../wire/ethernet.js';
import { IPV4, IpProtocol } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv(h: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h;
}

function fnvByte(h: number, b: number): number {
  return Math.imul(h ^ (b & 0xff), FNV_PRIME);
}

/**
 * 32-bit hash of the flow of the Ethernet frame `bytes[offset, end)`. Never throws: fields that are
 * cut short — by the bytes or by the IP datagram's own length — are left out of the hash (Ethernet
 * padding after the datagram never counts).
 */
export function innerFlowHash(bytes: Uint8Array, offset: number, end: number): number {
  let h = FNV_OFFSET;
  if (end - offset < ETH.HEADER_LENGTH) return fnv(h, bytes, offset, end) >>> 0;
  let l3 = offset + ETH.HEADER_LENGTH;
  let et = u16(bytes, l3 - 2);
  for (let tags = 0; tags < ETH.MAX_TAGS && isVlanTpid(et) && end - l3 >= ETH.TAG_LENGTH; tags++) {
    et = u16(bytes, l3 + 2);
    l3 += ETH.TAG_LENGTH;
  }
  let proto = -1;
  let l4 = -1;
  let datagramEnd = end;
  if (et === EtherType.IPV4 && end - l3 >= IPV4.MIN_HEADER_LENGTH && bytes[l3]! >>> 4 === 4) {
    datagramEnd = Math.min(end, l3 + u16(bytes, l3 + IPV4.TOTAL_LENGTH));
    h = fnvByte(h, 4);
    h = fnv(h, bytes, l3 + IPV4.SRC, l3 + IPV4.DST + 4);
    proto = bytes[l3 + IPV4.PROTOCOL]!;
    const fragment = (u16(bytes, l3 + IPV4.FLAGS_FRAGMENT) & (IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK)) !== 0;
    if (!fragment) l4 = l3 + (bytes[l3]! & 0x0f) * 4;
  } else if (et === EtherType.IPV6 && end - l3 >= IPV6.HEADER_LENGTH && bytes[l3]! >>> 4 === 6) {
    datagramEnd = Math.min(end, l3 + IPV6.HEADER_LENGTH + u16(bytes, l3 + IPV6.PAYLOAD_LENGTH));
    h = fnvByte(h, 6);
    h = fnv(h, bytes, l3 + IPV6.SRC, l3 + IPV6.DST + 16);
    proto = bytes[l3 + IPV6.NEXT_HEADER]!;
    // Ports only when TCP/UDP directly follows the fixed header (as RSS does, docs/offload.md §13).
    l4 = l3 + IPV6.HEADER_LENGTH;
  } else {
    h = fnv(h, bytes, offset, offset + 12);
    h = fnvByte(fnvByte(h, et >>> 8), et);
    return h >>> 0;
  }
  h = fnvByte(h, proto);
  if ((proto === IpProtocol.TCP || proto === IpProtocol.UDP) && l4 >= 0 && datagramEnd - l4 >= 4) h = fnv(h, bytes, l4, l4 + 4);
  return h >>> 0;
}

/**
 * Maps a 32-bit hash onto a FlowID from 1 to 255: `1 + hash mod 255` (docs/rss.md §8). Never 0, which
 * RFC 7637 §3.2 reserves for "not generated" (lint reports it as FLOWID_ZERO), and uniform over 1–255
 * for a uniform hash. Computed without a division: 256 ≡ 1 (mod 255), so the hash's bytes sum to it.
 */
export function foldFlowId(hash: number): number {
  let s = (hash & 0xff) + ((hash >>> 8) & 0xff) + ((hash >>> 16) & 0xff) + (hash >>> 24); // ≤ 1020
  s = (s & 0xff) + (s >>> 8); // ≤ 258, ≡ hash (mod 255)
  return (s >= 255 ? s - 255 : s) + 1;
}
