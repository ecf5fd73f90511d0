/**
 * The fields the SDK returns for each type. Every operation spreads these, so one object type
 * (Task, Agent, ...) has one TypeScript type wherever it comes from.
 */
import { graphql } from '../gql/index.js';

export const SessionFields = graphql(`
  fragment SessionFields on Session {
    __typename
    id
    name
    status
    workingDirectory
    costUsd
    createdAt
    updatedAt
  }
`);

export const AgentFields = graphql(`
  fragment AgentFields on Agent {
    __typename
    id
    name
    role
    status
    runtime
    model
    permissionMode
    systemPrompt
    allowedTools
    disallowedTools
    maxTurns
    maxBudgetUsd
    workingDirectory
    resourceLimits {
      maxMemoryMb
      maxOutputBytes
      silenceTimeoutSeconds
      turnTimeoutSeconds
    }
    cliSessionId
    pid
    nodeId
    restartCount
    lastError
    totalCostUsd
    session {
      id
    }
    createdAt
    updatedAt
    terminatedAt
  }
`);

export const TaskFields = graphql(`
  fragment TaskFields on Task {
    __typename
    id
    title
    description
    status
    priority
    progress
    requiredRole
    attempts
    maxAttempts
    timeoutSeconds
    maxBudgetUsd
    result
    error {
      type
      message
    }
    costUsd
    usage {
      inputTokens
      outputTokens
      cacheReadTokens
      cacheCreationTokens
    }
    lastEventSeq
    retryAt
    session {
      id
    }
    agent {
      id
      name
      role
    }
    parentTask {
      id
    }
    dependsOn {
      id
    }
    workflow {
      phase
      description
      plan
      planErrors
      rejectedPlans
      maxWorkers
      subtaskMaxAttempts
      workerModel
      manager {
        id
        name
      }
      createdAt
      updatedAt
    }
    createdAt
    updatedAt
    startedAt
    finishedAt
  }
`);

export const TaskEventFields = graphql(`
  fragment TaskEventFields on TaskEvent {
    id
    seq
    kind
    payload
    runId
    createdAt
  }
`);

export const CommunicationFields = graphql(`
  fragment CommunicationFields on Communication {
    __typename
    id
    messageType
    content
    session {
      id
    }
    task {
      id
      title
    }
    fromAgent {
      id
      name
      role
    }
    toAgent {
      id
      name
      role
    }
    createdAt
  }
`);

export const IncidentFields = graphql(`
  fragment IncidentFields on Incident {
    __typename
    id
    type
    severity
    message
    recoveryAction
    recoveryResult
    agent {
      id
      name
    }
    task {
      id
      title
    }
    createdAt
  }
`);

export const MetricFields = graphql(`
  fragment MetricFields on Metric {
    id
    name
    value
    unit
    agent {
      id
    }
    task {
      id
    }
    recordedAt
  }
`);

export const AgentStatusEventFields = graphql(`
  fragment AgentStatusEventFields on AgentStatusEvent {
    seq
    from
    to
    reason
    agent {
      id
      name
      role
    }
    createdAt
  }
`);

export const SystemStatusFields = graphql(`
  fragment SystemStatusFields on SystemStatus {
    at
    nodeId
    activeAgents
    agents {
      status
      count
    }
    tasks {
      pending
      queued
      running
    }
    node {
      agentProcesses
      maxAgentProcesses
      cpus
      loadAverage1m
      rssMb
      heapUsedMb
      freeMemoryMb
      totalMemoryMb
      uptimeSeconds
      slowConnectionsCutOff
    }
  }
`);

export const PageInfoFields = graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    hasPreviousPage
    startCursor
    endCursor
  }
`);

/** Every expected failure a mutation or a lookup can return, with the fields of each kind. */
export const ErrorFields = graphql(`
  fragment ErrorFields on Error {
    __typename
    code
    message
    ... on NotFoundError {
      entity
      field
      missingId: id
    }
    ... on InvalidInputError {
      field
    }
    ... on ConflictError {
      field
    }
    ... on CapacityReachedError {
      limit
    }
    ... on AgentRuntimeUnavailableError {
      runtime
      binaryPath
    }
  }
`);
