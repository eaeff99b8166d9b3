/**
 * Per-frame summaries for `nvgre decode` and `nvgre demo`: one text line or one JSON object per frame.
 *
 * Hot path (a multi-million-frame capture): the verdict comes from `tryDecapsulate` (lenient, so frames
 * a strict receiver drops are still shown with the reason), the inner offsets from one `walkFrame` into
 * a reused layout, the checksum statuses from `verifyChecksums`; output is built with string
 * concatenation (no intermediate objects, JSON.stringify only for free text).
 */
import {
  ETH,
  FrameLayout,
  IPV4,
  IPV6,
  IpProtocol,
  formatIpv4,
  formatIpv6,
  formatMac,
  tryDecapsulate,
  verifyChecksums,
  walkFrame,
  type ChecksumReport,
  type DecapsulateOptions,
  type IpLayout,
  type LayerStatus,
  type NvgreErrorInfo,
  type VerifyChecksumsOptions,
  type WalkOptions,
} from '../index.js';

/** Big-endian 16-bit read. */
function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export interface SummaryOptions {
  /** Also show the key the way draft-era peers read it: TNI (24 bits) + reserved byte (docs/nvgre.md §7). */
  readonly legacyKey?: boolean;
}

const LENIENT: DecapsulateOptions = { strict: false };
const WALK_LENIENT: WalkOptions = { lenient: true };
const VERIFY_LENIENT: VerifyChecksumsOptions = { lenient: true };
const layout = new FrameLayout();

/** What the decoder found in one frame; filled in place by {@link describe} (one object, reused). */
export class FrameFacts {
  nvgre = false;
  vsid = 0;
  flowId = 0;
  key = 0;
  /** Lenient mode: why a strict receiver drops it (empty when conformant). */
  dropReasons: readonly string[] = [];
  /** Not NVGRE (or not decodable): the typed reason. */
  error: NvgreErrorInfo | null = null;
  /** The inner frame could not be walked (malformed inner IP header, ...). */
  innerError: string | null = null;
  checksums: ChecksumReport | null = null;
  walked = false;

  reset(): void {
    this.nvgre = false;
    this.vsid = this.flowId = this.key = 0;
    this.dropReasons = [];
    this.error = null;
    this.innerError = null;
    this.checksums = null;
    this.walked = false;
  }
}

/** Decodes `frame` into `facts` (and the module layout). Never throws. */
export function describe(frame: Uint8Array, facts: FrameFacts): FrameFacts {
  facts.reset();
  const r = tryDecapsulate(frame, LENIENT);
  if (!r.ok) {
    facts.error = r.error;
    return facts;
  }
  const d = r.value;
  facts.nvgre = true;
  facts.key = d.key;
  facts.vsid = d.key >>> 8;
  facts.flowId = d.key & 0xff;
  facts.dropReasons = d.dropReasons;
  try {
    walkFrame(frame, layout, 0, frame.length, WALK_LENIENT);
    facts.walked = layout.encapsulated;
    facts.checksums = verifyChecksums(frame, VERIFY_LENIENT);
  } catch (e) {
    facts.innerError = e instanceof Error ? e.message : String(e);
  }
  return facts;
}

function ipText(b: Uint8Array, ip: IpLayout, dst: boolean): string {
  if (ip.version === 4) return formatIpv4(b, ip.offset + (dst ? IPV4.DST : IPV4.SRC));
  return formatIpv6(b, ip.offset + (dst ? IPV6.DST : IPV6.SRC));
}

const PROTOCOL_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 47: 'GRE' };

function protocolName(p: number): string {
  return PROTOCOL_NAMES[p] ?? `proto ${p}`;
}

const ETHERTYPE_NAMES: Record<number, string> = { 0x0806: 'ARP', 0x88cc: 'LLDP', 0x8035: 'RARP', 0x88b5: 'ethertype 0x88b5' };

function hex(v: number, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

function hasPorts(p: number): boolean {
  return p === IpProtocol.TCP || p === IpProtocol.UDP;
}

/** "10.0.0.1:40000" / "[fd00::1]:80" */
function endpoint(b: Uint8Array, ip: IpLayout, dst: boolean, port: number): string {
  const a = ipText(b, ip, dst);
  if (port < 0) return a;
  return ip.version === 6 ? `[${a}]:${port}` : `${a}:${port}`;
}

function ports(b: Uint8Array): [number, number] {
  const t = layout.transportOffset;
  if (t < 0 || !hasPorts(layout.transportProtocol) || layout.transportEnd - t < 4) return [-1, -1];
  return [u16(b, t), u16(b, t + 2)];
}

function statusText(r: ChecksumReport): string {
  let s = '';
  const add = (name: string, st: LayerStatus) => {
    if (st === 'absent' || st === 'not-applicable') return;
    s += (s ? ' ' : '') + name + '=' + st;
  };
  add('outer-ip4', r.outerIpv4);
  add('inner-ip4', r.innerIpv4);
  if (typeof r.transport.protocol === 'string' && r.transport.protocol !== 'none') add(r.transport.protocol, r.transport.status);
  return s === '' ? 'csum none' : 'csum ' + s;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** One text line for frame number `n` (1-based). */
export function textLine(n: number, frame: Uint8Array, f: FrameFacts, o: SummaryOptions = {}): string {
  let s = pad(n, 6) + '  ';
  if (!f.nvgre) {
    const e = f.error!;
    return s + `not NVGRE  ${e.code} (${e.layer} byte ${e.offset}): ${e.message}`;
  }
  s += `vsid ${f.vsid} (${hex(f.vsid, 6)}) flow ${hex(f.flowId, 2)}`;
  if (o.legacyKey) s += ` [draft key: tni ${hex(f.vsid, 6)} rsvd ${hex(f.flowId, 2)}${f.flowId !== 0 ? ' != 0' : ''}]`;
  if (!f.walked) {
    s += '  inner ?';
    if (f.innerError) s += ` (${f.innerError})`;
  } else {
    const outer = layout.outerIp;
    s += `  ${ipText(frame, outer, false)} > ${ipText(frame, outer, true)}`;
    if (layout.outerVlanCount > 0) s += ` vlan ${u16(frame, ETH.TYPE + 2) & 0x0fff}`;
    s += '  |  ';
    const inner = layout.innerIp;
    if (inner.version !== 0) {
      const [sp, dp] = ports(frame);
      s += `${endpoint(frame, inner, false, sp)} > ${endpoint(frame, inner, true, dp)} ${protocolName(inner.protocol)}`;
      if (inner.fragment) s += ' fragment';
    } else {
      const ie = layout.innerEthernetOffset;
      const et = layout.innerEtherType;
      s += `${formatMac(frame, ie + ETH.SRC)} > ${formatMac(frame, ie + ETH.DST)} ${ETHERTYPE_NAMES[et] ?? 'ethertype ' + hex(et, 4)}`;
    }
    s += ` len ${layout.innerEnd - layout.innerEthernetOffset}`;
    if (f.checksums) s += '  ' + statusText(f.checksums);
  }
  if (f.dropReasons.length > 0) s += `  ! strict receivers drop it: ${f.dropReasons.join(', ')}`;
  return s;
}

function jsonStatus(st: LayerStatus): string {
  return '"' + st + '"';
}

/** One JSON object (a JSON Lines line) for frame number `n`. */
export function jsonLine(n: number, frame: Uint8Array, f: FrameFacts, o: SummaryOptions = {}, extra = ''): string {
  if (!f.nvgre) {
    const e = f.error!;
    return (
      `{"frame":${n},"length":${frame.length},"nvgre":false,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,` +
      `"reason":{"code":"${e.code}","codes":["${e.code}"],"layer":"${e.layer}","offset":${e.offset},"message":${JSON.stringify(e.message)}}${extra}}`
    );
  }
  let s = `{"frame":${n},"length":${frame.length},"nvgre":true,"vsid":${f.vsid},"flowId":${f.flowId},"key":${f.key}`;
  if (o.legacyKey) s += `,"legacy":{"tni":${f.vsid},"reserved":${f.flowId},"mismatch":${f.flowId !== 0}}`;
  if (f.walked) {
    const outer = layout.outerIp;
    s += `,"outer":{"ipVersion":${outer.version},"src":"${ipText(frame, outer, false)}","dst":"${ipText(frame, outer, true)}"`;
    if (layout.outerVlanCount > 0) s += `,"vlan":${u16(frame, ETH.TYPE + 2) & 0x0fff}`;
    s += '}';
    const inner = layout.innerIp;
    const ie = layout.innerEthernetOffset;
    s += `,"inner":{"offset":${ie},"length":${layout.innerEnd - ie},"etherType":${layout.innerEtherType}`;
    if (inner.version !== 0) {
      s += `,"ipVersion":${inner.version},"src":"${ipText(frame, inner, false)}","dst":"${ipText(frame, inner, true)}","protocol":${inner.protocol}`;
      const [sp, dp] = ports(frame);
      if (sp >= 0) s += `,"srcPort":${sp},"dstPort":${dp}`;
      if (inner.fragment) s += ',"fragment":true';
    }
    s += '}';
  } else {
    s += `,"outer":null,"inner":null`;
  }
  const c = f.checksums;
  if (c) {
    const p = c.transport.protocol;
    s += `,"checksums":{"outerIpv4":${jsonStatus(c.outerIpv4)},"innerIpv4":${jsonStatus(c.innerIpv4)},"transport":{"protocol":${
      typeof p === 'number' ? p : '"' + p + '"'
    },"status":${jsonStatus(c.transport.status)}}}`;
  } else {
    s += ',"checksums":null';
  }
  if (f.dropReasons.length > 0) {
    s += `,"reason":{"code":"${f.dropReasons[0]}","codes":["${f.dropReasons.join('","')}"],"message":"a strict RFC 7637 receiver drops this frame"}`;
  } else if (f.innerError !== null) {
    s += `,"reason":{"code":"INNER","codes":[],"message":${JSON.stringify(f.innerError)}}`;
  } else {
    s += ',"reason":null';
  }
  return s + extra + '}';
}
