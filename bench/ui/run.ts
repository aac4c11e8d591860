// UI benchmark (Playwright + Debian's Chromium, built UI, fake API routed inside the browser):
//   1. time to render a chat of 5,000 messages and scroll to its top (paging back 200 at a time),
//      against a 100-message chat as the baseline;
//   2. frame rate while 2,000 deltas/s stream into one message, against the idle page;
//   3. the workflow run view: first render of 200 agents against 20, and the frame rate while
//      200 agents stream their state (workflow-run.ts);
//   4. page load to a usable composer, on loopback and with a round trip added to each API
//      answer, and the API requests the load makes (page-load.ts).
//   node --conditions=source --import tsx bench/ui/run.ts
// Figures only: no assertions (tests check behaviour, benchmarks measure speed).
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { openBrowser } from '../../packages/web/e2e/helpers/browser.js';
import { ensureWebBuilt, WEB_DIR } from '../../packages/web/e2e/helpers/web-build.js';
import { table } from '../lib/stats.js';
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

async function renderAndScrollToTop(n: number): Promise<Record<string, string | number>> {
  const sockets: WebSocket[] = [];
  const [browser, server] = await Promise.all([openBrowser(), startFakeServer(path.join(WEB_DIR, 'dist'), makeMessages(n), (ws) => connectFrames(ws, sockets))]);
  try {
    const { page } = browser;
    const t0 = Date.now();
    await openChat(page, server, sockets);
    await page.getByRole('article').first().waitFor();
    const firstPaint = Date.now() - t0;
    const t1 = Date.now();
    // Scroll to the top again and again; each time the list pages back until the start.
    await page.evaluate(async () => {
      const list = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
      for (let i = 0; i < 10_000; i++) {
        list.scrollTop = 0;
        list.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        if (document.body.textContent?.includes('Start of chat') && list.scrollTop === 0) return;
      }
      throw new Error('never reached the top');
    });
    const toTop = Date.now() - t1;
    const rows = await page.locator('article').count();
    return { messages: n, 'first render ms': firstPaint, 'scroll to top ms': toTop, 'rows in DOM': rows };
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

async function streamingFrameRate(deltasPerSecond: number, seconds: number): Promise<Record<string, string | number>[]> {
  const sockets: WebSocket[] = [];
  const [browser, server] = await Promise.all([openBrowser(), startFakeServer(path.join(WEB_DIR, 'dist'), makeMessages(200), (ws) => connectFrames(ws, sockets))]);
  try {
    const { page } = browser;
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
    const received = await page.evaluate(
      (id) => document.getElementById(`msg-${id}`)?.textContent?.length ?? 0,
      STREAM_MSG,
    );
    return [
      { scenario: 'idle (baseline)', fps: idle.fps, 'worst frame ms': idle.worstMs, 'frames > 50 ms': idle.over50, 'deltas sent': 0 },
      {
        scenario: `${deltasPerSecond} deltas/s`,
        fps: streaming.fps,
        'worst frame ms': streaming.worstMs,
        'frames > 50 ms': streaming.over50,
        'deltas sent': sent,
      },
      { scenario: 'ratio streaming/idle fps', fps: streaming.fps / idle.fps, 'worst frame ms': '', 'frames > 50 ms': '', 'deltas sent': `${received} chars shown` },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

ensureWebBuilt();
// Warm-up: the first browser start pays for disk caches and would skew the baseline.
await renderAndScrollToTop(100);
const small = await renderAndScrollToTop(100);
const large = await renderAndScrollToTop(5000);
console.log('\nRender a chat and scroll to its top (headless Chromium)\n');
console.log(
  table([
    small,
    large,
    {
      messages: 'ratio 5000/100',
      'first render ms': (large['first render ms'] as number) / (small['first render ms'] as number),
      'scroll to top ms': (large['scroll to top ms'] as number) / Math.max(1, small['scroll to top ms'] as number),
      'rows in DOM': '',
    },
  ]),
);
console.log('\nFrame rate while deltas stream into one message\n');
console.log(table(await streamingFrameRate(2000, 5)));
const wf = await workflowRunFigures(FRAME_PROBE);
console.log('\nOpen a workflow run and render its agents (virtualized rows)\n');
console.log(table(wf.render));
console.log('\nFrame rate while 200 agents of a run stream their state\n');
console.log(table(wf.stream));
console.log('\nPage load to a usable composer (200-message session opened by URL)\n');
console.log(table(await pageLoadFigures()));
