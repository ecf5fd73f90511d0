/**
 * The dashboard's forms: reading inputs into API arguments, and putting the API's typed errors
 * under the field they name.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CREATE_AGENT_FORM, CREATE_AGENT_FIELDS, toCreateAgentInput } from '../../client/dashboard/src/agents/create-agent-input.js';
import { EMPTY_CREATE_TASK_FORM, formFieldOf, toCreateTaskInput } from '../../client/dashboard/src/tasks/create-task-input.js';
import { matchesSearch } from '../../client/dashboard/src/tasks/task-search.js';
import { describeTypedError, fieldMessage, toFormErrors } from '../../client/dashboard/src/ui/typed-errors.js';

describe('typed errors', () => {
  const invalid = { __typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'resourceLimits.maxMemoryMb', message: 'resourceLimits.maxMemoryMb: must be at least 64' };

  it('shows an error under the field it names, without the field prefix', () => {
    expect(toFormErrors(invalid, CREATE_AGENT_FIELDS)).toEqual({ fields: { 'resourceLimits.maxMemoryMb': 'Must be at least 64' } });
    expect(fieldMessage({ code: 'CONFLICT', field: 'name', message: 'An agent named "a" already exists.' })).toBe('An agent named "a" already exists.');
  });

  it('finds the field of a list item', () => {
    const error = { code: 'INVALID_INPUT', field: 'allowedTools.2', message: 'allowedTools.2: must look like Tool or Tool(pattern)' };
    // The prefix names the item; under the list's field, the message alone is shown.
    expect(toFormErrors(error, CREATE_AGENT_FIELDS).fields).toEqual({ allowedTools: 'Must look like Tool or Tool(pattern)' });
  });

  it('puts errors without a known field at the form level, readably', () => {
    expect(toFormErrors({ code: 'CAPACITY_REACHED', message: '10 agent processes are running.' }, CREATE_AGENT_FIELDS)).toEqual({
      fields: {},
      form: '10 agent processes are running.',
    });
    expect(describeTypedError({ code: 'INVALID_INPUT', field: 'filter.sessionId', message: 'filter.sessionId: is not a valid Session id' })).toBe(
      'Session id: Is not a valid Session id',
    );
  });
});

describe('create agent input', () => {
  it('leaves empty inputs unset, so the server defaults apply', () => {
    const result = toCreateAgentInput({ ...EMPTY_CREATE_AGENT_FORM, name: 'w1' });
    expect(result).toEqual({ ok: true, input: expect.objectContaining({ name: 'w1', role: 'WORKER', model: undefined, resourceLimits: undefined }) });
  });

  it('reads lists, numbers and limits', () => {
    const result = toCreateAgentInput({
      ...EMPTY_CREATE_AGENT_FORM,
      name: 'w1',
      allowedTools: 'Read, Bash(git diff:*)\nEdit',
      maxBudgetUsd: '2.5',
      turnTimeoutSeconds: '60',
    });
    expect(result.ok && result.input).toMatchObject({
      allowedTools: ['Read', 'Bash(git diff:*)', 'Edit'],
      maxBudgetUsd: 2.5,
      resourceLimits: { turnTimeoutSeconds: 60 },
    });
  });

  it('reports numbers that do not parse on their fields before sending', () => {
    expect(toCreateAgentInput({ ...EMPTY_CREATE_AGENT_FORM, maxTurns: '1.5', maxMemoryMb: 'lots' })).toEqual({
      ok: false,
      fieldErrors: { maxTurns: 'Must be a whole number.', 'resourceLimits.maxMemoryMb': 'Must be a whole number.' },
    });
  });
});

describe('create task input', () => {
  it('gives the task to an agent, a role or anyone', () => {
    const toAgent = toCreateTaskInput({ ...EMPTY_CREATE_TASK_FORM, title: 't', assignee: { kind: 'agent', agentId: 'A1' } });
    expect(toAgent.ok && toAgent.input).toMatchObject({ agentId: 'A1', requiredRole: undefined, priority: 0 });
    const toRole = toCreateTaskInput({ ...EMPTY_CREATE_TASK_FORM, title: 't', assignee: { kind: 'role', role: 'MANAGER' } });
    expect(toRole.ok && toRole.input).toMatchObject({ agentId: undefined, requiredRole: 'MANAGER' });
  });

  it('shows the errors about agentId and requiredRole on the one control that picks them', () => {
    expect(formFieldOf('agentId')).toBe('assignee');
    expect(formFieldOf('requiredRole')).toBe('assignee');
    expect(formFieldOf('title')).toBe('title');
  });
});

describe('task search', () => {
  const task = { id: 'T1', title: 'Summarise the logs', description: 'Use grep', agent: { name: 'worker-2' }, error: null };

  it('matches every word anywhere in the task', () => {
    expect(matchesSearch(task, '')).toBe(true);
    expect(matchesSearch(task, 'summarise WORKER-2')).toBe(true);
    expect(matchesSearch(task, 'grep logs')).toBe(true);
    expect(matchesSearch(task, 'grep nothing')).toBe(false);
  });
});
