import { useTokenActions } from '../api/AuthContext';

/** Forgets the stored token; shown only when there is one (a local server asks for none). */
export function SignOutButton() {
  const { hasToken, signOut } = useTokenActions();
  if (!hasToken) return null;
  return (
    <button type="button" className="button button--small app-header__sign-out" onClick={signOut}>
      Sign out
    </button>
  );
}
