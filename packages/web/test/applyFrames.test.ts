import { describe, expect, it } from 'vitest';
import { emptyUsage } from '@boocode/contracts';
import { applyFrames } from '../src/stream/applyFrames';
import { emptySessionState } from '../src/stream/sessionState';
import { CHAT, frame, message, TASK, uuid } from './fixtures';

const MSG = uuid(50);
const started = (at?: number) =>
  frame(
    {
      type: 'message_started',
      chat_id: CHAT,
      message_id: MSG,
      role: 'assistant',
      task_id: TASK,
      turn: 1,
      model: 'fake-model',
      started_at: '2026-01-01T00:00:00.000Z',
    },
    at,
  );
const delta = (text: string) => frame({ type: 'message_delta', chat_id: CHAT, message_id: MSG, text });

describe('applyFrames', () => {
  it('records the seq of each applied delta and skips deltas the text already holds', () => {
    const stored = message(2, { id: MSG, role: 'assistant', status: 'streaming', content: 'Hello', content_seq: 20 });
    let s = applyFrames(emptySessionState(), [frame({ type: 'message_created', message: stored })]);
    s = applyFrames(s, [
      frame({ type: 'message_delta', chat_id: CHAT, message_id: MSG, text: 'lo' }, 20),
      frame({ type: 'message_delta', chat_id: CHAT, message_id: MSG, text: ' world' }, 21),
      frame({ type: 'reasoning_delta', chat_id: CHAT, message_id: MSG, text: 'hm' }, 22),
    ]);
    const m = s.logs[CHAT]!.messages[0]!;
    expect([m.content, m.reasoning, m.content_seq]).toEqual(['Hello world', 'hm', 22]);
  });

  it('streams a message: start, deltas, reasoning, completion', () => {
    let s = applyFrames(emptySessionState(), [started(1), delta('Hel'), delta('lo')]);
    s = applyFrames(s, [frame({ type: 'reasoning_delta', chat_id: CHAT, message_id: MSG, text: 'think' })]);
    const m = s.logs[CHAT]!.messages[0]!;
    expect(m.content).toBe('Hello');
    expect(m.reasoning).toBe('think');
    expect(m.status).toBe('streaming');
    expect(s.inFlight.map((t) => t.message_id)).toEqual([MSG]);

    const usage = { ...emptyUsage(), input_total: 10, output: 3 };
    s = applyFrames(s, [
      frame({
        type: 'message_complete',
        chat_id: CHAT,
        message_id: MSG,
        status: 'complete',
        finished_at: '2026-01-01T00:00:02.000Z',
        usage,
      }),
    ]);
    expect(s.logs[CHAT]!.messages[0]).toMatchObject({ status: 'complete', usage, finished_at: '2026-01-01T00:00:02.000Z' });
    expect(s.inFlight).toEqual([]);
  });

  it("keeps that a turn's usage was not reported", () => {
    let s = applyFrames(emptySessionState(), [started(1), delta('Hi')]);
    s = applyFrames(s, [
      frame({ type: 'message_complete', chat_id: CHAT, message_id: MSG, status: 'complete', finished_at: '2026-01-01T00:00:02.000Z', usage: emptyUsage(), usage_reported: false }),
    ]);
    expect(s.logs[CHAT]!.messages[0]).toMatchObject({ status: 'complete', usage_reported: false });
  });

  it('never mutates the state it was given', () => {
    const s1 = applyFrames(emptySessionState(), [started(1), delta('a')]);
    const frozen = JSON.stringify(s1);
    const s2 = applyFrames(s1, [delta('b')]);
    expect(JSON.stringify(s1)).toBe(frozen);
    expect(s2.logs[CHAT]!.messages[0]!.content).toBe('ab');
    expect(s2.logs[CHAT]!.messages).not.toBe(s1.logs[CHAT]!.messages);
  });

  it('keeps a delta for an unknown message in a placeholder instead of dropping it', () => {
    const s = applyFrames(emptySessionState(), [delta('orphan')]);
    expect(s.logs[CHAT]!.messages[0]).toMatchObject({ id: MSG, content: 'orphan', status: 'streaming' });
  });

  it('does not reset content when message_started arrives for a known message', () => {
    let s = applyFrames(emptySessionState(), [started(1), delta('kept')]);
    s = applyFrames(s, [started()]);
    expect(s.logs[CHAT]!.messages).toHaveLength(1);
    expect(s.logs[CHAT]!.messages[0]!.content).toBe('kept');
  });

  it('a turn continued after a restart streams on in its message, marked as resumed', () => {
    // 'Half ' was journaled; 'wa' was cut off mid-step and is said again.
    const stored = message(2, { id: MSG, role: 'assistant', status: 'streaming', content: 'Half wa' });
    let s = applyFrames(emptySessionState(), [frame({ type: 'message_created', message: stored })]);
    const resumed = { ...started(), resumed_at: '2026-01-01T00:01:00.000Z', content_chars: 5, reasoning_chars: 0 } as ReturnType<typeof started>;
    s = applyFrames(s, [resumed, delta('way')]);
    expect(s.logs[CHAT]!.messages).toHaveLength(1);
    expect(s.logs[CHAT]!.messages[0]).toMatchObject({ content: 'Half way', status: 'streaming', metadata: { resumed: ['2026-01-01T00:01:00.000Z'] } });
    expect(s.inFlight.map((t) => t.message_id)).toEqual([MSG]);
  });

  it('places a streamed notice where it came: after the text and the calls so far', () => {
    const callStart = (n: number) =>
      frame({
        type: 'tool_trace_start',
        chat_id: CHAT,
        message_id: MSG,
        trace_id: uuid(80 + n),
        tool_call_id: `call_${n}`,
        tool_name: 'read_file',
        tool_input: { path: 'a.ts' },
        turn: 1,
        started_at: '2026-01-01T00:00:00.500Z',
      });
    const s = applyFrames(emptySessionState(), [
      started(1),
      delta('Reading.'),
      callStart(1),
      callStart(2),
      frame({ type: 'notice', chat_id: CHAT, message_id: MSG, severity: 'info', title: 'Context compacted' }),
      delta(' Done.'),
    ]);
    expect(s.logs[CHAT]!.messages[0]!.notices).toEqual([{ severity: 'info', title: 'Context compacted', description: null, place: { at: 8, tools: 2 } }]);
  });

  it('tracks a tool call from start to failure', () => {
    const trace = uuid(70);
    let s = applyFrames(emptySessionState(), [
      started(1),
      frame({
        type: 'tool_trace_start',
        chat_id: CHAT,
        message_id: MSG,
        trace_id: trace,
        tool_call_id: 'call_1',
        tool_name: 'read_file',
        tool_input: { path: 'a.ts' },
        turn: 1,
        started_at: '2026-01-01T00:00:00.500Z',
      }),
    ]);
    expect(s.logs[CHAT]!.messages[0]!.tools[0]).toMatchObject({ name: 'read_file', status: 'running' });
    s = applyFrames(s, [
      frame({
        type: 'tool_trace_finish',
        chat_id: CHAT,
        message_id: MSG,
        trace_id: trace,
        tool_call_id: 'call_1',
        tool_name: 'read_file',
        tool_output: null,
        latency_ms: 1200,
        error: 'ENOENT: a.ts',
        outcome: 'error',
        finished_at: '2026-01-01T00:00:01.700Z',
      }),
    ]);
    const t = s.logs[CHAT]!.messages[0]!.tools[0]!;
    expect(t).toMatchObject({ status: 'failed', error: 'ENOENT: a.ts', latencyMs: 1200, input: { path: 'a.ts' } });
  });

  it('marks tools still running as cancelled when their turn ends', () => {
    let s = applyFrames(emptySessionState(), [
      started(1),
      frame({
        type: 'tool_trace_start',
        chat_id: CHAT,
        message_id: MSG,
        trace_id: uuid(71),
        tool_call_id: 'c',
        tool_name: 'run_command',
        tool_input: {},
        turn: 1,
        started_at: '2026-01-01T00:00:00.500Z',
      }),
    ]);
    s = applyFrames(s, [
      frame({ type: 'message_complete', chat_id: CHAT, message_id: MSG, status: 'cancelled', finished_at: '2026-01-01T00:00:03Z' }),
    ]);
    expect(s.logs[CHAT]!.messages[0]!.tools[0]!.status).toBe('cancelled');
  });

  it('records permission requests and their resolution from any tab', () => {
    const perm = uuid(80);
    let s = applyFrames(emptySessionState(), [
      started(1),
      frame({
        type: 'permission_request',
        chat_id: CHAT,
        message_id: MSG,
        permission_id: perm,
        tool_call_id: 'call_9',
        title: 'Edit src/a.ts',
        kind: 'edit',
        options: [
          { id: 'once', name: 'Allow once', kind: 'allow_once' },
          { id: 'no', name: 'Reject', kind: 'reject_once' },
        ],
      }),
    ]);
    expect(s.permissions[0]!.resolved).toBeNull();
    expect(s.inFlight[0]!.awaiting_permission).toBe(true);
    s = applyFrames(s, [
      frame({ type: 'permission_resolved', chat_id: CHAT, permission_id: perm, outcome: 'once', decided_by: 'user' }),
    ]);
    expect(s.permissions[0]!.resolved).toEqual({ outcome: 'once', decidedBy: 'user' });
    expect(s.inFlight[0]!.awaiting_permission).toBe(false);
  });

  it('takes the in-flight turns from agent_snapshot and drops them on a terminal task_state', () => {
    let s = applyFrames(emptySessionState(), [
      frame({
        type: 'agent_snapshot',
        in_flight: [
          {
            task_id: TASK,
            chat_id: CHAT,
            message_id: MSG,
            turn: 2,
            agent: 'native',
            model: null,
            started_at: '2026-01-01T00:00:00Z',
            awaiting_permission: false,
          },
        ],
      }),
    ]);
    expect(s.inFlight).toHaveLength(1);
    s = applyFrames(s, [frame({ type: 'task_state', task_id: TASK, chat_id: CHAT, status: 'running' })]);
    expect(s.inFlight).toHaveLength(1);
    s = applyFrames(s, [frame({ type: 'task_state', task_id: TASK, chat_id: CHAT, status: 'failed', error: 'boom' })]);
    expect(s.inFlight).toEqual([]);
    expect(s.tasks[TASK]).toEqual({ status: 'failed', chatId: CHAT, error: 'boom' });
  });

  it('adds a whole message from message_created and a chat from chat_created once', () => {
    const chat = { id: uuid(90), session_id: message(1).session_id, name: 'Second', created_at: '2026-01-01T00:00:00Z' };
    const s = applyFrames(emptySessionState(), [
      frame({ type: 'message_created', message: message(1) }),
      frame({ type: 'chat_created', chat }),
      frame({ type: 'chat_created', chat }),
      frame({ type: 'chat_renamed', chat_id: chat.id, name: 'Renamed' }),
    ]);
    expect(s.logs[CHAT]!.messages.map((m) => m.content)).toEqual(['message 1']);
    expect(s.chats).toEqual([{ ...chat, name: 'Renamed' }]);
  });

  it('bounds the setup output it keeps', () => {
    const big = 'x'.repeat(20_000);
    const s = applyFrames(emptySessionState(), [
      frame({ type: 'setup_output', stream: 'stdout', text: big }),
      frame({ type: 'setup_output', stream: 'stdout', text: big + 'END' }),
    ]);
    expect(s.setupOutput.length).toBe(32_000);
    expect(s.setupOutput.endsWith('END')).toBe(true);
  });
});
