const GONE = new Set(['TERMINATING', 'TERMINATED', 'FAILED']);

/** An agent without a process to take work or messages: forms do not offer it. */
export function isGoneAgentStatus(status: string): boolean {
  return GONE.has(status);
}
