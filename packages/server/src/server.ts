import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadHomeConfig, resolveHome, type NativeProviderConfig } from './config/home.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.js';
import { connect, type Sql } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { createLogger, type Logger } from './logger.js';
import { Broker } from './stream/broker.js';
import { StreamingMessages } from './stream/streaming-messages.js';
import { Auth } from './http/auth.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/context.js';
import { createTaskControl } from './tasks/control.js';
import { acquireHomeLock, type HomeLock } from './config/home-lock.js';
import { PermissionCenter } from './permissions/center.js';
import { AgentRegistry, type AgentRegistryOptions } from './agents/registry.js';
import { BackendPool } from './agents/backend-pool.js';
import { Workspace } from './workspace/workspace.js';
import { WorktreeReaper } from './workspace/reaper.js';
import { Worker, type WorkerOptions } from './tasks/worker.js';
import { TerminalManager, type TerminalSettings } from './terminals/index.js';

export const VERSION: string = (
  JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json'), 'utf8')) as { version: string }
).version;

export interface ServerOptions {
  home?: string;
  host?: string;
  port?: number;
  databaseUrl?: string;
  logger?: Logger;
  /** Frames kept per session for replay (BOOCODE_REPLAY_FRAMES). */
  replayFrames?: number;
  /** Unsent bytes after which a stream client is dropped (BOOCODE_WS_MAX_BUFFER). */
  maxBufferedBytes?: number;
  allowedOrigins?: string[];
  webDir?: string;
  /** The turn worker of this process; `false` runs the API only. */
  worker?: Partial<WorkerOptions> | false;
  /** Agents: backends to use under a name (tests), and options for the external ones. */
  agents?: Pick<AgentRegistryOptions, 'overrides' | 'factory' | 'discovery'>;
  /** The native agent's provider, over config.json's `native` (env vars still win). */
  native?: NativeProviderConfig;
  /** Idle warm agent sessions are closed after this long (BOOCODE_AGENT_IDLE_MS). */
  agentIdleMs?: number;
  /** Coalescing interval of streamed message writes to the database. */
  writeIntervalMs?: number;
  /** Period of the worktree sweep (BOOCODE_REAP_INTERVAL_MS, default 5 min); `false`: no periodic sweep. */
  reapIntervalMs?: number | false;
  /** Terminal settings over the ones from the environment (BOOCODE_TMUX, BOOCODE_TERMINAL_*). */
  terminals?: TerminalSettings;
}

export interface RunningServer {
  url: string;
  home: string;
  host: string;
  port: number;
  database: 'embedded' | 'external';
  dataDir: string | null;
  token: string;
  app: FastifyInstance;
  ctx: AppContext;
  worker: Worker | null;
  pool: BackendPool;
  /** The worktree sweep (runs at start and periodically). */
  reaper: WorktreeReaper;
  /** A fresh one-time login URL. */
  loginUrl(): string;
  close(): Promise<void>;
}

/** A positive integer setting from the environment; a bad value stops the start with its name. */
export function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Variables that hold BooCode's own secrets and addresses; the shells of terminals do not inherit them. */
const PRIVATE_ENV = /^(BOOCODE_|DATABASE_URL$)/;

/** Terminal settings from the environment; the shell is the user's login shell. */
function terminalSettings(): TerminalSettings {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !PRIVATE_ENV.test(e[0])));
  return {
    tmuxPath: process.env.BOOCODE_TMUX || 'tmux',
    ...(process.env.SHELL?.startsWith('/') ? { shell: process.env.SHELL } : {}),
    env,
    ringLines: positiveEnv('BOOCODE_TERMINAL_RING_LINES', 5000),
    maxTerminalsPerSession: positiveEnv('BOOCODE_TERMINALS_PER_SESSION', 8),
    maxBytesPerSecond: positiveEnv('BOOCODE_TERMINAL_MAX_BPS', 2 * 1024 * 1024),
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const home = resolveHome(opts.home);
  const log = opts.logger ?? createLogger();
  const host = opts.host ?? '127.0.0.1';
  const config = await loadHomeConfig(home);
  const lock: HomeLock = await acquireHomeLock(home);
  let pg: EmbeddedPostgres | null = null;
  let sql: Sql | null = null;
  try {
    const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL;
    if (!databaseUrl) pg = await startEmbeddedPostgres({ home, password: config.pg_password, log });
    sql = connect(databaseUrl ?? pg!.url);
    await migrate(sql, log);

    const broker = new Broker({ replayFrames: opts.replayFrames ?? 1000 });
    const auth = new Auth(config.token);
    const permissions = new PermissionCenter(sql, broker, log.child({ component: 'permissions' }));
    await permissions.listen();
    const registry = new AgentRegistry({
      ...opts.agents,
      native: { ...config.native, ...opts.native },
      custom: config.agents,
      opencode: config.opencode,
      paseo: config.paseo,
      version: VERSION,
      log: log.child({ component: 'agents' }),
    });
    const pool = new BackendPool(opts.agentIdleMs ?? positiveEnv('BOOCODE_AGENT_IDLE_MS', 15 * 60_000), log);
    const workspace = new Workspace(sql, broker, home, log.child({ component: 'workspace' }));
    const streaming = new StreamingMessages();
    const terminals = new TerminalManager({ ...terminalSettings(), ...opts.terminals, home, logger: log.child({ component: 'terminals' }) });
    const ctx: AppContext = {
      terminals,
      streaming,
      permissions,
      registry,
      pool,
      workspace,
      home,
      sql,
      broker,
      log,
      auth,
      version: VERSION,
      database: pg ? 'embedded' : 'external',
      tasks: createTaskControl(sql, (task) => {
        broker.publishUser({ type: 'task_state', task_id: task.id, session_id: task.session_id, chat_id: task.chat_id, status: task.status });
        if (task.session_id) broker.publish(task.session_id, { type: 'task_state', task_id: task.id, chat_id: task.chat_id, status: task.status, error: task.error });
      }),
    };
    const app = await buildApp(ctx, {
      ...(opts.webDir ? { webDir: opts.webDir } : {}),
      loopbackOnly: isLoopback(host),
      stream: { maxBufferedBytes: opts.maxBufferedBytes ?? 8 * 1024 * 1024, allowedOrigins: opts.allowedOrigins ?? [] },
    });
    const worker =
      opts.worker === false
        ? null
        : new Worker(
            sql,
            { sql, broker, log, pool, registry, permissions, workspace, streaming, writeIntervalMs: opts.writeIntervalMs ?? 100 },
            {
              concurrency: positiveEnv('BOOCODE_CONCURRENCY', 8),
              leaseMs: positiveEnv('BOOCODE_LEASE_MS', 30_000),
              turnTimeoutMs: positiveEnv('BOOCODE_TURN_TIMEOUT_MS', 2 * 60 * 60_000),
              pollMs: 2_000,
              ...opts.worker,
            },
          );
    const reaper = new WorktreeReaper(sql, workspace, log.child({ component: 'reaper' }), terminals);
    await app.listen({ host, port: opts.port ?? 0 });
    await worker?.start();
    const reapIntervalMs = opts.reapIntervalMs ?? positiveEnv('BOOCODE_REAP_INTERVAL_MS', 5 * 60_000);
    if (reapIntervalMs !== false) reaper.start(reapIntervalMs);
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    const url = `http://${urlHost}:${port}`;
    const openSql = sql;
    const openPg = pg;
    let closing: Promise<void> | null = null;
    return {
      url,
      home,
      host,
      port,
      database: ctx.database,
      dataDir: pg?.dataDir ?? null,
      token: config.token,
      app,
      ctx,
      worker,
      pool,
      reaper,
      loginUrl: () => `${url}/api/auth/login?code=${auth.issueCode()}`,
      close() {
        // Order matters: stop taking requests, let in-flight writes finish, then the database.
        closing ??= (async () => {
          await app.close();
          // The shells keep running in tmux; only this server's connections to them end.
          await terminals.close();
          await worker?.stop();
          await reaper.stop();
          await pool.closeAll();
          await registry.disposeAll();
          broker.close();
          await openSql.end({ timeout: 5 });
          await openPg?.stop();
          await lock.release();
          log.info('server stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await sql?.end({ timeout: 1 }).catch(() => {});
    await pg?.stop().catch(() => {});
    await lock.release();
    throw err;
  }
}
