/** Frame builders shared by the test/nvgre tests: one conformant NVGRE frame, and overrides per layer. */
import { buildFrame, type FrameSpec, type Ipv4Spec, type Ipv6Spec, type NvgreSpec } from '../../src/frame/build.js';

export const INNER: FrameSpec = {
  ethernet: { src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b' },
  ipv4: { src: '10.0.0.1', dst: '10.0.0.2', id: 7 },
  udp: { srcPort: 1000, dstPort: 2000 },
  payload: 'hello, inner world',
};

/** The outer delivery variants and where their layers start (untagged/tagged × IPv4/IPv6). */
export interface Outer {
  readonly name: string;
  readonly version: 4 | 6;
  readonly vlan: boolean;
  /** Offset of the outer IP header. */
  readonly l3: number;
  /** Offset of the GRE header. */
  readonly gre: number;
}

export const OUTERS: readonly Outer[] = [
  { name: 'IPv4', version: 4, vlan: false, l3: 14, gre: 34 },
  { name: 'IPv4 + 802.1Q', version: 4, vlan: true, l3: 18, gre: 38 },
  { name: 'IPv6', version: 6, vlan: false, l3: 14, gre: 54 },
  { name: 'IPv6 + 802.1Q', version: 6, vlan: true, l3: 18, gre: 58 },
];

export interface FrameOverrides {
  readonly ipv4?: Partial<Ipv4Spec>;
  readonly ipv6?: Partial<Ipv6Spec>;
  readonly nvgre?: Partial<NvgreSpec>;
  readonly inner?: FrameSpec;
  readonly trailer?: number;
}

export const VSID = 0x123456;
export const FLOW_ID = 0x9a;

export function nvgreSpec(outer: Outer, o: FrameOverrides = {}): FrameSpec {
  return {
    ethernet: { src: '02:00:00:00:01:01', dst: '02:00:00:00:01:02', ...(outer.vlan ? { vlans: [{ id: 42, pcp: 3 }] } : {}) },
    ...(outer.version === 4
      ? { ipv4: { src: '192.0.2.1', dst: '192.0.2.2', id: 0x4242, ...o.ipv4 } }
      : { ipv6: { src: '2001:db8::1', dst: '2001:db8::2', ...o.ipv6 } }),
    nvgre: { vsid: VSID, flowId: FLOW_ID, ...o.nvgre },
    inner: o.inner ?? INNER,
    ...(o.trailer !== undefined ? { trailer: o.trailer } : {}),
  };
}

export function nvgreFrame(outer: Outer, o: FrameOverrides = {}): Uint8Array {
  return buildFrame(nvgreSpec(outer, o));
}

export const V4 = OUTERS[0]!;
export const V4_VLAN = OUTERS[1]!;
export const V6 = OUTERS[2]!;
