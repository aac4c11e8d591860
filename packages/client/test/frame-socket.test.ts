import { describe, expect, it } from 'vitest';
import type { HelloFrame, SessionFrame, UserFrame } from '@boocode/contracts';
import { FrameSocket, sessionFrames, streamUrl, userFrames, type FrameStream, type SocketStatus } from '@boocode/client';
import { FakeSocket, ManualTimers } from '@boocode/testkit/fake-socket';

const SESSION = '00000000-0000-4000-8000-000000000001';
const CHAT = '00000000-0000-4000-8000-000000000002';
const MSG = '00000000-0000-4000-8000-000000000003';
const TS = '2026-01-01T00:00:00Z';
const wire = (seq: number, payload: Record<string, unknown>) => ({ seq, session_id: SESSION, ts: TS, ...payload });
const delta = (seq: number, text: string) => wire(seq, { type: 'message_delta', chat_id: CHAT, message_id: MSG, text });
const hello: HelloFrame = { type: 'hello', protocol: 1, server: '0.1.0', capabilities: ['replay', 'agent_snapshot'] };

function setup<F extends { seq: number; type: string }>(stream: FrameStream<F>) {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const delivered: F[][] = [];
  const invalid: string[] = [];
  const hellos: HelloFrame[] = [];
  const statuses: SocketStatus[] = [];
  const socket = new FrameSocket({
    stream,
    url: (after) => streamUrl('http://127.0.0.1:7345', '/s', after),
    onFrames: (frames) => delivered.push(frames),
    onStatus: (s) => statuses.push(s),
    onInvalid: (m) => invalid.push(m),
    onHello: (h) => hellos.push(h),
    open: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    backoff: { initialMs: 100, maxMs: 1000, random: () => 1 },
  });
  socket.start();
  const seqs = () => delivered.flat().map((f) => f.seq);
  return { socket, sockets, timers, delivered, invalid, hellos, statuses, seqs };
}

describe('FrameSocket', () => {
  it('skips a frame of a type it does not know, counts its seq, and applies the frames after it', () => {
    const t = setup(sessionFrames);
    const ws = t.sockets[0]!;
    ws.open();
    ws.send(hello);
    ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    ws.send(delta(2, 'a'));
    ws.send(wire(3, { type: 'terminal_output', terminal_id: 'x', data: 'ls\n' }));
    ws.send(delta(4, 'b'));
    ws.send(wire(5, { type: 'workflow_step' }));
    ws.send(delta(6, 'c'));
    expect(t.seqs()).toEqual([1, 2, 4, 6]);
    expect(t.socket.lastSeq).toBe(6);
    expect(t.invalid).toEqual([]);
    // Nothing is held behind the unknown frames: no gap to give up on, no reconnect.
    t.timers.runAll();
    expect(t.sockets).toHaveLength(1);
    expect(t.statuses.at(-1)).toBe('live');
  });

  it('releases frames held behind a gap once the missing frame turns out to be of an unknown type', () => {
    const t = setup(sessionFrames);
    const ws = t.sockets[0]!;
    ws.open();
    ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    ws.send(delta(3, 'b'));
    expect(t.seqs()).toEqual([1]);
    ws.send(wire(2, { type: 'brand_new' }));
    expect(t.seqs()).toEqual([1, 3]);
    expect(t.timers.pending.size).toBe(0);
  });

  it('reports a known frame the contracts refuse and moves past it; a frame without seq is only reported', () => {
    const t = setup(sessionFrames);
    const ws = t.sockets[0]!;
    ws.open();
    ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    ws.send(wire(2, { type: 'message_delta', chat_id: 'not-a-uuid', message_id: MSG, text: 'x' }));
    ws.send({ type: 'message_delta', text: 'no seq' });
    ws.send('not json');
    ws.send(delta(3, 'ok'));
    expect(t.seqs()).toEqual([1, 3]);
    expect(t.invalid).toHaveLength(3);
    expect(t.invalid[0]).toMatch(/^message_delta: /);
    expect(t.invalid[2]).toBe('a frame was not JSON');
  });

  it('takes the hello of each connection, refuses a malformed one, and keeps it out of the frames', () => {
    const t = setup(sessionFrames);
    t.sockets[0]!.open();
    t.sockets[0]!.send(hello);
    expect(t.socket.hello).toEqual(hello);
    t.sockets[0]!.send(wire(1, { type: 'snapshot', reason: 'connect' }));
    t.sockets[0]!.drop();
    expect(t.socket.hello).toBeNull();
    t.timers.runAll();
    const ws2 = t.sockets[1]!;
    ws2.open();
    ws2.send({ type: 'hello', protocol: 'one', server: '0.1.0', capabilities: [] });
    expect(t.socket.hello).toBeNull();
    expect(t.invalid).toHaveLength(1);
    expect(t.invalid[0]).toMatch(/^hello: /);
    ws2.send({ ...hello, protocol: 2, capabilities: ['replay', 'something_new'] });
    expect(t.hellos.map((h) => h.protocol)).toEqual([1, 2]);
    expect(t.seqs()).toEqual([1]);
  });

  it('reconnects with backoff and after_seq, then continues from a too_far_behind snapshot', () => {
    const t = setup(sessionFrames);
    const ws = t.sockets[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:7345/s');
    ws.open();
    ws.send(wire(4, { type: 'snapshot', reason: 'connect' }));
    ws.send(delta(5, 'a'));
    ws.drop();
    expect(t.statuses.at(-1)).toBe('reconnecting');
    // The first retry waits its full delay (random() = 1): 100 ms, then 200 ms for the next.
    expect([...t.timers.pending.values()].map((p) => p.ms)).toEqual([100]);
    t.timers.runAll();
    expect(t.sockets[1]!.url).toBe('ws://127.0.0.1:7345/s?after_seq=5');
    t.sockets[1]!.drop();
    expect([...t.timers.pending.values()].map((p) => p.ms)).toEqual([200]);
    t.timers.runAll();
    const ws3 = t.sockets[2]!;
    expect(ws3.url).toBe('ws://127.0.0.1:7345/s?after_seq=5');
    ws3.open();
    // The server no longer holds frames 6..19: a snapshot at 20, then live frames.
    ws3.send(wire(20, { type: 'snapshot', reason: 'too_far_behind' }));
    ws3.send(wire(20, { type: 'agent_snapshot', in_flight: [] }));
    ws3.send(delta(21, 'b'));
    expect(t.delivered.flat().map((f) => `${f.seq}:${f.type}`)).toEqual([
      '4:snapshot',
      '5:message_delta',
      '20:snapshot',
      '20:agent_snapshot',
      '21:message_delta',
    ]);
    expect(t.statuses.at(-1)).toBe('live');
  });

  it('stops on 4401 and does not reconnect', () => {
    const t = setup(sessionFrames);
    t.sockets[0]!.drop(4401);
    t.timers.runAll();
    expect(t.sockets).toHaveLength(1);
    expect(t.statuses.at(-1)).toBe('unauthorized');
  });

  it('places the activities right after a user-stream snapshot outside the sequence', () => {
    const t = setup<UserFrame>(userFrames);
    const ws = t.sockets[0]!;
    ws.open();
    const activity = (seq: number) => ({ seq, ts: TS, type: 'session_activity', session_id: SESSION, project_id: CHAT, activity: 'running' });
    ws.send({ seq: 7, ts: TS, type: 'snapshot', reason: 'connect' });
    ws.send(activity(7));
    ws.send(activity(8));
    ws.send(activity(8));
    expect(t.seqs()).toEqual([7, 7, 8]);
  });

  it('refuses to start without a WebSocket to open', () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    delete g.WebSocket;
    try {
      expect(
        () => new FrameSocket<SessionFrame>({ stream: sessionFrames, url: () => 'ws://x', onFrames: () => {}, onStatus: () => {} }),
      ).toThrow(/no global WebSocket/);
    } finally {
      if (saved) g.WebSocket = saved;
    }
  });
});
