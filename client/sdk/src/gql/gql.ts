/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SessionFields on Session {\n    __typename\n    id\n    name\n    status\n    workingDirectory\n    costUsd\n    createdAt\n    updatedAt\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  fragment AgentFields on Agent {\n    __typename\n    id\n    name\n    role\n    status\n    runtime\n    model\n    permissionMode\n    systemPrompt\n    allowedTools\n    disallowedTools\n    maxTurns\n    maxBudgetUsd\n    workingDirectory\n    resourceLimits {\n      maxMemoryMb\n      maxOutputBytes\n      silenceTimeoutSeconds\n      turnTimeoutSeconds\n    }\n    cliSessionId\n    pid\n    nodeId\n    restartCount\n    lastError\n    totalCostUsd\n    session {\n      id\n    }\n    createdAt\n    updatedAt\n    terminatedAt\n  }\n": typeof types.AgentFieldsFragmentDoc,
    "\n  fragment TaskFields on Task {\n    __typename\n    id\n    title\n    description\n    status\n    priority\n    progress\n    requiredRole\n    attempts\n    maxAttempts\n    timeoutSeconds\n    maxBudgetUsd\n    result\n    error {\n      type\n      message\n    }\n    costUsd\n    usage {\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheCreationTokens\n    }\n    lastEventSeq\n    retryAt\n    session {\n      id\n    }\n    agent {\n      id\n      name\n      role\n    }\n    parentTask {\n      id\n    }\n    dependsOn {\n      id\n    }\n    workflow {\n      phase\n      description\n      plan\n      planErrors\n      rejectedPlans\n      maxWorkers\n      subtaskMaxAttempts\n      workerModel\n      manager {\n        id\n        name\n      }\n      createdAt\n      updatedAt\n    }\n    createdAt\n    updatedAt\n    startedAt\n    finishedAt\n  }\n": typeof types.TaskFieldsFragmentDoc,
    "\n  fragment TaskEventFields on TaskEvent {\n    id\n    seq\n    kind\n    payload\n    runId\n    createdAt\n  }\n": typeof types.TaskEventFieldsFragmentDoc,
    "\n  fragment CommunicationFields on Communication {\n    __typename\n    id\n    messageType\n    content\n    session {\n      id\n    }\n    task {\n      id\n      title\n    }\n    fromAgent {\n      id\n      name\n      role\n    }\n    toAgent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n": typeof types.CommunicationFieldsFragmentDoc,
    "\n  fragment IncidentFields on Incident {\n    __typename\n    id\n    type\n    severity\n    message\n    recoveryAction\n    recoveryResult\n    agent {\n      id\n      name\n    }\n    task {\n      id\n      title\n    }\n    createdAt\n  }\n": typeof types.IncidentFieldsFragmentDoc,
    "\n  fragment MetricFields on Metric {\n    id\n    name\n    value\n    unit\n    agent {\n      id\n    }\n    task {\n      id\n    }\n    recordedAt\n  }\n": typeof types.MetricFieldsFragmentDoc,
    "\n  fragment AgentStatusEventFields on AgentStatusEvent {\n    seq\n    from\n    to\n    reason\n    agent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n": typeof types.AgentStatusEventFieldsFragmentDoc,
    "\n  fragment SystemStatusFields on SystemStatus {\n    at\n    nodeId\n    activeAgents\n    agents {\n      status\n      count\n    }\n    tasks {\n      pending\n      queued\n      running\n    }\n    node {\n      agentProcesses\n      maxAgentProcesses\n      cpus\n      loadAverage1m\n      rssMb\n      heapUsedMb\n      freeMemoryMb\n      totalMemoryMb\n      uptimeSeconds\n      slowConnectionsCutOff\n    }\n  }\n": typeof types.SystemStatusFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n": typeof types.PageInfoFieldsFragmentDoc,
    "\n  fragment ErrorFields on Error {\n    __typename\n    code\n    message\n    ... on NotFoundError {\n      entity\n      field\n      missingId: id\n    }\n    ... on InvalidInputError {\n      field\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on CapacityReachedError {\n      limit\n    }\n    ... on AgentRuntimeUnavailableError {\n      runtime\n      binaryPath\n    }\n  }\n": typeof types.ErrorFieldsFragmentDoc,
    "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      __typename\n      ... on CreateSessionSuccess {\n        session {\n          ...SessionFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateSessionDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      __typename\n      ... on CreateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateAgentDocument,
    "\n  mutation TerminateAgent($id: ID!) {\n    terminateAgent(id: $id) {\n      __typename\n      ... on TerminateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.TerminateAgentDocument,
    "\n  mutation RestartAgent($id: ID!) {\n    restartAgent(id: $id) {\n      __typename\n      ... on RestartAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.RestartAgentDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on CreateTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.CreateTaskDocument,
    "\n  mutation AssignTask($taskId: ID!, $agentId: ID!) {\n    assignTask(taskId: $taskId, agentId: $agentId) {\n      __typename\n      ... on AssignTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.AssignTaskDocument,
    "\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      __typename\n      ... on CancelTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.CancelTaskDocument,
    "\n  mutation RetryTask($id: ID!) {\n    retryTask(id: $id) {\n      __typename\n      ... on RetryTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.RetryTaskDocument,
    "\n  mutation StartWorkflow($input: StartWorkflowInput!) {\n    startWorkflow(input: $input) {\n      __typename\n      ... on StartWorkflowSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.StartWorkflowDocument,
    "\n  mutation SendMessage($agentId: ID!, $content: String!) {\n    sendMessage(agentId: $agentId, content: $content) {\n      __typename\n      ... on SendMessageSuccess {\n        communication {\n          ...CommunicationFields\n        }\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  query Node($id: ID!) {\n    session: node(id: $id) {\n      __typename\n      ... on Session {\n        ...SessionFields\n      }\n    }\n    agent: node(id: $id) {\n      __typename\n      ... on Agent {\n        ...AgentFields\n      }\n    }\n    task: node(id: $id) {\n      __typename\n      ... on Task {\n        ...TaskFields\n      }\n    }\n    communication: node(id: $id) {\n      __typename\n      ... on Communication {\n        ...CommunicationFields\n      }\n    }\n    incident: node(id: $id) {\n      __typename\n      ... on Incident {\n        ...IncidentFields\n      }\n    }\n  }\n": typeof types.NodeDocument,
    "\n  query Sessions($filter: SessionFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    sessions(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...SessionFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.SessionsDocument,
    "\n  query Session($id: ID!) {\n    session(id: $id) {\n      __typename\n      ...SessionFields\n      ...ErrorFields\n    }\n  }\n": typeof types.SessionDocument,
    "\n  query Agents($filter: AgentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    agents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.AgentsDocument,
    "\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      __typename\n      ...AgentFields\n      ...ErrorFields\n    }\n  }\n": typeof types.AgentDocument,
    "\n  query Tasks($filter: TaskFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    tasks(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.TasksDocument,
    "\n  query Task($id: ID!) {\n    task(id: $id) {\n      __typename\n      ...TaskFields\n      ...ErrorFields\n    }\n  }\n": typeof types.TaskDocument,
    "\n  query TaskTranscript($id: ID!, $afterSeq: Int, $first: Int) {\n    task(id: $id) {\n      __typename\n      ... on Task {\n        events(afterSeq: $afterSeq, first: $first) {\n          ...TaskEventFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": typeof types.TaskTranscriptDocument,
    "\n  query Communications($filter: CommunicationFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    communications(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...CommunicationFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.CommunicationsDocument,
    "\n  query SystemStatus {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n": typeof types.SystemStatusDocument,
    "\n  query Metrics($filter: MetricFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    metrics(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MetricFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.MetricsDocument,
    "\n  query Incidents($filter: IncidentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    incidents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...IncidentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": typeof types.IncidentsDocument,
    "\n  subscription TaskEvents($taskId: ID!, $afterSeq: Int) {\n    taskEvents(taskId: $taskId, afterSeq: $afterSeq) {\n      ...TaskEventFields\n    }\n  }\n": typeof types.TaskEventsDocument,
    "\n  subscription AgentCommunication($sessionId: ID, $agentId: ID, $taskId: ID, $after: ID) {\n    agentCommunication(sessionId: $sessionId, agentId: $agentId, taskId: $taskId, after: $after) {\n      ...CommunicationFields\n    }\n  }\n": typeof types.AgentCommunicationDocument,
    "\n  subscription AgentStatusUpdated($agentId: ID, $sessionId: ID) {\n    agentStatusUpdated(agentId: $agentId, sessionId: $sessionId) {\n      ...AgentStatusEventFields\n    }\n  }\n": typeof types.AgentStatusUpdatedDocument,
    "\n  subscription TaskUpdated($taskId: ID, $sessionId: ID, $parentTaskId: ID) {\n    taskUpdated(taskId: $taskId, sessionId: $sessionId, parentTaskId: $parentTaskId) {\n      ...TaskFields\n    }\n  }\n": typeof types.TaskUpdatedDocument,
    "\n  subscription SystemStatusUpdates {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n": typeof types.SystemStatusUpdatesDocument,
    "\n  subscription IncidentReported {\n    incidentReported {\n      ...IncidentFields\n    }\n  }\n": typeof types.IncidentReportedDocument,
};
const documents: Documents = {
    "\n  fragment SessionFields on Session {\n    __typename\n    id\n    name\n    status\n    workingDirectory\n    costUsd\n    createdAt\n    updatedAt\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  fragment AgentFields on Agent {\n    __typename\n    id\n    name\n    role\n    status\n    runtime\n    model\n    permissionMode\n    systemPrompt\n    allowedTools\n    disallowedTools\n    maxTurns\n    maxBudgetUsd\n    workingDirectory\n    resourceLimits {\n      maxMemoryMb\n      maxOutputBytes\n      silenceTimeoutSeconds\n      turnTimeoutSeconds\n    }\n    cliSessionId\n    pid\n    nodeId\n    restartCount\n    lastError\n    totalCostUsd\n    session {\n      id\n    }\n    createdAt\n    updatedAt\n    terminatedAt\n  }\n": types.AgentFieldsFragmentDoc,
    "\n  fragment TaskFields on Task {\n    __typename\n    id\n    title\n    description\n    status\n    priority\n    progress\n    requiredRole\n    attempts\n    maxAttempts\n    timeoutSeconds\n    maxBudgetUsd\n    result\n    error {\n      type\n      message\n    }\n    costUsd\n    usage {\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheCreationTokens\n    }\n    lastEventSeq\n    retryAt\n    session {\n      id\n    }\n    agent {\n      id\n      name\n      role\n    }\n    parentTask {\n      id\n    }\n    dependsOn {\n      id\n    }\n    workflow {\n      phase\n      description\n      plan\n      planErrors\n      rejectedPlans\n      maxWorkers\n      subtaskMaxAttempts\n      workerModel\n      manager {\n        id\n        name\n      }\n      createdAt\n      updatedAt\n    }\n    createdAt\n    updatedAt\n    startedAt\n    finishedAt\n  }\n": types.TaskFieldsFragmentDoc,
    "\n  fragment TaskEventFields on TaskEvent {\n    id\n    seq\n    kind\n    payload\n    runId\n    createdAt\n  }\n": types.TaskEventFieldsFragmentDoc,
    "\n  fragment CommunicationFields on Communication {\n    __typename\n    id\n    messageType\n    content\n    session {\n      id\n    }\n    task {\n      id\n      title\n    }\n    fromAgent {\n      id\n      name\n      role\n    }\n    toAgent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n": types.CommunicationFieldsFragmentDoc,
    "\n  fragment IncidentFields on Incident {\n    __typename\n    id\n    type\n    severity\n    message\n    recoveryAction\n    recoveryResult\n    agent {\n      id\n      name\n    }\n    task {\n      id\n      title\n    }\n    createdAt\n  }\n": types.IncidentFieldsFragmentDoc,
    "\n  fragment MetricFields on Metric {\n    id\n    name\n    value\n    unit\n    agent {\n      id\n    }\n    task {\n      id\n    }\n    recordedAt\n  }\n": types.MetricFieldsFragmentDoc,
    "\n  fragment AgentStatusEventFields on AgentStatusEvent {\n    seq\n    from\n    to\n    reason\n    agent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n": types.AgentStatusEventFieldsFragmentDoc,
    "\n  fragment SystemStatusFields on SystemStatus {\n    at\n    nodeId\n    activeAgents\n    agents {\n      status\n      count\n    }\n    tasks {\n      pending\n      queued\n      running\n    }\n    node {\n      agentProcesses\n      maxAgentProcesses\n      cpus\n      loadAverage1m\n      rssMb\n      heapUsedMb\n      freeMemoryMb\n      totalMemoryMb\n      uptimeSeconds\n      slowConnectionsCutOff\n    }\n  }\n": types.SystemStatusFieldsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n": types.PageInfoFieldsFragmentDoc,
    "\n  fragment ErrorFields on Error {\n    __typename\n    code\n    message\n    ... on NotFoundError {\n      entity\n      field\n      missingId: id\n    }\n    ... on InvalidInputError {\n      field\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on CapacityReachedError {\n      limit\n    }\n    ... on AgentRuntimeUnavailableError {\n      runtime\n      binaryPath\n    }\n  }\n": types.ErrorFieldsFragmentDoc,
    "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      __typename\n      ... on CreateSessionSuccess {\n        session {\n          ...SessionFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.CreateSessionDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      __typename\n      ... on CreateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.CreateAgentDocument,
    "\n  mutation TerminateAgent($id: ID!) {\n    terminateAgent(id: $id) {\n      __typename\n      ... on TerminateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.TerminateAgentDocument,
    "\n  mutation RestartAgent($id: ID!) {\n    restartAgent(id: $id) {\n      __typename\n      ... on RestartAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.RestartAgentDocument,
    "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on CreateTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.CreateTaskDocument,
    "\n  mutation AssignTask($taskId: ID!, $agentId: ID!) {\n    assignTask(taskId: $taskId, agentId: $agentId) {\n      __typename\n      ... on AssignTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.AssignTaskDocument,
    "\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      __typename\n      ... on CancelTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.CancelTaskDocument,
    "\n  mutation RetryTask($id: ID!) {\n    retryTask(id: $id) {\n      __typename\n      ... on RetryTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.RetryTaskDocument,
    "\n  mutation StartWorkflow($input: StartWorkflowInput!) {\n    startWorkflow(input: $input) {\n      __typename\n      ... on StartWorkflowSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.StartWorkflowDocument,
    "\n  mutation SendMessage($agentId: ID!, $content: String!) {\n    sendMessage(agentId: $agentId, content: $content) {\n      __typename\n      ... on SendMessageSuccess {\n        communication {\n          ...CommunicationFields\n        }\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.SendMessageDocument,
    "\n  query Node($id: ID!) {\n    session: node(id: $id) {\n      __typename\n      ... on Session {\n        ...SessionFields\n      }\n    }\n    agent: node(id: $id) {\n      __typename\n      ... on Agent {\n        ...AgentFields\n      }\n    }\n    task: node(id: $id) {\n      __typename\n      ... on Task {\n        ...TaskFields\n      }\n    }\n    communication: node(id: $id) {\n      __typename\n      ... on Communication {\n        ...CommunicationFields\n      }\n    }\n    incident: node(id: $id) {\n      __typename\n      ... on Incident {\n        ...IncidentFields\n      }\n    }\n  }\n": types.NodeDocument,
    "\n  query Sessions($filter: SessionFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    sessions(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...SessionFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.SessionsDocument,
    "\n  query Session($id: ID!) {\n    session(id: $id) {\n      __typename\n      ...SessionFields\n      ...ErrorFields\n    }\n  }\n": types.SessionDocument,
    "\n  query Agents($filter: AgentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    agents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.AgentsDocument,
    "\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      __typename\n      ...AgentFields\n      ...ErrorFields\n    }\n  }\n": types.AgentDocument,
    "\n  query Tasks($filter: TaskFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    tasks(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.TasksDocument,
    "\n  query Task($id: ID!) {\n    task(id: $id) {\n      __typename\n      ...TaskFields\n      ...ErrorFields\n    }\n  }\n": types.TaskDocument,
    "\n  query TaskTranscript($id: ID!, $afterSeq: Int, $first: Int) {\n    task(id: $id) {\n      __typename\n      ... on Task {\n        events(afterSeq: $afterSeq, first: $first) {\n          ...TaskEventFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n": types.TaskTranscriptDocument,
    "\n  query Communications($filter: CommunicationFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    communications(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...CommunicationFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.CommunicationsDocument,
    "\n  query SystemStatus {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n": types.SystemStatusDocument,
    "\n  query Metrics($filter: MetricFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    metrics(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MetricFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.MetricsDocument,
    "\n  query Incidents($filter: IncidentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    incidents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...IncidentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n": types.IncidentsDocument,
    "\n  subscription TaskEvents($taskId: ID!, $afterSeq: Int) {\n    taskEvents(taskId: $taskId, afterSeq: $afterSeq) {\n      ...TaskEventFields\n    }\n  }\n": types.TaskEventsDocument,
    "\n  subscription AgentCommunication($sessionId: ID, $agentId: ID, $taskId: ID, $after: ID) {\n    agentCommunication(sessionId: $sessionId, agentId: $agentId, taskId: $taskId, after: $after) {\n      ...CommunicationFields\n    }\n  }\n": types.AgentCommunicationDocument,
    "\n  subscription AgentStatusUpdated($agentId: ID, $sessionId: ID) {\n    agentStatusUpdated(agentId: $agentId, sessionId: $sessionId) {\n      ...AgentStatusEventFields\n    }\n  }\n": types.AgentStatusUpdatedDocument,
    "\n  subscription TaskUpdated($taskId: ID, $sessionId: ID, $parentTaskId: ID) {\n    taskUpdated(taskId: $taskId, sessionId: $sessionId, parentTaskId: $parentTaskId) {\n      ...TaskFields\n    }\n  }\n": types.TaskUpdatedDocument,
    "\n  subscription SystemStatusUpdates {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n": types.SystemStatusUpdatesDocument,
    "\n  subscription IncidentReported {\n    incidentReported {\n      ...IncidentFields\n    }\n  }\n": types.IncidentReportedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    __typename\n    id\n    name\n    status\n    workingDirectory\n    costUsd\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment SessionFields on Session {\n    __typename\n    id\n    name\n    status\n    workingDirectory\n    costUsd\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentFields on Agent {\n    __typename\n    id\n    name\n    role\n    status\n    runtime\n    model\n    permissionMode\n    systemPrompt\n    allowedTools\n    disallowedTools\n    maxTurns\n    maxBudgetUsd\n    workingDirectory\n    resourceLimits {\n      maxMemoryMb\n      maxOutputBytes\n      silenceTimeoutSeconds\n      turnTimeoutSeconds\n    }\n    cliSessionId\n    pid\n    nodeId\n    restartCount\n    lastError\n    totalCostUsd\n    session {\n      id\n    }\n    createdAt\n    updatedAt\n    terminatedAt\n  }\n"): (typeof documents)["\n  fragment AgentFields on Agent {\n    __typename\n    id\n    name\n    role\n    status\n    runtime\n    model\n    permissionMode\n    systemPrompt\n    allowedTools\n    disallowedTools\n    maxTurns\n    maxBudgetUsd\n    workingDirectory\n    resourceLimits {\n      maxMemoryMb\n      maxOutputBytes\n      silenceTimeoutSeconds\n      turnTimeoutSeconds\n    }\n    cliSessionId\n    pid\n    nodeId\n    restartCount\n    lastError\n    totalCostUsd\n    session {\n      id\n    }\n    createdAt\n    updatedAt\n    terminatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskFields on Task {\n    __typename\n    id\n    title\n    description\n    status\n    priority\n    progress\n    requiredRole\n    attempts\n    maxAttempts\n    timeoutSeconds\n    maxBudgetUsd\n    result\n    error {\n      type\n      message\n    }\n    costUsd\n    usage {\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheCreationTokens\n    }\n    lastEventSeq\n    retryAt\n    session {\n      id\n    }\n    agent {\n      id\n      name\n      role\n    }\n    parentTask {\n      id\n    }\n    dependsOn {\n      id\n    }\n    workflow {\n      phase\n      description\n      plan\n      planErrors\n      rejectedPlans\n      maxWorkers\n      subtaskMaxAttempts\n      workerModel\n      manager {\n        id\n        name\n      }\n      createdAt\n      updatedAt\n    }\n    createdAt\n    updatedAt\n    startedAt\n    finishedAt\n  }\n"): (typeof documents)["\n  fragment TaskFields on Task {\n    __typename\n    id\n    title\n    description\n    status\n    priority\n    progress\n    requiredRole\n    attempts\n    maxAttempts\n    timeoutSeconds\n    maxBudgetUsd\n    result\n    error {\n      type\n      message\n    }\n    costUsd\n    usage {\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheCreationTokens\n    }\n    lastEventSeq\n    retryAt\n    session {\n      id\n    }\n    agent {\n      id\n      name\n      role\n    }\n    parentTask {\n      id\n    }\n    dependsOn {\n      id\n    }\n    workflow {\n      phase\n      description\n      plan\n      planErrors\n      rejectedPlans\n      maxWorkers\n      subtaskMaxAttempts\n      workerModel\n      manager {\n        id\n        name\n      }\n      createdAt\n      updatedAt\n    }\n    createdAt\n    updatedAt\n    startedAt\n    finishedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskEventFields on TaskEvent {\n    id\n    seq\n    kind\n    payload\n    runId\n    createdAt\n  }\n"): (typeof documents)["\n  fragment TaskEventFields on TaskEvent {\n    id\n    seq\n    kind\n    payload\n    runId\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CommunicationFields on Communication {\n    __typename\n    id\n    messageType\n    content\n    session {\n      id\n    }\n    task {\n      id\n      title\n    }\n    fromAgent {\n      id\n      name\n      role\n    }\n    toAgent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n"): (typeof documents)["\n  fragment CommunicationFields on Communication {\n    __typename\n    id\n    messageType\n    content\n    session {\n      id\n    }\n    task {\n      id\n      title\n    }\n    fromAgent {\n      id\n      name\n      role\n    }\n    toAgent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IncidentFields on Incident {\n    __typename\n    id\n    type\n    severity\n    message\n    recoveryAction\n    recoveryResult\n    agent {\n      id\n      name\n    }\n    task {\n      id\n      title\n    }\n    createdAt\n  }\n"): (typeof documents)["\n  fragment IncidentFields on Incident {\n    __typename\n    id\n    type\n    severity\n    message\n    recoveryAction\n    recoveryResult\n    agent {\n      id\n      name\n    }\n    task {\n      id\n      title\n    }\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MetricFields on Metric {\n    id\n    name\n    value\n    unit\n    agent {\n      id\n    }\n    task {\n      id\n    }\n    recordedAt\n  }\n"): (typeof documents)["\n  fragment MetricFields on Metric {\n    id\n    name\n    value\n    unit\n    agent {\n      id\n    }\n    task {\n      id\n    }\n    recordedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AgentStatusEventFields on AgentStatusEvent {\n    seq\n    from\n    to\n    reason\n    agent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AgentStatusEventFields on AgentStatusEvent {\n    seq\n    from\n    to\n    reason\n    agent {\n      id\n      name\n      role\n    }\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SystemStatusFields on SystemStatus {\n    at\n    nodeId\n    activeAgents\n    agents {\n      status\n      count\n    }\n    tasks {\n      pending\n      queued\n      running\n    }\n    node {\n      agentProcesses\n      maxAgentProcesses\n      cpus\n      loadAverage1m\n      rssMb\n      heapUsedMb\n      freeMemoryMb\n      totalMemoryMb\n      uptimeSeconds\n      slowConnectionsCutOff\n    }\n  }\n"): (typeof documents)["\n  fragment SystemStatusFields on SystemStatus {\n    at\n    nodeId\n    activeAgents\n    agents {\n      status\n      count\n    }\n    tasks {\n      pending\n      queued\n      running\n    }\n    node {\n      agentProcesses\n      maxAgentProcesses\n      cpus\n      loadAverage1m\n      rssMb\n      heapUsedMb\n      freeMemoryMb\n      totalMemoryMb\n      uptimeSeconds\n      slowConnectionsCutOff\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n"): (typeof documents)["\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ErrorFields on Error {\n    __typename\n    code\n    message\n    ... on NotFoundError {\n      entity\n      field\n      missingId: id\n    }\n    ... on InvalidInputError {\n      field\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on CapacityReachedError {\n      limit\n    }\n    ... on AgentRuntimeUnavailableError {\n      runtime\n      binaryPath\n    }\n  }\n"): (typeof documents)["\n  fragment ErrorFields on Error {\n    __typename\n    code\n    message\n    ... on NotFoundError {\n      entity\n      field\n      missingId: id\n    }\n    ... on InvalidInputError {\n      field\n    }\n    ... on ConflictError {\n      field\n    }\n    ... on CapacityReachedError {\n      limit\n    }\n    ... on AgentRuntimeUnavailableError {\n      runtime\n      binaryPath\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      __typename\n      ... on CreateSessionSuccess {\n        session {\n          ...SessionFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      __typename\n      ... on CreateSessionSuccess {\n        session {\n          ...SessionFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      __typename\n      ... on CreateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      __typename\n      ... on CreateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TerminateAgent($id: ID!) {\n    terminateAgent(id: $id) {\n      __typename\n      ... on TerminateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation TerminateAgent($id: ID!) {\n    terminateAgent(id: $id) {\n      __typename\n      ... on TerminateAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestartAgent($id: ID!) {\n    restartAgent(id: $id) {\n      __typename\n      ... on RestartAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RestartAgent($id: ID!) {\n    restartAgent(id: $id) {\n      __typename\n      ... on RestartAgentSuccess {\n        agent {\n          ...AgentFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on CreateTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTask($input: CreateTaskInput!) {\n    createTask(input: $input) {\n      __typename\n      ... on CreateTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignTask($taskId: ID!, $agentId: ID!) {\n    assignTask(taskId: $taskId, agentId: $agentId) {\n      __typename\n      ... on AssignTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation AssignTask($taskId: ID!, $agentId: ID!) {\n    assignTask(taskId: $taskId, agentId: $agentId) {\n      __typename\n      ... on AssignTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      __typename\n      ... on CancelTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTask($id: ID!, $reason: String) {\n    cancelTask(id: $id, reason: $reason) {\n      __typename\n      ... on CancelTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryTask($id: ID!) {\n    retryTask(id: $id) {\n      __typename\n      ... on RetryTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation RetryTask($id: ID!) {\n    retryTask(id: $id) {\n      __typename\n      ... on RetryTaskSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartWorkflow($input: StartWorkflowInput!) {\n    startWorkflow(input: $input) {\n      __typename\n      ... on StartWorkflowSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartWorkflow($input: StartWorkflowInput!) {\n    startWorkflow(input: $input) {\n      __typename\n      ... on StartWorkflowSuccess {\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($agentId: ID!, $content: String!) {\n    sendMessage(agentId: $agentId, content: $content) {\n      __typename\n      ... on SendMessageSuccess {\n        communication {\n          ...CommunicationFields\n        }\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($agentId: ID!, $content: String!) {\n    sendMessage(agentId: $agentId, content: $content) {\n      __typename\n      ... on SendMessageSuccess {\n        communication {\n          ...CommunicationFields\n        }\n        task {\n          ...TaskFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Node($id: ID!) {\n    session: node(id: $id) {\n      __typename\n      ... on Session {\n        ...SessionFields\n      }\n    }\n    agent: node(id: $id) {\n      __typename\n      ... on Agent {\n        ...AgentFields\n      }\n    }\n    task: node(id: $id) {\n      __typename\n      ... on Task {\n        ...TaskFields\n      }\n    }\n    communication: node(id: $id) {\n      __typename\n      ... on Communication {\n        ...CommunicationFields\n      }\n    }\n    incident: node(id: $id) {\n      __typename\n      ... on Incident {\n        ...IncidentFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Node($id: ID!) {\n    session: node(id: $id) {\n      __typename\n      ... on Session {\n        ...SessionFields\n      }\n    }\n    agent: node(id: $id) {\n      __typename\n      ... on Agent {\n        ...AgentFields\n      }\n    }\n    task: node(id: $id) {\n      __typename\n      ... on Task {\n        ...TaskFields\n      }\n    }\n    communication: node(id: $id) {\n      __typename\n      ... on Communication {\n        ...CommunicationFields\n      }\n    }\n    incident: node(id: $id) {\n      __typename\n      ... on Incident {\n        ...IncidentFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions($filter: SessionFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    sessions(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...SessionFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Sessions($filter: SessionFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    sessions(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...SessionFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Session($id: ID!) {\n    session(id: $id) {\n      __typename\n      ...SessionFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  query Session($id: ID!) {\n    session(id: $id) {\n      __typename\n      ...SessionFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agents($filter: AgentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    agents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Agents($filter: AgentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    agents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...AgentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      __typename\n      ...AgentFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  query Agent($id: ID!) {\n    agent(id: $id) {\n      __typename\n      ...AgentFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tasks($filter: TaskFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    tasks(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Tasks($filter: TaskFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    tasks(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...TaskFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Task($id: ID!) {\n    task(id: $id) {\n      __typename\n      ...TaskFields\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  query Task($id: ID!) {\n    task(id: $id) {\n      __typename\n      ...TaskFields\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskTranscript($id: ID!, $afterSeq: Int, $first: Int) {\n    task(id: $id) {\n      __typename\n      ... on Task {\n        events(afterSeq: $afterSeq, first: $first) {\n          ...TaskEventFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"): (typeof documents)["\n  query TaskTranscript($id: ID!, $afterSeq: Int, $first: Int) {\n    task(id: $id) {\n      __typename\n      ... on Task {\n        events(afterSeq: $afterSeq, first: $first) {\n          ...TaskEventFields\n        }\n      }\n      ...ErrorFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Communications($filter: CommunicationFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    communications(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...CommunicationFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Communications($filter: CommunicationFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    communications(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...CommunicationFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SystemStatus {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n"): (typeof documents)["\n  query SystemStatus {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Metrics($filter: MetricFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    metrics(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MetricFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Metrics($filter: MetricFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    metrics(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...MetricFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Incidents($filter: IncidentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    incidents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...IncidentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Incidents($filter: IncidentFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    incidents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          ...IncidentFields\n        }\n      }\n      pageInfo {\n        ...PageInfoFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskEvents($taskId: ID!, $afterSeq: Int) {\n    taskEvents(taskId: $taskId, afterSeq: $afterSeq) {\n      ...TaskEventFields\n    }\n  }\n"): (typeof documents)["\n  subscription TaskEvents($taskId: ID!, $afterSeq: Int) {\n    taskEvents(taskId: $taskId, afterSeq: $afterSeq) {\n      ...TaskEventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AgentCommunication($sessionId: ID, $agentId: ID, $taskId: ID, $after: ID) {\n    agentCommunication(sessionId: $sessionId, agentId: $agentId, taskId: $taskId, after: $after) {\n      ...CommunicationFields\n    }\n  }\n"): (typeof documents)["\n  subscription AgentCommunication($sessionId: ID, $agentId: ID, $taskId: ID, $after: ID) {\n    agentCommunication(sessionId: $sessionId, agentId: $agentId, taskId: $taskId, after: $after) {\n      ...CommunicationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AgentStatusUpdated($agentId: ID, $sessionId: ID) {\n    agentStatusUpdated(agentId: $agentId, sessionId: $sessionId) {\n      ...AgentStatusEventFields\n    }\n  }\n"): (typeof documents)["\n  subscription AgentStatusUpdated($agentId: ID, $sessionId: ID) {\n    agentStatusUpdated(agentId: $agentId, sessionId: $sessionId) {\n      ...AgentStatusEventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TaskUpdated($taskId: ID, $sessionId: ID, $parentTaskId: ID) {\n    taskUpdated(taskId: $taskId, sessionId: $sessionId, parentTaskId: $parentTaskId) {\n      ...TaskFields\n    }\n  }\n"): (typeof documents)["\n  subscription TaskUpdated($taskId: ID, $sessionId: ID, $parentTaskId: ID) {\n    taskUpdated(taskId: $taskId, sessionId: $sessionId, parentTaskId: $parentTaskId) {\n      ...TaskFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SystemStatusUpdates {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n"): (typeof documents)["\n  subscription SystemStatusUpdates {\n    systemStatus {\n      ...SystemStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IncidentReported {\n    incidentReported {\n      ...IncidentFields\n    }\n  }\n"): (typeof documents)["\n  subscription IncidentReported {\n    incidentReported {\n      ...IncidentFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;