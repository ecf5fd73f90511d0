import {
  AgentRuntimeUnavailableError,
  CapacityReachedError,
  ConflictError,
  DomainError,
  EncryptionNotConfiguredError,
  InvalidInputError,
  NotFoundError,
} from '../../errors.js';
import { builder } from '../builder.js';

/** Every expected failure implements Error: a code to branch on and a message for people. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure, returned in a result union instead of a GraphQL error. Branch on __typename or code.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'Stable, machine-readable: NOT_FOUND, INVALID_INPUT, CONFLICT, CAPACITY_REACHED, AGENT_RUNTIME_UNAVAILABLE or ENCRYPTION_NOT_CONFIGURED.',
    }),
    message: t.exposeString('message', { description: 'For people: what went wrong and, where it can be fixed, how. May change between versions.' }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'An id named an object that does not exist.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    entity: t.exposeString('entity', { description: 'The type that was looked for, e.g. Session, Agent or Task.' }),
    field: t.exposeString('field', { description: 'The argument that held the id.' }),
    id: t.exposeString('id', { description: 'The id that matched nothing (the database id inside the global id).' }),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'An argument was out of range or malformed; nothing was written.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The argument (dotted path) that was rejected.' }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The request conflicts with the current state (a name in use, a task already running).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The argument whose object is in the conflicting state.' }),
  }),
});

builder.objectType(CapacityReachedError, {
  name: 'CapacityReachedError',
  description: 'A configured limit (such as CLAUDE_MAX_AGENTS) has been reached.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'The limit that was reached, e.g. the value of CLAUDE_MAX_AGENTS.' }),
  }),
});

builder.objectType(AgentRuntimeUnavailableError, {
  name: 'AgentRuntimeUnavailableError',
  description: 'The agent CLI cannot be run on the server; the message says how to fix it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    runtime: t.exposeString('runtime', { description: 'The agent runtime that could not run, e.g. claude-code.' }),
    binaryPath: t.exposeString('binaryPath', { description: 'The CLI binary the server tried (CLAUDE_CLI_PATH or the pinned dependency).' }),
  }),
});

builder.objectType(EncryptionNotConfiguredError, {
  name: 'EncryptionNotConfiguredError',
  description: 'Session secrets need the server to be started with ENCRYPTION_KEY; the message says how to set it.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});
