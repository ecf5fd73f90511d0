import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { ConnectionState, type Connection } from './connection-state';

const ConnectionContext = createContext<ConnectionState | null>(null);

export function ConnectionProvider({ connection, children }: { connection: ConnectionState; children: ReactNode }) {
  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>;
}

function useConnectionState(): ConnectionState {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection needs a ConnectionProvider');
  return connection;
}

/** connecting | connected | disconnected, as graphql-ws reports it; unauthorized once the server refused the token. */
export function useConnection(): Connection {
  const connection = useConnectionState();
  return useSyncExternalStore(connection.subscribe, connection.get);
}

/** How many times the live link came back after its first connection: rises on every reconnect. */
export function useReconnectCount(): number {
  const connection = useConnectionState();
  const connections = useSyncExternalStore(connection.subscribe, connection.connectionCount);
  return Math.max(0, connections - 1);
}
