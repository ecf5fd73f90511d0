import { z } from 'zod';
import type { CommunicationRow, TaskRow } from '../db/types.js';
import { ConflictError } from '../errors.js';
import { newId } from '../ids.js';
import type { AgentService } from './agent.service.js';
import type { CommunicationService } from './communication.service.js';
import type { ServiceDeps } from './deps.js';
import type { RunTracker } from './run-tracker.js';
import type { TaskService } from './task.service.js';
import { inTransaction } from './transaction.js';
import { parseInput } from './validation.js';

const sendMessageInput = z.object({
  agentId: z.string(),
  content: z.string().trim().min(1, 'must not be empty').max(100_000, 'must be at most 100000 characters'),
});

export interface SentMessage {
  communication: CommunicationRow;
  /** The task the message joined (the running one) or started (when the agent was idle). */
  task: TaskRow;
}

/**
 * A person's message to an agent. A busy agent gets it in its running session: the CLI queues it
 * as the next turn, and the running task ends after that turn. An idle agent gets it as a task.
 */
export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly agents: AgentService,
    private readonly tasks: TaskService,
    private readonly communications: CommunicationService,
    private readonly runs: RunTracker,
  ) {}

  async sendMessage(input: z.input<typeof sendMessageInput>): Promise<SentMessage> {
    const { agentId, content } = parseInput(sendMessageInput, input);
    const agent = await this.agents.getAgent(agentId, 'agentId');
    if (['TERMINATING', 'TERMINATED', 'FAILED'].includes(agent.status)) {
      throw new ConflictError('agentId', `Agent ${agent.name} is ${agent.status}; restart it to talk to it.`);
    }
    const delivered = await this.deps.queue.run(agentId, async () => {
      const run = this.runs.activeRun(agentId);
      if (!run || !this.deps.supervisor.isRunning(agentId)) return undefined;
      this.runs.expectAnotherResult(agentId);
      this.deps.supervisor.sendTurn(agentId, content, newId());
      const communication = await inTransaction(this.deps.db, (trx, afterCommit) =>
        this.communications.record(trx, afterCommit, { sessionId: agent.sessionId, fromAgentId: null, toAgentId: agentId, taskId: run.taskId, messageType: 'MESSAGE', content }),
      );
      return { communication, taskId: run.taskId };
    });
    if (delivered) return { communication: delivered.communication, task: await this.tasks.getTask(delivered.taskId) };

    const task = await this.tasks.createTask({
      sessionId: agent.sessionId,
      agentId,
      title: `Message: ${content.split('\n')[0]!.slice(0, 80)}`,
      description: content,
    });
    const communication = await inTransaction(this.deps.db, (trx, afterCommit) =>
      this.communications.record(trx, afterCommit, { sessionId: agent.sessionId, fromAgentId: null, toAgentId: agentId, taskId: task.id, messageType: 'MESSAGE', content }),
    );
    return { communication, task };
  }
}
