import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import {
  countAgentsInStatuses,
  findAgentForUpdate,
  findAgentsByIds,
  findAgentsBySessionIds,
  findAgentsOnNode,
  insertAgent,
  listAgents,
  updateAgent,
  type AgentFilter,
} from '../db/repositories/agent.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import { findRunningRunForAgent, findRunningRunsOnNode } from '../db/repositories/run.repository.js';
import { AGENT_ROLES, LIVE_AGENT_STATUSES, PERMISSION_MODES, type AgentConfig, type AgentRow, type TaskErrorType } from '../db/types.js';
import { CapacityReachedError, ConflictError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from './deps.js';
import type { RunTracker } from './run-tracker.js';
import type { SessionService } from './session.service.js';
import { inTransaction } from './transaction.js';
import { parseInput } from './validation.js';
import { resolveWorkingDirectory } from './workspace.js';

/** Tool rules such as `Read`, `Bash(git diff:*)` or `mcp__server__tool`; never a flag. */
const toolRule = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[A-Za-z_][\w.*-]*(\([^()\n]*\))?$/, 'must look like Tool or Tool(pattern)');

const createAgentInput = z.object({
  sessionId: z.string(),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .regex(/^[\w][\w .-]*$/, 'may contain letters, digits, spaces, ".", "_" and "-"'),
  role: z.enum(AGENT_ROLES),
  model: z
    .string()
    .trim()
    .max(100)
    .regex(/^[A-Za-z0-9][\w.:[\]-]*$/, 'must be a model name or alias such as sonnet')
    .optional(),
  systemPrompt: z.string().max(50_000, 'must be at most 50000 characters').optional(),
  allowedTools: z.array(toolRule).max(100).optional(),
  disallowedTools: z.array(toolRule).max(100).optional(),
  permissionMode: z.enum(PERMISSION_MODES).optional(),
  maxTurns: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
  maxBudgetUsd: z.number().positive('must be positive').max(10_000, 'must be at most 10000').optional(),
  workingDirectory: z.string().trim().min(1).max(1000).optional(),
});
export type CreateAgentInput = z.input<typeof createAgentInput>;

export class AgentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly sessions: SessionService,
    private readonly runs: RunTracker,
  ) {}

  /**
   * Records the agent (with the CLI session id chosen up front) and starts its process.
   * Nothing is written when the input is invalid, capacity is reached or the CLI cannot run.
   */
  async createAgent(input: CreateAgentInput): Promise<AgentRow> {
    const parsed = parseInput(createAgentInput, input);
    const { config: appConfig, supervisor } = this.deps;
    const session = await this.sessions.getSession(parsed.sessionId, 'sessionId');
    const workingDirectory = parsed.workingDirectory
      ? await resolveWorkingDirectory(appConfig.workspaceRoot, path.resolve(session.workingDirectory, parsed.workingDirectory), 'workingDirectory')
      : session.workingDirectory;

    const live = await countAgentsInStatuses(this.deps.db, LIVE_AGENT_STATUSES);
    if (live >= appConfig.claude.maxAgents) {
      throw new CapacityReachedError(appConfig.claude.maxAgents, `${live} agents are running; CLAUDE_MAX_AGENTS allows ${appConfig.claude.maxAgents}. Terminate one first.`);
    }
    const binaryPath = supervisor.adapter.resolveBinary(appConfig.claude.cliPath);
    await supervisor.adapter.checkRunnable(binaryPath);

    const config: AgentConfig = {
      systemPrompt: parsed.systemPrompt,
      allowedTools: parsed.allowedTools,
      disallowedTools: parsed.disallowedTools,
      permissionMode: parsed.permissionMode,
      maxTurns: parsed.maxTurns,
      maxBudgetUsd: parsed.maxBudgetUsd,
      workingDirectory,
    };
    const agent = await this.insertUniquelyNamed({
      id: newId(),
      sessionId: session.id,
      name: parsed.name,
      role: parsed.role,
      runtime: supervisor.adapter.runtime,
      model: parsed.model ?? null,
      status: 'STARTING',
      config: JSON.stringify(config),
      cliSessionId: randomUUID(),
      nodeId: appConfig.nodeId,
    });

    return this.deps.queue.run(agent.id, async () => {
      try {
        this.runs.processStarted(agent.id);
        const pid = await supervisor.launch(agent.id, {
          binaryPath,
          cliSessionId: agent.cliSessionId,
          resume: false,
          model: agent.model,
          config,
          environment: appConfig.agentEnvironment,
          runTag: agent.id,
        });
        const idle = await updateAgent(this.deps.db, agent.id, { status: 'IDLE', pid });
        // Tasks may have been assigned while the agent was starting.
        await this.runs.onAgentIdle(agent.id);
        return idle;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return updateAgent(this.deps.db, agent.id, { status: 'ERROR', lastError: `Could not start the agent process: ${message}` });
      }
    });
  }

  /** Stops the agent's process tree; a task it was running is interrupted. Idempotent. */
  async terminateAgent(agentId: string): Promise<AgentRow> {
    // Named after terminateAgent's argument, `id`.
    const agent = await this.getAgent(agentId, 'id');
    if (agent.status === 'TERMINATED') return agent;
    await updateAgent(this.deps.db, agentId, { status: 'TERMINATING' });
    if (this.deps.supervisor.isRunning(agentId)) {
      await this.deps.supervisor.stop(agentId);
      // The exit handler, queued behind the stop, settles the run and the agent.
      await this.deps.queue.drain(agentId);
    } else {
      await this.deps.queue.run(agentId, () => this.settleWithoutProcess(agentId, 'terminated by request'));
    }
    return this.getAgent(agentId);
  }

  async getAgent(id: string, field = 'id'): Promise<AgentRow> {
    const [agent] = await findAgentsByIds(this.deps.db, [id]);
    if (!agent) throw new NotFoundError('Agent', field, id);
    return agent;
  }

  loadAgents(ids: readonly string[]): Promise<AgentRow[]> {
    return findAgentsByIds(this.deps.db, ids);
  }

  loadAgentsOfSessions(sessionIds: readonly string[]): Promise<AgentRow[]> {
    return findAgentsBySessionIds(this.deps.db, sessionIds);
  }

  listAgents(filter: AgentFilter, page: PageQuery): Promise<AgentRow[]> {
    return listAgents(this.deps.db, filter, page);
  }

  /** Graceful shutdown: every agent process of this node is stopped and recorded as such. */
  async shutdown(): Promise<void> {
    const ids = this.deps.supervisor.liveAgentIds();
    await Promise.all(ids.map((id) => updateAgent(this.deps.db, id, { status: 'TERMINATING', lastError: 'server shut down' })));
    await this.deps.supervisor.stopAll();
    await this.deps.queue.drainAll();
  }

  /**
   * After a restart no process of an earlier life survives: agents that were live on this
   * node are marked ERROR and their runs interrupted, so no task stays RUNNING without a run.
   */
  async recoverAfterRestart(): Promise<number> {
    const { db, config } = this.deps;
    const stale = await findAgentsOnNode(db, config.nodeId, [...LIVE_AGENT_STATUSES, 'TERMINATING']);
    for (const agent of stale) {
      await this.settleWithoutProcess(agent.id, 'the server stopped while the agent was running', 'INTERRUPTED');
    }
    for (const run of await findRunningRunsOnNode(db, config.nodeId)) {
      await inTransaction(db, (trx, afterCommit) =>
        this.runs.interruptRun(trx, afterCommit, run, { errorType: 'INTERRUPTED', reason: 'the server restarted during the run' }),
      );
    }
    return stale.length;
  }

  private async settleWithoutProcess(
    agentId: string,
    reason: string,
    errorType: TaskErrorType = 'AGENT_TERMINATED',
  ): Promise<void> {
    await inTransaction(this.deps.db, async (trx, afterCommit) => {
      const agent = await findAgentForUpdate(trx, agentId);
      if (!agent) return;
      const run = await findRunningRunForAgent(trx, agentId);
      if (run) await this.runs.interruptRun(trx, afterCommit, run, { errorType, reason });
      const requested = agent.status === 'TERMINATING';
      await updateAgent(trx, agentId, {
        status: requested ? 'TERMINATED' : 'ERROR',
        pid: null,
        lastError: requested ? agent.lastError : reason,
        terminatedAt: requested ? new Date() : agent.terminatedAt,
      });
    });
  }

  private async insertUniquelyNamed(row: Parameters<typeof insertAgent>[1]): Promise<AgentRow> {
    try {
      return await insertAgent(this.deps.db, row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError('name', `An agent named ${JSON.stringify(row.name)} already exists in this session.`);
      }
      throw error;
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
