import { z } from 'zod';
import type { LanguageModelUsage } from 'ai';
import type { Usage } from '@boocode/contracts';

/**
 * Normalizes provider token usage to `{input_total, no_cache, cache_read, cache_write, output,
 * reasoning}` from the provider's raw usage object, which the SDK passes through untouched.
 * Reading the raw object matters: the SDK maps OpenAI's `prompt_tokens_details.cached_tokens` but
 * not DeepSeek's `prompt_cache_hit_tokens`, so the same cache hit would look different per provider.
 */

const count = z.number().int().nonnegative().nullish();

const RawUsage = z.looseObject({
  // OpenAI / DeepSeek / most OpenAI-compatible servers.
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.looseObject({ cached_tokens: count, cache_write_tokens: count }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: count }).nullish(),
  prompt_cache_hit_tokens: count,
  prompt_cache_miss_tokens: count,
  // Anthropic: input_tokens excludes both cache counts.
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count,
  cache_creation_input_tokens: count,
});

const n = (v: number | null | undefined): number => v ?? 0;

function fromSdk(u: LanguageModelUsage | undefined): Usage {
  const cacheRead = n(u?.inputTokenDetails.cacheReadTokens);
  const cacheWrite = n(u?.inputTokenDetails.cacheWriteTokens);
  const inputTotal = n(u?.inputTokens);
  return {
    input_total: inputTotal,
    no_cache: Math.max(0, inputTotal - cacheRead - cacheWrite),
    cache_read: cacheRead,
    cache_write: cacheWrite,
    output: n(u?.outputTokens),
    reasoning: n(u?.outputTokenDetails.reasoningTokens),
  };
}

export function normalizeUsage(raw: unknown, sdk?: LanguageModelUsage): Usage {
  const parsed = RawUsage.safeParse(raw);
  if (!parsed.success || raw === null || raw === undefined) return fromSdk(sdk);
  const r = parsed.data;
  if (r.input_tokens != null && r.prompt_tokens == null) {
    const read = n(r.cache_read_input_tokens);
    const write = n(r.cache_creation_input_tokens);
    return {
      input_total: n(r.input_tokens) + read + write,
      no_cache: n(r.input_tokens),
      cache_read: read,
      cache_write: write,
      output: n(r.output_tokens),
      reasoning: 0,
    };
  }
  const cacheRead = r.prompt_tokens_details?.cached_tokens ?? r.prompt_cache_hit_tokens ?? 0;
  const cacheWrite = n(r.prompt_tokens_details?.cache_write_tokens);
  const inputTotal = r.prompt_tokens ?? n(r.prompt_cache_hit_tokens) + n(r.prompt_cache_miss_tokens);
  return {
    input_total: inputTotal,
    no_cache: Math.max(0, inputTotal - cacheRead - cacheWrite),
    cache_read: cacheRead,
    cache_write: cacheWrite,
    output: n(r.completion_tokens),
    reasoning: n(r.completion_tokens_details?.reasoning_tokens),
  };
}
