import { ConnectionIndicator } from './ConnectionIndicator';
import { NavBar } from './NavBar';

export function AppHeader() {
  return (
    <header className="app-header">
      <a className="app-header__brand" href="#/">
        Agent control plane
      </a>
      <NavBar />
      <ConnectionIndicator />
    </header>
  );
}
