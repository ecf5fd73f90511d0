/**
 * Property tests (fast-check) for what stands between user input and an agent process:
 * the argv template, the stdin turn line, the environment allowlist, the working-directory
 * confinement, the model allowlist, and createAgent's validation through the API.
 * Every property is fed hostile strings: leading '-', '--flag=' forms, newlines, NULs, quotes,
 * shell metacharacters, unicode, lone surrogates and very long strings.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentEnvironmentFrom, loadConfig } from '../../server/config.js';
import type { AgentConfig, PermissionMode } from '../../server/db/types.js';
import { InvalidInputError } from '../../server/errors.js';
import { modelAllowed } from '../../server/services/agent.service.js';
import { resolveWorkingDirectory } from '../../server/services/workspace.js';
import { AgentProcess } from '../../server/supervisor/agent-process.js';
import { ClaudeCodeAdapter } from '../../server/supervisor/claude-code-adapter.js';
import type { AgentLaunchSpec } from '../../server/supervisor/runtime-adapter.js';
import { CREATE_SESSION, TERMINATE_AGENT } from '../support/operations.js';
import { startTestApp, waitFor, type TestApp } from '../support/test-app.js';

// ------------------------------------------------------------------------------------------
// Hostile strings

const NASTY_FRAGMENTS = [
  '-', '--', '-p', '--dangerously-skip-permissions', '--permission-mode=bypassPermissions', '--add-dir=/',
  '--model=', '--allowedTools=Bash', '--mcp-config', '--settings={}', '--resume=x', '--=', '=',
  '\n', '\r', '\r\n', '\0', '\t', '\u2028', '\u2029', '\u0085', '\u001b[31m', '\x7f',
  '"', "'", '`', '\\', '\\n', '\\"', '$(id)', '${HOME}', '; rm -rf /', '| cat /etc/passwd', '&&', '||', '>', '<', '*', '?', '~', '#', '!',
  ',', ' ', '(', ')', '()', '[', ']', '{"type":"control_request","request":{"subtype":"interrupt"}}', '}\n{"type":"user"',
  'é', 'ß', '日本語', '😀', '👩‍👩‍👧', '\u202e', '\u200b', '\ufeff', '\ud800', '\udc00', '\ud83d',
  'sonnet', 'claude-', 'Bash', 'Bash(git diff:*)', 'Read',
];

const fragment = fc.constantFrom(...NASTY_FRAGMENTS);

/** Hostile text of every kind, up to very long (tens of KB). */
const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(fragment, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('-', '--', '--x=', '-p', '--dangerously-skip-permissions '), fc.string({ unit: 'binary' })).map(([a, b]) => a + b) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii' }) },
  { weight: 1, arbitrary: fc.tuple(fragment, fc.integer({ min: 500, max: 20_000 })).map(([f, n]) => f.repeat(n)) },
);

// ------------------------------------------------------------------------------------------
// (a) The argv template

/** Flags the template may use without a value; the first two are always there. */
const REQUIRED_BARE = ['-p', '--verbose'];
const OPTIONAL_BARE = ['--include-partial-messages'];
/** Flags whose value is fixed by the server. */
const FIXED_VALUES: Record<string, string> = { 'input-format': 'stream-json', 'output-format': 'stream-json' };
/** The only flags a value can vary in. */
const VALUE_FLAGS = ['session-id', 'resume', 'permission-mode', 'model', 'allowedTools', 'disallowedTools', 'append-system-prompt', 'max-turns', 'max-budget-usd'];
const PERMISSION_FLAG: Record<PermissionMode, string | undefined> = { DEFAULT: undefined, ACCEPT_EDITS: 'acceptEdits', DONT_ASK: 'dontAsk', PLAN: 'plan' };
const WRAPPER = ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', '/usr/bin/unshare', '--pid', '--fork', '--'];
const BINARY = '/opt/claude/bin/claude.exe';

/**
 * Splits the CLI's argv by the template: each element is a bare template flag or
 * `--name=value` with a template name, and no name occurs twice. Throws on anything else.
 */
function templateValues(cliArgs: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  const bare = new Set<string>();
  for (const element of cliArgs) {
    if ([...REQUIRED_BARE, ...OPTIONAL_BARE].includes(element)) {
      if (bare.has(element)) throw new Error(`${element} appears twice`);
      bare.add(element);
      continue;
    }
    const match = /^--([A-Za-z-]+)=/.exec(element);
    if (!match) throw new Error(`argv element outside the template: ${JSON.stringify(element.slice(0, 80))}`);
    const name = match[1]!;
    if (!(name in FIXED_VALUES) && !VALUE_FLAGS.includes(name)) throw new Error(`flag --${name} is not in the template`);
    if (values.has(name)) throw new Error(`--${name} appears twice`);
    values.set(name, element.slice(match[0].length));
  }
  for (const flag of REQUIRED_BARE) if (!bare.has(flag)) throw new Error(`${flag} is missing`);
  for (const [name, value] of Object.entries(FIXED_VALUES)) {
    if (values.get(name) !== value) throw new Error(`--${name} is not ${value}`);
  }
  return values;
}

/** What each varying flag must hold for this spec (undefined = absent). */
function expectedValues(spec: AgentLaunchSpec): Record<string, string | undefined> {
  const { config } = spec;
  return {
    'session-id': spec.resume ? undefined : spec.cliSessionId,
    resume: spec.resume ? spec.cliSessionId : undefined,
    'permission-mode': PERMISSION_FLAG[config.permissionMode ?? 'DEFAULT'],
    model: spec.model || undefined,
    allowedTools: config.allowedTools?.length ? config.allowedTools.join(',') : undefined,
    disallowedTools: config.disallowedTools?.length ? config.disallowedTools.join(',') : undefined,
    'append-system-prompt': config.systemPrompt || undefined,
    'max-turns': config.maxTurns ? String(config.maxTurns) : undefined,
    'max-budget-usd': config.maxBudgetUsd ? String(config.maxBudgetUsd) : undefined,
  };
}

const launchSpec: fc.Arbitrary<AgentLaunchSpec> = fc.record({
  binaryPath: fc.constant(BINARY),
  cliSessionId: fc.uuid(),
  resume: fc.boolean(),
  model: fc.option(hostile, { nil: null }),
  config: fc.record(
    {
      systemPrompt: hostile,
      allowedTools: fc.array(hostile, { maxLength: 4 }),
      disallowedTools: fc.array(hostile, { maxLength: 4 }),
      permissionMode: fc.constantFrom<PermissionMode>('DEFAULT', 'ACCEPT_EDITS', 'DONT_ASK', 'PLAN'),
      maxTurns: fc.integer({ min: 1, max: 1000 }),
      maxBudgetUsd: fc.double({ min: 0.0001, max: 10_000, noNaN: true }),
      workingDirectory: hostile,
    },
    { requiredKeys: ['workingDirectory'] },
  ) as fc.Arbitrary<AgentConfig>,
  environment: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostile, { maxKeys: 4 }),
  runTag: fc.uuid(),
  wrapperPrefix: fc.option(fc.constant(WRAPPER), { nil: undefined }),
});

// ------------------------------------------------------------------------------------------
// (c) The environment allowlist, restated from its documentation (server/config.ts)

const ALLOWED_NAMES = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ',
  'CLAUDE_CONFIG_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'API_TIMEOUT_MS', 'DISABLE_TELEMETRY', 'DISABLE_AUTOUPDATER',
  'DISABLE_ERROR_REPORTING', 'BASH_DEFAULT_TIMEOUT_MS', 'BASH_MAX_TIMEOUT_MS', 'BASH_MAX_OUTPUT_LENGTH',
]);
const ALLOWED_PREFIXES = ['ANTHROPIC_', 'CLAUDE_CODE_', 'AWS_', 'GOOGLE_', 'VERTEX_', 'CLOUD_ML_'];
const HEADLESS = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_CODE_STARTUP_FAILURE_RESULTS: '1',
};
/** Server secrets and loader hooks: none may ever reach an agent. */
const FORBIDDEN = [
  'DATABASE_URL', 'REDIS_URL', 'PGPASSWORD', 'DB_PASSWORD', 'ADMIN_PASSWORD', 'SMTP_PASSWORD', 'NODE_OPTIONS',
  'LD_PRELOAD', 'LD_LIBRARY_PATH', 'BASH_ENV', 'ENV', 'PYTHONPATH', 'NODE_PATH', 'GIT_SSH_COMMAND',
  'CLAUDE_CLI_PATH', 'CLAUDE_ALLOWED_MODELS', 'CLAUDE_MAX_AGENTS', 'WORKSPACE_ROOT', 'DATA_DIR', 'AGENT_RUN_TAG',
  'IS_SANDBOX', 'DEBUG', 'ALL_PROXY', 'path', 'Path', 'home', '__proto__', 'constructor',
];

function allowlisted(name: string): boolean {
  return ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

const envName = fc.oneof(
  fc.constantFrom(...FORBIDDEN),
  fc.constantFrom(...ALLOWED_NAMES),
  fc.tuple(fc.constantFrom(...ALLOWED_PREFIXES, 'CLAUDE_', 'ANTHROPIC', 'X_ANTHROPIC_', 'aws_', 'LD_', 'NODE_'), fc.stringMatching(/^[A-Z_]{0,12}$/)).map(([p, s]) => p + s),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}_PASSWORD$/),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
);

// ------------------------------------------------------------------------------------------

describe('ClaudeCodeAdapter.buildSpawn (a, c)', () => {
  const adapter = new ClaudeCodeAdapter();

  it('puts user text in argv only as the value of its own fixed --flag=value element', () => {
    fc.assert(
      fc.property(launchSpec, hostile, (spec, prompt) => {
        const command = adapter.buildSpawn(spec);
        let cliArgs = command.args;
        if (spec.wrapperPrefix) {
          expect(command.file).toBe(WRAPPER[0]);
          expect(cliArgs.slice(0, WRAPPER.length)).toEqual([...WRAPPER.slice(1), BINARY]);
          cliArgs = cliArgs.slice(WRAPPER.length);
        } else {
          expect(command.file).toBe(BINARY);
        }
        const values = templateValues(cliArgs);
        const expected = expectedValues(spec);
        for (const [name, value] of Object.entries(expected)) expect(values.get(name), `--${name}`).toBe(value);
        // Nothing else: every element is accounted for by the template.
        const present = Object.values(expected).filter((v) => v !== undefined).length + Object.keys(FIXED_VALUES).length;
        expect(values.size).toBe(present);
        // The prompt is not an input of buildSpawn at all; argv never carries it.
        const marker = `PROMPT-${spec.runTag}`;
        adapter.encodeTurn(`${marker}${prompt}`, 'turn-1');
        expect(command.args.some((element) => element.includes(marker))).toBe(false);
        // The working directory is the spawn's cwd, never an argument.
        expect(command.cwd).toBe(spec.config.workingDirectory);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the process only allowlisted variables, the fixed headless ones and AGENT_RUN_TAG', () => {
    fc.assert(
      fc.property(fc.dictionary(envName, hostile, { maxKeys: 25 }), fc.uuid(), (serverEnv, runTag) => {
        const env = adapter.buildSpawn({
          binaryPath: BINARY,
          cliSessionId: runTag,
          resume: false,
          model: null,
          config: { workingDirectory: '/w' },
          environment: agentEnvironmentFrom(serverEnv),
          runTag,
        }).env;
        for (const name of Object.keys(env)) {
          expect(allowlisted(name) || name in HEADLESS || name === 'AGENT_RUN_TAG', name).toBe(true);
          expect(FORBIDDEN.includes(name) && name !== 'AGENT_RUN_TAG', name).toBe(false);
        }
        // The fixed values cannot be overridden from the server's environment.
        expect(env).toMatchObject(HEADLESS);
        expect(env.AGENT_RUN_TAG).toBe(runTag);
        expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
      }),
      { numRuns: 300 },
    );
  });
});

describe('agentEnvironmentFrom (c)', () => {
  it('passes exactly the allowlisted variables, with their values, and nothing else', () => {
    fc.assert(
      fc.property(fc.dictionary(envName, fc.option(hostile, { nil: undefined }), { maxKeys: 30 }), (serverEnv) => {
        const picked = agentEnvironmentFrom(serverEnv);
        for (const name of Object.keys(picked)) {
          expect(allowlisted(name), `${name} is not allowlisted`).toBe(true);
          expect(Object.prototype.hasOwnProperty.call(serverEnv, name)).toBe(true);
          expect(picked[name]).toBe(serverEnv[name]);
        }
        for (const name of FORBIDDEN) expect(Object.prototype.hasOwnProperty.call(picked, name), name).toBe(false);
        // And nothing allowlisted is dropped (the agent needs its key, PATH and HOME).
        for (const [name, value] of Object.entries(serverEnv)) {
          if (value !== undefined && allowlisted(name)) expect(picked[name], name).toBe(value);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps server secrets out even when they are all set at once', () => {
    const serverEnv = Object.fromEntries([...FORBIDDEN, 'ANTHROPIC_API_KEY', 'PATH'].map((name) => [name, `value-of-${name}`]));
    expect(Object.keys(agentEnvironmentFrom(serverEnv)).sort()).toEqual(['ANTHROPIC_API_KEY', 'PATH']);
  });
});

describe('encodeTurn (b)', () => {
  const adapter = new ClaudeCodeAdapter();

  it('always yields one line that parses back to the same text', () => {
    fc.assert(
      fc.property(hostile, fc.uuid(), (text, turnId) => {
        const line = adapter.encodeTurn(text, turnId);
        // The supervisor appends the only newline; none may come from the text.
        expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
        const parsed = JSON.parse(line);
        expect(parsed).toEqual({
          type: 'user',
          session_id: '',
          parent_tool_use_id: null,
          uuid: turnId,
          message: { role: 'user', content: [{ type: 'text', text }] },
        });
        expect(parsed.message.content[0].text).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps an interrupt request on one line whatever its id', () => {
    fc.assert(
      fc.property(hostile, (requestId) => {
        const line = adapter.encodeInterrupt(requestId);
        expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
        expect(JSON.parse(line)).toEqual({ type: 'control_request', request_id: requestId, request: { subtype: 'interrupt' } });
      }),
      { numRuns: 200 },
    );
  });
});

// ------------------------------------------------------------------------------------------
// (d) Working-directory confinement

describe('resolveWorkingDirectory (d)', () => {
  let base: string;
  let root: string;
  let rootLink: string;
  let outside: string;

  beforeAll(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'spawn-safety-')));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    rootLink = path.join(base, 'root-link');
    await fs.mkdir(path.join(root, 'sub', 'deep'), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(root, 'file.txt'), 'not a directory');
    await fs.symlink(root, rootLink);
    // Links inside the root that lead out of it, absolute and relative, and dangling ones.
    await fs.symlink(outside, path.join(root, 'link-out'));
    await fs.symlink('..', path.join(root, 'link-up'));
    await fs.symlink('../../outside', path.join(root, 'sub', 'link-rel-out'));
    await fs.symlink('/', path.join(root, 'link-slash'));
    await fs.symlink(path.join(outside, 'ghost'), path.join(root, 'dangling-out'));
    await fs.symlink('../outside/ghost2/deeper', path.join(root, 'dangling-rel-out'));
    await fs.symlink('link-out', path.join(root, 'link-chain'));
    // Links that stay inside are fine.
    await fs.symlink('sub/deep', path.join(root, 'link-in'));
  });
  afterAll(async () => {
    if (base) await fs.rm(base, { recursive: true, force: true });
  });

  const segment = fc.oneof(
    fc.constantFrom('..', '.', '', 'a', 'b', 'sub', 'deep', 'file.txt', 'link-out', 'link-up', 'link-rel-out', 'link-slash',
      'dangling-out', 'dangling-rel-out', 'link-chain', 'link-in', 'outside', 'root', 'etc', 'ghost', '...', '-', '--add-dir=/', ' '),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map((s) => s.replaceAll('/', '_')),
    fc.constantFrom('a\0b', 'x'.repeat(300), 'new\nline', '$(id)', 'é'),
  );
  const requested = (): fc.Arbitrary<string> =>
    fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 7 }).map((parts) => parts.join('/')),
      fc.tuple(fc.constantFrom(() => root, () => rootLink, () => outside, () => base, () => '/', () => '/tmp', () => os.tmpdir()), fc.array(segment, { maxLength: 5 }))
        .map(([start, parts]) => path.join(start(), ...parts)),
      fc.constantFrom('/', '/etc', '..', '../outside', '../../..', 'x'.repeat(5000)),
    );

  async function entriesUnder(dir: string): Promise<string[]> {
    return (await fs.readdir(dir, { recursive: true })).map(String).sort();
  }

  it('returns a real directory inside the root or throws InvalidInputError, and creates nothing outside', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('root', 'root-link'), requested(), fc.constantFrom('workingDirectory', 'input.dir'), async (which, request, field) => {
        let result: string | undefined;
        try {
          result = await resolveWorkingDirectory(which === 'root' ? root : rootLink, request, field);
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(InvalidInputError);
          expect((error as InvalidInputError).field).toBe(field);
        }
        if (result !== undefined) {
          const relative = path.relative(root, result);
          expect(relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative)), `${result} is outside ${root}`).toBe(true);
          expect(await fs.realpath(result)).toBe(result);
          expect((await fs.stat(result)).isDirectory()).toBe(true);
        }
        expect(await entriesUnder(outside)).toEqual([]);
        expect((await fs.readdir(base)).sort()).toEqual(['outside', 'root', 'root-link']);
      }),
      { numRuns: 400 },
    );
  });

  it('still accepts plain and inside-pointing relative paths (the property above is not vacuous)', async () => {
    expect(await resolveWorkingDirectory(root, 'a/b/c', 'f')).toBe(path.join(root, 'a', 'b', 'c'));
    expect(await resolveWorkingDirectory(rootLink, 'link-in/x', 'f')).toBe(path.join(root, 'sub', 'deep', 'x'));
    expect(await resolveWorkingDirectory(root, path.join(root, 'sub'), 'f')).toBe(path.join(root, 'sub'));
    for (const escape of ['link-out', 'link-out/new', 'link-up/outside', 'sub/link-rel-out', 'dangling-out', 'dangling-rel-out/x', 'link-chain/y', '../outside', outside]) {
      await expect(resolveWorkingDirectory(root, escape, 'f'), escape).rejects.toBeInstanceOf(InvalidInputError);
    }
    expect(await entriesUnder(outside)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------
// (e) Model allowlist

describe('modelAllowed (e)', () => {
  const entry = fc.oneof(
    fc.constantFrom('sonnet', 'opus', 'haiku', 'fable', 'opusplan', 'claude-*', 'claude-sonnet-4-5', 'my-proxy/*'),
    fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}\*?$/),
  );

  /** Variations near an entry: exact, case, padding, hostile suffixes and prefixes. */
  function candidates(list: string[]): fc.Arbitrary<string> {
    const base = fc.constantFrom(...list.map((e) => (e.endsWith('*') ? e.slice(0, -1) : e)));
    return fc.oneof(
      base,
      base.map((m) => m.toUpperCase()),
      fc.tuple(base, hostile).map(([m, s]) => m + s),
      fc.tuple(hostile, base).map(([p, m]) => p + m),
      fc.tuple(fc.constantFrom(' ', '\n', '\t', '-', '--model='), base).map(([p, m]) => p + m),
      fc.tuple(base, fc.constantFrom(' ', '\n', '\0', ' --dangerously-skip-permissions')).map(([m, s]) => m + s),
      hostile,
    );
  }

  it('accepts a model only when an entry names it exactly or, ending in *, as a prefix', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 6 }).chain((list) => fc.tuple(fc.constant(list), candidates(list))),
        ([list, model]) => {
          // Through the configuration, as the server reads CLAUDE_ALLOWED_MODELS.
          const allowed = loadConfig({ CLAUDE_ALLOWED_MODELS: list.join(' , ') }).claude.allowedModels;
          expect(allowed).toEqual(list);
          const matches = list.some((e) => model === e || (e.endsWith('*') && model.startsWith(e.slice(0, -1))));
          expect(modelAllowed(model, allowed), JSON.stringify({ list, model })).toBe(matches);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('with the default allowlist, accepts only the aliases and claude-* names', () => {
    const defaults = loadConfig({}).claude.allowedModels;
    fc.assert(
      fc.property(candidates(['sonnet', 'opus', 'haiku', 'fable', 'opusplan', 'claude-*']), (model) => {
        const expected = ['sonnet', 'opus', 'haiku', 'fable', 'opusplan'].includes(model) || model.startsWith('claude-');
        expect(modelAllowed(model, defaults), JSON.stringify(model)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
    expect(modelAllowed('sonnet\n', defaults)).toBe(false);
    expect(modelAllowed(' sonnet', defaults)).toBe(false);
    expect(modelAllowed('--dangerously-skip-permissions', defaults)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------
// createAgent through the API

const CREATE = /* GraphQL */ `
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      __typename
      ... on CreateAgentSuccess { agent { id name model allowedTools disallowedTools systemPrompt cliSessionId status } }
      ... on Error { code message }
      ... on InvalidInputError { field }
    }
  }
`;
const AGENT_CONFIG = /* GraphQL */ `
  query Agent($id: ID!) {
    agent(id: $id) { __typename ... on Agent { name model allowedTools disallowedTools systemPrompt } }
  }
`;
const SESSION_AGENTS = /* GraphQL */ `
  query Session($id: ID!) { session(id: $id) { __typename ... on Session { agents { id } } } }
`;

type Verdict = 'good' | 'bad' | 'any';
interface Tagged {
  value: string;
  verdict: Verdict;
}
const tag = (verdict: Verdict) => (value: string): Tagged => ({ value, verdict });

const plainName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,40}$/);
// Blanks around a name are trimmed away; what is left must still be a valid name.
const goodName = fc.oneof(plainName, fc.tuple(fc.constantFrom(' ', '\t', '\n '), plainName, fc.constantFrom('', ' ', '\n')).map(([a, b, c]) => a + b + c));
const badName = fc.oneof(
  fc.tuple(fc.constantFrom('-', '--', '--dangerously-skip-permissions', '.', ' -'), fc.string()).map(([a, b]) => a + b),
  fc.tuple(plainName, fc.constantFrom('\n', '\0', '\r', '"', "'", '`', '$(id)', ';', '|', '&', 'é', '😀', '/', '\\', '\u2028', ',', '(', '\ud800'), plainName)
    .map(([a, b, c]) => `${a}${b}${c}`),
  fc.constantFrom('', '   ', '\n', 'x'.repeat(101)),
);
const goodModel = fc.oneof(
  fc.constantFrom('sonnet', 'opus', 'haiku', 'fable', 'opusplan', 'claude-sonnet-4-5', 'claude-opus-5-5[1m]'),
  fc.stringMatching(/^claude-[\w.:-]{0,30}$/),
  // Leading and trailing blanks are trimmed, then the name must still be allowed.
  fc.constantFrom(' sonnet', 'opus\t'),
);
const badModel = fc.oneof(
  fc.constantFrom('-p', '--dangerously-skip-permissions', '--model=opus', 'sonnet\n--verbose', 'sonnet\0', 'sonnet;id', 'sonnet opus',
    'gpt-4o', 'Sonnet', 'claude', 'claude_', 'claude-$(id)', 'claude-é', 'claude-\ud800', `claude-${'x'.repeat(100)}`, '', ' '),
  // (A leading newline or blank would be trimmed away, so only characters that survive the trim.)
  fc.tuple(fc.constantFrom('-', '--', '$', '"', ' -'), fc.string()).map(([a, b]) => a + b),
);
const printableNoParens = fc.string({ unit: fc.constantFrom(...' !"#$%&\'*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'), maxLength: 30 });
const goodTool = fc.oneof(
  fc.constantFrom('Read', 'Edit', 'Bash', 'Bash(git diff:*)', 'Bash(npm test:*)', 'mcp__server__tool', 'WebFetch(domain:example.com)'),
  fc.tuple(fc.stringMatching(/^[A-Za-z_][\w.*-]{0,15}$/), fc.option(printableNoParens, { nil: undefined }))
    .map(([tool, pattern]) => (pattern === undefined ? tool : `${tool}(${pattern})`)),
);
const badTool = fc.oneof(
  fc.constantFrom('-x', '--add-dir=/', '--dangerously-skip-permissions', 'Read,Write', 'Read Write', 'Bash(', 'Bash)', 'Bash(a)(b)',
    'Bash(a\nb)', 'Bash(\0)', 'Bash(\ud800)', '', ' ', '\n', '$(id)', 'Bash(ls);rm', '1Bash', 'Bash\n--verbose', `Bash(${'x'.repeat(200)})`),
  fc.tuple(fc.constantFrom('-', '--', '(', '"', ','), fc.string()).map(([a, b]) => a + b),
);
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const goodPrompt = hostile.filter((s) => !UNSTORABLE.test(s) && s.length <= 50_000 && Buffer.byteLength(s) <= 100_000);
const badPrompt = fc.oneof(
  fc.tuple(hostile, fc.constantFrom('\0', '\ud800', '\udc00'), hostile).map(([a, b, c]) => a + b + c),
  // Over 50000 characters, or within them but over 100000 bytes: one argv element holds at most 128 KiB.
  fc.constantFrom('x'.repeat(50_001), '日本語'.repeat(16_000), '\u2028'.repeat(40_000)),
);

type Mode = 'good' | 'hostile' | 'mixed';

/** good: a valid value; hostile: a known-bad one or any hostile string; mixed: either. */
function field(mode: Mode, good: fc.Arbitrary<string>, bad: fc.Arbitrary<string>): fc.Arbitrary<Tagged> {
  const hostileTagged = fc.oneof(bad.map(tag('bad')), hostile.map(tag('any')));
  if (mode === 'good') return good.map(tag('good'));
  if (mode === 'hostile') return hostileTagged;
  return fc.oneof({ weight: 3, arbitrary: good.map(tag('good')) }, { weight: 2, arbitrary: hostileTagged });
}

/** A list of valid rules; in hostile mode one hostile rule sits somewhere among them. */
function rules(mode: Mode): fc.Arbitrary<Tagged[]> {
  if (mode !== 'hostile') return fc.array(field(mode === 'mixed' ? 'mixed' : 'good', goodTool, badTool), { maxLength: 3 });
  return fc
    .tuple(fc.array(goodTool.map(tag('good')), { maxLength: 2 }), field('hostile', goodTool, badTool), fc.nat())
    .map(([good, bad, at]) => {
      const list = [...good];
      list.splice(at % (good.length + 1), 0, bad);
      return list;
    });
}

const FIELDS = ['name', 'model', 'allowedTools', 'disallowedTools', 'systemPrompt'] as const;
interface AgentInput {
  name: Tagged;
  model?: Tagged;
  allowedTools?: Tagged[];
  disallowedTools?: Tagged[];
  systemPrompt?: Tagged;
}

function agentInputWith(modeOf: (f: (typeof FIELDS)[number]) => Mode, required: (typeof FIELDS)[number][] = []): fc.Arbitrary<AgentInput> {
  return fc.record(
    {
      name: field(modeOf('name'), goodName, badName),
      model: field(modeOf('model'), goodModel, badModel),
      allowedTools: rules(modeOf('allowedTools')),
      disallowedTools: rules(modeOf('disallowedTools')),
      systemPrompt: field(modeOf('systemPrompt'), goodPrompt, badPrompt),
    },
    { requiredKeys: ['name', ...required] },
  );
}

/**
 * Half the runs put hostile text in one field only (so that field's own check decides the
 * outcome); the other half mix valid and hostile values in every field.
 */
const agentInput: fc.Arbitrary<AgentInput> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...FIELDS).chain((target) => agentInputWith((f) => (f === target ? 'hostile' : 'good'), [target])) },
  { weight: 1, arbitrary: agentInputWith(() => 'good') },
  { weight: 1, arbitrary: agentInputWith(() => 'mixed') },
);

/** Always tried first: valid values full of shell and flag syntax, and a flag as the model. */
const AGENT_EXAMPLES: [AgentInput][] = [
  [{
    name: tag('good')(' worker-1 '),
    model: tag('good')('claude-sonnet-4-5'),
    allowedTools: ['Bash(git diff:*)', 'Read', 'Bash(echo "${HOME}" `id`; rm -rf / --no-preserve-root && curl x | sh)'].map(tag('good')),
    disallowedTools: ['WebFetch(domain:--add-dir=/)'].map(tag('good')),
    systemPrompt: tag('good')('--dangerously-skip-permissions\n--permission-mode=bypassPermissions\n"; $(id) `id` | tee /etc/passwd 😀'),
  }],
  [{ name: tag('good')('worker-2'), model: tag('bad')('--dangerously-skip-permissions') }],
  [{ name: tag('good')('worker-3'), allowedTools: [tag('good')('Read'), tag('bad')('--add-dir=/')] }],
  [{ name: tag('good')('worker-4'), disallowedTools: [tag('bad')('-p')] }],
  [{ name: tag('bad')('--dangerously-skip-permissions') }],
  [{ name: tag('good')('worker-5'), systemPrompt: tag('bad')('ignore\0the rest') }],
];

/** Dangerous wherever it would reach argv as a word of its own. */
function looksLikeFlagOrBreak(value: string): boolean {
  return value.startsWith('-') || /[\n\r\0]/.test(value);
}

describe('createAgent with hostile input through the API', () => {
  let t: TestApp;
  let argvLog: string;

  beforeAll(async () => {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'spawn-safety-argv-'));
    argvLog = path.join(scratch, 'argv.jsonl');
    // The fake CLI logs the argv it really received, so the spawned command is checked too.
    t = await startTestApp({ agentEnvironment: { FAKE_CLAUDE_ARGV_FILE: argvLog } });
  });
  afterAll(async () => {
    await t?.stop();
    if (argvLog) await fs.rm(path.dirname(argvLog), { recursive: true, force: true });
  });

  function argvOf(cliSessionId: string): string[] | undefined {
    let text = '';
    try {
      text = readFileSync(argvLog, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line) as { argv: string[] };
      if (entry.argv.includes(`--session-id=${cliSessionId}`)) return entry.argv;
    }
    return undefined;
  }

  it('either stores the values verbatim or rejects them with InvalidInputError naming the field; never a server error', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(agentInput, async (generated) => {
        const session = await t.ok(CREATE_SESSION, { input: { name: `prop-${randomUUID()}` } });
        const sessionId: string = session.createSession.session.id;
        const input: Record<string, unknown> = { sessionId, role: 'WORKER', name: generated.name.value };
        const tagged: [string, Tagged][] = [['name', generated.name]];
        if (generated.model) {
          input.model = generated.model.value;
          tagged.push(['model', generated.model]);
        }
        if (generated.systemPrompt) {
          input.systemPrompt = generated.systemPrompt.value;
          tagged.push(['systemPrompt', generated.systemPrompt]);
        }
        for (const key of ['allowedTools', 'disallowedTools'] as const) {
          const rules = generated[key];
          if (!rules) continue;
          input[key] = rules.map((r) => r.value);
          rules.forEach((rule, index) => tagged.push([`${key}.${index}`, rule]));
        }

        const response = await t.gql(CREATE, { input });
        expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
        const result = response.data?.createAgent;
        expect(['CreateAgentSuccess', 'InvalidInputError']).toContain(result?.__typename);

        if (tagged.every(([, v]) => v.verdict === 'good')) expect(result.__typename, JSON.stringify(result)).toBe('CreateAgentSuccess');
        if (tagged.some(([, v]) => v.verdict === 'bad')) expect(result.__typename, JSON.stringify(input).slice(0, 500)).toBe('InvalidInputError');

        if (result.__typename === 'InvalidInputError') {
          rejected += 1;
          const suspects = tagged.filter(([, v]) => v.verdict !== 'good').map(([name]) => name);
          expect(suspects, `${result.field}: ${result.message}`).toContain(result.field);
          expect(result.code).toBe('INVALID_INPUT');
          expect(result.message.startsWith(`${result.field}: `)).toBe(true);
          // Nothing was written.
          const agents = await t.ok(SESSION_AGENTS, { id: sessionId });
          expect(agents.session.agents).toEqual([]);
          return;
        }

        accepted += 1;
        const agent = result.agent;
        try {
          const expected = {
            name: generated.name.value.trim(),
            model: generated.model ? generated.model.value.trim() : null,
            allowedTools: (generated.allowedTools ?? []).map((r) => r.value.trim()),
            disallowedTools: (generated.disallowedTools ?? []).map((r) => r.value.trim()),
            systemPrompt: generated.systemPrompt ? generated.systemPrompt.value : null,
          };
          expect(agent).toMatchObject(expected);
          // Read back from the database, not only echoed by the mutation.
          const stored = await t.ok(AGENT_CONFIG, { id: agent.id });
          expect(stored.agent).toEqual({ __typename: 'Agent', ...expected });
          // What was accepted can never act as a flag or break a line.
          for (const value of [expected.name, expected.model ?? '', ...expected.allowedTools, ...expected.disallowedTools]) {
            expect(looksLikeFlagOrBreak(value), JSON.stringify(value)).toBe(false);
          }
          if (expected.model) expect(modelAllowed(expected.model, loadConfig({}).claude.allowedModels)).toBe(true);

          // The argv the process really received is the template, with the stored values.
          const argv = await waitFor(async () => argvOf(agent.cliSessionId), 10_000, 'the fake CLI to log its argv');
          const values = templateValues(argv);
          expect(values.get('model')).toBe(expected.model ?? undefined);
          expect(values.get('append-system-prompt')).toBe(expected.systemPrompt || undefined);
          expect(values.get('allowedTools')).toBe(expected.allowedTools.length ? expected.allowedTools.join(',') : undefined);
          expect(values.get('disallowedTools')).toBe(expected.disallowedTools.length ? expected.disallowedTools.join(',') : undefined);
        } finally {
          const terminated = await t.ok(TERMINATE_AGENT, { id: agent.id });
          expect(terminated.terminateAgent.agent.status).toBe('TERMINATED');
        }
      }),
      { numRuns: 30, examples: AGENT_EXAMPLES },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  }, 180_000);

  it('rejects NUL characters and unpaired surrogates (which the database cannot store) as invalid input', async () => {
    const session = await t.ok(CREATE_SESSION, { input: { name: 'unstorable' } });
    const sessionId: string = session.createSession.session.id;
    const cases: [Record<string, unknown>, string][] = [
      [{ systemPrompt: 'be\0good' }, 'systemPrompt'],
      [{ systemPrompt: 'half \ud800 pair' }, 'systemPrompt'],
      [{ allowedTools: ['Read', 'Bash(\0)'] }, 'allowedTools.1'],
      [{ disallowedTools: ['Bash(\udc00)'] }, 'disallowedTools.0'],
    ];
    for (const [extra, fieldName] of cases) {
      const response = await t.gql(CREATE, { input: { sessionId, role: 'WORKER', name: 'nul', ...extra } });
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      expect(response.data.createAgent).toMatchObject({ __typename: 'InvalidInputError', field: fieldName });
    }
    // 48000 characters, but 144 KB as UTF-8: more than one argv element can hold (E2BIG).
    const huge = await t.gql(CREATE, { input: { sessionId, role: 'WORKER', name: 'huge', systemPrompt: '日本語'.repeat(16_000) } });
    expect(huge.data.createAgent).toMatchObject({ __typename: 'InvalidInputError', field: 'systemPrompt' });
    // A well-formed pair is fine and round-trips.
    const ok = await t.gql(CREATE, { input: { sessionId, role: 'WORKER', name: 'emoji', systemPrompt: 'be 😀' } });
    expect(ok.data.createAgent).toMatchObject({ __typename: 'CreateAgentSuccess', agent: { systemPrompt: 'be 😀' } });
    await t.ok(TERMINATE_AGENT, { id: ok.data.createAgent.agent.id });
  });
});

describe('a spawn the kernel refuses', () => {
  it('rejects start() with the error code instead of hanging (E2BIG: one argument over 128 KiB)', async () => {
    const cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'spawn-safety-e2big-'));
    try {
      const adapter = new ClaudeCodeAdapter();
      const command = adapter.buildSpawn({
        binaryPath: '/bin/true',
        cliSessionId: randomUUID(),
        resume: false,
        model: null,
        config: { workingDirectory: cwd, systemPrompt: '日本語'.repeat(16_000) },
        environment: { PATH: '/usr/bin:/bin' },
        runTag: randomUUID(),
      });
      let exits = 0;
      const agentProcess = new AgentProcess(command, adapter.createLineParser(), { onEvent: () => {}, onExit: () => void (exits += 1) }, pino({ level: 'silent' }), {
        maxLineBytes: 1024 * 1024,
        tag: randomUUID(),
      });
      const outcome = await Promise.race([
        agentProcess.start().then(() => 'started', (error: unknown) => error),
        new Promise((resolve) => setTimeout(() => resolve('still pending after 5 s'), 5_000)),
      ]);
      expect(outcome).toMatchObject({ code: 'E2BIG' });
      expect(String((outcome as Error).message).length).toBeLessThan(200);
      expect(exits).toBe(0);
      expect(agentProcess.alive).toBe(false);
    } finally {
      await fs.rm(cwd, { recursive: true, force: true });
    }
  });
});
