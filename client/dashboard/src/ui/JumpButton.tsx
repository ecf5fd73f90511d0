import type { ReactNode } from 'react';

/**
 * Moves to a section further down the page and focuses its first field: on narrow screens the
 * forms sit below the lists. Not a link, because the URL hash belongs to the router.
 */
export function JumpButton({ targetId, children }: { targetId: string; children: ReactNode }) {
  const jump = () => {
    const target = document.getElementById(targetId);
    target?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    target?.querySelector<HTMLElement>('input, select, textarea')?.focus({ preventScroll: true });
  };
  return (
    <button type="button" className="button button--small only-when-stacked" onClick={jump}>
      {children}
    </button>
  );
}
