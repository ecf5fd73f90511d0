import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';

/**
 * The root fields an operation calls, in order, through its fragments (`__typename` aside):
 * `a: createTask … b: createTask …` is two. What the audit log records and the rate limit counts.
 */
export function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode): string[] {
  return selectionSet.selections.flatMap((selection): string[] => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, document);
    const fragment = document.definitions.find(
      (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
    );
    return fragment?.kind === Kind.FRAGMENT_DEFINITION ? rootFieldNames(fragment.selectionSet, document) : [];
  });
}
