import { useState, type FormEvent } from 'react';
import { useTokenActions } from '../api/AuthContext';
import { parseTokenInput, type SignInReason } from '../api/auth-token';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { usePageTitle } from '../ui/usePageTitle';

/** Asks for an API token when the server requires one; stored in this browser until "Sign out". */
export function SignInPage({ reason }: { reason: SignInReason }) {
  usePageTitle('Sign in');
  const { signIn } = useTokenActions();
  const [input, setInput] = useState('');
  const [error, setError] = useState<string>();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parseTokenInput(input);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    try {
      signIn(parsed.token);
    } catch {
      setError('This browser does not let the dashboard store the token: allow site data for this page and try again.');
    }
  };

  return (
    <form className="panel form sign-in" data-testid="sign-in" aria-labelledby="sign-in-title" noValidate onSubmit={onSubmit}>
      <h1 id="sign-in-title" className="form__title">
        Sign in
      </h1>
      {reason === 'token-refused' && <ErrorMessage error="That token was refused: it is unknown or revoked." />}
      <p className="sign-in__explanation">
        This server asks for an API token. Tokens are created on the server with{' '}
        <code>npm run token -- create --role viewer|operator|admin</code>; the token is kept in this browser until you sign out.
      </p>
      <Field label="API token" error={error}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="current-password"
            spellCheck={false}
            autoFocus
            value={input}
            onChange={(event) => setInput(event.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button--primary">
        Sign in
      </button>
    </form>
  );
}
