import { describe, expect, it } from 'vitest';
import type { Permission, ToolTrace } from '@boocode/contracts';
import { collisionsOf, decisionFor, mergeToolCalls, permissionFromApi, toolCallFromTrace } from '../src/stream/fromApi';
import type { ToolCallView } from '../src/stream/sessionState';
import { CHAT, SESSION, uuid } from './fixtures';

const trace = (n: number, over: Partial<ToolTrace> = {}): ToolTrace => ({
  id: uuid(n),
  session_id: SESSION,
  chat_id: CHAT,
  message_id: uuid(50),
  task_id: null,
  turn_number: 2,
  tool_call_id: `call_${n}`,
  tool_name: 'read_file',
  tool_input: { path: 'a.ts' },
  tool_output: 'x',
  started_at: new Date(1000 * n).toISOString(),
  finished_at: new Date(1000 * n + 10).toISOString(),
  latency_ms: 10,
  tokens_used: null,
  cache_tokens: null,
  reasoning_tokens: null,
  error: null,
  outcome: 'success',
  cursor: String(n),
  ...over,
});

describe('toolCallFromTrace', () => {
  it('maps outcomes to card states', () => {
    expect(toolCallFromTrace(trace(1)).status).toBe('completed');
    expect(toolCallFromTrace(trace(1, { outcome: 'error', error: 'boom' }))).toMatchObject({ status: 'failed', error: 'boom' });
    expect(toolCallFromTrace(trace(1, { outcome: 'running' })).status).toBe('running');
    expect(toolCallFromTrace(trace(1, { outcome: null })).status).toBe('running');
    expect(toolCallFromTrace(trace(1, { outcome: 'cancelled' })).status).toBe('cancelled');
  });
});

describe('mergeToolCalls', () => {
  const running: ToolCallView = { ...toolCallFromTrace(trace(2)), status: 'running', latencyMs: null };
  it('keeps one copy per call, preferring the finished one, ordered by start', () => {
    const merged = mergeToolCalls([running], [toolCallFromTrace(trace(3)), toolCallFromTrace(trace(2))]);
    expect(merged.map((t) => [t.traceId, t.status])).toEqual([
      [uuid(2), 'completed'],
      [uuid(3), 'completed'],
    ]);
    const liveFinished = { ...running, status: 'failed' as const };
    expect(mergeToolCalls([liveFinished], [{ ...liveFinished, status: 'running' }])[0]!.status).toBe('failed');
  });
  it('returns the live list itself when nothing was fetched', () => {
    const live = [running];
    expect(mergeToolCalls(live, [])).toBe(live);
  });
});

describe('permissions', () => {
  const p: Permission = {
    id: uuid(80),
    session_id: SESSION,
    chat_id: CHAT,
    message_id: null,
    task_id: null,
    tool_call_id: null,
    title: 'Run npm test',
    kind: 'execute',
    options: [{ id: 'o1', name: 'Allow', kind: 'allow_once' }],
    status: 'pending',
    decision: null,
    decided_by: null,
    created_at: '2026-01-01T00:00:00Z',
    answered_at: null,
  };
  it('maps pending and answered requests', () => {
    expect(permissionFromApi(p).resolved).toBeNull();
    expect(permissionFromApi({ ...p, status: 'answered', decision: 'allow_always', decided_by: 'user' }).resolved).toEqual({
      outcome: 'allow_always',
      decidedBy: 'user',
    });
    expect(permissionFromApi({ ...p, status: 'cancelled' }).resolved).toEqual({ outcome: 'cancelled', decidedBy: 'cancelled' });
  });
  it('turns an option kind into the server decision', () => {
    expect(decisionFor('allow_once')).toBe('allow_once');
    expect(decisionFor('allow_always')).toBe('allow_always');
    expect(decisionFor('reject_once')).toBe('reject');
    expect(decisionFor('reject_always')).toBe('reject');
  });
});

describe('collisionsOf', () => {
  it('shows each collision from this session’s side', () => {
    const other = uuid(99);
    const all = [
      { file: 'a.ts', severity: 'same_line' as const, session_id: SESSION, other_session_id: other, ranges: [[1, 2]] as [number, number][], other_ranges: [[2, 3]] as [number, number][] },
      { file: 'b.ts', severity: 'different_area' as const, session_id: other, other_session_id: SESSION, ranges: [[9, 9]] as [number, number][], other_ranges: [[1, 1]] as [number, number][] },
      { file: 'c.ts', severity: 'same_line' as const, session_id: other, other_session_id: uuid(98), ranges: [], other_ranges: [] },
    ];
    expect(collisionsOf(all, SESSION)).toEqual([
      { file: 'a.ts', severity: 'same_line', other_session_id: other, ranges: [[1, 2]], other_ranges: [[2, 3]] },
      { file: 'b.ts', severity: 'different_area', other_session_id: other, ranges: [[1, 1]], other_ranges: [[9, 9]] },
    ]);
  });
});
