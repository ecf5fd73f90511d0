import type { SessionRow } from '../../db/types.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { parseGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { SessionStatusEnum } from './enums.js';

export const Session = builder.loadableNode('Session', {
  description: 'A workspace: groups agents and tasks around one working directory.',
  id: { resolve: (session: SessionRow) => session.id },
  load: (ids: string[], ctx) => ctx.services.sessions.loadSessions(ids),
  sort: (session) => session.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    workingDirectory: t.exposeString('workingDirectory'),
    status: t.expose('status', { type: SessionStatusEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
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
  fields: (t) => ({
    status: t.field({ type: SessionStatusEnum }),
  }),
});

builder.queryFields((t) => ({
  sessions: t.connection({
    type: Session,
    args: { filter: t.arg({ type: SessionFilter }) },
    resolve: (_root, args, ctx) =>
      resolveIdConnection(args, (page) =>
        ctx.services.sessions.listSessions({ status: args.filter?.status ?? undefined }, page),
      ),
  }),
  session: t.field({
    type: Session,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, InvalidInputError], directResult: true, union: { name: 'SessionResult' } },
    resolve: (_root, args, ctx) => ctx.services.sessions.getSession(parseGlobalId(String(args.id), 'Session', 'id')),
  }),
}));

const CreateSessionInput = builder.inputType('CreateSessionInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    workingDirectory: t.string({
      description: 'Relative to (or inside) WORKSPACE_ROOT; created if missing. Defaults to a new folder.',
    }),
  }),
});

builder.mutationField('createSession', (t) =>
  t.field({
    type: Session,
    args: { input: t.arg({ type: CreateSessionInput, required: true }) },
    errors: {
      types: [InvalidInputError, ConflictError],
      union: { name: 'CreateSessionResult' },
      result: { name: 'CreateSessionSuccess' },
      dataField: { name: 'session' },
    },
    resolve: (_root, { input }, ctx) =>
      ctx.services.sessions.createSession({ name: input.name, workingDirectory: input.workingDirectory ?? undefined }),
  }),
);
