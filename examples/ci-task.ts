/**
 * Runs one task on the control plane and exits with its outcome, for CI pipelines:
 *
 *   ACP_URL=http://127.0.0.1:4005/graphql node --import tsx examples/ci-task.ts [options] <title>
 *
 *   --session <id>        run in this session (default: a new session with a new worker)
 *   --agent <id>          give the task to this agent (default: the new worker, or any idle
 *                         worker of --session)
 *   --description <text>  the instructions beyond the title
 *   --max-attempts <n>    attempts when a run is cut short (default 1)
 *   --timeout <seconds>   longest turn
 *
 * The transcript is printed as it arrives, then the result. Exit code 0 when the task succeeded;
 * 1 when it failed or was cancelled, with the reason; 2 when the request was refused or the API
 * could not be used.
 */
import { parseArgs } from 'node:util';
import { OperationFailedError, SdkError, unwrap, type Client } from '../client/sdk/src/index.js';
import { connect } from './connect.js';
import { describeEvent, isWorthPrinting } from './format.js';

const EXIT_FAILED = 1;
const EXIT_UNUSABLE = 2;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    session: { type: 'string' },
    agent: { type: 'string' },
    description: { type: 'string' },
    'max-attempts': { type: 'string' },
    timeout: { type: 'string' },
  },
});

const title = positionals.join(' ').trim();
if (!title) {
  console.error('usage: ci-task.ts [--session <id>] [--agent <id>] [--description <text>] [--max-attempts <n>] [--timeout <seconds>] <title>');
  process.exit(EXIT_UNUSABLE);
}

/** The session and agent to use: the ones given (an agent alone: its session), or a new session with a worker of its own. */
async function placeTask(client: Client): Promise<{ sessionId: string; agentId: string | undefined }> {
  if (options.session) return { sessionId: options.session, agentId: options.agent };
  // A task must be in its agent's session: a new session would refuse the agent.
  if (options.agent) return { sessionId: unwrap(await client.agent(options.agent)).session.id, agentId: options.agent };
  const session = unwrap(await client.createSession({ name: `ci ${new Date().toISOString()}` }));
  const agent = unwrap(await client.createAgent({ sessionId: session.id, name: 'ci-worker', role: 'WORKER' }));
  return { sessionId: session.id, agentId: agent.id };
}

async function main(client: Client): Promise<number> {
  const { sessionId, agentId } = await placeTask(client);
  const task = unwrap(
    await client.createTask({
      sessionId,
      agentId,
      requiredRole: agentId ? undefined : 'WORKER',
      title,
      description: options.description,
      maxAttempts: options['max-attempts'] ? Number(options['max-attempts']) : undefined,
      timeoutSeconds: options.timeout ? Number(options.timeout) : undefined,
    }),
  );
  console.log(`task ${task.id} ${task.status}`);

  // Ends by itself after the task's terminal status event, across reconnects.
  for await (const event of client.taskEvents({ taskId: task.id })) {
    if (isWorthPrinting(event)) console.log(describeEvent(event));
  }

  const done = unwrap(await client.task(task.id));
  if (done.status === 'SUCCEEDED') {
    console.log(`\nSUCCEEDED after ${done.attempts} attempt(s), $${done.costUsd.toFixed(4)}\n${done.result ?? ''}`);
    return 0;
  }
  const reason = done.error ? `${done.error.type}: ${done.error.message}` : 'no reason was given';
  console.error(`\n${done.status}: ${reason}`);
  return EXIT_FAILED;
}

const client = connect();
try {
  process.exitCode = await main(client);
} catch (error) {
  if (error instanceof OperationFailedError) console.error(`refused: ${error.message}`);
  else if (error instanceof SdkError) console.error(`the API could not be used: ${error.message}`);
  else throw error;
  process.exitCode = EXIT_UNUSABLE;
} finally {
  await client.dispose();
}
