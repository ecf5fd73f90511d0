/** The text and operation name of a generated document, printed once per document. */
import { Kind, print, type DocumentNode } from 'graphql';

export interface DocumentText {
  query: string;
  operationName: string;
}

const printed = new WeakMap<DocumentNode, DocumentText>();

export function documentText(document: DocumentNode): DocumentText {
  let text = printed.get(document);
  if (!text) {
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    text = { query: print(document), operationName: operation?.name?.value ?? 'anonymous' };
    printed.set(document, text);
  }
  return text;
}
