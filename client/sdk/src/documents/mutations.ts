/** The Mutation operations of the public contract: each returns its success or one of its typed errors. */
import { graphql } from '../gql/index.js';

export const CreateSessionMutation = graphql(`
  mutation CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) {
      __typename
      ... on CreateSessionSuccess {
        session {
          ...SessionFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const CreateAgentMutation = graphql(`
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      __typename
      ... on CreateAgentSuccess {
        agent {
          ...AgentFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const TerminateAgentMutation = graphql(`
  mutation TerminateAgent($id: ID!) {
    terminateAgent(id: $id) {
      __typename
      ... on TerminateAgentSuccess {
        agent {
          ...AgentFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const RestartAgentMutation = graphql(`
  mutation RestartAgent($id: ID!) {
    restartAgent(id: $id) {
      __typename
      ... on RestartAgentSuccess {
        agent {
          ...AgentFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const CreateTaskMutation = graphql(`
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      __typename
      ... on CreateTaskSuccess {
        task {
          ...TaskFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const AssignTaskMutation = graphql(`
  mutation AssignTask($taskId: ID!, $agentId: ID!) {
    assignTask(taskId: $taskId, agentId: $agentId) {
      __typename
      ... on AssignTaskSuccess {
        task {
          ...TaskFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const CancelTaskMutation = graphql(`
  mutation CancelTask($id: ID!, $reason: String) {
    cancelTask(id: $id, reason: $reason) {
      __typename
      ... on CancelTaskSuccess {
        task {
          ...TaskFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const RetryTaskMutation = graphql(`
  mutation RetryTask($id: ID!) {
    retryTask(id: $id) {
      __typename
      ... on RetryTaskSuccess {
        task {
          ...TaskFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const StartWorkflowMutation = graphql(`
  mutation StartWorkflow($input: StartWorkflowInput!) {
    startWorkflow(input: $input) {
      __typename
      ... on StartWorkflowSuccess {
        task {
          ...TaskFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($agentId: ID!, $content: String!) {
    sendMessage(agentId: $agentId, content: $content) {
      __typename
      ... on SendMessageSuccess {
        communication {
          ...CommunicationFields
        }
        task {
          ...TaskFields
        }
      }
      ...ErrorFields
    }
  }
`);
