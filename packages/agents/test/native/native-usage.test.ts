import { describe, expect, it } from 'vitest';
import { normalizeUsage } from '@boocode/agents';
import { ofType, runTurn, useLlmAndRepo } from './harness.js';

const env = useLlmAndRepo();

const SAME_NUMBERS = { prompt_tokens: 1000, completion_tokens: 50, cached_tokens: 800, reasoning_tokens: 20 };
const EXPECTED = { input_total: 1000, no_cache: 200, cache_read: 800, cache_write: 0, output: 50, reasoning: 20 };

describe('usage normalization', () => {
  it('normalizes OpenAI-style and DeepSeek-style cache fields identically, keeping each raw object', async () => {
    env.llm.push({ text: 'a', usage: { style: 'openai', ...SAME_NUMBERS } });
    const openai = await runTurn(env.llm, env.repo.root);
    env.llm.push({ text: 'b', usage: { style: 'deepseek', ...SAME_NUMBERS } });
    const deepseek = await runTurn(env.llm, env.repo.root);

    const [u1] = ofType(openai.events, 'usage');
    const [u2] = ofType(deepseek.events, 'usage');
    expect(u1?.usage).toEqual(EXPECTED);
    expect(u2?.usage).toEqual(EXPECTED);
    expect(openai.result.usage).toEqual(EXPECTED);
    expect(deepseek.result.usage).toEqual(EXPECTED);
    expect(u1?.raw).toMatchObject({ prompt_tokens_details: { cached_tokens: 800 } });
    expect(u2?.raw).toMatchObject({ prompt_cache_hit_tokens: 800, prompt_cache_miss_tokens: 200 });
    expect(u1).toMatchObject({ model: 'fake-model', provider: 'openai-compatible' });
  });

  it('emits usage per step and sums it in the turn result', async () => {
    env.llm.push(
      { toolCalls: [{ name: 'list_dir', arguments: {} }], usage: { prompt_tokens: 100, completion_tokens: 10, cached_tokens: 0 } },
      { text: 'done', usage: { style: 'deepseek', prompt_tokens: 150, completion_tokens: 5, cached_tokens: 100 } },
    );
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(ofType(events, 'usage').map((e) => e.usage.input_total)).toEqual([100, 150]);
    expect(result.usage).toEqual({ input_total: 250, no_cache: 150, cache_read: 100, cache_write: 0, output: 15, reasoning: 0 });
  });

  it('reports zero usage when the provider sends none', async () => {
    env.llm.push({ text: 'no usage' });
    const { result, events } = await runTurn(env.llm, env.repo.root);
    expect(ofType(events, 'usage')).toHaveLength(1);
    expect(result.usage).toEqual({ input_total: 0, no_cache: 0, cache_read: 0, cache_write: 0, output: 0, reasoning: 0 });
  });

  it('normalizes Anthropic-shaped raw usage, whose input_tokens exclude cache reads and writes', () => {
    expect(
      normalizeUsage({ input_tokens: 30, output_tokens: 7, cache_read_input_tokens: 500, cache_creation_input_tokens: 70 }),
    ).toEqual({ input_total: 600, no_cache: 30, cache_read: 500, cache_write: 70, output: 7, reasoning: 0 });
  });

  it('falls back to the SDK usage when there is no raw object', () => {
    expect(
      normalizeUsage(undefined, {
        inputTokens: 10,
        inputTokenDetails: { noCacheTokens: 6, cacheReadTokens: 4, cacheWriteTokens: undefined },
        outputTokens: 3,
        outputTokenDetails: { textTokens: 3, reasoningTokens: undefined },
        totalTokens: 13,
      }),
    ).toEqual({ input_total: 10, no_cache: 6, cache_read: 4, cache_write: 0, output: 3, reasoning: 0 });
  });
});
