import type { Migration } from 'kysely';
import * as initialSchema from './2026-11-28T00-00-00_initial_schema.js';
import * as agentLifecycle from './2026-11-28T01-00-00_agent_lifecycle.js';
import * as taskEngine from './2026-11-28T02-00-00_task_engine.js';
import * as apiTokens from './2026-11-28T03-00-00_api_tokens.js';
import * as sessionSecrets from './2026-11-28T04-00-00_session_secrets.js';
import * as auditLog from './2026-11-28T05-00-00_audit_log.js';
import * as apiTokenSessions from './2026-11-28T06-00-00_api_token_sessions.js';

/**
 * Every migration, by name (the file name without extension), in the order they apply.
 * Listed statically so that the same code runs under tsx, vitest and compiled JavaScript.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28T00-00-00_initial_schema': initialSchema,
  '2026-11-28T01-00-00_agent_lifecycle': agentLifecycle,
  '2026-11-28T02-00-00_task_engine': taskEngine,
  '2026-11-28T03-00-00_api_tokens': apiTokens,
  '2026-11-28T04-00-00_session_secrets': sessionSecrets,
  '2026-11-28T05-00-00_audit_log': auditLog,
  '2026-11-28T06-00-00_api_token_sessions': apiTokenSessions,
};
