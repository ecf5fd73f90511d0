/**
 * Signals a whole process group (the agent and the tools it started). Agents are spawned
 * detached, so their pid is their group id; "already gone" is not an error.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
