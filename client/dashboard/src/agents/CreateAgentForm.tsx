import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { Link } from 'wouter';
import { graphql } from '../../../gql';
import type { AgentRole, PermissionMode } from '../../../gql/graphql';
import { SessionChoiceFields } from '../sessions/SessionChoiceFields';
import type { SessionChoice } from '../sessions/session-choice';
import { useSessionSubmit } from '../sessions/useSessionSubmit';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { toFormErrors } from '../ui/typed-errors';
import { CREATE_AGENT_FIELDS, EMPTY_CREATE_AGENT_FORM, toCreateAgentInput, type CreateAgentFormValues } from './create-agent-input';

const CreateAgent = graphql(`
  mutation CreateAgentForm_Create($input: CreateAgentInput!) {
    createAgent(input: $input) {
      __typename
      ... on CreateAgentSuccess {
        agent {
          id
          name
          ...AgentCard_Agent
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

const MODEL_SUGGESTIONS = ['sonnet', 'opus', 'haiku', 'opusplan'];
const PERMISSION_MODES: { value: PermissionMode; label: string }[] = [
  { value: 'DEFAULT', label: 'Default (ask)' },
  { value: 'ACCEPT_EDITS', label: 'Accept edits' },
  { value: 'PLAN', label: 'Plan only' },
  { value: 'DONT_ASK', label: "Don't ask" },
];

/**
 * Creates an agent (and, when asked, its session first). The server checks everything; its
 * refusal is shown under the field it names, or above the button when it names none.
 */
export function CreateAgentForm({ preferredSessionId }: { preferredSessionId?: string }) {
  const [values, setValues] = useState<CreateAgentFormValues>(EMPTY_CREATE_AGENT_FORM);
  const [session, setSession] = useState<SessionChoice | null>(null);
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);
  const { errors, submitting, submit } = useSessionSubmit(session, setSession);
  const [, createAgent] = useMutation(CreateAgent);

  const set = <K extends keyof CreateAgentFormValues>(field: K, value: CreateAgentFormValues[K]) =>
    setValues((current) => ({ ...current, [field]: value }));
  const fieldError = (field: string) => errors.fields[field];

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreated(null);
    await submit(toCreateAgentInput(values), async (input, sessionId) => {
      const result = await createAgent({ input: { ...input, sessionId } });
      const outcome = result.data?.createAgent;
      if (!outcome) return { fields: {}, form: result.error?.message ?? 'The agent could not be created.' };
      if (outcome.__typename !== 'CreateAgentSuccess') return toFormErrors(outcome, [...CREATE_AGENT_FIELDS, 'sessionId']);
      setCreated({ id: outcome.agent.id, name: outcome.agent.name });
      setValues((current) => ({ ...current, name: '' }));
      return null;
    });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-labelledby="create-agent-title">
      <h2 id="create-agent-title" className="form__title">
        New agent
      </h2>
      <SessionChoiceFields value={session} onChange={setSession} errors={errors.fields} preferredSessionId={preferredSessionId} />
      <Field label="Name" error={fieldError('name')}>
        {(control) => (
          <input {...control} type="text" value={values.name} required autoComplete="off" onChange={(event) => set('name', event.target.value)} />
        )}
      </Field>
      <div className="form__row">
        <Field label="Role" error={fieldError('role')}>
          {(control) => (
            <select {...control} value={values.role} onChange={(event) => set('role', event.target.value as AgentRole)}>
              <option value="WORKER">Worker</option>
              <option value="MANAGER">Manager</option>
            </select>
          )}
        </Field>
        <Field label="Model" error={fieldError('model')} hint="Empty: the CLI's default.">
          {(control) => (
            <>
              <input {...control} type="text" list="model-suggestions" value={values.model} autoComplete="off" onChange={(event) => set('model', event.target.value)} />
              <datalist id="model-suggestions">
                {MODEL_SUGGESTIONS.map((model) => (
                  <option key={model} value={model} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>
      <Field label="System prompt" error={fieldError('systemPrompt')} hint="Appended to the CLI's own system prompt.">
        {(control) => <textarea {...control} rows={3} value={values.systemPrompt} onChange={(event) => set('systemPrompt', event.target.value)} />}
      </Field>
      <Field label="Working directory" error={fieldError('workingDirectory')} hint="Relative to the session's folder; empty: the session's folder.">
        {(control) => (
          <input {...control} type="text" value={values.workingDirectory} autoComplete="off" onChange={(event) => set('workingDirectory', event.target.value)} />
        )}
      </Field>
      <Field label="Allowed tools" error={fieldError('allowedTools')} hint="One per line or comma-separated, e.g. Read, Bash(git diff:*).">
        {(control) => <textarea {...control} rows={2} value={values.allowedTools} onChange={(event) => set('allowedTools', event.target.value)} />}
      </Field>
      <Field label="Permission mode" error={fieldError('permissionMode')}>
        {(control) => (
          <select {...control} value={values.permissionMode} onChange={(event) => set('permissionMode', event.target.value as PermissionMode | '')}>
            <option value="">Server default</option>
            {PERMISSION_MODES.map((mode) => (
              <option key={mode.value} value={mode.value}>
                {mode.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="form__fieldset">
        <legend>Limits (empty: server defaults)</legend>
        <div className="form__row">
          <Field label="Max turns" error={fieldError('maxTurns')}>
            {(control) => <input {...control} type="text" inputMode="numeric" value={values.maxTurns} onChange={(event) => set('maxTurns', event.target.value)} />}
          </Field>
          <Field label="Max budget (USD)" error={fieldError('maxBudgetUsd')}>
            {(control) => <input {...control} type="text" inputMode="decimal" value={values.maxBudgetUsd} onChange={(event) => set('maxBudgetUsd', event.target.value)} />}
          </Field>
        </div>
        <div className="form__row">
          <Field label="Turn timeout (s)" error={fieldError('resourceLimits.turnTimeoutSeconds')}>
            {(control) => (
              <input {...control} type="text" inputMode="numeric" value={values.turnTimeoutSeconds} onChange={(event) => set('turnTimeoutSeconds', event.target.value)} />
            )}
          </Field>
          <Field label="Silence timeout (s)" error={fieldError('resourceLimits.silenceTimeoutSeconds')}>
            {(control) => (
              <input {...control} type="text" inputMode="numeric" value={values.silenceTimeoutSeconds} onChange={(event) => set('silenceTimeoutSeconds', event.target.value)} />
            )}
          </Field>
        </div>
        <div className="form__row">
          <Field label="Memory limit (MB)" error={fieldError('resourceLimits.maxMemoryMb')}>
            {(control) => <input {...control} type="text" inputMode="numeric" value={values.maxMemoryMb} onChange={(event) => set('maxMemoryMb', event.target.value)} />}
          </Field>
          <Field label="Output limit (bytes)" error={fieldError('resourceLimits.maxOutputBytes')}>
            {(control) => (
              <input {...control} type="text" inputMode="numeric" value={values.maxOutputBytes} onChange={(event) => set('maxOutputBytes', event.target.value)} />
            )}
          </Field>
        </div>
      </fieldset>
      <ErrorMessage error={errors.form} />
      {created && (
        <p className="form__success" role="status">
          Created <Link href={`/agents/${encodeURIComponent(created.id)}`}>{created.name}</Link>.
        </p>
      )}
      {/* The name stays the same while it works, so the button is found by it at any time. */}
      <button type="submit" className="button button--primary" disabled={submitting} aria-busy={submitting}>
        Create agent
      </button>
    </form>
  );
}
