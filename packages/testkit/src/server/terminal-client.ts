import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { HelloFrame, TerminalServerMessage } from '@boocode/contracts';

/**
 * A terminal WebSocket as a test sees it: the opening `hello`, every JSON message, and the output
 * decoded as text. Waits resolve on arrival (no polling).
 */
export interface TerminalStreamClient {
  ws: WebSocket;
  readonly hello: HelloFrame | null;
  /** JSON messages after `hello`, in order. */
  messages: TerminalServerMessage[];
  /** Output bytes (snapshots included) as UTF-8 text, in order. */
  readonly text: string;
  /** Length of `text` when each message arrived: where the output after a snapshot starts. */
  readonly offsets: number[];
  /** Resolves once `text` contains `needle` after position `from`. */
  waitForText(needle: string, from?: number, timeoutMs?: number): Promise<void>;
  waitForMessage(pred: (m: TerminalServerMessage) => boolean, timeoutMs?: number): Promise<TerminalServerMessage>;
  /** Types bytes (a binary frame). */
  type(data: string | Buffer): void;
  /** Sends a text frame (a JSON control message, or anything to test refusals). */
  sendText(text: string): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function openTerminalStream(
  baseUrl: string,
  terminalId: string,
  opts: { token?: string | null; origin?: string } = {},
): Promise<TerminalStreamClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/terminals/${terminalId}/stream`;
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.origin) headers.origin = opts.origin;
  const ws = new WebSocket(url, { headers });
  let hello: HelloFrame | null = null;
  let text = '';
  const messages: TerminalServerMessage[] = [];
  const offsets: number[] = [];
  const decoder = new TextDecoder();
  const waiters = new Set<() => void>();
  const check = () => {
    for (const w of [...waiters]) w();
  };
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) {
      text += decoder.decode(buf, { stream: true });
    } else {
      const raw: unknown = JSON.parse(buf.toString('utf8'));
      const h = HelloFrame.safeParse(raw);
      if (h.success && !hello && messages.length === 0) hello = h.data;
      else {
        messages.push(TerminalServerMessage.parse(raw));
        offsets.push(text.length);
      }
    }
    check();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const wait = <T>(test: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> =>
    new Promise((resolve, reject) => {
      const now = test();
      if (now !== undefined) return resolve(now);
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`timed out waiting for ${what()}`));
      }, timeoutMs);
      const w = () => {
        const v = test();
        if (v === undefined) return;
        clearTimeout(timer);
        waiters.delete(w);
        resolve(v);
      };
      waiters.add(w);
    });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        get hello() {
          return hello;
        },
        messages,
        get text() {
          return text;
        },
        offsets,
        waitForText: (needle, from = 0, timeoutMs = 15_000) =>
          wait(() => (text.indexOf(needle, from) === -1 ? undefined : true), timeoutMs, () => `"${needle}" in ${JSON.stringify(text.slice(-500))}`).then(() => {}),
        waitForMessage: (pred, timeoutMs = 15_000) => wait(() => messages.find(pred), timeoutMs, () => `a message; got ${JSON.stringify(messages)}`),
        type: (data) => ws.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { binary: true }),
        sendText: (t) => ws.send(t, { binary: false }),
        closed,
        close: () => ws.close(),
      }),
    );
  });
}

const run = promisify(execFile);

/** Stops the tmux server a BooCode home's terminals live in (tests end with it; a crash test leaves it). */
export async function killTmuxServer(home: string): Promise<void> {
  await run('tmux', ['-S', path.join(home, 'tmux.sock'), 'kill-server']).catch(() => {});
}

/** Variables that make the terminals of a test server predictable: `/bin/sh` with a `$ ` prompt, UTF-8. */
export const TERMINAL_TEST_ENV: Record<string, string> = { SHELL: '/bin/sh', PS1: '$ ', LANG: 'C.UTF-8' };
