/**
 * Start-up sweep for agent processes left behind by a previous server process (crash, SIGKILL,
 * OOM): they are found by the run tag in their environment, never by a pid read from the
 * database, because that pid may belong to an unrelated process by now.
 */
import { readBootId, readProcessTable, readStartTime, type ProcessEntry } from './process-table.js';
import { killTreeAndWait } from './process-tree.js';

export interface ReapedProcess {
  pid: number;
  /** The run tag whose tree the process belonged to (untagged descendants get their tree's tag). */
  tag: string;
  startTime: number;
}

export interface ReapLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface ReapOptions {
  /** True for tags this server owns (e.g. the agent ids recorded in the database for this node). */
  tagPredicate: (tag: string) => boolean;
  /**
   * True for a process the server supervises right now; its whole tag is then spared. Decide by
   * the recorded pid AND start time (see sameProcess), never by a bare pid.
   */
  isKnownLive?: (process: { pid: number; startTime: number; tag: string }) => boolean;
  log?: ReapLog;
  /** How long each tree gets to disappear after SIGKILL. */
  graceMs?: number;
  tagName?: string;
}

/**
 * Kills every process tree whose tag satisfies tagPredicate and is not known to be live.
 * Returns the processes that were killed and are confirmed gone.
 */
export async function reapOrphans(options: ReapOptions): Promise<ReapedProcess[]> {
  const { tagPredicate, isKnownLive, log } = options;
  const table = readProcessTable(options.tagName);
  const byTag = new Map<string, ProcessEntry[]>();
  for (const entry of table.tagged(tagPredicate)) {
    if (entry.pid === process.pid) continue;
    const list = byTag.get(entry.tag!);
    if (list) list.push(entry);
    else byTag.set(entry.tag!, [entry]);
  }

  const reaped: ReapedProcess[] = [];
  // All trees at once: concurrent kills share each /proc re-scan.
  await Promise.all([...byTag].map(async ([tag, tagged]) => {
    if (isKnownLive && tagged.some((entry) => isKnownLive({ pid: entry.pid, startTime: entry.startTime, tag }))) {
      log?.info({ tag, pids: tagged.map((entry) => entry.pid) }, 'tagged processes belong to a live agent; left alone');
      return;
    }
    // The oldest tagged process is the most likely root; treeOf adds its group, descendants and
    // every other process with this tag anyway.
    const root = tagged.reduce((oldest, entry) => (entry.startTime < oldest.startTime ? entry : oldest));
    const before = table.treeOf(root.pid, tag);
    const { survivors } = await killTreeAndWait(root.pid, tag, { graceMs: options.graceMs ?? 2_000, tagName: options.tagName });
    const gone = before.filter((entry) => readStartTime(entry.pid) !== entry.startTime);
    for (const entry of gone) reaped.push({ pid: entry.pid, tag, startTime: entry.startTime });
    if (survivors.length > 0) log?.warn({ tag, survivors }, 'orphaned agent processes survived SIGKILL');
    log?.info({ tag, pids: gone.map((entry) => entry.pid) }, 'killed orphaned agent processes');
  }));
  return reaped;
}

/**
 * True when `pid` runs and is the process recorded with `startTime` (and, when given, recorded
 * during this boot): the check to make before signalling a pid read from the database.
 */
export function sameProcess(pid: number, startTime: number, bootId?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (bootId !== undefined && bootId !== readBootId()) return false;
  return readStartTime(pid) === startTime;
}
