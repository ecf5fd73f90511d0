import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { navigate } from 'wouter/use-hash-location';
import { graphql } from '../../../gql';
import { isGoneAgentStatus } from '../agents/agent-status';
import { SessionChoiceFields } from '../sessions/SessionChoiceFields';
import { SESSION_FIELDS, type SessionChoice } from '../sessions/session-choice';
import { useEnsureSession } from '../sessions/useEnsureSession';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { NO_ERRORS, toFormErrors, type FormErrors } from '../ui/typed-errors';
import {
  EMPTY_START_WORKFLOW_FORM,
  START_WORKFLOW_FORM_FIELDS,
  toStartWorkflowInput,
  type StartWorkflowFormValues,
} from './start-workflow-input';

const StartWorkflow = graphql(`
  mutation StartWorkflowForm_Start($input: StartWorkflowInput!) {
    startWorkflow(input: $input) {
      __typename
      ... on StartWorkflowSuccess {
        task {
          id
          title
          status
          progress
          requiredRole
          createdAt
          session {
            id
          }
          workflow {
            phase
          }
        }
      }
      ... on Error {
        code
        message
      }
      ... on InvalidInputError {
        field
      }
      ... on NotFoundError {
        field
      }
      ... on ConflictError {
        field
      }
    }
  }
`);

const SessionManagers = graphql(`
  query StartWorkflowForm_Managers($sessionId: ID!) {
    agents(filter: { sessionId: $sessionId, role: MANAGER }, first: 100) {
      edges {
        node {
          id
          name
          status
        }
      }
    }
  }
`);

/** Folded away until one of them is refused. */
const MORE_OPTIONS_FIELDS = new Set(['managerAgentId', 'subtaskMaxAttempts', 'maxBudgetUsd', 'priority']);

const FORM_FIELDS = [...START_WORKFLOW_FORM_FIELDS, ...SESSION_FIELDS];

interface StartWorkflowFormProps {
  /** The session chosen in the form; the page lists that session's workflows beside it. */
  session: SessionChoice | null;
  onSessionChange: (session: SessionChoice) => void;
  preferredSessionId?: string;
}

/** Starts a workflow and opens its canvas; a refusal is shown under the field it concerns. */
export function StartWorkflowForm({ session, onSessionChange, preferredSessionId }: StartWorkflowFormProps) {
  const [values, setValues] = useState<StartWorkflowFormValues>(EMPTY_START_WORKFLOW_FORM);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [creatingSession, setCreatingSession] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const ensureSession = useEnsureSession();
  const [{ fetching, error }, startWorkflow] = useMutation(StartWorkflow);
  const existingSessionId = session?.kind === 'existing' ? session.sessionId : undefined;
  const [{ data: managersData }] = useQuery({
    query: SessionManagers,
    variables: { sessionId: existingSessionId ?? '' },
    pause: !existingSessionId,
  });
  const managers = (managersData?.agents.edges ?? []).map((edge) => edge.node).filter((agent) => !isGoneAgentStatus(agent.status));

  const bind = (field: keyof StartWorkflowFormValues) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => setValues((current) => ({ ...current, [field]: event.target.value })),
  });

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const checked = toStartWorkflowInput(values);
    if (!checked.ok) {
      setErrors({ fields: checked.fieldErrors });
      return;
    }
    setErrors(NO_ERRORS);
    setCreatingSession(session?.kind === 'new');
    const ensured = await ensureSession(session).finally(() => setCreatingSession(false));
    if (!ensured.ok) {
      setErrors(ensured.errors);
      return;
    }
    // A session created here exists from now on: a second try must not create another.
    if (session?.kind === 'new') onSessionChange({ kind: 'existing', sessionId: ensured.sessionId });
    const result = await startWorkflow({ input: { ...checked.input, sessionId: ensured.sessionId } });
    const outcome = result.data?.startWorkflow;
    // No payload: the request itself failed, and `error` says why.
    if (!outcome) return;
    if (outcome.__typename === 'StartWorkflowSuccess') {
      navigate(`/workflows/${encodeURIComponent(outcome.task.id)}`);
      return;
    }
    setErrors(toFormErrors(outcome, FORM_FIELDS));
  };

  // A refused field takes the focus, so its message is read out and the fix is one keystroke away.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const busy = fetching || creatingSession;
  const moreOptionsRefused = Object.keys(errors.fields).some((field) => MORE_OPTIONS_FIELDS.has(field));
  return (
    <form ref={form} className="form panel wf-form" onSubmit={onSubmit} noValidate aria-labelledby="start-workflow-title">
      <h2 id="start-workflow-title" className="form__title">
        Start a workflow
      </h2>
      <SessionChoiceFields value={session} onChange={onSessionChange} errors={errors.fields} preferredSessionId={preferredSessionId} />
      <Field label="Description" error={errors.fields.description} hint="The work, as you would describe it to the manager.">
        {(control) => <textarea {...control} rows={5} {...bind('description')} />}
      </Field>
      <div className="wf-form__row">
        <Field label="Title" error={errors.fields.title} hint="Defaults to the description's first line.">
          {(control) => <input {...control} type="text" {...bind('title')} />}
        </Field>
        <Field label="Max workers" error={errors.fields.maxWorkers} hint="Workers created when none is idle (1 to 100).">
          {(control) => <input {...control} type="number" inputMode="numeric" min={1} max={100} {...bind('maxWorkers')} />}
        </Field>
        <Field label="Worker model" error={errors.fields.workerModel} hint="For example sonnet; the CLI's default when empty.">
          {(control) => <input {...control} type="text" autoComplete="off" {...bind('workerModel')} />}
        </Field>
      </div>
      <details className="wf-form__more" open={moreOptionsRefused || undefined}>
        <summary>More options</summary>
        <div className="wf-form__row">
          <Field label="Manager" error={errors.fields.managerAgentId}>
            {(control) => (
              <select {...control} {...bind('managerAgentId')}>
                <option value="">An idle manager, else a new one</option>
                {managers.map((manager) => (
                  <option key={manager.id} value={manager.id}>
                    {manager.name} ({manager.status.toLowerCase()})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Attempts per subtask" error={errors.fields.subtaskMaxAttempts} hint="1 to 10; 3 when empty.">
            {(control) => <input {...control} type="number" inputMode="numeric" min={1} max={10} {...bind('subtaskMaxAttempts')} />}
          </Field>
          <Field label="Budget (USD)" error={errors.fields.maxBudgetUsd} hint="For the whole workflow; no limit when empty.">
            {(control) => <input {...control} type="number" inputMode="decimal" min={0} step="any" {...bind('maxBudgetUsd')} />}
          </Field>
          <Field label="Priority" error={errors.fields.priority} hint="-1000 to 1000; higher runs first.">
            {(control) => <input {...control} type="number" inputMode="numeric" {...bind('priority')} />}
          </Field>
        </div>
      </details>
      <ErrorMessage error={errors.form} />
      <ErrorMessage error={error} />
      <div className="wf-form__actions">
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
          Start workflow
        </button>
      </div>
    </form>
  );
}
