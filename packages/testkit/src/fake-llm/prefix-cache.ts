/**
 * A prompt prefix cache as DeepSeek reports it: the longest prefix a request shares with any
 * earlier one counts as cached, in whole 64-token blocks. Tokens are counted the simple,
 * deterministic way: one token per 4 characters of the request's `tools` then `messages` as sent
 * (JSON text). Good enough to tell a prompt that extends the previous one from one that does not.
 */
const BLOCK_TOKENS = 64;
const CHARS_PER_TOKEN = 4;

export interface PrefixCacheUsage {
  prompt_tokens: number;
  prompt_cache_hit_tokens: number;
  prompt_cache_miss_tokens: number;
}

export class PrefixCache {
  private readonly seen: string[] = [];

  /** Counts this prompt's cached tokens against every earlier prompt, then remembers it. */
  measure(body: { tools?: unknown; messages: unknown }): PrefixCacheUsage {
    const prompt = JSON.stringify(body.tools ?? []) + JSON.stringify(body.messages);
    let shared = 0;
    for (const earlier of this.seen) shared = Math.max(shared, commonPrefix(earlier, prompt));
    this.seen.push(prompt);
    const total = Math.ceil(prompt.length / CHARS_PER_TOKEN);
    const hit = Math.floor(Math.floor(shared / CHARS_PER_TOKEN) / BLOCK_TOKENS) * BLOCK_TOKENS;
    return { prompt_tokens: total, prompt_cache_hit_tokens: hit, prompt_cache_miss_tokens: total - hit };
  }
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
