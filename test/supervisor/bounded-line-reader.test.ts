/**
 * readBoundedLines: splitting across chunk boundaries (inside multi-byte characters too), CRLF
 * and empty lines, oversized lines, errors and backpressure, and bounded memory against real
 * child processes writing a 100 MB flood or a 10 MB line without a newline.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readBoundedLines, type OversizedLineInfo } from '../../server/supervisor/bounded-line-reader.js';
import { mulberry32 } from '../support/seeded-random.js';

const MB = 1024 * 1024;

interface Collected {
  lines: string[];
  oversized: OversizedLineInfo[];
}

/** Feeds the chunks one by one (object mode keeps each boundary exactly where it is). */
async function collect(chunks: Iterable<Buffer> | AsyncIterable<Buffer>, maxLineBytes: number): Promise<Collected> {
  const result: Collected = { lines: [], oversized: [] };
  await readBoundedLines(Readable.from(chunks), {
    maxLineBytes,
    onLine: (line) => result.lines.push(line),
    onOversizedLine: (info) => result.oversized.push(info),
  });
  return result;
}

/** What the reader must report for the whole input, computed without any chunking. */
function expectedOf(input: Buffer, maxLineBytes: number): Array<{ line: string } | { oversized: OversizedLineInfo }> {
  const out: Array<{ line: string } | { oversized: OversizedLineInfo }> = [];
  let start = 0;
  while (start < input.length) {
    let end = input.indexOf(0x0a, start);
    const next = end === -1 ? input.length : end + 1;
    if (end === -1) end = input.length;
    let content = input.subarray(start, end);
    if (content.at(-1) === 0x0d) content = content.subarray(0, -1);
    start = next;
    if (content.length === 0) continue;
    if (content.length <= maxLineBytes) {
      out.push({ line: content.toString('utf8') });
      continue;
    }
    // Whole characters while they fit in 200 bytes.
    let head = '';
    let headBytes = 0;
    for (const char of content.toString('utf8')) {
      headBytes += Buffer.byteLength(char);
      if (headBytes > 200) break;
      head += char;
    }
    out.push({ oversized: { bytes: content.length, head } });
  }
  return out;
}

/** The same stream of reports in arrival order, to compare with expectedOf. */
async function collectInOrder(chunks: Buffer[], maxLineBytes: number) {
  const out: Array<{ line: string } | { oversized: OversizedLineInfo }> = [];
  await readBoundedLines(Readable.from(chunks), {
    maxLineBytes,
    onLine: (line) => out.push({ line }),
    onOversizedLine: (info) => out.push({ oversized: info }),
  });
  return out;
}

/** Makes the GC callable here: retained-memory figures are only meaningful right after one. */
function exposedGc(): () => void {
  if (typeof globalThis.gc === 'function') return () => globalThis.gc!();
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as unknown;
  if (typeof gc !== 'function') throw new Error('cannot expose the garbage collector');
  return gc as () => void;
}

function fullGc(gc: () => void): void {
  // Twice: the first pass may only queue finalizers that free external (Buffer) memory.
  gc();
  gc();
}

/** Live JS heap plus Buffer memory: the memory a reader can hold on to. */
function heldBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Tracks the peak of rss and of heldBytes while work runs. */
function startSampler(): { stop(): { peakRss: number; peakHeld: number } } {
  let peakRss = 0;
  let peakHeld = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeld = Math.max(peakHeld, usage.heapUsed + usage.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRss, peakHeld };
    },
  };
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

describe('readBoundedLines splitting', () => {
  // '€' is 3 bytes and '😀' 4, so some boundaries fall inside a character; '\r' and '\n' of
  // one terminator are separated too.
  const input = Buffer.from('first €\r\n\n😀 emoji line\n\r\na€b😀c\nlast without newline €😀', 'utf8');
  const expected = ['first €', '😀 emoji line', 'a€b😀c', 'last without newline €😀'];

  it('delivers the same lines wherever the input is cut into three chunks', async () => {
    let cases = 0;
    for (let i = 0; i <= input.length; i++) {
      for (let j = i; j <= input.length; j++) {
        const chunks = [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
        const { lines, oversized } = await collect(chunks, 1024);
        expect(lines, `cut at ${i} and ${j}`).toEqual(expected);
        expect(oversized).toEqual([]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });

  it('delivers the same lines from one-byte chunks', async () => {
    const chunks = Array.from(input, (byte) => Buffer.from([byte]));
    expect(await collect(chunks, 1024)).toEqual({ lines: expected, oversized: [] });
  });

  it('matches an unchunked reference on random input, chunking and limits', async () => {
    const random = mulberry32(20240601);
    const pieces = ['a', 'bc', '€', '😀', 'é', '\r', '\n', '\r\n', '\n\n', 'xxxxxxxxxx', '{"type":"x"}'];
    for (let round = 0; round < 400; round++) {
      const parts: string[] = [];
      const count = Math.floor(random() * 80);
      for (let k = 0; k < count; k++) {
        // Now and then a run long enough to be cut for its head (> 200 bytes).
        parts.push(random() < 0.03 ? '€😀x'.repeat(30 + Math.floor(random() * 40)) : pieces[Math.floor(random() * pieces.length)]!);
      }
      const whole = Buffer.from(parts.join(''), 'utf8');
      const maxLineBytes = 1 + Math.floor(random() * (random() < 0.5 ? 12 : 400));
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < whole.length; ) {
        const size = random() < 0.1 ? 0 : 1 + Math.floor(random() * 40);
        chunks.push(whole.subarray(offset, offset + size));
        offset += size;
      }
      const actual = await collectInOrder(chunks, maxLineBytes);
      expect(actual, `round ${round}, maxLineBytes ${maxLineBytes}`).toEqual(expectedOf(whole, maxLineBytes));
    }
  });

  it('strips the \\r of CRLF, and only a trailing one', async () => {
    const { lines } = await collect([Buffer.from('a\r\nb\r\n\r\nc\rd\ne\r\r\nf\r')], 100);
    expect(lines).toEqual(['a', 'b', 'c\rd', 'e\r', 'f']);
  });

  it('skips empty lines but keeps lines of spaces', async () => {
    expect((await collect([Buffer.from('\n\n\nx\n\n y \n\n')], 100)).lines).toEqual(['x', ' y ']);
    expect(await collect([Buffer.from('\n\r\n\n')], 100)).toEqual({ lines: [], oversized: [] });
    expect(await collect([], 100)).toEqual({ lines: [], oversized: [] });
  });

  it('accepts a line of exactly maxLineBytes, with or without \\r, and reports one byte more', async () => {
    const input = Buffer.from('123456\n1234567\n123456\r\n1234567\r\n€€\n€€x\nend', 'utf8');
    const expected = [
      { line: '123456' },
      { oversized: { bytes: 7, head: '1234567' } },
      { line: '123456' },
      { oversized: { bytes: 7, head: '1234567' } },
      { line: '€€' },
      { oversized: { bytes: 7, head: '€€x' } },
      { line: 'end' },
    ];
    for (let i = 0; i <= input.length; i++) {
      expect(await collectInOrder([input.subarray(0, i), input.subarray(i)], 6), `cut at ${i}`).toEqual(expected);
    }
  });

  it('takes string chunks from a stream with an encoding set', async () => {
    const stream = Readable.from([Buffer.from('héllo\nwor'), Buffer.from('ld €\n')], { objectMode: false });
    stream.setEncoding('utf8');
    const lines: string[] = [];
    await readBoundedLines(stream, { maxLineBytes: 100, onLine: (line) => lines.push(line), onOversizedLine: () => {} });
    expect(lines).toEqual(['héllo', 'world €']);
  });
});

describe('readBoundedLines oversized lines', () => {
  const LINE_BYTES = 10 * MB;
  // 'a' then 66 '€' is 199 bytes; the 67th '€' straddles byte 200 and must not be cut in two.
  const lineStart = `a${'€'.repeat(67)}`;
  const headText = `a${'€'.repeat(66)}`;

  /** A LINE_BYTES line produced in 64 KB chunks, so the test itself never holds all of it. */
  async function* longLine(before: string, after: string): AsyncGenerator<Buffer> {
    yield Buffer.from(`${before}${lineStart}`, 'utf8');
    let left = LINE_BYTES - Buffer.byteLength(lineStart);
    const filler = Buffer.alloc(64 * 1024, 'x');
    while (left > 0) {
      const size = Math.min(left, filler.length);
      yield filler.subarray(0, size);
      left -= size;
    }
    yield Buffer.from(after, 'utf8');
  }

  it('reports a 10 MB line once with its exact size and head, then reads on', async () => {
    const { lines, oversized } = await collect(longLine('before\n', '\nafter 1\r\nafter 2\n'), MB);
    expect(oversized).toEqual([{ bytes: LINE_BYTES, head: headText }]);
    expect(Buffer.byteLength(headText)).toBe(199);
    expect(lines).toEqual(['before', 'after 1', 'after 2']);
  });

  it('leaves a \\r before the newline out of the size, even in its own chunk', async () => {
    const { lines, oversized } = await collect(longLine('', '\r'), MB);
    expect(oversized).toEqual([{ bytes: LINE_BYTES, head: headText }]);
    expect(lines).toEqual([]);
    const crlf = await collect((async function* () {
      yield* longLine('', '\r');
      yield Buffer.from('\nnext\n');
    })(), MB);
    expect(crlf).toEqual({ lines: ['next'], oversized: [{ bytes: LINE_BYTES, head: headText }] });
  });

  it('reports a 10 MB last line that has no newline at end of stream', async () => {
    const { lines, oversized } = await collect(longLine('before\n', ''), MB);
    expect(oversized).toEqual([{ bytes: LINE_BYTES, head: headText }]);
    expect(lines).toEqual(['before']);
  });

  it('reports a long line that arrives inside one chunk without decoding it', async () => {
    const input = Buffer.from(`ok\n${'y'.repeat(5000)}\nok again\n`);
    expect(await collect([input], 100)).toEqual({
      lines: ['ok', 'ok again'],
      oversized: [{ bytes: 5000, head: 'y'.repeat(200) }],
    });
  });
});

describe('readBoundedLines errors and backpressure', () => {
  it('delivers the lines before a stream error, then rejects with it', async () => {
    const failure = new Error('pipe broke');
    const stream = new Readable({ read() {} });
    stream.push('one\ntwo\nunfinished');
    setTimeout(() => stream.destroy(failure), 10);
    const lines: string[] = [];
    await expect(readBoundedLines(stream, { maxLineBytes: 100, onLine: (l) => lines.push(l), onOversizedLine: () => {} })).rejects.toBe(failure);
    expect(lines).toEqual(['one', 'two']);
  });

  it('rejects with the error a callback throws, and stops reading', async () => {
    const stream = Readable.from([Buffer.from('one\ntwo\n'), Buffer.from('three\n')]);
    const lines: string[] = [];
    const failure = new Error('handler failed');
    const reading = readBoundedLines(stream, {
      maxLineBytes: 100,
      onLine: (line) => {
        lines.push(line);
        if (line === 'two') throw failure;
      },
      onOversizedLine: () => {},
    });
    await expect(reading).rejects.toBe(failure);
    expect(lines).toEqual(['one', 'two']);
    expect(stream.destroyed).toBe(true);
  });

  it('rejects a limit that is not a positive integer', async () => {
    const options = { onLine: () => {}, onOversizedLine: () => {} };
    await expect(readBoundedLines(Readable.from([]), { ...options, maxLineBytes: 0 })).rejects.toThrow(RangeError);
    await expect(readBoundedLines(Readable.from([]), { ...options, maxLineBytes: 1.5 })).rejects.toThrow(RangeError);
  });

  it('pulls from the stream only as fast as lines are handled', async () => {
    // A producer that could fill 64 MB at once: only what the reader asks for may be produced.
    const line = Buffer.from(`${'z'.repeat(2047)}\n`);
    const total = 64 * MB;
    let produced = 0;
    const stream = new Readable({
      highWaterMark: 64 * 1024,
      read() {
        while (produced < total) {
          produced += line.length;
          if (!this.push(line)) return;
        }
        this.push(null);
      },
    });
    let consumed = 0;
    let maxAhead = 0;
    await readBoundedLines(stream, {
      maxLineBytes: 4096,
      onLine: (text) => {
        consumed += text.length + 1;
        maxAhead = Math.max(maxAhead, produced - consumed);
      },
      onOversizedLine: () => {},
    });
    expect(consumed).toBe(total);
    expect(maxAhead).toBeLessThan(256 * 1024);
  });

  it('awaits drain after each chunk and after the last line before reading on', async () => {
    const line = Buffer.from(`${'q'.repeat(1023)}\n`);
    const total = 4 * MB;
    let produced = 0;
    const stream = new Readable({
      highWaterMark: 16 * 1024,
      read() {
        while (produced < total) {
          produced += line.length;
          if (!this.push(line)) return;
        }
        // A last line without a newline must be drained too.
        this.push('tail');
        this.push(null);
      },
    });
    const pending: string[] = [];
    const handled: string[] = [];
    let handledBytes = 0;
    let maxAhead = 0;
    await readBoundedLines(stream, {
      maxLineBytes: 4096,
      onLine: (text) => pending.push(text),
      onOversizedLine: () => {},
      drain: async () => {
        while (pending.length > 0) {
          // Asynchronous handling: the stream must not be read meanwhile.
          await nextTurn();
          const text = pending.shift()!;
          handled.push(text === 'tail' ? text : `${text.length}`);
          handledBytes += text.length + 1;
          maxAhead = Math.max(maxAhead, produced - handledBytes);
        }
      },
    });
    expect(handled.length).toBe(total / line.length + 1);
    expect(handled.at(-1)).toBe('tail');
    expect(handled.slice(0, -1).every((entry) => entry === '1023')).toBe(true);
    expect(maxAhead).toBeLessThan(128 * 1024);
  });
});

describe('readBoundedLines against real processes', () => {
  const gc = exposedGc();

  it('counts a 100 MB flood of normal lines from a child without growing memory', async () => {
    // Lines of 1-5 KB, some non-ASCII; the child reports what it wrote on stderr.
    const script = `
      const total = ${100 * MB};
      let bytes = 0, lines = 0;
      const pad = 'abcdefghij€'.repeat(500);
      while (bytes < total) {
        const size = 1000 + ((lines * 7919) % 4000);
        const text = JSON.stringify({ i: lines, pad: pad.slice(0, size) }) + '\\n';
        bytes += Buffer.byteLength(text);
        lines += 1;
        process.stdout.write(text);
      }
      process.stderr.write(JSON.stringify({ bytes, lines }));
    `;
    fullGc(gc);
    const before = process.memoryUsage();
    const sampler = startSampler();
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let report = '';
    child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));

    let lines = 0;
    let bytes = 0;
    let outOfOrder = 0;
    const started = performance.now();
    await readBoundedLines(child.stdout, {
      maxLineBytes: MB,
      onLine: (line) => {
        if (!line.startsWith(`{"i":${lines},`)) outOfOrder++;
        lines++;
        bytes += Buffer.byteLength(line) + 1;
      },
      onOversizedLine: () => outOfOrder++,
    });
    const seconds = (performance.now() - started) / 1000;
    expect(await exited).toBe(0);
    const { peakRss, peakHeld } = sampler.stop();
    fullGc(gc);
    const after = process.memoryUsage();

    const written = JSON.parse(report) as { bytes: number; lines: number };
    expect(written.bytes).toBeGreaterThanOrEqual(100 * MB);
    expect({ lines, bytes, outOfOrder }).toEqual({ lines: written.lines, bytes: written.bytes, outOfOrder: 0 });
    console.log(
      `100 MB flood: ${written.lines} lines in ${seconds.toFixed(2)} s (${(bytes / MB / seconds).toFixed(0)} MB/s incl. the writer); ` +
        `peak rss +${mb(peakRss - before.rss)}, peak heap+buffers +${mb(peakHeld - (before.heapUsed + before.arrayBuffers))}, ` +
        `retained after gc +${mb(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers))}`,
    );
    expect(peakRss - before.rss).toBeLessThan(64 * MB);
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(8 * MB);
  });

  it('holds well under the 10 MB of an endless line from a child, where readline holds it all', async () => {
    const maxLineBytes = MB;
    const firstPart = 6 * MB;
    const secondPart = 4 * MB;
    // The child writes 'before', then 6 MB of one line, and waits for stdin before the rest,
    // so that memory can be measured while the line is unfinished.
    const script = `
      const block = Buffer.alloc(64 * 1024, 'x');
      const writeBytes = (n) => { for (let left = n; left > 0; left -= block.length) process.stdout.write(block.subarray(0, Math.min(left, block.length))); };
      process.stdout.write('before\\n');
      writeBytes(${firstPart});
      process.stdin.once('data', () => {
        writeBytes(${secondPart});
        process.stdout.write('\\nafter\\n');
        process.stdin.destroy();
      });
    `;

    type Reader = (stdout: Readable, lines: string[], oversized: OversizedLineInfo[]) => Promise<void>;
    const measure = async (read: Reader) => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const stdout = child.stdout as Socket;
      fullGc(gc);
      const base = heldBytes();
      const baseRss = process.memoryUsage().rss;
      const sampler = startSampler();
      const lines: string[] = [];
      const oversized: OversizedLineInfo[] = [];
      const reading = read(stdout, lines, oversized);

      // Everything written so far has been read and handed to the reader.
      const deadline = Date.now() + 30_000;
      while (stdout.bytesRead < 'before\n'.length + firstPart || stdout.readableLength > 0) {
        if (Date.now() > deadline) throw new Error(`only ${stdout.bytesRead} bytes read`);
        await sleep(5);
      }
      await nextTurn();
      fullGc(gc);
      const heldMidLine = heldBytes() - base;
      const rssMidLine = process.memoryUsage().rss - baseRss;

      child.stdin.write('go\n');
      await reading;
      expect(await exited).toBe(0);
      const { peakHeld } = sampler.stop();
      return { lines, oversized, heldMidLine, rssMidLine, peakHeld: peakHeld - base };
    };

    const viaReadline = await measure(async (stdout, lines) => {
      const rl = readline.createInterface({ input: stdout, crlfDelay: Infinity });
      for await (const line of rl) lines.push(line.length > 100 ? `<${line.length} chars>` : line);
    });
    const bounded = await measure((stdout, lines, oversized) =>
      readBoundedLines(stdout, { maxLineBytes, onLine: (line) => lines.push(line), onOversizedLine: (info) => oversized.push(info) }),
    );

    console.log(
      `6 MB into an unfinished line, after gc: readline holds +${mb(viaReadline.heldMidLine)} (rss +${mb(viaReadline.rssMidLine)}), ` +
        `bounded reader +${mb(bounded.heldMidLine)} (rss +${mb(bounded.rssMidLine)}); ` +
        `sampled peaks heap+buffers: readline +${mb(viaReadline.peakHeld)}, bounded +${mb(bounded.peakHeld)}`,
    );
    expect(viaReadline.lines).toEqual(['before', `<${firstPart + secondPart} chars>`, 'after']);
    expect(bounded.lines).toEqual(['before', 'after']);
    expect(bounded.oversized).toEqual([{ bytes: firstPart + secondPart, head: 'x'.repeat(200) }]);
    // The measurement sees a held line: readline's 6 MB partial line shows up...
    expect(viaReadline.heldMidLine).toBeGreaterThan(firstPart - MB);
    // ...while the bounded reader holds at most maxLineBytes and a chunk of it.
    expect(bounded.heldMidLine).toBeLessThan(maxLineBytes + MB);
  });

  it('reads normal 1-5 KB lines at least about as fast as readline', async () => {
    const chunks: Buffer[] = [];
    let expectedLines = 0;
    {
      const parts: Buffer[] = [];
      let size = 0;
      while (size < 64 * MB) {
        const length = 1000 + ((expectedLines * 7919) % 4000);
        const part = Buffer.from(`${JSON.stringify({ type: 'assistant', i: expectedLines, text: 'y'.repeat(length) })}\n`);
        parts.push(part);
        size += part.length;
        expectedLines++;
      }
      const whole = Buffer.concat(parts);
      for (let offset = 0; offset < whole.length; offset += 64 * 1024) chunks.push(whole.subarray(offset, offset + 64 * 1024));
    }
    const totalMb = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / MB;

    const viaReadline = async () => {
      let count = 0;
      const rl = readline.createInterface({ input: Readable.from(chunks), crlfDelay: Infinity });
      rl.on('line', () => count++);
      await new Promise((resolve) => rl.once('close', resolve));
      return count;
    };
    const viaBounded = async () => {
      let count = 0;
      await readBoundedLines(Readable.from(chunks), { maxLineBytes: MB, onLine: () => count++, onOversizedLine: () => {} });
      return count;
    };

    const best = { readline: Infinity, bounded: Infinity };
    for (let round = 0; round < 3; round++) {
      for (const [name, run] of [['readline', viaReadline], ['bounded', viaBounded]] as const) {
        const started = performance.now();
        expect(await run()).toBe(expectedLines);
        best[name] = Math.min(best[name], performance.now() - started);
      }
    }
    const rate = (ms: number) => `${(totalMb / (ms / 1000)).toFixed(0)} MB/s`;
    console.log(
      `throughput on ${totalMb.toFixed(0)} MB of 1-5 KB lines (best of 3): readline ${best.readline.toFixed(0)} ms (${rate(best.readline)}), ` +
        `bounded reader ${best.bounded.toFixed(0)} ms (${rate(best.bounded)}), ratio ${(best.readline / best.bounded).toFixed(2)}x`,
    );
  });
});
