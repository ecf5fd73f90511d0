/** The workflow start form's boxes, turned into a StartWorkflowInput. */
import { describe, expect, it } from 'vitest';
import { EMPTY_START_WORKFLOW_FORM, toStartWorkflowInput } from '../../client/dashboard/src/workflow/start-workflow-input.js';

describe('toStartWorkflowInput', () => {
  it('leaves empty boxes out so the server defaults apply', () => {
    expect(toStartWorkflowInput({ ...EMPTY_START_WORKFLOW_FORM, description: 'Do it' })).toEqual({
      ok: true,
      input: { description: 'Do it' },
    });
  });

  it('passes every filled box, trimmed and as numbers where the input wants numbers', () => {
    const values = {
      description: 'Write a report',
      title: '  Report ',
      maxWorkers: '2',
      workerModel: ' sonnet ',
      managerAgentId: 'agent-1',
      subtaskMaxAttempts: '4',
      maxBudgetUsd: '1.5',
      priority: '-10',
    };
    expect(toStartWorkflowInput(values)).toEqual({
      ok: true,
      input: {
        description: 'Write a report',
        title: 'Report',
        maxWorkers: 2,
        workerModel: 'sonnet',
        managerAgentId: 'agent-1',
        subtaskMaxAttempts: 4,
        maxBudgetUsd: 1.5,
        priority: -10,
      },
    });
  });

  it('sends the description as typed: an empty one is the server to refuse, with its typed error', () => {
    expect(toStartWorkflowInput(EMPTY_START_WORKFLOW_FORM)).toEqual({ ok: true, input: { description: '' } });
  });

  it('refuses a fraction where a whole number is wanted, naming the field', () => {
    expect(toStartWorkflowInput({ ...EMPTY_START_WORKFLOW_FORM, maxWorkers: '2.5', maxBudgetUsd: 'lots' })).toEqual({
      ok: false,
      fieldErrors: { maxWorkers: 'Must be a whole number.', maxBudgetUsd: 'Must be a number.' },
    });
  });
});
