/**
 * The start form's text boxes turned into a StartWorkflowInput: empty boxes are left out (the
 * server's defaults apply), numbers are checked for shape here, ranges by the server.
 */
import { optionalInteger, optionalNumber, optionalText, numberReader } from '../ui/form-values.js';

export interface StartWorkflowFormValues {
  description: string;
  title: string;
  maxWorkers: string;
  workerModel: string;
  managerAgentId: string;
  subtaskMaxAttempts: string;
  maxBudgetUsd: string;
  priority: string;
}

export const EMPTY_START_WORKFLOW_FORM: StartWorkflowFormValues = {
  description: '',
  title: '',
  maxWorkers: '',
  workerModel: '',
  managerAgentId: '',
  subtaskMaxAttempts: '',
  maxBudgetUsd: '',
  priority: '',
};

/** The form's fields, by the names StartWorkflowInput (and so the server's errors) gives them. */
export const START_WORKFLOW_FORM_FIELDS = Object.keys(EMPTY_START_WORKFLOW_FORM) as (keyof StartWorkflowFormValues)[];

/** StartWorkflowInput without the session, which the form may have to create first. */
export interface StartWorkflowInputFields {
  description: string;
  title?: string;
  maxWorkers?: number;
  workerModel?: string;
  managerAgentId?: string;
  subtaskMaxAttempts?: number;
  maxBudgetUsd?: number;
  priority?: number;
}

export type StartWorkflowInputResult =
  | { ok: true; input: StartWorkflowInputFields }
  | { ok: false; fieldErrors: Partial<Record<keyof StartWorkflowFormValues, string>> };

export function toStartWorkflowInput(values: StartWorkflowFormValues): StartWorkflowInputResult {
  const fieldErrors: Partial<Record<keyof StartWorkflowFormValues, string>> = {};
  const read = numberReader(fieldErrors);
  const input: StartWorkflowInputFields = {
    // Sent as typed: an empty description is the server's to refuse, with its typed error.
    description: values.description,
    title: optionalText(values.title),
    maxWorkers: read('maxWorkers', optionalInteger(values.maxWorkers)),
    workerModel: optionalText(values.workerModel),
    managerAgentId: optionalText(values.managerAgentId),
    subtaskMaxAttempts: read('subtaskMaxAttempts', optionalInteger(values.subtaskMaxAttempts)),
    maxBudgetUsd: read('maxBudgetUsd', optionalNumber(values.maxBudgetUsd)),
    priority: read('priority', optionalInteger(values.priority)),
  };
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, input };
}
