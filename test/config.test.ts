import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentEnvironmentFrom, CONFIG_VARIABLES, ConfigError, loadConfig } from '../server/config.js';

function configError(environment: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(environment)}`);
}

describe('loadConfig', () => {
  it('a plain environment gives the embedded single-node defaults', () => {
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/home/someone' });
    expect(config.apiPort).toBe(4005);
    expect(config.dashboardPort).toBe(6011);
    expect(config.host).toBe('127.0.0.1');
    // No DATABASE_URL: the embedded PGlite in ./data, resolved against the working directory.
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(path.resolve('./data'));
    expect(path.isAbsolute(config.database.dataDir)).toBe(true);
    expect(config.redisUrl).toBeUndefined();
    expect(config.claude.maxAgents).toBe(10);
    expect(config.claude.limits.turnTimeoutSeconds).toBe(300);
    expect(config.claude.cliPath).toBeUndefined();
    expect(config.workspaceRoot).toBe(path.resolve('./workspace'));
    expect(config.logLevel).toBe('info');
    expect(config.nodeId).toBe(os.hostname());
  });

  it('empty values count as unset', () => {
    const config = loadConfig({ API_PORT: '', LOG_LEVEL: '  ', CLAUDE_MAX_AGENTS: '' });
    expect(config.apiPort).toBe(4005);
    expect(config.logLevel).toBe('info');
    expect(config.claude.maxAgents).toBe(10);
  });

  it('reads the variables it documents', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/acp',
      REDIS_URL: 'redis://cache:6379',
      API_PORT: '0',
      HOST: '0.0.0.0',
      CLAUDE_MAX_AGENTS: '25',
      CLAUDE_AGENT_TIMEOUT: '60',
      LOG_LEVEL: 'debug',
      DATA_DIR: 'memory://',
      WORKSPACE_ROOT: '/srv/work',
    });
    expect(config.database.url).toBe('postgres://u:p@db:5432/acp');
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.apiPort).toBe(0);
    expect(config.host).toBe('0.0.0.0');
    expect(config.claude).toMatchObject({ maxAgents: 25, limits: { turnTimeoutSeconds: 60 } });
    expect(config.logLevel).toBe('debug');
    expect(config.database.dataDir).toBe('memory://');
    expect(config.workspaceRoot).toBe('/srv/work');
  });

  describe('a bad value is a ConfigError naming the variable, its value and what is accepted', () => {
    it('API_PORT=abc', () => {
      const { message } = configError({ API_PORT: 'abc' });
      expect(message).toContain('API_PORT="abc"');
      expect(message).toMatch(/number/);
    });

    it('API_PORT out of range names the bound', () => {
      const { message } = configError({ API_PORT: '70000' });
      expect(message).toContain('API_PORT="70000"');
      expect(message).toContain('65535');
    });

    it('LOG_LEVEL=loud lists every level', () => {
      const { message } = configError({ LOG_LEVEL: 'loud' });
      expect(message).toContain('LOG_LEVEL="loud"');
      for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) expect(message).toContain(`"${level}"`);
    });

    it('DATABASE_URL=mysql://x is rejected', () => {
      const { message } = configError({ DATABASE_URL: 'mysql://x' });
      expect(message).toContain('DATABASE_URL="mysql://x"');
      expect(message).toMatch(/URL/);
    });

    it('CLAUDE_MAX_AGENTS=0 names the lower bound', () => {
      const { message } = configError({ CLAUDE_MAX_AGENTS: '0' });
      expect(message).toContain('CLAUDE_MAX_AGENTS="0"');
      expect(message).toMatch(/>=\s*1/);
    });

    it('several bad values are all reported at once, with a pointer to .env.example', () => {
      const { message } = configError({ API_PORT: 'abc', LOG_LEVEL: 'loud', CLAUDE_AGENT_TIMEOUT: '-5', REDIS_URL: 'http://x' });
      for (const name of ['API_PORT', 'LOG_LEVEL', 'CLAUDE_AGENT_TIMEOUT', 'REDIS_URL']) expect(message).toContain(`${name}=`);
      expect(message).toContain('.env.example');
    });

    it('a fractional count is rejected', () => {
      expect(configError({ CLAUDE_MAX_AGENTS: '2.5' }).message).toContain('CLAUDE_MAX_AGENTS="2.5"');
    });
  });
});

describe('agentEnvironmentFrom', () => {
  const serverEnvironment: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin',
    HOME: '/home/agent',
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
    CLAUDE_CODE_USE_BEDROCK: '1',
    HTTPS_PROXY: 'http://proxy:3128',
    DATABASE_URL: 'postgres://admin:secret@db/acp',
    REDIS_URL: 'redis://:secret@cache:6379',
    GITHUB_TOKEN: 'ghp_secret',
    NPM_TOKEN: 'npm_secret',
    PGPASSWORD: 'secret',
    SESSION_SECRET: 'secret',
    API_PORT: '4005',
    CLAUDE_MAX_AGENTS: '10',
    WORKSPACE_ROOT: '/srv/work',
    NODE_OPTIONS: '--require /tmp/evil.js',
    UNSET: undefined,
  };

  it('passes what the CLI needs: credentials, provider settings, PATH, HOME, locale, proxy', () => {
    const picked = agentEnvironmentFrom(serverEnvironment);
    expect(picked).toMatchObject({
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/home/agent',
      LANG: 'C.UTF-8',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
      CLAUDE_CODE_USE_BEDROCK: '1',
      HTTPS_PROXY: 'http://proxy:3128',
    });
  });

  it("keeps the server's own secrets and settings private", () => {
    const picked = agentEnvironmentFrom(serverEnvironment);
    for (const name of [
      'DATABASE_URL', 'REDIS_URL', 'GITHUB_TOKEN', 'NPM_TOKEN', 'PGPASSWORD', 'SESSION_SECRET',
      'API_PORT', 'CLAUDE_MAX_AGENTS', 'WORKSPACE_ROOT', 'NODE_OPTIONS', 'UNSET',
    ]) {
      expect(picked, name).not.toHaveProperty(name);
    }
    // Nothing in the result carries one of the secrets under another name.
    expect(Object.values(picked).join('\n')).not.toMatch(/secret/);
  });

  it('is what loadConfig hands to agent processes', () => {
    const config = loadConfig(serverEnvironment);
    expect(config.agentEnvironment).toEqual(agentEnvironmentFrom(serverEnvironment));
    expect(config.agentEnvironment).not.toHaveProperty('DATABASE_URL');
  });
});

describe('documentation', () => {
  it('.env.example and the README name every variable the server reads', async () => {
    const { readFile } = await import('node:fs/promises');
    const root = new URL('../', import.meta.url);
    const example = await readFile(new URL('.env.example', root), 'utf8');
    const readme = await readFile(new URL('README.md', root), 'utf8');
    for (const name of CONFIG_VARIABLES) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
      expect(readme.includes(name) || readme.includes(name.replace(/_MAX_MS$/, '')), `README lacks ${name}`).toBe(true);
    }
  });
});
