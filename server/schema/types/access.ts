import type { ApiTokenRow, AuditLogRow, AuditOutcome, TokenRole } from '../../db/types.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { builder } from '../builder.js';
import { parseGlobalId } from '../global-id.js';
import { resolveIdConnection } from '../pagination.js';
import { Session } from './session.js';

const TokenRoleEnum = builder.enumType('TokenRole', {
  description: 'What a token may do; each role may do what the ones before it may.',
  values: {
    VIEWER: { value: 'viewer' as TokenRole, description: 'Reads: every query and subscription.' },
    OPERATOR: { value: 'operator' as TokenRole, description: 'Also runs agents and tasks: the mutations, except managing tokens.' },
    ADMIN: { value: 'admin' as TokenRole, description: 'Also manages tokens and reads the audit log.' },
  },
});

const AuditOutcomeEnum = builder.enumType('AuditOutcome', {
  description: 'How a mutation ended.',
  values: {
    OK: { value: 'OK' as AuditOutcome, description: 'Every field it called succeeded.' },
    REFUSED: { value: 'REFUSED' as AuditOutcome, description: 'A field returned a typed error (not found, invalid input, …); see errorCodes.' },
    ERROR: { value: 'ERROR' as AuditOutcome, description: 'A field raised a GraphQL error (e.g. FORBIDDEN); see errorCodes.' },
  },
});

export const ApiToken = builder.loadableNode('ApiToken', {
  description: 'An API token; its secret is shown once, when it is created, and never stored. Admin tokens only.',
  // Wherever a token is returned (node lookups included), only an admin may see it.
  authScopes: { admin: true },
  id: { resolve: (token: ApiTokenRow) => token.id },
  load: (ids: string[], ctx) => ctx.services.tokens.load(ids),
  sort: (token) => token.id,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A name for people (who or what uses it).' }),
    role: t.expose('role', { type: TokenRoleEnum, description: 'What it may do.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'When a request last carried it; null when never.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked; null while it works.' }),
    sessions: t.field({
      type: [Session],
      nullable: true,
      description: 'The sessions it is limited to (it sees and acts on nothing else); null when it may use every session.',
      resolve: (token) => token.sessionIds,
    }),
  }),
});

const AuditEntry = builder.objectRef<AuditLogRow>('AuditEntry').implement({
  description: 'One mutation: who called it, what, when, and how it ended. Arguments are not kept (they may hold secrets).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Time-ordered id of the entry.' }),
    actor: t.exposeString('actor', { description: 'The token\'s name, or "local" in local mode.' }),
    role: t.expose('role', { type: TokenRoleEnum, description: 'The role the caller had.' }),
    token: t.field({
      type: ApiToken,
      nullable: true,
      description: 'The token used; null in local mode.',
      resolve: (entry) => entry.tokenId,
    }),
    operationName: t.exposeString('operationName', { nullable: true, description: 'The operation\'s name; null for an anonymous one.' }),
    fields: t.exposeStringList('fields', { description: 'The mutation fields it called, in order.' }),
    outcome: t.expose('outcome', { type: AuditOutcomeEnum, description: 'How it ended.' }),
    errorCodes: t.exposeStringList('errorCodes', { description: 'Codes of the typed errors returned and of the errors raised; empty when OK.' }),
    durationMs: t.exposeInt('durationMs', { description: 'How long it took to execute, in milliseconds.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it ended.' }),
  }),
});

builder.queryField('apiTokens', (t) =>
  t.field({
    type: [ApiToken],
    authScopes: { admin: true },
    description: 'Every API token, revoked ones included, oldest first. Admin tokens only.',
    resolve: (_root, _args, ctx) => ctx.services.tokens.list(),
  }),
);

builder.queryField('auditLog', (t) =>
  t.connection(
    {
      type: AuditEntry,
      authScopes: { admin: true },
      description: 'Every mutation called, oldest first, a page at a time (last: n for the newest). Admin tokens only.',
      resolve: (_root, args, ctx) => resolveIdConnection(args, (page) => ctx.services.audit.list(page)),
    },
    { description: 'A page of the audit log.' },
    { description: 'An audit entry and its cursor.' },
  ),
);

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  description: 'A token to create.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'A name for people: who or what will use it (1 to 100 characters).' }),
    role: t.field({ type: TokenRoleEnum, required: true, description: 'What it may do.' }),
    sessionIds: t.idList({
      description:
        'Limit a VIEWER or OPERATOR token to these sessions (1 to 100 global ids): it then sees and acts on their objects only, ' +
        'is told other objects do not exist, and cannot create sessions or read the system-wide views. Every session when absent.',
    }),
  }),
});

const CreatedApiToken = builder.objectRef<{ token: ApiTokenRow; secret: string }>('CreatedApiToken').implement({
  description: 'A new token and its secret.',
  fields: (t) => ({
    token: t.field({ type: ApiToken, description: 'The token.', resolve: (created) => created.token }),
    secret: t.exposeString('secret', { description: 'The token to send (Authorization: Bearer …). Shown only here: keep it now.' }),
  }),
});

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: CreatedApiToken,
    authScopes: { admin: true },
    description:
      'Creates an API token. Admin tokens only. InvalidInputError: an empty or too long name, sessionIds empty, too many, ' +
      'malformed or given for an ADMIN token; NotFoundError: no such session.',
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: 'The token to create.' }) },
    errors: {
      types: [InvalidInputError, NotFoundError],
      union: { name: 'CreateApiTokenResult', description: 'The created token, or why it was not created.' },
      result: { name: 'CreateApiTokenSuccess', description: 'The token was created.' },
      dataField: { name: 'created', description: 'The token and its secret.' },
    },
    resolve: (_root, { input }, ctx) =>
      ctx.services.tokens.create({
        name: input.name,
        role: input.role,
        sessionIds: input.sessionIds?.map((id) => parseGlobalId(String(id), 'Session', 'sessionIds')),
      }),
  }),
);

builder.mutationField('revokeApiToken', (t) =>
  t.field({
    type: ApiToken,
    authScopes: { admin: true },
    description:
      'Revokes an API token: refused within seconds, and its open WebSockets closed with 4403. Admin tokens only. ' +
      'NotFoundError: no live token has this id. InvalidInputError: a malformed id.',
    args: { id: t.arg.id({ required: true, description: 'The token (global id).' }) },
    errors: {
      types: [NotFoundError, InvalidInputError],
      union: { name: 'RevokeApiTokenResult', description: 'The revoked token, or why it was not revoked.' },
      result: { name: 'RevokeApiTokenSuccess', description: 'The token was revoked.' },
      dataField: { name: 'token', description: 'The token, with revokedAt set.' },
    },
    resolve: (_root, { id }, ctx) => ctx.services.tokens.revoke(parseGlobalId(id.toString(), 'ApiToken', 'id')),
  }),
);
