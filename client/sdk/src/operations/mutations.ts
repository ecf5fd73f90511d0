/** The Mutation operations of the public contract as typed functions; each returns a Result. */
import {
  AssignTaskMutation,
  CancelTaskMutation,
  CreateAgentMutation,
  CreateSessionMutation,
  CreateTaskMutation,
  RestartAgentMutation,
  RetryTaskMutation,
  SendMessageMutation,
  StartWorkflowMutation,
  TerminateAgentMutation,
} from '../documents/mutations.js';
import type { CreateAgentInput, CreateSessionInput, CreateTaskInput, StartWorkflowInput } from '../gql/graphql.js';
import type {
  AgentRuntimeUnavailableError,
  CapacityReachedError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  Result,
} from '../results.js';
import { toResult } from '../results.js';
import type { Execute } from '../transport/http.js';
import type { Agent, Communication, Session, Task } from '../types.js';
import { unmask } from '../unmask.js';

/** What a change to an existing task or agent can return instead of success. */
export type ChangeError = NotFoundError | InvalidInputError | ConflictError;
/** What starting agent processes can return instead of success. */
export type SpawnError = ChangeError | CapacityReachedError | AgentRuntimeUnavailableError;

export interface SentMessage {
  communication: Communication;
  /** The running task the message joined, or the task it started when the agent was idle. */
  task: Task;
}

export function mutationMethods(execute: Execute) {
  return {
    async createSession(input: CreateSessionInput): Promise<Result<Session, ConflictError | InvalidInputError>> {
      const { createSession } = await execute(CreateSessionMutation, { input });
      return toResult(createSession, 'CreateSessionSuccess', (success) => unmask(success.session));
    },

    async createAgent(input: CreateAgentInput): Promise<Result<Agent, SpawnError>> {
      const { createAgent } = await execute(CreateAgentMutation, { input });
      return toResult(createAgent, 'CreateAgentSuccess', (success) => unmask(success.agent));
    },

    async terminateAgent(id: string): Promise<Result<Agent, NotFoundError | InvalidInputError>> {
      const { terminateAgent } = await execute(TerminateAgentMutation, { id });
      return toResult(terminateAgent, 'TerminateAgentSuccess', (success) => unmask(success.agent));
    },

    /** Starts the agent's process again, resuming its CLI session; a FAILED agent comes back. */
    async restartAgent(id: string): Promise<Result<Agent, ChangeError | CapacityReachedError>> {
      const { restartAgent } = await execute(RestartAgentMutation, { id });
      return toResult(restartAgent, 'RestartAgentSuccess', (success) => unmask(success.agent));
    },

    async createTask(input: CreateTaskInput): Promise<Result<Task, ChangeError>> {
      const { createTask } = await execute(CreateTaskMutation, { input });
      return toResult(createTask, 'CreateTaskSuccess', (success) => unmask(success.task));
    },

    async assignTask(args: { taskId: string; agentId: string }): Promise<Result<Task, ChangeError>> {
      const { assignTask } = await execute(AssignTaskMutation, args);
      return toResult(assignTask, 'AssignTaskSuccess', (success) => unmask(success.task));
    },

    async cancelTask(id: string, reason?: string): Promise<Result<Task, ChangeError>> {
      const { cancelTask } = await execute(CancelTaskMutation, { id, reason });
      return toResult(cancelTask, 'CancelTaskSuccess', (success) => unmask(success.task));
    },

    /** Queues a FAILED or CANCELLED task again, keeping its transcript. */
    async retryTask(id: string): Promise<Result<Task, ChangeError>> {
      const { retryTask } = await execute(RetryTaskMutation, { id });
      return toResult(retryTask, 'RetryTaskSuccess', (success) => unmask(success.task));
    },

    /** Starts a manager-worker workflow; the data is its root task. */
    async startWorkflow(input: StartWorkflowInput): Promise<Result<Task, SpawnError>> {
      const { startWorkflow } = await execute(StartWorkflowMutation, { input });
      return toResult(startWorkflow, 'StartWorkflowSuccess', (success) => unmask(success.task));
    },

    /** A person's message to an agent, recorded as a communication and delivered into its session. */
    async sendMessage(args: { agentId: string; content: string }): Promise<Result<SentMessage, ChangeError>> {
      const { sendMessage } = await execute(SendMessageMutation, args);
      return toResult(sendMessage, 'SendMessageSuccess', (success) => ({
        communication: unmask(success.communication),
        task: unmask(success.task),
      }));
    },
  };
}
