/**
 * Signals everything an agent started: its process group, its descendants, and every process
 * carrying its run tag (a `setsid` escapee leaves the group and, once its parent dies, the
 * descendant walk too, but keeps the inherited environment).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { readProcessTable, type ProcessEntry, type ProcessTable } from './process-table.js';

let ownGroup: number | undefined;

function serverGroup(): number {
  if (ownGroup === undefined) {
    const text = readFileSync('/proc/self/stat', 'latin1');
    ownGroup = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2]);
  }
  return ownGroup;
}

/** The server and the processes it runs under: never targets, whatever tag they inherited. */
function protectedPids(table: ProcessTable): Set<number> {
  const pids = new Set<number>([0, 1, process.pid]);
  for (let entry = table.get(process.pid); entry !== undefined && !pids.has(entry.ppid); entry = table.get(entry.ppid)) {
    pids.add(entry.ppid);
  }
  return pids;
}

function send(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ESRCH: already gone. EPERM: not ours to signal (e.g. a setuid program the agent ran).
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

function signalEntries(members: ProcessEntry[], groups: Iterable<number>, signal: NodeJS.Signals, table: ProcessTable): number[] {
  const skip = protectedPids(table);
  const mine = serverGroup();
  const reached = new Set<number>();
  // Groups first: kill(-pgid) also reaches members forked after the snapshot.
  for (const group of new Set(groups)) {
    if (group > 1 && group !== mine && !skip.has(group) && send(-group, signal)) reached.add(group);
  }
  const signalled: number[] = [];
  for (const entry of members) {
    if (entry.pid <= 1 || skip.has(entry.pid)) continue;
    // A member the group signal already killed (and its parent reaped) answers ESRCH here.
    if (send(entry.pid, signal) || reached.has(entry.pgid)) signalled.push(entry.pid);
  }
  return signalled;
}

/** table.treeOf(rootPid, tag) plus the trees of `known`, minus the server and its group. */
function targets(table: ProcessTable, rootPid: number, known: number[], tag: string | undefined): ProcessEntry[] {
  const skip = protectedPids(table);
  const mine = serverGroup();
  if (skip.has(rootPid) || rootPid === mine) return [];
  const roots = [rootPid, ...known];
  return table.closureOf({ pids: roots, groups: roots.filter((group) => group !== mine), tag, exclude: skip });
}

/** Groups worth a kill(-pgid): rootPid's if it still exists, and any group led by a member. */
function groupsOf(rootPid: number, members: ProcessEntry[]): number[] {
  const groups: number[] = [];
  if (members.some((entry) => entry.pgid === rootPid)) groups.push(rootPid);
  for (const entry of members) if (entry.pgid === entry.pid) groups.push(entry.pid);
  return groups;
}

/**
 * Signals the group rootPid and each member of table.treeOf(rootPid, tag) individually. Never
 * signals pid <= 1, the server, its ancestors or its process group. Returns the members that
 * were signalled, individually or through their group (those already gone are not listed).
 */
export function signalTree(
  rootPid: number,
  tag: string | undefined,
  signal: NodeJS.Signals,
  table: ProcessTable = readProcessTable(),
): number[] {
  if (!Number.isInteger(rootPid) || rootPid <= 1) return [];
  const members = targets(table, rootPid, [], tag);
  return signalEntries(members, groupsOf(rootPid, members), signal, table);
}

const latestScans = new Map<string, { startedAt: number; table: ProcessTable }>();
const scheduledScans = new Map<string, Promise<ProcessTable>>();

/**
 * A table read no earlier than `notBefore` (performance.now() time). Concurrent callers share
 * one scan: killing 200 trees at once costs one /proc scan per round, not 200.
 */
function sharedScan(tagName: string, notBefore: number): Promise<ProcessTable> {
  const latest = latestScans.get(tagName);
  if (latest !== undefined && latest.startedAt >= notBefore) return Promise.resolve(latest.table);
  let scheduled = scheduledScans.get(tagName);
  if (scheduled === undefined) {
    // Starts after every caller that joins in this turn of the event loop, so it is fresh for all.
    scheduled = new Promise<ProcessTable>((resolve, reject) => {
      setImmediate(() => {
        scheduledScans.delete(tagName);
        try {
          const startedAt = performance.now();
          const table = readProcessTable(tagName);
          latestScans.set(tagName, { startedAt, table });
          resolve(table);
        } catch (error) {
          reject(error);
        }
      });
    });
    scheduledScans.set(tagName, scheduled);
  }
  return scheduled;
}

/**
 * signalTree on a scan shared with every caller in the same turn of the event loop: 200 agents
 * exiting together cost one /proc scan, not 200 (each scan blocks the event loop).
 */
export async function signalTreeShared(
  rootPid: number,
  tag: string | undefined,
  signal: NodeJS.Signals,
  tagName = 'AGENT_RUN_TAG',
): Promise<number[]> {
  return signalTree(rootPid, tag, signal, await sharedScan(tagName, performance.now()));
}

export interface KillTreeOptions {
  /** How long to keep re-scanning and re-killing before giving up. */
  graceMs: number;
  /** Pause between scans. */
  pollMs?: number;
  tagName?: string;
}

/**
 * SIGKILLs the whole tree and re-scans until nothing of it is left or graceMs has passed.
 * Re-scanning catches processes forked while the tree was being killed; pids seen in earlier
 * scans stay targets (with their start time, so a recycled pid is not) after their parent died.
 */
export async function killTreeAndWait(
  rootPid: number,
  tag: string | undefined,
  options: KillTreeOptions,
): Promise<{ survivors: number[] }> {
  if (!Number.isInteger(rootPid) || rootPid <= 1) return { survivors: [] };
  const deadline = Date.now() + Math.max(0, options.graceMs);
  const pollMs = options.pollMs ?? 10;
  const tagName = options.tagName ?? 'AGENT_RUN_TAG';
  const seen = new Map<number, number>();
  let lastSignalAt = performance.now();
  for (let round = 0; ; round++) {
    const table = await sharedScan(tagName, lastSignalAt);
    const known = [...seen].filter(([pid, startTime]) => table.get(pid)?.startTime === startTime).map(([pid]) => pid);
    const members = targets(table, rootPid, known, tag);
    if (members.length === 0) return { survivors: [] };
    if (round > 0 && Date.now() >= deadline) return { survivors: members.map((entry) => entry.pid) };
    for (const entry of members) seen.set(entry.pid, entry.startTime);
    signalEntries(members, groupsOf(rootPid, members), 'SIGKILL', table);
    lastSignalAt = performance.now();
    await delay(pollMs);
  }
}
