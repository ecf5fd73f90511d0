/**
 * Loopback mock of the Anthropic Messages API, good enough for the real `claude`
 * CLI to run offline (ANTHROPIC_BASE_URL=<url>, any ANTHROPIC_API_KEY).
 *
 * Behaviour is chosen by keywords in the user's own prompt text:
 *   USE_TOOL     first call asks for a Bash tool; once a tool_result arrives, answers with its text
 *   ALWAYS_TOOL  every call asks for the same Bash tool (drives --max-turns)
 *   THINK        a thinking block precedes the reply
 *   SLOW         the text streams in many small deltas over about 5 s (cancellation tests)
 *   FAIL_500     HTTP 500 api_error
 *   FAIL_401     HTTP 401 authentication_error
 *   ```fake-plan  a fenced block of that name: the answer is its content as a ```json block (a
 *                manager's plan for a workflow)
 *   (default)    "Hello! You said: <prompt>"
 */
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface MockMessagesApi {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every request received, in arrival order (body is the parsed JSON, or the raw text if it was not JSON). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface MockMessagesApiOptions {
  port?: number;
}

const DEFAULT_MODEL = 'claude-opus-5-5';
const MOCK_SIGNATURE = 'EqQBCkYIBxgCKkBmockSignature==';
const TOOL_INPUT = { command: 'echo hello-from-tool', description: 'Print a greeting' } as const;
const SLOW_TEXT =
  'This is a slow reply that trickles out in small pieces over several seconds ' +
  'so that a supervisor can interrupt it midway through the stream.';
const SLOW_TOTAL_MS = 5000;
const TEXT_CHUNK = 12;

// Fixed, plausible numbers (as in the reference transcripts); non-zero so the CLI reports a cost.
const USAGE = {
  inputText: 12,
  inputTool: 20,
  outputText: 17,
  outputTool: 42,
  cacheRead: 9000,
  cacheCreation: 1200,
} as const;

type Block =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

interface Reply {
  blocks: Block[];
  stopReason: 'end_turn' | 'tool_use';
  inputTokens: number;
  outputTokens: number;
  slow: boolean;
}

interface ContentPart {
  type?: unknown;
  text?: unknown;
  content?: unknown;
}

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function partsOf(message: ChatMessage): ContentPart[] {
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  if (Array.isArray(message.content)) return message.content.filter(isRecord) as ContentPart[];
  return [];
}

/** Text blocks the CLI injects into user turns (reminders, environment info) are not the prompt. */
function isInjectedText(text: string): boolean {
  const t = text.trimStart();
  return (
    t.startsWith('<system-reminder>') ||
    t.startsWith('# Environment') ||
    t.startsWith('<local-command') ||
    t.startsWith('<command-') ||
    t.startsWith('Caveat:')
  );
}

function humanTexts(message: ChatMessage): string[] {
  return partsOf(message)
    .filter((p) => p.type === 'text' && typeof p.text === 'string' && !isInjectedText(p.text))
    .map((p) => (p.text as string).trim())
    .filter((t) => t.length > 0);
}

function userMessages(body: Record<string, unknown>): ChatMessage[] {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  return (messages as ChatMessage[]).filter((m) => m.role === 'user');
}

/**
 * The prompt of the current turn: the last human-written text of the latest user message that has any.
 * The CLI sends its environment text as a separate role:"system" entry inside `messages` and puts
 * <system-reminder> blocks before the prompt, so "the last message" or "the first block" is not the prompt.
 */
export function extractPrompt(body: unknown): string {
  if (!isRecord(body)) return '';
  const users = userMessages(body);
  for (let i = users.length - 1; i >= 0; i--) {
    const texts = humanTexts(users[i]!);
    if (texts.length > 0) return texts[texts.length - 1]!;
  }
  return '';
}

function toolResultText(part: ContentPart): string {
  if (typeof part.content === 'string') return part.content;
  if (Array.isArray(part.content)) {
    return part.content
      .filter(isRecord)
      .filter((c) => c.type === 'text' && typeof c.text === 'string')
      .map((c) => c.text as string)
      .join('');
  }
  return '';
}

/** The tool_result carried by the last user message, if any (the CLI's follow-up call after a tool ran). */
function lastToolResult(body: Record<string, unknown>): string | undefined {
  const users = userMessages(body);
  const last = users[users.length - 1];
  if (!last) return undefined;
  const result = partsOf(last).find((p) => p.type === 'tool_result');
  return result ? toolResultText(result).trim() : undefined;
}

function offersTool(body: Record<string, unknown>, name: string): boolean {
  return Array.isArray(body.tools) && body.tools.some((t) => isRecord(t) && t.name === name);
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function apiError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

export async function startMockMessagesApi(options: MockMessagesApiOptions = {}): Promise<MockMessagesApi> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  // Aborted on close() so SLOW streams stop sleeping at once.
  const shutdown = new AbortController();
  let counter = 0;

  function buildReply(body: Record<string, unknown>, n: number): Reply {
    const prompt = extractPrompt(body);
    const think = prompt.includes('THINK');
    const slow = prompt.includes('SLOW');
    const alwaysTool = prompt.includes('ALWAYS_TOOL');
    const useTool = prompt.includes('USE_TOOL') || alwaysTool;
    // Helper calls (titles, summaries) carry no tools; they must get text, not a tool_use.
    const canTool = offersTool(body, 'Bash');
    const toolResult = lastToolResult(body);

    const blocks: Block[] = [];
    if (think) blocks.push({ type: 'thinking', thinking: 'Simple greeting.', signature: MOCK_SIGNATURE });

    if (canTool && (alwaysTool || (useTool && toolResult === undefined))) {
      blocks.push({ type: 'text', text: 'I will run a command.' });
      blocks.push({ type: 'tool_use', id: `toolu_mock_${n}`, name: 'Bash', input: { ...TOOL_INPUT } });
      return { blocks, stopReason: 'tool_use', inputTokens: USAGE.inputTool, outputTokens: USAGE.outputTool, slow };
    }

    const plan = /```fake-plan\n([\s\S]*?)```/.exec(prompt)?.[1];
    let text: string;
    if (plan !== undefined) text = 'Here is the plan.\n\n```json\n' + plan + '```';
    else if (toolResult !== undefined) text = `The command printed ${toolResult}. Done.`;
    else if (slow) text = SLOW_TEXT;
    else text = `Hello! You said: ${prompt.slice(0, 200)}`;
    blocks.push({ type: 'text', text });
    return { blocks, stopReason: 'end_turn', inputTokens: USAGE.inputText, outputTokens: USAGE.outputText, slow };
  }

  function usageOf(reply: Reply, outputTokens: number): Record<string, unknown> {
    return {
      input_tokens: reply.inputTokens,
      cache_creation_input_tokens: USAGE.cacheCreation,
      cache_read_input_tokens: USAGE.cacheRead,
      output_tokens: outputTokens,
      service_tier: 'standard',
    };
  }

  async function streamReply(
    res: ServerResponse,
    reply: Reply,
    model: string,
    n: number,
    signal: AbortSignal,
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': `req_mock_${n}`,
    });
    const send = (event: string, data: Record<string, unknown>): boolean => {
      if (signal.aborted || res.destroyed) return false;
      res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
      return true;
    };

    const textDeltas = reply.blocks.reduce((sum, b) => sum + (b.type === 'text' ? chunks(b.text, 2).length : 0), 0);
    const pauseMs = reply.slow ? Math.max(20, Math.floor(SLOW_TOTAL_MS / Math.max(1, textDeltas))) : 0;

    send('message_start', {
      message: {
        id: `msg_mock_${n}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageOf(reply, 1),
      },
    });
    send('ping', {});

    for (const [index, block] of reply.blocks.entries()) {
      if (block.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        // SLOW uses 2-character pieces so there are many deltas to interrupt between.
        for (const piece of chunks(block.text, reply.slow ? 2 : TEXT_CHUNK)) {
          if (!send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } })) return;
          if (pauseMs > 0) {
            try {
              await sleep(pauseMs, undefined, { signal });
            } catch {
              return;
            }
          }
        }
      } else if (block.type === 'thinking') {
        send('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: block.thinking } });
        send('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
      } else {
        send('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        // Split the JSON so the client has to concatenate partial_json pieces, like the real API.
        for (const piece of chunks(JSON.stringify(block.input), 16)) {
          send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
        }
      }
      if (!send('content_block_stop', { index })) return;
    }

    send('message_delta', {
      delta: { stop_reason: reply.stopReason, stop_sequence: null },
      usage: { output_tokens: reply.outputTokens },
    });
    send('message_stop', {});
    if (!res.destroyed) res.end();
  }

  async function handleMessages(res: ServerResponse, body: unknown): Promise<void> {
    const n = ++counter;
    if (!isRecord(body)) {
      sendJson(res, 400, apiError('invalid_request_error', 'Request body must be a JSON object'), {
        'request-id': `req_mock_${n}`,
      });
      return;
    }
    const prompt = extractPrompt(body);
    if (prompt.includes('FAIL_500')) {
      sendJson(res, 500, apiError('api_error', 'Internal server error'), { 'request-id': `req_mock_${n}` });
      return;
    }
    if (prompt.includes('FAIL_401')) {
      sendJson(res, 401, apiError('authentication_error', 'invalid x-api-key'), { 'request-id': `req_mock_${n}` });
      return;
    }

    const model = typeof body.model === 'string' ? body.model : DEFAULT_MODEL;
    const reply = buildReply(body, n);

    if (body.stream === true) {
      // Stop writing as soon as the client goes away (cancellation) or the mock closes.
      const perResponse = new AbortController();
      const onShutdown = (): void => perResponse.abort();
      shutdown.signal.addEventListener('abort', onShutdown, { once: true });
      res.on('close', () => {
        perResponse.abort();
        shutdown.signal.removeEventListener('abort', onShutdown);
      });
      await streamReply(res, reply, model, n, perResponse.signal);
      return;
    }

    sendJson(
      res,
      200,
      {
        id: `msg_mock_${n}`,
        type: 'message',
        role: 'assistant',
        model,
        content: reply.blocks,
        stop_reason: reply.stopReason,
        stop_sequence: null,
        usage: usageOf(reply, reply.outputTokens),
      },
      { 'request-id': `req_mock_${n}` },
    );
  }

  function countTokens(body: unknown): number {
    // Roughly four characters per token; only needs to be plausible.
    return Math.max(1, Math.ceil(JSON.stringify(body ?? '').length / 4));
  }

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown = raw;
      let parsed = raw.length === 0;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
          parsed = true;
        } catch {
          // Keep the raw text so a test can see what was sent.
        }
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ path: req.url ?? '/', headers: { ...req.headers }, body });

      if (req.method === 'POST' && url.pathname === '/v1/messages') {
        if (!parsed) {
          sendJson(res, 400, apiError('invalid_request_error', 'Request body is not valid JSON'));
          return;
        }
        handleMessages(res, body).catch((err: unknown) => {
          if (!res.headersSent) sendJson(res, 500, apiError('api_error', String(err)));
          else res.destroy();
        });
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
        sendJson(res, 200, { input_tokens: countTokens(body) });
        return;
      }
      sendJson(res, 404, apiError('not_found_error', `No route for ${req.method ?? 'GET'} ${url.pathname}`));
    });
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        // Keep-alive and streaming sockets would otherwise hold close() open.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
