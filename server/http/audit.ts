import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { traceMutation, type MutationTrace } from '../audit/current-mutation.js';
import type { Context } from '../context.js';
import type { AuditOutcome } from '../db/types.js';
import { rootFieldNames } from './root-fields.js';

/**
 * Records every mutation in the audit log once it has run: the caller, the operation and its
 * fields, and the outcome (OK; REFUSED when a field returned a typed error; ERROR when one raised
 * a GraphQL error). Arguments are not kept: they may hold secrets.
 */
export function useAuditLog(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const context = args.contextValue as Context;
      const trace: MutationTrace = { typedErrorCodes: [] };
      const started = Date.now();
      setExecuteFn((executeArgs) => traceMutation(trace, () => executeFn(executeArgs)));
      return {
        async onExecuteDone({ result }) {
          const { errors } = result as ExecutionResult;
          // Errors here are not masked yet: a domain error's code is on the original error.
          const raised = (errors ?? []).map((error) =>
            String(error.extensions?.code ?? (error.originalError as { code?: unknown } | undefined)?.code ?? 'INTERNAL_SERVER_ERROR'),
          );
          const outcome: AuditOutcome = raised.length > 0 ? 'ERROR' : trace.typedErrorCodes.length > 0 ? 'REFUSED' : 'OK';
          await context.services.audit.record({
            tokenId: context.principal.tokenId,
            actor: context.principal.name,
            role: context.principal.role,
            operationName: operation.name?.value ?? null,
            fields: rootFieldNames(operation.selectionSet, args.document),
            outcome,
            errorCodes: [...trace.typedErrorCodes, ...raised],
            durationMs: Date.now() - started,
          });
        },
      };
    },
  };
}
