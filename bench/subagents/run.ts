/**
 * bench/subagents: spawn → child start (prompt() called) latency of background subagents, for 50
 * children of one turn, against a plain task enqueue (posting a message) in the same run, both
 * through the HTTP API of a real server with an instant fake agent. One at a time, each after the
 * previous ended, so the figure is dispatch latency, not queueing. Prints p50/p99 and the ratio.
 */
import postgres from 'postgres';
import { createLogger, loadServerConfig, startServer } from '@boocode/server';
import { scratchDir } from '@boocode/testkit';
import { makeGitRepo, startThrowawayCluster } from '@boocode/testkit/server';
import { summarize, table } from '../lib/stats.js';
import { InstantBackend } from '../dispatch/fake-backend.js';

const N = Number(process.env.CHILDREN ?? 50);
const WARMUP = 10;

const cluster = await startThrowawayCluster();
const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
await admin.unsafe('CREATE DATABASE subagents_bench');
await admin.end();
let resolvePrompt: ((t: number) => void) | null = null;
const backend = new InstantBackend(() => resolvePrompt?.(performance.now()));
const config = await loadServerConfig({
  env: { ...process.env, DATABASE_URL: Object.assign(new URL(cluster.url), { pathname: '/subagents_bench' }).toString(), BOOCODE_PORT: '0', BOOCODE_SUBAGENTS_PER_TURN: String(N + WARMUP + 1) },
  flags: { home: scratchDir('bench-subagents-') },
});
const server = await startServer(config, { logger: createLogger({ level: 'silent' }), agents: { overrides: { instant: backend } }, worker: { concurrency: 8, pollMs: 2_000 } });
const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
  const res = await fetch(server.url + url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

let resolveDone: (() => void) | null = null;
await server.ctx.broker.subscribeUser({ send: (data) => { if (data.includes('"status":"completed"')) resolveDone?.(); }, drop: () => {} }, undefined);

const project = await call<{ id: string }>('POST', '/api/projects', { path: await makeGitRepo() });
async function session(): Promise<{ id: string; chatId: string }> {
  const s = await call<{ id: string }>('POST', '/api/sessions', { project_id: project.id, agent: 'instant', isolated: false });
  // Results collected by nobody would start follow-up turns in between the samples.
  await call('PATCH', `/api/sessions/${s.id}`, { subagent_followup: false });
  const chats = await call<{ items: { id: string }[] }>('GET', `/api/sessions/${s.id}/chats`);
  return { id: s.id, chatId: chats.items[0]!.id };
}

/** Time from the request to the agent's prompt(), the task ending before the next sample. */
async function sample(request: () => Promise<unknown>): Promise<number> {
  const started = new Promise<number>((r) => (resolvePrompt = r));
  const done = new Promise<void>((r) => (resolveDone = r));
  const t0 = performance.now();
  await request();
  const t1 = await started;
  await done;
  return t1 - t0;
}

const plainSession = await session();
const parentSession = await session();
let parentId = '';
await sample(async () => {
  parentId = (await call<{ task: { id: string } }>('POST', `/api/chats/${parentSession.chatId}/messages`, { content: 'parent' })).task.id;
});
const spawn = (i: number) => call('POST', `/api/tasks/${parentId}/subagents`, { prompt: `child ${i}`, isolation: 'shared' });
const post = (i: number) => call('POST', `/api/chats/${plainSession.chatId}/messages`, { content: `task ${i}` });

for (let i = 0; i < WARMUP; i++) {
  await sample(() => spawn(i));
  await sample(() => post(i));
}
const children: number[] = [];
const plain: number[] = [];
// Interleaved so both see the same machine conditions.
for (let i = 0; i < N; i++) {
  children.push(await sample(() => spawn(i)));
  plain.push(await sample(() => post(i)));
}
const c = summarize(children);
const p = summarize(plain);
console.log(`bench/subagents: ${N} children of one turn vs ${N} plain turns, request → prompt(), one at a time (Node ${process.version})`);
console.log(
  table([
    { path: 'spawn subagent (POST /api/tasks/:id/subagents)', 'p50 ms': c.p50, 'p99 ms': c.p99, 'mean ms': c.mean },
    { path: 'plain enqueue (POST /api/chats/:id/messages)', 'p50 ms': p.p50, 'p99 ms': p.p99, 'mean ms': p.mean },
  ]),
);
console.log(`ratio spawn/enqueue: p50 ${(c.p50 / p.p50).toFixed(2)}x, p99 ${(c.p99 / p.p99).toFixed(2)}x`);
await server.close();
await cluster.stop();
