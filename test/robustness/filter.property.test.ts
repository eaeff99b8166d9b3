/**
 * The display filter fuzzed like the decoders (docs/filter.md):
 *
 * - any string, and any soup of the language's own tokens, either compiles or throws an NvgreError
 *   INVALID_ARGUMENT (layer `filter`) whose offset is a column inside the expression and whose message
 *   names it — never another exception;
 * - a random well-typed syntax tree, printed by formatDisplayFilter, parses back to the same tree and
 *   compiles;
 * - compiled filters never throw on any frame (the field model reads only inside the bytes), `!`,
 *   `&&` and `||` mean what they say, and `!=` is the negation of `==`;
 * - the field tree, the layer spans and the summary never throw, and the spans tile the frame.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FRAME_FIELDS,
  FrameView,
  NvgreError,
  compileDisplayFilter,
  formatDisplayFilter,
  frameFieldTree,
  frameLayerSpans,
  frameSummary,
  parseDisplayFilter,
  type FilterLiteral,
  type FilterNode,
  type FilterSetMember,
  type FrameField,
} from '../../src/index.js';
import { check, hostileFrame, reportCounts, runsOf } from './harness.js';

reportCounts('filter');

function expectFilterError(expression: string, e: unknown): void {
  if (!(e instanceof NvgreError)) throw e;
  expect(e.code).toBe('INVALID_ARGUMENT');
  expect(e.layer).toBe('filter');
  expect(e.offset).toBeGreaterThanOrEqual(0);
  expect(e.offset).toBeLessThanOrEqual(expression.length);
  expect(e.message).toContain(`(column ${e.offset + 1})`);
}

function compiles(expression: string): boolean {
  try {
    compileDisplayFilter(expression);
    return true;
  } catch (e) {
    expectFilterError(expression, e);
    return false;
  }
}

const FIELD_NAMES = FRAME_FIELDS.flatMap((f) => [f.name, ...f.aliases]);

/** Tokens of the language and near misses, joined by random spacing. */
const token = fc.oneof(
  fc.constantFrom(...FIELD_NAMES),
  fc.constantFrom('&&', '||', '!', '(', ')', '{', '}', ',', '==', '!=', '<', '>', '<=', '>=', '=', '&', '|', 'and', 'or', 'not', 'in', 'eq', '..', '"', '/'),
  fc.constantFrom('5001', '0x1389', '0', '-1', '1..9', '10.0.0.1', '10.0.0.0/8', '2001:db8::1', '::/0', '52:54:00:00:01:01', 'RESERVED_VSID', 'ok', 'true', 'low24', '"bad"', '999999999999999999999', '1.2.3', 'fe80::1::2'),
  fc.string({ maxLength: 4 }),
);
const tokenSoup = fc.array(fc.tuple(token, fc.constantFrom('', ' ', '  ', '\t')), { maxLength: 12 }).map((parts) => parts.map(([t, s]) => t + s).join(''));

// ---------------------------------------------------------------------------------------------
// Random well-typed syntax trees

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => Uint8Array.from(b));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 });

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

function literalFor(f: FrameField): fc.Arbitrary<FilterLiteral> {
  switch (f.type) {
    case 'number':
      return fc.oneof(fc.nat(0xffff), fc.nat()).map((value) => ({ kind: 'number' as const, value }));
    case 'boolean':
      return fc.boolean().map((b) => ({ kind: 'word' as const, value: String(b) }));
    case 'ip':
      return fc.oneof(ipv4, ipv6).chain((bytes) =>
        fc.option(fc.nat(bytes.length * 8), { nil: undefined }).map((prefix) => {
          const text = ipText(bytes);
          return prefix === undefined
            ? { kind: 'ip' as const, text, bytes, prefix: bytes.length * 8 }
            : { kind: 'ip' as const, text: `${text}/${prefix}`, bytes, prefix };
        }),
      );
    case 'mac':
      return fc.uint8Array({ minLength: 6, maxLength: 6 }).map((bytes) => ({ kind: 'mac' as const, text: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':'), bytes }));
    case 'code':
      return fc.constantFrom(...f.codes!).map((value) => ({ kind: 'word' as const, value }));
  }
}

const fieldArb = fc.constantFrom(...FRAME_FIELDS).chain((f) => fc.constantFrom(f.name, ...f.aliases).map((name) => ({ f, name })));

const test: fc.Arbitrary<FilterNode> = fieldArb.chain(({ f, name }) => {
  const ops = f.type === 'number' ? (['==', '!=', '<', '>', '<=', '>='] as const) : (['==', '!='] as const);
  const member: fc.Arbitrary<FilterSetMember> =
    f.type === 'number'
      ? fc.oneof(literalFor(f), fc.tuple(fc.nat(1000), fc.nat(1000)).map(([a, b]) => ({ kind: 'range' as const, low: Math.min(a, b), high: Math.max(a, b) })))
      : literalFor(f);
  const variants: fc.Arbitrary<FilterNode>[] = [
    fc.constant({ kind: 'field' as const, field: name, column: 0 }),
    fc.record({ op: fc.constantFrom(...ops), value: literalFor(f) }).map(({ op, value }) => ({ kind: 'compare' as const, field: name, op, value, column: 0 })),
    fc.array(member, { minLength: 1, maxLength: 4 }).map((members) => ({ kind: 'in' as const, field: name, members, column: 0 })),
  ];
  // An ordered comparison with a prefix is refused at compile time; keep the generated trees compilable.
  return fc.oneof(...variants).filter((n) => !(n.kind === 'compare' && n.value.kind === 'ip' && n.op !== '==' && n.op !== '!='));
});

const tree: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    test,
    tie('node').map((operand) => ({ kind: 'not' as const, operand })),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;

/** The tree without columns (the printer does not keep the source's spacing). */
function shape(n: FilterNode): unknown {
  return JSON.parse(JSON.stringify(n, (k, v: unknown) => (k === 'column' ? undefined : v instanceof Uint8Array ? [...v] : v)));
}

/** The parser keeps literal text as written; the generator writes canonical text, except ip text case. */
function normalize(n: FilterNode): unknown {
  return shape(n);
}

describe('display filter: any text', () => {
  it('any string compiles or is an NvgreError naming a column inside it', () => {
    check('filter any string', fc.string({ maxLength: 60, unit: 'binary' }), (s) => void compiles(s), runsOf(2000, 0.02));
  });

  it('any soup of its tokens compiles or is an NvgreError naming a column inside it', () => {
    let compiled = 0;
    check('filter token soup', tokenSoup, (s) => void (compiles(s) && compiled++), runsOf(3000, 0.03));
    expect(compiled, 'the soup reaches valid filters too').toBeGreaterThan(0);
  });
});

describe('display filter: random syntax trees', () => {
  it('print, parse back to the same tree, and compile', () => {
    check(
      'filter round trip',
      tree,
      (t) => {
        const text = formatDisplayFilter(t);
        let back: FilterNode;
        try {
          back = parseDisplayFilter(text);
          compileDisplayFilter(text);
        } catch (e) {
          throw new Error(`${text}: ${String(e)}`);
        }
        expect(normalize(back), text).toEqual(normalize(t));
        expect(formatDisplayFilter(back)).toBe(text);
      },
      runsOf(2000, 0.03),
    );
  });

  it('never throw on any frame; !, &&, || and != mean what they say', () => {
    const view = new FrameView({ lint: { mtu: 1400 } });
    check(
      'filter evaluation',
      fc.record({ a: tree, b: tree, frame: hostileFrame }),
      ({ a, b, frame }) => {
        view.load(frame, { number: 3, originalLength: frame.length + 4 });
        const ta = compileDisplayFilter(formatDisplayFilter(a)).test;
        const tb = compileDisplayFilter(formatDisplayFilter(b)).test;
        const x = ta(view);
        const y = tb(view);
        expect(compileDisplayFilter(formatDisplayFilter({ kind: 'not', operand: a })).test(view)).toBe(!x);
        expect(compileDisplayFilter(formatDisplayFilter({ kind: 'and', left: a, right: b })).test(view)).toBe(x && y);
        expect(compileDisplayFilter(formatDisplayFilter({ kind: 'or', left: a, right: b })).test(view)).toBe(x || y);
        if (a.kind === 'compare' && a.op === '==') {
          expect(compileDisplayFilter(formatDisplayFilter({ ...a, op: '!=' })).test(view)).toBe(!x);
        }
      },
      runsOf(500, 0.05),
    );
  });
});

describe('frame views of hostile frames', () => {
  it('the field tree, the layer spans and the summary never throw; the spans tile the frame', () => {
    const view = new FrameView();
    check(
      'frame view',
      hostileFrame,
      (frame) => {
        view.load(frame);
        frameFieldTree(view);
        frameSummary(view, { legacyKey: true });
        const spans = frameLayerSpans(view);
        let at = 0;
        for (const s of spans) {
          expect(s.offset).toBe(at);
          expect(s.length).toBeGreaterThan(0);
          at += s.length;
        }
        expect(at).toBe(frame.length);
      },
      runsOf(1000, 0.05),
    );
  });
});
