import { describe, expect, it } from 'vitest';
import { PrefixCache } from '../src/fake-llm/prefix-cache.js';

const msgs = (...texts: string[]) => texts.map((content) => ({ role: 'user', content }));
const long = 'x'.repeat(4 * 64 * 3); // three blocks of tokens

describe('fake LLM prefix cache', () => {
  it('counts nothing cached on the first request', () => {
    const u = new PrefixCache().measure({ messages: msgs(long) });
    expect(u.prompt_cache_hit_tokens).toBe(0);
    expect(u.prompt_cache_miss_tokens).toBe(u.prompt_tokens);
  });

  it('counts the prefix shared with an earlier request in whole 64-token blocks', () => {
    const cache = new PrefixCache();
    const first = cache.measure({ messages: msgs(long) });
    const second = cache.measure({ messages: msgs(long, 'next') });
    // The first prompt ends with "]" where the second goes on with ",": its last partial block is not shared.
    expect(second.prompt_cache_hit_tokens).toBe(Math.floor((first.prompt_tokens - 1) / 64) * 64);
    expect(second.prompt_cache_hit_tokens % 64).toBe(0);
    expect(second.prompt_cache_hit_tokens + second.prompt_cache_miss_tokens).toBe(second.prompt_tokens);
  });

  it('caches nothing when the prompt changes at its start (tools first)', () => {
    const cache = new PrefixCache();
    cache.measure({ tools: [{ name: 'a' }], messages: msgs(long) });
    expect(cache.measure({ tools: [{ name: 'b' }], messages: msgs(long) }).prompt_cache_hit_tokens).toBe(0);
  });
});
