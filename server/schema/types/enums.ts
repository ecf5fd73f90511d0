import {
  AGENT_ROLES,
  AGENT_STATUSES,
  COMMUNICATION_TYPES,
  INCIDENT_SEVERITIES,
  INCIDENT_TYPES,
  PERMISSION_MODES,
  SESSION_STATUSES,
  TASK_ERROR_TYPES,
  TASK_EVENT_KINDS,
  TASK_STATUSES,
  WORKFLOW_PHASES,
} from '../../db/types.js';
import { builder } from '../builder.js';

export const SessionStatusEnum = builder.enumType('SessionStatus', { values: SESSION_STATUSES });
export const AgentRoleEnum = builder.enumType('AgentRole', { values: AGENT_ROLES });
export const AgentStatusEnum = builder.enumType('AgentStatus', { values: AGENT_STATUSES });
export const TaskStatusEnum = builder.enumType('TaskStatus', { values: TASK_STATUSES });
export const TaskErrorTypeEnum = builder.enumType('TaskErrorType', { values: TASK_ERROR_TYPES });
export const TaskEventKindEnum = builder.enumType('TaskEventKind', { values: TASK_EVENT_KINDS });
export const CommunicationTypeEnum = builder.enumType('CommunicationType', { values: COMMUNICATION_TYPES });
export const PermissionModeEnum = builder.enumType('PermissionMode', { values: PERMISSION_MODES });
export const IncidentTypeEnum = builder.enumType('IncidentType', { values: INCIDENT_TYPES });
export const IncidentSeverityEnum = builder.enumType('IncidentSeverity', { values: INCIDENT_SEVERITIES });
export const WorkflowPhaseEnum = builder.enumType('WorkflowPhase', { values: WORKFLOW_PHASES });
