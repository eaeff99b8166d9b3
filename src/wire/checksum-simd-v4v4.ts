/**
 * The SIMD module's `verifyV4V4(len, at)`: every checksum of the commonest NVGRE frame — untagged
 * Ethernet, IPv4 without options, NVGRE, untagged inner Ethernet, IPv4 without options, TCP — staged at
 * `at` in the module's memory (0–15: checksum-simd.ts stageOffset), in one call (docs/offload.md §9;
 * the shape is offload/verify.ts's `V4V4`, whose type, version and protocol bytes the caller has
 * checked). In TypeScript the length checks, the two header sums and the pseudo-header cost about as
 * much as a fifth of the TCP sum of a 1500-byte frame; here they are a few scalar instructions around
 * one call of `sum`, the TCP segment's.
 *
 * Returns -1 when the lengths or fragment fields take the frame off this shape (the caller's general
 * path decides), else three bits: 1 outer IPv4 header checksum verifies, 2 inner IPv4 header checksum
 * verifies, 4 TCP checksum verifies. Sums are of little-endian words, whose folded sum is the byte swap
 * of the network-order sum (RFC 1071 §2 B); 0xFFFF is its own swap, so each check compares with it.
 */
import {
  CALL,
  END,
  I32_ADD,
  I32_AND,
  I32_CONST,
  I32_EQ,
  I32_GT_U,
  I32_LOAD16_U,
  I32_LOAD8_U,
  I32_LT_U,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_SUB,
  I64_ADD,
  I64_AND,
  I64_CONST,
  I64_EQ,
  I64_LOAD32_U,
  I64_SHR_U,
  IF,
  LOCAL_GET,
  LOCAL_SET,
  RETURN,
  VOID,
  leb,
  sleb,
} from './wasm.js';

// Byte offsets of the shape (offload/verify.ts V4V4, pinned there against the codec's sizes).
const OUTER_IP = 14;
const INNER_IP = 56;
const TCP = 76;
/** Total Length and Flags/Fragment Offset within an IPv4 header (RFC 791 §3.1). */
const TOTAL_LENGTH = 2;
const FLAGS_FRAGMENT = 6;
/** Source address within an IPv4 header; the destination follows (8 bytes, 4 words). */
const SRC = 12;
const IPV4_HEADER = 20;
const TCP_MIN_HEADER = 20;
/** The Flags/Fragment Offset word's MF bit and offset (0x3FFF in network order) as a little-endian load sees them. */
const MF_OFFSET_LE = 0xff3f;
/** TCP's protocol number (6) as a byte-swapped pseudo-header word. */
const PROTOCOL_TCP_LE = 0x0600;

// Locals: 0 len (param), 1 at (param: where the frame is staged), 2 outer total, 3 inner total, 4 the
// header bits, 5 the TCP sum, 6 TCP length, 7 a header's sum (i64).
const LEN = 0;
const AT = 1;
const OUTER_TOTAL = 2;
const INNER_TOTAL = 3;
const CODE = 4;
const SUM = 5;
const L4 = 6;
/** A header's sum (i64), in {@link headerVerifies}. */
const HEADER_SUM = 7;

/** The byte at a constant offset of the staged frame. */
function byteAt(offset: number): number[] {
  return [LOCAL_GET, AT, I32_LOAD8_U, 0, ...leb(offset)];
}

/** The little-endian 16-bit word at a constant offset of the staged frame. */
function wordLeAt(offset: number): number[] {
  return [LOCAL_GET, AT, I32_LOAD16_U, 0, ...leb(offset)];
}

/** The address of a constant offset of the staged frame, for `sum`. */
function addressOf(offset: number): number[] {
  return [LOCAL_GET, AT, I32_CONST, ...sleb(offset), I32_ADD];
}

/** The network-order 16-bit word at a constant offset: (b[o] << 8) | b[o + 1]. */
function wordAt(offset: number): number[] {
  return [...byteAt(offset), I32_CONST, 8, I32_SHL, ...byteAt(offset + 1), I32_OR];
}

/** `if (condition on the stack) return -1` */
const OFF_SHAPE = [IF, VOID, I32_CONST, ...sleb(-1), RETURN, END];

/**
 * 1 on the stack when the 20-byte IPv4 header at a constant offset sums to 0xFFFF, else 0. Scalar: its
 * five 32-bit little-endian words added in 64 bits (any grouping of the bytes into words of an even
 * width folds to the same sum, RFC 1071 §2 (C)), then two end-around folds (< 2^35 → < 2^19 + 2^16 →
 * ≤ 0xFFFF + 8). A third would take 0x10000–0x10007 to 1–8, never to 0xFFFF, so the comparison needs
 * only two. A call of `sum` spent its constants, loops and lane reduction on 20 bytes: the two calls
 * were about half of what verifying cost beyond the TCP sum (bench: verifyChecksums 0.72-0.74x → 0.86x, alternated).
 */
function headerVerifies(offset: number): number[] {
  const load = (k: number): number[] => [LOCAL_GET, AT, I64_LOAD32_U, 0, ...leb(offset + 4 * k)];
  const fold = [LOCAL_SET, HEADER_SUM, LOCAL_GET, HEADER_SUM, I64_CONST, ...FFFF_I64, I64_AND, LOCAL_GET, HEADER_SUM, I64_CONST, 16, I64_SHR_U, I64_ADD];
  return [...load(0), ...load(1), I64_ADD, ...load(2), I64_ADD, ...load(3), I64_ADD, ...load(4), I64_ADD, ...fold, ...fold, I64_CONST, ...FFFF_I64, I64_EQ];
}

/** 0xFFFF as an i64.const immediate (signed LEB128). */
const FFFF_I64 = [0xff, 0xff, 0x03];

/** sum = (sum & 0xFFFF) + (sum >>> 16) */
const FOLD = [LOCAL_GET, SUM, I32_CONST, ...sleb(0xffff), I32_AND, LOCAL_GET, SUM, I32_CONST, 16, I32_SHR_U, I32_ADD, LOCAL_SET, SUM];

/** The function body (locals and code), size-prefixed for the code section; `sum` is function 0. */
export function verifyV4V4Body(): number[] {
  const code = [
    ...wordAt(OUTER_IP + TOTAL_LENGTH), LOCAL_SET, OUTER_TOTAL,
    ...wordAt(INNER_IP + TOTAL_LENGTH), LOCAL_SET, INNER_TOTAL,
    // The outer datagram within the frame: outer total > len − 14 (the caller guarantees len ≥ 96).
    LOCAL_GET, OUTER_TOTAL, LOCAL_GET, LEN, I32_CONST, OUTER_IP, I32_SUB, I32_GT_U, ...OFF_SHAPE,
    // The inner datagram within the outer one: 56 + inner total > 14 + outer total.
    LOCAL_GET, INNER_TOTAL, I32_CONST, INNER_IP - OUTER_IP, I32_ADD, LOCAL_GET, OUTER_TOTAL, I32_GT_U, ...OFF_SHAPE,
    // Room for the TCP header.
    LOCAL_GET, INNER_TOTAL, I32_CONST, IPV4_HEADER + TCP_MIN_HEADER, I32_LT_U, ...OFF_SHAPE,
    // Neither header a fragment: MF and the offset clear in both.
    ...wordLeAt(OUTER_IP + FLAGS_FRAGMENT), ...wordLeAt(INNER_IP + FLAGS_FRAGMENT), I32_OR, I32_CONST, ...sleb(MF_OFFSET_LE), I32_AND, ...OFF_SHAPE,
    // Header checksums: bit 1 outer, bit 2 inner.
    ...headerVerifies(OUTER_IP), ...headerVerifies(INNER_IP), I32_CONST, 1, I32_SHL, I32_OR, LOCAL_SET, CODE,
    // TCP (RFC 9293 §3.1): the segment, then the pseudo-header — addresses, protocol, TCP length — as swapped words.
    LOCAL_GET, INNER_TOTAL, I32_CONST, IPV4_HEADER, I32_SUB, LOCAL_SET, L4,
    ...addressOf(TCP), LOCAL_GET, L4, CALL, 0,
    ...wordLeAt(INNER_IP + SRC), I32_ADD,
    ...wordLeAt(INNER_IP + SRC + 2), I32_ADD,
    ...wordLeAt(INNER_IP + SRC + 4), I32_ADD,
    ...wordLeAt(INNER_IP + SRC + 6), I32_ADD,
    I32_CONST, ...sleb(PROTOCOL_TCP_LE), I32_ADD,
    LOCAL_GET, L4, I32_CONST, ...sleb(0xff), I32_AND, I32_CONST, 8, I32_SHL, LOCAL_GET, L4, I32_CONST, 8, I32_SHR_U, I32_OR, I32_ADD,
    LOCAL_SET, SUM,
    // Below 2^19: two end-around folds reach ≤ 0xFFFF (RFC 1071 §1).
    ...FOLD, ...FOLD,
    LOCAL_GET, CODE, LOCAL_GET, SUM, I32_CONST, ...sleb(0xffff), I32_EQ, I32_CONST, 2, I32_SHL, I32_OR,
    END,
  ];
  const body = [2, 5, 0x7f /* five i32 locals */, 1, 0x7e /* one i64 */, ...code];
  return [...leb(body.length), ...body];
}
