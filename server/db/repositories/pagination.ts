import type { SelectQueryBuilder } from 'kysely';
import type { DB } from '../types.js';

/** Keyset page over time-ordered ids: `after`/`before` are ids, `inverted` reads from the end. */
export interface PageQuery {
  after?: string;
  before?: string;
  limit: number;
  inverted: boolean;
}

export function applyPage<T extends keyof DB, O>(
  query: SelectQueryBuilder<DB, T, O>,
  idColumn: `${T & string}.id`,
  page: PageQuery,
): SelectQueryBuilder<DB, T, O> {
  // The generic builder cannot see that idColumn belongs to T; the cast keeps call sites typed.
  const q = query as unknown as SelectQueryBuilder<DB, 'sessions', O>;
  const column = idColumn as 'sessions.id';
  let paged = q;
  if (page.after) paged = paged.where(column, '>', page.after);
  if (page.before) paged = paged.where(column, '<', page.before);
  paged = paged.orderBy(column, page.inverted ? 'desc' : 'asc').limit(page.limit);
  return paged as unknown as SelectQueryBuilder<DB, T, O>;
}
