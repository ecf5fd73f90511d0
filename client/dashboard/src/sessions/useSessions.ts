import { useQuery } from 'urql';
import { graphql } from '../../../gql';
import { useRefetchOnReconnect } from '../api/useRefetchOnReconnect';

const SessionsQuery = graphql(`
  query Sessions_List {
    sessions(last: 100) {
      edges {
        node {
          id
          name
          status
          workingDirectory
          createdAt
        }
      }
    }
  }
`);

/** The sessions, newest first. */
export function useSessions() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: SessionsQuery });
  useRefetchOnReconnect(refetch);
  const sessions = (data?.sessions.edges ?? []).map((edge) => edge.node).reverse();
  return { sessions, loading: fetching && !data, error };
}
