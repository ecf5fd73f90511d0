import { Link } from 'wouter';
import { graphql, useFragment as readFragment, type FragmentType } from '../../../gql';
import { formatCost, formatElapsed, formatEnum, formatTime, formatTokens } from '../ui/format';
import { Stat } from '../ui/Stat';
import { useNow } from '../ui/useNow';
import { readEntry, type TranscriptEvent } from './transcript-model';

export const TaskSummaryFragment = graphql(`
  fragment TaskSummary_Task on Task {
    id
    status
    priority
    requiredRole
    attempts
    maxAttempts
    timeoutSeconds
    maxBudgetUsd
    costUsd
    createdAt
    startedAt
    finishedAt
    retryAt
    usage {
      inputTokens
      outputTokens
      cacheReadTokens
      cacheCreationTokens
    }
    agent {
      id
      name
      status
    }
    session {
      id
      name
    }
  }
`);

/** The task's figures: who, cost, tokens, duration, attempts and limits. */
export function TaskSummary(props: { task: FragmentType<typeof TaskSummaryFragment>; liveEvents: readonly TranscriptEvent[] }) {
  const task = readFragment(TaskSummaryFragment, props.task);
  const now = useNow();
  const live = task.status === 'RUNNING' ? liveUsage(props.liveEvents) : undefined;
  return (
    <dl className="stats stats--wide" aria-label="Task figures">
      <Stat label="Agent">
        {task.agent ? <Link href={`/agents/${encodeURIComponent(task.agent.id)}`}>{task.agent.name}</Link> : task.requiredRole ? `any ${task.requiredRole.toLowerCase()}` : 'any agent'}
      </Stat>
      <Stat label="Session">{task.session.name}</Stat>
      <Stat label="Cost">
        {formatCost(task.costUsd)}
        {live?.estimatedCostUsd != null && <span className="muted"> (+~{formatCost(live.estimatedCostUsd)} this turn)</span>}
        {task.maxBudgetUsd != null && <span className="muted"> of {formatCost(task.maxBudgetUsd)}</span>}
      </Stat>
      <Stat label="Tokens">
        {formatTokens(task.usage.inputTokens)} in / {formatTokens(task.usage.outputTokens)} out
        {live && (
          <span className="muted">
            {' '}
            (+{formatTokens(live.tokens.inputTokens)} / {formatTokens(live.tokens.outputTokens)} this turn)
          </span>
        )}
      </Stat>
      <Stat label="Cache">
        {formatTokens(task.usage.cacheReadTokens)} read / {formatTokens(task.usage.cacheCreationTokens)} written
      </Stat>
      <Stat label="Duration">{task.startedAt ? formatElapsed(task.startedAt, task.finishedAt, now) : 'not started'}</Stat>
      <Stat label="Attempts">
        {task.attempts} of {task.maxAttempts}
        {task.retryAt && task.status === 'QUEUED' && <span className="muted"> · next at {formatTime(task.retryAt, now)}</span>}
      </Stat>
      <Stat label="Priority">{task.priority}</Stat>
      <Stat label="Timeout">{task.timeoutSeconds ? `${task.timeoutSeconds} s` : 'default'}</Stat>
      <Stat label="Created">{formatTime(task.createdAt, now)}</Stat>
      {task.finishedAt && <Stat label={`${formatEnum(task.status)} at`}>{formatTime(task.finishedAt, now)}</Stat>}
    </dl>
  );
}

/** The running turn's token and cost estimate: the newest USAGE event since the turn began. */
function liveUsage(events: readonly TranscriptEvent[]) {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index]!;
    // A turn's result folds its usage into the task's figures: nothing extra after it.
    if (event.kind === 'RESULT' || event.kind === 'AGENT_STARTED') return undefined;
    if (event.kind === 'USAGE') {
      const entry = readEntry(event);
      return entry.type === 'usage' ? entry : undefined;
    }
  }
  return undefined;
}
