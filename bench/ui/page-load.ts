// Page load to a usable composer: a session with 200 messages opened by URL, with its chat in the
// address and without (the chat the view opens is then not known before the chat list), timed in the
// page from navigation start until the composer can be typed into and the chat's messages are shown.
// Run with the API on this machine and with a round trip added to each API answer, where every
// request made one after another costs a round trip. Also counts the API requests the load makes.
import path from 'node:path';
import type { WebSocket } from 'ws';
import { openBrowser } from '../../packages/web/e2e/helpers/browser.js';
import { WEB_DIR } from '../../packages/web/e2e/helpers/web-build.js';
import { summarize } from '../lib/stats.js';
import { CHAT_ID, makeMessages, SESSION_ID, startFakeServer } from './fake-api.js';

const RUNS = 7;
/** WEB_DIST: another build of the UI to time (an older commit's, to compare). */
const DIST = process.env.WEB_DIST ?? path.join(WEB_DIR, 'dist');

/** Resolves with ms since navigation start once the composer is enabled and a message is shown. */
const USABLE_PROBE = `new Promise((resolve) => {
  const usable = () => {
    const box = document.querySelector('textarea[aria-label="Message"]');
    return box && !box.disabled && box.offsetParent !== null && document.querySelector('article');
  };
  const check = () => (usable() ? resolve(performance.now()) : requestAnimationFrame(check));
  check();
})`;

function connectFrames(ws: WebSocket): void {
  const wire = (seq: number, payload: Record<string, unknown>) => JSON.stringify({ ...payload, seq, session_id: SESSION_ID, ts: new Date().toISOString() });
  ws.send(wire(1, { type: 'snapshot', reason: 'connect' }));
  ws.send(wire(1, { type: 'agent_snapshot', in_flight: [] }));
}

async function loadOnce(latencyMs: number, withChat: boolean): Promise<{ ms: number; requests: number; duplicates: number }> {
  const [browser, server] = await Promise.all([
    openBrowser(),
    startFakeServer(DIST, makeMessages(200), connectFrames, () => undefined, latencyMs),
  ]);
  try {
    const { page } = browser;
    const api: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/') && r.resourceType() !== 'websocket') api.push(`${r.method()} ${u.pathname}${u.search}`);
    });
    await page.goto(`${server.origin}/?session=${SESSION_ID}${withChat ? `&chat=${CHAT_ID}` : ''}`);
    const ms = (await page.evaluate(USABLE_PROBE)) as number;
    if (process.env.SHOW_REQUESTS) console.log(api.join('\n'));
    return { ms, requests: api.length, duplicates: api.length - new Set(api).size };
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function pageLoadFigures(): Promise<Record<string, string | number>[]> {
  await loadOnce(0, true); // warm-up: disk caches
  const rows: Record<string, string | number>[] = [];
  for (const withChat of [true, false]) {
    const p50: number[] = [];
    for (const latency of [0, 50]) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await loadOnce(latency, withChat));
      const s = summarize(runs.map((r) => r.ms));
      p50.push(s.p50);
      rows.push({
        address: withChat ? 'session and chat' : 'session only',
        'API round trip': latency ? `${latency} ms added` : 'loopback',
        'usable composer p50 ms': s.p50,
        'max ms': s.max,
        'API requests': runs[0]!.requests,
        'duplicate requests': runs[0]!.duplicates,
      });
    }
    rows.push({
      address: '',
      'API round trip': 'ratio added/loopback',
      'usable composer p50 ms': p50[1]! / p50[0]!,
      'max ms': '',
      'API requests': '',
      'duplicate requests': '',
    });
  }
  return rows;
}
