/** The Subscription operations of the public contract. */
import { graphql } from '../gql/index.js';

export const TaskEventsSubscription = graphql(`
  subscription TaskEvents($taskId: ID!, $afterSeq: Int) {
    taskEvents(taskId: $taskId, afterSeq: $afterSeq) {
      ...TaskEventFields
    }
  }
`);

export const AgentCommunicationSubscription = graphql(`
  subscription AgentCommunication($sessionId: ID, $agentId: ID, $taskId: ID, $after: ID) {
    agentCommunication(sessionId: $sessionId, agentId: $agentId, taskId: $taskId, after: $after) {
      ...CommunicationFields
    }
  }
`);

export const AgentStatusUpdatedSubscription = graphql(`
  subscription AgentStatusUpdated($agentId: ID, $sessionId: ID) {
    agentStatusUpdated(agentId: $agentId, sessionId: $sessionId) {
      ...AgentStatusEventFields
    }
  }
`);

export const TaskUpdatedSubscription = graphql(`
  subscription TaskUpdated($taskId: ID, $sessionId: ID, $parentTaskId: ID) {
    taskUpdated(taskId: $taskId, sessionId: $sessionId, parentTaskId: $parentTaskId) {
      ...TaskFields
    }
  }
`);

export const SystemStatusSubscription = graphql(`
  subscription SystemStatusUpdates {
    systemStatus {
      ...SystemStatusFields
    }
  }
`);

export const IncidentReportedSubscription = graphql(`
  subscription IncidentReported {
    incidentReported {
      ...IncidentFields
    }
  }
`);
