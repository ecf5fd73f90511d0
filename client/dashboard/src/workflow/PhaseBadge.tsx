import { formatEnum } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';

/** A workflow phase, labelled as one so that it is not read as the root task's status. */
export function PhaseBadge({ phase }: { phase: string }) {
  return <StatusBadge status={phase} label={`Phase: ${formatEnum(phase)}`} />;
}
