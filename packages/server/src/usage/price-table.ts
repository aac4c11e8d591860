import type { ModelPrice } from '@boocode/contracts';

/**
 * List prices in USD per million tokens, as the providers published them on PRICES_DATE, for
 * their standard (not batch, not priority) tier. Keys are model ids or id prefixes; the longest
 * matching prefix wins. `prices` in config.json overrides or adds entries; nothing is fetched.
 * Anthropic's cache_write is the 5-minute cache write; DeepSeek's cached_input is its cache-hit price.
 */
export const PRICES_DATE = '2025-11-24';

export const BUNDLED_PRICES: Record<string, ModelPrice> = {
  // DeepSeek (V3.2 behind both names)
  'deepseek-chat': { input: 0.28, cached_input: 0.028, output: 0.42 },
  'deepseek-reasoner': { input: 0.28, cached_input: 0.028, output: 0.42 },
  // OpenAI
  'gpt-5': { input: 1.25, cached_input: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cached_input: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cached_input: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cached_input: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cached_input: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cached_input: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cached_input: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cached_input: 0.075, output: 0.6 },
  o3: { input: 2, cached_input: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cached_input: 0.275, output: 4.4 },
  // Anthropic
  'claude-opus-4-5': { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25 },
  'claude-opus-4-1': { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
  'claude-opus-4': { input: 15, cached_input: 1.5, cache_write: 18.75, output: 75 },
  'claude-sonnet-4-5': { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
  'claude-sonnet-4': { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
  'claude-haiku-4-5': { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5 },
  'claude-3-5-haiku': { input: 0.8, cached_input: 0.08, cache_write: 1, output: 4 },
};
