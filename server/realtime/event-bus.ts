import { ConsumerTooSlowError } from '../errors.js';
import type { SystemStatus } from '../services/system-status.service.js';
import type { TaskStop } from '../services/task.service.js';
import type { AgentEventRow, AgentRow, CommunicationRow, IncidentRow, TaskEventRow, TaskRow } from '../db/types.js';

/** A status transition of an agent, with the agent as it is after it. */
export interface AgentStatusChange {
  event: AgentEventRow;
  agent: AgentRow;
}

/** Topics and their payloads; a topic is further scoped by an id (a task, or 'all'). */
export interface Topics {
  taskEvent: TaskEventRow;
  agentStatus: AgentStatusChange;
  incident: IncidentRow;
  /** A task as it is after a committed change of status or progress. */
  task: TaskRow;
  communication: CommunicationRow;
  systemStatus: SystemStatus;
  /** A node asks the node that supervises an agent to stop its turn (a cancel, a spent budget). */
  stopTurn: { agentId: string; taskId: string; stop: TaskStop };
}

export class SubscriberOverflowError extends ConsumerTooSlowError {
  override name = 'SubscriberOverflowError';
  constructor(limit: number) {
    super(`Subscriber fell more than ${limit} events behind and was disconnected; resubscribe with the last seq seen.`);
  }
}

export interface Subscription<T> extends AsyncIterableIterator<T> {
  close(): void;
}

/** Carries publications between the nodes that share a database (Redis); absent on one node. */
export interface BusTransport {
  /** Sends to every node, this one included, whose receive() hands it to the local subscribers. */
  send(topic: keyof Topics, scope: string, payload: unknown): boolean;
  close(): Promise<void>;
}

/**
 * Publish/subscribe, in process or across nodes through a transport. Subscribing registers at
 * once (not on first read), so a caller can subscribe, then replay from the database, and miss
 * nothing in between. Each subscriber has a bounded buffer: one that cannot keep up is ended
 * with an error instead of growing the server's memory.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private transport: BusTransport | undefined;

  constructor(private readonly bufferLimit = 10_000) {}

  /** From now on publications go through the transport (and come back through receive). */
  useTransport(transport: BusTransport): void {
    this.transport = transport;
  }

  publish<K extends keyof Topics>(topic: K, scope: string, payload: Topics[K]): void {
    // A transport that cannot send (Redis down) leaves this node's subscribers served directly.
    if (this.transport?.send(topic, scope, payload)) return;
    this.receive(topic, scope, payload);
  }

  /** Hands a publication to this node's subscribers. */
  receive(topic: keyof Topics, scope: string, payload: unknown): void {
    const set = this.listeners.get(`${topic}:${scope}`);
    if (!set) return;
    for (const listener of [...set]) listener(payload);
  }

  subscribe<K extends keyof Topics>(topic: K, scope: string): Subscription<Topics[K]> {
    const key = `${topic}:${scope}`;
    const buffer: Topics[K][] = [];
    let waiting: ((result: IteratorResult<Topics[K]>) => void) | undefined;
    let failWaiting: ((error: unknown) => void) | undefined;
    let failure: Error | undefined;
    let closed = false;

    const listeners = this.listeners;
    const listener = (payload: unknown) => {
      if (closed) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        failWaiting = undefined;
        resolve({ value: payload as Topics[K], done: false });
        return;
      }
      buffer.push(payload as Topics[K]);
      if (buffer.length > this.bufferLimit) {
        failure = new SubscriberOverflowError(this.bufferLimit);
        buffer.length = 0;
        detach();
      }
    };
    const detach = () => {
      const set = listeners.get(key);
      set?.delete(listener);
      if (set && set.size === 0) listeners.delete(key);
    };
    const close = () => {
      if (closed) return;
      closed = true;
      detach();
      buffer.length = 0;
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      failWaiting = undefined;
    };

    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(listener);

    const iterator: Subscription<Topics[K]> = {
      next() {
        if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as Topics[K], done: false });
        if (failure) {
          const error = failure;
          close();
          return Promise.reject(error);
        }
        if (closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          waiting = resolve;
          failWaiting = reject;
        });
      },
      return() {
        close();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw(error?: unknown) {
        close();
        return Promise.reject(error);
      },
      close,
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    // failWaiting is kept for symmetry with close(); overflow only happens while nobody waits.
    void failWaiting;
    return iterator;
  }

  /** Number of live subscriptions (for tests and metrics). */
  subscriberCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }
}
