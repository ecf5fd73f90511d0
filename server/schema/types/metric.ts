import type { MetricRow } from '../../db/types.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Agent } from './agent.js';
import { Task } from './task.js';

const Metric = builder.objectRef<MetricRow>('Metric').implement({
  description: 'One measurement, such as run.duration (ms), run.cost (usd), run.input_tokens or run.output_tokens.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    value: t.exposeFloat('value'),
    unit: t.exposeString('unit'),
    agent: t.field({ type: Agent, nullable: true, resolve: (metric) => metric.agentId }),
    task: t.field({ type: Task, nullable: true, resolve: (metric) => metric.taskId }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
  }),
});

const MetricFilter = builder.inputType('MetricFilter', {
  fields: (t) => ({
    name: t.string(),
    agentId: t.id(),
    taskId: t.id(),
  }),
});

builder.queryField('metrics', (t) =>
  t.connection({
    type: Metric,
    args: { filter: t.arg({ type: MetricFilter }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const ids = {
        agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
        taskId: parseOptionalGlobalId(filter?.taskId?.toString(), 'Task', 'filter.taskId'),
      };
      return resolveIdConnection(args, (page) => ctx.services.metrics.list({ ...ids, name: filter?.name ?? undefined }, page));
    },
  }),
);
