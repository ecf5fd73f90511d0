import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';

/**
 * Descriptions of what the Relay plugin generates (Node, node(id:), PageInfo, edges and the
 * paging arguments), which are shared by every connection and so are described once, here.
 */
export const relayDescriptions = {
  nodeTypeOptions: {
    description: 'An object with a global id, which node(id:) fetches whatever its type.',
  },
  idFieldOptions: {
    description: "Global id: opaque, stable, and accepted wherever an argument takes this type's id.",
  },
  nodeQueryOptions: {
    description:
      'Any object by its global id (Session, Agent, Task, Communication, Incident). Null when nothing has this id; ' +
      'an id that is not a global id at all is a GraphQL error.',
    args: { id: { description: 'A global id, as returned in an `id` field.' } },
  },
  pageInfoTypeOptions: {
    description: 'Where a page sits in its list, and the cursors to ask for the next or previous page.',
  },
  hasNextPageFieldOptions: { description: 'True when more items follow this page (ask with after: endCursor).' },
  hasPreviousPageFieldOptions: { description: 'True when items come before this page (ask with before: startCursor).' },
  startCursorFieldOptions: { description: "The first item's cursor; null when the page is empty." },
  endCursorFieldOptions: { description: "The last item's cursor; null when the page is empty." },
  pageInfoFieldOptions: { description: 'Cursors and whether more pages exist.' },
  edgesFieldOptions: { description: 'The items of this page, oldest first, each with its cursor.' },
  nodeFieldOptions: { description: 'The item.' },
  cursorFieldOptions: { description: "This item's position: pass it as after or before to page from here." },
  firstArgOptions: {
    description:
      `Items to return from the start (or from after): 0 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}. ` +
      'A value out of range is an INVALID_INPUT error.',
  },
  lastArgOptions: {
    description: `Items to return from the end (or up to before): 0 to ${MAX_PAGE_SIZE}. A value out of range is an INVALID_INPUT error.`,
  },
  afterArgOptions: {
    description: 'A cursor from this list: return the items after it. Any other string is an INVALID_INPUT error.',
  },
  beforeArgOptions: {
    description: 'A cursor from this list: return the items before it. Any other string is an INVALID_INPUT error.',
  },
} as const;
