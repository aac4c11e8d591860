import { createLogger, loadServerConfig, startServer, type RunningServer, type ServerOptions } from '@boocode/server';
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

export interface TestServerOptions extends ServerOptions {
  /** Settings as the variables that set them (`BOOCODE_NATIVE_BASE_URL`, ...), read by the server's own parser. */
  env?: Record<string, string>;
  /** Default: a fresh temp directory, which `close()` removes. */
  home?: string;
  /** Default: a fresh database on the test cluster; pass one to share it. */
  databaseUrl?: string;
}

/** This process's environment without BooCode's own settings, so the developer's shell does not leak into tests. */
export function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).flatMap(([k, v]) => (v === undefined || k.startsWith('BOOCODE_') || k === 'DATABASE_URL' ? [] : [[k, v]])),
  );
}

/** A real server on a fresh database (or `opts.databaseUrl`, to share one), on any free port, with a temp BOOCODE_HOME. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const { env, home, databaseUrl, ...serverOpts } = opts;
  const ownHome = home ? null : scratchDir('boocode-home-');
  const config = await loadServerConfig({
    // No shutdown grace: a test closing its server mid-turn means to stop it now.
    env: { ...inheritedEnv(), DATABASE_URL: databaseUrl ?? (await createTestDatabase()), BOOCODE_PORT: '0', BOOCODE_SHUTDOWN_GRACE_MS: '0', ...env },
    flags: { home: home ?? ownHome! },
  });
  const server = await startServer(config, {
    logger: createLogger({ level: process.env.BOOCODE_TEST_LOG ?? 'silent' }),
    // A server bug that builds a frame the contracts refuse fails the test that made it.
    validateFrames: true,
    ...serverOpts,
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
