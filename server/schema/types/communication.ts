import { allowsSession, onlyVisible, visibleSessionIds } from '../../auth/session-limit.js';
import type { CommunicationRow } from '../../db/types.js';
import { builder } from '../builder.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Agent } from './agent.js';
import { CommunicationTypeEnum } from './enums.js';
import { Session } from './session.js';
import { Task } from './task.js';

export const Communication = builder.loadableNode('Communication', {
  description: 'A message between agents, or between a person (or the system) and an agent.',
  authScopes: (message, ctx) => allowsSession(ctx.principal, message.sessionId),
  id: { resolve: (message: CommunicationRow) => message.id },
  load: async (ids: string[], ctx) => onlyVisible(ctx.principal, await ctx.services.communications.load(ids), (message) => message.sessionId),
  sort: (message) => message.id,
  fields: (t) => ({
    session: t.field({ type: Session, description: 'The session it was said in.', resolve: (message) => message.sessionId }),
    fromAgent: t.field({ type: Agent, nullable: true, description: 'Null when a person or the system spoke.', resolve: (m) => m.fromAgentId }),
    toAgent: t.field({ type: Agent, nullable: true, description: 'Null when spoken to a person or the system.', resolve: (m) => m.toAgentId }),
    task: t.field({ type: Task, nullable: true, description: 'The task it is about; null when none.', resolve: (message) => message.taskId }),
    messageType: t.expose('messageType', { type: CommunicationTypeEnum, description: 'What it carries: instructions, a result, a plan or a message.' }),
    content: t.exposeString('content', { description: 'The text, as sent.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
  }),
});

const CommunicationFilter = builder.inputType('CommunicationFilter', {
  description: 'Narrows the communications query; absent fields do not filter, given ones must all match.',
  fields: (t) => ({
    sessionId: t.id({ description: 'Only messages of this session (global id).' }),
    agentId: t.id({ description: 'Messages from or to this agent.' }),
    taskId: t.id({ description: 'Only messages about this task (global id).' }),
    messageType: t.field({ type: CommunicationTypeEnum, description: 'Only messages of this type.' }),
  }),
});

builder.queryField('communications', (t) =>
  t.connection(
    {
      type: Communication,
      description: 'Recorded messages, oldest first, a page at a time. A malformed filter id is an INVALID_INPUT error.',
      args: { filter: t.arg({ type: CommunicationFilter, description: 'Only messages that match; all when absent.' }) },
      resolve: (_root, { filter, ...args }, ctx) => {
        const ids = {
          sessionId: parseOptionalGlobalId(filter?.sessionId?.toString(), 'Session', 'filter.sessionId'),
          agentId: parseOptionalGlobalId(filter?.agentId?.toString(), 'Agent', 'filter.agentId'),
          taskId: parseOptionalGlobalId(filter?.taskId?.toString(), 'Task', 'filter.taskId'),
        };
        return resolveIdConnection(args, (page) =>
          ctx.services.communications.list({ ...ids, sessionIds: visibleSessionIds(ctx.principal), messageType: filter?.messageType ?? undefined }, page),
        );
      },
    },
    { description: 'A page of communications.' },
    { description: 'A communication and its cursor.' },
  ),
);

builder.subscriptionField('agentCommunication', (t) =>
  t.field({
    type: Communication,
    description:
      "Every message as it is recorded (instructions, results, plans, people's messages), optionally for one session, agent (either end) or task. With `after` (the id of the last message seen), the stored messages after it come first, then live ones, none twice.",
    args: {
      sessionId: t.arg.id({ description: 'Only messages of this session (global id); all when absent.' }),
      agentId: t.arg.id({ description: 'Only messages from or to this agent (global id); all when absent.' }),
      taskId: t.arg.id({ description: 'Only messages about this task (global id); all when absent.' }),
      after: t.arg.id({ description: 'The id of the last message seen: the stored ones after it are replayed first. Live only when absent.' }),
    },
    subscribe: (_root, args, ctx) =>
      ctx.services.communications.stream(
        {
          sessionId: parseOptionalGlobalId(args.sessionId?.toString(), 'Session', 'sessionId'),
          agentId: parseOptionalGlobalId(args.agentId?.toString(), 'Agent', 'agentId'),
          taskId: parseOptionalGlobalId(args.taskId?.toString(), 'Task', 'taskId'),
          sessionIds: visibleSessionIds(ctx.principal),
        },
        parseOptionalGlobalId(args.after?.toString(), 'Communication', 'after'),
      ),
    resolve: (message: CommunicationRow) => message,
  }),
);
