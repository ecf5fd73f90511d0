import type { AgentEventRow } from '../../db/types.js';
import type { AgentStatusChange } from '../../realtime/event-bus.js';
import { builder } from '../builder.js';
import { filtered } from '../filtered.js';
import { parseOptionalGlobalId } from '../global-id.js';
import { Agent } from './agent.js';
import { AgentStatusEnum } from './enums.js';

export const AgentStatusEvent = builder.objectRef<AgentEventRow>('AgentStatusEvent').implement({
  description: "One transition of an agent's lifecycle, with its reason; seq is gap-free per agent.",
  fields: (t) => ({
    seq: t.exposeInt('seq'),
    from: t.expose('fromStatus', { type: AgentStatusEnum, nullable: true }),
    to: t.expose('toStatus', { type: AgentStatusEnum }),
    reason: t.exposeString('reason'),
    agent: t.field({ type: Agent, resolve: (event) => event.agentId }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectField(Agent, 'statusHistory', (t) =>
  t.field({
    type: [AgentStatusEvent],
    description: 'Status transitions in order, a page at a time.',
    args: { afterSeq: t.arg.int({ defaultValue: 0 }), first: t.arg.int({ defaultValue: 100 }) },
    resolve: (agent, args, ctx) =>
      ctx.services.lifecycle.history(agent.id, Math.max(0, args.afterSeq ?? 0), Math.min(Math.max(args.first ?? 100, 0), 1000)),
  }),
);

builder.subscriptionField('agentStatusUpdated', (t) =>
  t.field({
    type: AgentStatusEvent,
    description: 'Every agent status transition as it happens, optionally for one session or one agent.',
    args: { sessionId: t.arg.id(), agentId: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      const sessionId = parseOptionalGlobalId(args.sessionId?.toString(), 'Session', 'sessionId');
      const agentId = parseOptionalGlobalId(args.agentId?.toString(), 'Agent', 'agentId');
      return filtered(ctx.services.bus.subscribe('agentStatus', 'all'), (change) =>
        (!sessionId || change.agent.sessionId === sessionId) && (!agentId || change.agent.id === agentId),
      );
    },
    resolve: (change: AgentStatusChange) => change.event,
  }),
);
