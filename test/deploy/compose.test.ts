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
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'nginx', 'postgres', 'redis']);
    expect([compose.services.postgres.image, compose.services.redis.image, compose.services.nginx.image]).toEqual(['postgres:16', 'redis:7', 'nginx:1.27']);
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

  it('checks every long-running service\'s health, and the API waits for its database and Redis to be healthy', async () => {
    const compose = parse(await fs.readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8'));
    const { api, postgres, redis } = compose.services;
    expect(postgres.healthcheck.test).toEqual(['CMD-SHELL', `pg_isready -U ${postgres.environment.POSTGRES_USER} -d ${postgres.environment.POSTGRES_DB}`]);
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    // The API's own readiness probe (database reachable), on its API port.
    expect(api.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${api.environment.API_PORT}/readyz`);
    // It refuses to start (exit 2) until a token exists, and must come up once one does.
    expect(api.restart).toBe('unless-stopped');
    expect(api.volumes).toEqual(expect.arrayContaining(['workspace:/workspace', 'api-data:/data']));
  });

  it('puts nginx in front on demand (profile proxy), with the shipped config and the dashboard port as upstream', async () => {
    const compose = parse(await fs.readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8'));
    const { nginx, api } = compose.services;
    expect(nginx.profiles).toEqual(['proxy']);
    expect(nginx.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(nginx.ports).toEqual(['8080:80']);
    const [mount] = nginx.volumes as string[];
    const [source, target] = mount!.split(':');
    expect(target).toBe('/etc/nginx/conf.d/default.conf');
    const site = await fs.readFile(path.join(ROOT, source!), 'utf8');
    expect(site).toContain(`server api:${api.environment.DASHBOARD_PORT};`);
    expect(site).toContain('listen 80;');
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
    expect(dockerfile).toContain('RUN npm ci --omit=dev');
  });

  it('the image\'s runtime dependencies cover every package the server and its operator commands import', async () => {
    const packageJson = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
    const runtime = new Set(Object.keys(packageJson.dependencies));
    const commands = ['token', 'secrets', 'backup', 'restore', 'migrate'].map((name) => packageJson.scripts[name]);
    const files = [
      ...(await sourceFiles(path.join(ROOT, 'server'))),
      ...(await sourceFiles(path.join(ROOT, 'migrations'))),
      ...commands.map((command: string) => path.join(ROOT, /tsx (\S+)/.exec(command)![1]!)),
      path.join(ROOT, 'scripts/run-command.ts'),
    ];
    const imported = new Set<string>();
    for (const file of files) {
      for (const [, specifier] of (await fs.readFile(file, 'utf8')).matchAll(/from '([^.'][^']*)'/g)) {
        if (specifier!.startsWith('node:')) continue;
        imported.add(specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(10);
    expect([...imported].filter((name) => !runtime.has(name))).toEqual([]);
  });
});

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.ts')).map((entry) => path.join(directory, entry));
}
