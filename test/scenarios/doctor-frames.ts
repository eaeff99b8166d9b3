/**
 * Frames for the doctor's scenario captures, built with the library itself (buildFrame, walkFrame,
 * pseudoHeaderSum, the NVE model): hosts, VMs and the inner packets of each seed story.
 */
import { FrameLayout, buildFrame, pseudoHeaderSum, walkFrame, type CaptureRecordInput, type FrameSpec, type KeyLayout } from '../../src/index.js';

/** Provider addresses (hosts) and a router of the PA network. */
export const PA = { H1: '192.0.2.11', H2: '192.0.2.12', H3: '192.0.2.13', ROUTER: '192.0.2.254' } as const;
/** Customer addresses (VMs): A behind H1, B behind H2, C behind H3. */
export const CA = { A: '10.0.0.1', B: '10.0.0.2', C: '10.0.0.3' } as const;
const HOST_MAC: Readonly<Record<string, string>> = { [PA.H1]: '00:1d:d8:00:00:11', [PA.H2]: '00:1d:d8:00:00:12', [PA.H3]: '00:1d:d8:00:00:13', [PA.ROUTER]: '00:1d:d8:00:00:fe' };
const VM_MAC: Readonly<Record<string, string>> = { [CA.A]: '00:15:5d:00:00:01', [CA.B]: '00:15:5d:00:00:02', [CA.C]: '00:15:5d:00:00:03' };

export interface NvgreOptions {
  readonly vsid?: number;
  readonly flowId?: number | 'hash';
  readonly keyLayout?: KeyLayout;
  readonly outer?: { readonly dontFragment?: boolean; readonly id?: number };
}

/** An NVGRE frame from host `src` to host `dst` carrying `inner` (IPv4 between the two VMs). */
export function nvgre(src: string, dst: string, inner: FrameSpec, o: NvgreOptions = {}): Uint8Array {
  const innerSrc = String((inner.ipv4 ?? inner.ipv6)?.src ?? '');
  const innerDst = String((inner.ipv4 ?? inner.ipv6)?.dst ?? '');
  return buildFrame({
    ethernet: { src: HOST_MAC[src] ?? '00:1d:d8:00:00:99', dst: HOST_MAC[dst] ?? '00:1d:d8:00:00:98' },
    ipv4: { src, dst, ...(o.outer ?? {}) },
    nvgre: { vsid: o.vsid ?? 5001, ...(o.keyLayout === 'low24' ? { keyLayout: 'low24' as const, flowId: 0 } : { flowId: o.flowId ?? 'hash' }) },
    inner: { ethernet: { src: VM_MAC[innerSrc] ?? '00:15:5d:00:00:99', dst: VM_MAC[innerDst] ?? '00:15:5d:00:00:98' }, ...inner },
  });
}

export const tcp = (src: string, dst: string, srcPort: number, dstPort: number, flags: number, payload = ''): FrameSpec => ({ ipv4: { src, dst }, tcp: { srcPort, dstPort, flags, seq: 1000, ack: flags & 0x10 ? 1 : 0 }, payload });
export const ping = (src: string, dst: string, type: 8 | 0, sequence: number): FrameSpec => ({ ipv4: { src, dst }, icmp: { type, identifier: 0x77, sequence }, payload: 'abcdefgh' });
/** A DNS query for example.com (id `id`), or its answer. */
export function dns(src: string, dst: string, id: number, response: boolean, clientPort = 53000): FrameSpec {
  const header = [id >> 8, id & 0xff, response ? 0x81 : 0x01, response ? 0x80 : 0x00, 0, 1, 0, response ? 1 : 0, 0, 0, 0, 0];
  const question = [7, ...'example'.split('').map((c) => c.charCodeAt(0)), 3, 0x63, 0x6f, 0x6d, 0, 0, 1, 0, 1];
  const answer = response ? [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34] : [];
  return { ipv4: { src, dst }, udp: response ? { srcPort: 53, dstPort: clientPort } : { srcPort: clientPort, dstPort: 53 }, payload: new Uint8Array([...header, ...question, ...answer]) };
}

/**
 * What a host leaves in the inner TCP/UDP checksum for transmit checksum offload to complete: the
 * folded pseudo-header sum with the length (plain offload) or without it (LSO). Written in place.
 */
export function leaveSeed(frame: Uint8Array, withLength = true): Uint8Array {
  const l = walkFrame(frame, new FrameLayout());
  if (l.transportProtocol !== 6 && l.transportProtocol !== 17) return frame; // ICMP has no offload seed
  const ip = l.transportIp;
  const field = l.transportOffset + (l.transportProtocol === 6 ? 16 : 6);
  const seed = pseudoHeaderSum(frame, ip.version as 4 | 6, ip.offset, ip.dstOffset, l.transportProtocol, withLength ? l.transportEnd - l.transportOffset : 0);
  frame[field] = seed >>> 8;
  frame[field + 1] = seed & 0xff;
  return frame;
}

/** Leaves the inner and outer IPv4 header checksums 0, as a host does for IpHeaderChecksum offload. */
export function leaveIpv4Zero(frame: Uint8Array): Uint8Array {
  const l = walkFrame(frame, new FrameLayout());
  for (const ip of [l.outerIp, l.innerIp]) {
    if (ip.version !== 4) continue;
    frame[ip.offset + 10] = 0;
    frame[ip.offset + 11] = 0;
  }
  return frame;
}

/** Frames as capture records one millisecond apart. */
export function timed(frames: readonly Uint8Array[]): CaptureRecordInput[] {
  return frames.map((data, i) => ({ data, timestamp: { seconds: 1_700_000_000 + Math.floor(i / 1000), nanoseconds: (i % 1000) * 1_000_000 } }));
}

/** The outer IPv4 packet of `frame` split into fragments of at most `mtu` bytes (DF clear), as a router would. */
export function fragment(frame: Uint8Array, mtu: number): Uint8Array[] {
  const ip = 14;
  const hl = (frame[ip]! & 0x0f) * 4;
  const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
  const payload = frame.subarray(ip + hl, ip + total);
  const step = Math.floor((mtu - hl) / 8) * 8;
  const src = `${frame[ip + 12]}.${frame[ip + 13]}.${frame[ip + 14]}.${frame[ip + 15]}`;
  const dst = `${frame[ip + 16]}.${frame[ip + 17]}.${frame[ip + 18]}.${frame[ip + 19]}`;
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length; at += step) {
    const last = at + step >= payload.length;
    out.push(
      buildFrame({
        ethernet: { src: HOST_MAC[src] ?? '00:1d:d8:00:00:99', dst: HOST_MAC[dst] ?? '00:1d:d8:00:00:98' },
        ipv4: { src, dst, protocol: 47, id: 0x4242, dontFragment: false, moreFragments: !last, fragmentOffset: at },
        payload: payload.slice(at, at + step),
      }),
    );
  }
  return out;
}

/** An ICMP error from a router of the PA network about `quoted` (an NVGRE frame): its IP header and 8 bytes. */
export function underlayIcmp(router: string, quoted: Uint8Array, type: number, code: number, mtu = 0): Uint8Array {
  const hl = (quoted[14]! & 0x0f) * 4;
  const qsrc = `${quoted[26]}.${quoted[27]}.${quoted[28]}.${quoted[29]}`;
  const rest = type === 3 && code === 4 ? mtu : 0;
  return buildFrame({
    ethernet: { src: HOST_MAC[router]!, dst: HOST_MAC[qsrc] ?? '00:1d:d8:00:00:99' },
    ipv4: { src: router, dst: qsrc },
    icmp: { type, code, rest },
    payload: quoted.slice(14, 14 + hl + 8),
  });
}
