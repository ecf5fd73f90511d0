import type { ReactNode } from 'react';

/** One labelled figure in a definition list (cost, tokens, uptime, ...). */
export function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="stat">
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">{children}</dd>
    </div>
  );
}
