import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../server/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** No container engine runs here, so the wiring is checked by reading the files. */
describe('docker-compose.yml', () => {
  it('is valid YAML wiring the API to Postgres and Redis with settings the server accepts', async () => {
    const compose = parse(await fs.readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8'));
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis']);
    const { api, postgres } = compose.services;
    expect(api.build).toBe('.');
    expect(api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    const databaseUrl = new URL(api.environment.DATABASE_URL);
    expect(databaseUrl.hostname).toBe('postgres');
    expect(databaseUrl.username).toBe(postgres.environment.POSTGRES_USER);
    expect(databaseUrl.password).toBe(postgres.environment.POSTGRES_PASSWORD);
    expect(databaseUrl.pathname).toBe(`/${postgres.environment.POSTGRES_DB}`);
    expect(new URL(api.environment.REDIS_URL).hostname).toBe('redis');
    expect(api.ports).toEqual([`${api.environment.API_PORT}:${api.environment.API_PORT}`, `${api.environment.DASHBOARD_PORT}:${api.environment.DASHBOARD_PORT}`]);

    // The API's environment must pass the server's own configuration check.
    const environment = Object.fromEntries(
      Object.entries(api.environment as Record<string, string>).map(([k, v]) => [k, String(v).replace(/\$\{[^}]*\}/g, '')]),
    );
    const config = loadConfig(environment);
    expect(config.database.url).toBe(api.environment.DATABASE_URL);
    expect(config.apiPort).toBe(4005);
    expect(config.dashboardPort).toBe(6011);
  });

  it('builds an image that starts the server the way npm start does', async () => {
    const dockerfile = await fs.readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
    const packageJson = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(packageJson.scripts.start).toBe('node --import tsx server/main.ts');
    expect(dockerfile).toContain('CMD ["node", "--import", "tsx", "server/main.ts"]');
    expect(dockerfile).toMatch(/^USER agent$/m);
    // The dashboard the server serves is built into the image.
    expect(dockerfile).toContain('RUN npm run dashboard:build');
    expect(dockerfile).toContain('COPY --from=dashboard /app/client/dashboard/dist ./client/dashboard/dist');
  });
});
