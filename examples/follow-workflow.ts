/**
 * Starts a manager-worker workflow and follows it on the terminal until its root task ends:
 *
 *   ACP_URL=http://127.0.0.1:4005/graphql node --import tsx examples/follow-workflow.ts [options] <description>
 *
 *   --session <id>        run in this session (default: a new one)
 *   --title <text>        the root task's title (default: the description's first line)
 *   --max-workers <n>     workers the workflow may create
 *   --worker-model <name> model of the agents the workflow creates
 *
 * Prints the root task's transcript, every message of the session (instructions, plans, results)
 * and each subtask's status as they arrive, then the final answer. Exit code 0 when the workflow
 * succeeded, 1 when it failed or was cancelled, 2 when it could not be started or followed.
 */
import { parseArgs } from 'node:util';
import { OperationFailedError, SdkError, unwrap, type Client, type EventStream } from '../client/sdk/src/index.js';
import { connect } from './connect.js';
import { describeEvent, describeMessage, isWorthPrinting } from './format.js';

const EXIT_FAILED = 1;
const EXIT_UNUSABLE = 2;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    session: { type: 'string' },
    title: { type: 'string' },
    'max-workers': { type: 'string' },
    'worker-model': { type: 'string' },
  },
});

const description = positionals.join(' ').trim();
if (!description) {
  console.error('usage: follow-workflow.ts [--session <id>] [--title <text>] [--max-workers <n>] [--worker-model <name>] <description>');
  process.exit(EXIT_UNUSABLE);
}

/** Prints every event of a stream until it ends or is closed. */
async function print<T>(stream: EventStream<T>, line: (event: T) => string | undefined): Promise<void> {
  for await (const event of stream) {
    const text = line(event);
    if (text !== undefined) console.log(text);
  }
}

/** Prints a stream alongside the root's; its failure is reported, and the root's outcome still decides. */
function printInBackground<T>(stream: EventStream<T>, line: (event: T) => string): void {
  print(stream, line).catch((error: unknown) => console.error(`a stream failed: ${error instanceof Error ? error.message : String(error)}`));
}

/**
 * The session's messages: those already stored, then live ones from the last of them (the
 * cursor makes the hand-over lose nothing).
 */
async function followMessages(client: Client, sessionId: string): Promise<EventStream<unknown>> {
  const stored = (await client.communications({ filter: { sessionId }, first: 100 })).nodes;
  for (const message of stored) console.log(`[message] ${describeMessage(message)}`);
  const live = client.agentCommunication({ sessionId, after: stored.at(-1)?.id });
  printInBackground(live, (message) => `[message] ${describeMessage(message)}`);
  return live;
}

async function main(client: Client): Promise<number> {
  const sessionId = options.session ?? unwrap(await client.createSession({ name: `workflow ${new Date().toISOString()}` })).id;
  const root = unwrap(
    await client.startWorkflow({
      sessionId,
      description,
      title: options.title,
      maxWorkers: options['max-workers'] ? Number(options['max-workers']) : undefined,
      workerModel: options['worker-model'],
    }),
  );
  console.log(`workflow ${root.id} "${root.title}" started; manager ${root.workflow?.manager?.name ?? '(to be chosen)'}`);

  const subtasks = client.taskUpdated({ parentTaskId: root.id });
  printInBackground(subtasks, (task) => `[subtask] "${task.title}" ${task.status}${task.agent ? ` on ${task.agent.name}` : ''}`);
  const messages = await followMessages(client, sessionId);
  try {
    // The root's transcript ends by itself once the workflow has ended.
    await print(client.taskEvents({ taskId: root.id }), (event) => (isWorthPrinting(event) ? `[root] ${describeEvent(event)}` : undefined));
  } finally {
    await subtasks.return();
    await messages.return();
  }

  const done = unwrap(await client.task(root.id));
  if (done.status === 'SUCCEEDED') {
    console.log(`\nSUCCEEDED ($${done.costUsd.toFixed(4)})\n${done.result ?? ''}`);
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
