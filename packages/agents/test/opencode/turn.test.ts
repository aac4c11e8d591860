import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '@boocode/contracts';
import { OpenCodeTurn, type PermissionReply } from '../../src/opencode/turn.js';
import { parseSessionEvent, type MessageWithParts, type SessionEvent } from '../../src/opencode/wire.js';

/**
 * The event translator on its own, fed opencode's wire shapes (as recorded from opencode 1.18.33)
 * for the orderings a live run rarely produces: late events of an aborted turn, idle before the
 * last message completes, deltas after a stream gap, repeated reconciles.
 */

const S = 'ses_1';
const T0 = 1_000_000;

function ev(type: string, properties: unknown): SessionEvent {
  const e = parseSessionEvent(type, properties);
  if (!e) throw new Error(`unparsable ${type}`);
  return e;
}

const msg = (id: string, role: 'user' | 'assistant', created: number, extra: object = {}): SessionEvent =>
  ev('message.updated', { sessionID: S, info: { id, sessionID: S, role, time: { created }, ...extra } });
const done = (id: string, created: number, extra: object = {}): SessionEvent =>
  msg(id, 'assistant', created, { time: { created, completed: created + 10 }, ...extra });
const part = (p: object): SessionEvent => ev('message.part.updated', { sessionID: S, part: { sessionID: S, ...p } });
const delta = (messageID: string, partID: string, d: string): SessionEvent =>
  ev('message.part.delta', { sessionID: S, messageID, partID, field: 'text', delta: d });
const idle = (): SessionEvent => ev('session.idle', { sessionID: S });

function turn(): {
  t: OpenCodeTurn;
  events: AgentEvent[];
  replies: [string, PermissionReply][];
  reconciles: number[];
  rejected: string[];
  /** `waitingForUser` each time the turn said its permissions changed. */
  waits: boolean[];
} {
  const events: AgentEvent[] = [];
  const replies: [string, PermissionReply][] = [];
  const reconciles: number[] = [];
  const rejected: string[] = [];
  const waits: boolean[] = [];
  const t: OpenCodeTurn = new OpenCodeTurn(S, T0, {
    emit: (e) => events.push(e),
    replyPermission: async (id, r) => {
      replies.push([id, r]);
    },
    requestReconcile: () => reconciles.push(1),
    onPermissionError: () => {},
    rejectQuestion: (id) => rejected.push(id),
    onPermissionsChanged: () => waits.push(t.waitingForUser),
  });
  return { t, events, replies, reconciles, rejected, waits };
}

const text = (events: AgentEvent[], type: 'text' | 'reasoning' = 'text'): string =>
  events.flatMap((e) => (e.type === type ? [e.text] : [])).join('');

describe('OpenCodeTurn', () => {
  it('emits streamed text and reasoning once, not again on their final part update', async () => {
    const { t, events } = turn();
    t.handle(msg('msg_u', 'user', T0 + 1));
    t.handle(msg('msg_a', 'assistant', T0 + 2));
    t.handle(part({ id: 'prt_r', messageID: 'msg_a', type: 'reasoning', text: '' }));
    t.handle(delta('msg_a', 'prt_r', 'Let me '));
    t.handle(delta('msg_a', 'prt_r', 'think.'));
    t.handle(part({ id: 'prt_r', messageID: 'msg_a', type: 'reasoning', text: 'Let me think.' }));
    t.handle(part({ id: 'prt_t', messageID: 'msg_a', type: 'text', text: '' }));
    t.handle(delta('msg_a', 'prt_t', 'Hello'));
    t.handle(part({ id: 'prt_t', messageID: 'msg_a', type: 'text', text: 'Hello world' }));
    t.handle(done('msg_a', T0 + 2));
    t.handle(idle());
    const r = await t.done;
    expect(r).toMatchObject({ ok: true, stop_reason: 'end_turn' });
    expect(text(events, 'reasoning')).toBe('Let me think.');
    // The final update carried text the deltas had not: only that suffix is added.
    expect(text(events)).toBe('Hello world');
    expect(events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text)).toEqual(['Hello', ' world']);
  });

  it('ignores the user message, synthetic parts and every event of messages older than the turn', async () => {
    const { t, events } = turn();
    // A late tool update of an earlier, aborted turn.
    t.handle(msg('msg_old', 'assistant', T0 - 5_000));
    t.handle(part({ id: 'prt_old', messageID: 'msg_old', type: 'tool', callID: 'c0', tool: 'bash', state: { status: 'error', input: {}, error: 'aborted', time: { start: 1, end: 2 } } }));
    t.handle(part({ id: 'prt_oldtext', messageID: 'msg_old', type: 'text', text: 'old answer' }));
    t.handle(idle());
    expect(t.isFinished).toBe(false);
    t.handle(msg('msg_u', 'user', T0 + 1));
    t.handle(part({ id: 'prt_u', messageID: 'msg_u', type: 'text', text: 'the prompt' }));
    t.handle(msg('msg_a', 'assistant', T0 + 2));
    t.handle(part({ id: 'prt_syn', messageID: 'msg_a', type: 'text', text: 'injected', synthetic: true }));
    t.handle(part({ id: 'prt_t', messageID: 'msg_a', type: 'text', text: 'answer' }));
    t.handle(done('msg_a', T0 + 2));
    t.handle(idle());
    await t.done;
    expect(text(events)).toBe('answer');
    expect(events.some((e) => e.type === 'tool_call' || e.type === 'tool_update')).toBe(false);
  });

  it('waits for the last message to complete when idle arrives first (abort), then reports cancelled', async () => {
    const { t, reconciles } = turn();
    t.handle(msg('msg_u', 'user', T0 + 1));
    t.handle(msg('msg_a', 'assistant', T0 + 2));
    t.markCancelled();
    t.handle(ev('session.error', { sessionID: S, error: { name: 'MessageAbortedError', data: { message: 'Aborted' } } }));
    t.handle(idle());
    expect(t.isFinished).toBe(false);
    expect(reconciles).toHaveLength(1);
    t.handle(done('msg_a', T0 + 2, { error: { name: 'MessageAbortedError', data: { message: 'Aborted' } } }));
    expect(t.isFinished).toBe(true);
    expect(await t.done).toMatchObject({ ok: false, stop_reason: 'cancelled' });
  });

  it('announces a tool once with opencode timing, attaches the permission to it, and maps the answer', async () => {
    const { t, events, replies } = turn();
    t.handle(msg('msg_a', 'assistant', T0 + 2));
    t.handle(part({ id: 'prt_tool', messageID: 'msg_a', type: 'tool', callID: 'call_1', tool: 'bash', state: { status: 'pending', input: {}, raw: '' } }));
    expect(events).toEqual([]);
    t.handle(ev('permission.asked', { id: 'per_1', sessionID: S, permission: 'bash', patterns: ['rm -rf x'], metadata: {}, always: ['rm *'], tool: { messageID: 'msg_a', callID: 'call_1' } }));
    t.handle(part({ id: 'prt_tool', messageID: 'msg_a', type: 'tool', callID: 'call_1', tool: 'bash', state: { status: 'running', input: { command: 'rm -rf x' }, time: { start: T0 + 100 } } }));
    t.handle(part({ id: 'prt_tool', messageID: 'msg_a', type: 'tool', callID: 'call_1', tool: 'bash', state: { status: 'completed', input: { command: 'rm -rf x' }, output: 'ok', time: { start: T0 + 100, end: T0 + 350 } } }));
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'permission_request', 'tool_update', 'tool_update']);
    const [call, perm, running, completed] = events;
    expect(call).toMatchObject({ id: 'prt_tool', name: 'bash', input: {} });
    expect(perm).toMatchObject({ request: { id: 'per_1', tool_call_id: 'prt_tool', kind: 'execute', title: 'bash: rm -rf x' } });
    expect(running).toMatchObject({ status: 'running', input: { command: 'rm -rf x' } });
    expect(completed).toMatchObject({ status: 'completed', output: 'ok', finished_at: new Date(T0 + 350).toISOString() });
    if (perm?.type !== 'permission_request') throw new Error('no permission');
    perm.respond({ outcome: 'selected', option_id: 'always', kind: 'allow_always' });
    perm.respond({ outcome: 'selected', option_id: 'reject', kind: 'reject_once' });
    await Promise.resolve();
    // Answered exactly once.
    expect(replies).toEqual([['per_1', 'always']]);
  });

  it('says it waits for the user from a permission request until its answer', () => {
    const { t, events, waits } = turn();
    t.handle(msg('msg_a', 'assistant', T0 + 2));
    expect(t.waitingForUser).toBe(false);
    t.handle(ev('permission.asked', { id: 'per_1', sessionID: S, permission: 'bash', patterns: ['ls'], metadata: {}, always: [] }));
    t.handle(ev('permission.asked', { id: 'per_2', sessionID: S, permission: 'edit', patterns: ['a.txt'], metadata: {}, always: [] }));
    expect(t.waitingForUser).toBe(true);
    const [first, second] = events.filter((e) => e.type === 'permission_request');
    if (first?.type !== 'permission_request' || second?.type !== 'permission_request') throw new Error('no permissions');
    first.respond({ outcome: 'selected', option_id: 'once', kind: 'allow_once' });
    expect(t.waitingForUser).toBe(true);
    second.respond({ outcome: 'selected', option_id: 'reject', kind: 'reject_once' });
    expect(t.waitingForUser).toBe(false);
    expect(waits).toEqual([true, true, true, false]);
  });

  it('counts each step once, however often it is seen', async () => {
    const { t, events } = turn();
    const step = { id: 'prt_s', messageID: 'msg_a', type: 'step-finish', reason: 'stop', cost: 0.5, tokens: { input: 90, output: 15, reasoning: 5, cache: { read: 10, write: 0 } } };
    t.handle(msg('msg_a', 'assistant', T0 + 2, { modelID: 'm', providerID: 'p' }));
    t.handle(part(step));
    t.handle(part(step));
    const list: MessageWithParts[] = [{ info: { id: 'msg_a', sessionID: S, role: 'assistant', time: { created: T0 + 2, completed: T0 + 9 } }, parts: [{ sessionID: S, ...step }] }];
    expect(t.reconcile(list, false)).toBe(true);
    expect(t.reconcile(list, false)).toBe(true);
    const usage = events.filter((e) => e.type === 'usage');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ usage: { input_total: 100, no_cache: 90, cache_read: 10, output: 20, reasoning: 5 }, cost: 0.5, model: 'm', provider: 'p' });
    expect((await t.done).usage.input_total).toBe(100);
  });

  it('after a stream gap, continues an open part from snapshots only, in order and exactly once', async () => {
    const { t, events } = turn();
    t.handle(msg('msg_a', 'assistant', T0 + 2));
    t.handle(part({ id: 'prt_t', messageID: 'msg_a', type: 'text', text: '' }));
    t.handle(delta('msg_a', 'prt_t', 'one '));
    t.markStreamGap();
    // Deltas after the gap cannot be placed ('two ' was lost in it).
    t.handle(delta('msg_a', 'prt_t', 'three '));
    const snapshot = (txt: string, completed?: number): MessageWithParts[] => [
      { info: { id: 'msg_a', sessionID: S, role: 'assistant', time: { created: T0 + 2, ...(completed ? { completed } : {}) } }, parts: [{ id: 'prt_t', sessionID: S, messageID: 'msg_a', type: 'text', text: txt }] },
    ];
    expect(t.reconcile(snapshot('one two three '), true)).toBe(false);
    t.handle(delta('msg_a', 'prt_t', 'four'));
    t.handle(part({ id: 'prt_t', messageID: 'msg_a', type: 'text', text: 'one two three four' }));
    // A part that starts after the gap streams live again.
    t.handle(part({ id: 'prt_2', messageID: 'msg_a', type: 'text', text: '' }));
    t.handle(delta('msg_a', 'prt_2', ' five'));
    expect(t.reconcile(snapshot('one two three four', T0 + 50), false)).toBe(true);
    expect(text(events)).toBe('one two three four five');
  });

  it('maps provider errors and output limits', async () => {
    const a = turn();
    a.t.handle(msg('msg_a', 'assistant', T0 + 2));
    a.t.handle(ev('session.error', { sessionID: S, error: { name: 'APIError', data: { message: 'slow down', statusCode: 429 } } }));
    a.t.handle(done('msg_a', T0 + 2));
    a.t.handle(idle());
    expect(await a.t.done).toMatchObject({ ok: false, stop_reason: 'error', error: { code: 'rate_limited', message: 'slow down' } });

    const b = turn();
    b.t.handle(done('msg_a', T0 + 2, { finish: 'length' }));
    b.t.handle(idle());
    expect(await b.t.done).toMatchObject({ ok: false, stop_reason: 'max_tokens' });
  });

  it('turns todo updates into plans and dismisses questions it cannot answer', () => {
    const { t, events, rejected } = turn();
    t.handle(
      ev('todo.updated', {
        sessionID: S,
        todos: [
          { content: 'a', status: 'completed', priority: 'high' },
          { content: 'b', status: 'in_progress', priority: 'medium' },
          { content: 'c', status: 'cancelled', priority: 'low' },
        ],
      }),
    );
    t.handle(ev('question.asked', { id: 'que_1', sessionID: S, questions: [] }));
    expect(events[0]).toEqual({
      type: 'plan',
      entries: [
        { content: 'a', status: 'completed', priority: 'high' },
        { content: 'b', status: 'in_progress', priority: 'medium' },
        { content: 'c', status: 'completed', priority: 'low' },
      ],
    });
    expect(events[1]).toMatchObject({ type: 'notice', severity: 'warning' });
    expect(rejected).toEqual(['que_1']);
  });

  it('does not end on idle before any message of its own exists', () => {
    const { t, reconciles } = turn();
    t.handle(msg('msg_u', 'user', T0 + 1));
    t.handle(idle());
    expect(t.isFinished).toBe(false);
    expect(reconciles).toHaveLength(1);
    expect(t.reconcile([], false)).toBe(false);
    expect(t.waitingAfterIdle).toBe(true);
  });
});
