import { startMockMessagesApi, type MockMessagesApi } from './mock-messages-api.js';
import { startTestApp, type TestApp } from './test-app.js';

/** A test app whose agents run the real, pinned `claude` binary against the loopback Messages API mock. */
export interface RealClaudeTestApp extends TestApp {
  /** The mock the CLI talks to: its recorded requests show what the CLI sent. */
  api: MockMessagesApi;
}

export async function startRealClaudeTestApp(): Promise<RealClaudeTestApp> {
  const api = await startMockMessagesApi();
  try {
    // cliPath null: the server finds the pinned @anthropic-ai/claude-code dependency itself.
    const app = await startTestApp({
      cliPath: null,
      agentEnvironment: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test-key', CLAUDE_CODE_MAX_RETRIES: '1' },
    });
    return {
      ...app,
      api,
      async stop(options) {
        await app.stop(options);
        await api.close();
      },
    };
  } catch (error) {
    await api.close();
    throw error;
  }
}
