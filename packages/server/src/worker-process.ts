import { loadHomeConfig, resolveHome, type NativeProviderConfig } from './config/home.js';
import { connect, type Sql } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { createLogger, type Logger } from './logger.js';
import type { AgentRegistryOptions } from './agents/registry.js';
import type { WorkerOptions } from './tasks/worker.js';
import { agentIdleMs, VERSION, workerSettings } from './server.js';
import { startTurnRuntime, type TurnRuntime } from './turn-runtime.js';

export interface WorkerProcessOptions {
  home?: string;
  /** The shared database. A worker never starts a database of its own. */
  databaseUrl: string;
  logger?: Logger;
  worker?: Partial<WorkerOptions>;
  agents?: Pick<AgentRegistryOptions, 'overrides' | 'factory' | 'discovery'>;
  native?: NativeProviderConfig;
  agentIdleMs?: number;
  writeIntervalMs?: number;
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
 * A process that runs turns and serves no HTTP (`boocode worker`). Its frames reach the clients
 * of every server through the Postgres frame bus; permission answers and cancels reach it by
 * NOTIFY, as they reach any worker.
 */
export async function startWorker(opts: WorkerProcessOptions): Promise<RunningWorker> {
  const home = resolveHome(opts.home);
  const log = opts.logger ?? createLogger();
  const config = await loadHomeConfig(home);
  const sql: Sql = connect(opts.databaseUrl);
  let runtime: TurnRuntime | null = null;
  try {
    await migrate(sql, log);
    const settings = workerSettings(opts.worker);
    runtime = await startTurnRuntime({
      home,
      config,
      sql,
      databaseUrl: opts.databaseUrl,
      bus: 'postgres',
      listen: false,
      log,
      version: VERSION,
      replayFrames: 1,
      ...(opts.agents ? { agents: opts.agents } : {}),
      ...(opts.native ? { native: opts.native } : {}),
      agentIdleMs: opts.agentIdleMs ?? agentIdleMs(),
      writeIntervalMs: opts.writeIntervalMs ?? 100,
      worker: settings,
    });
    const worker = runtime.worker!;
    await worker.start();
    const open = runtime;
    let closing: Promise<void> | null = null;
    return {
      id: worker.id,
      home,
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
