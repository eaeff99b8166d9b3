/**
 * The same packet as a record of each link type a capture of NVGRE traffic is taken with: written here
 * from the header layouts of https://www.tcpdump.org/linktypes.html, independently of the reader in
 * src/capture/linktype.ts, so a misreading there cannot hide behind the same misreading here.
 */

/** Link types the tests write (the LINKTYPE_* values). */
export const LINK_TYPES = { ETHERNET: 1, NULL: 0, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;
export type LinkTypeName = keyof typeof LINK_TYPES;

const ipVersion = (frame: Uint8Array, l3: number): number => frame[l3]! >>> 4;

/** Offset of the network header in an Ethernet frame (after up to two tags) and its EtherType. */
function l3Of(frame: Uint8Array): { l3: number; etherType: number } {
  let t = 12;
  let et = (frame[t]! << 8) | frame[t + 1]!;
  while (et === 0x8100 || et === 0x88a8) {
    t += 4;
    et = (frame[t]! << 8) | frame[t + 1]!;
  }
  return { l3: t + 2, etherType: et };
}

/**
 * `frame` (an Ethernet frame) as the data of a record of `linkType`. SLL and SLL2 keep the EtherType
 * (and any tags, behind it, as Linux leaves them when it has not stripped them); the raw and loopback
 * link types keep only the IP packet.
 */
export function asLinkType(frame: Uint8Array, linkType: LinkTypeName): Uint8Array {
  const { l3, etherType } = l3Of(frame);
  const net = frame.subarray(l3);
  switch (linkType) {
    case 'ETHERNET':
      return frame;
    case 'LINUX_SLL': {
      // packet type 4 (outgoing), ARPHRD_ETHER, address length 6, source MAC, 2 pad bytes, protocol.
      const out = new Uint8Array(16 + frame.length - 14);
      out.set([0, 4, 0, 1, 0, 6], 0);
      out.set(frame.subarray(6, 12), 6);
      out.set(frame.subarray(12), 14);
      return out;
    }
    case 'LINUX_SLL2': {
      // protocol, reserved, interface index 3, ARPHRD_ETHER, packet type 0, address length 6, MAC, pad.
      const out = new Uint8Array(20 + frame.length - 14);
      out.set(frame.subarray(12, 14), 0);
      out.set([0, 0, 0, 0, 0, 3, 0, 1, 0, 6], 2);
      out.set(frame.subarray(6, 12), 12);
      out.set(frame.subarray(14), 20);
      return out;
    }
    case 'RAW':
    case 'IPV4':
    case 'IPV6':
      return net.slice();
    case 'NULL':
    case 'LOOP': {
      const v6 = etherType === 0x86dd || ipVersion(frame, l3) === 6;
      const out = new Uint8Array(4 + net.length);
      // NULL: little-endian (a capture from an x86 BSD or macOS host); LOOP: network order.
      const af = v6 ? (linkType === 'NULL' ? 30 : 24) : 2;
      if (linkType === 'NULL') out.set([af, 0, 0, 0], 0);
      else out.set([0, 0, 0, af], 0);
      out.set(net, 4);
      return out;
    }
  }
}

/** Where the outer IP header of `frame` lands in the record of `linkType` minus where it is in `frame`. */
export function offsetShift(frame: Uint8Array, linkType: LinkTypeName): number {
  const { l3 } = l3Of(frame);
  const header = { ETHERNET: l3, LINUX_SLL: l3 + 2, LINUX_SLL2: l3 + 6, RAW: 0, IPV4: 0, IPV6: 0, NULL: 4, LOOP: 4 }[linkType];
  return header - l3;
}
