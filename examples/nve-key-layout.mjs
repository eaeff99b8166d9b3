// Scenario 2 (docs/nve.md §9–§10; seed 004, KB2779768): host1 writes the GRE key as RFC 7637, host2 reads it as
// the first draft's low24. A1's ping to A2 is dropped by host2 with POLICY_MISMATCH and answered with ICMP 3/10
// inside NVGRE; with host2 on rfc7637 the reply comes back. Writes the failing exchange to a pcap (default: in the
// temporary directory). Run after a build: node examples/nve-key-layout.mjs [out.pcap]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFrame, createNve, examplePolicy, parseFrame, writePcap } from '../dist/index.js';

const example = examplePolicy();
const mixed = { ...example, hosts: example.hosts.map((h) => (h.name === 'host2' ? { ...h, keyLayout: 'low24' } : h)) };
const ping = (src, dst, srcMac, dstMac, type) => buildFrame({ ethernet: { src: srcMac, dst: dstMac }, ipv4: { src, dst }, icmp: { type, identifier: 1, sequence: 1 }, payload: 'seed 004' });
const echo = ping('10.0.1.11', '10.0.1.12', '00:15:5d:01:01:11', '00:15:5d:01:01:12', 8);

const sent = createNve(mixed, 'host1').transmit(echo, { vsid: 5001 });
const key = parseFrame(sent.frames[0]).nvgre.key;
const got = createNve(mixed, 'host2').receive(sent.frames[0]);
console.log(`host1 sends key 0x${key.toString(16).padStart(8, '0')}; host2 (low24) reads VSID ${got.vsid}: ${got.action} ${got.reason}`);
console.log(`  ${got.message}`);
const icmp = parseFrame(got.replies[0]).inner.transport;
console.log(`host2 answers inside NVGRE: ICMP type ${icmp.type} code ${icmp.code} (administratively prohibited)`);
const back = createNve(mixed, 'host1').receive(got.replies[0]);
console.log(`host1 delivers it to ${back.vm}: the ping fails as seed 004 reports`);
const out = process.argv[2] ?? path.join(os.tmpdir(), 'nvgre-seed004-key-layout.pcap');
writeFileSync(out, writePcap([sent.frames[0], got.replies[0]]));
console.log(`wrote ${out} (the echo request and the ICMP 3/10 reply)`);

const updated = examplePolicy();
const ok = createNve(updated, 'host2').receive(createNve(updated, 'host1').transmit(echo, { vsid: 5001 }).frames[0]);
const reply = createNve(updated, 'host2').transmit(ping('10.0.1.12', '10.0.1.11', '00:15:5d:01:01:12', '00:15:5d:01:01:11', 0), { vsid: 5001 });
const delivered = createNve(updated, 'host1').receive(reply.frames[0]);
console.log(`\nhost2 on rfc7637 ("the update installed"): echo ${ok.action} to ${ok.vm}; reply ${delivered.action} to ${delivered.vm}`);
if (got.reason !== 'POLICY_MISMATCH' || delivered.action !== 'deliver') process.exitCode = 1;
