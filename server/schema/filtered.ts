/** A live subscription narrowed to what a subscriber asked for; closing the stream unsubscribes. */
export async function* filtered<T>(source: AsyncIterableIterator<T> & { close(): void }, keep: (value: T) => boolean) {
  try {
    for await (const value of source) if (keep(value)) yield value;
  } finally {
    source.close();
  }
}
