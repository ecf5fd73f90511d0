import { CapacityReachedError, EncryptionNotConfiguredError, InvalidInputError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { visibleSessionId } from '../session-guard.js';
import { Session } from './session.js';

// Secret values go in and never come out: no field of the schema returns one.

builder.objectField(Session, 'secretNames', (t) =>
  t.loadableList({
    type: 'String',
    description:
      "Names of the session's secrets, sorted: the environment variables its agents get. Values are never returned.",
    load: (ids: string[], ctx) => ctx.services.sessionSecrets.namesBySession(ids),
    resolve: (session) => session.id,
  }),
);

const SetSessionSecretInput = builder.inputType('SetSessionSecretInput', {
  description: 'A secret for the agents of one session, given to them as an environment variable.',
  fields: (t) => ({
    sessionId: t.id({ required: true, description: "The session's global id." }),
    name: t.string({
      required: true,
      description:
        'The environment variable, e.g. ANTHROPIC_API_KEY: A-Z, 0-9 and _, not starting with a digit, at most 64 characters. ' +
        'Names the server sets for every agent (PATH, HOME, proxies, *_BASE_URL, loader variables, ...) are refused.',
    }),
    value: t.string({
      required: true,
      description: 'The value, 1 to 32768 characters; stored encrypted and never returned by any field.',
    }),
  }),
});

const DeleteSessionSecretInput = builder.inputType('DeleteSessionSecretInput', {
  description: 'A secret to remove from a session.',
  fields: (t) => ({
    sessionId: t.id({ required: true, description: "The session's global id." }),
    name: t.string({ required: true, description: 'The name of the secret.' }),
  }),
});

builder.mutationFields((t) => ({
  setSessionSecret: t.field({
    type: Session,
    description:
      "Stores a secret of the session (replacing one of the same name), encrypted with the server's ENCRYPTION_KEY. " +
      "The session's agents get it as an environment variable from their next process start; a running process keeps " +
      'the environment it started with (restartAgent applies it at once). Agents of other sessions never see it. ' +
      'EncryptionNotConfiguredError: the server has no ENCRYPTION_KEY; InvalidInputError: a malformed or server-controlled ' +
      'name, an empty or too long value, or not a Session id; NotFoundError: no such session; CapacityReachedError: ' +
      'the session already holds 100 secrets.',
    args: { input: t.arg({ type: SetSessionSecretInput, required: true, description: 'The secret to store.' }) },
    errors: {
      types: [EncryptionNotConfiguredError, InvalidInputError, NotFoundError, CapacityReachedError],
      union: { name: 'SetSessionSecretResult', description: 'The session, or why the secret was not stored.' },
      result: { name: 'SetSessionSecretSuccess', description: 'The secret was stored.' },
      dataField: { name: 'session', description: 'The session; its secretNames include the new name.' },
    },
    resolve: async (_root, { input }, ctx) =>
      ctx.services.sessionSecrets.setSecret({
        sessionId: await visibleSessionId(ctx, String(input.sessionId), 'sessionId'),
        name: input.name,
        value: input.value,
      }),
  }),
  deleteSessionSecret: t.field({
    type: Session,
    description:
      "Removes a secret of the session; its agents' processes started after this no longer get it. " +
      'InvalidInputError: a malformed name or not a Session id; NotFoundError: no such session, or it has no secret of that name.',
    args: { input: t.arg({ type: DeleteSessionSecretInput, required: true, description: 'The secret to remove.' }) },
    errors: {
      types: [InvalidInputError, NotFoundError],
      union: { name: 'DeleteSessionSecretResult', description: 'The session, or why the secret was not removed.' },
      result: { name: 'DeleteSessionSecretSuccess', description: 'The secret was removed.' },
      dataField: { name: 'session', description: 'The session; its secretNames no longer include the name.' },
    },
    resolve: async (_root, { input }, ctx) =>
      ctx.services.sessionSecrets.deleteSecret({
        sessionId: await visibleSessionId(ctx, String(input.sessionId), 'sessionId'),
        name: input.name,
      }),
  }),
}));
