import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';

/**
 * Resolves a working directory inside the workspace root (the only tree agents may use),
 * following symlinks so that a link cannot lead outside, and creates it.
 */
export async function resolveWorkingDirectory(root: string, requested: string, field: string): Promise<string> {
  await fs.mkdir(root, { recursive: true });
  const realRoot = await fs.realpath(root);
  const candidate = path.resolve(realRoot, requested);
  if (!isInside(realRoot, candidate)) {
    throw new InvalidInputError(field, `must be inside the workspace root ${realRoot}`);
  }
  // Checked before creating anything, so a symlink cannot make us create folders outside.
  const target = await realpathOfNearestExisting(candidate).catch((error: unknown) => {
    throw new InvalidInputError(field, `cannot be used as a directory (${errorCode(error)})`);
  });
  if (!isInside(realRoot, target)) {
    throw new InvalidInputError(field, `resolves outside the workspace root ${realRoot}`);
  }
  try {
    await fs.mkdir(target, { recursive: true });
  } catch (error) {
    throw new InvalidInputError(field, `cannot be used as a directory (${errorCode(error)})`);
  }
  const real = await fs.realpath(target);
  if (!isInside(realRoot, real)) {
    throw new InvalidInputError(field, `resolves outside the workspace root ${realRoot}`);
  }
  return real;
}

/** The real path of the deepest existing ancestor, with the missing rest appended. */
async function realpathOfNearestExisting(candidate: string): Promise<string> {
  const missing: string[] = [];
  let current = candidate;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...missing);
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
