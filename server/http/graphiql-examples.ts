/** One GraphiQL tab: a document (one or more operations) and the JSON of its variables. */
export interface GraphiQLExampleTab {
  query: string;
  variables?: string;
}

/** Where a visitor pastes the id of an object created by an earlier example. */
export const PASTE_SESSION_ID = 'paste the session id here';
export const PASTE_TASK_ID = 'paste the task id here';

const variables = (values: Record<string, unknown>) => JSON.stringify(values, null, 2);

// No variables here: GraphiQL 5 opens its variables editor empty, whatever the first tab holds.
const createSessionAndAgent: GraphiQLExampleTab = {
  query: `# Step 1 of 3: a session (a working directory under
# WORKSPACE_ROOT) and an agent in it.
#
# Run CreateSession (the run button lists both
# operations), paste session.id into CreateAgent below,
# then run CreateAgent. Failures come back as typed
# errors: "... on Error" shows their code and message.

mutation CreateSession {
  createSession(input: { name: "demo" }) {
    __typename
    ... on CreateSessionSuccess {
      session { id name workingDirectory status }
    }
    ... on Error { code message }
  }
}

mutation CreateAgent {
  createAgent(
    input: {
      sessionId: "${PASTE_SESSION_ID}"
      name: "worker-1"
      role: WORKER
      allowedTools: ["Read", "Bash(ls:*)"]
    }
  ) {
    __typename
    ... on CreateAgentSuccess {
      agent { id name role status pid }
    }
    ... on Error { code message }
  }
}
`,
};

const startWorkflow: GraphiQLExampleTab = {
  query: `# Step 2 of 3: a manager-worker workflow. A manager agent
# plans the work, workers do the parts (in parallel where
# they can), and the manager's final answer becomes the
# result of the root task. An idle manager of the session
# is used, else a new one is created.
#
# Run StartWorkflow with the session id, then copy task.id
# into "taskId" for WorkflowProgress and for step 3.

mutation StartWorkflow($sessionId: ID!, $description: String!) {
  startWorkflow(
    input: { sessionId: $sessionId, description: $description, maxWorkers: 2 }
  ) {
    __typename
    ... on StartWorkflowSuccess {
      task {
        id
        title
        status
        workflow { phase manager { id name } }
      }
    }
    ... on InvalidInputError { field }
    ... on Error { code message }
  }
}

query WorkflowProgress($taskId: ID!) {
  task(id: $taskId) {
    ... on Task {
      status
      progress
      result
      costUsd
      error { type message }
      workflow { phase plan planErrors }
      subtasks { title status result agent { name } }
    }
    ... on Error { code message }
  }
}
`,
  variables: variables({
    sessionId: PASTE_SESSION_ID,
    description: 'List the files in the working directory and write a one-paragraph summary of each.',
    taskId: PASTE_TASK_ID,
  }),
};

const followTaskEvents: GraphiQLExampleTab = {
  query: `# Step 3 of 3: follow a task live, over the WebSocket.
#
# TaskEvents replays the stored transcript after afterSeq,
# then streams new events with no gap and no duplicate,
# and completes when the task ends. After a disconnect,
# subscribe again with afterSeq set to the last seq seen.
# Subtasks follows the status of a workflow's subtasks.

subscription TaskEvents($taskId: ID!, $afterSeq: Int = 0) {
  taskEvents(taskId: $taskId, afterSeq: $afterSeq) {
    seq
    kind
    payload
    createdAt
  }
}

subscription Subtasks($taskId: ID!) {
  taskUpdated(parentTaskId: $taskId) {
    id
    title
    status
    progress
    agent { name }
  }
}
`,
  variables: variables({ taskId: PASTE_TASK_ID, afterSeq: 0 }),
};

/** The tabs GraphiQL opens with on a first visit (afterwards it restores the visitor's own). */
export const GRAPHIQL_EXAMPLE_TABS: readonly GraphiQLExampleTab[] = [createSessionAndAgent, startWorkflow, followTaskEvents];
