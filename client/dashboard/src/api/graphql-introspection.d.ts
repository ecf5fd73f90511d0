/** The SDL as introspection data, made by the graphql-introspection plugin in vite.config.ts. */
declare module 'virtual:graphql-introspection' {
  import type { IntrospectionQuery } from 'graphql';

  const introspection: IntrospectionQuery;
  export default introspection;
}
