// Scenario 1 (docs/nve.md §10; seed 001): a host without a provider route cannot send to a PA outside its own
// subnet — Windows calls it "General Transmit Failure". The checker says so before any packet; a default
// provider route via the PA subnet's router fixes it. Run after a build: node examples/nve-provider-route.mjs
import { buildFrame, checkPolicy, createNve, decapsulate, examplePolicy } from '../dist/index.js';

const example = examplePolicy();
const withoutRoutes = { ...example, hosts: example.hosts.map((h) => ({ ...h, providerRoutes: [] })) };

console.log('checkPolicy, before any packet:');
for (const f of checkPolicy(withoutRoutes).filter((x) => x.code === 'PA_UNREACHABLE')) console.log(`  ${f.severity} ${f.code} ${f.path}: ${f.message.slice(0, 110)}…`);

const vm = (dst, dstMac) => buildFrame({ ethernet: { src: '00:15:5d:01:01:11', dst: dstMac }, ipv4: { src: '10.0.1.11', dst }, udp: { srcPort: 5000, dstPort: 53 }, payload: 'query' });
const host1 = createNve(withoutRoutes, 'host1');
const toGateway = host1.transmit(vm('8.8.8.8', '00:15:5d:01:01:ff'), { vsid: 5001 });
console.log(`\nA1 → 8.8.8.8 (via the gateway host): ${toGateway.action} ${toGateway.reason}\n  ${toGateway.message}`);
const toA2 = host1.transmit(vm('10.0.1.12', '00:15:5d:01:01:12'), { vsid: 5001 });
console.log(`A1 → A2 (same PA subnet): ${toA2.action}, outer destination MAC ${decapsulate(toA2.frames[0]).outer.dstMac} (host2, on-link)`);

const fixed = createNve(example, 'host1').transmit(vm('8.8.8.8', '00:15:5d:01:01:ff'), { vsid: 5001 });
const outer = decapsulate(fixed.frames[0]).outer;
console.log(`\nwith 0.0.0.0/0 via 192.168.10.1: ${fixed.action} to PA ${outer.dst}, outer destination MAC ${outer.dstMac} (the router)`);
if (toGateway.reason !== 'NO_PROVIDER_ROUTE' || fixed.action !== 'encapsulate') process.exitCode = 1;
