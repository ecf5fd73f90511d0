import { formatPercent } from './format';

/** A fraction from 0 to 1 as a bar, exposed as a progressbar to assistive technology. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const clamped = Math.min(1, Math.max(0, value));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(clamped * 100)}>
      <div className="progress__fill" style={{ width: formatPercent(clamped) }} />
    </div>
  );
}
