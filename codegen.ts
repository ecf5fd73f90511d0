import type { CodegenConfig } from '@graphql-codegen/cli';

/** Operation types for both clients, from the checked-in SDL, never from server code, so clients build alone. */
const clientPreset = {
  preset: 'client' as const,
  config: {
    scalars: { DateTime: 'string', JSON: 'unknown' },
    enumsAsTypes: true,
    useTypeImports: true,
  },
};

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: true,
  // ESM output: relative imports carry .js, as NodeNext resolution requires.
  emitLegacyCommonJSImports: false,
  generates: {
    // The dashboard's operations, colocated with its components.
    'client/gql/': { ...clientPreset, documents: ['client/dashboard/src/**/*.{ts,tsx}'] },
    // The SDK's own: it is published alone, so it carries its generated code inside it.
    'client/sdk/src/gql/': { ...clientPreset, documents: ['client/sdk/src/**/*.ts', '!client/sdk/src/gql/**'] },
  },
};

export default config;
