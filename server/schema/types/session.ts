import { allowsSession, onlyVisible, visibleSessionIds } from '../../auth/session-limit.js';
import type { SessionRow } from '../../db/types.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { resolveIdConnection } from '../pagination.js';
import { visibleSessionId } from '../session-guard.js';
import { SessionStatusEnum } from './enums.js';

export const Session = builder.loadableNode('Session', {
  description: 'A workspace: groups agents and tasks around one working directory.',
  // Another session's object is never shown to a token limited to some sessions (node lookups
  // read it as missing; anything else that returns it is refused).
  authScopes: (session, ctx) => allowsSession(ctx.principal, session.id),
  id: { resolve: (session: SessionRow) => session.id },
  load: async (ids: string[], ctx) => onlyVisible(ctx.principal, await ctx.services.sessions.loadSessions(ids), (session) => session.id),
  sort: (session) => session.id,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A name for people; need not be unique.' }),
    workingDirectory: t.exposeString('workingDirectory', {
      description: "Absolute path on the server, inside WORKSPACE_ROOT; the agents' default working directory.",
    }),
    status: t.expose('status', { type: SessionStatusEnum, description: 'Whether the session is in use.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the session was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the session last changed.' }),
  }),
});

builder.objectField(Session, 'costUsd', (t) =>
  t.loadable({
    type: 'Float',
    description: "Estimated spend of the session's tasks in USD, as reported by the CLI.",
    load: (ids: string[], ctx) => ctx.services.sessions.costs(ids),
    resolve: (session) => session.id,
  }),
);

const SessionFilter = builder.inputType('SessionFilter', {
  description: 'Narrows the sessions query; an absent field does not filter.',
  fields: (t) => ({
    status: t.field({ type: SessionStatusEnum, description: 'Only sessions with this status.' }),
  }),
});

builder.queryFields((t) => ({
  sessions: t.connection(
    {
      type: Session,
      description: 'Sessions, oldest first, a page at a time.',
      args: { filter: t.arg({ type: SessionFilter, description: 'Only sessions that match; all when absent.' }) },
      resolve: (_root, args, ctx) =>
        resolveIdConnection(args, (page) =>
          ctx.services.sessions.listSessions({ status: args.filter?.status ?? undefined, ids: visibleSessionIds(ctx.principal) }, page),
        ),
    },
    { description: 'A page of sessions.' },
    { description: 'A session and its cursor.' },
  ),
  session: t.field({
    type: Session,
    description: 'One session by id: the Session, or NotFoundError (no such session) or InvalidInputError (not a Session id).',
    args: { id: t.arg.id({ required: true, description: "The session's global id." }) },
    errors: {
      types: [NotFoundError, InvalidInputError],
      directResult: true,
      union: { name: 'SessionResult', description: 'The session, or why it could not be returned.' },
    },
    resolve: async (_root, args, ctx) => {
      return ctx.services.sessions.getSession(await visibleSessionId(ctx, String(args.id), 'id'));
    },
  }),
}));

const CreateSessionInput = builder.inputType('CreateSessionInput', {
  description: 'A new session.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'A name for people: 1 to 200 characters (trimmed).' }),
    workingDirectory: t.string({
      description: 'Relative to (or inside) WORKSPACE_ROOT; created if missing. Defaults to a new folder.',
    }),
  }),
});

builder.mutationField('createSession', (t) =>
  t.field({
    type: Session,
    // A token limited to some sessions cannot add one.
    authScopes: { allSessions: true },
    description:
      'Creates a session and its working directory (not with a token limited to sessions). InvalidInputError: an empty or too long name, or a directory outside WORKSPACE_ROOT or unusable.',
    args: { input: t.arg({ type: CreateSessionInput, required: true, description: 'The session to create.' }) },
    errors: {
      types: [InvalidInputError, ConflictError],
      union: { name: 'CreateSessionResult', description: 'The created session, or why it was not created.' },
      result: { name: 'CreateSessionSuccess', description: 'The session was created.' },
      dataField: { name: 'session', description: 'The new session, ACTIVE.' },
    },
    resolve: (_root, { input }, ctx) =>
      ctx.services.sessions.createSession({ name: input.name, workingDirectory: input.workingDirectory ?? undefined }),
  }),
);
