import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { completionBody, errorBody, streamChunks, type CompletionIds, type Json } from './completion.js';
import { chatRequestOf, GeminiRequest, geminiBody, geminiChunks, geminiError, geminiRoute } from './gemini.js';
import {
  ChatCompletionRequest,
  imagesOf,
  isTitleRequest,
  lastUserText,
  type RecordedRequest,
} from './request.js';
import { PrefixCache, type PrefixCacheUsage } from './prefix-cache.js';
import { fillPlaceholders } from './placeholders.js';
import { ScriptedTurn, type ParsedTurn, type TurnMatch } from './script.js';

export interface FakeLlmOptions {
  /** Turns answered in order (each by the first request its `match` accepts). */
  script?: ScriptedTurn[];
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default: the fake is for tests and must not be reachable from outside. */
  host?: string;
  /** Ids listed by `GET /v1/models`. */
  models?: string[];
  /** Answer used when the script is exhausted or no turn matches; without it such requests get a 500. */
  fallback?: ScriptedTurn;
  /**
   * Report cached prompt tokens the way DeepSeek does (`prompt_cache_hit_tokens`,
   * `prompt_cache_miss_tokens`), from a prefix cache over all requests; replaces scripted usage.
   */
  prefixCache?: boolean;
}

export interface FakeLlm {
  /** Base URL ending in `/v1`, ready for an OpenAI-compatible client. */
  url: string;
  /** Base URL of the same scripts over the Gemini API (gemini-cli's `GOOGLE_GEMINI_BASE_URL`). */
  geminiUrl: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Appends turns to the script. */
  push(...turns: ScriptedTurn[]): void;
  /** Number of scripted turns not yet consumed. */
  remaining(): number;
  /** Stops the server, dropping open (e.g. stalled) connections. */
  close(): Promise<void>;
}

/** Largest request body accepted; images arrive base64-encoded, so leave room. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** One provider's wire format: how a request reads as a chat request, and how a turn is sent back. */
interface Dialect {
  parse(json: unknown): { ok: true; req: ChatCompletionRequest } | { ok: false; message: string };
  chunks(turn: ParsedTurn, ids: CompletionIds): Json[];
  body(turn: ParsedTurn, ids: CompletionIds): Json;
  error(turn: ParsedTurn): unknown;
  /** Written after the last chunk of a stream. */
  streamEnd: string;
}

const OPENAI: Dialect = {
  parse(json) {
    const parsed = ChatCompletionRequest.safeParse(json);
    return parsed.success ? { ok: true, req: parsed.data } : { ok: false, message: parsed.error.message };
  },
  chunks: streamChunks,
  body: completionBody,
  error: errorBody,
  streamEnd: 'data: [DONE]\n\n',
};

function geminiDialect(model: string, stream: boolean): Dialect {
  return {
    parse(json) {
      const parsed = GeminiRequest.safeParse(json);
      return parsed.success ? { ok: true, req: chatRequestOf(parsed.data, model, stream) } : { ok: false, message: parsed.error.message };
    },
    chunks: (turn, ids) => geminiChunks(turn, ids.requestIndex, model),
    body: (turn, ids) => geminiBody(turn, ids.requestIndex, model),
    error: geminiError,
    streamEnd: '',
  };
}

interface QueuedTurn {
  turn: ParsedTurn;
  position: number;
}

function matches(m: TurnMatch | undefined, req: ChatCompletionRequest, userText: string): boolean {
  if (!m) return true;
  if (m.lastUserIncludes !== undefined && !userText.includes(m.lastUserIncludes)) return false;
  if (m.hasTools !== undefined && (req.tools?.length ?? 0) > 0 !== m.hasTools) return false;
  if (m.model !== undefined && req.model !== m.model) return false;
  if (m.titleRequest !== undefined && isTitleRequest(req.messages) !== m.titleRequest) return false;
  return true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function withCacheUsage(turn: ParsedTurn, cached: PrefixCacheUsage): ParsedTurn {
  const completion = turn.usage?.completion_tokens ?? 1;
  const { usage: _scripted, ...rest } = turn;
  return { ...rest, rawUsage: { ...cached, completion_tokens: completion, total_tokens: cached.prompt_tokens + completion } };
}

export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const queue: QueuedTurn[] = [];
  let nextPosition = 0;
  const push = (...turns: ScriptedTurn[]): void => {
    // Validate eagerly so a bad script fails in the test that wrote it, not on some later request.
    for (const t of turns) queue.push({ turn: ScriptedTurn.parse(t), position: nextPosition++ });
  };
  push(...(opts.script ?? []));
  const fallback = opts.fallback === undefined ? undefined : ScriptedTurn.parse(opts.fallback);
  const models = opts.models ?? ['fake-model'];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let responseCounter = 0;
  const cache = opts.prefixCache ? new PrefixCache() : null;

  const pick = (req: ChatCompletionRequest, userText: string): { turn: ParsedTurn; servedBy: number | 'fallback' } | null => {
    const i = queue.findIndex((q) => matches(q.turn.match, req, userText));
    if (i >= 0) {
      const [q] = queue.splice(i, 1);
      if (q) return { turn: q.turn, servedBy: q.position };
    }
    return fallback ? { turn: fallback, servedBy: 'fallback' } : null;
  };

  async function handleCompletion(req: IncomingMessage, res: ServerResponse, arrived: number, dialect: Dialect): Promise<void> {
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      sendJson(res, 400, { error: { message: 'fake-llm: body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const parsed = dialect.parse(json);
    if (!parsed.ok) {
      sendJson(res, 400, { error: { message: `fake-llm: ${parsed.message}`, type: 'invalid_request_error' } });
      return;
    }
    const body = parsed.req;
    const userText = lastUserText(body.messages);
    const choice = pick(body, userText);
    const record: RecordedRequest = {
      index: requests.length,
      path: req.url ?? '',
      model: body.model,
      stream: body.stream === true,
      messages: body.messages,
      tools: (body.tools ?? []).map((t) => ({
        name: t.function.name,
        description: t.function.description,
        parameters: t.function.parameters,
      })),
      images: imagesOf(body.messages),
      lastUserText: userText,
      body: json,
      servedBy: choice?.servedBy ?? null,
      serverMs: null,
      scriptedDelayMs: 0,
    };
    requests.push(record);
    res.on('finish', () => {
      record.serverMs = performance.now() - arrived;
    });
    if (!choice) {
      sendJson(res, 500, {
        error: { message: 'fake-llm: no scripted turn matches this request and no fallback is set', type: 'server_error' },
      });
      return;
    }
    const picked = fillPlaceholders(choice.turn, body.messages);
    const turn = cache ? withCacheUsage(picked, cache.measure(body)) : picked;
    if (turn.error) {
      sendJson(res, turn.error.status, dialect.error(turn), turn.error.headers);
      return;
    }
    const ids = {
      id: `chatcmpl-fake-${++responseCounter}`,
      model: body.model,
      requestIndex: record.index,
      created: Math.floor(Date.now() / 1000),
    };
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const wait = async (ms: number): Promise<void> => {
      if (ms <= 0) return;
      record.scriptedDelayMs += ms;
      await new Promise((r) => setTimeout(r, ms));
    };

    if (!record.stream) {
      // A non-streamed answer is one chunk: breaking or stalling "after 0" hits it before it is sent.
      if (turn.breakAfter === 0) {
        record.serverMs = performance.now() - arrived;
        res.socket?.destroy();
        return;
      }
      if (turn.stallAfter === 0) {
        record.serverMs = performance.now() - arrived;
        return;
      }
      await wait(turn.chunkDelayMs);
      if (!closed) sendJson(res, 200, dialect.body(turn, ids));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    // Waiting for each write to reach the socket keeps chunks separate on the wire and makes sure a
    // scripted break happens after the client could actually see the chunks before it.
    const send = (data: string): Promise<void> =>
      new Promise((resolve) => {
        res.once('close', resolve);
        res.write(data, () => {
          res.off('close', resolve);
          resolve();
        });
      });
    const chunks = dialect.chunks(turn, ids);
    for (let i = 0; i < chunks.length; i++) {
      if (turn.breakAfter === i) {
        record.serverMs = performance.now() - arrived;
        res.socket?.destroy();
        return;
      }
      if (turn.stallAfter === i) {
        // Keep the connection open and silent; it ends when the client gives up or close() runs.
        record.serverMs = performance.now() - arrived;
        return;
      }
      await wait(turn.chunkDelayMs);
      if (closed) return;
      await send(`data: ${JSON.stringify(chunks[i])}\n\n`);
    }
    if (turn.breakAfter === chunks.length) {
      record.serverMs = performance.now() - arrived;
      res.socket?.destroy();
      return;
    }
    res.end(dialect.streamEnd);
  }

  const server = createServer((req, res) => {
    const arrived = performance.now();
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake-llm' })),
      });
      return;
    }
    const gemini = req.method === 'POST' && path ? geminiRoute(path) : null;
    if ((req.method === 'POST' && path === '/v1/chat/completions') || gemini) {
      handleCompletion(req, res, arrived, gemini ? geminiDialect(gemini.model, gemini.stream) : OPENAI).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `fake-llm: ${String(err)}` } });
        else res.destroy();
      });
      return;
    }
    sendJson(res, 404, { error: { message: `fake-llm: no route ${req.method} ${path}` } });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/v1`,
    geminiUrl: `http://${host}:${port}`,
    port,
    requests,
    push,
    remaining: () => queue.length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
