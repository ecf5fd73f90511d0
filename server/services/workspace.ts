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
  await fs.mkdir(candidate, { recursive: true });
  const real = await fs.realpath(candidate);
  if (!isInside(realRoot, real)) {
    throw new InvalidInputError(field, `resolves outside the workspace root ${realRoot}`);
  }
  return real;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
