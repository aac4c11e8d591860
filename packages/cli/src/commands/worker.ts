import type { Command } from 'commander';
import { createLogger, embeddedDatabaseUrl, isAlive, loadHomeConfig, resolveHome, startWorker } from '@boocode/server';
import { readServerFile } from '../server-file.js';
import { onStopSignal } from '../stop-signal.js';

/**
 * The database a worker joins: DATABASE_URL, or the embedded one of the server running on the
 * same home (`serverPid`: that server). A worker never starts a cluster of its own: a second
 * postmaster on a home whose server runs would fight it over the data directory, and one started
 * alone would serve nobody.
 */
export async function workerDatabase(home: string, env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; serverPid: number | null }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, serverPid: null };
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
  return { url: embeddedDatabaseUrl((await loadHomeConfig(home)).pg_password, running.database_port), serverPid: running.pid };
}

/** How often a worker on a server's embedded database checks that the server is still there. */
const SERVER_CHECK_MS = 2_000;

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run turns without an HTTP server, on DATABASE_URL or the database of the server running on --home')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .action(async (opts: { home?: string }) => {
      const log = createLogger();
      const home = resolveHome(opts.home);
      const database = await workerDatabase(home);
      const worker = await startWorker({ home, databaseUrl: database.url, logger: log });
      log.info({ worker_id: worker.id, home, concurrency: worker.concurrency, server_pid: database.serverPid }, 'worker running turns (no HTTP server)');
      process.stdout.write(`BooCode worker ${worker.id}\n  data directory: ${home}\n  concurrency:    ${worker.concurrency}\n`);
      onStopSignal(log, () => worker.close());
      if (database.serverPid !== null) {
        const serverPid = database.serverPid;
        // The embedded database stops with its server (and comes back on another port): nothing left to do.
        const watch = setInterval(() => {
          if (isAlive(serverPid)) return;
          clearInterval(watch);
          log.error({ server_pid: serverPid, home }, 'the server whose database this worker uses has stopped; stopping');
          void worker.close().finally(() => process.exit(1));
        }, SERVER_CHECK_MS);
        watch.unref();
      }
    });
}
