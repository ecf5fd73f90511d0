/**
 * Supervision faults end to end: through the GraphQL API, with real agent processes (the fake
 * CLI, or a crashing stand-in), each fault must end with its typed reason and leave no process
 * behind. Processes are checked independently of the server's own process code: by scanning
 * /proc for the AGENT_RUN_TAG=<agent uuid> the server puts in every agent's environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { AGENT_STATE, TASK, TASK_EVENTS, TERMINATE_AGENT } from '../support/operations.js';
import { collect, startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const API_KEY = { ANTHROPIC_API_KEY: 'test-key' };

// ---------------------------------------------------------------------------------------------
// /proc, read by the test itself.

interface Proc {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  startTime: number;
  /** NSpid: this pid as seen from here, then in each nested PID namespace (last = innermost). */
  nsPids: number[];
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const nsLine = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return {
      pid,
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      state: fields[0]!,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      sid: Number(fields[3]),
      startTime: Number(fields[19]),
      nsPids: nsLine ? nsLine[1]!.trim().split(/\s+/).map(Number) : [pid],
    };
  } catch {
    return undefined; // gone while we looked
  }
}

const isZombie = (proc: Proc): boolean => proc.state === 'Z' || proc.state === 'X';

/** Live (non-zombie) processes whose environment holds AGENT_RUN_TAG=<one of tags>. */
function taggedProcesses(tags: Iterable<string>): (Proc & { tag: string })[] {
  const wanted = new Set([...tags].map((tag) => `AGENT_RUN_TAG=${tag}`));
  const found: (Proc & { tag: string })[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue;
    }
    const entry = environ.split('\0').find((variable) => wanted.has(variable));
    if (entry === undefined) continue;
    const proc = readProc(Number(name));
    if (proc && !isZombie(proc)) found.push({ ...proc, tag: entry.slice('AGENT_RUN_TAG='.length) });
  }
  return found;
}

/** True while the process that had this pid and start time is still running (zombies count as gone). */
function stillRunning(pid: number, startTime: number): boolean {
  const proc = readProc(pid);
  return proc !== undefined && proc.startTime === startTime && !isZombie(proc);
}

/** Polls until nothing carries the tag; returns how long that took. Fails after timeoutMs. */
async function msUntilNoTaggedProcess(tag: string, timeoutMs = 3_000): Promise<number> {
  const began = Date.now();
  for (;;) {
    const left = taggedProcesses([tag]);
    if (left.length === 0) return Date.now() - began;
    if (Date.now() - began > timeoutMs) {
      throw new Error(`processes tagged ${tag} still running after ${timeoutMs} ms: ${JSON.stringify(left)}`);
    }
    await sleep(20);
  }
}

/** Every agent this file creates; afterAll kills whatever still carries one of their tags. */
const allTags = new Set<string>();

/** The agent's uuid (its AGENT_RUN_TAG) from its Relay global id. */
function agentUuid(globalId: string): string {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  expect(decoded).toMatch(/^Agent:[0-9a-f-]{36}$/);
  const uuid = decoded.slice('Agent:'.length);
  allTags.add(uuid);
  return uuid;
}

afterAll(async () => {
  // Runs after every describe's own afterAll has stopped its server: nothing may be left.
  const leftovers = taggedProcesses(allTags);
  for (const proc of leftovers) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (leftovers.length > 0) throw new Error(`agent processes outlived their servers: ${JSON.stringify(leftovers)}`);
});

// ---------------------------------------------------------------------------------------------
// GraphQL helpers.

const INCIDENTS = /* GraphQL */ `
  query Incidents($agentId: ID!) {
    incidents(filter: { agentId: $agentId }, first: 100) {
      edges { node { type severity message recoveryAction createdAt task { id } } }
    }
  }
`;

interface StatusEvent {
  seq: number;
  from: string | null;
  to: string;
  reason: string;
  createdAt: string;
}

async function agentState(t: TestApp, id: string): Promise<{ status: string; pid: number | null; cliSessionId: string; lastError: string | null; statusHistory: StatusEvent[] }> {
  const data = await t.ok(AGENT_STATE, { id });
  expect(data.agent.__typename).toBe('Agent');
  return data.agent;
}

async function incidentsOf(t: TestApp, agentId: string): Promise<{ type: string; severity: string; message: string; recoveryAction: string | null; createdAt: string; task: { id: string } | null }[]> {
  const data = await t.ok(INCIDENTS, { agentId });
  return data.incidents.edges.map((edge: any) => edge.node);
}

async function terminate(t: TestApp, id: string): Promise<{ status: string; pid: number | null }> {
  const data = await t.ok(TERMINATE_AGENT, { id });
  expect(data.terminateAgent.__typename).toBe('TerminateAgentSuccess');
  return data.terminateAgent.agent;
}

async function taskEvents(t: TestApp, taskId: string): Promise<{ seq: number; kind: string; payload: any }[]> {
  const { task } = await t.ok(TASK, { id: taskId });
  return task.events;
}

const payloadBytes = (payload: unknown): number => Buffer.byteLength(JSON.stringify(payload));

// ---------------------------------------------------------------------------------------------

describe.each([
  // With the PID-namespace wrapper (where the kernel allows it), the kernel also ends the tree
  // when the agent dies; without it only the server's group + tag walk reaches the escapee.
  { isolation: 'auto' },
  { isolation: 'none' },
])('a process tree with a setsid grandchild (AGENT_ISOLATION=$isolation)', ({ isolation }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ environment: { AGENT_ISOLATION: isolation }, agentEnvironment: API_KEY });
  });
  afterAll(() => t?.stop());

  it('terminateAgent kills the whole tree: nothing tagged with the agent remains, both sleepers are gone', async () => {
    const sessionId = await createSession(t, 'tree');
    const agent = await createAgent(t, sessionId, { name: 'tree' });
    const tag = agentUuid(agent.id);

    const task = await createTask(t, { sessionId, title: 'GRANDCHILD start two sleepers', agentId: agent.id });
    const ended = await waitForTaskEnd(t, task.id);
    expect(ended.status).toBe('SUCCEEDED');
    const toolResult = ended.events.find((event: any) => event.kind === 'TOOL_RESULT');
    expect(toolResult).toBeDefined();
    const reported = (JSON.parse(String(toolResult.payload.content)) as { pids: [number, number] }).pids;
    expect(reported).toHaveLength(2);

    // The reported pids are the CLI's view (inside its PID namespace when isolated): find the
    // processes they name among those carrying the agent's tag.
    const tagged = taggedProcesses([tag]);
    const byInnerPid = (pid: number) => tagged.find((proc) => proc.nsPids.at(-1) === pid);
    const inGroup = byInnerPid(reported[0]);
    const escapee = byInnerPid(reported[1]);
    expect(inGroup, `in-group sleeper ${reported[0]} among ${JSON.stringify(tagged)}`).toBeDefined();
    expect(escapee, `escaped sleeper ${reported[1]} among ${JSON.stringify(tagged)}`).toBeDefined();
    // The turn is over, but both sleepers still run: one in the agent's group, one in a session of its own.
    expect(inGroup!.pgid).toBe(agent.pid);
    expect(escapee!.pgid).not.toBe(agent.pid);
    expect(escapee!.sid).toBe(escapee!.pid);
    expect(stillRunning(inGroup!.pid, inGroup!.startTime)).toBe(true);
    expect(stillRunning(escapee!.pid, escapee!.startTime)).toBe(true);

    const began = Date.now();
    const after = await terminate(t, agent.id);
    const terminateMs = Date.now() - began;
    expect(after).toMatchObject({ status: 'TERMINATED', pid: null });
    const settleMs = await msUntilNoTaggedProcess(tag, 2_000);
    expect(stillRunning(inGroup!.pid, inGroup!.startTime)).toBe(false);
    expect(stillRunning(escapee!.pid, escapee!.startTime)).toBe(false);
    expect((await agentState(t, agent.id)).status).toBe('TERMINATED');
    console.info(`[tree kill, isolation=${isolation}] terminateAgent took ${terminateMs} ms; no tagged process ${settleMs} ms after it returned`);
  });
});

describe('faults on the fake CLI', () => {
  const GRACE_MS = 500;
  let t: TestApp;
  let scratch: string;
  let argvFile: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'supervision-faults-'));
    argvFile = path.join(scratch, 'argv.jsonl');
    t = await startTestApp({
      environment: { CLAUDE_STOP_GRACE_MS: String(GRACE_MS), CLAUDE_RESTART_BACKOFF_MS: '100' },
      agentEnvironment: { ...API_KEY, FAKE_CLAUDE_ARGV_FILE: argvFile },
    });
  });
  afterAll(async () => {
    await t?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('an agent that ignores SIGTERM is SIGKILLed at the end of the ladder when terminated', async () => {
    const sessionId = await createSession(t, 'deaf');
    const agent = await createAgent(t, sessionId, { name: 'deaf' });
    const tag = agentUuid(agent.id);
    const task = await createTask(t, { sessionId, title: 'IGNORE_SIGTERM HANG', agentId: agent.id });
    // AGENT_STARTED comes from the init line; the CLI arms IGNORE_SIGTERM one step later.
    await waitFor(async () => ((await taskEvents(t, task.id)).some((e) => e.kind === 'AGENT_STARTED') ? true : undefined), 10_000, 'AGENT_STARTED');
    await sleep(200);
    expect(taggedProcesses([tag]).length).toBeGreaterThan(0);

    const began = Date.now();
    const after = await terminate(t, agent.id);
    const ladderMs = Date.now() - began;
    expect(after).toMatchObject({ status: 'TERMINATED', pid: null });
    // close, SIGINT and SIGTERM each wait the grace period in vain; SIGKILL then ends it.
    expect(ladderMs).toBeGreaterThanOrEqual(3 * GRACE_MS - 20);
    expect(ladderMs).toBeLessThan(3 * GRACE_MS + 3_000);
    await msUntilNoTaggedProcess(tag, 2_000);
    expect(() => process.kill(agent.pid, 0)).toThrow();

    const ended = await waitForTaskEnd(t, task.id, 5_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('AGENT_TERMINATED');
    expect(ended.error.message).toBe('terminated by request (stopped at SIGKILL)');
    console.info(`[SIGTERM ignored] terminateAgent returned after ${ladderMs} ms (grace ${GRACE_MS} ms: expected ~${3 * GRACE_MS} ms)`);
  });

  it('a crash mid-task is an AGENT_CRASH incident (HIGH); the agent comes back IDLE after the backoff and resumes its CLI session', async () => {
    const sessionId = await createSession(t, 'phoenix');
    const agent = await createAgent(t, sessionId, { name: 'phoenix' });
    const tag = agentUuid(agent.id);

    // A finished turn first, so that the session exists and the restart must resume it.
    const warm = await waitForTaskEnd(t, (await createTask(t, { sessionId, title: 'remember me', agentId: agent.id })).id);
    expect(warm.status).toBe('SUCCEEDED');
    expect(warm.events.find((e: any) => e.kind === 'AGENT_STARTED').payload.sessionId).toBe(agent.cliSessionId);

    const crash = await waitForTaskEnd(t, (await createTask(t, { sessionId, title: 'CRASH now', agentId: agent.id })).id);
    expect(crash.status).toBe('FAILED');
    expect(crash.error.type).toBe('AGENT_EXITED');
    expect(crash.error.message).toContain('simulated crash');

    const back = await waitFor(async () => {
      const state = await agentState(t, agent.id);
      const restarted = state.statusHistory.some((e) => e.from === 'RESTARTING' && e.to === 'IDLE');
      return state.status === 'IDLE' && restarted ? state : undefined;
    }, 10_000, 'the agent to come back IDLE');
    const history = back.statusHistory;
    const error = history.findIndex((e) => e.to === 'ERROR');
    expect(history.slice(error).map((e) => [e.from, e.to])).toEqual([
      ['BUSY', 'ERROR'],
      ['ERROR', 'RESTARTING'],
      ['RESTARTING', 'IDLE'],
    ]);
    expect(history[error]!.reason).toContain('exited with code 3');
    const backoffMs = Date.parse(history[error + 1]!.createdAt) - Date.parse(history[error]!.createdAt);
    expect(backoffMs).toBeGreaterThanOrEqual(100);
    expect(backoffMs).toBeLessThan(2_000);
    expect(back.pid).toBeGreaterThan(0);
    expect(back.pid).not.toBe(agent.pid);

    const incidents = await incidentsOf(t, agent.id);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ type: 'AGENT_CRASH', severity: 'HIGH', task: { id: crash.id } });
    expect(incidents[0]!.recoveryAction).toMatch(/^restart in 100 ms/);

    const next = await waitForTaskEnd(t, (await createTask(t, { sessionId, title: 'are you back?', agentId: agent.id })).id);
    expect(next.status).toBe('SUCCEEDED');
    expect(next.events.find((e: any) => e.kind === 'AGENT_STARTED').payload.sessionId).toBe(agent.cliSessionId);

    // The CLI was started with the session id, then (after the crash) told to resume it.
    const launches = (await readFile(argvFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { argv: string[]; pid: number })
      .filter((launch) => launch.argv.some((arg) => arg.endsWith(`=${agent.cliSessionId}`)));
    expect(launches.map((launch) => launch.argv.find((arg) => arg.endsWith(`=${agent.cliSessionId}`)))).toEqual([
      `--session-id=${agent.cliSessionId}`,
      `--resume=${agent.cliSessionId}`,
    ]);
    expect(taggedProcesses([tag]).length).toBeGreaterThan(0); // the restarted process runs
    console.info(`[crash mid-task] ERROR -> RESTARTING after ${backoffMs} ms (base 100 ms)`);
  });

  it('an agent over its memory limit is killed: the task fails with MEMORY_LIMIT and a RESOURCE_EXHAUSTION incident is recorded', async () => {
    const sessionId = await createSession(t, 'hog');
    const agent = await createAgent(t, sessionId, { name: 'hog', resourceLimits: { maxMemoryMb: 64 } });
    const tag = agentUuid(agent.id);
    const task = await createTask(t, { sessionId, title: 'MEMORY_HOG 200', agentId: agent.id });
    const began = Date.now();
    const ended = await waitForTaskEnd(t, task.id, 15_000);
    const tookMs = Date.now() - began;
    expect(ended.status).toBe('FAILED');
    expect(ended.error.type).toBe('MEMORY_LIMIT');
    expect(ended.error.message).toMatch(/^the process tree used \d+ MB, over its 64 MB limit/);
    await msUntilNoTaggedProcess(tag, 2_000);
    expect(() => process.kill(agent.pid, 0)).toThrow();

    const incidents = await incidentsOf(t, agent.id);
    expect(incidents).toEqual([expect.objectContaining({ type: 'RESOURCE_EXHAUSTION', severity: 'HIGH', task: { id: task.id } })]);
    expect(incidents[0]!.message).toMatch(/over its 64 MB limit/);
    // Stopped on purpose, not a crash: no AGENT_CRASH, and the agent is IDLE without a process.
    const after = await agentState(t, agent.id);
    expect(after).toMatchObject({ status: 'IDLE', pid: null });
    console.info(`[memory] MEMORY_HOG 200 with a 64 MB limit ended FAILED ${tookMs} ms after the task was created: ${ended.error.message}`);
  });
});

describe('output limits (CLAUDE_MAX_OUTPUT_BYTES=65536, CLAUDE_MAX_LINE_BYTES=1048576)', () => {
  const CAP = 65_536;
  const MAX_LINE = 1_048_576;
  let t: TestApp;
  let sessionId: string;
  let flooder: { id: string; pid: number };
  let flooderTag: string;
  beforeAll(async () => {
    t = await startTestApp({
      environment: { CLAUDE_MAX_OUTPUT_BYTES: String(CAP), CLAUDE_MAX_LINE_BYTES: String(MAX_LINE) },
      agentEnvironment: API_KEY,
    });
    sessionId = await createSession(t, 'flood');
    flooder = await createAgent(t, sessionId, { name: 'flooder' });
    flooderTag = agentUuid(flooder.id);
    // Warm the path up so that the RSS baselines below include what any task costs.
    expect((await waitForTaskEnd(t, (await createTask(t, { sessionId, title: 'FLOOD 20 warm up', agentId: flooder.id })).id)).status).toBe('SUCCEEDED');
  });
  afterAll(() => t?.stop());

  /** Samples this process's RSS (it hosts the server) until stopped; returns the peak growth. */
  function rssSampler() {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    return {
      stop(): { baselineMb: number; growthMb: number } {
        clearInterval(timer);
        peak = Math.max(peak, process.memoryUsage().rss);
        return { baselineMb: baseline / 1048576, growthMb: (peak - baseline) / 1048576 };
      },
    };
  }

  /** The transcript of a capped run: one marker with the byte count, and no more than the cap stored. */
  function expectCappedTranscript(events: { seq: number; kind: string; payload: any }[]) {
    const markers = events.filter((e) => e.kind === 'OUTPUT_TRUNCATED');
    expect(markers).toHaveLength(1);
    const marker = markers[0]!;
    expect(marker.payload).toEqual({ storedBytes: expect.any(Number), limitBytes: CAP });
    // What counts against the cap is what the agent said; the marker, result and status are bookkeeping.
    const said = events.filter((e) => !['OUTPUT_TRUNCATED', 'RESULT', 'STATUS'].includes(e.kind));
    const saidBytes = said.reduce((sum, e) => sum + payloadBytes(e.payload), 0);
    const largest = Math.max(...said.map((e) => payloadBytes(e.payload)));
    const allBytes = events.reduce((sum, e) => sum + payloadBytes(e.payload), 0);
    expect(saidBytes).toBeLessThanOrEqual(CAP);
    expect(marker.payload.storedBytes).toBe(saidBytes);
    expect(saidBytes).toBeGreaterThan(CAP - largest); // filled up to the cap, not cut early
    expect(allBytes).toBeLessThanOrEqual(CAP + largest); // everything, bookkeeping included: under the cap plus one event
    expect(said.every((e) => e.seq < marker.seq)).toBe(true); // nothing the agent said is stored after the marker
    return { marker, saidBytes, allBytes, events: said.length };
  }

  it('a FLOOD of ~100 MB is cut at the cap: OUTPUT_LIMIT, a truncation marker with the byte count; the interrupt is enough, the process stays', async () => {
    const task = await createTask(t, { sessionId, title: 'FLOOD 100000', agentId: flooder.id });
    const ended = await waitForTaskEnd(t, task.id, 30_000);
    expect(ended.status).toBe('FAILED');
    expect(ended.error).toEqual({ type: 'OUTPUT_LIMIT', message: `the run wrote more than its ${CAP}-byte output limit` });
    const stored = expectCappedTranscript(ended.events);
    const result = ended.events.find((e: any) => e.kind === 'RESULT');
    expect(result.seq).toBeGreaterThan(stored.marker.seq);
    expect(result.payload.droppedBytes).toBeGreaterThan(0);
    // The CLI honoured the interrupt: same process, agent IDLE, ready for the next task.
    expect(await agentState(t, flooder.id)).toMatchObject({ status: 'IDLE', pid: flooder.pid });
    console.info(`[flood] FLOOD 100000: stored ${stored.saidBytes} B in ${stored.events} events (all events ${stored.allBytes} B), dropped ${result.payload.droppedBytes} B before the interrupt landed`);
  });

  it('a runaway flood (deaf to the interrupt, ignoring SIGTERM) pours tens of MB through the server: RSS stays bounded and another agent completes a task meanwhile', async () => {
    const steady = await createAgent(t, sessionId, { name: 'steady' });
    agentUuid(steady.id);
    const cli = taggedProcesses([flooderTag]).find((proc) => proc.comm === 'node');
    expect(cli, 'the flooder CLI process').toBeDefined();
    let written = 0;
    const io = setInterval(() => {
      try {
        written = Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${cli!.pid}/io`, 'latin1'))![1]);
      } catch {
        // gone
      }
    }, 10);
    const writtenBefore = written;

    const rss = rssSampler();
    const began = Date.now();
    // ~400 MB offered: more than any reader gets through before the ladder's SIGKILL (3 x 500 ms
    // grace after the cap), so the turn cannot finish first.
    const flood = await createTask(t, { sessionId, title: 'FLOOD 300000 DEAF IGNORE_SIGTERM', agentId: flooder.id });
    await waitFor(async () => ((await taskEvents(t, flood.id)).some((e) => e.kind === 'OUTPUT_TRUNCATED') ? true : undefined), 20_000, 'the cap');
    const cappedAt = Date.now();

    const steadyTask = await createTask(t, { sessionId, title: 'USE_TOOL steady work', agentId: steady.id });
    const live = collect(t.wsClient(), TASK_EVENTS, { taskId: steadyTask.id, afterSeq: 0 });
    const liveEvents = await live.done;
    const steadyDoneAt = Date.now();
    const { task: floodMeanwhile } = await t.ok(TASK, { id: flood.id });
    const writtenMeanwhile = written;
    const floodEnded = await waitForTaskEnd(t, flood.id, 30_000);
    const floodEndedAt = Date.now();
    const { baselineMb, growthMb } = rss.stop();
    clearInterval(io);
    const pouredMb = (written - writtenBefore) / 1048576;

    expect(floodEnded.status).toBe('FAILED');
    expect(floodEnded.error).toEqual({ type: 'OUTPUT_LIMIT', message: `the run wrote more than its ${CAP}-byte output limit (stopped at SIGKILL)` });
    const stored = expectCappedTranscript(floodEnded.events);
    await msUntilNoTaggedProcess(flooderTag, 2_000);

    // Tens of MB went through the pipe while the server held only its cap: holding the flood
    // would cost at least what was poured (as bytes, more as strings and parsed lines).
    expect(pouredMb).toBeGreaterThan(10);
    expect(growthMb).toBeLessThan(Math.min(40, pouredMb / 2));

    // The other agent's task started after the cap and finished while the flood still ran.
    const steadyEnded = await waitForTaskEnd(t, steadyTask.id, 5_000);
    expect(steadyEnded.status).toBe('SUCCEEDED');
    expect(steadyEnded.result).toContain('hello-from-tool');
    expect(floodMeanwhile.status).toBe('RUNNING');
    expect(writtenMeanwhile).toBeLessThan(written); // ...and still writing
    const steadyKinds = steadyEnded.events.map((e: any) => e.kind);
    expect(steadyKinds).toEqual(expect.arrayContaining(['AGENT_STARTED', 'TOOL_CALL', 'TOOL_RESULT', 'MESSAGE', 'RESULT']));
    expect(liveEvents.map((value: any) => value.taskEvents.kind)).toEqual(steadyKinds);
    console.info(
      `[runaway flood] ${pouredMb.toFixed(1)} MB written by the CLI in ${floodEndedAt - began} ms (cap hit after ${cappedAt - began} ms); ` +
        `stored ${stored.saidBytes} B in ${stored.events} events; test-process RSS ${baselineMb.toFixed(0)} MB, peak growth ${growthMb.toFixed(1)} MB; ` +
        `other agent's task done ${steadyDoneAt - cappedAt} ms after the cap, ${floodEndedAt - steadyDoneAt} ms before the flood was killed`,
    );
  });

  it('a 10 MB line without a newline is not stored whole: a RAW oversized_line event carries its size and the turn completes', async () => {
    const BYTES = 10 * 1024 * 1024;
    const sessionId = await createSession(t, 'bigline');
    const agent = await createAgent(t, sessionId, { name: 'bigline' });
    agentUuid(agent.id);
    const rss = rssSampler();
    const ended = await waitForTaskEnd(t, (await createTask(t, { sessionId, title: `BIGLINE ${BYTES} then answer`, agentId: agent.id })).id);
    const { growthMb } = rss.stop();
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.result).toContain('BIGLINE');
    const oversized = ended.events.filter((e: any) => e.kind === 'RAW' && e.payload.type === 'oversized_line');
    expect(oversized).toHaveLength(1);
    expect(oversized[0].payload.line.bytes).toBe(BYTES);
    expect(oversized[0].payload.line.head).toMatch(/^\{"type":"assistant","padding":"x+$/);
    expect(oversized[0].payload.line.head.length).toBeLessThanOrEqual(200);
    for (const event of ended.events) expect(payloadBytes(event.payload)).toBeLessThan(MAX_LINE);
    // Holding the line whole (bytes, then a string, then a parse) would cost tens of MB.
    expect(growthMb).toBeLessThan(8);
    console.info(`[bigline] 10 MB line -> oversized_line of ${oversized[0].payload.line.bytes} B; RSS peak growth ${growthMb.toFixed(1)} MB`);
  });
});

describe('a crash loop (a CLI that exits 1 at every start)', () => {
  let t: TestApp;
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'crash-loop-'));
    const cli = path.join(scratch, 'claude');
    await writeFile(cli, [
      '#!/bin/sh',
      'if [ "$1" = "--version" ]; then echo "2.1.332 (Claude Code)"; exit 0; fi',
      'echo "boom: simulated startup failure" >&2',
      'exit 1',
      '',
    ].join('\n'));
    await chmod(cli, 0o755);
    t = await startTestApp({
      cliPath: cli,
      environment: { CLAUDE_RESTART_BACKOFF_MS: '100', CLAUDE_CRASH_LIMIT: '4', CLAUDE_CRASH_WINDOW_SECONDS: '60' },
      agentEnvironment: API_KEY,
    });
  });
  afterAll(async () => {
    await t?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** Waits for the agent to be FAILED with `failures` breaker trips in its history. */
  async function waitForBreaker(id: string, failures: number) {
    return waitFor(async () => {
      const state = await agentState(t, id);
      return state.status === 'FAILED' && state.statusHistory.filter((e) => e.to === 'FAILED').length === failures ? state : undefined;
    }, 15_000, `breaker trip ${failures}`);
  }

  /** For each automatic restart in history[from..]: how long after its ERROR it came. */
  function restartsIn(history: StatusEvent[]) {
    const restarting = history.filter((e) => e.to === 'RESTARTING' && e.from === 'ERROR');
    const backoffs = restarting.map((e) => {
      const error = history.find((x) => x.seq === e.seq - 1)!;
      expect(error.to).toBe('ERROR');
      return Date.parse(e.createdAt) - Date.parse(error.createdAt);
    });
    const gaps = restarting.slice(1).map((e, i) => Date.parse(e.createdAt) - Date.parse(restarting[i]!.createdAt));
    return { backoffs, gaps };
  }

  function expectExponential(backoffs: number[], gaps: number[]) {
    expect(backoffs).toHaveLength(3);
    [100, 200, 400].forEach((base, i) => {
      expect(backoffs[i]).toBeGreaterThanOrEqual(base);
      expect(backoffs[i]).toBeLessThan(base + 1_000);
    });
    expect(backoffs[1]).toBeGreaterThan(backoffs[0]!);
    expect(backoffs[2]).toBeGreaterThan(backoffs[1]!);
    // Between two restarts: the next backoff plus a start and a crash (noisy under load, so
    // only bounded below here; the backoffs above are the precise measure).
    expect(gaps).toHaveLength(2);
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThanOrEqual(400);
  }

  it('restarts with exponential backoff, then the breaker holds it FAILED (CRITICAL); restartAgent clears the record and it loops again', async () => {
    const sessionId = await createSession(t, 'crashloop');
    const created = await t.ok(
      `mutation($input: CreateAgentInput!) { createAgent(input: $input) { __typename ... on CreateAgentSuccess { agent { id status } } ... on Error { message } } }`,
      { input: { sessionId, name: 'crashloop', role: 'WORKER' } },
    );
    expect(created.createAgent.__typename).toBe('CreateAgentSuccess');
    const agent = created.createAgent.agent;
    const tag = agentUuid(agent.id);
    // The process starts (so createAgent succeeds), then exits at once: ERROR follows.
    expect(['IDLE', 'ERROR']).toContain(agent.status);

    const failed = await waitForBreaker(agent.id, 1);
    const history = failed.statusHistory;
    const firstError = history.findIndex((e) => e.to === 'ERROR');
    expect(history.slice(firstError).map((e) => e.to)).toEqual([
      'ERROR', 'RESTARTING', 'IDLE',
      'ERROR', 'RESTARTING', 'IDLE',
      'ERROR', 'RESTARTING', 'IDLE',
      'ERROR', 'FAILED',
    ]);
    expect(failed.lastError).toMatch(/exited with code 1: boom: simulated startup failure/);
    expect(history.at(-1)!.reason).toBe('crashed 4 times within 60 s');
    const first = restartsIn(history);
    expectExponential(first.backoffs, first.gaps);

    const incidents = await incidentsOf(t, agent.id);
    expect(incidents.every((i) => i.type === 'AGENT_CRASH')).toBe(true);
    expect(incidents.filter((i) => i.severity === 'CRITICAL')).toHaveLength(1);
    // No task was running: the restartable crashes are MEDIUM, each with its own delay.
    expect(incidents.filter((i) => i.severity === 'MEDIUM').map((i) => /^restart in (\d+) ms/.exec(i.recoveryAction ?? '')?.[1]).sort())
      .toEqual(['100', '200', '400']);
    expect(incidents.find((i) => i.severity === 'CRITICAL')!.recoveryAction).toMatch(/stays FAILED until restarted/);

    // Held FAILED: no restart comes on its own.
    await sleep(1_000);
    const held = await agentState(t, agent.id);
    expect(held.status).toBe('FAILED');
    expect(held.statusHistory).toHaveLength(history.length);

    const restarted = await t.ok(`mutation($id: ID!) { restartAgent(id: $id) { __typename ... on Error { message } } }`, { id: agent.id });
    expect(restarted.restartAgent.__typename).toBe('RestartAgentSuccess');
    const again = await waitForBreaker(agent.id, 2);
    const second = again.statusHistory.slice(history.length);
    expect(second[0]).toMatchObject({ from: 'FAILED', to: 'RESTARTING', reason: 'restarted by request' });
    // A cleared record: four more crashes, not one, before the breaker opens again.
    expect(second.map((e) => e.to)).toEqual([
      'RESTARTING', 'IDLE',
      'ERROR', 'RESTARTING', 'IDLE',
      'ERROR', 'RESTARTING', 'IDLE',
      'ERROR', 'RESTARTING', 'IDLE',
      'ERROR', 'FAILED',
    ]);
    const loop = restartsIn(second);
    expectExponential(loop.backoffs, loop.gaps);
    expect((await incidentsOf(t, agent.id)).filter((i) => i.severity === 'CRITICAL')).toHaveLength(2);
    await msUntilNoTaggedProcess(tag, 2_000);
    console.info(`[crash loop] createAgent answered ${agent.status}; backoffs ${first.backoffs.join(', ')} ms, gaps between RESTARTING ${first.gaps.join(', ')} ms; after restartAgent: backoffs ${loop.backoffs.join(', ')} ms, gaps ${loop.gaps.join(', ')} ms`);
  });
});
