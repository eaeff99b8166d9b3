/** The page's reader of pasted hex dumps (web/src/hextext.ts), on the formats people paste. */
import { describe, expect, it } from 'vitest';
import { looksLikeHexText, parseHexDump } from '../../web/src/hextext.js';

const BYTES = Uint8Array.from([0xd7, 0xac, 0x32, 0x63, 0x00, 0x15, 0x03, 0x00, 0x62, 0x00, 0x00, 0x00, 0x62, 0x00, 0x00, 0x00, 0xaa, 0xbb, 0x00, 0x00, 0x20, 0x02, 0xaa, 0xbb, 0x00, 0x00, 0x20, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x54, 0xab, 0xcd]);

function bytesOf(text: string): number[] {
  const r = parseHexDump(text);
  if ('error' in r) throw new Error(r.error);
  return [...r.bytes];
}

describe('parseHexDump', () => {
  const expected = [...BYTES];

  it('reads plain hex, with or without spaces and line breaks', () => {
    const hex = Buffer.from(BYTES).toString('hex');
    expect(bytesOf(hex)).toEqual(expected);
    expect(bytesOf(hex.replace(/(..)/g, '$1 '))).toEqual(expected);
    expect(bytesOf(hex.slice(0, 32) + '\n' + hex.slice(32))).toEqual(expected);
  });

  it('reads xxd, whose ASCII column may look like hex', () => {
    const xxd = ['00000000: d7ac 3263 0015 0300 6200 0000 6200 0000  ..2c....b...b...', '00000010: aabb 0000 2002 aabb 0000 2001 0800 4500  .... ..... ...E.', '00000020: 0054 abcd                                .Tab'].join('\n');
    expect(bytesOf(xxd)).toEqual(expected);
    const hexLooking = xxd.replace('.Tab', 'abcd');
    expect(bytesOf(hexLooking)).toEqual(expected);
  });

  it('reads od -Ax -tx1 (with its final offset line), tcpdump -xx and Wireshark "Copy as Hex Dump"', () => {
    const od = ['000000 d7 ac 32 63 00 15 03 00 62 00 00 00 62 00 00 00', '000010 aa bb 00 00 20 02 aa bb 00 00 20 01 08 00 45 00', '000020 00 54 ab cd', '000024'].join('\n');
    expect(bytesOf(od)).toEqual(expected);
    const tcpdump = ['\t0x0000:  d7ac 3263 0015 0300 6200 0000 6200 0000', '\t0x0010:  aabb 0000 2002 aabb 0000 2001 0800 4500', '\t0x0020:  0054 abcd'].join('\n');
    expect(bytesOf(tcpdump)).toEqual(expected);
    const wireshark = ['0000   d7 ac 32 63 00 15 03 00 62 00 00 00 62 00 00 00   ..2c....b...b...', '0010   aa bb 00 00 20 02 aa bb 00 00 20 01 08 00 45 00   .... ..... ...E.', '0020   00 54 ab cd                                       .T..'].join('\n');
    expect(bytesOf(wireshark)).toEqual(expected);
  });

  it('says why it cannot read a text', () => {
    expect(parseHexDump('')).toEqual({ error: expect.stringMatching(/nothing to read/) });
    expect(parseHexDump('hello world')).toEqual({ error: expect.stringMatching(/no hex bytes/) });
    expect(parseHexDump('0000  00 11\n0020  22 33')).toEqual({ error: expect.stringMatching(/offset 0x20/) });
  });

  it('tells a hex text file from a capture', () => {
    expect(looksLikeHexText(new TextEncoder().encode('00aef352aad1\n'))).toBe(true);
    expect(looksLikeHexText(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]))).toBe(false);
  });
});
