import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Yoga parses the `variables` and `extensions` of a GET request (or a form POST) with a bare
 * JSON.parse, so `?variables={bad` would surface as a masked 500. Malformed input is the
 * client's error: 400. The query string is checked at once, so a malformed request is told so
 * before any other refusal (CSRF's included, which comes later in the plugin list).
 */
export function useRejectMalformedParams(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      const search = new URL(request.url).searchParams;
      for (const name of ['variables', 'extensions']) {
        const value = search.get(name);
        if (value !== null) parseOrReject(value);
      }
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw malformed(error);
        }
      });
    },
  };
}

function parseOrReject(json: string): void {
  try {
    JSON.parse(json);
  } catch (error) {
    throw malformed(error as SyntaxError);
  }
}

function malformed(error: SyntaxError) {
  return createGraphQLError(`The variables or extensions parameter is not valid JSON: ${error.message}`, {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}
