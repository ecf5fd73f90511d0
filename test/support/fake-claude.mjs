#!/usr/bin/env node
// Test double for the Claude Code CLI 2.1.332 in headless mode (`-p`, stream-json in/out).
// Line shapes, key sets, error texts and exit codes copy real transcripts of 2.1.332, because the
// server parses these lines exactly as it parses the real CLI's. Behaviour is chosen by keywords in
// the prompt text (see SCENARIOS below). Node built-ins only, so it starts fast.
//
// Environment knobs (all optional):
//   FAKE_CLAUDE_ARGV_FILE            append {argv, cwd, env, pid} as one JSON line at start
//   FAKE_CLAUDE_NOKEY_EXIT=1         without credentials, exit 1 right after the first not-logged-in
//                                    result (as in single-prompt mode) instead of serving more turns
//                                    and exiting 1 at EOF (what 2.1.332 does with stream-json input)
//   FAKE_CLAUDE_RESUME_MISSING=1     --resume behaves as if no transcript exists (real error + exit 1)
//   FAKE_CLAUDE_STEP_MS              delay between output lines of a turn (default 5 ms)
//
// SCENARIOS (keywords in the user prompt; several combine):
//   (none) "Hello! You said: <prompt>"      USE_TOOL  Bash echo round trip
//   THINK  thinking block first             FAIL_API  2 x api_retry 500, synthetic API error
//   MAX_TURNS  tool rounds until --max-turns (default 2), error_max_turns
//   DENIED  permission_denied tool round    SLEEP <ms> slow streamed answer (interruptible)
//   HANG   never answers, ignores interrupt/SIGINT/EOF   CRASH  init + one line, stderr, exit 3
//   IGNORE_SIGTERM  SIGTERM ignored         GRANDCHILD  spawns sleepers, reports {"pids":[..]}
//   FLOOD <n>  n ~1 KB text lines           MALFORMED  non-JSON and blank lines on stdout
//   STDERR_NOISE  ~80 KB on stderr          PLAN  fenced ```json plan block
//   NO_INTERRUPT  the turn ignores interrupt requests; SIGINT still ends it (result, then exit 0)
//   GATED  fails as FAIL_API until the file named by FAKE_CLAUDE_GATE exists
//   FAIL_400  the API rejects the request (400 invalid_request_error): no retries, as the real CLI
//   ```fake-plan ... ```  fenced blocks in a prompt are answers the process gives, one per turn
//          and in order from that turn on, as a ```json block (a manager's scripted plans, valid
//          or not); kept in memory, so a new process starts with none
//   STREAM [<per second> [<seconds>]]  one assistant text line per tick at that rate (default
//          20/s for 10 s) on a fixed schedule, then a success result; interruptible (benchmarks).
//          Each text starts `Stream line <i> of <n> at <Date.now() when written>: `
//   DEAF   the turn ignores interrupt requests and SIGINT but keeps working (a runaway turn)
//   BIGLINE <bytes>  one JSON-looking stdout line of exactly that many bytes (default 10 MB),
//          its newline only at the end, then the normal answer
//   MEMORY_HOG <mb>  allocates and touches that many MB (default 200), keeps them, then sleeps
//          (SLEEP <ms>, default 60 s; interruptible)

import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';

const VERSION = '2.1.332';
const argv = process.argv.slice(2);
const env = process.env;

// ---------------------------------------------------------------------------------------------
// argv log first, so tests can inspect even the runs that fail flag validation.
if (env.FAKE_CLAUDE_ARGV_FILE) {
  const picked = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^(ANTHROPIC_|CLAUDE_|FAKE_CLAUDE_|DISABLE_)/.test(k) ||
        ['HOME', 'NODE_OPTIONS', 'IS_SANDBOX', 'DEBUG'].includes(k)) picked[k] = v;
  }
  try {
    appendFileSync(env.FAKE_CLAUDE_ARGV_FILE,
      JSON.stringify({ argv, cwd: process.cwd(), env: picked, pid: process.pid }) + '\n');
  } catch { /* a missing log dir must not change the CLI's behaviour */ }
}

// ---------------------------------------------------------------------------------------------
// Flag parsing. Mirrors commander as used by the real CLI: `--flag value` and `--flag=value`;
// variadic options keep eating following non-dash words (the real "prompt swallowed" pitfall);
// `=` form takes exactly one value.
const SPECS = [
  // [aliases, kind, key, label, extra]   kind: bool | value | optional | variadic
  [['-p', '--print'], 'bool', 'print'],
  [['--input-format'], 'value', 'inputFormat', '<format>', { choices: ['text', 'stream-json'] }],
  [['--output-format'], 'value', 'outputFormat', '<format>', { choices: ['text', 'json', 'stream-json'] }],
  [['--verbose'], 'bool', 'verbose'],
  [['--session-id'], 'value', 'sessionId', '<uuid>'],
  [['-r', '--resume'], 'optional', 'resume', '[value]'],
  [['-c', '--continue'], 'bool', 'continue'],
  [['--fork-session'], 'bool', 'forkSession'],
  [['--resume-session-at'], 'value', 'resumeSessionAt', '<message id>'],
  [['--model'], 'value', 'model', '<model>'],
  [['--fallback-model'], 'value', 'fallbackModel', '<model>'],
  [['--effort'], 'value', 'effort', '<level>', { choices: ['low', 'medium', 'high', 'xhigh', 'max'] }],
  [['--permission-mode'], 'value', 'permissionMode', '<mode>',
    { choices: ['acceptEdits', 'auto', 'bypassPermissions', 'manual', 'dontAsk', 'plan'] }],
  [['--permission-prompts'], 'value', 'permissionPrompts', '<target>', { choices: ['host', 'none'] }],
  [['--permission-prompt-tool'], 'value', 'permissionPromptTool', '<tool>'],
  [['--allowedTools', '--allowed-tools'], 'variadic', 'allowedTools', '<tools...>'],
  [['--disallowedTools', '--disallowed-tools'], 'variadic', 'disallowedTools', '<tools...>'],
  [['--tools'], 'variadic', 'tools', '<tools...>'],
  [['--append-system-prompt'], 'value', 'appendSystemPrompt', '<prompt>'],
  [['--append-system-prompt-file'], 'value', 'appendSystemPromptFile', '<file>'],
  [['--system-prompt'], 'value', 'systemPrompt', '<prompt>'],
  [['--system-prompt-file'], 'value', 'systemPromptFile', '<file>'],
  [['--system-prompt-snapshot'], 'value', 'systemPromptSnapshot', '<on|off>', { choices: ['on', 'off'] }],
  [['--max-turns'], 'value', 'maxTurns', '<turns>', { number: 'turns' }],
  [['--max-budget-usd'], 'value', 'maxBudgetUsd', '<amount>', { number: 'budget' }],
  [['--task-budget'], 'value', 'taskBudget', '<tokens>'],
  [['--include-partial-messages'], 'bool', 'includePartialMessages'],
  [['--include-hook-events'], 'bool', 'includeHookEvents'],
  [['--replay-user-messages'], 'bool', 'replayUserMessages'],
  [['--forward-subagent-text'], 'bool', 'forwardSubagentText'],
  [['--strict-mcp-config'], 'bool', 'strictMcpConfig'],
  [['--mcp-config'], 'variadic', 'mcpConfig', '<configs...>'],
  [['--add-dir'], 'variadic', 'addDir', '<directories...>'],
  [['--betas'], 'variadic', 'betas', '<betas...>'],
  [['--file'], 'variadic', 'file', '<specs...>'],
  [['--plugin-dir'], 'value', 'pluginDir', '<path>'],
  [['--settings'], 'value', 'settings', '<file-or-json>'],
  [['--setting-sources'], 'value', 'settingSources', '<sources>'],
  [['--json-schema'], 'value', 'jsonSchema', '<schema>'],
  [['--agent'], 'value', 'agent', '<agent>'],
  [['--agents'], 'value', 'agents', '<json-or-file>'],
  [['-n', '--name'], 'value', 'name', '<name>'],
  [['--thinking'], 'value', 'thinking', '<mode>'],
  [['--max-thinking-tokens'], 'value', 'maxThinkingTokens', '<tokens>'],
  [['--no-session-persistence'], 'bool', 'noSessionPersistence'],
  [['--dangerously-skip-permissions'], 'bool', 'dangerouslySkipPermissions'],
  [['--allow-dangerously-skip-permissions'], 'bool', 'allowDangerouslySkipPermissions'],
  [['--bare'], 'bool', 'bare'],
  [['--safe-mode'], 'bool', 'safeMode'],
  [['--restricted'], 'bool', 'restricted'],
  [['--disable-slash-commands'], 'bool', 'disableSlashCommands'],
  [['--exclude-dynamic-system-prompt-sections'], 'bool', 'excludeDynamicSections'],
  [['--await-initialize'], 'bool', 'awaitInitialize'],
  [['-d', '--debug'], 'optional', 'debug', '[filter]'],
  [['--debug-file'], 'value', 'debugFile', '<path>'],
  [['-v', '--version'], 'bool', 'version'],
  [['-h', '--help'], 'bool', 'help'],
];
const BY_NAME = new Map();
for (const s of SPECS) for (const a of s[0]) BY_NAME.set(a, s);

function die(msg, code = 1) {
  process.stderr.write(msg + '\n');
  process.exit(code);
}

function parseArgs(args) {
  const opts = {};
  const positional = [];
  const set = (spec, value) => {
    const [aliases, kind, key, label, extra = {}] = spec;
    const flagName = aliases[aliases.length - 1];
    if (extra.choices && !extra.choices.includes(value)) {
      die(`error: option '${flagName} ${label}' argument '${value}' is invalid. Allowed choices are ${extra.choices.join(', ')}.`);
    }
    if (extra.number) {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) {
        die(extra.number === 'budget'
          ? `error: option '${flagName} ${label}' argument '${value}' is invalid. --max-budget-usd must be a number greater than 0`
          : `error: option '${flagName} ${label}' argument '${value}' is invalid. must be a number`);
      }
      if (extra.number === 'budget' && n <= 0) {
        die(`error: option '${flagName} ${label}' argument '${value}' is invalid. --max-budget-usd must be a number greater than 0`);
      }
      value = n;
    }
    if (kind === 'variadic') (opts[key] ??= []).push(value);
    else opts[key] = value;
  };
  let variadic = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') { positional.push(...args.slice(i + 1)); break; }
    const looksLikeOption = arg.length > 1 && arg.startsWith('-');
    if (variadic && !looksLikeOption) { set(variadic, arg); continue; }
    variadic = null;
    if (!looksLikeOption) { positional.push(arg); continue; }
    let spec = BY_NAME.get(arg);
    if (spec) {
      const [aliases, kind, key, label] = spec;
      if (key === 'version') { process.stdout.write(`${VERSION} (Claude Code)\n`); process.exit(0); }
      if (kind === 'bool') { opts[key] = true; continue; }
      if (kind === 'optional') {
        const next = args[i + 1];
        if (next !== undefined && !(next.length > 1 && next.startsWith('-'))) { opts[key] = next; i++; }
        else opts[key] = true;
        continue;
      }
      const next = args[i + 1];
      if (next === undefined) die(`error: option '${aliases[aliases.length - 1]} ${label}' argument missing`);
      i++;
      set(spec, next);
      if (kind === 'variadic') variadic = spec;
      continue;
    }
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 2) {
      spec = BY_NAME.get(arg.slice(0, eq));
      if (spec && spec[1] !== 'bool') { set(spec, arg.slice(eq + 1)); continue; }
    }
    die(`error: unknown option '${arg}'`);
  }
  return { opts, positional };
}

const { opts, positional } = parseArgs(argv);

if (opts.help) {
  process.stdout.write('Usage: claude [options] [command] [prompt]\n\nClaude Code - starts an interactive session by default, use -p/--print for\nnon-interactive output\n');
  process.exit(0);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const inputFormat = opts.inputFormat ?? 'text';
const outputFormat = opts.outputFormat ?? 'text';
const streamIn = inputFormat === 'stream-json';
const streamOut = outputFormat === 'stream-json';

if (opts.sessionId !== undefined && !UUID_RE.test(opts.sessionId)) die('Error: Invalid session ID. Must be a valid UUID.');
if (opts.sessionId !== undefined && (opts.resume !== undefined || opts.continue) && !opts.forkSession) {
  die('Error: --session-id with --continue or --resume also needs --fork-session.');
}
if (streamIn && !streamOut) die('Error: --input-format=stream-json requires output-format=stream-json.');
if (streamOut && !opts.verbose) die('Error: When using --print, --output-format=stream-json requires --verbose');

// ---------------------------------------------------------------------------------------------
// Session-wide state.
const MODEL_ALIASES = { opus: 'claude-opus-5-5', sonnet: 'claude-sonnet-5-5', haiku: 'claude-haiku-5-5', fable: 'claude-fable-5-2' };
const requestedModel = opts.model ?? env.ANTHROPIC_MODEL ?? 'claude-opus-5-5';
const MODEL = MODEL_ALIASES[requestedModel] ?? requestedModel;

let permissionMode = opts.permissionMode ?? 'default';
if (permissionMode === 'manual') permissionMode = 'default';
if (opts.dangerouslySkipPermissions) permissionMode = 'bypassPermissions';

const resumeId = typeof opts.resume === 'string' ? opts.resume : null;
const SESSION_ID = opts.sessionId ?? (resumeId && !opts.forkSession ? resumeId : randomUUID());

const nonEmpty = (k) => typeof env[k] === 'string' && env[k] !== '';
// --bare reads only ANTHROPIC_API_KEY; tokens still authenticate but init reports "none" (observed).
const HAS_AUTH = opts.bare ? nonEmpty('ANTHROPIC_API_KEY')
  : ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'].some(nonEmpty);
const API_KEY_SOURCE = nonEmpty('ANTHROPIC_API_KEY') ? 'ANTHROPIC_API_KEY' : 'none';
const STEP_MS = Number(env.FAKE_CLAUDE_STEP_MS ?? 5);
const PARTIAL = !!opts.includePartialMessages && streamOut;

const ZERO_USAGE = () => ({
  output_tokens_details: { thinking_tokens: 0 }, input_tokens: 0, cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0, output_tokens: 0, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
  service_tier: 'standard', cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
  inference_geo: '', iterations: [], speed: 'standard', fallback_credit: null,
});
const SUBAGENT_STATS = () => ({
  spawned: 0, requested: { background: 0, foreground: 0, unset: 0 }, started_in_background: 0, max_depth: 0,
  spawned_by_subagents: 0, completed: 0, failed: 0, killed: { parent: 0, user: 0, system: 0 },
  refused: { depth_limit: 0, concurrency_limit: 0, budget: 0 }, by_type: {},
});

// Per-token prices that reproduce the CLI's own numbers in the transcripts
// (12 in / 17 out / 9000 cache read / 1200 cache write -> $0.008188).
const PRICE = { in: 4e-6, out: 2e-5, cacheRead: 4e-7, cacheWrite: 3.5e-6 };
const cumulative = { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0, costUSD: 0 };
let totalCostUsd = 0;
let resultIndex = 0;
let lastResultIsError = false;
let idCounter = 0;
/** Answers scripted by ```fake-plan blocks, given one per turn in order. */
const scriptedAnswers = [];

function modelUsageEntry(u) {
  return {
    inputTokens: u.inputTokens, outputTokens: u.outputTokens, cacheReadInputTokens: u.cacheReadInputTokens,
    cacheCreationInputTokens: u.cacheCreationInputTokens, webSearchRequests: 0, costUSD: u.costUSD,
    contextWindow: 1000000, maxOutputTokens: 128000, thinkingTokens: 0, cacheCreationEphemeral5mInputTokens: 0,
    cacheCreationEphemeral1hInputTokens: 0, canonicalModel: MODEL, provider: 'firstParty', costBasis: 'list',
  };
}

// ---------------------------------------------------------------------------------------------
// Output. Each line is exactly one process.stdout.write.
let stdoutBroken = false;
process.stdout.on('error', () => { stdoutBroken = true; });
process.stderr.on('error', () => {});
let exiting = false;

function writeRaw(s) {
  if (stdoutBroken) return true;
  return process.stdout.write(s);
}
function emit(obj) {
  if (!streamOut) return true;
  return writeRaw(JSON.stringify(obj) + '\n');
}
function waitDrain(stream) {
  return new Promise((resolve) => {
    const done = () => { stream.off('drain', done); stream.off('error', done); stream.off('close', done); resolve(); };
    stream.on('drain', done); stream.on('error', done); stream.on('close', done);
  });
}
// Exit only after everything written so far has reached the pipe (write callbacks run in order).
function flushThenExit(code) {
  exiting = true;
  let pending = 2;
  const done = () => { if (--pending === 0) process.exit(code); };
  if (stdoutBroken) done(); else process.stdout.write('', done);
  process.stderr.write('', done);
}
const now = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// Startup failures that the real CLI reports before reading any input.
function startupFailureResult(errors, extra = {}) {
  return {
    type: 'result', subtype: 'error_during_execution', duration_ms: 0, duration_api_ms: 0, is_error: true,
    num_turns: 0, stop_reason: null, session_id: SESSION_ID, total_cost_usd: 0, usage: ZERO_USAGE(),
    modelUsage: {}, permission_denials: [], uuid: randomUUID(), errors, ...extra, result_index: 0,
  };
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (permissionMode === 'bypassPermissions' && isRoot && env.IS_SANDBOX !== '1' && !env.CLAUDE_CODE_BUBBLEWRAP) {
  const msg = '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons';
  process.stderr.write(msg + '\n');
  if (env.CLAUDE_CODE_STARTUP_FAILURE_RESULTS === '1') emit(startupFailureResult([msg], { startup_failure_reason: 'bypass_root' }));
  flushThenExit(1);
} else if (resumeId && env.FAKE_CLAUDE_RESUME_MISSING === '1') {
  const msg = `No conversation found with session ID: ${resumeId}`;
  process.stderr.write(msg + '\n');
  emit(startupFailureResult([msg]));
  flushThenExit(1);
}

// ---------------------------------------------------------------------------------------------
// system/init, copied from a real 2.1.332 init line.
const TOOLS_ALL = ['Task', 'Bash', 'CronCreate', 'CronDelete', 'CronList', 'Edit', 'EnterWorktree', 'ExitWorktree',
  'ListAgents', 'Monitor', 'NotebookEdit', 'Read', 'ReportFindings', 'ScheduleWakeup', 'SendMessage', 'Skill',
  'TaskStop', 'ToolSearch', 'WebFetch', 'WebSearch', 'Workflow', 'Write'];
const SKILLS = ['deep-research', 'dataviz', 'update-config', 'verify', 'debug', 'code-review', 'simplify', 'batch',
  'fewer-permission-prompts', 'doctor', 'loop', 'claude-api', 'workflow-authoring', 'run', 'run-skill-generator',
  'plugin-authoring'];
const SLASH_COMMANDS = [...SKILLS, 'agents', 'auto-mode-setup', 'autocompact', 'clear', 'color', 'compact', 'config',
  'output-style', 'context', 'effort', 'fast', 'focus', 'heapdump', 'init', 'mcp', 'model', '__remote-workflow',
  'workflow-launch-exec', 'reload-plugins', 'reload-skills', 'rename', 'security-review', 'usage', 'insights', 'recap',
  'goal', 'list-agents', 'team-onboarding'];
const CAPABILITIES = ['interrupt_receipt_v1', 'interrupt_cancel_queued_v1', 'interrupt_send_now_v1',
  'interrupt_requeue_taken_v1', 'msg_lifecycle_v1', 'request_marker_lists_v1', 'ask_user_question_unanswered_v1',
  'lifecycle_wakeup_source_v1', 'sdk_mcp_tools_list_changed', 'sdk_mcp_manifests', 'mcp_read_resource_v1',
  'mcp_tool_ui_meta_v1', 'ui_surface_v1', 'mcp_call_result_not_for_model_v1', 'mcp_call_soft_error_result_v1',
  'mcp_call_check_permissions_v1', 'voice_call_talk_line_v1', 'withdrawn_files_note_v2', 'withdrawn_tools_v1',
  'ui_pane_widget_v1', 'reload_plugins_refuse_if_busy_v1', 'get_usage_detached_v1', 'silent_resend_files_v1'];

function toolList() {
  if (!opts.tools) return TOOLS_ALL;
  const names = opts.tools.flatMap((v) => v.split(/[,\s]+/)).filter(Boolean);
  if (names.length === 0) return [];
  return names.includes('default') ? TOOLS_ALL : names;
}
function mcpServers() {
  const servers = [];
  for (const cfg of opts.mcpConfig ?? []) {
    let parsed = null;
    try { parsed = JSON.parse(cfg); } catch {
      try { parsed = JSON.parse(readFileSync(cfg, 'utf8')); } catch { parsed = null; }
    }
    for (const name of Object.keys(parsed?.mcpServers ?? {})) servers.push({ name, status: 'connected', source: 'dynamic' });
  }
  return servers;
}
const cwd = process.cwd();
const slug = cwd.replace(/[^a-zA-Z0-9]/g, '-');
const configDir = env.CLAUDE_CONFIG_DIR || `${env.HOME || homedir()}/.claude`;
const analyticsDisabled = ['DISABLE_TELEMETRY', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'].some(nonEmpty);

function initLine(apiKeySource) {
  return {
    type: 'system', subtype: 'init', cwd, session_id: SESSION_ID, tools: toolList(), mcp_servers: mcpServers(),
    model: MODEL, permissionMode, slash_commands: SLASH_COMMANDS,
    terminal_slash_commands: ['doctor', 'color', 'focus', 'reload-plugins'], apiKeySource,
    claude_code_version: VERSION, output_style: 'default',
    agents: ['claude', 'Explore', 'general-purpose', 'Plan', 'statusline-setup'], skills: SKILLS,
    plugins: [
      { name: 'cc-plugin-agents-md', path: 'builtin', source: 'cc-plugin-agents-md@builtin' },
      { name: 'cc-plugin-privacy', path: 'builtin', source: 'cc-plugin-privacy@builtin' },
      { name: 'cc-plugin-plugin-authoring', path: 'builtin', source: 'cc-plugin-plugin-authoring@builtin' },
    ],
    capabilities: CAPABILITIES, analytics_disabled: analyticsDisabled, product_feedback_disabled: true,
    served_by_anthropic: false, uuid: randomUUID(), sandbox_enabled: false,
    memory_paths: { auto: `${configDir}/projects/${slug}/memory/` }, original_cwd: cwd,
    additional_directories: opts.addDir ?? [], messaging_socket_path: `/tmp/sockets/${process.pid}.sock`,
    fast_mode_state: 'off', fast_mode_disabled_reason: 'sdk_opt_in_required', per_turn_effort_active: true,
    ultrathink_available: false, ultrathink_typed_raises: false, view_mode: 'default',
  };
}

// ---------------------------------------------------------------------------------------------
// Turns.
class Turn {
  constructor(input) {
    this.input = input;
    this.prompt = input.text;
    this.ac = new AbortController();
    this.signal = this.ac.signal;
    this.abortReason = null;
    this.hung = false;
    this.started = Date.now();
    this.calls = 0;
    this.apiMs = 0;
    this.ttft = null;
    this.usage = { in: 0, out: 0, cacheRead: 0, cacheWrite: 0 };
    this.turnCost = 0;
    this.phase = null; // { msgId, reqId, text, callUsage, index } while a text block is streaming
    this.begun = [];
    this.denials = [];
  }
  abort(reason) {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.ac.abort();
  }
  extra() {
    return this.input.uuid ? { user_message_uuid: this.input.uuid, user_message_uuids: [this.input.uuid] } : {};
  }
}

// Writes one line of a turn, honours stdout backpressure, then paces the turn a little
// (FAKE_CLAUDE_STEP_MS) so that interrupts and signals can land between lines.
async function out(t, obj, pace = true) {
  if (!emit(obj)) await waitDrain(process.stdout);
  if (pace && STEP_MS > 0) await delay(STEP_MS, undefined, { signal: t.signal });
  else if (t.signal.aborted) throw t.signal.reason;
}

function addCost(t, u) {
  const cost = u.in * PRICE.in + u.out * PRICE.out + u.cacheRead * PRICE.cacheRead + u.cacheWrite * PRICE.cacheWrite;
  cumulative.inputTokens += u.in; cumulative.outputTokens += u.out;
  cumulative.cacheReadInputTokens += u.cacheRead; cumulative.cacheCreationInputTokens += u.cacheWrite;
  cumulative.costUSD += cost; totalCostUsd += cost; t.turnCost += cost;
  t.usage.in += u.in; t.usage.out += u.out; t.usage.cacheRead += u.cacheRead; t.usage.cacheWrite += u.cacheWrite;
}

function assistantLine(t, msgId, reqId, block, callUsage, extra = {}) {
  return {
    type: 'assistant',
    message: {
      id: msgId, type: 'message', role: 'assistant', model: MODEL, content: [block], stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: callUsage.in, cache_creation_input_tokens: callUsage.cacheWrite,
        cache_read_input_tokens: callUsage.cacheRead, output_tokens: 1, service_tier: 'standard' },
      context_management: null,
    },
    parent_tool_use_id: null, session_id: SESSION_ID, uuid: randomUUID(), timestamp: now(), request_id: reqId,
    ...extra, ...t.extra(),
  };
}
const streamEvent = (event, msgId, extra = {}) => ({
  type: 'stream_event', event, session_id: SESSION_ID, parent_tool_use_id: null, uuid: randomUUID(),
  ...extra, api_message_id: msgId,
});
function chunks(s, n = 12) {
  const res = [];
  for (let i = 0; i < s.length; i += n) res.push(s.slice(i, i + n));
  return res.length ? res : [''];
}

// One model round trip: one assistant line per content block, all sharing message.id.
// A text block with `slowMs` trickles out over that time and can be interrupted midway.
async function modelCall(t, blocks, { stopReason, inTokens = 12 }) {
  const n = ++idCounter;
  const msgId = `msg_fake_${n}`;
  const reqId = `req_fake_${n}`;
  const callStart = Date.now();
  t.calls++;
  t.begun.push(msgId);
  const textLen = blocks.reduce((a, b) => a + (b.text?.length ?? 0) + (b.thinking?.length ?? 0), 0);
  const callUsage = { in: inTokens, out: stopReason === 'tool_use' ? 42 : Math.max(17, Math.ceil(textLen / 4)), cacheRead: 9000, cacheWrite: 1200 };
  const hasThinking = blocks.some((b) => b.type === 'thinking');
  if (PARTIAL) {
    await out(t, { type: 'system', subtype: 'status', status: 'requesting', session_id: SESSION_ID, uuid: randomUUID() });
    await out(t, streamEvent({ type: 'message_start', message: { id: msgId, type: 'message', role: 'assistant', model: MODEL,
      content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: callUsage.in, cache_creation_input_tokens: callUsage.cacheWrite,
        cache_read_input_tokens: callUsage.cacheRead, output_tokens: 1, service_tier: 'standard' } } },
    msgId, { ttft_ms: 12, ...(hasThinking ? { thinking_display: 'updates' } : {}) }));
  }
  if (t.ttft === null) t.ttft = Date.now() - t.started;
  try {
    for (let index = 0; index < blocks.length; index++) {
      const { slowMs, flood, ...block } = blocks[index];
      if (block.type === 'text') {
        if (PARTIAL) await out(t, streamEvent({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, msgId), !flood);
        t.phase = { msgId, reqId, text: '', callUsage, index };
        if (slowMs > 0) {
          // Reveal the text in small steps so an interrupt finds half a block in flight.
          const steps = Math.max(1, Math.ceil(slowMs / 100));
          for (let i = 1; i <= steps; i++) {
            await delay(slowMs / steps, undefined, { signal: t.signal });
            const upTo = Math.floor((block.text.length * i) / steps);
            const piece = block.text.slice(t.phase.text.length, upTo);
            if (piece && PARTIAL) await out(t, streamEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, msgId));
            t.phase.text += piece;
          }
        } else {
          // A flood streams as fast as the reader takes it, partial frames included.
          if (PARTIAL) for (const piece of chunks(block.text)) await out(t, streamEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, msgId), !flood);
          t.phase.text = block.text;
        }
        t.phase = null;
        await out(t, assistantLine(t, msgId, reqId, block, callUsage), !flood);
      } else if (block.type === 'thinking') {
        if (PARTIAL) {
          await out(t, streamEvent({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }, msgId, { thinking_display: 'updates' }));
          await out(t, streamEvent({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } }, msgId, { thinking_display: 'updates' }));
          await out(t, streamEvent({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }, msgId));
        }
        await out(t, assistantLine(t, msgId, reqId, block, callUsage, { thinking_duration_ms: 1, thinking_display: 'updates' }));
      } else if (block.type === 'tool_use') {
        if (PARTIAL) {
          await out(t, streamEvent({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }, msgId));
          await out(t, streamEvent({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } }, msgId));
        }
        await out(t, assistantLine(t, msgId, reqId, block, callUsage));
      }
      if (PARTIAL) await out(t, streamEvent({ type: 'content_block_stop', index }, msgId), !flood);
    }
    if (PARTIAL) {
      await out(t, streamEvent({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: callUsage.out } }, msgId));
      await out(t, streamEvent({ type: 'message_stop' }, msgId));
    }
  } catch (err) {
    // An aborted call is still billed for its input and what was generated so far.
    if (t.signal.aborted) {
      addCost(t, { ...callUsage, out: Math.max(1, Math.ceil((t.phase?.text.length ?? 0) / 4)) });
      t.apiMs += Date.now() - callStart;
    }
    throw err;
  }
  addCost(t, callUsage);
  t.apiMs += Date.now() - callStart;
  return { msgId, n };
}

function turnUsage(t) {
  return {
    input_tokens: t.usage.in, cache_creation_input_tokens: t.usage.cacheWrite, cache_read_input_tokens: t.usage.cacheRead,
    output_tokens: t.usage.out, output_tokens_details: { thinking_tokens: 0 },
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, service_tier: 'standard',
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 }, inference_geo: '', iterations: [],
    speed: 'standard', fallback_credit: null,
  };
}
function sinceLast(t) {
  if (t.turnCost === 0) return {};
  // Per-turn delta in modelUsage shape; token deltas are what this turn added to the totals.
  return { [MODEL]: modelUsageEntry({ inputTokens: t.deltaTokens.in, outputTokens: t.deltaTokens.out,
    cacheReadInputTokens: t.deltaTokens.cacheRead, cacheCreationInputTokens: t.deltaTokens.cacheWrite, costUSD: t.turnCost }) };
}

// Builds the result line with the real key order (the CLI's order is stable within a version).
function writeResult(t, r) {
  t.deltaTokens = {
    in: cumulative.inputTokens - t.startTotals.in, out: cumulative.outputTokens - t.startTotals.out,
    cacheRead: cumulative.cacheReadInputTokens - t.startTotals.cacheRead,
    cacheWrite: cumulative.cacheCreationInputTokens - t.startTotals.cacheWrite,
  };
  const modelUsage = cumulative.costUSD > 0 || cumulative.inputTokens > 0 ? { [MODEL]: modelUsageEntry(cumulative) } : {};
  const isErrorSubtype = r.subtype !== 'success';
  const duration = Date.now() - t.started;
  const res = {
    duration_api_ms: r.zeroApi ? 0 : t.apiMs, stop_reason: r.stopReason, session_id: SESSION_ID,
    total_cost_usd: totalCostUsd, usage: r.zeroUsage ? ZERO_USAGE() : turnUsage(t), modelUsage,
    permission_denials: t.denials, terminal_reason: r.terminalReason, fast_mode_state: 'off',
    fast_mode_disabled_reason: 'sdk_opt_in_required', subagent_stats: SUBAGENT_STATS(), safety_stops: 0,
    is_error: r.isError, num_turns: r.numTurns ?? t.calls, subtype: r.subtype,
  };
  if (isErrorSubtype) {
    res.errors = r.errors;
  } else {
    res.api_error_status = r.apiErrorStatus ?? null;
    if (r.apiErrorType) res.api_error_type = r.apiErrorType;
    res.result = r.result;
    if (!r.isError) res.ttft_ms = t.ttft ?? 0;
  }
  res.type = 'result';
  res.duration_ms = duration;
  res.uuid = randomUUID();
  if (r.begun) res.begun_message_ids = t.begun;
  if (!isErrorSubtype && !r.isError) {
    res.ttft_stream_ms = Math.max(0, (t.ttft ?? 0) - 5);
    res.time_to_request_ms = Math.max(0, (t.ttft ?? 0) - 10);
    res.first_content_frame_ms = Math.max(0, (t.ttft ?? 0) - 5);
  }
  res.queued_turn_count = queue.length;
  res.result_index = resultIndex++;
  res.model_usage_since_last_result = sinceLast(t);
  lastResultIsError = r.isError;
  if (streamOut) emit(res);
  else if (outputFormat === 'json') writeRaw(JSON.stringify(res) + '\n');
  else writeRaw((r.result ?? (r.errors ?? []).join('\n')) + '\n');
}

function syntheticAssistant(text, error, extra = {}) {
  return {
    type: 'assistant',
    message: {
      diagnostics: null, id: randomUUID(), container: null, model: '<synthetic>', role: 'assistant', stop_details: null,
      stop_reason: 'stop_sequence', stop_sequence: '', type: 'message',
      usage: { output_tokens_details: null, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
        service_tier: null, cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
        inference_geo: null, iterations: null, speed: null, fallback_credit: null },
      content: [{ type: 'text', text }], context_management: null,
    },
    parent_tool_use_id: null, session_id: SESSION_ID, uuid: randomUUID(), timestamp: now(), error, ...extra,
  };
}

function parseScenario(text) {
  const has = (k) => new RegExp(`\\b${k}\\b`).test(text);
  const num = (k, dflt) => { const m = text.match(new RegExp(`\\b${k}\\s+(\\d+)`)); return m ? Number(m[1]) : dflt; };
  return {
    useTool: has('USE_TOOL'), think: has('THINK'), failApi: has('FAIL_API'), maxTurns: has('MAX_TURNS'),
    denied: has('DENIED'), sleep: has('SLEEP') ? num('SLEEP', 2000) : 0, hang: has('HANG'), crash: has('CRASH'),
    ignoreSigterm: has('IGNORE_SIGTERM'), grandchild: has('GRANDCHILD'), flood: has('FLOOD') ? num('FLOOD', 100) : 0,
    malformed: has('MALFORMED'), stderrNoise: has('STDERR_NOISE'), plan: has('PLAN'), stream: streamScenario(text),
    bigLine: has('BIGLINE') ? num('BIGLINE', 10 * 1024 * 1024) : 0,
    memoryHog: has('MEMORY_HOG') ? num('MEMORY_HOG', 200) : 0, deaf: has('DEAF'),
    noInterrupt: has('NO_INTERRUPT'), gated: has('GATED'), fail400: has('FAIL_400'),
  };
}

function streamScenario(text) {
  const m = text.match(/\bSTREAM(?:\s+(\d+))?(?:\s+(\d+))?\b/);
  if (!m) return null;
  return { perSecond: Math.max(1, Number(m[1] ?? 20)), seconds: Number(m[2] ?? 10) };
}

const KEYWORDS_RE = /\b(?:(?:SLEEP|FLOOD|BIGLINE|MEMORY_HOG)(?:\s+\d+)?|STREAM(?:\s+\d+){0,2}|USE_TOOL|THINK|FAIL_API|MAX_TURNS|DENIED|HANG|DEAF|CRASH|IGNORE_SIGTERM|GRANDCHILD|MALFORMED|STDERR_NOISE|PLAN|NO_INTERRUPT|GATED|FAIL_400)\b/g;

function planText(prompt) {
  // Keywords are dropped so that workers given these instructions do not re-trigger scenarios.
  const short = prompt.replace(KEYWORDS_RE, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'the task';
  const plan = {
    plan: {
      summary: `Two-step plan for: ${short}`,
      subtasks: [
        { key: 'a', title: 'Prepare the groundwork', instructions: `Investigate and prepare for: ${short}`, role: 'WORKER', dependsOn: [] },
        { key: 'b', title: 'Finish the task', instructions: `Using the result of step a, complete: ${short}`, role: 'WORKER', dependsOn: ['a'] },
      ],
    },
  };
  return 'Here is the plan.\n\n```json\n' + JSON.stringify(plan, null, 2) + '\n```';
}

const toolResultOk = (t, toolUseId, content, reasonType = 'rule') => ({
  type: 'user', message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content, is_error: false }] },
  parent_tool_use_id: null, session_id: SESSION_ID, uuid: randomUUID(), timestamp: now(),
  tool_use_result: { stdout: content, stderr: '', interrupted: false, isImage: false, noOutputExpected: false },
  tool_result_meta: [{ id: toolUseId, permission_decision: { decision: 'accept', source: 'config', reason_type: reasonType } }],
});

function spawnSleepers() {
  // One stays in our process group (a group kill reaches it), one starts its own session
  // (only a descendant walk or a cgroup reaches it).
  const inGroup = spawn('sleep', ['300'], { stdio: 'ignore' });
  const escapee = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  inGroup.on('error', () => {}); escapee.on('error', () => {});
  inGroup.unref(); escapee.unref();
  return [inGroup.pid, escapee.pid];
}

// One tool round: text + tool_use in one message, then the tool's user line.
async function toolRound(t, kind, withThinking) {
  const n = idCounter + 1;
  const toolUseId = `toolu_fake_${n}`;
  const input = kind === 'denied' ? { command: 'touch made-by-tool.txt', description: 'Create a file' }
    : kind === 'grandchild' ? { command: 'sleep 300 & setsid sleep 300 &', description: 'Start background processes' }
      : { command: 'echo hello-from-tool', description: 'Print a greeting' };
  const blocks = [];
  if (withThinking) blocks.push(thinkingBlock());
  blocks.push({ type: 'text', text: 'I will run a command.' }, { type: 'tool_use', id: toolUseId, name: 'Bash', input });
  await modelCall(t, blocks, { stopReason: 'tool_use', inTokens: 20 });
  if (budgetExceeded()) return 'budget';
  if (kind === 'denied') {
    const msg = `touch in '${cwd}/made-by-tool.txt' needs approval. The path is inside the working directories for this session ('${cwd}'), and Claude Code asks before a shell command creates, changes or removes files there.`;
    await out(t, { type: 'system', subtype: 'permission_denied', tool_name: 'Bash', tool_use_id: toolUseId, message: msg, uuid: randomUUID(), session_id: SESSION_ID });
    await out(t, {
      type: 'user', message: { role: 'user', content: [{ type: 'tool_result', content: msg, is_error: true, tool_use_id: toolUseId }] },
      parent_tool_use_id: null, session_id: SESSION_ID, uuid: randomUUID(), timestamp: now(), tool_use_result: `Error: ${msg}`,
      tool_result_meta: [{ id: toolUseId, non_execution_kind: 'user-rejected', permission_decision: { decision: 'reject', source: 'config' } }],
    });
    t.denials.push({ tool_name: 'Bash', tool_use_id: toolUseId, tool_input: input });
  } else if (kind === 'grandchild') {
    await out(t, toolResultOk(t, toolUseId, JSON.stringify({ pids: spawnSleepers() })));
  } else {
    await out(t, toolResultOk(t, toolUseId, 'hello-from-tool'));
  }
  return 'ok';
}

const thinkingBlock = () => ({ type: 'thinking', thinking: 'Let me think about this request.', signature: 'EqQBCkYIBxgCKkBfakeSignature==' });
function budgetExceeded() {
  return typeof opts.maxBudgetUsd === 'number' && totalCostUsd >= opts.maxBudgetUsd;
}

let ignoreSigterm = false;
/** MEMORY_HOG allocations, referenced for the life of the process. */
const hogs = [];

// BIGLINE: exactly `bytes` bytes of a JSON-looking line in 64 KB writes (honouring backpressure),
// and the newline only after all of them, so a reader has to hold or discard the whole line.
async function bigLine(t, bytes) {
  const head = '{"type":"assistant","padding":"';
  const tail = '"}';
  let left = Math.max(0, bytes - head.length - tail.length);
  const piece = 'x'.repeat(64 * 1024);
  const write = async (s) => {
    if (!writeRaw(s)) await waitDrain(process.stdout);
    if (t.signal.aborted) throw t.signal.reason;
  };
  await write(head.slice(0, bytes));
  while (left > 0) {
    const n = Math.min(left, piece.length);
    await write(n === piece.length ? piece : piece.slice(0, n));
    left -= n;
  }
  if (bytes > head.length) await write(tail.slice(0, bytes - head.length));
  await write('\n');
}

async function runTurn(input) {
  const t = new Turn(input);
  t.startTotals = { in: cumulative.inputTokens, out: cumulative.outputTokens, cacheRead: cumulative.cacheReadInputTokens, cacheWrite: cumulative.cacheCreationInputTokens };
  current = t;
  // Keywords inside scripted answers are for the workers they instruct, not for this turn.
  const sc = parseScenario(t.prompt.replace(/```fake-plan\n[\s\S]*?```/g, ''));
  for (const m of t.prompt.matchAll(/```fake-plan\n([\s\S]*?)```/g)) scriptedAnswers.push(m[1]);
  const scripted = scriptedAnswers.shift();
  if (sc.noInterrupt) t.ignoresInterrupt = true; // a stuck turn that only SIGINT ends
  // GATED fails like FAIL_API until the file named by FAKE_CLAUDE_GATE exists: a fault that a retry cures.
  if (sc.gated && !(env.FAKE_CLAUDE_GATE && existsSync(env.FAKE_CLAUDE_GATE))) sc.failApi = true;
  if (env.CLAUDE_CODE_SDK_READS_SESSION_STATE === '1') emit({ type: 'system', subtype: 'session_state_changed', state: 'running', sdk_host_only: true, uuid: randomUUID(), session_id: SESSION_ID });
  try {
    emit(initLine(HAS_AUTH ? API_KEY_SOURCE : 'none'));
    if (opts.replayUserMessages && input.raw) {
      emit({ type: 'user', message: input.raw.message, session_id: SESSION_ID, parent_tool_use_id: null, uuid: input.uuid ?? randomUUID(), timestamp: now(), isReplay: true });
    }
    await delay(STEP_MS, undefined, { signal: t.signal });

    if (!HAS_AUTH) {
      const text = 'Not logged in · Please run /login';
      emit(syntheticAssistant(text, 'authentication_failed', { is_api_error_message: true }));
      writeResult(t, { subtype: 'success', isError: true, stopReason: 'stop_sequence', terminalReason: 'api_error', result: text, zeroApi: true, zeroUsage: true, numTurns: 1 });
      if (env.FAKE_CLAUDE_NOKEY_EXIT === '1') flushThenExit(1);
      return;
    }
    if (sc.ignoreSigterm) ignoreSigterm = true;
    if (sc.deaf) t.hung = true; // as HANG: control requests and SIGINT go unanswered
    if (sc.hang) {
      // A hung CLI answers nothing: no result, no control_response, SIGINT ignored.
      t.hung = true;
      setInterval(() => {}, 1 << 30); // stay alive even after stdin closes
      await new Promise(() => {});
    }
    if (sc.stderrNoise) {
      // Bigger than a pipe buffer: if nobody drains stderr, this turn never finishes.
      const line = 'warn: noisy diagnostic output from the agent process, repeated to fill the stderr pipe......\n';
      for (let i = 0; i < 819; i++) process.stderr.write(line);
      // write() can report success with bytes still queued, so wait for the last chunk's callback.
      await new Promise((resolve) => process.stderr.write(line, resolve));
    }
    if (sc.malformed && streamOut) writeRaw('not json {\n');
    if (sc.bigLine > 0 && streamOut) await bigLine(t, sc.bigLine);
    if (sc.memoryHog > 0) {
      // A fill value writes every page, so all of it counts towards RSS at once.
      hogs.push(Buffer.alloc(sc.memoryHog * 1024 * 1024, 1));
      await delay(sc.sleep || 60_000, undefined, { signal: t.signal });
    }
    if (sc.crash) {
      await modelCallCrash(t);
      return;
    }
    if (sc.fail400) {
      const text = 'API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215311 tokens > 200000 maximum"}}';
      await out(t, syntheticAssistant(text, 'invalid_request', { request_id: `req_fake_err_${++idCounter}`, is_api_error_message: true, api_error_status: 400, api_error_type: 'invalid_request_error' }));
      writeResult(t, { subtype: 'success', isError: true, stopReason: 'stop_sequence', terminalReason: 'api_error', result: text, apiErrorStatus: 400, apiErrorType: 'invalid_request_error', zeroApi: true, zeroUsage: true, numTurns: 1 });
      return;
    }
    if (sc.failApi) {
      // Two retries by default (as with CLAUDE_CODE_MAX_RETRIES=2 in the transcript); capped to keep tests fast.
      const envRetries = Number.parseInt(env.CLAUDE_CODE_MAX_RETRIES ?? '', 10);
      const retries = Number.isInteger(envRetries) && envRetries >= 0 ? Math.min(5, envRetries) : 2;
      for (let attempt = 1; attempt <= retries; attempt++) {
        const wait = 40 * attempt;
        await out(t, { type: 'system', subtype: 'api_retry', attempt, max_retries: retries, retry_delay_ms: wait, error_status: 500, error: 'server_error', session_id: SESSION_ID, uuid: randomUUID() });
        await delay(wait, undefined, { signal: t.signal });
      }
      const text = 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.';
      await out(t, syntheticAssistant(text, 'server_error', { request_id: `req_fake_err_${++idCounter}`, is_api_error_message: true, api_error_status: 500, api_error_type: 'api_error' }));
      if (sc.malformed && streamOut) writeRaw('\nnot json {\n');
      writeResult(t, { subtype: 'success', isError: true, stopReason: 'stop_sequence', terminalReason: 'api_error', result: text, apiErrorStatus: 500, apiErrorType: 'api_error', zeroApi: true, zeroUsage: true, numTurns: 1 });
      return;
    }

    if (sc.stream) {
      const finalText = await streamCall(t, sc.stream);
      writeResult(t, { subtype: 'success', isError: false, stopReason: 'end_turn', terminalReason: 'completed', result: finalText });
      return;
    }

    // Tool rounds, then one final answer.
    const limit = sc.maxTurns ? Math.max(1, opts.maxTurns ?? 2) : opts.maxTurns;
    const rounds = sc.maxTurns ? [] : [...(sc.useTool ? ['echo'] : []), ...(sc.grandchild ? ['grandchild'] : []), ...(sc.denied ? ['denied'] : [])];
    let thinkPending = sc.think;
    for (let i = 0; sc.maxTurns || i < rounds.length; i++) {
      const kind = sc.maxTurns ? 'echo' : rounds[i];
      const status = await toolRound(t, kind, thinkPending);
      thinkPending = false;
      if (status === 'budget') {
        writeResult(t, { subtype: 'error_max_budget_usd', isError: true, stopReason: 'tool_use', terminalReason: 'budget_exhausted', errors: [`Reached maximum budget ($${opts.maxBudgetUsd})`] });
        return;
      }
      if (typeof limit === 'number' && t.calls >= limit) {
        writeResult(t, { subtype: 'error_max_turns', isError: true, stopReason: 'tool_use', terminalReason: 'max_turns', errors: [`Reached maximum number of turns (${limit})`], numTurns: t.calls + 1 });
        return;
      }
    }

    const blocks = [];
    if (thinkPending) blocks.push(thinkingBlock());
    let finalText;
    if (sc.flood > 0) {
      for (let i = 1; i <= sc.flood; i++) {
        finalText = `Flood line ${i} of ${sc.flood}: ` + 'lorem ipsum dolor sit amet '.repeat(37);
        blocks.push({ type: 'text', text: finalText, flood: true });
      }
    } else {
      finalText = scripted !== undefined ? 'Here is the plan.\n\n```json\n' + scripted + '```'
        : sc.plan ? planText(t.prompt)
        : rounds.at(-1) === 'echo' ? 'The command printed hello-from-tool. Done.'
          : rounds.at(-1) === 'denied' ? 'The command needed approval and was not run. Done.'
            : rounds.at(-1) === 'grandchild' ? 'Started two background processes. Done.'
              : `Hello! You said: ${t.prompt}`;
      blocks.push({ type: 'text', text: finalText, slowMs: sc.sleep });
    }
    if (sc.malformed && streamOut) writeRaw('\n');
    await modelCall(t, blocks, { stopReason: 'end_turn', inTokens: 12 });
    if (sc.malformed && streamOut) writeRaw('not json {\n');
    writeResult(t, { subtype: 'success', isError: false, stopReason: 'end_turn', terminalReason: 'completed', result: finalText });
  } catch (err) {
    if (!t.signal.aborted) throw err;
    // Same sequence as the real CLI after an interrupt or SIGINT.
    if (t.phase && t.phase.text) {
      emit(assistantLine(t, t.phase.msgId, t.phase.reqId, { type: 'text', text: t.phase.text }, t.phase.callUsage, { aborted: true }));
    }
    emit({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, parent_tool_use_id: null, session_id: SESSION_ID, uuid: randomUUID(), timestamp: now() });
    if (PARTIAL && t.phase) {
      const msgId = t.phase.msgId;
      emit(streamEvent({ type: 'content_block_stop', index: t.phase.index }, msgId));
      emit(streamEvent({ type: 'message_delta', context_management: null, delta: { container: null, stop_details: null, stop_reason: null, stop_sequence: null }, usage: { output_tokens_details: { thinking_tokens: 0 }, cache_creation_input_tokens: 1200, cache_read_input_tokens: 9000, input_tokens: 12, iterations: [], output_tokens: 1, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, fallback_credit: null } }, msgId));
      emit(streamEvent({ type: 'message_stop' }, msgId, { abandoned_blocks: { api_message_id: msgId, from_block_index: t.phase.index + 1 } }));
    }
    writeResult(t, { subtype: 'error_during_execution', isError: true, stopReason: null, terminalReason: 'aborted_streaming', errors: ['[ede_diagnostic] result_type=user last_content_type=n/a stop_reason=null'], zeroApi: true, zeroUsage: true, numTurns: t.calls + 1, begun: true });
  } finally {
    if (env.CLAUDE_CODE_SDK_READS_SESSION_STATE === '1' && !exiting) emit({ type: 'system', subtype: 'session_state_changed', state: 'idle', sdk_host_only: true, uuid: randomUUID(), session_id: SESSION_ID });
  }
}

// STREAM: one model call whose text lines leave on a fixed schedule (start + i / rate), so timer
// lateness does not lower the rate; only a full stdout pipe (a slow reader) does.
async function streamCall(t, { perSecond, seconds }) {
  const n = ++idCounter;
  const msgId = `msg_fake_${n}`;
  const reqId = `req_fake_${n}`;
  const callUsage = { in: 12, out: 0, cacheRead: 9000, cacheWrite: 1200 };
  t.calls++;
  t.begun.push(msgId);
  if (t.ttft === null) t.ttft = Date.now() - t.started;
  const total = Math.max(1, Math.round(perSecond * seconds));
  const intervalMs = 1000 / perSecond;
  const start = Date.now();
  let text = '';
  for (let i = 1; i <= total; i++) {
    const wait = start + i * intervalMs - Date.now();
    if (wait > 0) await delay(wait, undefined, { signal: t.signal });
    // The write time (epoch ms) rides in the text, so a reader can time the line end to end.
    text = `Stream line ${i} of ${total} at ${Date.now()}: ` + 'lorem ipsum dolor sit amet '.repeat(6);
    callUsage.out += Math.ceil(text.length / 4);
    await out(t, assistantLine(t, msgId, reqId, { type: 'text', text }, callUsage), false);
  }
  addCost(t, callUsage);
  t.apiMs += Date.now() - start;
  return text;
}

async function modelCallCrash(t) {
  const n = ++idCounter;
  await out(t, assistantLine(t, `msg_fake_${n}`, `req_fake_${n}`, { type: 'text', text: 'I will run a command.' }, { in: 12, cacheRead: 9000, cacheWrite: 1200 }));
  process.stderr.write('fatal: simulated crash\n');
  flushThenExit(3);
  await new Promise(() => {});
}

// ---------------------------------------------------------------------------------------------
// Scheduling: one turn at a time; user lines that arrive meanwhile wait in the queue.
const queue = [];
let current = null;
let running = false;
let stdinEnded = false;
let exitAfterTurn = null;

function pump() {
  if (running || exiting) return;
  if (exitAfterTurn !== null) { flushThenExit(exitAfterTurn); return; }
  const next = queue.shift();
  if (!next) {
    if (stdinEnded) flushThenExit(lastResultIsError ? 1 : 0);
    return;
  }
  running = true;
  runTurn(next).then(() => {
    running = false; current = null;
    if (!streamIn) { if (!exiting) flushThenExit(exitAfterTurn ?? (lastResultIsError ? 1 : 0)); return; }
    pump();
  }, (err) => {
    process.stderr.write(`fake-claude internal error: ${err?.stack ?? err}\n`);
    flushThenExit(1);
  });
}

function userText(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((b) => b && b.type === 'text').map((b) => b.text).join('\n');
  return '';
}

function controlResponse(requestId, response) {
  emit({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } });
}

function handleControl(msg) {
  const req = msg.request ?? {};
  const id = msg.request_id;
  if (current?.hung) return;
  switch (req.subtype) {
    case 'interrupt': {
      if (current?.ignoresInterrupt) return;
      if (req.cancel_queued) queue.length = 0;
      controlResponse(id, { still_queued: queue.map((q) => q.uuid).filter(Boolean) });
      if (current) current.abort('interrupt');
      return;
    }
    case 'initialize':
      controlResponse(id, {
        commands: [], agents: [], output_style: 'default', available_output_styles: ['default'], models: [],
        account: { tokenSource: 'none', apiKeySource: API_KEY_SOURCE, apiProvider: 'firstParty' }, pid: process.pid,
        claude_code_version: VERSION, current_permission_mode: permissionMode, analytics_disabled: analyticsDisabled,
        sandbox_enabled: false, fast_mode_state: 'off', fast_mode_disabled_reason: 'sdk_opt_in_required',
        session_state: current ? 'running' : 'idle', capabilities: [],
      });
      return;
    case 'set_permission_mode':
      if (req.mode) permissionMode = req.mode === 'manual' ? 'default' : req.mode;
      controlResponse(id, {});
      return;
    case 'set_model':
    case 'set_max_thinking_tokens':
      controlResponse(id, {});
      return;
    default:
      emit({ type: 'control_response', response: { subtype: 'error', request_id: id, error: `Unsupported control request subtype: ${req.subtype}` } });
  }
}

function handleInputLine(line) {
  if (exiting || line.trim() === '') return;
  let msg;
  try { msg = JSON.parse(line); } catch (err) {
    // Real CLI: one bad stdin line is fatal.
    process.stderr.write(`Error parsing streaming input line (type=unknown, ${line.length} chars): ${err.name}\n`);
    flushThenExit(1);
    return;
  }
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'user') {
    if (msg.shouldQuery === false) return;
    queue.push({ text: userText(msg.message?.content), uuid: msg.uuid, raw: msg });
    pump();
  } else if (msg.type === 'control_request') {
    handleControl(msg);
  }
  // control_response, keep_alive and unknown types are ignored, as the real CLI does.
}

// ---------------------------------------------------------------------------------------------
// Signals.
process.on('SIGTERM', () => {
  if (ignoreSigterm) return;
  process.exit(143); // the real CLI exits with code 143 (not a signal death) and writes no result
});
process.on('SIGINT', () => {
  if (exiting) return;
  if (current?.hung) return;
  if (current) {
    queue.length = 0;
    exitAfterTurn = 0;
    current.abort('sigint');
  } else {
    flushThenExit(0);
  }
});

// ---------------------------------------------------------------------------------------------
// Input.
if (!exiting) {
  if (streamIn) {
    if (positional.length > 0) queue.push({ text: positional[0], uuid: undefined, raw: null });
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        handleInputLine(line);
      }
    });
    process.stdin.on('end', () => {
      if (buf.trim()) handleInputLine(buf);
      buf = '';
      stdinEnded = true;
      pump();
    });
    process.stdin.on('error', () => { stdinEnded = true; pump(); });
    pump();
  } else if (positional.length > 0) {
    queue.push({ text: positional[0], uuid: undefined, raw: null });
    pump();
  } else {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (c) => { text += c; });
    process.stdin.on('end', () => {
      if (!text.trim()) die('Error: Input must be provided either through stdin or as a prompt argument when using --print');
      queue.push({ text: text.replace(/\n$/, ''), uuid: undefined, raw: null });
      pump();
    });
  }
}
