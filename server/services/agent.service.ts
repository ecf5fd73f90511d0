import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import {
  findAgentsByIds,
  findAgentsBySessionIds,
  insertAgent,
  listAgents,
  type AgentFilter,
} from '../db/repositories/agent.repository.js';
import type { PageQuery } from '../db/repositories/pagination.js';
import { AGENT_ROLES, PERMISSION_MODES, type AgentConfig, type AgentRow } from '../db/types.js';
import { CapacityReachedError, ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import type { AgentLifecycle } from './agent-lifecycle.js';
import type { AgentManager } from './agent-manager.js';
import type { ServiceDeps } from './deps.js';
import type { SessionService } from './session.service.js';
import { modelName, parseInput } from './validation.js';
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
  model: modelName.optional(),
  // Passed as one argv element, and Linux caps each at 128 KiB (E2BIG): 50000 CJK characters would not fit.
  systemPrompt: z
    .string()
    .max(50_000, 'must be at most 50000 characters')
    .refine((text) => Buffer.byteLength(text, 'utf8') <= 100_000, 'must be at most 100000 bytes as UTF-8')
    .optional(),
  allowedTools: z.array(toolRule).max(100).optional(),
  disallowedTools: z.array(toolRule).max(100).optional(),
  permissionMode: z.enum(PERMISSION_MODES).optional(),
  maxTurns: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
  maxBudgetUsd: z.number().positive('must be positive').max(10_000, 'must be at most 10000').optional(),
  workingDirectory: z.string().trim().min(1).max(1000).optional(),
  resourceLimits: z
    .object({
      turnTimeoutSeconds: z.number().int().min(1, 'must be at least 1').max(86_400, 'must be at most 86400').optional(),
      silenceTimeoutSeconds: z.number().int().min(0, 'must be 0 (off) or more').max(86_400, 'must be at most 86400').optional(),
      maxMemoryMb: z.number().int().min(64, 'must be at least 64').max(1_048_576, 'must be at most 1048576').optional(),
      maxOutputBytes: z.number().int().min(1024, 'must be at least 1024').max(1_073_741_824, 'must be at most 1073741824').optional(),
    })
    .optional(),
});
export type CreateAgentInput = z.input<typeof createAgentInput>;

export class AgentService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly sessions: SessionService,
    private readonly lifecycle: AgentLifecycle,
    private readonly manager: AgentManager,
  ) {}

  /**
   * Records the agent (with the CLI session id chosen up front) and starts its process.
   * Nothing is written when the input is invalid, capacity is reached or the CLI cannot run.
   */
  async createAgent(input: CreateAgentInput): Promise<AgentRow> {
    const parsed = parseInput(createAgentInput, input);
    const { config: appConfig, supervisor } = this.deps;
    if (parsed.model && !modelAllowed(parsed.model, appConfig.claude.allowedModels)) {
      throw new InvalidInputError('model', `is not allowed here; CLAUDE_ALLOWED_MODELS permits ${appConfig.claude.allowedModels.join(', ')}`);
    }
    const session = await this.sessions.getSession(parsed.sessionId, 'sessionId');
    const workingDirectory = parsed.workingDirectory
      ? await resolveWorkingDirectory(appConfig.workspaceRoot, path.resolve(session.workingDirectory, parsed.workingDirectory), 'workingDirectory')
      : session.workingDirectory;

    await this.checkCapacity();
    const binaryPath = supervisor.adapter.resolveBinary(appConfig.claude.cliPath);
    await supervisor.adapter.checkRunnable(binaryPath);

    const config: AgentConfig = {
      limits: parsed.resourceLimits,
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
        await this.manager.launch(agent, false);
      } catch (error) {
        const message = `Could not start the agent process: ${error instanceof Error ? error.message : String(error)}`;
        return this.lifecycle.move(agent.id, 'ERROR', message, { lastError: message });
      }
      await this.lifecycle.move(agent.id, 'IDLE', 'process started');
      // Queued tasks of the session (or ones assigned while it started) are claimed at once.
      await this.manager.afterTurn(agent.id);
      return this.getAgent(agent.id);
    });
  }

  /** Stops the agent's process tree by the ladder; a task it was running is interrupted. Idempotent. */
  async terminateAgent(agentId: string): Promise<AgentRow> {
    // Named after terminateAgent's argument, `id`.
    const agent = await this.getAgent(agentId, 'id');
    if (agent.status === 'TERMINATED') return agent;
    await this.manager.terminate(agentId, 'terminated by request');
    return this.getAgent(agentId);
  }

  /** Starts the agent again (resuming its session) from any state but a transition in progress. */
  async restartAgent(agentId: string): Promise<AgentRow> {
    const agent = await this.getAgent(agentId, 'id');
    if (['STARTING', 'RESTARTING', 'TERMINATING'].includes(agent.status)) {
      throw new ConflictError('id', `Agent ${agent.name} is ${agent.status}; try again when it has settled.`);
    }
    if (!this.deps.supervisor.isRunning(agentId)) await this.checkCapacity();
    await this.manager.restart(agentId, 'restarted by request');
    return this.getAgent(agentId);
  }

  private async checkCapacity(): Promise<void> {
    const { maxAgents } = this.deps.config.claude;
    const live = this.deps.supervisor.liveAgentIds().length;
    if (live >= maxAgents) {
      throw new CapacityReachedError(maxAgents, `${live} agent processes are running on this node; CLAUDE_MAX_AGENTS allows ${maxAgents}. Terminate one first.`);
    }
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

/** An entry of the allowlist matches exactly, or as a prefix when it ends with '*'. */
export function modelAllowed(model: string, allowlist: readonly string[]): boolean {
  return allowlist.some((entry) => (entry.endsWith('*') ? model.startsWith(entry.slice(0, -1)) : model === entry));
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
