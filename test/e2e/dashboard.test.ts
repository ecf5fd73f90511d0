/**
 * The dashboard end to end, in Debian's Chromium (playwright-core) against a real server with the
 * fake agent: create agents, start a workflow and watch its canvas reach completion live, open a
 * transcript, cancel a task, send a message, and follow a transcript through a restart of the
 * server without losing or repeating an event. Screenshots go to test-results/e2e/.
 *
 * Skipped on a machine without Chromium; .ci/run installs it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../server/auth/token-secret.js';
import { insertApiToken } from '../../server/db/repositories/api-token.repository.js';
import { newId } from '../../server/ids.js';
import { createAgent, createSession, createTask } from '../support/fixtures.js';
import { findChromium, launchChromium, screenshotPath } from '../support/browser.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';
import { createDurableTestDatabase, type TestDatabase } from '../support/test-database.js';

const chromium = findChromium();
const UI_TIMEOUT_MS = 30_000;

const PLAN = JSON.stringify({
  plan: {
    summary: 'Two parts in parallel, then one that builds on the first.',
    subtasks: [
      { key: 'a', title: 'Part A', instructions: 'SLEEP 1500 Write part A.', role: 'WORKER', dependsOn: [] },
      { key: 'b', title: 'Part B', instructions: 'SLEEP 1500 Write part B.', role: 'WORKER', dependsOn: [] },
      { key: 'c', title: 'Part C', instructions: 'Build on part A.', role: 'WORKER', dependsOn: ['a'] },
    ],
  },
});

const TASK_SEQS = `query($id: ID!) { task(id: $id) { ... on Task { status lastEventSeq events(first: 1000) { seq } } } }`;

describe.skipIf(!chromium)('the dashboard in Chromium', () => {
  let database: TestDatabase;
  let t: TestApp;
  let environment: Record<string, string>;
  let dashboard: string;
  let browser: Browser;
  let page: Page;

  async function startServer(ports?: { api: number; dashboard: number }): Promise<void> {
    t = await startTestApp({
      database,
      agentEnvironment: { ANTHROPIC_API_KEY: 'k' },
      environment: { ...environment, ...(ports ? { API_PORT: String(ports.api), DASHBOARD_PORT: String(ports.dashboard) } : {}) },
    });
    dashboard = `http://127.0.0.1:${await t.app.listenDashboard()}/`;
  }

  beforeAll(async () => {
    database = await createDurableTestDatabase();
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'acp-e2e-'));
    // One node id and workspace across the restart, so the second life takes over the first's agents.
    environment = {
      DASHBOARD_PORT: '0',
      CLAUDE_MAX_AGENTS: '12',
      SCHEDULER_INTERVAL_MS: '200',
      NODE_ID: `e2e-${path.basename(scratch)}`,
      WORKSPACE_ROOT: path.join(scratch, 'workspace'),
    };
    await startServer();
    await createSession(t, 'e2e');
    browser = await launchChromium(chromium!);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const open = async (route: string) => {
    await page.goto(`${dashboard}#${route}`);
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
  };
  const card = (name: string, status?: string) =>
    page.locator(`[data-testid="agent-card"]${status ? `[data-status="${status}"]` : ''}`, { hasText: name });
  const shot = async (name: string) => page.screenshot({ path: await screenshotPath(name), fullPage: true });

  async function createAgentInForm(name: string): Promise<void> {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Role', { exact: true }).selectOption('WORKER');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await card(name, 'IDLE').waitFor();
  }

  it('creates agents from the form, shows the server\'s validation error on its field, and the cards go live', async () => {
    await open('/');
    // A working directory outside the session's folder is refused by the server, on that field.
    await page.getByLabel('Name', { exact: true }).fill('e2e-outside');
    await page.getByLabel('Working directory', { exact: true }).fill('../../etc');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByLabel('Working directory', { exact: true }).and(page.locator('[aria-invalid="true"]')).waitFor();
    await page.getByText('must be inside the workspace root').waitFor();
    await page.getByLabel('Working directory', { exact: true }).fill('');

    await createAgentInForm('e2e-worker-1');
    // A success clears the refusal shown before it and links the new agent.
    await page.getByRole('status').filter({ hasText: 'Created e2e-worker-1' }).waitFor();
    expect(await page.locator('form [aria-invalid="true"]').count()).toBe(0);
    expect(await page.getByText('must be inside the workspace root').count()).toBe(0);
    await createAgentInForm('e2e-worker-2');
    expect(await card('e2e-worker-1').getAttribute('data-agent-id')).toBeTruthy();
    await shot('agents');
  });

  it('starts a workflow and watches the canvas reach completion live', async () => {
    await open('/workflows');
    await page.getByLabel('Description', { exact: true }).fill(`Write a report in three parts.\n\n\`\`\`fake-plan\n${PLAN}\n\`\`\``);
    await page.getByLabel('Max workers', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Start workflow' }).click();
    await page.waitForURL(/#\/workflows\/.+/);

    const node = (kind: string, status?: string) => page.locator(`[data-testid="workflow-node"][data-kind="${kind}"]${status ? `[data-status="${status}"]` : ''}`);
    // While it runs: the subtasks appear once planned, and an edge lights up as messages flow.
    let litEdge = false;
    let sawRunning = false;
    let shotRunning = false;
    await waitFor(
      async () => {
        litEdge ||= (await page.locator('.edge-active').count()) > 0;
        sawRunning ||= (await node('subtask', 'RUNNING').count()) > 0;
        if (sawRunning && !shotRunning && (await node('subtask').count()) === 3) {
          shotRunning = true;
          await shot('workflow-running');
        }
        return (await node('root', 'SUCCEEDED').count()) === 1 ? true : undefined;
      },
      60_000,
      'the root node to turn SUCCEEDED',
    );
    expect(await node('subtask', 'SUCCEEDED').count()).toBe(3);
    expect(sawRunning).toBe(true);
    expect(litEdge).toBe(true);
    await page.locator('[data-testid="workflow-progress"][data-progress="1"]').waitFor();
    await shot('workflow-done');
  });

  it('opens a subtask from the canvas, then its transcript', async () => {
    await page.locator('[data-testid="workflow-node"][data-kind="subtask"]', { hasText: 'Part A' }).click();
    const detail = page.locator('[data-testid="node-detail"]');
    await detail.waitFor();
    await detail.getByRole('link', { name: 'Open the task page' }).click();
    await page.waitForURL(/#\/tasks\/.+/);
    const events = page.locator('[data-testid="transcript"] [data-testid="transcript-event"]');
    await events.first().waitFor();
    await page.locator('[data-testid="transcript"]', { hasText: 'SUCCEEDED' }).waitFor();
    expect(await events.count()).toBeGreaterThan(3);
    await shot('transcript');
  });

  it('creates a long task from the form and cancels it while it runs', async () => {
    await open('/tasks');
    await page.getByLabel('Title', { exact: true }).fill('e2e long task');
    await page.getByLabel('Description', { exact: true }).fill('SLEEP 60000 take your time');
    await page.getByLabel('Assign to', { exact: true }).selectOption('role:WORKER');
    await page.getByRole('button', { name: 'Create task' }).click();
    const row = (status: string) => page.locator(`[data-testid="task-row"][data-status="${status}"]`, { hasText: 'e2e long task' });
    await row('RUNNING').waitFor();
    await row('RUNNING').getByRole('button', { name: 'Cancel task' }).click();
    await row('CANCELLED').waitFor();
    const taskId = await row('CANCELLED').getAttribute('data-task-id');
    const { task } = await t.ok(`query($id: ID!) { task(id: $id) { ... on Task { status agent { status } } } }`, { id: taskId });
    expect(task.status).toBe('CANCELLED');
    await shot('tasks');
  });

  it('sends a message to an agent and sees it in the live feed', async () => {
    await open('/communications');
    const recipient = page.getByLabel('Send to', { exact: true });
    const option = await recipient.locator('option', { hasText: 'e2e-worker-1' }).getAttribute('value');
    await recipient.selectOption(option!);
    await page.getByLabel('Message', { exact: true }).fill('Hello from the dashboard');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-testid="communication"]', { hasText: 'Hello from the dashboard' }).first().waitFor();
    await shot('communications');
  });

  it('fits a 390-pixel-wide screen: no page scrolls sideways', async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      for (const [route, name] of [['/', 'agents'], ['/tasks', 'tasks'], ['/workflows', 'workflows'], ['/communications', 'communications'], ['/system', 'system']]) {
        await narrow.goto(`${dashboard}#${route}`);
        await narrow.locator('[data-testid="connection"][data-state="connected"]').waitFor();
        await narrow.locator('main h1').first().waitFor();
        const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${route} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
        await narrow.screenshot({ path: await screenshotPath(`narrow-${name}`), fullPage: true });
      }
    } finally {
      await narrow.close();
    }
  });

  it('keeps following a transcript through a restart of the server: every event once, in order', async () => {
    const sessionId = await createSession(t, 'e2e-restart');
    const agent = await createAgent(t, sessionId, { name: 'e2e-streamer' });
    const task = await createTask(t, { sessionId, agentId: agent.id, title: 'e2e stream', description: 'STREAM 10 6', maxAttempts: 2 });
    const taskId: string = task.id;
    await open(`/tasks/${encodeURIComponent(taskId)}`);
    await page.locator('[data-testid="transcript"]', { hasText: 'Stream line 5 of' }).waitFor();

    const ports = { api: t.port, dashboard: Number(new URL(dashboard).port) };
    await t.stop({ keepDatabase: true });
    await page.locator('[data-testid="connection"]:not([data-state="connected"])').waitFor();
    await startServer(ports);

    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 60_000 });
    const stored = await waitFor(
      async () => {
        const { task } = await t.ok(TASK_SEQS, { id: taskId });
        return task.status === 'SUCCEEDED' ? task : undefined;
      },
      60_000,
      'the streamed task to succeed after the restart',
    );
    const seqs = stored.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(Array.from({ length: stored.lastEventSeq }, (_, i) => i + 1));
    const shown = async () =>
      page.locator('[data-testid="transcript"] [data-testid="transcript-event"]').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-seq'))));
    await waitFor(async () => ((await shown()).at(-1) === stored.lastEventSeq ? true : undefined), 30_000, 'the last event on the page');
    expect(await shown()).toEqual(seqs);
    await shot('transcript-after-restart');
  }, 120_000);
  // Last: from here on the server wants a token.
  it('asks for a token once one exists, and works again after signing in', async () => {
    const token = generateToken();
    await insertApiToken(t.app.database.db, { id: newId(), name: 'e2e', role: 'operator', tokenHash: hashToken(token) });
    // Local mode ends within seconds: a reload then finds the API closed without a token.
    await waitFor(
      async () => {
        await page.goto(`${dashboard}#/`);
        const gate = page.locator('[data-testid="sign-in"]');
        return (await gate.waitFor({ timeout: 3000 }).then(() => true, () => false)) ? true : undefined;
      },
      30_000,
      'the sign-in screen',
    );
    expect(await page.locator('[data-testid="connection"]').getAttribute('data-state')).toBe('unauthorized');
    await shot('sign-in');
    await page.getByLabel('API token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    await card('e2e-worker-1').waitFor();
    expect(await page.locator('[data-testid="sign-in"]').count()).toBe(0);
  });
});
