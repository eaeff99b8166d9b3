/**
 * CLI failures. Exit status: 2 for a usage error (bad or missing arguments), 1 for a data error
 * (unreadable or corrupt input, a frame the command cannot process). Messages are one sentence that
 * names the file, and for frame errors the frame number and byte offset.
 */
import { NvgreError } from '../index.js';

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

/** A capture that could not be read to its end (cut short, corrupt): what `--keep-partial` answers. */
export class CaptureReadError extends CliError {}

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

/**
 * A one-sentence data error for a problem with the capture file itself, naming the file, the record
 * being read (`record`, 1-based) and the file offset — added when the library's message lacks them.
 */
export function captureError(file: string, e: unknown, record?: number): CliError {
  if (e instanceof NvgreError) {
    const message = bareMessage(e);
    const where: string[] = [];
    if (record !== undefined && !/\brecord \d+/.test(message)) where.push(`record ${record}`);
    if (!/\boffset \d+/.test(message)) where.push(`file offset ${e.offset}`);
    return dataError(`${file}: ${message} (${e.code}${where.length > 0 ? `; ${where.join(', ')}` : ''}).`);
  }
  if (e instanceof CliError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return dataError(`${file}: cannot read the file (${why}).`);
  }
  return dataError(`${file}: ${e instanceof Error ? e.message : String(e)}.`);
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
