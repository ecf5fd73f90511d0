import type { IncidentRow } from '../../db/types.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Agent } from './agent.js';
import { IncidentSeverityEnum, IncidentTypeEnum } from './enums.js';
import { Task } from './task.js';

export const Incident = builder.loadableNode('Incident', {
  description: 'A crash, timeout, limit or other fault, classified, with the recovery taken. Not for a token limited to sessions.',
  authScopes: { allSessions: true },
  id: { resolve: (incident: IncidentRow) => incident.id },
  load: (ids: string[], ctx) => ctx.services.incidents.load(ids),
  sort: (incident) => incident.id,
  fields: (t) => ({
    type: t.expose('type', { type: IncidentTypeEnum, description: 'What kind of fault it was.' }),
    severity: t.expose('severity', { type: IncidentSeverityEnum, description: 'How bad it is.' }),
    message: t.exposeString('message', { description: 'What happened, for people.' }),
    agent: t.field({ type: Agent, nullable: true, description: 'The agent involved; null when none.', resolve: (incident) => incident.agentId }),
    task: t.field({ type: Task, nullable: true, description: 'The task it cut short; null when none was running.', resolve: (incident) => incident.taskId }),
    recoveryAction: t.exposeString('recoveryAction', {
      nullable: true,
      description: 'What the server did about it (e.g. a restart after a delay); null when nothing.',
    }),
    recoveryResult: t.exposeString('recoveryResult', {
      nullable: true,
      description: 'How the recovery went; null while it is still under way or when there was none.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
  }),
});

const IncidentFilter = builder.inputType('IncidentFilter', {
  description: 'Narrows the incidents query; absent fields do not filter, given ones must all match.',
  fields: (t) => ({
    type: t.field({ type: IncidentTypeEnum, description: 'Only incidents of this type.' }),
    severity: t.field({ type: IncidentSeverityEnum, description: 'Only incidents of this severity.' }),
    agentId: t.id({ description: 'Only incidents of this agent (global id).' }),
    taskId: t.id({ description: 'Only incidents of this task (global id).' }),
  }),
});

builder.queryField('incidents', (t) =>
  t.connection(
    {
      type: Incident,
      // System-wide: not for a token limited to some sessions.
      authScopes: { allSessions: true },
      description: 'Recorded incidents, oldest first, a page at a time. A malformed filter id is an INVALID_INPUT error. Not for a token limited to sessions.',
      args: { filter: t.arg({ type: IncidentFilter, description: 'Only incidents that match; all when absent.' }) },
      resolve: (_root, { filter, ...args }, ctx) => {
        const ids = {
          agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
          taskId: parseOptionalGlobalId(filter?.taskId?.toString(), 'Task', 'filter.taskId'),
        };
        return resolveIdConnection(args, (page) =>
          ctx.services.incidents.list({ ...ids, type: filter?.type ?? undefined, severity: filter?.severity ?? undefined }, page),
        );
      },
    },
    { description: 'A page of incidents.' },
    { description: 'An incident and its cursor.' },
  ),
);

builder.subscriptionField('incidentReported', (t) =>
  t.field({
    type: Incident,
    // System-wide: not for a token limited to some sessions.
    authScopes: { allSessions: true },
    description: 'Every incident as it is recorded, from now on (live only: read earlier ones with the incidents query). Not for a token limited to sessions.',
    subscribe: (_root, _args, ctx) => ctx.services.bus.subscribe('incident', 'all'),
    resolve: (incident: IncidentRow) => incident,
  }),
);
