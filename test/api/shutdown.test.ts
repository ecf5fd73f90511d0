/**
 * Stopping the server while an agent's turn hangs: the stop ladder ends the process, the run is
 * interrupted, and the server finishes stopping (its database closed cleanly enough to start on
 * again), instead of waiting forever on work that was still using the database.
 */
import { describe, expect, it } from 'vitest';
import { createAgent, createSession, createTask } from '../support/fixtures.js';
import { startTestApp, waitFor } from '../support/test-app.js';
import { createDurableTestDatabase } from '../support/test-database.js';

describe('stopping the server', () => {
  it('with a hung turn running: it stops, and the next start finds the task ended as INTERRUPTED', async () => {
    const database = await createDurableTestDatabase();
    const agentEnvironment = { ANTHROPIC_API_KEY: 'test-key' };
    const first = await startTestApp({ database, agentEnvironment });
    const sessionId = await createSession(first, 'stopping');
    const agent = await createAgent(first, sessionId);
    const task = await createTask(first, { sessionId, agentId: agent.id, title: 'HANG' });
    await waitFor(async () => ((await first.ok(`{ node(id: "${task.id}") { ... on Task { status } } }`)).node.status === 'RUNNING' ? true : undefined));

    const stopped = await Promise.race([
      first.stop({ keepDatabase: true }).then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still stopping after 20 s'), 20_000)),
    ]);
    expect(stopped).toBe('stopped');

    const second = await startTestApp({ database, agentEnvironment });
    try {
      // One attempt allowed: the interrupted run ends the task, saying why.
      const { node } = await second.ok(`{ node(id: "${task.id}") { ... on Task { status error { type message } } } }`);
      expect(node).toEqual({ status: 'FAILED', error: { type: 'INTERRUPTED', message: expect.stringContaining('server_shutdown') } });
    } finally {
      await second.stop();
    }
  }, 90_000);
});
