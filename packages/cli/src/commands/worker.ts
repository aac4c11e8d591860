import path from 'node:path';
import type { Command } from 'commander';
import { withExamples } from '../command.js';
import { onStopSignal } from '../stop-signal.js';

/** How often a worker on a server's embedded database checks that the server is still there. */
const SERVER_CHECK_MS = 2_000;

export function registerWorker(program: Command): void {
  withExamples(program.command('worker'), ['boocode worker', 'DATABASE_URL=postgres://db.internal/boocode boocode worker'])
    .description('run turns without an HTTP server, on DATABASE_URL or the database of the `serve --no-worker` running on the home')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .action(async (flags: { home?: string }) => {
      const { createLogger, embeddedDatabaseUrl, isAlive, loadServerConfig, startWorker } = await import('@boocode/server');
      const { readServerInfo } = await import('@boocode/client/node');
      const config = await loadServerConfig({ flags });
      const log = createLogger({ level: config.logLevel });
      const { home } = config;

      // DATABASE_URL, or the embedded database of the server running on this home. Never a cluster
      // of its own: a second postmaster on a home whose server runs would fight it over the data
      // directory, and one started alone would serve nobody.
      let databaseUrl = config.databaseUrl;
      let serverPid: number | null = null;
      const found = await readServerInfo(home);
      const running = found && isAlive(found.pid) ? found : null;
      if (!databaseUrl) {
        if (!running) {
          throw new Error(`no server is running on ${home} and DATABASE_URL is not set: start \`boocode serve --no-worker\` on this home first, or set DATABASE_URL`);
        }
        if (running.bus !== 'postgres') {
          throw new Error(
            `the server on ${home} (pid ${running.pid}) runs its own worker and keeps its frames in its process, so it would not show this worker's turns: restart it with \`boocode serve --no-worker\``,
          );
        }
        if (!running.database_port) throw new Error(`the server on ${home} (pid ${running.pid}) uses an external database: set DATABASE_URL to it`);
        databaseUrl = embeddedDatabaseUrl(config.pgPassword, running.database_port);
        serverPid = running.pid;
      }

      // The agents it starts reach BooCode's MCP server at the server on this home, as the server's own do.
      const mcp = running ? { url: running.url, command: { command: process.execPath, args: [path.resolve(process.argv[1]!), 'mcp'] } } : undefined;
      const worker = await startWorker(config, databaseUrl, { logger: log, ...(mcp ? { mcp } : {}) });
      onStopSignal(log, () => worker.close());
      log.info({ worker_id: worker.id, home, concurrency: worker.concurrency, server_pid: serverPid }, 'worker running turns (no HTTP server)');
      process.stdout.write(`BooCode worker ${worker.id}\n  data directory: ${home}\n  concurrency:    ${worker.concurrency}\n`);
      if (serverPid !== null) {
        const pid = serverPid;
        // The embedded database stops with its server (and comes back on another port): nothing left to do.
        const watch = setInterval(() => {
          if (isAlive(pid)) return;
          clearInterval(watch);
          log.error({ server_pid: pid, home }, 'the server whose database this worker uses has stopped; stopping');
          void worker.close().finally(() => process.exit(1));
        }, SERVER_CHECK_MS);
        watch.unref();
      }
    });
}
