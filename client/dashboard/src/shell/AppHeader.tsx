import { useSignInReason } from '../api/AuthContext';
import { ConnectionIndicator } from './ConnectionIndicator';
import { NavBar } from './NavBar';
import { SignOutButton } from './SignOutButton';

export function AppHeader() {
  // While the server wants a sign-in, the sections would only show the sign-in screen again.
  const signInRequired = useSignInReason() !== null;
  return (
    <header className="app-header">
      <a className="app-header__brand" href="#/">
        Agent control plane
      </a>
      {!signInRequired && <NavBar />}
      <ConnectionIndicator />
      <SignOutButton />
    </header>
  );
}
