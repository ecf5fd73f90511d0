/**
 * One workflow with the real, pinned `claude` binary for the manager and the workers, against
 * the loopback Messages API mock: plan, two dependent subtasks, final answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, waitForTaskEnd } from '../support/fixtures.js';
import { startRealClaudeTestApp, type RealClaudeTestApp } from '../support/real-claude-app.js';

const PLAN = JSON.stringify({
  plan: {
    summary: 'Gather, then write.',
    subtasks: [
      { key: 'gather', title: 'Gather the facts', instructions: 'List three facts about otters.', role: 'WORKER', dependsOn: [] },
      { key: 'write', title: 'Write the summary', instructions: 'Summarise the facts in one sentence.', role: 'WORKER', dependsOn: ['gather'] },
    ],
  },
});

describe('a workflow on the real claude binary', () => {
  let t: RealClaudeTestApp;

  beforeAll(async () => {
    t = await startRealClaudeTestApp();
  });
  afterAll(() => t?.stop());

  it('plans, runs the subtasks on workers in dependency order, and answers', async () => {
    const sessionId = await createSession(t, 'claude-workflow');
    const started = await t.ok(
      `mutation($input: StartWorkflowInput!) { startWorkflow(input: $input) { __typename ... on StartWorkflowSuccess { task { id } } ... on Error { message } } }`,
      { input: { sessionId, title: 'Otter summary', description: 'Write a one-sentence summary about otters.\n\n```fake-plan\n' + PLAN + '\n```', maxWorkers: 2 } },
    );
    expect(started.startWorkflow.__typename).toBe('StartWorkflowSuccess');
    const rootId = started.startWorkflow.task.id;

    const root = await waitForTaskEnd(t, rootId, 120_000);
    expect(root.status).toBe('SUCCEEDED');
    expect(root.costUsd).toBeGreaterThan(0);
    const { task } = await t.ok(
      `query($id: ID!) { task(id: $id) { ... on Task { result workflow { phase plan } subtasks { title status result costUsd agent { role } startedAt finishedAt } } } }`,
      { id: rootId },
    );
    expect(task.workflow.phase).toBe('DONE');
    const [gather, write] = task.subtasks;
    expect(gather).toMatchObject({ title: 'Gather the facts', status: 'SUCCEEDED', agent: { role: 'WORKER' } });
    expect(write).toMatchObject({ title: 'Write the summary', status: 'SUCCEEDED', agent: { role: 'WORKER' } });
    expect(Date.parse(write.startedAt)).toBeGreaterThanOrEqual(Date.parse(gather.finishedAt));
    for (const subtask of task.subtasks) expect(subtask.costUsd).toBeGreaterThan(0);
    // The mock echoes the start of each prompt: the manager's last turn was given the results.
    expect(task.result).toMatch(/^Hello! You said: Every subtask of "Otter summary" has ended/);
    expect(write.result).toMatch(/^Hello! You said: Write the summary/);

    // The real CLI sent the planning protocol, the worker instructions and the synthesis request to the API.
    const prompts = t.api.requests.map((r) => JSON.stringify(r.body));
    expect(prompts.some((p) => p.includes('## How to answer'))).toBe(true);
    expect(prompts.some((p) => p.includes('List three facts about otters.'))).toBe(true);
    expect(prompts.some((p) => p.includes('Results of the subtasks this one depends on'))).toBe(true);
  });
});
