import WebSocket from 'ws';
import { HelloFrame } from '@boocode/contracts';

export interface StreamClient {
  ws: WebSocket;
  /** The connection's opening `hello`, when the first frame was one; it is not in `frames`. */
  readonly hello: HelloFrame | null;
  frames: Record<string, unknown>[];
  /** Resolves when a frame matching `pred` has arrived (including ones already received). */
  waitFor(pred: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens a session stream (or `/api/events` when `sessionId` is null) and collects its frames. */
export function openStream(
  baseUrl: string,
  sessionId: string | null,
  opts: { token?: string | null; afterSeq?: number; origin?: string; cookie?: string } = {},
): Promise<StreamClient> {
  const qs = opts.afterSeq === undefined ? '' : `?after_seq=${opts.afterSeq}`;
  const url = baseUrl.replace(/^http/, 'ws') + (sessionId ? `/api/sessions/${sessionId}/stream` : '/api/events') + qs;
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.origin) headers.origin = opts.origin;
  if (opts.cookie) headers.cookie = opts.cookie;
  const ws = new WebSocket(url, { headers });
  const frames: Record<string, unknown>[] = [];
  let hello: HelloFrame | null = null;
  let first = true;
  const waiters: { pred: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as Record<string, unknown>;
    const opening = first ? HelloFrame.safeParse(f) : null;
    first = false;
    if (opening?.success) {
      hello = opening.data;
      return;
    }
    frames.push(f);
    for (const w of [...waiters]) {
      if (w.pred(f)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(f);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        get hello() {
          return hello;
        },
        frames,
        closed,
        close: () => ws.close(),
        waitFor(pred, timeoutMs = 10_000) {
          const hit = frames.find(pred);
          if (hit) return Promise.resolve(hit);
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error(`no matching frame within ${timeoutMs} ms; got ${frames.map((f) => f.type).join(',')}`)), timeoutMs);
            waiters.push({ pred, resolve: (f) => (clearTimeout(t), res(f)) });
          });
        },
      }),
    );
  });
}
