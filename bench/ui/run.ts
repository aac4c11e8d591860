// UI benchmark (Playwright + Debian's Chromium, built UI, fake API routed inside the browser):
//   1. time to render a chat of 5,000 messages and scroll to its top (paging back 200 at a time),
//      against a 100-message chat as the baseline;
//   2. frame rate while 2,000 deltas/s stream into one message, against the idle page (and 60/s:
//      about one delta per frame, each rendered on its own);
//   3. the workflow run view: first render of 200 agents against 20, and the frame rate while
//      200 agents stream their state (workflow-run.ts);
//   4. page load to a usable composer, on loopback and with a round trip added to each API
//      answer, and the API requests the load makes (page-load.ts).
// 1 and 2 also count the page's main-thread work (cpu.ts): per first render, per page fetched while
// scrolling up, per 1,000 deltas. BENCH_UI_BASELINE=<another build's dist> runs them alternately on
// both builds, BENCH_UI_ROUNDS times each (default 3), and prints medians and the ratio; 3 and 4
// then are skipped.
//   node --conditions=source --import tsx bench/ui/run.ts
// Figures only: no assertions (tests check behaviour, benchmarks measure speed).
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { openBrowser } from '../../packages/web/e2e/helpers/browser.js';
import { ensureWebBuilt, WEB_DIR } from '../../packages/web/e2e/helpers/web-build.js';
import { summarize, table } from '../lib/stats.js';
import { countReactCommits, cpuBetween, cpuPer, startCpu, type CpuWork } from './cpu.js';
import { pageLoadFigures } from './page-load.js';
import { workflowRunFigures } from './workflow-run.js';
import { CHAT_ID, makeMessages, SESSION_ID, startFakeServer, STREAM_MSG, type FakeServer } from './fake-api.js';

const wire = (seq: number, payload: Record<string, unknown>) =>
  JSON.stringify({ ...payload, seq, session_id: SESSION_ID, ts: new Date().toISOString() });

/** Opens the session, answering the stream with a snapshot; returns the socket for more frames. */
async function openChat(page: Page, server: FakeServer, sockets: WebSocket[]): Promise<WebSocket> {
  await page.goto(`${server.origin}/?session=${SESSION_ID}&chat=${CHAT_ID}`);
  await page.getByRole('region', { name: 'Messages' }).waitFor();
  return sockets[sockets.length - 1]!;
}

interface ScrollFigures {
  firstRenderMs: number;
  toTopMs: number;
  rows: number;
  /** Main-thread work from navigation to the first message shown. */
  firstCpu: CpuWork;
  /** Main-thread work while paging back to the start. */
  scrollCpu: CpuWork;
}

async function renderAndScrollToTop(dist: string, n: number): Promise<ScrollFigures> {
  const sockets: WebSocket[] = [];
  const [browser, server] = await Promise.all([openBrowser(), startFakeServer(dist, makeMessages(n), (ws) => connectFrames(ws, sockets))]);
  try {
    const { page } = browser;
    await countReactCommits(browser.context);
    // On the server's origin first, so the counters started here stay with the page.
    await page.goto(`${server.origin}/blank`);
    const cpu = await startCpu(page);
    const t0 = Date.now();
    await openChat(page, server, sockets);
    await page.getByRole('article').first().waitFor();
    const firstRenderMs = Date.now() - t0;
    const firstCpu = await cpu();
    const t1 = Date.now();
    // Scroll to the top again and again; each time the list pages back until the start.
    await page.evaluate(async () => {
      const list = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
      for (let i = 0; i < 10_000; i++) {
        list.scrollTop = 0;
        list.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        // The "Start of chat" line (looked up, not read from the page's whole text: that cost more than a page).
        if (document.querySelector('.message-list__start') && list.scrollTop === 0) return;
      }
      throw new Error('never reached the top');
    });
    const toTopMs = Date.now() - t1;
    const total = await cpu();
    const rows = await page.locator('article').count();
    return { firstRenderMs, toTopMs, rows, firstCpu, scrollCpu: cpuBetween(firstCpu, total) };
  } finally {
    await browser.close();
    await server.close();
  }
}

function connectFrames(ws: WebSocket, sockets: WebSocket[]): void {
  sockets.push(ws);
  ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
  ws.send(wire(1, { type: 'agent_snapshot', in_flight: [] }));
}

/**
 * Frames per second over `ms`, and the longest frame, measured in the page. Kept as a string:
 * the TypeScript loader would wrap named closures in a helper the page does not have.
 */
const FRAME_PROBE = `(duration) => new Promise((resolve) => {
  const times = [];
  const start = performance.now();
  const tick = (t) => {
    times.push(t);
    if (t - start < duration) requestAnimationFrame(tick);
    else {
      const gaps = times.slice(1).map((x, i) => x - times[i]);
      resolve({
        fps: (gaps.length / (times[times.length - 1] - times[0])) * 1000,
        worstMs: Math.max(...gaps),
        over50: gaps.filter((g) => g > 50).length,
      });
    }
  };
  requestAnimationFrame(tick);
})`;

async function measureFrames(page: Page, ms: number): Promise<{ fps: number; worstMs: number; over50: number }> {
  return page.evaluate(`(${FRAME_PROBE})(${ms})`) as Promise<{ fps: number; worstMs: number; over50: number }>;
}

interface StreamFigures {
  idle: { fps: number; worstMs: number; over50: number };
  streaming: { fps: number; worstMs: number; over50: number };
  sent: number;
  shownChars: number;
  /** Main-thread work while the deltas stream. */
  cpu: CpuWork;
}

async function streamingFrameRate(dist: string, deltasPerSecond: number, seconds: number): Promise<StreamFigures> {
  const sockets: WebSocket[] = [];
  const [browser, server] = await Promise.all([openBrowser(), startFakeServer(dist, makeMessages(200), (ws) => connectFrames(ws, sockets))]);
  try {
    const { page } = browser;
    await countReactCommits(browser.context);
    const ws = await openChat(page, server, sockets);
    await page.getByRole('article').first().waitFor();
    const idle = await measureFrames(page, 2000);

    let seq = 1;
    ws.send(
      wire(++seq, {
        type: 'message_started',
        chat_id: CHAT_ID,
        message_id: STREAM_MSG,
        role: 'assistant',
        task_id: null,
        turn: 999,
        model: 'bench-model',
        started_at: new Date().toISOString(),
      }),
    );
    const cpu = await startCpu(page);
    // Every few ms, send as many deltas as the target rate calls for by now (timers drift).
    let sent = 0;
    const words = ['the ', 'port ', 'is ', 'now ', 'configurable', '. ', '\n\n', '`code` ', '**bold** '];
    const tStart = Date.now();
    const timer = setInterval(() => {
      const due = Math.floor(((Date.now() - tStart) / 1000) * deltasPerSecond);
      for (; sent < due; sent++) {
        ws.send(wire(++seq, { type: 'message_delta', chat_id: CHAT_ID, message_id: STREAM_MSG, text: words[sent % words.length] }));
      }
    }, 5);
    const streaming = await measureFrames(page, seconds * 1000);
    clearInterval(timer);
    const work = await cpu();
    const shownChars = (await page.evaluate((id) => document.getElementById(`msg-${id}`)?.textContent?.length ?? 0, STREAM_MSG)) as number;
    return { idle, streaming, sent, shownChars, cpu: work };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Runs `scenario` `ROUNDS` times on each build, alternating which goes first; all results per build. */
async function alternate<T>(scenario: (dist: string) => Promise<T>): Promise<T[][]> {
  const out: T[][] = BUILDS.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = BUILDS.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) out[i]!.push(await scenario(BUILDS[i]!.dist));
  }
  return out;
}

const median = (xs: number[]): number => summarize(xs).p50;

/**
 * One row per build (`figures` of its runs: medians), then, with a baseline, current/baseline
 * taken round by round (runs next to each other share the machine's load) and the median of those.
 */
function sideBySide<T>(runs: T[][], figures: (runs: T[]) => Record<string, number>): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = runs.map((r, i) => ({ build: BUILDS[i]!.name, ...figures(r) }));
  const [cur, base] = runs;
  if (cur && base) {
    const ratios = cur.map((c, i) => {
      const [x, y] = [figures([c]), figures([base[i]!])];
      return Object.fromEntries(Object.keys(x).map((k) => [k, x[k]! / y[k]!]));
    });
    const keys = Object.keys(ratios[0] ?? {});
    // 0/0 (no slow frame on either build) has no ratio.
    const ratioOf = (k: string) => {
      const finite = ratios.map((r) => r[k]!).filter(Number.isFinite);
      return finite.length > 0 ? median(finite) : '';
    };
    rows.push({ build: 'ratio current/baseline', ...Object.fromEntries(keys.map((k) => [k, ratioOf(k)])) });
  }
  return rows;
}

/** Medians of work already divided by what it was done for (`unit`). */
const cpuColumns = (works: CpuWork[], unit: string): Record<string, number> => ({
  [`task ms/${unit}`]: median(works.map((w) => w.taskMs)),
  [`script ms/${unit}`]: median(works.map((w) => w.scriptMs)),
  [`layout+style ms/${unit}`]: median(works.map((w) => w.layoutMs + w.styleMs)),
  [`commits/${unit}`]: median(works.map((w) => w.commits)),
});

const CURRENT = path.join(WEB_DIR, 'dist');
/** BENCH_UI_BASELINE: another build's dist directory (an older commit's) to run side by side. */
const BASELINE = process.env.BENCH_UI_BASELINE;
const BUILDS = [{ name: 'current', dist: CURRENT }, ...(BASELINE ? [{ name: 'baseline', dist: path.resolve(BASELINE) }] : [])];
/** BENCH_UI_ROUNDS: runs per build of each chat scenario (medians are shown). */
const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? (BASELINE ? 3 : 1));
const LARGE = 5000;
/** Pages the list fetches going back from the newest page (100) to the start, 200 at a time. */
const PAGES_BACK = Math.ceil((LARGE - 100) / 200);

ensureWebBuilt();
// Warm-up: the first browser start pays for disk caches and would skew the baseline.
for (const b of BUILDS) await renderAndScrollToTop(b.dist, 100);
const small = await alternate((dist) => renderAndScrollToTop(dist, 100));
const large = await alternate((dist) => renderAndScrollToTop(dist, LARGE));
console.log(`\nRender a chat and scroll to its top (headless Chromium; medians of ${ROUNDS} run(s) per build)\n`);
const scrolls = BUILDS.map((_, i) => small[i]!.map((s, round) => ({ small: s, large: large[i]![round]! })));
console.log(
  table(
    sideBySide(scrolls, (runs) => ({
      'first render ms (100)': median(runs.map((r) => r.small.firstRenderMs)),
      [`first render ms (${LARGE})`]: median(runs.map((r) => r.large.firstRenderMs)),
      [`ratio ${LARGE}/100`]: median(runs.map((r) => r.large.firstRenderMs / r.small.firstRenderMs)),
      'scroll to top ms': median(runs.map((r) => r.large.toTopMs)),
      'rows in DOM': median(runs.map((r) => r.large.rows)),
    })),
  ),
);
console.log(`\nMain-thread work: first render of ${LARGE} messages (per load), and paging back (per page of 200)\n`);
console.log(
  table(
    sideBySide(large, (runs) => ({
      ...cpuColumns(runs.map((r) => r.firstCpu), 'load'),
      ...cpuColumns(runs.map((r) => cpuPer(r.scrollCpu, PAGES_BACK)), 'page'),
    })),
  ),
);

// A fast agent's flood (many deltas per frame, batched), and a model's usual pace: about one delta
// per frame, where each delta is a render of its own.
for (const rate of [2000, 60]) {
  const streams = await alternate((dist) => streamingFrameRate(dist, rate, 5));
  console.log(`\nFrame rate and main-thread work while ${rate} deltas/s stream into one message\n`);
  console.log(
    table(
      sideBySide(streams, (runs) => ({
        'idle fps': median(runs.map((r) => r.idle.fps)),
        'streaming fps': median(runs.map((r) => r.streaming.fps)),
        'ratio streaming/idle': median(runs.map((r) => r.streaming.fps / r.idle.fps)),
        'worst frame ms': median(runs.map((r) => r.streaming.worstMs)),
        'frames > 50 ms': median(runs.map((r) => r.streaming.over50)),
        'deltas sent': median(runs.map((r) => r.sent)),
        'chars shown': median(runs.map((r) => r.shownChars)),
        ...cpuColumns(runs.map((r) => cpuPer(r.cpu, r.sent / 1000)), '1000 deltas'),
      })),
    ),
  );
}
if (BASELINE) process.exit(0); // the other views are timed for the current build alone
const wf = await workflowRunFigures(FRAME_PROBE);
console.log('\nOpen a workflow run and render its agents (virtualized rows)\n');
console.log(table(wf.render));
console.log('\nFrame rate while 200 agents of a run stream their state\n');
console.log(table(wf.stream));
console.log('\nPage load to a usable composer (200-message session opened by URL)\n');
console.log(table(await pageLoadFigures()));
