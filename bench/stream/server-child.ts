/**
 * One side of the stream benchmark, in its own process so its RSS is its own:
 * `boocode` runs the real server on the in-process frame bus, `bare` a plain `ws` relay,
 * `hub` a server with no worker on the Postgres bus (server A) and `publisher` a process that
 * only publishes on that bus (worker B). The driver sends {cmd:'publish'} over IPC; frames carry
 * their publish time.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { Broker, connect, PostgresFrameBus } from '@boocode/server/internals';
import { removeScratch, scratchDir } from '@boocode/testkit';
import { startThrowawayCluster } from '@boocode/testkit/server';
import { nowMs } from '../lib/stats.js';

/** `rate` > 0 paces publishing (frames/s) so latency is measured below saturation. */
type Cmd = { cmd: 'publish'; n: number; size: number; rate: number; sessionId?: string } | { cmd: 'rss' } | { cmd: 'stop' };

const mode = process.argv[2];
const chat_id = '00000000-0000-4000-8000-0000000000c1';
const message_id = '00000000-0000-4000-8000-0000000000d1';
const send = (m: unknown) => process.send!(m);
const silent = createLogger({ level: 'silent' });

/**
 * Publishes in slices so the event loop keeps flushing sockets, as a streaming turn does;
 * paced to `rate` frames/s when given.
 */
async function publishAll(n: number, rate: number, publishOne: (i: number) => void): Promise<void> {
  const slice = rate > 0 ? Math.max(1, Math.round(rate / 1000)) : 50;
  const start = nowMs();
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + slice);
    for (; i < end; i++) publishOne(i);
    if (rate > 0) {
      const due = start + (i / rate) * 1000;
      const wait = due - nowMs();
      await new Promise((r) => (wait > 1 ? setTimeout(r, wait) : setImmediate(r)));
    } else await new Promise((r) => setImmediate(r));
  }
}

/** Answers the driver: publishes with `publishOne`, reports RSS, stops with `stop` (also when the driver is gone). */
function serve(publishOne: (sessionId: string | undefined, text: string) => void, stop: () => Promise<void>): void {
  let stopping: Promise<void> | null = null;
  const exit = () => void (stopping ??= stop().finally(() => process.exit(0)));
  process.on('message', async (m: Cmd) => {
    if (m.cmd === 'publish') {
      const pad = 'x'.repeat(m.size);
      await publishAll(m.n, m.rate, () => publishOne(m.sessionId, `${nowMs()}|${pad}`));
      send({ done: true });
    } else if (m.cmd === 'rss') send({ rss: process.memoryUsage().rss });
    else exit();
  });
  // A driver that crashed leaves no server, database or relay behind.
  process.once('disconnect', exit);
}

if (mode === 'bare') {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
  });
  await new Promise((r) => wss.once('listening', r));
  let seq = 0;
  serve(
    (_, text) => {
      // The same work per frame as the broker minus validation and replay: stamp, stringify once, fan out.
      const data = JSON.stringify({ type: 'message_delta', chat_id, message_id, text, seq: ++seq, session_id: 's', ts: new Date().toISOString() });
      for (const c of clients) c.send(data);
    },
    async () => {},
  );
  const addr = wss.address();
  send({ url: `ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
} else if (mode === 'boocode' || mode === 'hub') {
  // The in-process server owns the cluster; the hub joins its database, as `serve --no-worker` does.
  const cluster = mode === 'boocode' ? await startThrowawayCluster() : null;
  const databaseUrl = cluster?.url ?? process.env.BENCH_DATABASE_URL!;
  const home = scratchDir('bench-stream-');
  const config = await loadServerConfig({
    env: { ...process.env, DATABASE_URL: databaseUrl, BOOCODE_PORT: '0', BOOCODE_REPLAY_FRAMES: '1000', BOOCODE_WS_MAX_BUFFER: String(64 * 1024 * 1024) },
    flags: { home },
  });
  const server = await startServer(config, {
    logger: silent,
    ...(mode === 'hub' ? { worker: false as const, bus: 'postgres' as const } : { bus: 'in-process' as const }),
  });
  serve(
    (sessionId, text) => void server.ctx.broker.publish(sessionId!, { type: 'message_delta', chat_id, message_id, text }),
    async () => {
      await server.close();
      await cluster?.stop();
      removeScratch(home);
    },
  );
  send({ url: server.url, token: server.token, databaseUrl });
} else {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const sql = connect(databaseUrl, { max: 4 });
  const broker = new Broker(new PostgresFrameBus({ url: databaseUrl, sql, log: silent }), { replayFrames: 1 });
  serve(
    (sessionId, text) => void broker.publish(sessionId!, { type: 'message_delta', chat_id, message_id, text }),
    async () => {
      await broker.close();
      await sql.end();
    },
  );
  send({ url: '' });
}
