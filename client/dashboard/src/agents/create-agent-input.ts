import type { AgentRole, CreateAgentInput, PermissionMode } from '../../../gql/graphql.js';
import { optionalInteger, optionalList, optionalNumber, optionalText, numberReader } from '../ui/form-values.js';

export interface CreateAgentFormValues {
  name: string;
  role: AgentRole;
  model: string;
  systemPrompt: string;
  workingDirectory: string;
  allowedTools: string;
  permissionMode: PermissionMode | '';
  maxTurns: string;
  maxBudgetUsd: string;
  turnTimeoutSeconds: string;
  silenceTimeoutSeconds: string;
  maxMemoryMb: string;
  maxOutputBytes: string;
}

export const EMPTY_CREATE_AGENT_FORM: CreateAgentFormValues = {
  name: '',
  role: 'WORKER',
  model: '',
  systemPrompt: '',
  workingDirectory: '',
  allowedTools: '',
  permissionMode: '',
  maxTurns: '',
  maxBudgetUsd: '',
  turnTimeoutSeconds: '',
  silenceTimeoutSeconds: '',
  maxMemoryMb: '',
  maxOutputBytes: '',
};

/** The form's fields by createAgent's argument paths, so the server's errors land on the right one. */
export const CREATE_AGENT_FIELDS = [
  'name',
  'role',
  'model',
  'systemPrompt',
  'workingDirectory',
  'allowedTools',
  'permissionMode',
  'maxTurns',
  'maxBudgetUsd',
  'resourceLimits.turnTimeoutSeconds',
  'resourceLimits.silenceTimeoutSeconds',
  'resourceLimits.maxMemoryMb',
  'resourceLimits.maxOutputBytes',
] as const;

export type CreateAgentCheck = { ok: true; input: Omit<CreateAgentInput, 'sessionId'> } | { ok: false; fieldErrors: Record<string, string> };

/** The createAgent input the form describes, or what is wrong with its numbers. */
export function toCreateAgentInput(values: CreateAgentFormValues): CreateAgentCheck {
  const fieldErrors: Record<string, string> = {};
  const read = numberReader(fieldErrors);
  const limits = {
    turnTimeoutSeconds: read('resourceLimits.turnTimeoutSeconds', optionalInteger(values.turnTimeoutSeconds)),
    silenceTimeoutSeconds: read('resourceLimits.silenceTimeoutSeconds', optionalInteger(values.silenceTimeoutSeconds)),
    maxMemoryMb: read('resourceLimits.maxMemoryMb', optionalInteger(values.maxMemoryMb)),
    maxOutputBytes: read('resourceLimits.maxOutputBytes', optionalInteger(values.maxOutputBytes)),
  };
  const input = {
    // Sent as typed: the server trims and checks it, and its message is shown under the field.
    name: values.name,
    role: values.role,
    model: optionalText(values.model),
    systemPrompt: values.systemPrompt.trim() === '' ? undefined : values.systemPrompt,
    workingDirectory: optionalText(values.workingDirectory),
    allowedTools: optionalList(values.allowedTools),
    permissionMode: values.permissionMode === '' ? undefined : values.permissionMode,
    maxTurns: read('maxTurns', optionalInteger(values.maxTurns)),
    maxBudgetUsd: read('maxBudgetUsd', optionalNumber(values.maxBudgetUsd)),
    resourceLimits: Object.values(limits).some((limit) => limit !== undefined) ? limits : undefined,
  };
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, input };
}
