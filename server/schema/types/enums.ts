import type {
  AgentRole,
  AgentStatus,
  CommunicationType,
  IncidentSeverity,
  IncidentType,
  PermissionMode,
  SessionStatus,
  TaskErrorType,
  TaskEventKind,
  TaskStatus,
  WorkflowPhase,
} from '../../db/types.js';
import { builder } from '../builder.js';

/** Enum values with their descriptions; keyed by the stored values, so none can be left out. */
function described<T extends string>(descriptions: Record<T, string>): Record<T, { description: string }> {
  return Object.fromEntries(Object.entries(descriptions).map(([value, description]) => [value, { description }])) as Record<
    T,
    { description: string }
  >;
}

export const SessionStatusEnum = builder.enumType('SessionStatus', {
  description: 'Whether a session is in use. Sessions are created ACTIVE; no mutation archives one yet.',
  values: described<SessionStatus>({
    ACTIVE: 'In use: its agents run and its tasks are scheduled.',
    ARCHIVED: 'Set aside, kept for reading.',
  }),
});

export const AgentRoleEnum = builder.enumType('AgentRole', {
  description: 'What an agent is for; tasks with a requiredRole go only to agents of that role.',
  values: described<AgentRole>({
    MANAGER: 'Plans workflows: breaks the work into subtasks, then writes the final answer from their results.',
    WORKER: 'Does tasks, including the subtasks of a workflow.',
  }),
});

export const AgentStatusEnum = builder.enumType('AgentStatus', {
  description:
    'Where an agent is in its lifecycle: STARTING -> IDLE <-> BUSY, then TERMINATING -> TERMINATED; ' +
    'a crash goes to ERROR, then RESTARTING, or FAILED after too many crashes.',
  values: described<AgentStatus>({
    STARTING: 'Its process is being started.',
    IDLE: 'Its process is alive (or closed while idle, to be resumed on the next task) and it can take a task.',
    BUSY: 'Running a task.',
    TERMINATING: 'Being stopped by terminateAgent.',
    TERMINATED: 'Stopped; it takes no tasks until restartAgent.',
    ERROR: 'Its process crashed; the restart policy decides what comes next.',
    RESTARTING: 'Waiting out the backoff before its process is started again.',
    FAILED: 'Crashed CLAUDE_CRASH_LIMIT times within CLAUDE_CRASH_WINDOW_SECONDS; stays so until restartAgent.',
  }),
});

export const TaskStatusEnum = builder.enumType('TaskStatus', {
  description:
    'Where a task is: PENDING -> QUEUED -> RUNNING -> SUCCEEDED, FAILED or CANCELLED (the last three are final until retryTask).',
  values: described<TaskStatus>({
    PENDING: 'Waiting for the tasks it depends on to succeed (or, for a workflow root, for its subtasks to end).',
    QUEUED: 'Ready, waiting for an idle agent (or for retryAt, after a retryable failure).',
    RUNNING: 'An agent is working on it.',
    SUCCEEDED: 'Done; result holds the answer.',
    FAILED: 'Ended without success; error says why.',
    CANCELLED: 'Stopped by cancelTask (directly or through its parent).',
  }),
});

export const TaskErrorTypeEnum = builder.enumType('TaskErrorType', {
  description:
    'Why a task (or its last attempt) failed. API_ERROR, AGENT_EXITED, EXECUTION_ERROR, TIMEOUT, SILENCE_TIMEOUT, ' +
    'INTERRUPTED, AGENT_TERMINATED and UNKNOWN are retried while attempts remain; the others would fail the same way again.',
  values: described<TaskErrorType>({
    AUTHENTICATION_FAILED: 'The agent has no usable credentials (API key, login, account or billing); the message says how to fix it.',
    API_ERROR: 'The model API failed (overloaded, a server error, no network) after the CLI had retried.',
    MAX_TURNS: "The agent's maxTurns was reached.",
    MAX_BUDGET: "The agent's maxBudgetUsd was reached.",
    STARTUP_FAILED: 'The CLI could not start its session.',
    EXECUTION_ERROR: 'The CLI reported an error while running the turn.',
    AGENT_EXITED: "The agent's process ended in the middle of the turn (a crash).",
    AGENT_TERMINATED: 'The agent was terminated while running the task.',
    INTERRUPTED: 'The run was cut short from outside (a restart, a shutdown, a process closed to make room).',
    TIMEOUT: 'The turn took longer than its timeout (timeoutSeconds, else the agent\'s turnTimeoutSeconds).',
    SILENCE_TIMEOUT: "The agent printed nothing for silenceTimeoutSeconds while no tool ran (taken as hung).",
    MEMORY_LIMIT: "The agent's process tree used more than maxMemoryMb; it was killed.",
    OUTPUT_LIMIT: 'The run wrote more than maxOutputBytes of transcript.',
    CANCELLED: 'Cancelled by cancelTask; the message holds the reason given.',
    DEPENDENCY_FAILED: 'A task it depends on failed or was cancelled.',
    INVALID_REQUEST: 'The model API refused the request itself (for example an unknown model).',
    BUDGET_EXCEEDED: 'The maxBudgetUsd of this task or of a task above it was spent.',
    INVALID_PLAN: "The workflow manager's plan could not be used, twice.",
    UNKNOWN: 'A failure the server could not classify; the message has the details.',
  }),
});

export const TaskEventKindEnum = builder.enumType('TaskEventKind', {
  description: "What a TaskEvent records; each kind has its own payload (JSON object) fields, listed per value.",
  values: described<TaskEventKind>({
    STATUS: 'A status change. Payload: from, to (TaskStatus), reason.',
    AGENT_STARTED: 'The CLI started a session for the run. Payload: sessionId, model, cwd, tools.',
    MESSAGE: 'Text from the assistant or the user. Payload: role (assistant | user), text, messageId, parentToolUseId, error.',
    THINKING: "The model's visible reasoning. Payload: text, messageId.",
    TOOL_CALL: 'The agent called a tool. Payload: toolUseId, name, input, parentToolUseId.',
    TOOL_RESULT: "A tool's answer. Payload: toolUseId, isError, content.",
    RETRY: 'The CLI is retrying a failed API call. Payload: attempt, maxRetries, status (HTTP status or null), error, delayMs.',
    PERMISSION_DENIED: 'A tool use was refused by the permission rules. Payload: toolName, toolUseId, message.',
    USAGE: 'Token counts of one model call as it streams. Payload: messageId, model, final, tokens.',
    RESULT: 'A turn ended. Payload: ok, errorType, message, text, costUsd, tokens, numTurns, durationMs and more.',
    OUTPUT_TRUNCATED: 'The run reached maxOutputBytes; later output was not stored. Payload: storedBytes, limitBytes.',
    RAW: 'A CLI line with no normalised form, kept as is. Payload: type, line.',
    GAP: 'Events were lost while the database could not be written. Payload: dropped (a count), reason.',
    OUTDATED_CURSOR:
      'Sent (not stored) to a subscriber whose afterSeq is older than the kept transcript (TRANSCRIPT_RETENTION_DAYS). ' +
      'Payload: afterSeq, oldestKeptSeq, reason.',
  }),
});

export const CommunicationTypeEnum = builder.enumType('CommunicationType', {
  description: 'What a communication carries.',
  values: described<CommunicationType>({
    TASK_ASSIGNMENT: 'The instructions an agent was given when it took a task (from the manager, for workflow subtasks).',
    TASK_RESULT: "A task's outcome, as the agent reported it (to the manager, for workflow subtasks).",
    PLAN: "A workflow manager's plan, as it answered.",
    MESSAGE: "A person's message to an agent (sendMessage).",
  }),
});

export const PermissionModeEnum = builder.enumType('PermissionMode', {
  description: "How the CLI treats tool uses that allowedTools does not pre-approve (the CLI's --permission-mode).",
  values: described<PermissionMode>({
    DEFAULT: "The CLI's default: a tool use that needs approval is refused, as no one is there to approve it.",
    ACCEPT_EDITS: 'File edits are approved automatically; other tools follow the allow-list.',
    DONT_ASK: 'Anything not pre-approved is refused without asking.',
    PLAN: 'Plan mode: the agent analyses and proposes, and changes nothing.',
  }),
});

export const IncidentTypeEnum = builder.enumType('IncidentType', {
  description:
    'The classification of an incident. This server records AGENT_CRASH, CLI_TIMEOUT and RESOURCE_EXHAUSTION; ' +
    'the other values complete the classification for future use.',
  values: described<IncidentType>({
    AGENT_CRASH: "An agent's process ended unexpectedly.",
    CLI_TIMEOUT: 'A turn ran past its timeout, or was silent for too long.',
    COMMUNICATION_FAILURE: 'A message could not be delivered to or from an agent.',
    RESOURCE_EXHAUSTION: 'A run went over its memory or output limit.',
    TASK_FAILURE: 'A task failed.',
    SYSTEM_OVERLOAD: 'The server was overloaded.',
    NETWORK_ERROR: 'The network failed.',
    UNKNOWN: 'Anything else.',
  }),
});

export const IncidentSeverityEnum = builder.enumType('IncidentSeverity', {
  description: 'How bad an incident is.',
  values: described<IncidentSeverity>({
    LOW: 'Informational; nothing was lost.',
    MEDIUM: 'Recovered without losing work (for example an idle agent crashed and is being restarted).',
    HIGH: 'A run was cut short (a limit, or a crash during a task); the task is retried or fails.',
    CRITICAL: 'Needs a person: an agent crashed too often and stays FAILED until restartAgent.',
  }),
});

export const WorkflowPhaseEnum = builder.enumType('WorkflowPhase', {
  description: 'Where a workflow stands: PLANNING -> RUNNING -> SYNTHESIZING -> DONE.',
  values: described<WorkflowPhase>({
    PLANNING: 'The manager is writing the plan (or correcting a rejected one).',
    RUNNING: "The plan's subtasks are running on workers.",
    SYNTHESIZING: 'The subtasks have ended; the manager is writing the final answer.',
    DONE: 'Ended: the root task holds the answer, or why it failed.',
  }),
});
