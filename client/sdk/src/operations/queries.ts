/** The Query operations of the public contract as typed functions. */
import {
  AgentQuery,
  AgentsQuery,
  CommunicationsQuery,
  IncidentsQuery,
  MetricsQuery,
  NodeQuery,
  SessionQuery,
  SessionsQuery,
  SystemStatusQuery,
  TaskQuery,
  TasksQuery,
  TaskTranscriptQuery,
} from '../documents/queries.js';
import type { AgentFilter, CommunicationFilter, IncidentFilter, MetricFilter, SessionFilter, TaskFilter } from '../gql/graphql.js';
import { toPage, type ListArgs, type Page } from '../page.js';
import { toResult, type InvalidInputError, type NotFoundError, type Result } from '../results.js';
import type { Execute } from '../transport/http.js';
import type { Agent, AnyNode, Communication, Incident, Metric, Session, SystemStatus, Task, TaskEvent } from '../types.js';
import { unmask } from '../unmask.js';

/** What a lookup by id can return instead of the object. */
export type LookupError = NotFoundError | InvalidInputError;

export function queryMethods(execute: Execute) {
  return {
    /** Any object by its global id; null when there is none. */
    async node(id: string): Promise<AnyNode | null> {
      const data = await execute(NodeQuery, { id });
      if (data.session?.__typename === 'Session') return unmask(data.session);
      if (data.agent?.__typename === 'Agent') return unmask(data.agent);
      if (data.task?.__typename === 'Task') return unmask(data.task);
      if (data.communication?.__typename === 'Communication') return unmask(data.communication);
      if (data.incident?.__typename === 'Incident') return unmask(data.incident);
      return null;
    },

    async sessions(args: ListArgs<SessionFilter> = {}): Promise<Page<Session>> {
      return toPage((await execute(SessionsQuery, args)).sessions);
    },

    async session(id: string): Promise<Result<Session, LookupError>> {
      return toResult((await execute(SessionQuery, { id })).session, 'Session', unmask);
    },

    async agents(args: ListArgs<AgentFilter> = {}): Promise<Page<Agent>> {
      return toPage((await execute(AgentsQuery, args)).agents);
    },

    async agent(id: string): Promise<Result<Agent, LookupError>> {
      return toResult((await execute(AgentQuery, { id })).agent, 'Agent', unmask);
    },

    async tasks(args: ListArgs<TaskFilter> = {}): Promise<Page<Task>> {
      return toPage((await execute(TasksQuery, args)).tasks);
    },

    async task(id: string): Promise<Result<Task, LookupError>> {
      return toResult((await execute(TaskQuery, { id })).task, 'Task', unmask);
    },

    /** A page of a task's stored transcript, in seq order (`first` at most 1000, default 100). */
    async taskTranscript(taskId: string, page: { afterSeq?: number; first?: number } = {}): Promise<Result<TaskEvent[], LookupError>> {
      const { task } = await execute(TaskTranscriptQuery, { id: taskId, ...page });
      return toResult(task, 'Task', (found) => found.events.map(unmask));
    },

    async communications(args: ListArgs<CommunicationFilter> = {}): Promise<Page<Communication>> {
      return toPage((await execute(CommunicationsQuery, args)).communications);
    },

    /** Agents by status, the task queue, and the load of the node that answered. */
    async systemStatus(): Promise<SystemStatus> {
      return unmask((await execute(SystemStatusQuery, {})).systemStatus);
    },

    async metrics(args: ListArgs<MetricFilter> = {}): Promise<Page<Metric>> {
      return toPage((await execute(MetricsQuery, args)).metrics);
    },

    async incidents(args: ListArgs<IncidentFilter> = {}): Promise<Page<Incident>> {
      return toPage((await execute(IncidentsQuery, args)).incidents);
    },
  };
}
