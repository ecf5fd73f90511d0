/** Queries and mutations: one POST per operation, with typed failures. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GraphQLRequestError, TransportError } from '../errors.js';
import type { Authorization } from './authorization.js';
import { documentText } from './document-text.js';

export type Execute = <TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables) => Promise<TData>;

export interface HttpOptions {
  url: string;
  fetch: typeof fetch;
  authorization: Authorization;
  timeoutMs: number;
}

interface GraphQLBody {
  data?: unknown;
  errors?: unknown[];
}

export function httpExecutor(options: HttpOptions): Execute {
  return async <TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> => {
    const { query, operationName } = documentText(document);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      // The server's CSRF check needs it only without a JSON content type; sent always, so that a
      // browser page using the SDK passes too.
      'x-graphql-yoga-csrf': '1',
    };
    const authorization = await options.authorization();
    if (authorization) headers.authorization = authorization;

    let status: number;
    let text: string;
    try {
      const response = await options.fetch(options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, operationName, variables }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new TransportError(`${operationName}: no response from ${options.url}: ${describe(error)}`, { cause: error });
    }

    // A GraphQL body counts whatever the status (application/graphql-response+json uses 4xx for bad requests).
    const body = parseGraphQLBody(text);
    if (!body) throw new TransportError(`${operationName}: HTTP ${status} without a GraphQL response: ${text.slice(0, 200)}`, { status });
    if (body.errors?.length) throw new GraphQLRequestError(body.errors, operationName);
    if (body.data === undefined || body.data === null) throw new TransportError(`${operationName}: the response had no data`, { status });
    return body.data as TData;
  };
}

function parseGraphQLBody(text: string): GraphQLBody | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && ('data' in body || 'errors' in body)) return body as GraphQLBody;
  } catch {}
  return undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch reports the network failure itself (ECONNREFUSED, ...) as the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
