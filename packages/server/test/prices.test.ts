import { describe, expect, it } from 'vitest';
import { emptyUsage, type Usage } from '@boocode/contracts';
import { PriceBook } from '../src/usage/prices.js';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

describe('price book', () => {
  const book = new PriceBook({ 'My-Model': { input: 2, output: 4, reasoning: 8 }, 'deepseek-chat': { input: 1, cached_input: 0.1, output: 2 } });

  it('finds exact ids, dated and provider-prefixed ids, and config.json entries (case-insensitive)', () => {
    expect(book.priceOf('claude-sonnet-4-5-20250929')).toEqual(book.priceOf('claude-sonnet-4-5'));
    expect(book.priceOf('claude-sonnet-4-5')!.input).toBe(3);
    expect(book.priceOf('gpt-4o-mini')!.input).toBe(0.15);
    expect(book.priceOf('gpt-4o-2024-08-06')!.input).toBe(2.5);
    expect(book.priceOf('openrouter/anthropic/claude-haiku-4-5')!.output).toBe(5);
    expect(book.priceOf('my-model')!.input).toBe(2);
    // config.json wins over the bundled table.
    expect(book.priceOf('deepseek-chat')!.input).toBe(1);
  });

  it('has no price for unknown models, near-misses and no model at all', () => {
    expect(book.priceOf('mystery')).toBeNull();
    expect(book.priceOf('gpt-4omni')).toBeNull();
    expect(book.priceOf(null)).toBeNull();
    expect(book.price('mystery', usage({ input_total: 10, no_cache: 10 }))).toBeNull();
  });

  it('prices each kind of token, reasoning apart only where the model says so', () => {
    const p = book.price('my-model', usage({ input_total: 1_000_000, no_cache: 400_000, cache_read: 500_000, cache_write: 100_000, output: 300_000, reasoning: 100_000 }))!;
    // Unset cached and write prices fall back to input: 1M input at 2, 200k plain output at 4, 100k reasoning at 8.
    expect(p.cost).toBeCloseTo(2 + 0.8 + 0.8, 10);
    expect(p.saved).toBe(0);
    const d = book.price('deepseek-chat', usage({ input_total: 1_000_000, no_cache: 200_000, cache_read: 800_000, output: 1_000_000, reasoning: 500_000 }))!;
    expect(d.cost).toBeCloseTo(0.2 + 0.08 + 2, 10);
    expect(d.saved).toBeCloseTo(0.8 * 0.9, 10);
  });
});
