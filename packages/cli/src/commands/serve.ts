import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ServerInfo } from '@boocode/contracts';
import { onStopSignal } from '../stop-signal.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the BooCode server (embedded Postgres unless DATABASE_URL is set)')
    // No defaults or parsing here: the flags go through the same checks as the variables they override.
    .option('--port <port>', 'port to listen on (0 = any free port; default $BOOCODE_PORT or 7345)')
    .option('--host <host>', 'address to bind (default $BOOCODE_HOST or 127.0.0.1)')
    .option('--home <dir>', 'data directory (default $BOOCODE_HOME or ~/.boocode)')
    .option('--no-worker', 'serve only: turns run in `boocode worker` processes on the same database')
    .action(async ({ worker, ...flags }: { port?: string; host?: string; home?: string; worker: boolean }) => {
      // Loaded here, so that the client commands start without the server and its dependencies.
      const { createLogger, isLoopback, loadServerConfig, startServer } = await import('@boocode/server');
      const config = await loadServerConfig({ flags });
      const log = createLogger({ level: config.logLevel });
      if (!isLoopback(config.host)) {
        log.warn({ host: config.host }, 'binding a non-loopback address: anyone who can reach it and has the token controls your agents');
      }
      const server = await startServer(config, { logger: log, ...(worker ? {} : { worker: false as const }) });
      const serverFile = path.join(server.home, 'server.json');
      const info: ServerInfo = { url: server.url, pid: process.pid, bus: server.bus, database_port: server.databasePort };
      await writeFile(serverFile, JSON.stringify(info) + '\n', { mode: 0o600 });
      log.info(
        { url: server.url, home: server.home, database: server.database, bus: server.bus, worker_id: server.worker?.id ?? null },
        server.worker ? 'serving, with a turn worker' : 'serving only (no worker): turns run in `boocode worker` processes',
      );
      const lines = [
        `BooCode ${server.url}`,
        `  open (logs you in once): ${server.loginUrl()}`,
        `  data directory:          ${server.home}`,
        `  database:                ${server.database === 'embedded' ? `embedded PostgreSQL (${server.dataDir})` : 'external (DATABASE_URL)'}`,
        `  turns:                   ${server.worker ? 'run here' : 'run by `boocode worker` processes (--no-worker)'}`,
        `  API token:               in ${path.join(server.home, 'config.json')}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
      onStopSignal(log, async () => {
        await server.close();
        await rm(serverFile, { force: true });
      });
    });
}
