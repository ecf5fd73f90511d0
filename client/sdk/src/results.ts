/**
 * Expected failures as values. Every mutation (and every lookup by id) returns a Result: either
 * `{ ok: true, data }` or `{ ok: false, error }`, where `error.kind` tells which typed error of the
 * schema the server returned. Each operation's error type lists only the kinds it can return.
 */
import type { ErrorFieldsFragment } from './gql/graphql.js';
import { OperationFailedError, TransportError } from './errors.js';

/** An id named an object that does not exist. */
export interface NotFoundError {
  kind: 'NOT_FOUND';
  message: string;
  /** The argument that held the id. */
  field: string;
  /** The kind of object that was looked for (Task, Agent, ...). */
  entity: string;
  id: string;
}

/** An argument was out of range or malformed; nothing was written. */
export interface InvalidInputError {
  kind: 'INVALID_INPUT';
  message: string;
  /** The argument (dotted path) that was rejected. */
  field: string;
}

/** The request conflicts with the current state (a name in use, a task already running). */
export interface ConflictError {
  kind: 'CONFLICT';
  message: string;
  field: string;
}

/** A configured limit (such as CLAUDE_MAX_AGENTS) has been reached. */
export interface CapacityReachedError {
  kind: 'CAPACITY_REACHED';
  message: string;
  limit: number;
}

/** The agent CLI cannot be run on the server; the message says how to fix it. */
export interface AgentRuntimeUnavailableError {
  kind: 'AGENT_RUNTIME_UNAVAILABLE';
  message: string;
  runtime: string;
  binaryPath: string;
}

export type OperationError = NotFoundError | InvalidInputError | ConflictError | CapacityReachedError | AgentRuntimeUnavailableError;

export type Result<T, E extends OperationError = OperationError> = { ok: true; data: T } | { ok: false; error: E };

/** The SDK's error for each error type of the schema. */
interface ErrorByTypename {
  NotFoundError: NotFoundError;
  InvalidInputError: InvalidInputError;
  ConflictError: ConflictError;
  CapacityReachedError: CapacityReachedError;
  AgentRuntimeUnavailableError: AgentRuntimeUnavailableError;
}

type ErrorFor<Typename> = Typename extends keyof ErrorByTypename ? ErrorByTypename[Typename] : never;

/**
 * Turns a result union of the schema (the success type or one of the error types) into a Result
 * whose error type has exactly the kinds the union can hold.
 */
export function toResult<P extends { __typename: string }, S extends P['__typename'], T>(
  payload: P,
  successTypename: S,
  read: (success: Extract<P, { __typename: S }>) => T,
): Result<T, ErrorFor<Exclude<P['__typename'], S>>> {
  if (payload.__typename === successTypename) return { ok: true, data: read(payload as Extract<P, { __typename: S }>) };
  // The documents spread ErrorFields on every error member, so its fields are there.
  return { ok: false, error: toOperationError(payload as unknown as ErrorFieldsFragment) as ErrorFor<Exclude<P['__typename'], S>> };
}

/** The data of a successful result; throws OperationFailedError (carrying the typed error) otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.data;
  throw new OperationFailedError(result.error);
}

function toOperationError(fields: ErrorFieldsFragment): OperationError {
  switch (fields.__typename) {
    case 'NotFoundError':
      return { kind: 'NOT_FOUND', message: fields.message, field: fields.field, entity: fields.entity, id: fields.missingId };
    case 'InvalidInputError':
      return { kind: 'INVALID_INPUT', message: fields.message, field: fields.field };
    case 'ConflictError':
      return { kind: 'CONFLICT', message: fields.message, field: fields.field };
    case 'CapacityReachedError':
      return { kind: 'CAPACITY_REACHED', message: fields.message, limit: fields.limit };
    case 'AgentRuntimeUnavailableError':
      return { kind: 'AGENT_RUNTIME_UNAVAILABLE', message: fields.message, runtime: fields.runtime, binaryPath: fields.binaryPath };
    default:
      // A result type newer than this SDK.
      throw new TransportError(`the server returned an unknown result type ${JSON.stringify((fields as { __typename?: unknown }).__typename)}`);
  }
}
