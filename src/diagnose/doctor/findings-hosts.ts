/**
 * Findings about hosts and their pairs (docs/doctor.md §3–§5): transmit checksum offload per sender,
 * key layouts, "administratively prohibited" replies, one-way tunnels and underlay ICMP errors.
 */
import { vsidOf, type KeyLayout } from '../../wire/gre.js';
import type { Observer, PairState, SenderState, UnderlayIcmpState } from './state.js';
import { ChecksumTally, keyValidIn } from './state.js';
import { Tally } from './bounded.js';
import { hex, makeFinding, plural, sum } from './make.js';
import { DoctorCode, type DoctorFinding } from './types.js';
import type { PolicyChecker } from './policy.js';

export interface HostContext {
  readonly o: Observer;
  readonly capturedAt: string | undefined;
  readonly policy: PolicyChecker | undefined;
  readonly keyLayout: KeyLayout;
  readonly examples: number;
}

const PROTOCOL_NAME: Readonly<Record<string, string>> = { tcp: 'inner TCP', udp: 'inner UDP', icmp: 'inner ICMP', ipv4: 'inner IPv4 header', 'outer-ipv4': 'outer IPv4 header' };

/** "3 of 40 inner UDP checksums (2 pseudo-header seeds with the length, 1 without, 0 simply wrong)". */
function wrongText(name: string, t: ChecksumTally): string {
  const parts: string[] = [];
  if (t.seed.count > 0) parts.push(`${t.seed.count} ${t.seed.count === 1 ? 'is a pseudo-header seed' : 'are pseudo-header seeds'} with the length`);
  if (t.seedNolen.count > 0) parts.push(`${t.seedNolen.count} ${t.seedNolen.count === 1 ? 'is a seed' : 'are seeds'} without the length (the LSO convention)`);
  if (t.zero.count > 0) parts.push(`${t.zero.count} ${t.zero.count === 1 ? 'is' : 'are'} 0x0000`);
  if (t.bad.count > 0) parts.push(`${t.bad.count} ${t.bad.count === 1 ? 'is' : 'are'} simply wrong`);
  return `${t.wrong} of ${t.total} ${name} checksums ${t.wrong === 1 ? 'is' : 'are'} wrong: ${parts.join(', ')}`;
}

function counts(prefix: string, t: ChecksumTally): Record<string, number> {
  return { [`${prefix}Ok`]: t.ok.count, [`${prefix}Seed`]: t.seed.count, [`${prefix}SeedNoLength`]: t.seedNolen.count, [`${prefix}Zero`]: t.zero.count, [`${prefix}Wrong`]: t.bad.count };
}

const wrongTallies = (t: ChecksumTally, max: number): Tally => sum([t.seed, t.seedNolen, t.zero, t.bad], max);

/** `t` without its seeds and zeros (the checksums that are right or simply wrong). */
function wrongOnly(t: ChecksumTally, max: number): ChecksumTally {
  const out = new ChecksumTally();
  out.ok.merge(t.ok, max);
  out.bad.merge(t.bad, max);
  return out;
}

/** Transmit checksum offload findings of one sender (docs/doctor.md §3). */
function offload(c: HostContext, address: string, s: SenderState, out: DoctorFinding[]): void {
  const max = c.examples;
  const protocols: ReadonlyArray<readonly [string, ChecksumTally]> = [
    ['udp', s.udp],
    ['tcp', s.tcp],
    ['icmp', s.icmp],
    ['ipv4', s.ipv4],
    ['outer-ipv4', s.outerIpv4],
  ];
  if (protocols.every(([, t]) => t.wrong === 0)) return;
  const handled = new Set<string>();
  let pendingReported = false;
  const elsewhere = c.capturedAt !== undefined && c.capturedAt !== address;
  const here = c.capturedAt === address;
  // Captured on the sender before the NIC: TCP and UDP all seeds, IPv4 headers 0 or right, nothing simply wrong.
  // With --captured-at naming the sender, every seed is one (a stack may fill TCP itself and leave UDP to the NIC).
  const seedsOnly = (t: ChecksumTally) => t.total === 0 || (t.ok.count === 0 && t.bad.count === 0 && t.pending === t.total);
  const headersFine = (t: ChecksumTally) => t.bad.count === 0 && t.seed.count === 0 && t.seedNolen.count === 0;
  const pendingHere = here && (s.tcp.pending + s.udp.pending > 0 || s.ipv4.zero.count + s.outerIpv4.zero.count > 0);
  if (pendingHere || (!elsewhere && s.tcp.total + s.udp.total > 0 && seedsOnly(s.tcp) && seedsOnly(s.udp) && headersFine(s.ipv4) && headersFine(s.outerIpv4))) {
    const pendingOnly = (t: ChecksumTally) => sum([t.seed, t.seedNolen, t.zero], max);
    const tally = sum([pendingOnly(s.tcp), pendingOnly(s.udp), pendingOnly(s.ipv4), pendingOnly(s.outerIpv4)], max);
    const seeds = s.tcp.seed.count + s.tcp.seedNolen.count + s.udp.seed.count + s.udp.seedNolen.count;
    const all = seeds === s.tcp.total + s.udp.total;
    out.push(
      makeFinding(DoctorCode.TX_CHECKSUM_PENDING, {
        subject: { sender: address },
        diagnosis: `${all ? 'Every' : `${seeds} of ${s.tcp.total + s.udp.total}`} inner TCP and UDP checksum${all ? '' : 's'} from ${address}${all ? ` (${seeds})` : ''} ${all || seeds === 1 ? 'holds' : 'hold'} the pseudo-header seed a host leaves for transmit checksum offload${s.ipv4.zero.count + s.outerIpv4.zero.count > 0 ? ', and its IPv4 header checksums are left 0' : ''}: the capture was taken on the sending host before the NIC filled them, which is normal.`,
        tally,
        counts: { ...counts('tcp', s.tcp), ...counts('udp', s.udp), ...counts('ipv4', s.ipv4), ...counts('outerIpv4', s.outerIpv4) },
        details: [c.capturedAt === address ? `--captured-at ${address}: the capture is on this sender.` : 'Consistent seeds in every packet are what a capture before the NIC shows; a NIC that left them on the wire would be a fault (pass --captured-at to say where the capture was taken).'],
        cause: 'Transmit checksum offload: the stack writes a seed and the NIC completes the checksum after the capture point.',
        fix: 'Nothing, unless the receivers report bad checksums: to see what goes on the wire, capture on a switch port or on the receiving host.',
        refs: 'docs/offload.md §8, §16',
      }),
    );
    // Values that are simply wrong are still faults (below), counted without the seeds.
    pendingReported = true;
    for (const [p, t] of protocols) if (t.bad.count === 0 && p !== 'icmp') handled.add(p);
  } else if (s.udp.wrong > 0 && s.tcp.ok.count > 0 && s.tcp.wrong === 0) {
    const unanswered = s.dnsQueries - s.dnsAnswered;
    const details = [`${wrongText('inner UDP', s.udp)}; ${s.tcp.total === 1 ? 'the one inner TCP checksum is' : `all ${s.tcp.total} inner TCP checksums are`} right.`];
    if (s.dnsQueries > 0) details.push(`${unanswered} of ${plural(s.dnsQueries, 'DNS query', 'DNS queries')} from behind ${address} got no answer${unanswered > 0 ? ' (the DNS server drops them for their bad UDP checksum)' : ''}.`);
    if (s.echoRepliesIn > 0) details.push(`${plural(s.echoRepliesIn, 'ping reply', 'ping replies')} came back to ${address}: ICMP works.`);
    out.push(
      makeFinding(DoctorCode.TX_CHECKSUM_UDP_ONLY, {
        subject: { sender: address, protocol: 'udp' },
        diagnosis: `${address} sends inner UDP with wrong checksums (${s.udp.wrong} of ${s.udp.total}) while its TCP checksums are right: the NIC's NVGRE transmit checksum offload fails for UDP only, so DNS and other UDP from its VMs is dropped while TCP and ping work${unanswered > 0 ? `, and ${unanswered} DNS ${unanswered === 1 ? 'query was' : 'queries were'} never answered` : ''}.`,
        tally: wrongTallies(s.udp, max),
        counts: { ...counts('udp', s.udp), ...counts('tcp', s.tcp), dnsQueries: s.dnsQueries, dnsUnanswered: unanswered, pingRepliesIn: s.echoRepliesIn },
        details,
        cause: 'The NIC (or its driver) advertises NVGRE (GRE_MAC) transmit checksum offload and completes the inner TCP checksum but not the inner UDP one, leaving the seed the host wrote (or a wrong value) on the wire.',
        fix: `Disable NVGRE encapsulated packet task offload on ${address}'s NIC (Disable-NetAdapterEncapsulatedPacketTaskOffload, or the adapter's "NVGRE Encapsulated Task Offload" property) or update its driver and firmware; UDP and DNS recover at once.`,
        refs: 'NDIS NVGRE checksum offload [CSUM-NVGRE]; docs/offload.md §8, §16',
      }),
    );
    handled.add('udp');
    handled.add('tcp');
  }
  for (const [p, all] of protocols) {
    // After TX_CHECKSUM_PENDING, the seeds are explained: only the simply wrong values are a fault.
    const t = pendingReported ? wrongOnly(all, max) : all;
    if (handled.has(p) || t.wrong === 0) continue;
    const name = PROTOCOL_NAME[p]!;
    const pending = t.pending > 0;
    const mixed = t.ok.count > 0;
    const cause =
      p === 'icmp'
        ? 'ICMP checksums are computed by the sending stack (no NDIS offload covers them): the sending VM or host wrote them wrong, or something rewrote the packets.'
        : pending
          ? `${elsewhere ? `The capture was taken away from ${address} (--captured-at ${c.capturedAt}), so` : 'Alongside checksums that are right,'} values left for the NIC reached the wire: transmit checksum offload did not complete them${mixed ? ' for some packets (offload applied inconsistently: per queue, per VM or per size)' : ''}.`
          : 'Something after the sending stack computed or changed the checksum wrongly: a NIC offload bug, a middlebox that rewrites packets, or corruption.';
    const fix =
      p === 'icmp'
        ? 'Find the VM or host whose stack sends these ICMP packets and fix or update it; receivers drop them.'
        : `Disable NVGRE encapsulated packet task offload on ${address}'s NIC (Disable-NetAdapterEncapsulatedPacketTaskOffload) or update its driver and firmware; if the capture was in fact taken on ${address} before the NIC, pass --captured-at ${address}.`;
    out.push(
      makeFinding(DoctorCode.TX_CHECKSUM_FAULT, {
        subject: { sender: address, protocol: p },
        diagnosis: `From ${address}, ${wrongText(name, t)}: receivers drop these packets.`,
        tally: wrongTallies(t, max),
        counts: counts(p === 'outer-ipv4' ? 'outerIpv4' : p, t),
        cause,
        fix,
        refs: p === 'outer-ipv4' ? 'RFC 1122 §3.2.1.2; docs/offload.md §8' : 'docs/offload.md §8, §16',
      }),
    );
  }
}

/** The key of `pair` written in the other layout than `key` for the same VSID, if any. */
function shifted(a: PairState, b: PairState): { rfc: number; low24: number; aWritesRfc: boolean } | null {
  for (const ka of a.keys.keys()) {
    for (const kb of b.keys.keys()) {
      if (ka >>> 8 === kb && kb >>> 24 === 0 && keyValidIn(kb, 'low24') && keyValidIn(ka, 'rfc7637')) return { rfc: ka, low24: kb, aWritesRfc: true };
      if (kb >>> 8 === ka && ka >>> 24 === 0 && keyValidIn(ka, 'low24') && keyValidIn(kb, 'rfc7637')) return { rfc: kb, low24: ka, aWritesRfc: false };
    }
  }
  return null;
}

function adminText(p: PairState): string {
  return `${plural(p.adminProhibited.count, 'ICMP "administratively prohibited" reply', 'ICMP "administratively prohibited" replies')} (${[...p.adminKinds].join(', ')})`;
}

/** Key-layout and administratively-prohibited findings (docs/doctor.md §4). */
function keyLayouts(c: HostContext, out: DoctorFinding[]): void {
  const max = c.examples;
  const explainedSenders = new Set<string>();
  const explainedPairs = new Set<string>();
  for (const [k, a] of c.o.pairs.map) {
    const [x, y] = k.split('>') as [string, string];
    if (x >= y) continue;
    const b = c.o.pairs.get(`${y}>${x}`);
    if (b === undefined) continue;
    const s = shifted(a, b);
    if (s === null) continue;
    const [rfcHost, lowHost] = s.aWritesRfc ? [x, y] : [y, x];
    const vsid = s.low24;
    const tally = sum([(s.aWritesRfc ? a : b).keys.get(s.rfc)!, (s.aWritesRfc ? b : a).keys.get(s.low24)!], max);
    const admin = a.adminProhibited.count + b.adminProhibited.count;
    const details = [
      `${rfcHost} writes VSID ${vsid} as key ${hex(s.rfc, 8)} (RFC 7637: VSID in the high 24 bits, FlowID ${hex(s.rfc & 0xff, 2)}).`,
      `${lowHost} writes VSID ${vsid} as key ${hex(s.low24, 8)} (the first draft's text: VSID in the low 24 bits), which RFC 7637 reads as reserved VSID ${hex(s.low24 >>> 8, 6)}.`,
    ];
    if (admin > 0) details.push(`${adminText(a.adminProhibited.count > 0 ? a : b)} between them: the receiving NVE rejects the other's frames.`);
    const conclusive = c.policy?.conclusive.get(lowHost) ?? c.policy?.conclusive.get(rfcHost);
    if (conclusive !== undefined) details.push(`The policy makes it conclusive: ${conclusive.detail}.`);
    out.push(
      makeFinding(DoctorCode.KEY_LAYOUT_MISMATCH, {
        subject: { sender: lowHost, receiver: rfcHost, vsid },
        diagnosis: `${rfcHost} and ${lowHost} write the GRE key in different layouts: VSID ${vsid} travels as ${hex(s.rfc, 8)} one way and ${hex(s.low24, 8)} the other, so each reads the other's frames as another VSID and drops them${admin > 0 ? ` (${admin} "administratively prohibited" ${admin === 1 ? 'reply' : 'replies'})` : ''}.`,
        tally,
        counts: { rfc7637Frames: tally.count - ((s.aWritesRfc ? b : a).keys.get(s.low24)?.count ?? 0), low24Frames: (s.aWritesRfc ? b : a).keys.get(s.low24)?.count ?? 0, adminProhibited: admin },
        details,
        cause: `${lowHost} follows the first NVGRE draft's key layout (VSID in the low 24 bits; Windows Server 2012 before KB2779768), ${rfcHost} RFC 7637's (VSID << 8 | FlowID).`,
        fix: `Put both hosts on one layout: update ${lowHost} to the RFC 7637 layout (KB2779768, or the NIC/driver release that fixes it), then check with nvgre lint --legacy-key.`,
        refs: 'RFC 7637 §3.2; docs/nvgre.md §7; docs/nve.md §9 (seed 004, KB2779768)',
      }),
    );
    explainedSenders.add(lowHost);
    explainedPairs.add(`${x}>${y}`).add(`${y}>${x}`);
  }
  const other: KeyLayout = c.keyLayout === 'rfc7637' ? 'low24' : 'rfc7637';
  for (const [address, s] of c.o.senders.map) {
    if (s.otherLayoutKeys.count === 0 || explainedSenders.has(address)) continue;
    const samples = [...s.otherLayoutSamples];
    const conclusive = c.policy?.conclusive.get(address);
    const readings = samples.slice(0, 4).map((k) => `${hex(k, 8)} → VSID ${vsidOf(k, other)} (${c.keyLayout}: ${c.keyLayout === 'rfc7637' ? `reserved VSID ${hex(k >>> 8, 6)}` : `high byte ${hex(k >>> 24, 2)} set`})`);
    const known = samples.map((k) => vsidOf(k, other)).filter((v) => c.o.vsids.get(v) !== undefined);
    const pairs = [...c.o.pairs.map].filter(([k]) => k.startsWith(`${address}>`) || k.endsWith(`>${address}`));
    const admin = pairs.reduce((n, [, p]) => n + p.adminProhibited.count, 0);
    const details = [`Keys: ${readings.join('; ')}.`];
    if (known.length > 0) details.push(`VSID ${known[0]} is what other hosts in this capture use in the ${c.keyLayout} layout.`);
    if (admin > 0) details.push(`${plural(admin, 'ICMP "administratively prohibited" reply', 'ICMP "administratively prohibited" replies')} on ${address}'s tunnels.`);
    if (conclusive !== undefined) details.push(`The policy makes it conclusive: ${conclusive.detail}.`);
    out.push(
      makeFinding(conclusive !== undefined ? DoctorCode.KEY_LAYOUT_MISMATCH : DoctorCode.DRAFT_KEY_LAYOUT, {
        subject: { sender: address, ...(samples.length > 0 ? { vsid: vsidOf(samples[0]!, other) } : {}) },
        diagnosis: `${address} sends ${plural(s.otherLayoutKeys.count, 'frame')} whose keys name no valid VSID in the ${c.keyLayout} layout but valid VSIDs in the ${other} layout${conclusive !== undefined ? ', and the policy confirms it' : ''}: ${address} very likely writes the ${other === 'low24' ? "first draft's" : 'RFC 7637'} key layout, and receivers using ${c.keyLayout} drop these frames.`,
        tally: s.otherLayoutKeys,
        counts: { siteLayoutFrames: s.siteLayoutKeys, adminProhibited: admin },
        details,
        cause: other === 'low24' ? `${address} follows the first NVGRE draft's key layout (VSID in the low 24 bits; Windows Server 2012 before KB2779768).` : `${address} follows RFC 7637's key layout while this site reads keys as low24.`,
        fix: `Put every host on one key layout (RFC 7637: update ${address}, KB2779768); nvgre lint --legacy-key shows how each layout reads these keys.`,
        refs: 'RFC 7637 §3.2, §3.4; docs/nvgre.md §7; docs/nve.md §9 (seed 004, KB2779768)',
      }),
    );
    for (const [k] of pairs) explainedPairs.add(k);
    explainedSenders.add(address);
  }
  // What only the policy shows: frames between hosts it says use different layouts.
  for (const [address, o] of c.policy?.conclusive ?? []) {
    if (explainedSenders.has(address) || o.receiver === undefined || explainedPairs.has(`${address}>${o.receiver}`)) continue;
    const p = c.o.pairs.get(`${address}>${o.receiver}`);
    const back = c.o.pairs.get(`${o.receiver}>${address}`);
    const admin = (p?.adminProhibited.count ?? 0) + (back?.adminProhibited.count ?? 0);
    out.push(
      makeFinding(DoctorCode.KEY_LAYOUT_MISMATCH, {
        subject: { sender: address, receiver: o.receiver, ...(o.vsid !== undefined ? { vsid: o.vsid } : {}) },
        diagnosis: `By the policy, ${address} and ${o.receiver} read the GRE key in different layouts, so ${o.receiver} puts ${address}'s frames in the wrong virtual subnet and drops them${admin > 0 ? ` (${admin} "administratively prohibited" ${admin === 1 ? 'reply' : 'replies'})` : ''}.`,
        tally: o.tally,
        counts: { adminProhibited: admin },
        details: [`The policy makes it conclusive: ${o.detail}.`],
        cause: 'One host follows the first NVGRE draft\'s key layout (VSID in the low 24 bits; Windows Server 2012 before KB2779768), the other RFC 7637\'s.',
        fix: 'Put both hosts on one layout (RFC 7637: KB2779768 on the draft-era host), then check with nvgre lint --legacy-key.',
        refs: 'RFC 7637 §3.2; docs/nvgre.md §7; docs/nve.md §9 (seed 004, KB2779768)',
      }),
    );
    explainedSenders.add(address);
    explainedPairs.add(`${address}>${o.receiver}`).add(`${o.receiver}>${address}`);
  }
  for (const [k, p] of c.o.pairs.map) {
    if (p.adminProhibited.count === 0 || explainedPairs.has(k)) continue;
    const [x, y] = k.split('>') as [string, string];
    out.push(
      makeFinding(DoctorCode.ADMIN_PROHIBITED, {
        subject: { sender: x, receiver: y },
        diagnosis: `${x} answers ${y}'s traffic with ${adminText(p)}: its NVE (or a VM's firewall) refuses those packets by policy.`,
        tally: p.adminProhibited,
        counts: { adminProhibited: p.adminProhibited.count },
        cause: `The host at ${x} has no policy for what ${y} sends it: an unknown VSID, no lookup record for the inner destination, or a key read in another layout.`,
        fix: `Compare the lookup records and virtual subnets on ${x} and ${y} (Get-NetVirtualizationLookupRecord); nvgre doctor --policy with the exported policy names the missing entry.`,
        refs: 'docs/nve.md §6, §9',
      }),
    );
  }
}

const ICMP_WORDS: Readonly<Record<string, string>> = {
  '4:3:0': 'network unreachable',
  '4:3:1': 'host unreachable',
  '4:3:2': 'protocol unreachable',
  '4:3:3': 'port unreachable',
  '4:3:9': 'network administratively prohibited',
  '4:3:10': 'host administratively prohibited',
  '4:3:13': 'communication administratively prohibited',
  '4:11:0': 'TTL exceeded in transit',
  '6:1:0': 'no route to destination',
  '6:1:1': 'communication administratively prohibited',
  '6:1:3': 'address unreachable',
  '6:1:4': 'port unreachable',
  '6:3:0': 'hop limit exceeded in transit',
  '6:4:1': 'unrecognized Next Header',
};

function icmpWords(u: UnderlayIcmpState): string {
  const v = u.v6 ? 6 : 4;
  return `${ICMP_WORDS[`${v}:${u.type}:${u.code}`] ?? `${u.v6 ? 'ICMPv6' : 'ICMP'} error`} (${u.v6 ? 'ICMPv6' : 'ICMP'} ${u.type}/${u.code})`;
}

/** One-way tunnels and underlay ICMP errors other than "fragmentation needed" (docs/doctor.md §5). */
function tunnels(c: HostContext, out: DoctorFinding[]): void {
  for (const u of c.o.underlay.map.values()) {
    if ((!u.v6 && u.type === 3 && u.code === 4) || (u.v6 && u.type === 2)) continue; // §6
    const words = icmpWords(u);
    const protocol = (!u.v6 && u.type === 3 && u.code === 2) || (u.v6 && u.type === 4 && u.code === 1);
    const admin = (!u.v6 && u.type === 3 && (u.code === 9 || u.code === 10 || u.code === 13)) || (u.v6 && u.type === 1 && u.code === 1);
    const ttl = (!u.v6 && u.type === 11) || (u.v6 && u.type === 3);
    out.push(
      makeFinding(DoctorCode.UNDERLAY_ICMP_ERROR, {
        subject: { sender: u.quotedSrc, receiver: u.quotedDst, reporter: u.reporter },
        diagnosis: `${u.reporter} answered ${plural(u.frames.count, 'NVGRE packet')} from ${u.quotedSrc} to ${u.quotedDst} with "${words}": the underlay does not deliver them to that provider address.`,
        tally: u.frames,
        counts: { type: u.type, code: u.code },
        cause: protocol
          ? `${u.quotedDst} does not accept GRE (IP protocol 47): HNV or the NVGRE endpoint is not running there, or its firewall refuses GRE.`
          : admin
            ? 'A firewall or ACL on the path refuses GRE (IP protocol 47) between these provider addresses.'
            : ttl
              ? 'A routing loop in the provider network, or an outer TTL too small for the path.'
              : `No route to ${u.quotedDst} on the provider network, or that PA is down or wrong: a missing provider route (seed 001), a wrong lookup record PA, or a host that is off.`,
        fix: protocol
          ? `Check that ${u.quotedDst} is an HNV host with that provider address and that GRE is allowed in its firewall.`
          : admin
            ? `Allow IP protocol 47 between ${u.quotedSrc} and ${u.quotedDst} on the firewalls of the path.`
            : ttl
              ? 'Fix the routing loop (trace the PA route) or raise the encapsulator\'s TTL.'
              : `Give ${u.quotedSrc}'s host a provider route to ${u.quotedDst} (New-NetVirtualizationProviderRoute, or a default gateway for the PA network), and check that ${u.quotedDst} is up and owns that PA.`,
        refs: `${u.v6 ? 'RFC 4443 §3' : 'RFC 792'}; docs/nve.md §5 (seed 001)`,
      }),
    );
  }
  const pairs = [...c.o.pairs.map];
  const oneWay: [string, string, PairState][] = [];
  for (const [k, p] of pairs) {
    const [x, y] = k.split('>') as [string, string];
    if (p.frames.count < 2 || c.o.pairs.get(`${y}>${x}`) !== undefined) continue;
    oneWay.push([x, y, p]);
  }
  const everyPair = oneWay.length >= 2 && oneWay.length === pairs.length;
  for (const [x, y, p] of oneWay) {
    const details: string[] = [];
    if (p.echoRequests > 0) details.push(`${plural(p.echoRequests, 'ping request')} and no reply.`);
    if (p.tcpSyn > 0) details.push(`${plural(p.tcpSyn, 'TCP SYN')} and no SYN-ACK.`);
    const s = c.o.senders.get(x);
    if (s !== undefined && s.dnsQueries > s.dnsAnswered) details.push(`${s.dnsQueries - s.dnsAnswered} unanswered DNS ${s.dnsQueries - s.dnsAnswered === 1 ? 'query' : 'queries'}.`);
    const icmp = [...c.o.underlay.map.values()].filter((u) => u.quotedSrc === x && u.quotedDst === y);
    for (const u of icmp) details.push(`${u.reporter} reports "${icmpWords(u)}" for ${plural(u.frames.count, 'of these packets', 'of these packets')}.`);
    if ((s?.otherLayoutKeys.count ?? 0) > 0 || c.policy?.conclusive.has(x) === true) {
      details.push(`${x} writes keys ${y} reads in another layout (see the key-layout finding): ${y} drops them, so nothing comes back.`);
    }
    if (everyPair) details.push('Every tunnel in this capture is one-way: check that the capture sees both directions (a SPAN of one direction only shows this too).');
    const at = c.capturedAt;
    const conclusive = at === x || at === y;
    out.push(
      makeFinding(DoctorCode.ONE_WAY_TUNNEL, {
        subject: { sender: x, receiver: y },
        severity: conclusive ? 'error' : 'warning',
        diagnosis: `${plural(p.frames.count, 'NVGRE frame')} went from ${x} to ${y} and none came back${at === x ? ` to ${x}, where the capture was taken` : at === y ? ` from ${y}, where the capture was taken` : ''}: the tunnel works one way only.`,
        tally: p.frames,
        counts: { echoRequests: p.echoRequests, tcpSyn: p.tcpSyn, underlayIcmpErrors: icmp.reduce((n, u) => n + u.frames.count, 0) },
        details,
        cause:
          at === y
            ? `${y} receives but never sends back to ${x}: its policy has no provider route to ${x} (Windows: "General Transmit Failure", seed 001) or no lookup record for the senders.`
            : `${y} never answers, or its answers do not reach ${x}: a missing provider route from ${y} to ${x} (seed 001), ${x}'s PA unreachable from ${y}, or ${y} dropping the frames (key layout, policy).`,
        fix: `On ${y}'s host, check Get-NetVirtualizationProviderRoute for a route to ${x} (add one, or a default gateway for the PA network) and the lookup records of the VMs behind ${x}; then capture on ${y} to see whether it sends anything.`,
        refs: 'RFC 7637 §4; docs/nve.md §5 (seed 001)',
      }),
    );
  }
}

/** The host and pair findings, in docs/doctor.md order. */
export function hostFindings(c: HostContext): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  for (const [address, s] of c.o.senders.map) offload(c, address, s, out);
  keyLayouts(c, out);
  tunnels(c, out);
  return out;
}
