import { useCallback } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../../../gql';
import { toFormErrors, type FormErrors } from '../ui/typed-errors';
import { CREATE_SESSION_FIELD_NAMES, type SessionChoice } from './session-choice';

const CreateSession = graphql(`
  mutation SessionChoice_CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) {
      __typename
      ... on CreateSessionSuccess {
        session {
          id
          name
          status
          workingDirectory
          createdAt
        }
      }
      ... on Error {
        code
        message
      }
      ... on InvalidInputError {
        field
      }
      ... on ConflictError {
        field
      }
    }
  }
`);

export type EnsuredSession = { ok: true; sessionId: string } | { ok: false; errors: FormErrors };

/** Returns the chosen session's id, creating the session first when the choice is a new one. */
export function useEnsureSession(): (choice: SessionChoice | null) => Promise<EnsuredSession> {
  const [, createSession] = useMutation(CreateSession);
  return useCallback(
    async (choice) => {
      if (!choice) return { ok: false, errors: { fields: { sessionId: 'Choose a session.' } } };
      if (choice.kind === 'existing') return { ok: true, sessionId: choice.sessionId };
      const result = await createSession({
        input: { name: choice.name, workingDirectory: choice.workingDirectory.trim() || undefined },
      });
      const outcome = result.data?.createSession;
      if (!outcome) return { ok: false, errors: { fields: {}, form: result.error?.message ?? 'The session could not be created.' } };
      if (outcome.__typename === 'CreateSessionSuccess') return { ok: true, sessionId: outcome.session.id };
      return { ok: false, errors: toFormErrors(outcome, ['sessionName', 'sessionFolder'], (field) => CREATE_SESSION_FIELD_NAMES[field] ?? field) };
    },
    [createSession],
  );
}
