/**
 * What the SDK throws. Expected failures of an operation (not found, invalid input, ...) are not
 * thrown: they come back as values (see results.ts). These are the rest, each with a `kind` to
 * switch on.
 */
import type { OperationError } from './results.js';

export type SdkErrorKind = 'TRANSPORT' | 'GRAPHQL' | 'OPERATION_FAILED';

export abstract class SdkError extends Error {
  abstract readonly kind: SdkErrorKind;
}

/**
 * No usable answer: the server could not be reached, a request timed out, the response was not
 * GraphQL, or a subscription's connection was lost and could not be reopened.
 */
export class TransportError extends SdkError {
  readonly kind = 'TRANSPORT';
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** The WebSocket close code, when a subscription's connection closed for good. */
  readonly closeCode: number | undefined;

  constructor(message: string, details: { cause?: unknown; status?: number; closeCode?: number } = {}) {
    super(message, { cause: details.cause });
    this.name = 'TransportError';
    this.status = details.status;
    this.closeCode = details.closeCode;
  }
}

/** One error of a GraphQL response; the server puts its error code (and the argument) in extensions. */
export interface GraphQLErrorDetail {
  message: string;
  /** INVALID_INPUT, NOT_FOUND, CONSUMER_TOO_SLOW, ...; absent for masked internal errors. */
  code?: string;
  /** The argument that was rejected, for INVALID_INPUT. */
  field?: string;
  path?: readonly (string | number)[];
}

/**
 * The server answered with GraphQL errors: a request it could not validate, an argument rejected
 * outside the typed error unions (a page size out of range, an unknown task in a subscription),
 * or an internal error.
 */
export class GraphQLRequestError extends SdkError {
  readonly kind = 'GRAPHQL';
  readonly errors: readonly GraphQLErrorDetail[];

  constructor(errors: readonly unknown[], operationName?: string) {
    const details = errors.map(toDetail);
    // One line per distinct error: the same failure often comes once per field that hit it.
    const summary = [...new Set(details.map((error) => (error.code ? `${error.code}: ${error.message}` : error.message)))].join('; ');
    super(operationName ? `${operationName}: ${summary}` : summary);
    this.name = 'GraphQLRequestError';
    this.errors = details;
  }

  /** The code of the first error. */
  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

/** Thrown by unwrap() for an expected failure, which it carries as `error`. */
export class OperationFailedError extends SdkError {
  readonly kind = 'OPERATION_FAILED';

  constructor(readonly error: OperationError) {
    super(`${error.kind}: ${error.message}`);
    this.name = 'OperationFailedError';
  }
}

function toDetail(error: unknown): GraphQLErrorDetail {
  const raw = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as {
    message?: unknown;
    path?: unknown;
    extensions?: { code?: unknown; field?: unknown };
  };
  return {
    message: typeof raw.message === 'string' ? raw.message : 'unknown error',
    ...(typeof raw.extensions?.code === 'string' ? { code: raw.extensions.code } : {}),
    ...(typeof raw.extensions?.field === 'string' ? { field: raw.extensions.field } : {}),
    ...(Array.isArray(raw.path) ? { path: raw.path as (string | number)[] } : {}),
  };
}
