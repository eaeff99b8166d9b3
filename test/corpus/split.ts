/**
 * Test-only capture record splitter: classic pcap (both byte orders, µs or ns magic) and pcapng
 * (Section Header in either byte order, Enhanced / Simple / obsolete Packet blocks). Deliberately
 * independent of src/pcap so the corpus tests do not share bugs with the code under test.
 */
export interface SplitRecord {
  /** 1-based frame number, as tshark and the corpus README count. */
  readonly number: number;
  readonly data: Uint8Array;
  readonly capturedLength: number;
  readonly originalLength: number;
  /** pcapng interface id (0 for classic pcap). */
  readonly interfaceId: number;
}

export function splitCapture(file: Uint8Array): { format: 'pcap' | 'pcapng'; littleEndian: boolean; records: SplitRecord[] } {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: SplitRecord[] = [];
  const push = (data: Uint8Array, orig: number, interfaceId: number) =>
    records.push({ number: records.length + 1, data, capturedLength: data.length, originalLength: orig, interfaceId });
  const be = dv.getUint32(0, false);
  if (be === 0x0a0d0d0a) {
    let le = true;
    for (let o = 0; o + 12 <= file.length; ) {
      if (dv.getUint32(o, false) === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      const type = dv.getUint32(o, le);
      const len = dv.getUint32(o + 4, le);
      if (len < 12 || len % 4 !== 0 || o + len > file.length) throw new Error(`pcapng: bad block length ${len} at ${o}`);
      if (dv.getUint32(o + len - 4, le) !== len) throw new Error(`pcapng: trailer length mismatch at ${o}`);
      if (type === 6) push(file.subarray(o + 28, o + 28 + dv.getUint32(o + 20, le)), dv.getUint32(o + 24, le), dv.getUint32(o + 8, le));
      else if (type === 3) push(file.subarray(o + 12, o + 12 + Math.min(dv.getUint32(o + 8, le), len - 16)), dv.getUint32(o + 8, le), 0);
      else if (type === 2) push(file.subarray(o + 28, o + 28 + dv.getUint32(o + 20, le)), dv.getUint32(o + 24, le), dv.getUint16(o + 8, le));
      o += len;
    }
    return { format: 'pcapng', littleEndian: le, records };
  }
  const magics = [0xa1b2c3d4, 0xa1b23c4d];
  const le = magics.includes(dv.getUint32(0, true));
  if (!le && !magics.includes(be)) throw new Error(`not a capture file (magic 0x${be.toString(16)})`);
  for (let o = 24; o + 16 <= file.length; ) {
    const incl = dv.getUint32(o + 8, le);
    if (o + 16 + incl > file.length) throw new Error(`pcap: record at ${o} runs past the end`);
    push(file.subarray(o + 16, o + 16 + incl), dv.getUint32(o + 12, le), 0);
    o += 16 + incl;
  }
  return { format: 'pcap', littleEndian: le, records };
}
