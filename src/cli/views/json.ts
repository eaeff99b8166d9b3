/**
 * `nvgre decode --json`: one JSON object per frame (JSON Lines). The keys of the first release stay
 * (`frame`, `length`, `nvgre`, `vsid`, `flowId`, `key`, `outer`, `inner`, `checksums`, `reason`); `drop`
 * is the strict receiver's verdict, `payload` the TCP/UDP payload length, and `fields` carries every
 * field of the `-V` tree by its filter name (docs/filter.md).
 */
import { FRAME_FIELDS, formatIpv4, formatIpv6, frameFieldsJson, keyReadings, type FrameField, type FrameView } from '../../index.js';

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

/** An address field as JSON text. */
function address(v: FrameView, f: FrameField): string {
  const x = f.get(v) as Uint8Array | undefined;
  return x === undefined ? 'null' : `"${x.length === 4 ? formatIpv4(x) : formatIpv6(x)}"`;
}

/** The JSON object of the frame loaded in `view` (frame number `n`); `extra` is appended inside it. */
export function jsonLine(view: FrameView, n: number, o: JsonOptions = {}, extra = ''): string {
  const v = view;
  const drop = v.drop;
  const tail = `,"drop":${drop === null ? 'null' : str(drop)},"fields":${frameFieldsJson(v)}${extra}}`;
  if (!v.nvgre) {
    const e = v.error!;
    return (
      `{"frame":${n},"length":${v.bytes.length},"nvgre":false,"vsid":null,"flowId":null,"key":null,"outer":null,"inner":null,"checksums":null,` +
      `"reason":{"code":"${e.code}","codes":["${e.code}"],"layer":${str(e.layer)},"offset":${e.offset},"message":${str(e.message)}}${tail}`
    );
  }
  const vsid = v.vsid!;
  const flowId = v.flowId!;
  let s = `{"frame":${n},"length":${v.bytes.length},"nvgre":true,"vsid":${vsid},"flowId":${flowId},"key":${v.key!}`;
  if (o.legacyKey) {
    // docs/nvgre.md §7: the draft's text (low24) and figure readings; null where that layout drops the key.
    const r = keyReadings(v.key!);
    const mismatch = r.low24 !== vsid || r.figure !== vsid || r.rfc7637.vsid !== vsid;
    s += `,"legacy":{"low24":${r.low24 ?? 'null'},"figure":${r.figure ?? 'null'},"mismatch":${mismatch}}`;
  }
  const l = v.layout;
  if (v.inner) {
    const outer = l.outerIp;
    // The walk reached the inner frame: the outer header was captured whole.
    s += `,"outer":{"ipVersion":${outer.version},"src":${address(v, F.outerSrc)},"dst":${address(v, F.outerDst)}`;
    const vlan = F.outerVlan.get(v);
    if (Array.isArray(vlan)) s += `,"vlan":${vlan[0] as number}`;
    s += '}';
    const ie = l.innerEthernetOffset;
    s += `,"inner":{"offset":${ie},"length":${l.innerEnd - ie},"etherType":${l.innerEtherType}`;
    if (l.innerIp.version !== 0) {
      s += `,"ipVersion":${l.innerIp.version},"src":${address(v, F.innerSrc)},"dst":${address(v, F.innerDst)},"protocol":${l.innerIp.protocol}`;
      // Ports where `fields` has them: with a whole TCP or UDP header (a TCP header cut after its ports has no TCP layer).
      if (F.tcpSeq.get(v) !== undefined || F.udpLength.get(v) !== undefined) s += `,"srcPort":${F.srcPort.get(v) as number},"dstPort":${F.dstPort.get(v) as number}`;
      if (l.innerIp.fragment) s += ',"fragment":true';
    }
    const innerVlan = F.innerVlan.get(v);
    if (Array.isArray(innerVlan)) s += `,"vlan":${innerVlan[0] as number}`;
    s += '}';
    const payload = F.payload.get(v);
    if (typeof payload === 'number') s += `,"payload":${payload}`;
  } else {
    s += `,"outer":null,"inner":null`;
  }
  const c = v.inner ? v.checksums : null;
  if (c) {
    const p = c.transport.protocol;
    s += `,"checksums":{"outerIpv4":"${c.outerIpv4}","innerIpv4":"${c.innerIpv4}","transport":{"protocol":${typeof p === 'number' ? p : `"${p}"`},"status":"${c.transport.status}"}}`;
  } else {
    s += ',"checksums":null';
  }
  const reasons = v.decapsulated!.dropReasons;
  if (reasons.length > 0) {
    s += `,"reason":{"code":"${reasons[0]}","codes":["${reasons.join('","')}"],"message":"a strict RFC 7637 receiver drops this frame"}`;
  } else if (!v.inner && v.walkError !== null) {
    s += `,"reason":{"code":"INNER","codes":[],"message":${str(v.walkError.message)}}`;
  } else {
    s += ',"reason":null';
  }
  return s + tail;
}

