import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { noteTypedError } from '../audit/current-mutation.js';
import { scopesOf, type AuthScopes } from '../auth/scopes.js';
import type { Context } from '../context.js';
import { ForbiddenError, InvalidInputError } from '../errors.js';
import { isUuid } from '../ids.js';
import { relayDescriptions } from './relay-descriptions.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  // Scope auth first: no other plugin's resolver wrapping runs before the check.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DataloaderPlugin],
  scopeAuth: {
    authScopes: (context) => scopesOf(context.principal),
    // Checked when a subscription starts, not only when each event resolves.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, context, info) => {
      const limited = context.principal.sessionIds === null ? '' : ' limited to sessions';
      return new ForbiddenError(`A ${context.principal.role} token${limited} may not use ${info.parentType.name}.${info.fieldName}.`);
    },
  },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesQueryOptions: false,
    // A malformed id in node(id:) is the caller's mistake, told as such (not an unexplained failure).
    decodeGlobalID: (globalID) => {
      let decoded: { typename: string; id: string };
      try {
        decoded = decodeGlobalID(globalID);
      } catch {
        throw new InvalidInputError('id', 'is not a valid id');
      }
      if (!isUuid(decoded.id)) throw new InvalidInputError('id', 'is not a valid id');
      return decoded;
    },
    ...relayDescriptions,
  },
  errors: {
    defaultTypes: [],
    // Typed failures are results, not GraphQL errors: the audit log learns of them here.
    onResolvedError: noteTypedError,
  },
});
