// NVE cases: an endpoint's transmit and receive against the codec call they wrap, with a policy of
// 100,000 lookup records (docs/nve.md §4). Each benchCase runs in a process of its own (see harness.mjs).
//   transmitInto / transmit of a VM frame to a known CA  vs  encapsulateInto of the same frame (goal ≥ 0.5×)
//   receive of the frame at the destination host         vs  decapsulate of it (goal ≥ 0.5×)
// The goals are reported, never asserted.
import { benchCase, bytesPerCall, compare, consume, record, recordAllocation } from './harness.mjs';
import { innerFrame } from './frames.mjs';

const HOSTS = 50;
const hex = (n, w) => n.toString(16).padStart(w, '0');

/** 100,000 records in 20 VSIDs of one routing domain on 50 hosts, and 10,000 /24 customer routes. */
function bigPolicy() {
  const hosts = Array.from({ length: HOSTS }, (_, h) => ({
    name: `h${h}`,
    providerAddresses: [{ address: `172.16.0.${h + 1}`, prefixLength: 16, mac: `02:00:00:00:00:${hex(h, 2)}` }],
  }));
  const customerRoutes = Array.from({ length: 10_000 }, (_, i) => ({ routingDomain: 'bench', vsid: 10_000 + (i % 20), prefix: `10.${i >> 8}.${i & 0xff}.0/24` }));
  const lookupRecords = Array.from({ length: 100_000 }, (_, i) => {
    const subnet = i % 10_000;
    return {
      customerAddress: `10.${subnet >> 8}.${subnet & 0xff}.${2 + Math.floor(i / 10_000)}`,
      vsid: 10_000 + (subnet % 20),
      mac: hex(0x020000000000 + i, 12),
      providerAddress: `172.16.0.${(i % HOSTS) + 1}`,
    };
  });
  return { lookupRecords, customerRoutes, hosts };
}

/** A VM frame of `size` bytes from record 0 (10.0.0.2, VSID 10000, on h0) to record 1 (10.0.1.2, VSID 10001, on h1). */
function vmFrame(lib, size) {
  const f = innerFrame(lib, size);
  const copy = f.slice();
  copy.set([10, 0, 0, 2, 10, 0, 1, 2], 26); // inner source and destination IPv4 (checksums do not matter here)
  return copy;
}

function setup(lib, size) {
  const policy = lib.createPolicy(bigPolicy());
  const sender = lib.createNve(policy, 'h0');
  const receiver = lib.createNve(policy, 'h1');
  const vm = vmFrame(lib, size);
  const first = sender.transmit(vm, { vsid: 10_000 });
  if (first.action !== 'encapsulate') throw new Error(`bench setup: transmit gave ${first.action} ${first.reason}: ${first.message}`);
  const wire = first.frames[0];
  const d = lib.decapsulate(wire);
  // The encapsulator an application would build for the same outer header.
  const enc = lib.createEncapsulator({ vsid: d.vsid, srcMac: d.outer.srcMac, dstMac: d.outer.dstMac, srcIp: d.outer.src, dstIp: d.outer.dst });
  const target = new Uint8Array(wire.length + 64);
  return { sender, receiver, vm, wire, enc, target };
}

export async function run(lib) {
  for (const size of [64, 1500]) {
    await benchCase(`transmitInto ${size}`, () => {
      const { sender, vm, enc, target } = setup(lib, size);
      const port = { vsid: 10_000 };
      const tx = () => consume(sender.transmitInto(target, 0, vm, port).length);
      const r = compare(tx, () => consume(enc.encapsulateInto(target, 0, vm)));
      record({ operation: 'Nve.transmitInto, 100,000-record policy, known CA', size: `${size} B VM frame`, ...r, baseline: 'encapsulateInto of the same frame', goal: 0.5, bytes: size });
      if (size === 64) recordAllocation('Nve.transmitInto (decision object)', bytesPerCall(tx));
    });
    await benchCase(`transmit ${size}`, () => {
      const { sender, vm, enc, target } = setup(lib, size);
      const port = { vsid: 10_000 };
      const r = compare(() => consume(sender.transmit(vm, port).frames.length), () => consume(enc.encapsulateInto(target, 0, vm)));
      record({ operation: 'Nve.transmit (a new frame each call), known CA', size: `${size} B VM frame`, ...r, baseline: 'encapsulateInto of the same frame', bytes: size });
    });
    await benchCase(`receive ${size}`, () => {
      const { receiver, wire } = setup(lib, size);
      const rx = () => consume(receiver.receive(wire).innerLength ?? 1);
      const r = compare(rx, () => consume(lib.decapsulate(wire).key));
      record({ operation: 'Nve.receive (a new result each call), 100,000-record policy', size: `${size} B VM frame`, ...r, baseline: 'decapsulate of the same frame', bytes: wire.length });
      if (size === 64) recordAllocation('Nve.receive (decision object)', bytesPerCall(rx));
    });
    await benchCase(`receiveReused ${size}`, () => {
      // The receive loop of a data plane: the endpoint's own result, refilled (as createDecapsulator's).
      const { receiver, wire } = setup(lib, size);
      const rx = () => consume(receiver.receiveReused(wire).innerLength ?? 1);
      const r = compare(rx, () => consume(lib.decapsulate(wire).key));
      record({ operation: 'Nve.receiveReused (result refilled), 100,000-record policy', size: `${size} B VM frame`, ...r, baseline: 'decapsulate of the same frame', goal: 0.5, bytes: wire.length });
      if (size === 64) recordAllocation('Nve.receiveReused', bytesPerCall(rx));
    });
  }
  await benchCase('transmitInto 64, 1,000 destinations', () => {
    // Decisions for 1,000 destination CAs cycled through (the cache holds 1,024, some collide).
    const { sender, enc, target } = setup(lib, 64);
    const frames = Array.from({ length: 1000 }, (_, k) => {
      const f = vmFrame(lib, 64);
      const i = 1 + k * 97; // records spread over the policy
      const subnet = i % 10_000;
      f.set([10, subnet >> 8, subnet & 0xff, 2 + Math.floor(i / 10_000)], 30);
      return f;
    });
    const port = { vsid: 10_000 };
    const r = compare((i) => consume(sender.transmitInto(target, 0, frames[i % 1000], port).length), (i) => consume(enc.encapsulateInto(target, 0, frames[i % 1000])));
    record({ operation: 'Nve.transmitInto, 1,000 destination CAs in turn', size: '64 B VM frame', ...r, baseline: 'encapsulateInto of the same frames', bytes: 64 });
  });
  await benchCase('record lookup, 100,000 vs 100 records', () => {
    // Constant-time lookup (docs/nve.md §4): the same lookups cycling over 100,000 records against
    // cycling over the first 100 of them. A ratio near 1× is the goal (cache misses make it a little lower).
    const p = lib.createPolicy(bigPolicy());
    const scope = p.vsids.get(10_000).scope;
    const address = (i) => ((10 << 24) | ((i % 10_000) << 8) | (2 + Math.floor(i / 10_000))) >>> 0;
    const lookup = (n) => (k) => consume(p.recordInScope4(scope, address((k * 7919) % n)) === undefined ? 0 : 1);
    const r = compare(lookup(100_000), lookup(100));
    record({ operation: 'policy record lookup, cycling over 100,000 records', size: 'IPv4 CA', ...r, baseline: 'the same lookups over 100 records', goal: 0.5 });
  });
}
