import type { Usage } from '@boocode/contracts';
import type { Tokens } from './wire.js';

/**
 * opencode reports `input` without cached tokens and `output` without reasoning tokens (checked
 * against the fake LLM: prompt 100 / cached 10 / completion 20 / reasoning 5 arrives as input 90,
 * cache.read 10, output 15, reasoning 5). BooCode's `input_total` includes the cache and `output`
 * counts every generated token, reasoning included, like OpenAI's `completion_tokens`.
 */
export function usageFromTokens(t: Tokens): Usage {
  const n = (v: number): number => Math.max(0, Math.round(v));
  return {
    input_total: n(t.input + t.cache.read + t.cache.write),
    no_cache: n(t.input),
    cache_read: n(t.cache.read),
    cache_write: n(t.cache.write),
    output: n(t.output + t.reasoning),
    reasoning: n(t.reasoning),
  };
}
