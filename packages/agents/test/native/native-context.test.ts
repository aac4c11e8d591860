import { describe, expect, it } from 'vitest';
import type { HistoryMessage } from '@boocode/contracts';
import type { ModelMessage } from 'ai';
import { compactCommand, planCompaction, planStepCompaction } from '../../src/native/compaction.js';
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

describe('compaction within a turn', () => {
  const step = (id: string, words: number): ModelMessage[] => [
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: id, toolName: 'read_file', input: { path: `${id}.txt` } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: id, toolName: 'read_file', output: { type: 'text', value: 'word '.repeat(words) } }] },
  ];
  const turn: ModelMessage[] = [{ role: 'user', content: 'earlier turn' }, { role: 'assistant', content: 'earlier answer' }, { role: 'user', content: 'read them' }];

  it('cuts before a tool call (never between a call and its result), keeping the newest steps within a quarter of the window', async () => {
    const counter = new MessageCounter(await tokenizerFor('deepseek-chat'));
    const messages = [...turn, ...step('a', 1500), ...step('b', 1000), ...step('c', 1000)];
    // About 4,500 tokens in all, over 40 % of the window.
    const o = { fixedTokens: 1000, window: 10_000, compactAt: 0.4 };
    const plan = planStepCompaction(messages, 2, counter, o);
    // Steps b and c (about 2,000 tokens) fit in 2,500; a does not: everything before b's call goes.
    expect(plan).toMatchObject({ kind: 'compact', cut: 5 });
    expect(messages[5]!.role).toBe('assistant');
    if (plan.kind === 'compact') expect(plan.tokensBefore).toBe(counter.count(messages.slice(0, 5)));
    // Below the threshold: nothing.
    expect(planStepCompaction(messages, 2, counter, { ...o, compactAt: 0.9 })).toEqual({ kind: 'none' });
    // No step of the turn yet (its own message at 2 is the last): nothing to cut within it.
    expect(planStepCompaction([...turn, { role: 'user', content: 'word '.repeat(6000) }], 2, counter, o)).toEqual({ kind: 'none' });
  });

  it('keeps the newest step even when it is larger than a quarter, and gives up when it alone does not fit the window', async () => {
    const counter = new MessageCounter(await tokenizerFor('deepseek-chat'));
    const big = [...turn, ...step('a', 500), ...step('b', 4000)];
    expect(planStepCompaction(big, 2, counter, { fixedTokens: 1000, window: 10_000, compactAt: 0.5 })).toMatchObject({ kind: 'compact', cut: 5 });
    const huge = [...turn, ...step('a', 500), ...step('b', 9500)];
    const plan = planStepCompaction(huge, 2, counter, { fixedTokens: 1000, window: 10_000, compactAt: 0.5 });
    expect(plan.kind).toBe('too_large');
    if (plan.kind === 'too_large') expect(plan.tokens).toBeGreaterThan(10_000);
  });
});
