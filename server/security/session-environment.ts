/** The Claude CLI's own credentials; one outranks another, so a session's must not sit beside the server's. */
const ANTHROPIC_CREDENTIALS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/**
 * The environment of one agent process: what the server passes on, with its session's secrets
 * on top. A session that brings an Anthropic credential gets none of the server's: the CLI
 * would otherwise prefer, say, the server's ANTHROPIC_AUTH_TOKEN to the session's API key.
 */
export function agentEnvironmentWithSecrets(serverEnvironment: Record<string, string>, secrets: Record<string, string>): Record<string, string> {
  const bringsCredential = ANTHROPIC_CREDENTIALS.some((name) => name in secrets);
  const inherited = Object.fromEntries(
    Object.entries(serverEnvironment).filter(([name]) => !(bringsCredential && ANTHROPIC_CREDENTIALS.includes(name))),
  );
  return { ...inherited, ...secrets };
}
