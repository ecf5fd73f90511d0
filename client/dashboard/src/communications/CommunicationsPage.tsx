import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import type { CommunicationType } from '../../../gql/graphql';
import { formatEnum } from '../ui/format';
import { JumpButton } from '../ui/JumpButton';
import { PageHeader } from '../ui/PageHeader';
import { SelectFilter } from '../ui/SelectFilter';
import { usePageTitle } from '../ui/usePageTitle';
import { CommunicationFeed } from './CommunicationFeed';
import { SendMessageForm } from './SendMessageForm';

const FilterOptions = graphql(`
  query CommunicationsPage_FilterOptions {
    agents(last: 100) {
      edges {
        node {
          id
          createdAt
          name
        }
      }
    }
    tasks(last: 100) {
      edges {
        node {
          id
          createdAt
          title
        }
      }
    }
  }
`);

const TYPES: CommunicationType[] = ['TASK_ASSIGNMENT', 'TASK_RESULT', 'PLAN', 'MESSAGE'];
const TYPE_OPTIONS = TYPES.map((type) => ({ value: type, label: formatEnum(type) }));

/** The live feed of what agents and people say to each other, filtered by agent or task. */
export function CommunicationsPage() {
  usePageTitle('Communications');
  const [agentId, setAgentId] = useState('');
  const [taskId, setTaskId] = useState('');
  const [messageType, setMessageType] = useState('');
  const [{ data }] = useQuery({ query: FilterOptions, requestPolicy: 'cache-and-network' });
  const agentOptions = (data?.agents.edges ?? []).map((edge) => ({ value: edge.node.id, label: edge.node.name })).reverse();
  const taskOptions = (data?.tasks.edges ?? []).map((edge) => ({ value: edge.node.id, label: edge.node.title })).reverse();

  return (
    <div className="page page--with-aside">
      <div className="page__main">
        <PageHeader title="Communications">
          <JumpButton targetId="talk-to-agent">Talk to an agent ↓</JumpButton>
        </PageHeader>
        <div className="filters" role="search" aria-label="Filter communications">
          <SelectFilter label="Show agent" value={agentId} options={agentOptions} anyLabel="All agents" onChange={setAgentId} />
          <SelectFilter label="Show task" value={taskId} options={taskOptions} anyLabel="All tasks" onChange={setTaskId} />
          <SelectFilter label="Type" value={messageType} options={TYPE_OPTIONS} anyLabel="All types" onChange={setMessageType} />
        </div>
        <CommunicationFeed
          filter={{ agentId: agentId || undefined, taskId: taskId || undefined, messageType: (messageType || undefined) as CommunicationType | undefined }}
        />
      </div>
      <aside className="page__aside panel" id="talk-to-agent" aria-label="Talk to an agent">
        <SendMessageForm key={agentId} defaultAgentId={agentId || undefined} />
      </aside>
    </div>
  );
}
