import { resolveCursorConnection, type DefaultConnectionArguments, type PageInfoShape } from '@pothos/plugin-relay';
import type { PageQuery } from '../db/repositories/pagination.js';
import { InvalidInputError } from '../errors.js';
import { isUuid } from '../ids.js';

interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfoShape;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Resolves a Relay connection over rows with time-ordered ids. Page sizes and cursors are
 * checked first, so a bad argument is an INVALID_INPUT error naming it, never a silent clamp.
 */
export function resolveIdConnection<T extends { id: string }>(
  args: DefaultConnectionArguments,
  load: (page: PageQuery) => Promise<T[]>,
): Promise<Connection<T>> {
  for (const field of ['first', 'last'] as const) {
    const value = args[field];
    if (value !== null && value !== undefined && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new InvalidInputError(field, `must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  const after = parseCursor(args.after, 'after');
  const before = parseCursor(args.before, 'before');
  const connection = resolveCursorConnection(
    { args, toCursor: (row) => encodeCursor((row as T).id), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    // The connection helper hands back the raw cursors; the decoded ids are used instead.
    ({ limit, inverted }) => load({ after, before, limit, inverted }),
  );
  return connection as Promise<Connection<T>>;
}

function encodeCursor(id: string): string {
  return Buffer.from(`cursor:${id}`).toString('base64url');
}

function parseCursor(cursor: string | null | undefined, field: string): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('cursor:') ? decoded.slice('cursor:'.length) : '';
  if (!isUuid(id)) throw new InvalidInputError(field, 'is not a cursor returned by this connection');
  return id;
}
