// Large send offload through the tunnel, as a NIC would do it (docs/offload.md §10): the host hands
// one 64 KiB TCP send at a time as an NDIS LSOv2 template (IP lengths 0), segmentInto cuts it into
// MSS-sized NVGRE frames in one reused buffer, and each segment is checked as the receiving NIC would
// (verifyChecksums) before a copy goes into the capture. Then the same sends with `checksums: 'seeded'`
// and a template that carries no seed in its TCP checksum field: every segment arrives with a bad TCP
// checksum, which is what a receiver sees from a driver that gave its NIC the wrong seed.
//
//   node examples/lso.mjs [out.pcap] [sends]      (after "npm run build")
import { writeFileSync } from 'node:fs';
import { buildFrame, segmentInto, segmentPlan, verifyChecksums, writePcap } from '../dist/index.js';

const out = process.argv[2] ?? 'lso.pcap';
const sends = Number(process.argv[3] ?? 8);

// The MSS on a 1500-byte underlay: 1500 − 42 (outer IPv4 20, GRE with key 8, inner Ethernet 14)
// − 20 (inner IPv4) − 20 (TCP without options) = 1418 (docs/offload.md §10).
const mss = 1418;
const SEND = 65536;
const payload = Uint8Array.from({ length: SEND }, (_, i) => (i * 31 + 7) & 0xff);

// Four TCP connections between two VMs of VSID 5001, each send continuing its connection's sequence.
const flows = 4;
const nextSeq = Array.from({ length: flows }, (_, i) => 1000 + i * 0x1000000);
const template = (flow) =>
  buildFrame({
    ethernet: { src: '00:15:5d:00:0a:01', dst: '00:15:5d:00:0b:01' },
    ipv4: { src: '192.0.2.10', dst: '198.51.100.20', totalLength: 0 },
    nvgre: { vsid: 5001, flowId: 0x10 + flow },
    inner: {
      ethernet: { src: '52:54:00:00:01:01', dst: '52:54:00:00:01:02' },
      ipv4: { src: '10.0.0.1', dst: '10.0.0.2', dontFragment: true, totalLength: 0 },
      tcp: { srcPort: 40000 + flow, dstPort: 445, seq: nextSeq[flow], ack: 1, flags: 0x18 }, // ACK PSH
      payload,
    },
  });

// One target for every send: segmentInto writes the segments back to back and hands out a view of each.
const target = new Uint8Array(segmentPlan(template(0), { mss }).totalLength);
const frames = [];
let bad = 0;
const started = process.hrtime.bigint();
for (let n = 0; n < sends; n++) {
  const flow = n % flows;
  segmentInto(template(flow), { mss }, target, (segment) => {
    const r = verifyChecksums(segment).flags;
    if (!r.ipChecksumSucceeded || !r.tcpChecksumSucceeded) bad++;
    frames.push(segment.slice()); // the view is a window on target, which the next send overwrites: keep a copy
  });
  nextSeq[flow] = (nextSeq[flow] + SEND) >>> 0;
}
const ns = Number(process.hrtime.bigint() - started);
writeFileSync(out, writePcap(frames));
console.log(`wrote ${out}: ${sends} sends of ${SEND} bytes at MSS ${mss} became ${frames.length} NVGRE segments, ${bad} with a bad checksum`);
console.error(`(${Math.round((frames.length / ns) * 1e9).toLocaleString('en-US')} segments/s, template building and verification included)`);

// The same send, finished from a seed the template does not carry (its TCP checksum field is 0).
let unseeded = 0;
const count = segmentInto(template(0), { mss, checksums: 'seeded' }, target, (segment) => {
  if (verifyChecksums(segment).flags.tcpChecksumFailed) unseeded++;
});
console.log(`with checksums: 'seeded' and no seed in the template: ${unseeded} of ${count} segments fail the receiver's TCP check`);
