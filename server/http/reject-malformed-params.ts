import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Yoga parses the `variables` and `extensions` of a GET request with a bare JSON.parse, so
 * `?variables={bad` would surface as a masked 500. Malformed input is the client's error: 400.
 */
export function useRejectMalformedParams(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw createGraphQLError(`The variables or extensions parameter is not valid JSON: ${error.message}`, {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}
