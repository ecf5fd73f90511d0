import type { AgentRole, CreateTaskInput } from '../../../gql/graphql.js';
import { optionalInteger, optionalNumber, numberReader } from '../ui/form-values.js';

/** Who may run the task: any agent, any agent of a role, or one agent (its id). */
export type Assignee = { kind: 'any' } | { kind: 'role'; role: AgentRole } | { kind: 'agent'; agentId: string };

export interface CreateTaskFormValues {
  title: string;
  description: string;
  priority: string;
  assignee: Assignee;
  dependsOn: string[];
  maxAttempts: string;
  timeoutSeconds: string;
  maxBudgetUsd: string;
}

export const EMPTY_CREATE_TASK_FORM: CreateTaskFormValues = {
  title: '',
  description: '',
  priority: '0',
  assignee: { kind: 'any' },
  dependsOn: [],
  maxAttempts: '',
  timeoutSeconds: '',
  maxBudgetUsd: '',
};

/** createTask's argument names; "assignee" shows the errors about agentId and requiredRole. */
export const CREATE_TASK_FIELDS = ['title', 'description', 'priority', 'assignee', 'dependsOn', 'maxAttempts', 'timeoutSeconds', 'maxBudgetUsd'] as const;

/** createTask names the agent or role argument; the form shows both choices in one control. */
export function formFieldOf(field: string | null | undefined): string | null | undefined {
  return field === 'agentId' || field === 'requiredRole' ? 'assignee' : field;
}

export type CreateTaskCheck = { ok: true; input: Omit<CreateTaskInput, 'sessionId'> } | { ok: false; fieldErrors: Record<string, string> };

export function toCreateTaskInput(values: CreateTaskFormValues): CreateTaskCheck {
  const fieldErrors: Record<string, string> = {};
  const read = numberReader(fieldErrors);
  const input = {
    title: values.title,
    description: values.description === '' ? undefined : values.description,
    priority: read('priority', optionalInteger(values.priority)),
    agentId: values.assignee.kind === 'agent' ? values.assignee.agentId : undefined,
    requiredRole: values.assignee.kind === 'role' ? values.assignee.role : undefined,
    dependsOn: values.dependsOn.length > 0 ? values.dependsOn : undefined,
    maxAttempts: read('maxAttempts', optionalInteger(values.maxAttempts)),
    timeoutSeconds: read('timeoutSeconds', optionalInteger(values.timeoutSeconds)),
    maxBudgetUsd: read('maxBudgetUsd', optionalNumber(values.maxBudgetUsd)),
  };
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, input };
}
