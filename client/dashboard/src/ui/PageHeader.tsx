import type { ReactNode } from 'react';

/** A page's heading with its actions beside it (below it on narrow screens). */
export function PageHeader({ title, children, meta }: { title: ReactNode; children?: ReactNode; meta?: ReactNode }) {
  return (
    <div className="page-header">
      <div className="page-header__text">
        <h1 className="page-header__title">{title}</h1>
        {meta && <div className="page-header__meta">{meta}</div>}
      </div>
      {children && <div className="page-header__actions">{children}</div>}
    </div>
  );
}
