/** One page of a Relay connection, with its nodes unwrapped. */
import type { PageInfo } from './types.js';
import { unmask, type Unmasked } from './unmask.js';

export interface Page<T> {
  nodes: T[];
  /** Each node with its cursor, to continue from the middle of a page. */
  edges: { cursor: string; node: T }[];
  /** `endCursor` is the `after` of the next page while `hasNextPage`. */
  pageInfo: PageInfo;
}

/** The arguments of every list: a filter and Relay paging (`first`/`after` forwards, `last`/`before` backwards). */
export interface ListArgs<Filter> {
  filter?: Filter;
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

type MaskedConnection<N extends { ' $fragmentRefs'?: object }> = {
  edges: { cursor: string; node: N }[];
  pageInfo: { ' $fragmentRefs'?: { PageInfoFieldsFragment: PageInfo } };
};

export function toPage<N extends { ' $fragmentRefs'?: object }>(connection: MaskedConnection<N>): Page<Unmasked<N>> {
  const edges = connection.edges.map((edge) => ({ cursor: edge.cursor, node: unmask(edge.node) }));
  return { nodes: edges.map((edge) => edge.node), edges, pageInfo: unmask(connection.pageInfo) };
}
