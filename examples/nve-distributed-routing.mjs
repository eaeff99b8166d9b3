// Scenario 4 (docs/nve.md §5 step 3, §10): HNV's distributed router. A VM in VSID 5001 to a VM in VSID 5002 of the
// same routing domain: the key carries 5002, the inner MACs are rewritten; another routing domain has no route.
// Run after a build: node examples/nve-distributed-routing.mjs
import { buildFrame, createNve, decapsulate, examplePolicy, parseFrame } from '../dist/index.js';

const policy = examplePolicy();
const frame = (dst) => buildFrame({ ethernet: { src: '00:15:5d:01:01:11', dst: '00:15:5d:01:01:ff' }, ipv4: { src: '10.0.1.11', dst }, tcp: { srcPort: 40000, dstPort: 443, flags: 0x02 } });
const r = createNve(policy, 'host1').transmit(frame('10.0.2.21'), { vsid: 5001 });
const d = decapsulate(r.frames[0]);
const inner = parseFrame(d.inner).ethernet;
console.log(`A1 (5001) → B1 (5002): ${r.action}, key VSID ${d.vsid}, inner ${inner.src} → ${inner.dst}`);
for (const step of r.trace) console.log(`  ${step.step}: ${step.detail}`);
const got = createNve(policy, 'host2').receive(r.frames[0]);
console.log(`host2: ${got.action} to ${got.vm} in VSID ${got.vsid}`);

const blue = '{99999999-0000-0000-0000-000000000000}';
const twoDomains = {
  ...policy,
  lookupRecords: [...policy.lookupRecords, { customerAddress: '10.0.6.5', vsid: 6001, mac: '00155D060005', providerAddress: '192.168.10.12', vmName: 'Blue1' }],
  customerRoutes: [...policy.customerRoutes.filter((c) => c.prefix !== '0.0.0.0/0'), { routingDomain: blue, vsid: 6001, prefix: '10.0.6.0/24' }],
};
const refused = createNve(twoDomains, 'host1').transmit(frame('10.0.6.5'), { vsid: 5001 });
console.log(`A1 → Blue1 (another routing domain): ${refused.action} ${refused.reason}`);
if (d.vsid !== 5002 || refused.reason !== 'NO_CUSTOMER_ROUTE') process.exitCode = 1;
