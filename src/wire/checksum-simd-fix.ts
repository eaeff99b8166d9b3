/**
 * The SIMD module's `fixSegments(out, count, first, last)`: the per-segment fields of a batch of
 * segments that `segments` laid out at `out` (docs/offload.md §10 table), written in the module
 * before the batch is moved out, where offload/segment.ts wrote them in TypeScript segment by segment
 * after the move (about 90 ns a segment there, 46 segments per 64 KiB; about 20 ns here). Per segment
 * `i` (= first + k, payload `mss`, the batch's last `last`):
 * - each IPv4 layer: Total Length, Identification `(id0 + step·i) & mask` and the header checksum
 *   from the plan's partial sum; each IPv6 layer: Payload Length;
 * - TCP: sequence number `seq0 + i·mss`, flags (FIN and PSH only on the last segment of all, the
 *   first-only flags only on segment 0), and the checksum from the plan's pseudo-header and header
 *   sum, the segment's length, sequence number and flags, and the slice sum `segments` stored.
 * The plan's values come in the parameter block at `params` (i32 each, {@link FixParam}),
 * written by the caller per batch. Only for segmentation with checksums (the kernel path of
 * segmentInto is taken only then). Stores are big-endian, byte by byte (the module's loads and stores
 * are little-endian).
 */
import {
  BLOCK,
  BR,
  BR_IF,
  END,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQ,
  I32_GE_U,
  I32_LOAD,
  I32_MUL,
  I32_NE,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_STORE8,
  I32_SUB,
  I32_XOR,
  IF,
  LOCAL_GET,
  LOCAL_SET,
  LOCAL_TEE,
  LOOP,
  SELECT,
  VOID,
  leb,
  sleb,
} from './wasm.js';

/** The parameter block's i32 slots. */
export const enum FixParam {
  HEADER_LENGTH = 0,
  MSS = 1,
  /** Segments of the whole call (FIN/PSH stay on the last of all). */
  COUNT = 2,
  OUTER_VERSION = 3,
  OUTER_OFFSET = 4,
  OUTER_PARTIAL = 5,
  OUTER_ID0 = 6,
  OUTER_STEP = 7,
  OUTER_MASK = 8,
  INNER_VERSION = 9,
  INNER_OFFSET = 10,
  INNER_PARTIAL = 11,
  INNER_ID0 = 12,
  INNER_STEP = 13,
  INNER_MASK = 14,
  TCP_OFFSET = 15,
  SEQ0 = 16,
  FLAGS = 17,
  /** Flags cleared on every segment but the first (CWR and/or ECE). */
  FIRST_ONLY = 18,
  /** The TCP sum before the segment's own words: pseudo-header without length, and header (unfolded, < 2^20). */
  TCP_BASE = 19,
  /** The data-offset byte shifted left by 8, the word the flags complete. */
  DATA_OFFSET_WORD = 20,
  /** Number of slots. */
  SLOTS = 21,
}

/** Field offsets (RFC 791 §3.1, RFC 8200 §3, RFC 9293 §3.1). */
const IPV4_TOTAL_LENGTH = 2;
const IPV4_ID = 4;
const IPV4_CHECKSUM = 10;
const IPV6_PAYLOAD_LENGTH = 4;
const IPV6_HEADER = 40;
const TCP_SEQ = 4;
const TCP_FLAGS = 13;
const TCP_CHECKSUM = 16;
/** FIN | PSH, cleared on every segment but the last. */
const FIN_PSH = 0x09;

// Locals: the four parameters, one per parameter-block slot, then the loop's.
const OUT = 0;
const COUNT = 1;
const FIRST = 2;
const LAST = 3;
const P0 = 4; // slot s is local P0 + s
const K = P0 + FixParam.SLOTS;
const I = K + 1;
const BASE = K + 2;
const PAY = K + 3;
const SEG_LEN = K + 4;
const ADDR = K + 5;
const VALUE = K + 6;
const SEQ = K + 7;
const FLAGS = K + 8;
/** An IPv4 header's checksum words: partial + total + id. */
const HEADER_SUM = K + 9;
/** Locals after the four parameters: one per slot, and the loop's ten. */
const LOCALS = FixParam.SLOTS + 10;

const slot = (s: FixParam): number => P0 + s;

/** mem[ADDR + offset] = VALUE >>> 8, mem[ADDR + offset + 1] = VALUE (network order). */
function be16(offset: number): number[] {
  return [
    LOCAL_GET, ADDR, LOCAL_GET, VALUE, I32_CONST, 8, I32_SHR_U, I32_STORE8, 0, ...leb(offset),
    LOCAL_GET, ADDR, LOCAL_GET, VALUE, I32_STORE8, 0, ...leb(offset + 1),
  ];
}

/** The 32-bit VALUE at ADDR + offset in network order. */
function be32(offset: number): number[] {
  const byte = (shift: number, at: number) => [LOCAL_GET, ADDR, LOCAL_GET, VALUE, ...(shift > 0 ? [I32_CONST, shift, I32_SHR_U] : []), I32_STORE8, 0, ...leb(at)];
  return [...byte(24, offset), ...byte(16, offset + 1), ...byte(8, offset + 2), ...byte(0, offset + 3)];
}

/** VALUE = fold(VALUE) twice: the end-around carries of a sum below 2^32 (RFC 1071 §1). */
function foldValue(): number[] {
  const once = [LOCAL_GET, VALUE, I32_CONST, ...[0xff, 0xff, 0x03] /* 0xFFFF */, I32_AND, LOCAL_GET, VALUE, I32_CONST, 16, I32_SHR_U, I32_ADD, LOCAL_SET, VALUE];
  return [...once, ...once];
}

/** One IP layer's fields (outer: slots from OUTER_VERSION, inner: from INNER_VERSION). */
function ipLayer(version: FixParam): number[] {
  const v = slot(version);
  const offset = v + 1;
  const partial = v + 2;
  const id0 = v + 3;
  const step = v + 4;
  const mask = v + 5;
  return [
    // ADDR = BASE + offset
    LOCAL_GET, BASE, LOCAL_GET, offset, I32_ADD, LOCAL_SET, ADDR,
    LOCAL_GET, v, I32_CONST, 4, I32_EQ, IF, VOID,
    // Total Length = segLen − offset
    LOCAL_GET, SEG_LEN, LOCAL_GET, offset, I32_SUB, LOCAL_SET, VALUE, ...be16(IPV4_TOTAL_LENGTH),
    LOCAL_GET, partial, LOCAL_GET, VALUE, I32_ADD, LOCAL_SET, HEADER_SUM,
    // Identification = (id0 + step·i) & mask
    LOCAL_GET, id0, LOCAL_GET, step, LOCAL_GET, I, I32_MUL, I32_ADD, LOCAL_GET, mask, I32_AND, LOCAL_TEE, VALUE,
    LOCAL_GET, HEADER_SUM, I32_ADD, LOCAL_SET, HEADER_SUM, // partial + total + id
    ...be16(IPV4_ID),
    // header checksum = ~fold(partial + total + id)
    LOCAL_GET, HEADER_SUM, LOCAL_SET, VALUE, ...foldValue(),
    LOCAL_GET, VALUE, I32_CONST, ...[0xff, 0xff, 0x03], I32_XOR, LOCAL_SET, VALUE, ...be16(IPV4_CHECKSUM),
    END,
    LOCAL_GET, v, I32_CONST, 6, I32_EQ, IF, VOID,
    // Payload Length = segLen − offset − 40
    LOCAL_GET, SEG_LEN, LOCAL_GET, offset, I32_SUB, I32_CONST, IPV6_HEADER, I32_SUB, LOCAL_SET, VALUE, ...be16(IPV6_PAYLOAD_LENGTH),
    END,
  ];
}

/** The TCP fields of segment I at BASE: sequence number, flags, checksum. */
function tcp(sums: number): number[] {
  return [
    LOCAL_GET, BASE, LOCAL_GET, slot(FixParam.TCP_OFFSET), I32_ADD, LOCAL_SET, ADDR,
    LOCAL_GET, slot(FixParam.SEQ0), LOCAL_GET, I, LOCAL_GET, slot(FixParam.MSS), I32_MUL, I32_ADD, LOCAL_TEE, SEQ, LOCAL_SET, VALUE, ...be32(TCP_SEQ),
    LOCAL_GET, slot(FixParam.FLAGS), LOCAL_SET, FLAGS,
    LOCAL_GET, I, LOCAL_GET, slot(FixParam.COUNT), I32_CONST, 1, I32_SUB, I32_NE, IF, VOID,
    LOCAL_GET, FLAGS, I32_CONST, ...sleb(~FIN_PSH), I32_AND, LOCAL_SET, FLAGS,
    END,
    LOCAL_GET, I, IF, VOID,
    LOCAL_GET, FLAGS, LOCAL_GET, slot(FixParam.FIRST_ONLY), I32_CONST, ...sleb(-1), I32_XOR, I32_AND, LOCAL_SET, FLAGS,
    END,
    LOCAL_GET, ADDR, LOCAL_GET, FLAGS, I32_STORE8, 0, ...leb(TCP_FLAGS),
    // checksum = ~fold(base + tcp header + pay + seq words + (data offset | flags) + swap16(slice sum k))
    LOCAL_GET, slot(FixParam.TCP_BASE), LOCAL_GET, PAY, I32_ADD,
    LOCAL_GET, SEQ, I32_CONST, 16, I32_SHR_U, I32_ADD,
    LOCAL_GET, SEQ, I32_CONST, ...[0xff, 0xff, 0x03], I32_AND, I32_ADD,
    LOCAL_GET, slot(FixParam.DATA_OFFSET_WORD), LOCAL_GET, FLAGS, I32_OR, I32_ADD,
    // the slice sum, stored as `sum` gives it (byte-swapped words): swapped back
    LOCAL_GET, K, I32_CONST, 2, I32_SHL, I32_LOAD, 2, ...leb(sums), LOCAL_TEE, VALUE, I32_CONST, 8, I32_SHR_U,
    LOCAL_GET, VALUE, I32_CONST, ...[0xff, 0x01] /* 0xFF */, I32_AND, I32_CONST, 8, I32_SHL, I32_OR, I32_ADD,
    LOCAL_SET, VALUE, ...foldValue(),
    LOCAL_GET, VALUE, I32_CONST, ...[0xff, 0xff, 0x03], I32_XOR, LOCAL_SET, VALUE, ...be16(TCP_CHECKSUM),
  ];
}

/**
 * The body of `fixSegments(out, count, first, last)`, reading the slice sums `segments` stored at
 * `sums` and the parameter block at `params` (checksum-simd.ts SimdKernel lays the memory out).
 */
export function fixSegmentsBody(sums: number, params: number): number[] {
  const load = Array.from({ length: FixParam.SLOTS }, (_, s) => [I32_CONST, 0, I32_LOAD, 2, ...leb(params + 4 * s), LOCAL_SET, P0 + s]).flat();
  const code = [
    ...load,
    LOCAL_GET, FIRST, LOCAL_SET, I,
    LOCAL_GET, OUT, LOCAL_SET, BASE,
    BLOCK, VOID,
    LOOP, VOID,
    LOCAL_GET, K, LOCAL_GET, COUNT, I32_GE_U, BR_IF, 1,
    // PAY = k + 1 === count ? last : mss; SEG_LEN = headerLength + PAY
    LOCAL_GET, LAST, LOCAL_GET, slot(FixParam.MSS), LOCAL_GET, K, I32_CONST, 1, I32_ADD, LOCAL_GET, COUNT, I32_EQ, SELECT, LOCAL_TEE, PAY,
    LOCAL_GET, slot(FixParam.HEADER_LENGTH), I32_ADD, LOCAL_SET, SEG_LEN,
    ...ipLayer(FixParam.OUTER_VERSION),
    ...ipLayer(FixParam.INNER_VERSION),
    ...tcp(sums),
    // BASE += SEG_LEN; I += 1; K += 1
    LOCAL_GET, BASE, LOCAL_GET, SEG_LEN, I32_ADD, LOCAL_SET, BASE,
    LOCAL_GET, I, I32_CONST, 1, I32_ADD, LOCAL_SET, I,
    LOCAL_GET, K, I32_CONST, 1, I32_ADD, LOCAL_SET, K,
    BR, 0,
    END,
    END,
    END,
  ];
  const body = [1, ...leb(LOCALS), 0x7f /* i32 */, ...code];
  return [...leb(body.length), ...body];
}
