import { useState } from 'react';
import { NO_ERRORS, type FormErrors } from '../ui/typed-errors';
import type { SessionChoice } from './session-choice';
import { useEnsureSession } from './useEnsureSession';

type Checked<Input> = { ok: true; input: Input } | { ok: false; fieldErrors: Record<string, string> };

/**
 * The submit of a form that creates something in a session: the form's own check first, then the
 * session (created when the choice is a new one), then `mutate`, which returns the errors to show
 * or null when it succeeded.
 */
export function useSessionSubmit(session: SessionChoice | null, setSession: (choice: SessionChoice) => void) {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);
  const ensureSession = useEnsureSession();

  const submit = async <Input>(checked: Checked<Input>, mutate: (input: Input, sessionId: string) => Promise<FormErrors | null>) => {
    if (!checked.ok) {
      setErrors({ fields: checked.fieldErrors });
      return;
    }
    setSubmitting(true);
    try {
      const ensured = await ensureSession(session);
      if (!ensured.ok) {
        setErrors(ensured.errors);
        return;
      }
      // The session exists now: a second submit must not create it again.
      setSession({ kind: 'existing', sessionId: ensured.sessionId });
      setErrors((await mutate(checked.input, ensured.sessionId)) ?? NO_ERRORS);
    } finally {
      setSubmitting(false);
    }
  };

  return { errors, submitting, submit };
}
