import { describe, expect, it } from 'vitest';
import { emptyUsage, type TurnUsage } from '@boocode/contracts';
import { turnEntries } from '../src/traces/turnEntries';
import { toUiMessage } from '../src/stream/sessionState';
import { message, uuid } from './fixtures';

const usageRow = (turn: number, tools: number, messageId: string | null): TurnUsage => ({
  turn_number: turn,
  message_id: messageId,
  task_id: null,
  agent: 'native',
  model: 'm',
  provider: null,
  usage: { ...emptyUsage(), input_total: 100, cache_read: 50, output: 10 },
  cost: null,
  saved: null,
  steps: 1,
  tool_calls: tools,
  latency_ms: 900,
  ttft_ms: 100,
  cache_hit_ratio: 0.5,
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:00.900Z',
});

describe('turnEntries', () => {
  it('lists finished turns from usage even when their messages are not loaded', () => {
    const entries = turnEntries([], [usageRow(1, 3, uuid(1)), usageRow(2, 0, uuid(2))]);
    expect(entries.map((e) => [e.turn, e.toolCount, e.running])).toEqual([
      [1, 3, false],
      [2, 0, false],
    ]);
  });

  it('adds the running turn from the messages with its live calls', () => {
    const running = toUiMessage(message(3, { role: 'assistant', status: 'streaming', turn: 3, finished_at: null }));
    const tool = { traceId: 't', toolCallId: 'c', name: 'x', input: {}, output: null, status: 'running' as const, error: null, startedAt: running.started_at, finishedAt: null, latencyMs: null, turn: 3 };
    const entries = turnEntries([{ ...running, tools: [tool] }], [usageRow(1, 3, uuid(1))]);
    expect(entries.map((e) => [e.turn, e.toolCount, e.running, e.finishedAt])).toEqual([
      [1, 3, false, '2026-01-01T00:00:00.900Z'],
      [3, 1, true, null],
    ]);
    expect(entries[1]!.liveTools).toEqual([tool]);
  });

  it('a turn whose agent reported no usage has unknown tokens, not zero', () => {
    const silent = { ...usageRow(1, 0, uuid(1)), usage: emptyUsage(), usage_reported: false };
    const fromUsage = turnEntries([], [silent, usageRow(2, 0, uuid(2))]);
    expect(fromUsage.map((e) => [e.usage, e.unreported])).toEqual([
      [null, true],
      [{ ...emptyUsage(), input_total: 100, cache_read: 50, output: 10 }, false],
    ]);
    // Known only from its message (the usage row not loaded yet).
    const done = toUiMessage(message(3, { role: 'assistant', status: 'complete', turn: 3, usage_reported: false }));
    expect(turnEntries([done], [])).toMatchObject([{ turn: 3, usage: null, unreported: true }]);
  });
});
