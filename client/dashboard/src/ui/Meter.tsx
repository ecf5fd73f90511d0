import { formatPercent } from './format';

/** A used-of-total figure as a bar (memory, load, agent slots), with the numbers in words beside it. */
export function Meter({ label, value, max, text }: { label: string; value: number; max: number; text: string }) {
  const fraction = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const level = fraction >= 0.9 ? 'high' : fraction >= 0.7 ? 'medium' : 'low';
  return (
    <div className="meter-row">
      <div className="meter-row__label">
        <span>{label}</span>
        <span className="meter-row__text">{text}</span>
      </div>
      <div className={`meter meter--${level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} aria-valuetext={text}>
        <div className="meter__fill" style={{ width: formatPercent(fraction) }} />
      </div>
    </div>
  );
}
