/**
 * ECMP hashing for NVGRE (RFC 7637 §4.1): underlay switches SHOULD hash either the outer IP fields
 * plus the entire 32-bit Key (the FlowID carries the per-flow entropy), or the inner IP and transport
 * fields. This gives the hash a test tool or a software switch would use, deterministically.
 */
import { assertBytes } from '../wire/bytes.js';
import { FrameLayout, walkFrame } from '../wire/layout.js';
import { IPV4, IpProtocol } from '../wire/ipv4.js';
import { IPV6 } from '../wire/ipv6.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { innerFlowHash } from './flowhash.js';

export type EcmpMode = 'outer+key' | 'inner' | 'outer';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const layout = new FrameLayout();

/**
 * 32-bit FNV-1a hash of an NVGRE frame's ECMP fields. `'outer+key'` (default): outer source and
 * destination address, protocol 47 and the whole Key; `'inner'`: the inner flow (addresses,
 * protocol, ports), as the default FlowID hash uses; `'outer'`: the outer addresses and protocol 47
 * only — a fabric that ignores the Key, which puts every flow between two hosts on one path (the
 * comparison `nvgre ecmp --hash outer` shows, docs/rss.md §11). Throws `NOT_GRE` for a frame that is
 * not NVGRE.
 */
export function ecmpHash(frame: Uint8Array, mode: EcmpMode = 'outer+key'): number {
  assertBytes(frame, 'frame');
  if (mode !== 'outer+key' && mode !== 'inner' && mode !== 'outer') throw new TypeError(`mode must be 'outer+key', 'inner' or 'outer', got ${String(mode)}`);
  walkFrame(frame, layout);
  if (!layout.encapsulated) {
    throw new NvgreError(NvgreErrorCode.NOT_GRE, 'gre', layout.outerIp.upperOffset, 'not an NVGRE frame: there is no Key to hash');
  }
  if (mode === 'inner') return innerFlowHash(frame, layout.innerEthernetOffset, layout.innerEnd);
  const ip = layout.outerIp;
  const [src, len] = ip.version === 4 ? [ip.offset + IPV4.SRC, 4] : [ip.offset + IPV6.SRC, 16];
  let h = FNV_OFFSET;
  for (let i = src; i < src + 2 * len; i++) h = Math.imul(h ^ frame[i]!, FNV_PRIME);
  h = Math.imul(h ^ IpProtocol.GRE, FNV_PRIME);
  if (mode === 'outer') return h >>> 0;
  for (let shift = 24; shift >= 0; shift -= 8) h = Math.imul(h ^ ((layout.key >>> shift) & 0xff), FNV_PRIME);
  return h >>> 0;
}
