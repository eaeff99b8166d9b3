/**
 * `nvgre decode --json`: one JSON object per frame (JSON Lines). The keys of the first release stay
 * (`frame`, `length`, `nvgre`, `vsid`, `flowId`, `key`, `outer`, `inner`, `checksums`, `reason`); `drop`
 * is the strict receiver's verdict, `payload` the TCP/UDP payload length, and `fields` carries every
 * field of the `-V` tree by its filter name (docs/filter.md).
 */
import { frameFieldValues, keyReadings, type FrameView } from '../../index.js';

export interface JsonOptions {
  /** Also the key as a draft-era peer reads it (TNI + reserved byte). */
  readonly legacyKey?: boolean;
}

function str(x: unknown): string {
  return JSON.stringify(x);
}

/** The JSON object of the frame loaded in `view` (frame number `n`); `extra` is appended inside it. */
export function jsonLine(view: FrameView, n: number, o: JsonOptions = {}, extra = ''): string {
  const v = view;
  const fields = frameFieldValues(v);
  const drop = v.drop;
  const tail = `,"drop":${drop === null ? 'null' : str(drop)},"fields":${str(fields)}${extra}}`;
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
    s += `,"outer":{"ipVersion":${outer.version},"src":${str(fields['outer.ip.src'])},"dst":${str(fields['outer.ip.dst'])}`;
    const vlan = fields['outer.vlan'];
    if (Array.isArray(vlan)) s += `,"vlan":${vlan[0] as number}`;
    s += '}';
    const ie = l.innerEthernetOffset;
    s += `,"inner":{"offset":${ie},"length":${l.innerEnd - ie},"etherType":${l.innerEtherType}`;
    if (l.innerIp.version !== 0) {
      s += `,"ipVersion":${l.innerIp.version},"src":${str(fields['inner.ip.src'])},"dst":${str(fields['inner.ip.dst'])},"protocol":${l.innerIp.protocol}`;
      if (typeof fields['inner.srcport'] === 'number') s += `,"srcPort":${fields['inner.srcport']},"dstPort":${fields['inner.dstport'] as number}`;
      if (l.innerIp.fragment) s += ',"fragment":true';
    }
    const innerVlan = fields['inner.vlan'];
    if (Array.isArray(innerVlan)) s += `,"vlan":${innerVlan[0] as number}`;
    s += '}';
    if (typeof fields.payload === 'number') s += `,"payload":${fields.payload}`;
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

