/**
 * One snapshot of /proc that every agent's tree, tag and memory question is answered from: a
 * watchdog scans once per tick for all agents instead of once per agent. Linux only.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks since boot. With the pid it names one process. */
  startTime: number;
  rssBytes: number;
  /** Value of the tag variable in the process's environment, if readable. */
  tag?: string;
  /** Executable name as the kernel reports it (at most 15 bytes, may contain spaces and ')'). */
  comm: string;
}

export interface ProcessTable {
  readonly entries: ProcessEntry[];
  readonly tagName: string;
  get(pid: number): ProcessEntry | undefined;
  childrenOf(pid: number): ProcessEntry[];
  /**
   * The process group rootPid, every descendant of rootPid and of the group's members, and every
   * process whose tag equals `tag` (with their descendants): that last part catches `setsid`
   * escapees whose parent has already died.
   */
  treeOf(rootPid: number, tag?: string): ProcessEntry[];
  /**
   * treeOf generalised: any set of root pids, whole groups, and a tag. Pids in `exclude` are
   * neither returned nor walked through.
   */
  closureOf(seeds: ClosureSeeds): ProcessEntry[];
  tagged(predicate: (tag: string) => boolean): ProcessEntry[];
  treeRssBytes(rootPid: number, tag?: string): number;
}

export interface ClosureSeeds {
  pids?: Iterable<number>;
  groups?: Iterable<number>;
  tag?: string;
  exclude?: ReadonlySet<number>;
}

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  startTime: number;
  rssPages: number;
}

// Per-pid files vanish or refuse while we scan; that pid is then skipped, not fatal.
const SKIPPABLE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

function skippable(error: unknown): boolean {
  return SKIPPABLE.has((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * Parses /proc/<pid>/stat. The comm field is wrapped in parentheses but may itself contain
 * spaces and ')', so the numeric fields start after the LAST ')'.
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const fields = text.slice(close + 2).split(' ');
  const num = (field: number): number => Number(fields[field - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '',
    ppid: num(4),
    pgid: num(5),
    startTime: num(22),
    rssPages: num(24),
  };
  if (![stat.pid, stat.ppid, stat.pgid, stat.startTime, stat.rssPages].every(Number.isFinite)) return undefined;
  return stat;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (error) {
    if (skippable(error)) return undefined;
    throw error;
  }
  return parseStat(text);
}

const isDead = (state: string): boolean => state === 'Z' || state === 'X' || state === 'x';

let scratch = Buffer.alloc(64 * 1024);

/** Reads a whole /proc file into a reused buffer (environ can exceed any fixed size). */
function readProcFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) {
        const bigger = Buffer.alloc(scratch.length * 2);
        scratch.copy(bigger, 0, 0, length);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, length, scratch.length - length, null);
      if (n === 0) return scratch.subarray(0, length);
      length += n;
    }
  } finally {
    closeSync(fd);
  }
}

function readTag(pid: number, needle: Buffer): string | undefined {
  let environ: Buffer;
  try {
    environ = readProcFile(`/proc/${pid}/environ`);
  } catch (error) {
    if (skippable(error)) return undefined;
    throw error;
  }
  // needle is "\0NAME="; the first variable has no leading NUL.
  let at: number;
  if (environ.subarray(0, needle.length - 1).equals(needle.subarray(1))) at = needle.length - 1;
  else {
    const found = environ.indexOf(needle);
    if (found < 0) return undefined;
    at = found + needle.length;
  }
  const end = environ.indexOf(0, at);
  return environ.toString('utf8', at, end < 0 ? environ.length : end);
}

let cachedPageSize: number | undefined;

/** The kernel page size (rss in /proc/<pid>/stat is in pages); Node does not expose it. */
function pageSize(): number {
  if (cachedPageSize !== undefined) return cachedPageSize;
  cachedPageSize = 4096;
  try {
    const head = readProcFile('/proc/self/smaps').toString('latin1', 0, 4096);
    const match = /KernelPageSize:\s+(\d+) kB/.exec(head);
    if (match) cachedPageSize = Number(match[1]) * 1024;
  } catch {
    // 4 KiB is right on x86-64 and on most arm64 kernels.
  }
  return cachedPageSize;
}

class Snapshot implements ProcessTable {
  private readonly byPid = new Map<number, ProcessEntry>();
  private readonly children = new Map<number, ProcessEntry[]>();
  private readonly groups = new Map<number, ProcessEntry[]>();
  private readonly byTag = new Map<string, ProcessEntry[]>();

  constructor(
    readonly entries: ProcessEntry[],
    readonly tagName: string,
  ) {
    for (const entry of entries) {
      this.byPid.set(entry.pid, entry);
      push(this.children, entry.ppid, entry);
      push(this.groups, entry.pgid, entry);
      if (entry.tag !== undefined) push(this.byTag, entry.tag, entry);
    }
  }

  get(pid: number): ProcessEntry | undefined {
    return this.byPid.get(pid);
  }

  childrenOf(pid: number): ProcessEntry[] {
    return this.children.get(pid) ?? [];
  }

  treeOf(rootPid: number, tag?: string): ProcessEntry[] {
    return this.closureOf({ pids: [rootPid], groups: [rootPid], tag });
  }

  closureOf(seeds: ClosureSeeds): ProcessEntry[] {
    const found = new Map<number, ProcessEntry>();
    const queue: ProcessEntry[] = [];
    const add = (entry: ProcessEntry | undefined): void => {
      if (entry === undefined || found.has(entry.pid) || seeds.exclude?.has(entry.pid)) return;
      found.set(entry.pid, entry);
      queue.push(entry);
    };
    for (const pid of seeds.pids ?? []) add(this.byPid.get(pid));
    for (const group of seeds.groups ?? []) {
      // Group 0 is the kernel's threads.
      if (group > 0) for (const member of this.groups.get(group) ?? []) add(member);
    }
    if (seeds.tag !== undefined) for (const entry of this.byTag.get(seeds.tag) ?? []) add(entry);
    // Descendants of everything found, even those that scrubbed their environment. (A dead
    // root has no children left: the kernel reparents them when it exits.)
    while (queue.length > 0) {
      const entry = queue.pop()!;
      for (const child of this.childrenOf(entry.pid)) add(child);
    }
    return [...found.values()].sort((a, b) => a.pid - b.pid);
  }

  tagged(predicate: (tag: string) => boolean): ProcessEntry[] {
    return this.entries.filter((entry) => entry.tag !== undefined && predicate(entry.tag));
  }

  treeRssBytes(rootPid: number, tag?: string): number {
    return this.treeOf(rootPid, tag).reduce((sum, entry) => sum + entry.rssBytes, 0);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Scans /proc once. Zombies are left out: they are dead and only wait to be reaped. Without
 * readTags the environ files are skipped (about half the cost): enough for group and descendant
 * trees, as a memory watchdog needs, but not to find escapees by their tag.
 */
export function readProcessTable(tagName = 'AGENT_RUN_TAG', { readTags = true }: { readTags?: boolean } = {}): ProcessTable {
  const needle = Buffer.from(`\0${tagName}=`, 'utf8');
  const bytesPerPage = pageSize();
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat === undefined || isDead(stat.state)) continue;
    const entry: ProcessEntry = {
      pid,
      ppid: stat.ppid,
      pgid: stat.pgid,
      startTime: stat.startTime,
      rssBytes: stat.rssPages * bytesPerPage,
      comm: stat.comm,
    };
    const tag = readTags ? readTag(pid, needle) : undefined;
    if (tag !== undefined) entry.tag = tag;
    entries.push(entry);
  }
  return new Snapshot(entries, tagName);
}

/** Start time (field 22) of a live process; undefined when it is gone or a zombie. */
export function readStartTime(pid: number): number | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const stat = readStat(pid);
  if (stat === undefined || isDead(stat.state)) return undefined;
  return stat.startTime;
}

/** Changes on every boot: start times and pids from another boot mean nothing. */
export function readBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}
