/** unauthorized: the server refused the token (WebSocket close 4403 or HTTP 401); the link is not retried. */
export type Connection = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

/** The live link's state, for the connection indicator; components subscribe with useSyncExternalStore. */
export class ConnectionState {
  private value: Connection = 'connecting';
  /** How many times the link has come up; a rise past 1 means a reconnect, when live streams resume. */
  private connections = 0;
  private readonly listeners = new Set<() => void>();

  get = (): Connection => this.value;

  connectionCount = (): number => this.connections;

  set(value: Connection): void {
    // A refused token stays refused until a new sign-in reloads the page: the socket closing
    // afterwards (its last subscription gone) must not show "reconnecting".
    if (value === this.value || this.value === 'unauthorized') return;
    this.value = value;
    if (value === 'connected') this.connections += 1;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
