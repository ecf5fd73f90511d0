import type { MetricRow } from '../../db/types.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Agent } from './agent.js';
import { Task } from './task.js';

const Metric = builder.objectRef<MetricRow>('Metric').implement({
  description: 'One measurement, such as run.duration (ms), run.cost (usd), run.input_tokens or run.output_tokens.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The measurement\'s own id (not a global id: metrics are not nodes).' }),
    name: t.exposeString('name', { description: 'What was measured: run.duration, run.cost, run.input_tokens or run.output_tokens.' }),
    value: t.exposeFloat('value', { description: 'The measurement, in unit.' }),
    unit: t.exposeString('unit', { description: 'ms, usd or tokens.' }),
    agent: t.field({ type: Agent, nullable: true, description: 'The agent measured; null when none.', resolve: (metric) => metric.agentId }),
    task: t.field({ type: Task, nullable: true, description: 'The task measured; null when none.', resolve: (metric) => metric.taskId }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime', description: 'When it was measured (the end of the run).' }),
  }),
});

const MetricFilter = builder.inputType('MetricFilter', {
  description: 'Narrows the metrics query; absent fields do not filter, given ones must all match.',
  fields: (t) => ({
    name: t.string({ description: 'Only measurements with exactly this name, e.g. run.cost.' }),
    agentId: t.id({ description: 'Only measurements of this agent (global id).' }),
    taskId: t.id({ description: 'Only measurements of this task (global id).' }),
    recordedAfter: t.field({
      type: 'DateTime',
      description: 'Only measurements recorded at or after this instant: the start of a time window (inclusive).',
    }),
    recordedBefore: t.field({
      type: 'DateTime',
      description: 'Only measurements recorded before this instant: the end of a time window (exclusive, so adjacent windows never share a measurement).',
    }),
  }),
});

builder.queryField('metrics', (t) =>
  t.connection(
    {
      type: Metric,
      // System-wide: not for a token limited to some sessions.
      authScopes: { allSessions: true },
      description: "Measurements, oldest first, a page at a time: each run's duration, cost and tokens. A malformed filter id is an INVALID_INPUT error. Not for a token limited to sessions.",
      args: { filter: t.arg({ type: MetricFilter, description: 'Only measurements that match; all when absent.' }) },
      resolve: (_root, { filter, ...args }, ctx) => {
        const ids = {
          agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
          taskId: parseOptionalGlobalId(filter?.taskId?.toString(), 'Task', 'filter.taskId'),
        };
        const window = { recordedAfter: filter?.recordedAfter ?? undefined, recordedBefore: filter?.recordedBefore ?? undefined };
        return resolveIdConnection(args, (page) => ctx.services.metrics.list({ ...ids, ...window, name: filter?.name ?? undefined }, page));
      },
    },
    { description: 'A page of measurements.' },
    { description: 'A measurement and its cursor.' },
  ),
);
