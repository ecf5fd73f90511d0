import type { SystemStatus as SystemStatusShape } from '../../services/system-status.service.js';
import { builder } from '../builder.js';
import { AgentStatusEnum } from './enums.js';

const AgentStatusCount = builder.objectRef<SystemStatusShape['agents'][number]>('AgentStatusCount').implement({
  description: 'How many agents have one status.',
  fields: (t) => ({
    status: t.expose('status', { type: AgentStatusEnum, description: 'The status counted.' }),
    count: t.exposeInt('count', { description: 'Agents with this status, in every session.' }),
  }),
});

const TaskQueueCounts = builder.objectRef<SystemStatusShape['tasks']>('TaskQueueCounts').implement({
  description: 'Tasks that have not ended, by status.',
  fields: (t) => ({
    pending: t.exposeInt('pending', { description: 'Waiting on dependencies or subtasks.' }),
    queued: t.exposeInt('queued', { description: 'Waiting for an agent.' }),
    running: t.exposeInt('running', { description: 'Being worked on by an agent.' }),
  }),
});

const NodeLoad = builder.objectRef<SystemStatusShape['node']>('NodeLoad').implement({
  description: 'The server node that answered: its load and memory, and its agent processes.',
  fields: (t) => ({
    loadAverage1m: t.exposeFloat('loadAverage1m', { description: "The machine's load average over the last minute (compare with cpus)." }),
    cpus: t.exposeInt('cpus', { description: 'Logical CPUs of the machine.' }),
    rssMb: t.exposeFloat('rssMb', { description: "The server process's resident memory, in MB." }),
    heapUsedMb: t.exposeFloat('heapUsedMb', { description: "The server process's JavaScript heap in use, in MB." }),
    freeMemoryMb: t.exposeFloat('freeMemoryMb', { description: "The machine's free memory, in MB." }),
    totalMemoryMb: t.exposeFloat('totalMemoryMb', { description: "The machine's total memory, in MB." }),
    uptimeSeconds: t.exposeInt('uptimeSeconds', { description: 'Seconds since the server process started.' }),
    agentProcesses: t.exposeInt('agentProcesses', { description: 'Agent processes alive on this node.' }),
    maxAgentProcesses: t.exposeInt('maxAgentProcesses', { description: 'Most agent processes this node runs at once (CLAUDE_MAX_AGENTS).' }),
    slowConnectionsCutOff: t.exposeInt('slowConnectionsCutOff', {
      description: 'WebSocket connections closed since start because their client stopped reading (CONSUMER_TOO_SLOW).',
    }),
  }),
});

const SystemStatus = builder.objectRef<SystemStatusShape>('SystemStatus').implement({
  description: 'Agents by status and the task queue (whole database), and the load of the node that answered.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'When these figures were taken.' }),
    nodeId: t.exposeString('nodeId', { description: 'The node that answered (NODE_ID).' }),
    agents: t.field({ type: [AgentStatusCount], description: 'Every agent status with its count, zeros included.', resolve: (s) => s.agents }),
    activeAgents: t.int({
      description: 'Agents not TERMINATED or FAILED.',
      resolve: (s) => s.agents.filter((a) => a.status !== 'TERMINATED' && a.status !== 'FAILED').reduce((sum, a) => sum + a.count, 0),
    }),
    tasks: t.field({ type: TaskQueueCounts, description: 'Tasks that have not ended, by status, in every session.', resolve: (s) => s.tasks }),
    node: t.field({ type: NodeLoad, description: 'The load of the node that answered.', resolve: (s) => s.node }),
  }),
});

builder.queryField('systemStatus', (t) =>
  t.field({
    type: SystemStatus,
    // System-wide: not for a token limited to some sessions.
    authScopes: { allSessions: true },
    description: 'Agents by status, the task queue and the load of the node that answered, now. Not for a token limited to sessions.',
    resolve: (_root, _args, ctx) => ctx.services.systemStatus.current(),
  }),
);

builder.subscriptionField('systemStatus', (t) =>
  t.field({
    type: SystemStatus,
    // System-wide: not for a token limited to some sessions.
    authScopes: { allSessions: true },
    description:
      'The status now, then after each change (coalesced over 250 ms) and every SYSTEM_STATUS_INTERVAL_MS. Not for a token limited to sessions.',
    subscribe: (_root, _args, ctx) => ctx.services.systemStatus.stream(),
    resolve: (status: SystemStatusShape) => status,
  }),
);
