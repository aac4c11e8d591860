import type { ServerConfig } from './config/server-config.js';
import { setGitBaseEnv } from './git/base-env.js';
import { connect } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { createLogger, type Logger } from './logger.js';
import { logUnknownKeys } from './config/unknown-keys.js';
import type { AgentRegistryOptions } from './agents/registry.js';
import type { McpCommand } from './mcp/endpoint.js';
import type { WorkerOptions } from './tasks/worker.js';
import type { WorkflowManagerOptions } from './workflows/manager.js';
import { VERSION } from './server.js';
import { startTurnRuntime, workerSettings, workflowSettings, type TurnRuntime } from './turn-runtime.js';

export interface WorkerProcessOptions {
  logger?: Logger;
  /** Fields given here win over the configuration. */
  worker?: Partial<WorkerOptions>;
  agents?: Pick<AgentRegistryOptions, 'overrides' | 'discovery'>;
  /** Coalescing interval of streamed message writes to the database. */
  writeIntervalMs?: number;
  /** Fields given here win over the configuration. */
  workflows?: Partial<WorkflowManagerOptions>;
  /**
   * The HTTP server whose MCP endpoint this worker's agents are given (the `serve` process on the
   * same home, whose token signs theirs), and how to start `boocode mcp` for stdio-only agents.
   * Without it, agents of this worker get no BooCode MCP server.
   */
  mcp?: { url: string; command?: McpCommand };
}

export interface RunningWorker {
  /** The lease owner written on the tasks it claims. */
  id: string;
  home: string;
  concurrency: number;
  /** Stops claiming; running turns are written down (interrupted) first. */
  close(): Promise<void>;
}

/**
 * A process that runs turns and workflow runs and serves no HTTP (`boocode worker`), on `databaseUrl`: a worker
 * never starts a database of its own. Its frames reach the clients of every server through the
 * Postgres frame bus; permission answers and cancels reach it by NOTIFY, as they reach any worker.
 */
export async function startWorker(config: ServerConfig, databaseUrl: string, opts: WorkerProcessOptions = {}): Promise<RunningWorker> {
  const log = opts.logger ?? createLogger({ level: config.logLevel });
  logUnknownKeys(log, config.unknownKeys);
  setGitBaseEnv(config.env);
  const sql = connect(databaseUrl);
  let runtime: TurnRuntime | null = null;
  try {
    await migrate(sql, log);
    const settings = workerSettings(config, opts.worker);
    runtime = await startTurnRuntime(config, {
      sql,
      databaseUrl,
      bus: 'postgres',
      listen: false,
      log,
      version: VERSION,
      ...(opts.agents ? { agents: opts.agents } : {}),
      writeIntervalMs: opts.writeIntervalMs ?? 100,
      worker: settings,
      workflows: workflowSettings(config, opts.workflows),
    });
    const worker = runtime.worker!;
    // Before the first claim: the agents of its first turns get the MCP server too.
    if (opts.mcp) runtime.mcp.serve(opts.mcp.url, opts.mcp.command);
    else log.warn({ home: config.home }, 'no server URL known: agents of this worker get no BooCode MCP server');
    await worker.start();
    // Workflow runs too: a run whose server died is taken over here as well.
    await runtime.workflows?.start();
    const open = runtime;
    let closing: Promise<void> | null = null;
    return {
      id: worker.id,
      home: config.home,
      concurrency: settings.concurrency,
      close() {
        closing ??= (async () => {
          await open.close();
          await sql.end({ timeout: 5 });
          log.info({ worker_id: worker.id }, 'worker stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await runtime?.close().catch(() => {});
    await sql.end({ timeout: 1 }).catch(() => {});
    throw err;
  }
}
