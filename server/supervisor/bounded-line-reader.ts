import type { Readable } from 'node:stream';

export interface OversizedLineInfo {
  /** Bytes of the line without its terminator ('\n' or '\r\n'). */
  bytes: number;
  /** The first ~200 bytes of the line, cut on a UTF-8 character boundary. */
  head: string;
}

export interface BoundedLineReaderOptions {
  /** Longest line delivered, in bytes without its terminator; longer lines are discarded. */
  maxLineBytes: number;
  onLine(line: string): void;
  onOversizedLine(info: OversizedLineInfo): void;
  /**
   * Awaited after the lines of each chunk (and after the last line) before the next read, so a
   * consumer that handles lines asynchronously holds the stream back instead of queueing.
   */
  drain?(): void | Promise<void>;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const HEAD_BYTES = 200;
// Up to three continuation bytes follow a UTF-8 lead byte; keeping them lets the head be cut
// on a character boundary.
const HEAD_KEEP_BYTES = HEAD_BYTES + 4;

/**
 * Reads '\n'-separated UTF-8 lines from a byte stream without ever holding more than
 * maxLineBytes (plus one chunk) of an unfinished line: unlike node:readline, a writer that never
 * ends its line cannot grow this process's memory.
 *
 * Lines lose a trailing '\r'; empty lines are skipped; a last line without '\n' is still
 * delivered. A longer line is counted to its end and reported once through onOversizedLine.
 * Callbacks run synchronously between reads and drain is awaited, so a slow consumer slows the
 * stream rather than queueing chunks. Resolves when the stream ends; rejects on a stream error
 * (including a destroy before its end), or with the error a callback throws (the stream is
 * then destroyed).
 */
export async function readBoundedLines(
  stream: NodeJS.ReadableStream | Readable,
  options: BoundedLineReaderOptions,
): Promise<void> {
  const { maxLineBytes } = options;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  }
  const splitter = new LineSplitter(options);
  // The async iterator pulls one read at a time, so the stream's own highWaterMark bounds
  // what is buffered ahead of us.
  for await (const chunk of stream as AsyncIterable<unknown>) {
    splitter.push(toBuffer(chunk));
    if (options.drain) await options.drain();
  }
  splitter.end();
  if (options.drain) await options.drain();
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  // A stream with setEncoding() yields strings; lines are measured in UTF-8 bytes regardless.
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`readBoundedLines expects a byte stream, got a chunk of type ${typeof chunk}`);
}

/** Byte-level splitting state carried from one chunk to the next. */
class LineSplitter {
  private readonly maxLineBytes: number;

  /** Pieces of the unfinished line, at most maxLineBytes + 1 bytes (room for a '\r'). */
  private pieces: Buffer[] = [];
  private pendingBytes = 0;

  /** Set once the unfinished line is known to be too long: only its size is tracked. */
  private discarding = false;
  private discardedBytes = 0;
  /** The first bytes of the discarded line, filled further while it is shorter than the head. */
  private readonly discardedHead = Buffer.alloc(HEAD_KEEP_BYTES);
  private discardedHeadBytes = 0;
  /** The last byte seen while discarding, to leave out a '\r' split from its '\n'. */
  private lastByte = -1;

  // Callbacks are called on the options object, so methods there keep their `this`.
  constructor(private readonly options: BoundedLineReaderOptions) {
    this.maxLineBytes = options.maxLineBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.finishLine(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.keep(chunk, start);
  }

  end(): void {
    if (this.discarding) {
      this.finishDiscarded(this.lastByte === CARRIAGE_RETURN ? 1 : 0);
    } else if (this.pendingBytes > 0) {
      const line = this.takePending();
      this.emit(line, 0, line.length);
    }
  }

  /** Completes the line ending at chunk[end] (the '\n'). */
  private finishLine(chunk: Buffer, start: number, end: number): void {
    if (!this.discarding) {
      if (this.pendingBytes === 0) {
        // The common case: the whole line is inside this chunk, decode it in place.
        this.emit(chunk, start, end);
        return;
      }
      if (this.pendingBytes + (end - start) <= this.maxLineBytes + 1) {
        this.pieces.push(chunk.subarray(start, end));
        this.pendingBytes += end - start;
        const line = this.takePending();
        this.emit(line, 0, line.length);
        return;
      }
    }
    this.discard(chunk, start, end);
    this.finishDiscarded(this.lastByte === CARRIAGE_RETURN ? 1 : 0);
  }

  /** Holds the unfinished tail chunk[start..] until its newline arrives. */
  private keep(chunk: Buffer, start: number): void {
    const bytes = chunk.length - start;
    // maxLineBytes + 1: the line may still end in '\r\n' and be exactly maxLineBytes long.
    if (this.discarding || this.pendingBytes + bytes > this.maxLineBytes + 1) {
      this.discard(chunk, start, chunk.length);
      return;
    }
    // A short tail is copied so that it does not pin the whole chunk it came from.
    this.pieces.push(start > 0 ? Buffer.from(chunk.subarray(start)) : chunk);
    this.pendingBytes += bytes;
  }

  /** Counts chunk[start..end) towards a line known to be too long, keeping only its head. */
  private discard(chunk: Buffer, start: number, end: number): void {
    if (!this.discarding) {
      this.pieces.push(chunk.subarray(start, end));
      for (const piece of this.pieces) this.addToHead(piece, 0, piece.length);
      const last = this.pieces.findLast((piece) => piece.length > 0);
      this.lastByte = last === undefined ? -1 : last[last.length - 1]!;
      this.discardedBytes = this.pendingBytes + (end - start);
      this.discarding = true;
      this.pieces = [];
      this.pendingBytes = 0;
      return;
    }
    this.addToHead(chunk, start, end);
    this.discardedBytes += end - start;
    if (end > start) this.lastByte = chunk[end - 1]!;
  }

  /** Copies (rather than keeps a view pinning the chunk) what the head still lacks. */
  private addToHead(bytes: Buffer, start: number, end: number): void {
    const room = HEAD_KEEP_BYTES - this.discardedHeadBytes;
    if (room > 0 && end > start) {
      this.discardedHeadBytes += bytes.copy(this.discardedHead, this.discardedHeadBytes, start, Math.min(end, start + room));
    }
  }

  private takePending(): Buffer {
    const line = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.pendingBytes);
    this.pieces = [];
    this.pendingBytes = 0;
    return line;
  }

  /** Delivers bytes[start..end) as a line, or reports it when it is too long. */
  private emit(bytes: Buffer, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end -= 1;
    const length = end - start;
    if (length === 0) return;
    if (length > this.maxLineBytes) {
      const head = bytes.subarray(start, start + Math.min(length, HEAD_KEEP_BYTES));
      this.options.onOversizedLine({ bytes: length, head: decodeHead(head, length) });
      return;
    }
    this.options.onLine(bytes.toString('utf8', start, end));
  }

  private finishDiscarded(trailingCarriageReturn: number): void {
    const bytes = this.discardedBytes - trailingCarriageReturn;
    const head = decodeHead(this.discardedHead.subarray(0, this.discardedHeadBytes), bytes);
    this.discarding = false;
    this.discardedBytes = 0;
    this.discardedHeadBytes = 0;
    this.lastByte = -1;
    this.options.onOversizedLine({ bytes, head });
  }
}

/** Decodes at most HEAD_BYTES of a line of lineBytes bytes without splitting a character. */
function decodeHead(prefix: Buffer, lineBytes: number): string {
  const available = Math.min(prefix.length, lineBytes);
  let cut = Math.min(available, HEAD_BYTES);
  if (cut < available) {
    // Step back over continuation bytes (10xxxxxx) to the start of the character cut in two;
    // at most three, so that invalid UTF-8 still yields a head.
    for (let steps = 0; steps < 3 && cut > 0 && (prefix[cut]! & 0xc0) === 0x80; steps++) cut -= 1;
  }
  return prefix.toString('utf8', 0, cut);
}
