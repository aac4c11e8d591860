import { describe, expect, it } from 'vitest';
import type { HistoryMessage } from '@boocode/contracts';
import { compactCommand, planCompaction } from '../../src/native/compaction.js';
import { contextWindowOf, DEFAULT_CONTEXT_WINDOW } from '../../src/native/context-window.js';
import { MessageCounter, tokenizerFor } from '../../src/native/tokens.js';

const turn = (n: number, words: number): HistoryMessage[] => [
  { role: 'user', content: `ask ${n} ` + 'word '.repeat(words), turn: n },
  { role: 'assistant', content: `answer ${n}`, turn: n },
];

describe('context window', () => {
  it('knows model families by prefix, takes the configured window first, and is cautious with unknown models', () => {
    expect(contextWindowOf('deepseek-chat', undefined)).toBe(128_000);
    expect(contextWindowOf('claude-sonnet-4-5-20250929', undefined)).toBe(200_000);
    expect(contextWindowOf('openai/gpt-4.1-mini', undefined)).toBe(1_047_576);
    expect(contextWindowOf('gpt-4', undefined)).toBe(8_192);
    expect(contextWindowOf('gpt-4o', undefined)).toBe(128_000);
    expect(contextWindowOf('local-llama', undefined)).toBe(DEFAULT_CONTEXT_WINDOW);
    expect(contextWindowOf('deepseek-chat', 50_000)).toBe(50_000);
  });
});

describe('compaction plan', () => {
  it('recognises /compact only as the whole message', () => {
    expect(compactCommand([{ type: 'text', text: '/compact' }])).toEqual({ instructions: '' });
    expect(compactCommand([{ type: 'text', text: '  /compact keep paths\nand names ' }])).toEqual({ instructions: 'keep paths\nand names' });
    expect(compactCommand([{ type: 'text', text: 'please /compact' }])).toBeNull();
    expect(compactCommand([{ type: 'text', text: '/compacted' }])).toBeNull();
    expect(compactCommand([{ type: 'text', text: '/compact' }, { type: 'image', mime_type: 'image/png', data: 'AAAA' }])).toBeNull();
  });

  it('summarises the oldest turns once the threshold is reached, keeping the newest within a quarter of the window', async () => {
    const counter = new MessageCounter(await tokenizerFor('deepseek-chat'));
    const history = [1, 2, 3, 4, 5].flatMap((n) => turn(n, 1000));
    const o = { fixedTokens: 1000, window: 10_000, compactAt: 0.5 };
    const plan = planCompaction(history, counter, o)!;
    // Each turn is about 1000 tokens: the newest two fit in 2500.
    expect(plan.throughTurn).toBe(3);
    expect(plan.keep.map((h) => h.turn)).toEqual([4, 4, 5, 5]);
    expect(plan.summarise.map((h) => h.turn)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(plan.tokensBefore).toBeGreaterThan(5000);
    // Below the threshold: nothing.
    expect(planCompaction(history, counter, { ...o, compactAt: 0.9 })).toBeNull();
  });

  it('does nothing when every turn would be kept, or a turn number is missing', async () => {
    const counter = new MessageCounter(await tokenizerFor('deepseek-chat'));
    // One huge turn: it is the newest, so it stays, and nothing older is left to summarise.
    expect(planCompaction(turn(1, 9000), counter, { fixedTokens: 0, window: 10_000, compactAt: 0.5 })).toBeNull();
    const unnumbered: HistoryMessage[] = [{ role: 'user', content: 'word '.repeat(9000) }, ...turn(2, 10)];
    expect(planCompaction(unnumbered, counter, { fixedTokens: 0, window: 10_000, compactAt: 0.5 })).toBeNull();
  });
});
