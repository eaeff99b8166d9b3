/**
 * Frames and policies for the NVE tests: VM frames (IPv4/IPv6 unicast, ARP, Neighbor Solicitation)
 * and small edits of the example policy.
 */
import { buildFrame, examplePolicy, parseFrame, type HostPolicy, type LookupRecord, type Policy } from '../../src/index.js';

export const MAC = {
  A1: '00:15:5d:01:01:11',
  A2: '00:15:5d:01:01:12',
  B1: '00:15:5d:01:02:21',
  GW: '00:15:5d:01:01:fe',
  R5001: '00:15:5d:01:01:ff',
  R5002: '00:15:5d:01:02:ff',
} as const;

/** An IPv4 frame from a VM (ICMP echo request unless `udp`). */
export function ipv4Frame(src: string, dst: string, srcMac: string, dstMac: string, opts: { udp?: boolean; payload?: string; type?: number } = {}): Uint8Array {
  return buildFrame({
    ethernet: { src: srcMac, dst: dstMac },
    ipv4: { src, dst },
    ...(opts.udp ? { udp: { srcPort: 40000, dstPort: 53 } } : { icmp: { type: opts.type ?? 8, identifier: 7, sequence: 1 } }),
    payload: opts.payload ?? 'ping',
  });
}

export function ipv6Frame(src: string, dst: string, srcMac: string, dstMac: string): Uint8Array {
  return buildFrame({ ethernet: { src: srcMac, dst: dstMac }, ipv6: { src, dst }, udp: { srcPort: 40000, dstPort: 53 }, payload: 'v6' });
}

/** An ARP request (who-has `target`, tell `sender`). */
export function arpRequest(senderMac: string, senderIp: string, targetIp: string): Uint8Array {
  const mac = senderMac.split(':').map((h) => parseInt(h, 16));
  const ip = (t: string) => t.split('.').map(Number);
  return Uint8Array.from([
    ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ...mac,
    0x08, 0x06,
    0, 1, 0x08, 0x00, 6, 4, 0, 1,
    ...mac,
    ...ip(senderIp),
    0, 0, 0, 0, 0, 0,
    ...ip(targetIp),
  ]);
}

/** The inner destination and source MACs and IPv4 addresses of a frame (parsed). */
export function addressesOf(frame: Uint8Array): { dstMac: string; srcMac: string; src: string | undefined; dst: string | undefined } {
  const p = parseFrame(frame, { transportChecksums: false });
  return { dstMac: p.ethernet.dst, srcMac: p.ethernet.src, src: p.ip?.src, dst: p.ip?.dst };
}

/** The example policy with some hosts changed. */
export function withHosts(change: (h: HostPolicy) => HostPolicy, base: Policy = examplePolicy()): Policy {
  return { ...base, hosts: base.hosts.map(change) };
}

export function withRecords(change: (r: readonly LookupRecord[]) => LookupRecord[], base: Policy = examplePolicy()): Policy {
  return { ...base, lookupRecords: change(base.lookupRecords) };
}

/** Deep-freezes a value (to prove the library never writes to its input). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
