/**
 * The field tree of one frame (`nvgre decode -V`, like `tshark -V` but with the NVGRE semantics): its
 * layers in wire order, each with a title, its byte range (what `decode -x` marks) and its fields, every
 * one a field of the model (fields.ts) under its filter name, with its value and a display line.
 * Plain data: the CLI prints it, the JSON output carries it, other tools can render it their own way.
 */
import { formatIpv4, formatIpv6, formatMac } from '../wire/address.js';
import { TCP } from '../wire/tcp.js';
import { IpProtocol } from '../wire/ipv4.js';
import { frameField, type FieldValue, type FrameField } from './fields.js';
import { assertView, type FrameView } from './frame-view.js';
import { JsonBytes, assertSink, utf8, type JsonSink } from './json-bytes.js';
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

/**
 * A row with its field looked up once. Every row has every property, in one order (absent ones
 * undefined): the loops over rows then read them from one object shape, where rows spread from
 * `Row`s with and without their optional properties had eight, and each read went through V8's
 * megamorphic lookup (about 8 % of `decode --json`'s profile with the calls of the getters).
 */
interface Resolved {
  readonly field: string;
  readonly label: string;
  readonly format: Format | undefined;
  readonly depth: number;
  readonly absent: string | undefined;
  readonly f: FrameField;
  /** The field's reader, read out of `f` once (fields' objects differ in shape too). */
  readonly get: FrameField['get'];
  /** `{"name":` and `,"name":` in UTF-8: the field's member in {@link frameFieldsJson}, first or not. */
  readonly first: Uint8Array;
  readonly next: Uint8Array;
}

function resolve(list: readonly Row[]): Resolved[] {
  return list.map((r) => {
    const f = frameField(r.field)!;
    const member = `${JSON.stringify(f.name)}:`;
    return { field: r.field, label: r.label, format: r.format, depth: r.depth ?? 0, absent: r.absent, f, get: f.get, first: utf8(`{${member}`), next: utf8(`,${member}`) };
  });
}

function rows(v: FrameView, list: readonly Resolved[]): FieldNode[] {
  const out: FieldNode[] = [];
  for (const r of list) {
    const f = r.f;
    const x = r.get(v);
    if (x === undefined || (Array.isArray(x) && x.length === 0)) {
      if (r.absent !== undefined) out.push({ name: f.name, label: r.label, value: null, text: `${r.label}: ${r.absent}`, depth: r.depth });
      continue;
    }
    const format = r.format ?? dec;
    const values = (Array.isArray(x) ? x : [x]) as readonly FieldValue[];
    out.push({
      name: f.name,
      label: r.label,
      value: Array.isArray(x) ? values.map(jsonOf) : jsonOf(x as FieldValue),
      text: `${r.label}: ${values.map(format).join(', ')}`,
      depth: r.depth,
    });
  }
  return out;
}

/** The values of `list` into `out` (the first value of a name wins), without the display text. */
function values(v: FrameView, list: readonly Resolved[], out: Record<string, FieldJson>): void {
  for (const r of list) {
    const name = r.f.name;
    if (name in out) continue;
    const x = r.get(v);
    if (x === undefined || (Array.isArray(x) && x.length === 0)) {
      if (r.absent !== undefined) out[name] = null;
    } else {
      out[name] = Array.isArray(x) ? (x as readonly FieldValue[]).map(jsonOf) : jsonOf(x as FieldValue);
    }
  }
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

const NVGRE_ROWS = resolve([
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
]);

const TCP_ROWS = resolve([
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
]);

const UDP_ROWS = resolve([
  { field: 'inner.srcport', label: 'Source Port' },
  { field: 'inner.dstport', label: 'Destination Port' },
  { field: 'inner.udp.length', label: 'Length' },
  { field: 'inner.udp.checksum', label: 'Checksum', format: hex(4) },
  { field: 'csum.transport', label: 'Checksum status', depth: 1 },
  { field: 'payload', label: 'UDP payload', format: bytes },
]);

const ICMP_ROWS = resolve([
  { field: 'inner.icmp.type', label: 'Type' },
  { field: 'inner.icmp.code', label: 'Code' },
  { field: 'inner.icmp.checksum', label: 'Checksum', format: hex(4) },
  { field: 'csum.transport', label: 'Checksum status', depth: 1 },
]);

const ARP_ROWS = resolve([
  { field: 'inner.arp.opcode', label: 'Opcode', format: (x) => `${x === 1 ? 'request' : x === 2 ? 'reply' : 'unknown'} (${x as number})` },
  { field: 'inner.arp.src.mac', label: 'Sender MAC address' },
  { field: 'inner.arp.src.ip', label: 'Sender IP address' },
  { field: 'inner.arp.dst.mac', label: 'Target MAC address' },
  { field: 'inner.arp.dst.ip', label: 'Target IP address' },
]);

const ETH_ROWS = { outer: resolve(ethRows('outer')), inner: resolve(ethRows('inner')) };
const IP_ROWS = {
  outer: { 4: resolve(ipRows('outer', 4, 'csum.outer_ip')), 6: resolve(ipRows('outer', 6, 'csum.outer_ip')) },
  inner: { 4: resolve(ipRows('inner', 4, 'csum.inner_ip')), 6: resolve(ipRows('inner', 6, 'csum.inner_ip')) },
};
const FRAME_ROWS = resolve([
  { field: 'frame.number', label: 'Frame Number' },
  { field: 'frame.len', label: 'Frame Length', format: bytes },
  { field: 'frame.cap_len', label: 'Capture Length', format: bytes },
]);
const VERDICT_ROWS = resolve([
  { field: 'nvgre', label: 'NVGRE', format: (x) => (x ? 'yes' : 'no') },
  { field: 'drop', label: 'Strict RFC 7637 receiver', format: (x) => `drops it (${x as string})`, absent: 'accepts it' },
  { field: 'csum.ok', label: 'No bad checksum', format: (x) => (x ? 'yes' : 'no') },
  { field: 'lint.error', label: 'Lint errors', format: (x) => (x ? 'yes' : 'no') },
]);

const F = {
  outerSrc: frameField('outer.ip.src')!,
  outerDst: frameField('outer.ip.dst')!,
  innerSrc: frameField('inner.ip.src')!,
  innerDst: frameField('inner.ip.dst')!,
  outerEthSrc: frameField('outer.eth.src')!,
  outerEthDst: frameField('outer.eth.dst')!,
  innerEthSrc: frameField('inner.eth.src')!,
  innerEthDst: frameField('inner.eth.dst')!,
  arpOpcode: frameField('inner.arp.opcode')!,
  tcpSeq: frameField('inner.tcp.seq')!,
  udpLength: frameField('inner.udp.length')!,
  icmpType: frameField('inner.icmp.type')!,
  icmpCode: frameField('inner.icmp.code')!,
  srcPort: frameField('inner.srcport')!,
  dstPort: frameField('inner.dstport')!,
  payload: frameField('payload')!,
};

function text(v: FrameView, f: FrameField): string {
  const x = f.get(v);
  return x === undefined ? '?' : String(jsonOf(x as FieldValue));
}

/** One layer found in the frame: its rows, its bytes, and its title (made only when shown). */
interface LayerPlan {
  readonly layer: string;
  readonly title: () => string;
  readonly offset: number;
  readonly length: number;
  readonly rows: readonly Resolved[];
}

/** The layers present in the frame loaded in `v`, in wire order, then the verdict. */
function plan(v: FrameView): LayerPlan[] {
  const l = v.layout;
  const out: LayerPlan[] = [];
  out.push({ layer: 'frame', title: () => `Frame ${v.number}: ${v.originalLength} bytes on wire, ${v.bytes.length} bytes captured`, offset: 0, length: 0, rows: FRAME_ROWS });
  if (l.outerEthernetLength > 0) {
    out.push({ layer: 'outer-ethernet', title: () => `Ethernet II (outer), Src: ${text(v, F.outerEthSrc)}, Dst: ${text(v, F.outerEthDst)}`, offset: 0, length: l.outerEthernetLength, rows: ETH_ROWS.outer });
  }
  const oip = l.outerIp;
  if (oip.version !== 0) {
    const version = oip.version;
    out.push({
      layer: `outer-ipv${version}`,
      title: () => `Internet Protocol Version ${version} (outer), Src: ${text(v, F.outerSrc)}, Dst: ${text(v, F.outerDst)}`,
      offset: oip.offset,
      length: oip.headerLength,
      rows: IP_ROWS.outer[version],
    });
  }
  if (v.nvgre && l.greOffset >= 0) {
    out.push({ layer: 'nvgre', title: () => `Generic Routing Encapsulation (NVGRE), VSID: ${v.vsid}, FlowID: ${hexText(v.flowId!, 2)}`, offset: l.greOffset, length: l.greLength, rows: NVGRE_ROWS });
  } else if (!v.nvgre) {
    const e = v.error!;
    out.push({ layer: 'not-nvgre', title: () => `Not NVGRE: ${e.code} at ${e.layer} byte ${e.offset}: ${e.message}`, offset: 0, length: 0, rows: [] });
  }
  if (v.inner) {
    const ie = l.innerEthernetOffset;
    out.push({ layer: 'inner-ethernet', title: () => `Ethernet II (inner), Src: ${text(v, F.innerEthSrc)}, Dst: ${text(v, F.innerEthDst)}`, offset: ie, length: l.innerEthernetLength, rows: ETH_ROWS.inner });
    const iip = l.innerIp;
    if (iip.version !== 0) {
      const version = iip.version;
      out.push({
        layer: `inner-ipv${version}`,
        title: () => `Internet Protocol Version ${version} (inner), Src: ${text(v, F.innerSrc)}, Dst: ${text(v, F.innerDst)}`,
        offset: iip.offset,
        length: iip.headerLength,
        rows: IP_ROWS.inner[version],
      });
    }
    const t = l.transportOffset;
    const ports = () => `Src Port: ${text(v, F.srcPort)}, Dst Port: ${text(v, F.dstPort)}`;
    if (F.arpOpcode.get(v) !== undefined) {
      out.push({ layer: 'inner-arp', title: () => `Address Resolution Protocol (${F.arpOpcode.get(v) === 1 ? 'request' : 'reply'})`, offset: ie + l.innerEthernetLength, length: 28, rows: ARP_ROWS });
    } else if (F.tcpSeq.get(v) !== undefined) {
      const hl = (v.bytes[t + TCP.DATA_OFFSET]! >>> 4) * 4;
      out.push({ layer: 'inner-tcp', title: () => `Transmission Control Protocol, ${ports()}, Len: ${text(v, F.payload)}`, offset: t, length: Math.min(hl, l.transportEnd - t), rows: TCP_ROWS });
    } else if (F.udpLength.get(v) !== undefined) {
      out.push({ layer: 'inner-udp', title: () => `User Datagram Protocol, ${ports()}, Len: ${text(v, F.payload)}`, offset: t, length: 8, rows: UDP_ROWS });
    } else if (F.icmpType.get(v) !== undefined) {
      const v6 = l.transportProtocol === IpProtocol.ICMPV6;
      out.push({
        layer: v6 ? 'inner-icmpv6' : 'inner-icmp',
        title: () => `Internet Control Message Protocol${v6 ? ' v6' : ''}, Type: ${text(v, F.icmpType)}, Code: ${text(v, F.icmpCode)}`,
        offset: t,
        length: Math.min(8, l.transportEnd - t),
        rows: ICMP_ROWS,
      });
    }
  }
  const findings = () => v.findings.length;
  out.push({
    layer: 'verdict',
    title: () => `NVGRE verdict: ${v.drop === null ? (v.nvgre ? 'accepted' : 'not NVGRE') : `dropped (${v.drop})`}, ${findings()} lint finding${findings() === 1 ? '' : 's'}`,
    offset: 0,
    length: 0,
    rows: VERDICT_ROWS,
  });
  return out;
}

/**
 * The field tree of the frame loaded in `view`: every layer found, in wire order, then the verdict
 * (the strict receiver's, the checksums', the linter's, with one `lint` field per finding).
 */
export function frameFieldTree(view: FrameView): FieldLayer[] {
  assertView(view);
  return plan(view).map((p) => {
    const fields = rows(view, p.rows);
    if (p.layer === 'verdict') {
      for (const f of view.findings) {
        fields.push({ name: 'lint', label: 'Lint', value: f.code, text: `Lint: ${LINT_SEVERITY[f.code]} ${f.code} at byte ${f.offset} (${f.rfc}): ${f.message}`, depth: 1 });
      }
    }
    return { layer: p.layer, title: p.title(), offset: p.offset, length: p.length, fields };
  });
}

/**
 * Every field of {@link frameFieldTree} by its filter name, with its value (what the JSON output
 * carries): a field shown twice keeps its first value; `lint` is the list of finding codes.
 */
export function frameFieldValues(view: FrameView): Record<string, FieldJson> {
  assertView(view);
  const out: Record<string, FieldJson> = {};
  for (const p of plan(view)) values(view, p.rows, out);
  if (view.findings.length > 0) out['lint'] = view.findings.map((f) => f.code);
  return out;
}

const NULL = utf8('null');
const TRUE = utf8('true');
const FALSE = utf8('false');
const QUOTE = utf8('"');
const OPEN = utf8('[');
const COMMA = utf8(',');
const CLOSE = utf8(']');
const EMPTY = utf8('{}');
const END = utf8('}');
const LINT_FIRST = utf8('{"lint":[');
const LINT_NEXT = utf8(',"lint":[');

/** String values' JSON text (JSON.stringify: quoted, escaped), encoded once: fields' strings are a few words ("ok", "rfc7637"). */
const stringJson = new Map<string, Uint8Array>();
const STRING_JSON_MAX = 1024;

function writeString(x: string, out: JsonSink): void {
  let b = stringJson.get(x);
  if (b === undefined) {
    const j = JSON.stringify(x);
    if (stringJson.size >= STRING_JSON_MAX) return out.text(j);
    b = utf8(j);
    stringJson.set(x, b);
  }
  out.bytes(b);
}

/** A field value as JSON (what JSON.stringify writes for {@link jsonOf} of it). */
function writeValue(x: FieldValue | readonly FieldValue[], out: JsonSink): void {
  if (typeof x === 'number') {
    if (x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x) out.decimal(x);
    else if (Number.isFinite(x)) out.text(String(x));
    else out.bytes(NULL);
  } else if (typeof x === 'boolean') {
    out.bytes(x ? TRUE : FALSE);
  } else if (typeof x === 'string') {
    writeString(x, out);
  } else if (x instanceof Uint8Array) {
    // Address text: digits, hex, '.' and ':', nothing to escape.
    out.bytes(QUOTE);
    out.text(jsonOf(x) as string);
    out.bytes(QUOTE);
  } else {
    out.bytes(OPEN);
    for (let i = 0; i < x.length; i++) {
      if (i > 0) out.bytes(COMMA);
      writeValue(x[i]!, out);
    }
    out.bytes(CLOSE);
  }
}

/**
 * {@link frameFieldValues} as JSON, written into `out` piece by piece (what `nvgre decode --json`
 * writes for each frame, straight into its output bytes: json-bytes.ts says why), equal to the UTF-8
 * of `JSON.stringify(frameFieldValues(view))`. No layer plan names a field twice, so the "first value
 * wins" rule of frameFieldValues has nothing to do here (test/diagnose/fields-json.test.ts holds the
 * two equal on the corpus).
 */
export function writeFrameFieldsJson(view: FrameView, out: JsonSink): void {
  assertView(view);
  assertSink(out);
  let first = true;
  for (const p of plan(view)) {
    for (const r of p.rows) {
      const x = r.get(view);
      if (x === undefined || (Array.isArray(x) && x.length === 0)) {
        if (r.absent === undefined) continue;
        out.bytes(first ? r.first : r.next);
        out.bytes(NULL);
      } else {
        out.bytes(first ? r.first : r.next);
        writeValue(x as FieldValue | readonly FieldValue[], out);
      }
      first = false;
    }
  }
  const findings = view.findings;
  if (findings.length > 0) {
    out.bytes(first ? LINT_FIRST : LINT_NEXT);
    for (let i = 0; i < findings.length; i++) {
      if (i > 0) out.bytes(COMMA);
      writeString(findings[i]!.code, out);
    }
    out.bytes(CLOSE);
    first = false;
  }
  out.bytes(first ? EMPTY : END);
}

// TextDecoder is a global in every supported runtime; src/ compiles without DOM types.
declare const TextDecoder: new () => { decode(input: Uint8Array): string };
const fieldsJson = new JsonBytes();
const decoder = new TextDecoder();

/**
 * {@link frameFieldValues} as JSON text, equal to `JSON.stringify(frameFieldValues(view))`, written
 * straight from the fields without the object in between ({@link writeFrameFieldsJson}, as text).
 */
export function frameFieldsJson(view: FrameView): string {
  fieldsJson.reset();
  writeFrameFieldsJson(view, fieldsJson);
  return decoder.decode(fieldsJson.written);
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
  for (const l of plan(view)) add(l.layer, l.offset, l.length);
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
