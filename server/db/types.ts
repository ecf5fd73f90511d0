import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table shapes in camelCase (CamelCasePlugin maps them to the snake_case columns of migrations/). */
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** bigint counters come back as strings from pg; repositories convert them. */
type BigCounter = ColumnType<string | number | bigint, number | undefined, number>;

export const SESSION_STATUSES = ['ACTIVE', 'ARCHIVED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const AGENT_ROLES = ['MANAGER', 'WORKER'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const AGENT_STATUSES = [
  'STARTING', 'IDLE', 'BUSY', 'TERMINATING', 'TERMINATED', 'ERROR', 'RESTARTING', 'FAILED',
] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
/** Statuses in which an agent has (or is about to have) a live process. */
export const LIVE_AGENT_STATUSES: readonly AgentStatus[] = ['STARTING', 'IDLE', 'BUSY', 'RESTARTING'];

export const TASK_STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const RUN_STATES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'INTERRUPTED', 'CANCELLED'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TASK_ERROR_TYPES = [
  'AUTHENTICATION_FAILED', 'API_ERROR', 'MAX_TURNS', 'MAX_BUDGET', 'STARTUP_FAILED', 'EXECUTION_ERROR',
  'AGENT_EXITED', 'AGENT_TERMINATED', 'INTERRUPTED', 'TIMEOUT', 'SILENCE_TIMEOUT', 'MEMORY_LIMIT',
  'OUTPUT_LIMIT', 'CANCELLED', 'DEPENDENCY_FAILED', 'INVALID_REQUEST', 'BUDGET_EXCEEDED', 'INVALID_PLAN', 'UNKNOWN',
] as const;
export type TaskErrorType = (typeof TASK_ERROR_TYPES)[number];

export const TASK_EVENT_KINDS = [
  'STATUS', 'AGENT_STARTED', 'MESSAGE', 'THINKING', 'TOOL_CALL', 'TOOL_RESULT', 'RETRY',
  'PERMISSION_DENIED', 'USAGE', 'RESULT', 'OUTPUT_TRUNCATED', 'RAW', 'GAP', 'OUTDATED_CURSOR',
] as const;
export type TaskEventKind = (typeof TASK_EVENT_KINDS)[number];

export const COMMUNICATION_TYPES = ['TASK_ASSIGNMENT', 'TASK_RESULT', 'PLAN', 'MESSAGE'] as const;
export type CommunicationType = (typeof COMMUNICATION_TYPES)[number];

export const INCIDENT_TYPES = [
  'AGENT_CRASH', 'CLI_TIMEOUT', 'COMMUNICATION_FAILURE', 'RESOURCE_EXHAUSTION', 'TASK_FAILURE',
  'SYSTEM_OVERLOAD', 'NETWORK_ERROR', 'UNKNOWN',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const INCIDENT_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const PERMISSION_MODES = ['DEFAULT', 'ACCEPT_EDITS', 'DONT_ASK', 'PLAN'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** Per-agent limits; each ends a run with its own typed reason. */
export interface ResourceLimits {
  turnTimeoutSeconds?: number;
  /** No output for this long while no tool runs: the agent is taken as hung. */
  silenceTimeoutSeconds?: number;
  /** RSS of the agent's whole process tree. */
  maxMemoryMb?: number;
  /** Transcript bytes stored per run; past it a marker is stored and the run ends. */
  maxOutputBytes?: number;
}

export interface AgentConfig {
  limits?: ResourceLimits;
  systemPrompt?: string;
  allowedTools?: string[];
  disallowedTools?: string[];
  permissionMode?: PermissionMode;
  maxTurns?: number;
  maxBudgetUsd?: number;
  workingDirectory: string;
}

export interface SessionsTable {
  id: string;
  name: string;
  workingDirectory: string;
  status: SessionStatus;
  config: Json<Record<string, unknown>>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface AgentsTable {
  id: string;
  sessionId: string;
  name: string;
  role: AgentRole;
  runtime: string;
  model: string | null;
  status: AgentStatus;
  config: Json<AgentConfig>;
  cliSessionId: string;
  pid: number | null;
  nodeId: string | null;
  restartCount: Generated<number>;
  lastError: string | null;
  totalCostUsd: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
  terminatedAt: Date | null;
  lastEventSeq: Generated<number>;
  processStartTime: ColumnType<string | number | null, number | null | undefined, number | null>;
  bootId: string | null;
  sessionStarted: Generated<boolean>;
  sessionCostUsd: Generated<number>;
  sessionTokens: ColumnType<Partial<Record<string, number>>, string | undefined, string>;
}

export interface AgentEventsTable {
  id: string;
  agentId: string;
  seq: number;
  fromStatus: AgentStatus | null;
  toStatus: AgentStatus;
  reason: string;
  createdAt: CreatedAt;
}

export interface TasksTable {
  id: string;
  sessionId: string;
  parentTaskId: string | null;
  agentId: string | null;
  title: string;
  description: string;
  status: TaskStatus;
  priority: number;
  requiredRole: AgentRole | null;
  attempts: Generated<number>;
  maxAttempts: number;
  timeoutSeconds: number | null;
  result: string | null;
  errorType: TaskErrorType | null;
  errorMessage: string | null;
  costUsd: Generated<number>;
  inputTokens: BigCounter;
  outputTokens: BigCounter;
  cacheReadTokens: BigCounter;
  cacheCreationTokens: BigCounter;
  progress: Generated<number>;
  lastEventSeq: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** A requeued task is not claimed before this (backoff after a retryable failure). */
  retryAt: Date | null;
  /** Spend allowed for the task and every task under it. */
  maxBudgetUsd: number | null;
}

export interface TaskDependenciesTable {
  taskId: string;
  dependsOnTaskId: string;
}

export interface RunsTable {
  id: string;
  taskId: string;
  agentId: string;
  attempt: number;
  state: RunState;
  pid: number | null;
  processGroup: number | null;
  nodeId: string | null;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  costUsd: Generated<number>;
  usage: Json<Record<string, unknown>>;
  startedAt: CreatedAt;
  finishedAt: Date | null;
}

export interface TaskEventsTable {
  id: string;
  taskId: string;
  runId: string | null;
  seq: number;
  kind: TaskEventKind;
  payload: Json<Record<string, unknown>>;
  createdAt: CreatedAt;
}

export interface AgentCommunicationsTable {
  id: string;
  sessionId: string;
  fromAgentId: string | null;
  toAgentId: string | null;
  taskId: string | null;
  messageType: CommunicationType;
  content: string;
  createdAt: CreatedAt;
}

export const WORKFLOW_PHASES = ['PLANNING', 'RUNNING', 'SYNTHESIZING', 'DONE'] as const;
export type WorkflowPhase = (typeof WORKFLOW_PHASES)[number];

/** A manager-worker workflow; its id is its root task's. */
export interface WorkflowsTable {
  id: string;
  sessionId: string;
  managerAgentId: string | null;
  phase: WorkflowPhase;
  description: string;
  plan: Json<Record<string, unknown>> | null;
  /** Plans the manager gave that could not be used (one correction is asked for). */
  rejectedPlans: Generated<number>;
  planErrors: string | null;
  maxWorkers: number;
  workerModel: string | null;
  subtaskMaxAttempts: number;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface PerformanceMetricsTable {
  id: string;
  name: string;
  value: number;
  unit: string;
  agentId: string | null;
  taskId: string | null;
  recordedAt: CreatedAt;
}

export interface IncidentsTable {
  id: string;
  type: IncidentType;
  severity: IncidentSeverity;
  agentId: string | null;
  taskId: string | null;
  message: string;
  recoveryAction: string | null;
  recoveryResult: string | null;
  createdAt: CreatedAt;
}

export const TOKEN_ROLES = ['viewer', 'operator', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** An API token, by the hash of its secret. */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: TokenRole;
  tokenHash: string;
  /** The sessions it is limited to; null = every session. */
  sessionIds: ColumnType<string[] | null, string[] | null | undefined, never>;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const AUDIT_OUTCOMES = ['OK', 'REFUSED', 'ERROR'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One mutation as it was called and ended. */
export interface AuditLogTable {
  id: string;
  tokenId: string | null;
  actor: string;
  role: TokenRole;
  operationName: string | null;
  /** The mutation fields the operation called, in order. */
  fields: string[];
  outcome: AuditOutcome;
  /** Codes of the typed errors returned and of the GraphQL errors raised. */
  errorCodes: string[];
  durationMs: number;
  createdAt: CreatedAt;
}

/** One secret of a session, sealed (AES-256-GCM); the value itself is never stored. */
export interface SessionSecretsTable {
  sessionId: string;
  /** The environment variable it becomes in the session's agent processes. */
  name: string;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
  createdAt: CreatedAt;
  updatedAt: UpdatedAt;
}

export interface DB {
  sessions: SessionsTable;
  agents: AgentsTable;
  agentEvents: AgentEventsTable;
  tasks: TasksTable;
  taskDependencies: TaskDependenciesTable;
  runs: RunsTable;
  taskEvents: TaskEventsTable;
  agentCommunications: AgentCommunicationsTable;
  performanceMetrics: PerformanceMetricsTable;
  incidents: IncidentsTable;
  workflows: WorkflowsTable;
  apiTokens: ApiTokensTable;
  sessionSecrets: SessionSecretsTable;
  auditLog: AuditLogTable;
}

export type SessionRow = Selectable<SessionsTable>;
export type AgentEventRow = Selectable<AgentEventsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
export type AgentRow = Selectable<AgentsTable>;
export type TaskRow = Selectable<TasksTable>;
export type RunRow = Selectable<RunsTable>;
export type TaskEventRow = Selectable<TaskEventsTable>;
export type CommunicationRow = Selectable<AgentCommunicationsTable>;
export type WorkflowRow = Selectable<WorkflowsTable>;
export type MetricRow = Selectable<PerformanceMetricsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type SessionSecretRow = Selectable<SessionSecretsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type AgentUpdate = Updateable<AgentsTable>;
export type RunUpdate = Updateable<RunsTable>;
