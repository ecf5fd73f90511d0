import fs from 'node:fs/promises';
import path from 'node:path';

/** Another process has the embedded database's folder open; opening it too would corrupt it. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/**
 * Refuses when another process has the PGlite data directory open. PGlite writes postmaster.pid
 * while a directory is open and removes it on close, but locks nothing: a second process would
 * work on the same files and corrupt them. So the marker alone says "maybe open" (a server that
 * was killed leaves it behind), and on Linux the open files in /proc say by whom. `remedy` tells
 * the person what to do instead.
 */
export async function refuseIfDataDirInUse(dataDir: string, remedy: string): Promise<void> {
  if (!(await exists(path.join(dataDir, 'postmaster.pid')))) return;
  if (!(await exists('/proc/self/fd'))) {
    throw new DataDirInUseError(
      `${dataDir} holds postmaster.pid, so a server may have it open. ${remedy} If none runs (it was killed), start and stop it once to clear the marker.`,
    );
  }
  const holder = await processWithOpenFileUnder(await fs.realpath(dataDir));
  if (holder) {
    throw new DataDirInUseError(
      `${dataDir} is open in process ${holder.pid} (${holder.command}): the embedded database allows one process at a time, and a second one would corrupt it. ${remedy}`,
    );
  }
  // A marker nobody holds is what a killed server leaves; opening the directory recovers it, as a server start would.
}

async function processWithOpenFileUnder(directory: string): Promise<{ pid: number; command: string } | undefined> {
  const prefix = directory + path.sep;
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    // Processes of other users cannot be inspected; the server normally runs as the same user.
    const descriptors = await fs.readdir(`/proc/${entry}/fd`).catch(() => []);
    for (const descriptor of descriptors) {
      const target = await fs.readlink(`/proc/${entry}/fd/${descriptor}`).catch(() => '');
      if (target.startsWith(prefix)) {
        const command = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
        return { pid: Number(entry), command: command.split('\0').filter(Boolean).join(' ').slice(0, 200) || 'unknown command' };
      }
    }
  }
  return undefined;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
