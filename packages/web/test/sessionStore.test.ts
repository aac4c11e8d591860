import { afterEach, describe, expect, it } from 'vitest';
import { emptyUsage, type Chat, type MessagePage, type Session, type Task } from '@boocode/contracts';
import { ApiClientError } from '@boocode/client';
import { SessionStore, type SessionApi } from '../src/stream/SessionStore';
import { deferred, FakeSocket, ManualTimers, tick } from '@boocode/testkit/fake-socket';
import { CHAT, message, SESSION, TASK, uuid } from './fixtures';

const session: Session = {
  id: SESSION,
  project_id: uuid(9),
  name: 's',
  agent: 'native',
  model: null,
  mode: null,
  status: 'open',
  permission_policy: 'ask',
  isolated: true,
  subagent_followup: true,
  base_branch: null,
  attention: null,
  policy_support: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};
const chat: Chat = { id: CHAT, session_id: SESSION, name: 'Chat 1', created_at: '2026-01-01T00:00:00Z' };
const MSG = uuid(50);
const wire = (seq: number, payload: Record<string, unknown>) => ({ seq, session_id: SESSION, ts: '2026-01-01T00:00:00Z', ...payload });
const delta = (seq: number, text: string) => wire(seq, { type: 'message_delta', chat_id: CHAT, message_id: MSG, text });

/**
 * `first`: the first chat's page, in the chat list's answer when the store asks for it there;
 * `elsewhere`: chats of other sessions.
 */
function setup(pages: Array<MessagePage | Promise<MessagePage>>, chats: Chat[] = [chat], first?: MessagePage, elsewhere: Chat[] = []) {
  const sockets: FakeSocket[] = [];
  /** Batches waiting for the next animation frame. */
  const frames: Array<() => void> = [];
  const nextFrame = () => frames.splice(0).forEach((fn) => fn());
  const timers = new ManualTimers();
  const calls: string[] = [];
  const api: SessionApi = {
    getSession: async () => session,
    listChats: async (_id, firstMessages) => ({
      items: chats,
      ...(first && firstMessages ? { first: { chat_id: chats[0]!.id, messages: first, usage: noUsage(), agent_sessions: { items: [] } } } : {}),
    }),
    messagesPage: async (chatId, opts) => {
      calls.push(`page ${chatId} ${opts.before ?? 'latest'}`);
      if (![...chats, ...elsewhere].some((c) => c.id === chatId)) throw new ApiClientError(404, 'not_found', 'chat not found');
      const p = pages.shift();
      if (!p) throw new Error('no more pages scripted');
      return p;
    },
    getChat: async (id) => {
      calls.push(`chat ${id}`);
      const found = [...chats, ...elsewhere].find((c) => c.id === id);
      if (!found) throw new ApiClientError(404, 'not_found', 'chat not found');
      return found;
    },
    getTask: async (id): Promise<Task> => {
      calls.push(`task ${id}`);
      throw new Error('not found');
    },
    listPermissions: async () => ({ items: [] }),
    answerPermission: async () => {
      throw new Error('not scripted');
    },
    chatUsage: async () => noUsage(),
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
    scheduleFlush: (fn) => (animate ? frames.push(fn) : fn()),
    url: (id, after) => `ws://test/${id}?after_seq=${after ?? ''}`,
  });
  let animate = false;
  /** From now on batches wait for `nextFrame()`, as they wait for requestAnimationFrame. */
  const byAnimationFrame = () => (animate = true);
  return { store, sockets, timers, calls, nextFrame, byAnimationFrame };
}

const noUsage = () => ({ turns: [], total: emptyUsage(), unreported_turns: 0, cost: null, saved: null, cache_hit_ratio: null });

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

  it('opens the first chat from the chat list when none is named, without asking for its page after the list', async () => {
    const { store, sockets, calls } = setup([], [chat], pageOf('Hello wor'));
    stores.push(store);
    store.start();
    const ws = sockets[0]!;
    ws.open();
    ws.send(wire(5, { type: 'snapshot', reason: 'connect' }));
    ws.send(delta(6, ' wor'));
    ws.send(delta(7, 'ld'));
    await tick();
    await tick();
    expect(store.getSnapshot().state.logs[CHAT]!.messages.map((m) => m.content)).toEqual(['message 1', 'Hello world']);
    // The view then shows that chat: it is loaded already.
    store.watchChat(CHAT);
    await tick();
    expect(calls.filter((c) => c.startsWith('page'))).toEqual([]);
  });

  describe('a linked chat that is not in the session', () => {
    const STRAY = uuid(70);
    const empty: MessagePage = { items: [], prev_cursor: null, next_cursor: null };
    const open = async (elsewhere: Chat[]) => {
      // The linked chat's page is asked for before the list says it is not this session's.
      const { store, sockets, calls } = setup(elsewhere.length ? [empty] : [pageOf('First chat', 'complete')], [chat], undefined, elsewhere);
      stores.push(store);
      store.openLinked(STRAY);
      store.start();
      sockets[0]!.open();
      sockets[0]!.send(wire(5, { type: 'snapshot', reason: 'connect' }));
      for (let i = 0; i < 4; i++) await tick();
      return { store, calls };
    };

    it('loads the first chat in the same refetch and says the linked one was not found', async () => {
      const { store, calls } = await open([]);
      const view = store.getSnapshot();
      expect(view.strayLink).toEqual({ chatId: STRAY, sessionId: null });
      expect(view.state.logs[CHAT]!.messages.map((m) => m.content)).toEqual(['message 1', 'First chat']);
      expect(calls).toEqual([`page ${STRAY} latest`, `page ${CHAT} latest`]);
      // The view shows the first chat: nothing more to fetch.
      store.watchChat(CHAT);
      await tick();
      expect(calls.filter((c) => c.startsWith('page'))).toHaveLength(2);
      store.dismissStrayLink();
      expect(store.getSnapshot().strayLink).toBeNull();
    });

    it("names the session the linked chat is in", async () => {
      const OTHER = uuid(71);
      const { store, calls } = await open([{ ...chat, id: STRAY, session_id: OTHER }]);
      expect(store.getSnapshot().strayLink).toEqual({ chatId: STRAY, sessionId: OTHER });
      // The view leaves for that session: this one's first chat is not fetched.
      expect(calls).toEqual([`page ${STRAY} latest`, `chat ${STRAY}`]);
    });
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

  describe('opening a chat that streams while it was not shown', () => {
    const CHAT_B = uuid(60);
    const MSG_B = uuid(61);
    const chatB: Chat = { ...chat, id: CHAT_B, name: 'Chat 2' };
    const deltaB = (seq: number, text: string) => wire(seq, { type: 'message_delta', chat_id: CHAT_B, message_id: MSG_B, text });
    const pageB = (content: string, contentSeq: number): MessagePage => ({
      items: [message(3, { id: MSG_B, chat_id: CHAT_B, role: 'assistant', status: 'streaming', content, content_seq: contentSeq })],
      prev_cursor: null,
      next_cursor: null,
    });

    /** Reload while chat B streams "Hello world" (deltas 6..8 after the snapshot at 5); chat A is shown. */
    async function openB(stored: MessagePage, { frameDuringFetch = false } = {}) {
      const page = deferred<MessagePage>();
      const { store, sockets, nextFrame, byAnimationFrame } = setup([pageOf('A'), page.promise], [chat, chatB]);
      stores.push(store);
      byAnimationFrame();
      store.watchChat(CHAT);
      store.start();
      const ws = sockets[0]!;
      ws.open();
      ws.send(wire(5, { type: 'snapshot', reason: 'connect' }));
      await tick();
      await tick();
      ws.send(deltaB(6, 'lo'));
      ws.send(deltaB(7, ' wor'));
      nextFrame();
      store.watchChat(CHAT_B);
      // Received while the page is fetched; its animation frame comes before or after the page.
      ws.send(deltaB(8, 'ld'));
      if (frameDuringFetch) nextFrame();
      page.resolve(stored);
      await tick();
      await tick();
      nextFrame();
      return store.getSnapshot().state.logs[CHAT_B]!.messages[0]!;
    }

    it('keeps the stored text when the stored copy lags the last delta', async () => {
      // Written up to delta 6: shorter than what streamed since the snapshot ("lo world").
      const m = await openB(pageB('Hello', 6));
      expect(m.content).toBe('Hello world');
      expect(m.content_seq).toBe(8);
    });

    it('applies the deltas after content_seq, and only those, when the stored copy is longer', async () => {
      const m = await openB(pageB('Hello wor', 7), { frameDuringFetch: true });
      expect(m.content).toBe('Hello world');
    });

    it('does not apply again the deltas the stored copy already holds', async () => {
      const m = await openB(pageB('Hello world', 8));
      expect(m.content).toBe('Hello world');
    });

    it('does not bring back a deleted attempt from the deltas that waited for the page', async () => {
      const { store, sockets } = setup([pageOf('A'), { items: [], prev_cursor: null, next_cursor: null }], [chat, chatB]);
      stores.push(store);
      store.watchChat(CHAT);
      store.start();
      const ws = sockets[0]!;
      ws.open();
      ws.send(wire(5, { type: 'snapshot', reason: 'connect' }));
      await tick();
      await tick();
      ws.send(deltaB(6, 'partial'));
      ws.send(wire(7, { type: 'message_deleted', chat_id: CHAT_B, message_id: MSG_B }));
      store.watchChat(CHAT_B);
      await tick();
      await tick();
      expect(store.getSnapshot().state.logs[CHAT_B]).toMatchObject({ loaded: true, messages: [] });
    });
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

  it('counts and drops frames the contracts refuse; a type it does not know is no error', async () => {
    const { store, sockets } = setup([pageOf('x')]);
    stores.push(store);
    store.start();
    sockets[0]!.open();
    sockets[0]!.send('not json');
    sockets[0]!.send(wire(1, { type: 'message_delta', chat_id: 'not-a-uuid', message_id: MSG, text: 'x' }));
    sockets[0]!.send(wire(2, { type: 'no_such_frame' }));
    expect(store.getSnapshot().invalidFrames).toBe(2);
    expect(store.getSnapshot().state.logs).toEqual({});
  });

  it('applies the frames after one of a type it does not know, without reconnecting', async () => {
    const { store, sockets, timers } = setup([pageOf('Hel')]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    const ws = sockets[0]!;
    ws.open();
    ws.send({ type: 'hello', protocol: 99, server: '9.0.0', capabilities: ['replay', 'time_travel'] });
    ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    await tick();
    await tick();
    ws.send(delta(2, 'l'));
    ws.send(wire(3, { type: 'terminal_output', terminal_id: uuid(80), data: 'ls' }));
    ws.send(delta(4, 'o'));
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.content).toBe('Hello');
    timers.runAll(20_000);
    expect(sockets).toHaveLength(1);
    expect(store.getSnapshot().status).toBe('live');
    expect(store.getSnapshot().invalidFrames).toBe(0);
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

  it('applies the deltas received during a failed refetch of a shown chat', async () => {
    const failed = Promise.reject(new Error('server down'));
    failed.catch(() => {}); // awaited only when the refetch runs
    const { store, sockets, timers } = setup([pageOf('Hel', 'streaming'), failed]);
    stores.push(store);
    store.watchChat(CHAT);
    store.start();
    const ws = sockets[0]!;
    ws.open();
    ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    await tick();
    await tick();
    // Another message of the chat completes: its refetch fails while this one keeps streaming.
    ws.send(wire(2, { type: 'message_complete', chat_id: CHAT, message_id: uuid(70), status: 'complete', finished_at: '2026-01-01T00:00:09Z' }));
    timers.runAll(300);
    ws.send(delta(3, 'lo'));
    await tick();
    await tick();
    expect(store.getSnapshot().loadError).toBe('server down');
    expect(store.getSnapshot().state.logs[CHAT]!.messages[1]!.content).toBe('Hello');
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
