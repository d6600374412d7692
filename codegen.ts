/**
 * Typed GraphQL documents for clients, from the composed API schema. The
 * end-to-end tests use them (tests/generated); an application generates its
 * own the same way (README, "Typed clients").
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: ['tests/**/operations.ts'],
  ignoreNoDocuments: true,
  generates: {
    'tests/generated/': {
      preset: 'client',
      config: { enumsAsTypes: true, useTypeImports: true, scalars: { DateTime: 'string' } },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
