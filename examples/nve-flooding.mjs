// Scenario 3 (docs/nve.md §5 step 2, §10; seed 003, RFC 7637 §4.3): an ARP for a CA without a record goes as one
// unicast NVGRE copy to each PA with an L2Only record in the VSID, or once to the VSID's multicast group; an ARP
// for a known CA is answered by HNV itself. Run after a build: node examples/nve-flooding.mjs
import { createNve, decapsulate, examplePolicy } from '../dist/index.js';

function arpRequest(senderIp, targetIp) {
  const mac = [0x00, 0x15, 0x5d, 0x01, 0x01, 0x11];
  const ip = (t) => t.split('.').map(Number);
  return Uint8Array.from([...Array(6).fill(0xff), ...mac, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, ...mac, ...ip(senderIp), 0, 0, 0, 0, 0, 0, ...ip(targetIp)]);
}

const example = examplePolicy();
const policy = { ...example, lookupRecords: [...example.lookupRecords, { customerAddress: '0.0.0.0', vsid: 5001, mac: '00155D0101A0', providerAddress: '192.168.20.5', type: 'l2only', vmName: 'probe' }] };
const host1 = createNve(policy, 'host1');

const known = host1.transmit(arpRequest('10.0.1.11', '10.0.1.12'), { vsid: 5001 });
console.log(`ARP who-has 10.0.1.12: ${known.action}, ${known.frames.length} frames on the wire, reply ${known.replies[0].length} bytes to the VM`);
const unknown = host1.transmit(arpRequest('10.0.1.11', '10.0.1.99'), { vsid: 5001 });
console.log(`ARP who-has 10.0.1.99: ${unknown.action} to ${unknown.frames.map((f) => decapsulate(f).outer.dst).join(' and ')}`);
for (const f of unknown.frames) {
  const pa = decapsulate(f).outer.dst;
  const host = pa === '192.168.10.12' ? 'host2' : 'gateway';
  const r = createNve(policy, host).receive(f);
  console.log(`  ${host} ${r.action}s it to its L2Only VM ${r.vm}`);
}

const multicast = {
  ...policy,
  virtualSubnets: policy.virtualSubnets.map((s) => (s.vsid === 5001 ? { ...s, multicastGroup: '239.1.1.1' } : s)),
  options: { ...policy.options, flood: 'multicast' },
};
const once = createNve(multicast, 'host1').transmit(arpRequest('10.0.1.11', '10.0.1.99'), { vsid: 5001 });
const d = decapsulate(once.frames[0]);
console.log(`with flood: 'multicast': ${once.frames.length} copy to ${d.outer.dst} (MAC ${d.outer.dstMac})`);
if (known.action !== 'answered' || unknown.frames.length !== 2 || once.frames.length !== 1) process.exitCode = 1;
