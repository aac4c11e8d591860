import { describe, expect, it, vi } from 'vitest';
import type { Project, Session } from '@boocode/contracts';
import { WorkspaceStore } from '../src/stream/WorkspaceStore';
import { deferred, FakeSocket, ManualTimers, tick } from '@boocode/testkit/fake-socket';

describe('WorkspaceStore', () => {
  it('does not retry a failing refetch after stop()', async () => {
    const timers = new ManualTimers();
    const first = deferred<{ items: Project[] }>();
    let calls = 0;
    const store = new WorkspaceStore(
      {
        listProjects: () => {
          calls++;
          return calls === 1 ? first.promise : Promise.reject(new Error('server down'));
        },
        listSessions: async (): Promise<{ items: Session[] }> => ({ items: [] }),
      },
      { timers, openSocket: (url) => new FakeSocket(url) },
    );
    store.start();
    timers.runAll(); // no snapshot: the lists are loaded without the socket
    store.stop();
    // The request sent before stop() fails afterwards.
    first.reject(new Error('server down'));
    await tick();
    timers.runAll();
    await tick();
    expect(calls).toBe(1);
    expect(timers.pending.size).toBe(0);
  });

  it('retries a failing refetch while running', async () => {
    const timers = new ManualTimers();
    let calls = 0;
    const store = new WorkspaceStore(
      {
        listProjects: async () => {
          calls++;
          if (calls === 1) throw new Error('server down');
          return { items: [] };
        },
        listSessions: async () => ({ items: [] }),
      },
      { timers, openSocket: (url) => new FakeSocket(url) },
    );
    store.start();
    timers.runAll(5_000);
    await tick();
    expect(store.getSnapshot().loadError).toBe('server down');
    timers.runAll(20_000);
    await tick();
    expect(calls).toBe(2);
    expect(store.getSnapshot().loadError).toBeNull();
    store.stop();
  });

  it("loads the lists once, at the socket's snapshot, and again at a later snapshot", async () => {
    const timers = new ManualTimers();
    const sockets: FakeSocket[] = [];
    let calls = 0;
    vi.stubGlobal('location', { origin: 'http://test' }); // the socket's URL is made from the page's
    const store = new WorkspaceStore(
      {
        listProjects: async () => {
          calls++;
          return { items: [] };
        },
        listSessions: async () => ({ items: [] }),
      },
      { timers, openSocket: (url) => sockets[sockets.push(new FakeSocket(url)) - 1]! },
    );
    store.start();
    await tick();
    expect(calls).toBe(0);
    const snapshot = (seq: number) => ({ type: 'snapshot', reason: 'connect', seq, ts: new Date().toISOString() });
    sockets[0]!.open();
    sockets[0]!.send(snapshot(1));
    await tick();
    expect(calls).toBe(1);
    expect(store.getSnapshot().loaded).toBe(true);
    // The fallback for a silent socket was called off by the snapshot.
    timers.runAll(5_000);
    await tick();
    expect(calls).toBe(1);
    sockets[0]!.send(snapshot(2));
    await tick();
    expect(calls).toBe(2);
    store.stop();
    vi.unstubAllGlobals();
  });
});
