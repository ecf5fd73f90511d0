export type Connection = 'connecting' | 'connected' | 'disconnected';

/** The live link's state, for the connection indicator; components subscribe with useSyncExternalStore. */
export class ConnectionState {
  private value: Connection = 'connecting';
  /** How many times the link has come up; a rise past 1 means a reconnect, when live streams resume. */
  private connections = 0;
  private readonly listeners = new Set<() => void>();

  get = (): Connection => this.value;

  connectionCount = (): number => this.connections;

  set(value: Connection): void {
    if (value === this.value) return;
    this.value = value;
    if (value === 'connected') this.connections += 1;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
