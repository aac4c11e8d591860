import { describe, expect, it } from 'vitest';
import { turnInView, turnsOf } from '../src/timeline/turns';
import { groupByTurn, type TraceView } from '../src/traces/groupByTurn';
import { toUiMessage } from '../src/stream/sessionState';
import { message, uuid } from './fixtures';

const assistant = (n: number, over = {}) =>
  toUiMessage(
    message(n, {
      role: 'assistant',
      model: 'm1',
      usage: { input_total: 100, no_cache: 40, cache_read: 60, cache_write: 0, output: 20, reasoning: 0 },
      ...over,
    }),
  );

describe('turnsOf', () => {
  it('makes one row per assistant message with tokens, cache hit and duration', () => {
    const rows = turnsOf([toUiMessage(message(1)), assistant(2, { turn: 1 }), toUiMessage(message(3)), assistant(4, { turn: 7 })]);
    expect(rows.map((r) => [r.turn, r.tokens, r.cacheHitPct, r.durationMs, r.model])).toEqual([
      [1, 120, 60, 500, 'm1'],
      [7, 120, 60, 500, 'm1'],
    ]);
  });

  it('has no duration while the turn runs', () => {
    const [row] = turnsOf([assistant(1, { status: 'streaming', finished_at: null, turn: 1 })]);
    expect(row!.durationMs).toBeNull();
    expect(row!.status).toBe('streaming');
  });
});

it('takes finished turns from the usage summary, with their tool counts, when not loaded', () => {
  const rows = turnsOf(
    [assistant(9, { turn: 5 })],
    [
      {
        turn_number: 2,
        message_id: uuid(3),
        task_id: null,
        agent: 'native',
        model: 'm0',
        provider: null,
        usage: { input_total: 10, no_cache: 10, cache_read: 0, cache_write: 0, output: 5, reasoning: 0 },
        cost: null,
        saved: null,
        steps: 1,
        tool_calls: 4,
        latency_ms: 1000,
        ttft_ms: null,
        cache_hit_ratio: 0,
        started_at: new Date(0).toISOString(),
        finished_at: new Date(1000).toISOString(),
      },
    ],
  );
  expect(rows.map((r) => [r.turn, r.messageId, r.toolCount, r.tokens, r.cacheHitPct, r.durationMs])).toEqual([
    [2, uuid(3), 4, 15, 0, 1000],
    [5, uuid(9), 0, 120, 60, 500],
  ]);
});

describe('turnInView', () => {
  const msgs = [toUiMessage(message(1)), assistant(2), toUiMessage(message(3)), assistant(4)];
  it('is the last assistant message at or above the first visible row', () => {
    expect(turnInView(msgs, 2)).toBe(uuid(2));
    expect(turnInView(msgs, 3)).toBe(uuid(4));
  });
  it('is the first assistant message below when none is above', () => {
    expect(turnInView(msgs, 0)).toBe(uuid(2));
    expect(turnInView([], 0)).toBeNull();
  });
});

describe('groupByTurn', () => {
  const t = (id: number, messageId: string, turn: number, startMs: number, latencyMs: number | null): TraceView => ({
    id: uuid(id),
    turn,
    messageId,
    toolCallId: `call_${id}`,
    subagentIds: [],
    toolName: 'read_file',
    input: {},
    output: null,
    error: null,
    outcome: latencyMs === null ? null : 'success',
    startedAt: new Date(startMs).toISOString(),
    finishedAt: latencyMs === null ? null : new Date(startMs + latencyMs).toISOString(),
    latencyMs,
  });

  it('groups by turn and spans the turn from its message bounds', () => {
    const turns = groupByTurn(
      [t(3, 'b', 2, 5000, 100), t(1, 'a', 1, 1500, 200), t(2, 'a', 1, 1200, 100)],
      new Map([['a', { startedAt: new Date(1000).toISOString(), finishedAt: new Date(3000).toISOString() }]]),
      10_000,
    );
    expect(turns.map((x) => [x.turn, x.startMs, x.durationMs, x.traces.map((y) => y.id)])).toEqual([
      [1, 1000, 2000, [uuid(2), uuid(1)]],
      [2, 5000, 100, [uuid(3)]],
    ]);
  });

  it('extends a running turn to now and counts running calls', () => {
    const [turn] = groupByTurn([t(1, 'a', 1, 1000, null)], new Map([['a', { startedAt: new Date(1000).toISOString(), finishedAt: null }]]), 4000);
    expect(turn!.durationMs).toBe(3000);
    expect(turn!.running).toBe(1);
  });
});
