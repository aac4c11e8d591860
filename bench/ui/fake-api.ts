import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { emptyUsage, PROTOCOL_VERSION, type Chat, type HelloFrame, type Message, type Session, type UsageSummary } from '@boocode/contracts';

export const SESSION_ID = '10000000-0000-4000-8000-000000000001';
export const CHAT_ID = '10000000-0000-4000-8000-000000000002';
export const PROJECT_ID = '10000000-0000-4000-8000-000000000003';
export const STREAM_MSG = '10000000-0000-4000-8000-0000000fffff';

const session: Session = {
  id: SESSION_ID,
  project_id: PROJECT_ID,
  name: 'bench session',
  agent: 'native',
  model: 'bench-model',
  mode: null,
  status: 'open',
  permission_policy: 'ask',
  isolated: true,
  base_branch: null,
  subagent_followup: true,
  attention: null,
  policy_support: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};
const chat: Chat = { id: CHAT_ID, session_id: SESSION_ID, name: 'Chat 1', created_at: session.created_at };
const noUsage: UsageSummary = { turns: [], total: emptyUsage(), unreported_turns: 0, cost: null, saved: null, cache_hit_ratio: null };

const BODY = [
  'Here is what I changed in `src/server.ts`:',
  '',
  '```ts',
  'export async function start(port: number): Promise<void> {',
  '  const app = createApp({ logger: true });',
  "  await app.listen({ port, host: '127.0.0.1' });",
  '}',
  '```',
  '',
  '- the **port** is now configurable',
  '- logging goes through pino',
].join('\n');

/** `n` alternating user/assistant messages, oldest first; cursor = position. */
export function makeMessages(n: number): Message[] {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: n }, (_, i) => {
    const user = i % 2 === 0;
    const id = `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    return {
      id,
      chat_id: CHAT_ID,
      session_id: SESSION_ID,
      task_id: null,
      role: user ? 'user' : 'assistant',
      content: user ? `Question ${i}: can you make the port configurable?` : `Answer ${i}.\n\n${BODY}`,
      reasoning: user ? '' : 'Thinking about ports.',
      status: 'complete',
      model: user ? null : 'bench-model',
      turn: user ? null : Math.floor(i / 2) + 1,
      usage: user ? emptyUsage() : { ...emptyUsage(), input_total: 1200, cache_read: 900, no_cache: 300, output: 150 },
      started_at: new Date(t0 + i * 1000).toISOString(),
      finished_at: new Date(t0 + i * 1000 + 800).toISOString(),
      metadata: {},
      cursor: String(i + 1),
    };
  });
}

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export interface FakeServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * A real HTTP + WebSocket server on loopback serving the built UI and a REST API over
 * `messages`; each session stream socket is handed to `onSocket`. Real sockets, so thousands
 * of frames per second reach the page as they would from `boocode serve`.
 */
export async function startFakeServer(
  distDir: string,
  messages: Message[],
  onSocket: (ws: WebSocket) => void,
  /** More API answers by path (e.g. a workflow run); undefined: not found. */
  extra: (path: string) => unknown = () => undefined,
  /** Added before each API answer: the round trip to a server that is not on this machine. */
  apiLatencyMs = 0,
): Promise<FakeServer> {
  const page = (limit: number, before: string | null) => {
    const end = before ? Number(before) - 1 : messages.length;
    const start = Math.max(0, end - limit);
    const items = messages.slice(start, end);
    return { items, prev_cursor: start > 0 ? items[0]!.cursor : null, next_cursor: null };
  };
  const server = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (apiLatencyMs > 0 && p.startsWith('/api/')) await new Promise((r) => setTimeout(r, apiLatencyMs));
    if (p === '/api/projects') return json(res, { items: [{ id: PROJECT_ID, name: 'bench', path: '/bench', created_at: session.created_at }] });
    if (p === '/api/sessions') return json(res, { items: [session] });
    if (p === `/api/sessions/${SESSION_ID}`) return json(res, session);
    if (p === `/api/sessions/${SESSION_ID}/chats`) {
      const first = url.searchParams.get('first_messages');
      if (!first) return json(res, { items: [chat] });
      return json(res, { items: [chat], first: { chat_id: CHAT_ID, messages: page(Number(first), null), usage: noUsage, agent_sessions: { items: [] } } });
    }
    if (p === '/api/agents') return json(res, { items: [] });
    if (p === `/api/chats/${CHAT_ID}/messages`) return json(res, page(Number(url.searchParams.get('limit') ?? 50), url.searchParams.get('before')));
    if (p === `/api/chats/${CHAT_ID}/usage`) return json(res, noUsage);
    if (p === `/api/chats/${CHAT_ID}/agent-sessions`) return json(res, { items: [] });
    const more = extra(p);
    if (more !== undefined) return json(res, more);
    if (p.startsWith('/api/')) return json(res, { error: 'not_found', message: 'bench' }, 404);
    const file = p === '/' ? 'index.html' : p.slice(1);
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    try {
      const body = await readFile(path.join(distDir, path.normalize(file)));
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  };
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const hello: HelloFrame = { type: 'hello', protocol: PROTOCOL_VERSION, server: 'bench', capabilities: [] };
    ws.send(JSON.stringify(hello));
    if (req.url?.startsWith('/api/events')) {
      ws.send(JSON.stringify({ type: 'snapshot', reason: 'connect', seq: 0, ts: new Date().toISOString() }));
      return;
    }
    onSocket(ws);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
