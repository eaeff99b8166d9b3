/**
 * Validation of a `FrameSpec` before `buildFrame` writes a byte: every numeric field must be an
 * integer that fits its header field, every byte field a `Uint8Array` that fits its length field, every
 * flag a boolean. Otherwise `INVALID_ARGUMENT` naming the spec path (`spec.inner.ipv4.ttl: ...`), as the
 * README promises — never a silently masked value (a TTL of 300 written as 44), a wrapped length field
 * (options past what Hdr Ext Len can express) or an allocation sized by an absurd `trailer`.
 * Addresses, the VSID and fragment offsets keep their checks in build.ts (in planFrame, before a byte is
 * written); this covers the rest.
 */
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';

/** Deepest nesting buildFrame accepts (as its own HARD_MAX_DEPTH). */
const MAX_DEPTH = 64;
/** Ethernet padding / trailer bytes after the IP datagram. */
const MAX_TRAILER = 0xffff;
/** Hop-by-Hop / Destination Options: (Hdr Ext Len + 1) · 8 ≤ 2048 bytes, 2 of them Next Header and Hdr Ext Len. */
const MAX_EXTENSION_OPTIONS = 2046;
/** Routing header: 8 + 16 · n ≤ 2048 bytes. */
const MAX_ROUTING_ADDRESSES = 127;

function invalid(path: string, message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'argument', 0, `${path}: ${message}`);
}

function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
}

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) notObject(value, path);
  return value as Obj;
}

function notObject(value: unknown, path: string): never {
  throw invalid(path, `must be an object, got ${shown(value)}`);
}

// Each check takes the value read at the call site (a named property load): reading `o[key]` with a
// variable key here measured ~0.75 µs per buildFrame on V8's keyed-lookup slow path. The checks are
// wrappers small enough (under 27 bytes of bytecode) for V8 to inline them always, so a field that is
// absent (most of them) costs a compare; only a given value calls the full check.
function int(v: unknown, key: string, path: string, max: number): void {
  if (v !== undefined) checkInt(v, key, path, max);
}

/** A required integer field; also the full check behind {@link int}. */
function checkInt(v: unknown, key: string, path: string, max: number): void {
  if (v === undefined) throw invalid(`${path}.${key}`, 'is required');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw invalid(`${path}.${key}`, `must be an integer from 0 to ${max}, got ${shown(v)}`);
  }
}

function bool(v: unknown, key: string, path: string): void {
  if (v !== undefined && typeof v !== 'boolean') notBoolean(v, key, path);
}

function notBoolean(v: unknown, key: string, path: string): never {
  throw invalid(`${path}.${key}`, `must be a boolean, got ${shown(v)}`);
}

function bytes(v: unknown, key: string, path: string, max: number): void {
  if (v !== undefined) checkBytes(v, key, path, max);
}

function checkBytes(v: unknown, key: string, path: string, max: number): void {
  if (!(v instanceof Uint8Array)) throw invalid(`${path}.${key}`, `must be a Uint8Array, got ${Array.isArray(v) ? 'an Array' : shown(v)}`);
  if (v.length > max) throw invalid(`${path}.${key}`, `at most ${max} bytes, got ${v.length}`);
}

function checkExtensions(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw invalid(path, `must be an array, got ${shown(value)}`);
  value.forEach((x: unknown, i) => {
    const p = `${path}[${i}]`;
    const e = obj(x, p);
    if (e.type === 'hop-by-hop' || e.type === 'destination-options') {
      bytes(e.options, 'options', p, MAX_EXTENSION_OPTIONS);
    } else if (e.type === 'routing') {
      int(e.routingType, 'routingType', p, 0xff);
      int(e.segmentsLeft, 'segmentsLeft', p, 0xff);
      if (!Array.isArray(e.addresses)) throw invalid(`${p}.addresses`, `must be an array of IPv6 addresses, got ${shown(e.addresses)}`);
      if (e.addresses.length > MAX_ROUTING_ADDRESSES) throw invalid(`${p}.addresses`, `at most ${MAX_ROUTING_ADDRESSES} addresses fit a Routing header, got ${e.addresses.length}`);
    } else if (e.type === 'fragment') {
      int(e.fragmentOffset, 'fragmentOffset', p, 0xfff8);
      bool(e.moreFragments, 'moreFragments', p);
      int(e.identification, 'identification', p, 0xffffffff);
    }
    // Other types: build.ts names them ("unknown extension header type").
  });
}

/** The spec path of each section at one nesting depth (`spec.inner.tcp`, …). */
interface SectionPaths {
  readonly frame: string;
  readonly ethernet: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly nvgre: string;
  readonly tcp: string;
  readonly udp: string;
  readonly icmp: string;
}

/** Built once per depth: joining them on every buildFrame measured about 10 ns a section. */
const sectionPathsByDepth: SectionPaths[] = [];

/** The spec path of the frame `depth` levels of `inner` down (`spec.inner.inner`). */
export function framePath(depth: number): string {
  return sectionPaths(depth).frame;
}

function sectionPaths(depth: number): SectionPaths {
  let paths = sectionPathsByDepth[depth];
  if (paths === undefined) {
    const frame = 'spec' + '.inner'.repeat(depth);
    paths = {
      frame,
      ethernet: `${frame}.ethernet`,
      ipv4: `${frame}.ipv4`,
      ipv6: `${frame}.ipv6`,
      nvgre: `${frame}.nvgre`,
      tcp: `${frame}.tcp`,
      udp: `${frame}.udp`,
      icmp: `${frame}.icmp`,
    };
    sectionPathsByDepth[depth] = paths;
  }
  return paths;
}

/**
 * Throws `INVALID_ARGUMENT` naming the first field of `spec` (or a nested `inner`, `depth` levels
 * down) that is out of range.
 */
export function checkFrameSpec(spec: unknown, depth = 0): void {
  const paths = sectionPaths(depth);
  const path = paths.frame;
  const s = obj(spec, path);
  if (depth > MAX_DEPTH) throw invalid(path, `nested deeper than ${MAX_DEPTH}`);
  if (s.ethernet !== undefined) {
    const p = paths.ethernet;
    const e = obj(s.ethernet, p);
    int(e.etherType, 'etherType', p, 0xffff);
    if (e.vlans !== undefined) {
      if (!Array.isArray(e.vlans)) throw invalid(`${p}.vlans`, `must be an array, got ${shown(e.vlans)}`);
      e.vlans.forEach((v: unknown, i) => {
        const q = `${p}.vlans[${i}]`;
        const t = obj(v, q);
        checkInt(t.id, 'id', q, 0xfff);
        int(t.pcp, 'pcp', q, 7);
        bool(t.dei, 'dei', q);
        int(t.tpid, 'tpid', q, 0xffff);
      });
    }
  }
  if (s.ipv4 !== undefined) {
    const p = paths.ipv4;
    const v = obj(s.ipv4, p);
    int(v.ttl, 'ttl', p, 0xff);
    int(v.dscp, 'dscp', p, 63);
    int(v.ecn, 'ecn', p, 3);
    int(v.id, 'id', p, 0xffff);
    bool(v.dontFragment, 'dontFragment', p);
    bool(v.moreFragments, 'moreFragments', p);
    int(v.fragmentOffset, 'fragmentOffset', p, 0xfff8);
    bytes(v.options, 'options', p, 40);
    int(v.protocol, 'protocol', p, 0xff);
    int(v.totalLength, 'totalLength', p, 0xffff);
    int(v.checksum, 'checksum', p, 0xffff);
  }
  if (s.ipv6 !== undefined) {
    const p = paths.ipv6;
    const v = obj(s.ipv6, p);
    int(v.hopLimit, 'hopLimit', p, 0xff);
    int(v.dscp, 'dscp', p, 63);
    int(v.ecn, 'ecn', p, 3);
    int(v.flowLabel, 'flowLabel', p, 0xfffff);
    int(v.protocol, 'protocol', p, 0xff);
    int(v.payloadLength, 'payloadLength', p, 0xffff);
    checkExtensions(v.extensionHeaders, `${p}.extensionHeaders`);
  }
  if (s.nvgre !== undefined) {
    const p = paths.nvgre;
    const n = obj(s.nvgre, p);
    if (n.flowId !== undefined && n.flowId !== 'hash') int(n.flowId, 'flowId', p, 0xff);
    if (n.keyLayout !== undefined && n.keyLayout !== 'rfc7637' && n.keyLayout !== 'low24') {
      throw invalid(`${p}.keyLayout`, `must be 'rfc7637' or 'low24', got ${shown(n.keyLayout)}`);
    }
    // docs/nvgre.md §7: the low24 layout has no FlowID (its high byte must be zero).
    if (n.keyLayout === 'low24' && n.flowId !== undefined && n.flowId !== 0) {
      throw invalid(`${p}.flowId`, `the low24 key layout has no FlowID; leave flowId out or 0, got ${shown(n.flowId)}`);
    }
    int(n.key, 'key', p, 0xffffffff);
    bool(n.keyPresent, 'keyPresent', p);
    if (n.checksum !== undefined && typeof n.checksum !== 'boolean') int(n.checksum, 'checksum', p, 0xffff);
    int(n.sequence, 'sequence', p, 0xffffffff);
    int(n.version, 'version', p, 7);
    int(n.protocol, 'protocol', p, 0xffff);
    int(n.extraFlags, 'extraFlags', p, 0xffff);
  }
  if (s.tcp !== undefined) {
    const p = paths.tcp;
    const t = obj(s.tcp, p);
    checkInt(t.srcPort, 'srcPort', p, 0xffff);
    checkInt(t.dstPort, 'dstPort', p, 0xffff);
    // Sequence space arithmetic is modulo 2^32 (RFC 9293 §3.4): larger values are taken mod 2^32.
    int(t.seq, 'seq', p, Number.MAX_SAFE_INTEGER);
    int(t.ack, 'ack', p, Number.MAX_SAFE_INTEGER);
    int(t.flags, 'flags', p, 0xff);
    int(t.window, 'window', p, 0xffff);
    int(t.urgentPointer, 'urgentPointer', p, 0xffff);
    bytes(t.options, 'options', p, 40);
    int(t.checksum, 'checksum', p, 0xffff);
  }
  if (s.udp !== undefined) {
    const p = paths.udp;
    const u = obj(s.udp, p);
    checkInt(u.srcPort, 'srcPort', p, 0xffff);
    checkInt(u.dstPort, 'dstPort', p, 0xffff);
    int(u.length, 'length', p, 0xffff);
    int(u.checksum, 'checksum', p, 0xffff);
  }
  if (s.icmp !== undefined) {
    const p = paths.icmp;
    const c = obj(s.icmp, p);
    checkInt(c.type, 'type', p, 0xff);
    int(c.code, 'code', p, 0xff);
    int(c.identifier, 'identifier', p, 0xffff);
    int(c.sequence, 'sequence', p, 0xffff);
    int(c.rest, 'rest', p, 0xffffffff);
    int(c.checksum, 'checksum', p, 0xffff);
  }
  if (s.payload !== undefined && typeof s.payload !== 'string' && !(s.payload instanceof Uint8Array)) {
    throw invalid(`${path}.payload`, `must be a Uint8Array or a string, got ${Array.isArray(s.payload) ? 'an Array' : shown(s.payload)}`);
  }
  int(s.trailer, 'trailer', path, MAX_TRAILER);
  bool(s.fillChecksums, 'fillChecksums', path);
  if (s.inner !== undefined) checkFrameSpec(s.inner, depth + 1);
}
