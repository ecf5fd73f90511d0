import { formatEnum } from './format';
import { statusTone } from './status-tone';

/** A status as a coloured pill; the text is always there, so colour is never the only cue. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge badge--${statusTone(status)}`} data-status={status}>
      <span className="badge__dot" aria-hidden="true" />
      {label ?? formatEnum(status)}
    </span>
  );
}
