/**
 * bench/stream: N frames fanned out to M WebSocket clients, BooCode's session stream vs a bare
 * `ws` relay doing the same fan-out, all as child processes in the same run. BooCode twice: on the
 * in-process frame bus (one server), and across processes (frames published by process B on the
 * Postgres bus, clients on server A).
 * Prints frames/s delivered, p50/p99 publish→receive latency, server RSS, and ratios.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { makeGitRepo } from '@boocode/testkit/server';
import { nowMs, summarize, table } from '../lib/stats.js';

const N = Number(process.env.FRAMES ?? 20_000);
/** Paced phase: frames/s published while latency is measured. */
const RATE = Number(process.env.RATE ?? 2_000);
const M = Number(process.env.CLIENTS ?? 20);
const SIZE = Number(process.env.FRAME_BYTES ?? 64);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const here = path.dirname(fileURLToPath(import.meta.url));

type ChildInfo = { url: string; token?: string; databaseUrl?: string };

function startChild(mode: 'boocode' | 'bare' | 'hub' | 'publisher', env: Record<string, string> = {}): Promise<{ child: ChildProcess; info: ChildInfo }> {
  const child = fork(path.join(here, 'server-child.ts'), [mode], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info: info as ChildInfo }));
    child.once('exit', (code) => reject(new Error(`${mode} child exited ${code}`)));
  });
}

const ask = <T>(child: ChildProcess, msg: object): Promise<T> =>
  new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(msg);
  });

/** `publisher` publishes; `server` holds the sockets (the same process but across processes). */
async function measure(label: string, publisher: ChildProcess, server: ChildProcess, wsUrl: string, headers: Record<string, string>, sessionId: string | undefined, n: number, rate: number) {
  const latencies: number[] = [];
  let received = 0;
  let lastAt = 0;
  const sockets = await Promise.all(
    Array.from({ length: M }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers });
      ws.on('message', (data) => {
        const f = JSON.parse(String(data)) as { type: string; text?: string };
        if (f.type !== 'message_delta') return;
        const t = nowMs();
        latencies.push(t - Number(f.text!.slice(0, f.text!.indexOf('|'))));
        received++;
        lastAt = t;
      });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })),
  );
  await new Promise((r) => setTimeout(r, 300)); // let opening frames settle
  const rssBefore = (await ask<{ rss: number }>(server, { cmd: 'rss' })).rss;
  const start = nowMs();
  await ask(publisher, { cmd: 'publish', n, size: SIZE, rate, sessionId });
  const deadline = Date.now() + 60_000;
  while (received < n * M && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const rssAfter = (await ask<{ rss: number }>(server, { cmd: 'rss' })).rss;
  for (const s of sockets) s.close();
  const secs = (lastAt - start) / 1000;
  const lat = summarize(latencies);
  return {
    server: label,
    delivered: received,
    'frames/s': Math.round(received / secs),
    'p50 ms': lat.p50,
    'p99 ms': lat.p99,
    'RSS MB': Math.round(rssAfter / 1e5) / 10,
    'RSS growth MB': Math.round((rssAfter - rssBefore) / 1e5) / 10,
  };
}

/** Where frames are published and where clients connect, for one row of the table. */
interface Target {
  label: string;
  publisher: ChildProcess;
  server: ChildProcess;
  url: string;
  headers: Record<string, string>;
  sessionId?: string;
}

/**
 * Saturated runs for throughput, paced runs for latency; the best of ROUNDS of each. The targets
 * take turns within each round, so a machine busy with other work weighs on all of them alike.
 */
async function rowsFor(targets: Target[]) {
  type Row = Awaited<ReturnType<typeof measure>>;
  const run = (t: Target, n: number, rate: number) => measure(t.label, t.publisher, t.server, t.url, t.headers, t.sessionId, n, rate);
  const blast = targets.map((): Row[] => []);
  const paced = targets.map((): Row[] => []);
  for (let r = 0; r < ROUNDS; r++) for (const [i, t] of targets.entries()) blast[i]!.push(await run(t, N, 0));
  for (let r = 0; r < ROUNDS; r++) for (const [i, t] of targets.entries()) paced[i]!.push(await run(t, RATE * 3, RATE));
  return targets.map((_, i) => {
    const best = blast[i]!.reduce((a, b) => (a['frames/s'] >= b['frames/s'] ? a : b));
    const calm = paced[i]!.reduce((a, b) => (a['p50 ms'] <= b['p50 ms'] ? a : b));
    return { ...best, 'p50 ms': calm['p50 ms'], 'p99 ms': calm['p99 ms'], 'RSS MB': calm['RSS MB'] };
  });
}

/** A session on `server`, to stream. */
async function newSession(info: ChildInfo): Promise<{ url: string; headers: Record<string, string>; id: string }> {
  const headers = { authorization: `Bearer ${info.token}` };
  const post = async (url: string, body: unknown) =>
    (await (await fetch(`${info.url}${url}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: string };
  const project = await post('/api/projects', { path: await makeGitRepo() });
  const session = await post('/api/sessions', { project_id: project.id });
  return { url: `${info.url.replace('http', 'ws')}/api/sessions/${session.id}/stream`, headers, id: session.id };
}

const boo = await startChild('boocode');
const env = { BENCH_DATABASE_URL: boo.info.databaseUrl! };
const hub = await startChild('hub', env);
const publisher = await startChild('publisher', env);
const bare = await startChild('bare');
const local = await newSession(boo.info);
const remote = await newSession(hub.info);

console.log(`bench/stream: ${N} frames of ~${SIZE + 120} bytes to ${M} clients; throughput saturated, latency at ${RATE} frames/s (Node ${process.version})`);
// A short warm-up of each first, so none is measured while the JIT is still cold.
await measure('warm-up', bare.child, bare.child, bare.info.url, {}, undefined, N / 10, 0);
await measure('warm-up', boo.child, boo.child, local.url, local.headers, local.id, N / 10, 0);
await measure('warm-up', publisher.child, hub.child, remote.url, remote.headers, remote.id, N / 10, 0);
const rows = await rowsFor([
  { label: 'bare ws relay', publisher: bare.child, server: bare.child, url: bare.info.url, headers: {} },
  { label: 'BooCode, in-process bus', publisher: boo.child, server: boo.child, url: local.url, headers: local.headers, sessionId: local.id },
  { label: 'BooCode, B -> Postgres -> A', publisher: publisher.child, server: hub.child, url: remote.url, headers: remote.headers, sessionId: remote.id },
]);
const [b, ...others] = rows;
console.log(table(rows));
for (const o of others) {
  console.log(
    `ratio ${o.server} / bare: throughput ${(o['frames/s'] / b!['frames/s']).toFixed(2)}x, ` +
      `p50 ${(o['p50 ms'] / b!['p50 ms']).toFixed(2)}x, p99 ${(o['p99 ms'] / b!['p99 ms']).toFixed(2)}x, ` +
      `RSS ${(o['RSS MB'] / b!['RSS MB']).toFixed(2)}x`,
  );
}
// The hub and the publisher leave the database before its owner stops it.
for (const c of [bare.child, publisher.child, hub.child, boo.child]) {
  c.send({ cmd: 'stop' });
  await new Promise((r) => c.once('exit', r));
}
