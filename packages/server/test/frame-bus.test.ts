import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@boocode/server';
import { createTestDatabase } from '@boocode/testkit/server';
import { connect, type Sql } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { deleteOldFrameBodies, FRAMES_CHANNEL } from '../src/db/frame-bus.js';
import { Broker } from '../src/stream/broker.js';
import type { FrameReceiver, Stamp } from '../src/stream/frame-bus.js';
import { PostgresFrameBus } from '../src/stream/postgres-bus.js';
import type { Subscriber } from '../src/stream/replay-channel.js';

/**
 * The Postgres frame bus between "processes": each bus here has connections of its own, as two
 * servers on one database would, so ordering comes from PostgreSQL and not from this process.
 */

const log = createLogger({ level: process.env.BOOCODE_TEST_LOG ?? 'silent' });
let url: string;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  url = await createTestDatabase();
  const sql = connect(url, { max: 1 });
  await migrate(sql, log);
  await sql.end();
});
afterAll(async () => {
  for (const o of open.reverse()) await o.close();
});

interface Got {
  stream: string;
  seq: number;
  frame: Record<string, unknown> | null;
}

/** Resolves `until(pred)` once `pred` holds, checked whenever `changed()` is called. */
function condition() {
  const waiters: { pred: () => boolean; resolve: () => void }[] = [];
  return {
    changed() {
      for (const w of waiters.filter((w) => w.pred())) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    until: (pred: () => boolean) => (pred() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve }))),
  };
}

/** A bus with its own pool, and what it received; `until(stream, n)` waits for n frames of a stream. */
async function process_(listen = true) {
  const sql: Sql = connect(url, { max: 4 });
  const bus = new PostgresFrameBus({ url, sql, log });
  const got: Got[] = [];
  let lost = 0;
  const changes = condition();
  const receiver: FrameReceiver = {
    frame(stream, seq, data) {
      got.push({ stream, seq, frame: data === null ? null : (JSON.parse(data) as Record<string, unknown>) });
      changes.changed();
    },
    lost: () => {
      lost++;
      changes.changed();
    },
  };
  if (listen) await bus.listen(receiver);
  const handle = {
    sql,
    bus,
    got,
    untilLost: () => changes.until(() => lost > 0),
    of: (stream: string) => got.filter((g) => g.stream === stream),
    until: (stream: string, n: number) => changes.until(() => got.filter((g) => g.stream === stream).length >= n),
    async close() {
      await bus.close();
      await sql.end();
    },
  };
  open.push(handle);
  return handle;
}

const seqOf = async (stamp: Stamp) => {
  const seq = await stamp;
  if (seq === null) throw new Error('not published');
  return seq;
};

describe('Postgres frame bus', () => {
  it('orders one stream published by two processes at once: every listener gets the same gap-free sequence', async () => {
    const a = await process_();
    const b = await process_();
    const stream = 'order-test';
    const stamps: Promise<number>[] = [];
    const publishBurst = (from: typeof a, name: string, start: number, n: number) => {
      for (let i = start; i < start + n; i++) stamps.push(seqOf(from.bus.publish(stream, { type: 't', name, i })));
    };
    // Interleaved bursts of different sizes, from both, without waiting in between.
    for (let round = 0, ia = 0, ib = 0; round < 40; round++) {
      const na = 1 + (round % 7);
      const nb = 1 + ((round * 3) % 5);
      publishBurst(a, 'a', ia, na);
      publishBurst(b, 'b', ib, nb);
      ia += na;
      ib += nb;
      if (round % 4 === 0) await new Promise((r) => setImmediate(r));
    }
    const seqs = await Promise.all(stamps);
    await a.until(stream, seqs.length);
    await b.until(stream, seqs.length);
    const mine = (p: typeof a) => p.of(stream);
    expect(mine(a)).toEqual(mine(b));
    const received = mine(a).map((g) => g.seq);
    expect(received).toEqual(Array.from({ length: seqs.length }, (_, k) => received[0]! + k));
    expect([...seqs].sort((x, y) => x - y)).toEqual(received);
    // Each publisher's frames keep their order, and each stamp names its own frame.
    for (const name of ['a', 'b']) {
      const is = mine(a).filter((g) => g.frame!.name === name).map((g) => g.frame!.i as number);
      expect(is).toEqual(Array.from({ length: is.length }, (_, k) => k));
    }
    for (const g of mine(a)) expect(g.frame!.seq).toBe(g.seq);
  });

  it('sends a frame too large for a payload by pointer, in order, and deletes its row later', async () => {
    const a = await process_();
    const publisher = await process_(false);
    const stream = 'large-test';
    // 3,000 three-byte characters: under 8000 characters, over 8000 bytes.
    const wide = '€'.repeat(3000);
    const big = 'x'.repeat(100_000);
    const seqs = await Promise.all(['small', wide, 'small again', big, 'last'].map((text) => seqOf(publisher.bus.publish(stream, { type: 't', text }))));
    await a.until(stream, 5);
    const got = a.of(stream);
    expect(got.map((g) => g.seq)).toEqual(seqs);
    expect(got.map((g) => g.frame!.text)).toEqual(['small', wide, 'small again', big, 'last']);
    const stored = await a.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM frame_bodies`;
    expect(stored[0]!.n).toBe(2);
    expect(await deleteOldFrameBodies(a.sql, 0)).toBe(2);
  });

  it('ignores a malformed notification and keeps delivering', async () => {
    const a = await process_();
    await a.sql.notify(FRAMES_CHANNEL, 'no header line');
    await a.sql.notify(FRAMES_CHANNEL, 'x');
    const seq = await seqOf(a.bus.publish('after-garbage', { type: 't' }));
    await a.until('after-garbage', 1);
    expect(a.of('after-garbage')).toEqual([{ stream: 'after-garbage', seq, frame: { type: 't', seq } }]);
  });

  it('tells the receiver when its listening connection was lost, and delivers again after', async () => {
    const a = await process_();
    const lost = a.untilLost();
    const killed = await a.sql`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query = ${'listen "' + FRAMES_CHANNEL + '"'} AND pid <> pg_backend_pid()`;
    expect(killed.length).toBeGreaterThan(0);
    await lost;
    const seq = await seqOf(a.bus.publish('after-loss', { type: 't' }));
    await a.until('after-loss', 1);
    expect(a.of('after-loss')).toEqual([{ stream: 'after-loss', seq, frame: { type: 't', seq } }]);
  });
});

describe('broker on the Postgres bus', () => {
  const collector = () => {
    const frames: { seq: number; text: unknown }[] = [];
    let dropped = 0;
    const changes = condition();
    const sub: Subscriber = {
      send: (data) => {
        const f = JSON.parse(data) as { seq: number; text: unknown };
        frames.push({ seq: f.seq, text: f.text });
        changes.changed();
      },
      drop: () => void dropped++,
    };
    return { sub, frames, dropped: () => dropped, until: (pred: () => boolean) => changes.until(pred) };
  };

  it('opens a stream mid-flight at its position: nothing before it, everything after it, once', async () => {
    const server = await process_(false);
    const worker = await process_(false);
    const broker = new Broker(server.bus, { replayFrames: 100, validate: true });
    await broker.listen();
    const publisher = new Broker(worker.bus, { replayFrames: 1, validate: true });
    const stream = '00000000-0000-4000-8000-00000000b001';
    const delta = (text: string) => ({ type: 'message_delta' as const, chat_id: stream, message_id: stream, text });
    const before = Array.from({ length: 30 }, (_, i) => seqOf(publisher.publish(stream, delta(`b${i}`))));
    // Subscribing while those are still on their way: the position read decides which are history.
    const c = collector();
    const sub = await broker.subscribe(stream, c.sub, undefined);
    const after = await Promise.all(Array.from({ length: 30 }, (_, i) => seqOf(publisher.publish(stream, delta(`a${i}`)))));
    const last = after.at(-1)!;
    await c.until(() => c.frames.at(-1)?.seq === last);
    await Promise.all(before);
    expect(c.frames.map((f) => f.seq)).toEqual(Array.from({ length: last - sub.lastSeq }, (_, k) => sub.lastSeq + 1 + k));
    expect(c.frames.slice(-30).map((f) => f.text)).toEqual(Array.from({ length: 30 }, (_, i) => `a${i}`));
    expect(c.dropped()).toBe(0);
    // A client resuming from any seq the channel holds gets exactly what followed.
    const resumeFrom = c.frames[c.frames.length - 10]!.seq;
    const again = collector();
    const replayed = await broker.subscribe(stream, again.sub, resumeFrom);
    expect(replayed.replay).toEqual({ kind: 'frames', frames: expect.any(Array) });
    const frames = (replayed.replay as { frames: string[] }).frames.map((d) => (JSON.parse(d) as { seq: number }).seq);
    expect(frames).toEqual(c.frames.slice(-9).map((f) => f.seq));
    sub.unsubscribe();
    replayed.unsubscribe();
  });

  it('a frame that could not be delivered restarts its channel: subscribers are dropped and resume with a snapshot', async () => {
    const server = await process_(false);
    const broker = new Broker(server.bus, { replayFrames: 100 });
    await broker.listen();
    const stream = '00000000-0000-4000-8000-00000000b002';
    const c = collector();
    const sub = await broker.subscribe(stream, c.sub, undefined);
    const first = await seqOf(server.bus.publish(stream, { type: 't', text: 'one' }));
    await c.until(() => c.frames.length === 1);
    // What the bus reports when a stored frame was gone before this process fetched it.
    broker.frame(stream, first + 1, null);
    expect(c.dropped()).toBe(1);
    const resumed = await broker.subscribe(stream, collector().sub, first);
    expect(resumed.replay).toEqual({ kind: 'too_far_behind' });
    expect(resumed.lastSeq).toBe(first + 1);
    sub.unsubscribe();
    resumed.unsubscribe();
  });
});
