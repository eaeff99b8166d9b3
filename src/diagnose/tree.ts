/**
 * The field tree of one frame (`nvgre decode -V`, like `tshark -V` but with the NVGRE semantics): its
 * layers in wire order, each with a title, its byte range (what `decode -x` marks) and its fields, every
 * one a field of the model (fields.ts) under its filter name, with its value and a display line.
 * Plain data: the CLI prints it, the JSON output carries it, other tools can render it their own way.
 */
import { formatIpv4, formatIpv6, formatMac } from '../wire/address.js';
import { TCP } from '../wire/tcp.js';
import { IpProtocol } from '../wire/ipv4.js';
import { frameField, type FieldValue } from './fields.js';
import { assertView, type FrameView } from './frame-view.js';
import { LINT_SEVERITY } from './lint.js';

/** A value as JSON carries it: addresses as text. */
export type FieldJson = number | boolean | string | null | readonly (number | boolean | string)[];

export interface FieldNode {
  /** The filter name of the field. */
  readonly name: string;
  readonly label: string;
  readonly value: FieldJson;
  /** `label: value` as shown, with names and hex where they help. */
  readonly text: string;
  /** 0 for a field of the layer, 1 for a part of the field above (a flag of a flags word, a status). */
  readonly depth: number;
}

export interface FieldLayer {
  /** `frame`, `outer-ethernet`, `outer-ipv4`, `nvgre`, `inner-tcp`, `verdict`, … */
  readonly layer: string;
  readonly title: string;
  /** Bytes of the frame the layer's header covers (`length` 0 for the frame and verdict layers). */
  readonly offset: number;
  readonly length: number;
  readonly fields: readonly FieldNode[];
}

/** A byte range of the frame and the layer it belongs to (headers, payload, trailer). */
export interface LayerSpan {
  readonly layer: string;
  readonly offset: number;
  readonly length: number;
}

// ---------------------------------------------------------------------------------------------
// Value text

const ETHERTYPES: Record<number, string> = { 0x0800: 'IPv4', 0x86dd: 'IPv6', 0x0806: 'ARP', 0x8100: '802.1Q', 0x88a8: '802.1ad', 0x6558: 'Transparent Ethernet Bridging', 0x88cc: 'LLDP' };
const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 58: 'ICMPv6', 59: 'No Next Header' };
const ECN = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];
const TCP_FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];

export function hexText(n: number, digits: number): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

function jsonOf(x: FieldValue): number | boolean | string {
  if (x instanceof Uint8Array) return x.length === 6 ? formatMac(x, 0) : x.length === 4 ? formatIpv4(x, 0) : formatIpv6(x, 0);
  return x;
}

type Format = (x: FieldValue) => string;

const dec: Format = (x) => String(jsonOf(x));
const hex = (digits: number): Format => (x) => hexText(x as number, digits);
const decHex = (digits: number): Format => (x) => `${x as number} (${hexText(x as number, digits)})`;
const named = (names: Record<number, string>, digits: number): Format => (x) => `${names[x as number] ?? 'unknown'} (${hexText(x as number, digits)})`;
const flag: Format = (x) => (x ? 'Set' : 'Not set');
const bytes: Format = (x) => `${x as number} bytes`;

export function tcpFlagsText(flags: number): string {
  const set = TCP_FLAG_NAMES.filter((_, i) => (flags & (1 << i)) !== 0);
  return set.length === 0 ? 'none' : set.join(', ');
}

interface Row {
  readonly field: string;
  readonly label: string;
  readonly format?: Format;
  readonly depth?: number;
  /** Shown (with a null value) when the field is absent; the row is skipped without it. */
  readonly absent?: string;
}

function rows(v: FrameView, list: readonly Row[]): FieldNode[] {
  const out: FieldNode[] = [];
  for (const r of list) {
    const f = frameField(r.field)!;
    const x = f.get(v);
    if (x === undefined || (Array.isArray(x) && x.length === 0)) {
      if (r.absent !== undefined) out.push({ name: f.name, label: r.label, value: null, text: `${r.label}: ${r.absent}`, depth: r.depth ?? 0 });
      continue;
    }
    const format = r.format ?? dec;
    const values = (Array.isArray(x) ? x : [x]) as readonly FieldValue[];
    out.push({
      name: f.name,
      label: r.label,
      value: Array.isArray(x) ? values.map(jsonOf) : jsonOf(x as FieldValue),
      text: `${r.label}: ${values.map(format).join(', ')}`,
      depth: r.depth ?? 0,
    });
  }
  return out;
}

function ethRows(p: 'outer' | 'inner'): Row[] {
  return [
    { field: `${p}.eth.dst`, label: 'Destination' },
    { field: `${p}.eth.src`, label: 'Source' },
    { field: `${p}.vlan.tpid`, label: 'VLAN tag protocol', format: named(ETHERTYPES, 4) },
    { field: `${p}.vlan.pcp`, label: 'Priority (PCP)', depth: 1 },
    { field: `${p}.vlan.dei`, label: 'Drop eligible (DEI)', depth: 1, format: flag },
    { field: `${p}.vlan`, label: 'VLAN ID', depth: 1 },
    { field: `${p}.eth.type`, label: 'Type', format: named(ETHERTYPES, 4) },
  ];
}

function ipRows(p: 'outer' | 'inner', version: 4 | 6, checksum: string): Row[] {
  const ip = `${p}.ip`;
  const common: Row[] = [
    { field: `${ip}.version`, label: 'Version' },
    { field: `${ip}.hdr_len`, label: 'Header Length', format: bytes },
    { field: `${ip}.dscp`, label: 'Differentiated Services Codepoint (DSCP)' },
    { field: `${ip}.ecn`, label: 'Explicit Congestion Notification (ECN)', format: (x) => `${ECN[x as number]} (${x as number})` },
  ];
  if (version === 4) {
    return [
      ...common,
      { field: `${ip}.len`, label: 'Total Length' },
      { field: `${ip}.id`, label: 'Identification', format: decHex(4) },
      { field: `${ip}.flags`, label: 'Flags', format: hex(1) },
      { field: `${ip}.df`, label: "Don't Fragment", depth: 1, format: flag },
      { field: `${ip}.mf`, label: 'More Fragments', depth: 1, format: flag },
      { field: `${ip}.frag_offset`, label: 'Fragment Offset' },
      { field: `${ip}.ttl`, label: 'Time to Live' },
      { field: `${ip}.proto`, label: 'Protocol', format: named(PROTOCOLS, 2) },
      { field: `${ip}.checksum`, label: 'Header Checksum', format: hex(4) },
      { field: checksum, label: 'Checksum status', depth: 1 },
      { field: `${ip}.src`, label: 'Source Address' },
      { field: `${ip}.dst`, label: 'Destination Address' },
    ];
  }
  return [
    ...common,
    { field: `${ip}.flow_label`, label: 'Flow Label', format: hex(5) },
    { field: `${ip}.plen`, label: 'Payload Length' },
    { field: `${ip}.proto`, label: 'Next Header (upper layer)', format: named(PROTOCOLS, 2) },
    { field: `${ip}.ttl`, label: 'Hop Limit' },
    { field: `${ip}.fragment`, label: 'Fragment', format: flag },
    { field: `${ip}.src`, label: 'Source Address' },
    { field: `${ip}.dst`, label: 'Destination Address' },
  ];
}

const NVGRE_ROWS: Row[] = [
  { field: 'gre.flags', label: 'Flags and Version', format: hex(4) },
  { field: 'gre.c', label: 'Checksum Present (must be clear)', depth: 1, format: flag },
  { field: 'gre.k', label: 'Key Present', depth: 1, format: flag },
  { field: 'gre.s', label: 'Sequence Number Present (must be clear)', depth: 1, format: flag },
  { field: 'gre.version', label: 'Version', depth: 1 },
  { field: 'gre.proto', label: 'Protocol Type', format: named(ETHERTYPES, 4) },
  { field: 'key', label: 'Key', format: hex(8) },
  { field: 'vsid', label: 'Virtual Subnet ID (VSID)', depth: 1, format: decHex(6) },
  { field: 'flowid', label: 'FlowID', depth: 1, format: decHex(2) },
  { field: 'key_layout', label: 'Key layout', depth: 1 },
];

const TCP_ROWS: Row[] = [
  { field: 'inner.srcport', label: 'Source Port' },
  { field: 'inner.dstport', label: 'Destination Port' },
  { field: 'inner.tcp.seq', label: 'Sequence Number' },
  { field: 'inner.tcp.ack', label: 'Acknowledgment Number' },
  { field: 'inner.tcp.hdr_len', label: 'Header Length', format: bytes },
  { field: 'inner.tcp.flags', label: 'Flags', format: (x) => `${hexText(x as number, 2)} (${tcpFlagsText(x as number)})` },
  ...['cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'].map((n): Row => ({ field: `inner.tcp.flags.${n}`, label: n.toUpperCase(), depth: 1, format: flag })),
  { field: 'inner.tcp.window', label: 'Window' },
  { field: 'inner.tcp.checksum', label: 'Checksum', format: hex(4) },
  { field: 'csum.transport', label: 'Checksum status', depth: 1 },
  { field: 'inner.tcp.urgent', label: 'Urgent Pointer' },
  { field: 'payload', label: 'TCP payload', format: bytes },
];

const UDP_ROWS: Row[] = [
  { field: 'inner.srcport', label: 'Source Port' },
  { field: 'inner.dstport', label: 'Destination Port' },
  { field: 'inner.udp.length', label: 'Length' },
  { field: 'inner.udp.checksum', label: 'Checksum', format: hex(4) },
  { field: 'csum.transport', label: 'Checksum status', depth: 1 },
  { field: 'payload', label: 'UDP payload', format: bytes },
];

const ICMP_ROWS: Row[] = [
  { field: 'inner.icmp.type', label: 'Type' },
  { field: 'inner.icmp.code', label: 'Code' },
  { field: 'inner.icmp.checksum', label: 'Checksum', format: hex(4) },
  { field: 'csum.transport', label: 'Checksum status', depth: 1 },
];

const ARP_ROWS: Row[] = [
  { field: 'inner.arp.opcode', label: 'Opcode', format: (x) => `${x === 1 ? 'request' : x === 2 ? 'reply' : 'unknown'} (${x as number})` },
  { field: 'inner.arp.src.mac', label: 'Sender MAC address' },
  { field: 'inner.arp.src.ip', label: 'Sender IP address' },
  { field: 'inner.arp.dst.mac', label: 'Target MAC address' },
  { field: 'inner.arp.dst.ip', label: 'Target IP address' },
];

// ---------------------------------------------------------------------------------------------
// Layers

function ipTitle(v: FrameView, p: 'outer' | 'inner', version: number): string {
  const src = jsonOf(frameField(`${p}.ip.src`)!.get(v) as FieldValue);
  const dst = jsonOf(frameField(`${p}.ip.dst`)!.get(v) as FieldValue);
  return `Internet Protocol Version ${version} (${p}), Src: ${src}, Dst: ${dst}`;
}

function ethTitle(v: FrameView, p: 'outer' | 'inner'): string {
  return `Ethernet II (${p}), Src: ${jsonOf(frameField(`${p}.eth.src`)!.get(v) as FieldValue)}, Dst: ${jsonOf(frameField(`${p}.eth.dst`)!.get(v) as FieldValue)}`;
}

function layer(name: string, title: string, offset: number, length: number, fields: FieldNode[]): FieldLayer {
  return { layer: name, title, offset, length, fields };
}

/**
 * The field tree of the frame loaded in `view`: every layer found, in wire order, then the verdict
 * (the strict receiver's, the checksums', the linter's).
 */
export function frameFieldTree(view: FrameView): FieldLayer[] {
  assertView(view);
  const v = view;
  const l = v.layout;
  const out: FieldLayer[] = [];
  out.push(
    layer('frame', `Frame ${v.number}: ${v.originalLength} bytes on wire, ${v.bytes.length} bytes captured`, 0, 0, rows(v, [
      { field: 'frame.number', label: 'Frame Number' },
      { field: 'frame.len', label: 'Frame Length', format: bytes },
      { field: 'frame.cap_len', label: 'Capture Length', format: bytes },
    ])),
  );
  if (l.outerEthernetLength > 0) out.push(layer('outer-ethernet', ethTitle(v, 'outer'), 0, l.outerEthernetLength, rows(v, ethRows('outer'))));
  const oip = l.outerIp;
  if (oip.version !== 0) out.push(layer(`outer-ipv${oip.version}`, ipTitle(v, 'outer', oip.version), oip.offset, oip.headerLength, rows(v, ipRows('outer', oip.version, 'csum.outer_ip'))));
  if (v.nvgre && l.greOffset >= 0) {
    out.push(layer('nvgre', `Generic Routing Encapsulation (NVGRE), VSID: ${v.vsid}, FlowID: ${hexText(v.flowId!, 2)}`, l.greOffset, l.greLength, rows(v, NVGRE_ROWS)));
  } else if (!v.nvgre) {
    const e = v.error!;
    out.push(layer('not-nvgre', `Not NVGRE: ${e.code} at ${e.layer} byte ${e.offset}: ${e.message}`, 0, 0, []));
  }
  if (v.inner) {
    const ie = l.innerEthernetOffset;
    out.push(layer('inner-ethernet', ethTitle(v, 'inner'), ie, l.innerEthernetLength, rows(v, ethRows('inner'))));
    const iip = l.innerIp;
    if (iip.version !== 0) out.push(layer(`inner-ipv${iip.version}`, ipTitle(v, 'inner', iip.version), iip.offset, iip.headerLength, rows(v, ipRows('inner', iip.version, 'csum.inner_ip'))));
    const t = l.transportOffset;
    const fields = (list: Row[]) => rows(v, list);
    if (frameField('inner.arp.opcode')!.get(v) !== undefined) {
      out.push(layer('inner-arp', `Address Resolution Protocol (${frameField('inner.arp.opcode')!.get(v) === 1 ? 'request' : 'reply'})`, ie + l.innerEthernetLength, 28, fields(ARP_ROWS)));
    } else if (frameField('inner.tcp.seq')!.get(v) !== undefined) {
      const hl = (v.bytes[t + TCP.DATA_OFFSET]! >>> 4) * 4;
      const f = fields(TCP_ROWS);
      const sp = frameField('inner.srcport')!.get(v);
      const dp = frameField('inner.dstport')!.get(v);
      out.push(layer('inner-tcp', `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Len: ${frameField('payload')!.get(v) ?? '?'}`, t, Math.min(hl, l.transportEnd - t), f));
    } else if (frameField('inner.udp.length')!.get(v) !== undefined) {
      const sp = frameField('inner.srcport')!.get(v);
      const dp = frameField('inner.dstport')!.get(v);
      out.push(layer('inner-udp', `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}, Len: ${frameField('payload')!.get(v)}`, t, 8, fields(UDP_ROWS)));
    } else if (frameField('inner.icmp.type')!.get(v) !== undefined) {
      const v6 = l.transportProtocol === IpProtocol.ICMPV6;
      out.push(layer(v6 ? 'inner-icmpv6' : 'inner-icmp', `Internet Control Message Protocol${v6 ? ' v6' : ''}, Type: ${frameField('inner.icmp.type')!.get(v)}, Code: ${frameField('inner.icmp.code')!.get(v)}`, t, Math.min(8, l.transportEnd - t), fields(ICMP_ROWS)));
    }
  }
  const verdict = rows(v, [
    { field: 'nvgre', label: 'NVGRE', format: (x) => (x ? 'yes' : 'no') },
    { field: 'drop', label: 'Strict RFC 7637 receiver', format: (x) => `drops it (${x as string})`, absent: 'accepts it' },
    { field: 'csum.ok', label: 'No bad checksum', format: (x) => (x ? 'yes' : 'no') },
  ]);
  const findings = v.findings;
  const lintRow = frameField('lint')!;
  const lintNodes: FieldNode[] = findings.map((f) => ({
    name: lintRow.name,
    label: 'Lint',
    value: f.code,
    text: `Lint: ${LINT_SEVERITY[f.code]} ${f.code} at byte ${f.offset} (${f.rfc}): ${f.message}`,
    depth: 1,
  }));
  const lintError = rows(v, [{ field: 'lint.error', label: 'Lint errors', format: (x) => (x ? 'yes' : 'no') }]);
  out.push(layer('verdict', `NVGRE verdict: ${v.drop === null ? (v.nvgre ? 'accepted' : 'not NVGRE') : `dropped (${v.drop})`}, ${findings.length} lint finding${findings.length === 1 ? '' : 's'}`, 0, 0, [
    ...verdict,
    ...lintError,
    ...lintNodes,
  ]));
  return out;
}

/**
 * The frame's bytes by layer, in order and without gaps: each header, the transport payload, and any
 * trailer after the outer datagram (Ethernet padding). What `decode -x` marks.
 */
export function frameLayerSpans(view: FrameView): LayerSpan[] {
  assertView(view);
  const spans: LayerSpan[] = [];
  let at = 0;
  const add = (name: string, offset: number, length: number) => {
    if (length <= 0 || offset < at) return;
    if (offset > at) spans.push({ layer: 'data', offset: at, length: offset - at });
    const end = Math.min(offset + length, view.bytes.length);
    if (end <= offset) return;
    spans.push({ layer: name, offset, length: end - offset });
    at = end;
  };
  for (const l of frameFieldTree(view)) add(l.layer, l.offset, l.length);
  const lay = view.layout;
  const tcp = frameField('inner.tcp.seq')!.get(view) !== undefined;
  const udp = frameField('inner.udp.length')!.get(view) !== undefined;
  if (view.inner && (tcp || udp)) {
    const payload = frameField('payload')!.get(view) as number | undefined;
    if (payload !== undefined && payload > 0) add('payload', lay.transportEnd - payload, payload);
  }
  // Bytes of the outer datagram no header claims, then what follows the datagram (Ethernet padding).
  const datagramEnd = lay.outerIp.version !== 0 ? Math.min(lay.outerIp.end, view.bytes.length) : view.bytes.length;
  if (datagramEnd > at) {
    spans.push({ layer: 'data', offset: at, length: datagramEnd - at });
    at = datagramEnd;
  }
  if (view.bytes.length > at) spans.push({ layer: 'trailer', offset: at, length: view.bytes.length - at });
  return spans;
}

/** The fields of the tree by filter name (a field with several values, or shown twice, as an array). */
export function frameFieldValues(tree: readonly FieldLayer[]): Record<string, FieldJson> {
  const out: Record<string, FieldJson> = {};
  for (const l of tree) {
    for (const f of l.fields) {
      const prev = out[f.name];
      if (prev === undefined || f.name === 'csum.transport') {
        out[f.name] = f.value;
      } else if (f.name === 'lint') {
        out[f.name] = [...(Array.isArray(prev) ? prev : [prev as string]), f.value as string];
      }
    }
  }
  if (typeof out['lint'] === 'string') out['lint'] = [out['lint']];
  return out;
}
