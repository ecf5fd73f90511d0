import { useEffect } from 'react';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { NEW_SESSION, type SessionChoice } from './session-choice';
import { useSessions } from './useSessions';

const NEW_OPTION = '__new__';

interface SessionChoiceFieldsProps {
  value: SessionChoice | null;
  onChange: (choice: SessionChoice) => void;
  errors: Record<string, string>;
  /** Preselects this session when nothing is chosen yet. */
  preferredSessionId?: string;
}

/**
 * Picks the session a new agent or task belongs to, or describes a new one to create first.
 * With no session yet, a new one named "default" is proposed, so the form works on a fresh install.
 */
export function SessionChoiceFields({ value, onChange, errors, preferredSessionId }: SessionChoiceFieldsProps) {
  const { sessions, loading, error } = useSessions();
  const known = value?.kind === 'existing' && sessions.some((session) => session.id === value.sessionId);

  // Only while nothing is chosen: a session the form has just created is missing from the list until
  // it is read again, and must not be swapped for another one (or for a second new one) meanwhile.
  useEffect(() => {
    if (loading || value) return;
    const preferred = sessions.find((session) => session.id === preferredSessionId) ?? sessions[0];
    onChange(preferred ? { kind: 'existing', sessionId: preferred.id } : NEW_SESSION);
  }, [loading, value, sessions, preferredSessionId, onChange]);

  if (error && sessions.length === 0) return <ErrorMessage error={error} title="Sessions could not be loaded." />;

  const selected = value?.kind === 'new' ? NEW_OPTION : known && value?.kind === 'existing' ? value.sessionId : '';
  return (
    <>
      <Field label="Session" error={errors.sessionId}>
        {(control) => (
          <select
            {...control}
            value={selected}
            disabled={loading}
            onChange={(event) =>
              onChange(
                event.target.value === NEW_OPTION
                  ? { ...NEW_SESSION, name: sessions.length === 0 ? NEW_SESSION.name : '' }
                  : { kind: 'existing', sessionId: event.target.value },
              )
            }
          >
            {loading && <option value="">Loading sessions…</option>}
            {sessions.map((session) => (
              <option key={session.id} value={session.id}>
                {session.name}
              </option>
            ))}
            <option value={NEW_OPTION}>New session…</option>
          </select>
        )}
      </Field>
      {value?.kind === 'new' && (
        <div className="field-group">
          <Field label="New session" error={errors.sessionName} hint="A name for the new session, created with this form.">
            {(control) => (
              <input {...control} type="text" value={value.name} autoComplete="off" onChange={(event) => onChange({ ...value, name: event.target.value })} />
            )}
          </Field>
          <Field label="Session folder" error={errors.sessionFolder} hint="Inside the workspace root; a new folder when left empty.">
            {(control) => (
              <input
                {...control}
                type="text"
                value={value.workingDirectory}
                autoComplete="off"
                onChange={(event) => onChange({ ...value, workingDirectory: event.target.value })}
              />
            )}
          </Field>
        </div>
      )}
    </>
  );
}
