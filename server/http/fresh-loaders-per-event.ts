import { initContextCache } from '@pothos/core';
import type { Plugin } from 'graphql-yoga';

/**
 * A subscription keeps one context for its whole life, and Pothos keeps its dataloaders on the
 * context: every event would then show nested objects (an event's agent, a task's workflow) as
 * they were first loaded. Each event's execution starts with an empty cache instead.
 */
export function useFreshLoadersPerEvent(): Plugin {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args }) {
          const renew = (): void => void Object.assign(args.contextValue as object, initContextCache());
          renew();
          return { onNext: renew };
        },
      };
    },
  };
}
