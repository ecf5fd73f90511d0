import { describe, expect, it } from 'vitest';
import { agentEnvironmentWithSecrets } from '../../server/security/session-environment.js';

const server = { PATH: '/usr/bin', HOME: '/home/agents', ANTHROPIC_AUTH_TOKEN: 'server-token', CLAUDE_CODE_OAUTH_TOKEN: 'server-oauth', ANTHROPIC_API_KEY: 'server-key' };

describe('agentEnvironmentWithSecrets', () => {
  it("puts the session's secrets on top of what the server passes on", () => {
    expect(agentEnvironmentWithSecrets({ PATH: '/usr/bin', ANTHROPIC_API_KEY: 'server-key' }, { GITHUB_TOKEN: 'session-gh' })).toEqual({
      PATH: '/usr/bin',
      ANTHROPIC_API_KEY: 'server-key',
      GITHUB_TOKEN: 'session-gh',
    });
  });

  it("a session's Anthropic credential replaces all of the server's, so none of them outranks it", () => {
    expect(agentEnvironmentWithSecrets(server, { ANTHROPIC_API_KEY: 'session-key' })).toEqual({ PATH: '/usr/bin', HOME: '/home/agents', ANTHROPIC_API_KEY: 'session-key' });
    expect(agentEnvironmentWithSecrets(server, { CLAUDE_CODE_OAUTH_TOKEN: 'session-oauth' })).toEqual({ PATH: '/usr/bin', HOME: '/home/agents', CLAUDE_CODE_OAUTH_TOKEN: 'session-oauth' });
  });

  it('without secrets it is the server environment', () => {
    expect(agentEnvironmentWithSecrets(server, {})).toEqual(server);
  });
});
