/**
 * Expected failures. Services throw these; the schema exposes each as a typed error object
 * (errors plugin), so clients branch on __typename instead of parsing messages.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly field: string,
    readonly id: string,
  ) {
    super(`${entity} ${JSON.stringify(id)} was not found (field "${field}").`);
  }
}

export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class CapacityReachedError extends DomainError {
  readonly code = 'CAPACITY_REACHED';
  constructor(
    readonly limit: number,
    message: string,
  ) {
    super(message);
  }
}

/** The agent CLI cannot be run on this machine; the message says how to fix it. */
export class AgentRuntimeUnavailableError extends DomainError {
  readonly code = 'AGENT_RUNTIME_UNAVAILABLE';
  constructor(
    readonly runtime: string,
    readonly binaryPath: string,
    message: string,
  ) {
    super(message);
  }
}

/** A subscriber fell too far behind (its buffer or its socket's unsent data overflowed); it resumes from its cursor. */
export class ConsumerTooSlowError extends DomainError {
  readonly code = 'CONSUMER_TOO_SLOW';
}

/** The caller's token does not have the role this operation needs. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** Session secrets need ENCRYPTION_KEY, which this server was started without. */
export class EncryptionNotConfiguredError extends DomainError {
  readonly code = 'ENCRYPTION_NOT_CONFIGURED';
  constructor() {
    super(
      'Session secrets are off: the server has no ENCRYPTION_KEY. Set it to 32 random bytes ' +
        '(e.g. the output of `openssl rand -hex 32`) and restart the server; nothing was stored.',
    );
  }
}
