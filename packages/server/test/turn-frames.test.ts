import { describe, expect, it } from 'vitest';
import { SessionFramePayload, type Usage } from '@boocode/contracts';
import { TurnFrames, type TurnEffects, type TurnIdentity } from '../src/tasks/turn/frames.js';
import { endingOf } from '../src/tasks/turn/record.js';

// Pure: no database, no broker. A pinned clock and pinned trace ids make every effect exact.
const id: TurnIdentity = {
  sessionId: '00000000-0000-4000-8000-000000000001',
  projectId: '00000000-0000-4000-8000-000000000002',
  chatId: '00000000-0000-4000-8000-000000000003',
  messageId: '00000000-0000-4000-8000-000000000004',
  taskId: '00000000-0000-4000-8000-000000000005',
  turn: 3,
  agent: 'native',
};
const ref = { chat_id: id.chatId, message_id: id.messageId };
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function frames(): { tf: TurnFrames; clock: { now: number } } {
  const clock = { now: T0 };
  let n = 0;
  const tf = new TurnFrames(id, { now: () => clock.now, newId: () => `00000000-0000-4000-8000-1000000000${String(++n).padStart(2, '0')}` });
  return { tf, clock };
}

const usage = (output: number, input = 10): Usage => ({ input_total: input, no_cache: input, cache_read: 0, cache_write: 0, output, reasoning: 0 });

/** Every frame a builder returns must be one the contract accepts. */
function valid(effects: TurnEffects): TurnEffects {
  for (const f of effects.frames) SessionFramePayload.parse(f);
  return effects;
}

describe('TurnFrames', () => {
  it('turns text and reasoning into deltas and message text, and notes the first output', () => {
    const { tf, clock } = frames();
    clock.now = T0 + 5;
    expect(valid(tf.apply({ type: 'usage', usage: usage(0), raw: null }))).toMatchObject({ append: null });
    expect(tf.firstOutputAt).toBeNull(); // usage is not an answer
    clock.now = T0 + 40;
    expect(valid(tf.apply({ type: 'text', text: 'hel' }))).toEqual({
      frames: [{ type: 'message_delta', ...ref, text: 'hel' }],
      append: { to: 'text', text: 'hel' },
      writes: [],
    });
    expect(valid(tf.apply({ type: 'reasoning', text: 'hmm' })).append).toEqual({ to: 'reasoning', text: 'hmm' });
    expect(tf.firstOutputAt).toBe(T0 + 40);
  });

  it('replaces NUL, which PostgreSQL cannot store, in text and tool input', () => {
    const { tf } = frames();
    expect(tf.apply({ type: 'text', text: 'a\u0000b' }).append).toEqual({ to: 'text', text: 'a\uFFFDb' });
    const start = tf.apply({ type: 'tool_call', id: 'c1', name: 'read', input: { path: 'x\u0000y' }, started_at: new Date(T0).toISOString() });
    expect(start.writes[0]).toMatchObject({ type: 'trace_started', trace: { input: { path: 'x\uFFFDy' } } });
  });

  it('makes one trace per tool call: start, input update, finish, with latency and capped output', () => {
    const { tf, clock } = frames();
    const start = valid(tf.apply({ type: 'tool_call', id: 'c1', name: 'bash', input: {}, started_at: new Date(T0 + 100).toISOString() }));
    const traceId = '00000000-0000-4000-8000-100000000001';
    expect(start.frames).toEqual([
      { type: 'tool_trace_start', ...ref, trace_id: traceId, tool_call_id: 'c1', tool_name: 'bash', tool_input: {}, turn: 3, started_at: new Date(T0 + 100).toISOString() },
    ]);
    expect(start.writes).toEqual([
      {
        type: 'trace_started',
        trace: { id: traceId, sessionId: id.sessionId, chatId: id.chatId, messageId: id.messageId, taskId: id.taskId, turn: 3, toolCallId: 'c1', toolName: 'bash', input: {}, startedAt: new Date(T0 + 100) },
      },
      { type: 'message_metadata', messageId: id.messageId, patch: { tool_offsets: { [traceId]: 0 } } },
    ]);
    // Some agents send the start twice: still one trace.
    expect(tf.apply({ type: 'tool_call', id: 'c1', name: 'bash', input: {}, started_at: new Date(T0).toISOString() })).toEqual({ frames: [], append: null, writes: [] });
    expect(tf.toolCalls).toBe(1);

    const update = valid(tf.apply({ type: 'tool_update', id: 'c1', status: 'running', input: { cmd: 'ls' } }));
    expect(update.frames).toEqual([{ type: 'tool_trace_update', ...ref, trace_id: traceId, status: 'running', tool_input: { cmd: 'ls' } }]);
    expect(update.writes).toEqual([{ type: 'trace_input', traceId, input: { cmd: 'ls' } }]);

    clock.now = T0 + 350;
    const big = 'x'.repeat(64 * 1024 + 10);
    const done = valid(tf.apply({ type: 'tool_update', id: 'c1', status: 'completed', output: big }));
    const output = 'x'.repeat(64 * 1024) + '\n[truncated]';
    expect(done.frames[0]).toMatchObject({ type: 'tool_trace_finish', trace_id: traceId, tool_name: 'bash', tool_output: output, latency_ms: 250, outcome: 'success', error: null });
    expect(done.writes).toEqual([
      { type: 'trace_finished', traceId, end: { output, finishedAt: new Date(T0 + 350), latencyMs: 250, error: null, outcome: 'success' } },
    ]);
    // Finished: later updates for the call are unknown and change nothing.
    expect(tf.apply({ type: 'tool_update', id: 'c1', status: 'failed' })).toEqual({ frames: [], append: null, writes: [] });
  });

  it('ignores updates for a call it never saw start', () => {
    const { tf } = frames();
    expect(tf.apply({ type: 'tool_update', id: 'nope', status: 'completed', output: 'x' })).toEqual({ frames: [], append: null, writes: [] });
    expect(tf.toolCalls).toBe(0);
  });

  it("separates the steps' texts with a blank line and notes where in the text each call happened", () => {
    const { tf } = frames();
    const at = new Date(T0).toISOString();
    expect(tf.apply({ type: 'text', text: 'Let me look first.' }).append?.text).toBe('Let me look first.');
    const call = tf.apply({ type: 'tool_call', id: 'c1', name: 'read_file', input: {}, started_at: at });
    expect(call.writes[1]).toEqual({
      type: 'message_metadata',
      messageId: id.messageId,
      patch: { tool_offsets: { '00000000-0000-4000-8000-100000000001': 18 } },
    });
    tf.apply({ type: 'tool_update', id: 'c1', status: 'completed', output: 'x' });
    tf.apply({ type: 'usage', usage: usage(1), raw: null });
    const next = valid(tf.apply({ type: 'text', text: '## Plan' }));
    expect(next.frames).toEqual([{ type: 'message_delta', ...ref, text: '\n\n## Plan' }]);
    expect(next.append).toEqual({ to: 'text', text: '\n\n## Plan' });
    // Within a step, deltas are joined as sent.
    expect(tf.apply({ type: 'text', text: ' now' }).append?.text).toBe(' now');
    // A step with no text before it (a call first) adds nothing; offsets count the inserted break.
    const call2 = tf.apply({ type: 'tool_call', id: 'c2', name: 'bash', input: {}, started_at: at });
    expect(call2.writes[1]).toMatchObject({
      patch: { tool_offsets: { '00000000-0000-4000-8000-100000000001': 18, '00000000-0000-4000-8000-100000000002': 31 } },
    });
  });

  it('a turn continued after a restart keeps the places of the tool cards from before it', () => {
    const kept = '00000000-0000-4000-8000-000000000099';
    const tf = new TurnFrames(id, { textLength: () => 40, newId: () => '00000000-0000-4000-8000-100000000001', toolOffsets: { [kept]: 12 } });
    const call = tf.apply({ type: 'tool_call', id: 'c9', name: 'bash', input: {}, started_at: new Date(T0).toISOString() });
    expect(call.writes[1]).toMatchObject({ patch: { tool_offsets: { [kept]: 12, '00000000-0000-4000-8000-100000000001': 40 } } });
  });

  it('starts a turn whose first output is a tool call without a leading break', () => {
    const { tf } = frames();
    tf.apply({ type: 'tool_call', id: 'c1', name: 'read_file', input: {}, started_at: new Date(T0).toISOString() });
    expect(tf.apply({ type: 'text', text: 'Done.' }).append?.text).toBe('Done.');
  });

  it('a failed call without an error says so', () => {
    const { tf } = frames();
    tf.apply({ type: 'tool_call', id: 'c1', name: 'bash', input: {}, started_at: 'not a date' });
    const done = valid(tf.apply({ type: 'tool_update', id: 'c1', status: 'failed' }));
    expect(done.frames[0]).toMatchObject({ outcome: 'error', error: 'tool failed', tool_output: null });
  });

  it("adds up usage and cost, and gives each step's usage to the calls made in that step only", () => {
    const { tf } = frames();
    tf.apply({ type: 'tool_call', id: 'c1', name: 'a', input: {}, started_at: new Date(T0).toISOString() });
    tf.apply({ type: 'tool_call', id: 'c2', name: 'b', input: {}, started_at: new Date(T0).toISOString() });
    const step1 = valid(tf.apply({ type: 'usage', usage: usage(5), raw: { n: 1 }, model: 'm1', provider: 'p', cost: 0.5 }));
    expect(step1.frames).toEqual([{ type: 'usage', ...ref, turn: 3, usage: usage(5), model: 'm1' }]);
    expect(step1.writes).toEqual([
      { type: 'step_usage', traceIds: ['00000000-0000-4000-8000-100000000001', '00000000-0000-4000-8000-100000000002'], usage: usage(5) },
    ]);
    const step2 = tf.apply({ type: 'usage', usage: usage(7), raw: { n: 2 }, cost: 0.25 });
    expect(step2.writes).toEqual([]); // no calls in this step
    expect(tf.usage).toEqual(usage(12, 20));
    expect(tf).toMatchObject({ steps: 2, cost: 0.75, model: 'm1', provider: 'p', raw: [{ n: 1 }, { n: 2 }] });
  });

  it("keeps plan, context use and notices in the message's metadata, notices accumulating", () => {
    const { tf } = frames();
    const plan = valid(tf.apply({ type: 'plan', entries: [{ content: 'do it', status: 'pending' }] }));
    expect(plan.writes).toEqual([{ type: 'message_metadata', messageId: id.messageId, patch: { plan: [{ content: 'do it', status: 'pending' }] } }]);
    valid(tf.apply({ type: 'notice', severity: 'info', title: 'one' }));
    const second = valid(tf.apply({ type: 'notice', severity: 'warning', title: 'two', description: 'd' }));
    expect(second.writes).toEqual([
      {
        type: 'message_metadata',
        messageId: id.messageId,
        patch: { notices: [{ severity: 'info', title: 'one', at: 0, tools: 0 }, { severity: 'warning', title: 'two', description: 'd', at: 0, tools: 0 }] },
      },
    ]);
    const ctx = valid(tf.apply({ type: 'context_usage', used: 10, size: 100 }));
    expect(ctx.frames).toEqual([{ type: 'context_usage', ...ref, used: 10, size: 100 }]);
    expect(tf.agentState.context_usage).toEqual({ used: 10, size: 100 });
  });

  it('keeps where each notice came: the text said and the tool calls started before it', () => {
    const { tf } = frames();
    tf.apply({ type: 'text', text: 'Reading.' });
    tf.apply({ type: 'tool_call', id: 'c1', name: 'read_file', input: {}, started_at: new Date(0).toISOString() });
    tf.apply({ type: 'tool_call', id: 'c2', name: 'read_file', input: {}, started_at: new Date(0).toISOString() });
    const notice = valid(tf.apply({ type: 'notice', severity: 'info', title: 'Context compacted' }));
    // The frame is as before: a client reading the stream is at that place.
    expect(notice.frames).toEqual([{ type: 'notice', ...ref, severity: 'info', title: 'Context compacted' }]);
    expect(notice.writes).toEqual([{ type: 'message_metadata', messageId: id.messageId, patch: { notices: [{ severity: 'info', title: 'Context compacted', at: 8, tools: 2 }] } }]);
  });

  it('a continued turn keeps the notices from before the restart, and counts the calls made then', () => {
    const earlier = { severity: 'info', title: 'Context compacted', at: 3, tools: 1 };
    const tf = new TurnFrames(id, { textLength: () => 12, toolOffsets: { t1: 0 }, notices: [earlier] });
    const notice = valid(tf.apply({ type: 'notice', severity: 'warning', title: 'later' }));
    expect(notice.writes).toEqual([{ type: 'message_metadata', messageId: id.messageId, patch: { notices: [earlier, { severity: 'warning', title: 'later', at: 12, tools: 1 }] } }]);
  });

  it("keeps the agent's state (commands, mode, settings, title); only the title is written, as the session's name", () => {
    const { tf } = frames();
    const effects = [
      tf.apply({ type: 'commands', commands: [{ name: 'init', description: '' }] }),
      tf.apply({ type: 'mode_changed', mode_id: 'plan' }),
      tf.apply({ type: 'config_options', options: [] }),
      tf.apply({ type: 'session_info', title: 'Fixing the bug' }),
    ].map(valid);
    expect(effects.map((e) => e.frames[0]!.type)).toEqual(['commands', 'mode_changed', 'config_options', 'agent_title']);
    expect(effects.flatMap((e) => e.writes)).toEqual([{ type: 'session_title', sessionId: id.sessionId, title: 'Fixing the bug' }]);
    // A cleared title (null) or a blank one names nothing.
    expect(valid(tf.apply({ type: 'session_info', title: '  ' })).writes).toEqual([]);
    expect(valid(tf.apply({ type: 'session_info', title: null })).writes).toEqual([]);
    tf.apply({ type: 'session_info', title: 'Fixing the bug' });
    expect(tf.agentState).toEqual({ commands: [{ name: 'init', description: '' }], mode_id: 'plan', config_options: [], title: 'Fixing the bug' });
    expect(tf.firstOutputAt).toBeNull();
  });

  it('closes calls left open: failed, and marked cancelled when the turn was cancelled', () => {
    const { tf } = frames();
    tf.apply({ type: 'tool_call', id: 'c1', name: 'a', input: {}, started_at: new Date(T0).toISOString() });
    tf.apply({ type: 'tool_call', id: 'c2', name: 'b', input: {}, started_at: new Date(T0).toISOString() });
    tf.apply({ type: 'tool_update', id: 'c2', status: 'completed' });
    const closed = valid(tf.closeOpenTraces('cancelled', 'cancelled by the user'));
    expect(closed.frames).toEqual([expect.objectContaining({ type: 'tool_trace_finish', tool_call_id: 'c1', outcome: 'error', error: 'cancelled by the user' })]);
    expect(closed.writes.map((w) => w.type)).toEqual(['trace_finished', 'trace_cancelled']);
    expect(tf.closeOpenTraces('cancelled', 'again')).toEqual({ frames: [], append: null, writes: [] });

    const other = frames().tf;
    other.apply({ type: 'tool_call', id: 'c1', name: 'a', input: {}, started_at: new Date(T0).toISOString() });
    expect(other.closeOpenTraces('error', 'agent crashed').writes.map((w) => w.type)).toEqual(['trace_finished']);
  });

  it('counts a permission request as output but leaves it to the permission center', () => {
    const { tf, clock } = frames();
    clock.now = T0 + 9;
    const effects = tf.apply({
      type: 'permission_request',
      request: { id: 'r1', tool_call_id: null, title: 'rm -rf', kind: 'execute', options: [] },
      respond: () => {},
    });
    expect(effects).toEqual({ frames: [], append: null, writes: [] });
    expect(tf.firstOutputAt).toBe(T0 + 9);
  });
});

describe('endingOf', () => {
  const ok = { ok: true, stop_reason: 'end_turn' as const, usage: usage(1) };
  it('reads how a prompted turn ended', () => {
    expect(endingOf(null, ok, true)).toEqual({ status: 'completed', error: null });
    expect(endingOf('cancel', ok, true)).toEqual({ status: 'cancelled', error: null });
    expect(endingOf(null, { ...ok, ok: false, stop_reason: 'cancelled' }, false)).toEqual({ status: 'cancelled', error: null });
    expect(endingOf('timeout', ok, true).status).toBe('timed_out');
    expect(endingOf(null, { ...ok, ok: false, stop_reason: 'error', error: { code: 'agent_crashed', message: 'boom' } }, true)).toEqual({
      status: 'failed',
      error: 'agent_crashed: boom',
    });
    expect(endingOf(null, { ...ok, ok: false, stop_reason: 'max_tokens' }, true)).toEqual({ status: 'failed', error: 'stopped: max_tokens' });
    // The agent's own time limit: timed out, with the agent's sentence.
    expect(endingOf(null, { ...ok, ok: false, stop_reason: 'error', error: { code: 'timeout', message: 'ran too long' } }, true)).toEqual({
      status: 'timed_out',
      error: 'ran too long',
    });
  });

  it('queues a turn interrupted by shutdown again only when the agent had not answered yet', () => {
    expect(endingOf('shutdown', ok, false)).toEqual({ status: 'pending', error: 'server shut down before the agent answered' });
    expect(endingOf('shutdown', ok, true)).toEqual({ status: 'pending', error: 'server stopped; continuing', resume: true });
    expect(endingOf('lease_lost', ok, true)).toEqual({ status: 'failed', error: 'interrupted', extra: { interrupted: true } });
    expect(endingOf('lease_lost', ok, false)).toEqual({ status: 'failed', error: 'interrupted', extra: { interrupted: true } });
  });
});
