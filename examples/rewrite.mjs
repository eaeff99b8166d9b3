// A capture rewrite: keep the frames a display filter selects, decapsulate them, and encapsulate the
// inner frames again into a new VSID (moving a tenant's traffic to another virtual subnet), between
// the same provider addresses, keeping the timestamps.
//
//   node examples/rewrite.mjs [in.pcap] [out.pcap] [filter] [new VSID]      (after "npm run build")
import { readFileSync, writeFileSync } from 'node:fs';
import { FrameView, compileDisplayFilter, createEncapsulator, readCapture, tryDecapsulate, writePcap } from '../dist/index.js';

const [input = 'generated.pcap', output = 'rewritten.pcap', expression = 'vsid == 5001 && inner.udp && inner.srcport < 40008', vsidText = '6002'] =
  process.argv.slice(2);
const newVsid = Number(vsidText);

// Compiled once (a malformed filter throws an NvgreError naming the column), tested per frame.
const filter = compileDisplayFilter(expression);
const view = new FrameView();
const tunnels = new Map(); // "src>dst" -> encapsulator, one per pair of provider addresses

const capture = readCapture(new Uint8Array(readFileSync(input)));
const out = [];
for (const record of capture.records) {
  if (!filter.test(view.load(record.data))) continue;
  const d = tryDecapsulate(record.data);
  if (!d.ok) continue; // selected, but a strict receiver drops it: not forwarded
  const { srcMac, dstMac, src, dst, ttl } = d.value.outer;
  const pair = `${src}>${dst}`;
  let tunnel = tunnels.get(pair);
  if (tunnel === undefined) {
    tunnel = createEncapsulator({ vsid: newVsid, srcMac, dstMac, srcIp: src, dstIp: dst, ttl });
    tunnels.set(pair, tunnel);
  }
  out.push({ data: tunnel.encapsulate(d.value.inner), timestamp: record.timestamp });
}

writeFileSync(output, writePcap(out));
console.log(`${input}: ${capture.records.length} frames; "${expression}" selected ${out.length}; wrote ${output} with VSID ${newVsid}`);
