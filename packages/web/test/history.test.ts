import { describe, expect, it } from 'vitest';
import { applyFrames } from '../src/stream/applyFrames';
import { dropSeamOverlap, mergeLatestPage, mergeMessage, prependOlderPage, seamOverlap, upsertMessage } from '../src/stream/history';
import { emptySessionState, toUiMessage, type SessionState } from '../src/stream/sessionState';
import { CHAT, frame, message } from './fixtures';

const page = (ns: number[], prev: string | null = null) => ({
  items: ns.map((n) => message(n)),
  prev_cursor: prev,
  next_cursor: null,
});

describe('mergeMessage', () => {
  it('lets a finished REST message win over streamed text but keeps streamed tool calls', () => {
    const local = { ...toUiMessage(message(1, { status: 'streaming', content: 'partial' })), tools: [] as never[] };
    const tool = { traceId: 't', toolCallId: 'c', name: 'x', input: {}, output: null, status: 'completed' as const, error: null, startedAt: '', finishedAt: null, latencyMs: 1, turn: 1 };
    const merged = mergeMessage({ ...local, tools: [tool] }, message(1, { content: 'final text' }));
    expect(merged.content).toBe('final text');
    expect(merged.tools).toEqual([tool]);
  });

  it('keeps the longer text while both sides are streaming when the server sends no content_seq', () => {
    const local = toUiMessage(message(1, { status: 'streaming', content: 'Hello wor' }));
    expect(mergeMessage(local, message(1, { status: 'streaming', content: 'Hello' })).content).toBe('Hello wor');
    expect(mergeMessage(local, message(1, { status: 'streaming', content: 'Hello world!' })).content).toBe('Hello world!');
  });

  it('chooses by content_seq, not by length, while both sides are streaming', () => {
    const local = { ...toUiMessage(message(1, { status: 'streaming', content: 'Hello wor', content_seq: 7 })) };
    // The stored copy has the newer delta: it wins even with a shorter text.
    const newer = mergeMessage(local, message(1, { status: 'streaming', content: 'Hello', reasoning: 'thought', content_seq: 9 }));
    expect([newer.content, newer.reasoning, newer.content_seq]).toEqual(['Hello', 'thought', 9]);
    // The local copy has the newer delta: it already holds the stored text.
    const older = mergeMessage(local, message(1, { status: 'streaming', content: 'Hello world, more', content_seq: 6 }));
    expect([older.content, older.content_seq]).toEqual(['Hello wor', 7]);
  });

  it('does not let a stale streaming row undo a completion the stream already applied', () => {
    const local = toUiMessage(message(1, { status: 'complete', content: 'done' }));
    expect(mergeMessage(local, message(1, { status: 'streaming', content: 'do' })).status).toBe('complete');
  });
});

describe('mergeLatestPage / prependOlderPage', () => {
  it('starts a log from the newest page and pages back in time', () => {
    let log = mergeLatestPage(undefined, page([3, 4], '3'));
    expect(log.messages.map((m) => m.cursor)).toEqual(['3', '4']);
    expect(log.olderCursor).toBe('3');
    log = prependOlderPage(log, page([1, 2], null));
    expect(log.messages.map((m) => m.cursor)).toEqual(['1', '2', '3', '4']);
    expect(log.olderCursor).toBeNull();
  });

  it('keeps older history when the refetched page joins up with it', () => {
    const log = prependOlderPage(mergeLatestPage(undefined, page([3, 4], '3')), page([1, 2], null));
    const again = mergeLatestPage(log, page([4, 5], '4'));
    expect(again.messages.map((m) => m.cursor)).toEqual(['1', '2', '3', '4', '5']);
    expect(again.olderCursor).toBeNull();
  });

  it('starts over when the page does not join up (a long disconnect)', () => {
    const log = mergeLatestPage(undefined, page([1, 2], null));
    const again = mergeLatestPage(log, page([8, 9], '8'));
    expect(again.messages.map((m) => m.cursor)).toEqual(['8', '9']);
    expect(again.olderCursor).toBe('8');
  });

  it('keeps messages the stream delivered after the page was read', () => {
    let s = applyFrames(emptySessionState(), [frame({ type: 'message_created', message: message(9) })]);
    s = { ...s, logs: { ...s.logs, [CHAT]: mergeLatestPage(s.logs[CHAT], page([7, 8], null)) } };
    expect(s.logs[CHAT]!.messages.map((m) => m.cursor)).toEqual(['7', '8', '9']);
  });

  it('upsertMessage inserts by start time and refreshes an existing message', () => {
    let s: SessionState = { ...emptySessionState(), logs: { [CHAT]: mergeLatestPage(undefined, page([1, 3])) } };
    s = upsertMessage(s, message(2));
    s = upsertMessage(s, message(3, { content: 'edited' }));
    expect(s.logs[CHAT]!.messages.map((m) => m.content)).toEqual(['message 1', 'message 2', 'edited']);
  });
});

describe('seam between refetched content and held deltas', () => {
  it('finds how many leading deltas the stored text already ends with', () => {
    expect(seamOverlap('Hello wor', ['wor', 'ld'])).toBe(1);
    expect(seamOverlap('Hello world', ['wor', 'ld'])).toBe(2);
    expect(seamOverlap('Hello', [' wor', 'ld'])).toBe(0);
    expect(seamOverlap('', ['a'])).toBe(0);
  });

  it('drops only the overlapping deltas of streaming messages', () => {
    const streaming = message(5, { role: 'assistant', status: 'streaming', content: 'The answer is 4' });
    const s = { ...emptySessionState(), logs: { [CHAT]: mergeLatestPage(undefined, { items: [streaming], prev_cursor: null, next_cursor: null }) } };
    const frames = [
      frame({ type: 'message_delta', chat_id: CHAT, message_id: streaming.id, text: ' is' }),
      frame({ type: 'message_delta', chat_id: CHAT, message_id: streaming.id, text: ' 4' }),
      frame({ type: 'message_delta', chat_id: CHAT, message_id: streaming.id, text: '2.' }),
    ];
    const kept = dropSeamOverlap(s, frames);
    expect(kept).toEqual([frames[2]]);
    expect(applyFrames(s, kept).logs[CHAT]!.messages[0]!.content).toBe('The answer is 42.');
  });
});

describe('seam by content_seq', () => {
  it('drops exactly the deltas the stored text holds, even when the text repeats', () => {
    const streaming = message(5, { role: 'assistant', status: 'streaming', content: 'ab ab', content_seq: 11 });
    const s = { ...emptySessionState(), logs: { [CHAT]: mergeLatestPage(undefined, { items: [streaming], prev_cursor: null, next_cursor: null }) } };
    const frames = [
      frame({ type: 'message_delta', chat_id: CHAT, message_id: streaming.id, text: ' ab' }, 11),
      frame({ type: 'message_delta', chat_id: CHAT, message_id: streaming.id, text: ' ab' }, 12),
    ];
    const kept = dropSeamOverlap(s, frames);
    expect(kept).toEqual([frames[1]]);
    expect(applyFrames(s, kept).logs[CHAT]!.messages[0]!.content).toBe('ab ab ab');
  });
});

describe('notices at the seam', () => {
  const compacted = { severity: 'warning', title: 'Context compacted' };
  const retried = { severity: 'info', title: 'Retrying', description: 'rate limited' };
  const streamingWith = (notices: unknown[]) => {
    const m = message(5, { role: 'assistant', status: 'streaming', content: 'x', metadata: { notices } });
    return { ...emptySessionState(), logs: { [CHAT]: mergeLatestPage(undefined, { items: [m], prev_cursor: null, next_cursor: null }) } };
  };
  const notice = (n: { severity: string; title: string; description?: string }) =>
    frame({ type: 'notice', chat_id: CHAT, message_id: message(5).id, ...n });

  it('drops held notices the refetched metadata already lists and keeps later ones', () => {
    const s = streamingWith([compacted, retried]);
    const frames = [notice(retried), notice(compacted)];
    const kept = dropSeamOverlap(s, frames);
    expect(kept).toEqual([frames[1]]);
    expect(applyFrames(s, kept).logs[CHAT]!.messages[0]!.notices.map((n) => n.title)).toEqual(['Context compacted', 'Retrying', 'Context compacted']);
  });

  it('keeps held notices the metadata does not list yet', () => {
    const s = streamingWith([compacted]);
    const frames = [notice(retried)];
    expect(dropSeamOverlap(s, frames)).toEqual(frames);
  });

  it('takes the REST notices when they are at least as many as the streamed ones', () => {
    const local = { ...toUiMessage(message(1, { status: 'streaming' })), notices: [{ severity: 'warning', title: 'Context compacted', description: null, place: null }] };
    const rest = message(1, { status: 'streaming', metadata: { notices: [compacted, retried] } });
    expect(toUiMessage(rest, local).notices.map((n) => n.title)).toEqual(['Context compacted', 'Retrying']);
    // The stored copy lags the stream: keep what the stream showed.
    const ahead = { ...local, notices: [...local.notices, { severity: 'info', title: 'Retrying', description: null, place: null }] };
    expect(toUiMessage(message(1, { status: 'streaming', metadata: { notices: [compacted] } }), ahead).notices).toHaveLength(2);
  });
});

describe('message metadata', () => {
  it('restores plan, notices and error of a reloaded message', () => {
    const m = toUiMessage(
      message(1, {
        role: 'assistant',
        metadata: {
          plan: [{ content: 'read', status: 'completed' }],
          notices: [{ severity: 'warning', title: 'Context compacted' }, { bogus: true }, { title: 'placed', at: 4, tools: 1 }],
          error: 'rate limited',
        },
      }),
    );
    expect(m.plan).toEqual([{ content: 'read', status: 'completed' }]);
    expect(m.notices).toEqual([
      { severity: 'warning', title: 'Context compacted', description: null, place: null },
      { severity: 'info', title: 'placed', description: null, place: { at: 4, tools: 1 } },
    ]);
    expect(m.error).toBe('rate limited');
  });

  it('ignores metadata of the wrong shape', () => {
    const m = toUiMessage(message(1, { metadata: { plan: 'nope', notices: 'x', error: 3 } }));
    expect([m.plan, m.notices, m.error]).toEqual([null, [], null]);
  });
});
