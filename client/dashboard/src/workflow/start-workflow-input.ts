/**
 * The start form's text boxes turned into a StartWorkflowInput: empty boxes are left out (the
 * server's defaults apply), numbers are checked for shape here, ranges by the server.
 */

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

const WHOLE_NUMBER_FIELDS = ['maxWorkers', 'subtaskMaxAttempts', 'priority'] as const;

export function toStartWorkflowInput(values: StartWorkflowFormValues): StartWorkflowInputResult {
  const input: StartWorkflowInputFields = { description: values.description };
  const fieldErrors: Partial<Record<keyof StartWorkflowFormValues, string>> = {};

  const title = values.title.trim();
  if (title) input.title = title;
  const workerModel = values.workerModel.trim();
  if (workerModel) input.workerModel = workerModel;
  if (values.managerAgentId) input.managerAgentId = values.managerAgentId;

  for (const field of WHOLE_NUMBER_FIELDS) {
    const text = values[field].trim();
    if (!text) continue;
    const value = Number(text);
    if (Number.isInteger(value)) input[field] = value;
    else fieldErrors[field] = 'Must be a whole number';
  }
  const budget = values.maxBudgetUsd.trim();
  if (budget) {
    const value = Number(budget);
    if (Number.isFinite(value)) input.maxBudgetUsd = value;
    else fieldErrors.maxBudgetUsd = 'Must be a number';
  }

  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, input };
}
