/**
 * bench/dispatch: enqueue → prompt() latency of BooCode's queue (real server, instant fake agent)
 * vs graphile-worker's add → task start, on the same embedded Postgres in the same run.
 * Tasks are enqueued one at a time, each after the previous started, so the figure is dispatch
 * latency, not queueing. Prints p50/p99 and the ratio.
 */
import postgres from 'postgres';
import { run, makeWorkerUtils } from 'graphile-worker';
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { scratchDir } from '@boocode/testkit';
import { startThrowawayCluster, makeGitRepo } from '@boocode/testkit/server';
import { insertUserMessageWithTask } from '@boocode/server/internals';
import { summarize, table } from '../lib/stats.js';
import { InstantBackend } from './fake-backend.js';

const N = Number(process.env.TASKS ?? 1000);
const SESSIONS = Number(process.env.SESSIONS ?? 20);
const WARMUP = 50;

const cluster = await startThrowawayCluster();
const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
await admin.unsafe('CREATE DATABASE boo_bench');
await admin.unsafe('CREATE DATABASE graphile_bench');
await admin.end();
const dbUrl = (name: string) => Object.assign(new URL(cluster.url), { pathname: `/${name}` }).toString();

// ---- BooCode ----
let resolvePrompt: ((t: number) => void) | null = null;
const backend = new InstantBackend(() => resolvePrompt?.(performance.now()));
const config = await loadServerConfig({
  env: { ...process.env, DATABASE_URL: dbUrl('boo_bench'), BOOCODE_PORT: '0' },
  flags: { home: scratchDir('bench-dispatch-') },
});
const server = await startServer(config, {
  logger: createLogger({ level: 'silent' }),
  agents: { overrides: { instant: backend } },
  worker: { concurrency: 8, pollMs: 2_000 },
});
const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
const project = (await (await fetch(`${server.url}/api/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ path: await makeGitRepo() }) })).json()) as { id: string };
const targets: { sessionId: string; chatId: string }[] = [];
for (let i = 0; i < SESSIONS; i++) {
  const s = (await (await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ project_id: project.id, agent: 'instant', isolated: false }) })).json()) as { id: string };
  const chats = (await (await fetch(`${server.url}/api/sessions/${s.id}/chats`, { headers: auth })).json()) as { items: { id: string }[] };
  targets.push({ sessionId: s.id, chatId: chats.items[0]!.id });
}

// Every sample starts from an idle queue: the next task is added once the previous one is done.
let resolveDone: (() => void) | null = null;
await server.ctx.broker.subscribeUser({ send: (data) => { if (data.includes('"status":"completed"')) resolveDone?.(); }, drop: () => {} }, undefined);

async function booOnce(i: number): Promise<number> {
  const t = targets[i % targets.length]!;
  const started = new Promise<number>((r) => (resolvePrompt = r));
  const done = new Promise<void>((r) => (resolveDone = r));
  const t0 = performance.now();
  await insertUserMessageWithTask(server.ctx.sql, { projectId: project.id, sessionId: t.sessionId, chatId: t.chatId, content: `task ${i}`, images: [], agent: 'instant', model: null });
  const t1 = await started;
  await done;
  return t1 - t0;
}

// ---- graphile-worker ----
let resolveJob: ((t: number) => void) | null = null;
const graphileUrl = dbUrl('graphile_bench');
const utils = await makeWorkerUtils({ connectionString: graphileUrl });
await utils.migrate();
const runner = await run({
  connectionString: graphileUrl,
  concurrency: 8,
  noHandleSignals: true,
  pollInterval: 2_000,
  logger: new (await import('graphile-worker')).Logger(() => () => {}),
  taskList: { bench: async () => void resolveJob?.(performance.now()) },
});

let resolveJobDone: (() => void) | null = null;
runner.events.on('job:complete', () => resolveJobDone?.());

async function graphileOnce(i: number): Promise<number> {
  const started = new Promise<number>((r) => (resolveJob = r));
  const done = new Promise<void>((r) => (resolveJobDone = r));
  const t0 = performance.now();
  await utils.addJob('bench', { i });
  const t1 = await started;
  await done;
  return t1 - t0;
}

for (let i = 0; i < WARMUP; i++) {
  await booOnce(i);
  await graphileOnce(i);
}
const boo: number[] = [];
const gw: number[] = [];
// Interleaved so both see the same machine conditions.
for (let i = 0; i < N; i++) {
  boo.push(await booOnce(i));
  gw.push(await graphileOnce(i));
}
const b = summarize(boo);
const g = summarize(gw);
console.log(`bench/dispatch: ${N} tasks over ${SESSIONS} sessions, enqueue → start, one at a time (Node ${process.version})`);
console.log(
  table([
    { queue: 'BooCode (insert → prompt())', 'p50 ms': b.p50, 'p99 ms': b.p99, 'mean ms': b.mean },
    { queue: 'graphile-worker (addJob → task)', 'p50 ms': g.p50, 'p99 ms': g.p99, 'mean ms': g.mean },
  ]),
);
console.log(`ratio BooCode/graphile-worker: p50 ${(b.p50 / g.p50).toFixed(2)}x, p99 ${(b.p99 / g.p99).toFixed(2)}x (target: p50 <= 1.2x)`);
await runner.stop();
await utils.release();
await server.close();
await cluster.stop();
