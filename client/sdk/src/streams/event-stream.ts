/**
 * A subscription as an async iterator. Reconnects are graphql-ws's (see transport/reconnect.ts);
 * the stream's position decides which events are new and where a reconnect resumes. The stream
 * also resubscribes by itself when the server ends a subscription with CONSUMER_TOO_SLOW, and
 * when its own buffer is full: it stops receiving, and once the reader has caught up it
 * subscribes again from its position.
 */
import type { Client as WsClient, FormattedExecutionResult } from 'graphql-ws';
import { GraphQLRequestError, TransportError, type SdkError } from '../errors.js';
import type { StreamPosition } from './positions.js';

export interface StreamSource<TEvent> {
  query: string;
  operationName: string;
  /** Sent with every (re)subscription; the position writes its resume point here. */
  variables: Record<string, unknown>;
  /** The event inside one result's data. */
  select(data: unknown): TEvent;
  position: StreamPosition<TEvent>;
}

interface Reader<TEvent> {
  resolve(result: IteratorResult<TEvent>): void;
  reject(error: unknown): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The error code of a subscription the server ended because its client fell behind. */
const CONSUMER_TOO_SLOW = 'CONSUMER_TOO_SLOW';

export class EventStream<TEvent> implements AsyncIterableIterator<TEvent> {
  private readonly buffer: TEvent[] = [];
  private readonly readers: Reader<TEvent>[] = [];
  private state: 'receiving' | 'paused' | 'ended' = 'receiving';
  /** Thrown to the reader once the buffer before it has been read. */
  private failure: SdkError | undefined;
  /** Each subscription's callbacks act only while it is the current one. */
  private generation = 0;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly socket: () => WsClient,
    private readonly source: StreamSource<TEvent>,
    private readonly maxBuffered: number,
    private readonly onEnd: () => void,
  ) {
    this.subscribe();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<TEvent>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as TEvent;
      if (this.state === 'paused' && this.buffer.length <= this.maxBuffered / 2) {
        this.state = 'receiving';
        this.subscribe();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.state === 'ended') return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  /** Unsubscribes (what `break` in a for-await loop calls); the socket closes with the last subscription. */
  return(): Promise<IteratorResult<TEvent>> {
    this.buffer.length = 0;
    this.failure = undefined;
    this.end();
    return Promise.resolve(DONE);
  }

  private subscribe(): void {
    const generation = ++this.generation;
    const current = () => generation === this.generation && this.state === 'receiving';
    let resubscribe = false;
    const { query, operationName, variables } = this.source;
    this.unsubscribe = this.socket().subscribe(
      { query, operationName, variables },
      {
        next: (result: FormattedExecutionResult<Record<string, unknown>>) => {
          if (!current()) return;
          if (result.errors?.length) {
            // The server ends the subscription next; pick it up again from the position.
            if (result.errors.some((error) => error.extensions?.code === CONSUMER_TOO_SLOW)) resubscribe = true;
            else this.fail(new GraphQLRequestError(result.errors, operationName));
            return;
          }
          const event = this.source.select(result.data);
          if (this.source.position.accept(event, variables)) this.push(event);
        },
        error: (error: unknown) => {
          if (current()) this.fail(connectionFailure(error, operationName));
        },
        complete: () => {
          if (!current()) return;
          if (resubscribe) this.subscribe();
          else this.end();
        },
      },
    );
  }

  /**
   * Unsubscribes on the next turn of the event loop. graphql-ws handles all the messages of one
   * network read in a row: unsubscribing inside a callback, before the server's own `complete`
   * for the same subscription in that read, would release the subscription twice and let the
   * socket close under the other streams.
   */
  private stopReceiving(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = () => {};
    setTimeout(unsubscribe, 0);
  }

  private push(event: TEvent): void {
    const reader = this.readers.shift();
    if (reader) {
      reader.resolve({ done: false, value: event });
      return;
    }
    this.buffer.push(event);
    if (this.buffer.length >= this.maxBuffered) {
      this.state = 'paused';
      this.stopReceiving();
    }
  }

  private fail(error: SdkError): void {
    const reader = this.readers.shift();
    if (reader) reader.reject(error);
    else this.failure = error;
    this.end();
  }

  private end(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.generation += 1;
    this.stopReceiving();
    for (const reader of this.readers.splice(0)) reader.resolve(DONE);
    this.onEnd();
  }
}

/** What graphql-ws reports when a subscription cannot go on: the server's errors, or the connection's end. */
function connectionFailure(error: unknown, operationName: string): SdkError {
  if (Array.isArray(error)) return new GraphQLRequestError(error, operationName);
  if (isCloseEvent(error)) {
    return new TransportError(`${operationName}: the connection closed (${error.code}${error.reason ? ` ${error.reason}` : ''}) and could not be reopened`, {
      cause: error,
      closeCode: error.code,
    });
  }
  const message = error instanceof Error ? error.message : ((error as { message?: unknown })?.message ?? String(error));
  return new TransportError(`${operationName}: the connection failed: ${String(message)}`, { cause: error });
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number' && 'reason' in value;
}
