import { AGENT_ENVIRONMENT_NAMES } from '../config.js';

/** An environment variable name: upper case letters, digits and _, not starting with a digit. */
export const SECRET_NAME_PATTERN = /^[A-Z_][A-Z0-9_]{0,63}$/;

/** Beside what the server passes on to agents (config.ts): names that change how their programs load and run. */
const PROCESS_NAMES = ['PWD', 'OLDPWD', 'IFS', 'ENV', 'BASH_ENV', 'NODE_OPTIONS', 'NODE_PATH', 'NODE_TLS_REJECT_UNAUTHORIZED', 'SSL_CERT_DIR'];
const LOADER_PREFIXES = ['LD_', 'DYLD_'];
/** An endpoint variable would send the server's own credentials there when the session brings none. */
const ENDPOINT_SUFFIX = '_BASE_URL';

/**
 * Why a session secret may not take this name, or undefined when it may. Sessions add
 * credentials; the server keeps deciding how agent processes run and where they connect.
 * `runtimeControlled` are the names the agent runtime sets itself (RuntimeAdapter).
 */
export function refusedSecretName(name: string, runtimeControlled: readonly string[]): string | undefined {
  if (runtimeControlled.includes(name) || AGENT_ENVIRONMENT_NAMES.includes(name) || PROCESS_NAMES.includes(name)) {
    return `${name} is set by the server for every agent process; a session secret cannot replace it`;
  }
  if (LOADER_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return `${name} changes how the agent's programs are loaded; a session secret cannot set it`;
  }
  if (name.endsWith(ENDPOINT_SUFFIX)) {
    return `${name} decides where agents send their API requests (and credentials); set it in the server's environment instead`;
  }
  return undefined;
}
