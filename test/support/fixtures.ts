import { expect } from 'vitest';
import { CREATE_AGENT, CREATE_SESSION, CREATE_TASK, TASK } from './operations.js';
import { waitFor, type TestApp } from './test-app.js';

export async function createSession(t: TestApp, name = 'work'): Promise<string> {
  const data = await t.ok(CREATE_SESSION, { input: { name } });
  expect(data.createSession.__typename).toBe('CreateSessionSuccess');
  return data.createSession.session.id;
}

export async function createAgent(t: TestApp, sessionId: string, input: Record<string, unknown> = {}): Promise<any> {
  const data = await t.ok(CREATE_AGENT, { input: { sessionId, name: 'worker-1', role: 'WORKER', ...input } });
  expect(data.createAgent).toMatchObject({ __typename: 'CreateAgentSuccess' });
  return data.createAgent.agent;
}

export async function createTask(t: TestApp, input: Record<string, unknown>): Promise<any> {
  const data = await t.ok(CREATE_TASK, { input });
  expect(data.createTask).toMatchObject({ __typename: 'CreateTaskSuccess' });
  return data.createTask.task;
}

/** Waits until the task is SUCCEEDED, FAILED or CANCELLED and returns it with its events. */
export async function waitForTaskEnd(t: TestApp, taskId: string, timeoutMs = 30_000): Promise<any> {
  return waitFor(async () => {
    const { task } = await t.ok(TASK, { id: taskId });
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(task.status) ? task : undefined;
  }, timeoutMs, `task ${taskId} to end`);
}
