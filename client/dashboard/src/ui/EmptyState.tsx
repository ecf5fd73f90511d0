import type { ReactNode } from 'react';

/** What a list shows when it has nothing yet, with an optional hint of what to do. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-state__title">{title}</p>
      {children && <div className="empty-state__hint">{children}</div>}
    </div>
  );
}
