import { useCallback, useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../../../gql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { CommunicationFeed } from '../communications/CommunicationFeed';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatEnum } from '../ui/format';
import { LoadingState } from '../ui/LoadingState';
import { PageHeader } from '../ui/PageHeader';
import { StatusBadge } from '../ui/StatusBadge';
import { usePageTitle } from '../ui/usePageTitle';
import { TaskActions } from './TaskActions';
import { TaskRelations } from './TaskRelations';
import { TaskSummary } from './TaskSummary';
import { Transcript } from './Transcript';
import type { TranscriptEvent } from './transcript-model';
import { useTaskEventStream } from './useTaskEventStream';

const TaskQuery = graphql(`
  query TaskDetailPage_Task($id: ID!) {
    task(id: $id) {
      __typename
      ... on Task {
        id
        title
        description
        status
        result
        lastEventSeq
        error {
          type
          message
        }
        workflow {
          phase
        }
        ...TaskSummary_Task
        ...TaskRelations_Task
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** Events after which the task's cost, tokens, status or result have changed on the server. */
const SETTLING_KINDS = new Set(['RESULT', 'STATUS']);
/** Several such events often arrive together; one refetch covers them. */
const REFETCH_DELAY_MS = 300;

/** A task: its figures, its error or result, and its live transcript. */
export function TaskDetailPage({ taskId }: { taskId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: TaskQuery, variables: { id: taskId }, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(refetch);
  const task = data?.task.__typename === 'Task' ? data.task : undefined;
  usePageTitle(task ? task.title : 'Task');

  const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Events up to this seq were already reflected in the task the query returned.
  const knownSeq = useRef(0);
  useEffect(() => {
    if (task) knownSeq.current = Math.max(knownSeq.current, task.lastEventSeq);
  }, [task]);
  const onEvents = useCallback(
    (events: TranscriptEvent[]) => {
      if (!events.some((event) => event.seq > knownSeq.current && SETTLING_KINDS.has(event.kind))) return;
      clearTimeout(refetchTimer.current);
      refetchTimer.current = setTimeout(() => refetch({ requestPolicy: 'network-only' }), REFETCH_DELAY_MS);
    },
    [refetch],
  );
  const stream = useTaskEventStream(taskId, { onEvents, taskStatus: task?.status });
  useEffect(() => () => clearTimeout(refetchTimer.current), []);

  if (error && !data) return <ErrorMessage error={error} title="The task could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data && fetching) return <LoadingState label="Loading the task…" />;
  if (data && data.task.__typename !== 'Task') {
    return (
      <div className="page">
        <PageHeader title="Task not found" />
        <ErrorMessage error={'message' in data.task ? data.task.message : 'No such task.'} />
        <Link href="/tasks">Back to the task list</Link>
      </div>
    );
  }
  if (!task) return null;

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/tasks">Task list</Link> <span aria-hidden="true">/</span> <span aria-current="page">{task.title}</span>
      </nav>
      <PageHeader title={task.title} meta={<StatusBadge status={task.status} />}>
        {task.workflow && (
          <Link href={`/workflows/${encodeURIComponent(task.id)}`} className="button button--small">
            Workflow canvas ({formatEnum(task.workflow.phase)})
          </Link>
        )}
        <TaskActions taskId={task.id} status={task.status} />
      </PageHeader>

      {task.error && (
        <div className="callout callout--danger" role="note">
          <strong>{formatEnum(task.error.type)}</strong>: {task.error.message}
        </div>
      )}

      <TaskSummary task={task} liveEvents={stream.items} />

      {task.description && (
        <details className="panel" open={task.description.length < 800}>
          <summary className="panel__summary">Description</summary>
          <div className="prose">{task.description}</div>
        </details>
      )}
      {task.result && (
        <section className="panel" aria-labelledby="task-result-title">
          <h2 id="task-result-title">Result</h2>
          <div className="prose">{task.result}</div>
        </section>
      )}

      <TaskRelations task={task} />

      <ErrorMessage error={stream.error} title="The live transcript was interrupted." onRetry={stream.status === 'failed' ? stream.resume : undefined} />
      <Transcript events={stream.items} status={stream.status} />

      <section className="panel" aria-labelledby="task-communications-title">
        <h2 id="task-communications-title">Communications</h2>
        <CommunicationFeed filter={{ taskId: task.id }} compact />
      </section>
    </div>
  );
}
