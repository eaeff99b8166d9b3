/**
 * Virtual machine queue (VMQ) classification of NVGRE frames, as a NIC that advertises the NDIS NVGRE
 * `VmqSupported` capability does it (docs/rss.md §7): receive filters on a destination MAC address (and
 * VLAN ID), tested on the inner Ethernet header when the filter is marked for encapsulated packets.
 *
 * Untrusted bytes never throw; bad filters throw `INVALID_ARGUMENT` naming the filter and field.
 */
import { parseMac } from '../wire/address.js';
import { assertBytes } from '../wire/bytes.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { ReceiveView } from './rss.js';

export interface VmqFilter {
  /** The queue a matching frame goes to (0 is the default queue). */
  readonly queueId: number;
  /** Destination MAC address to match: unicast (broadcast and multicast frames go to the default queue). */
  readonly macAddress: string | Uint8Array;
  /** 802.1Q VLAN ID (0–4095) to match, of the same header as the MAC address; absent: any, or untagged. */
  readonly vlanId?: number;
  /** Library extension (NDIS VMQ filters have no VSID field): the NVGRE VSID must match too. Encapsulated filters only. */
  readonly vsid?: number;
  /**
   * `NDIS_RECEIVE_FILTER_PACKET_ENCAPSULATION_GRE`: test the inner Ethernet header of an NVGRE frame
   * (its outermost header when the inner one is cut short). Default false: the outer header, any frame.
   */
  readonly encapsulated?: boolean;
}

export interface VmqResult {
  /** The matching filter's queue, else 0 (the default queue). */
  readonly queueId: number;
  /** The first filter that matched, or null. */
  readonly matched: VmqFilter | null;
  /** The header the match was made on; without a match, the header encapsulated filters would test. */
  readonly over: 'inner' | 'outer';
}

export interface Vmq {
  /** Classifies one frame. Returns a new result object (small; the filters are precompiled). */
  classify(frame: Uint8Array): VmqResult;
}

interface Compiled {
  readonly filter: VmqFilter;
  readonly queueId: number;
  /** MAC as two numbers: the first 2 bytes and the last 4. */
  readonly macHi: number;
  readonly macLo: number;
  readonly vlanId: number;
  readonly vsid: number;
  readonly encapsulated: boolean;
}

function invalid(message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, message);
}

function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function intField(value: unknown, path: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw invalid(`${path} must be an integer from 0 to ${max}, got ${shown(value)}`);
  return value;
}

function compile(filters: unknown): Compiled[] {
  if (!Array.isArray(filters)) throw invalid(`filters must be an array of VMQ filters, got ${shown(filters)}`);
  return filters.map((f: unknown, i): Compiled => {
    const path = `filters[${i}]`;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw invalid(`${path} must be an object, got ${shown(f)}`);
    const o = f as Record<string, unknown>;
    for (const name of Object.keys(o)) {
      if (!['queueId', 'macAddress', 'vlanId', 'vsid', 'encapsulated'].includes(name)) throw invalid(`${path}.${name} is not a VMQ filter field`);
    }
    const queueId = intField(o.queueId, `${path}.queueId`, 0xffff);
    const mac = parseMac(o.macAddress as string | Uint8Array, `${path}.macAddress`);
    if ((mac[0]! & 1) !== 0) throw invalid(`${path}.macAddress ${shown(o.macAddress)} is a group address; VMQ filters match unicast addresses (broadcast and multicast go to the default queue)`);
    const vlanId = o.vlanId === undefined ? -1 : intField(o.vlanId, `${path}.vlanId`, 0xfff);
    if (o.encapsulated !== undefined && typeof o.encapsulated !== 'boolean') throw invalid(`${path}.encapsulated must be a boolean, got ${shown(o.encapsulated)}`);
    const encapsulated = o.encapsulated === true;
    const vsid = o.vsid === undefined ? -1 : intField(o.vsid, `${path}.vsid`, 0xffffff);
    if (vsid >= 0 && !encapsulated) throw invalid(`${path}.vsid applies to encapsulated filters only (set encapsulated: true)`);
    return {
      filter: f as VmqFilter,
      queueId,
      macHi: (mac[0]! << 8) | mac[1]!,
      macLo: ((mac[2]! << 24) | (mac[3]! << 16) | (mac[4]! << 8) | mac[5]!) >>> 0,
      vlanId,
      vsid,
      encapsulated,
    };
  });
}

function classifyWith(filters: readonly Compiled[], view: ReceiveView, b: Uint8Array): VmqResult {
  view.walk(b, false);
  const nvgre = view.nvgre;
  const inner = view.innerEthernet;
  const encapsulatedHeaderIsInner = nvgre && inner >= 0;
  if (b.length >= 14) {
    for (const f of filters) {
      let at = 0;
      let vid = view.outerVid;
      if (f.encapsulated) {
        if (!nvgre) continue; // docs/rss.md §7: a plain frame sees only non-encapsulated filters
        if (f.vsid >= 0 && view.key >>> 8 !== f.vsid) continue;
        if (inner >= 0) {
          at = inner;
          vid = view.innerVid;
        }
      }
      // Group addresses (I/G bit) never match a filter: the default queue takes them.
      if ((b[at]! & 1) !== 0) continue;
      if (((b[at]! << 8) | b[at + 1]!) !== f.macHi || (((b[at + 2]! << 24) | (b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!) >>> 0) !== f.macLo) continue;
      if (f.vlanId >= 0 && vid !== f.vlanId) continue;
      return { queueId: f.queueId, matched: f.filter, over: f.encapsulated && inner >= 0 ? 'inner' : 'outer' };
    }
  }
  return { queueId: 0, matched: null, over: encapsulatedHeaderIsInner ? 'inner' : 'outer' };
}

const sharedView = new ReceiveView();

/**
 * The VMQ queue of `frame` (docs/rss.md §7): the first filter whose given fields all match, else queue 0.
 * For many frames, {@link createVmq} checks the filters once.
 */
export function classifyVmq(frame: Uint8Array, filters: readonly VmqFilter[]): VmqResult {
  assertBytes(frame, 'frame');
  return classifyWith(compile(filters), sharedView, frame);
}

/** A VMQ classifier with `filters` checked and compiled once. */
export function createVmq(filters: readonly VmqFilter[]): Vmq {
  const compiled = compile(filters);
  const view = new ReceiveView();
  return {
    classify(frame: Uint8Array): VmqResult {
      assertBytes(frame, 'frame');
      return classifyWith(compiled, view, frame);
    },
  };
}
