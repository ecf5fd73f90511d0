/**
 * An async generator cannot be stopped while it awaits: its return() waits until the pending
 * await settles, which for a live stream is the next event, and that may never come. This wraps
 * one so that return() (and throw()) first closes what it awaits, letting it finish at once: a
 * client that unsubscribes frees its subscription and buffer straight away.
 */
export function returningPromptly<T>(generator: AsyncGenerator<T>, close: () => void): AsyncGenerator<T> {
  const wrapped: AsyncGenerator<T> = {
    next: (...args) => generator.next(...args),
    return: (value) => {
      close();
      return generator.return(value);
    },
    throw: (error) => {
      close();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}
