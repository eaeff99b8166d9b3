// Scenario 5 (docs/nve.md §10): the gateway. Traffic to an outside address follows 0.0.0.0/0 to the gateway's CA
// and is encapsulated to the gateway host's PA; the return traffic from outside addresses is accepted only because
// of the gateway's wildcard record. Run after a build: node examples/nve-gateway.mjs
import { buildFrame, createNve, decapsulate, examplePolicy } from '../dist/index.js';

const policy = examplePolicy();
const query = buildFrame({ ethernet: { src: '00:15:5d:01:01:11', dst: '00:15:5d:01:01:ff' }, ipv4: { src: '10.0.1.11', dst: '8.8.8.8' }, udp: { srcPort: 5000, dstPort: 53 }, payload: 'q' });
const out = createNve(policy, 'host1').transmit(query, { vsid: 5001 });
console.log(`A1 → 8.8.8.8: ${out.action} to PA ${decapsulate(out.frames[0]).outer.dst}, ${out.trace[1].detail}`);
console.log(`gateway host: ${createNve(policy, 'gateway').receive(out.frames[0]).action} to GW`);

const answer = buildFrame({ ethernet: { src: '00:15:5d:01:01:fe', dst: '00:15:5d:01:01:11' }, ipv4: { src: '8.8.8.8', dst: '10.0.1.11' }, udp: { srcPort: 53, dstPort: 5000 }, payload: 'a' });
const back = createNve(policy, 'gateway').transmit(answer, { vsid: 5001 });
const accepted = createNve(policy, 'host1').receive(back.frames[0]);
console.log(`8.8.8.8 → A1 from the gateway: ${accepted.action} (${accepted.trace.find((s) => s.step === 'source-check').detail})`);

const noWildcard = { ...policy, lookupRecords: policy.lookupRecords.filter((r) => r.type !== 'gatewayWildcard') };
const refused = createNve(noWildcard, 'host1').receive(back.frames[0]);
console.log(`the same without the wildcard record: ${refused.action} ${refused.reason}`);
if (accepted.action !== 'deliver' || refused.reason !== 'SOURCE_MISMATCH') process.exitCode = 1;
