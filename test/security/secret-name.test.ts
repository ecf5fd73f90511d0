import { describe, expect, it } from 'vitest';
import { ClaudeCodeAdapter } from '../../server/supervisor/claude-code-adapter.js';
import { refusedSecretName, SECRET_NAME_PATTERN } from '../../server/security/secret-name.js';

const adapter = new ClaudeCodeAdapter();
const refused = (name: string) => refusedSecretName(name, adapter.controlledEnvironment);

describe('secret names', () => {
  it('are environment variable names: upper case, digits and _, not starting with a digit, at most 64 characters', () => {
    for (const name of ['ANTHROPIC_API_KEY', 'GITHUB_TOKEN', '_PRIVATE', 'A', `A${'B'.repeat(63)}`]) expect(SECRET_NAME_PATTERN.test(name), name).toBe(true);
    for (const name of ['', 'lower', '1ABC', 'A-B', 'A B', 'A.B', `A${'B'.repeat(64)}`, 'ÄPI_KEY']) expect(SECRET_NAME_PATTERN.test(name), name).toBe(false);
  });

  it('credentials a session brings are allowed, including ones the server also has', () => {
    for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'NPM_TOKEN']) {
      expect(refused(name), name).toBeUndefined();
    }
  });

  it('names the server sets for every agent process are refused, with the reason', () => {
    // Everything the adapter sets itself, and the variables the server passes on from its own environment.
    for (const name of [...adapter.controlledEnvironment, 'PATH', 'HOME', 'USER', 'SHELL', 'TMPDIR', 'LANG', 'CLAUDE_CONFIG_DIR', 'HTTPS_PROXY', 'NODE_EXTRA_CA_CERTS']) {
      expect(refused(name), name).toMatch(/set by the server/);
    }
    expect(adapter.controlledEnvironment).toEqual(expect.arrayContaining(['AGENT_RUN_TAG', 'DISABLE_TELEMETRY', 'CLAUDE_CODE_MAX_RETRIES']));
  });

  it("names that change how the agent's programs load, or where its API requests go, are refused", () => {
    for (const name of ['NODE_OPTIONS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'BASH_ENV', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES']) {
      expect(refused(name), name).toBeDefined();
    }
    for (const name of ['ANTHROPIC_BASE_URL', 'ANTHROPIC_BEDROCK_BASE_URL', 'ANTHROPIC_VERTEX_BASE_URL']) expect(refused(name), name).toMatch(/API requests/);
  });
});
