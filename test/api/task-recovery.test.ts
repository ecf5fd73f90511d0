/**
 * Recovering work: retrying a workflow resumes it where it stopped; a retry that cannot run is
 * refused; tasks tied to an agent that is gone go back to the queue, and a workflow whose manager
 * is gone gets another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask, waitForTaskEnd } from '../support/fixtures.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

const START = `mutation($input: StartWorkflowInput!) { startWorkflow(input: $input) { __typename ... on StartWorkflowSuccess { task { id } } ... on Error { message } } }`;
const WORKFLOW = `query($id: ID!) { task(id: $id) { ... on Task { id status result agent { id }
  workflow { phase rejectedPlans manager { id name status } } subtasks { id title status attempts } } } }`;
const RETRY = `mutation($id: ID!) { retryTask(id: $id) { __typename ... on RetryTaskSuccess { task { status } } ... on Error { code message } ... on ConflictError { field } } }`;
const CANCEL = `mutation($id: ID!) { cancelTask(id: $id) { __typename } }`;
const TERMINATE = `mutation($id: ID!) { terminateAgent(id: $id) { __typename } }`;

const scripted = (plan: object) => '```fake-plan\n' + JSON.stringify(plan) + '\n```';
const TWO_PARTS = { plan: { summary: 's', subtasks: [
  { key: 'slow', title: 'Slow part', instructions: 'SLEEP 1500 the slow part', dependsOn: [] },
  { key: 'next', title: 'Next part', instructions: 'after the slow part', dependsOn: ['slow'] },
] } };

describe('recovering tasks and workflows', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ agentEnvironment: { ANTHROPIC_API_KEY: 'k' }, environment: { CLAUDE_MAX_AGENTS: '20', SCHEDULER_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const workflow = async (id: string) => (await t.ok(WORKFLOW, { id })).task;

  it('retrying a cancelled workflow runs its cancelled subtasks again and then answers', async () => {
    const sessionId = await createSession(t, 'retry-workflow');
    const started = await t.ok(START, { input: { sessionId, title: 'Resumable', description: `Two parts.\n\n${scripted(TWO_PARTS)}`, maxWorkers: 1 } });
    const rootId = started.startWorkflow.task.id;
    await waitFor(async () => ((await workflow(rootId)).subtasks[0]?.status === 'RUNNING' ? true : undefined));
    await t.ok(CANCEL, { id: rootId });
    expect((await workflow(rootId)).subtasks.map((s: any) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);

    const retried = await t.ok(RETRY, { id: rootId });
    expect(retried.retryTask).toEqual({ __typename: 'RetryTaskSuccess', task: { status: 'PENDING' } });
    const root = await waitForTaskEnd(t, rootId, 60_000);
    expect(root.status).toBe('SUCCEEDED');
    const done = await workflow(rootId);
    expect(done.subtasks.map((s: any) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(done.result).toMatch(/Every subtask of "Resumable" has ended/);
    expect(done.workflow.phase).toBe('DONE');
  });

  it('retrying a workflow that failed before it had a plan plans again, with a correction allowed again', async () => {
    const sessionId = await createSession(t, 'retry-planning');
    const bad = '```fake-plan\nnot json\n```';
    // The manager answers these in order: two bad plans, then (after the retry) a good one.
    const started = await t.ok(START, { input: { sessionId, title: 'Replanned', description: `Plan it.\n\n${bad}\n${bad}\n${scripted(TWO_PARTS)}` } });
    const rootId = started.startWorkflow.task.id;
    expect((await waitForTaskEnd(t, rootId)).error.type).toBe('INVALID_PLAN');
    const retried = await t.ok(RETRY, { id: rootId });
    expect(retried.retryTask.__typename).toBe('RetryTaskSuccess');
    const root = await waitForTaskEnd(t, rootId, 60_000);
    expect(root.status).toBe('SUCCEEDED');
    const done = await workflow(rootId);
    expect(done.workflow.rejectedPlans).toBe(0);
    expect(done.subtasks.map((s: any) => [s.title, s.status])).toEqual([['Slow part', 'SUCCEEDED'], ['Next part', 'SUCCEEDED']]);
  });

  it('refuses to retry a task whose dependency has failed, naming the dependency', async () => {
    const sessionId = await createSession(t, 'retry-dependent');
    await createAgent(t, sessionId, { name: 'dep-worker' });
    const first = await createTask(t, { sessionId, title: 'FAIL_400 the first step' });
    const second = await createTask(t, { sessionId, title: 'the second step', dependsOn: [first.id] });
    expect((await waitForTaskEnd(t, second.id)).error.type).toBe('DEPENDENCY_FAILED');
    const refused = await t.ok(RETRY, { id: second.id });
    expect(refused.retryTask).toMatchObject({ __typename: 'ConflictError', field: 'id', message: expect.stringMatching(/dependency "FAIL_400 the first step" is FAILED; retry that one first/) });
  });

  it('tasks waiting for an agent that is terminated go back to the queue and another agent takes them', async () => {
    const sessionId = await createSession(t, 'released');
    const busy = await createAgent(t, sessionId, { name: 'soon-gone' });
    const running = await createTask(t, { sessionId, title: 'SLEEP 2000 long', agentId: busy.id, maxAttempts: 3 });
    const waiting = await createTask(t, { sessionId, title: 'waits for soon-gone', agentId: busy.id });
    await waitFor(async () => ((await t.ok(WORKFLOW, { id: running.id })).task.status === 'RUNNING' ? true : undefined));
    await t.ok(TERMINATE, { id: busy.id });
    const other = await createAgent(t, sessionId, { name: 'takes-over' });
    for (const id of [waiting.id, running.id]) {
      const done = await waitForTaskEnd(t, id);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.agent.id).toBe(other.id);
    }
  });

  it('a workflow whose manager is terminated gets another manager and finishes', async () => {
    const sessionId = await createSession(t, 'manager-gone');
    const started = await t.ok(START, { input: { sessionId, title: 'Orphaned', description: `Two parts.\n\n${scripted(TWO_PARTS)}`, maxWorkers: 1 } });
    const rootId = started.startWorkflow.task.id;
    const planned = await waitFor(async () => {
      const now = await workflow(rootId);
      return now.subtasks.length === 2 ? now : undefined;
    });
    await t.ok(TERMINATE, { id: planned.workflow.manager.id });
    const root = await waitForTaskEnd(t, rootId, 60_000);
    expect(root.status).toBe('SUCCEEDED');
    const done = await workflow(rootId);
    expect(done.workflow.manager.id).not.toBe(planned.workflow.manager.id);
    expect(done.workflow.manager.status).not.toBe('TERMINATED');
    expect(done.agent.id).toBe(done.workflow.manager.id);
  });
});
