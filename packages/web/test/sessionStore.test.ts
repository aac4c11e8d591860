import { afterEach, describe, expect, it } from 'vitest';
import { emptyUsage, type Chat, type MessagePage, type Session, type Task } from '@boocode/contracts';
import { SessionStore, type SessionApi } from '../src/stream/SessionStore';
import { deferred, FakeSocket, ManualTimers, tick } from './fakeSocket';
import { CHAT, message, SESSION, TASK, uuid } from './fixtures';

const session: Session = {
  id: SESSION,
  project_id: uuid(9),
  name: 's',
  agent: 'native',
  model: null,
  status: 'open',
  permission_policy: 'ask',
  isolated: true,
  base_branch: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};
const chat: Chat = { id: CHAT, session_id: SESSION, name: 'Chat 1', created_at: '2026-01-01T00:00:00Z' };
const MSG = uuid(50);
const wire = (seq: number, payload: Record<string, unknown>) => ({ seq, session_id: SESSION, ts: '2026-01-01T00:00:00Z', ...payload });
const delta = (seq: number, text: string) => wire(seq, { type: 'message_delta', chat_id: CHAT, message_id: MSG, text });

function setup(pages: Array<MessagePage | Promise<MessagePage>>) {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const calls: string[] = [];
  const api: SessionApi = {
    getSession: async () => session,
    listChats: async () => ({ items: [chat] }),
    messagesPage: async (chatId, opts) => {
      calls.push(`page ${chatId} ${opts.before ?? 'latest'}`);
      const p = pages.shift();
      if (!p) throw new Error('no more pages scripted');
      return p;
    },
    getTask: async (id): Promise<Task> => {
      calls.push(`task ${id}`);
      throw new Error('not found');
    },
    listPermissions: async () => ({ items: [] }),
    answerPermission: async () => {
      throw new Error('not scripted');
    },
    chatUsage: async () => ({ turns: [], total: emptyUsage(), cost: null, cache_hit_ratio: null }),
    turnTraces: async () => ({ items: [], next_cursor: null }),
    pendingChange: async () => ({ pending: null }),
    projectCollisions: async () => ({ collisions: [] }),
    chatAgentSessions: async () => ({ items: [] }),
  };
  const store = new SessionStore(SESSION, {
    api,
    timers,
    openSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    scheduleFlush: (fn) => fn(),
    url: (id, after) => `ws://test/${id}?after_seq=${after ?? ''}`,
  });
  return { store, sockets, timers, calls };
}

const pageOf = (content: string, status: 'streaming' | 'complete' = 'streaming'): MessagePage => ({
  items: [message(1), message(2, { id: MSG, role: 'assistant', status, content, task_id: TASK })],
  prev_cursor: null,
  next_cursor: null,
});

let stores: SessionStore[] = [];
afterEach(() => {
  stores.forEach((s) => s.stop());
  stores = [];
});

describe('SessionStore', () => {
  it('loads history on snapshot, holds frames meanwhile, and joins them without duplicating text', async () => {
    const page = deferred<MessagePage>();
    const { store, sockets } = setup([page.promise]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    const ws = sockets[0]!;
    expect(ws.url).toBe(`ws://test/${SESSION}?after_seq=`);
    ws.open();
    ws.send(wire(5, { type: 'snapshot', reason: 'connect' }));
    ws.send(wire(5, { type: 'agent_snapshot', in_flight: [] }));
    ws.send(delta(6, ' wor'));
    ws.send(delta(7, 'ld'));
    expect(store.getSnapshot().syncing).toBe(true);
    // The database copy was written after frame 6 went out.
    page.resolve(pageOf('Hello wor'));
    await tick();
    await tick();
    const view = store.getSnapshot();
    expect(view.syncing).toBe(false);
    expect(view.state.session?.id).toBe(SESSION);
    expect(view.state.logs[CHAT]!.messages.map((m) => m.content)).toEqual(['message 1', 'Hello world']);
    expect(view.status).toBe('live');
  });

  it('does not repeat a notice held during a refetch that the stored metadata already has', async () => {
    const page = deferred<MessagePage>();
    const { store, sockets } = setup([page.promise]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    const ws = sockets[0]!;
    ws.open();
    ws.send(wire(5, { type: 'snapshot', reason: 'connect' }));
    ws.send(wire(6, { type: 'notice', chat_id: CHAT, message_id: MSG, severity: 'warning', title: 'Context compacted' }));
    // The metadata was written between the notice frame and the read.
    const p = pageOf('Hello');
    p.items[1]!.metadata = { notices: [{ severity: 'info', title: 'Started' }, { severity: 'warning', title: 'Context compacted' }] };
    page.resolve(p);
    await tick();
    await tick();
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.notices.map((n) => n.title)).toEqual(['Started', 'Context compacted']);
  });

  it('reconnects with after_seq after a drop and applies only the missed frames', async () => {
    const { store, sockets, timers } = setup([pageOf('Hi')]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    sockets[0]!.open();
    sockets[0]!.send(wire(3, { type: 'snapshot', reason: 'connect' }));
    await tick();
    await tick();
    sockets[0]!.send(delta(4, '!'));
    sockets[0]!.drop();
    expect(store.getSnapshot().status).toBe('reconnecting');
    timers.runAll(20_000);
    const ws2 = sockets[1]!;
    expect(ws2.url).toBe(`ws://test/${SESSION}?after_seq=4`);
    ws2.open();
    ws2.send(delta(4, '!')); // replayed twice by an overlapping buffer: dropped
    ws2.send(delta(5, '?'));
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.content).toBe('Hi!?');
    expect(store.getSnapshot().status).toBe('live');
  });

  it('counts and drops frames the contracts refuse', async () => {
    const { store, sockets } = setup([pageOf('x')]);
    stores.push(store);
    store.start();
    sockets[0]!.open();
    sockets[0]!.send('not json');
    sockets[0]!.send(wire(1, { type: 'message_delta', chat_id: 'not-a-uuid', message_id: MSG, text: 'x' }));
    sockets[0]!.send(wire(2, { type: 'no_such_frame' }));
    expect(store.getSnapshot().invalidFrames).toBe(3);
    expect(store.getSnapshot().state.logs).toEqual({});
  });

  it('stops reconnecting when the server says the token is wrong', () => {
    const { store, sockets, timers } = setup([]);
    stores.push(store);
    store.start();
    sockets[0]!.drop(4401);
    timers.runAll(20_000);
    expect(store.getSnapshot().status).toBe('unauthorized');
    expect(sockets).toHaveLength(1);
  });

  it('refetches the chat after a message completes so it shows the stored text', async () => {
    const { store, sockets, timers, calls } = setup([pageOf('Hel'), pageOf('Hello, final.', 'complete')]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    sockets[0]!.open();
    sockets[0]!.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    await tick();
    await tick();
    sockets[0]!.send(delta(2, 'lo'));
    sockets[0]!.send(wire(3, { type: 'message_complete', chat_id: CHAT, message_id: MSG, status: 'complete', finished_at: '2026-01-01T00:00:09Z' }));
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.content).toBe('Hello');
    timers.runAll(300);
    await tick();
    expect(calls.filter((c) => c.startsWith('page'))).toHaveLength(2);
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.content).toBe('Hello, final.');
  });

  it('ignores a snapshot that arrives after stop(): no REST call for a closed store', async () => {
    const { store, sockets, calls } = setup([pageOf('x')]);
    store.watchChat(CHAT);
    store.start();
    const ws = sockets[0]!;
    ws.open();
    store.stop();
    // A frame the browser had already received when the socket was closed.
    ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    await tick();
    await tick();
    expect(calls).toEqual([]);
    expect(store.getSnapshot().syncing).toBe(false);
  });

  it('gives up on a gap that is not filled and resumes from the last applied seq', async () => {
    const { store, sockets, timers } = setup([pageOf('A')]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    sockets[0]!.open();
    sockets[0]!.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    await tick();
    await tick();
    sockets[0]!.send(delta(3, 'C'));
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.content).toBe('A');
    timers.runAll(20_000);
    expect(sockets[1]?.url).toBe(`ws://test/${SESSION}?after_seq=1`);
  });
});
