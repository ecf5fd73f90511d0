/** The objects the SDK returns, and the schema's enums and inputs, as TypeScript types. */
import type {
  AgentFieldsFragment,
  AgentStatusEventFieldsFragment,
  CommunicationFieldsFragment,
  IncidentFieldsFragment,
  MetricFieldsFragment,
  PageInfoFieldsFragment,
  SessionFieldsFragment,
  SystemStatusFieldsFragment,
  TaskEventFieldsFragment,
  TaskFieldsFragment,
} from './gql/graphql.js';

export type Session = SessionFieldsFragment;
export type Agent = AgentFieldsFragment;
export type Task = TaskFieldsFragment;
export type TaskEvent = TaskEventFieldsFragment;
export type Communication = CommunicationFieldsFragment;
export type Incident = IncidentFieldsFragment;
export type Metric = MetricFieldsFragment;
export type AgentStatusEvent = AgentStatusEventFieldsFragment;
export type SystemStatus = SystemStatusFieldsFragment;
export type PageInfo = PageInfoFieldsFragment;

/** What node(id) can find; `__typename` tells which. */
export type AnyNode = Session | Agent | Task | Communication | Incident;

export type {
  AgentFilter,
  AgentRole,
  AgentStatus,
  CommunicationFilter,
  CommunicationType,
  CreateAgentInput,
  CreateSessionInput,
  CreateTaskInput,
  IncidentFilter,
  IncidentSeverity,
  IncidentType,
  MetricFilter,
  PermissionMode,
  ResourceLimitsInput,
  SessionFilter,
  SessionStatus,
  StartWorkflowInput,
  TaskErrorType,
  TaskEventKind,
  TaskFilter,
  TaskStatus,
  WorkflowPhase,
} from './gql/graphql.js';
