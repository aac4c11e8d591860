import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/server-config.js';
import { setGitBaseEnv } from './git/base-env.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.js';
import { connect, type Sql } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { createLogger, type Logger } from './logger.js';
import { storeHomeToken } from './config/home.js';
import { logUnknownKeys } from './config/unknown-keys.js';
import { Auth } from './http/auth.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/context.js';
import { acquireHomeLock, type HomeLock } from './config/home-lock.js';
import type { AgentRegistryOptions } from './agents/registry.js';
import type { BackendPool } from './agents/backend-pool.js';
import { WorktreeReaper } from './workspace/reaper.js';
import type { Worker, WorkerOptions } from './tasks/worker.js';
import { startTurnRuntime, workerSettings, workflowSettings, type BusKind, type TurnRuntime } from './turn-runtime.js';
import type { WorkflowManager, WorkflowManagerOptions } from './workflows/manager.js';
import { TerminalManager } from './terminals/index.js';
import type { McpCommand } from './mcp/endpoint.js';

export const VERSION: string = (
  JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json'), 'utf8')) as { version: string }
).version;

/** What the embedding program sets besides the configuration (tests, benchmarks, the CLI). */
export interface ServerOptions {
  logger?: Logger;
  allowedOrigins?: string[];
  webDir?: string;
  /** The turn worker of this process; `false` runs the API only. Fields given here win over the configuration. */
  worker?: Partial<WorkerOptions> | false;
  /** Agents: backends to use under a name (tests, benchmarks), and discovery options. */
  agents?: Pick<AgentRegistryOptions, 'overrides' | 'discovery'>;
  /** Coalescing interval of streamed message writes to the database. */
  writeIntervalMs?: number;
  /** Workflow runs hosted by this process (with the worker; none without one). Fields given here win over the configuration. */
  workflows?: Partial<WorkflowManagerOptions>;
  /**
   * How frames reach clients. Default: `in-process` when this process runs its own worker on the
   * embedded database (nothing else can publish), `postgres` otherwise (turns may run elsewhere).
   */
  bus?: BusKind;
  /** Check every published frame against the contracts (tests, development). */
  validateFrames?: boolean;
  /** How to start `boocode mcp`, offered to agents that take MCP servers over stdio only. */
  mcpCommand?: McpCommand;
}

export interface RunningServer {
  url: string;
  home: string;
  host: string;
  port: number;
  database: 'embedded' | 'external';
  dataDir: string | null;
  /** Port of the embedded database (a `boocode worker` on this home connects to it). */
  databasePort: number | null;
  bus: BusKind;
  token: string;
  app: FastifyInstance;
  ctx: AppContext;
  worker: Worker | null;
  /** Hosts workflow runs next to the worker (null without a worker). */
  workflows: WorkflowManager | null;
  pool: BackendPool;
  /** The worktree sweep (runs at start and periodically). */
  reaper: WorktreeReaper;
  /** A fresh one-time login URL. */
  loginUrl(): string;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Starts the server with `config` (see loadServerConfig). */
export async function startServer(config: ServerConfig, opts: ServerOptions = {}): Promise<RunningServer> {
  const { home, host } = config;
  const log = opts.logger ?? createLogger({ level: config.logLevel });
  logUnknownKeys(log, config.unknownKeys);
  setGitBaseEnv(config.env);
  const lock: HomeLock = await acquireHomeLock(home);
  let pg: EmbeddedPostgres | null = null;
  let sql: Sql | null = null;
  let runtime: TurnRuntime | null = null;
  let terminals: TerminalManager | null = null;
  try {
    if (!config.databaseUrl) pg = await startEmbeddedPostgres({ home, password: config.pgPassword, env: config.env, log });
    const databaseUrl = config.databaseUrl ?? pg!.url;
    sql = connect(databaseUrl);
    await migrate(sql, log);

    const bus = opts.bus ?? (opts.worker === false || config.databaseUrl ? 'postgres' : 'in-process');
    runtime = await startTurnRuntime(config, {
      sql,
      databaseUrl,
      bus,
      listen: true,
      log,
      version: VERSION,
      ...(opts.validateFrames !== undefined ? { validateFrames: opts.validateFrames } : {}),
      ...(opts.agents ? { agents: opts.agents } : {}),
      writeIntervalMs: opts.writeIntervalMs ?? 100,
      worker: opts.worker === false ? false : workerSettings(config, opts.worker),
      workflows: opts.worker === false ? false : workflowSettings(config, opts.workflows),
    });
    const { broker, permissions, registry, pool, workspace, streaming, worker, workflows, tasks, subagents, mcp } = runtime;
    const auth = new Auth({
      token: config.token,
      sql,
      persistToken: async (token) => {
        await storeHomeToken(home, token);
        // Agents' MCP tokens are signed with the main token: rotating it revokes them too.
        mcp.tokens.rekey(token);
      },
    });
    terminals = new TerminalManager({ ...config.terminals, home, logger: log.child({ component: 'terminals' }) });
    const ctx: AppContext = {
      terminals,
      streaming,
      permissions,
      registry,
      pool,
      workspace,
      home,
      userHome: config.userHome,
      sql,
      broker,
      log,
      auth,
      version: VERSION,
      database: pg ? 'embedded' : 'external',
      tasks,
      subagents,
      mcpTokens: mcp.tokens,
    };
    const app = await buildApp(ctx, {
      ...(opts.webDir ? { webDir: opts.webDir } : {}),
      loopbackOnly: isLoopback(host),
      stream: { maxBufferedBytes: config.wsMaxBufferBytes, allowedOrigins: opts.allowedOrigins ?? [] },
    });
    const reaper = new WorktreeReaper(sql, workspace, log.child({ component: 'reaper' }), terminals);
    await app.listen({ host, port: config.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    const url = `http://${urlHost}:${port}`;
    // Before the worker starts: the agents of its first turns get the MCP server too.
    mcp.serve(url, opts.mcpCommand);
    await worker?.start();
    await workflows?.start();
    reaper.start(config.reapIntervalMs);
    const openSql = sql;
    const openPg = pg;
    const openRuntime = runtime;
    const openTerminals = terminals;
    let closing: Promise<void> | null = null;
    return {
      url,
      home,
      host,
      port,
      database: ctx.database,
      dataDir: pg?.dataDir ?? null,
      databasePort: pg?.port ?? null,
      bus,
      token: config.token,
      app,
      ctx,
      worker,
      workflows,
      pool,
      reaper,
      loginUrl: () => `${url}/api/auth/login?code=${auth.issueCode()}`,
      close() {
        // Order matters: stop taking requests, let in-flight writes finish, then the database.
        closing ??= (async () => {
          await app.close();
          // The shells keep running in tmux; only this server's connections to them end.
          await openTerminals.close();
          await reaper.stop();
          await openRuntime.close();
          await openSql.end({ timeout: 5 });
          await openPg?.stop();
          await lock.release();
          log.info('server stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await terminals?.close().catch(() => {});
    await runtime?.close().catch(() => {});
    await sql?.end({ timeout: 1 }).catch(() => {});
    await pg?.stop().catch(() => {});
    await lock.release();
    throw err;
  }
}
