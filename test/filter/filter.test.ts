/**
 * The display filter (src/diagnose/filter.ts, docs/filter.md): the examples on real frames, every
 * operator, the literal kinds, the semantics of absent and multi-valued fields, and errors that name
 * the column. The field model's names are all documented in docs/filter.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FRAME_FIELDS,
  FrameView,
  NvgreError,
  buildFrame,
  compileDisplayFilter,
  createEncapsulator,
  frameFieldTree,
  frameFieldValues,
  parseDisplayFilter,
  type FrameSpec,
} from '../../src/index.js';
import { frameField } from '../../src/diagnose/fields.js';
import { INNER, OUTERS, nvgreSpec } from '../nvgre/frames.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const tcp: FrameSpec = {
  ethernet: { src: '52:54:00:00:01:01', dst: '52:54:00:00:01:02' },
  ipv4: { src: '10.0.0.1', dst: '10.0.0.2', ttl: 61 },
  tcp: { srcPort: 49152, dstPort: 80, flags: 0x12, seq: 7 },
  payload: 'abc',
};
const dns: FrameSpec = {
  ethernet: { src: '52:54:00:00:01:01', dst: '52:54:00:00:01:02' },
  ipv6: { src: 'fd00::1', dst: 'fd00::53' },
  udp: { srcPort: 5353, dstPort: 53 },
  payload: 'query',
};

const v4 = createEncapsulator({ vsid: 5001, flowId: 0, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.0.2.1', dstIp: '198.51.100.2', ttl: 9 });
const v6 = createEncapsulator({ vsid: 6002, flowId: 7, srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '2001:db8::1', dstIp: '2001:db8::2' });

/** 1: TCP in IPv4, VSID 5001, FlowID 0; 2: DNS/UDP in IPv6, VSID 6002; 3: reserved VSID 5; 4: inner VLAN; 5: bad inner UDP checksum; 6: not NVGRE. */
function frames(): Uint8Array[] {
  const badUdp = v4.encapsulate(buildFrame({ ...INNER }));
  badUdp[badUdp.length - 20] = badUdp[badUdp.length - 20]! ^ 0xff; // a payload byte: the UDP checksum no longer matches
  return [
    v4.encapsulate(buildFrame(tcp)),
    v6.encapsulate(buildFrame(dns)),
    buildFrame(nvgreSpec(OUTERS[0]!, { nvgre: { vsid: 5 } })),
    buildFrame({ ...nvgreSpec(OUTERS[0]!), inner: { ...INNER, ethernet: { ...INNER.ethernet!, vlans: [{ id: 100 }] } } }),
    badUdp,
    buildFrame(tcp),
  ];
}

/** Numbers (1-based) of the frames that pass. */
function select(expression: string): number[] {
  const f = compileDisplayFilter(expression);
  return frames().flatMap((b, i) => (f.matches(b, { number: i + 1 }) ? [i + 1] : []));
}

function errorOf(expression: string): NvgreError {
  try {
    compileDisplayFilter(expression);
  } catch (e) {
    expect(e).toBeInstanceOf(NvgreError);
    return e as NvgreError;
  }
  throw new Error(`"${expression}" compiled`);
}

describe('display filter: the examples of the issue', () => {
  it.each([
    ['vsid == 5001 && inner.udp && !csum.ok', [5]],
    ['outer.src == 192.0.2.1', [1, 3, 4, 5]],
    ['flowid == 0', [1, 5]],
    ['drop == RESERVED_VSID', [3]],
    ['lint == INNER_VLAN', [4]],
    ['inner.port == 53', [2]],
    ['inner.vlan == 100', [4]],
    ['!nvgre', [6]],
    ['drop', [3, 4, 6]],
    ['!drop', [1, 2, 5]],
  ])('%s', (expression, expected) => {
    expect(select(expression)).toEqual(expected);
  });
});

describe('display filter: operators and literals', () => {
  it.each([
    ['vsid == 0x1389', [1, 5]],
    ['vsid != 5001', [2, 3, 4, 6]], // != is !(==): true where the field is absent
    ['vsid > 5001', [2, 4]],
    ['vsid < 5001', [3]],
    ['vsid >= 5001 and vsid le 6002', [1, 2, 5]],
    ['vsid in {5 6002}', [2, 3]],
    ['vsid in {5, 6000..7000}', [2, 3]],
    ['outer.ttl == 9 || (inner.ipv6 && inner.dst == fd00::53)', [1, 2, 5]],
    ['outer.dst == 2001:db8::/32', [2]],
    ['outer.addr == 198.51.100.0/24', [1, 5]],
    ['inner.eth.src == 52-54-00-00-01-01', [1, 2]], // frame 6 has no inner frame
    ['inner.tcp.flags.syn && inner.tcp.flags.ack', [1]],
    ['inner.tcp.flags == 0x12', [1]],
    ['payload == 3', [1]],
    ['inner.ttl == 61', [1]],
    ['csum.transport == bad', [5]],
    ['csum.outer_ip == "ok"', [1, 3, 4, 5, 6]], // a plain frame's only IPv4 header counts as the outer one
    ['frame.number in {2..3}', [2, 3]],
    ['not (nvgre or drop)', []],
    ['!!nvgre', [1, 2, 3, 4, 5]],
    ['gre.k == true && gre.c == 0', [1, 2, 3, 4, 5]],
    ['lint.error', [3, 4, 5]],
  ])('%s', (expression, expected) => {
    expect(select(expression)).toEqual(expected);
  });

  it('&& binds tighter than ||, and both are left-associative', () => {
    expect(select('frame.number == 1 || frame.number == 2 && vsid == 5001')).toEqual([1]);
    expect(select('(frame.number == 1 || frame.number == 2) && vsid == 6002')).toEqual([2]);
  });

  it('lists the fields it reads, by their canonical names', () => {
    expect(compileDisplayFilter('outer.ttl == 1 && nvgre.vsid == 2 || outer.ttl == 3').fields).toEqual(['outer.ip.ttl', 'vsid']);
  });

  it('reads the key in the low24 layout when asked (the first draft)', () => {
    const frame = buildFrame(nvgreSpec(OUTERS[0]!, { nvgre: { vsid: 0, flowId: 0x42 } })); // key 0x00000042
    expect(compileDisplayFilter('vsid == 0x42 && key_layout == low24', { keyLayout: 'low24' }).matches(frame)).toBe(true);
    expect(compileDisplayFilter('vsid == 0 && flowid == 0x42').matches(frame)).toBe(true);
    expect(compileDisplayFilter('drop == RESERVED_VSID && flowid == 0', { keyLayout: 'low24' }).matches(frame)).toBe(true);
  });
});

describe('display filter: errors name the column', () => {
  it.each([
    ['', 0, 'empty'],
    ['vsid ==', 7, 'expected a value'],
    ['vsid = 5', 5, '"=="'],
    ['vsid == 5 &&', 12, 'expected a field name'],
    ['vsid == 5 & inner.udp', 10, '"&&"'],
    ['(vsid == 5', 10, 'expected ")"'],
    ['vsid == 5)', 9, 'unexpected ")"'],
    ['vsdi == 5', 0, 'did you mean vsid?'],
    ['vsid == 10.0.0.1', 5, 'cannot be compared with the address'],
    ['outer.src == 5', 10, 'cannot be compared with the number 5'],
    ['outer.src > 10.0.0.1', 10, 'compares numbers'],
    ['drop == RESERVED', 5, 'has no value RESERVED'],
    ['drop == reserved_vsid', 5, 'did you mean RESERVED_VSID?'],
    ['vsid == 5 inner.udp', 10, 'join tests with && or ||'],
    ['vsid in {}', 9, 'the set is empty'],
    ['vsid in {1', 8, 'never closed'],
    ['vsid in {9..2}', 9, 'empty'],
    ['outer.src == 10.0.0.1/33', 22, 'prefix length'],
    ['outer.src == 300.1.1.1', 13, 'not a valid IPv4'],
    ['vsid == -1', 8, 'is not a value'],
    ['vsid == 99999999999999999999', 8, 'too large'],
    ['drop == "RESERVED_VSID', 8, 'never closed'],
    ['vsid == 5 # comment', 10, 'unexpected character "#"'],
    ['vsid == 5\u0000', 9, 'control character 0x00'],
    ['constructor == 1', 0, 'unknown field'],
    ['vsid constructor 1', 5, 'join tests'],
  ])('%j', (expression, column, text) => {
    const e = errorOf(expression);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.layer).toBe('filter');
    expect(e.offset).toBe(column);
    expect(e.message).toContain(text);
    expect(e.message).toContain(`(column ${column + 1})`);
  });

  it('refuses a non-string and pathological nesting with an NvgreError', () => {
    expect(() => parseDisplayFilter(5 as unknown as string)).toThrow(NvgreError);
    expect(errorOf('!'.repeat(500) + 'nvgre').message).toContain('nests deeper');
    expect(errorOf('('.repeat(500) + 'nvgre' + ')'.repeat(500)).message).toContain('nests deeper');
  });
});

describe('the field model', () => {
  it('docs/filter.md lists every field, with its aliases, type and description, in the order of the model', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'filter.md'), 'utf8');
    const table = /<!-- begin: the field table[^>]*-->\n\| field \| type \| what it holds \|\n\|---\|---\|---\|\n([\s\S]*?)<!-- end: the field table -->/.exec(doc)?.[1];
    expect(table, 'docs/filter.md has the field table between its markers').toBeDefined();
    const expected = FRAME_FIELDS.map((f) => {
      const names = [f.name, ...f.aliases].map((n) => `\`${n}\``).join(', ');
      const type =
        f.type === 'code' ? (f.codes !== undefined && f.codes.length <= 8 ? `word: ${f.codes.join(', ')}` : 'word') : f.type === 'ip' ? 'address' : f.type === 'mac' ? 'MAC' : f.type;
      return `| ${names} | ${type} | ${f.description.replace(/\|/g, '\\|')} |\n`;
    }).join('');
    expect(table).toBe(expected);
  });

  it('the field tree shows exactly the values a filter reads, under the same names', () => {
    const view = new FrameView();
    for (const [i, frame] of frames().entries()) {
      view.load(frame, { number: i + 1 });
      const values = frameFieldValues(view);
      expect(Object.keys(values).sort()).toEqual([...new Set(frameFieldTree(view).flatMap((l) => l.fields.map((f) => f.name)))].sort());
      for (const [name, value] of Object.entries(values)) {
        const f = frameField(name);
        expect(f, name).toBeDefined();
        const raw = f!.get(view);
        if (value === null) {
          expect(raw, name).toBeUndefined();
        } else if (typeof value === 'number' || typeof value === 'boolean') {
          expect(raw, name).toBe(value);
          expect(compileDisplayFilter(`${name} == ${value}`).test(view), name).toBe(true);
        } else if (typeof value === 'string' && f!.type !== 'code') {
          expect(compileDisplayFilter(`${name} == ${value}`).test(view), name).toBe(true);
        }
      }
    }
  });
});
