/**
 * bench/stream: N frames fanned out to M WebSocket clients, BooCode's session stream vs a bare
 * `ws` relay doing the same fan-out, both as child processes in the same run.
 * Prints frames/s delivered, p50/p99 publish→receive latency, server RSS, and ratios.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { scratchDir } from '@boocode/testkit';
import { nowMs, summarize, table } from '../lib/stats.js';

const N = Number(process.env.FRAMES ?? 20_000);
/** Paced phase: frames/s published while latency is measured. */
const RATE = Number(process.env.RATE ?? 2_000);
const M = Number(process.env.CLIENTS ?? 20);
const SIZE = Number(process.env.FRAME_BYTES ?? 64);
const here = path.dirname(fileURLToPath(import.meta.url));

function startChild(mode: 'boocode' | 'bare', env: Record<string, string>): Promise<{ child: ChildProcess; info: { url: string; token?: string } }> {
  const child = fork(path.join(here, 'server-child.ts'), [mode], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info: info as { url: string; token?: string } }));
    child.once('exit', (code) => reject(new Error(`${mode} child exited ${code}`)));
  });
}

const ask = <T>(child: ChildProcess, msg: object): Promise<T> =>
  new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(msg);
  });

async function measure(label: string, child: ChildProcess, wsUrl: string, headers: Record<string, string>, sessionId: string | undefined, n: number, rate: number) {
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
  const rssBefore = (await ask<{ rss: number }>(child, { cmd: 'rss' })).rss;
  const start = nowMs();
  await ask(child, { cmd: 'publish', n, size: SIZE, rate, sessionId });
  const deadline = Date.now() + 60_000;
  while (received < n * M && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const rssAfter = (await ask<{ rss: number }>(child, { cmd: 'rss' })).rss;
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

/** Saturated run for throughput, paced run for latency; the better of two rounds of each. */
async function both(label: string, child: ChildProcess, wsUrl: string, headers: Record<string, string>, sessionId?: string) {
  const blast = [await measure(label, child, wsUrl, headers, sessionId, N, 0), await measure(label, child, wsUrl, headers, sessionId, N, 0)];
  const paced = [await measure(label, child, wsUrl, headers, sessionId, RATE * 3, RATE), await measure(label, child, wsUrl, headers, sessionId, RATE * 3, RATE)];
  const best = blast.reduce((a, b) => (Number(a['frames/s']) >= Number(b['frames/s']) ? a : b));
  const calm = paced.reduce((a, b) => (Number(a['p50 ms']) <= Number(b['p50 ms']) ? a : b));
  return { ...best, 'p50 ms': calm['p50 ms'], 'p99 ms': calm['p99 ms'], 'RSS MB': calm['RSS MB'] };
}

const home = scratchDir('bench-stream-');
const boo = await startChild('boocode', { BENCH_HOME: home });
const headers = { authorization: `Bearer ${boo.info.token}` };
const project = await (await fetch(`${boo.info.url}/api/projects`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ path: path.resolve(here, '../..') }) })).json() as { id: string };
const session = await (await fetch(`${boo.info.url}/api/sessions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ project_id: project.id }) })).json() as { id: string };
const bare = await startChild('bare', {});

console.log(`bench/stream: ${N} frames of ~${SIZE + 120} bytes to ${M} clients; throughput saturated, latency at ${RATE} frames/s (Node ${process.version})`);
const booUrl = `${boo.info.url.replace('http', 'ws')}/api/sessions/${session.id}/stream`;
// A short warm-up of both first, so neither side is measured while the JIT is still cold.
await measure('warm-up', bare.child, bare.info.url, {}, undefined, N / 10, 0);
await measure('warm-up', boo.child, booUrl, headers, session.id, N / 10, 0);
const rows = [];
rows.push(await both('bare ws relay', bare.child, bare.info.url, {}));
rows.push(await both('BooCode stream', boo.child, booUrl, headers, session.id));
const [b, o] = rows as unknown as [Record<string, number | string>, Record<string, number | string>];
console.log(table(rows));
console.log(
  `ratio BooCode/bare: throughput ${(Number(o['frames/s']) / Number(b['frames/s'])).toFixed(2)}x, ` +
    `p50 ${(Number(o['p50 ms']) / Number(b['p50 ms'])).toFixed(2)}x, p99 ${(Number(o['p99 ms']) / Number(b['p99 ms'])).toFixed(2)}x, ` +
    `RSS ${(Number(o['RSS MB']) / Number(b['RSS MB'])).toFixed(2)}x`,
);
await ask(bare.child, { cmd: 'stop' }).catch(() => {});
bare.child.kill();
boo.child.send({ cmd: 'stop' });
await new Promise((r) => boo.child.once('exit', r));
