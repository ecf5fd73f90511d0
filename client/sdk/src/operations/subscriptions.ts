/** The Subscription operations of the public contract as async iterators. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AgentCommunicationSubscription,
  AgentStatusUpdatedSubscription,
  IncidentReportedSubscription,
  SystemStatusSubscription,
  TaskEventsSubscription,
  TaskUpdatedSubscription,
} from '../documents/subscriptions.js';
import type { EventStream } from '../streams/event-stream.js';
import { afterId, afterSeq, live, seqPerAgent, type StreamPosition } from '../streams/positions.js';
import type { AgentStatusEvent, Communication, Incident, SystemStatus, Task, TaskEvent } from '../types.js';
import { unmask } from '../unmask.js';

/** Opens a stream of one subscription document (see client.ts). */
export type OpenStream = <TData, TVariables, TEvent>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  select: (data: TData) => TEvent,
  position: StreamPosition<TEvent>,
) => EventStream<TEvent>;

export function subscriptionMethods(open: OpenStream) {
  return {
    /**
     * A task's transcript: the stored events after `afterSeq` (default 0: all of them), then live
     * ones. Ends by itself after the task's terminal status event. Across reconnects it resumes
     * after the last event delivered: no event is lost or repeated. GAP and OUTDATED_CURSOR are
     * events too: what the server could not store, or no longer keeps.
     */
    taskEvents(args: { taskId: string; afterSeq?: number }): EventStream<TaskEvent> {
      const start = args.afterSeq ?? 0;
      return open(TaskEventsSubscription, { taskId: args.taskId, afterSeq: start }, (data) => unmask(data.taskEvents), afterSeq(start));
    },

    /**
     * Messages as they are recorded, optionally for one session, agent (either end) or task. With
     * `after` (a message id) the stored ones after it come first. Once a message has been delivered,
     * reconnects resume after the last one: none is lost or repeated.
     */
    agentCommunication(args: { sessionId?: string; agentId?: string; taskId?: string; after?: string } = {}): EventStream<Communication> {
      return open(AgentCommunicationSubscription, { ...args }, (data) => unmask(data.agentCommunication), afterId(args.after));
    },

    /** Agent status transitions, optionally for one agent or session. Live only: a reconnect skips what happened meanwhile (Agent.statusHistory has it). */
    agentStatusUpdated(args: { agentId?: string; sessionId?: string } = {}): EventStream<AgentStatusEvent> {
      return open(AgentStatusUpdatedSubscription, { ...args }, (data) => unmask(data.agentStatusUpdated), seqPerAgent());
    },

    /** A task after each committed change of status or progress, optionally for one task, session or parent. Live only. */
    taskUpdated(args: { taskId?: string; sessionId?: string; parentTaskId?: string } = {}): EventStream<Task> {
      return open(TaskUpdatedSubscription, { ...args }, (data) => unmask(data.taskUpdated), live());
    },

    /** The systemStatus subscription: the status now, then after each change and periodically. */
    systemStatusUpdates(): EventStream<SystemStatus> {
      return open(SystemStatusSubscription, {}, (data) => unmask(data.systemStatus), live());
    },

    /** Every incident as it is recorded. Live only. */
    incidentReported(): EventStream<Incident> {
      return open(IncidentReportedSubscription, {}, (data) => unmask(data.incidentReported), live());
    },
  };
}
