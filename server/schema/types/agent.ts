import type { AgentRow } from '../../db/types.js';
import {
  AgentRuntimeUnavailableError,
  CapacityReachedError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
} from '../../errors.js';
import { builder } from '../builder.js';
import { parseGlobalId, parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { AgentRoleEnum, AgentStatusEnum, PermissionModeEnum } from './enums.js';
import { Session } from './session.js';

export const Agent = builder.loadableNode('Agent', {
  description: 'A Claude Code CLI process with a role, supervised by the server.',
  id: { resolve: (agent: AgentRow) => agent.id },
  load: (ids: string[], ctx) => ctx.services.agents.loadAgents(ids),
  sort: (agent) => agent.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.expose('role', { type: AgentRoleEnum }),
    status: t.expose('status', { type: AgentStatusEnum }),
    runtime: t.exposeString('runtime'),
    model: t.exposeString('model', { nullable: true }),
    session: t.field({ type: Session, resolve: (agent) => agent.sessionId }),
    cliSessionId: t.exposeString('cliSessionId', {
      description: "The CLI's own session id, chosen before the process started (for --resume).",
    }),
    pid: t.exposeInt('pid', { nullable: true }),
    nodeId: t.exposeString('nodeId', { nullable: true }),
    restartCount: t.exposeInt('restartCount'),
    lastError: t.exposeString('lastError', { nullable: true }),
    totalCostUsd: t.exposeFloat('totalCostUsd'),
    workingDirectory: t.string({ resolve: (agent) => agent.config.workingDirectory }),
    systemPrompt: t.string({ nullable: true, resolve: (agent) => agent.config.systemPrompt ?? null }),
    allowedTools: t.stringList({ resolve: (agent) => agent.config.allowedTools ?? [] }),
    disallowedTools: t.stringList({ resolve: (agent) => agent.config.disallowedTools ?? [] }),
    permissionMode: t.field({ type: PermissionModeEnum, resolve: (agent) => agent.config.permissionMode ?? 'DEFAULT' }),
    maxTurns: t.int({ nullable: true, resolve: (agent) => agent.config.maxTurns ?? null }),
    maxBudgetUsd: t.float({ nullable: true, resolve: (agent) => agent.config.maxBudgetUsd ?? null }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    terminatedAt: t.expose('terminatedAt', { type: 'DateTime', nullable: true }),
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
  fields: (t) => ({
    sessionId: t.id(),
    role: t.field({ type: AgentRoleEnum }),
    status: t.field({ type: AgentStatusEnum }),
  }),
});

builder.queryFields((t) => ({
  agents: t.connection({
    type: Agent,
    args: { filter: t.arg({ type: AgentFilter }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const sessionId = parseOptionalGlobalId(filter?.sessionId?.toString(), 'Session', 'filter.sessionId');
      return resolveIdConnection(args, (page) =>
        ctx.services.agents.listAgents({ sessionId, role: filter?.role ?? undefined, status: filter?.status ?? undefined }, page),
      );
    },
  }),
  agent: t.field({
    type: Agent,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, InvalidInputError], directResult: true, union: { name: 'AgentResult' } },
    resolve: (_root, args, ctx) => ctx.services.agents.getAgent(parseGlobalId(String(args.id), 'Agent', 'id')),
  }),
}));

const ResourceLimitsInput = builder.inputType('ResourceLimitsInput', {
  description: 'Per-agent limits; each ends a run with its own typed reason. Unset ones use the server defaults.',
  fields: (t) => ({
    turnTimeoutSeconds: t.int({ description: 'Longest turn (default CLAUDE_AGENT_TIMEOUT).' }),
    silenceTimeoutSeconds: t.int({ description: 'No output for this long while no tool runs ends the turn; 0 turns it off.' }),
    maxMemoryMb: t.int({ description: "RSS of the agent's whole process tree." }),
    maxOutputBytes: t.int({ description: 'Transcript bytes stored per run; past it a marker is stored and the run ends.' }),
  }),
});

const ResourceLimits = builder.objectRef<Required<import('../../db/types.js').ResourceLimits>>('ResourceLimits').implement({
  description: "The limits in force for an agent's runs.",
  fields: (t) => ({
    turnTimeoutSeconds: t.exposeInt('turnTimeoutSeconds'),
    silenceTimeoutSeconds: t.exposeInt('silenceTimeoutSeconds'),
    maxMemoryMb: t.exposeInt('maxMemoryMb'),
    maxOutputBytes: t.exposeInt('maxOutputBytes'),
  }),
});

builder.objectField(Agent, 'resourceLimits', (t) =>
  t.field({ type: ResourceLimits, resolve: (agent, _args, ctx) => ctx.services.manager.limitsOf(agent) }),
);

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  fields: (t) => ({
    sessionId: t.id({ required: true }),
    name: t.string({ required: true, description: 'Unique within the session.' }),
    role: t.field({ type: AgentRoleEnum, required: true }),
    model: t.string({ description: 'A model name or alias (e.g. sonnet); the CLI default when absent.' }),
    systemPrompt: t.string({ description: "Appended to the CLI's own system prompt." }),
    allowedTools: t.stringList({ description: 'Tool rules the agent may use without asking, e.g. Read, Bash(git diff:*).' }),
    disallowedTools: t.stringList(),
    permissionMode: t.field({ type: PermissionModeEnum }),
    maxTurns: t.int(),
    maxBudgetUsd: t.float(),
    workingDirectory: t.string({ description: "Relative to the session's working directory; must stay inside WORKSPACE_ROOT." }),
    resourceLimits: t.field({ type: ResourceLimitsInput }),
  }),
});

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: Agent,
    args: { input: t.arg({ type: CreateAgentInput, required: true }) },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError, CapacityReachedError, AgentRuntimeUnavailableError],
      union: { name: 'CreateAgentResult' },
      result: { name: 'CreateAgentSuccess' },
      dataField: { name: 'agent' },
    },
    resolve: (_root, { input }, ctx) =>
      ctx.services.agents.createAgent({
        sessionId: parseGlobalId(String(input.sessionId), 'Session', 'sessionId'),
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
      }),
  }),
  terminateAgent: t.field({
    type: Agent,
    args: { id: t.arg.id({ required: true }) },
    errors: {
      types: [InvalidInputError, NotFoundError],
      union: { name: 'TerminateAgentResult' },
      result: { name: 'TerminateAgentSuccess' },
      dataField: { name: 'agent' },
    },
    resolve: (_root, args, ctx) => ctx.services.agents.terminateAgent(parseGlobalId(String(args.id), 'Agent', 'id')),
  }),
  restartAgent: t.field({
    type: Agent,
    description: "Starts the agent's process again, resuming its CLI session; clears its crash record (a FAILED agent comes back).",
    args: { id: t.arg.id({ required: true }) },
    errors: {
      types: [InvalidInputError, NotFoundError, ConflictError, CapacityReachedError],
      union: { name: 'RestartAgentResult' },
      result: { name: 'RestartAgentSuccess' },
      dataField: { name: 'agent' },
    },
    resolve: (_root, args, ctx) => ctx.services.agents.restartAgent(parseGlobalId(String(args.id), 'Agent', 'id')),
  }),
}));
