import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type HelloFrame, type SessionFrame, type SessionFramePayload } from '@boocode/contracts';
import { ApiClient, FrameSocket, sessionFrames, sessionStreamPath, streamUrl, type WebSocketLike } from '@boocode/client';
import { makeGitRepo, startTestServer, type TestServer } from '@boocode/testkit/server';

let server: TestServer;
let sessionId: string;
let chatId: string;
const MSG = '00000000-0000-4000-8000-0000000000d1';

beforeAll(async () => {
  server = await startTestServer({ env: { BOOCODE_REPLAY_FRAMES: '1000' } });
  const api = new ApiClient({ baseUrl: server.url, token: server.token });
  const project = await api.call('createProject', { body: { path: await makeGitRepo() } });
  const session = await api.call('createSession', { body: { project_id: project.id } });
  sessionId = session.id;
  chatId = (await api.call('listChats', { params: { id: session.id } })).items[0]!.id;
});
afterAll(() => server?.close());

/** Node 20 has no global WebSocket, and the token goes in a header: `ws` opens the sockets here. */
function connect() {
  const sockets: WebSocket[] = [];
  const frames: SessionFrame[] = [];
  const hellos: HelloFrame[] = [];
  const waiters: Array<{ pred: () => boolean; resolve: () => void }> = [];
  const check = () => waiters.splice(0).forEach((w) => (w.pred() ? w.resolve() : waiters.push(w)));
  const socket = new FrameSocket({
    stream: sessionFrames,
    url: (after) => streamUrl(server.url, sessionStreamPath(sessionId), after),
    open: (url) => {
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${server.token}` } });
      sockets.push(ws);
      return ws as unknown as WebSocketLike;
    },
    onFrames: (fs) => {
      frames.push(...fs);
      check();
    },
    onHello: (h) => {
      hellos.push(h);
      check();
    },
    onStatus: () => {},
    backoff: { initialMs: 10, maxMs: 50 },
  });
  socket.start();
  const until = (pred: () => boolean) => new Promise<void>((resolve) => (pred() ? resolve() : waiters.push({ pred, resolve })));
  return { socket, sockets, frames, hellos, until };
}

const delta = (text: string): SessionFramePayload => ({ type: 'message_delta', chat_id: chatId, message_id: MSG, text });

/** Publishes a frame and returns its seq (the bus may stamp it in the database). */
async function publish(text: string): Promise<number> {
  const seq = await server.ctx.broker.publish(sessionId, delta(text));
  if (seq === null) throw new Error('the frame was not published');
  return seq;
}

describe('FrameSocket against a real server', () => {
  it('takes hello, then every frame once and in order across dropped connections', async () => {
    const c = connect();
    await c.until(() => c.frames.some((f) => f.type === 'agent_snapshot'));
    expect(c.hellos).toEqual([{ type: 'hello', protocol: PROTOCOL_VERSION, server: server.ctx.version, capabilities: ['replay', 'agent_snapshot'] }]);
    expect(c.frames[0]).toMatchObject({ type: 'snapshot', reason: 'connect' });
    const published: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) published.push(await publish(`${round}.${i}`));
      // The connection breaks; the frames published meanwhile come back through after_seq.
      c.sockets.at(-1)!.terminate();
      for (let i = 0; i < 10; i++) published.push(await publish(`${round}.${i}b`));
      const last = published.at(-1)!;
      await c.until(() => c.socket.lastSeq === last);
    }
    expect(c.frames.filter((f) => f.type === 'message_delta').map((f) => f.seq)).toEqual(published);
    // Each of the 5 reconnects opened with its own hello; none started over with a snapshot.
    expect(c.hellos.length).toBeGreaterThanOrEqual(6);
    expect(c.frames.filter((f) => f.type === 'snapshot')).toHaveLength(1);
    c.socket.stop();
  });
});
