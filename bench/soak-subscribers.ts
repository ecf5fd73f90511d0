/**
 * Subscriber churn against the server under soak: subscriptions to taskUpdated, taskEvents and
 * agentCommunication opened and closed at random throughout, each on its own graphql-ws
 * connection (so sockets come and go too). Every taskEvents subscription is checked as it
 * arrives: seqs follow on from afterSeq + 1 with no gap and no duplicate. A subscription the
 * server ends by going away (a restart) is counted apart from one that ends with an error.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { within } from './support.js';

type Kind = 'taskUpdated' | 'taskEvents' | 'agentCommunication';
const KINDS: Kind[] = ['taskUpdated', 'taskEvents', 'agentCommunication'];
const CLOSE_TIMEOUT_MS = 10_000;

const QUERIES: Record<Kind, string> = {
  taskUpdated: 'subscription($s: ID!) { taskUpdated(sessionId: $s) { id status } }',
  taskEvents: 'subscription($t: ID!, $after: Int!) { taskEvents(taskId: $t, afterSeq: $after) { seq kind } }',
  agentCommunication: 'subscription($s: ID!) { agentCommunication(sessionId: $s) { id } }',
};

export interface ChurnOptions {
  sessionId: string;
  /** Subscriptions open at once, at most. */
  maxOpen: number;
  /** Each subscription is closed by the client after a time drawn from this range, unless the server ends it first. */
  lifetimeMs: readonly [number, number];
  /** How often a subscription may be opened. */
  tickMs: number;
  random: () => number;
  /** Tasks a taskEvents subscription may follow (recently created ones). */
  recentTasks: () => readonly string[];
}

export interface ChurnFigures {
  opened: Record<Kind, number>;
  messages: Record<Kind, number>;
  closedByClient: number;
  completedByServer: number;
  /** Ended because the server went away (stopped for a restart): expected. */
  cutByRestart: number;
  /** Ended with an error while the server was up: message -> count. */
  errors: Record<string, number>;
  taskEventStreams: number;
  /** taskEvents seqs that skipped ahead of the next expected one. */
  gaps: number;
  /** taskEvents seqs at or below one already received. */
  duplicates: number;
  mostOpen: number;
}

interface Open {
  client: Client;
  life: number;
  ended: boolean;
  closed: Promise<void>;
  close(): void;
}

function describeError(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    const close = error as { code: number; reason: string };
    return `socket closed ${close.code}${close.reason ? ` ${close.reason}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export class SubscriberChurn {
  readonly figures: ChurnFigures = {
    opened: { taskUpdated: 0, taskEvents: 0, agentCommunication: 0 },
    messages: { taskUpdated: 0, taskEvents: 0, agentCommunication: 0 },
    closedByClient: 0,
    completedByServer: 0,
    cutByRestart: 0,
    errors: {},
    taskEventStreams: 0,
    gaps: 0,
    duplicates: 0,
    mostOpen: 0,
  };
  private readonly open = new Set<Open>();
  private url?: string;
  /** Server lives seen: a subscription opened in an earlier life that ends with an error was cut by the restart. */
  private life = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: ChurnOptions) {}

  /** The server listens at `url` (a new life): subscriptions may open again. */
  serverUp(url: string): void {
    this.life++;
    this.url = url.replace(/^http/, 'ws');
    this.timer ??= setInterval(() => this.tick(), this.options.tickMs);
  }

  /** The server is about to stop: nothing new opens until serverUp. */
  serverDown(): void {
    this.url = undefined;
  }

  get openCount(): number {
    return this.open.size;
  }

  /** Stops opening, closes every open subscription, and waits until their sockets are closed. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.url = undefined;
    const closing = [...this.open].map((sub) => {
      sub.close();
      return sub.closed;
    });
    // A socket that never settles must not hold the soak up; what it holds shows in the descriptor count.
    await within(Promise.all(closing), CLOSE_TIMEOUT_MS);
  }

  private tick(): void {
    if (!this.url || this.open.size >= this.options.maxOpen) return;
    const { random } = this.options;
    const tasks = this.options.recentTasks();
    let kind = KINDS[Math.floor(random() * KINDS.length)]!;
    if (kind === 'taskEvents' && tasks.length === 0) kind = 'taskUpdated';
    const [min, max] = this.options.lifetimeMs;
    this.subscribe(kind, this.url, tasks, min + random() * (max - min));
  }

  private subscribe(kind: Kind, url: string, tasks: readonly string[], lifetimeMs: number): void {
    const { random, sessionId } = this.options;
    const figures = this.figures;
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
    client.on('closed', () => markClosed());
    // A socket that never opened emits no 'closed'; its error settles it.
    client.on('error', () => markClosed());
    const taskId = tasks[Math.floor(random() * tasks.length)];
    // Half replay the whole transcript, half start a little way in (possibly past its end).
    const afterSeq = kind === 'taskEvents' && random() < 0.5 ? Math.floor(random() * 6) : 0;
    let nextSeq = afterSeq + 1;
    const sub: Open = {
      client,
      life: this.life,
      ended: false,
      closed,
      close: () => {
        if (!sub.ended) figures.closedByClient++;
        end();
      },
    };
    const end = () => {
      if (sub.ended && !this.open.has(sub)) return;
      sub.ended = true;
      clearTimeout(timer);
      this.open.delete(sub);
      unsubscribe();
      void client.dispose();
    };
    figures.opened[kind]++;
    if (kind === 'taskEvents') figures.taskEventStreams++;
    this.open.add(sub);
    figures.mostOpen = Math.max(figures.mostOpen, this.open.size);
    const variables = kind === 'taskEvents' ? { t: taskId, after: afterSeq } : { s: sessionId };
    const unsubscribe = client.subscribe<Record<string, { seq?: number }>>(
      { query: QUERIES[kind], variables },
      {
        next: (value) => {
          if (value.errors?.length) {
            this.failed(sub, describeError(value.errors));
            end();
            return;
          }
          figures.messages[kind]++;
          if (kind !== 'taskEvents') return;
          const seq = value.data?.taskEvents?.seq ?? NaN;
          if (seq > nextSeq) figures.gaps++;
          if (seq < nextSeq) figures.duplicates++;
          nextSeq = Math.max(nextSeq, seq + 1);
        },
        error: (error) => {
          if (!sub.ended) this.failed(sub, describeError(error));
          end();
        },
        complete: () => {
          if (!sub.ended) figures.completedByServer++;
          end();
        },
      },
    );
    const timer = setTimeout(() => sub.close(), lifetimeMs);
  }

  private failed(sub: Open, message: string): void {
    if (this.url === undefined || sub.life < this.life) this.figures.cutByRestart++;
    else this.figures.errors[message] = (this.figures.errors[message] ?? 0) + 1;
  }
}
