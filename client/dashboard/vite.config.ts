import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { buildSchema, introspectionFromSchema } from 'graphql';
import { defineConfig, type Plugin } from 'vite';

const apiPort = process.env.API_PORT ?? '4005';

/**
 * `virtual:graphql-introspection`: the checked-in SDL as introspection data, for graphcache's
 * schema awareness (exact fragment matching on unions and interfaces, partial results).
 */
function graphqlIntrospection(): Plugin {
  const id = 'virtual:graphql-introspection';
  const schemaPath = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));
  return {
    name: 'graphql-introspection',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      this.addWatchFile(schemaPath);
      const introspection = introspectionFromSchema(buildSchema(readFileSync(schemaPath, 'utf8')), { descriptions: false });
      return `export default ${JSON.stringify(introspection)};`;
    },
  };
}

/**
 * The dashboard. `npm start` builds it into dist/ and the server serves it on DASHBOARD_PORT
 * with /graphql beside it (one origin); `npm run dev` serves it from Vite with /graphql proxied
 * to the API, WebSocket included.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), graphqlIntrospection()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    port: Number(process.env.DASHBOARD_PORT ?? 6011),
    proxy: { '/graphql': { target: `http://127.0.0.1:${apiPort}`, ws: true } },
  },
});
