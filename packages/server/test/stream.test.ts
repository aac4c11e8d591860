import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Project, Session, SessionFramePayload } from '@boocode/contracts';
import { PROTOCOL_VERSION, SessionFrame, WsCloseCode } from '@boocode/contracts';
import type { Stamp } from '@boocode/server/internals';
import { makeGitRepo, openStream, startTestServer, type TestServer } from '@boocode/testkit/server';

const chat_id = '00000000-0000-4000-8000-0000000000c1';
const message_id = '00000000-0000-4000-8000-0000000000d1';
const delta = (text: string): SessionFramePayload => ({ type: 'message_delta', chat_id, message_id, text });

/** The seq a frame got, whichever bus stamped it. */
async function seqOf(stamp: Stamp): Promise<number> {
  const seq = await stamp;
  if (seq === null) throw new Error('the frame was not published');
  return seq;
}

describe.each(['in-process', 'postgres'] as const)('session stream (%s bus)', (bus) => {
  let server: TestServer;
  let session: Session;
  const publish = (text: string) => seqOf(server.ctx.broker.publish(session.id, delta(text)));

  beforeAll(async () => {
    server = await startTestServer({ bus, env: { BOOCODE_REPLAY_FRAMES: '10000', BOOCODE_WS_MAX_BUFFER: String(256 * 1024) } });
    const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    session = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
  });
  afterAll(() => server?.close());

  it('opens with hello, snapshot + agent_snapshot, then live frames in seq order, each valid', async () => {
    const c = await openStream(server.url, session.id, { token: server.token });
    const snap = await c.waitFor((f) => f.type === 'agent_snapshot');
    expect(c.hello).toEqual({ type: 'hello', protocol: PROTOCOL_VERSION, server: server.ctx.version, capabilities: ['replay', 'agent_snapshot'] });
    expect(c.frames[0]).toMatchObject({ type: 'snapshot', reason: 'connect' });
    expect(snap).toMatchObject({ in_flight: [] });
    const published = await Promise.all([1, 2, 3].map((i) => publish(`t${i}`)));
    await c.waitFor((f) => f.seq === published[2]);
    const live = c.frames.slice(2);
    expect(live.map((f) => f.seq)).toEqual(published);
    expect(live.map((f) => f.text)).toEqual(['t1', 't2', 't3']);
    expect(published[1]).toBe(published[0]! + 1);
    for (const f of live) expect(SessionFrame.safeParse(f).success).toBe(true);
    c.close();
  });

  it('replays exactly the missed frames after after_seq', async () => {
    // A client following the stream: the frames have reached this server's channel once it has them.
    const watcher = await openStream(server.url, session.id, { token: server.token });
    await watcher.waitFor((f) => f.type === 'agent_snapshot');
    const first = await publish('a');
    const missed = await Promise.all([publish('b'), publish('c')]);
    await watcher.waitFor((f) => f.seq === missed[1]);
    watcher.close();
    const c = await openStream(server.url, session.id, { token: server.token, afterSeq: first });
    await c.waitFor((f) => f.seq === missed[1]);
    // A resumed stream opens with hello too, ahead of the replayed frames.
    expect(c.hello?.protocol).toBe(PROTOCOL_VERSION);
    expect(c.frames.map((f) => f.text)).toEqual(['b', 'c']);
    c.close();
  });

  it('sends a too_far_behind snapshot when the replay buffer no longer holds the gap', async () => {
    const small = await startTestServer({ bus, env: { BOOCODE_REPLAY_FRAMES: '5' } });
    try {
      const project = (await small.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
      const s = (await small.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
      const watcher = await openStream(small.url, s.id, { token: small.token });
      await watcher.waitFor((f) => f.type === 'agent_snapshot');
      const start = await seqOf(small.ctx.broker.publish(s.id, delta('0')));
      const rest = await Promise.all(Array.from({ length: 10 }, (_, i) => seqOf(small.ctx.broker.publish(s.id, delta(String(i))))));
      await watcher.waitFor((f) => f.seq === rest[9]);
      watcher.close();
      const c = await openStream(small.url, s.id, { token: small.token, afterSeq: start });
      const snap = await c.waitFor((f) => f.type === 'snapshot');
      expect(snap.reason).toBe('too_far_behind');
      expect(snap.seq).toBe(start + 10);
      c.close();
    } finally {
      await small.close();
    }
  });

  it('delivers every frame exactly once, in order, across 200 random disconnect/reconnect cycles', async () => {
    const publishedSeqs: number[] = [];
    let publishing = true;
    const publisher = (async () => {
      let i = 0;
      while (publishing) {
        const burst = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => publish(`p${i++}`));
        publishedSeqs.push(...(await Promise.all(burst)));
        await sleep(Math.random() < 0.5 ? 0 : 1);
      }
    })();
    const received: number[] = [];
    let lastSeq: number | undefined;
    let firstSnapshotSeq = 0;
    for (let cycle = 0; cycle < 200; cycle++) {
      const c = await openStream(server.url, session.id, { token: server.token, ...(lastSeq === undefined ? {} : { afterSeq: lastSeq }) });
      c.ws.on('message', () => {}); // frames collected by the client helper
      await sleep(Math.random() * 8);
      // Abrupt or polite disconnect, at random.
      if (Math.random() < 0.5) c.ws.terminate();
      else c.ws.close();
      await c.closed;
      for (const f of c.frames) {
        if (f.type === 'snapshot' || f.type === 'agent_snapshot') {
          expect(f.reason ?? 'connect').not.toBe('too_far_behind');
          if (lastSeq === undefined) lastSeq = firstSnapshotSeq = f.seq as number;
          continue;
        }
        received.push(f.seq as number);
        lastSeq = f.seq as number;
      }
    }
    publishing = false;
    await publisher;
    const tail = await openStream(server.url, session.id, { token: server.token, afterSeq: lastSeq! });
    const last = publishedSeqs[publishedSeqs.length - 1]!;
    if (lastSeq! < last) await tail.waitFor((f) => f.seq === last);
    received.push(...tail.frames.map((f) => f.seq as number));
    tail.close();
    // Frames published before the first connection opened are history, not stream.
    const expected = publishedSeqs.filter((s) => s > firstSnapshotSeq);
    expect(received.length).toBeGreaterThan(200);
    expect(received).toEqual(expected);
  });

  it('drops a consumer that stops reading (4008), who then resumes by seq', async () => {
    const c = await openStream(server.url, session.id, { token: server.token });
    await c.waitFor((f) => f.type === 'agent_snapshot');
    const start = c.frames[0]!.seq as number;
    // Stop reading from the socket: the server's send buffer fills up.
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = 'x'.repeat(16 * 1024);
    const seqs: number[] = [];
    for (let i = 0; i < 400; i++) {
      seqs.push(await publish(big));
      if (i % 20 === 0) await sleep(5);
    }
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await c.closed;
    expect(closed.code).toBe(WsCloseCode.SlowConsumer);
    const got = c.frames.filter((f) => f.type === 'message_delta').map((f) => f.seq as number);
    const resumeFrom = got.length ? got[got.length - 1]! : start;
    const again = await openStream(server.url, session.id, { token: server.token, afterSeq: resumeFrom });
    await again.waitFor((f) => f.seq === seqs[seqs.length - 1], 20_000);
    const all = [...got, ...again.frames.map((f) => f.seq as number)];
    expect(all).toEqual(seqs);
    again.close();
  });

  it('refuses no token, a wrong token, a foreign Origin and unknown sessions', async () => {
    await expect(openStream(server.url, session.id, { token: null })).rejects.toThrow('HTTP 401');
    await expect(openStream(server.url, session.id, { token: 'wrong' })).rejects.toThrow('HTTP 401');
    await expect(openStream(server.url, session.id, { token: server.token, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openStream(server.url, '00000000-0000-4000-8000-000000000000', { token: server.token })).rejects.toThrow('HTTP 404');
    await expect(openStream(server.url, session.id, { token: server.token, afterSeq: -1 })).rejects.toThrow('HTTP 400');
    const sameOrigin = await openStream(server.url, session.id, { token: server.token, origin: server.url });
    sameOrigin.close();
  });

  it('accepts the browser cookie from the login URL', async () => {
    const res = await fetch(server.loginUrl(), { redirect: 'manual' });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const c = await openStream(server.url, session.id, { cookie, origin: server.url });
    await c.waitFor((f) => f.type === 'snapshot');
    c.close();
  });

  it('user events stream carries session created/renamed/archived across sessions', async () => {
    const c = await openStream(server.url, null, { token: server.token });
    await c.waitFor((f) => f.type === 'snapshot');
    expect(c.hello).toEqual({ type: 'hello', protocol: PROTOCOL_VERSION, server: server.ctx.version, capabilities: ['replay', 'session_activity'] });
    expect(c.frames[0]).toMatchObject({ type: 'snapshot', reason: 'connect' });
    const project = (await server.api<Project>('POST', '/api/projects', { path: await makeGitRepo() })).body;
    await c.waitFor((f) => f.type === 'project_added');
    const s = (await server.api<Session>('POST', '/api/sessions', { project_id: project.id })).body;
    await c.waitFor((f) => f.type === 'session_created' && (f.session as Session).id === s.id);
    await server.api('PATCH', `/api/sessions/${s.id}`, { name: 'new name' });
    await c.waitFor((f) => f.type === 'session_updated' && (f.session as Session).name === 'new name');
    await server.api('POST', `/api/sessions/${s.id}/archive`);
    await c.waitFor((f) => f.type === 'session_updated' && (f.session as Session).status === 'archived');
    const seqs = c.frames.map((f) => f.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    c.close();
  });
});
