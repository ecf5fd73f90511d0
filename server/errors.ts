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
