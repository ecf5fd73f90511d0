import { useId, useState } from 'react';
import { useQuery } from 'urql';
import { graphql, useFragment as readFragment } from '../../../gql';
import type { TaskStatus } from '../../../gql/graphql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';
import { SessionFilter } from '../sessions/SessionFilter';
import { EmptyState } from '../ui/EmptyState';
import { ErrorMessage } from '../ui/ErrorMessage';
import { formatEnum } from '../ui/format';
import { JumpButton } from '../ui/JumpButton';
import { LoadingState } from '../ui/LoadingState';
import { PageHeader } from '../ui/PageHeader';
import { SegmentedControl } from '../ui/SegmentedControl';
import { SelectFilter } from '../ui/SelectFilter';
import { usePageTitle } from '../ui/usePageTitle';
import { CreateTaskForm } from './CreateTaskForm';
import { TASK_STATUSES, TaskBoard } from './TaskBoard';
import { TaskList } from './TaskList';
import { TaskRowFragment } from './TaskRow';
import { matchesSearch } from './task-search';

const TasksQuery = graphql(`
  query TasksPage_Tasks($filter: TaskFilter) {
    tasks(last: 100, filter: $filter) {
      edges {
        node {
          id
          status
          createdAt
          ...TaskRow_Task
        }
      }
      pageInfo {
        hasPreviousPage
        hasNextPage
      }
    }
  }
`);

const AgentsQuery = graphql(`
  query TasksPage_Agents($filter: AgentFilter) {
    agents(last: 100, filter: $filter) {
      edges {
        node {
          id
          createdAt
          name
        }
      }
    }
  }
`);

const STATUS_OPTIONS = TASK_STATUSES.map((status) => ({ value: status, label: formatEnum(status) }));
type View = 'list' | 'board';
const VIEW_OPTIONS = [
  { value: 'list', label: 'List' },
  { value: 'board', label: 'Board' },
] as const;

/** Tasks by status, filtered and searched, as a list or a board; and the form that creates one. */
export function TasksPage() {
  usePageTitle('Tasks');
  const [sessionId, setSessionId] = useState('');
  const [agentId, setAgentId] = useState('');
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [view, setView] = useState<View>('list');
  const searchId = useId();

  // The board has a column per status and no status filter to clear: a status chosen in the list does not apply to it.
  const shownStatus = view === 'list' ? status : '';
  const filter = { sessionId: sessionId || undefined, agentId: agentId || undefined, status: (shownStatus || undefined) as TaskStatus | undefined };
  const [{ data, fetching, error }, refetch] = useQuery({ query: TasksQuery, variables: { filter }, requestPolicy: 'cache-and-network' });
  useRefetchOnReconnect(refetch);
  const [{ data: agentsData }] = useQuery({ query: AgentsQuery, variables: { filter: { sessionId: sessionId || undefined } } });
  const agentOptions = (agentsData?.agents.edges ?? []).map((edge) => ({ value: edge.node.id, label: edge.node.name }));

  const tasks = (data?.tasks.edges ?? [])
    .map((edge) => edge.node)
    .reverse()
    .filter((node) => matchesSearch(readFragment(TaskRowFragment, node), search))
    .map((node) => ({ id: node.id, status: node.status, row: node }));
  const filtered = Boolean(sessionId || agentId || shownStatus || search);

  return (
    <div className="page page--with-aside">
      <div className="page__main">
        <PageHeader title="Tasks" meta={data ? `${tasks.length}${data.tasks.pageInfo.hasPreviousPage ? ' of the newest 100' : ''} shown` : undefined}>
          <SegmentedControl<View> label="View" value={view} options={VIEW_OPTIONS} onChange={setView} />
          <JumpButton targetId="new-task">New task ↓</JumpButton>
        </PageHeader>
        <div className="filters" role="search" aria-label="Filter tasks">
          <div className="filter filter--grow">
            <label htmlFor={searchId} className="filter__label">
              Search
            </label>
            <input id={searchId} type="search" value={search} placeholder="Title, description, agent, error…" onChange={(event) => setSearch(event.target.value)} />
          </div>
          <SessionFilter
            value={sessionId}
            onChange={(value) => {
              setSessionId(value);
              setAgentId('');
            }}
          />
          <SelectFilter label="Agent" value={agentId} options={agentOptions} anyLabel="Any agent" onChange={setAgentId} />
          {view === 'list' && <SelectFilter label="Status" value={status} options={STATUS_OPTIONS} anyLabel="Any status" onChange={setStatus} />}
        </div>
        {error && <ErrorMessage error={error} title="Tasks could not be loaded." onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
        {!data && fetching && <LoadingState label="Loading tasks…" />}
        {data && tasks.length === 0 && (
          <EmptyState title={filtered ? 'No task matches these filters.' : 'No tasks yet.'}>
            {!filtered && 'Create one with the form; it runs on the agent you choose or the first idle one.'}
          </EmptyState>
        )}
        {tasks.length > 0 && (view === 'list' ? <TaskList tasks={tasks} /> : <TaskBoard tasks={tasks} />)}
      </div>
      <aside className="page__aside panel" id="new-task" aria-label="Create a task">
        <CreateTaskForm preferredSessionId={sessionId || undefined} />
      </aside>
    </div>
  );
}

