/**
 * Kernel-enforced orphan prevention for agent processes (Linux, util-linux, no root needed):
 *
 *   setpriv --pdeathsig KILL -- unshare --user --map-current-user --pid --fork
 *           --kill-child=SIGKILL --mount-proc -- <agent argv>
 *
 * When the server dies, the kernel SIGKILLs setpriv/unshare (pdeathsig), unshare's death
 * SIGKILLs its forked child (--kill-child), and that child is PID 1 of a new PID namespace, so
 * the kernel then SIGKILLs everything in the namespace, `setsid` escapees included.
 *
 * What the supervisor must know when the wrapper is in front of an agent (checked in
 * test/supervisor/process-tree.test.ts):
 * - The spawned pid is unshare's (setpriv execs it), the process-group leader. The agent is its
 *   only child (innerPid). stdin/stdout/stderr pass straight through.
 * - unshare blocks SIGINT and SIGTERM. A signal sent to the wrapper pid alone does nothing; send
 *   it to the process group (kill(-pid)) or to innerPid. The agent then handles it and exits,
 *   and unshare exits with the agent's exit code.
 * - The agent is PID 1 in its namespace: a signal from outside reaches it only if it installed a
 *   handler for it (SIGKILL and SIGSTOP always do). An agent without a SIGTERM handler ignores
 *   SIGTERM, so the SIGKILL escalation after the grace period is required, not optional.
 * - When the agent exits, for whatever reason, the kernel kills everything left in its namespace:
 *   background tool processes do not outlive it.
 * - If the agent alone is SIGKILLed (OOM killer, a kill of innerPid), util-linux 2.38 unshare
 *   cannot re-raise SIGKILL and exits 1 with "unshare: sigprocmask unblock failed: Invalid
 *   argument" on stderr: a signal death of the agent can show up as exit code 1.
 * - Orphaned children in the namespace are re-parented to the agent, which (like any Node
 *   program) does not reap processes it did not spawn: they stay zombies until the run ends.
 * - --map-current-user, not --map-root-user: inside, the agent keeps the server's uid. Mapped to
 *   root, Claude Code refuses --dangerously-skip-permissions / bypassPermissions ("cannot be
 *   used with root/sudo privileges") unless IS_SANDBOX=1.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { readProcessTable, type ProcessTable } from './process-table.js';

export interface IsolationWrapper {
  kind: 'pid-namespace' | 'none';
  /** argv to put in front of the agent's command (empty for 'none'). */
  prefix: string[];
  /** Why there is no wrapper. */
  reason?: string;
}

export interface IsolationOptions {
  /** Map the server's uid to root inside the namespace instead of to itself. */
  mapRootUser?: boolean;
  timeoutMs?: number;
  /** Where to look for setpriv and unshare; defaults to process.env.PATH. */
  searchPath?: string;
}

const WRAPPER_NAMES = new Set(['setpriv', 'unshare']);

/** Resolves an executable name against PATH. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function isolationPrefix(setpriv: string, unshare: string, mapRootUser = false): string[] {
  return [
    setpriv, '--pdeathsig', 'KILL', '--',
    unshare, '--user', mapRootUser ? '--map-root-user' : '--map-current-user', '--pid', '--fork',
    '--kill-child=SIGKILL', '--mount-proc', '--',
  ];
}

const probes = new Map<string, Promise<IsolationWrapper>>();

/**
 * Tries the wrapper once per option set (the result is cached) and returns the prefix when the
 * inner command really runs as PID 1 of a new namespace; otherwise kind 'none' and the reason.
 */
export function probeIsolation(options: IsolationOptions = {}): Promise<IsolationWrapper> {
  const key = JSON.stringify([options.mapRootUser ?? false, options.searchPath ?? process.env.PATH ?? '']);
  let probe = probes.get(key);
  if (!probe) {
    probe = runProbe(options);
    probes.set(key, probe);
  }
  return probe;
}

async function runProbe(options: IsolationOptions): Promise<IsolationWrapper> {
  const none = (reason: string): IsolationWrapper => ({ kind: 'none', prefix: [], reason });
  if (process.platform !== 'linux') return none(`PID namespaces need Linux (this is ${process.platform})`);
  const setpriv = findExecutable('setpriv', options.searchPath);
  const unshare = findExecutable('unshare', options.searchPath);
  if (!setpriv || !unshare) {
    return none(`${[!setpriv && 'setpriv', !unshare && 'unshare'].filter(Boolean).join(' and ')} not found in PATH (util-linux)`);
  }
  const prefix = isolationPrefix(setpriv, unshare, options.mapRootUser);
  // "$$" proves the command ran as PID 1 of a new PID namespace, not just that it ran.
  const argv = [...prefix, '/bin/sh', '-c', 'echo "ok $$"'];
  const result = await new Promise<{ error: Error | null; stdout: string; stderr: string }>((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: options.timeoutMs ?? 5_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
  if (result.stdout.trim() === 'ok 1') return { kind: 'pid-namespace', prefix };
  const detail = result.stderr.trim() || result.error?.message || `unexpected output ${JSON.stringify(result.stdout.trim())}`;
  return none(`${argv.slice(0, prefix.length).join(' ')} failed: ${detail}`);
}

/**
 * The agent process inside the wrapper: the first descendant of wrapperPid that is neither
 * setpriv nor unshare (and, when the wrapper is tagged, carries the same tag). Undefined until
 * unshare has forked, and after the agent is gone.
 */
export function innerPid(wrapperPid: number, table: ProcessTable = readProcessTable()): number | undefined {
  const wrapper = table.get(wrapperPid);
  if (wrapper === undefined) return undefined;
  const queue = [...table.childrenOf(wrapperPid)];
  while (queue.length > 0) {
    const entry = queue.shift()!;
    if (!WRAPPER_NAMES.has(entry.comm) && (wrapper.tag === undefined || entry.tag === wrapper.tag)) return entry.pid;
    queue.push(...table.childrenOf(entry.pid));
  }
  return undefined;
}
