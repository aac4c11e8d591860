/**
 * bench/terminal: BooCode's tmux-backed terminals (TerminalManager, tmux control mode) against baselines
 * measured in the same run:
 * - keystroke echo: one byte typed into a program echoing it (`stty raw -echo; cat`), through the
 *   terminal WebSocket of a real server (binary frames in and out, client and server in this process)
 *   and through an attachment, against the same program on a raw local pty (node-pty); and again
 *   through an attachment while a neighbouring terminal floods (`yes`), to show the rate limit keeps
 *   terminals responsive;
 * - throughput: `seq 50000` delivered to a WebSocket client and to an attachment, against tmux alone
 *   (same command, no client, timed with `wait-for`) and against a raw pty;
 * - search: `TerminalManager.search` over a full 5,000-line ring, against a plain JavaScript RegExp
 *   over the same lines in-process (no worker, no guard).
 *   npm run bench -- terminal [samples]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pty from '@lydell/node-pty';
import WebSocket from 'ws';
import type { Project, Session, Terminal } from '@boocode/contracts';
import { createLogger, loadServerConfig, startServer, type RunningServer } from '@boocode/server';
import { TerminalManager } from '@boocode/server/internals';
import { makeGitRepo, startThrowawayCluster } from '@boocode/testkit/server';
import { percentile, summarize, table } from '../lib/stats.js';

const run = promisify(execFile);
const SAMPLES = Number(process.argv[2] ?? 300);
const SESSION = '5e55105e-0000-4000-8000-000000000001';
const SEQ = 50_000;
const ROUNDS = 5;

/** Resolves when `test` holds on the accumulated output; fed by whoever receives output. */
function stream() {
  let text = '';
  let waiter: { test: (t: string) => boolean; resolve: () => void } | null = null;
  return {
    push(chunk: string) {
      text += chunk;
      if (text.length > 1 << 20) text = text.slice(-4096);
      if (waiter?.test(text)) {
        const w = waiter;
        waiter = null;
        w.resolve();
      }
    },
    reset() {
      text = '';
    },
    until(test: (t: string) => boolean): Promise<void> {
      return new Promise((resolve) => {
        if (test(text)) return resolve();
        waiter = { test, resolve };
      });
    },
  };
}

/** Types one letter at a time and times its echo. */
async function echoLatency(write: (s: string) => void, out: ReturnType<typeof stream>, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    out.reset();
    const t0 = performance.now();
    write(ch);
    await out.until((t) => t.includes(ch));
    times.push(performance.now() - t0);
  }
  return times;
}

const RAW_CAT = 'stty raw -echo; exec cat';

async function rawPtyEcho(): Promise<number[]> {
  const p = pty.spawn('/bin/sh', ['-c', RAW_CAT], { cols: 80, rows: 24 });
  const out = stream();
  p.onData((d) => out.push(d));
  p.write('Z');
  await out.until((t) => t.includes('Z'));
  const times = await echoLatency((s) => p.write(s), out, SAMPLES);
  p.kill();
  return times;
}

/** A real server (API only) with a session; `terminal()` opens a terminal in it with a WebSocket client attached. */
async function benchServer(home: string, env: Record<string, string>, databaseUrl: string) {
  const config = await loadServerConfig({ env: { ...env, SHELL: '/bin/sh', DATABASE_URL: databaseUrl, BOOCODE_PORT: '0' }, flags: { home } });
  const server = await startServer(config, { logger: createLogger({ level: 'silent' }), worker: false });
  const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(server.url + url, {
      method,
      headers: { authorization: `Bearer ${server.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const project = await api<Project>('POST', '/api/projects', { path: await makeGitRepo({ 'a.txt': 'a\n' }) });
  const session = await api<Session>('POST', '/api/sessions', { project_id: project.id, isolated: false });
  return {
    server,
    async terminal() {
      const terminal = await api<Terminal>('POST', `/api/sessions/${session.id}/terminals`, {});
      const out = stream();
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/terminals/${terminal.id}/stream`, { headers: { authorization: `Bearer ${server.token}` } });
      let delivered = 0;
      ws.on('message', (data, isBinary) => {
        if (!isBinary) return;
        const buf = data as Buffer;
        delivered += buf.length;
        out.push(buf.toString('latin1'));
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      return {
        out,
        type: (s: string) => ws.send(Buffer.from(s, 'utf8'), { binary: true }),
        takeDelivered: () => {
          const d = delivered;
          delivered = 0;
          return d;
        },
        close: () => ws.close(),
      };
    },
  };
}

async function main() {
  const home = await mkdtemp(path.join(tmpdir(), 'bc-bench-term-'));
  const socket = path.join(home, 'tmux.sock');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', PS1: '$ ' };
  const m = new TerminalManager({ home, env, shell: '/bin/sh' });
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  const serverHome = path.join(home, 'srv');
  const cluster = await startThrowawayCluster();
  let server: RunningServer | null = null;
  try {
    // ---- keystroke echo through the WebSocket of a real server ----
    const bench = await benchServer(serverHome, env, cluster.url);
    server = bench.server;
    const viaWs = await bench.terminal();
    viaWs.type(`${RAW_CAT}\r`);
    viaWs.type('Z');
    await viaWs.out.until((x) => x.includes('Z'));
    const websocket = await echoLatency((ch) => viaWs.type(ch), viaWs.out, SAMPLES);

    // ---- keystroke echo ----
    const t = await m.create({ sessionId: SESSION, cwd: home });
    const out = stream();
    const a = await m.attach(t.id, { onSnapshot: () => {}, onData: (d) => out.push(d.toString('utf8')), onEnd: () => {} });
    await a.write(`${RAW_CAT}\r`);
    await a.write('Z');
    await out.until((s) => s.includes('Z'));
    const boocode = await echoLatency((s) => void a.write(s), out, SAMPLES);
    const raw = await rawPtyEcho();

    const noisy = await m.create({ sessionId: SESSION, cwd: home });
    const noisyOut = stream();
    const n = await m.attach(noisy.id, { onSnapshot: () => {}, onData: (d) => noisyOut.push(d.toString('latin1')), onEnd: () => {} });
    await n.write('yes | head -c 400000000\r');
    await noisyOut.until((s) => s.includes('y\r\ny\r\n'));
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const flooded = await echoLatency((s) => void a.write(s), out, SAMPLES);
    const cpu = process.cpuUsage(cpu0);
    const floodCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    await m.kill(noisy.id);

    const e = { raw: summarize(raw), boocode: summarize(boocode), flooded: summarize(flooded), websocket: summarize(websocket) };
    const echoRows = [
      { path: 'raw local pty (node-pty)', 'p50 ms': e.raw.p50, 'p95 ms': percentile95(raw), 'max ms': e.raw.max },
      { path: 'BooCode WebSocket (real server)', 'p50 ms': e.websocket.p50, 'p95 ms': percentile95(websocket), 'max ms': e.websocket.max },
      { path: 'BooCode attachment (tmux -C)', 'p50 ms': e.boocode.p50, 'p95 ms': percentile95(boocode), 'max ms': e.boocode.max },
      { path: 'BooCode, neighbour flooding', 'p50 ms': e.flooded.p50, 'p95 ms': percentile95(flooded), 'max ms': e.flooded.max },
    ];

    // ---- throughput of seq 50000 ----
    const cmd = `seq ${SEQ}`;
    const t2 = await m.create({ sessionId: SESSION, cwd: home });
    const seqOut = stream();
    let delivered = 0;
    const s = await m.attach(t2.id, {
      onSnapshot: (snap) => seqOut.push(snap.data.toString('latin1')),
      onData: (d) => {
        delivered += d.length;
        seqOut.push(d.toString('latin1'));
      },
      onEnd: () => {},
    });
    // Rounds interleave the three paths so a busy moment on the machine hits them alike; medians reported.
    await tmux('new-session', '-d', '-s', 'alone', '-x', '80', '-y', '24', '--', '/bin/sh');
    const tput = { boocode: [] as number[], alone: [] as number[], raw: [] as number[], websocket: [] as number[] };
    viaWs.close();
    const seqWs = await bench.terminal();
    let wsDelivered = 0;
    for (let round = 0; round < ROUNDS; round++) {
      seqWs.out.reset();
      seqWs.takeDelivered();
      const w0 = performance.now();
      seqWs.type(`${cmd}; echo seq-""end\r`);
      await seqWs.out.until((x) => x.includes('seq-end'));
      tput.websocket.push(performance.now() - w0);
      wsDelivered = seqWs.takeDelivered();

      seqOut.reset();
      delivered = 0;
      let t0 = performance.now();
      await s.write(`${cmd}; echo seq-""end\r`);
      await seqOut.until((x) => x.includes('seq-end'));
      tput.boocode.push(performance.now() - t0);

      t0 = performance.now();
      await tmux('send-keys', '-t', '=alone:', `${cmd}; tmux -S ${socket} wait-for -S alone-done`, 'Enter');
      await tmux('wait-for', 'alone-done');
      tput.alone.push(performance.now() - t0);

      t0 = performance.now();
      await new Promise<void>((resolve) => {
        const p = pty.spawn('/bin/sh', ['-c', cmd], { cols: 80, rows: 24 });
        p.onData(() => {});
        p.onExit(() => resolve());
      });
      tput.raw.push(performance.now() - t0);
    }
    const [boocodeMs, aloneMs, rawMs, wsMs] = [tput.boocode, tput.alone, tput.raw, tput.websocket].map((v) => summarize(v).p50) as [number, number, number, number];
    seqWs.close();
    const bytes = (await run('seq', [String(SEQ)])).stdout.length;
    const tputRows = [
      { path: 'raw local pty (node-pty)', ms: rawMs, 'lines/s': Math.round(SEQ / (rawMs / 1000)) },
      { path: 'tmux alone (no client)', ms: aloneMs, 'lines/s': Math.round(SEQ / (aloneMs / 1000)) },
      { path: 'BooCode attachment', ms: boocodeMs, 'lines/s': Math.round(SEQ / (boocodeMs / 1000)) },
      { path: 'BooCode WebSocket client', ms: wsMs, 'lines/s': Math.round(SEQ / (wsMs / 1000)) },
    ];

    // ---- search: the ring alone (4,900 lines), and the ring plus older lines read back from tmux ----
    const patterns = ['error', 'took 9\\d ms', '^line 4\\d{3}:', 'STEP 1\\d+ OK', '(a+)+$'];
    const searchRows: Record<string, string | number>[] = [];
    let ringLines: string[] = [];
    for (const [label, count] of [['ring only', 4900], ['ring + tmux fallback', 12_000]] as const) {
      const term = await m.create({ sessionId: SESSION, cwd: home });
      const fillOut = stream();
      const f = await m.attach(term.id, { onSnapshot: () => {}, onData: (d) => fillOut.push(d.toString('latin1')), onEnd: () => {} });
      await f.write(`i=1; while [ $i -le ${count} ]; do echo "line $i: build step $((i*7)) ok, took $((i%97)) ms"; i=$((i+1)); done; echo fill-""done\r`);
      await fillOut.until((x) => x.includes('fill-done'));
      const times: number[] = [];
      let searched = 0;
      // Warm-up: the first search of each pattern compiles the matcher's code paths (JIT).
      for (const pattern of patterns) await m.search(term.id, { pattern });
      for (let i = 0; i < Math.max(100, SAMPLES); i++) {
        const pattern = patterns[i % patterns.length]!;
        const t = performance.now();
        const r = await m.search(term.id, { pattern, ignore_case: pattern === pattern.toUpperCase(), context: 2 });
        times.push(performance.now() - t);
        searched = r.searched_lines;
      }
      const st = summarize(times);
      searchRows.push({ search: `TerminalManager.search, ${label}`, lines: searched, 'p50 ms': st.p50, 'p99 ms': st.p99 });
      if (!ringLines.length) ringLines = (await m.capture(term.id, { lines: count })).split('\n');
      await m.kill(term.id);
    }
    const plain: number[] = [];
    for (let i = 0; i < Math.max(100, SAMPLES); i++) {
      const pattern = patterns[i % patterns.length]!;
      if (pattern === '(a+)+$') continue; // V8's backtracking engine is what the guard exists for
      const re = new RegExp(pattern, pattern === pattern.toUpperCase() ? 'i' : '');
      const t = performance.now();
      ringLines.filter((l) => re.test(l));
      plain.push(performance.now() - t);
    }
    const sp = summarize(plain);
    searchRows.unshift({ search: 'JS RegExp in-process (unguarded)', lines: ringLines.length, 'p50 ms': sp.p50, 'p99 ms': sp.p99 });

    const { stdout: version } = await run('tmux', ['-V'], { encoding: 'utf8' });
    process.stdout.write(`terminal benchmark, ${version.trim()}, ${SAMPLES} keystrokes per path\n\n`);
    process.stdout.write(`keystroke echo latency\n${table(echoRows)}\n`);
    process.stdout.write(`ratio BooCode attachment/raw pty: p50 ${(e.boocode.p50 / e.raw.p50).toFixed(1)}x, p95 ${(percentile95(boocode) / percentile95(raw)).toFixed(1)}x\n`);
    process.stdout.write(`ratio BooCode WebSocket/raw pty: p50 ${(e.websocket.p50 / e.raw.p50).toFixed(1)}x, p95 ${(percentile95(websocket) / percentile95(raw)).toFixed(1)}x (budget: p95 < 150 ms)\n`);
    process.stdout.write(`this process's CPU while the neighbour flooded: ${(floodCpu * 100).toFixed(0)}% of one core (output capped at the default rate)\n\n`);
    process.stdout.write(`throughput: ${cmd} (${(bytes / 1e3).toFixed(0)} kB; ${delivered} bytes delivered to the attachment), median of ${ROUNDS} rounds\n${table(tputRows)}\n`);
    process.stdout.write(`ratio BooCode attachment/tmux alone: ${(boocodeMs / aloneMs).toFixed(2)}x, WebSocket/tmux alone: ${(wsMs / aloneMs).toFixed(2)}x (${wsDelivered} bytes to the WebSocket client)\n\n`);
    process.stdout.write(`search, ${Math.max(100, SAMPLES)} searches each\n${table(searchRows)}\n`);
  } finally {
    await server?.close();
    await cluster.stop();
    await m.close();
    await tmux('kill-server').catch(() => {});
    await run('tmux', ['-S', path.join(serverHome, 'tmux.sock'), 'kill-server']).catch(() => {});
    await rm(home, { recursive: true, force: true });
  }
}

const percentile95 = (values: number[]) => percentile([...values].sort((a, b) => a - b), 95);

await main();
