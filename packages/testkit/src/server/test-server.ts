import { createLogger, startServer, type RunningServer, type ServerOptions } from '@boocode/server';
import { createTestDatabase } from './pg.js';
import { removeScratch, scratchDir } from '../scratch.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface TestServer extends RunningServer {
  /** Calls the API with the server's token (or `opts.token`, or none when `null`). */
  api<T = unknown>(method: string, urlPath: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
}

/**
 * A real server on a fresh database (or `opts.databaseUrl`, to share one) and a temp BOOCODE_HOME
 * (or `opts.home`), which `close()` removes.
 */
export async function startTestServer(opts: ServerOptions = {}): Promise<TestServer> {
  const ownHome = opts.home ? null : scratchDir('boocode-home-');
  const home = opts.home ?? ownHome!;
  const server = await startServer({
    logger: createLogger({ level: process.env.BOOCODE_TEST_LOG ?? 'silent' }),
    ...opts,
    home,
    port: opts.port ?? 0,
    databaseUrl: opts.databaseUrl ?? (await createTestDatabase()),
  });
  const close = server.close.bind(server);
  return Object.assign(server, {
    async close() {
      await close();
      if (ownHome) removeScratch(ownHome);
    },
    async api<T>(method: string, urlPath: string, body?: unknown, o: { token?: string | null; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
      const token = o.token === undefined ? server.token : o.token;
      const res = await fetch(server.url + urlPath, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...o.headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // non-JSON bodies (HTML, plain text) are returned as text
      }
      return { status: res.status, body: parsed as T };
    },
  });
}
