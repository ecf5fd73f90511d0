import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../../../gql';
import type { AgentRole } from '../../../gql/graphql';
import { SessionChoiceFields } from '../sessions/SessionChoiceFields';
import type { SessionChoice } from '../sessions/session-choice';
import { useSessionSubmit } from '../sessions/useSessionSubmit';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { isGoneAgentStatus } from '../agents/agent-status';
import { formatEnum } from '../ui/format';
import { toFormErrors } from '../ui/typed-errors';
import {
  CREATE_TASK_FIELDS,
  EMPTY_CREATE_TASK_FORM,
  formFieldOf,
  toCreateTaskInput,
  type Assignee,
  type CreateTaskFormValues,
} from './create-task-input';

const CreateTask = graphql(`
  mutation CreateTaskForm_Create($input: CreateTaskInput!) {
    createTask(input: $input) {
      __typename
      ... on CreateTaskSuccess {
        task {
          id
          title
          ...TaskRow_Task
        }
      }
      ... on Error {
        code
        message
      }
      ... on InvalidInputError {
        field
      }
      ... on ConflictError {
        field
      }
      ... on NotFoundError {
        field
      }
    }
  }
`);

const SessionOptions = graphql(`
  query CreateTaskForm_SessionOptions($sessionId: ID!) {
    agents(last: 100, filter: { sessionId: $sessionId }) {
      edges {
        node {
          id
          createdAt
          name
          role
          status
        }
      }
    }
    tasks(last: 100, filter: { sessionId: $sessionId }) {
      edges {
        node {
          id
          createdAt
          title
          status
        }
      }
    }
  }
`);

function encodeAssignee(assignee: Assignee): string {
  if (assignee.kind === 'role') return `role:${assignee.role}`;
  if (assignee.kind === 'agent') return `agent:${assignee.agentId}`;
  return 'any';
}

function decodeAssignee(value: string): Assignee {
  if (value.startsWith('role:')) return { kind: 'role', role: value.slice('role:'.length) as AgentRole };
  if (value.startsWith('agent:')) return { kind: 'agent', agentId: value.slice('agent:'.length) };
  return { kind: 'any' };
}

/** Creates a task in a session; the server's refusal is shown under the field it names. */
export function CreateTaskForm({ preferredSessionId }: { preferredSessionId?: string }) {
  const [values, setValues] = useState<CreateTaskFormValues>(EMPTY_CREATE_TASK_FORM);
  const [session, setSession] = useState<SessionChoice | null>(null);
  const [created, setCreated] = useState<{ id: string; title: string } | null>(null);
  const { errors, submitting, submit } = useSessionSubmit(session, setSession);
  const [, createTask] = useMutation(CreateTask);

  const sessionId = session?.kind === 'existing' ? session.sessionId : null;
  const [{ data: options }] = useQuery({
    query: SessionOptions,
    variables: { sessionId: sessionId ?? '' },
    pause: !sessionId,
    requestPolicy: 'cache-and-network',
  });
  const agents = sessionId ? (options?.agents.edges ?? []).map((edge) => edge.node).filter((agent) => !isGoneAgentStatus(agent.status)) : [];
  const tasks = sessionId ? (options?.tasks.edges ?? []).map((edge) => edge.node).reverse() : [];

  const set = <K extends keyof CreateTaskFormValues>(field: K, value: CreateTaskFormValues[K]) => setValues((current) => ({ ...current, [field]: value }));
  const changeSession = (choice: SessionChoice) => {
    setSession(choice);
    // Agents and dependencies belong to one session.
    setValues((current) => ({ ...current, assignee: current.assignee.kind === 'agent' ? { kind: 'any' } : current.assignee, dependsOn: [] }));
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreated(null);
    await submit(toCreateTaskInput(values), async (input, targetSessionId) => {
      const result = await createTask({ input: { ...input, sessionId: targetSessionId } });
      const outcome = result.data?.createTask;
      if (!outcome) return { fields: {}, form: result.error?.message ?? 'The task could not be created.' };
      if (outcome.__typename !== 'CreateTaskSuccess') return toFormErrors(outcome, [...CREATE_TASK_FIELDS, 'sessionId'], formFieldOf);
      setCreated({ id: outcome.task.id, title: outcome.task.title });
      setValues((current) => ({ ...current, title: '', description: '', dependsOn: [] }));
      return null;
    });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="create-task-title">
      <h2 id="create-task-title" className="form__title">
        New task
      </h2>
      <SessionChoiceFields value={session} onChange={changeSession} errors={errors.fields} preferredSessionId={preferredSessionId} />
      <Field label="Title" error={errors.fields.title}>
        {(control) => <input {...control} type="text" value={values.title} required autoComplete="off" onChange={(event) => set('title', event.target.value)} />}
      </Field>
      <Field label="Description" error={errors.fields.description} hint="The instructions the agent gets.">
        {(control) => <textarea {...control} rows={4} value={values.description} onChange={(event) => set('description', event.target.value)} />}
      </Field>
      <div className="form__row">
        <Field label="Priority" error={errors.fields.priority} hint="Higher runs first.">
          {(control) => <input {...control} type="number" step={1} value={values.priority} onChange={(event) => set('priority', event.target.value)} />}
        </Field>
        <Field label="Assign to" error={errors.fields.assignee}>
          {(control) => (
            <select {...control} value={encodeAssignee(values.assignee)} onChange={(event) => set('assignee', decodeAssignee(event.target.value))}>
              <option value="any">First idle agent</option>
              <option value="role:WORKER">First idle worker</option>
              <option value="role:MANAGER">First idle manager</option>
              {agents.length > 0 && (
                <optgroup label="This agent">
                  {agents.map((agent) => (
                    <option key={agent.id} value={`agent:${agent.id}`}>
                      {agent.name} ({formatEnum(agent.role)}, {formatEnum(agent.status).toLowerCase()})
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          )}
        </Field>
      </div>
      <Field
        label="Depends on"
        error={errors.fields.dependsOn}
        hint={tasks.length > 0 ? 'Runs once all of these have succeeded. Ctrl or Cmd + click picks several.' : 'No other task in this session yet.'}
      >
        {(control) => (
          <select
            {...control}
            multiple
            size={Math.min(5, Math.max(2, tasks.length))}
            value={values.dependsOn}
            disabled={tasks.length === 0}
            onChange={(event) => set('dependsOn', Array.from(event.target.selectedOptions, (option) => option.value))}
          >
            {tasks.map((task) => (
              <option key={task.id} value={task.id}>
                {task.title} ({formatEnum(task.status).toLowerCase()})
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="form__fieldset">
        <legend>Limits (empty: defaults)</legend>
        <div className="form__row form__row--three">
          <Field label="Max attempts" error={errors.fields.maxAttempts}>
            {(control) => <input {...control} type="text" inputMode="numeric" placeholder="1" value={values.maxAttempts} onChange={(event) => set('maxAttempts', event.target.value)} />}
          </Field>
          <Field label="Timeout (s)" error={errors.fields.timeoutSeconds}>
            {(control) => <input {...control} type="text" inputMode="numeric" value={values.timeoutSeconds} onChange={(event) => set('timeoutSeconds', event.target.value)} />}
          </Field>
          <Field label="Budget (USD)" error={errors.fields.maxBudgetUsd}>
            {(control) => <input {...control} type="text" inputMode="decimal" value={values.maxBudgetUsd} onChange={(event) => set('maxBudgetUsd', event.target.value)} />}
          </Field>
        </div>
      </fieldset>
      <ErrorMessage error={errors.form} />
      {created && (
        <p className="form__success" role="status">
          Created <Link href={`/tasks/${encodeURIComponent(created.id)}`}>{created.title}</Link>.
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={submitting} aria-busy={submitting}>
        Create task
      </button>
    </form>
  );
}
