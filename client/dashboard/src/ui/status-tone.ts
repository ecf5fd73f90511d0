/**
 * The colour family of every status the API reports (agents, tasks, runs, workflow phases,
 * incident severities), so that one status looks the same on every page.
 */
export type StatusTone = 'ok' | 'active' | 'waiting' | 'neutral' | 'danger' | 'critical';

const TONES: Record<string, StatusTone> = {
  // Agents
  IDLE: 'ok',
  BUSY: 'active',
  STARTING: 'waiting',
  RESTARTING: 'waiting',
  TERMINATING: 'waiting',
  TERMINATED: 'neutral',
  ERROR: 'danger',
  FAILED: 'danger',
  // Tasks
  PENDING: 'neutral',
  QUEUED: 'waiting',
  RUNNING: 'active',
  SUCCEEDED: 'ok',
  CANCELLED: 'neutral',
  INTERRUPTED: 'waiting',
  // Workflow phases
  PLANNING: 'waiting',
  SYNTHESIZING: 'active',
  DONE: 'ok',
  // Incident severities
  LOW: 'neutral',
  MEDIUM: 'waiting',
  HIGH: 'danger',
  CRITICAL: 'critical',
  // Sessions
  ACTIVE: 'ok',
  ARCHIVED: 'neutral',
};

export function statusTone(status: string): StatusTone {
  return TONES[status] ?? 'neutral';
}
