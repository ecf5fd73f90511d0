import type { SystemStatus as SystemStatusShape } from '../../services/system-status.service.js';
import { builder } from '../builder.js';
import { AgentStatusEnum } from './enums.js';

const AgentStatusCount = builder.objectRef<SystemStatusShape['agents'][number]>('AgentStatusCount').implement({
  fields: (t) => ({
    status: t.expose('status', { type: AgentStatusEnum }),
    count: t.exposeInt('count'),
  }),
});

const TaskQueueCounts = builder.objectRef<SystemStatusShape['tasks']>('TaskQueueCounts').implement({
  description: 'Tasks that have not ended, by status.',
  fields: (t) => ({
    pending: t.exposeInt('pending', { description: 'Waiting on dependencies or subtasks.' }),
    queued: t.exposeInt('queued', { description: 'Waiting for an agent.' }),
    running: t.exposeInt('running'),
  }),
});

const NodeLoad = builder.objectRef<SystemStatusShape['node']>('NodeLoad').implement({
  description: 'The server node that answered: its load and memory, and its agent processes.',
  fields: (t) => ({
    loadAverage1m: t.exposeFloat('loadAverage1m'),
    cpus: t.exposeInt('cpus'),
    rssMb: t.exposeFloat('rssMb', { description: "The server process's resident memory." }),
    heapUsedMb: t.exposeFloat('heapUsedMb'),
    freeMemoryMb: t.exposeFloat('freeMemoryMb', { description: "The machine's free memory." }),
    totalMemoryMb: t.exposeFloat('totalMemoryMb'),
    uptimeSeconds: t.exposeInt('uptimeSeconds'),
    agentProcesses: t.exposeInt('agentProcesses', { description: 'Agent processes alive on this node.' }),
    maxAgentProcesses: t.exposeInt('maxAgentProcesses', { description: 'CLAUDE_MAX_AGENTS.' }),
    slowConnectionsCutOff: t.exposeInt('slowConnectionsCutOff', {
      description: 'WebSocket connections closed since start because their client stopped reading (CONSUMER_TOO_SLOW).',
    }),
  }),
});

const SystemStatus = builder.objectRef<SystemStatusShape>('SystemStatus').implement({
  description: 'Agents by status and the task queue (whole database), and the load of the node that answered.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    nodeId: t.exposeString('nodeId'),
    agents: t.field({ type: [AgentStatusCount], description: 'Every agent status with its count, zeros included.', resolve: (s) => s.agents }),
    activeAgents: t.int({
      description: 'Agents not TERMINATED or FAILED.',
      resolve: (s) => s.agents.filter((a) => a.status !== 'TERMINATED' && a.status !== 'FAILED').reduce((sum, a) => sum + a.count, 0),
    }),
    tasks: t.field({ type: TaskQueueCounts, resolve: (s) => s.tasks }),
    node: t.field({ type: NodeLoad, resolve: (s) => s.node }),
  }),
});

builder.queryField('systemStatus', (t) =>
  t.field({ type: SystemStatus, resolve: (_root, _args, ctx) => ctx.services.systemStatus.current() }),
);

builder.subscriptionField('systemStatus', (t) =>
  t.field({
    type: SystemStatus,
    description: 'The status now, then after each change (coalesced over 250 ms) and every SYSTEM_STATUS_INTERVAL_MS.',
    subscribe: (_root, _args, ctx) => ctx.services.systemStatus.stream(),
    resolve: (status: SystemStatusShape) => status,
  }),
);
