/**
 * What an ordinary (non-NVGRE) GRE packet carries, in words, so a capture that mixes NVGRE with other
 * GRE tunnels can be summarised ("40 frames of IPv4-in-GRE, not NVGRE") instead of judged as NVGRE.
 * Only GRE with protocol 0x6558 (Transparent Ethernet Bridging) claims to be NVGRE (RFC 7637 §3.2).
 */
import { GRE } from '../wire/gre.js';
import { EtherType } from '../wire/ethernet.js';

/** True when a GRE header with these flags and protocol claims to be NVGRE: protocol 0x6558, any flags. */
export function claimsNvgre(protocol: number): boolean {
  return protocol === EtherType.TEB;
}

const NAMES: Readonly<Record<number, string>> = {
  0x0000: 'GRE keepalives (protocol 0)',
  0x0800: 'IPv4-in-GRE',
  0x86dd: 'IPv6-in-GRE',
  0x8847: 'MPLS-in-GRE',
  0x8848: 'MPLS-in-GRE (multicast)',
  0x880b: 'PPP-in-GRE',
  0x88be: 'ERSPAN type I/II',
  0x22eb: 'ERSPAN type III',
  0x2000: 'CDP-in-GRE',
  0x0806: 'ARP-in-GRE',
  0x22f3: 'TRILL-in-GRE',
  0x894f: 'NSH-in-GRE',
};

/**
 * A name for what a GRE packet with this flag word and protocol carries: `PPTP (enhanced GRE,
 * version 1)`, `IPv4-in-GRE`, `ERSPAN type I/II`, ..., or `GRE protocol 0x8909`.
 */
export function greKindName(flags: number, protocol: number): string {
  const version = flags & GRE.VERSION_MASK;
  if (version === 1) return 'PPTP (enhanced GRE, version 1)';
  if (version !== 0) return `GRE version ${version}`;
  return NAMES[protocol] ?? `GRE protocol 0x${protocol.toString(16).padStart(4, '0')}`;
}
