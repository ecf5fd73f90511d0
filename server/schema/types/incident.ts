import type { IncidentRow } from '../../db/types.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Agent } from './agent.js';
import { IncidentSeverityEnum, IncidentTypeEnum } from './enums.js';
import { Task } from './task.js';

export const Incident = builder.loadableNode('Incident', {
  description: 'A crash, timeout, limit or other fault, classified, with the recovery taken.',
  id: { resolve: (incident: IncidentRow) => incident.id },
  load: (ids: string[], ctx) => ctx.services.incidents.load(ids),
  sort: (incident) => incident.id,
  fields: (t) => ({
    type: t.expose('type', { type: IncidentTypeEnum }),
    severity: t.expose('severity', { type: IncidentSeverityEnum }),
    message: t.exposeString('message'),
    agent: t.field({ type: Agent, nullable: true, resolve: (incident) => incident.agentId }),
    task: t.field({ type: Task, nullable: true, resolve: (incident) => incident.taskId }),
    recoveryAction: t.exposeString('recoveryAction', { nullable: true }),
    recoveryResult: t.exposeString('recoveryResult', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const IncidentFilter = builder.inputType('IncidentFilter', {
  fields: (t) => ({
    type: t.field({ type: IncidentTypeEnum }),
    severity: t.field({ type: IncidentSeverityEnum }),
    agentId: t.id(),
    taskId: t.id(),
  }),
});

builder.queryField('incidents', (t) =>
  t.connection({
    type: Incident,
    args: { filter: t.arg({ type: IncidentFilter }) },
    resolve: (_root, { filter, ...args }, ctx) => {
      const ids = {
        agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
        taskId: parseOptionalGlobalId(filter?.taskId?.toString(), 'Task', 'filter.taskId'),
      };
      return resolveIdConnection(args, (page) =>
        ctx.services.incidents.list({ ...ids, type: filter?.type ?? undefined, severity: filter?.severity ?? undefined }, page),
      );
    },
  }),
);

builder.subscriptionField('incidentReported', (t) =>
  t.field({
    type: Incident,
    description: 'Every incident as it is recorded.',
    subscribe: (_root, _args, ctx) => ctx.services.bus.subscribe('incident', 'all'),
    resolve: (incident: IncidentRow) => incident,
  }),
);
