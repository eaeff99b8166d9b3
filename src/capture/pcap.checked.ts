/**
 * The argument-checked public twins of the capture-record helpers in pcap.ts.
 * Behaviour on valid arguments is exactly the raw function's; the guards are in guards.ts.
 */
import * as pcap from './record.js';
import type { CaptureRecord, CaptureTimestamp } from './record.js';
import { assertBytes, assertInt } from '../wire/bytes.js';
import { object } from '../wire/guards.js';

/** The timestamp written for the frame at 0-based position `index` when none is given. */
export function defaultTimestamp(position: number): CaptureTimestamp {
  assertInt(position, 'index', 0, Number.MAX_SAFE_INTEGER);
  return pcap.defaultTimestamp(position);
}

/** A copy of `record` whose `data` owns its bytes. */
export function copyRecord(record: CaptureRecord): CaptureRecord {
  object(record, 'record');
  assertBytes(record.data, 'record.data');
  object(record.timestamp, 'record.timestamp');
  return pcap.copyRecord(record);
}
