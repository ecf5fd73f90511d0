export { createClient, type Client } from './client.js';
export type { ClientOptions } from './options.js';
export type { TokenSource } from './transport/authorization.js';
export type { ReconnectPolicy } from './transport/reconnect.js';
export type { EventStream } from './streams/event-stream.js';
export type { ListArgs, Page } from './page.js';
export type { LookupError } from './operations/queries.js';
export type { ChangeError, SentMessage, SpawnError } from './operations/mutations.js';
export { unwrap } from './results.js';
export type {
  AgentRuntimeUnavailableError,
  CapacityReachedError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  OperationError,
  Result,
} from './results.js';
export { GraphQLRequestError, OperationFailedError, SdkError, TransportError } from './errors.js';
export type { GraphQLErrorDetail, SdkErrorKind } from './errors.js';
export type * from './types.js';
