import { useEffect, useRef } from 'react';
import { useReconnectCount } from './ConnectionContext';

/**
 * Refetches a query after the live link comes back: the subscriptions that keep it fresh have no
 * cursor, so whatever changed while the link was down is read again instead.
 */
export function useRefetchOnReconnect(refetch: (options: { requestPolicy: 'network-only' }) => void): void {
  const reconnects = useReconnectCount();
  const latest = useRef(refetch);
  useEffect(() => {
    latest.current = refetch;
  });
  useEffect(() => {
    if (reconnects > 0) latest.current({ requestPolicy: 'network-only' });
  }, [reconnects]);
}
