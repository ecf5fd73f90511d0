import { returningPromptly } from '../realtime/returning-promptly.js';

/** A live subscription narrowed to what a subscriber asked for; closing the stream unsubscribes at once. */
export function filtered<T>(source: AsyncIterableIterator<T> & { close(): void }, keep: (value: T) => boolean): AsyncGenerator<T> {
  async function* matching(): AsyncGenerator<T> {
    try {
      for await (const value of source) if (keep(value)) yield value;
    } finally {
      source.close();
    }
  }
  return returningPromptly(matching(), () => source.close());
}
