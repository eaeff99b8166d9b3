// The hot paths' const-enum copies of the wire numbers (src/wire/wire.ts) must equal the public
// field maps they copy: a typo in one of them would change what decapsulate or encapsulateInto
// accept or write only on the fast path, which the fast-vs-general tests would catch only for the
// shapes they happen to build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ETH, EtherType } from '../../src/wire/ethernet.js';
import { GRE, VSID } from '../../src/wire/gre.js';
import { IPV4, IpProtocol } from '../../src/wire/ipv4.js';
import { IPV6 } from '../../src/wire/ipv6.js';
import { TCP } from '../../src/wire/tcp.js';
import { UDP } from '../../src/wire/udp.js';
import { Wire } from '../../src/wire/wire.js';

const pairs: [string, number, number][] = [
  ['ETH_TYPE', Wire.ETH_TYPE, ETH.TYPE],
  ['ETH_HEADER', Wire.ETH_HEADER, ETH.HEADER_LENGTH],
  ['VLAN_TAG', Wire.VLAN_TAG, ETH.TAG_LENGTH],
  ['TPID_VLAN', Wire.TPID_VLAN, EtherType.VLAN],
  ['TPID_QINQ', Wire.TPID_QINQ, EtherType.QINQ],
  ['ETHERTYPE_IPV4', Wire.ETHERTYPE_IPV4, EtherType.IPV4],
  ['ETHERTYPE_IPV6', Wire.ETHERTYPE_IPV6, EtherType.IPV6],
  ['IPV4_TOTAL_LENGTH', Wire.IPV4_TOTAL_LENGTH, IPV4.TOTAL_LENGTH],
  ['IPV4_ID', Wire.IPV4_ID, IPV4.ID],
  ['IPV4_FLAGS_FRAGMENT', Wire.IPV4_FLAGS_FRAGMENT, IPV4.FLAGS_FRAGMENT],
  ['IPV4_PROTOCOL', Wire.IPV4_PROTOCOL, IPV4.PROTOCOL],
  ['IPV4_CHECKSUM', Wire.IPV4_CHECKSUM, IPV4.CHECKSUM],
  ['IPV4_SRC', Wire.IPV4_SRC, IPV4.SRC],
  ['IPV4_MF_OFFSET', Wire.IPV4_MF_OFFSET, IPV4.FLAG_MF | IPV4.FRAGMENT_OFFSET_MASK],
  ['IPV4_MIN_HEADER', Wire.IPV4_MIN_HEADER, IPV4.MIN_HEADER_LENGTH],
  ['IPV6_PAYLOAD_LENGTH', Wire.IPV6_PAYLOAD_LENGTH, IPV6.PAYLOAD_LENGTH],
  ['IPV6_NEXT_HEADER', Wire.IPV6_NEXT_HEADER, IPV6.NEXT_HEADER],
  ['IPV6_HEADER', Wire.IPV6_HEADER, IPV6.HEADER_LENGTH],
  ['GRE_BASE', Wire.GRE_BASE, GRE.BASE_LENGTH],
  ['NVGRE_HEADER', Wire.NVGRE_HEADER, GRE.NVGRE_LENGTH],
  ['NVGRE_FIRST_WORD', Wire.NVGRE_FIRST_WORD, GRE.NVGRE_FIRST_WORD],
  ['NVGRE_FIRST_WORD_HI', Wire.NVGRE_FIRST_WORD_HI, GRE.NVGRE_FIRST_WORD >>> 16],
  ['NVGRE_FIRST_WORD_LO', Wire.NVGRE_FIRST_WORD_LO, GRE.NVGRE_FIRST_WORD & 0xffff],
  ['PROTOCOL_ICMP', Wire.PROTOCOL_ICMP, IpProtocol.ICMP],
  ['PROTOCOL_TCP', Wire.PROTOCOL_TCP, IpProtocol.TCP],
  ['PROTOCOL_UDP', Wire.PROTOCOL_UDP, IpProtocol.UDP],
  ['PROTOCOL_GRE', Wire.PROTOCOL_GRE, IpProtocol.GRE],
  ['PROTOCOL_ICMPV6', Wire.PROTOCOL_ICMPV6, IpProtocol.ICMPV6],
  ['TCP_MIN_HEADER', Wire.TCP_MIN_HEADER, TCP.MIN_HEADER_LENGTH],
  ['UDP_HEADER', Wire.UDP_HEADER, UDP.HEADER_LENGTH],
  ['VSID_RESERVED_LOW_MAX', Wire.VSID_RESERVED_LOW_MAX, VSID.RESERVED_LOW_MAX],
  ['VSID_VENDOR_SPECIFIC', Wire.VSID_VENDOR_SPECIFIC, VSID.VENDOR_SPECIFIC],
];

describe('Wire (hot-path copies of the field maps)', () => {
  it('every copy equals the field map it stands for', () => {
    for (const [name, copy, original] of pairs) expect({ name, value: copy }).toEqual({ name, value: original });
  });

  it('the table above covers every member', () => {
    // A member added to Wire without a row above fails here. (A const enum has no object to list at
    // type level, so the members are read from the source.)
    const source = readFileSync(new URL('../../src/wire/wire.ts', import.meta.url), 'utf8');
    const members = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]*) = /gm)].map((m) => m[1]!);
    expect(members.sort()).toEqual(pairs.map(([name]) => name).sort());
  });
});
