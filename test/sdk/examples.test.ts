/**
 * The SDK's example scripts as a user runs them (`node --import tsx examples/...`, the API URL in
 * ACP_URL) against a real server with the fake agent CLI: ci-task exits 0 with the result when
 * its task succeeds and 1 with the reason when it fails (2 when the request is refused), and
 * follow-workflow prints the workflow's transcript, messages and subtasks until the root task ends.
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const PLAN = JSON.stringify({
  plan: {
    summary: 'Two parts, the second after the first.',
    subtasks: [
      { key: 'a', title: 'Part A', instructions: 'Write part A.', role: 'WORKER', dependsOn: [] },
      { key: 'b', title: 'Part B', instructions: 'Write part B.', role: 'WORKER', dependsOn: ['a'] },
    ],
  },
});

describe('the example scripts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { SCHEDULER_INTERVAL_MS: '200' } });
  });

  afterAll(async () => {
    await t?.stop();
  });

  function runExample(script: string, args: string[]) {
    return execa('node', ['--import', 'tsx', `examples/${script}`, ...args], {
      cwd: ROOT,
      env: { ACP_URL: t.url },
      reject: false,
      timeout: 60_000,
    });
  }

  it('ci-task exits 0 and prints the result when the task succeeds', async () => {
    const run = await runExample('ci-task.ts', ['say', 'hello']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^task \S+ (QUEUED|RUNNING)$/m);
    expect(run.stdout).toMatch(/#\d+ STATUS RUNNING -> SUCCEEDED/);
    expect(run.stdout).toMatch(/SUCCEEDED after 1 attempt\(s\)[\s\S]*say hello/);
  });

  it('ci-task exits 1 with the reason when the task fails, and 2 when the request is refused', async () => {
    const failing = await runExample('ci-task.ts', ['FAIL_400', 'a request the API rejects']);
    expect(failing.exitCode, failing.stdout).toBe(1);
    expect(failing.stderr).toMatch(/^FAILED: INVALID_REQUEST: .+/m);

    const refused = await runExample('ci-task.ts', ['--session', 'not-a-session', 'anything']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/refused: INVALID_INPUT: sessionId/);
  });

  it('follow-workflow prints the workflow as it runs and exits 0 when the root task succeeds', async () => {
    const description = `Write a note in two parts.\n\n\`\`\`fake-plan\n${PLAN}\n\`\`\``;
    const run = await runExample('follow-workflow.ts', ['--title', 'A two-part note', description]);
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^workflow \S+ "A two-part note" started; manager \S+/);
    expect(run.stdout).toMatch(/\[message\] TASK_ASSIGNMENT system -> \S+ \(A two-part note\)/);
    expect(run.stdout).toMatch(/\[message\] PLAN \S+ -> system \(A two-part note\)/);
    expect(run.stdout).toMatch(/\[message\] TASK_RESULT \S+ -> \S+ \(Part B\)/);
    expect(run.stdout).toMatch(/\[subtask\] "Part A" SUCCEEDED/);
    expect(run.stdout).toMatch(/\[subtask\] "Part B" SUCCEEDED/);
    expect(run.stdout).toMatch(/\[root\] #\d+ STATUS \S+ -> SUCCEEDED/);
    // The root's transcript comes in seq order.
    const seqs = lines.flatMap((line) => /^\[root\] #(\d+)/.exec(line)?.[1] ?? []).map(Number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(run.stdout).toMatch(/\nSUCCEEDED \(\$[\d.]+\)\n/);
  });
});
