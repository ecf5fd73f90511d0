import type { CodegenConfig } from '@graphql-codegen/cli';

/** Client types come from the checked-in SDL, never from server code, so clients build alone. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['client/**/*.{ts,tsx,graphql}', '!client/gql/**'],
  ignoreNoDocuments: true,
  // ESM output: relative imports carry .js, as NodeNext resolution requires.
  emitLegacyCommonJSImports: false,
  generates: {
    'client/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
