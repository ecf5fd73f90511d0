import { useConnection } from '../api/ConnectionContext';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Live',
  disconnected: 'Offline, reconnecting',
  unauthorized: 'Sign-in needed',
} as const;

/** Whether live updates are flowing (graphql-ws); streams resume from their cursors when it comes back. */
export function ConnectionIndicator() {
  const state = useConnection();
  return (
    <div className={`connection connection--${state}`} data-testid="connection" data-state={state} role="status" title="Live updates">
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{LABELS[state]}</span>
    </div>
  );
}
