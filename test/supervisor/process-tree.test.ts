/**
 * Process-tree control on real processes (Linux /proc): the /proc snapshot, tree and tag
 * lookups, tree kills, the start-up orphan reaper, and the PID-namespace wrapper that keeps
 * agents from outliving a SIGKILLed server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { innerPid, isolationPrefix, probeIsolation, findExecutable } from '../../server/supervisor/isolation.js';
import { reapOrphans, sameProcess } from '../../server/supervisor/orphan-reaper.js';
import { readBootId, readProcessTable, readStartTime, type ProcessEntry } from '../../server/supervisor/process-table.js';
import { killTreeAndWait, signalTree } from '../../server/supervisor/process-tree.js';

const FAKE_CLAUDE = fileURLToPath(new URL('../support/fake-claude.mjs', import.meta.url));
const SLEEP = findExecutable('sleep') ?? '/bin/sleep';
/** Every process a test starts carries a tag with this prefix, so afterAll can sweep them all. */
const PREFIX = `process-tree-test-${process.pid}-${randomUUID().slice(0, 8)}-`;
const newTag = (): string => `${PREFIX}${randomUUID()}`;

// Probed once at load so the wrapper tests can be skipped where namespaces are unavailable.
const isolation = process.platform === 'linux' ? await probeIsolation() : { kind: 'none' as const, prefix: [], reason: 'not Linux' };

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleepMs(20);
  }
}

const taggedWith = (tag: string): ProcessEntry[] => readProcessTable().tagged((t) => t === tag);

/** Polls until no process carries the tag; returns how long that took, or -1 on timeout. */
async function msUntilNoneTagged(tag: string, timeoutMs: number): Promise<number> {
  const began = Date.now();
  while (Date.now() - began <= timeoutMs) {
    if (taggedWith(tag).length === 0) return Date.now() - began;
    await sleepMs(10);
  }
  return -1;
}

function baseEnv(tag?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ANTHROPIC_API_KEY: 'k' };
  if (tag !== undefined) env.AGENT_RUN_TAG = tag;
  return env;
}

const children: ChildProcess[] = [];

/** A detached (own process group) child with the tag in its environment, as the supervisor spawns agents. */
function spawnTagged(file: string, args: string[], tag: string, stdio: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const child = spawn(file, args, { detached: true, stdio, env: baseEnv(tag) });
  child.on('error', () => {});
  children.push(child);
  return child;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function turnLine(text: string): string {
  return `${JSON.stringify({ type: 'user', session_id: '', parent_tool_use_id: null, uuid: randomUUID(), message: { role: 'user', content: [{ type: 'text', text }] } })}\n`;
}

type Line = { type: string; subtype?: string; result?: string; message?: { content?: Array<{ type: string; content?: unknown }> } };

/** The fake CLI in stream-json mode, optionally behind the isolation prefix. */
class FakeRun {
  readonly child: ChildProcess;
  readonly lines: Line[] = [];
  stderr = '';

  constructor(readonly tag: string, prefix: string[] = []) {
    const argv = [...prefix, process.execPath, FAKE_CLAUDE, '-p', '--input-format=stream-json', '--output-format=stream-json', '--verbose'];
    this.child = spawnTagged(argv[0]!, argv.slice(1), tag, 'pipe');
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => this.lines.push(JSON.parse(line) as Line));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdin!.on('error', () => {});
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(text: string): void {
    this.child.stdin!.write(turnLine(text));
  }

  line(what: string, match: (line: Line) => boolean, timeoutMs = 10_000): Promise<Line> {
    return waitFor(what, () => this.lines.find(match), timeoutMs);
  }

  result(timeoutMs?: number): Promise<Line> {
    return this.line('a result line', (line) => line.type === 'result', timeoutMs);
  }

  /** The {"pids":[inGroup, escapee]} a GRANDCHILD turn reports. */
  async grandchildPids(): Promise<[number, number]> {
    await this.result();
    for (const line of this.lines) {
      for (const block of line.message?.content ?? []) {
        if (block.type === 'tool_result') return (JSON.parse(String(block.content)) as { pids: [number, number] }).pids;
      }
    }
    throw new Error('no tool result with pids');
  }
}

let home: string;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'process-tree-'));
  home = scratch;
});

afterAll(async () => {
  // Whatever a failed test left behind: every process with this file's tag prefix.
  for (let attempt = 0; attempt < 50; attempt++) {
    const left = readProcessTable().tagged((tag) => tag.startsWith(PREFIX));
    if (left.length === 0) break;
    for (const entry of left) {
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleepMs(20);
  }
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

describe('readProcessTable', () => {
  it('parses a process whose comm contains spaces and ")" (fields after the LAST ")")', async () => {
    // A name that fools a parser splitting at the first ')': it would read state Z and ppid 1.
    const name = 'x) Z 1 1 (y';
    const link = path.join(scratch, name);
    await symlink(SLEEP, link);
    const tag = newTag();
    const child = spawnTagged(link, ['300'], tag);
    const pid = child.pid!;
    // Between fork and exec the child still has the parent's name and environment, and just
    // after exec its resident set can still read 0: wait for both to settle (a wrong field index
    // would never give a positive RSS and the wait would fail).
    const entry = await waitFor('the exec\'d process in the table', () => {
      const found = readProcessTable().get(pid);
      return found?.comm === name && found.rssBytes > 0 ? found : undefined;
    });
    expect(entry).toMatchObject({ pid, comm: name, ppid: process.pid, pgid: pid, tag });
    expect(entry.rssBytes).toBeGreaterThan(0);
    expect(entry.startTime).toBe(readStartTime(pid));
    // Start time is in clock ticks since boot (USER_HZ is 100 on Linux): it started just now.
    const uptimeTicks = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100;
    expect(Math.abs(uptimeTicks - entry.startTime)).toBeLessThan(2_000);
    child.kill('SIGKILL');
    await exitOf(child);
    expect(readProcessTable().get(pid)).toBeUndefined();
    expect(readStartTime(pid)).toBeUndefined();
  });

  it('leaves zombies out and reads no tag where there is none', async () => {
    // `sh -c 'sleep 0 & exec sleep 300'`: the exec'd sleep never reaps its finished child.
    const tag = newTag();
    const child = spawnTagged('/bin/sh', ['-c', `${SLEEP} 0 & exec ${SLEEP} 300`], tag);
    const zombie = await waitFor('a zombie child', () => {
      try {
        const list = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
        const pid = Number(list.split(' ')[0]);
        if (!pid) return undefined;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? pid : undefined;
      } catch {
        return undefined;
      }
    });
    const table = readProcessTable();
    expect(table.get(child.pid!)).toBeDefined();
    expect(table.get(zombie)).toBeUndefined();
    expect(table.treeOf(child.pid!, tag).map((e) => e.pid)).toEqual([child.pid]);
    expect(table.get(child.pid!)!.tag).toBe(tag);
    // Any variable can be the tag: the first one in the block (PATH) and one in the middle.
    expect(readProcessTable('PATH').get(child.pid!)!.tag).toBe(baseEnv().PATH);
    expect(readProcessTable('ANTHROPIC_API_KEY').get(child.pid!)!.tag).toBe('k');
    child.kill('SIGKILL');

    const untagged = spawn(SLEEP, ['300'], { detached: true, stdio: 'ignore', env: baseEnv() });
    children.push(untagged);
    const entry = await waitFor('the untagged sleep', () => {
      const found = readProcessTable().get(untagged.pid!);
      return found?.comm === 'sleep' ? found : undefined;
    });
    expect('tag' in entry).toBe(false);
    untagged.kill('SIGKILL');
  });

  it('treeOf finds a setsid escapee by its tag after its parent died', async () => {
    const tag = newTag();
    const shell = spawnTagged('/bin/sh', ['-c', `setsid ${SLEEP} 300 & ${SLEEP} 300 & sleep 0.2`], tag);
    const shellPid = shell.pid!;
    await exitOf(shell);
    const table = await waitFor('two tagged sleeps', () => {
      const snapshot = readProcessTable();
      return snapshot.tagged((t) => t === tag).length === 2 ? snapshot : undefined;
    });
    const [escapee] = table.tagged((t) => t === tag).filter((e) => e.pgid !== shellPid);
    const [inGroup] = table.tagged((t) => t === tag).filter((e) => e.pgid === shellPid);
    expect(escapee).toBeDefined();
    expect(inGroup).toBeDefined();
    // Orphaned: neither is a child of the dead shell any more; the escapee leads its own group.
    expect(escapee!.ppid).not.toBe(shellPid);
    expect(escapee!.pgid).toBe(escapee!.pid);
    expect(table.get(shellPid)).toBeUndefined();

    // Without the tag only the group is left to find; with it, the escapee too.
    expect(table.treeOf(shellPid).map((e) => e.pid)).toEqual([inGroup!.pid]);
    expect(table.treeOf(shellPid, tag).map((e) => e.pid)).toEqual([inGroup!.pid, escapee!.pid].sort((a, b) => a - b));
    expect(table.treeRssBytes(shellPid, tag)).toBe(inGroup!.rssBytes + escapee!.rssBytes);

    expect((await killTreeAndWait(shellPid, tag, { graceMs: 3_000 })).survivors).toEqual([]);
    expect(taggedWith(tag)).toEqual([]);
  });
});

describe('signalTree and killTreeAndWait', () => {
  it('signalTree(SIGTERM) reaches the agent, its in-group tool and the setsid escapee (GRANDCHILD)', async () => {
    const run = new FakeRun(newTag());
    run.send('GRANDCHILD');
    const [inGroup, escapee] = await run.grandchildPids();
    const table = readProcessTable();
    expect(table.get(inGroup)).toMatchObject({ pgid: run.pid, tag: run.tag });
    expect(table.get(escapee)).toMatchObject({ pgid: escapee, tag: run.tag });
    expect(table.treeOf(run.pid, run.tag).map((e) => e.pid)).toEqual([run.pid, inGroup, escapee].sort((a, b) => a - b));

    const signalled = signalTree(run.pid, run.tag, 'SIGTERM', table);
    expect(signalled.sort((a, b) => a - b)).toEqual([run.pid, inGroup, escapee].sort((a, b) => a - b));
    expect(await exitOf(run.child)).toEqual({ code: 143, signal: null });
    expect(await msUntilNoneTagged(run.tag, 3_000)).toBeGreaterThanOrEqual(0);
    // Nothing left to signal.
    expect(signalTree(run.pid, run.tag, 'SIGTERM')).toEqual([]);
  });

  it('signalTree reaches a tagged process whose group leader is gone (no group kill can)', async () => {
    // The inner shell starts a new session, backgrounds a sleep in it and exits: that sleep is
    // orphaned in a group nobody leads any more.
    const tag = newTag();
    const root = spawnTagged('/bin/sh', ['-c', `setsid /bin/sh -c '${SLEEP} 300 & exit 0'; ${SLEEP} 300`], tag);
    const table = await waitFor('two tagged sleeps', () => {
      const snapshot = readProcessTable();
      return snapshot.tagged((t) => t === tag).filter((e) => e.comm === 'sleep').length === 2 ? snapshot : undefined;
    });
    const stray = table.tagged((t) => t === tag).find((e) => e.pgid !== root.pid)!;
    expect(table.get(stray.pgid)).toBeUndefined();
    const signalled = signalTree(root.pid!, tag, 'SIGTERM', table);
    expect(signalled).toContain(stray.pid);
    expect(signalled).toContain(root.pid);
    expect(await msUntilNoneTagged(tag, 3_000)).toBeGreaterThanOrEqual(0);
  });

  it('killTreeAndWait leaves no tagged process, even of an agent that ignores SIGTERM', async () => {
    const run = new FakeRun(newTag());
    run.send('IGNORE_SIGTERM GRANDCHILD');
    const [inGroup, escapee] = await run.grandchildPids();
    expect(taggedWith(run.tag).map((e) => e.pid).sort((a, b) => a - b)).toEqual([run.pid, inGroup, escapee].sort((a, b) => a - b));
    const began = Date.now();
    const { survivors } = await killTreeAndWait(run.pid, run.tag, { graceMs: 3_000 });
    const took = Date.now() - began;
    expect(survivors).toEqual([]);
    expect(taggedWith(run.tag)).toEqual([]);
    expect(await exitOf(run.child)).toEqual({ code: null, signal: 'SIGKILL' });
    console.info(`killTreeAndWait of a 3-process GRANDCHILD tree: ${took} ms`);
  });

  it('killTreeAndWait catches processes forked while the tree is being killed', async () => {
    // Keeps starting sleeps that leave its process group (setsid): those started while a scan
    // runs are in no snapshot and out of reach of the group kill, so only a re-scan finds them.
    const tag = newTag();
    const forker = spawnTagged('/bin/sh', ['-c', `while :; do setsid ${SLEEP} 300 & done`], tag);
    await waitFor('a few orphans', () => taggedWith(tag).length >= 20);
    const orphans = taggedWith(tag).length;
    const began = Date.now();
    const { survivors } = await killTreeAndWait(forker.pid!, tag, { graceMs: 5_000 });
    console.info(`killTreeAndWait of a forking tree (${orphans}+ processes when it began): ${Date.now() - began} ms`);
    expect(survivors).toEqual([]);
    expect(taggedWith(tag)).toEqual([]);
  });

  it('never signals pid <= 1, the server itself or its ancestors', () => {
    expect(signalTree(1, undefined, 'SIGCONT')).toEqual([]);
    expect(signalTree(0, undefined, 'SIGCONT')).toEqual([]);
    expect(signalTree(process.pid, undefined, 'SIGCONT')).toEqual([]);
    expect(signalTree(process.ppid, undefined, 'SIGCONT')).toEqual([]);
  });
});

describe('reapOrphans and sameProcess', () => {
  it('kills tagged orphans of owned, not-live agents and leaves everything else', async () => {
    const orphan = newTag();
    const foreign = newTag();
    const live = newTag();
    const recycled = newTag();
    spawnTagged('/bin/sh', ['-c', `${SLEEP} 300 & setsid ${SLEEP} 300 & wait`], orphan);
    const foreignSleep = spawnTagged(SLEEP, ['300'], foreign);
    const liveSleep = spawnTagged(SLEEP, ['300'], live);
    const recycledSleep = spawnTagged(SLEEP, ['300'], recycled);
    const untagged = spawn(SLEEP, ['300'], { detached: true, stdio: 'ignore', env: baseEnv() });
    children.push(untagged);
    // Tagged only once exec'd: before that a child has the test process's environment.
    await waitFor('all processes', () => taggedWith(orphan).length === 3 && [foreign, live, recycled].every((t) => taggedWith(t).length === 1));
    const orphanEntries = taggedWith(orphan);
    const start = (child: ChildProcess): number => readStartTime(child.pid!)!;
    // What the database would say: the live agent's record matches; the other record names the
    // right pid with another start time (the pid was recycled), so that process is not the live one.
    const recycledStart = start(recycledSleep);
    const records = [
      { tag: live, pid: liveSleep.pid!, startTime: start(liveSleep) },
      { tag: recycled, pid: recycledSleep.pid!, startTime: recycledStart + 1 },
    ];
    const owned = new Set([orphan, live, recycled]);
    const logged: string[] = [];
    const log = { info: (_: object, message: string) => logged.push(message), warn: (_: object, message: string) => logged.push(`WARN ${message}`) };

    const reaped = await reapOrphans({
      tagPredicate: (tag) => owned.has(tag),
      isKnownLive: (p) => records.some((r) => r.tag === p.tag && r.pid === p.pid && r.startTime === p.startTime),
      log,
    });

    const expected = [...orphanEntries.map((e) => ({ pid: e.pid, tag: orphan, startTime: e.startTime })),
      { pid: recycledSleep.pid!, tag: recycled, startTime: recycledStart }];
    expect(reaped.sort((a, b) => a.pid - b.pid)).toEqual(expected.sort((a, b) => a.pid - b.pid));
    expect(taggedWith(orphan)).toEqual([]);
    expect(taggedWith(recycled)).toEqual([]);
    for (const spared of [foreignSleep, liveSleep, untagged]) expect(readStartTime(spared.pid!)).toBeDefined();
    expect(logged.some((m) => m.includes('live agent'))).toBe(true);
    expect(logged.some((m) => m.startsWith('WARN'))).toBe(false);
    for (const child of [foreignSleep, liveSleep, untagged]) child.kill('SIGKILL');
  });

  it('sameProcess: true only for a live pid with the recorded start time (and boot)', async () => {
    const child = spawnTagged(SLEEP, ['300'], newTag());
    const pid = child.pid!;
    const startTime = await waitFor('a start time', () => readStartTime(pid));
    const bootId = readBootId();
    expect(bootId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(sameProcess(pid, startTime)).toBe(true);
    expect(sameProcess(pid, startTime, bootId)).toBe(true);
    // The recycled-pid case: the pid is alive, but it is not the process that was recorded.
    expect(sameProcess(pid, startTime - 1)).toBe(false);
    expect(sameProcess(pid, startTime, randomUUID())).toBe(false);
    child.kill('SIGKILL');
    await exitOf(child);
    expect(sameProcess(pid, startTime)).toBe(false);
    expect(sameProcess(0, 0)).toBe(false);
  });
});

describe('isolation wrapper', () => {
  it('the probe agrees with running the wrapper by hand, and is cached', async () => {
    expect(await probeIsolation()).toBe(isolation);
    const setpriv = findExecutable('setpriv');
    const unshare = findExecutable('unshare');
    // Spelled out here rather than taken from isolationPrefix, so a broken prefix cannot agree with itself.
    const expected = [setpriv!, '--pdeathsig', 'KILL', '--', unshare!, '--user', '--map-current-user', '--pid', '--fork', '--kill-child=SIGKILL', '--mount-proc', '--'];
    const byHand = setpriv && unshare
      ? spawnSync(expected[0]!, [...expected.slice(1), '/bin/sh', '-c', 'echo $$'], { encoding: 'utf8', timeout: 5_000 })
      : undefined;
    const works = byHand?.stdout.trim() === '1';
    console.info(`isolation probe: ${JSON.stringify(isolation)}${byHand && !works ? `; by hand: ${byHand.stderr}` : ''}`);
    if (works) {
      expect(isolation).toEqual({ kind: 'pid-namespace', prefix: expected });
      expect(isolationPrefix(setpriv!, unshare!, true)).toEqual(expected.map((arg) => (arg === '--map-current-user' ? '--map-root-user' : arg)));
    } else {
      expect(isolation.kind).toBe('none');
      expect(isolation.prefix).toEqual([]);
      expect(isolation.reason).toBeTruthy();
    }
  });

  it('reports kind none with the reason when util-linux is not on PATH', async () => {
    const wrapper = await probeIsolation({ searchPath: scratch });
    expect(wrapper).toEqual({ kind: 'none', prefix: [], reason: 'setpriv and unshare not found in PATH (util-linux)' });
  });

  describe.skipIf(isolation.kind !== 'pid-namespace')('with the PID-namespace wrapper', () => {
    it('(a) passes stdin/stdout through; the agent runs as PID 1 of its namespace; its exit code passes back', async () => {
      const run = new FakeRun(newTag(), isolation.prefix);
      run.send('hello through the wrapper');
      expect(await run.result()).toMatchObject({ subtype: 'success', result: 'Hello! You said: hello through the wrapper' });
      const table = readProcessTable();
      const inner = innerPid(run.pid, table)!;
      expect(inner).toBeGreaterThan(1);
      expect(inner).not.toBe(run.pid);
      expect(table.get(run.pid)).toMatchObject({ comm: 'unshare', pgid: run.pid, tag: run.tag });
      expect(table.get(inner)).toMatchObject({ ppid: run.pid, pgid: run.pid, tag: run.tag });
      // NSpid: <pid here> <pid in the namespace>.
      const nsPid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${inner}/status`, 'utf8'))![1]!.split(/\s+/).map(Number);
      expect(nsPid).toEqual([inner, 1]);
      run.send('second turn');
      await run.line('the second result', (line) => line.type === 'result' && line.result === 'Hello! You said: second turn');
      run.child.stdin!.end();
      expect(await exitOf(run.child)).toEqual({ code: 0, signal: null });
      expect(await msUntilNoneTagged(run.tag, 3_000)).toBeGreaterThanOrEqual(0);
    });

    it('(b) SIGINT to the process group interrupts the turn gracefully (aborted result, exit 0); SIGINT to the wrapper pid alone does nothing', async () => {
      const run = new FakeRun(newTag(), isolation.prefix);
      run.send('SLEEP 8000 take your time');
      await run.line('init', (line) => line.type === 'system' && line.subtype === 'init');
      await sleepMs(300);
      // unshare blocks SIGINT and SIGTERM: signalling only its pid has no effect.
      process.kill(run.pid, 'SIGINT');
      await sleepMs(500);
      expect(run.lines.some((line) => line.type === 'result')).toBe(false);
      expect(run.child.exitCode).toBeNull();

      const began = Date.now();
      process.kill(-run.pid, 'SIGINT');
      const result = await run.result(5_000);
      const took = Date.now() - began;
      expect(result).toMatchObject({ type: 'result', subtype: 'error_during_execution' });
      expect(run.lines.some((line) => line.type === 'user' && JSON.stringify(line).includes('[Request interrupted by user]'))).toBe(true);
      expect(await exitOf(run.child)).toEqual({ code: 0, signal: null });
      expect(took).toBeLessThan(2_000);
      console.info(`wrapped SIGINT to the group -> aborted result in ${took} ms`);
    });

    it('(b) SIGINT straight to innerPid works too; SIGTERM to the group gives exit code 143', async () => {
      const run = new FakeRun(newTag(), isolation.prefix);
      run.send('SLEEP 8000 take your time');
      await run.line('init', (line) => line.type === 'system' && line.subtype === 'init');
      await sleepMs(300);
      const inner = innerPid(run.pid)!;
      process.kill(inner, 'SIGINT');
      expect(await run.result(5_000)).toMatchObject({ subtype: 'error_during_execution' });
      expect(await exitOf(run.child)).toEqual({ code: 0, signal: null });

      const second = new FakeRun(newTag(), isolation.prefix);
      second.send('SLEEP 8000 take your time');
      await second.line('init', (line) => line.type === 'system' && line.subtype === 'init');
      process.kill(-second.pid, 'SIGTERM');
      expect(await exitOf(second.child)).toEqual({ code: 143, signal: null });
      expect(second.lines.some((line) => line.type === 'result')).toBe(false);
    });

    it('when the agent exits, the kernel kills what it left in its namespace (GRANDCHILD, then stdin EOF)', async () => {
      const run = new FakeRun(newTag(), isolation.prefix);
      run.send('GRANDCHILD');
      await run.result();
      // unshare, the agent and both sleepers (setpriv exec'd unshare: same pid).
      expect(taggedWith(run.tag)).toHaveLength(4);
      run.child.stdin!.end();
      expect(await exitOf(run.child)).toEqual({ code: 0, signal: null });
      expect(await msUntilNoneTagged(run.tag, 3_000)).toBeGreaterThanOrEqual(0);
    });

    it('a SIGKILL of the agent alone takes the namespace down; the wrapper exits', async () => {
      const run = new FakeRun(newTag(), isolation.prefix);
      run.send('GRANDCHILD');
      await run.result();
      process.kill(innerPid(run.pid)!, 'SIGKILL');
      const exit = await exitOf(run.child);
      // util-linux 2.38 unshare cannot re-raise SIGKILL and exits 1 ("sigprocmask unblock failed").
      expect(exit.code !== 0 || exit.signal !== null).toBe(true);
      expect(await msUntilNoneTagged(run.tag, 3_000)).toBeGreaterThanOrEqual(0);
      console.info(`wrapper after SIGKILL of the agent: ${JSON.stringify(exit)} ${JSON.stringify(run.stderr.trim())}`);
    });
  });

  describe('SIGKILL of the server (a Node parent that runs GRANDCHILD)', () => {
    let parentScript: string;

    beforeAll(async () => {
      parentScript = path.join(scratch, 'server.mjs');
      // Stands in for the server: spawns the agent detached, as AgentProcess does, runs a
      // GRANDCHILD turn, then a HANG turn (the agent then ignores stdin EOF, so only the kernel's
      // guarantees can end it), and reports once the HANG turn has started.
      await writeFile(parentScript, `
import { spawn } from 'node:child_process';
import readline from 'node:readline';
const [prefix, fake, tag, home] = [JSON.parse(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const argv = [...prefix, process.execPath, fake, '-p', '--input-format=stream-json', '--output-format=stream-json', '--verbose'];
const agent = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['pipe', 'pipe', 'inherit'],
  env: { PATH: process.env.PATH, HOME: home, ANTHROPIC_API_KEY: 'k', AGENT_RUN_TAG: tag } });
let inits = 0;
readline.createInterface({ input: agent.stdout }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.type === 'result') agent.stdin.write(${JSON.stringify(turnLine('HANG'))});
  if (message.type === 'system' && message.subtype === 'init' && ++inits === 2) {
    setTimeout(() => process.stdout.write(JSON.stringify({ agentPid: agent.pid }) + '\\n'), 100);
  }
});
agent.stdin.write(${JSON.stringify(turnLine('GRANDCHILD'))});
setInterval(() => {}, 1 << 30);
`);
    });

    async function runServerThenKillIt(prefix: string[]): Promise<{ tag: string; agentPid: number; before: ProcessEntry[] }> {
      const tag = newTag();
      // The parent itself is untagged: only what it starts carries the tag.
      const server = spawn(process.execPath, [parentScript, JSON.stringify(prefix), FAKE_CLAUDE, tag, home], { stdio: ['ignore', 'pipe', 'inherit'], env: baseEnv() });
      children.push(server);
      const ready = await new Promise<{ agentPid: number }>((resolve, reject) => {
        readline.createInterface({ input: server.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { agentPid: number }));
        server.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
      });
      const before = taggedWith(tag);
      server.kill('SIGKILL');
      await exitOf(server);
      return { tag, agentPid: ready.agentPid, before };
    }

    it.skipIf(isolation.kind !== 'pid-namespace')('(c) with the wrapper no tagged process survives, the setsid escapee included', async () => {
      const { tag, agentPid, before } = await runServerThenKillIt(isolation.prefix);
      // unshare, the agent, the in-group sleeper and the escapee, which leads its own group.
      expect(before).toHaveLength(4);
      expect(before.filter((e) => e.pgid === agentPid)).toHaveLength(3);
      expect(before.filter((e) => e.pgid !== agentPid && e.pgid === e.pid)).toHaveLength(1);
      const took = await msUntilNoneTagged(tag, 3_000);
      expect(took).toBeGreaterThanOrEqual(0);
      console.info(`wrapped agent tree gone ${took} ms after SIGKILL of its parent`);
    });

    it('(d) without the wrapper the agent, the in-group sleeper and the escapee all survive', async () => {
      const { tag, agentPid, before } = await runServerThenKillIt([]);
      expect(before).toHaveLength(3);
      const escapee = before.find((e) => e.pgid !== agentPid)!;
      expect(escapee.pgid).toBe(escapee.pid);
      await sleepMs(1_000);
      const after = taggedWith(tag);
      // Same processes (pid and start time) as before the parent died: orphaned, still running.
      expect(after.map((e) => [e.pid, e.startTime])).toEqual(before.map((e) => [e.pid, e.startTime]));
      expect(after.map((e) => e.pid)).toContain(escapee.pid);
      expect(after.map((e) => e.pid)).toContain(agentPid);
      // Only the reaper's tag scan can find them now.
      const reaped = await reapOrphans({ tagPredicate: (t) => t === tag });
      expect(reaped.map((r) => r.pid).sort((a, b) => a - b)).toEqual(after.map((e) => e.pid).sort((a, b) => a - b));
      expect(taggedWith(tag)).toEqual([]);
    });
  });
});
