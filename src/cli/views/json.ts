/**
 * `nvgre decode --json`: one JSON object per frame (JSON Lines). The keys of the first release stay
 * (`frame`, `length`, `nvgre`, `vsid`, `flowId`, `key`, `outer`, `inner`, `checksums`, `reason`); `drop`
 * is the strict receiver's verdict, `payload` the TCP/UDP payload length, and `fields` carries every
 * field of the `-V` tree by its filter name (docs/filter.md).
 */
import { FRAME_FIELDS, formatIpv4, formatIpv6, keyReadings, writeFrameFieldsJson, type CaptureTimestamp, type ChecksumReport, type FrameField, type FrameView, type JsonSink } from '../../index.js';

export interface JsonOptions {
  /** Also the key as a draft-era peer reads it (TNI + reserved byte). */
  readonly legacyKey?: boolean;
}

function str(x: unknown): string {
  return JSON.stringify(x);
}

/** A field of the catalogue by its filter name; a name missing from it is a defect here, reported at load. */
function field(name: string): FrameField {
  const f = FRAME_FIELDS.find((x) => x.name === name);
  if (f === undefined) throw new Error(`decode --json: the field catalogue has no "${name}"`);
  return f;
}

// The fields the line repeats at its top level, read as `fields` holds them.
const F = {
  outerSrc: field('outer.ip.src'),
  outerDst: field('outer.ip.dst'),
  outerVlan: field('outer.vlan'),
  innerSrc: field('inner.ip.src'),
  innerDst: field('inner.ip.dst'),
  srcPort: field('inner.srcport'),
  dstPort: field('inner.dstport'),
  innerVlan: field('inner.vlan'),
  tcpSeq: field('inner.tcp.seq'),
  udpLength: field('inner.udp.length'),
  payload: field('payload'),
};

/** An address field as JSON. */
function writeAddress(out: JsonSink, v: FrameView, f: FrameField): void {
  const x = f.get(v) as Uint8Array | undefined;
  if (x === undefined) return out.text('null');
  out.text('"');
  out.text(x.length === 4 ? formatIpv4(x) : formatIpv6(x));
  out.text('"');
}

/**
 * Writes the JSON object of the frame loaded in `view` (frame number `n`) and its newline into `out`;
 * `extra` is appended inside the object. Written piece by piece, numbers as digits, with no string
 * of the line in between (json-bytes.ts in the library says why): alternated on 258 MB, one thread,
 * 7.9 s as one string per line, 6.8 s with only `fields` as bytes, 6.2 s so.
 */
export function writeJsonLine(out: JsonSink, view: FrameView, n: number, o: JsonOptions, ts: CaptureTimestamp, extra = ''): void {
  const v = view;
  if (v.nvgre) writeNvgreHead(out, v, n, o);
  else out.text(notNvgreHead(v, n));
  const drop = v.drop;
  out.text(drop === null ? ',"drop":null,"fields":' : `,"drop":${str(drop)},"fields":`);
  writeFrameFieldsJson(v, out);
  writeTimestamp(out, ts);
  if (extra !== '') out.text(extra);
  out.text('}\n');
}

const ZEROS = ['', '0', '00', '000', '0000', '00000'];

/** `,"ts":` and the capture time in seconds with six decimals (microseconds, rounded down), as timestamp() in decode.ts writes it. */
export function writeTimestamp(out: JsonSink, ts: CaptureTimestamp): void {
  const us = Math.floor(ts.nanoseconds / 1000);
  const micros = us % 1_000_000;
  const seconds = ts.seconds + Math.floor(us / 1_000_000);
  out.text(',"ts":');
  // Digits are exact to 2^53 - 1; a pcapng clock of whole seconds can go past it, as String writes it.
  if (seconds <= Number.MAX_SAFE_INTEGER) out.decimal(seconds);
  else out.text(String(seconds));
  out.text('.');
  let digits = 1;
  for (let t = micros; t >= 10; t = Math.floor(t / 10)) digits++;
  out.text(ZEROS[6 - digits]!);
  out.decimal(micros);
}

/** The members before `drop` of a frame that is not NVGRE. */
function notNvgreHead(v: FrameView, n: number): string {
  const e = v.error!;
  return (
    `{"frame":${n},"length":${v.bytes.length},"nvgre":false,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,` +
    `"reason":{"code":"${e.code}","codes":["${e.code}"],"layer":${str(e.layer)},"offset":${e.offset},"message":${str(e.message)}}`
  );
}

/** The last checksum outcome met and its JSON (frames in a row mostly share one), as the summary keeps its text. */
let lastSums: { outer: string; inner: string; protocol: unknown; status: string; json: string } | undefined;

function checksumsJson(c: ChecksumReport): string {
  const t = c.transport;
  const last = lastSums;
  if (last !== undefined && last.outer === c.outerIpv4 && last.inner === c.innerIpv4 && last.protocol === t.protocol && last.status === t.status) return last.json;
  const p = t.protocol;
  const json = `,"checksums":{"outerIpv4":"${c.outerIpv4}","innerIpv4":"${c.innerIpv4}","transport":{"protocol":${typeof p === 'number' ? p : `"${p}"`},"status":"${t.status}"}}`;
  lastSums = { outer: c.outerIpv4, inner: c.innerIpv4, protocol: p, status: t.status, json };
  return json;
}

/** The members before `drop` of an NVGRE frame. */
function writeNvgreHead(out: JsonSink, v: FrameView, n: number, o: JsonOptions): void {
  const vsid = v.vsid!;
  out.text('{"frame":');
  out.decimal(n);
  out.text(',"length":');
  out.decimal(v.bytes.length);
  out.text(',"nvgre":true,"vsid":');
  out.decimal(vsid);
  out.text(',"flowId":');
  out.decimal(v.flowId!);
  out.text(',"key":');
  out.decimal(v.key!);
  if (o.legacyKey) {
    // docs/nvgre.md §7: the draft's text (low24) and figure readings; null where that layout drops the key.
    const r = keyReadings(v.key!);
    const mismatch = r.low24 !== vsid || r.figure !== vsid || r.rfc7637.vsid !== vsid;
    out.text(`,"legacy":{"low24":${r.low24 ?? 'null'},"figure":${r.figure ?? 'null'},"mismatch":${mismatch}}`);
  }
  const l = v.layout;
  if (v.inner) {
    // The walk reached the inner frame: the outer header was captured whole.
    out.text(',"outer":{"ipVersion":');
    out.decimal(l.outerIp.version);
    out.text(',"src":');
    writeAddress(out, v, F.outerSrc);
    out.text(',"dst":');
    writeAddress(out, v, F.outerDst);
    const vlan = F.outerVlan.get(v);
    if (Array.isArray(vlan)) {
      out.text(',"vlan":');
      out.decimal(vlan[0] as number);
    }
    const ie = l.innerEthernetOffset;
    out.text('},"inner":{"offset":');
    out.decimal(ie);
    out.text(',"length":');
    out.decimal(l.innerEnd - ie);
    out.text(',"etherType":');
    out.decimal(l.innerEtherType);
    const ip = l.innerIp;
    if (ip.version !== 0) {
      out.text(',"ipVersion":');
      out.decimal(ip.version);
      out.text(',"src":');
      writeAddress(out, v, F.innerSrc);
      out.text(',"dst":');
      writeAddress(out, v, F.innerDst);
      out.text(',"protocol":');
      out.decimal(ip.protocol);
      // Ports where `fields` has them: with a whole TCP or UDP header (a TCP header cut after its ports has no TCP layer).
      if (F.tcpSeq.get(v) !== undefined || F.udpLength.get(v) !== undefined) {
        out.text(',"srcPort":');
        out.decimal(F.srcPort.get(v) as number);
        out.text(',"dstPort":');
        out.decimal(F.dstPort.get(v) as number);
      }
      if (ip.fragment) out.text(',"fragment":true');
    }
    const innerVlan = F.innerVlan.get(v);
    if (Array.isArray(innerVlan)) {
      out.text(',"vlan":');
      out.decimal(innerVlan[0] as number);
    }
    out.text('}');
    const payload = F.payload.get(v);
    if (typeof payload === 'number') {
      out.text(',"payload":');
      out.decimal(payload);
    }
  } else {
    out.text(',"outer":null,"inner":null');
  }
  const c = v.inner ? v.checksums : null;
  out.text(c ? checksumsJson(c) : ',"checksums":null');
  const reasons = v.decapsulated!.dropReasons;
  if (reasons.length > 0) {
    out.text(`,"reason":{"code":"${reasons[0]}","codes":["${reasons.join('","')}"],"message":"a strict RFC 7637 receiver drops this frame"}`);
  } else if (!v.inner && v.walkError !== null) {
    out.text(`,"reason":{"code":"INNER","codes":[],"message":${str(v.walkError.message)}}`);
  } else {
    out.text(',"reason":null');
  }
}
