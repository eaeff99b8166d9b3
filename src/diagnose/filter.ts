/**
 * The display filter language of `nvgre … -Y EXPR` (grammar and fields: docs/filter.md), in the manner
 * of Wireshark's display filters: `vsid == 5001 && inner.udp && !csum.ok`, `outer.src == 192.0.2.0/24`,
 * `drop == RESERVED_VSID`, `inner.port in {53 80 443}`.
 *
 * `compileDisplayFilter` parses and type-checks the expression once and turns it into a closure over a
 * {@link FrameView}: nothing is parsed per frame, and the costly facts (checksums, the strict verdict,
 * lint) are computed only for frames whose filter asks for them. Every error in the expression is an
 * `NvgreError` `INVALID_ARGUMENT` (layer `filter`) whose `offset` is the 0-based column of the problem.
 */
import { parseIp } from '../wire/address.js';
import { NvgreError, NvgreErrorCode } from '../wire/errors.js';
import { frameField, frameFieldNames, type FieldType, type FieldValue, type FrameField } from './fields.js';
import { FrameView, type FrameInfo, type FrameViewOptions } from './frame-view.js';

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type ComparisonOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';

/** A literal as written: a number (decimal or 0x hex), an IP address or prefix, a MAC, or a word. */
export type FilterLiteral =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'ip'; readonly text: string; readonly bytes: Uint8Array; readonly prefix: number }
  | { readonly kind: 'mac'; readonly text: string; readonly bytes: Uint8Array }
  | { readonly kind: 'word'; readonly value: string };

/** One member of an `in { … }` set: a literal, or a number range `lo..hi`. */
export type FilterSetMember = FilterLiteral | { readonly kind: 'range'; readonly low: number; readonly high: number };

export type FilterNode =
  | { readonly kind: 'or' | 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  /** A bare field: true when present (a boolean field: when true). */
  | { readonly kind: 'field'; readonly field: string; readonly column: number }
  | { readonly kind: 'compare'; readonly field: string; readonly op: ComparisonOperator; readonly value: FilterLiteral; readonly column: number }
  | { readonly kind: 'in'; readonly field: string; readonly members: readonly FilterSetMember[]; readonly column: number };

/** A compiled filter. */
export interface DisplayFilter {
  /** The expression as given. */
  readonly expression: string;
  /** The canonical field names it reads. */
  readonly fields: readonly string[];
  /** Whether the frame decoded in `view` passes. */
  test(view: FrameView): boolean;
  /** Decodes `frame` (in a view of its own) and tests it. */
  matches(frame: Uint8Array, info?: FrameInfo): boolean;
}

/** Longest expression accepted (a guard against pathological input, not a practical limit). */
export const MAX_FILTER_LENGTH = 65536;
/** Deepest nesting of parentheses and `!` accepted. */
const MAX_DEPTH = 200;

function filterError(column: number, message: string): NvgreError {
  return new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'filter', column, `${message} (column ${column + 1})`);
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'word' | 'string' | 'op' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly column: number;
}

const WORD = /[A-Za-z0-9_.:/-]/;
const PUNCTUATION = ['&&', '||', '==', '!=', '<=', '>=', '!', '<', '>', '(', ')', '{', '}', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (WORD.test(c)) {
      const start = i;
      while (i < source.length && WORD.test(source[i]!)) i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), column: start });
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < source.length && source[i] !== '"') {
        if (!/[A-Za-z0-9_. :/-]/.test(source[i]!)) throw filterError(i, `a quoted word may hold letters, digits and _ . : / - only, not ${describeChar(source[i]!)}`);
        i++;
      }
      if (i >= source.length) throw filterError(start, 'this quote is never closed');
      tokens.push({ kind: 'string', text: source.slice(start + 1, i), column: start });
      i++;
      continue;
    }
    const op = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op, column: i });
      i += op.length;
      continue;
    }
    if (c === '=') throw filterError(i, 'a single "=" is not an operator; compare with "=="');
    if (c === '&' || c === '|') throw filterError(i, `"${c}" alone is not an operator; use "${c}${c}"`);
    throw filterError(i, `unexpected ${describeChar(c)}`);
  }
  tokens.push({ kind: 'end', text: '', column: source.length });
  return tokens;
}

function describeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `control character 0x${code.toString(16).padStart(2, '0')}` : `character "${c}"`;
}

function describeToken(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : t.kind === 'string' ? `"${t.text}"` : `"${t.text}"`;
}

// ---------------------------------------------------------------------------------------------
// Literals

const WORD_LITERAL = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const IPV4_TEXT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAC_TEXT = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;

function parseIpv4(text: string): Uint8Array | null {
  if (!IPV4_TEXT.test(text)) return null;
  return Uint8Array.from(text.split('.').map(Number));
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return null;
  try {
    const bytes = parseIp(text);
    return bytes.length === 16 ? bytes : null;
  } catch {
    return null;
  }
}

/** A word (or quoted string) as a literal; throws a filter error naming the column when it is none. */
function literalOf(t: Token): FilterLiteral {
  const text = t.text;
  if (t.kind === 'string') return { kind: 'word', value: text };
  if (/^[0-9]+$/.test(text) || /^0[xX][0-9A-Fa-f]+$/.test(text)) {
    const value = /^0[xX]/.test(text) ? parseInt(text.slice(2), 16) : Number(text);
    if (!Number.isSafeInteger(value)) throw filterError(t.column, `the number ${text} is too large`);
    return { kind: 'number', value };
  }
  if (MAC_TEXT.test(text)) {
    const bytes = Uint8Array.from(text.split(/[:-]/).map((h) => parseInt(h, 16)));
    return { kind: 'mac', text: text.toLowerCase().replace(/-/g, ':'), bytes };
  }
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = parseIpv4(addressText) ?? parseIpv6(addressText);
  if (bytes !== null) {
    const max = bytes.length * 8;
    let prefix = max;
    if (slash >= 0) {
      const p = text.slice(slash + 1);
      if (!/^[0-9]{1,3}$/.test(p) || Number(p) > max) throw filterError(t.column + slash + 1, `the prefix length of ${text} must be a number from 0 to ${max}`);
      prefix = Number(p);
    }
    return { kind: 'ip', text: addressText.toLowerCase() + (slash >= 0 ? `/${prefix}` : ''), bytes, prefix };
  }
  if (WORD_LITERAL.test(text)) return { kind: 'word', value: text };
  if (/^[0-9]/.test(text) && /[.:]/.test(text)) throw filterError(t.column, `${text} is not a valid IPv4 address, IPv6 address, prefix or MAC address`);
  throw filterError(t.column, `${text} is not a value: write a number (decimal or 0x hex), an IP address or prefix, a MAC address, or a word such as RESERVED_VSID`);
}

// ---------------------------------------------------------------------------------------------
// Parser

/** Operators, and the words Wireshark accepts for them. A Map: a word such as "constructor" must not find an object property. */
const RELATIONS = new Map<string, ComparisonOperator>([
  ['==', '=='],
  ['!=', '!='],
  ['<', '<'],
  ['>', '>'],
  ['<=', '<='],
  ['>=', '>='],
  ['eq', '=='],
  ['ne', '!='],
  ['lt', '<'],
  ['gt', '>'],
  ['le', '<='],
  ['ge', '>='],
]);

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    return this.tokens[this.at++]!;
  }

  private isOp(text: string, t = this.peek()): boolean {
    return t.kind === 'op' && t.text === text;
  }

  private isKeyword(word: string, t = this.peek()): boolean {
    return t.kind === 'word' && t.text === word;
  }

  parse(): FilterNode {
    if (this.peek().kind === 'end') throw filterError(0, 'the filter is empty');
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') {
      const hint = t.kind === 'word' || t.kind === 'string' ? '; join tests with && or ||' : '';
      throw filterError(t.column, `unexpected ${describeToken(t)}${hint}`);
    }
    return node;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.isOp('||') || this.isKeyword('or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.isOp('&&') || this.isKeyword('and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    const t = this.peek();
    if (this.isOp('!') || this.isKeyword('not')) {
      this.next();
      this.enter(t);
      const operand = this.unary();
      this.depth--;
      return { kind: 'not', operand };
    }
    if (this.isOp('(')) {
      this.next();
      this.enter(t);
      if (this.isOp(')')) throw filterError(this.peek().column, 'empty parentheses: expected a test inside');
      const inner = this.or();
      this.depth--;
      const close = this.next();
      if (!this.isOp(')', close)) throw filterError(close.column, `expected ")" to close the "(" at column ${t.column + 1}, found ${describeToken(close)}`);
      return inner;
    }
    return this.test();
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) throw filterError(t.column, `the expression nests deeper than ${MAX_DEPTH} levels`);
  }

  private test(): FilterNode {
    const t = this.next();
    if (t.kind !== 'word' || !/^[a-z_][a-z0-9_.]*$/.test(t.text)) {
      throw filterError(t.column, `expected a field name (such as vsid or inner.udp), found ${describeToken(t)}`);
    }
    if (frameField(t.text) === undefined) throw unknownField(t);
    const rel = this.peek();
    const op = rel.kind === 'op' || rel.kind === 'word' ? RELATIONS.get(rel.text) : undefined;
    if (op !== undefined) {
      this.next();
      const v = this.next();
      if (v.kind !== 'word' && v.kind !== 'string') throw filterError(v.column, `expected a value after "${rel.text}", found ${describeToken(v)}`);
      return { kind: 'compare', field: t.text, op, value: literalOf(v), column: t.column };
    }
    if (this.isKeyword('in')) {
      this.next();
      const open = this.next();
      if (!this.isOp('{', open)) throw filterError(open.column, `expected "{" after "in", found ${describeToken(open)}`);
      const members: FilterSetMember[] = [];
      for (;;) {
        const m = this.next();
        if (this.isOp('}', m)) {
          if (members.length === 0) throw filterError(m.column, 'the set is empty: write at least one value inside { }');
          break;
        }
        if (m.kind === 'end') throw filterError(open.column, 'this "{" is never closed');
        if (m.kind !== 'word' && m.kind !== 'string') throw filterError(m.column, `expected a value or "}" in the set, found ${describeToken(m)}`);
        members.push(setMember(m));
        if (this.isOp(',')) this.next();
      }
      return { kind: 'in', field: t.text, members, column: t.column };
    }
    return { kind: 'field', field: t.text, column: t.column };
  }
}

function setMember(t: Token): FilterSetMember {
  const range = t.kind === 'word' ? /^(0[xX][0-9A-Fa-f]+|[0-9]+)\.\.(0[xX][0-9A-Fa-f]+|[0-9]+)$/.exec(t.text) : null;
  if (range === null) return literalOf(t);
  const low = literalOf({ kind: 'word', text: range[1]!, column: t.column });
  const high = literalOf({ kind: 'word', text: range[2]!, column: t.column + range[1]!.length + 2 });
  if (low.kind !== 'number' || high.kind !== 'number') throw filterError(t.column, 'a range is written low..high with numbers');
  if (low.value > high.value) throw filterError(t.column, `the range ${t.text} is empty (its low end is above its high end)`);
  return { kind: 'range', low: low.value, high: high.value };
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function unknownField(t: Token): NvgreError {
  let best = '';
  let bestDistance = Infinity;
  for (const name of frameFieldNames()) {
    const d = distance(t.text, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  const hint = bestDistance <= Math.max(2, Math.floor(t.text.length / 3)) ? `; did you mean ${best}?` : '; the fields are listed in docs/filter.md';
  return filterError(t.column, `unknown field "${t.text}"${hint}`);
}

/**
 * Parses `expression` into its syntax tree (and checks every field name, but not the types of the
 * values: {@link compileDisplayFilter} does). Throws `NvgreError` `INVALID_ARGUMENT` naming the column.
 */
export function parseDisplayFilter(expression: string): FilterNode {
  if (typeof expression !== 'string') throw new NvgreError(NvgreErrorCode.INVALID_ARGUMENT, 'filter', 0, `the filter must be a string, got ${expression === null ? 'null' : typeof expression}`);
  if (expression.length > MAX_FILTER_LENGTH) throw filterError(MAX_FILTER_LENGTH, `the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  return new Parser(tokenize(expression)).parse();
}

// ---------------------------------------------------------------------------------------------
// Printer

function printLiteral(l: FilterSetMember): string {
  switch (l.kind) {
    case 'number':
      return String(l.value);
    case 'ip':
    case 'mac':
      return l.text;
    case 'word':
      return WORD_LITERAL.test(l.value) && !RESERVED_WORDS.has(l.value) ? l.value : `"${l.value}"`;
    case 'range':
      return `${l.low}..${l.high}`;
  }
}

const NODE_KINDS = new Set(['or', 'and', 'not', 'field', 'compare', 'in']);
const RESERVED_WORDS = new Set(['and', 'or', 'not', 'in', ...RELATIONS.keys()]);

/** The expression of a syntax tree, parenthesised where needed; parsing it gives the same tree. */
export function formatDisplayFilter(node: FilterNode): string {
  if (node === null || typeof node !== 'object' || !NODE_KINDS.has((node as { kind?: unknown }).kind as string)) {
    throw new TypeError(`node must be a filter syntax tree (from parseDisplayFilter), got ${node === null ? 'null' : typeof node === 'object' ? `kind ${String((node as { kind?: unknown }).kind)}` : typeof node}`);
  }
  switch (node.kind) {
    case 'or':
      return `${formatDisplayFilter(node.left)} || ${node.right.kind === 'or' ? `(${formatDisplayFilter(node.right)})` : formatDisplayFilter(node.right)}`;
    case 'and': {
      const side = (n: FilterNode) => (n.kind === 'or' ? `(${formatDisplayFilter(n)})` : formatDisplayFilter(n));
      return `${side(node.left)} && ${node.right.kind === 'and' ? `(${formatDisplayFilter(node.right)})` : side(node.right)}`;
    }
    case 'not':
      return node.operand.kind === 'or' || node.operand.kind === 'and' ? `!(${formatDisplayFilter(node.operand)})` : `!${formatDisplayFilter(node.operand)}`;
    case 'field':
      return node.field;
    case 'compare':
      return `${node.field} ${node.op} ${printLiteral(node.value)}`;
    case 'in':
      return `${node.field} in {${node.members.map(printLiteral).join(' ')}}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiler

type Test = (v: FrameView) => boolean;
type ValueTest = (value: FieldValue) => boolean;

const TYPE_NAMES: Record<FieldType, string> = {
  number: 'a number',
  boolean: 'true or false',
  ip: 'an IP address or prefix',
  mac: 'a MAC address',
  code: 'a word',
};

function literalTest(f: FrameField, l: FilterSetMember, column: number, ordered: ComparisonOperator | null): ValueTest {
  const mismatch = (what: string) => filterError(column, `${f.name} holds ${TYPE_NAMES[f.type]}, so it cannot be compared with ${what}`);
  if (ordered !== null && f.type !== 'number') throw filterError(column, `"${ordered}" compares numbers, and ${f.name} holds ${TYPE_NAMES[f.type]}; use == or !=`);
  switch (f.type) {
    case 'number': {
      if (l.kind === 'range') return (x) => (x as number) >= l.low && (x as number) <= l.high;
      if (l.kind !== 'number') throw mismatch(describeLiteral(l));
      const n = l.value;
      switch (ordered) {
        case '<':
          return (x) => (x as number) < n;
        case '>':
          return (x) => (x as number) > n;
        case '<=':
          return (x) => (x as number) <= n;
        case '>=':
          return (x) => (x as number) >= n;
        default:
          return (x) => x === n;
      }
    }
    case 'boolean': {
      const b = l.kind === 'word' && (l.value === 'true' || l.value === 'false') ? l.value === 'true' : l.kind === 'number' && (l.value === 0 || l.value === 1) ? l.value === 1 : null;
      if (b === null) throw mismatch(describeLiteral(l));
      return (x) => x === b;
    }
    case 'ip': {
      if (l.kind !== 'ip') throw mismatch(describeLiteral(l));
      const want = l.bytes;
      const whole = l.prefix >>> 3;
      const rest = l.prefix & 7;
      const mask = (0xff << (8 - rest)) & 0xff;
      return (x) => {
        const a = x as Uint8Array;
        if (a.length !== want.length) return false;
        for (let i = 0; i < whole; i++) if (a[i] !== want[i]) return false;
        return rest === 0 || (a[whole]! & mask) === (want[whole]! & mask);
      };
    }
    case 'mac': {
      if (l.kind !== 'mac') throw mismatch(describeLiteral(l));
      const want = l.bytes;
      return (x) => {
        const a = x as Uint8Array;
        for (let i = 0; i < 6; i++) if (a[i] !== want[i]) return false;
        return true;
      };
    }
    case 'code': {
      if (l.kind !== 'word') throw mismatch(describeLiteral(l));
      const codes = f.codes ?? [];
      if (codes.length > 0 && !codes.includes(l.value)) {
        const close = codes.find((c) => c.toLowerCase() === l.value.toLowerCase());
        throw filterError(column, `${f.name} has no value ${l.value}${close !== undefined ? `; did you mean ${close}?` : `; it is one of ${codes.join(', ')}`}`);
      }
      const s = l.value;
      return (x) => x === s;
    }
  }
}

function describeLiteral(l: FilterSetMember): string {
  switch (l.kind) {
    case 'number':
      return `the number ${l.value}`;
    case 'range':
      return `the range ${l.low}..${l.high}`;
    case 'ip':
      return `the address ${l.text}`;
    case 'mac':
      return `the MAC address ${l.text}`;
    case 'word':
      return `the word ${l.value}`;
  }
}

/** True when some value of the field passes `test` (false when the field is absent). */
function anyValue(get: FrameField['get'], test: ValueTest): Test {
  return (v) => {
    const x = get(v);
    if (x === undefined) return false;
    if (Array.isArray(x)) {
      for (const item of x as readonly FieldValue[]) if (test(item)) return true;
      return false;
    }
    return test(x as FieldValue);
  };
}

function compileNode(node: FilterNode, used: Set<string>): Test {
  switch (node.kind) {
    case 'or': {
      const a = compileNode(node.left, used);
      const b = compileNode(node.right, used);
      return (v) => a(v) || b(v);
    }
    case 'and': {
      const a = compileNode(node.left, used);
      const b = compileNode(node.right, used);
      return (v) => a(v) && b(v);
    }
    case 'not': {
      const a = compileNode(node.operand, used);
      return (v) => !a(v);
    }
    case 'field': {
      const f = fieldOf(node.field, node.column, used);
      const get = f.get;
      if (f.type === 'boolean') return anyValue(get, (x) => x === true);
      return (v) => {
        const x = get(v);
        return x !== undefined && !(Array.isArray(x) && x.length === 0);
      };
    }
    case 'compare': {
      const f = fieldOf(node.field, node.column, used);
      const ordered = node.op === '==' || node.op === '!=' ? null : node.op;
      const column = node.column + node.field.length + 1;
      if (node.value.kind === 'ip' && node.value.prefix !== node.value.bytes.length * 8 && ordered !== null) {
        throw filterError(column, `"${node.op}" cannot compare with a prefix`);
      }
      const any = anyValue(f.get, literalTest(f, node.value, column, ordered));
      // `a != x` is exactly `!(a == x)`: true when the field is absent or no value equals x.
      return node.op === '!=' ? (v) => !any(v) : any;
    }
    case 'in': {
      const f = fieldOf(node.field, node.column, used);
      const tests = node.members.map((m) => literalTest(f, m, node.column + node.field.length + 1, null));
      return anyValue(f.get, (x) => {
        for (const t of tests) if (t(x)) return true;
        return false;
      });
    }
  }
}

function fieldOf(name: string, column: number, used: Set<string>): FrameField {
  const f = frameField(name);
  if (f === undefined) throw unknownField({ kind: 'word', text: name, column });
  used.add(f.name);
  return f;
}

/**
 * Compiles a display filter (docs/filter.md) once; `test(view)` then runs the closure on each frame.
 * Throws `NvgreError` `INVALID_ARGUMENT` (layer `filter`, `offset` = the 0-based column) for a syntax
 * error, an unknown field, or a value of the wrong kind for its field.
 */
export function compileDisplayFilter(expression: string, options?: FrameViewOptions): DisplayFilter {
  const tree = parseDisplayFilter(expression);
  const used = new Set<string>();
  const test = compileNode(tree, used);
  const own = new FrameView(options); // checks the options now
  return {
    expression,
    fields: [...used],
    test,
    matches(frame: Uint8Array, info?: FrameInfo): boolean {
      return test(own.load(frame, info));
    },
  };
}
