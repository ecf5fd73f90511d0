import { allowsSession, onlyVisible, visibleSessionIds } from '../../auth/session-limit.js';
import type { AgentRow } from '../../db/types.js';
import {
  AgentRuntimeUnavailableError,
  CapacityReachedError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
} from '../../errors.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { visibleAgentId, visibleSessionId } from '../session-guard.js';
import { AgentRoleEnum, AgentStatusEnum, PermissionModeEnum } from './enums.js';
import { Session } from './session.js';

export const Agent = builder.loadableNode('Agent', {
  description: 'A Claude Code CLI process with a role, supervised by the server.',
  authScopes: (agent, ctx) => allowsSession(ctx.principal, agent.sessionId),
  id: { resolve: (agent: AgentRow) => agent.id },
  load: async (ids: string[], ctx) => onlyVisible(ctx.principal, await ctx.services.agents.loadAgents(ids), (agent) => agent.sessionId),
  sort: (agent) => agent.id,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique within its session.' }),
    role: t.expose('role', { type: AgentRoleEnum, description: 'Manager (plans workflows) or worker (does tasks).' }),
    status: t.expose('status', { type: AgentStatusEnum, description: 'Where the agent is in its lifecycle; statusHistory says how it got there.' }),
    runtime: t.exposeString('runtime', { description: 'The agent CLI it runs: claude-code.' }),
    model: t.exposeString('model', { nullable: true, description: "The model name or alias it was created with; null = the CLI's default." }),
    session: t.field({ type: Session, description: 'The session it belongs to.', resolve: (agent) => agent.sessionId }),
    cliSessionId: t.exposeString('cliSessionId', {
      description: "The CLI's own session id, chosen before the process started (for --resume).",
    }),
    pid: t.exposeInt('pid', { nullable: true, description: 'Process id of its CLI on its node; null while no process runs (idle-closed, stopped, crashed).' }),
    nodeId: t.exposeString('nodeId', { nullable: true, description: 'The server node (NODE_ID) that supervises its process.' }),
    restartCount: t.exposeInt('restartCount', { description: 'Times its process was started again, after crashes or by restartAgent.' }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'The last crash or start failure (or missing credentials); null when none since the last restart.',
    }),
    totalCostUsd: t.exposeFloat('totalCostUsd', { description: 'Estimated spend of all its runs in USD, as reported by the CLI.' }),
    workingDirectory: t.string({
      description: 'Absolute path its process runs in, inside WORKSPACE_ROOT.',
      resolve: (agent) => agent.config.workingDirectory,
    }),
    systemPrompt: t.string({
      nullable: true,
      description: "Text appended to the CLI's system prompt; null when none.",
      resolve: (agent) => agent.config.systemPrompt ?? null,
    }),
    allowedTools: t.stringList({
      description: 'Tool rules it may use without asking, e.g. Read or Bash(git diff:*); empty = none pre-approved.',
      resolve: (agent) => agent.config.allowedTools ?? [],
    }),
    disallowedTools: t.stringList({
      description: 'Tool rules it may never use; empty = none.',
      resolve: (agent) => agent.config.disallowedTools ?? [],
    }),
    permissionMode: t.field({
      type: PermissionModeEnum,
      description: 'How tool uses outside allowedTools are treated.',
      resolve: (agent) => agent.config.permissionMode ?? 'DEFAULT',
    }),
    maxTurns: t.int({
      nullable: true,
      description: 'Most agentic turns the CLI takes for one prompt (--max-turns); reaching it fails the task with MAX_TURNS. Null = no limit.',
      resolve: (agent) => agent.config.maxTurns ?? null,
    }),
    maxBudgetUsd: t.float({
      nullable: true,
      description: "Spend in USD the CLI allows its process (--max-budget-usd); reaching it fails the task with MAX_BUDGET. Null = no limit.",
      resolve: (agent) => agent.config.maxBudgetUsd ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the agent was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the agent last changed.' }),
    terminatedAt: t.expose('terminatedAt', { type: 'DateTime', nullable: true, description: 'When it was terminated; null unless TERMINATED.' }),
  }),
});

builder.objectField(Session, 'agents', (t) =>
  t.loadableGroup({
    type: Agent,
    description: 'The agents of this session, oldest first.',
    load: (sessionIds: string[], ctx) => ctx.services.agents.loadAgentsOfSessions(sessionIds),
    group: (agent) => (agent as AgentRow).sessionId,
    resolve: (session) => session.id,
  }),
);

const AgentFilter = builder.inputType('AgentFilter', {
  description: 'Narrows the agents query; absent fields do not filter, given ones must all match.',
  fields: (t) => ({
    sessionId: t.id({ description: 'Only agents of this session (global id).' }),
    role: t.field({ type: AgentRoleEnum, description: 'Only agents with this role.' }),
    status: t.field({ type: AgentStatusEnum, description: 'Only agents with this status.' }),
  }),
});

builder.queryFields((t) => ({
  agents: t.connection(
    {
      type: Agent,
      description: 'Agents of every session, oldest first, a page at a time. A malformed filter id is an INVALID_INPUT error.',
      args: { filter: t.arg({ type: AgentFilter, description: 'Only agents that match; all when absent.' }) },
      resolve: (_root, { filter, ...args }, ctx) => {
        const sessionId = parseOptionalGlobalId(filter?.sessionId?.toString(), 'Session', 'filter.sessionId');
        return resolveIdConnection(args, (page) =>
          ctx.services.agents.listAgents(
            { sessionId, sessionIds: visibleSessionIds(ctx.principal), role: filter?.role ?? undefined, status: filter?.status ?? undefined },
            page,
          ),
        );
      },
    },
    { description: 'A page of agents.' },
    { description: 'An agent and its cursor.' },
  ),
  agent: t.field({
    type: Agent,
    description: 'One agent by id: the Agent, or NotFoundError (no such agent) or InvalidInputError (not an Agent id).',
    args: { id: t.arg.id({ required: true, description: "The agent's global id." }) },
    errors: {
      types: [NotFoundError, InvalidInputError],
      directResult: true,
      union: { name: 'AgentResult', description: 'The agent, or why it could not be returned.' },
    },
    resolve: async (_root, args, ctx) => ctx.services.agents.getAgent(await visibleAgentId(ctx, String(args.id), 'id')),
  }),
}));

const ResourceLimitsInput = builder.inputType('ResourceLimitsInput', {
  description: 'Per-agent limits; each ends a run with its own typed reason. Unset ones use the server defaults.',
  fields: (t) => ({
    turnTimeoutSeconds: t.int({ description: 'Longest turn in seconds, 1 to 86400 (default CLAUDE_AGENT_TIMEOUT); past it the run fails with TIMEOUT.' }),
    silenceTimeoutSeconds: t.int({
      description:
        'Seconds without output while no tool runs before the turn ends with SILENCE_TIMEOUT, 0 to 86400; 0 turns it off (default CLAUDE_SILENCE_TIMEOUT).',
    }),
    maxMemoryMb: t.int({
      description: "RSS of the agent's whole process tree in MB, 64 to 1048576 (default CLAUDE_MAX_MEMORY_MB); past it the tree is killed (MEMORY_LIMIT).",
    }),
    maxOutputBytes: t.int({
      description:
        'Transcript bytes stored per run, 1024 to 1073741824 (default CLAUDE_MAX_OUTPUT_BYTES); past it a marker is stored and the run ends (OUTPUT_LIMIT).',
    }),
  }),
});

const ResourceLimits = builder.objectRef<Required<import('../../db/types.js').ResourceLimits>>('ResourceLimits').implement({
  description: "The limits in force for an agent's runs.",
  fields: (t) => ({
    turnTimeoutSeconds: t.exposeInt('turnTimeoutSeconds', { description: "Longest turn in seconds (a task's timeoutSeconds overrides it)." }),
    silenceTimeoutSeconds: t.exposeInt('silenceTimeoutSeconds', {
      description: 'Seconds without output while no tool runs before a turn counts as hung; 0 = off.',
    }),
    maxMemoryMb: t.exposeInt('maxMemoryMb', { description: "Most RSS of the agent's whole process tree, in MB." }),
    maxOutputBytes: t.exposeInt('maxOutputBytes', { description: 'Most transcript bytes stored per run.' }),
  }),
});

builder.objectField(Agent, 'resourceLimits', (t) =>
  t.field({
    type: ResourceLimits,
    description: "The limits in force: the agent's own, else the server's defaults.",
    resolve: (agent, _args, ctx) => ctx.services.manager.limitsOf(agent),
  }),
);

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  description: 'A new agent; its process is started at once.',
  fields: (t) => ({
    sessionId: t.id({ required: true, description: 'The session it joins (global id).' }),
    name: t.string({
      required: true,
      description: 'Unique within the session: 1 to 100 characters, letters, digits, spaces, ".", "_" and "-" (trimmed).',
    }),
    role: t.field({ type: AgentRoleEnum, required: true, description: 'MANAGER to plan workflows, WORKER to do tasks.' }),
    model: t.string({
      description: "A model name or alias (e.g. sonnet) that CLAUDE_ALLOWED_MODELS permits; the CLI's default when absent.",
    }),
    systemPrompt: t.string({ description: "Appended to the CLI's own system prompt; at most 50000 characters (100000 bytes)." }),
    allowedTools: t.stringList({
      description: 'Tool rules the agent may use without asking, e.g. Read, Bash(git diff:*); at most 100. None when absent.',
    }),
    disallowedTools: t.stringList({ description: 'Tool rules the agent may never use, same form as allowedTools; at most 100.' }),
    permissionMode: t.field({ type: PermissionModeEnum, description: 'How tool uses outside allowedTools are treated; DEFAULT when absent.' }),
    maxTurns: t.int({ description: 'Most agentic turns the CLI takes for one prompt, 1 to 1000; no limit when absent.' }),
    maxBudgetUsd: t.float({ description: 'Spend in USD the CLI allows its process, above 0 and up to 10000; no limit when absent.' }),
    workingDirectory: t.string({
      description: "Relative to the session's working directory; must stay inside WORKSPACE_ROOT. The session's directory when absent.",
    }),
    resourceLimits: t.field({ type: ResourceLimitsInput, description: "Limits for its runs; the server's defaults when absent." }),
  }),
});

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: Agent,
    description:
      'Creates an agent and starts its CLI process; it then takes queued tasks of its session. Nothing is written on an error: ' +
      'InvalidInputError (a bad field or a model not allowed), NotFoundError (no such session), ConflictError (the name is taken), ' +
      'CapacityReachedError (CLAUDE_MAX_AGENTS processes run on this node), AgentRuntimeUnavailableError (the CLI cannot run here).',
    args: { input: t.arg({ type: CreateAgentInput, required: true, description: 'The agent to create.' }) },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError, CapacityReachedError, AgentRuntimeUnavailableError],
      union: { name: 'CreateAgentResult', description: 'The created agent, or why it was not created.' },
      result: { name: 'CreateAgentSuccess', description: 'The agent was created.' },
      dataField: { name: 'agent', description: 'The new agent: IDLE once its process started, ERROR (with lastError) if it could not start.' },
    },
    resolve: async (_root, { input }, ctx) => {
      const sessionId = await visibleSessionId(ctx, String(input.sessionId), 'sessionId');
      return ctx.services.agents.createAgent({
        sessionId,
        name: input.name,
        role: input.role,
        model: input.model ?? undefined,
        systemPrompt: input.systemPrompt ?? undefined,
        allowedTools: input.allowedTools ?? undefined,
        disallowedTools: input.disallowedTools ?? undefined,
        permissionMode: input.permissionMode ?? undefined,
        maxTurns: input.maxTurns ?? undefined,
        maxBudgetUsd: input.maxBudgetUsd ?? undefined,
        workingDirectory: input.workingDirectory ?? undefined,
        resourceLimits: input.resourceLimits
          ? Object.fromEntries(Object.entries(input.resourceLimits).filter(([, value]) => value !== null && value !== undefined))
          : undefined,
      });
    },
  }),
  terminateAgent: t.field({
    type: Agent,
    description:
      "Stops the agent's process tree (interrupt, SIGINT, SIGTERM, SIGKILL); it takes no tasks until restartAgent. A task it was " +
      'running is interrupted and can be retried by another agent while attempts remain. Idempotent. ' +
      'InvalidInputError: not an Agent id; NotFoundError: no such agent.',
    args: { id: t.arg.id({ required: true, description: "The agent's global id." }) },
    errors: {
      types: [InvalidInputError, NotFoundError],
      union: { name: 'TerminateAgentResult', description: 'The terminated agent, or why it could not be terminated.' },
      result: { name: 'TerminateAgentSuccess', description: 'The agent was terminated (or already was).' },
      dataField: { name: 'agent', description: 'The agent, TERMINATED.' },
    },
    resolve: async (_root, args, ctx) => ctx.services.agents.terminateAgent(await visibleAgentId(ctx, String(args.id), 'id')),
  }),
  restartAgent: t.field({
    type: Agent,
    description:
      "Starts the agent's process again, resuming its CLI session; clears its crash record (a FAILED agent comes back). " +
      'ConflictError: the agent is STARTING, RESTARTING or TERMINATING; CapacityReachedError: CLAUDE_MAX_AGENTS processes run on this node.',
    args: { id: t.arg.id({ required: true, description: "The agent's global id." }) },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError, CapacityReachedError],
      union: { name: 'RestartAgentResult', description: 'The restarted agent, or why it could not be restarted.' },
      result: { name: 'RestartAgentSuccess', description: 'The agent was restarted.' },
      dataField: { name: 'agent', description: 'The agent with its new process.' },
    },
    resolve: async (_root, args, ctx) => ctx.services.agents.restartAgent(await visibleAgentId(ctx, String(args.id), 'id')),
  }),
}));
