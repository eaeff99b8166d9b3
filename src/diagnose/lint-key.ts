/**
 * The key checks of lint (RFC 7637 §3.2–§3.4, docs/nvgre.md §7): reserved VSIDs, FlowID 0, the low24
 * layout's reserved byte, and how peers using the other key layouts read the key.
 */
import { VSID, vsidOf } from '../wire/gre.js';
import { LintCode, type LintOptions } from './lint-codes.js';

/** What the key checks need of lint's per-frame state. */
export interface KeyContext {
  readonly options: LintOptions;
  add(code: LintCode, layer: string, offset: number, rfc: string, message: string): void;
}

const hex = (v: number, digits: number): string => '0x' + v.toString(16).padStart(digits, '0');

export function checkKey(ctx: KeyContext, key: number, o: number): void {
  const low24 = ctx.options.keyLayout === 'low24';
  const vsid = vsidOf(key, low24 ? 'low24' : 'rfc7637');
  const flowId = key & 0xff;
  if (low24 && key >>> 24 !== 0) {
    ctx.add(
      LintCode.RESERVED_KEY_BITS,
      'gre',
      o,
      'docs/nvgre.md §7',
      `The key ${hex(key, 8)} has a non-zero high byte, which the low24 layout this receiver uses reserves: it drops the frame. The sender likely uses the RFC 7637 layout (VSID ${hex(key >>> 8, 6)}, FlowID ${hex(flowId, 2)}); make both hosts use one layout.`,
    );
  }
  if (vsid <= VSID.RESERVED_LOW_MAX) {
    ctx.add(
      LintCode.RESERVED_VSID,
      'gre',
      o,
      'RFC 7637 §3.4',
      `VSID ${hex(vsid, 6)} lies in the reserved range 0x000000–0x000FFF: strict NVGRE endpoints drop it; assign a VSID from 0x001000 to 0xFFFFFE.` +
        (low24 ? '' : ` If the sender writes the VSID in the low 24 bits (the first draft's layout, docs/nvgre.md §7), this key is its VSID ${hex(key & 0xffffff, 6)}.`),
    );
  } else if (vsid === VSID.VENDOR_SPECIFIC) {
    ctx.add(
      LintCode.VENDOR_VSID,
      'gre',
      o,
      'RFC 7637 §3.4',
      'VSID 0xFFFFFF is reserved for vendor-specific NVE-to-NVE communication: use it only after confirming the peer NVE is from the same vendor, otherwise it is dropped.',
    );
  }
  if (!low24 && flowId === 0) {
    ctx.add(
      LintCode.FLOWID_ZERO,
      'gre',
      o + 3,
      'RFC 7637 §3.2, §4.1',
      'The FlowID is 0 (not generated): underlay ECMP that hashes the outer header and key sends every flow of this VSID down one path; fill the FlowID with a per-flow hash unless a draft-era peer needs 0.',
    );
  }
  if (ctx.options.legacyKeyView === true) checkOtherLayouts(ctx, key, o, low24);
}

/**
 * How the other key layouts read `key` (docs/nvgre.md §7). The first draft contradicts itself: its
 * text puts the VSID (TNI) in the low 24 bits with a zero high byte (`low24`), its figure in the high
 * 24 bits with a reserved zero low byte. Both readings are given, next to this receiver's.
 */
function checkOtherLayouts(ctx: KeyContext, key: number, o: number, low24: boolean): void {
  const rfc = key >>> 8;
  const flowId = key & 0xff;
  const text = key >>> 24 === 0 ? `VSID ${hex(key & 0xffffff, 6)}` : `a drop (its high byte ${hex(key >>> 24, 2)} must be zero)`;
  const figure = flowId === 0 ? `VSID ${hex(rfc, 6)}` : `a drop or a mismatch (its low byte ${hex(flowId, 2)} is reserved and must be zero)`;
  const mine = low24 ? `This receiver (low24) reads VSID ${hex(key & 0xffffff, 6)}` : `RFC 7637 reads VSID ${hex(rfc, 6)}, FlowID ${hex(flowId, 2)}`;
  const readings =
    `${mine}. A peer that follows the first draft's text (VSID in the low 24 bits, high byte zero) reads ${text}; ` +
    `one that follows the draft's figure (VSID in the high 24 bits, low byte reserved) reads ${figure}` +
    (low24 ? `; an RFC 7637 peer reads VSID ${hex(rfc, 6)}, FlowID ${hex(flowId, 2)}.` : '.');
  const same = low24 ? false : flowId === 0 && (key & 0xffffff) === rfc;
  ctx.add(
    same ? LintCode.LEGACY_KEY_LAYOUT : LintCode.LEGACY_KEY_MISMATCH,
    'gre',
    o,
    'RFC 7637 §3.2; docs/nvgre.md §7',
    same
      ? `${readings} Every layout reads the same VSID.`
      : `${readings} Hosts that read the key in different layouts put each other's frames in the wrong virtual subnet and drop them (answering with ICMP "administratively prohibited"): configure both ends with one layout.`,
  );
}
