import type { TokenUsage } from '../supervisor/agent-events.js';

/**
 * List prices in USD per million tokens by model family, for the live estimate shown while a
 * turn runs. Only an estimate: the CLI's own figure replaces it when the turn's result arrives.
 */
const PRICES_PER_MILLION: { family: RegExp; input: number; output: number; cacheRead: number; cacheWrite: number }[] = [
  { family: /opus/i, input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  { family: /sonnet/i, input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  { family: /haiku/i, input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
];

/** Estimated USD for the tokens of one model; undefined for a model of unknown price. */
export function estimateCostUsd(model: string | undefined, tokens: TokenUsage): number | undefined {
  const price = model ? PRICES_PER_MILLION.find((p) => p.family.test(model)) : undefined;
  if (!price) return undefined;
  return (
    (tokens.inputTokens * price.input +
      tokens.outputTokens * price.output +
      tokens.cacheReadTokens * price.cacheRead +
      tokens.cacheCreationTokens * price.cacheWrite) /
    1_000_000
  );
}
