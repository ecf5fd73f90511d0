/** The operations tests use, written as a client would. */
export const CREATE_SESSION = /* GraphQL */ `
  mutation CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) {
      __typename
      ... on CreateSessionSuccess { session { id name workingDirectory status } }
      ... on Error { code message }
      ... on InvalidInputError { field }
    }
  }
`;

export const CREATE_AGENT = /* GraphQL */ `
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      __typename
      ... on CreateAgentSuccess { agent { id name role status pid cliSessionId lastError workingDirectory } }
      ... on Error { code message }
      ... on InvalidInputError { field }
      ... on ConflictError { field }
      ... on NotFoundError { field }
      ... on AgentRuntimeUnavailableError { binaryPath }
    }
  }
`;

export const CREATE_TASK = /* GraphQL */ `
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      __typename
      ... on CreateTaskSuccess { task { id title status lastEventSeq agent { id } } }
      ... on Error { code message }
      ... on InvalidInputError { field }
      ... on NotFoundError { field }
      ... on ConflictError { field }
    }
  }
`;

export const TASK = /* GraphQL */ `
  query Task($id: ID!) {
    task(id: $id) {
      __typename
      ... on Task {
        id title status result attempts costUsd lastEventSeq
        error { type message }
        usage { inputTokens outputTokens cacheReadTokens cacheCreationTokens }
        agent { id status }
        events(first: 1000) { seq kind payload runId }
      }
      ... on Error { code message }
    }
  }
`;

export const TASK_EVENTS = /* GraphQL */ `
  subscription TaskEvents($taskId: ID!, $afterSeq: Int) {
    taskEvents(taskId: $taskId, afterSeq: $afterSeq) { seq kind payload }
  }
`;

export const AGENT = /* GraphQL */ `
  query Agent($id: ID!) {
    agent(id: $id) {
      __typename
      ... on Agent { id name status pid lastError totalCostUsd }
      ... on Error { code message }
    }
  }
`;

export const TERMINATE_AGENT = /* GraphQL */ `
  mutation TerminateAgent($id: ID!) {
    terminateAgent(id: $id) {
      __typename
      ... on TerminateAgentSuccess { agent { id status pid lastError } }
      ... on Error { code message }
    }
  }
`;

/** An agent with its lifecycle: what fault tests read after each step. */
export const AGENT_STATE = /* GraphQL */ `
  query AgentState($id: ID!) {
    agent(id: $id) {
      __typename
      ... on Agent {
        id status pid cliSessionId lastError restartCount
        statusHistory(first: 100) { seq from to reason createdAt }
      }
    }
  }
`;
