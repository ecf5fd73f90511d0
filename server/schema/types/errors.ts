import {
  AgentRuntimeUnavailableError,
  CapacityReachedError,
  ConflictError,
  DomainError,
  InvalidInputError,
  NotFoundError,
} from '../../errors.js';
import { builder } from '../builder.js';

/** Every expected failure implements Error: a code to branch on and a message for people. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'An id named an object that does not exist.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    entity: t.exposeString('entity'),
    field: t.exposeString('field', { description: 'The argument that held the id.' }),
    id: t.exposeString('id'),
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
    field: t.exposeString('field'),
  }),
});

builder.objectType(CapacityReachedError, {
  name: 'CapacityReachedError',
  description: 'A configured limit (such as CLAUDE_MAX_AGENTS) has been reached.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limit: t.exposeInt('limit'),
  }),
});

builder.objectType(AgentRuntimeUnavailableError, {
  name: 'AgentRuntimeUnavailableError',
  description: 'The agent CLI cannot be run on the server; the message says how to fix it.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    runtime: t.exposeString('runtime'),
    binaryPath: t.exposeString('binaryPath'),
  }),
});
