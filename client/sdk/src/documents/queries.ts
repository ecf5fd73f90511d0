/** The Query operations of the public contract, one document each. */
import { graphql } from '../gql/index.js';

// One alias per type: the types' fragments share field names of different types (status), which
// GraphQL forbids under one selection, while each alias resolves the same node on its own.
export const NodeQuery = graphql(`
  query Node($id: ID!) {
    session: node(id: $id) {
      __typename
      ... on Session {
        ...SessionFields
      }
    }
    agent: node(id: $id) {
      __typename
      ... on Agent {
        ...AgentFields
      }
    }
    task: node(id: $id) {
      __typename
      ... on Task {
        ...TaskFields
      }
    }
    communication: node(id: $id) {
      __typename
      ... on Communication {
        ...CommunicationFields
      }
    }
    incident: node(id: $id) {
      __typename
      ... on Incident {
        ...IncidentFields
      }
    }
  }
`);

export const SessionsQuery = graphql(`
  query Sessions($filter: SessionFilter, $first: Int, $after: String, $last: Int, $before: String) {
    sessions(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...SessionFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
`);

export const SessionQuery = graphql(`
  query Session($id: ID!) {
    session(id: $id) {
      __typename
      ...SessionFields
      ...ErrorFields
    }
  }
`);

export const AgentsQuery = graphql(`
  query Agents($filter: AgentFilter, $first: Int, $after: String, $last: Int, $before: String) {
    agents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...AgentFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
`);

export const AgentQuery = graphql(`
  query Agent($id: ID!) {
    agent(id: $id) {
      __typename
      ...AgentFields
      ...ErrorFields
    }
  }
`);

export const TasksQuery = graphql(`
  query Tasks($filter: TaskFilter, $first: Int, $after: String, $last: Int, $before: String) {
    tasks(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...TaskFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
`);

export const TaskQuery = graphql(`
  query Task($id: ID!) {
    task(id: $id) {
      __typename
      ...TaskFields
      ...ErrorFields
    }
  }
`);

export const TaskTranscriptQuery = graphql(`
  query TaskTranscript($id: ID!, $afterSeq: Int, $first: Int) {
    task(id: $id) {
      __typename
      ... on Task {
        events(afterSeq: $afterSeq, first: $first) {
          ...TaskEventFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const CommunicationsQuery = graphql(`
  query Communications($filter: CommunicationFilter, $first: Int, $after: String, $last: Int, $before: String) {
    communications(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...CommunicationFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
`);

export const SystemStatusQuery = graphql(`
  query SystemStatus {
    systemStatus {
      ...SystemStatusFields
    }
  }
`);

export const MetricsQuery = graphql(`
  query Metrics($filter: MetricFilter, $first: Int, $after: String, $last: Int, $before: String) {
    metrics(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...MetricFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
`);

export const IncidentsQuery = graphql(`
  query Incidents($filter: IncidentFilter, $first: Int, $after: String, $last: Int, $before: String) {
    incidents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...IncidentFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
`);
