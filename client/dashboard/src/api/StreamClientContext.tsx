import { createContext, useContext } from 'react';
import type { Client } from 'urql';

/** The client for high-rate logs (transcripts, message feeds): the same socket, no cache. */
export const StreamClientContext = createContext<Client | null>(null);

export function useStreamClient(): Client {
  const client = useContext(StreamClientContext);
  if (!client) throw new Error('useStreamClient needs a StreamClientContext provider');
  return client;
}
