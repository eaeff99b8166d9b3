/**
 * The few pieces of the WebAssembly binary format (core specification §5) that the hand-written
 * modules of checksum-simd.ts need: LEB128 integers, sections, names, and the opcodes they use,
 * each named as the specification's text format names it.
 */
/** Unsigned LEB128 of a small non-negative integer (section and body sizes). */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a small integer (i32.const operands). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: id, size, contents. */
export function section(id: number, contents: number[]): number[] {
  return [id, ...leb(contents.length), ...contents];
}

/** A name: length, UTF-8 bytes (ASCII here). */
export function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Instructions (WebAssembly core spec §5.4; SIMD opcodes are 0xFD followed by a LEB128 opcode).
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const I32_CONST = 0x41;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_EQZ = 0x45;
export const I32_EQ = 0x46;
export const I32_STORE = 0x36; // followed by memarg
export const SELECT = 0x1b;
export const CALL = 0x10; // followed by the function index
export const I32_AND = 0x71;
export const I32_LT_U = 0x49;
export const I32_GT_U = 0x4b;
export const I32_GE_U = 0x4f;
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const IF = 0x04;
export const END = 0x0b;
export const VOID = 0x40; // block type: no result
export const V128_LOAD = [0xfd, 0x00]; // followed by memarg: align exponent, offset
export const V128_STORE = [0xfd, 0x0b]; // followed by memarg
export const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00]; // bulk memory: (dst, src, n), memory 0 to memory 0
export const V128_CONST = [0xfd, 0x0c]; // followed by 16 bytes
export const I32X4_EXTRACT_LANE = [0xfd, 0x1b]; // followed by the lane index
export const V128_XOR = [0xfd, 0x51];
export const V128_AND = [0xfd, 0x4e];
export const I8X16_SPLAT = [0xfd, 0x0f];
export const I8X16_LT_U = [0xfd, 0x26];
export const I32X4_ADD = [0xfd, 0xae, 0x01];
export const I32X4_DOT_I16X8_S = [0xfd, 0xba, 0x01];
export const I64_LOAD8_U = 0x31; // followed by memarg
export const I64_LOAD16_U = 0x33; // followed by memarg
export const I64_LOAD32_U = 0x35; // followed by memarg
export const I64_STORE8 = 0x3c; // followed by memarg
export const I64_STORE16 = 0x3d; // followed by memarg
export const I64_CONST = 0x42;
export const I64_ADD = 0x7c;
export const I64_MUL = 0x7e;
export const I64_AND = 0x83;
export const I64_EQ = 0x51;
export const I64_SHR_U = 0x88;
export const I64_EXTEND_I32_S = 0xac;
export const I64_EXTEND_I32_U = 0xad;
export const I32_WRAP_I64 = 0xa7;
export const I32_LOAD8_U = 0x2d; // followed by memarg
export const I32_LOAD16_U = 0x2f; // followed by memarg
export const I32_OR = 0x72;
export const I32_SHL = 0x74;
export const I32_SHR_U = 0x76;
export const RETURN = 0x0f;
export const I32_LOAD = 0x28; // followed by memarg
export const I32_STORE8 = 0x3a; // followed by memarg
export const I32_NE = 0x47;
export const I32_MUL = 0x6c;
export const I32_XOR = 0x73;
