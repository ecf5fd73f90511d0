import type { CombinedError } from 'urql';
import { describeTypedError, type TypedError } from './typed-errors';

type ShownError = CombinedError | TypedError | string | null | undefined;

/** An error as a readable message: request failures, GraphQL errors and the API's typed errors alike. */
export function ErrorMessage({ error, title, onRetry }: { error: ShownError; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-message" role="alert">
      {title && <strong className="error-message__title">{title}</strong>}
      <span>{describe(error)}</span>
      {onRetry && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

function describe(error: Exclude<ShownError, null | undefined>): string {
  if (typeof error === 'string') return error;
  if ('graphQLErrors' in error) {
    if (error.networkError) return `Cannot reach the server: ${error.networkError.message}`;
    const messages = error.graphQLErrors.map((graphQLError) => graphQLError.message);
    return messages.length > 0 ? messages.join(' ') : error.message;
  }
  return describeTypedError(error);
}
