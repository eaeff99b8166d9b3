/**
 * CLI failures. Exit status: 2 for a usage error (bad or missing arguments), 1 for a data error
 * (unreadable or corrupt input, a frame the command cannot process). Messages are one sentence that
 * names the file, and for frame errors the frame number and byte offset.
 */
import { NvgreError } from '../errors.js';

export const EXIT = { OK: 0, DATA: 1, USAGE: 2 } as const;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.USAGE);
}

export function dataError(message: string): CliError {
  return new CliError(message, EXIT.DATA);
}

/** "the frame is cut short" from "TRUNCATED at gre offset 34: the frame is cut short". */
export function bareMessage(e: NvgreError): string {
  return e.message.replace(/^[A-Z_]+ at \S+ offset \d+: /, '');
}

/** A one-sentence data error for a problem with the capture file itself (it already names record and offset). */
export function captureError(file: string, e: unknown): CliError {
  if (e instanceof NvgreError) return dataError(`${file}: ${bareMessage(e)} (${e.code}).`);
  if (e instanceof CliError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return dataError(`${file}: cannot read the file (${why}).`);
  }
  return dataError(`${file}: ${String(e)}.`);
}

/**
 * A one-sentence data error about one frame: file, 1-based frame number, the record's file offset,
 * and the byte offset inside the frame where the problem is.
 */
export function frameError(file: string, frame: number, fileOffset: number, e: unknown): CliError {
  if (e instanceof NvgreError) {
    return dataError(`${file}: frame ${frame} (record at file offset ${fileOffset}), byte ${e.offset} (${e.layer}): ${bareMessage(e)} (${e.code}).`);
  }
  return dataError(`${file}: frame ${frame} (record at file offset ${fileOffset}): ${e instanceof Error ? e.message : String(e)}.`);
}
