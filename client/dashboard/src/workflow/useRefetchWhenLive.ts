import { useEffect } from 'react';
import { useConnection } from '../api/ConnectionContext';

const SETTLE_MS = 1000;

/**
 * Subscriptions start with no replay, and setting them up takes a moment: once the live link is up
 * (on arrival, and after every reconnect), the view is read again a little later, so whatever
 * changed while they were starting is not missed.
 */
export function useRefetchWhenLive(requestRefetch: () => void): void {
  const connection = useConnection();
  useEffect(() => {
    if (connection !== 'connected') return;
    const timer = setTimeout(requestRefetch, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [connection, requestRefetch]);
}
