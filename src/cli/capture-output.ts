/**
 * Capture output of the writing commands (`-w FILE`, `-` = standard output):
 * - {@link checkOutputPath}: refuses, before any work, an output that is a directory or that cannot be
 *   created where it is asked for, with the real reason;
 * - {@link AtomicFile}: a file written under a temporary name in the target's directory and renamed at
 *   the end, so a failure never leaves a half-written capture behind;
 * - {@link StdoutSink}: the same bytes to standard output (binary only: messages go to stderr);
 * - {@link CaptureOutput}: pcap or pcapng (`--format`; default: the input's format, keeping the input's
 *   interface descriptions), frame by frame, with packet comments in pcapng.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_SNAPLEN, PcapWriter, PcapngWriter, defaultTimestamp, type CaptureInfo, type CaptureRecord, type PcapngInterfaceOptions } from '../index.js';
import { CaptureReadError, CliError, EXIT, dataError } from './errors.js';

/** Output buffer of a sink. */
const WRITE_BUFFER_BYTES = 1 << 20;

export type CaptureFormat = 'pcap' | 'pcapng';

function reason(e: unknown, dir: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return `its directory ${dir} does not exist`;
    case 'ENOTDIR':
      return `${dir} is not a directory`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: cannot create files in ${dir}`;
    case 'EROFS':
      return `${dir} is on a read-only file system`;
    case 'ENOSPC':
      return `no space left on the device of ${dir}`;
    case 'EISDIR':
      return 'it is a directory';
    default:
      return err.message ?? String(e);
  }
}

/**
 * Throws a one-sentence data error when `path` cannot be written: it is a directory, its directory does
 * not exist or is not one, or no file can be created there (permissions, a read-only or virtual file
 * system such as /proc). `-` (standard output) is always fine. Called before any input is read.
 */
export function checkOutputPath(path: string): void {
  if (path === '-') return;
  const dir = dirname(resolve(path));
  try {
    if (statSync(path).isDirectory()) throw dataError(`${path}: cannot write the output file (it is a directory).`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    // Absent is the usual case; anything else is found by the probe below.
  }
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (e) {
    throw dataError(`${path}: cannot write the output file (${reason(e, dir)}).`);
  }
  if (!dirStat.isDirectory()) throw dataError(`${path}: cannot write the output file (${dir} is not a directory).`);
  // The only sure test is to create something there (access() says yes to root on a read-only or
  // virtual file system): a temporary directory, removed at once.
  let probe: string;
  try {
    probe = mkdtempSync(join(dir, `.${basename(path)}.probe-`));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? `no file can be created in ${dir}, a virtual or special file system` : reason(e, dir);
    throw dataError(`${path}: cannot write the output file (${why}).`);
  }
  try {
    rmdirSync(probe);
  } catch {
    // it was created; leaving an empty directory behind is harmless
  }
}

// ---------------------------------------------------------------------------------------------
// Sinks

/** Bytes batched into large writes. */
abstract class Sink {
  private buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  private used = 0;
  written = 0;

  /** Reserves `n` bytes in the buffer and lets `fill` write them at `(target, offset)`; returns bytes written. */
  reserve(n: number, fill: (target: Uint8Array, offset: number) => number): number {
    if (n > this.buffer.length - this.used) {
      this.flush();
      if (n > this.buffer.length) this.buffer = new Uint8Array(n);
    }
    const w = fill(this.buffer, this.used);
    this.used += w;
    this.written += w;
    return w;
  }

  write(bytes: Uint8Array): void {
    this.reserve(bytes.length, (t, o) => {
      t.set(bytes, o);
      return bytes.length;
    });
  }

  protected flush(): void {
    if (this.used > 0) this.writeOut(this.buffer, this.used);
    this.used = 0;
  }

  protected discard(): void {
    this.used = 0;
  }

  protected abstract writeOut(bytes: Uint8Array, length: number): void;
  abstract commit(): void;
  abstract abort(): void;
}

const openTemps = new Set<AtomicFile>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const f of openTemps) f.abort();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const f of openTemps) f.abort();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** A file written under a temporary name in the target's directory and renamed into place by `commit()`. */
export class AtomicFile extends Sink {
  readonly tempPath: string;
  private fd: number;
  private closed = false;

  constructor(readonly path: string) {
    super();
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
    // The handlers first: a Ctrl-C that came after the file appeared but before them would end the
    // process by the signal's default action and leave the file behind. Once installed, a signal waits
    // for this synchronous code, and the file is in openTemps by then.
    installCleanup();
    try {
      this.fd = openSync(this.tempPath, 'wx', 0o644);
    } catch (e) {
      const dir = dirname(resolve(path));
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' && dirExists(dir) ? `no file can be created in ${dir}, a virtual or special file system` : reason(e, dir);
      throw dataError(`${path}: cannot create the output file (${why}).`);
    }
    openTemps.add(this);
  }

  protected writeOut(bytes: Uint8Array, length: number): void {
    let at = 0;
    while (at < length) at += writeSync(this.fd, bytes, at, length - at);
  }

  /** Writes what is buffered, closes, and renames over `path`. */
  commit(): void {
    try {
      this.flush();
      fsyncSync(this.fd); // the data is on disk before the name points at it
      closeSync(this.fd);
      this.closed = true;
      renameSync(this.tempPath, this.path);
    } catch (e) {
      this.abort();
      throw dataError(`${this.path}: cannot write the output file (${(e as Error).message}).`);
    }
    openTemps.delete(this);
  }

  /** Discards the temporary file (idempotent). */
  abort(): void {
    this.discard();
    if (!this.closed) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.closed = true;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
    openTemps.delete(this);
  }
}

function dirExists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Sleeps `ms` without an event loop turn (a full pipe: the reader needs a moment). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Standard output as a capture sink: whole records, written with blocking writes to descriptor 1 (a
 * pipe that is full is waited for). A reader that goes away (`| head -c 100`) ends the program quietly.
 */
export class StdoutSink extends Sink {
  readonly path = '-';

  protected writeOut(bytes: Uint8Array, length: number): void {
    let at = 0;
    while (at < length) {
      try {
        at += writeSync(1, bytes, at, length - at);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          pause(1);
          continue;
        }
        if (code === 'EPIPE') process.exit(EXIT.OK);
        throw dataError(`standard output: cannot write the capture (${(e as Error).message}).`);
      }
    }
  }

  commit(): void {
    this.flush();
  }

  /** Drops what is buffered; what was written stays written (it ends on a record boundary). */
  abort(): void {
    this.discard();
  }
}

// ---------------------------------------------------------------------------------------------
// Captures

export interface CaptureOutputOptions {
  /** Default: the input's format (see {@link CaptureOutput.input}), else pcap. */
  readonly format?: CaptureFormat | undefined;
  /**
   * The link type of every frame written, whatever the input's (decap and encap write Ethernet frames
   * from Linux cooked or raw-IP input). Default: the input's link types, for commands that copy records.
   */
  readonly linkType?: number | undefined;
}

/** The output's pcapng description of an input interface: its link type, name and resolution; room for grown frames. */
function interfaceOf(itf: CaptureInfo['interfaces'][number] | undefined): PcapngInterfaceOptions {
  if (itf === undefined) return {};
  return {
    linkType: itf.linkType,
    snaplen: itf.snaplen === 0 ? 0 : Math.max(itf.snaplen, DEFAULT_SNAPLEN),
    tsresol: itf.tsresol,
    ...(itf.name !== undefined ? { name: itf.name } : {}),
  };
}

/** A pcap or pcapng capture written frame by frame (bytes go straight into the sink's buffer). */
export class CaptureOutput {
  private readonly sink: Sink;
  private writer: PcapWriter | PcapngWriter | null = null;
  private info: CaptureInfo | undefined;
  frames = 0;

  constructor(
    readonly path: string,
    private readonly options: CaptureOutputOptions = {},
  ) {
    this.sink = path === '-' ? new StdoutSink() : new AtomicFile(path);
  }

  /** The input being copied: its format is the default output format, its interfaces are described in pcapng. */
  input(info: CaptureInfo | undefined): void {
    if (info !== undefined) this.info = info;
  }

  get format(): CaptureFormat {
    return this.options.format ?? this.info?.format ?? 'pcap';
  }

  private start(): PcapWriter | PcapngWriter {
    if (this.writer !== null) return this.writer;
    if (this.format === 'pcap') {
      this.writer = new PcapWriter({ snaplen: 262_144, linkType: this.options.linkType ?? this.info?.linkType ?? 1 });
    } else {
      const info = this.info;
      const interfaces: PcapngInterfaceOptions[] =
        info === undefined
          ? [{}]
          : info.format === 'pcapng'
            ? info.interfaces.length === 0
              ? [{}]
              : info.interfaces.map(interfaceOf)
            : [{ linkType: info.linkType, snaplen: Math.max(info.snaplen, DEFAULT_SNAPLEN), tsresol: info.nanosecond ? 9 : 6 }];
      const forced = this.options.linkType;
      this.writer = new PcapngWriter({ interfaces: forced === undefined ? interfaces : interfaces.map((i) => ({ ...i, linkType: forced })) });
    }
    this.sink.write(this.writer.header());
    return this.writer;
  }

  /**
   * Appends one frame; keeps the timestamp, interface (pcapng) and wire length of `from` when given.
   * `comments` become packet comments in pcapng (classic pcap has no place for them).
   */
  add(data: Uint8Array, from?: CaptureRecord, originalLength = data.length, comments?: readonly string[]): void {
    const writer = this.start();
    if (writer instanceof PcapWriter) {
      if (from !== undefined) {
        // pcapng timestamps are 64-bit (and if_tsoffset may make them negative); classic pcap has 32-bit
        // seconds. The fraction is not checked here: a pcap fraction of one second or more is written
        // back as read (PcapWriter), and the readers give nothing the microsecond field cannot hold.
        const { seconds, nanoseconds } = from.timestamp;
        if (!(Number.isInteger(seconds) && seconds >= 0 && seconds <= 0xffffffff)) {
          throw new RangeError(
            `record ${from.index + 1} at offset ${from.fileOffset}: its timestamp (${seconds} s + ${nanoseconds} ns) does not fit the 32-bit seconds of a pcap file, so ${this.path} cannot hold it`,
          );
        }
      }
      const f =
        from === undefined
          ? { data, timestamp: defaultTimestamp(this.frames), originalLength: data.length, interfaceId: 0 }
          : { data, timestamp: from.timestamp, originalLength: Math.max(originalLength, data.length), interfaceId: 0 };
      this.sink.reserve(writer.recordLength(data), (t, o) => writer.writeInto(f, t, o));
    } else {
      const interfaceId = from?.interfaceId ?? 0;
      // An input interface described after the output's header (pcapng IDBs may come late).
      while (writer.interfaceCount <= interfaceId) this.sink.write(writer.addInterface(interfaceOf(this.info?.interfaces[writer.interfaceCount])));
      const f = {
        data,
        timestamp: from === undefined ? defaultTimestamp(this.frames) : from.timestamp,
        originalLength: from === undefined ? data.length : Math.max(originalLength, data.length),
        interfaceId,
        ...(comments !== undefined && comments.length > 0 ? { comments } : {}),
      };
      this.sink.reserve(writer.lengthOf(f), (t, o) => writer.writeInto(f, t, o));
    }
    this.frames++;
  }

  get bytes(): number {
    return this.sink.written;
  }

  commit(): void {
    this.start(); // an empty capture still has its header
    this.sink.commit();
  }

  abort(): void {
    this.sink.abort();
  }
}

export interface WithCaptureOutputOptions extends CaptureOutputOptions {
  /**
   * When the input ends inside a record (or is corrupt after good ones), keep the output with the frames
   * written before it — still a data error (exit status 1) that says where the input ended.
   */
  readonly keepPartial?: boolean;
}

/** Runs `body` with an output capture; the file appears only if `body` completes (or, with keepPartial, the input was cut short). */
export async function withCaptureOutput<T>(file: string, body: (out: CaptureOutput) => Promise<T>, options: WithCaptureOutputOptions = {}): Promise<T> {
  const out = new CaptureOutput(file, options);
  try {
    const result = await body(out);
    out.commit();
    return result;
  } catch (e) {
    if (options.keepPartial === true && e instanceof CaptureReadError) {
      out.commit();
      const where = file === '-' ? 'standard output' : file;
      throw dataError(`${e.message.replace(/\.$/, '')}; --keep-partial: ${where} keeps the ${out.frames} frame${out.frames === 1 ? '' : 's'} written before it.`);
    }
    out.abort();
    throw e;
  }
}
