import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { graphql } from '../../../gql';
import { EdgeLights } from './communication-edges';
import type { WorkflowTree } from './workflow-graph';

const SessionCommunications = graphql(`
  subscription ActiveEdges_Communications($sessionId: ID!) {
    agentCommunication(sessionId: $sessionId) {
      id
      messageType
      createdAt
      fromAgent {
        id
      }
      toAgent {
        id
      }
      task {
        id
      }
    }
  }
`);

const NOTHING_LIT: ReadonlySet<string> = new Set();

/**
 * The ids of the edges a message crossed in the last moments. Listens to the session's
 * communications from now on (no replay: an old message lights nothing).
 */
export function useActiveEdges(sessionId: string | undefined, tree: WorkflowTree | null): ReadonlySet<string> {
  const client = useClient();
  const [lights] = useState(() => new EdgeLights());
  // Bumped by each message and each light going out: the lit set is worked out again then.
  const [change, setChange] = useState(0);
  const [active, setActive] = useState<ReadonlySet<string>>(NOTHING_LIT);

  useEffect(() => {
    if (!sessionId) return;
    const subscription = client.subscription(SessionCommunications, { sessionId }).subscribe((result) => {
      const communication = result.data?.agentCommunication;
      if (!communication) return;
      lights.record(communication, Date.now());
      setChange((count) => count + 1);
    });
    return () => {
      subscription.unsubscribe();
      lights.clear();
    };
  }, [client, sessionId, lights]);

  useEffect(() => {
    const now = Date.now();
    setActive(tree ? lights.litAt(tree, now) : NOTHING_LIT);
    const next = lights.nextExpiry();
    if (next === undefined) return;
    const timer = setTimeout(() => setChange((count) => count + 1), Math.max(0, next - now));
    return () => clearTimeout(timer);
  }, [tree, change, lights]);

  return active;
}
