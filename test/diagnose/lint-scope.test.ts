/**
 * Lint scope (issue 16): with `nvgreOnly`, only GRE that claims to be NVGRE (protocol 0x6558) is judged
 * as NVGRE; ordinary GRE in the corpus captures (IPv4-in-GRE, PPTP, ERSPAN, keepalives) is one info
 * finding naming what it carries, and no NVGRE error. Without it, today's judgement of every GRE
 * packet is unchanged.
 */
import { describe, expect, it } from 'vitest';
import { buildFrame } from '../../src/frame/build.js';
import { lint } from '../../src/diagnose/lint.js';
import { lintRecord } from '../../src/diagnose/lint-record.js';
import { readCapture } from '../../src/capture/stream.js';
import { corpusFile } from '../pcap/helpers.js';

/** `severity code` → count over a corpus capture, NOT_NVGRE split by what it says the frame carries. */
function tally(file: string, nvgreOnly: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of readCapture(corpusFile(file)).records) {
    for (const f of lintRecord(r, { nvgreOnly })) {
      const kind = f.code === 'NOT_NVGRE' ? ` ${/^Not an NVGRE frame: (.*?)(, not judged|: the outer| the outer|$)/.exec(f.message)?.[1] ?? f.message}` : '';
      const k = `${f.severity} ${f.code}${kind}`;
      out[k] = (out[k] ?? 0) + 1;
    }
  }
  return out;
}

describe('lint scope: ordinary GRE is not judged as NVGRE', () => {
  it('zeek: 40 and 628 frames of IPv4-in-GRE, not NVGRE, and no error', () => {
    expect(tally('zeek/gre-sample.pcap', true)).toEqual({ 'info NOT_NVGRE IPv4-in-GRE': 40 });
    expect(tally('zeek/gre-within-gre.pcap', true)).toEqual({ 'info NOT_NVGRE IPv4-in-GRE': 628 });
  });

  it('PcapPlusPlus: PPTP and IPv4-in-GRE are info; the one NVGRE frame keeps its real error (reserved VSID 0xFD)', () => {
    expect(tally('pcapplusplus/GrePackets.pcap', true)).toEqual({
      'info NOT_NVGRE PPTP (enhanced GRE, version 1)': 2,
      'info NOT_NVGRE IPv4-in-GRE': 3,
      'info NOT_NVGRE the outer IP packet carries protocol 4, not GRE (47).': 1,
      'warning DF_CLEAR': 1,
      'error RESERVED_VSID': 1,
    });
  });

  it('tcpdump: PPTP, ERSPAN, keepalives, CDP and protocol 0x8909 over GRE give no NVGRE error', () => {
    const pptp = tally('tcpdump/pptp.pcap', true);
    expect(pptp['info NOT_NVGRE PPTP (enhanced GRE, version 1)']).toBe(1);
    expect(tally('tcpdump/erspan-type-ii-1.pcap', true)).toEqual({ 'info NOT_NVGRE ERSPAN type I/II': 1 });
    const various = tally('tcpdump/various_gre.pcap', true);
    expect(various['info NOT_NVGRE GRE protocol 0x8909']).toBe(20);
    expect(various['info NOT_NVGRE GRE keepalives (protocol 0)']).toBe(8);
    expect(various['info NOT_NVGRE CDP-in-GRE']).toBe(2);
    for (const f of ['tcpdump/pptp.pcap', 'tcpdump/various_gre.pcap', 'ryu/gre_full_options.pcap', 'ryu/gre_no_option.pcap', 'packetnet/gre_all_options.pcap', 'packetnet/gre_ipv6.pcap']) {
      expect(Object.keys(tally(f, true)).filter((k) => !k.startsWith('info')), f).toEqual([]);
    }
  });

  it('a real fault of the outer header of ordinary GRE is still reported (ERSPAN with every checksum 0)', () => {
    expect(tally('packetnet/gre_custom_protocol.pcap', true)).toEqual({ 'error OUTER_IPV4_CHECKSUM': 1, 'info NOT_NVGRE ERSPAN type I/II': 1 });
  });

  it('GRE that claims to be NVGRE is judged: TEB without a key (gretap) is NO_KEY in every frame', () => {
    expect(tally('suricata-verify/bug-2576-01/temp6.pcap', true)).toEqual({ 'error NO_KEY': 15 });
  });

  it('without nvgreOnly, every GRE frame is judged as NVGRE (lint --all-gre)', () => {
    const all = tally('zeek/gre-sample.pcap', false);
    expect(all['error NOT_TEB']).toBe(40);
    expect(tally('pcapplusplus/GrePackets.pcap', false)['error GRE_VERSION']).toBe(2);
  });

  it('ordinary GRE inside an NVGRE frame is VM payload: no finding for it', () => {
    // A VM's own IPv4-in-GRE tunnel: GRE (no flags, protocol 0x0800), then an IPv4 header of 20 bytes.
    const vmIp = buildFrame({ ipv4: { src: '172.16.0.1', dst: '172.16.0.2', protocol: 253 } }).subarray(14);
    const greAndIp = new Uint8Array([0, 0, 0x08, 0x00, ...vmIp]);
    const frame = buildFrame({ ipv4: { src: '192.0.2.1', dst: '192.0.2.2' }, nvgre: { vsid: 0x5001, flowId: 3 }, inner: { ipv4: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 47 }, payload: greAndIp } });
    expect(lint(frame, { nvgreOnly: true }).map((f) => f.code)).toEqual([]);
    expect(lint(frame).map((f) => f.code)).toContain('NOT_TEB');
  });
});
