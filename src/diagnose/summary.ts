/**
 * The one-line summary of a frame (`nvgre decode`, `nvgre demo`): VSID, FlowID, outer addresses, inner
 * endpoints and protocol, TCP flags, the TCP/UDP payload length (`payload N`, what tshark calls Len),
 * an inner VLAN tag, the checksum statuses, and why a strict receiver drops the frame.
 */
import { formatIpv4, formatIpv6, formatMac } from '../wire/address.js';
import { u16 } from '../wire/bytes.js';
import { ETH } from '../wire/ethernet.js';
import { TCP } from '../wire/tcp.js';
import { keyReadings } from '../wire/gre.js';
import type { LayerStatus } from '../offload/report.js';
import { addressText, frameField, icmpAt, payloadLength, portsAt, tcpAt, type FieldValue } from './fields.js';
import { assertView, type FrameView } from './frame-view.js';
import { hexText } from './tree.js';

export interface FrameSummaryOptions {
  /** Also show the key the way draft-era peers read it: TNI (24 bits) + reserved byte (docs/nvgre.md §7). */
  readonly legacyKey?: boolean;
}

const PROTOCOL_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 47: 'GRE' };
const ETHERTYPE_NAMES: Record<number, string> = { 0x0806: 'ARP', 0x88cc: 'LLDP', 0x8035: 'RARP' };
const ICMP_NAMES: Record<number, string> = { 0: 'echo reply', 3: 'unreachable', 8: 'echo request', 11: 'time exceeded' };
const ICMPV6_NAMES: Record<number, string> = { 1: 'unreachable', 2: 'packet too big', 3: 'time exceeded', 128: 'echo request', 129: 'echo reply', 133: 'router solicitation', 134: 'router advertisement', 135: 'neighbor solicitation', 136: 'neighbor advertisement' };

/** tcpdump's flag letters: S SYN, F FIN, R RST, P PSH, U URG, E ECE, W CWR, `.` ACK. */
export function tcpFlagLetters(flags: number): string {
  let s = '';
  if (flags & 0x02) s += 'S';
  if (flags & 0x01) s += 'F';
  if (flags & 0x04) s += 'R';
  if (flags & 0x08) s += 'P';
  if (flags & 0x20) s += 'U';
  if (flags & 0x40) s += 'E';
  if (flags & 0x80) s += 'W';
  if (flags & 0x10) s += '.';
  return s === '' ? 'none' : s;
}

function text(v: FrameView, name: string): string {
  const x = frameField(name)!.get(v) as FieldValue | undefined;
  if (x === undefined) return '?';
  if (x instanceof Uint8Array) return x.length === 6 ? formatMac(x, 0) : x.length === 4 ? formatIpv4(x, 0) : formatIpv6(x, 0);
  return String(x);
}

function num(v: FrameView, name: string): number | undefined {
  return frameField(name)!.get(v) as number | undefined;
}

const INNER_VLAN = frameField('inner.vlan')!;

/**
 * Decimal text of the numbers below 65,536 (ports, payload lengths), made once each as first met: a
 * line per frame converted them anew (`decode` of 258 MB: NumberToString and ToString were 4 % of it).
 */
let decimals: (string | undefined)[] | undefined;

function decimal(n: number): string {
  if (n >= 0x10000) return String(n);
  decimals ??= new Array<string | undefined>(0x10000).fill(undefined); // packed: a sparse array would be a dictionary
  return (decimals[n] ??= String(n));
}

/** The summary's start, `vsid 5001 (0x001389) flow 0x00`, kept per GRE key in a direct-mapped table. */
const KEY_MEMO_SIZE = 1024;
const keyMemoKeys = new Float64Array(KEY_MEMO_SIZE).fill(-1);
const keyMemoTexts: (string | undefined)[] = new Array<string | undefined>(KEY_MEMO_SIZE).fill(undefined);

function keyText(vsid: number, flowId: number): string {
  const key = vsid * 256 + flowId;
  const slot = (vsid ^ (vsid >>> 10) ^ (flowId << 2)) & (KEY_MEMO_SIZE - 1);
  if (keyMemoKeys[slot] === key) return keyMemoTexts[slot]!;
  const text = `vsid ${vsid} (${hexText(vsid, 6)}) flow ${hexText(flowId, 2)}`;
  keyMemoKeys[slot] = key;
  keyMemoTexts[slot] = text;
  return text;
}

/** The checksum statuses' text of the last outcome met (frames in a row mostly share one). */
let lastSums: { outer: LayerStatus; inner: LayerStatus; protocol: unknown; status: LayerStatus; text: string } | undefined;

function checksumText(v: FrameView): string {
  const r = v.checksums;
  if (r === null) return '';
  const last = lastSums;
  if (last !== undefined && last.outer === r.outerIpv4 && last.inner === r.innerIpv4 && last.protocol === r.transport.protocol && last.status === r.transport.status) return last.text;
  const text = checksumTextOf(r);
  lastSums = { outer: r.outerIpv4, inner: r.innerIpv4, protocol: r.transport.protocol, status: r.transport.status, text };
  return text;
}

function checksumTextOf(r: NonNullable<FrameView['checksums']>): string {
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

/** The inner address and port (`10.0.0.1:80`, `[fd00::1]:80`): `inner.ip.src`/`dst` and `inner.srcport`/`dstport`, read once. */
function endpoint(v: FrameView, dst: boolean, ports: number): string {
  const ip = v.layout.innerIp;
  const a = addressText(v, ip, dst);
  if (ports < 0) return a;
  const port = decimal(u16(v.bytes, ports + (dst ? 2 : 0)));
  return ip.version === 6 && a !== '?' ? `[${a}]:${port}` : `${a}:${port}`;
}

function innerText(v: FrameView): string {
  const l = v.layout;
  let s: string;
  if (l.innerIp.version !== 0) {
    const p = l.innerIp.protocol;
    const ports = portsAt(v);
    s = `${endpoint(v, false, ports)} > ${endpoint(v, true, ports)} ${PROTOCOL_NAMES[p] ?? `proto ${p}`}`;
    const tcp = tcpAt(v);
    if (tcp >= 0) s += ` [${tcpFlagLetters(v.bytes[tcp + TCP.FLAGS]!)}]`;
    const icmp = icmpAt(v);
    if (icmp >= 0) {
      const type = v.bytes[icmp]!;
      const name = (p === 58 ? ICMPV6_NAMES : ICMP_NAMES)[type];
      s += name !== undefined ? ` ${name}` : ` type ${type} code ${v.bytes[icmp + 1]!}`;
    }
    if (l.innerIp.fragment) s += ' fragment';
  } else {
    const ie = l.innerEthernetOffset;
    const et = l.innerEtherType;
    s = `${formatMac(v.bytes, ie + ETH.SRC)} > ${formatMac(v.bytes, ie + ETH.DST)} ${ETHERTYPE_NAMES[et] ?? 'ethertype ' + hexText(et, 4)}`;
    const op = num(v, 'inner.arp.opcode');
    if (op === 1) s += ` who-has ${text(v, 'inner.arp.dst.ip')} tell ${text(v, 'inner.arp.src.ip')}`;
    else if (op === 2) s += ` ${text(v, 'inner.arp.src.ip')} is-at ${text(v, 'inner.arp.src.mac')}`;
  }
  if (l.innerVlanCount > 0) s += ` vlan ${(INNER_VLAN.get(v) as number[]).join(',')}`;
  const payload = payloadLength(v);
  if (payload !== undefined) s += ` payload ${decimal(payload)}`;
  return s;
}

/**
 * How peers using the first draft's two key layouts read `key` (docs/nvgre.md §7), and whether either
 * differs from `vsid` (this view's reading): "draft text (low24) VSID 0x138900, draft figure VSID
 * 0x001389 — differs".
 */
function otherReadings(key: number, vsid: number): string {
  const r = keyReadings(key);
  const low24 = r.low24 === null ? `drops (high byte ${hexText(key >>> 24, 2)})` : `VSID ${hexText(r.low24, 6)}`;
  const figure = r.figure === null ? `drops (low byte ${hexText(key & 0xff, 2)})` : `VSID ${hexText(r.figure, 6)}`;
  const differs = r.low24 !== vsid || r.figure !== vsid || r.rfc7637.vsid !== vsid;
  return `draft text (low24) ${low24}, draft figure ${figure}${differs ? ' — differs' : ''}`;
}

/**
 * One line for the frame loaded in `view` (without the frame number): for NVGRE, the VSID, FlowID,
 * outer addresses, inner endpoints and protocol, `payload N`, checksums and the strict receiver's
 * drop reasons; otherwise `not NVGRE` with the typed reason.
 */
export function frameSummary(view: FrameView, options: FrameSummaryOptions = {}): string {
  assertView(view);
  if (options === null || typeof options !== 'object') throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const v = view;
  if (!v.nvgre) {
    const e = v.error!;
    return `not NVGRE  ${e.code} (${e.layer} byte ${e.offset}): ${e.message}`;
  }
  const vsid = v.vsid!;
  const flowId = v.flowId!;
  let s = keyText(vsid, flowId);
  if (options.legacyKey) s += ` [${otherReadings(v.key!, vsid)}]`;
  const l = v.layout;
  if (l.outerIp.version !== 0) {
    s += `  ${addressText(v, l.outerIp, false)} > ${addressText(v, l.outerIp, true)}`;
    if (l.outerVlanCount > 0) s += ` vlan ${u16(v.bytes, ETH.TYPE + 2) & 0x0fff}`;
  }
  if (!v.inner) {
    s += '  inner ?';
    if (v.walkError !== null) s += ` (${v.walkError.message})`;
  } else {
    s += '  |  ' + innerText(v);
    const c = checksumText(v);
    if (c !== '') s += '  ' + c;
  }
  const reasons = v.decapsulated!.dropReasons;
  if (reasons.length > 0) s += `  ! strict receivers drop it: ${reasons.join(', ')}`;
  return s;
}
