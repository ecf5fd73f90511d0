import { allowsSession } from '../../auth/session-limit.js';
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
    seq: t.exposeInt('seq', { description: "Position in the agent's history, from 1, gap-free; page statusHistory with afterSeq." }),
    from: t.expose('fromStatus', { type: AgentStatusEnum, nullable: true, description: 'The status before (null only when there was none).' }),
    to: t.expose('toStatus', { type: AgentStatusEnum, description: 'The status after.' }),
    reason: t.exposeString('reason', { description: 'Why, for people (e.g. "process started", "terminated by request").' }),
    agent: t.field({ type: Agent, description: 'The agent that changed.', resolve: (event) => event.agentId }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the transition happened.' }),
  }),
});

builder.objectField(Agent, 'statusHistory', (t) =>
  t.field({
    type: [AgentStatusEvent],
    description: 'Status transitions in order, a page at a time.',
    args: {
      afterSeq: t.arg.int({ defaultValue: 0, description: 'Only events with a greater seq (the last one seen); below 0 counts as 0.' }),
      first: t.arg.int({ defaultValue: 100, description: 'Most events to return, clamped to 0 to 1000.' }),
    },
    resolve: (agent, args, ctx) =>
      ctx.services.lifecycle.history(agent.id, Math.max(0, args.afterSeq ?? 0), Math.min(Math.max(args.first ?? 100, 0), 1000)),
  }),
);

builder.subscriptionField('agentStatusUpdated', (t) =>
  t.field({
    type: AgentStatusEvent,
    description:
      'Every agent status transition from now on, optionally for one session or one agent (live only: read earlier ones with ' +
      'Agent.statusHistory). A malformed id is an INVALID_INPUT error.',
    args: {
      sessionId: t.arg.id({ description: 'Only agents of this session (global id); all when absent.' }),
      agentId: t.arg.id({ description: 'Only this agent (global id); all when absent.' }),
    },
    subscribe: (_root, args, ctx) => {
      const sessionId = parseOptionalGlobalId(args.sessionId?.toString(), 'Session', 'sessionId');
      const agentId = parseOptionalGlobalId(args.agentId?.toString(), 'Agent', 'agentId');
      return filtered(ctx.services.bus.subscribe('agentStatus', 'all'), (change) =>
        allowsSession(ctx.principal, change.agent.sessionId) &&
        (!sessionId || change.agent.sessionId === sessionId) &&
        (!agentId || change.agent.id === agentId),
      );
    },
    resolve: (change: AgentStatusChange) => change.event,
  }),
);
