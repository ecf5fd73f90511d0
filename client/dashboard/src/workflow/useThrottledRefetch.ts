import { useCallback, useEffect, useRef } from 'react';

type Refetch = (options: { requestPolicy: 'network-only' }) => void;

/**
 * A query read again from the server at most once per interval, however many changes ask for it
 * meanwhile: the one read that follows a burst sees all of them.
 */
export function useThrottledRefetch(refetch: Refetch, intervalMs = 300): () => void {
  const latest = useRef(refetch);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current = refetch;
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current({ requestPolicy: 'network-only' });
    }, intervalMs);
  }, [intervalMs]);
}
