import type { Command } from 'commander';
import { createLogger, embeddedDatabaseUrl, isAlive, loadHomeConfig, resolveHome, startWorker } from '@boocode/server';
import { readServerFile } from '../server-file.js';
import { onStopSignal } from '../stop-signal.js';

/**
 * The database a worker joins: DATABASE_URL, or the embedded one of the server running on the
 * same home. A worker never starts a cluster of its own: a second postmaster on a home whose
 * server runs would fight it over the data directory, and one started alone would serve nobody.
 */
export async function workerDatabaseUrl(home: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const running = await readServerFile(home);
  if (!running || !isAlive(running.pid)) {
    throw new Error(`no server is running on ${home} and DATABASE_URL is not set: start \`boocode serve --no-worker\` on this home first, or set DATABASE_URL`);
  }
  if (running.bus !== 'postgres') {
    throw new Error(
      `the server on ${home} (pid ${running.pid}) runs its own worker and keeps its frames in its process, so it would not show this worker's turns: restart it with \`boocode serve --no-worker\``,
    );
  }
  if (running.database_port == null) {
    throw new Error(`the server on ${home} (pid ${running.pid}) uses an external database: set DATABASE_URL to it`);
  }
  return embeddedDatabaseUrl((await loadHomeConfig(home)).pg_password, running.database_port);
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run turns without an HTTP server, on DATABASE_URL or the database of the server running on --home')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .action(async (opts: { home?: string }) => {
      const log = createLogger();
      const home = resolveHome(opts.home);
      const worker = await startWorker({ home, databaseUrl: await workerDatabaseUrl(home), logger: log });
      log.info({ worker_id: worker.id, home, concurrency: worker.concurrency }, 'worker running turns (no HTTP server)');
      process.stdout.write(`BooCode worker ${worker.id}\n  data directory: ${home}\n  concurrency:    ${worker.concurrency}\n`);
      onStopSignal(log, () => worker.close());
    });
}
