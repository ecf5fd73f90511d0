import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'wouter';

/** The page area; after a navigation, focus moves here so keyboard and screen-reader users start at the new page. */
export function MainContent({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const ref = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.focus({ preventScroll: false });
  }, [location]);
  return (
    <main id="main" className="main" tabIndex={-1} ref={ref}>
      {children}
    </main>
  );
}
